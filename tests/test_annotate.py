"""Annotated copies: each finding's cell filled and commented, every finding listed, nothing live."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from openpyxl import load_workbook

from qualityreport.annotate import ANNOTATE_MAX_CELLS, FILLS, FINDINGS_SHEET, annotate_workbook
from qualityreport.validate import validate_workbook

CLERK = Path(__file__).resolve().parent / "data" / "clerk"


def test_each_finding_is_marked_at_its_cell_worst_first(make_workbook, spec, tmp_path):
    path = make_workbook(values={"teachers_dual_qualified": 95, "books": "约3万册"})
    result = validate_workbook(path, spec)
    out = annotate_workbook(result, tmp_path / "annotated.xlsx")
    book = load_workbook(out)
    assert book.sheetnames[0] == FINDINGS_SHEET
    dual, books = book["师资队伍"]["C7"], book["办学条件"]["C6"]
    assert dual.fill.fgColor.rgb == FILLS["error"] and "双师型" in dual.comment.text
    assert books.fill.fgColor.rgb == FILLS["error"] and "约3万册" in books.comment.text
    listed = [row for row in book[FINDINGS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert len(listed) == len(result.findings)
    assert {r[1] for r in listed} >= {"师资队伍!C7", "办学条件!C6"}
    # the original is untouched: the copy is a new file
    assert load_workbook(path)["师资队伍"]["C7"].fill.fgColor.rgb != FILLS["error"]


def test_english_findings_sheet(make_workbook, spec, tmp_path):
    result = validate_workbook(make_workbook(values={"books": "约3万册"}), spec)
    book = load_workbook(annotate_workbook(result, tmp_path / "en.xlsx", lang="en"))
    header = next(book[FINDINGS_SHEET].iter_rows(max_row=1, values_only=True))
    assert header[:2] == ("Severity", "Location")


def test_a_finding_inside_merged_cells_is_marked_on_the_range_it_belongs_to(spec, tmp_path):
    result = validate_workbook(CLERK / "number-typed-into-merged-cells.xlsx", spec)
    out = annotate_workbook(result, tmp_path / "merged.xlsx")
    book = load_workbook(out)
    marked = [
        (sheet.title, cell.coordinate)
        for sheet in book.worksheets
        if sheet.title != FINDINGS_SHEET
        for row in sheet.iter_rows()
        for cell in row
        if cell.comment is not None
    ]
    assert marked, "the finding in the merged range is marked"
    for title, ref in marked:
        ranges = book[title].merged_cells.ranges
        assert not any(ref in r and ref != r.start_cell.coordinate for r in ranges)


def test_submitted_text_never_becomes_a_formula(make_workbook, spec, tmp_path):
    result = validate_workbook(make_workbook(values={"books": '=HYPERLINK("x","y")'}), spec)
    book = load_workbook(annotate_workbook(result, tmp_path / "safe.xlsx"))
    texts = [v for row in book[FINDINGS_SHEET].iter_rows(values_only=True) for v in row if v]
    assert any("HYPERLINK" in str(t) for t in texts)
    assert not any(str(t).startswith("=") for t in texts)


def test_a_very_large_workbook_gets_the_findings_sheet_alone_with_a_note(
    make_workbook, spec, tmp_path
):
    path = make_workbook(values={"books": "约3万册"})
    result = validate_workbook(path, spec)
    big = dataclasses.replace(result, cells=ANNOTATE_MAX_CELLS + 1)
    book = load_workbook(annotate_workbook(big, tmp_path / "big.xlsx"))
    assert book.sheetnames == [FINDINGS_SHEET]
    first = next(book[FINDINGS_SHEET].iter_rows(max_row=1, values_only=True))[0]
    assert str(ANNOTATE_MAX_CELLS) in first
