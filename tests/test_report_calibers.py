"""口径 in the PDFs, read back: every sentence that states a share says what it is a share of,
tables print a figure's second 口径 beside it with the values the views compute, the city's own
就业率 stands beside 毕业去向落实率（含升学）, a 对口就业率 that was not collected is left out, and
every report names the 学年 it covers on its cover and in its running title.

The schools are the workbooks of tests/published.py (figures real reports printed), written from
the template, validated, ingested into a real DuckDB file and rendered to real PDFs.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from qualityreport.city import load_city_config
from qualityreport.errors import SpecError
from qualityreport.numbers import format_value
from qualityreport.period import read_reporting_period
from qualityreport.render import render_city_report, render_school_report
from qualityreport.spec import load_spec, spec_from_texts
from qualityreport.store import city_employment_rate, ingest, open_store
from qualityreport.validate import validate_batch

import published

NOT_COLLECTED = {
    **published.GUANGZHOU,
    "school_code": "4401060002",
    "school_name": "广州未统计对口就业的学校",
    "graduates_employed_in_field": "未统计",
}
SCHOOLS = [
    published.ZHENAN,
    published.WUHU,
    published.GUANGYUAN,
    *published.SHANGHAI,
    published.GUANGZHOU,
    NOT_COLLECTED,
]
RENDERED = (published.WUHU, published.ZHENAN, NOT_COLLECTED)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The database, the city configuration, the city report and three school reports."""
    spec = load_spec()
    folder = tmp_path_factory.mktemp("report-calibers")
    # 芜湖's own words, in the 2024 outline's part on teachers (发展保障)
    texts = {published.WUHU["school_code"]: {"development_support": published.WUHU_NARRATIVE}}
    paths = [
        published.write_school(folder, spec, values, texts.get(values["school_code"]))
        for values in SCHOOLS
    ]
    results = validate_batch(paths, spec)
    assert all(r.valid for r in results), [f.message("zh") for r in results for f in r.findings]
    db = folder / "published.duckdb"
    with open_store(db, spec) as store:
        # the bureau confirmed 芜湖's narrative warning (45% is another 口径, not a mistake)
        assert ingest(store, results, allow_warnings=True).count("accepted") == len(SCHOOLS)
    config = folder / "city.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "kind": "qualityreport/city",
                "version": "1",
                "name": "示例市",
                "issuer": "示例市教育局",
                "employment_rate": {
                    "name": "就业率（含升学）",
                    "counts": published.GUANGZHOU_COUNTS,
                },
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    city = load_city_config(config)
    pdfs = {"city": render_city_report(db, published.YEAR, folder / "city.pdf", city=city).output}
    for values in RENDERED:
        code = values["school_code"]
        out = folder / f"{code}.pdf"
        pdfs[code] = render_school_report(db, code, published.YEAR, out, city=city).output
    return db, city, pdfs


def _pages(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def _running_text(pdf: Path) -> str:
    """The text after the cover, page headers and footers left out, lines joined (a name or a
    number broken over two lines reads whole)."""
    out = []
    for page in _pages(pdf)[1:]:
        lines = [
            x for x in page.splitlines() if not re.fullmatch(r"第 \d+ 页 共 \d+ 页", x.strip())
        ]
        out.append("".join(x for x in lines if "质量年度报告（" not in x))
    return "".join(out)


def _lines(pdf: Path) -> list[str]:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()


def _row(pdf: Path, label: str) -> list[str]:
    """The cells of the first table row whose first cell is the label."""
    for line in _lines(pdf):
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] == label and len(cells) > 1:
            return cells[1:]
    raise AssertionError(f"no row {label} in {pdf.name}")


def _view_row(db: Path, view: str, where: str, value: str) -> dict:
    with open_store(db, read_only=True) as store:
        columns = [r[0] for r in store.rows(f"DESCRIBE {view}")]
        row = store.rows(
            f"SELECT * FROM {view} WHERE year = ? AND {where} = ?", [published.YEAR, value]
        )[0]
    return dict(zip(columns, row, strict=True))


def _shares(spec, lang="zh"):
    """Every share a report may state: (name, denominator) from the spec's declarations."""
    items = [x for x in (*spec.derived, *spec.computed) if x.unit == "percent"]
    if lang == "en":
        return [(x.name_en, x.denominator_name_en) for x in items]
    return [(x.name, x.denominator_name) for x in items]


def test_every_share_declares_its_denominator():
    spec = load_spec()
    assert all(denominator for _, denominator in _shares(spec) + _shares(spec, "en"))


def test_english_sentences_name_the_denominator_too(made, tmp_path):
    db, city, _ = made
    code = published.WUHU["school_code"]
    out = render_school_report(db, code, published.YEAR, tmp_path / "en.pdf", city=city, lang="en")
    text = re.sub(r"\s+", " ", " ".join(_pages(out.output)[1:]))
    spec = load_spec()
    for name, of in _shares(spec, "en"):
        if of.lower() in name.lower():
            continue
        assert not re.search(re.escape(name) + r" was", text, re.IGNORECASE), name
    assert "Further-study rate (of graduates) was 38.8%" in text
    assert "Direct employment rate (of graduates) was 56.2%" in text


