"""Read what a report needs from the store's views into frozen dataclasses."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.results import TargetResult
from ..errors import RenderError
from ..spec import NARRATIVE_MAX_DEFAULT, Spec, load_spec, spec_from_texts

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

    def label(self, lang: str) -> str:
        return self.name if lang == "zh" else self.name_en


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


@dataclass(frozen=True)
class AreaRow:
    """A county or a school: a name and its indicator values for the year."""

    code: str
    name: str
    county: str
    schools: int
    values: dict[str, float | None]


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


def indicator_infos(spec: Spec) -> tuple[IndicatorInfo, ...]:
    """Every numeric indicator a report can show, submitted first, then derived and computed."""
    submitted = tuple(
        IndicatorInfo(i.id, i.name, i.name_en, i.unit, i.definition, "submitted")
        for i in spec.indicators
        if i.is_numeric and i.id != "year"
    )
    derived = tuple(
        IndicatorInfo(d.id, d.name, d.name_en, d.unit, d.definition, "derived")
        for d in spec.derived
    )
    computed = tuple(
        IndicatorInfo(c.id, c.name, c.name_en, c.unit, c.definition, "computed")
        for c in spec.computed
    )
    return submitted + derived + computed


class _Store:
    """A read-only connection to the store file with small helpers."""

    def __init__(self, db_path: str | Path):
        from ..store.schema import connect

        path = self.path = Path(db_path)
        if not path.is_file():
            raise RenderError(f"数据库文件不存在 / database not found: {path}")
        # an ingest holding the file is waited for, then reported as "database busy"
        self.con = connect(path, read_only=True)
        names = self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        self.relations = {n for (n,) in names}
        missing = {"school_year", "city_year"} - self.relations
        if missing:
            self.close()
            raise RenderError(
                f"{path} 不是质量年报数据库（缺少 {', '.join(sorted(missing))}），请先运行 qualityreport ingest"
            )

    def recorded_spec(self) -> Spec | None:
        """The spec the database records (the spec that built its views)."""
        if not self.has("spec_records"):
            return None
        (files,) = self.con.execute(
            "SELECT files FROM spec_records ORDER BY spec_id DESC LIMIT 1"
        ).fetchall()[0]
        texts = tuple((str(name), str(text)) for name, text in json.loads(files))
        return spec_from_texts(texts, Path(str(self.path)))

    def rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    def has(self, relation: str) -> bool:
        return relation in self.relations

    def close(self):
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _numbers(row: dict[str, Any] | None, ids: list[str]) -> dict[str, float | None]:
    if not row:
        return {i: None for i in ids}
    return {i: (float(row[i]) if row.get(i) is not None else None) for i in ids}


def _value_ids(spec: Spec) -> list[str]:
    return [info.id for info in indicator_infos(spec)]


def _targets(
    store: _Store, year: int, where: str = "", params: tuple = ()
) -> tuple[TargetResult, ...]:
    if not store.has("latest_target_results"):
        return ()
    # The latest result of each target: checking one set later does not hide the others.
    rows = store.rows(
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
    )


def _years(store: _Store) -> tuple[int, ...]:
    return tuple(
        int(y)
        for (y,) in store.con.execute(
            "SELECT DISTINCT year FROM city_year ORDER BY year"
        ).fetchall()
    )


def _city_row(store: _Store, year: int) -> dict[str, Any] | None:
    rows = store.rows("SELECT * FROM city_year WHERE year = ?", (year,))
    return rows[0] if rows else None


def resolve_school(store: _Store, school: str, year: int) -> dict[str, Any]:
    """The school_year row of a school given by code or exact name; RenderError when unknown."""
    school = school.strip()
    rows = store.rows(
        "SELECT * FROM school_year WHERE year = ? AND (school_code = ? OR school_name = ?)",
        (year, school, school),
    )
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        codes = "、".join(sorted(r["school_code"] for r in rows))
        raise RenderError(f"学校名称“{school}”不唯一（{codes}），请用学校标识码")
    known = store.rows(
        "SELECT year FROM school_year WHERE school_code = ? OR school_name = ? ORDER BY year",
        (school, school),
    )
    if known:
        years = "、".join(str(r["year"]) for r in known)
        raise RenderError(f"学校“{school}”没有{year}年度的数据（有数据的年度：{years}）")
    raise RenderError(f"数据库中没有学校“{school}”（按学校标识码或学校全称查找）")


def _check_year(store: _Store, year: int):
    years = _years(store)
    if year not in years:
        have = "、".join(str(y) for y in years) or "无"
        raise RenderError(f"数据库中没有{year}年度的数据（有数据的年度：{have}）")


def _school_data(store: _Store, spec: Spec, row: dict[str, Any], year: int) -> SchoolReportData:
    ids = _value_ids(spec)
    code = row["school_code"]
    history_rows = store.rows(
        "SELECT * FROM school_year WHERE school_code = ? AND year <= ? ORDER BY year", (code, year)
    )
    previous = history_rows[-2] if len(history_rows) > 1 else None
    city = _city_row(store, year)
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
        for s in (
            store.rows(
                "SELECT * FROM specialty_year WHERE school_code = ? AND year = ? "
                "ORDER BY row_number",
                (code, year),
            )
            if store.has("specialty_year")
            else []
        )
    )
    narratives = {}
    # A report prints at most what the spec allows a section (older databases may hold more).
    longest = {n.id: n.max_length for n in spec.narratives}
    if store.has("narrative"):
        for n in store.rows(
            "SELECT section_id, text FROM narrative WHERE school_code = ? AND year = ?",
            (code, year),
        ):
            text = str(n["text"] or "").strip()
            if text:
                limit = longest.get(str(n["section_id"]), NARRATIVE_MAX_DEFAULT)
                narratives[str(n["section_id"])] = (
                    text if len(text) <= limit else text[:limit] + "……"
                )
    targets = _targets(
        store,
        year,
        "AND (subject_id = ? OR (scope = 'specialty' AND starts_with(subject_id, ?)))",
        (code, code),
    )
    return SchoolReportData(
        code=code,
        name=str(row["school_name"] or code),
        county=str(row.get("county") or ""),
        operator_type=str(row.get("operator_type") or ""),
        school_category=str(row.get("school_category") or ""),
        discipline_type=str(row.get("discipline_type") or ""),
        year=year,
        previous_year=int(previous["year"]) if previous else None,
        values=_numbers(row, ids),
        previous=_numbers(previous, ids),
        city=_numbers(city, ids),
        city_median=median,
        specialties=specialties,
        narratives=narratives,
        targets=targets,
        history=tuple((int(r["year"]), _numbers(r, ids)) for r in history_rows),
        city_history=tuple(
            (int(r["year"]), _numbers(r, ids))
            for r in store.rows("SELECT * FROM city_year WHERE year <= ? ORDER BY year", (year,))
        ),
    )


def _medians(store: _Store, year: int, ids: list[str]) -> dict[str, float | None]:
    """The median school of the year for every indicator (the city row has them for ratios only)."""
    columns = {
        r["column_name"]
        for r in store.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'school_year'"
        )
    }
    present = [i for i in ids if i in columns]
    if not present:
        return {i: None for i in ids}
    row = store.rows(
        "SELECT "
        + ", ".join(f'median("{i}") AS "{i}"' for i in present)
        + " FROM school_year WHERE year = ?",
        (year,),
    )[0]
    return _numbers(row, ids)


def load_school_report_data(
    db_path: str | Path, school: str, year: int, *, spec: Spec | None = None
) -> SchoolReportData:
    """One school's report data for a year; the school is given by code or by full name."""
    with _Store(db_path) as store:
        spec = spec or store.recorded_spec() or load_spec()
        _check_year(store, year)
        row = resolve_school(store, school, year)
        return _school_data(store, spec, row, year)


