"""What the city report template shows: key figures, target matrix, distributions, trends."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from ..numbers import comparison_text, format_threshold, format_value
from ..spec import Spec
from . import charts
from .fonts import ReportFonts
from .labels import Labels
from .report_data import CityReportData, TargetResult
from .school_view import (
    Block,
    TargetRow,
    info_by_id,
    key_figures,
    target_for,
    target_label,
    target_table,
    target_unit,
)
from .sentences import describe, verdict
from .tables import MET_FILL, MISSED_FILL, NODATA_FILL, Column, number_table, text_table

CITY_FIGURES = (
    "students_enrolled",
    "students_admitted",
    "graduates",
    "staff_total",
    "teachers_full_time",
    "student_teacher_ratio",
    "dual_qualified_ratio",
    "employment_rate",
    "in_field_employment_rate",
    "certificate_rate",
    "equipment_value_per_student",
    "books_per_student",
    "training_person_times",
    "partner_enterprises",
)
CITY_SENTENCES = (
    "students_enrolled",
    "graduates",
    "dual_qualified_ratio",
    "employment_rate",
    "student_teacher_ratio",
    "training_person_times",
)
COUNTY_COLUMNS = (
    "students_enrolled",
    "students_admitted",
    "graduates",
    "teachers_full_time",
    "dual_qualified_ratio",
    "employment_rate",
    "student_teacher_ratio",
)
DISTRIBUTIONS = (
    "dual_qualified_ratio",
    "employment_rate",
    "in_field_employment_rate",
    "student_teacher_ratio",
)
TREND_RATIOS = (
    "dual_qualified_ratio",
    "employment_rate",
    "in_field_employment_rate",
    "senior_title_share",
)
TREND_TABLE = (
    "schools",
    "students_enrolled",
    "students_admitted",
    "graduates",
    "teachers_full_time",
    "dual_qualified_ratio",
    "employment_rate",
    "student_teacher_ratio",
)
MATRIX_WIDE_AFTER = 5  # more target columns than this go on a landscape page
MATRIX_COLUMNS = 9  # target columns per matrix table; a landscape A4 page holds this many


@dataclass(frozen=True)
class Distribution:
    title: str
    block: Block


@dataclass(frozen=True)
class CityView:
    data: CityReportData
    blocks: dict[str, Block]
    distributions: tuple[Distribution, ...]
    matrices: tuple[Block, ...]
    matrix_wide: bool


def _short(name: str, limit: int = 18) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _matrix(data: CityReportData, infos, t: Labels) -> tuple[tuple[Block, ...], int, list[dict]]:
    """Schools × school-scope targets, one table per target set and at most MATRIX_COLUMNS
    targets each (so it fits a landscape page); coloured cells with values, blank where a
    target does not apply to a school."""
    school_targets = [x for x in data.targets if x.scope == "school"]
    columns: OrderedDict[tuple[str, str], TargetResult] = OrderedDict()
    for x in school_targets:
        columns.setdefault((x.set_id, x.target_id), x)
    if not columns:
        return (), 0, []
    by_cell = {(x.subject_id, x.set_id, x.target_id): x for x in school_targets}
    chunks: list[list[tuple[str, str]]] = []
    for key in columns:
        if not chunks or chunks[-1][0][0] != key[0] or len(chunks[-1]) == MATRIX_COLUMNS:
            chunks.append([])
        chunks[-1].append(key)
    zh = t.lang == "zh"
    per_set: dict[str, int] = {}
    for chunk in chunks:
        per_set[chunk[0][0]] = per_set.get(chunk[0][0], 0) + 1
    seen: dict[str, int] = {}
    set_names = _set_names()
    tables: list[Block] = []
    for chunk in chunks:
        set_id = chunk[0][0]
        seen[set_id] = seen.get(set_id, 0) + 1
        part = f"（{seen[set_id]}/{per_set[set_id]}）" if per_set[set_id] > 1 else ""
        width_each = 80 // max(len(chunk), 4)
        cols = [Column("school", t.school, f"{100 - width_each * len(chunk)}%")]
        for n, key in enumerate(chunk):
            x = columns[key]
            unit = target_unit(x, infos)
            name = x.name if zh else x.name_en
            cols.append(
                Column(
                    f"t{n}",
                    f"{_short(name, 24)}（{comparison_text(x.comparison, x.threshold, unit, t.lang)}）",
                    f"{width_each}%",
                    "center",
                )
            )
        rows, fills = [], {}
        for r, school in enumerate(data.schools):
            row = {"school": school.name}
            for n, key in enumerate(chunk):
                cell = by_cell.get((school.code, *key))
                if cell is None:
                    row[f"t{n}"] = ""
                    continue
                unit = target_unit(cell, infos)
                row[f"t{n}"] = (
                    format_value(cell.value, unit, t.lang)
                    if cell.value is not None
                    else verdict(None, t.lang)
                )
                fills[(r, f"t{n}")] = (
                    NODATA_FILL if cell.met is None else MET_FILL if cell.met else MISSED_FILL
                )
            rows.append(row)
        table_id = f"city-matrix-{len(tables) + 1}"
        caption = (
            f"各校目标达成矩阵：{set_names.get(set_id, set_id)}{part}"
            if zh
            else f"Targets by school: {set_id}{part}"
        )
        tables.append(
            Block(
                table=text_table(
                    table_id, cols, rows, fills=fills, css_class="matrix", font_size="7.5pt"
                ),
                table_caption=caption,
            )
        )
    summary = []
    for key, x in columns.items():
        results = [y for y in school_targets if (y.set_id, y.target_id) == key]
        met = sum(1 for y in results if y.met is True)
        missed = sum(1 for y in results if y.met is False)
        summary.append(
            {
                "name": x.name if zh else x.name_en,
                "clause": x.clause,
                "line": comparison_text(x.comparison, x.threshold, target_unit(x, infos), t.lang),
                "applies": str(len(results)),
                "met": str(met),
                "missed": str(missed),
                "share": format_value(met / (met + missed), "percent", t.lang)
                if met + missed
                else "—",
            }
        )
    return tuple(tables), max(len(c) for c in chunks), summary


def _common_target(data: CityReportData, indicator: str, infos) -> TargetResult | None:
    """A school target on this indicator with one line for every school (drawn on the chart)."""
    by_key: dict[tuple[str, str], list[TargetResult]] = {}
    for x in data.targets:
        if x.scope == "school":
            by_key.setdefault((x.set_id, x.target_id), []).append(x)
    values = {s.code: s.values for s in data.schools}
    candidates = []
    for results in by_key.values():
        if len({x.threshold for x in results}) != 1:
            continue
        first = results[0]
        found = target_for(indicator, [first], infos, values.get(first.subject_id or ""))
        if found is not None:
            candidates.append(found)
    candidates.sort(key=lambda x: "教职成" in x.clause or "national" in x.set_id)
    return candidates[0] if candidates else None


def _set_names() -> dict[str, str]:
    """Target set id → its document's name, from the shipped target sets when they load."""
    try:
        from ..targets import load_target_sets

        return {s.id: s.name for s in load_target_sets()}
    except Exception:  # a broken or missing set file must not stop a report: ids will do
        return {}


