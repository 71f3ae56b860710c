"""Store validation results: one transaction per workbook, new versions supersede old ones."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from ..errors import StoreError, first_line
from ..findings import Finding, make_finding
from ..records import Submission, ValidationResult
from ..spec import Spec
from .queries import approval_locks, latest_year
from .schema import Store
from .sql import quote

# locked: the bureau approved the school-year; unreadable: rejected because the file could not be
# read at all; failed: a fault of ours while storing it, rolled back and not recorded (the batch
# goes on).
OUTCOMES = (
    "accepted",
    "unchanged",
    "superseded-previous",
    "locked",
    "rejected",
    "unreadable",
    "failed",
)
_POLARS_TYPES = {"integer": pl.Int64, "number": pl.Float64, "string": pl.String}


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one workbook."""

    file: str
    school_code: str | None
    year: int | None
    outcome: str  # one of OUTCOMES
    version: int | None
    errors: int
    warnings: int
    submission_id: int | None = None
    # rejected before, with the same content: not recorded a second time
    already_recorded: bool = False
    findings: tuple[Finding, ...] = ()  # what ingest itself found (an earlier year replaced)
    detail: str | None = None  # why storing failed (outcome "failed")

    @property
    def stored(self) -> bool:
        return self.outcome in ("accepted", "superseded-previous")

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "school_code": self.school_code,
            "year": self.year,
            "outcome": self.outcome,
            "version": self.version,
            "errors": self.errors,
            "warnings": self.warnings,
            "submission_id": self.submission_id,
            "already_recorded": self.already_recorded,
            "findings": [f.to_dict() for f in self.findings],
            "detail": self.detail,
        }


@dataclass(frozen=True)
class IngestReport:
    outcomes: tuple[IngestOutcome, ...]

    def count(self, outcome: str) -> int:
        return sum(o.outcome == outcome for o in self.outcomes)

    @property
    def rejected(self) -> int:
        return self.count("rejected") + self.count("unreadable")

    def to_dict(self) -> dict:
        return {
            "files": len(self.outcomes),
            "counts": {o: self.count(o) for o in OUTCOMES},
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _values_frame(submission_id: int, submission: Submission) -> pl.DataFrame:
    cells = list(submission.values.values())
    return pl.DataFrame(
        {
            "submission_id": [submission_id] * len(cells),
            "indicator_id": [c.indicator for c in cells],
            "value_number": [_number(c.value) for c in cells],
            "value_text": [
                None if c.value is None or _number(c.value) is not None else str(c.value)
                for c in cells
            ],
            "source_cell": [c.source for c in cells],
        },
        schema={
            "submission_id": pl.Int64,
            "indicator_id": pl.String,
            "value_number": pl.Float64,
            "value_text": pl.String,
            "source_cell": pl.String,
        },
    )


def _specialties_frame(store: Store, submission_id: int, submission: Submission) -> pl.DataFrame:
    columns = store.spec.specialties.columns
    rows = submission.specialties
    data: dict[str, list[Any]] = {
        "submission_id": [submission_id] * len(rows),
        "row_number": [r.row for r in rows],
    }
    schema: dict[str, Any] = {"submission_id": pl.Int64, "row_number": pl.Int32}
    for column in columns:
        data[column.id] = [r.values.get(column.id) for r in rows]
        schema[column.id] = _POLARS_TYPES[column.type]
    # strict: a value of the wrong type is a bug upstream, and must abort this workbook's transaction
    return pl.DataFrame(data, schema=schema, strict=True)


def _narratives_frame(submission_id: int, submission: Submission) -> pl.DataFrame:
    items = list(submission.narratives.items())
    return pl.DataFrame(
        {
            "submission_id": [submission_id] * len(items),
            "section_id": [k for k, _ in items],
            "text": [v for _, v in items],
        },
        schema={"submission_id": pl.Int64, "section_id": pl.String, "text": pl.String},
    )


def _findings_frame(submission_id: int, found: tuple[Finding, ...]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "submission_id": [submission_id] * len(found),
            "severity": [f.severity for f in found],
            "code": [f.code for f in found],
            "rule": [f.rule for f in found],
            "sheet": [f.sheet for f in found],
            "cell": [f.cell for f in found],
            "row_number": [f.row for f in found],
            "indicator": [f.indicator for f in found],
            "found": [f.found for f in found],
            "expected": [f.expected for f in found],
            "message_zh": [f.message_zh for f in found],
            "message_en": [f.message_en for f in found],
        },
        schema={
            "submission_id": pl.Int64,
            "severity": pl.String,
            "code": pl.String,
            "rule": pl.String,
            "sheet": pl.String,
            "cell": pl.String,
            "row_number": pl.Int32,
            "indicator": pl.String,
            "found": pl.String,
            "expected": pl.String,
            "message_zh": pl.String,
            "message_en": pl.String,
        },
    )


