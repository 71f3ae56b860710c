"""Real PDFs from the example city: text, fonts, outline, targets, safety and the CLI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import school_data
from pypdf import PdfReader

from qualityreport.cli import cli
from qualityreport.errors import RenderError
from qualityreport.render import render_city_report, render_school_report
from qualityreport.render.fetcher import SafeFetcher
from qualityreport.render.report_data import load_city_report_data, load_school_report_data
from qualityreport.resources import templates_dir
from qualityreport.store import open_store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
YEAR = 2024
SCHOOL = "4142050101"
CHAPTERS = (  # the 2024 notice's parts, then the indicator tables
    "人才培养",
    "服务贡献",
    "文化传承",
    "国际合作",
    "产教融合",
    "发展保障",
    "面临挑战",
    "附录 指标表",
)
HOSTILE_NAME = '<script>alert(1)</script>夷陵职教<img src="file:///etc/passwd">'
HOSTILE_TEXT = (
    '<script>alert("x")</script><img src="file:///etc/passwd">'
    '请访问 http://example.com/evil.png 了解详情 <link rel="attachment" '
    'href="file:///etc/hostname">'
)


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    reader = PdfReader(pdf)
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return entries


def _fonts(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def city_store(db: Path, *, with_mistakes: bool = True) -> Path:
    """The example city through the real pipeline: validate, ingest, check the city's own sets
    for every year."""
    from qualityreport.check import check
    from qualityreport.city import load_city_config
    from qualityreport.spec import load_spec
    from qualityreport.store import expected_from_city, ingest, register_expected_schools
    from qualityreport.targets import load_target_sets
    from qualityreport.validate import validate_paths

    spec = load_spec()
    city = load_city_config(EXAMPLES / "city.yaml")
    schools = expected_from_city(city)
    folders = [EXAMPLES / "city"] + ([EXAMPLES / "mistakes"] if with_mistakes else [])
    with open_store(db, spec) as store:
        register_expected_schools(store, schools)
        ingest(store, validate_paths(folders, spec))
        for year in (2022, 2023, 2024):
            check(
                store,
                load_target_sets(list(city.target_sets)),
                year,
                city.parameters,
                expected_schools=schools,
                city=city,
            )
    return db


@pytest.fixture(scope="module")
def city():
    from qualityreport.city import load_city_config

    return load_city_config(EXAMPLES / "city.yaml")


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> Path:
    return city_store(tmp_path_factory.mktemp("store") / "city.duckdb")


@pytest.fixture(scope="module")
def school_pdf(city_db, city, tmp_path_factory):
    out = tmp_path_factory.mktemp("school") / "school.pdf"
    return render_school_report(city_db, SCHOOL, YEAR, out, city=city)


@pytest.fixture(scope="module")
def city_pdf(city_db, city, tmp_path_factory):
    out = tmp_path_factory.mktemp("city") / "city.pdf"
    return render_city_report(city_db, YEAR, out, city=city, with_school_reports=True)


def write_school(folder: Path, spec, code: str, name: str, year: int, **changes) -> Path:
    """A real workbook written from the template for one school and year."""
    from qualityreport.template import write_workbook

    narratives = changes.pop("narratives", None)
    values = {"school_code": code, "school_name": name, "year": year, **changes}
    path = folder / f"{code}-{year}.xlsx"
    write_workbook(path, spec, year, school_data(values, narratives=narratives, spec=spec))
    return path


def small_store(db: Path, *, hostile: bool = False) -> Path:
    """Three schools, two years, written from the template and ingested: the second school
    may carry markup in its name and text; the third's 2024 workbook is rejected."""
    from qualityreport.spec import load_spec
    from qualityreport.store import ingest
    from qualityreport.validate import validate_paths

    spec = load_spec()
    folder = db.parent / (db.stem + "-workbooks")
    folder.mkdir()
    names = ["宜昌市三峡中等专业学校", "夷陵区职业教育中心", "宜都市职业教育中心"]
    if hostile:
        names[1] = HOSTILE_NAME
    paths = []
    for n, name in enumerate(names):
        code = f"42050000{n + 1:02d}"
        for year in (2023, 2024):
            texts = {x.id: f"{x.name}：本年度工作稳步推进。" for x in spec.narratives}
            texts.pop("cultural_heritage")  # a section the school left empty
            if hostile and n == 1:
                texts["talent_cultivation"] = HOSTILE_TEXT
            changes = {"narratives": texts, "books": 95000 + 5000 * (year - 2023)}
            if n == 2 and year == 2024:
                changes["teachers_dual_qualified"] = 500  # more than 专业课教师: rejected
            paths.append(write_school(folder, spec, code, name, year, **changes))
    with open_store(db, spec) as store:
        ingest(store, validate_paths(paths, spec))
    return db


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return small_store(tmp_path_factory.mktemp("hostile") / "fixture.duckdb", hostile=True)