def _distribution(
    data: CityReportData, indicator: str, infos, t: Labels, fonts: ReportFonts
) -> Distribution | None:
    info = infos.get(indicator)
    values = [s.values.get(indicator) for s in data.schools]
    if info is None or not any(v is not None for v in values):
        return None
    target = _common_target(data, indicator, infos)
    present = [v for v in values if v is not None]
    sentences = [
        describe(
            t.subject_city,
            info.label(t.lang),
            data.city.get(indicator),
            info.unit,
            target=target.threshold if target else None,
            target_label=target_label(target, t) if target else None,
            previous=data.previous.get(indicator),
            lang=t.lang,
        )
    ]
    low, high = min(present), max(present)
    if t.lang == "zh":
        spread = (
            f"各校{info.name}介于{format_value(low, info.unit)}至{format_value(high, info.unit)}之间，"
            f"中位数为{format_value(data.city_median.get(indicator), info.unit)}"
        )
        if target:
            same = [
                x
                for x in data.targets
                if x.scope == "school"
                and (x.set_id, x.target_id) == (target.set_id, target.target_id)
            ]
            met = sum(1 for x in same if x.met is True)
            applies = len(same)
            spread += f"；适用该目标的{applies}所学校中{met}所达到{format_threshold(target.threshold, info.unit)}的目标"
        sentences.append(spread + "。")
    else:
        sentences.append(
            f"Schools range from {format_value(low, info.unit, 'en')} to "
            f"{format_value(high, info.unit, 'en')}; the median school is at "
            f"{format_value(data.city_median.get(indicator), info.unit, 'en')}."
        )
    chart = charts.ratio_bars(
        [_short(s.name) for s in data.schools],
        values,
        info.unit,
        fonts,
        target=target.threshold if target else None,
        comparison=(target.comparison if target else None) or "ge",
        target_label=target_label(target, t) if target else "",
        lang=t.lang,
    )
    caption = f"各校{info.name}" if t.lang == "zh" else f"{info.name_en} by school"
    return Distribution(
        title=info.label(t.lang),
        block=Block(sentences=tuple(sentences), chart=chart, chart_caption=caption),
    )


