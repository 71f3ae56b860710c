"""The bureau's closing steps on approved data: the target check, its xlsx export, the PDF reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..city import CityConfig
from ..store import ExpectedSchool, Store
from .access import SerialStore
from .accounts import Account
from .audit import record


def city_schools(city: CityConfig | None) -> tuple[ExpectedSchool, ...]:
    if city is None:
        return ()
    return tuple(ExpectedSchool(s.code, s.name, s.county) for s in city.schools)


def _check(store: Store, year: int, city: CityConfig | None, *, save: bool):
    """The city's target sets (all shipped sets without a configuration) checked for the year,
    knowing the city as `qualityreport check --config` does."""
    from ..check import check
    from ..targets import load_target_sets

    return check(
        store,
        load_target_sets(list(city.target_sets) if city else []),
        year,
        dict(city.parameters) if city else {},
        expected_schools=city_schools(city) or None,
        city=city,
        save=save,
    )


def run_check(access: SerialStore, year: int, city: CityConfig | None, actor: Account):
    """Check the city's target sets for the year and record who did.

    The views hold only approved versions of a round's year, so the check sees approved data.
    """
    with access.writing() as store:
        report = _check(store, year, city, save=True)
        with store.transaction():
            record(
                store,
                actor.login,
                actor.role,
                "check",
                year=year,
                detail=f"{sum(s.met for s in report.summaries)} 项达标，"
                f"{sum(s.missed for s in report.summaries)} 项未达标",
            )
    return report


def check_export(access: SerialStore, year: int, city: CityConfig | None) -> Path:
    """The check's results as xlsx (evaluated afresh, not stored)."""
    from ..check.export import write_results_xlsx

    with access.reading() as store:
        report = _check(store, year, city, save=False)
    target = access.files_dir / "exports" / f"targets-{year}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_results_xlsx(report, target)


@dataclass(frozen=True)
class RenderedReports:
    city: Path | None
    schools: tuple[Path, ...]


def reports_dir(access: SerialStore, year: int) -> Path:
    return access.files_dir / "reports" / str(year)


def school_report(
    access: SerialStore,
    year: int,
    school_code: str,
    submission_id: int,
    city: CityConfig | None = None,
) -> Path:
    """The school's PDF of its approved version (rendered once per version, then kept)."""
    from ..render import render_school_report

    target = reports_dir(access, year) / "schools" / f"{school_code}-{submission_id}.pdf"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial.pdf")
        with access.exclusive() as db_path:
            render_school_report(db_path, school_code, year, partial, city=city)
        partial.replace(target)
    return target


def render_reports(
    access: SerialStore, year: int, city: CityConfig | None, actor: Account
) -> RenderedReports:
    """The city report and every approved school's report for the year."""
    from ..render import render_city_report, render_school_reports

    folder = reports_dir(access, year)
    folder.mkdir(parents=True, exist_ok=True)
    with access.exclusive() as db_path:
        render_city_report(db_path, year, folder / "city.pdf", city=city)
        results = render_school_reports(db_path, year, folder / "all-schools", city=city)
    with access.writing() as store, store.transaction():
        record(
            store,
            actor.login,
            actor.role,
            "render",
            year=year,
            detail=f"全市总报告 1 份，学校分报告 {len(results)} 份",
        )
    return RenderedReports(folder / "city.pdf", tuple(r.output for r in results))


def rendered_reports(access: SerialStore, year: int) -> RenderedReports:
    folder = reports_dir(access, year)
    city = folder / "city.pdf"
    schools = tuple(sorted((folder / "all-schools").glob("*.pdf")))
    return RenderedReports(city if city.exists() else None, schools)
