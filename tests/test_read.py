"""Reading: every file is said to be what it really is, and no file costs more than its limits.

Files are read in reader processes under an address-space limit per file (see read/isolated.py),
so the hostile files below never run in the test process itself.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualityreport.read import Limits, UnreadableFile, read_workbook, read_workbooks
from qualityreport.validate import validate_batch, validate_workbook

DATA = Path(__file__).parent / "data"
FORMATS, WILD, CLERK = DATA / "formats", DATA / "wild", DATA / "clerk"
EXAMPLE = next((Path(__file__).parents[1] / "examples" / "city" / "2024").glob("4142050101-*"))

# file → the (location, code) pairs it gives on its own, every severity
FORMATS_EXPECTED = {
    "csv-export.csv": [("", "file-not-workbook")],
    "web-page-named.xls": [("", "file-not-workbook")],
    "pdf-named.xlsx": [("", "file-not-workbook")],
    "numbers-named.xlsx": [("", "file-not-workbook")],
    "word-document-named.xls": [("", "file-not-workbook")],
    "word-docx-named.xlsx": [("", "file-not-workbook")],
    "empty-zip.xlsx": [("", "file-not-workbook")],
    "excel4-worksheet.xls": [("", "file-not-workbook")],
    "xor-password.xls": [("", "file-encrypted")],
    # read by what they hold, with a notice when the name says otherwise
    "old-xls-named.xlsx": [("", "file-format-mismatch")],
    "xlsx-named.xlsb": [("", "file-format-mismatch")],
    "wps-sheet.et": [],
    "template-copy.xltx": [],
    "wps-backslash-paths.xlsx": [],
    "workbook-in-another-folder.xlsx": [],
    # refused before any grid is built
    "ten-cells-far-out.xlsx": [("师资队伍", "file-used-range-too-large")],
    "one-cell-at-xfd99999.xlsx": [("师资队伍", "file-used-range-too-large")],
    "xls-claiming-huge-dimensions.xls": [("填报说明", "file-used-range-too-large")],
}
# what each reason names, so that a wrong guess at a format cannot pass
REASONS = {
    "csv-export.csv": "CSV",
    "web-page-named.xls": "HTML",
    "pdf-named.xlsx": "PDF",
    "numbers-named.xlsx": "Numbers",
    "word-document-named.xls": "Word",
    "word-docx-named.xlsx": "Word",
    "empty-zip.xlsx": "zip",
    "excel4-worksheet.xls": "Excel 2.0–4.0",
}
WILD_EXPECTED = {
    "calamine--ptgexp-truncated-operand.xls": "file-not-workbook",  # the reader panics
    "calamine--capitalized_wbook_stream.xls": None,  # read (a workbook, not our template)
    "calamine--pass_protected.ods": "file-encrypted",
    "calamine--issue_594_dos.ods": "file-not-workbook",
    "exceldatareader--Test_git_issue_382_oom.xls": "file-memory-limit",  # 21 GB unbounded
    "exceldatareader--Test_git_issue_242_xor_pwd_password.xls": "file-encrypted",
    "exceldatareader--as3xls_BIFF4.xls": "file-not-workbook",
    "exceldatareader--Test_git_issue_368_header.xls": "file-not-workbook",
    "exceldatareader--Test_git_issue682.xlsb": "file-not-workbook",  # the reader panics
    "exceldatareader--Test10x10.xlsb": None,
    "exceldatareader--EmptyZipFile.xlsx": "file-not-workbook",
}
# What calamine and zip libraries say; none of it is for the person who sent the file.
LIBRARY_TEXT = re.compile(
    r"Cfb error|Zip error|Xls error|Xlsx error|Xlsb error|Ods error|Codepage|Sector \d|EOCD|"
    r"panicked|PanicException|could not load|Could not open|calamine|fastexcel",
    re.I,
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _pairs(result):
    return sorted((f.location, f.code) for f in result.findings)


def test_the_format_corpus_is_complete():
    assert {p.name for p in FORMATS.iterdir()} == set(FORMATS_EXPECTED)


@pytest.mark.parametrize("name", sorted(FORMATS_EXPECTED))
def test_each_file_is_said_to_be_what_it_is(name, spec):
    result = validate_workbook(FORMATS / name, spec)
    assert _pairs(result) == sorted(FORMATS_EXPECTED[name])
    unusable = any(c.startswith("file-") and c != "file-format-mismatch" for _, c in _pairs(result))
    assert result.usable is not unusable
    if name in REASONS:
        (finding,) = result.findings
        assert REASONS[name] in finding.message_en
        assert REASONS[name].split()[0] in finding.message_zh


def test_a_misnamed_file_is_read_by_its_content(spec):
    read = validate_workbook(FORMATS / "old-xls-named.xlsx", spec)
    original = validate_workbook(DATA / "bad" / "duplicate-school-a.xlsx", spec)
    assert read.valid and read.submission.values.keys() == original.submission.values.keys()
    (notice,) = read.findings
    assert notice.severity == "info"
    assert ".xlsx" in notice.message_zh and "Excel 97—2003" in notice.message_zh


@pytest.mark.parametrize("name", sorted(WILD_EXPECTED))
def test_files_from_other_projects_test_suites(name, spec):
    result = validate_workbook(WILD / name, spec)
    if WILD_EXPECTED[name] is None:
        assert result.usable
    else:
        assert [f.code for f in result.findings] == [WILD_EXPECTED[name]]


def test_no_library_text_and_one_language_a_message(spec):
    """Internal reader text never reaches users, and each message is in its own language."""
    files = [*FORMATS.iterdir(), *WILD.glob("*--*"), *(DATA / "bad").iterdir()]
    for result in validate_batch(files, spec):
        for finding in result.findings:
            for message in (finding.message_zh, finding.message_en):
                assert not LIBRARY_TEXT.search(message), (result.file, message)
            if finding.code.startswith("file-"):
                assert not CJK.search(finding.message_en), (result.file, finding.message_en)
                assert CJK.search(finding.message_zh)
                assert "the file" not in finding.message_zh, (result.file, finding.message_zh)


def test_one_file_costs_at_most_its_limits_and_the_batch_goes_on(spec):
    """The reader process that allocates without bound is stopped and replaced, in order."""
    hog = WILD / "exceldatareader--Test_git_issue_382_oom.xls"
    started = time.perf_counter()
    results = validate_batch([EXAMPLE, hog, EXAMPLE, hog, EXAMPLE], spec)
    assert time.perf_counter() - started < 30
    assert [r.usable for r in results] == [True, False, True, False, True]
    assert [f.code for f in results[1].findings] == ["file-memory-limit"]


def test_a_reader_panic_is_a_finding_and_the_reader_goes_on():
    panics = WILD / "calamine--ptgexp-truncated-operand.xls"
    outcomes = list(read_workbooks([panics, EXAMPLE, panics, EXAMPLE]))
    assert [type(o).__name__ for o in outcomes] == [
        "UnreadableFile",
        "Workbook",
        "UnreadableFile",
        "Workbook",
    ]
    assert outcomes[0].code == "file-not-workbook" and "xls" in outcomes[0].reason_en


def test_time_limit(tmp_path, corpus):
    big = corpus.many_rows_workbook(tmp_path / "big.xlsx", 95_000)
    # a limit well between the two reading times, measured here: the test holds on a slow,
    # loaded machine and on a fast one alike
    timings = {}
    for path in (big, EXAMPLE, big, EXAMPLE):
        started = time.perf_counter()
        read_workbook(path)
        timings[path] = time.perf_counter() - started
    assert timings[big] > 10 * timings[EXAMPLE]
    limit = (timings[big] * timings[EXAMPLE]) ** 0.5
    with pytest.raises(UnreadableFile) as stopped:
        read_workbook(big, Limits(max_seconds=limit))
    assert stopped.value.code == "file-time-limit"
    assert read_workbook(EXAMPLE).sheets  # a fresh reader took its place
    # files queued behind a reader that is stopped are read by another, in order
    files = [big, EXAMPLE, EXAMPLE, big, EXAMPLE, EXAMPLE, EXAMPLE]
    outcomes = list(read_workbooks(files, Limits(max_seconds=limit)))
    codes = [o.code if isinstance(o, UnreadableFile) else "read" for o in outcomes]
    assert codes == ["file-time-limit", "read", "read", "file-time-limit", "read", "read", "read"]


def test_memory_limit_can_be_tightened(tmp_path, corpus):
    big = corpus.many_rows_workbook(tmp_path / "big.xlsx", 60_000)
    outcomes = list(read_workbooks([big, EXAMPLE], Limits(max_reader_bytes=8 * 1024 * 1024)))
    assert isinstance(outcomes[0], UnreadableFile) and outcomes[0].code == "file-memory-limit"
    assert not isinstance(outcomes[1], UnreadableFile)


def test_the_used_range_is_checked_before_any_grid_is_built(spec):
    """Ten cells out at column JJJ, row 60,000: a grid up to them would cost gigabytes."""
    started = time.perf_counter()
    result = validate_workbook(FORMATS / "ten-cells-far-out.xlsx", spec)
    assert time.perf_counter() - started < 5
    (finding,) = result.findings
    assert finding.found == "A1:JJJ60009" and "421,863,270" in finding.message_zh


def test_cells_holding_only_formatting_are_not_in_the_used_range(tmp_path, corpus, spec):
    """calamine leaves formatting-only cells (<c r="XFD1048576" s="1"/>) out of its grid."""
    path = corpus.rewrite_zip(
        corpus.valid_workbook(tmp_path / "base.xlsx"),
        tmp_path / "formatted-far-out.xlsx",
        replace={
            corpus.TEACHERS_SHEET: corpus._sheet_with_cells(
                tmp_path / "base.xlsx",
                corpus.TEACHERS_SHEET,
                ['<c r="XFD1048576" s="1"/>'],
            )
        },
    )
    assert validate_workbook(path, spec).valid


_PEAK = """
import resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "qualityreport", "validate", "--summary", *sys.argv[1:]],
                      capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def test_the_21_gb_file_is_stopped_within_the_reader_limit():
    """Peak memory of the whole run (the largest process, reader processes included)."""
    cap = 4 * 1024**3

    def limit():  # a failure here must not take the machine down
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(WILD / "exceldatareader--Test_git_issue_382_oom.xls")],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    code, kilobytes = done.stdout.split()
    assert code == "2"
    peak = int(kilobytes) / 1024
    assert peak < Limits().max_reader_bytes / 1024**2 + 200, f"{peak:.0f} MB"
    print(f"issue-382 file: peak {peak:.0f} MB")


def test_threads_share_the_reader_processes(spec):
    """Uploads validated in many threads at once still start at most `size` reader processes."""
    import threading

    from qualityreport.read.isolated import POOL

    results, started = [], []

    def count_processes():
        started.append(POOL.live)

    def work():
        results.append(validate_workbook(EXAMPLE, spec).valid)
        count_processes()

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [True] * 12
    assert max(started) <= POOL.size
