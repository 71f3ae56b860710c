"""Benchmark of report rendering: seconds per page and peak memory as the city grows.

Not a test. Builds the example city through the real pipeline, copies the store with synthetic
schools (clones of the twelve, with new codes and names) to 12, 50 and 200 schools, then renders
in child processes so each measurement has a clean peak RSS (of the whole process tree, workers
included):
  - city: the city report with every school report appended (a volume of parts laid out by
    --workers processes and merged),
  - city-only: the city report alone,
  - schools: every school report as its own file, in parallel (--workers processes).
Prints a table and writes bench/results/render.json.

    .venv/bin/python bench/render.py [--sizes 12 50 200] [--workers N] [--kinds city city-only schools]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def build_store(db: Path) -> None:
    from qualityreport.check import check
    from qualityreport.city import load_city_config
    from qualityreport.spec import load_spec
    from qualityreport.store import (
        expected_from_city,
        ingest,
        open_store,
        register_expected_schools,
    )
    from qualityreport.targets import load_target_sets
    from qualityreport.validate import validate_paths

    spec = load_spec()
    city = load_city_config(EXAMPLES / "city.yaml")
    schools = expected_from_city(city)
    with open_store(db, spec) as store:
        register_expected_schools(store, schools)
        ingest(store, validate_paths([EXAMPLES / "city"], spec))
        for year in (2022, 2023, 2024):
            check(
                store,
                load_target_sets(list(city.target_sets)),
                year,
                city.parameters,
                expected_schools=schools,
                city=city,
            )


def grow(source: Path, target: Path, schools: int) -> None:
    """A copy of the store with clones of its schools (new codes and names, every submission,
    specialty, narrative and verdict copied) until there are `schools`: reports read it through
    the store's own API, as they read a real city."""
    import shutil

    import duckdb

    target.unlink(missing_ok=True)
    shutil.copy(source, target)
    con = duckdb.connect(str(target))
    codes = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT school_code FROM submissions WHERE status = 'accepted' ORDER BY 1"
        ).fetchall()
    ]
    for n in range(max(0, schools - len(codes))):
        base = codes[n % len(codes)]
        code = f"99{n:08d}"
        suffix = f"（{n + 1}）"
        ids = con.execute(
            "SELECT submission_id FROM submissions WHERE school_code = ? AND status = 'accepted'",
            [base],
        ).fetchall()
        for (old,) in ids:
            (new,) = con.execute("SELECT nextval('submission_id_seq')").fetchall()[0]
            con.execute(
                "INSERT INTO submissions SELECT * REPLACE (? AS submission_id, ? AS school_code) "
                "FROM submissions WHERE submission_id = ?",
                [new, code, old],
            )
            con.execute(
                "INSERT INTO indicator_values SELECT * REPLACE (? AS submission_id, "
                "CASE indicator_id WHEN 'school_code' THEN ? WHEN 'school_name' "
                "THEN value_text || ? ELSE value_text END AS value_text) "
                "FROM indicator_values WHERE submission_id = ?",
                [new, code, suffix, old],
            )
            for table in ("specialties", "narratives", "findings"):
                con.execute(
                    f"INSERT INTO {table} SELECT * REPLACE (? AS submission_id) "
                    f"FROM {table} WHERE submission_id = ?",
                    [new, old],
                )
        con.execute(
            "INSERT INTO target_results SELECT * REPLACE ("
            "replace(subject_id, ?, ?) AS subject_id, subject_name || ? AS subject_name) "
            "FROM target_results WHERE subject_id = ? OR starts_with(subject_id, ? || '/')",
            [base, code, suffix, base, base],
        )
        con.execute(
            "INSERT INTO schools SELECT * REPLACE (? AS school_code, "
            "school_name || ? AS school_name) FROM schools WHERE school_code = ?",
            [code, suffix, base],
        )
    con.close()


