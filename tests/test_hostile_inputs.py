"""Hostile and broken files: each gives its findings (or is read as expected), never an exception."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualityreport.cli import cli
from qualityreport.read import Limits
from qualityreport.validate import validate_paths, validate_workbook

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
HYPERLINK = '=HYPERLINK("http://evil","x")'
DDE = "=cmd|' /C calc'!A0"
SECONDS = 10  # per file, on a slow CI machine; the lying zip bomb takes ~1.5 s here
PEAK_MB = 500


def corpus_module():
    spec = importlib.util.spec_from_file_location("make_bad_corpus", DATA / "make_bad_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# file → the (location, code) pairs it must give, every severity
EXPECTED = {
    "empty.xlsx": [("", "file-empty")],
    "corrupt-zip.xlsx": [("", "file-not-workbook")],
    "truncated.xlsx": [("", "file-not-workbook")],
    "csv-renamed.xlsx": [("", "file-not-workbook")],
    "zip-bomb.xlsx": [("", "file-too-large")],
    "zip-bomb-lying-sizes.xlsx": [("", "file-too-large")],
    "password-protected.xlsx": [("", "file-encrypted")],
    "password-protected.xls": [("", "file-encrypted")],
    "old-format.xls": [],
    "macros.xlsm": [("", "file-has-macros")],
    "formulas-uncached.xlsx": [
        ("基本信息!C4", "value-formula-uncached"),
        ("师资队伍!C4", "value-formula-uncached"),
    ],
    "formula-strings.xlsx": [("办学条件!C6", "value-not-number")],
    "nan-inf-huge.xlsx": [
        ("办学条件!C3", "value-too-large"),
        ("办学条件!C6", "value-not-number"),
        ("学生发展!C13", "value-not-number"),
        ("学生发展!C3", "value-too-large"),
        ("学生发展!C5", "value-not-number"),
    ],
    "negative-and-fractional-counts.xlsx": [
        ("专业设置!D3", "value-below-minimum"),
        ("专业设置!E3", "value-not-integer"),
        ("办学条件!C6", "value-below-minimum"),
        ("学生发展!C13", "value-below-minimum"),
        ("师资队伍!C4", "value-not-integer"),
    ],
    "zero-professional-teachers.xlsx": [("学生发展!C3", "value-implausible")],
    "duplicate-school-a.xlsx": [],
    "duplicate-school-b.xlsx": [],
    # one file alone cannot show that its code belongs to another school; a batch can (below)
    "another-schools-code.xlsx": [],
    "dates-in-number-cells.xlsx": [
        ("办学条件!C6", "value-not-number"),
        ("师资队伍!C4", "value-not-number"),
    ],
    "hidden-sheets.xlsx": [("师资队伍", "sheet-hidden"), ("草稿", "sheet-unknown")],
    "very-long-strings.xlsx": [("基本信息!C4", "value-too-long")]
    + [(f"文字部分!B{row}", "narrative-too-long") for row in range(3, 11)],
    # shown as <U+202E>: raw, a right-to-left override reverses the rest of a terminal line
    "control-characters-and-rtl.xlsx": [
        ("<U+202E>cod.exe", "sheet-unknown"),
        ("基本信息!C4", "value-normalised"),
        ("基本信息!C5", "value-normalised"),
        ("学生发展!C3", "value-normalised"),
    ],
}


def _pairs(result):
    return sorted((f.location, f.code) for f in result.findings)


def test_the_corpus_is_complete_and_small():
    files = {p.name for p in BAD.iterdir()}
    assert files == set(EXPECTED)
    assert all((BAD / name).stat().st_size < 1024 * 1024 for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_gives_its_findings_in_bounded_time(name, spec):
    started = time.perf_counter()
    result = validate_workbook(BAD / name, spec)
    assert time.perf_counter() - started < SECONDS
    assert _pairs(result) == sorted(EXPECTED[name])
    unusable = any(
        code.startswith("file-") and code != "file-has-macros" for _, code in EXPECTED[name]
    )
    assert result.usable is not unusable


def test_an_old_xls_reads_like_the_xlsx_it_was_made_from(spec):
    xls = validate_workbook(BAD / "old-format.xls", spec).submission
    xlsx = validate_workbook(BAD / "duplicate-school-a.xlsx", spec).submission
    assert {k: v.value for k, v in xls.values.items()} == {
        k: v.value for k, v in xlsx.values.items()
    }
    assert xls.specialties == xlsx.specialties and xls.narratives == xlsx.narratives


def test_formula_like_text_is_kept_as_text(spec):
    values = validate_workbook(BAD / "formula-strings.xlsx", spec).submission.values
    assert values["school_name"].value == HYPERLINK
    assert values["county"].value == DDE


def test_invisible_characters_are_removed_from_names(spec):
    result = validate_workbook(BAD / "control-characters-and-rtl.xlsx", spec)
    assert result.submission.school_name == "宜昌市三峡中等专业学校"
    assert result.submission.value("county") == "西陵区"
    assert result.submission.value("students_enrolled") == 3000


def test_zero_denominators_are_stored_and_checked_without_error(spec, tmp_path):
    from qualityreport.check import check
    from qualityreport.store import ingest, open_store
    from qualityreport.targets import load_target_sets

    with open_store(tmp_path / "zero.duckdb", spec) as store:
        report = ingest(
            store,
            validate_paths([BAD / "zero-professional-teachers.xlsx"], spec),
            allow_warnings=True,
        )
        assert report.count("accepted") == 1
        views = [
            r[0]
            for r in store.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW'"
            )
        ]
        for view in views:
            store.rows(f'SELECT * FROM "{view}"')  # every ratio view divides by zero safely
        results = check(store, load_target_sets(), 2024)
    assert results.results


def test_duplicate_school_in_one_batch_is_warned(spec, tmp_path):
    first, second = BAD / "duplicate-school-a.xlsx", BAD / "duplicate-school-b.xlsx"
    results = list(validate_paths([first, second], spec))
    assert results[0].findings == ()
    (finding,) = results[1].findings
    assert (finding.code, finding.severity, finding.location) == (
        "duplicate-submission",
        "warning",
        "基本信息!C3",
    )
    assert str(first) in finding.message_zh and "4205000001" in finding.message_zh
    # the same code under another school's name is caught the same way
    claimed = list(validate_paths([first, BAD / "another-schools-code.xlsx"], spec))
    assert [f.code for f in claimed[1].findings] == ["duplicate-submission"]


def test_duplicate_school_in_one_ingest_keeps_the_first_unless_allowed(spec, tmp_path):
    from qualityreport.store import ingest_paths

    files = [BAD / "duplicate-school-a.xlsx", BAD / "duplicate-school-b.xlsx"]
    report = ingest_paths(tmp_path / "dup.duckdb", files, spec)
    assert [o.outcome for o in report.outcomes] == ["accepted", "rejected"]


def test_a_million_rows_are_refused_before_they_are_loaded(spec, tmp_path):
    path = corpus_module().many_rows_workbook(tmp_path / "million-rows.xlsx", 1_000_000)
    started = time.perf_counter()
    result = validate_workbook(path, spec)
    assert time.perf_counter() - started < SECONDS
    assert _pairs(result) == [("专业设置", "file-too-many-rows")]
    assert int(result.findings[0].found.split()[0]) > 1_000_000  # the template's rows and more


def test_limits_can_be_tightened(spec):
    result = validate_workbook(
        BAD / "duplicate-school-a.xlsx", spec, limits=Limits(max_inflated_bytes=100_000)
    )
    assert [f.code for f in result.findings] == ["file-too-large"]
    result = validate_workbook(BAD / "duplicate-school-a.xlsx", spec, limits=Limits(max_cells=50))
    assert [f.code for f in result.findings] == ["file-too-many-rows"]


_PEAK = """
import resource, subprocess, sys
code = "from qualityreport.validate import validate_workbook; import sys; " \
       "r = validate_workbook(sys.argv[1]); print(r.findings[0].code if r.findings else 'none')"
