"""Benchmark: ingest and check cost as the number of schools grows.

    .venv/bin/python bench/ingest.py [--schools 100 1000 10000] [--years 2] [--files DIR]

For each N, N synthetic schools × `--years` years are built in memory as ValidationResults
(no workbooks), ingested into a fresh DuckDB file (one transaction per workbook), ingested
again (every file unchanged), then every shipped target set is checked for the latest year.
`--files DIR` also times the whole pipeline (validate + ingest) over real workbooks.
Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The synthetic submissions are a test helper, not part of the installed package.
sys.path.insert(0, str(ROOT / "tests"))
FIRST_YEAR = 2023


def run_size(spec, sets, schools: int, years: int, folder: Path) -> dict:
    from qualityreport.check import check
    from qualityreport.store import ingest, open_store

    from synthetic import random_result

    rng = random.Random(schools)
    started = time.perf_counter()
    results = [
        random_result(spec, rng, f"42{n:08d}", FIRST_YEAR + y)
        for y in range(years)
        for n in range(schools)
    ]
    build = time.perf_counter() - started
    db = folder / f"bench-{schools}.duckdb"
    with open_store(db, spec) as store:
        started = time.perf_counter()
        report = ingest(store, results)
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest(store, results)
        unchanged_seconds = time.perf_counter() - started
        assert again.count("unchanged") == len(results)
        started = time.perf_counter()
        checked = check(store, sets, FIRST_YEAR + years - 1)
        check_seconds = time.perf_counter() - started
        started = time.perf_counter()
        store.rows("SELECT * FROM school_year")
        view_seconds = time.perf_counter() - started
        values = store.scalar("SELECT count(*) FROM indicator_values")
        specialties = store.scalar("SELECT count(*) FROM specialties")
    workbooks = len(results)
    return {
        "schools": schools,
        "workbooks": workbooks,
        "accepted": report.count("accepted"),
        "indicator_values": values,
        "specialty_rows": specialties,
        "build_seconds": round(build, 3),
        "ingest_seconds": round(ingest_seconds, 3),
        "ingest_ms_per_workbook": round(1000 * ingest_seconds / workbooks, 2),
        "unchanged_seconds": round(unchanged_seconds, 3),
        "check_seconds": round(check_seconds, 3),
        "check_results": len(checked.results),
        "school_year_seconds": round(view_seconds, 3),
        "db_megabytes": round(db.stat().st_size / 1e6, 1),
    }


def run_files(spec, directory: Path, folder: Path) -> dict:
    from qualityreport.store import ingest, open_store
    from qualityreport.validate import expand_paths, validate_workbook

    files = expand_paths([directory])
    with open_store(folder / "files.duckdb", spec) as store:
        started = time.perf_counter()
        report = ingest(store, (validate_workbook(f, spec) for f in files), allow_warnings=True)
        seconds = time.perf_counter() - started
    return {
        "directory": str(directory),
        "files": len(files),
        "accepted": report.count("accepted"),
        "validate_and_ingest_seconds": round(seconds, 3),
        "ms_per_file": round(1000 * seconds / max(len(files), 1), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--files", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = parser.parse_args()

    from qualityreport.spec import load_spec
    from qualityreport.targets import load_target_sets

    spec = load_spec()
    sets = load_target_sets()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for schools in args.schools:
            rows.append(run_size(spec, sets, schools, args.years, Path(tmp)))
            r = rows[-1]
            print(
                f"{r['schools']:>6} schools  {r['workbooks']:>6} workbooks  "
                f"ingest {r['ingest_seconds']:>8.2f} s ({r['ingest_ms_per_workbook']:.1f} ms each)  "
                f"unchanged {r['unchanged_seconds']:>7.2f} s  check {r['check_seconds']:>6.2f} s "
                f"({r['check_results']} results)  school_year {r['school_year_seconds']:.3f} s  "
                f"{r['db_megabytes']} MB",
                flush=True,
            )
        files = run_files(spec, args.files, Path(tmp)) if args.files else None
    if files:
        print(
            f"files: {files['files']} workbooks validated and ingested in "
            f"{files['validate_and_ingest_seconds']} s ({files['ms_per_file']} ms each)"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "machine": {
                    "python": platform.python_version(),
                    "processor": platform.machine(),
                    "system": platform.system(),
                },
                "years_per_school": args.years,
                "target_sets": [s.id for s in sets],
                "sizes": rows,
                "files": files,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
