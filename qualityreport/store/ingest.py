"""Store validation results in batches, one transaction each; new versions supersede old ones."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ..errors import StoreError, first_line
from ..findings import Finding, make_finding
from ..records import Submission, ValidationResult
from ..spec import Spec
from .queries import latest_year
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


def _year(submission: Submission | None) -> int | None:
    year = submission.year if submission else None
    try:
        return int(year) if year is not None else None
    except (TypeError, ValueError):
        return None


def _accepted(result: ValidationResult, allow_warnings: bool) -> bool:
    if not result.valid or (result.warnings and not allow_warnings):
        return False
    submission = result.submission
    return submission is not None and bool(submission.school_code) and _year(submission) is not None


@dataclass
class _Row:
    """A submissions row the batch will insert; its id is given when the batch is written."""

    result: ValidationResult
    status: str  # accepted, superseded (by a later file of the same batch) or rejected
    version: int | None
    errors: int
    findings: tuple[Finding, ...]
    submission_id: int = 0


_Stored = int | _Row  # a submission in the database, or one the batch is about to insert


def _id(stored: _Stored | None) -> int | None:
    return stored.submission_id if isinstance(stored, _Row) else stored


@dataclass
class _Current:
    """A school-year as the database holds it, and as the batch leaves it so far."""

    accepted: _Stored | None = None
    version: int | None = None
    sha256: str | None = None
    last_version: int = 0  # of any status


class _Batch:
    """A batch of results decided against the database, then written with a few statements.

    Every result is decided in turn, exactly as if each were stored in a transaction of its own:
    a later file of the same school-year sees the earlier one's version, a file rejected twice is
    recorded once, a year accepted earlier in the batch counts as the latest year.
    """

    def __init__(self, store: Store, results: list[ValidationResult]):
        self.store = store
        codes = sorted(
            {
                str(r.submission.school_code)
                for r in results
                if r.submission and r.submission.school_code
            }
        )
        self.current: dict[tuple[str | None, int | None], _Current] = {}
        self.locked: set[tuple[str, int]] = set()
        if codes:
            for code, year, accepted, version, sha256, last in store.rows(
                """SELECT school_code, year,
                          max(submission_id) FILTER (WHERE status = 'accepted'),
                          max(version) FILTER (WHERE status = 'accepted'),
                          max(sha256) FILTER (WHERE status = 'accepted'),
                          max(version)
                   FROM submissions WHERE school_code IN (SELECT unnest(?))
                   GROUP BY school_code, year""",
                [codes],
            ):
                self.current[code, year] = _Current(accepted, version, sha256, last or 0)
            self.locked = set(
                store.rows(
                    "SELECT school_code, year FROM reviews WHERE state = 'approved' "
                    "AND school_code IN (SELECT unnest(?))",
                    [codes],
                )
            )
        self.latest = latest_year(store)
        # in a year with a collection round, a version counts once the bureau approves it
        self.round_years = {row[0] for row in store.rows("SELECT year FROM collection_rounds")}
        self.rejected = self._rejected_before(results)
        self.rows: list[_Row] = []
        self.superseded: list[int] = []

    def _rejected_before(self, results: list[ValidationResult]) -> dict[tuple, _Stored]:
        """(how the file is known, errors, warnings) → the rejected submission recorded so."""
        hashes = sorted({r.sha256 for r in results if r.sha256})
        paths = sorted({str(r.file) for r in results if not r.sha256})
        found = self.store.rows(
            """SELECT 'sha256', sha256, errors, warnings, max(submission_id) FROM submissions
               WHERE status = 'rejected' AND sha256 IN (SELECT unnest(?::VARCHAR[]))
               GROUP BY ALL
               UNION ALL
               SELECT 'file_path', file_path, errors, warnings, max(submission_id) FROM submissions
               WHERE status = 'rejected' AND file_path IN (SELECT unnest(?::VARCHAR[]))
               GROUP BY ALL""",
            [hashes, paths],
        )
        return {
            (kind, value, errors, warnings): sid for kind, value, errors, warnings, sid in found
        }

    def decide(
        self, result: ValidationResult, allow_warnings: bool, replace_earlier_years: bool
    ) -> Callable[[], IngestOutcome]:
        """What happens to one result; the outcome is made once the batch is written."""
        submission = result.submission
        school_code = str(submission.school_code) if submission and submission.school_code else None
        year = _year(submission)

        def outcome(
            kind: str, version: int | None, stored: _Stored | None, **more: Any
        ) -> Callable[[], IngestOutcome]:
            return lambda: IngestOutcome(
                result.file,
                school_code,
                year,
                kind,
                version,
                result.errors + len(more.get("findings", ())),
                result.warnings,
                _id(stored),
                **more,
            )

        if submission is None or not _accepted(result, allow_warnings):
            return self._reject(result, outcome, "rejected" if result.usable else "unreadable")
        current = self.current.setdefault((school_code, year), _Current())
        if current.accepted is not None and current.sha256 == submission.sha256:
            return outcome("unchanged", current.version, current.accepted)
        if (school_code, year) in self.locked:
            # The bureau approved this school-year: nothing replaces it until it is reopened.
            return outcome("locked", current.version, None)
        latest = self.latest
        if current.accepted is not None and latest is not None and year is not None:
            if year < latest and not replace_earlier_years:
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
                    version=current.version,
                    latest=latest,
                )
                return self._reject(result, outcome, "rejected", (refusal,))
        replaced = current.accepted
        if isinstance(replaced, _Row):
            replaced.status = "superseded"
        elif replaced is not None:
            self.superseded.append(replaced)
        row = _Row(result, "accepted", current.last_version + 1, result.errors, result.findings)
        self.rows.append(row)
        current.accepted, current.version = row, row.version
        current.sha256, current.last_version = submission.sha256, current.last_version + 1
        if year is not None and year not in self.round_years:
            self.latest = year if latest is None else max(latest, year)
        kind = "superseded-previous" if replaced is not None else "accepted"
        return outcome(kind, row.version, row)

    def _reject(
        self,
        result: ValidationResult,
        outcome: Callable[..., Callable[[], IngestOutcome]],
        kind: str,
        found: tuple[Finding, ...] = (),
    ) -> Callable[[], IngestOutcome]:
        """Record a rejected file with its findings, once: the same bytes rejected again are not."""
        errors = result.errors + len(found)
        known = ("sha256", result.sha256) if result.sha256 else ("file_path", str(result.file))
        key = (*known, errors, result.warnings)
        before = self.rejected.get(key)
        if before is not None:
            return outcome(kind, None, before, already_recorded=True, findings=found)
        row = _Row(result, "rejected", None, errors, result.findings + found)
        self.rows.append(row)
        self.rejected[key] = row
        return outcome(kind, None, row, findings=found)

    def write(self) -> None:
        """Insert the batch's submissions with their values, mark the versions they replace,
        bring the schools up to date."""
        store = self.store
        if not self.rows:
            return
        ids = store.rows(
            "SELECT nextval('submission_id_seq') AS id FROM range(?) ORDER BY id",
            [len(self.rows)],
        )
        for row, (submission_id,) in zip(self.rows, ids, strict=True):
            row.submission_id = submission_id
        if self.superseded:
            store.con.execute(
                "UPDATE submissions SET status = 'superseded' "
                "WHERE submission_id IN (SELECT unnest(?))",
                [self.superseded],
            )
        stored = [r for r in self.rows if r.status != "rejected"]
        _append(
            store,
            "submissions",
            _submissions_table(store, self.rows),
            "ingested_at = current_timestamp",
        )
        _append(store, "indicator_values", _values_table(stored))
        _append(store, "specialties", _specialties_table(store, stored))
        _append(store, "narratives", _narratives_table(stored))
        _append(store, "findings", _findings_table(self.rows))
        _update_schools(store, [r.result.submission for r in stored if r.result.submission])


def _table(columns: dict[str, tuple[Any, list]]):
    """An Arrow table from column name → (Arrow type, values); a value of another type raises."""
    import pyarrow as pa

    return pa.table({name: pa.array(values, type=kind) for name, (kind, values) in columns.items()})


def _submissions_table(store: Store, rows: list[_Row]):
    import pyarrow as pa

    def submission_of(row: _Row) -> Submission | None:
        return row.result.submission

    paths = [Path(r.result.file) for r in rows]
    return _table(
        {
            "submission_id": (pa.int64(), [r.submission_id for r in rows]),
            "school_code": (
                pa.string(),
                [
                    str(s.school_code) if (s := submission_of(r)) and s.school_code else None
                    for r in rows
                ],
            ),
            "year": (pa.int32(), [_year(submission_of(r)) for r in rows]),
            "version": (pa.int32(), [r.version for r in rows]),
            "file_name": (pa.string(), [p.name for p in paths]),
            "file_path": (pa.string(), [str(p) for p in paths]),
            "sha256": (
                pa.string(),
                [r.result.sha256 or (s.sha256 if (s := submission_of(r)) else None) for r in rows],
            ),
            "status": (pa.string(), [r.status for r in rows]),
            "spec_version": (
                pa.string(),
                [s.spec_version if (s := submission_of(r)) else store.spec.version for r in rows],
            ),
            "template_version": (
                pa.string(),
                [s.template_version if (s := submission_of(r)) else None for r in rows],
            ),
            "errors": (pa.int32(), [r.errors for r in rows]),
            "warnings": (pa.int32(), [r.result.warnings for r in rows]),
        }
    )


def _values_table(rows: list[_Row]):
    import pyarrow as pa

    ids, indicators, numbers, texts, sources = [], [], [], [], []
    for row in rows:
        assert row.result.submission is not None
        for cell in row.result.submission.values.values():
            number = _number(cell.value)
            ids.append(row.submission_id)
            indicators.append(cell.indicator)
            numbers.append(number)
            texts.append(None if cell.value is None or number is not None else str(cell.value))
            sources.append(cell.source)
    return _table(
        {
            "submission_id": (pa.int64(), ids),
            "indicator_id": (pa.string(), indicators),
            "value_number": (pa.float64(), numbers),
            "value_text": (pa.string(), texts),
            "source_cell": (pa.string(), sources),
        }
    )


_ARROW_TYPES = {"integer": "int64", "number": "float64", "string": "string"}


def _specialties_table(store: Store, rows: list[_Row]):
    import pyarrow as pa

    owners = [
        (row.submission_id, specialty)
        for row in rows
        if row.result.submission is not None
        for specialty in row.result.submission.specialties
    ]
    columns: dict[str, tuple[Any, list]] = {
        "submission_id": (pa.int64(), [sid for sid, _ in owners]),
        "row_number": (pa.int32(), [s.row for _, s in owners]),
    }
    for column in store.spec.specialties.columns:
        # a value of the wrong type is a bug upstream, and must abort the batch's transaction
        kind = getattr(pa, _ARROW_TYPES[column.type])()
        columns[column.id] = (kind, [s.values.get(column.id) for _, s in owners])
    return _table(columns)


def _narratives_table(rows: list[_Row]):
    import pyarrow as pa

    items = [
        (row.submission_id, section, text)
        for row in rows
        if row.result.submission is not None
        for section, text in row.result.submission.narratives.items()
    ]
    return _table(
        {
            "submission_id": (pa.int64(), [i[0] for i in items]),
            "section_id": (pa.string(), [i[1] for i in items]),
            "text": (pa.string(), [i[2] for i in items]),
        }
    )


def _findings_table(rows: list[_Row]):
    import pyarrow as pa

    found = [(row.submission_id, f) for row in rows for f in row.findings]
    text = pa.string()
    return _table(
        {
            "submission_id": (pa.int64(), [sid for sid, _ in found]),
            "severity": (text, [f.severity for _, f in found]),
            "code": (text, [f.code for _, f in found]),
            "rule": (text, [f.rule for _, f in found]),
            "sheet": (text, [f.sheet for _, f in found]),
            "cell": (text, [f.cell for _, f in found]),
            "row_number": (pa.int32(), [f.row for _, f in found]),
            "indicator": (text, [f.indicator for _, f in found]),
            "found": (text, [f.found for _, f in found]),
            "expected": (text, [f.expected for _, f in found]),
            "message_zh": (text, [f.message_zh for _, f in found]),
            "message_en": (text, [f.message_en for _, f in found]),
        }
    )


def _append(store: Store, table: str, rows, computed: str = "") -> None:
    """Insert an Arrow table's rows (and columns computed in SQL, "name = expression")."""
    if rows.num_rows == 0:
        return
    name = f"_incoming_{table}"
    columns = [quote(c) for c in rows.column_names]
    values = list(columns)
    if computed:
        column, _, expression = computed.partition(" = ")
        columns.append(column)
        values.append(expression)
    store.con.register(name, rows)
    # not unregistered when the insert fails: the transaction is then aborted until rolled back,
    # and the next batch's table replaces it under the same name
    store.con.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {name}"
    )
    store.con.unregister(name)