def test_school_report_has_every_chapter_figure_and_verdict(city_db, school_pdf):
    with open_store(city_db, read_only=True) as store:
        data = load_school_report_data(store, SCHOOL, YEAR)
    text = _text(school_pdf.output)
    assert data.name in text
    assert f"{data.name}质量年度报告（2024年度）" in text.replace("\n", "")
    assert "目录" in text.replace(" ", "")
    for chapter in CHAPTERS:
        assert chapter in text, chapter
    enrolled = f"{round(data.values['students_enrolled']):,}人"
    assert f"在校生数为{enrolled}" in text.replace("\n", "")
    ratio = f"{data.values['dual_qualified_ratio'] * 100:.1f}%"
    assert ratio in text
    assert "达成" in text
    if any(t.met is False for t in data.targets):
        assert "未达成" in text
    assert 6 <= school_pdf.pages <= 30
    assert school_pdf.refused == ()
    assert not [m for m in school_pdf.messages if "Anchor defined twice" in m]


def test_school_report_outline_and_toc_point_at_chapters(school_pdf):
    outline = _outline(school_pdf.output)
    titles = [title for _, title, _ in outline]
    assert "一、人才培养" in titles and "附录 指标表" in titles
    assert "目录" not in titles
    pages = [page for _, _, page in outline]
    assert pages == sorted(pages)
    toc = PdfReader(school_pdf.output).pages[1].extract_text()
    assert "一、人才培养" in toc and "七、面临挑战" in toc
    first_chapter_page = pages[0] + 1
    assert str(first_chapter_page) in toc


def test_pdf_embeds_a_chinese_font(school_pdf):
    fonts = _fonts(school_pdf.output)
    assert any("CJK" in f or "NotoSans" in f for f in fonts), fonts
    assert not any("JP" in f for f in fonts), fonts


def test_city_report_sections_matrix_and_appendix(city_db, city, city_pdf):
    with open_store(city_db, read_only=True) as store:
        data = load_city_report_data(store, YEAR, city=city)
    text = _text(city_pdf.output)
    assert "宜昌市" in text and "中等职业教育质量年度报告" in text
    for heading in (
        "前言",
        "人才培养",
        "规模和结构",
        "目标达成",
        "各校目标达成矩阵",
        "专业布局",
        "历年变化",
        "面临挑战与改进措施",
        "附录 分报告",
    ):
        assert heading in text, heading
    assert "绿色为达成" in text
    # internal administration is not in the public report
    for internal in ("数据报送情况", "数据质量", "被退回的文件"):
        assert internal not in text, internal
    assert not any(r.file_name in text for r in data.completeness.rejected)
    assert "宜昌市教育局" in text and "2025年3月" in text
    outline = _outline(city_pdf.output)
    school_entries = [(title, page) for depth, title, page in outline if depth == 1]
    names = {s.name for s in data.schools}
    appended = [(title, page) for title, page in school_entries if title in names]
    assert {title for title, _ in appended} == names
    # every school report starts on a page of its own
    assert len({page for _, page in appended}) == len(appended)
    assert city_pdf.pages > 12 * 6
    assert not [m for m in city_pdf.messages if "Anchor defined twice" in m]


