"""Workbooks for the benchmarks: copies of the examples, or distinct schools made from them.

    from corpus import copies_of_examples, distinct_workbooks

`distinct_workbooks(folder, n)` writes n filled-in workbooks from the current template, each a
school of its own (its own code and name; the figures of one of the twelve example schools of
that year), so that ingesting them stores n school-years rather than a few versions of twelve.
A folder written before for the same n, year and spec is reused.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def copies_of_examples(folder: Path, count: int) -> list[Path]:
    """count files copied round-robin from the examples (valid ones and planted mistakes)."""
    from qualityreport.validate import expand_paths

    examples = expand_paths([EXAMPLES])
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(count):
        source = examples[n % len(examples)]
        target = folder / f"{n:05d}-{source.name}"
        if not target.exists():
            shutil.copyfile(source, target)
        made.append(target)
    return made


def distinct_workbooks(folder: Path, count: int, year: int = 2024) -> list[Path]:
    """count workbooks of distinct schools for `year`, written with the shipped template."""
    from qualityreport.spec import load_spec
    from qualityreport.template import write_workbook

    spec = load_spec()
    stamp = folder / ".made"
    wanted = f"{count} {year} {spec.fingerprint}"
    paths = [folder / f"{_code(n)}.xlsx" for n in range(count)]
    if stamp.exists() and stamp.read_text() == wanted:
        return paths
    sys.path.insert(0, str(EXAMPLES))
    import generate  # examples/generate.py: the example city's schools

    city = generate.build_city(generate.secondary_catalog())
    profiles = generate.SCHOOLS
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for n, path in enumerate(paths):
        profile = profiles[n % len(profiles)]
        data = city[profile.code, year]
        values = {
            **data.values,
            "school_code": _code(n),
            "school_name": f"{profile.name}{n // len(profiles) + 1}校区",
        }
        write_workbook(path, spec, year, dataclasses.replace(data, values=values))
    stamp.write_text(wanted)
    return paths


def _code(n: int) -> str:
    return f"43{n:08d}"
