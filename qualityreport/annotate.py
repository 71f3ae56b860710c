"""Write a copy of a submitted workbook with each bad cell filled and commented, plus a findings sheet."""

from __future__ import annotations

from pathlib import Path

from .formula_guard import formula_safe
from .records import ValidationResult

FINDINGS_SHEET = "校验结果"
FILLS = {"error": "FFF4B6B0", "warning": "FFFEE4A8", "info": "FFD1E9FF"}


def _write_findings_sheet(book, result: ValidationResult, lang: str) -> None:
    from openpyxl.styles import Font, PatternFill

    if FINDINGS_SHEET in book.sheetnames:
        del book[FINDINGS_SHEET]
    sheet = book.create_sheet(FINDINGS_SHEET, 0)
    headers = (
        ("级别", "位置", "规则", "说明", "填写", "应为")
        if lang == "zh"
        else ("Severity", "Location", "Rule", "Message", "Found", "Expected")
    )
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for finding in result.findings:
        row = (
            finding.severity,
            finding.location,
            finding.rule or finding.code,
            finding.message(lang),
            finding.found,
            finding.expected,
        )
        sheet.append([formula_safe(v) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
        sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=FILLS[finding.severity])
    for column, width in zip("ABCDEF", (8, 18, 26, 70, 16, 16), strict=True):
        sheet.column_dimensions[column].width = width


def annotate_workbook(result: ValidationResult, output: str | Path, lang: str = "zh") -> Path:
    """Copy the workbook to output, marking each finding's cell; .xls/.ods get only the findings sheet."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    output = Path(output)
    source = Path(result.file)
    # An unusable original (a zip bomb among them) is never opened again: findings sheet only.
    copy = result.usable and source.suffix.lower() in (".xlsx", ".xlsm")
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
        key = (finding.sheet, finding.cell)
        if key not in marked:
            sheet[finding.cell].fill = PatternFill("solid", fgColor=FILLS[finding.severity])
            marked[key] = []
        marked[key].append(finding.message(lang))
        comment = Comment("\n".join(marked[key]), "qualityreport")
        comment.width, comment.height = 320, 120
        sheet[finding.cell].comment = comment
    if "Sheet" in book.sheetnames and len(book.sheetnames) == 1:
        del book["Sheet"]
    _write_findings_sheet(book, result, lang)
    output.parent.mkdir(parents=True, exist_ok=True)
    book.save(output)
    return output
