"""What the city report template shows: key figures, target matrix, distributions, trends."""

from __future__ import annotations

import statistics
from collections import OrderedDict
from dataclasses import dataclass, replace

from ..numbers import format_value, scale_for
from ..outline import outline_for
from . import charts
from .fonts import ReportFonts
from .labels import Labels, numbering
from .outline_view import Part, lay_out, toc_entries
from .report_data import CityReportData, IndicatorInfo, TargetResult
from .school_view import (
    Block,
    TargetRow,
    attainment_counts,
    info_by_id,
    key_figures,
    line_text,
    target_table,
    target_unit,
    with_second_figures,
)
from .sentences import (
    LEVEL_ORDER,
    describe,
    join_clauses,
    level_label,
    sentence_target,
    short_verdict,
    verdict,
)
from .tables import (
    MET_FILL,
    MISSED_FILL,
    NODATA_FILL,
    TEXT_WIDTH_MM,
    WIDE_TEXT_WIDTH_MM,
    Column,
    keep_apart,
    keep_figures,
    keep_together,
    keep_words,
    min_width_mm,
    number_table,
    text_table,
)

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
# The scale of the system; each ratio is said where its chart is, service and cooperation in
# their own chapters.
CITY_SENTENCES = ("students_enrolled", "students_admitted", "graduates", "teachers_full_time")
COUNTY_COLUMNS = (
    "students_enrolled",
    "students_admitted",
    "graduates",
    "teachers_full_time",
    "dual_qualified_ratio",
    "employment_rate",
    "student_teacher_ratio",
)
# Each school's figure against the line, by the chapter it belongs to: students' outcomes
# (人才培养) and the teaching staff (发展保障 / 教师队伍).
STUDENT_DISTRIBUTIONS = ("employment_rate", "in_field_employment_rate")
TEACHER_DISTRIBUTIONS = ("dual_qualified_ratio", "student_teacher_ratio")
TREND_PAIRS = {
    "student_trend_chart": ("employment_rate", "in_field_employment_rate"),
    "teacher_trend_chart": ("dual_qualified_ratio", "senior_title_share"),
}
SERVICE = ("training_person_times",)
COOPERATION = (
    "partner_enterprises",
    "apprenticeship_students",
    "industry_colleges",
    "training_bases_off_campus",
)  # not 参加职教集团数: one group counts once for each member school, its sum is no count
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
MATRIX_COLUMNS = 9  # target columns per matrix table at most
MATRIX_FONT_PT = 7.5


@dataclass(frozen=True)
class Distribution:
    title: str
    block: Block


@dataclass(frozen=True)
class CityView:
    data: CityReportData
    blocks: dict[str, tuple[Block, ...]]
    parts: tuple[Part, ...]

    def toc(self) -> list[tuple[int, str, str]]:
        return toc_entries(self.parts)


# The figures a city report prints in each 口径 (the primary figure, then its second figures
# and, for 毕业去向落实率, the city's own 就业率): the county table's companion.
CALIBER_TABLES = (
    (("dual_qualified_ratio", "student_teacher_ratio"), "教师队伍", "Teaching staff"),
    (("further_study_rate", "employment_rate"), "毕业去向", "Graduates"),
)
CITY_RATE = "city_employment_rate"  # the city's own 就业率 among the figures of a table


def _head(indicator: str, infos, t: Labels) -> str:
    """A column head: the indicator's declared name (wrapped only around its bracketed or
    quoted parts), with its unit when the cells print none."""
    if indicator == "schools":
        return t.schools
    info = infos[indicator]
    if info.unit in ("percent", "ratio", "") or t.lang != "zh":
        return keep_words(info.label(t.lang))
    return keep_words(f"{info.label(t.lang)}（{info.unit}）")


def _cell(value, unit: str, lang: str) -> str:
    """A figure under a head that names its unit: 1,192 — but 49.5% and 9.2:1 keep theirs."""
    return keep_together(format_value(value, unit, lang, with_unit=unit == "ratio"))