def test_every_sentence_that_states_a_share_names_its_denominator(made):
    _, _, pdfs = made
    spec = load_spec()
    named = 0
    for pdf in pdfs.values():
        text = _running_text(pdf)
        for name, denominator in _shares(spec):
            if denominator in name:  # “双师型”教师占专业课教师比例 says it already
                continue
            bare = re.search(re.escape(name) + r"(为|介于)[−\d]", text)
            assert bare is None, (pdf.name, bare.group(0) if bare else "")
            with_it = re.escape(name.removesuffix("）")) + r"[（，]占" + re.escape(denominator)
            named += len(re.findall(with_it + r"）(为|介于)[−\d]", text))
    assert named >= 15  # the reports do state shares
    wuhu = _running_text(pdfs[published.WUHU["school_code"]])
    assert "升学率（占毕业生）为38.8%" in wuhu  # 62 of 160
    assert "毕业去向落实率（含升学，占毕业生）为95.0%" in wuhu  # (90 + 62) of 160
    assert "对口就业率（占直接就业毕业生）为77.8%" in wuhu  # 70 of 90


def test_wuhu_prints_its_primary_figure_with_its_denominator_and_the_narratives_figure_labelled(
    made,
):
    """The narrative says 占专业课教师45%: that is 14 ÷ (28 + 3); 14 ÷ 17 专业课教师 is 82.4%."""
    db, _, pdfs = made
    pdf = pdfs[published.WUHU["school_code"]]
    text = _running_text(pdf)
    assert "占专业课教师45%" in text  # the school's own words, printed as written
    assert "“双师型”教师占专业课教师比例为82.4%" in text
    view = _view_row(db, "school_year", "school_code", published.WUHU["school_code"])
    for label, column, printed in [
        ("“双师型”教师占专业课教师比例", "dual_qualified_ratio", "82.4%"),
        ("“双师型”教师占专任教师比例", "dual_qualified_share_of_full_time", "50.0%"),
        ("“双师型”教师占专任和兼职教师比例", "dual_qualified_share_of_all_teachers", "45.2%"),
    ]:
        assert format_value(view[column], "percent") == printed
        assert _row(pdf, label)[0] == printed


def test_zhenan_tables_print_both_calibers_with_the_views_values(made):
    db, _, pdfs = made
    pdf = pdfs[published.ZHENAN["school_code"]]
    view = _view_row(db, "school_year", "school_code", published.ZHENAN["school_code"])
    rows = {
        "生师比（全部在校生）": ("student_teacher_ratio", "ratio", "25.1:1"),
        "生师比（不含顶岗实习学生）": (
            "student_teacher_ratio_excluding_internship",
            "ratio",
            "17.3:1",
        ),
        "“双师型”教师占专任教师比例": ("dual_qualified_share_of_full_time", "percent", "22.7%"),
        "生均占地面积（全部在校生）": ("campus_area_per_student", "平方米", None),
        "生均占地面积（不含顶岗实习学生）": (
            "campus_area_per_student_excluding_internship",
            "平方米",
            None,
        ),
        "升学率（占毕业生）": ("further_study_rate", "percent", None),
        "升学人数占落实去向毕业生比例": ("further_study_share_of_placed", "percent", None),
    }
    for label, (column, unit, published_figure) in rows.items():
        printed = format_value(view[column], unit)
        assert published_figure in (None, printed), label
        assert _row(pdf, label)[0] == printed, label


def test_a_second_figure_that_cannot_be_computed_is_left_out(made):
    """芜湖 gave no 岗位实习学生数: no row 生师比（不含顶岗实习学生）, and 生师比 keeps its name."""
    _, _, pdfs = made
    pdf = pdfs[published.WUHU["school_code"]]
    lines = _lines(pdf)
    body = lines[: max(n for n, x in enumerate(lines) if x.strip() == "附录 指标表")]
    labels = {re.split(r"\s{2,}", x.strip())[0] for x in body}
    assert "生师比" in labels
    assert not {"生师比（不含顶岗实习学生）", "生师比（全部在校生）"} & labels


def test_in_field_employment_not_collected_is_never_printed_as_zero(made):
    _, _, pdfs = made
    pdf = pdfs[NOT_COLLECTED["school_code"]]
    text = _running_text(pdf)
    assert "对口就业率（占" not in text  # no sentence
    assert not re.search(r"对口就业率[^。；]{0,30}?0\.0%", text)
    heads = [x for x in _lines(pdf) if "专业名称" in x]
    assert heads and not any("对口就业率" in x for x in heads)  # no column of dashes
    labels = {re.split(r"\s{2,}", x.strip())[0] for x in _lines(pdf)}
    assert "毕业去向落实率（含升学）" in labels and "对口就业率" in labels  # the appendix: —
    assert _row(pdf, "对口就业率")[0] == "—"
    assert _row(pdf, "对口就业人数")[0] == "未统计"  # said, not a dash nor 0


