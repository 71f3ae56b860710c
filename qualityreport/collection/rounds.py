"""A collection round: a year and a deadline; each school-year submitted, returned or approved.

While a year has a round, the store's views report only the version the bureau approved
(store/views.py), so checks and reports of that year read approved data alone. Approval locks
the school-year: no upload replaces it until the bureau reopens it with a reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import InputError
from ..store import ExpectedSchool, Store, approval_locks
from ..store.queries import FindingTally, finding_tallies  # noqa: F401 (part of this module's API)
from .accounts import Account
from .audit import record

STATE_LABELS = {
    "not-submitted": "未提交",
    "submitted": "已提交待审核",
    "returned": "已退回",
    "approved": "已审核",
    "overdue": "逾期",
}
MAX_COMMENT_LENGTH = 2000


@dataclass(frozen=True)
class Round:
    year: int
    deadline: dt.datetime
    opened_at: dt.datetime
    opened_by: str

    def overdue(self, now: dt.datetime | None = None) -> bool:
        return (now or dt.datetime.now()) > self.deadline


@dataclass(frozen=True)
class SchoolState:
    """Where one expected school stands in a round, with the time of each step."""

    school_code: str
    school_name: str
    county: str
    state: str  # a key of STATE_LABELS
    last_upload_at: dt.datetime | None
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    comment: str | None
    submission_id: int | None  # the submitted (or approved) version
    version: int | None
    warnings: int | None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def locked(self) -> bool:
        return self.state == "approved"


def _round(row) -> Round:
    return Round(*row)


def get_round(store: Store, year: int) -> Round | None:
    found = store.rows(
        "SELECT year, deadline, opened_at, opened_by FROM collection_rounds WHERE year = ?", [year]
    )
    return _round(found[0]) if found else None


def current_round(store: Store) -> Round | None:
    """The round of the latest year opened."""
    found = store.rows(
        "SELECT year, deadline, opened_at, opened_by FROM collection_rounds ORDER BY year DESC LIMIT 1"
    )
    return _round(found[0]) if found else None


def open_round(store: Store, year: int, deadline: dt.datetime, actor: Account) -> Round:
    """Open the round of a year (or move its deadline); from now on its reports need approval."""
    if not 2000 <= year <= 2100:
        raise InputError("年度应为 2000—2100 之间的年份")
    with store.transaction():
        existing = get_round(store, year)
        if existing is None:
            store.con.execute(
                "INSERT INTO collection_rounds VALUES (?, ?, current_timestamp::TIMESTAMP, ?)",
                [year, deadline, actor.login],
            )
            action = "open-round"
        else:
            store.con.execute(
                "UPDATE collection_rounds SET deadline = ? WHERE year = ?", [deadline, year]
            )
            action = "change-deadline"
        record(
            store,
            actor.login,
            actor.role,
            action,
            year=year,
            detail=f"截止时间 {deadline:%Y-%m-%d %H:%M}",
        )
    opened = get_round(store, year)
    assert opened is not None
    return opened


def expected_schools(
    store: Store, year: int, city_schools: tuple[ExpectedSchool, ...] = ()
) -> list[ExpectedSchool]:
    """The schools of the city configuration, then every school with an account, by code."""
    found: dict[str, ExpectedSchool] = {s.school_code: s for s in city_schools if s.school_code}
    for code, name, county in store.rows(
        """SELECT a.school_code, coalesce(s.school_name, a.display_name), s.county
           FROM accounts a LEFT JOIN schools s USING (school_code)
           WHERE a.role = 'school'"""
    ):
        found.setdefault(code, ExpectedSchool(code, name, county))
    return sorted(found.values(), key=lambda s: s.school_code or "")


def _review_rows(store: Store, year: int, code: str | None = None) -> dict[str, tuple]:
    condition = "AND r.school_code = ?" if code else ""
    rows = store.rows(
        f"""SELECT r.school_code, r.state, r.submitted_at, r.reviewed_at, r.reviewed_by, r.comment,
                   r.submission_id, s.version, s.warnings
            FROM reviews r LEFT JOIN submissions s USING (submission_id)
            WHERE r.year = ? {condition}""",
        [year, code] if code else [year],
    )
    return {r[0]: r[1:] for r in rows}


def _last_uploads(store: Store, year: int) -> dict[str, dt.datetime]:
    return dict(
        store.rows(
            "SELECT school_code, max(uploaded_at) FROM uploads WHERE year = ? GROUP BY school_code",
            [year],
        )
    )


def school_states(
    store: Store, round_: Round, schools: list[ExpectedSchool], now: dt.datetime | None = None
) -> list[SchoolState]:
    """The dashboard: every expected school with its state and times."""
    reviews = _review_rows(store, round_.year)
    uploads = _last_uploads(store, round_.year)
    late = round_.overdue(now)
    states = []
    for school in schools:
        code = school.school_code or ""
        review = reviews.get(code)
        if review is None or review[0] == "withdrawn":
            state = "overdue" if late else "not-submitted"
        else:
            state = review[0]
        states.append(
            SchoolState(
                school_code=code,
                school_name=school.school_name or code,
                county=school.county or "",
                state=state,
                last_upload_at=uploads.get(code),
                submitted_at=review[1] if review and state != "overdue" else None,
                reviewed_at=review[2] if review else None,
                reviewed_by=review[3] if review else None,
                comment=review[4] if review else None,
                submission_id=review[5] if review and state != "not-submitted" else None,
                version=review[6] if review and state != "not-submitted" else None,
                warnings=review[7] if review else None,
            )
        )
    return states


def school_state(
    store: Store, round_: Round, school: ExpectedSchool, now: dt.datetime | None = None
) -> SchoolState:
    return school_states(store, round_, [school], now)[0]


def locked(store: Store, year: int, school_code: str) -> bool:
    """True while the bureau's approval locks the school-year."""
    return approval_locks(store, year, school_code)