def school_codes(db_path: str | Path, year: int) -> tuple[tuple[str, str], ...]:
    """(code, name) of every school with data for the year, in code order."""
    with _Store(db_path) as store:
        _check_year(store, year)
        return tuple(
            (r["school_code"], r["school_name"])
            for r in store.rows(
                "SELECT school_code, school_name FROM school_year WHERE year = ? ORDER BY school_code",
                (year,),
            )
        )


def _completeness(store: _Store, year: int) -> Completeness:
    known = {
        r["school_code"]: r["school_name"]
        for r in store.rows(
            "SELECT school_code, arg_max(school_name, year) AS school_name FROM school_year "
            "GROUP BY school_code"
        )
    }
    if store.has("schools"):
        # The bureau's list of schools expected to submit, when it has registered one.
        columns = {
            r["column_name"]
            for r in store.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'schools'"
            )
        }
        if {"school_code", "school_name", "expected"} <= columns:
            listed = {
                r["school_code"]: r["school_name"]
                for r in store.rows("SELECT school_code, school_name FROM schools WHERE expected")
            }
            if listed:
                known = listed
    received = {
        r["school_code"]
        for r in store.rows("SELECT school_code FROM school_year WHERE year = ?", (year,))
    }
    rejected: list[SubmissionRow] = []
    with_warnings = 0
    if store.has("submission_log"):
        for r in store.rows(
            "SELECT * FROM submission_log WHERE year = ? ORDER BY school_code, ingested_at", (year,)
        ):
            errors, warnings = _count(r.get("errors")), _count(r.get("warnings"))
            if r["status"] == "rejected":
                rejected.append(
                    SubmissionRow(
                        school_code=str(r["school_code"] or ""),
                        school_name=str(r.get("school_name") or known.get(r["school_code"], "")),
                        file_name=str(r["file_name"]),
                        status="rejected",
                        errors=errors,
                        warnings=warnings,
                        ingested_at=str(r["ingested_at"])[:16],
                    )
                )
            elif r["status"] == "accepted" and warnings:
                with_warnings += 1
    missing = tuple(sorted((c, n) for c, n in known.items() if c and c not in received))
    return Completeness(
        expected=len(known),
        received=len(received),
        missing=missing,
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


def _findings_by_code(store: _Store, year: int) -> tuple[tuple[str, int], ...]:
    """Findings of this year's submissions by code, from a findings table or the log's JSON."""
    counts: Counter[str] = Counter()
    if store.has("findings"):
        columns = {
            r["column_name"]
            for r in store.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'findings'"
            )
        }
        if {"code", "submission_id"} <= columns and store.has("submission_log"):
            for r in store.rows(
                "SELECT f.code, count(*) AS n FROM findings f JOIN submission_log s "
                "USING (submission_id) WHERE s.year = ? GROUP BY f.code",
                (year,),
            ):
                counts[str(r["code"])] += int(r["n"])
            return tuple(counts.most_common())
    if store.has("submission_log"):
        for r in store.rows("SELECT errors, warnings FROM submission_log WHERE year = ?", (year,)):
            for value in (r["errors"], r["warnings"]):
                if isinstance(value, str):
                    try:
                        items = json.loads(value)
                    except ValueError:
                        continue
                    for item in items if isinstance(items, list) else ():
                        if isinstance(item, dict) and item.get("code"):
                            counts[str(item["code"])] += 1
    return tuple(counts.most_common())


