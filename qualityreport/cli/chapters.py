"""`qualityreport chapters validate|ingest`: the bureau's own chapters of the city report."""

from __future__ import annotations

import sys

import click

from .common import db_option, lang_option, one_line_errors, pick

OUTCOMES = {
    "accepted": ("已入库", "stored"),
    "superseded-previous": ("已入库（替换旧版本）", "stored, supersedes the previous version"),
    "unchanged": ("未变化，跳过", "unchanged, skipped"),
    "rejected": ("未入库", "rejected"),
}


def _year_option(f):
    return click.option(
        "--year", type=int, default=None, help="Report year (default: as the skeleton says)."
    )(f)


def _print(result, lang: str) -> None:
    zh = lang == "zh"
    state = ("通过" if zh else "valid") if result.valid else ("未通过" if zh else "invalid")
    click.secho(
        f"{result.file}  {state}  {result.errors} 个错误，{result.warnings} 个警告"
        if zh
        else f"{result.file}  {state}  {result.errors} errors, {result.warnings} warnings",
        fg="green" if result.valid else "red",
    )
    words = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "info")}
    for f in result.findings:
        where = f.location or "—"
        click.echo(f"  {pick(words[f.severity], lang):<6}{where:<12} [{f.code}] {f.message(lang)}")
    if result.text is not None:
        written = sum(1 for v in result.text.sections.values() if v)
        click.echo(
            f"  {written} 章有正文，{len(result.text.cases)} 个案例（提纲 {result.text.outline_id}）"
            if zh
            else f"  {written} chapters written, {len(result.text.cases)} cases "
            f"(outline {result.text.outline_id})"
        )


@click.group("chapters")
def chapters_command():
    """总报告文字 / the bureau's chapters of the city report (a Word document)."""


@chapters_command.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@_year_option
@lang_option
@one_line_errors
def validate_command(path, year, lang):
    """Check the document against the city outline. Exit code 1 when it has errors."""
    from ..citytext import read_city_text

    result = read_city_text(path, year=year)
    _print(result, lang)
    sys.exit(0 if result.valid else 1)


@chapters_command.command("ingest")
@click.argument("path", type=click.Path(dir_okay=False))
@_year_option
@db_option
@lang_option
@one_line_errors
def ingest_command(path, year, db_path, lang):
    """Check the document and store it as the year's new version (errors: not stored)."""
    from ..citytext import read_city_text
    from ..store import open_store, store_city_text

    result = read_city_text(path, year=year)
    _print(result, lang)
    with open_store(db_path) as store:
        outcome = store_city_text(store, result)
    version = f" v{outcome.version}" if outcome.version else ""
    click.echo(f"{pick(OUTCOMES[outcome.outcome], lang)}{version} → {db_path}")
    sys.exit(1 if outcome.outcome == "rejected" else 0)
