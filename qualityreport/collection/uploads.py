"""A school's uploads: stored under generated names, validated like `validate`, ingested, submitted."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..findings import Finding
from ..read import WORKBOOK_SUFFIXES, Limits
from ..store import ingest
from ..store.schema import Store
from .access import SerialStore
from .accounts import Account
from .audit import record
from .rounds import locked

MAX_EXPLANATION_LENGTH = 1000
OUTCOME_LABELS = {
    "accepted": "已接收，可以提交",
    "superseded-previous": "已接收（新版本），可以提交",
    "unchanged": "与上次上传的文件相同",
    "rejected": "有错误，请修改后重新上传",
    "wrong-school": "不是本校的工作簿",
    "wrong-year": "不是本年度的工作簿",
}


class UploadRefused(InputError):
    """An upload that is not taken at all (locked school-year, no round, wrong kind of file)."""


@dataclass(frozen=True)
class Upload:
    upload_id: str
    school_code: str
    year: int
    uploaded_at: dt.datetime
    uploaded_by: str
    original_name: str
    outcome: str
    submission_id: int | None
    detail: str | None
    version: int | None
    status: str | None  # of its submission: accepted | superseded | rejected
    errors: int
    warnings: int

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def submittable(self) -> bool:
        """Its version is the school-year's current one, with no errors."""
        return self.status == "accepted" and self.errors == 0


_COLUMNS = """u.upload_id, u.school_code, u.year, u.uploaded_at, u.uploaded_by, u.original_name,
    u.outcome, u.submission_id, u.detail, s.version, s.status,
    coalesce(s.errors, 0), coalesce(s.warnings, 0)"""


def uploads_of(store: Store, school_code: str, year: int | None = None) -> list[Upload]:
    """A school's uploads, latest first."""
    condition = "AND u.year = ?" if year is not None else ""
    rows = store.rows(
        f"""SELECT {_COLUMNS} FROM uploads u LEFT JOIN submissions s USING (submission_id)
            WHERE u.school_code = ? {condition} ORDER BY u.uploaded_at DESC, u.upload_id""",
        [school_code, year] if year is not None else [school_code],
    )
    return [Upload(*r) for r in rows]


def get_upload(store: Store, upload_id: str, school_code: str | None) -> Upload | None:
    """One upload; with a school code, only if it is that school's (None otherwise)."""
    rows = store.rows(
        f"""SELECT {_COLUMNS} FROM uploads u LEFT JOIN submissions s USING (submission_id)
            WHERE u.upload_id = ?""",
        [upload_id],
    )
    if not rows:
        return None
    upload = Upload(*rows[0])
    if school_code is not None and upload.school_code != school_code:
        return None
    return upload


def upload_of_submission(store: Store, submission_id: int) -> Upload | None:
    found = store.rows(
        "SELECT upload_id FROM uploads WHERE submission_id = ? ORDER BY uploaded_at LIMIT 1",
        [submission_id],
    )
    return get_upload(store, found[0][0], None) if found else None


