"""The city report with every school report appended is one volume merged from parts laid out in
worker processes: read back, its outline, contents, links and page numbers are those of one
document, and the number of workers changes nothing in it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from qualityreport.render import render_city_report
from qualityreport.render.report_data import school_codes
from qualityreport.store import open_store

from test_render import EXAMPLES, YEAR, city_store

FOOTER = re.compile(r"第 (\d+) 页 共 (\d+) 页")


@pytest.fixture(scope="module")
def city():
    from qualityreport.city import load_city_config

    return load_city_config(EXAMPLES / "city.yaml")


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> Path:
    return city_store(tmp_path_factory.mktemp("volume") / "city.duckdb", with_mistakes=False)


@pytest.fixture(scope="module")
def schools(city_db, city) -> tuple[tuple[str, str], ...]:
    with open_store(city_db, read_only=True) as store:
        return school_codes(store, YEAR, city)


@pytest.fixture(scope="module")
def volume(city_db, city, tmp_path_factory):
    out = tmp_path_factory.mktemp("two-workers") / "city.pdf"
    return render_city_report(city_db, YEAR, out, city=city, with_school_reports=True, workers=2)


def _pages(pdf: Path) -> list[str]:
    """Each page's text as pdftotext lays it out."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page from 1) of every bookmark, in order."""
    reader = PdfReader(pdf)
    entries: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                page = reader.get_destination_page_number(item) + 1
                entries.append((depth, item.title, page))

    walk(reader.outline, 0)
    return entries


def _contents(pages: list[str]) -> dict[str, int]:
    """Heading → page number, as the contents print them (dot leaders, the number last)."""
    toc = next(n for n, page in enumerate(pages) if "目" in page and "录" in page)
    found = {}
    for page in pages[toc : toc + 3]:
        for line in page.splitlines():
            entry = re.match(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", line)
            if entry:
                found[entry.group(1).replace(" ", "")] = int(entry.group(2))
    return found


def test_every_school_report_is_bookmarked_under_the_appendix(volume, schools):
    outline = _outline(volume.output)
    pages = _pages(volume.output)
    appendix = [n for n, (depth, title, _) in enumerate(outline) if title == "附录 分报告"]
    assert len(appendix) == 1 and outline[appendix[0]][0] == 0
    under = outline[appendix[0] + 1 :]
    appended = [(title, page) for depth, title, page in under if depth == 1]
    assert [title for title, _ in appended] == [name for _, name in schools]
    for (name, page), nxt in zip(appended, appended[1:] + [(None, len(pages) + 1)], strict=True):
        title_lines = [x.strip() for x in pages[page - 1].splitlines()[1:8]]
        assert name in title_lines, (name, page)
        chapters = [t for depth, t, p in under if depth == 2 and page <= p < nxt[1]]
        assert "一、人才培养" in chapters and "附录 指标表" in chapters, (name, chapters)
    # the appendix heading shares the first school's first page; each school starts a page
    assert outline[appendix[0]][2] == appended[0][1]
    assert len({page for _, page in appended}) == len(appended)
    assert volume.refused == ()
    assert not [m for m in volume.messages if "anchor" in m.lower()], volume.messages


def test_contents_print_the_page_of_each_chapter_and_school_report(volume, schools):
    pages = _pages(volume.output)
    contents = _contents(pages)
    outline: dict[str, int] = {}  # the first of each title: the city's chapters come first
    for _, title, page in _outline(volume.output):
        outline.setdefault(title.replace(" ", ""), page)
    for _, name in schools:
        assert contents[name] == outline[name], name
        assert name in [x.strip() for x in pages[contents[name] - 1].splitlines()[1:8]]
    for heading in ("前言", "一、人才培养", "七、面临挑战与改进措施", "附录分报告"):
        assert contents[heading] == outline[heading], heading
    assert sorted(contents.values()) == [contents[h] for h in contents]  # in reading order


def test_the_contents_links_lead_to_the_pages_they_print(volume):
    reader = PdfReader(volume.output)
    contents = _contents(_pages(volume.output))
    targets = set()
    for page in reader.pages[1:4]:
        for annotation in page.get("/Annots", []):
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link" and "/Dest" in link:
                targets.add(reader.get_page_number(link["/Dest"][0].get_object()) + 1)
    assert targets == set(contents.values())


def test_every_page_but_the_cover_says_its_number_and_the_total(volume):
    pages = _pages(volume.output)
    assert volume.pages == len(pages) == len(PdfReader(volume.output).pages)
    assert not FOOTER.search(pages[0])  # the cover
    for n, page in enumerate(pages[1:], start=2):
        footers = FOOTER.findall(page)
        assert footers == [(str(n), str(len(pages)))], (n, footers)


def test_page_numbers_sit_where_a_single_report_prints_them(volume, city_db, city, tmp_path):
    """The stamped footer has the place and size of the one WeasyPrint prints in a report
    rendered whole."""
    whole = render_city_report(city_db, YEAR, tmp_path / "city.pdf", city=city)

    def footer_box(pdf: Path, page: int) -> tuple[float, float]:
        xml = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">第</word>', xml)
        y_min, y_max = words[-1]
        return float(y_min), float(y_max)

    assert footer_box(volume.output, 3) == pytest.approx(footer_box(whole.output, 3), abs=0.5)


def test_one_worker_and_two_make_the_same_volume(volume, city_db, city, tmp_path):
    one = render_city_report(
        city_db, YEAR, tmp_path / "one.pdf", city=city, with_school_reports=True, workers=1
    )
    assert _pages(one.output) == _pages(volume.output)
    assert _outline(one.output) == _outline(volume.output)