def with_city_rate(
    data: CityReportData, infos: dict[str, IndicatorInfo]
) -> tuple[
    dict[str, IndicatorInfo],
    dict[str, float | None],
    dict[str, float | None],
    dict[str, float | None],
]:
    """Indicator infos, city values (this year, the year before) and school medians with the
    city's own 就业率 among them, printed beside 毕业去向落实率（含升学） under the name its
    configuration declares."""
    rate = data.city_config.employment_rate if data.city_config else None
    own_rate = data.city_employment_rate
    if rate is None or own_rate is None:
        return infos, data.city, data.previous, data.city_median
    own = IndicatorInfo(
        CITY_RATE,
        rate.name,
        rate.name,
        "percent",
        rate.definition,
        "derived",
        denominator_name="毕业生",
        denominator_name_en="graduates",
        variant_of="employment_rate",
    )
    previous = data.city_employment_rate_previous
    schools = [v for v in own_rate.schools.values() if v is not None]
    return (
        {**infos, CITY_RATE: own},
        {**data.city, CITY_RATE: own_rate.city},
        {**data.previous, CITY_RATE: previous.city if previous else None},
        {**data.city_median, CITY_RATE: statistics.median(schools) if schools else None},
    )


def _uniform_line(results: list[TargetResult]) -> bool:
    """One line for every school (the header can print it) — not per category, not last year's."""
    lines = {(x.threshold, x.comparison, x.tolerance) for x in results if x.threshold is not None}
    return len(lines) == 1 and not any(x.baseline == "previous_year" for x in results)


def _matrix_cell(cell: TargetResult | None, uniform: bool, infos, lang: str) -> str:
    """A school's cell: its value (and its own line, when lines differ by school), or why
    there is none. The value and the bracketed line each stay whole; the line may take a line
    of its own."""
    if cell is None:
        return "不适用" if lang == "zh" else "n/a"
    unit = target_unit(cell, infos)
    if cell.value is None or cell.met is None:
        return keep_together(short_verdict(cell, lang))
    value = format_value(cell.value, unit, lang)
    if uniform:
        return keep_together(value)
    return keep_apart(value, f"（{line_text(cell, unit, lang)}）")


def _matrix_chunks(
    groups: OrderedDict[tuple[str, str], list[TargetResult]],
    heads: dict[tuple[str, str], str],
    cells: dict[tuple[str, str], list[str]],
    school_width: float,
) -> list[list[tuple[str, str]]]:
    """Targets split into tables of one set each, as many columns as a landscape page holds
    with every head and cell at its narrowest unbroken width (at most MATRIX_COLUMNS)."""
    chunks: list[list[tuple[str, str]]] = []
    used = 0.0
    for key in groups:
        need = max(
            min_width_mm(keep_figures(heads[key]), MATRIX_FONT_PT),
            *(min_width_mm(c, MATRIX_FONT_PT) for c in cells[key]),
        )
        if (
            not chunks
            or chunks[-1][0][0] != key[0]
            or len(chunks[-1]) == MATRIX_COLUMNS
            or used + need > WIDE_TEXT_WIDTH_MM
        ):
            chunks.append([])
            used = school_width
        chunks[-1].append(key)
        used += need
    return chunks


