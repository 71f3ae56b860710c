"""Benchmark: what reading each file in a reader process costs, next to reading it in-process.

    .venv/bin/python bench/reader.py [--copies 500] [--repeat 5]

Makes `--copies` workbooks from the examples (in a temporary folder) and times, on the same
files: the bare calamine read (fastexcel, every sheet as text, no checks), our checks and read
in this process (what a reader process does for one file), the same through the reader
processes, and `validate_paths` (what `validate` and `ingest` run). Also the start-up of one
reader process. Writes bench/results/reader.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bare_read(paths: list[Path]) -> None:
    import fastexcel

    for path in paths:
        reader = fastexcel.read_excel(path)
        for name in reader.sheet_names:
            reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()


def median_seconds(function, repeat: int) -> float:
    function()  # warm-up: imports, reader processes
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def reader_start_up(repeat: int) -> float:
    """Seconds from starting a reader process to its hello (interpreter, imports, fastexcel)."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "qualityreport.read.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        process.stdout.read(8)  # the length of the hello: it has started
        runs.append(time.perf_counter() - started)
        process.stdin.close()
        process.wait()
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from qualityreport.read import Limits, read_workbooks
    from qualityreport.read.grid import read_here
    from qualityreport.spec import load_spec
    from qualityreport.validate import expand_paths, validate_paths

    examples = expand_paths([ROOT / "examples"])
    folder = Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        paths = []
        for n in range(args.copies):
            source = examples[n % len(examples)]
            paths.append(folder / f"{n:04d}-{source.name}")
            shutil.copy(source, paths[-1])
        spec, limits = load_spec(), Limits()
        bare = median_seconds(lambda: bare_read(paths), args.repeat)
        here = median_seconds(lambda: [read_here(str(p), limits) for p in paths], args.repeat)
        pooled = median_seconds(lambda: list(read_workbooks(paths)), args.repeat)
        validated = median_seconds(lambda: list(validate_paths(paths, spec)), args.repeat)
        start_up = reader_start_up(args.repeat)
    finally:
        shutil.rmtree(folder)

    count = len(paths)

    def per_file(seconds: float) -> str:
        return f"{seconds:6.2f} s  {seconds / count * 1000:6.2f} ms/file  {seconds / bare:5.1f}×"

    print(f"{count} workbooks (copies of examples/), median of {args.repeat} runs")
    print(f"bare calamine read              {per_file(bare)}")
    print(f"checks and read, in-process     {per_file(here)}")
    print(f"checks and read, reader procs.  {per_file(pooled)}")
    print(f"validate_paths                  {per_file(validated)}")
    print(f"reader process start-up: {start_up * 1000:.0f} ms")
    results = {
        "date": date.today().isoformat(),
        "cores": os.cpu_count(),
        "files": count,
        "repeat": args.repeat,
        "bare_read_s": bare,
        "read_in_process_s": here,
        "read_in_reader_processes_s": pooled,
        "validate_paths_s": validated,
        "reader_start_up_ms": start_up * 1000,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "reader.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
