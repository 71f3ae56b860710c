"""The bureau's chapters in Word: the skeleton, what validation names, storing by version, and
the chapters and cases in the city report."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from qualityreport.city import load_city_config
from qualityreport.citytext import read_city_text, write_skeleton
from qualityreport.cli import cli
from qualityreport.render import render_city_report
from qualityreport.store import open_store, store_city_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def city():
    return load_city_config(EXAMPLES / "city.yaml")


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_the_skeleton_has_one_heading_per_chapter_and_reads_back_empty(tmp_path, city):
    path = write_skeleton(tmp_path / "text.docx", 2024, city=city)
    headings = [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "前言",
        "人才培养",
        "服务贡献",
        "文化传承",
        "国际合作",
        "产教融合",
        "发展保障",
    ] + ["面临挑战与改进措施"]
    result = read_city_text(path)
    assert result.valid and result.text.year == 2024 and result.text.outline_id == "city-2024"
    # hints are never read; the required chapters are still empty
    assert _codes(result) == ["chapter-empty"] * 3
    assert not any(result.text.sections.values())
    earlier = read_city_text(write_skeleton(tmp_path / "2023.docx", 2023, city=city))
    assert earlier.text.outline_id == "city-2016"


def test_unknown_repeated_and_missing_chapters_are_named(tmp_path, city):
    document = docx.Document(str(write_skeleton(tmp_path / "s.docx", 2024, city=city)))
    document.add_heading("国际交流", level=1)  # not a chapter of the outline
    document.add_paragraph("这段文字没有地方放。")
    document.add_heading("前言", level=1)
    for paragraph in document.paragraphs:
        if paragraph.text == "文化传承":
            paragraph._p.getparent().remove(paragraph._p)
    path = tmp_path / "edited.docx"
    document.save(str(path))
    result = read_city_text(path)
    assert not result.valid
    assert set(_codes(result)) >= {"chapter-unknown", "chapter-repeated", "chapter-missing"}
    unknown = next(f for f in result.findings if f.code == "chapter-unknown")
    assert "国际交流" in unknown.message_zh and "人才培养" in unknown.message_zh


def test_a_case_keeps_its_title_text_photo_and_caption():
    result = read_city_text(EXAMPLES / "city-text-2024.docx")
    assert result.valid and _codes(result) == []
    (case,) = result.text.cases
    assert case.section_id == "industry_education" and case.title == "校企共建汽车产业学院"
    assert case.photo and case.photo.startswith(b"\x89PNG") and case.caption.startswith("图")
    assert "数据来源" in result.text.sections["preface"]


def test_a_document_that_inflates_too_far_or_is_no_document_is_refused(tmp_path):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (210 * 1024 * 1024))
    (tmp_path / "bomb.docx").write_bytes(bomb.getvalue())
    assert _codes(read_city_text(tmp_path / "bomb.docx", year=2024)) == ["file-too-large"]
    (tmp_path / "text.docx").write_text("not a document", encoding="utf-8")
    assert _codes(read_city_text(tmp_path / "text.docx", year=2024)) == ["document-unreadable"]


def test_stored_by_year_and_version_and_printed_in_the_city_report(tmp_path, city):
    from test_render import city_store

    db = city_store(tmp_path / "city.duckdb", with_mistakes=False)
    result = read_city_text(EXAMPLES / "city-text-2024.docx")
    with open_store(db) as store:
        assert store_city_text(store, result).outcome == "accepted"
        assert store_city_text(store, result).outcome == "unchanged"
    changed = docx.Document(str(EXAMPLES / "city-text-2024.docx"))
    changed.add_paragraph("补充一段。")
    changed.save(str(tmp_path / "v2.docx"))
    runner = CliRunner()
    outcome = runner.invoke(cli, ["chapters", "ingest", str(tmp_path / "v2.docx"), "--db", str(db)])
    assert outcome.exit_code == 0, outcome.output
    assert "v2" in outcome.output
    with open_store(db, read_only=True) as store:
        states = store.rows("SELECT version, status FROM city_texts ORDER BY version")
    assert states == [(1, "superseded"), (2, "accepted")]
    out = tmp_path / "city.pdf"
    render_city_report(db, 2024, out, city=city)
    text = "".join(page.extract_text() for page in PdfReader(out).pages).replace("\n", "")
    assert "数据来源" in text and "案例：校企共建汽车产业学院" in text
    assert "图：学生在产业学院实训车间学习" in text
    assert "本部分未填写" in text  # 国际合作: the example bureau left it empty