class _TreeMemory:
    """Peak RSS of this process and all its descendants, sampled from /proc: pool workers are
    children of the forkserver, so getrusage(RUSAGE_CHILDREN) never sees them."""

    def __init__(self, interval: float = 0.2):
        import threading

        self.interval, self.peak_total_kb, self.peak_one_kb = interval, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tree(self) -> list[int]:
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        tree, frontier = [os.getpid()], [os.getpid()]
        while frontier:
            frontier = [pid for pid, ppid in parents.items() if ppid in frontier]
            tree += frontier
        return tree

    def _rss_kb(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as f:
                return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            return 0

    def _run(self):
        while not self._stop.wait(self.interval):
            sizes = [self._rss_kb(pid) for pid in self._tree()]
            self.peak_total_kb = max(self.peak_total_kb, sum(sizes))
            self.peak_one_kb = max(self.peak_one_kb, max(sizes, default=0))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def child(kind: str, db: str, out: str, workers: int) -> dict:
    """Runs inside a fresh process; prints its measurements as JSON."""
    import resource

    from qualityreport.city import load_city_config
    from qualityreport.render import render_city_report, render_school_reports

    city = load_city_config(EXAMPLES / "city.yaml")
    memory = _TreeMemory().__enter__()
    start = time.perf_counter()
    if kind in ("city", "city-only"):
        appended = kind == "city"
        result = render_city_report(
            db, 2024, out, city=city, with_school_reports=appended, workers=workers
        )
        pages, reports = result.pages, 1
    else:
        results = render_school_reports(db, 2024, out, city=city, workers=workers)
        pages, reports = sum(r.pages for r in results), len(results)
    seconds = time.perf_counter() - start
    memory.__exit__()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "pages": pages,
        "reports": reports,
        "peak_rss_mb": round(max(own, memory.peak_one_kb) / 1024, 1),
        "peak_tree_rss_mb": round(max(own, memory.peak_total_kb) / 1024, 1),
        "parent_rss_mb": round(own / 1024, 1),
    }


def measure(kind: str, db: Path, out: Path, workers: int) -> dict:
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, str(db), str(out), str(workers)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    stdout, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{kind} render failed ({proc.returncode})")
    row = json.loads(stdout.strip().splitlines()[-1])
    row["wall_seconds"] = time.perf_counter() - start  # with interpreter start and imports
    row["seconds_per_page"] = row["seconds"] / max(row["pages"], 1)
    row["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]  # before, after
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12, 50, 200])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--kinds",
        nargs="+",
        choices=("city", "city-only", "schools"),
        default=["city", "schools"],
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, db, out, workers = args.child
        print(json.dumps(child(kind, db, out, int(workers))))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="qr-bench-") as tmp:
        tmp = Path(tmp)
        source = tmp / "city.duckdb"
        build_store(source)
        for size in args.sizes:
            db = tmp / f"city-{size}.duckdb"
            grow(source, db, size)
            for kind in args.kinds:
                out = tmp / (f"{kind}-{size}.pdf" if kind != "schools" else f"schools-{size}")
                row = {"schools": size, "kind": kind, **measure(kind, db, out, args.workers)}
                rows.append(row)
                print(
                    f"{size:>4} schools  {kind:<9} {row['pages']:>5} pages  "
                    f"{row['seconds']:>7.1f} s  {row['seconds_per_page']:.3f} s/page  "
                    f"peak {row['peak_rss_mb']:>7.1f} MB (all processes "
                    f"{row['peak_tree_rss_mb']:.1f} MB)  load {row['load_average']}",
                    flush=True,
                )
    target = ROOT / "bench" / "results" / "render.json"
    # a run of some sizes or kinds replaces those rows and keeps the others
    if target.exists():
        done = {(r["schools"], r["kind"]) for r in rows}
        kept = [
            r
            for r in json.loads(target.read_text(encoding="utf-8")).get("rows", [])
            if (r["schools"], r["kind"]) not in done
        ]
        rows = sorted(kept + rows, key=lambda r: (r["schools"], r["kind"]))
    results = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "workers": args.workers,
        "rows": rows,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"→ {target}")


if __name__ == "__main__":
    main()
