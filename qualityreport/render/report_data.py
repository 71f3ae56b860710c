"""Read what a report needs through the store's read-only API into frozen dataclasses.

A report's data is complete in itself (indicator names and units, the city's declarations, the
target verdicts the report may print): rendering never opens the database.
"""

from __future__ import annotations

import functools
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..check.results import TargetResult
from ..city import CityConfig
from ..errors import RenderError
from ..outline import CASE_ID, Outline, outline_for, split_case
from ..period import ReportingPeriod
from ..spec import NARRATIVE_MAX_DEFAULT, Spec
from ..store import RateFigures, Store, city_employment_rate, city_text, latest_year
from ..store.views import CLOSED_STATUS
from .outline_view import Case

SCHOOL_COLUMNS = (
    "school_code",
    "year",
    "submission_id",
    "version",
    "school_name",
    "county",
    "operator_type",
    "school_category",
    "discipline_type",
)


@dataclass(frozen=True)
class IndicatorInfo:
    """Name, unit and definition of a submitted, derived or store-computed indicator."""

    id: str
    name: str
    name_en: str
    unit: str
    definition: str
    kind: str  # submitted | derived | computed
    denominator_name: str = ""  # a share's denominator as a sentence names it (spec)
    denominator_name_en: str = ""
    caliber: str = ""  # how a figure with a second 口径 is counted, in a few words (spec)
    variant_of: str | None = None  # the primary figure this one counts in another 口径
    not_collected: str = ""  # what an optional figure a school did not collect prints (未统计)

    def label(self, lang: str) -> str:
        return self.name if lang == "zh" else self.name_en

    def sentence_label(self, lang: str) -> str:
        """The name a sentence gives a share: with its denominator where the name does not say
        it (直接就业率（占毕业生）; 毕业去向落实率（含升学，占毕业生）)."""
        if lang != "zh":
            of = self.denominator_name_en
            if self.unit != "percent" or not of or of.lower() in self.name_en.lower():
                return self.name_en
            return f"{self.name_en} (of {of})"
        shares = self.unit == "percent" and self.denominator_name
        if not shares or self.denominator_name in self.name:
            return self.label(lang)
        if self.name.endswith("）"):
            return f"{self.name[:-1]}，占{self.denominator_name}）"
        return f"{self.name}（占{self.denominator_name}）"

    def caliber_label(self, lang: str) -> str:
        """The name a table row gives a figure printed beside one in another 口径: its 口径
        added where the name does not say it (生师比（全部在校生）)."""
        if lang != "zh" or not self.caliber or self.caliber in self.name:
            return self.label(lang)
        if self.name.endswith("）"):  # 毕业去向落实率（含升学）: the name says its 口径
            return self.name
        return f"{self.name}（{self.caliber}）"


@dataclass(frozen=True)
class Specialty:
    code: str
    name: str
    status: str
    category_code: str
    category_name: str
    enrolled: float | None
    admitted: float | None
    graduates: float | None
    employed: float | None
    further_study: float | None
    employed_in_field: float | None
    employment_rate: float | None
    in_field_employment_rate: float | None


@dataclass(frozen=True)
class SchoolReportData:
    code: str
    name: str
    county: str
    operator_type: str
    school_category: str
    discipline_type: str
    year: int
    previous_year: int | None
    values: dict[str, float | None]
    previous: dict[str, float | None]
    city: dict[str, float | None]
    city_median: dict[str, float | None]
    specialties: tuple[Specialty, ...]
    narratives: dict[str, str]
    targets: tuple[TargetResult, ...]
    history: tuple[tuple[int, dict[str, float | None]], ...] = ()
    city_history: tuple[tuple[int, dict[str, float | None]], ...] = ()
    indicators: tuple[IndicatorInfo, ...] = ()
    city_config: CityConfig | None = None
    short_name: str = (
        ""  # the name charts use (declared in the city configuration, else the full name)
    )
    outline: Outline | None = None
    cases: tuple[Case, ...] = ()
    period: ReportingPeriod | None = None  # the 学年 and money year the figures cover (spec)


@dataclass(frozen=True)
class AreaRow:
    """A county or a school: a name and its indicator values for the year."""

    code: str
    name: str
    county: str
    schools: int
    values: dict[str, float | None]
    short_name: str = ""


