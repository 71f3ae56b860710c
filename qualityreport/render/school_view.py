"""What the school report template shows: generated sentences, tables and charts per chapter."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from ..numbers import Scale, comparison_text, format_threshold, format_value, scale_for
from ..outline import outline_for
from ..period import ReportingPeriod
from ..store.views import CLOSED_STATUS
from . import charts
from .fonts import ReportFonts
from .labels import Labels, numbering
from .outline_view import Part, lay_out, toc_entries
from .report_data import IndicatorInfo, SchoolReportData, TargetResult
from .sentences import describe, join_clauses, sentence_target, short_verdict, verdict
from .tables import (
    MET_FILL,
    MISSED_FILL,
    NODATA_FILL,
    Column,
    keep_figures,
    keep_together,
    keep_words,
    number_table,
    text_table,
)

SCALE = ("students_enrolled", "students_admitted", "graduates", "specialty_count", "staff_total")
FACILITIES = (
    "campus_area",
    "building_area",
    "equipment_value",
    "books",
    "training_stations",
    "campus_area_per_student",
    "building_area_per_student",
    "equipment_value_per_student",
    "books_per_student",
)
TEACHERS = (
    "teachers_full_time",
    "teachers_professional",
    "teachers_dual_qualified",
    "teachers_part_time",
    "student_teacher_ratio",
    "dual_qualified_ratio",
    "professional_teacher_share",
    "bachelor_plus_share",
    "senior_title_share",
)
EMPLOYMENT = (
    "graduates",
    "graduates_employed",
    "graduates_further_study",
    "graduates_employed_in_field",
    "employment_rate",
    "direct_employment_rate",
    "further_study_rate",
    "in_field_employment_rate",
)
STUDENT_QUALITY = (
    "students_certified",
    "certificate_rate",
    "awards_national",
    "awards_provincial",
    "awards_city",
)
COOPERATION = ("partner_enterprises", "apprenticeship_students")
CONTRIBUTION = ("graduates", "training_person_times")
FUNDING = ("funding_per_student",)
TREND = ("dual_qualified_ratio", "employment_rate", "in_field_employment_rate")


@dataclass(frozen=True)
class Block:
    """A generated piece of a chapter: sentences, then an optional table and chart."""

    sentences: tuple[str, ...] = ()
    table: Markup | None = None
    table_caption: str = ""
    chart: str | None = None
    chart_caption: str = ""
    title: str = ""  # a small heading of its own (one distribution among several)
    note: str = ""  # a legend printed before the table
    wide: bool = False  # on a landscape page

    def __bool__(self) -> bool:
        return bool(self.sentences or self.table or self.chart)


@dataclass(frozen=True)
class TargetRow:
    target: TargetResult
    unit: str
    value: str
    line: str
    verdict: str
    subject: str = ""


@dataclass(frozen=True)
class SchoolView:
    anchor: str
    data: SchoolReportData
    title: str
    blocks: dict[str, tuple[Block, ...]]
    targets: tuple[TargetRow, ...]
    target_summary: str
    parts: tuple[Part, ...] = ()
    running_title: str = ""  # the page header: the title and the 学年 it covers

    def toc(self) -> list[tuple[int, str, str]]:
        return toc_entries(self.parts)


def running_title(title: str, period: ReportingPeriod | None, year: int, lang: str) -> str:
    """The page header: the report's title and the 学年 its figures cover."""
    if period is None:
        return title
    return (
        f"{title}\u3000{period.label(year, lang)}"
        if lang == "zh"
        else f"{title}, {period.label(year, lang)}"
    )


def anchor_for(code: str) -> str:
    """An id usable in HTML and in the PDF outline whatever the school code holds."""
    return "s-" + re.sub(r"[^A-Za-z0-9_-]", "_", code)


def info_by_id(infos: tuple[IndicatorInfo, ...]) -> dict[str, IndicatorInfo]:
    return {i.id: i for i in infos}


def row_scale(unit: str, value, previous, median=None) -> Scale:
    """One scale for a key-figure row: value, last year, change and median print alike (the
    median may put money in 万元, but never gives counts a decimal)."""
    own = scale_for(unit, value, previous)
    widest = scale_for(unit, value, previous, median)
    return widest if widest.wan != own.wan else own