def _review(store: Store, year: int, code: str) -> tuple | None:
    return _review_rows(store, year, code).get(code)


def _comment(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InputError(f"请填写{what}")
    if len(text) > MAX_COMMENT_LENGTH:
        raise InputError(f"{what}不能超过 {MAX_COMMENT_LENGTH} 字")
    return text


def approve(store: Store, year: int, school_code: str, actor: Account) -> None:
    """Approve the submitted version: its data enters the reports and the school-year locks."""
    with store.transaction():
        review = _review(store, year, school_code)
        if review is None or review[0] != "submitted":
            raise InputError("只有已提交待审核的数据可以审核通过")
        store.con.execute(
            """UPDATE reviews SET state = 'approved', reviewed_at = current_timestamp::TIMESTAMP,
                   reviewed_by = ?, comment = NULL
               WHERE year = ? AND school_code = ?""",
            [actor.login, year, school_code],
        )
        record(
            store,
            actor.login,
            actor.role,
            "approve",
            school_code=school_code,
            year=year,
            submission_id=review[5],
            version=review[6],
        )


def return_submission(
    store: Store, year: int, school_code: str, actor: Account, comment: str
) -> None:
    """Send the submitted version back to the school with a comment saying what to change."""
    comment = _comment(comment, "退回意见")
    with store.transaction():
        review = _review(store, year, school_code)
        if review is None or review[0] != "submitted":
            raise InputError("只有已提交待审核的数据可以退回")
        _set_returned(store, year, school_code, actor, comment)
        record(
            store,
            actor.login,
            actor.role,
            "return",
            school_code=school_code,
            year=year,
            submission_id=review[5],
            version=review[6],
            detail=comment,
        )


def reopen(store: Store, year: int, school_code: str, actor: Account, reason: str) -> None:
    """Unlock an approved school-year; its data leaves the reports until approved again."""
    reason = _comment(reason, "重新开放的原因")
    with store.transaction():
        review = _review(store, year, school_code)
        if review is None or review[0] != "approved":
            raise InputError("只有已审核的数据可以重新开放")
        _set_returned(store, year, school_code, actor, reason)
        record(
            store,
            actor.login,
            actor.role,
            "reopen",
            school_code=school_code,
            year=year,
            submission_id=review[5],
            version=review[6],
            detail=reason,
        )


def _set_returned(store: Store, year: int, code: str, actor: Account, comment: str) -> None:
    store.con.execute(
        """UPDATE reviews SET state = 'returned', reviewed_at = current_timestamp::TIMESTAMP,
               reviewed_by = ?, comment = ?
           WHERE year = ? AND school_code = ?""",
        [actor.login, comment, year, code],
    )