_SCHOOL_ATTRIBUTES = (
    "school_name",
    "county",
    "operator_type",
    "school_category",
    "discipline_type",
)


def _update_schools(store: Store, submissions: list[Submission]) -> None:
    """Each stored submission's school, in turn: the latest year's name and categories win, an
    older file only widens the year range."""
    if not submissions:
        return
    codes = sorted({str(s.school_code) for s in submissions})
    known = {
        row[0]: row[1:]
        for row in store.rows(
            f"SELECT school_code, {', '.join(_SCHOOL_ATTRIBUTES)}, first_year, last_year "
            "FROM schools WHERE school_code IN (SELECT unnest(?))",
            [codes],
        )
    }
    wanted = dict(known)
    for submission in submissions:
        code, year = str(submission.school_code), _year(submission)
        attributes = tuple(submission.value(a) for a in _SCHOOL_ATTRIBUTES)
        if code not in wanted:
            wanted[code] = (*attributes, year, year)
            continue
        *current, first_year, last_year = wanted[code]
        latest = last_year is None or (year is not None and year >= last_year)
        wanted[code] = (
            *(attributes if latest else current),
            year if first_year is None else min(first_year, year),
            year if last_year is None else max(last_year, year),
        )
    changed = {code: row for code, row in wanted.items() if known.get(code) != row}
    if not changed:
        return
    import pyarrow as pa

    names = (*_SCHOOL_ATTRIBUTES, "first_year", "last_year")
    columns: dict[str, tuple[Any, list]] = {"school_code": (pa.string(), list(changed))}
    for n, name in enumerate(names):
        kind = pa.int32() if name.endswith("_year") else pa.string()
        columns[name] = (kind, [row[n] for row in changed.values()])
    store.con.register("_incoming_schools", _table(columns))
    assignments = ", ".join(f"{c} = i.{c}" for c in names)
    store.con.execute(
        f"UPDATE schools SET {assignments} FROM _incoming_schools i "
        "WHERE schools.school_code = i.school_code"
    )
    store.con.execute(
        f"INSERT INTO schools (school_code, {', '.join(names)}, expected) "
        f"SELECT school_code, {', '.join(names)}, FALSE FROM _incoming_schools "
        "WHERE school_code NOT IN (SELECT school_code FROM schools)"
    )
    store.con.unregister("_incoming_schools")


