"""`qualityreport report school|schools|city`: the PDF reports, over qualityreport.render."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import RenderError
from .common import db_option, lang_option, one_line_errors, progress_bar


def _year(db_path: str, year: int | None) -> int:
    from ..store import latest_year, open_store

    if year is not None:
        return year
    with open_store(db_path, read_only=True) as store:
        found = latest_year(store)
    if found is None:
        raise RenderError(
            f"数据库中还没有数据，请先入库 / no data yet, run ingest first: {db_path}"
        )
    return found


def _written(result) -> None:
    click.echo(f"已生成 / written: {result.output}（{result.pages} 页, {result.seconds:.1f} s）")


def year_option(f):
    return click.option(
        "--year",
        type=int,
        default=None,
        help="Reporting year (default: the latest in the database).",
    )(f)


def template_options(f):
    f = click.option(
        "--logo",
        type=click.Path(dir_okay=False, exists=True),
        default=None,
        help="Logo image (PNG, JPEG, GIF or SVG) for the cover.",
    )(f)
    return click.option(
        "--templates",
        "template_dir",
        type=click.Path(file_okay=False, exists=True),
        default=None,
        help="Directory with your own templates (same file names; missing ones fall back).",
    )(f)


@click.group("report")
def report_command():
    """生成PDF报告 / render the school and city reports as PDF."""


@report_command.command("school")
@click.argument("school")
@year_option
@db_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="PDF file (default: YEAR-CODE-NAME.pdf here).",
)
@lang_option
@template_options
@one_line_errors
def school_command(school, year, db_path, output, lang, template_dir, logo):
    """One school's 质量年报; SCHOOL is its 10-digit code or its full name."""
    from ..render import render_school_report
    from ..render.pdf import report_file_name
    from ..render.report_data import load_school_report_data

    year = _year(db_path, year)
    if output is None:
        data = load_school_report_data(db_path, school, year)
        output = report_file_name(data.code, data.name, year)
    _written(
        render_school_report(
            db_path, school, year, output, lang=lang, template_dir=template_dir, logo=logo
        )
    )


@report_command.command("schools")
@year_option
@db_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    required=True,
    help="Directory for the PDFs (created if missing).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes rendering at once (default: one per core).",
)
@lang_option
@template_options
@one_line_errors
def schools_command(year, db_path, out_dir, workers, lang, template_dir, logo):
    """Every school's report for a year, rendered in parallel."""
    from ..render import render_school_reports
    from ..render.report_data import school_codes

    year = _year(db_path, year)
    total = len(school_codes(db_path, year))
    with progress_bar(total, "生成报告 / rendering") as advance:
        results = render_school_reports(
            db_path,
            year,
            out_dir,
            workers=workers,
            lang=lang,
            template_dir=template_dir,
            logo=logo,
            progress=advance,
        )
    pages = sum(r.pages for r in results)
    click.echo(f"已生成 / written: {len(results)} 份报告, {pages} 页 → {Path(out_dir)}")


@report_command.command("city")
@year_option
@db_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="PDF file (default: city-YEAR.pdf here).",
)
@click.option(
    "--title",
    default=None,
    help="Cover title (default: {city}中等职业教育质量年度报告（{year}年度）).",
)
@click.option("--city", default=None, help="City name on the cover, e.g. 宜昌市 (default: 全市).")
@click.option("--issuer", default=None, help="Who publishes it, e.g. 宜昌市教育局.")
@click.option(
    "--with-school-reports",
    is_flag=True,
    help="Append every school's report (分报告), each on a new page.",
)
@lang_option
@template_options
@one_line_errors
def city_command(
    year, db_path, output, title, city, issuer, with_school_reports, lang, template_dir, logo
):
    """The city's 总报告: key figures, targets, distributions, specialties, completeness, trends."""
    from ..render import render_city_report

    year = _year(db_path, year)
    _written(
        render_city_report(
            db_path,
            year,
            output or f"city-{year}.pdf",
            title=title,
            city=city,
            issuer=issuer,
            with_school_reports=with_school_reports,
            lang=lang,
            template_dir=template_dir,
            logo=logo,
        )
    )