def _append(store: Store, table: str, frame: pl.DataFrame) -> None:
    if frame.is_empty():
        return
    name = f"_incoming_{table}"
    store.con.register(name, frame.to_arrow())
    try:
        columns = ", ".join(quote(c) for c in frame.columns)
        store.con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {name}")
    finally:
        store.con.unregister(name)


def _insert_submission(
    store: Store,
    result: ValidationResult,
    status: str,
    version: int | None,
    errors: int | None = None,
) -> int:
    submission = result.submission
    submission_id = store.scalar("SELECT nextval('submission_id_seq')")
    path = Path(result.file)
    store.con.execute(
        "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?)",
        [
            submission_id,
            str(submission.school_code) if submission and submission.school_code else None,
            _year(submission),
            version,
            path.name,
            str(path),
            result.sha256 or (submission.sha256 if submission else None),
            status,
            submission.spec_version if submission else store.spec.version,
            submission.template_version if submission else None,
            result.errors if errors is None else errors,
            result.warnings,
        ],
    )
    return submission_id


def _year(submission: Submission | None) -> int | None:
    year = submission.year if submission else None
    try:
        return int(year) if year is not None else None
    except (TypeError, ValueError):
        return None


def _insert_values(store: Store, submission_id: int, submission: Submission) -> None:
    _append(store, "indicator_values", _values_frame(submission_id, submission))
    _append(store, "specialties", _specialties_frame(store, submission_id, submission))
    _append(store, "narratives", _narratives_frame(submission_id, submission))


_SCHOOL_ATTRIBUTES = (
    "school_name",
    "county",
    "operator_type",
    "school_category",
    "discipline_type",
)


def _upsert_school(store: Store, submission: Submission) -> None:
    # Plain INSERT/UPDATE: DuckDB's ON CONFLICT DO UPDATE costs several times more per row,
    # and most workbooks change nothing here.
    code, year = str(submission.school_code), _year(submission)
    attributes = tuple(submission.value(a) for a in _SCHOOL_ATTRIBUTES)
    found = store.rows(
        f"SELECT {', '.join(_SCHOOL_ATTRIBUTES)}, first_year, last_year FROM schools "
        "WHERE school_code = ?",
        [code],
    )
    if not found:
        store.con.execute(
            "INSERT INTO schools VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE)",
            [code, *attributes, year, year],
        )
        return
    *current, first_year, last_year = found[0]
    # the latest year's name and categories win; an older file only widens the year range
    latest = last_year is None or year >= last_year
    wanted = (
        *(attributes if latest else current),
        year if first_year is None else min(first_year, year),
        year if last_year is None else max(last_year, year),
    )
    if wanted != (*current, first_year, last_year):
        assignments = ", ".join(
            f"{c} = ?" for c in (*_SCHOOL_ATTRIBUTES, "first_year", "last_year")
        )
        store.con.execute(
            f"UPDATE schools SET {assignments} WHERE school_code = ?", [*wanted, code]
        )


def _accepted(result: ValidationResult, allow_warnings: bool) -> bool:
    if not result.valid or (result.warnings and not allow_warnings):
        return False
    submission = result.submission
    return submission is not None and bool(submission.school_code) and _year(submission) is not None


def _ingest_one(
    store: Store, result: ValidationResult, allow_warnings: bool, replace_earlier_years: bool
) -> IngestOutcome:
    submission = result.submission
    school_code = str(submission.school_code) if submission and submission.school_code else None
    year = _year(submission)

    def outcome(
        kind: str, version: int | None, submission_id: int | None, **more: Any
    ) -> IngestOutcome:
        return IngestOutcome(
            result.file,
            school_code,
            year,
            kind,
            version,
            result.errors + len(more.get("findings", ())),
            result.warnings,
            submission_id,
            **more,
        )

    if submission is None or not _accepted(result, allow_warnings):
        return _reject(store, result, outcome, "rejected" if result.usable else "unreadable")

    found = store.rows(
        """SELECT max(submission_id) FILTER (WHERE status = 'accepted'),
                  max(version) FILTER (WHERE status = 'accepted'),
                  max(sha256) FILTER (WHERE status = 'accepted'),
                  max(version),
                  max(ingested_at) FILTER (WHERE status = 'accepted')
           FROM submissions WHERE school_code = ? AND year = ?""",
        [school_code, year],
    )[0]
    current = [found[:3]] if found[0] is not None else []
    if current and current[0][2] == submission.sha256:
        return outcome("unchanged", current[0][1], current[0][0])
    if approval_locks(store, year, school_code):
        # The bureau approved this school-year: nothing replaces it until it is reopened.
        return outcome("locked", current[0][1] if current else None, None)
    latest = latest_year(store)
    if current and latest is not None and year is not None and year < latest:
        if not replace_earlier_years:
            # Last year's file sent again this year would silently become a new version of
            # last year's return: replacing an earlier year's data must be asked for.
            where = submission.values["year"].source.rpartition("!")
            refusal = make_finding(
                "submission-replaces-earlier-year",
                result.file,
                sheet=where[0],
                cell=where[2],
                indicator="year",
                found=school_code,
                expected=year,
                version=current[0][1],
                latest=latest,
            )
            return _reject(store, result, outcome, "rejected", (refusal,))
    version = (found[3] or 0) + 1
    if current:
        store.con.execute(
            "UPDATE submissions SET status = 'superseded' WHERE submission_id = ?", [current[0][0]]
        )
    submission_id = _insert_submission(store, result, "accepted", version)
    _insert_values(store, submission_id, submission)
    _append(store, "findings", _findings_frame(submission_id, result.findings))
    _upsert_school(store, submission)
    return outcome("superseded-previous" if current else "accepted", version, submission_id)