@dataclass(frozen=True)
class CategoryRow:
    """Specialties of one 专业大类 across the city."""

    code: str
    name: str
    specialties: int
    schools: int
    enrolled: float
    admitted: float
    graduates: float
    added: int
    stopped: int
    cancelled: int


@dataclass(frozen=True)
class SubmissionRow:
    school_code: str
    school_name: str
    file_name: str
    status: str
    errors: int
    warnings: int
    ingested_at: str


@dataclass(frozen=True)
class Completeness:
    expected: int
    received: int
    missing: tuple[tuple[str, str], ...]  # (code, name)
    rejected: tuple[SubmissionRow, ...]
    accepted_with_warnings: int

    @property
    def share(self) -> float | None:
        return self.received / self.expected if self.expected else None


@dataclass(frozen=True)
class CityReportData:
    year: int
    years: tuple[int, ...]
    city: dict[str, float | None]
    city_median: dict[str, float | None]
    previous: dict[str, float | None]
    previous_year: int | None
    counties: tuple[AreaRow, ...]
    schools: tuple[AreaRow, ...]
    targets: tuple[TargetResult, ...]
    categories: tuple[CategoryRow, ...]
    completeness: Completeness
    trends: tuple[tuple[int, dict[str, float | None]], ...]
    findings_by_code: tuple[tuple[str, int], ...] = field(default=())
    indicators: tuple[IndicatorInfo, ...] = ()
    city_config: CityConfig | None = None
    # The year before has exactly this year's schools, all expected ones submitted: city totals
    # can be compared. Otherwise a change would compare a partial year with a full one.
    comparable: bool = True
    short_names: dict[str, str] = field(default_factory=dict)
    outline: Outline | None = None
    texts: dict[str, str] = field(default_factory=dict)  # the bureau's chapters by outline text id
    cases: tuple[Case, ...] = ()
    period: ReportingPeriod | None = None  # the 学年 and money year the figures cover (spec)
    # the city's own 就业率 (city configuration), this year and the year before
    city_employment_rate: RateFigures | None = None
    city_employment_rate_previous: RateFigures | None = None


def indicator_infos(spec: Spec) -> tuple[IndicatorInfo, ...]:
    """Every numeric indicator a report can show, submitted first, then derived and computed."""
    submitted = tuple(
        IndicatorInfo(
            i.id,
            i.name,
            i.name_en,
            i.unit,
            i.definition,
            "submitted",
            not_collected=i.not_collected or "",
        )
        for i in spec.indicators
        if i.is_numeric and i.id != "year"
    )
    derived = tuple(
        IndicatorInfo(
            d.id,
            d.name,
            d.name_en,
            d.unit,
            d.definition,
            "derived",
            denominator_name=d.denominator_name,
            denominator_name_en=d.denominator_name_en,
            caliber=d.caliber,
            variant_of=d.variant_of,
        )
        for d in spec.derived
    )
    computed = tuple(
        IndicatorInfo(
            c.id,
            c.name,
            c.name_en,
            c.unit,
            c.definition,
            "computed",
            denominator_name=c.denominator_name,
            denominator_name_en=c.denominator_name_en,
        )
        for c in spec.computed
    )
    return submitted + derived + computed