def with_second_figures(ids: Sequence[str], values, infos: dict[str, IndicatorInfo]) -> list[str]:
    """The ids a table prints: each primary figure followed by the figures counting it in
    another 口径 (spec `variant_of`) that have a value."""
    shown = []
    for i in ids:
        if i not in infos:
            continue
        shown.append(i)
        shown += [
            v.id
            for v in infos.values()
            if v.variant_of == i and values.get(v.id) is not None and v.id not in ids
        ]
    return shown


def _figure(info: IndicatorInfo, scale: Scale, value: float | None, lang: str) -> str:
    """A value as printed; an optional figure the school did not collect says so (未统计)."""
    if value is None and info.not_collected:
        return info.not_collected if lang == "zh" else "not collected"
    return scale.text(value, lang)


def key_figures(
    table_id: str,
    ids: Sequence[str],
    values,
    previous,
    median,
    infos,
    t: Labels,
    *,
    year: int,
    previous_year: int | None,
    median_label: str,
) -> Markup:
    """指标 | 本年 | 上年 | 变化 | 全市中位数, every value with its unit; the change is the
    difference of the two printed values. A figure counted in another 口径 follows its primary
    figure where it has a value, and both rows name their 口径; a computed figure without a
    value this year (对口就业人数 未统计, no 岗位实习学生数) is left out, never printed as 0."""
    lang = t.lang
    shown = with_second_figures(ids, values, infos)
    beside = {infos[i].variant_of for i in shown if infos[i].variant_of}
    rows = []
    for i in shown:
        info = infos[i]
        if info.kind != "submitted" and values.get(i) is None:
            continue
        last = previous.get(i) if previous_year else None
        scale = row_scale(info.unit, values.get(i), last, median.get(i))
        named = info.caliber_label(lang) if i in beside or info.variant_of else info.label(lang)
        rows.append(
            {
                "name": keep_words(named),
                "value": keep_together(_figure(info, scale, values.get(i), lang)),
                "previous": keep_together(
                    _figure(info, scale, last, lang) if previous_year else "—"
                ),
                "change": keep_together(scale.change(values.get(i), last, lang)),
                "median": keep_together(scale.text(median.get(i), lang)),
            }
        )
    columns = [
        Column("name", t.indicator, "34%"),
        Column("value", f"{year}", "17%", "right"),
        Column("previous", f"{previous_year}" if previous_year else t.last_year, "17%", "right"),
        Column("change", t.change, "15%", "right"),
        Column("median", median_label, "17%", "right"),
    ]
    return text_table(table_id, columns, rows)


def _sentence(ids, data: SchoolReportData, infos, t: Labels, since: str | None) -> tuple[str, ...]:
    """One paragraph per block: the first clause names the school, the rest follow on."""
    out: list[str] = []
    own = [x for x in data.targets if x.scope == "school" and x.subject_id == data.code]
    for i in ids:
        info = infos.get(i)
        if info is None or data.values.get(i) is None:
            continue
        out.append(
            describe(
                "" if out else t.subject_school,
                info.sentence_label(t.lang),
                data.values[i],
                info.unit,
                target=sentence_target(i, own),
                previous=data.previous.get(i) if data.previous_year else None,
                since=since,
                lang=t.lang,
            )
        )
    return (join_clauses(out, t.lang),) if out else ()


