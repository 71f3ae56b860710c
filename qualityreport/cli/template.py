"""`qualityreport template`: the empty fill-in workbook, or (--city) the bureau's Word skeleton."""

from __future__ import annotations

import datetime

import click

from .common import config_option, one_line_errors, specs_option


def _last_year() -> int:
    return datetime.date.today().year - 1


@click.command("template")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write it (default: 质量年报填报模板-YEAR.xlsx, or CITY总报告文字-YEAR.docx).",
)
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="Reporting year / 填报年度 (default: last calendar year).",
)
@click.option(
    "--city",
    "for_city",
    is_flag=True,
    help="Write the bureau's Word document for its own chapters of the city report instead.",
)
@click.option(
    "--outline",
    default=None,
    help="With --city: the report outline (2024, 2016, or a YAML file; default: by year).",
)
@config_option
@specs_option
@one_line_errors
def template_command(output, year, for_city, outline, config_file, specs_dir):
    """写出填报模板 / write the fill-in workbook for schools (or, with --city, the bureau's
    Word skeleton: one heading per chapter of the city report)."""
    year = year or _last_year()
    if for_city:
        from ..city import load_city_config
        from ..citytext import write_skeleton

        city = load_city_config(config_file) if config_file else None
        name = city.name if city else ""
        path = write_skeleton(
            output or f"{name}总报告文字-{year}.docx", year, city=city, outline=outline
        )
        click.echo(str(path))
        return
    from ..spec import load_spec
    from ..template import write_workbook

    spec = load_spec(specs_dir)
    path = write_workbook(output or f"质量年报填报模板-{year}.xlsx", spec, year)
    click.echo(str(path))
