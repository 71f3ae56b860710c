"""Write the fill-in workbook (填报模板) from the spec: empty, or carrying one school's data."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from . import layout
from .errors import InputError
from .outline import narratives_for
from .spec import Field, Sheet, Spec, Table
from .textwidth import display_width

# Formatted, validated blank rows in the specialty table; schools insert more rows if needed.
TABLE_BLANK_ROWS = 200
# Excel's own limits on data-validation texts, counted in UTF-16 code units.
INPUT_TITLE_MAX = 32
INPUT_MESSAGE_MAX = 255
VALUE_FILL = "#FFF4CC"
HEADER_FILL = "#D9E1F2"
COMMENT_AUTHOR = "qualityreport"

_FORM_PROTECTION = {"format_columns": True, "format_rows": True}
_TABLE_PROTECTION = {
    **_FORM_PROTECTION,
    "format_cells": True,
    "insert_rows": True,
    "delete_rows": True,
}


@dataclass(frozen=True)
class SchoolData:
    """One school's entries: indicator values, specialty rows and narrative texts.

    A value may be a string even where a number belongs: it is written as typed text, the way a
    school might type "４５" or "45%".
    """

    values: dict[str, object] = field(default_factory=dict)
    specialties: list[dict[str, object]] = field(default_factory=list)
    narratives: dict[str, str] = field(default_factory=dict)


def generated_at(year: int) -> datetime:
    """The fixed creation time stamped into a template, so the same inputs give the same bytes."""
    return datetime(year, 9, 1)


def write_workbook(
    path: str | Path,
    spec: Spec,
    year: int,
    data: SchoolData | None = None,
    *,
    meta: bool = True,
) -> Path:
    """Write the fill-in workbook for `year`; with `data`, filled in with one school's entries.

    `meta=False` leaves out the hidden template sheet, as in a workbook made by some other tool.
    """
    path = Path(path)
    data = data or SchoolData()
    # in_memory keeps temp-file modes and times out of the zip, so the bytes are reproducible.
    workbook = xlsxwriter.Workbook(str(path), {"in_memory": True})
    workbook.set_properties(
        {
            "title": f"职业教育质量年度报告数据填报表（{year}年度）",
            "subject": "质量年度报告",
            "author": COMMENT_AUTHOR,
            "comments": f"spec {spec.version}",
            "created": generated_at(year),
        }
    )
    formats = _Formats(workbook)
    instructions = workbook.add_worksheet(layout.INSTRUCTIONS_SHEET)
    _print_setup(instructions)
    _write_instructions(instructions, spec, year, formats)
    for sheet in spec.sheets:
        worksheet = workbook.add_worksheet(sheet.name)
        _print_setup(worksheet)
        if sheet.layout == "form":
            _write_form(worksheet, spec, sheet, year, data, formats)
        elif sheet.layout == "table":
            table = next(t for t in spec.tables if t.sheet == sheet.id)
            _write_table(worksheet, table, year, data.specialties, formats)
        else:
            _write_narratives(worksheet, spec, sheet, year, data.narratives, formats)
    if meta:
        _write_meta(workbook.add_worksheet(layout.META_SHEET), spec, year)
    try:
        workbook.close()
    except FileCreateError as exc:
        raise InputError(f"cannot write {path}: {exc}") from None
    return path


class _Formats:
    """The cell formats of one workbook, made once."""

    def __init__(self, workbook):
        border = {"border": 1, "border_color": "#A6A6A6"}
        value = {**border, "locked": False, "bg_color": VALUE_FILL, "valign": "vcenter"}
        self.title = workbook.add_format({"bold": True, "font_size": 14, "valign": "vcenter"})
        self.header = workbook.add_format(
            {
                **border,
                "bold": True,
                "bg_color": HEADER_FILL,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
            }
        )
        self.label = workbook.add_format({**border, "valign": "vcenter", "text_wrap": True})
        self.unit = workbook.add_format({**border, "align": "center", "valign": "vcenter"})
        self.note = workbook.add_format(
            {**border, "valign": "vcenter", "text_wrap": True, "font_color": "#595959"}
        )
        self.number = workbook.add_format(value)
        self.text = workbook.add_format({**value, "num_format": "@"})
        self.long_text = workbook.add_format(
            {**value, "num_format": "@", "text_wrap": True, "valign": "top"}
        )
        self.unlocked = workbook.add_format({"locked": False})
        self.unlocked_text = workbook.add_format({"locked": False, "num_format": "@"})
        self.heading = workbook.add_format({"bold": True, "valign": "top", "text_wrap": True})
        self.paragraph = workbook.add_format({"valign": "top", "text_wrap": True})

    def value(self, f: Field):
        # Text format keeps leading zeros of codes and stops Excel turning them into numbers.
        return self.text if f.type == "string" else self.number


# ---- sheets ---------------------------------------------------------------------------------


def _print_setup(ws):
    # Schools print the filled-in workbook for sign-off: A4 landscape, one page wide.
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(layout.HEADER_ROW - 1)


def _write_instructions(ws, spec: Spec, year: int, formats: _Formats):
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 90)
    ws.set_row(0, 30)
    ws.write(0, 0, f"职业教育质量年度报告数据填报表（{year}年度）", formats.title)
    for row, (heading, text) in enumerate(_instruction_paragraphs(spec, year), start=2):
        ws.write_string(row, 0, heading, formats.heading)
        ws.write_string(row, 1, text, formats.paragraph)
        ws.set_row(row, _wrapped_height(text, 90))
    ws.protect("", _FORM_PROTECTION)


def _instruction_paragraphs(spec: Spec, year: int) -> list[tuple[str, str]]:
    units = sorted({f.unit for f in spec.indicators if f.unit} - {"年"})
    sheets = "；".join(_sheet_summary(spec, s) for s in spec.sheets)
    return [
        (
            "用途",
            f"本工作簿用于学校填报{year}年度职业教育质量年度报告所需的数据，"
            "填好后保存为 .xlsx 文件报送教育主管部门，系统将逐格校验并生成学校和全市的质量年度报告。",
        ),
        ("统计时段", f"{spec.reporting_period}。"),
        (
            "单位",
            "每个指标的单位写在“单位”列或表头括号里，请按所写单位填写数值，不要在单元格中写单位。"
            f"本表用到的单位：{'、'.join(units)}。金额以元为单位（不是万元），面积以平方米为单位。",
        ),
        (
            "怎样填写",
            "只在浅黄色底纹的单元格中填写，其余单元格已锁定。人数、面积、金额只填数字（半角），"
            "不要填百分比或“约”“若干”等文字。选中单元格可看到该指标的定义、单位和取值范围；"
            "有下拉箭头的单元格请从列表中选择。学校标识码和专业代码按文本填写，保留开头的数字。",
        ),
        (
            "比例不用填",
            "“双师型”教师比例、生师比、就业率、对口就业率、生均面积和生均仪器设备值等比例和生均指标"
            "由系统根据填报的数量自动计算，请不要自行计算填写。",
        ),
        (
            "不要改动结构",
            "不要重命名、删除或调整工作表，不要修改、插入、删除或调换指标行，不要合并单元格。"
            "“专业设置”表每个专业填一行，行数不够时可插入行；专业代码使用《职业教育专业目录（2021年）》"
            "中的6位中职专业代码。",
        ),
        ("工作表", f"{sheets}。"),
        ("模板信息", f"指标规范版本 {spec.version}；填报年度 {year}。"),
    ]


def _sheet_summary(spec: Spec, sheet: Sheet) -> str:
    if sheet.layout == "form":
        return f"“{sheet.name}”{len(spec.indicators_on(sheet.id))}项指标"
    if sheet.layout == "table":
        return f"“{sheet.name}”每个专业一行"
    return f"“{sheet.name}”报告各章节的文字和典型案例"


def _write_title(ws, sheet: Sheet, year: int, last_col: int, formats: _Formats):
    ws.set_row(layout.TITLE_ROW - 1, 28)
    ws.merge_range(
        layout.TITLE_ROW - 1,
        0,
        layout.TITLE_ROW - 1,
        last_col,
        f"{sheet.name}（{year}年度）",
        formats.title,
    )


def _write_headers(ws, headers, formats: _Formats):
    ws.set_row(layout.HEADER_ROW - 1, 32)
    for col, header in enumerate(headers):
        ws.write_string(layout.HEADER_ROW - 1, col, header, formats.header)
    ws.freeze_panes(layout.HEADER_ROW, 0)


def _write_form(ws, spec: Spec, sheet: Sheet, year: int, data: SchoolData, formats: _Formats):
    indicators = spec.indicators_on(sheet.id)
    values = {"year": year, **data.values}
    _write_title(ws, sheet, year, len(layout.FORM_HEADERS) - 1, formats)
    _write_headers(ws, layout.FORM_HEADERS, formats)
    for offset, indicator in enumerate(indicators):
        row = layout.FIRST_DATA_ROW - 1 + offset
        ws.set_row(row, 22)
        ws.write_string(row, layout.FORM_LABEL_COL, indicator.name, formats.label)
        _comment(ws, row, layout.FORM_LABEL_COL, indicator)
        ws.write_string(row, layout.FORM_UNIT_COL, indicator.unit, formats.unit)
        _write_value(
            ws, row, layout.FORM_VALUE_COL, values.get(indicator.id), formats.value(indicator)
        )
        ws.write_string(row, layout.FORM_NOTE_COL, indicator.fill_in_text, formats.note)
        _validate(ws, row, layout.FORM_VALUE_COL, row, indicator)
    label_width = max([display_width(i.name) for i in indicators] + [10])
    ws.set_column(layout.FORM_LABEL_COL, layout.FORM_LABEL_COL, label_width + 3)
    ws.set_column(layout.FORM_UNIT_COL, layout.FORM_UNIT_COL, 9)
    ws.set_column(layout.FORM_VALUE_COL, layout.FORM_VALUE_COL, 24)
    ws.set_column(layout.FORM_NOTE_COL, layout.FORM_NOTE_COL, 70)
    ws.protect("", _FORM_PROTECTION)


def _write_table(ws, table: Table, year: int, rows: list[dict[str, object]], formats: _Formats):
    sheet = Sheet(table.sheet, table.name, table.name_en, "table")
    last_col = len(table.columns) - 1
    _write_title(ws, sheet, year, last_col, formats)
    _write_headers(ws, [c.label() for c in table.columns], formats)
    ws.freeze_panes(layout.HEADER_ROW, 2)
    first = layout.FIRST_DATA_ROW - 1
    count = max(TABLE_BLANK_ROWS, len(rows))
    for col, column in enumerate(table.columns):
        # Whole columns unlocked, so rows inserted below the headers can be typed in and deleted.
        unlocked = formats.unlocked_text if column.type == "string" else formats.unlocked
        ws.set_column(col, col, _table_width(column), unlocked)
        _comment(ws, layout.HEADER_ROW - 1, col, column)
        _validate(ws, first, col, first + count - 1, column)
        for offset in range(count):
            value = rows[offset].get(column.id) if offset < len(rows) else None
            _write_value(ws, first + offset, col, value, formats.value(column))
    ws.protect("", _TABLE_PROTECTION)


def _table_width(column: Field) -> int:
    if column.id.endswith("_name"):
        return 26
    return max(display_width(column.label()) + 2, 10)


def _write_narratives(
    ws, spec: Spec, sheet: Sheet, year: int, texts: dict[str, str], formats: _Formats
):
    _write_title(ws, sheet, year, len(layout.NARRATIVE_HEADERS) - 1, formats)
    _write_headers(ws, layout.NARRATIVE_HEADERS, formats)
    for offset, section in enumerate(narratives_for(spec, year)):
        row = layout.FIRST_DATA_ROW - 1 + offset
        ws.set_row(row, 150)
        ws.write_string(row, layout.NARRATIVE_LABEL_COL, section.name, formats.label)
        _write_value(ws, row, layout.NARRATIVE_TEXT_COL, texts.get(section.id), formats.long_text)
        ws.write_string(row, layout.NARRATIVE_HINT_COL, section.definition, formats.note)
    ws.set_column(layout.NARRATIVE_LABEL_COL, layout.NARRATIVE_LABEL_COL, 20)
    ws.set_column(layout.NARRATIVE_TEXT_COL, layout.NARRATIVE_TEXT_COL, 90)
    ws.set_column(layout.NARRATIVE_HINT_COL, layout.NARRATIVE_HINT_COL, 36)
    ws.protect("", _FORM_PROTECTION)


def _write_meta(ws, spec: Spec, year: int):
    values = {
        "marker": layout.META_MARKER,
        "spec_version": spec.version,
        "year": year,
        "generated": generated_at(year).date().isoformat(),
    }
    for row, key in enumerate(layout.META_KEYS):
        ws.write_string(row, 0, key)
        ws.write(row, 1, values[key])
    ws.hide()
    ws.protect()


# ---- cells ----------------------------------------------------------------------------------


def _write_value(ws, row: int, col: int, value: object, fmt):
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        raise TypeError(f"cannot write a boolean at row {row + 1}")
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _comment(ws, row: int, col: int, f: Field):
    if f.fill_in_text:
        ws.write_comment(
            row, col, f.fill_in_text, {"author": COMMENT_AUTHOR, "x_scale": 2, "y_scale": 1.2}
        )


def _validate(ws, first_row: int, col: int, last_row: int, f: Field):
    rule = _validation_rule(f, layout.cell_ref(first_row + 1, col))
    rule.update(
        input_title=_truncate(f.name, INPUT_TITLE_MAX),
        input_message=_truncate(_input_message(f), INPUT_MESSAGE_MAX),
    )
    if rule["validate"] != "any":
        rule.update(
            error_title=_truncate(f"“{f.name}”填写有误", INPUT_TITLE_MAX),
            error_message=_truncate(_error_message(f), INPUT_MESSAGE_MAX),
        )
    ws.data_validation(first_row, col, last_row, col, rule)


def _validation_rule(f: Field, first_cell: str) -> dict:
    if f.isin:
        return {"validate": "list", "source": list(f.isin)}
    if f.is_numeric and f.not_collected:
        # A number in range, or the word for "not collected" (未统计): Excel's number rules
        # would refuse the word, so the rule is a formula (relative: it moves down the column).
        checks = [f"ISNUMBER({first_cell})"]
        if f.type == "integer":
            checks.append(f"INT({first_cell})={first_cell}")
        bounds = _bounds(f)
        if "minimum" in bounds:
            checks += [f"{first_cell}>={bounds['minimum']}", f"{first_cell}<={bounds['maximum']}"]
        elif "value" in bounds:
            checks.append(f"{first_cell}{bounds['criteria']}{bounds['value']}")
        word = f.not_collected.replace('"', '""')
        return {
            "validate": "custom",
            "value": f'=OR({first_cell}="{word}",AND({",".join(checks)}))',
        }
    if f.is_numeric:
        return {"validate": "integer" if f.type == "integer" else "decimal", **_bounds(f)}
    if f.str_length_max:
        return {"validate": "length", "criteria": "<=", "value": f.str_length_max}
    # No check Excel can express (a pattern): still show the definition on selection.
    return {"validate": "any"}


def _bounds(f: Field) -> dict:
    ge, le = _plain(f.ge), _plain(f.le)
    if ge is not None and le is not None:
        return {"criteria": "between", "minimum": ge, "maximum": le}
    if ge is not None:
        return {"criteria": ">=", "value": ge}
    if le is not None:
        return {"criteria": "<=", "value": le}
    # Unbounded: the rule still makes Excel refuse text in a number cell.
    return {"criteria": "between", "minimum": -1e15, "maximum": 1e15}


def _plain(bound: float | None) -> int | float | None:
    # Whole bounds are written as integers: Excel refuses "2000.0" in a whole-number rule.
    if bound is not None and float(bound).is_integer():
        return int(bound)
    return bound


def _range_text(f: Field) -> str:
    ge, le = _plain(f.ge), _plain(f.le)
    kind = "整数" if f.type == "integer" else "数字"
    if ge is not None and le is not None:
        return f"{kind}，{ge}～{le}"
    if ge is not None:
        return f"{kind}，不小于{ge}"
    if le is not None:
        return f"{kind}，不大于{le}"
    return kind


def _input_message(f: Field) -> str:
    parts = []
    if f.unit:
        parts.append(f"单位：{f.unit}")
    if f.is_numeric:
        parts.append(f"填{_range_text(f)}")
        if f.not_collected:
            parts.append(f"没有统计的填“{f.not_collected}”")
    elif f.isin:
        parts.append("从下拉列表中选择")
    if f.fill_in_text:
        parts.append(f.fill_in_text)
    return "。".join(p.rstrip("。") for p in parts) + "。"


def _error_message(f: Field) -> str:
    if f.isin:
        return f"只能选择：{'、'.join(f.isin)}。"
    if f.is_numeric:
        unit = f"（单位：{f.unit}）" if f.unit else ""
        if f.not_collected:
            return f"请填{_range_text(f)}{unit}，没有统计的填“{f.not_collected}”。"
        return f"请填{_range_text(f)}{unit}，不要填文字或百分号。"
    return f"不能超过{f.str_length_max}个字。"


def _truncate(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` UTF-16 code units, marking the cut with an ellipsis."""
    if _utf16_len(text) <= limit:
        return text
    kept = ""
    for char in text:
        if _utf16_len(kept + char) > limit - 1:
            break
        kept += char
    return kept + "…"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _wrapped_height(text: str, column_width: int) -> int:
    lines = max(1, math.ceil(display_width(text) / column_width))
    return 16 * lines + 6