def test_city_tables_print_every_caliber_for_counties_and_city_from_the_views(made):
    db, city, pdfs = made
    pdf = pdfs["city"]
    with open_store(db, read_only=True) as store:
        own = city_employment_rate(store, city.employment_rate, published.YEAR)
        counties = [
            r[0]
            for r in store.rows("SELECT county FROM county_year WHERE year = ?", [published.YEAR])
        ]
    values = _view_row(db, "city_year", "1", 1)
    # key figures: a 生均 figure in both 口径, and the city's own 就业率 beside ours
    assert _row(pdf, "生均纸质图书（全部在校生）")[0] == format_value(
        values["books_per_student"], "册"
    )
    assert _row(pdf, "生均纸质图书（不含顶岗实习学生）")[0] == format_value(
        values["books_per_student_excluding_internship"], "册"
    )
    assert _row(pdf, "毕业去向落实率（含升学）")[0] == format_value(
        values["employment_rate"], "percent"
    )
    assert _row(pdf, "就业率（含升学）")[0] == format_value(own.city, "percent")
    # the tables of calibers: each county and the city in every 口径
    teachers = [
        "dual_qualified_ratio",
        "dual_qualified_share_of_full_time",
        "dual_qualified_share_of_all_teachers",
        "student_teacher_ratio",
        "student_teacher_ratio_excluding_internship",
    ]
    graduates = ["further_study_rate", "further_study_share_of_placed", "employment_rate"]
    units = {
        "student_teacher_ratio": "ratio",
        "student_teacher_ratio_excluding_internship": "ratio",
    }

    def printed(value, column):  # under a head that names the unit; a ratio keeps its :1
        unit = units.get(column, "percent")
        return format_value(value, unit, with_unit=unit == "ratio")

    rows = {}
    for line in _lines(pdf):
        cells = re.split(r"\s{2,}", line.strip())
        if cells[0] in counties + ["全市"] and len(cells) in (
            len(teachers) + 1,
            len(graduates) + 2,
        ):
            rows.setdefault(cells[0], []).append(cells[1:])
    assert set(rows) == set(counties) | {"全市"}
    for county in counties:
        view = _view_row(db, "county_year", "county", county)
        teacher_cells, graduate_cells = rows[county]
        assert teacher_cells == [printed(view[c], c) for c in teachers], county
        expected = [printed(view[c], c) for c in graduates] + [printed(own.counties[county], "")]
        assert graduate_cells == expected, county
    assert rows["全市"][0] == [printed(values[c], c) for c in teachers]
    assert rows["全市"][1] == [printed(values[c], c) for c in graduates] + [printed(own.city, "")]


def test_every_report_names_the_school_year_on_its_cover_and_in_its_running_title(made):
    _, _, pdfs = made
    for pdf in pdfs.values():
        pages = _pages(pdf)
        assert "2023—2024学年" in pages[0], pdf.name
        for page in pages[1:]:
            header = next(x for x in page.splitlines() if "质量年度报告（2024年度）" in x)
            assert "2023—2024学年" in header, pdf.name
    for code in (published.WUHU["school_code"], published.ZHENAN["school_code"]):
        text = _running_text(pdfs[code])
        # the definitions appendix: the 学年's days and money's 自然年
        assert "2023—2024学年（2023年9月1日至2024年8月31日）" in text
        assert "经费数据为2024年自然年（2024年1月1日至12月31日）" in text
    # the city report: under its key figures, whatever the bureau's own 编制说明 says
    text = _running_text(pdfs["city"])
    assert "2023—2024学年（2023年9月1日至2024年8月31日）" in text
    assert "经费数据为2024年自然年（2024年1月1日至12月31日）" in text


def test_the_period_follows_the_specs_declaration():
    period = read_reporting_period("学年（上一年9月1日至当年8月31日）；经费为自然年")
    assert period is not None
    assert period.school_year(2024) == "2023—2024学年"
    assert period.school_year_dates(2024) == "2023年9月1日至2024年8月31日"
    assert period.money_calendar_year and period.money_dates(2024) == "2024年1月1日至12月31日"
    calendar = read_reporting_period("学年（当年1月1日至当年12月31日）")
    assert calendar is not None and calendar.school_year(2024) == "2024学年"
    assert not calendar.money_calendar_year
    assert "经费" not in calendar.note(2024)


def test_a_period_the_loader_cannot_read_names_file_and_key():
    spec = load_spec()
    texts = dict(spec.texts)
    texts["indicators.yaml"] = texts["indicators.yaml"].replace(
        "reporting_period: 学年（上一年9月1日至当年8月31日）", "reporting_period: 2023至2024学年", 1
    )
    with pytest.raises(SpecError) as raised:
        spec_from_texts(tuple(texts.items()), spec.directory)
    assert raised.value.key == "reporting_period"