def _reject(
    store: Store,
    result: ValidationResult,
    outcome,
    kind: str,
    found: tuple[Finding, ...] = (),
) -> IngestOutcome:
    """Record a rejected file with its findings, once: the same bytes rejected again are not."""
    key, value = ("sha256", result.sha256) if result.sha256 else ("file_path", str(result.file))
    before = store.scalar(
        f"SELECT max(submission_id) FROM submissions WHERE status = 'rejected' AND {key} = ? "
        "AND errors = ? AND warnings = ?",
        [value, result.errors + len(found), result.warnings],
    )
    if before is not None:
        return outcome(kind, None, before, already_recorded=True, findings=found)
    submission_id = _insert_submission(
        store, result, "rejected", None, errors=result.errors + len(found)
    )
    _append(store, "findings", _findings_frame(submission_id, result.findings + found))
    return outcome(kind, None, submission_id, findings=found)


def ingest_iter(
    store: Store,
    results: Iterable[ValidationResult],
    *,
    allow_warnings: bool = False,
    replace_earlier_years: bool = False,
) -> Iterator[IngestOutcome]:
    """Store each result in its own transaction and yield what happened, as it happens.

    A fault while storing one file rolls that file back and is reported as "failed"; the batch
    goes on. Only the database itself failing (busy, unwritable, full) stops it.
    """
    if store.read_only:
        raise StoreError(f"数据库以只读方式打开 / database opened read-only: {store.path}")
    for result in results:
        store.con.execute("BEGIN TRANSACTION")
        try:
            outcome = _ingest_one(store, result, allow_warnings, replace_earlier_years)
            store.con.execute("COMMIT")
        except Exception as exc:
            store.con.execute("ROLLBACK")
            if isinstance(exc, StoreError | duckdb.IOException | duckdb.FatalException):
                if isinstance(exc, StoreError):
                    raise
                raise StoreError(
                    f"入库失败，已回滚 / ingest failed and was rolled back: {result.file}: "
                    f"{first_line(exc)}"
                ) from exc
            outcome = IngestOutcome(
                result.file,
                None,
                None,
                "failed",
                None,
                result.errors,
                result.warnings,
                detail=f"{type(exc).__name__}: {first_line(exc)}",
            )
        yield outcome


def ingest(
    store: Store,
    results: Iterable[ValidationResult],
    *,
    allow_warnings: bool = False,
    replace_earlier_years: bool = False,
) -> IngestReport:
    """Store validation results; valid ones (without warnings unless allowed) are accepted.

    A file that would replace an accepted return of a year before the latest year in the
    database is refused unless replace_earlier_years is set.
    """
    return IngestReport(
        tuple(
            ingest_iter(
                store,
                results,
                allow_warnings=allow_warnings,
                replace_earlier_years=replace_earlier_years,
            )
        )
    )


def ingest_paths(
    db_path: str | Path,
    paths: Iterable[str | Path],
    spec: Spec | None = None,
    allow_warnings: bool = False,
    replace_earlier_years: bool = False,
) -> IngestReport:
    """Validate workbooks (directories are expanded) and store them in the database at db_path.

    They are validated against the spec the database records; a new database records `spec`
    (the shipped one by default).
    """
    from ..validate import validate_paths
    from .schema import open_store

    with open_store(db_path, spec) as store:
        results = validate_paths(list(paths), store.spec)
        return ingest(
            store,
            results,
            allow_warnings=allow_warnings,
            replace_earlier_years=replace_earlier_years,
        )
