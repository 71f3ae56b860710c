"""Write a copy of a submitted workbook with each bad cell filled and commented, plus a findings sheet."""

from __future__ import annotations

from pathlib import Path

from .formula_guard import formula_safe
from .records import ValidationResult

FINDINGS_SHEET = "校验结果"
FILLS = {"error": "FFF4B6B0", "warning": "FFFEE4A8", "info": "FFD1E9FF"}
# openpyxl takes ~30 µs and ~1.5 KB a cell to load and save a workbook: past this many cells a
# copy would cost seconds and hundreds of megabytes, so only the findings sheet is written.
ANNOTATE_MAX_CELLS = 25_000
_HEADERS = {
    "zh": ("级别", "位置", "规则", "说明", "填写", "应为"),
    "en": ("Severity", "Location", "Rule", "Message", "Found", "Expected"),
}
_WIDTHS = (8, 18, 26, 70, 16, 16)


def _rows(result: ValidationResult, lang: str):
    for finding in result.findings:
        row = (
            finding.severity,
            finding.location,
            finding.rule or finding.code,
            finding.message(lang),
            finding.found,
            finding.expected,
        )
        yield finding.severity, [formula_safe(v) for v in row]


def _write_findings_sheet(book, result: ValidationResult, lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    if FINDINGS_SHEET in book.sheetnames:
        del book[FINDINGS_SHEET]
    sheet = book.create_sheet(FINDINGS_SHEET, 0)
    sheet.append(_HEADERS[lang])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for severity, row in _rows(result, lang):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
        sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=FILLS[severity])
    for column, width in zip("ABCDEF", _WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width


def _findings_only(result: ValidationResult, output: Path, lang: str, note: str | None) -> None:
    """A workbook of the findings sheet alone, streamed: its cost grows with the findings only."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    sheet = book.create_sheet(FINDINGS_SHEET)
    for column, width in zip("ABCDEF", _WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    if note:
        sheet.append([note])
    bold = Font(bold=True)
    headers = []
    for text in _HEADERS[lang]:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    for severity, row in _rows(result, lang):
        cells = [WriteOnlyCell(sheet, value=v) for v in row]
        for cell in cells:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
        cells[0].fill = PatternFill("solid", fgColor=FILLS[severity])
        sheet.append(cells)
    book.save(output)


def _anchor(sheet, ref: str) -> str:
    """The cell that shows a merged range (its top-left); any other cell shows itself.

    A finding may point into a merged range (the clerk merged B4:C4 and typed the number):
    only the top-left cell of a range can hold a fill and a comment."""
    for merged in sheet.merged_cells.ranges:
        if ref in merged:
            return merged.start_cell.coordinate
    return ref


def annotate_workbook(result: ValidationResult, output: str | Path, lang: str = "zh") -> Path:
    """Copy the workbook to output, marking each finding's cell, plus a findings sheet.

    .xls and .ods files, unusable files and workbooks of more than ANNOTATE_MAX_CELLS cells get
    the findings sheet only (the last with a note saying why)."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    source = Path(result.file)
    if result.cells > ANNOTATE_MAX_CELLS:
        note = (
            f"工作簿有 {result.cells} 个单元格，超过 {ANNOTATE_MAX_CELLS} 个，未复制原表并标注；"
            "请按“位置”一列修改原文件"
            if lang == "zh"
            else f"the workbook has {result.cells} cells, more than {ANNOTATE_MAX_CELLS}: it was "
            "not copied and marked; correct the original at each location below"
        )
        _findings_only(result, output, lang, note)
        return output
    # An unusable original (a zip bomb among them) is never opened again: findings sheet only.
    copy = result.usable and source.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm")
    try:
        book = load_workbook(source) if copy else Workbook()
    except Exception:  # an unreadable original still gets its findings written out
        book = Workbook()
    marked: dict[tuple[str, str], list[str]] = {}
    order = {"error": 0, "warning": 1, "info": 2}
    for finding in sorted(result.findings, key=lambda f: order[f.severity]):
        if not (finding.sheet and finding.cell) or finding.sheet not in book.sheetnames:
            continue
        sheet = book[finding.sheet]
        ref = _anchor(sheet, finding.cell)
        key = (finding.sheet, ref)
        if key not in marked:
            sheet[ref].fill = PatternFill("solid", fgColor=FILLS[finding.severity])
            marked[key] = []
        marked[key].append(finding.message(lang))
        comment = Comment("\n".join(marked[key]), "qualityreport")
        comment.width, comment.height = 320, 120
        sheet[ref].comment = comment
    if "Sheet" in book.sheetnames and len(book.sheetnames) == 1:
        del book["Sheet"]
    _write_findings_sheet(book, result, lang)
    book.save(output)
    return output