def _matrix(data: CityReportData, infos, t: Labels) -> tuple[tuple[Block, ...], int, list[dict]]:
    """Schools × school-scope targets, one table per target set and as many targets each as fit
    a landscape page; coloured cells with values; "不适用" where a target does not apply to a
    school. A line that differs by school prints in each cell."""
    school_targets = [x for x in data.targets if x.scope == "school"]
    groups: OrderedDict[tuple[str, str], list[TargetResult]] = OrderedDict()
    for x in school_targets:
        groups.setdefault((x.set_id, x.target_id), []).append(x)
    if not groups:
        return (), 0, []
    by_cell = {(x.subject_id, x.set_id, x.target_id): x for x in school_targets}
    zh = t.lang == "zh"
    uniform = {key: _uniform_line(results) for key, results in groups.items()}
    heads: dict[tuple[str, str], str] = {}
    for key, results in groups.items():
        x = results[0]
        name = x.name if zh else x.name_en
        if uniform[key]:
            judged = next(y for y in results if y.threshold is not None)
            line = line_text(judged, target_unit(judged, infos), t.lang)
        else:
            line = "各校标准见表内" if zh else "line by school"
        heads[key] = f"{name}（{line}）"
    cells = {
        key: [
            _matrix_cell(by_cell.get((s.code, *key)), uniform[key], infos, t.lang)
            for s in data.schools
        ]
        for key in groups
    }
    school_width = max(
        [min_width_mm(keep_together(s.name), MATRIX_FONT_PT) for s in data.schools]
        + [min_width_mm(t.school, MATRIX_FONT_PT)]
    )
    chunks = _matrix_chunks(groups, heads, cells, school_width)
    wide = max(len(c) for c in chunks) > MATRIX_WIDE_AFTER
    per_set: dict[str, int] = {}
    for chunk in chunks:
        per_set[chunk[0][0]] = per_set.get(chunk[0][0], 0) + 1
    seen: dict[str, int] = {}
    tables: list[Block] = []
    for chunk in chunks:
        set_id = chunk[0][0]
        first = groups[chunk[0]][0]
        seen[set_id] = seen.get(set_id, 0) + 1
        part = f"（{seen[set_id]}/{per_set[set_id]}）" if per_set[set_id] > 1 else ""
        width_each = 80 / max(len(chunk), 4)
        cols = [Column("school", t.school, f"{100 - width_each * len(chunk):.2f}%")]
        cols += [
            Column(f"t{n}", heads[key], f"{width_each:.2f}%", "center")
            for n, key in enumerate(chunk)
        ]
        rows, fills = [], {}
        for r, school in enumerate(data.schools):
            row = {"school": keep_together(school.name)}
            for n, key in enumerate(chunk):
                row[f"t{n}"] = cells[key][r]
                cell = by_cell.get((school.code, *key))
                if cell is not None:
                    fills[(r, f"t{n}")] = (
                        NODATA_FILL if cell.met is None else MET_FILL if cell.met else MISSED_FILL
                    )
            rows.append(row)
        table_id = f"city-matrix-{len(tables) + 1}"
        set_name = first.set_name or set_id
        caption = (
            f"各校目标达成矩阵：{set_name}{part}" if zh else f"Targets by school: {set_name}{part}"
        )
        tables.append(
            Block(
                table=text_table(
                    table_id,
                    cols,
                    rows,
                    fills=fills,
                    css_class="matrix",
                    font_size=f"{MATRIX_FONT_PT}pt",
                    page_width_mm=WIDE_TEXT_WIDTH_MM if wide else TEXT_WIDTH_MM,
                ),
                table_caption=caption,
            )
        )
    summary = []
    for results in groups.values():
        x = results[0]
        met = sum(1 for y in results if y.met is True)
        missed = sum(1 for y in results if y.met is False)
        unit = target_unit(x, infos)
        applies = sum(1 for y in results if y.judged)
        summary.append(
            {
                "name": keep_figures(x.name if zh else x.name_en),
                # a school whose category takes the provincial line is judged at that level
                "level": "、".join(keep_together(level) for level in _levels(results)),
                "clause": keep_figures(x.clause),
                "line": keep_together(
                    line_text(
                        next((y for y in results if y.threshold is not None), x), unit, t.lang
                    )
                    if _uniform_line(results)
                    else ("按学校" if zh else "by school")
                ),
                "applies": str(applies),
                "met": str(met),
                "missed": str(missed),
                "undetermined": str(applies - met - missed),
                "share": keep_together(
                    format_value(met / (met + missed), "percent", t.lang) if met + missed else "—"
                ),
            }
        )
    return tuple(tables), max(len(c) for c in chunks), summary


def _levels(results: list[TargetResult]) -> list[str]:
    """The levels a target's verdicts were judged at, the most general first."""
    levels = {x.level for x in results if x.level}
    return sorted(levels, key=lambda v: -LEVEL_ORDER.index(v) if v in LEVEL_ORDER else 99)


def _common_target(data: CityReportData, indicator: str) -> TargetResult | None:
    """A school target declared on this indicator with one line for every school it judges
    (drawn on the chart); the most local level first."""
    by_key: dict[tuple[str, str], list[TargetResult]] = {}
    for x in data.targets:
        if x.scope == "school" and x.indicator == indicator:
            by_key.setdefault((x.set_id, x.target_id), []).append(x)
    candidates = []
    for results in by_key.values():
        judged = [x for x in results if x.met is not None]
        if not judged or not _uniform_line(judged):
            continue
        found = sentence_target(indicator, judged)
        if found is not None:
            candidates.append(found)
    candidates.sort(key=lambda x: LEVEL_ORDER.index(x.level) if x.level in LEVEL_ORDER else 99)
    return candidates[0] if candidates else None