def _dicts(store: Store, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    """Rows as dicts: the report reads views by column name."""
    cursor = store.con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _numbers(row: dict[str, Any] | None, ids: list[str]) -> dict[str, float | None]:
    if not row:
        return {i: None for i in ids}
    return {i: (float(row[i]) if row.get(i) is not None else None) for i in ids}


def _value_ids(spec: Spec) -> list[str]:
    return [info.id for info in indicator_infos(spec)]


def printed_set_ids(city: CityConfig | None) -> tuple[str, ...] | None:
    """The target sets a report prints: the city's own and the national standards (each set's
    declared level says which are national); None without a city configuration (every set
    that was checked, each still labelled by its declared level)."""
    if city is None:
        return None
    return _printed_sets(city.target_sets)


@functools.lru_cache(maxsize=8)
def _printed_sets(own_sets: tuple[str, ...]) -> tuple[str, ...]:
    # Read once per process: a worker rendering fifty school reports parses the sets once.
    from ..targets import load_target_sets

    own = [s.id for s in load_target_sets(list(own_sets))] if own_sets else []
    national = [s.id for s in load_target_sets() if s.level.startswith("国家")]
    return tuple(dict.fromkeys(own + national))


def _targets(
    store: Store,
    year: int,
    sets: tuple[str, ...] | None,
    where: str = "",
    params: tuple = (),
) -> tuple[TargetResult, ...]:
    # The latest result of each target: checking one set later does not hide the others.
    rows = _dicts(
        store,
        f"""SELECT * FROM latest_target_results WHERE year = ? {where}
            ORDER BY set_id, target_id, subject_name""",
        (year,) + params,
    )
    return tuple(
        TargetResult(
            set_id=str(r["set_id"]),
            target_id=str(r["target_id"]),
            name=str(r["name"] or ""),
            name_en=str(r.get("name_en") or r["target_id"]),
            clause=str(r.get("clause") or ""),
            scope=str(r["scope"]),
            subject_id=str(r["subject_id"] or ""),
            subject_name=str(r.get("subject_name") or ""),
            value=None if r["value"] is None else float(r["value"]),
            threshold=None if r["threshold"] is None else float(r["threshold"]),
            comparison=str(r.get("comparison") or ""),
            met=r["met"],
            gap=None if r.get("gap") is None else float(r["gap"]),
            required=bool(r.get("required", True)),
            severity=str(r.get("severity") or ""),
            reason=r.get("reason"),
            unit=str(r.get("unit") or ""),
            tolerance=None if r.get("tolerance") is None else float(r["tolerance"]),
            level=str(r.get("level") or ""),
            indicator=str(r.get("indicator") or ""),
            population=str(r.get("population") or ""),
            set_name=str(r.get("set_name") or ""),
            source=str(r.get("source") or ""),
            deadline=r.get("deadline"),
            baseline=r.get("baseline"),
            category=r.get("category"),
            missing_schools=tuple(r.get("missing_schools") or ()),
            undetermined=tuple(r.get("undetermined") or ()),
            year=year,
        )
        for r in rows
        if sets is None or r["set_id"] in sets
    )


def _years(store: Store) -> tuple[int, ...]:
    return tuple(int(y) for (y,) in store.rows("SELECT DISTINCT year FROM city_year ORDER BY year"))


def _city_row(store: Store, year: int) -> dict[str, Any] | None:
    rows = _dicts(store, "SELECT * FROM city_year WHERE year = ?", (year,))
    return rows[0] if rows else None


def resolve_school(store: Store, school: str, year: int) -> dict[str, Any]:
    """The school_year row of a school given by code or exact name; RenderError when unknown."""
    school = school.strip()
    rows = _dicts(
        store,
        "SELECT * FROM school_year WHERE year = ? AND (school_code = ? OR school_name = ?)",
        (year, school, school),
    )
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        codes = "、".join(sorted(r["school_code"] for r in rows))
        raise RenderError(f"学校名称“{school}”不唯一（{codes}），请用学校标识码")
    known = _dicts(
        store,
        "SELECT year FROM school_year WHERE school_code = ? OR school_name = ? ORDER BY year",
        (school, school),
    )
    if known:
        years = "、".join(str(r["year"]) for r in known)
        raise RenderError(f"学校“{school}”没有{year}年度的数据（有数据的年度：{years}）")
    raise RenderError(f"数据库中没有学校“{school}”（按学校标识码或学校全称查找）")


def report_year(store: Store, year: int | None) -> int:
    """The year asked for, or the latest with data; RenderError when the store has none of it."""
    years = _years(store)
    if year is None:
        found = latest_year(store)
        if found is None:
            raise RenderError(
                f"数据库中还没有数据，请先入库 / no data yet, run ingest first: {store.path}"
            )
        return int(found)
    if year not in years:
        have = "、".join(str(y) for y in years) or "无"
        raise RenderError(f"数据库中没有{year}年度的数据（有数据的年度：{have}）")
    return year


def short_name(city: CityConfig | None, code: str, name: str) -> str:
    """The school's name on a chart: the short name the city configuration declares for it,
    else its full name (never a document's alias or a cut)."""
    school = city.school(code) if city else None
    return school.label if school else name


def _school_data(
    store: Store,
    row: dict[str, Any],
    year: int,
    *,
    city: CityConfig | None,
    sets: tuple[str, ...] | None,
    outline: Outline,
) -> SchoolReportData:
    spec = store.spec
    ids = _value_ids(spec)
    code = row["school_code"]
    history_rows = _dicts(
        store,
        "SELECT * FROM school_year WHERE school_code = ? AND year <= ? ORDER BY year",
        (code, year),
    )
    previous = history_rows[-2] if len(history_rows) > 1 else None
    if previous is not None and int(previous["year"]) != year - 1:
        previous = None  # a gap year: "较上年" would be a lie
    # One pass over city_year: this year's row and the years before (a view computed per query).
    city_rows = _dicts(store, "SELECT * FROM city_year WHERE year <= ? ORDER BY year", (year,))
    city_row = next((r for r in city_rows if int(r["year"]) == year), None)
    median = _medians(store, year, ids)
    specialties = tuple(
        Specialty(
            code=str(s["specialty_code"]),
            name=str(s["specialty_name"] or ""),
            status=str(s["status"] or ""),
            category_code=str(s["category_code"] or ""),
            category_name=str(s["category_name"] or ""),
            **{
                k: (None if s[k] is None else float(s[k]))
                for k in (
                    "enrolled",
                    "admitted",
                    "graduates",
                    "employed",
                    "further_study",
                    "employed_in_field",
                    "employment_rate",
                    "in_field_employment_rate",
                )
            },
        )
        for s in _dicts(
            store,
            "SELECT * FROM specialty_year WHERE school_code = ? AND year = ? ORDER BY row_number",
            (code, year),
        )
    )
    narratives: dict[str, str] = {}
    # A report prints at most what the spec allows a section (older databases may hold more).
    longest = {n.id: n.max_length for n in spec.narratives}
    for n in _dicts(
        store,
        "SELECT section_id, text FROM narrative WHERE school_code = ? AND year = ?",
        (code, year),
    ):
        text = str(n["text"] or "").strip()
        if text:
            limit = longest.get(str(n["section_id"]), NARRATIVE_MAX_DEFAULT)
            narratives[str(n["section_id"])] = text if len(text) <= limit else text[:limit] + "……"
    numbered = sorted(
        (int(m.group(1)), key) for key in narratives if (m := CASE_ID.match(key)) is not None
    )
    cases = tuple(Case(*split_case(narratives.pop(key))) for _, key in numbered)
    targets = _targets(
        store,
        year,
        sets,
        "AND (subject_id = ? OR (scope = 'specialty' AND starts_with(subject_id, ?)))",
        (code, code),
    )
    name = str(row["school_name"] or code)
    return SchoolReportData(
        code=code,
        name=name,
        county=str(row.get("county") or ""),
        operator_type=str(row.get("operator_type") or ""),
        school_category=str(row.get("school_category") or ""),
        discipline_type=str(row.get("discipline_type") or ""),
        year=year,
        previous_year=int(previous["year"]) if previous else None,
        values=_numbers(row, ids),
        previous=_numbers(previous, ids),
        city=_numbers(city_row, ids),
        city_median=median,
        specialties=specialties,
        narratives=narratives,
        targets=targets,
        history=tuple((int(r["year"]), _numbers(r, ids)) for r in history_rows),
        city_history=tuple((int(r["year"]), _numbers(r, ids)) for r in city_rows),
        indicators=indicator_infos(spec),
        city_config=city,
        short_name=short_name(city, code, name),
        outline=outline,
        cases=cases,
        period=spec.period,
    )


def _medians(store: Store, year: int, ids: list[str]) -> dict[str, float | None]:
    """The median school of the year for every indicator (the city row has them for ratios only)."""
    columns = {
        r
        for (r,) in store.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'school_year'"
        )
    }
    present = [i for i in ids if i in columns]
    if not present:
        return {i: None for i in ids}
    row = _dicts(
        store,
        "SELECT "
        + ", ".join(f'median("{i}") AS "{i}"' for i in present)
        + " FROM school_year WHERE year = ?",
        (year,),
    )[0]
    return _numbers(row, ids)