def _specialty_tables(anchor: str, data: SchoolReportData, infos, t: Labels) -> tuple[Block, Block]:
    lang = t.lang
    specs = data.specialties
    if not specs:
        return Block(sentences=(t.no_specialties,)), Block()
    status_counts = {s: sum(1 for x in specs if x.status == s) for s in ("新增", "停招", "撤销")}
    # A 撤销 specialty is no longer offered: counted among the changes, never among the offered.
    offered = sum(1 for x in specs if x.status != CLOSED_STATUS)
    ratio = data.values.get("specialty_adjustment_ratio")
    adjusted = info_by_id(data.indicators).get("specialty_adjustment_ratio")
    if lang == "zh":
        sentence = (
            f"本校{data.year}年度开设专业{offered}个（含新增{status_counts['新增']}个、"
            f"停招{status_counts['停招']}个），另撤销专业{status_counts['撤销']}个"
            + (
                f"；{adjusted.sentence_label(lang)}为{format_value(ratio, 'percent')}"
                if ratio is not None and adjusted is not None
                else ""
            )
            + "。"
        )
    else:
        sentence = (
            f"In {data.year} the school offered {offered} specialties "
            f"({status_counts['新增']} added, {status_counts['停招']} not admitting) and closed "
            f"{status_counts['撤销']}."
        )
    structure = number_table(
        f"{anchor}-tbl-specialties",
        [
            Column("code", t.specialty_code, "12%"),
            Column("name", t.specialty_name, "24%"),
            Column("category", t.category, "22%"),
            Column("status", t.status, "10%", "center"),
            Column("enrolled", t.enrolled, "11%", "right"),
            Column("admitted", t.admitted, "11%", "right"),
            Column("graduates", t.graduates, "10%", "right"),
        ],
        [
            {
                "code": s.code,
                "name": s.name,
                "category": s.category_name,
                "status": s.status,
                "enrolled": s.enrolled,
                "admitted": s.admitted,
                "graduates": s.graduates,
            }
            for s in specs
        ],
        integer=("enrolled", "admitted", "graduates"),
        font_size="8.5pt",
    )
    # 对口就业人数 is optional: a school that did not collect it has no 对口就业率 column
    in_field = any(s.in_field_employment_rate is not None for s in specs)
    employment = number_table(
        f"{anchor}-tbl-specialty-employment",
        [
            Column("name", t.specialty_name, "28%" if in_field else "34%"),
            Column("graduates", t.graduates, "12%" if in_field else "14%", "right"),
            Column("employed", t.employed, "12%" if in_field else "14%", "right"),
            Column("further_study", t.further_study, "12%" if in_field else "14%", "right"),
            Column(
                "employment_rate",
                keep_words(infos["employment_rate"].label(lang)),
                "18%" if in_field else "24%",
                "right",
            ),
        ]
        + (
            [
                Column(
                    "in_field_rate",
                    keep_words(infos["in_field_employment_rate"].label(lang)),
                    "18%",
                    "right",
                )
            ]
            if in_field
            else []
        ),
        [
            {
                "name": s.name,
                "graduates": s.graduates,
                "employed": s.employed,
                "further_study": s.further_study,
                "employment_rate": s.employment_rate,
                "in_field_rate": s.in_field_employment_rate,
            }
            for s in specs
            if s.graduates
        ],
        integer=("graduates", "employed", "further_study"),
        percent=("employment_rate", "in_field_rate"),
        font_size="8.5pt",
    )
    caption_zh = ("专业设置及动态调整情况", "各专业毕业生就业情况")
    caption_en = ("Specialties and their status", "Employment by specialty")
    caps = caption_zh if lang == "zh" else caption_en
    return (
        Block(sentences=(sentence,), table=structure, table_caption=caps[0]),
        Block(table=employment, table_caption=caps[1]),
    )


def target_unit(target: TargetResult, infos: dict[str, IndicatorInfo]) -> str:
    """The unit a target declares (as stored with its verdict); its indicator's otherwise."""
    if target.unit:
        return target.unit
    info = infos.get(target.indicator)
    return info.unit if info else ""


def line_text(target: TargetResult, unit: str, lang: str) -> str:
    """The line a verdict was judged against: ≥ 50%, 比上年提高 (above last year's 1,200人)."""
    if target.baseline == "previous_year":
        base = format_value(target.threshold, unit, lang) if target.threshold is not None else "—"
        return f"高于上年（{base}）" if lang == "zh" else f"above last year ({base})"
    if target.threshold is None:
        # a line the city has not set (a provincial standard for 艺术类 schools …)
        return ("标准未设定" if lang == "zh" else "no line set") if target.reason else "—"
    text = comparison_text(target.comparison, target.threshold, unit, lang)
    if target.comparison == "between" and target.tolerance is not None:
        text += f" ±{format_threshold(target.tolerance, unit, lang)}"
    return text


