"""One run over every corpus file at once: each is named with its outcome, every outcome counted,
no traceback, and the run within the stated time and memory; a second ingest records nothing new.

The run is a real process under an address-space cap, so a failure cannot take the machine down.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path

import duckdb

from qualityreport.read import Limits

DATA = Path(__file__).parent / "data"
FOLDERS = [DATA / name for name in ("bad", "formats", "clerk", "wild")]
CAP = 4 * 1024**3  # bytes of address space for the run and its reader processes
SECONDS = 180  # the whole corpus, on a slow shared machine; ~20 s here
# the largest process: the reader that meets the 21 GB file stops at its limit
PEAK_MB = Limits().max_reader_bytes / 1024**2 + 300

_RUN = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "qualityreport", *sys.argv[1:]],
                      capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
print("@@", done.returncode, time.perf_counter() - started,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _run(*arguments: str) -> tuple[int, list[str], str, float, float]:
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (CAP, CAP))

    done = subprocess.run(
        [sys.executable, "-c", _RUN, *arguments],
        capture_output=True,
        text=True,
        timeout=SECONDS * 2,
        preexec_fn=cap,
    )
    *lines, last = done.stdout.splitlines()
    _, code, seconds, kilobytes = last.split()
    return int(code), lines, done.stderr, float(seconds), int(kilobytes) / 1024


def _corpus() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in folder.iterdir() if p.is_file())


def test_validate_names_every_file_with_its_outcome():
    code, lines, stderr, seconds, peak = _run("validate", "--summary", *map(str, FOLDERS))
    assert "Traceback" not in "\n".join(lines) + stderr
    assert code == 2  # some files could not be read
    named = {}
    for line in lines:
        match = re.match(r"^(?:[✓✗] (\S+)  (通过|未通过|无法读取)|- (\S+)  跳过：)", line)
        if match:
            path = match.group(1) or match.group(3)
            assert path not in named, f"named twice: {path}"
            named[path] = match.group(2) or "跳过"
    assert set(named) == {str(p) for p in _corpus()}
    totals = lines[-1]
    counts = {word: sum(v == word for v in named.values()) for word in set(named.values())}
    read = len(named) - counts.get("跳过", 0)
    assert totals.startswith(
        f"合计：{read} 个文件，{counts['通过']} 个通过，{counts['未通过']} 个未通过，"
        f"{counts['无法读取']} 个无法读取；"
    ), totals
    assert totals.endswith(f"跳过 {counts['跳过']} 个不是工作簿的文件")
    assert seconds < SECONDS and peak < PEAK_MB, (seconds, peak)
    print(f"validate, {len(named)} files: {seconds:.1f} s, peak {peak:.0f} MB")


def test_ingest_names_every_file_counts_every_outcome_and_records_a_rejection_once(tmp_path):
    db = tmp_path / "corpus.duckdb"
    code, lines, stderr, seconds, peak = _run("ingest", "--db", str(db), *map(str, FOLDERS))
    assert "Traceback" not in "\n".join(lines) + stderr
    assert code == 1
    files = _corpus()
    numbered = [line for line in lines if line.startswith("[")]
    skipped = [line for line in lines if line.startswith("- ")]
    read = len(files) - len(skipped)
    assert len(numbered) == read and numbered[-1].startswith(f"[{read}/{read}] ")
    assert {line.split("] ", 1)[1].split(": ", 1)[0] for line in numbered} <= {
        p.name for p in files
    }
    total = lines[-1]
    assert total.startswith(f"共 {read}: ") and f"跳过（不是工作簿） {len(skipped)}" in total
    counted = sum(int(n) for n in re.findall(r" (\d+)(?:,|$| →)", total.split(": ", 1)[1]))
    assert counted == read + len(skipped)
    assert seconds < SECONDS and peak < PEAK_MB, (seconds, peak)
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute("SELECT count(*) FROM submissions").fetchall()[0][0]
    code, lines, stderr, _, _ = _run("ingest", "--db", str(db), *map(str, FOLDERS))
    assert "Traceback" not in "\n".join(lines) + stderr
    with duckdb.connect(str(db), read_only=True) as con:
        after = con.execute("SELECT count(*) FROM submissions").fetchall()[0][0]
    assert after == before, "a rerun recorded files again"
    print(f"ingest, {len(files)} files: {seconds:.1f} s, peak {peak:.0f} MB")