def test_city_report_charts_keep_text_as_text(city_db, city, city_pdf):
    """matplotlib wrote svg.fonttype none: a label that exists only on a chart axis (the short
    names the city configuration gives schools) is searchable text in the PDF."""
    import re

    from qualityreport.render.pdf import city_report_html

    with open_store(city_db, read_only=True) as store:
        data = load_city_report_data(store, YEAR, city=city)
    html = city_report_html(data)
    outside_charts = re.sub(r'src="data:image/svg\+xml;base64,[^"]*"', "", html)
    assert "三峡中专" not in outside_charts and "秭归" not in outside_charts.replace("秭归县", "")
    text = _text(city_pdf.output)
    assert "三峡中专" in text


def test_hostile_values_render_as_text_and_fetch_nothing(hostile_db, tmp_path):
    result = render_school_report(hostile_db, "4205000002", 2024, tmp_path / "hostile.pdf")
    text = _text(result.output).replace("\n", "")
    assert "<script>alert(1)</script>夷陵职教" in text
    assert 'src="file:///etc/passwd"' in text
    assert "http://example.com/evil.png" in text
    assert result.refused == ()  # escaped: nothing even tried to load
    assert PdfReader(result.output).attachments == {}


def test_missing_narrative_shows_placeholder(hostile_db, tmp_path):
    result = render_school_report(hostile_db, "4205000001", 2024, tmp_path / "school.pdf")
    text = _text(result.output)
    assert "本部分未填写" in text
    assert "三、文化传承" in text


def test_fetcher_refuses_local_files_and_network(tmp_path):
    fetcher = SafeFetcher([templates_dir()])
    css = (templates_dir() / "report.css").resolve().as_uri()
    assert b"@page" in fetcher.fetch(css).read()
    outside = (templates_dir() / ".." / ".." / "etc" / "passwd").as_uri()
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/",
        "ftp://example.com/x",
        outside,
        "file://evil.example.com/etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://example.com/x.png" in fetcher.refused


def test_user_template_cannot_reach_outside(hostile_db, tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    shutil.copy(templates_dir() / "school.html.j2", own / "school.html.j2")
    page = (own / "school.html.j2").read_text(encoding="utf-8")
    page = page.replace(
        "{% block body %}",
        '{% block body %}<img src="file:///etc/passwd">'
        '<img src="http://example.com/track.png">'
        '<link rel="attachment" href="file:///etc/hostname">'
        '<p class="own-template">自定义模板</p>',
        1,
    )
    (own / "school.html.j2").write_text(page, encoding="utf-8")
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        '<rect width="40" height="20" fill="#c00"/></svg>',
        encoding="utf-8",
    )
    result = render_school_report(
        hostile_db, "4205000001", 2024, tmp_path / "own.pdf", template_dir=own, logo=logo
    )
    assert "自定义模板" in _text(result.output)
    assert "file:///etc/passwd" in result.refused
    assert "http://example.com/track.png" in result.refused
    assert "file:///etc/hostname" in result.refused
    assert PdfReader(result.output).attachments == {}


def test_english_report(hostile_db, tmp_path):
    result = render_school_report(hostile_db, "4205000001", 2024, tmp_path / "en.pdf", lang="en")
    text = _text(result.output)
    assert "Talent cultivation" in text and "Targets" in text and "Page 3 of" in text


def test_no_cjk_font_is_a_render_error(hostile_db, tmp_path):
    with pytest.raises(RenderError, match="fonts-noto-cjk"):
        render_school_report(hostile_db, "4205000001", 2024, tmp_path / "x.pdf", font_families=[])
    assert not (tmp_path / "x.pdf").exists()