def _targets(data: SchoolReportData, infos, t: Labels) -> tuple[tuple[TargetRow, ...], str]:
    rows = []
    for target in data.targets:
        unit = target_unit(target, infos)
        subject = (
            t.this_school
            if target.scope == "school"
            else (target.subject_name or "").removeprefix(data.name).strip()
        )
        rows.append(
            TargetRow(
                target=target,
                unit=unit,
                # a count of parts met while others cannot be judged is no figure of the school
                # ("0项" beside "≥ 9项" would read as none met): the verdict says 缺分项
                value=format_value(
                    None if target.reason == "component-no-data" else target.value, unit, t.lang
                ),
                line=line_text(target, unit, t.lang),
                verdict=verdict(target, t.lang),
                subject=subject,
            )
        )
    if not rows:
        return (), t.no_targets
    return tuple(rows), attainment_counts([r.target for r in rows], t.lang)


def attainment_counts(
    results: Sequence[TargetResult],
    lang: str,
    lead: str = "适用于本校的目标",
    unit: str = "项",
) -> str:
    """What was counted, in one sentence: the targets that apply (a verdict is due this
    year), how many were met, missed or could not be judged and why; then those that do not
    apply or are not due."""
    due = [x for x in results if x.judged]
    met = sum(1 for x in due if x.met is True)
    missed = sum(1 for x in due if x.met is False)
    open_ = [x for x in due if x.met is None]
    others = len(results) - len(due)
    if lang != "zh":
        return (
            f"{len(due)} targets apply: {met} met, {missed} missed, {len(open_)} undetermined"
            + (f"; {others} do not apply or are not due." if others else ".")
        )
    why = Counter(short_verdict(x, lang) for x in open_)
    text = f"{lead}{len(due)}{unit}，其中达成{met}{unit}、未达成{missed}{unit}"
    if open_:
        reasons = "、".join(f"{w}{n}{unit}" for w, n in why.items())
        text += f"、无法判定{len(open_)}{unit}（{reasons}）"
    text += f"；另有{others}{unit}不适用或不在考核年度。" if others else "。"
    return text


def target_table(
    table_id: str, rows: Sequence[TargetRow], t: Labels, *, with_subject=False
) -> Markup:
    columns = [
        Column("name", t.target, "25%" if not with_subject else "21%"),
        Column("level", t.level, "11%"),
        Column("clause", t.clause, "21%" if not with_subject else "17%"),
    ]
    if with_subject:
        columns.append(Column("subject", t.subject, "11%"))
    columns += [
        Column("value", t.value, "13%" if not with_subject else "11%", "right"),
        Column("line", t.threshold, "16%" if not with_subject else "15%", "right"),
        Column("verdict", t.result, "14%", "center"),
    ]
    fills = {}
    body = []
    for n, r in enumerate(rows):
        body.append(
            {
                "name": keep_figures(r.target.name if t.lang == "zh" else r.target.name_en),
                "level": keep_together(r.target.level),
                "clause": keep_figures(r.target.clause),
                "subject": r.subject or r.target.subject_name or "",
                "value": keep_together(r.value),
                "line": keep_together(r.line),
                # in the table a reason is a few words; the legend under it says the rest
                "verdict": keep_together(short_verdict(r.target, t.lang)),
            }
        )
        fills[(n, "verdict")] = (
            NODATA_FILL if r.target.met is None else MET_FILL if r.target.met else MISSED_FILL
        )
    return text_table(table_id, columns, body, fills=fills, font_size="8.5pt")


def indicator_table(table_id: str, values, infos: dict[str, IndicatorInfo], t: Labels) -> Markup:
    """The appendix: every submitted and derived indicator with its value and definition."""
    kinds = {"submitted": t.kind_submitted, "derived": t.kind_derived, "computed": t.kind_computed}
    rows = [
        {
            "name": info.label(t.lang),
            "value": keep_together(
                _figure(
                    info, scale_for(info.unit, values.get(info.id)), values.get(info.id), t.lang
                )
            ),
            "kind": kinds[info.kind],
            "definition": info.definition,
        }
        for info in infos.values()
    ]
    return text_table(
        table_id,
        [
            Column("name", t.indicator, "27%"),
            Column("value", t.value, "17%", "right"),
            Column("kind", t.kind, "8%", "center"),
            Column("definition", t.definition, "48%"),
        ],
        rows,
        font_size="8pt",
    )


