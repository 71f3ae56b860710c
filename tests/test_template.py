"""The fill-in workbook: layout from the spec, Excel validation, protection, determinism, command."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from qualityreport import layout
from qualityreport.cli import cli
from qualityreport.template import SchoolData, write_workbook

YEAR = 2024


@pytest.fixture(scope="module")
def template(tmp_path_factory, spec) -> Path:
    return write_workbook(tmp_path_factory.mktemp("template") / "template.xlsx", spec, YEAR)


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def _validation_at(ws, cell: str):
    return next((dv for dv in ws.data_validations.dataValidation if cell in dv.sqref), None)


def test_sheets_in_spec_order_between_instructions_and_meta(book, spec):
    names = [s.name for s in spec.sheets]
    assert book.sheetnames == [layout.INSTRUCTIONS_SHEET, *names, layout.META_SHEET]


def test_instructions_state_period_units_and_version(book, spec):
    text = "\n".join(
        str(v)
        for row in book[layout.INSTRUCTIONS_SHEET].iter_rows(values_only=True)
        for v in row
        if v
    )
    assert spec.reporting_period in text
    assert spec.version in text and str(YEAR) in text
    assert "元" in text and "万元" in text and "平方米" in text
    assert "自动计算" in text and "不要重命名" in text


def test_form_sheets_have_one_row_per_indicator(book, spec):
    for sheet in (s for s in spec.sheets if s.layout == "form"):
        ws = book[sheet.name]
        assert sheet.name in ws.cell(layout.TITLE_ROW, 1).value
        headers = tuple(ws.cell(layout.HEADER_ROW, c + 1).value for c in range(4))
        assert headers == layout.FORM_HEADERS
        for offset, indicator in enumerate(spec.indicators_on(sheet.id)):
            row = layout.FIRST_DATA_ROW + offset
            assert ws.cell(row, layout.FORM_LABEL_COL + 1).value == indicator.name
            assert (ws.cell(row, layout.FORM_UNIT_COL + 1).value or "") == indicator.unit
            assert ws.cell(row, layout.FORM_NOTE_COL + 1).value == indicator.fill_in_text
            assert ws.cell(row, layout.FORM_LABEL_COL + 1).comment.text == indicator.fill_in_text
        assert ws.freeze_panes == f"A{layout.FIRST_DATA_ROW}"


def test_table_headers_are_labels_with_units(book, spec):
    table = spec.specialties
    ws = book[spec.sheet_by_id[table.sheet].name]
    headers = [ws.cell(layout.HEADER_ROW, c + 1).value for c in range(len(table.columns))]
    assert headers == [c.label() for c in table.columns]
    assert "在校生数（人）" in headers


def test_narrative_sheet_lists_every_section(book, spec):
    """The year's outline decides the sections (the 2024 notice's seven parts), then the cases."""
    from qualityreport.outline import narratives_for

    ws = book[spec.sheet_of("narrative").name]
    headers = tuple(ws.cell(layout.HEADER_ROW, c + 1).value for c in range(3))
    assert headers == layout.NARRATIVE_HEADERS
    sections = narratives_for(spec, 2024)
    assert [s.name for s in sections][:7] == [
        "人才培养",
        "服务贡献",
        "文化传承",
        "国际合作",
        "产教融合",
        "发展保障",
        "面临挑战",
    ]
    assert sections[-1].name == "典型案例三"
    for offset, section in enumerate(sections):
        row = layout.FIRST_DATA_ROW + offset
        assert ws.cell(row, 1).value == section.name
        assert ws.cell(row, 3).value == section.definition
        assert ws.cell(row, 2).protection.locked is False


def test_value_cells_carry_excel_validation(book, spec):
    for indicator in spec.indicators:
        sheet = spec.sheet_by_id[indicator.sheet].name
        offset = spec.indicators_on(indicator.sheet).index(indicator)
        cell = layout.cell_ref(layout.FIRST_DATA_ROW + offset, layout.FORM_VALUE_COL)
        dv = _validation_at(book[sheet], cell)
        assert dv is not None, cell
        assert dv.promptTitle and dv.prompt
        assert len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32
        if indicator.not_collected:
            assert dv.type == "custom" and f'{cell}="{indicator.not_collected}"' in dv.formula1
        elif indicator.type == "integer":
            assert dv.type == "whole" and dv.formula1 is not None
        elif indicator.type == "number":
            assert dv.type == "decimal"


def test_a_figure_that_may_be_uncollected_takes_the_word_or_a_whole_number(book, spec):
    """对口就业人数 may be “未统计”: Excel accepts the word or a whole number in range, nothing else."""
    field = spec.indicator_by_id["graduates_employed_in_field"]
    assert field.not_collected == "未统计" and not field.required
    offset = spec.indicators_on(field.sheet).index(field)
    cell = layout.cell_ref(layout.FIRST_DATA_ROW + offset, layout.FORM_VALUE_COL)
    dv = _validation_at(book[spec.sheet_by_id[field.sheet].name], cell)
    assert dv.formula1 == (
        f'OR({cell}="未统计",AND(ISNUMBER({cell}),INT({cell})={cell},{cell}>=0,{cell}<=20000))'
    )
    assert "未统计" in dv.prompt and "未统计" in dv.error
    table = spec.specialties
    column = layout.column_letter([c.id for c in table.columns].index("employed_in_field"))
    dv = _validation_at(book[spec.sheet_by_id[table.sheet].name], f"{column}3")
    assert dv.type == "custom" and dv.formula1.startswith(f'OR({column}3="未统计"')
    assert f"{column}202" in dv.sqref


def test_dropdowns_offer_the_allowed_values(book, spec):
    ws = book[spec.sheet_by_id["school_info"].name]
    row = layout.FIRST_DATA_ROW + spec.indicators_on("school_info").index(
        spec.indicator_by_id["operator_type"]
    )
    dv = _validation_at(ws, f"C{row}")
    assert dv.type == "list" and dv.formula1 == '"公办,行业办,企业办,民办"'
    table = spec.specialties
    status_col = layout.column_letter([c.id for c in table.columns].index("status"))
    dv = _validation_at(book[spec.sheet_by_id[table.sheet].name], f"{status_col}3")
    assert dv.type == "list" and dv.formula1 == '"保留,新增,停招,撤销"'
    assert f"{status_col}202" in dv.sqref


def test_integer_bounds_come_from_the_spec(book, spec):
    ws = book[spec.sheet_by_id["teachers"].name]
    dv = _validation_at(ws, f"C{layout.FIRST_DATA_ROW}")
    staff = spec.indicator_by_id["staff_total"]
    assert (dv.formula1, dv.formula2) == (str(int(staff.ge)), str(int(staff.le)))


def test_meta_sheet_is_hidden_and_names_version_and_year(book, spec):
    ws = book[layout.META_SHEET]
    assert ws.sheet_state == "hidden"
    meta = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, len(layout.META_KEYS) + 1)}
    assert meta == {
        "marker": layout.META_MARKER,
        "spec_version": spec.version,
        "year": YEAR,
        "generated": f"{YEAR}-09-01",
    }


def test_sheets_are_protected_with_value_cells_open(book, spec):
    for sheet in spec.sheets:
        assert book[sheet.name].protection.sheet
    ws = book[spec.sheet_by_id["students"].name]
    assert ws["A3"].protection.locked is True
    assert ws["C3"].protection.locked is False
    assert ws["C3"].fill.fgColor.rgb.endswith("FFF4CC")
    table = book[spec.sheet_by_id["specialties"].name]
    # In OOXML a protection flag set to false means the action is allowed.
    assert table.protection.insertRows is False and table.protection.deleteRows is False
    assert table["A2"].protection.locked is True
    assert table["D50"].protection.locked is False


def test_code_cells_are_text(book, spec):
    assert book[spec.sheet_by_id["school_info"].name]["C3"].number_format == "@"
    assert book[spec.sheet_by_id["specialties"].name]["A3"].number_format == "@"


def test_labels_are_readable(book, spec):
    ws = book[spec.sheet_by_id["teachers"].name]
    assert ws.column_dimensions["A"].width >= 2 * len("本科及以上学历专任教师数")
    assert ws.column_dimensions["D"].width >= 40


def test_same_inputs_give_identical_bytes(tmp_path, spec):
    first = write_workbook(tmp_path / "a.xlsx", spec, YEAR)
    second = write_workbook(tmp_path / "b.xlsx", spec, YEAR)
    assert first.read_bytes() == second.read_bytes()


def test_data_is_written_as_typed(tmp_path, spec):
    data = SchoolData(
        values={"school_code": "0142050101", "students_enrolled": 1200, "books": "45%"},
        specialties=[{"specialty_code": "710201", "specialty_name": "计算机应用", "enrolled": 30}],
        narratives={"talent_cultivation": "学校概况。"},
    )
    ws_book = openpyxl.load_workbook(write_workbook(tmp_path / "s.xlsx", spec, YEAR, data))
    assert ws_book[spec.sheet_by_id["school_info"].name]["C3"].value == "0142050101"
    assert ws_book[spec.sheet_by_id["students"].name]["C3"].value == 1200
    books_row = layout.FIRST_DATA_ROW + spec.indicators_on("conditions").index(
        spec.indicator_by_id["books"]
    )
    assert ws_book[spec.sheet_by_id["conditions"].name][f"C{books_row}"].value == "45%"
    table = ws_book[spec.sheet_by_id["specialties"].name]
    assert [c.value for c in table[3][:4]] == ["710201", "计算机应用", None, 30]
    assert ws_book[spec.sheet_of("narrative").name]["B3"].value == "学校概况。"
    assert ws_book[spec.sheet_by_id["school_info"].name]["C9"].value == YEAR


def test_without_meta_there_is_no_template_sheet(tmp_path, spec):
    path = write_workbook(tmp_path / "other.xlsx", spec, YEAR, meta=False)
    assert layout.META_SHEET not in openpyxl.load_workbook(path).sheetnames


def test_command_writes_the_file_and_prints_its_path(tmp_path):
    out = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--year", "2023"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    meta = openpyxl.load_workbook(out)[layout.META_SHEET]
    assert meta["B3"].value == 2023


def test_command_default_name_uses_last_year(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["template"])
    assert result.exit_code == 0, result.output
    written = Path(result.output.strip())
    assert written.name == f"质量年报填报模板-{datetime.date.today().year - 1}.xlsx"
    assert (tmp_path / written).exists()


def test_command_reports_an_unwritable_path_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "no" / "such" / "x.xlsx")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice is not installed")
def test_libreoffice_converts_the_template(template, tmp_path):
    subprocess.run(
        [
            "libreoffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(template),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert (tmp_path / "template.pdf").stat().st_size > 0
