"""The validate command: output formats, exit codes, annotation; its JSON equals the library's."""

import json

from click.testing import CliRunner
from openpyxl import load_workbook

from qualityreport.cli import cli
from qualityreport.findings_output import to_json_document
from qualityreport.validate import validate_workbook


def test_valid_file_exits_0(make_workbook):
    result = CliRunner().invoke(cli, ["validate", str(make_workbook())])
    assert result.exit_code == 0, result.output
    assert "通过" in result.output


def test_errors_exit_1_with_cell_and_message(make_workbook):
    path = make_workbook(values={"teachers_dual_qualified": 95})
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "师资队伍!C7" in result.output
    assert "“双师型”教师数不能超过专业课教师数" in result.output
    english = CliRunner().invoke(cli, ["validate", "--lang", "en", str(path)])
    assert "dual-qualified teachers cannot exceed professional teachers" in english.output


def test_unreadable_file_exits_2_naming_the_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output and "文件为空" in result.output
    assert "Traceback" not in result.output


def test_json_output_equals_the_library(make_workbook, spec):
    path = make_workbook(values={"books": "abc", "students_enrolled": "３０００"})
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(path)])
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document == to_json_document([validate_workbook(path, spec)], spec.version)
    (file,) = document["files"]
    finding = next(f for f in file["findings"] if f["code"] == "value-not-number")
    assert {
        "severity",
        "code",
        "rule",
        "file",
        "sheet",
        "cell",
        "row",
        "indicator",
        "found",
        "expected",
        "message_zh",
        "message_en",
        "location",
    } <= set(finding)
    assert finding["location"] == "办学条件!C6"


def test_html_output_escapes_submitted_text(make_workbook, tmp_path):
    path = make_workbook(values={"books": "<script>alert(1)</script>"})
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["validate", "--format", "html", "-o", str(out), str(path)])
    assert result.exit_code == 1
    html = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_annotated_copy_marks_bad_cells(make_workbook, tmp_path):
    path = make_workbook(values={"teachers_dual_qualified": 95, "books": "=cmd|' /C calc'!A0"})
    out = tmp_path / "annotated.xlsx"
    result = CliRunner().invoke(cli, ["validate", "--annotate", str(out), str(path)])
    assert result.exit_code == 1
    book = load_workbook(out)
    cell = book["师资队伍"]["C7"]
    assert cell.fill.fgColor.rgb == "FFF4B6B0"
    assert "双师型" in cell.comment.text
    findings = book["校验结果"]
    texts = [c.value for row in findings.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith("=") for t in texts)  # no submitted text becomes a live formula


def test_many_files_one_line_each(make_workbook, tmp_path):
    make_workbook("a.xlsx")
    make_workbook("b.xlsx", values={"books": "abc"})
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(("✓", "✗"))]
    assert len(lines) == 2
    assert "合计：2 个文件，1 个通过" in result.output