def _store_batch(
    store: Store,
    results: list[ValidationResult],
    allow_warnings: bool,
    replace_earlier_years: bool,
) -> list[IngestOutcome]:
    """Store a batch in one transaction: all of it, or (raising) none of it."""
    with store.transaction():
        batch = _Batch(store, results)
        made = [batch.decide(r, allow_warnings, replace_earlier_years) for r in results]
        batch.write()
    return [outcome() for outcome in made]


def _database_failed(exc: Exception, result: ValidationResult) -> StoreError | None:
    """The database itself failing (busy, unwritable, full) stops the ingest; None otherwise."""
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, duckdb.IOException | duckdb.FatalException):
        return StoreError(
            f"入库失败，已回滚 / ingest failed and was rolled back: {result.file}: "
            f"{first_line(exc)}"
        )
    return None


def ingest_iter(
    store: Store,
    results: Iterable[ValidationResult],
    *,
    allow_warnings: bool = False,
    replace_earlier_years: bool = False,
    batch_size: int = 64,
) -> Iterator[IngestOutcome]:
    """Store results in batches and yield what happened to each, a batch at a time.

    Each batch is one transaction: its files are stored all together, or not at all. When a
    fault in one file stops a batch, the batch is rolled back and its files are stored one by
    one: that file is reported as "failed" and the others are stored. Only the database itself
    failing (busy, unwritable, full) stops the ingest.
    """
    if store.read_only:
        raise StoreError(f"数据库以只读方式打开 / database opened read-only: {store.path}")
    pending = iter(results)
    while batch := list(itertools.islice(pending, batch_size)):
        try:
            yield from _store_batch(store, batch, allow_warnings, replace_earlier_years)
            continue
        except Exception as exc:
            stop = _database_failed(exc, batch[0])
            if stop is not None:
                raise stop from exc
        for result in batch:  # the batch was rolled back: each file on its own, to find the fault
            try:
                (outcome,) = _store_batch(store, [result], allow_warnings, replace_earlier_years)
            except Exception as exc:
                stop = _database_failed(exc, result)
                if stop is not None:
                    raise stop from exc
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