def _distribution(
    data: CityReportData, indicator: str, infos, t: Labels, fonts: ReportFonts
) -> Distribution | None:
    info = infos.get(indicator)
    values = [s.values.get(indicator) for s in data.schools]
    if info is None or not any(v is not None for v in values):
        return None
    target = _common_target(data, indicator)
    city_targets = [x for x in data.targets if x.scope == "city"]
    present = [v for v in values if v is not None]
    sentences = [
        describe(
            t.subject_city,
            info.sentence_label(t.lang),
            data.city.get(indicator),
            info.unit,
            target=sentence_target(indicator, city_targets),
            previous=data.previous.get(indicator) if data.comparable else None,
            since=f"{data.previous_year}年" if t.lang == "zh" else str(data.previous_year),
            lang=t.lang,
        )
    ]
    low, high = min(present), max(present)
    scale = scale_for(info.unit, low, high, data.city_median.get(indicator))
    if t.lang == "zh":
        spread = (
            f"各校{info.sentence_label('zh')}介于{scale.text(low)}至{scale.text(high)}之间，"
            f"中位数为{scale.text(data.city_median.get(indicator))}"
        )
        if target:
            same = [
                x
                for x in data.targets
                if (x.set_id, x.target_id) == (target.set_id, target.target_id)
                and x.met is not None
            ]
            met = sum(1 for x in same if x.met is True)
            line = line_text(target, info.unit, "zh")
            spread += (
                f"；按{target.level}（{target.name}，{line}），"
                f"作出判定的{len(same)}所学校中{met}所达到"
            )
        # a school without the figure (对口就业人数 未统计) is named, not silently dropped
        lacking = [
            s.short_name or s.name for s, v in zip(data.schools, values, strict=True) if v is None
        ]
        if lacking:
            spread += f"；{'、'.join(lacking)}没有计算该项所需的数据（未统计或未填报），不计入全市和各校比较"
        sentences.append(spread + "。")
    else:
        sentences.append(
            f"Schools range from {scale.text(low, 'en')} to {scale.text(high, 'en')}; "
            f"the median school is at {scale.text(data.city_median.get(indicator), 'en')}."
        )
    chart = charts.ratio_bars(
        [s.short_name or s.name for s in data.schools],
        values,
        info.unit,
        fonts,
        target=target.threshold if target else None,
        comparison=(target.comparison if target else None) or "ge",
        tolerance=target.tolerance if target else None,
        target_label=level_label(target, t.lang) if target else "",
        lang=t.lang,
    )
    caption = f"各校{info.name}" if t.lang == "zh" else f"{info.name_en} by school"
    return Distribution(
        title=info.label(t.lang),
        block=Block(sentences=tuple(sentences), chart=chart, chart_caption=caption),
    )


def city_rate_note(data: CityReportData, lang: str) -> str:
    """What the city's own 就业率 counts, in its configuration's words."""
    rate = data.city_config.employment_rate if data.city_config else None
    if rate is None or data.city_employment_rate is None:
        return ""
    if lang != "zh":
        return f"{rate.name} is the city's own rate: {rate.definition or ', '.join(rate.counts)}."
    counted = rate.definition or "、".join(rate.counts)
    return f"{rate.name}为本市口径：{counted.rstrip('。')}；目标按毕业去向落实率（含升学）判断。"