def load_city_report_data(
    db_path: str | Path, year: int, *, spec: Spec | None = None
) -> CityReportData:
    """The city-wide figures, counties, schools, targets, specialties and completeness of a year."""
    with _Store(db_path) as store:
        spec = spec or store.recorded_spec() or load_spec()
        ids = _value_ids(spec)
        _check_year(store, year)
        years = _years(store)
        city = _city_row(store, year)
        earlier = [y for y in years if y < year]
        previous_year = earlier[-1] if earlier else None
        previous = _city_row(store, previous_year) if previous_year else None
        median = _medians(store, year, ids)
        counties = tuple(
            AreaRow(
                code=str(r["county"]),
                name=str(r["county"]),
                county=str(r["county"]),
                schools=int(r["schools"]),
                values=_numbers(r, ids),
            )
            for r in (
                store.rows("SELECT * FROM county_year WHERE year = ? ORDER BY county", (year,))
                if store.has("county_year")
                else []
            )
        )
        schools = tuple(
            AreaRow(
                code=r["school_code"],
                name=str(r["school_name"] or r["school_code"]),
                county=str(r["county"] or ""),
                schools=1,
                values=_numbers(r, ids),
            )
            for r in store.rows(
                "SELECT * FROM school_year WHERE year = ? ORDER BY county, school_code", (year,)
            )
        )
        categories: tuple[CategoryRow, ...] = ()
        if store.has("specialty_year"):
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
                for r in store.rows(
                    """SELECT category_code, any_value(category_name) AS category_name,
                              count(*) AS specialties, count(DISTINCT school_code) AS schools,
                              sum(enrolled) AS enrolled, sum(admitted) AS admitted,
                              sum(graduates) AS graduates,
                              count(*) FILTER (WHERE status = '新增') AS added,
                              count(*) FILTER (WHERE status = '停招') AS stopped,
                              count(*) FILTER (WHERE status = '撤销') AS cancelled
                       FROM specialty_year WHERE year = ?
                       GROUP BY category_code ORDER BY category_code""",
                    (year,),
                )
            )
        trends = tuple(
            (int(r["year"]), _numbers(r, ids + ["schools"]))
            for r in store.rows("SELECT * FROM city_year ORDER BY year")
        )
        return CityReportData(
            year=year,
            years=years,
            city=_numbers(city, ids),
            city_median=median,
            previous=_numbers(previous, ids),
            previous_year=previous_year,
            counties=counties,
            schools=schools,
            targets=_targets(store, year),
            categories=categories,
            completeness=_completeness(store, year),
            trends=trends,
            findings_by_code=_findings_by_code(store, year),
        )


def load_school_reports(
    db_path: str | Path, year: int, *, spec: Spec | None = None
) -> tuple[SchoolReportData, ...]:
    """Every school's report data for a year (the city report's appendix), in code order."""
    with _Store(db_path) as store:
        spec = spec or store.recorded_spec() or load_spec()
        _check_year(store, year)
        rows = store.rows("SELECT * FROM school_year WHERE year = ? ORDER BY school_code", (year,))
        return tuple(_school_data(store, spec, row, year) for row in rows)


def report_spec(db_path: str | Path) -> Spec:
    """The spec a report of this database uses: the one the database records."""
    with _Store(db_path) as store:
        return store.recorded_spec() or load_spec()
