"""The validate command: output formats, exit codes, annotation; its JSON equals the library's."""

import json
from pathlib import Path

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


def test_a_directory_run_names_every_file_and_counts_every_outcome(make_workbook, tmp_path):
    """Nothing is skipped silently: files that are not workbooks are listed with the reason,
    a workbook under another name (.et, .xltx) is read, an unreadable file is counted apart."""
    import shutil

    good = make_workbook("good.xlsx")
    shutil.copy(good, tmp_path / "wps-copy.et")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "export.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "~$good.xlsx").write_bytes(b"lock")
    result = CliRunner().invoke(cli, ["validate", "--summary", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    skipped = [line for line in lines if line.startswith("- ")]
    assert len(skipped) == 2
    assert any("export.csv" in line and "CSV" in line for line in skipped)
    assert any("~$good.xlsx" in line and "临时文件" in line for line in skipped)
    named = [line for line in lines if line.startswith(("✓", "✗"))]
    assert len(named) == 3 and any("wps-copy.et" in line for line in named)
    assert any("empty.xlsx  无法读取" in line for line in named)
    assert lines[-1] == (
        # the copy under another name is the same school: a warning, not an error
        "合计：3 个文件，2 个通过，0 个未通过，1 个无法读取；1 个错误，1 个警告；"
        "跳过 2 个不是工作簿的文件"
    )
    document = json.loads(
        CliRunner().invoke(cli, ["validate", "--format", "json", str(tmp_path)]).output
    )
    assert document["summary"]["unreadable"] == 1 and document["summary"]["skipped"] == 2
    assert {Path(s["file"]).name for s in document["skipped"]} == {"export.csv", "~$good.xlsx"}
    english = CliRunner().invoke(cli, ["validate", "--summary", "--lang", "en", str(tmp_path)])
    assert english.output.splitlines()[-1].endswith(
        "1 unreadable; 1 errors, 1 warnings; 2 skipped (not workbooks)"
    )
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english.output.replace("~$good", ""))


def test_annotating_a_value_typed_into_merged_cells(tmp_path):
    """A finding inside a merged range is marked on the range's top-left cell."""
    source = Path(__file__).parent / "data" / "clerk" / "number-typed-into-merged-cells.xlsx"
    out = tmp_path / "annotated.xlsx"
    result = CliRunner().invoke(cli, ["validate", "--annotate", str(out), str(source)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    sheet = load_workbook(out)["师资队伍"]
    assert "合并单元格" in sheet["B4"].comment.text


_ANNOTATE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "qualityreport", "validate", "--summary",
                       "--annotate", sys.argv[2], sys.argv[1]], capture_output=True, text=True)
print(done.returncode, time.perf_counter() - started,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_annotating_a_99000_row_sheet_stays_within_bounds(tmp_path, corpus):
    """Past ANNOTATE_MAX_CELLS the findings sheet alone is written: seconds, not minutes."""
    import resource
    import subprocess
    import sys

    from qualityreport.annotate import ANNOTATE_MAX_CELLS, FINDINGS_SHEET

    path = corpus.many_rows_workbook(tmp_path / "rows.xlsx", 97_000)
    out = tmp_path / "annotated.xlsx"

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (4 * 1024**3, 4 * 1024**3))

    done = subprocess.run(
        [sys.executable, "-c", _ANNOTATE, str(path), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap,
    )
    code, seconds, kilobytes = done.stdout.split()
    assert code == "1", done.stderr
    assert float(seconds) < 15 and int(kilobytes) / 1024 < 400, (seconds, kilobytes)
    book = load_workbook(out, read_only=True)
    assert book.sheetnames == [FINDINGS_SHEET]
    note = next(book[FINDINGS_SHEET].iter_rows(max_row=1, values_only=True))[0]
    assert str(ANNOTATE_MAX_CELLS) in note
    print(f"annotate, 99,000 rows: {float(seconds):.1f} s, peak {int(kilobytes) / 1024:.0f} MB")


def test_help_and_one_file_load_no_database_or_dataframe_library(make_workbook):
    """`--help` lists every command without importing them whole, and checking one workbook
    takes the one-file path: neither loads DuckDB, polars or pandera."""
    import subprocess
    import sys

    path = make_workbook()
    probe = (
        "import sys\n"
        "from qualityreport.cli import cli\n"
        "try:\n"
        "    cli.main(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n"
        "    heavy = sorted({m.split('.')[0] for m in sys.modules} & {'duckdb', 'polars', 'pandera'})\n"
        "    print('loaded:', heavy, file=sys.stderr)\n"
    )
    for arguments in (["--help"], ["validate", str(path)]):
        run = subprocess.run(
            [sys.executable, "-c", probe, *arguments], capture_output=True, text=True, check=False
        )
        assert "loaded: []" in run.stderr, (arguments, run.stderr[-500:])
