"""Benchmark: per-file validation time next to the bare calamine read of the same files.

    .venv/bin/python bench/validate.py [PATH ...] [--repeat N]

PATH defaults to examples/. The floor is fastexcel (calamine) loading every sheet as text, which
validation also does; the difference is our normalising, locating, pandera and rule checks.
Each file alone pays pandera's per-check cost; a batch (validate_batch, used by the commands)
pays it once for all files.
Writes bench/results/validate.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bare_read(path: Path) -> None:
    import fastexcel

    reader = fastexcel.read_excel(path)
    for name in reader.sheet_names:
        reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()


def timed(function, paths: list[Path], repeat: int) -> list[float]:
    """Median seconds per file over `repeat` passes (after one warm-up pass)."""
    for path in paths:
        function(path)
    per_file = []
    for path in paths:
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            function(path)
            runs.append(time.perf_counter() - started)
        per_file.append(statistics.median(runs))
    return per_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(ROOT / "examples")])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from qualityreport.spec import load_spec
    from qualityreport.validate import expand_paths, validate_batch, validate_workbook

    spec = load_spec()
    paths = expand_paths(args.paths)
    started = time.perf_counter()
    import pandera.polars  # noqa: F401  (import cost reported separately from per-file time)

    import_seconds = time.perf_counter() - started
    read = timed(bare_read, paths, args.repeat)
    validate = timed(lambda p: validate_workbook(p, spec), paths, args.repeat)

    batch_runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        validate_batch(paths, spec)
        batch_runs.append(time.perf_counter() - started)
    batch = statistics.median(batch_runs)

    print(f"{len(paths)} files, median of {args.repeat} runs each, ms per file")
    print(f"{'file':<48} {'calamine read':>14} {'validate':>10} {'ratio':>7}")
    for path, r, v in zip(paths, read, validate, strict=True):
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        print(f"{name[-48:]:<48} {r * 1000:>14.1f} {v * 1000:>10.1f} {v / r:>7.1f}")
    total_read, total_validate = sum(read), sum(validate)
    print(
        f"{'all files':<48} {total_read * 1000:>14.1f} {total_validate * 1000:>10.1f} "
        f"{total_validate / total_read:>7.1f}"
    )
    print(
        f"median per file: read {statistics.median(read) * 1000:.1f} ms, "
        f"validate {statistics.median(validate) * 1000:.1f} ms; "
        f"pandera import {import_seconds * 1000:.0f} ms once per process"
    )
    print(
        f"as one batch (what validate, ingest and demo do): {batch * 1000:.0f} ms for "
        f"{len(paths)} files = {batch / len(paths) * 1000:.1f} ms per file, "
        f"{batch / total_read:.1f}× the bare read"
    )

    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {__import__('os').cpu_count()} cores",
        "files": len(paths),
        "repeat": args.repeat,
        "median_read_ms": statistics.median(read) * 1000,
        "median_validate_ms": statistics.median(validate) * 1000,
        "total_read_ms": total_read * 1000,
        "total_validate_ms": total_validate * 1000,
        "pandera_import_ms": import_seconds * 1000,
        "batch_total_ms": batch * 1000,
        "batch_ms_per_file": batch / len(paths) * 1000,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "validate.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