done = subprocess.run([sys.executable, "-c", code, sys.argv[1]], capture_output=True, text=True,
                      check=True)
print(done.stdout.strip(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_megabytes(path: Path) -> tuple[str, float]:
    # A fresh parent with one child: its RUSAGE_CHILDREN peak is that child's alone (the test
    # process's own children would include every earlier subprocess).
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    code, kilobytes = done.stdout.split()
    return code, int(kilobytes) / 1024


@pytest.mark.parametrize("name", ["zip-bomb.xlsx", "zip-bomb-lying-sizes.xlsx"])
def test_zip_bomb_peak_memory(name):
    code, peak = _peak_megabytes(BAD / name)
    assert code == "file-too-large"
    assert peak < PEAK_MB, f"{name}: {peak:.0f} MB"
    print(f"{name}: peak {peak:.0f} MB")


def test_million_rows_peak_memory(tmp_path):
    path = corpus_module().many_rows_workbook(tmp_path / "million-rows.xlsx", 1_000_000)
    code, peak = _peak_megabytes(path)
    assert code == "file-too-many-rows"
    assert peak < PEAK_MB, f"{peak:.0f} MB"
    print(f"million rows: peak {peak:.0f} MB")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli_names_the_file_and_never_shows_a_traceback(name):
    path = BAD / name
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    errors = any(
        code
        for _, code in EXPECTED[name]
        if code
        not in (
            "value-implausible",
            "value-normalised",
            "sheet-hidden",
            "sheet-unknown",
            "file-has-macros",
        )
    )
    unusable = any(
        code.startswith("file-") and code != "file-has-macros" for _, code in EXPECTED[name]
    )
    assert result.exit_code == (2 if unusable else 1 if errors else 0), result.output
    summary = [line for line in result.output.splitlines() if line.startswith(("✓", "✗"))]
    assert len(summary) == 1 and str(path) in summary[0]


def test_cli_over_the_whole_corpus_in_a_real_process():
    program = Path(sys.executable).parent / "qualityreport"
    done = subprocess.run(
        [str(program), "validate", "--summary", str(BAD)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith(("✓", "✗"))]
    assert len(lines) == len(EXPECTED)
    assert "duplicate-submission" not in done.stdout  # --summary: one line a file


def test_json_for_the_corpus_is_valid_json():
    result = CliRunner().invoke(cli, ["validate", "--format", "json", str(BAD)])
    document = json.loads(result.output)
    assert len(document["files"]) == len(EXPECTED)
    dup = next(f for f in document["files"] if f["file"].endswith("duplicate-school-b.xlsx"))
    assert [f["code"] for f in dup["findings"]] == ["duplicate-submission"]


def test_html_report_escapes_every_hostile_string(tmp_path):
    out = tmp_path / "report.html"
    CliRunner().invoke(cli, ["validate", "--format", "html", "-o", str(out), str(BAD)])
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "'http://evil" not in html and '"http://evil' not in html
    assert "=cmd|&#39; /C calc&#39;!A0" in html
    assert "\x07" not in html and "\u202e" not in html
    assert "<U+202E>" in html or "&lt;U+202E&gt;" in html


# ---- output safety: what we write never turns submitted text into a live formula -------------


def _formula_cells(path: Path) -> set[tuple[str, str]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return {
        (ws.title, c.coordinate)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    }


@pytest.mark.parametrize(
    "name", sorted(n for n in EXPECTED if "zip-bomb" not in n) + ["zip-bomb-lying-sizes.xlsx"]
)
def test_annotated_copy_turns_no_submitted_text_into_a_formula(name, spec, tmp_path):
    from qualityreport.annotate import FINDINGS_SHEET, annotate_workbook

    result = validate_workbook(BAD / name, spec)
    out = annotate_workbook(result, tmp_path / "annotated.xlsx")
    copied = result.usable and name.endswith((".xlsx", ".xlsm"))
    own = _formula_cells(BAD / name) if copied else set()
    formulas = _formula_cells(out)
    # only the school's own formulas survive in the copy, and none is in the findings sheet
    assert formulas <= own
    assert not any(sheet == FINDINGS_SHEET for sheet, _ in formulas)


@pytest.fixture
def hostile_store(make_workbook, spec, tmp_path):
    from qualityreport.store import ingest_paths

    path = make_workbook("hostile.xlsx", values={"school_name": HYPERLINK, "county": DDE})
    db = tmp_path / "hostile.duckdb"
    report = ingest_paths(db, [path], spec)
    assert report.count("accepted") == 1
    return db


def test_check_xlsx_export_holds_no_formula(hostile_store, tmp_path):
    out = tmp_path / "check.xlsx"
    result = CliRunner().invoke(
        cli, ["check", "--db", str(hostile_store), "--format", "xlsx", "-o", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    assert _formula_cells(out) == set()
    from openpyxl import load_workbook

    texts = [
        c.value
        for ws in load_workbook(out).worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert any("http://evil" in t for t in texts)  # the school name is there, as text
    assert not any(t.startswith("=") for t in texts)


def test_sql_csv_export_neutralises_formula_text(hostile_store):
    import csv

    result = CliRunner().invoke(
        cli,
        [
            "sql",
            "--db",
            str(hostile_store),
            "--format",
            "csv",
            "SELECT school_name, county FROM schools",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(result.output.splitlines()))
    assert rows[1] == ["'" + HYPERLINK, "'" + DDE]
