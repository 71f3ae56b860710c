"""`qualityreport report school|schools|city|quality`: the PDF reports, over qualityreport.render."""

from __future__ import annotations

from pathlib import Path

import click

from .common import config_option, db_option, lang_option, one_line_errors, progress_bar


def _city(config_file: str | None):
    from ..city import load_city_config

    return load_city_config(config_file) if config_file else None


def _written(result) -> None:
    for note in result.notes:
        click.echo(f"注意 / note: {note}", err=True)
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
        "--outline",
        default=None,
        help="Report outline: 2024 (the 2024 notice), 2016 (2016–2021) or a YAML file "
        "(default: by year).",
    )(f)
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
@config_option
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
def school_command(school, year, db_path, config_file, output, lang, template_dir, logo, outline):
    """One school's 质量年报; SCHOOL is its 10-digit code or its full name."""
    from ..render import render_school_report
    from ..render.pdf import report_file_name
    from ..render.report_data import report_year, resolve_school
    from ..store import open_store

    if output is None:
        with open_store(db_path, read_only=True) as store:
            year = report_year(store, year)
            row = resolve_school(store, school, year)
        output = report_file_name(row["school_code"], row["school_name"], year)
    _written(
        render_school_report(
            db_path,
            school,
            year,
            output,
            city=_city(config_file),
            outline=outline,
            lang=lang,
            template_dir=template_dir,
            logo=logo,
        )
    )


@report_command.command("schools")
@year_option
@db_option
@config_option
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
def schools_command(
    year, db_path, config_file, out_dir, workers, lang, template_dir, logo, outline
):
    """Every school's report for a year, rendered in parallel."""
    from ..render import render_school_reports
    from ..render.report_data import report_year, school_codes
    from ..store import open_store

    city = _city(config_file)
    with open_store(db_path, read_only=True) as store:
        year = report_year(store, year)
        total = len(school_codes(store, year, city))
    with progress_bar(total, "生成报告 / rendering") as advance:
        results = render_school_reports(
            db_path,
            year,
            out_dir,
            city=city,
            outline=outline,
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
@config_option
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
@click.option(
    "--with-school-reports",
    is_flag=True,
    help="Append every school's report (分报告), each on a new page.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="With --with-school-reports: processes laying out the parts at once "
    "(default: one per core).",
)
@lang_option
@template_options
@one_line_errors
def city_command(
    year,
    db_path,
    config_file,
    output,
    title,
    with_school_reports,
    workers,
    lang,
    template_dir,
    logo,
    outline,
):
    """The city's public 总报告 (name, issuer, counties, schools and target sets from --config)."""
    from ..render import render_city_report
    from ..render.report_data import report_year, school_codes
    from ..store import open_store

    city = _city(config_file)
    parts = 0
    if with_school_reports:
        with open_store(db_path, read_only=True) as store:
            parts = 1 + len(school_codes(store, report_year(store, year), city))
    with progress_bar(parts, "生成报告 / rendering") as advance:
        result = render_city_report(
            db_path,
            year,
            output or f"city-{year or 'latest'}.pdf",
            city=city,
            outline=outline,
            title=title,
            with_school_reports=with_school_reports,
            workers=workers,
            lang=lang,
            template_dir=template_dir,
            logo=logo,
            progress=advance if with_school_reports else None,
        )
    _written(result)


@report_command.command("quality")
@year_option
@db_option
@config_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="PDF file (default: quality-YEAR.pdf here).",
)
@lang_option
@one_line_errors
def quality_command(year, db_path, config_file, output, lang):
    """The bureau's internal report: submissions, returned files and the findings hit list."""
    from ..render import render_quality_report

    _written(
        render_quality_report(
            db_path,
            year,
            output or f"quality-{year or 'latest'}.pdf",
            city=_city(config_file),
            lang=lang,
        )
    )