def test_unknown_school_and_year_are_clear_errors(hostile_db):
    with open_store(hostile_db, read_only=True) as store:
        with pytest.raises(RenderError, match="没有学校"):
            load_school_report_data(store, "不存在的学校", 2024)
        with pytest.raises(RenderError, match="没有2019年度"):
            load_school_report_data(store, "4205000001", 2019)


def test_cli_errors_are_one_line(hostile_db, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        cli, ["report", "school", "不存在", "--year", "2024", "--db", str(hostile_db)]
    )
    assert result.exit_code == 3
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    result = runner.invoke(
        cli,
        [
            "report",
            "city",
            "--year",
            "2019",
            "--db",
            str(hostile_db),
            "-o",
            str(tmp_path / "c.pdf"),
        ],
    )
    assert result.exit_code == 3 and "2019" in result.output


def test_cli_school_by_name(hostile_db, tmp_path):
    out = tmp_path / "by-name.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "school",
            "宜昌市三峡中等专业学校",
            "--year",
            "2024",
            "--db",
            str(hostile_db),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.is_file() and "页" in result.output


def test_doctor_reports_fonts_and_exit_code():
    from qualityreport.cli.doctor import run_checks

    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    assert "Noto Sans CJK SC" in result.output and "weasyprint" in result.output
    missing = run_checks(font_families=[])
    font = next(c for c in missing if "CJK" in c.name)
    assert not font.ok and "fonts-noto-cjk" in font.fix


def test_all_school_reports_in_parallel(tmp_path):
    from qualityreport.render import render_school_reports

    db = small_store(tmp_path / "three.duckdb")
    seen = []
    results = render_school_reports(db, 2024, tmp_path / "out", workers=2, progress=seen.append)
    # the third school's 2024 workbook was rejected, so two reports
    assert [r.output.name for r in results] == [
        "2024-4205000001-宜昌市三峡中等专业学校.pdf",
        "2024-4205000002-夷陵区职业教育中心.pdf",
    ]
    assert len(seen) == 2 and all(r.pages >= 6 for r in results)


def test_a_later_check_of_one_set_keeps_the_other_sets_results(tmp_path):
    """Reports show the latest result of every target, not only the last check run."""
    import shutil

    from qualityreport.check import check
    from qualityreport.city import load_city_config
    from qualityreport.spec import load_spec
    from qualityreport.store import ingest
    from qualityreport.targets import load_target_sets
    from qualityreport.validate import validate_paths

    spec = load_spec()
    db = tmp_path / "city.duckdb"
    parameters = load_city_config(EXAMPLES / "city.yaml").parameters
    for year in ("2023", "2024"):
        shutil.copytree(EXAMPLES / "city" / year, tmp_path / year)
    with open_store(db, spec) as store:
        ingest(store, validate_paths([tmp_path / "2023", tmp_path / "2024"], spec))
        check(store, load_target_sets(), 2024, parameters)
        check(store, load_target_sets(["sanming-2024"]), 2024, parameters)
    with open_store(db, read_only=True) as store:
        data = load_school_report_data(store, "4142050101", 2024)
    assert {t.set_id for t in data.targets} >= {
        "national-standards",
        "yueyang-2024",
        "sanming-2024",
    }


def test_a_report_waits_for_an_ingest_then_says_the_database_is_busy(tmp_path):
    """DuckDB's own lock message never reaches the user: the report waits, then one line."""
    import subprocess
    import sys
    import time

    from qualityreport.store import open_store

    db = tmp_path / "held.duckdb"
    open_store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from qualityreport.store import open_store; "
            "s = open_store(sys.argv[1]); print('held', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = CliRunner().invoke(
            cli, ["report", "school", SCHOOL, "--year", "2024", "--db", str(db), "-o", "x.pdf"]
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.communicate()
    assert result.exit_code == 3, result.output
    assert result.output.count("\n") == 1 and "database busy" in result.output
    assert "lock" not in result.output.lower() and waited >= 4


