"""`qualityreport template`: write the empty fill-in workbook for a reporting year."""

from __future__ import annotations

import datetime

import click

from .common import one_line_errors, specs_option


def _last_year() -> int:
    return datetime.date.today().year - 1


@click.command("template")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write the workbook (default: 质量年报填报模板-YEAR.xlsx).",
)
@click.option(
    "--year",
    type=click.IntRange(2000, 2100),
    default=None,
    help="Reporting year / 填报年度 (default: last calendar year).",
)
@specs_option
@one_line_errors
def template_command(output, year, specs_dir):
    """写出填报模板 / write the fill-in workbook for schools."""
    from ..spec import load_spec
    from ..template import write_workbook

    year = year or _last_year()
    spec = load_spec(specs_dir)
    path = write_workbook(output or f"质量年报填报模板-{year}.xlsx", spec, year)
    click.echo(str(path))