def stored_findings(store: Store, submission_id: int) -> list[Finding]:
    """The findings validation reported for a stored version, in the order it reported them."""
    rows = store.rows(
        """SELECT severity, code, sheet, cell, row_number, indicator, found, expected, rule,
                  message_zh, message_en
           FROM findings WHERE submission_id = ? ORDER BY rowid""",
        [submission_id],
    )
    return [
        Finding(
            severity=r[0],
            code=r[1],
            file="",
            message_zh=r[9],
            message_en=r[10],
            sheet=r[2],
            cell=r[3],
            row=r[4],
            indicator=r[5],
            found=r[6],
            expected=r[7],
            rule=r[8],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class Explanation:
    sheet: str | None
    cell: str | None
    code: str
    rule: str | None
    text: str
    written_by: str
    written_at: dt.datetime


def explanations(store: Store, submission_id: int) -> list[Explanation]:
    rows = store.rows(
        """SELECT sheet, cell, code, rule, text, written_by, written_at
           FROM explanations WHERE submission_id = ? ORDER BY rowid""",
        [submission_id],
    )
    return [Explanation(*r) for r in rows]


def refusal(store: Store, school_code: str, year: int | None) -> str | None:
    """Why the school cannot upload now, or None when it can."""
    if year is None:
        return "教育局尚未开启填报，暂不能上传。"
    if locked(store, year, school_code):
        return (
            f"本校 {year} 年度的数据已审核通过并锁定，不能再上传。如需修改，请联系教育局重新开放。"
        )
    return None


def _suffix(original_name: str) -> str:
    suffix = Path(original_name.replace("\\", "/")).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise UploadRefused("只能上传 Excel 工作簿（.xlsx、.xls）或 .ods 文件。")
    return suffix


def display_name(original_name: str) -> str:
    """The file's own name, without any folder a browser sent and without control characters."""
    name = original_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:120] or "workbook"


def receive_upload(
    access: SerialStore,
    account: Account,
    year: int | None,
    source: BinaryIO,
    original_name: str,
    *,
    limits: Limits | None = None,
) -> Upload:
    """Store a school's workbook under a generated name, validate it and record the outcome.

    Validation is `validate_workbook` (same findings, same read limits). A workbook of another
    school or year is refused without storing its data; one with errors is stored as rejected
    with its findings; otherwise it becomes the school-year's current (not yet submitted) version.
    """
    from ..validate import validate_workbook

    school_code = account.school_code
    if account.role != "school" or not school_code:
        raise UploadRefused("只有学校账号可以上传。")
    suffix = _suffix(original_name)
    limits = limits or Limits()
    if year is None:
        raise UploadRefused("教育局尚未开启填报，暂不能上传。")
    # whether the school-year is locked is decided under the write lock below, where it counts
    upload_id = uuid.uuid4().hex
    folder = access.files_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{upload_id}{suffix}"
    _copy_bounded(source, stored, limits.max_file_bytes)
    result = validate_workbook(stored, access.spec, limits=limits)
    submission = result.submission
    outcome, detail = None, None
    if submission is not None and submission.school_code and submission.year is not None:
        if str(submission.school_code) != school_code:
            outcome = "wrong-school"
            detail = f"工作簿中的学校代码是 {submission.school_code}，本校代码是 {school_code}。"
        elif int(submission.year) != year:
            outcome = "wrong-year"
            detail = f"工作簿的年度是 {submission.year}，本次填报的年度是 {year}。"
    with access.writing() as store:
        # checked again under the lock: the bureau may have approved since the first look
        reason = refusal(store, school_code, year)
        if reason:
            stored.unlink(missing_ok=True)
            raise UploadRefused(reason)
        submission_id = version = None
        if outcome is None:
            done = ingest(store, [result], allow_warnings=True).outcomes[0]
            outcome, submission_id, version = done.outcome, done.submission_id, done.version
        with store.transaction():
            store.con.execute(
                """INSERT INTO uploads VALUES (?, ?, ?, current_timestamp::TIMESTAMP, ?, ?, ?, ?,
                   ?, ?)""",
                [
                    upload_id,
                    school_code,
                    year,
                    account.login,
                    display_name(original_name),
                    stored.name,
                    outcome,
                    submission_id,
                    detail,
                ],
            )
            record(
                store,
                account.login,
                account.role,
                "upload",
                school_code=school_code,
                year=year,
                submission_id=submission_id,
                version=version,
                detail=f"{display_name(original_name)}: {OUTCOME_LABELS.get(outcome, outcome)}",
            )
            _withdraw_if_replaced(store, account, year)
        upload = get_upload(store, upload_id, school_code)
    assert upload is not None
    return upload


def _copy_bounded(source: BinaryIO, target: Path, max_bytes: int) -> None:
    written = 0
    with open(target, "wb") as out:
        while chunk := source.read(1024 * 1024):
            written += len(chunk)
            if written > max_bytes:
                out.close()
                target.unlink(missing_ok=True)
                raise UploadRefused(f"文件超过 {max_bytes // (1024 * 1024)} MB，不能上传。")
            out.write(chunk)


def _withdraw_if_replaced(store: Store, account: Account, year: int) -> None:
    # A new version supersedes a submitted one: the submission no longer stands.
    found = store.rows(
        """SELECT r.submission_id, s.version FROM reviews r JOIN submissions s USING (submission_id)
           WHERE r.year = ? AND r.school_code = ? AND r.state IN ('submitted', 'returned')
             AND s.status <> 'accepted'""",
        [year, account.school_code],
    )
    if not found:
        return
    store.con.execute(
        "UPDATE reviews SET state = 'withdrawn' WHERE year = ? AND school_code = ?",
        [year, account.school_code],
    )
    record(
        store,
        account.login,
        account.role,
        "withdraw",
        school_code=account.school_code,
        year=year,
        submission_id=found[0][0],
        version=found[0][1],
    )


def submit(store: Store, account: Account, upload: Upload, texts: dict[int, str]) -> None:
    """Submit an upload's version for review; every warning needs its explanation (说明).

    texts maps the position of each warning among the version's findings to its explanation.
    """
    if upload.school_code != account.school_code:
        raise InputError("不能提交其他学校的数据。")
    if locked(store, upload.year, upload.school_code):
        raise InputError("本年度数据已审核锁定，不能再提交。")
    if not upload.submittable or upload.submission_id is None:
        raise InputError("这个文件不能提交：它有错误，或已被更新的上传取代。")
    warnings = [f for f in stored_findings(store, upload.submission_id) if f.severity == "warning"]
    written = []
    for n, finding in enumerate(warnings):
        text = (texts.get(n) or "").strip()
        if not text:
            raise InputError(f"请为每条警告填写说明（{finding.location or '整个文件'}）。")
        if len(text) > MAX_EXPLANATION_LENGTH:
            raise InputError(f"说明不能超过 {MAX_EXPLANATION_LENGTH} 字。")
        written.append((finding, text))
    with store.transaction():
        store.con.execute(
            "DELETE FROM explanations WHERE submission_id = ?", [upload.submission_id]
        )
        for finding, text in written:
            store.con.execute(
                """INSERT INTO explanations VALUES (?, ?, ?, ?, ?, ?, ?,
                   current_timestamp::TIMESTAMP)""",
                [
                    upload.submission_id,
                    finding.sheet,
                    finding.cell,
                    finding.code,
                    finding.rule,
                    text,
                    account.login,
                ],
            )
        store.con.execute(
            """INSERT INTO reviews VALUES (?, ?, 'submitted', ?, current_timestamp::TIMESTAMP,
                   NULL, NULL, NULL)
               ON CONFLICT (year, school_code) DO UPDATE SET state = 'submitted',
                   submission_id = excluded.submission_id, submitted_at = excluded.submitted_at,
                   reviewed_at = NULL, reviewed_by = NULL""",
            [upload.year, upload.school_code, upload.submission_id],
        )
        record(
            store,
            account.login,
            account.role,
            "submit",
            school_code=upload.school_code,
            year=upload.year,
            submission_id=upload.submission_id,
            version=upload.version,
            detail=f"{len(written)} 条警告已说明" if written else None,
        )


def stored_path(access: SerialStore, upload: Upload, store: Store) -> Path:
    name = store.scalar("SELECT stored_name FROM uploads WHERE upload_id = ?", [upload.upload_id])
    return access.files_dir / "uploads" / str(name)


def annotated_copy(access: SerialStore, upload: Upload) -> Path:
    """The workbook with each finding's cell marked and a 校验结果 sheet (made once, kept)."""
    from ..annotate import annotate_workbook
    from ..validate import validate_workbook

    target = access.files_dir / "annotated" / f"{upload.upload_id}.xlsx"
    if target.exists():
        return target
    with access.reading() as store:
        source = stored_path(access, upload, store)
    result = validate_workbook(source, access.spec)
    partial = target.with_suffix(".partial")
    annotate_workbook(result, partial)
    partial.replace(target)
    return target


def school_template(access: SerialStore, year: int, school_code: str, school_name: str) -> Path:
    """This year's fill-in workbook with the school's code, name and year already in place."""
    from ..template import SchoolData, write_workbook

    target = access.files_dir / "templates" / f"{year}-{school_code}.xlsx"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        data = SchoolData(
            values={"school_code": school_code, "school_name": school_name, "year": year}
        )
        write_workbook(partial, access.spec, year, data)
        partial.replace(target)
    return target
