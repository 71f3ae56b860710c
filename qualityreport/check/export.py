"""Check results as a workbook for people who work in Excel: a summary and every verdict."""

from __future__ import annotations

from pathlib import Path

from ..formula_guard import formula_safe
from .results import RESULT_COLUMNS, CheckReport


def _cell(value):
    """A verdict's field as a cell: lists of schools joined, text never a live formula."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return formula_safe("、".join(value))
    return formula_safe(value)


def write_results_xlsx(report: CheckReport, path: str | Path, lang: str = "zh") -> Path:
    """The check as a workbook: a summary sheet (one row per target) and every verdict."""
    import xlsxwriter

    zh = lang == "zh"
    # strings_to_formulas off as well: the leading quote alone is the portable guard
    book = xlsxwriter.Workbook(
        path, {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    try:
        summary = book.add_worksheet("汇总" if zh else "Summary")
        headers = (
            ["目标集", "目标", "名称", "范围", "必达", "达标", "未达标", "无数据", "不适用"]
            if zh
            else ["set", "target", "name", "scope", "required", "met", "missed", "no data", "n/a"]
        )
        summary.write_row(0, 0, headers)
        for n, s in enumerate(report.summaries, start=1):
            summary.write_row(
                n,
                0,
                [
                    formula_safe(v)
                    for v in (
                        s.set_id,
                        s.target_id,
                        s.name if zh else s.name_en,
                        s.scope,
                        s.required,
                        s.met,
                        s.missed,
                        s.no_data,
                        s.not_applicable,
                    )
                ],
            )
        detail = book.add_worksheet("明细" if zh else "Results")
        fields = [*RESULT_COLUMNS, "year"]
        detail.write_row(0, 0, fields)
        for n, r in enumerate(report.results, start=1):
            detail.write_row(n, 0, [_cell(getattr(r, f)) for f in fields])
    finally:
        book.close()
    return Path(path)
