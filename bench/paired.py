"""Paired benchmark: our commands and their floor, as whole processes, alternately in one run.

    .venv/bin/python bench/paired.py [CASE ...] [--runs 5] [--python PY --qualityreport QR]

Each case sets our command against its floor (a bare calamine read of the same files, or the
plain interpreter) and, where the issue names one, an absolute target. Every round runs each
command of a case once, the order turning from round to round so that a change in the machine's
load falls on both alike; the ratio is taken within a round (ours ÷ floor of the same round) and
reported with its minimum, median and maximum. Each run is a fresh process: wall time, CPU time
(user + system of the process and its children) and the peak memory of its whole process tree
(reader and worker processes included, sampled from /proc every 20 ms). The load average is
recorded before and after every run. Writes bench/results/paired.json.

Cases:
  validate-500       `qualityreport validate DIR` on 500 distinct workbooks, against the floor
  validate-copies    the same on 500 copies of the examples (planted mistakes, duplicates)
  validate-one       `qualityreport validate FILE` (a school's self-check); target < 0.4 s
  ingest-1000        `qualityreport ingest --db NEW DIR`, 1,000 distinct workbooks; target < 10 s
`--python` and `--qualityreport` run another installation's commands; `--before QR` adds that
installation's `qualityreport` (an earlier version) to every case, run in the same rounds, so that
before and after are measured alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
SCRATCH = Path(tempfile.gettempdir()) / "qualityreport-bench"


@dataclass
class Case:
    name: str
    commands: dict[str, list[str]]  # label → argv; the first is ours, "floor" the floor
    before_each: dict[str, Callable[[], None]] = field(default_factory=dict)
    target: str = ""
    target_ratio: float | None = None
    target_seconds: float | None = None


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        """The process and its descendants, from each process's list of children (cheap: no
        scan of every process on the machine)."""
        tree, frontier = [self.pid], [self.pid]
        while frontier:
            found = []
            for pid in frontier:
                try:
                    threads = os.listdir(f"/proc/{pid}/task")
                except OSError:
                    continue
                for thread in threads:  # a child belongs to the thread that started it
                    try:
                        with open(f"/proc/{pid}/task/{thread}/children") as f:
                            found += [int(c) for c in f.read().split()]
                    except OSError:
                        continue
            tree += found
            frontier = found
        return tree

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as f:
                return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            return 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_kb = max(self.peak_kb, sum(self._rss_kb(p) for p in self._tree()))

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def run_once(argv: list[str]) -> dict:
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, text=True
    )
    memory = TreeMemory(process.pid)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    peak_kb = max(memory.stop(), usage.ru_maxrss)
    errors = process.stderr.read() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        # the process's own CPU time and that of the children it waited for
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": round(peak_kb / 1024, 1),
        "exit_code": process.returncode,
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "stderr_tail": errors[-300:] if process.returncode not in (0, 1) else "",
    }


def summary(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def run_case(case: Case, runs: int) -> dict:
    labels = list(case.commands)
    measured: dict[str, list[dict]] = {label: [] for label in labels}
    for round_number in range(runs + 1):  # round 0 is a warm-up (page cache, pyc files)
        turn = round_number % len(labels)
        for label in labels[turn:] + labels[:turn]:
            if label in case.before_each:
                case.before_each[label]()
            result = run_once(case.commands[label])
            if round_number:
                measured[label].append(result)
            if result["stderr_tail"]:
                print(f"  {label}: exit {result['exit_code']}: {result['stderr_tail']}")
    ours = labels[0]
    report: dict = {
        "target": case.target,
        "commands": {label: " ".join(argv) for label, argv in case.commands.items()},
        "runs": runs,
        "seconds": {label: summary([r["seconds"] for r in measured[label]]) for label in labels},
        "cpu_seconds": {
            label: summary([r["cpu_seconds"] for r in measured[label]]) for label in labels
        },
        "peak_mb": {label: summary([r["peak_mb"] for r in measured[label]]) for label in labels},
        "exit_codes": {
            label: sorted({r["exit_code"] for r in measured[label]}) for label in labels
        },
        "load_average": summary(
            [
                r[k]
                for label in labels
                for r in measured[label]
                for k in ("load_before", "load_after")
            ]
        ),
    }
    for label in labels[1:]:
        ratios = [
            a["seconds"] / b["seconds"]
            for a, b in zip(measured[ours], measured[label], strict=True)
        ]
        report[f"ratio_to_{label}"] = summary(ratios)
    median = report["seconds"][ours]["median"]
    if case.target_seconds is not None:
        report["target_met"] = median < case.target_seconds
    if case.target_ratio is not None and "ratio_to_floor" in report:
        report["target_met"] = report["ratio_to_floor"]["median"] <= case.target_ratio
    return report


def print_case(name: str, report: dict) -> None:
    load = report["load_average"]
    print(f"\n{name}: {report['target']}  (load average {load['min']:.1f}–{load['max']:.1f})")
    for label, argv in report["commands"].items():
        s, c, m = report["seconds"][label], report["cpu_seconds"][label], report["peak_mb"][label]
        print(
            f"  {label:<10} wall {s['min']:6.2f} / {s['median']:6.2f} / {s['max']:6.2f} s   "
            f"cpu {c['median']:6.2f} s   peak {m['median']:7.1f} MB   exit "
            f"{','.join(map(str, report['exit_codes'][label]))}   {argv}"
        )
    for key, value in report.items():
        if key.startswith("ratio_to_"):
            print(
                f"  ours ÷ {key[9:]:<6} {value['min']:6.2f} / {value['median']:6.2f} / "
                f"{value['max']:6.2f}  (min / median / max of the paired rounds)"
            )
    if "target_met" in report:
        print(f"  target met: {'yes' if report['target_met'] else 'NO'}")


def build_cases(args: argparse.Namespace) -> dict[str, Callable[[], Case]]:
    from corpus import copies_of_examples, distinct_workbooks

    qualityreport = [args.qualityreport]
    floor = [args.python, str(ROOT / "bench" / "floor_read.py")]

    def with_before(commands: dict[str, list[str]]) -> dict[str, list[str]]:
        """The commands, and ours as the earlier installation runs it (--before)."""
        if not args.before:
            return commands
        ours = commands["ours"]
        return {**commands, "before": [args.before, *ours[1:]]}

    def validate_500() -> Case:
        folder = SCRATCH / "distinct-1000"
        paths = distinct_workbooks(folder, 1000)[:500]
        listed = SCRATCH / "distinct-500"
        listed.mkdir(parents=True, exist_ok=True)
        for path in paths:
            link = listed / path.name
            if not link.exists():
                link.symlink_to(path)
        return Case(
            "validate-500",
            with_before(
                {"ours": [*qualityreport, "validate", str(listed)], "floor": [*floor, str(listed)]}
            ),
            target="≤ 4× the bare calamine read of the same files",
            target_ratio=4.0,
        )

    def validate_copies() -> Case:
        folder = SCRATCH / "copies-500"
        copies_of_examples(folder, 500)
        return Case(
            "validate-copies",
            with_before(
                {"ours": [*qualityreport, "validate", str(folder)], "floor": [*floor, str(folder)]}
            ),
            target="(500 copies of the examples, mistakes and duplicates included)",
        )

    def validate_one() -> Case:
        file = str(ROOT / "examples" / "city" / "2024" / "4142050101-三峡中专.xlsx")
        return Case(
            "validate-one",
            with_before(
                {
                    "ours": [*qualityreport, "validate", file],
                    "floor": [*floor, file],
                    "python": [args.python, "-c", "pass"],
                }
            ),
            target="< 0.4 s, whole process",
            target_seconds=0.4,
        )

    def ingest_1000() -> Case:
        folder = SCRATCH / "distinct-1000"
        distinct_workbooks(folder, 1000)
        db = SCRATCH / "ingest-1000.duckdb"

        def fresh() -> None:
            for path in (db, db.with_name(db.name + ".wal")):
                path.unlink(missing_ok=True)

        return Case(
            "ingest-1000",
            with_before(
                {
                    "ours": [*qualityreport, "ingest", "--db", str(db), str(folder)],
                    "floor": [*floor, str(folder)],
                }
            ),
            before_each={"ours": fresh, "before": fresh},
            target="< 10 s (validate and ingest into a new database)",
            target_seconds=10.0,
        )

    return {
        "validate-500": validate_500,
        "validate-copies": validate_copies,
        "validate-one": validate_one,
        "ingest-1000": ingest_1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", default=["validate-500", "validate-one", "ingest-1000"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--qualityreport", default=str(ROOT / ".venv" / "bin" / "qualityreport"))
    parser.add_argument("--before", default=None, help="an earlier installation's qualityreport")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "paired.json")
    args = parser.parse_args()

    makers = build_cases(args)
    unknown = [c for c in args.cases if c not in makers]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)}; known: {', '.join(makers)}")
    results = {}
    for name in args.cases:
        results[name] = run_case(makers[name](), args.runs)
        print_case(name, results[name])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "date": date.today().isoformat(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                f"{platform.python_implementation()} {platform.python_version()}",
                "cases": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