def _calibers(
    data: CityReportData,
    infos: dict[str, IndicatorInfo],
    city_values: dict[str, float | None],
    t: Labels,
) -> tuple[Block, ...]:
    """Each county and the city in every 口径 a figure has: the primary figure (targets use it)
    beside its second figures, all read from the views (sums over the schools that gave what
    each needs); the city's own 就业率 where its configuration declares one."""
    lang = t.lang
    own = data.city_employment_rate
    county_values = [
        {**c.values, CITY_RATE: own.counties.get(c.name) if own else None} for c in data.counties
    ]
    tables: list[Block] = []
    for figures, topic_zh, topic_en in CALIBER_TABLES:
        ids = [
            i
            for i in with_second_figures(figures, city_values, infos)
            if infos[i].variant_of is None or any(v.get(i) is not None for v in county_values)
        ]
        if any(infos[i].variant_of for i in ids):
            caption = (
                f"各县（市、区）{topic_zh}指标的不同口径"
                if lang == "zh"
                else f"{topic_en}: figures by 口径"
            )
            table_id = f"city-calibers-{len(tables) + 1}"
            rows = [
                *((c.name, v) for c, v in zip(data.counties, county_values, strict=True)),
                (t.city_total, city_values),
            ]
            table = _caliber_table(table_id, caption, ids, rows, infos, t)
            if CITY_RATE in ids:
                table = replace(table, note=city_rate_note(data, lang))
            tables.append(table)
    if not tables:
        return ()
    note = (
        "同一指标的不同口径并列：第一列为目标所用的口径，其后为学校和地区报告中常见的其他口径；"
        "各口径按填报了所需数据的学校合计计算，“—”为没有学校填报所需数据（如岗位实习学生数）。"
        if lang == "zh"
        else "Each figure in every 口径: the one targets use first; a second figure sums the "
        "schools that gave what it needs; — where none did."
    )
    first = tables[0]
    return (replace(first, note=f"{note}{first.note}" if lang == "zh" else note), *tables[1:])


def _caliber_table(
    table_id: str,
    caption: str,
    ids: list[str],
    areas: list[tuple[str, dict[str, float | None]]],
    infos: dict[str, IndicatorInfo],
    t: Labels,
) -> Block:
    """Counties and the city (rows) in each 口径 of the figures (columns)."""
    lang = t.lang
    width = f"{80 / len(ids):.2f}%"
    columns = [Column("name", t.county, "20%")] + [
        Column(i, keep_words(infos[i].caliber_label(lang)), width, "right") for i in ids
    ]
    rows = [
        {
            "name": keep_together(name),
            **{i: _cell(values.get(i), infos[i].unit, lang) for i in ids},
        }
        for name, values in areas
    ]
    # 7.5pt: five heads of up to twelve characters that never break inside a word fit the page
    return Block(
        table=text_table(table_id, columns, rows, font_size="7.5pt"), table_caption=caption
    )


