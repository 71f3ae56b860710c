"""Read the store: a school's history, completeness of a year, and read-only SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from ..city import CityConfig, CityEmploymentRate
from ..errors import StoreError, first_line
from ..findings import CATALOGUE
from ..spec import Spec
from .schema import Store
from .sql import quote
from .views import REPORTED_SUBMISSION


@dataclass(frozen=True)
class SubmissionRecord:
    """One row of a school's history."""

    submission_id: int
    school_code: str | None
    school_name: str | None
    year: int | None
    version: int | None
    status: str
    file_name: str
    sha256: str | None
    ingested_at: dt.datetime
    errors: int
    warnings: int

    def to_dict(self) -> dict:
        return {**self.__dict__, "ingested_at": self.ingested_at.isoformat(sep=" ")}


@dataclass(frozen=True)
class ExpectedSchool:
    """A school that ought to submit: from a school list, or known from earlier years."""

    school_code: str | None
    school_name: str | None
    county: str | None = None
    source: str = "school-list"  # school-list | earlier-years


@dataclass(frozen=True)
class SubmittedSchool:
    school_code: str
    school_name: str | None
    county: str | None
    version: int
    ingested_at: dt.datetime
    warnings: int
    expected: bool


@dataclass(frozen=True)
class MissingSchool:
    school_code: str | None
    school_name: str | None
    county: str | None
    source: str
    rejected: int  # files of this school and year that were rejected


@dataclass(frozen=True)
class StatusReport:
    year: int | None
    submitted: tuple[SubmittedSchool, ...]
    missing: tuple[MissingSchool, ...]

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.submitted) + len(self.missing)

    @property
    def received(self) -> int:
        return sum(s.expected for s in self.submitted)

    @property
    def share(self) -> float | None:
        return self.received / self.expected if self.expected else None

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "expected": self.expected,
            "received": self.received,
            "share": self.share,
            "submitted": [
                {**s.__dict__, "ingested_at": s.ingested_at.isoformat(sep=" ")}
                for s in self.submitted
            ],
            "missing": [m.__dict__ for m in self.missing],
        }


@dataclass(frozen=True)
class RateFigures:
    """A figure of one year the views do not hold (a city's own 就业率): each school's, each
    county's and the city's, as total over total; None where there are no graduates."""

    schools: dict[str, float | None]
    counties: dict[str, float | None]
    city: float | None


def city_employment_rate(store: Store, rate: CityEmploymentRate, year: int) -> RateFigures:
    """The city's own 就业率 for a year: the destinations it counts over all graduates.

    A destination a school left empty counts 0 (it reported none separately); a school that
    gave no graduates is left out of the county and city figures.
    """
    spec = store.spec
    rate = rate.checked(spec, None)
    assert spec.destinations is not None  # checked() says so
    counted = " + ".join(f"coalesce({quote(c)}, 0)" for c in rate.counts)
    rows = store.rows(
        f"""SELECT school_code, county, {counted}, {quote(spec.destinations.graduates)}
            FROM school_year WHERE year = ? ORDER BY school_code""",
        [year],
    )
    totals: dict[str | None, list[float]] = {}
    schools: dict[str, float | None] = {}
    for code, county, placed, graduates in rows:
        schools[code] = placed / graduates if graduates else None
        if graduates:
            for key in (county, None):
                sums = totals.setdefault(key, [0.0, 0.0])
                sums[0] += placed
                sums[1] += graduates
    counties: dict[str, float | None] = {
        str(key): sums[0] / sums[1] for key, sums in totals.items() if key is not None
    }
    city = totals.get(None)
    return RateFigures(schools, counties, city[0] / city[1] if city else None)


def history(store: Store, school: str) -> list[SubmissionRecord]:
    """Every submission of one school (by code, or by any name it submitted under), oldest first."""
    codes = [
        r[0]
        for r in store.rows(
            """SELECT DISTINCT school_code FROM submission_log
           WHERE school_code = ? OR school_name = ?
           UNION SELECT school_code FROM schools WHERE school_name = ?""",
            [school, school, school],
        )
        if r[0]
    ]
    if not codes:
        return []
    rows = store.rows(
        """SELECT submission_id, school_code, school_name, year, version, status, file_name,
                  sha256, ingested_at, errors, warnings
           FROM submission_log WHERE list_contains(?, school_code)
           ORDER BY year, submission_id""",
        [codes],
    )
    return [SubmissionRecord(*r) for r in rows]


def approval_locks(store: Store, year: int | None, school_code: str | None) -> bool:
    """True while the bureau's approval locks the school-year (until it reopens it)."""
    state = store.scalar(
        "SELECT state FROM reviews WHERE year = ? AND school_code = ?", [year, school_code]
    )
    return state == "approved"


def latest_year(store: Store) -> int | None:
    """The latest year school_year reports, read from the submissions it reports (the view
    itself computes every indicator of every school first)."""
    return store.scalar(f"SELECT max(year) FROM submissions WHERE {REPORTED_SUBMISSION}")


def expected_from_city(city: CityConfig) -> tuple[ExpectedSchool, ...]:
    """The schools a city configuration lists, as the schools expected to submit."""
    return tuple(ExpectedSchool(s.code, s.name, s.county or None) for s in city.schools)