def city_view(data: CityReportData, spec: Spec, t: Labels, fonts: ReportFonts) -> CityView:
    infos = info_by_id(spec)
    lang = t.lang
    zh = lang == "zh"
    since = (
        (f"{data.previous_year}年" if zh else str(data.previous_year))
        if data.previous_year
        else None
    )
    blocks: dict[str, Block] = {}

    n_schools = len(data.schools)
    opening = (
        f"{data.year}年度全市共有{n_schools}所中等职业学校报送并通过审核的质量年报数据，"
        f"分布在{len(data.counties)}个县(市、区)。"
        if zh
        else f"In {data.year}, {n_schools} schools in {len(data.counties)} counties have accepted data."
    )
    sentences = [opening]
    city_targets = [x for x in data.targets if x.scope == "city"]
    for i in CITY_SENTENCES:
        info = infos.get(i)
        if info is None:
            continue
        target = target_for(i, city_targets, infos)
        sentences.append(
            describe(
                t.subject_city,
                info.label(lang),
                data.city.get(i),
                info.unit,
                target=target.threshold if target else None,
                target_label=target_label(target, t) if target else None,
                previous=data.previous.get(i),
                since=since,
                lang=lang,
            )
        )
    blocks["figures"] = Block(
        sentences=tuple(sentences),
        table=key_figures(
            "city-figures-table",
            CITY_FIGURES,
            data.city,
            data.previous,
            data.city_median,
            infos,
            t,
            year=data.year,
            previous_year=data.previous_year,
            median_label=t.city_median,
        ),
        table_caption="全市主要指标（比例按全市合计计算）"
        if zh
        else "Main indicators (ratios of city totals)",
    )
    county_cols = [Column("name", t.county, "19%"), Column("schools", t.schools, "9%", "right")]
    width = f"{72 // len(COUNTY_COLUMNS)}%"
    county_cols += [Column(i, infos[i].label(lang), width, "right") for i in COUNTY_COLUMNS]
    county_rows = [
        {
            "name": c.name,
            "schools": str(c.schools),
            **{
                i: format_value(c.values.get(i), infos[i].unit, lang, with_unit=False)
                for i in COUNTY_COLUMNS
            },
        }
        for c in data.counties
    ]
    county_rows.append(
        {
            "name": t.city_total,
            "schools": str(n_schools),
            **{
                i: format_value(data.city.get(i), infos[i].unit, lang, with_unit=False)
                for i in COUNTY_COLUMNS
            },
        }
    )
    blocks["counties"] = Block(
        table=text_table("city-counties-table", county_cols, county_rows, font_size="8pt"),
        table_caption="各县(市、区)主要指标" if zh else "Main indicators by county",
    )

    matrices, n_targets, summary = _matrix(data, infos, t)
    if summary:
        blocks["target_summary"] = Block(
            sentences=(
                (
                    "全市各校适用目标达成情况汇总如下。"
                    if zh
                    else "Attainment of each school target:"
                ),
            ),
            table=text_table(
                "city-target-summary",
                [
                    Column("name", t.target, "25%"),
                    Column("clause", t.clause, "22%"),
                    Column("line", t.threshold, "11%", "center"),
                    Column("applies", t.schools, "9%", "right"),
                    Column("met", t.met_count, "9%", "right"),
                    Column("missed", t.missed_count, "10%", "right"),
                    Column("share", t.attainment, "14%", "right"),
                ],
                summary,
                font_size="8.5pt",
            ),
            table_caption="各项目标达成汇总" if zh else "Targets: summary",
        )
    else:
        blocks["target_summary"] = Block(sentences=(t.no_targets,))
    city_rows = []
    for x in city_targets:
        unit = target_unit(x, infos)
        city_rows.append(
            TargetRow(
                target=x,
                unit=unit,
                value=format_value(x.value, unit, lang),
                line=comparison_text(x.comparison, x.threshold, unit, lang),
                verdict=verdict(x.met, lang),
            )
        )
    blocks["city_targets"] = (
        Block(
            table=target_table("city-targets-table", city_rows, t), table_caption=t.sec_city_targets
        )
        if city_rows
        else Block(sentences=(t.no_targets,))
    )

    distributions = tuple(
        d for d in (_distribution(data, i, infos, t, fonts) for i in DISTRIBUTIONS) if d
    )

    total_enrolled = sum(c.enrolled for c in data.categories) or 1.0
    blocks["specialties"] = Block(
        sentences=(
            (
                f"全市{data.year}年度共开设专业点{sum(c.specialties for c in data.categories)}个，"
                f"覆盖{len(data.categories)}个专业大类；新增{sum(c.added for c in data.categories)}个、"
                f"停招{sum(c.stopped for c in data.categories)}个、撤销{sum(c.cancelled for c in data.categories)}个。"
            )
            if zh
            else (
                f"{sum(c.specialties for c in data.categories)} specialties in "
                f"{len(data.categories)} categories."
            ),
        ),
        table=number_table(
            "city-categories-table",
            [
                Column("name", t.category, "22%"),
                Column("specialties", t.specialties, "10%", "right"),
                Column("schools", t.schools, "9%", "right"),
                Column("enrolled", t.enrolled, "12%", "right"),
                Column("share", t.share, "10%", "right"),
                Column("admitted", t.admitted, "10%", "right"),
                Column("graduates", t.graduates, "10%", "right"),
                Column("added", t.added, "6%", "right"),
                Column("stopped", t.stopped, "6%", "right"),
                Column("cancelled", t.cancelled, "5%", "right"),
            ],
            [
                {
                    "name": f"{c.code} {c.name}",
                    "specialties": c.specialties,
                    "schools": c.schools,
                    "enrolled": c.enrolled,
                    "share": c.enrolled / total_enrolled,
                    "admitted": c.admitted,
                    "graduates": c.graduates,
                    "added": c.added,
                    "stopped": c.stopped,
                    "cancelled": c.cancelled,
                }
                for c in data.categories
            ],
            integer=(
                "specialties",
                "schools",
                "enrolled",
                "admitted",
                "graduates",
                "added",
                "stopped",
                "cancelled",
            ),
            percent=("share",),
            font_size="8pt",
        ),
        table_caption="按专业大类的专业布局" if zh else "Specialties by category",
    )
    blocks["specialty_chart"] = (
        Block(
            chart=charts.share_bars(
                [c.name for c in data.categories],
                [c.enrolled for c in data.categories],
                "人",
                fonts,
                lang=lang,
            ),
            chart_caption="各专业大类在校生数" if zh else "Students by category",
        )
        if data.categories
        else Block()
    )

    comp = data.completeness
    blocks["completeness"] = Block(
        sentences=(
            (
                f"{data.year}年度应报送学校{comp.expected}所，已报送并通过审核{comp.received}所，"
                f"报送率{format_value(comp.share, 'percent')}；被退回文件{len(comp.rejected)}个，"
                f"带警告通过{comp.accepted_with_warnings}个。"
            )
            if zh
            else (
                f"{comp.received} of {comp.expected} schools have an accepted submission "
                f"({format_value(comp.share, 'percent', 'en')}); {len(comp.rejected)} files were rejected."
            ),
        )
    )
    blocks["missing"] = (
        Block(
            table=text_table(
                "city-missing-table",
                [Column("code", t.school_code, "30%"), Column("name", t.school, "70%")],
                [{"code": c, "name": n} for c, n in comp.missing],
            ),
            table_caption=t.missing_schools,
        )
        if comp.missing
        else Block()
    )
    blocks["rejected"] = (
        Block(
            table=text_table(
                "city-rejected-table",
                [
                    Column("school", t.school, "26%"),
                    Column("file", t.file, "34%"),
                    Column("errors", t.errors, "9%", "right"),
                    Column("warnings", t.warnings, "9%", "right"),
                    Column("time", t.time, "22%", "center"),
                ],
                [
                    {
                        "school": r.school_name or r.school_code,
                        "file": r.file_name,
                        "errors": str(r.errors),
                        "warnings": str(r.warnings),
                        "time": r.ingested_at,
                    }
                    for r in comp.rejected
                ],
                font_size="8pt",
            ),
            table_caption=t.rejected_files,
        )
        if comp.rejected
        else Block(sentences=(t.no_rejected,))
    )

    if len(data.trends) > 1:
        years = [y for y, _ in data.trends]
        trend_cols = [Column("year", t.year, "10%")] + [
            Column(
                i,
                t.schools if i == "schools" else infos[i].label(lang),
                f"{90 // len(TREND_TABLE)}%",
                "right",
            )
            for i in TREND_TABLE
        ]
        trend_rows = [
            {
                "year": str(y),
                **{
                    i: (
                        str(int(v.get("schools") or 0))
                        if i == "schools"
                        else format_value(v.get(i), infos[i].unit, lang, with_unit=False)
                    )
                    for i in TREND_TABLE
                },
            }
            for y, v in data.trends
        ]
        blocks["trends"] = Block(
            table=text_table("city-trends-table", trend_cols, trend_rows, font_size="8pt"),
            table_caption="历年主要指标" if zh else "Main indicators by year",
        )
        blocks["trend_chart"] = Block(
            chart=charts.trend_lines(
                years,
                [(infos[i].label(lang), [v.get(i) for _, v in data.trends]) for i in TREND_RATIOS],
                "percent",
                fonts,
                lang=lang,
            ),
            chart_caption="历年主要比例指标" if zh else "Main ratios by year",
        )
    else:
        blocks["trends"] = Block(sentences=(t.one_year_only,))
        blocks["trend_chart"] = Block()

    blocks["quality"] = _quality(data, t)
    return CityView(
        data=data,
        blocks=blocks,
        distributions=distributions,
        matrices=matrices,
        matrix_wide=n_targets > MATRIX_WIDE_AFTER,
    )


