"""Benchmark: wall time of the CLI's start-up, and which imports it pays for."""

# Run with any Python (the commands themselves run in the project's environment):
#
#     .venv/bin/python bench/startup.py [--runs 10] [--file examples/city/2024/...xlsx]
#
# Each command runs as a fresh subprocess: one warm-up, then --runs timed runs; median and
# minimum wall time. Then `python -X importtime` on `import qualityreport.cli` (what every command
# pays before doing anything) and on a whole `qualityreport validate FILE` (what the common command
# pays), with self time summed per top-level package. Writes bench/results/startup.json.

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
DEFAULT_FILE = ROOT / "examples" / "city" / "2024" / "4142050101-三峡中专.xlsx"
IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def wall_times(command: list[str], runs: int) -> tuple[list[float], int]:
    """Seconds for each of `runs` runs after one warm-up (which loads the files into the page cache)."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    times, code = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        code = subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
        ).returncode
        times.append(time.perf_counter() - started)
    return times, code


def import_profile(code: str, tries: int = 3) -> dict:
    """`python -X importtime -c code`: the quickest of `tries` runs, self time per top-level package."""
    best = None
    for _ in range(tries):
        done = subprocess.run(
            [str(VENV / "python"), "-X", "importtime", "-c", code],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        entries = [
            (int(m[1]), int(m[2]), len(m[3]), m[4])
            for line in done.stderr.splitlines()
            if (m := IMPORT_LINE.match(line))
        ]
        # Nesting is shown by indentation; the outermost entries add up to the whole import.
        outer = min((depth for *_, depth, _ in entries), default=0)
        total = sum(cumulative for _, cumulative, depth, _ in entries if depth == outer)
        if best is None or total < best[0]:
            best = (total, entries)
    total, entries = best
    per_package: dict[str, int] = defaultdict(int)
    for self_us, _, _, name in entries:
        per_package[name.split(".")[0]] += self_us
    top = sorted(per_package.items(), key=lambda item: -item[1])
    return {
        "code": code,
        "total_ms": total / 1000,
        "modules": len(entries),
        "self_ms_by_package": {name: us / 1000 for name, us in top[:15]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()

    qualityreport = str(VENV / "qualityreport")
    file = str(args.file)
    commands = {
        "python -c pass": [str(VENV / "python"), "-c", "pass"],
        "python -c 'import qualityreport.cli'": [
            str(VENV / "python"),
            "-c",
            "import qualityreport.cli",
        ],
        "qualityreport --help": [qualityreport, "--help"],
        "qualityreport validate FILE": [qualityreport, "validate", file],
        "qualityreport validate --format json FILE": [
            qualityreport,
            "validate",
            "--format",
            "json",
            file,
        ],
    }
    load_before = os.getloadavg()[0]
    timings = {}
    for name, command in commands.items():
        times, code = wall_times(command, args.runs)
        timings[name] = {
            "median_ms": statistics.median(times) * 1000,
            "min_ms": min(times) * 1000,
            "max_ms": max(times) * 1000,
            "exit_code": code,
        }
    imports = {
        "import qualityreport.cli": import_profile("import qualityreport.cli"),
        "qualityreport validate FILE": import_profile(
            "import sys; from qualityreport.cli import main; "
            f"sys.argv = ['qualityreport', 'validate', {file!r}]; main()"
        ),
    }
    load_after = os.getloadavg()[0]

    print(
        f"{args.runs} runs each after one warm-up; {os.cpu_count()} cores, load average "
        f"{load_before:.2f} before, {load_after:.2f} after (shared machine: figures are noisy)"
    )
    print(f"file: {Path(file).relative_to(ROOT) if Path(file).is_relative_to(ROOT) else file}")
    print(f"{'command':<44} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'exit':>5}")
    for name, t in timings.items():
        print(
            f"{name:<44} {t['median_ms']:>10.0f} {t['min_ms']:>8.0f} {t['max_ms']:>8.0f} "
            f"{t['exit_code']:>5}"
        )
    for name, profile in imports.items():
        print(
            f"\n-X importtime, {name}: {profile['total_ms']:.0f} ms in {profile['modules']} modules; "
            "self time by top-level package:"
        )
        for package, ms in profile["self_ms_by_package"].items():
            print(f"  {package:<24} {ms:>7.1f} ms")

    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores",
        "load_average_before_after": [load_before, load_after],
        "runs": args.runs,
        "file": file,
        "commands": {name: " ".join(command) for name, command in commands.items()},
        "wall_time": timings,
        "imports": imports,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "startup.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