def schools_expected(
    store: Store, year: int, school_list: tuple[ExpectedSchool, ...] | None = None
) -> list[ExpectedSchool]:
    """Who should have submitted for a year: the list given, else flagged or earlier schools."""
    known = store.rows("SELECT school_code, school_name, county, expected, first_year FROM schools")
    by_code = {r[0]: r for r in known}
    by_name = {r[1]: r for r in known if r[1]}
    if school_list is not None:
        resolved = []
        for s in school_list:
            row = by_code.get(s.school_code) or by_name.get(s.school_name)
            resolved.append(
                ExpectedSchool(
                    row[0] if row else s.school_code,
                    s.school_name or (row[1] if row else None),
                    s.county or (row[2] if row else None),
                    "school-list",
                )
            )
        return resolved
    return [
        ExpectedSchool(code, name, county, "school-list" if flagged else "earlier-years")
        for code, name, county, flagged, first_year in known
        if flagged or (first_year is not None and first_year < year)
    ]


def register_expected_schools(store: Store, schools: tuple[ExpectedSchool, ...]) -> None:
    """Mark schools of a school list as expected, so status and completeness targets know them."""
    store.con.execute("BEGIN TRANSACTION")
    try:
        for s in schools:
            if s.school_code:
                store.con.execute(
                    """INSERT INTO schools (school_code, school_name, county, expected)
                       VALUES (?, ?, ?, TRUE)
                       ON CONFLICT (school_code) DO UPDATE SET expected = TRUE""",
                    [s.school_code, s.school_name, s.county],
                )
            else:
                store.con.execute(
                    "UPDATE schools SET expected = TRUE WHERE school_name = ?", [s.school_name]
                )
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise


def status(
    store: Store,
    year: int | None = None,
    expected_schools: tuple[ExpectedSchool, ...] | None = None,
) -> StatusReport:
    """Completeness of one year (the latest by default): who submitted, who is missing.

    Expected are the schools given, else those flagged from a school list or known from an
    earlier year.
    """
    year = year if year is not None else latest_year(store)
    if year is None:
        return StatusReport(None, (), ())
    wanted = schools_expected(store, year, expected_schools)
    wanted_codes = {s.school_code for s in wanted if s.school_code}
    submitted_rows = store.rows(
        """SELECT y.school_code, y.school_name, y.county, y.version, s.ingested_at, s.warnings
           FROM school_year y JOIN submissions s USING (submission_id)
           WHERE y.year = ? ORDER BY y.county, y.school_code""",
        [year],
    )
    submitted = tuple(
        SubmittedSchool(code, name, county, version, at, warnings, expected=code in wanted_codes)
        for code, name, county, version, at, warnings in submitted_rows
    )
    done = {s.school_code for s in submitted}
    rejected = dict(
        store.rows(
            """SELECT school_code, count(*) FROM submissions
           WHERE year = ? AND status = 'rejected' GROUP BY school_code""",
            [year],
        )
    )
    missing = tuple(
        MissingSchool(
            s.school_code, s.school_name, s.county, s.source, rejected.get(s.school_code, 0)
        )
        for s in wanted
        if s.school_code not in done
    )
    return StatusReport(year, submitted, missing)


def query(store: Store, sql: str) -> tuple[list[str], list[tuple]]:
    """Run one SELECT (or WITH … SELECT) and return its column names and rows; never writes."""
    try:
        statements = store.con.extract_statements(sql)
    except duckdb.Error as exc:
        raise StoreError(f"SQL 有误 / invalid SQL: {first_line(exc)}") from None
    if len(statements) != 1:
        raise StoreError("只能执行一条查询语句 / exactly one statement, please")
    if statements[0].type != duckdb.StatementType.SELECT:
        raise StoreError(
            f"只允许 SELECT/WITH 查询，数据库为只读 / only SELECT or WITH queries are allowed "
            f"(got {statements[0].type.name})"
        )
    if store.read_only:
        # Ad-hoc SQL reads the database only: no local files (read_csv('/etc/passwd')), no ATTACH.
        store.con.execute("SET enable_external_access = false")
    # A writable store still never keeps what a query did: it runs inside a rolled-back transaction.
    guard = not store.read_only
    if guard:
        store.con.execute("BEGIN TRANSACTION")
    try:
        cursor = store.con.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise StoreError(f"查询失败 / query failed: {first_line(exc)}") from None
    finally:
        if guard:
            store.con.execute("ROLLBACK")
    return columns, rows


@dataclass(frozen=True)
class FindingTally:
    """One line of the hit list: a rule, how many files and schools it caught."""

    severity: str
    code: str
    rule: str
    title: str
    files: int
    schools: int
    school_names: tuple[str, ...]


def finding_tallies(store: Store, year: int, spec: Spec | None = None) -> list[FindingTally]:
    """The hit list: each rule with the files and schools it caught this year, most schools first."""
    rows = store.rows(
        """SELECT f.severity, f.code, coalesce(f.rule, f.code) AS rule,
                  count(DISTINCT f.submission_id) AS files,
                  count(DISTINCT coalesce(u.school_code, s.school_code)) AS schools,
                  list(DISTINCT coalesce(sc.school_name, u.school_code, s.school_code)
                       ORDER BY coalesce(sc.school_name, u.school_code, s.school_code))
           FROM findings f
           JOIN submissions s USING (submission_id)
           LEFT JOIN uploads u ON u.submission_id = f.submission_id
           LEFT JOIN schools sc ON sc.school_code = coalesce(u.school_code, s.school_code)
           WHERE coalesce(u.year, s.year) = ? AND f.severity IN ('error', 'warning')
           GROUP BY ALL
           ORDER BY schools DESC, files DESC, f.severity, rule""",
        [year],
    )
    rule_messages = {r.id: r.message_zh for r in spec.rules} if spec else {}
    tallies = []
    for severity, code, rule, files, schools, names in rows:
        kind = CATALOGUE.get(code)
        title = rule_messages.get(rule) or (kind.title_zh if kind is not None else code)
        tallies.append(
            FindingTally(severity, code, rule, title, files, schools, tuple(n for n in names if n))
        )
    return tallies