def _quality(data: CityReportData, t: Labels) -> Block:
    from ..findings import CATALOGUE

    zh = t.lang == "zh"
    comp = data.completeness
    errors = sum(r.errors for r in comp.rejected)
    sentence = (
        f"本年度被退回的文件共有错误{errors}处；通过审核但带有警告的文件{comp.accepted_with_warnings}个。"
        if zh
        else f"Rejected files carry {errors} errors; "
        f"{comp.accepted_with_warnings} accepted files carry warnings."
    )
    if not data.findings_by_code:
        return Block(sentences=(sentence, t.no_findings))
    rows = []
    for code, count in data.findings_by_code:
        kind = CATALOGUE.get(code)
        rows.append(
            {
                "code": code,
                "title": (kind.title_zh if zh else kind.title_en) if kind else "",
                "severity": kind.severity if kind else "",
                "count": format_value(count, "", with_unit=False),
            }
        )
    return Block(
        sentences=(sentence,),
        table=text_table(
            "city-findings-table",
            [
                Column("code", t.code, "34%"),
                Column("title", t.finding, "36%"),
                Column("severity", t.kind, "15%", "center"),
                Column("count", t.count, "15%", "right"),
            ],
            rows,
            font_size="8.5pt",
        ),
        table_caption="数据质量问题（按代码）" if zh else "Findings by code",
    )