def test_a_report_prints_at_most_the_spec_bound_of_each_section(tmp_path, make_workbook, spec):
    """A database holding 325,000 characters a section (older than the bound, or written by
    hand) still renders in seconds: each section is cut at its max_length."""
    import time

    from qualityreport.store import ingest_paths, open_store

    db = tmp_path / "long.duckdb"
    assert ingest_paths(db, [make_workbook()], spec).outcomes[0].outcome == "accepted"
    with open_store(db) as store:
        store.con.execute(
            "UPDATE narratives SET text = repeat('本校推进职业教育质量提升。', 25000)"
        )
    started = time.perf_counter()
    out = tmp_path / "long.pdf"
    render_school_report(db, "4205000001", 2024, out)
    seconds = time.perf_counter() - started
    assert seconds < 60
    reader = PdfReader(out)
    assert len(reader.pages) < 120
    assert "……" in "".join(page.extract_text() for page in reader.pages[-40:])
    print(f"325,000 characters a section: {len(reader.pages)} pages in {seconds:.1f} s")


def test_city_report_without_a_configuration_says_what_it_lacked(hostile_db, tmp_path):
    out = tmp_path / "city.pdf"
    result = CliRunner().invoke(
        cli, ["report", "city", "--year", "2024", "--db", str(hostile_db), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "城市名称、编制单位" in result.output  # the log
    cover = PdfReader(out).pages[0].extract_text()
    assert "城市名称、编制单位" in cover.replace("\n", "")


def test_quality_report_is_internal_with_the_hit_list(city_db, tmp_path):
    out = tmp_path / "quality.pdf"
    result = CliRunner().invoke(
        cli,
        ["report", "quality", "--db", str(city_db), "--config", str(EXAMPLES / "city.yaml")]
        + ["--year", "2024", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    text = _text(out).replace("\n", "")
    assert "内部资料" in text and "数据报送情况" in text and "被退回的文件" in text
    assert "dual-exceeds-professional" in text  # a rule of the hit list, with files and schools


def _in_order(text: str, headings: list[str]) -> bool:
    at = 0
    for heading in headings:
        at = text.find(heading, at)
        if at < 0:
            return False
        at += len(heading)
    return True


@pytest.mark.parametrize("report, year", [("school", 2024), ("school", 2023), ("city", 2024)])
def test_each_section_of_the_outline_appears_in_order_in_the_toc_and_the_text(
    city_db, city, tmp_path, report, year
):
    """The chosen outline (the 2024 notice from 2024, the 2016–2021 outline before) is what the
    report prints: every section, numbered, in order, in the table of contents and the text."""
    from qualityreport.outline import outline_for
    from qualityreport.render.labels import numbering

    outline = outline_for(report, year)
    num, sub = numbering("zh")
    headings, n = [], 0
    for section in outline.sections:
        headings.append((num[n] if section.numbered else "") + section.title)
        n += section.numbered
        headings += [sub[m] + child.title for m, child in enumerate(section.sections)]
    headings += [s.title for s in outline.appendix]
    out = tmp_path / f"{report}-{year}.pdf"
    if report == "school":
        render_school_report(city_db, SCHOOL, year, out, city=city)
    else:
        render_city_report(city_db, year, out, city=city)
    pages = [page.extract_text().replace(" ", "") for page in PdfReader(out).pages]
    toc = next(p for p in pages if "目录" in p)
    body = "".join(pages[pages.index(toc) + 1 :])
    wanted = [h.replace(" ", "") for h in headings]
    assert _in_order(toc, wanted), (toc, wanted)
    assert _in_order(body, wanted)


def _fill(pdf: Path) -> list[float]:
    """How far down each page its body text reaches (running title and page number aside), as
    a share of the text block's height."""
    import subprocess
    import xml.etree.ElementTree as ET

    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    fills = []
    for page in ET.fromstring(f"<body>{xml}</body>").iter("page"):
        height = float(page.get("height"))
        top, bottom = height * 0.08, height * 0.93  # below the running title, above "第 N 页"
        lows = [
            float(block.get("yMax"))
            for block in page.iter("block")
            if top < float(block.get("yMin")) and float(block.get("yMax")) < bottom
        ]
        fills.append((max(lows, default=top) - top) / (bottom - top))
    return fills


def test_no_page_is_more_than_half_empty_except_before_a_chapter(city_pdf, school_pdf):
    for result in (city_pdf, school_pdf):
        outline = _outline(result.output)
        chapter_pages = {page for depth, _, page in outline if depth <= 1}
        fills = _fill(result.output)
        last = len(fills) - 1
        for n, fill in enumerate(fills[2:last], start=2):  # the cover and contents aside
            if fill < 0.5:
                assert n + 1 in chapter_pages, (result.output.name, n + 1, round(fill, 2))


def test_printed_definitions_are_for_readers_not_fill_in_instructions(school_pdf, spec):
    """The spec keeps both: `definition` is printed, `instruction` is for the template only."""
    text = _text(school_pdf.output).replace("\n", "")
    for indicator in spec.indicators:
        if indicator.instruction:
            assert indicator.instruction not in text, indicator.id
    for hint in ("以元为单位", "市里要求时填写", "由市教育局选择"):
        assert hint not in text
    assert any(i.instruction for i in spec.indicators)


def _broken(name: str, lines: list[str], others: tuple[str, ...] = ()) -> list[str]:
    """Lines where a name starts but is cut off by the end of its cell (its rest on the next)."""
    found = []
    for line in lines:
        at = line.find(name[:4])
        while at >= 0:
            shown = line[at : at + len(name)]
            if any(line.startswith(other, at) for other in others if other != name):
                at = line.find(name[:4], at + 1)
                continue  # another name whole (the county a school's name begins with)
            common = next(
                (k for k in range(len(name)) if k >= len(shown) or shown[k] != name[k]), len(name)
            )
            rest = line[at + common : at + common + 1]
            if common < len(name) and (rest == "" or rest.isspace()):
                found.append(line)
            at = line.find(name[:4], at + 1)
    return found


# What a figure cut by the end of its cell leaves on the page (pdftotext -layout): the head of
# a bracketed threshold without its end ("（≥ 2,5", "（≥ 24,000平方"), a number whose unit goes
# on ("115,000平方"), a unit alone ("米）", "册"), a name's figure that lost its unit
# ("校舍建筑面积不少于24000").
_CUT_FIGURE = (
    re.compile(r"[（(][≥≤≈<>][^）)]*$"),
    re.compile(r"\d(平方?|万)$"),
    re.compile(r"^(米|方米|平方米|元|万元|册|人次|人|项|个|%|:1)）?$"),
    re.compile(r"[\u4e00-\u9fff]\d[\d,.]*$"),
)


def _cut_figures(lines: list[str]) -> list[tuple[str, str]]:
    """Table cells (runs split by two spaces or more) where a figure is cut; a long line of
    running text is not a table row and may wrap anywhere."""
    found = []
    for line in lines:
        cells = [c for c in re.split(r"\s{2,}", line.strip()) if c]
        if len(cells) == 1 and len(cells[0]) > 16:
            continue
        found += [(c, line) for c in cells if any(p.search(c) for p in _CUT_FIGURE)]
    return found


def _layout(pdf: Path) -> list[str]:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_no_school_or_county_name_breaks_inside_a_table_cell(city_pdf, city):
    """Table cells keep names and figures whole (the word joiner does what keep-all would)."""
    layout = _layout(city_pdf.output)
    names = [s.name for s in city.schools] + [c for c in city.counties if len(c) >= 4]
    for name in names:
        broken = _broken(name, layout, tuple(names))
        assert not broken, (name, broken[:2])


def test_no_number_unit_or_threshold_breaks_inside_a_table_cell(city_pdf):
    """A number keeps its unit and a bracketed threshold stays whole in every table of the city
    report and the school reports appended to it: target matrices, summaries, target tables."""
    layout = _layout(city_pdf.output)
    assert any("（≥ 2,500元）" in line for line in layout)  # a per-school line, whole
    assert any("（≥ 24,000平方米）" in line for line in layout)  # a head's line, whole
    assert not _cut_figures(layout), _cut_figures(layout)[:4]


def test_the_cut_figure_check_sees_cut_figures():
    """The check above finds what a too narrow column made of figures before."""
    cut = [
        "宜昌市艺术学校      46.8册      6,474元（≥ 2,5",
        "                                00元）",
        "学校        （≥ 30册）       米）        （≥ 20平方米）",
        "生均纸质图书不少于30           适用印刷图书生均不",
        "册                     少于30册",
        "校舍建筑面积不少于24000                              115,000平方",
    ]
    assert [c for c, _ in _cut_figures(cut)] == [
        "6,474元（≥ 2,5",
        "米）",
        "生均纸质图书不少于30",
        "册",
        "校舍建筑面积不少于24000",
        "115,000平方",
    ]
    whole = ["宜昌市艺术学校      46.8册      6,474元", "          （≥ 2,500元）", "2500元）  x"]
    assert _cut_figures(whole) == []


def _table_head(layout: list[str], caption: str, first_row: str) -> str:
    """The head of the table under a caption: the lines between it and its first row."""
    start = next(n for n, line in enumerate(layout) if caption in line)
    end = next(n for n in range(start, len(layout)) if layout[n].strip().startswith(first_row))
    return " ".join(layout[start + 1 : end])


def test_table_heads_print_the_declared_names_and_ratios_as_x_to_1(city_pdf, spec):
    """Tables 2 and 4 of the city report and each school's 各专业毕业生就业情况 head their
    columns with the indicators' declared names (never an invented short form), 生师比 as 9.2:1."""
    names = {d.id: d.name for d in spec.derived}

    def printed(name: str, head: str) -> bool:
        """Each part of the name is in the head whole (a long head wraps between its parts)."""
        return all(part in head for part in re.findall(r"“[^”]*”|（[^）]*）|[^“（]+", name))

    layout = _layout(city_pdf.output)
    for caption, first in (("各县（市、区）主要指标", "西陵区"), ("历年主要指标", "2022")):
        head = re.sub(r"\s+", "", _table_head(layout, caption, first))
        assert printed(names["dual_qualified_ratio"], head), head
        assert printed(names["employment_rate"], head), head
        assert "双师型比例" not in head and "就业率" not in head.replace("落实率", "")
        row = next(line for line in layout if line.strip().startswith(first))
        assert re.search(r"\d+\.\d:1$", row.strip()), row  # 生师比 with its :1
    head = re.sub(r"\s+", "", _table_head(layout, "各专业毕业生就业情况", "数控技术应用"))
    assert printed(names["employment_rate"], head), head
    assert printed(names["in_field_employment_rate"], head), head


def test_chart_axes_name_every_school_by_one_rule(city_pdf, city):
    """The school axis of a distribution chart prints each school's declared short name, or its
    full name where none is declared: never a document's alias or a cut."""
    from qualityreport.render.report_data import short_name

    layout = _layout(city_pdf.output)
    caption = next(n for n, line in enumerate(layout) if "图1" in line)
    drawn = [
        re.split(r"\s{2,}", line.strip())[0]
        for line in layout[caption - 40 : caption]
        if re.search(r"\d\.\d%$", line.strip())
    ]
    wanted = [short_name(city, s.code, s.name) for s in city.schools]
    assert drawn == wanted
    assert all(s.short_name for s in city.schools)  # the example city declares one for each
    for s in city.schools:  # an alias is what a document says, not a label
        assert all(alias not in drawn for alias in s.aliases if alias != s.short_name)


def test_target_summaries_say_what_they_count(city_db, city, city_pdf):
    """A school's summary counts the targets that apply to it, then how many were met, missed or
    could not be judged and why; the city's counts the same over all schools (校次), and both
    add up to the verdicts the report prints."""
    with open_store(city_db, read_only=True) as store:
        data = load_city_report_data(store, YEAR, city=city)
    text = re.sub(r"\s+", "", _text(city_pdf.output))
    assert "作出判定的目标" not in text
    school = re.compile(
        r"适用于本校的目标(\d+)项，其中达成(\d+)项、未达成(\d+)项(?:、无法判定(\d+)项（([^）]*)）)?"
    )
    found = school.findall(text)
    assert len(found) == len(data.schools)
    assert any(undetermined for *_, undetermined, _ in found)  # 缺参数 in the example city
    for total, met, missed, undetermined, reasons in found:
        assert int(total) == int(met) + int(missed) + int(undetermined or 0)
        assert sum(int(n) for n in re.findall(r"(\d+)项", reasons)) == int(undetermined or 0)
    schools = [x for x in data.targets if x.scope == "school" and x.judged]
    city_line = re.search(
        r"各校适用的目标共(\d+)校次，其中达成(\d+)校次、未达成(\d+)校次、无法判定(\d+)校次", text
    )
    assert city_line is not None
    assert [int(g) for g in city_line.groups()] == [
        len(schools),
        sum(1 for x in schools if x.met is True),
        sum(1 for x in schools if x.met is False),
        sum(1 for x in schools if x.met is None),
    ]


def _chapters(pdf: Path) -> dict[str, str]:
    """The city report's text (before the appended school reports) by chapter of its outline."""
    from qualityreport.outline import outline_for
    from qualityreport.render.labels import numbering

    pages = [page.extract_text().replace(" ", "") for page in PdfReader(pdf).pages]
    toc = next(n for n, p in enumerate(pages) if "目录" in p)
    body = "".join(pages[toc + 1 :]).split("附录分报告")[0]
    num, _ = numbering("zh")
    titles, n = [], 0
    for section in outline_for("city", YEAR).sections:
        titles.append((num[n] if section.numbered else "") + section.title)
        n += section.numbered
    starts = [body.index(t) for t in titles]
    return {
        t: body[start:end]
        for t, start, end in zip(titles, starts, starts[1:] + [len(body)], strict=True)
    }


def test_city_chapters_hold_what_the_2024_notice_puts_there(city_pdf):
    """Students' outcomes in 人才培养, training for society in 服务贡献, enterprises and
    apprentices in 产教融合, the teaching staff (“双师型”, 生师比) in 发展保障 as in the school
    report; each ratio said once, where its chart is."""
    chapters = _chapters(city_pdf.output)
    talent, service = chapters["一、人才培养"], chapters["二、服务贡献"]
    cooperation, support = chapters["五、产教融合"], chapters["六、发展保障"]
    for teacher_chart in ("各校“双师型”教师占专业课教师比例", "各校生师比"):
        assert teacher_chart not in talent
        assert teacher_chart in support.split("目标达成")[0]
    assert "教师队伍" in support and "各校毕业去向落实率（含升学）" in talent
    assert re.search(r"全市社会培训人次为[\d,]+人次", service)
    assert re.search(r"各校社会培训人次介于", service)
    assert re.search(r"全市校企合作企业数为[\d,]+个", cooperation)
    said = re.findall(r"全市“双师型”教师占专业课教师比例为[\d.]+%", "".join(chapters.values()))
    assert len(said) == 1


def test_a_composite_target_with_parts_undetermined_prints_no_count(city_pdf):
    """办学条件重点监测指标全部达标 for a school whose provincial lines are not set: the count of
    parts met so far is no figure of the school; its row says 缺分项, with no "0项" beside ≥ 9项."""
    rows = [
        line
        for line in _layout(city_pdf.output)
        if "≥ 9项" in line and "缺分项" in line  # its row in a school's target table
    ]
    assert rows  # 宜昌市艺术学校, 兴山, 长阳 and 五峰 in the example city
    for line in rows:
        cells = re.split(r"\s{2,}", line.strip())
        assert "—" in cells and not any(re.fullmatch(r"\d+项", c) for c in cells), line