def school_view(
    data: SchoolReportData,
    t: Labels,
    fonts: ReportFonts,
    *,
    charts_enabled: bool = True,
) -> SchoolView:
    """Everything the school chapters show, computed once from the report data."""
    infos = info_by_id(data.indicators)
    anchor = anchor_for(data.code)
    since = (
        (f"{data.previous_year}年" if t.lang == "zh" else str(data.previous_year))
        if data.previous_year
        else None
    )
    median_label = t.city_median

    def figures(key: str, ids: Sequence[str], caption: str) -> Block:
        return Block(
            sentences=_sentence(ids, data, infos, t, since),
            table=key_figures(
                f"{anchor}-tbl-{key}",
                ids,
                data.values,
                data.previous,
                data.city_median,
                infos,
                t,
                year=data.year,
                previous_year=data.previous_year,
                median_label=median_label,
            ),
            table_caption=caption,
        )

    zh = t.lang == "zh"
    blocks = {
        "scale": figures("scale", SCALE, "办学规模主要指标" if zh else "Size"),
        "facilities": figures("facilities", FACILITIES, "设施设备主要指标" if zh else "Facilities"),
        "teachers": figures("teachers", TEACHERS, "教师队伍主要指标" if zh else "Teaching staff"),
        "employment": figures(
            "employment", EMPLOYMENT, "毕业生就业主要指标" if zh else "Employment"
        ),
        "student_quality": figures(
            "quality",
            STUDENT_QUALITY,
            "学生技能证书和获奖情况" if zh else "Certificates and awards",
        ),
        "cooperation": figures(
            "cooperation", COOPERATION, "校企合作主要指标" if zh else "Cooperation"
        ),
        "contribution": Block(sentences=_sentence(CONTRIBUTION, data, infos, t, since)),
        "funding": Block(sentences=_sentence(FUNDING, data, infos, t, since)),
    }
    blocks["specialties"], blocks["specialty_employment"] = _specialty_tables(
        anchor, data, infos, t
    )
    trend: list[Block] = []
    if charts_enabled and len(data.history) > 1:
        years = [y for y, _ in data.history]
        city = dict(data.city_history)
        # Two series a chart (the school and the city): labels stay readable.
        for i in TREND[:2]:
            label = infos[i].label(t.lang)
            series = [
                (t.this_school, [v.get(i) for _, v in data.history]),
                (t.city_total, [city.get(y, {}).get(i) for y in years]),
            ]
            trend.append(
                Block(
                    chart=charts.trend_lines(years, series, infos[i].unit, fonts, lang=t.lang),
                    chart_caption=(
                        f"近年{label}（本校与全市）" if zh else f"{label} over the years"
                    ),
                )
            )
    rows, summary = _targets(data, infos, t)
    with_subject = any(r.target.scope != "school" for r in rows)
    blocks["targets"] = Block(
        sentences=(summary,),
        table=target_table(f"{anchor}-tbl-targets", rows, t, with_subject=with_subject)
        if rows
        else None,
        table_caption="目标达成情况" if zh else "Targets",
        note=t.verdict_legend if any(r.target.met is None for r in rows) else "",
    )
    blocks["indicators"] = Block(
        table=indicator_table(f"{anchor}-tbl-indicators", data.values, infos, t),
        table_caption=f"{data.year}年度指标表" if zh else f"Indicators {data.year}",
        note=data.period.note(data.year, t.lang) if data.period else "",
    )
    by_name: dict[str, tuple[Block, ...]] = {k: (b,) for k, b in blocks.items()}
    by_name["trend"] = tuple(trend)
    num, sub = numbering(t.lang)
    outline = data.outline or outline_for("school", data.year)
    parts = lay_out(
        outline, by_name, data.narratives, data.cases, t, anchor=anchor, num=num, sub=sub
    )
    title = t("school_title", name=data.name, year=data.year)
    return SchoolView(
        running_title=running_title(title, data.period, data.year, t.lang),
        anchor=anchor,
        data=data,
        title=title,
        blocks=by_name,
        targets=rows,
        target_summary=summary,
        parts=parts,
    )
