"""The whole pipeline on the example city: template, validate, ingest, check, reports."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .records import ValidationResult
from .resources import examples_dir

Step = Callable[[str, object], None]  # (stage, what it produced), for progress output


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    database: Path
    template: Path
    mistakes: tuple[ValidationResult, ...]
    submissions: tuple[ValidationResult, ...]
    accepted: int
    rejected: int
    year: int
    targets_met: int
    targets_missed: int
    city_report: Path
    school_reports: tuple[Path, ...]

    @property
    def written(self) -> tuple[Path, ...]:
        return (
            self.template,
            self.directory / "examples",
            self.database,
            self.city_report,
            *self.school_reports,
        )


def copy_examples(directory: Path) -> Path:
    """Copy the example city (workbooks, planted mistakes, configuration) into directory/examples."""
    source = examples_dir()
    if not (source / "city").is_dir():
        raise InputError(f"找不到示例数据 / example data not found: {source}")
    target = directory / "examples"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def run_demo(
    directory: str | Path,
    *,
    lang: str = "zh",
    workers: int | None = None,
    step: Step = lambda stage, produced: None,
) -> DemoResult:
    """Run every stage on a fresh copy of examples/ inside directory; returns what was made."""
    from .check import check
    from .city import load_city_config
    from .citytext import read_city_text
    from .render import render_city_report, render_school_reports
    from .spec import load_spec
    from .store import (
        expected_from_city,
        ingest,
        open_store,
        register_expected_schools,
        store_city_text,
    )
    from .targets import load_target_sets
    from .template import write_workbook
    from .validate import validate_paths

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    spec = load_spec()
    examples = copy_examples(directory)
    city = load_city_config(examples / "city.yaml")
    submissions = tuple(validate_paths([examples / "city"], spec))
    year = max(r.submission.year for r in submissions if r.submission and r.submission.year)

    template = write_workbook(directory / f"质量年报填报模板-{year}.xlsx", spec, year)
    step("template", template)
    step("validate", submissions)
    mistakes = tuple(validate_paths([examples / "mistakes"], spec))
    step("mistakes", mistakes)

    database = directory / "city.duckdb"
    if database.exists():
        database.unlink()
    schools = expected_from_city(city)
    with open_store(database, spec) as store:
        register_expected_schools(store, schools)
        report = ingest(store, submissions)
        accepted = sum(o.outcome != "rejected" for o in report.outcomes)
        step("ingest", report)
        # The bureau's own chapters of the city report (a Word document, stored by version).
        chapters = examples / f"city-text-{year}.docx"
        if chapters.is_file():
            written = read_city_text(chapters)
            step("chapters", (written, store_city_text(store, written)))
        # The city's own sets (and nothing else) are what its reports print.
        results = check(
            store,
            load_target_sets(list(city.target_sets)),
            year,
            city.parameters,
            expected_schools=schools,
            city=city,
        )
    met = sum(r.met is True for r in results.results)
    missed = sum(r.met is False for r in results.results)
    step("check", results)

    reports = directory / "reports"
    city_report = render_city_report(
        database,
        year,
        reports / f"city-{year}.pdf",
        lang=lang,
        city=city,
        with_school_reports=True,
    ).output
    step("city-report", city_report)
    school_reports = tuple(
        r.output
        for r in render_school_reports(
            database, year, reports / "schools", city=city, workers=workers, lang=lang
        )
    )
    step("school-reports", school_reports)
    return DemoResult(
        directory,
        database,
        template,
        mistakes,
        submissions,
        accepted,
        len(report.outcomes) - accepted,
        year,
        met,
        missed,
        city_report,
        school_reports,
    )