def _spread(data: CityReportData, indicator: str, info, lang: str) -> str:
    """各校社会培训人次介于…至…之间，中位数为…: the range of the schools' figures."""
    present = [v for s in data.schools if (v := s.values.get(indicator)) is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    scale = scale_for(info.unit, low, high, data.city_median.get(indicator))
    if lang != "zh":
        return (
            f"Schools range from {scale.text(low, 'en')} to {scale.text(high, 'en')}; "
            f"the median school is at {scale.text(data.city_median.get(indicator), 'en')}."
        )
    return (
        f"各校{info.name}介于{scale.text(low)}至{scale.text(high)}之间，"
        f"中位数为{scale.text(data.city_median.get(indicator))}"
    )


def _city_sentences(
    data: CityReportData, ids: tuple[str, ...], infos, t: Labels, since: str | None
) -> list[str]:
    """One clause per indicator the spec has: the city's figure, its change and the city's own
    target on it where one is declared for the year; the first clause names the city."""
    city_targets = [x for x in data.targets if x.scope == "city"]
    previous = data.previous if data.comparable else {}
    return [
        describe(
            "" if n else t.subject_city,
            infos[i].label(t.lang),
            data.city.get(i),
            infos[i].unit,
            target=sentence_target(i, city_targets),
            previous=previous.get(i),
            since=since,
            lang=t.lang,
        )
        for n, i in enumerate(i for i in ids if i in infos and data.city.get(i) is not None)
    ]


def _service(data: CityReportData, infos, t: Labels, since: str | None) -> Block:
    """服务贡献: the schools' training for society, against the city's target where declared."""
    sentences = _city_sentences(data, SERVICE, infos, t, since)
    for i in SERVICE:
        if i in infos and (spread := _spread(data, i, infos[i], t.lang)):
            sentences.append(spread + ("。" if t.lang == "zh" else ""))
    return Block(sentences=tuple(sentences))


def _cooperation(data: CityReportData, infos, t: Labels, since: str | None) -> Block:
    """产教融合: partner enterprises, apprentices, industry colleges … over all schools."""
    ids = tuple(i for i in COOPERATION if i in infos and data.city.get(i) is not None)
    if not ids:
        return Block()
    zh = t.lang == "zh"
    return Block(
        sentences=(join_clauses(_city_sentences(data, ids, infos, t, since), t.lang),),
        table=key_figures(
            "city-cooperation-table",
            ids,
            data.city,
            data.previous if data.comparable else {},
            data.city_median,
            infos,
            t,
            year=data.year,
            previous_year=data.previous_year if data.comparable else None,
            median_label=t.city_median,
        ),
        table_caption="全市产教融合主要指标" if zh else "Industry-education cooperation",
    )


def city_view(data: CityReportData, t: Labels, fonts: ReportFonts) -> CityView:
    infos = info_by_id(data.indicators)
    lang = t.lang
    zh = lang == "zh"
    since = (
        (f"{data.previous_year}年" if zh else str(data.previous_year))
        if data.previous_year
        else None
    )
    blocks: dict[str, Block] = {}

    n_schools = len(data.schools)
    comp = data.completeness
    opening = (
        f"{data.year}年度全市共有{n_schools}所中等职业学校报送并通过审核的质量年报数据，"
        f"分布在{len(data.counties)}个县（市、区）。"
        if zh
        else f"In {data.year}, {n_schools} schools in {len(data.counties)} counties have accepted data."
    )
    sentences = [opening]
    if comp.missing:
        names = "、".join(n or c for c, n in comp.missing)
        sentences.append(
            f"应报送的{comp.expected}所学校中尚有{len(comp.missing)}所（{names}）的数据未报送或未通过审核，"
            f"以下全市数据为已报送学校的合计，不与上年比较。"
            if zh
            else f"{len(comp.missing)} of {comp.expected} schools have no accepted data yet "
            f"({names}): city figures cover the schools that submitted and are not compared "
            f"with the year before."
        )
    elif data.previous_year and not data.comparable:
        sentences.append(
            f"{data.previous_year}年度报送的学校与本年度不同，全市合计数不与上年比较。"
            if zh
            else f"The schools that submitted in {data.previous_year} differ from this year's: "
            "city totals are not compared."
        )
    city_targets = [x for x in data.targets if x.scope == "city"]
    previous = data.previous if data.comparable else {}
    figure_infos, city_values, city_previous, city_median = with_city_rate(data, infos)
    for i in CITY_SENTENCES:
        info = infos.get(i)
        if info is None:
            continue
        sentences.append(
            describe(
                t.subject_city,
                info.sentence_label(lang),
                data.city.get(i),
                info.unit,
                target=sentence_target(i, city_targets),
                previous=previous.get(i),
                since=since,
                lang=lang,
            )
        )
        if i == "employment_rate" and CITY_RATE in figure_infos:
            # the city's own 就业率 beside it (targets judge the national figure)
            sentences.append(
                describe(
                    "按本市口径，全市" if zh else "By the city's own definition, the city's",
                    figure_infos[CITY_RATE].sentence_label(lang),
                    city_values.get(CITY_RATE),
                    "percent",
                    previous=city_previous.get(CITY_RATE) if data.comparable else None,
                    since=since,
                    lang=lang,
                )
            )
    # second figures the tables of 口径 below print for the city and each county stay there
    in_caliber_tables = {i for figures, _, _ in CALIBER_TABLES for i in figures}
    key_infos = {
        k: v
        for k, v in figure_infos.items()
        if k == CITY_RATE or v.variant_of not in in_caliber_tables
    }
    blocks["figures"] = Block(
        sentences=tuple(sentences),
        # which period each kind of figure covers (the spec's reporting_period), then the
        # city's own 就业率
        note="".join(
            x
            for x in (
                data.period.note(data.year, lang) if data.period else "",
                city_rate_note(data, lang),
            )
            if x
        ),
        table=key_figures(
            "city-figures-table",
            CITY_FIGURES,
            city_values,
            city_previous if data.comparable else {},
            city_median,
            key_infos,
            t,
            year=data.year,
            previous_year=data.previous_year if data.comparable else None,
            median_label=t.city_median,
        ),
        table_caption="全市主要指标（比例按全市合计计算）"
        if zh
        else "Main indicators (ratios of city totals)",
    )
    # the longest county name (长阳土家族自治县) fits its column on one line
    county_cols = [Column("name", t.county, "18%"), Column("schools", t.schools, "8%", "right")]
    width = f"{74 / len(COUNTY_COLUMNS):.2f}%"
    county_cols += [Column(i, _head(i, infos, t), width, "right") for i in COUNTY_COLUMNS]

    def county_row(name: str, schools: int, values: dict) -> dict:
        return {
            "name": keep_together(name),
            "schools": str(schools),
            **{i: _cell(values.get(i), infos[i].unit, lang) for i in COUNTY_COLUMNS},
        }

    county_rows = [county_row(c.name, c.schools, c.values) for c in data.counties]
    county_rows.append(county_row(t.city_total, n_schools, data.city))
    blocks["counties"] = Block(
        table=text_table("city-counties-table", county_cols, county_rows, font_size="8pt"),
        table_caption="各县（市、区）主要指标" if zh else "Main indicators by county",
    )
    calibers = _calibers(data, figure_infos, city_values, t)

    matrices, n_targets, summary = _matrix(data, infos, t)
    wide = n_targets > MATRIX_WIDE_AFTER
    summary_table = Block()
    sets = list(dict.fromkeys(x.set_name or x.set_id for x in data.targets))
    if summary:
        named = "；".join(sets)
        blocks["target_summary"] = Block(
            sentences=(
                (
                    f"本报告对照的目标和标准：{named}。"
                    + attainment_counts(
                        [x for x in data.targets if x.scope == "school"],
                        lang,
                        "各校适用的目标共",
                        "校次",
                    )
                    + "达成率按达成和未达成的校次计算，无法判定的不计入。"
                    if zh
                    else "Attainment of each school target: "
                    + attainment_counts([x for x in data.targets if x.scope == "school"], lang)
                ),
            ),
        )
        # The summary goes with the matrices onto landscape pages when they are wide: its
        # nine columns read better there, and the portrait page before keeps the sentences.
        summary_table = Block(
            wide=wide,
            table=text_table(
                "city-target-summary",
                [
                    Column("name", t.target, "24%" if wide else "20%"),
                    Column("level", t.level, "10%" if wide else "9%"),
                    Column("clause", t.clause, "31%" if wide else "23%"),
                    Column("line", t.threshold, "10%" if wide else "14%", "center"),
                    Column("applies", t.applies_count, "5%" if wide else "6%", "right"),
                    Column("met", t.met_count, "5%" if wide else "6%", "right"),
                    Column("missed", t.missed_count, "5%" if wide else "7%", "right"),
                    Column("undetermined", t.undetermined_count, "5%" if wide else "8%", "right"),
                    Column("share", t.attainment, "5%" if wide else "7%", "right"),
                ],
                summary,
                css_class="matrix" if wide else "",
                font_size=f"{MATRIX_FONT_PT}pt" if wide else "8pt",
                page_width_mm=WIDE_TEXT_WIDTH_MM if wide else TEXT_WIDTH_MM,
            ),
            table_caption="各项目标达成汇总" if zh else "Targets: summary",
        )
    else:
        blocks["target_summary"] = Block(sentences=(t.no_targets_city,))
    city_rows = []
    for x in city_targets:
        unit = target_unit(x, infos)
        city_rows.append(
            TargetRow(
                target=x,
                unit=unit,
                value=format_value(x.value, unit, lang),
                line=line_text(x, unit, lang),
                verdict=verdict(x, lang),
            )
        )
    blocks["city_targets"] = (
        Block(
            table=target_table("city-targets-table", city_rows, t), table_caption=t.sec_city_targets
        )
        if city_rows
        else Block(sentences=(t.no_targets_city,))
    )

    distributions = {
        i: d
        for i in STUDENT_DISTRIBUTIONS + TEACHER_DISTRIBUTIONS
        if (d := _distribution(data, i, infos, t, fonts))
    }
    blocks["service"] = _service(data, infos, t, since)
    blocks["cooperation"] = _cooperation(data, infos, t, since)

    total_enrolled = sum(c.enrolled for c in data.categories) or 1.0
    offered = sum(c.specialties for c in data.categories)
    blocks["specialties"] = Block(
        sentences=(
            (
                f"全市{data.year}年度共开设专业点{offered}个，"
                f"覆盖{sum(1 for c in data.categories if c.specialties)}个专业大类，"
                f"其中新增{sum(c.added for c in data.categories)}个、"
                f"停招{sum(c.stopped for c in data.categories)}个；"
                f"另撤销专业点{sum(c.cancelled for c in data.categories)}个。"
            )
            if zh
            else (
                f"{offered} specialties in "
                f"{sum(1 for c in data.categories if c.specialties)} categories."
            ),
        ),
        table=number_table(
            "city-categories-table",
            [
                Column("name", t.category, "22%"),
                Column("specialties", t.specialties, "10%", "right"),
                Column("schools", t.schools, "9%", "right"),
                Column("enrolled", t.enrolled, "11%", "right"),
                Column("share", t.share, "9%", "right"),
                Column("admitted", t.admitted, "10%", "right"),
                Column("graduates", t.graduates, "10%", "right"),
                Column("added", t.added, "6%", "right"),
                Column("stopped", t.stopped, "6%", "right"),
                Column("cancelled", t.cancelled, "7%", "right"),
            ],
            [
                {
                    "name": keep_together(f"{c.code} {c.name}"),
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
        table_caption="按专业大类的专业布局（专业点数不含撤销）"
        if zh
        else "Specialties by category",
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

    if len(data.trends) > 1:
        years = [y for y, _ in data.trends]
        trend_cols = [Column("year", t.year, "10%")] + [
            Column(i, _head(i, infos, t), f"{90 // len(TREND_TABLE)}%", "right")
            for i in TREND_TABLE
        ]
        trend_rows = [
            {
                "year": str(y),
                **{
                    i: str(int(v.get("schools") or 0))
                    if i == "schools"
                    else _cell(v.get(i), infos[i].unit, lang)
                    for i in TREND_TABLE
                },
            }
            for y, v in data.trends
        ]
        blocks["trends"] = Block(
            sentences=(
                (
                    "历年数据为各年度报送学校的合计，学校数不同的年份之间合计数不宜直接比较。"
                    if zh
                    else "Each year sums the schools that submitted that year."
                ),
            ),
            table=text_table("city-trends-table", trend_cols, trend_rows, font_size="8pt"),
            table_caption="历年主要指标" if zh else "Main indicators by year",
        )
        # Two series a chart, so every label can be placed (or dropped) without overlap.
        for key, pair in TREND_PAIRS.items():
            blocks[key] = Block(
                chart=charts.trend_lines(
                    years,
                    [(infos[i].label(lang), [v.get(i) for _, v in data.trends]) for i in pair],
                    "percent",
                    fonts,
                    lang=lang,
                ),
                chart_caption=(
                    "历年" + "和".join(infos[i].name for i in pair)
                    if zh
                    else " and ".join(infos[i].name_en for i in pair) + " by year"
                ),
            )
    else:
        blocks["trends"] = Block(sentences=(t.one_year_only,))
    by_name: dict[str, tuple[Block, ...]] = {k: (b,) for k, b in blocks.items()}
    # the figures in each 口径 follow the county table wherever an outline places it
    by_name["counties"] = (blocks["counties"], *calibers)
    by_name["target_summary"] += (summary_table,)
    by_name["matrices"] = tuple(
        replace(m, wide=wide, note=t.matrix_legend if n == 0 else "")
        for n, m in enumerate(matrices)
    )
    for name, ids in (
        ("student_distributions", STUDENT_DISTRIBUTIONS),
        ("teacher_distributions", TEACHER_DISTRIBUTIONS),
        ("distributions", STUDENT_DISTRIBUTIONS + TEACHER_DISTRIBUTIONS),
    ):
        by_name[name] = tuple(
            replace(distributions[i].block, title=distributions[i].title)
            for i in ids
            if i in distributions
        )
    by_name["trend_charts"] = tuple(blocks[k] for k in TREND_PAIRS if k in blocks)
    outline = data.outline or outline_for("city", data.year)
    num, sub = numbering(lang)
    parts = lay_out(outline, by_name, data.texts, data.cases, t, anchor="city", num=num, sub=sub)
    return CityView(data=data, blocks=by_name, parts=parts)