def load_school_report_data(
    store: Store,
    school: str,
    year: int | None = None,
    *,
    city: CityConfig | None = None,
    outline: str | None = None,
) -> SchoolReportData:
    """One school's report data for a year (the latest by default); the school is given by
    code or by full name. The outline is the year's national one unless one is chosen."""
    year = report_year(store, year)
    row = resolve_school(store, school, year)
    chosen = outline_for("school", year, outline)
    return _school_data(store, row, year, city=city, sets=printed_set_ids(city), outline=chosen)


def _ordered(city: CityConfig | None, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Schools in the city's order: its counties in administrative order, then its school list."""
    listed = {s.code: n for n, s in enumerate(city.schools)} if city else {}

    def key(r: dict[str, Any]) -> tuple:
        county = str(r.get("county") or "")
        return (
            city.county_order(county) if city else 0,
            county if not city or county not in city.counties else "",
            listed.get(r["school_code"], len(listed)),
            r["school_code"],
        )

    return sorted(rows, key=key)


def school_codes(
    store: Store, year: int, city: CityConfig | None = None
) -> tuple[tuple[str, str], ...]:
    """(code, name) of every school with data for the year, in the city's order."""
    year = report_year(store, year)
    rows = _dicts(
        store, "SELECT school_code, school_name, county FROM school_year WHERE year = ?", (year,)
    )
    return tuple((r["school_code"], r["school_name"]) for r in _ordered(city, rows))


def _completeness(store: Store, year: int, city: CityConfig | None) -> Completeness:
    from ..store import expected_from_city, status

    report = status(store, year, expected_from_city(city) if city and city.schools else None)
    rejected: list[SubmissionRow] = []
    with_warnings = 0
    for r in _dicts(
        store,
        "SELECT * FROM submission_log WHERE year = ? ORDER BY school_code, ingested_at",
        (year,),
    ):
        errors, warnings = _count(r.get("errors")), _count(r.get("warnings"))
        if r["status"] == "rejected":
            rejected.append(
                SubmissionRow(
                    school_code=str(r["school_code"] or ""),
                    school_name=str(r.get("school_name") or ""),
                    file_name=str(r["file_name"]),
                    status="rejected",
                    errors=errors,
                    warnings=warnings,
                    ingested_at=str(r["ingested_at"])[:16],
                )
            )
        elif r["status"] == "accepted" and warnings:
            with_warnings += 1
    return Completeness(
        expected=report.expected,
        received=report.received,
        missing=tuple((m.school_code or "", m.school_name or "") for m in report.missing),
        rejected=tuple(rejected),
        accepted_with_warnings=with_warnings,
    )


def _count(value: Any) -> int:
    """errors/warnings in the log: a count, or a JSON list of findings."""
    if value is None:
        return 0
    if isinstance(value, (int, float)):
        return int(value)
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        return 0
    return len(parsed) if isinstance(parsed, list) else int(parsed or 0)


def _findings_by_code(store: Store, year: int) -> tuple[tuple[str, int], ...]:
    """Findings of this year's submissions by code."""
    counts: Counter[str] = Counter()
    for r in _dicts(
        store,
        "SELECT f.code, count(*) AS n FROM findings f JOIN submission_log s "
        "USING (submission_id) WHERE s.year = ? GROUP BY f.code",
        (year,),
    ):
        counts[str(r["code"])] += int(r["n"])
    return tuple(counts.most_common())


def _comparable(store: Store, year: int, previous_year: int | None, complete: bool) -> bool:
    """Whether city totals of the two years cover the same schools (a partial year never
    compares with a full one)."""
    if previous_year is None or not complete:
        return False
    codes = {
        y: {c for (c,) in store.rows("SELECT school_code FROM school_year WHERE year = ?", [y])}
        for y in (year, previous_year)
    }
    return codes[year] == codes[previous_year]


def load_city_report_data(
    store: Store,
    year: int | None = None,
    *,
    city: CityConfig | None = None,
    outline: str | None = None,
) -> CityReportData:
    """The city-wide figures, counties, schools, targets, specialties and completeness of a year."""
    spec = store.spec
    ids = _value_ids(spec)
    year = report_year(store, year)
    years = _years(store)
    city_row = _city_row(store, year)
    previous_year = year - 1 if year - 1 in years else None
    previous = _city_row(store, previous_year) if previous_year else None
    median = _medians(store, year, ids)
    county_rows = _dicts(store, "SELECT * FROM county_year WHERE year = ?", (year,))
    if city:
        county_rows.sort(key=lambda r: (city.county_order(str(r["county"])), str(r["county"])))
    else:
        county_rows.sort(key=lambda r: str(r["county"]))
    counties = tuple(
        AreaRow(
            code=str(r["county"]),
            name=str(r["county"]),
            county=str(r["county"]),
            schools=int(r["schools"]),
            values=_numbers(r, ids),
        )
        for r in county_rows
    )
    school_rows = _ordered(city, _dicts(store, "SELECT * FROM school_year WHERE year = ?", (year,)))
    schools = tuple(
        AreaRow(
            code=r["school_code"],
            name=str(r["school_name"] or r["school_code"]),
            county=str(r["county"] or ""),
            schools=1,
            values=_numbers(r, ids),
            short_name=short_name(city, r["school_code"], str(r["school_name"] or "")),
        )
        for r in school_rows
    )
    categories = tuple(
        CategoryRow(
            code=str(r["category_code"] or ""),
            name=str(r["category_name"] or "未分类"),
            specialties=int(r["specialties"]),
            schools=int(r["schools"]),
            enrolled=float(r["enrolled"] or 0),
            admitted=float(r["admitted"] or 0),
            graduates=float(r["graduates"] or 0),
            added=int(r["added"]),
            stopped=int(r["stopped"]),
            cancelled=int(r["cancelled"]),
        )
        for r in _dicts(
            store,
            # A 撤销 specialty is no longer offered: it is counted as a change, never as offered.
            """SELECT category_code, any_value(category_name) AS category_name,
                      count(*) FILTER (WHERE status IS DISTINCT FROM ?) AS specialties,
                      count(DISTINCT school_code) FILTER (WHERE status IS DISTINCT FROM ?)
                          AS schools,
                      coalesce(sum(enrolled), 0) AS enrolled,
                      coalesce(sum(admitted), 0) AS admitted,
                      coalesce(sum(graduates), 0) AS graduates,
                      count(*) FILTER (WHERE status = '新增') AS added,
                      count(*) FILTER (WHERE status = '停招') AS stopped,
                      count(*) FILTER (WHERE status = ?) AS cancelled
               FROM specialty_year WHERE year = ?
               GROUP BY category_code ORDER BY category_code""",
            (CLOSED_STATUS, CLOSED_STATUS, CLOSED_STATUS, year),
        )
    )
    trends = tuple(
        (int(r["year"]), _numbers(r, ids + ["schools"]))
        for r in _dicts(store, "SELECT * FROM city_year ORDER BY year")
    )
    completeness = _completeness(store, year, city)
    written = city_text(store, year)
    return CityReportData(
        year=year,
        years=years,
        city=_numbers(city_row, ids),
        city_median=median,
        previous=_numbers(previous, ids),
        previous_year=previous_year,
        counties=counties,
        schools=schools,
        targets=_targets(store, year, printed_set_ids(city)),
        categories=categories,
        completeness=completeness,
        trends=trends,
        findings_by_code=_findings_by_code(store, year),
        indicators=indicator_infos(spec),
        city_config=city,
        comparable=_comparable(store, year, previous_year, not completeness.missing),
        short_names={s.code: s.short_name for s in schools},
        # the bureau wrote its chapters for an outline: the report follows it unless told
        outline=outline_for("city", year, outline or (written.outline_id if written else None)),
        texts=dict(written.sections) if written else {},
        cases=tuple(
            Case(c.title, c.text, chapter=c.section_id, photo=photo_uri(c.photo), caption=c.caption)
            for c in (written.cases if written else ())
        ),
        period=spec.period,
        city_employment_rate=own_rate(store, city, year),
        city_employment_rate_previous=own_rate(store, city, previous_year),
    )


def own_rate(store: Store, city: CityConfig | None, year: int | None) -> RateFigures | None:
    """The city's own 就业率 of a year, where its configuration declares one."""
    if city is None or city.employment_rate is None or year is None:
        return None
    return city_employment_rate(store, city.employment_rate, year)


_IMAGE_MAGIC = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def photo_uri(photo: bytes | None) -> str | None:
    """A case's photo as a data: URI, by what its bytes are (never by what a file claims)."""
    if not photo:
        return None
    kind = next((m for magic, m in _IMAGE_MAGIC.items() if photo.startswith(magic)), None)
    if kind is None:
        return None
    import base64

    return f"data:{kind};base64," + base64.b64encode(photo).decode("ascii")


def load_school_reports(
    store: Store, year: int, *, city: CityConfig | None = None, outline: str | None = None
) -> tuple[SchoolReportData, ...]:
    """Every school's report data for a year (the city report's appendix), in the city's order."""
    year = report_year(store, year)
    sets = printed_set_ids(city)
    chosen = outline_for("school", year, outline)
    rows = _ordered(city, _dicts(store, "SELECT * FROM school_year WHERE year = ?", (year,)))
    return tuple(
        _school_data(store, row, year, city=city, sets=sets, outline=chosen) for row in rows
    )
