"""What the commands share: options (language, specs, city, database, output), the console,
tables, a progress bar, writing results, and errors as one line."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import QualityReportError

DEFAULT_DB = "qualityreport.duckdb"


def lang_option(f):
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="Language of messages and reports / 消息和报告的语言。",
    )(f)


def specs_option(f):
    return click.option(
        "--specs",
        "specs_dir",
        type=click.Path(file_okay=False, exists=True),
        default=None,
        help="Directory with indicators.yaml and rules.yaml (default: the shipped specs).",
    )(f)


def config_option(f):
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, exists=True),
        default=None,
        help="City configuration (YAML), e.g. examples/city.yaml: name, schools, target sets, "
        "parameters / 城市配置。",
    )(f)


def db_option(f):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False),
        default=DEFAULT_DB,
        show_default=True,
        help="DuckDB database file / 数据库文件。",
    )(f)


def output_options(*formats: str, default: str = "text"):
    """--format (one of formats) and -o/--output FILE, as every command that prints results has."""

    def decorate(f):
        f = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False),
            default=None,
            help="Write to this file instead of standard output.",
        )(f)
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(list(formats)),
            default=default,
            show_default=True,
            help="Output format.",
        )(f)

    return decorate


def one_line_errors(f):
    """Print a QualityReportError as one line on stderr and exit with its code; never a traceback."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except QualityReportError as exc:
            click.echo(f"qualityreport: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def pick(labels: tuple[str, str], lang: str) -> str:
    """The Chinese or English one of a (zh, en) pair."""
    return labels[1] if lang == "en" else labels[0]


def emit(text: str, output: str | None) -> None:
    """Text to standard output, or to the file given with -o (and a note on standard error)."""
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"已写出 / written: {output}", err=True)


@contextlib.contextmanager
def output_console(output: str | None) -> Iterator[Any]:
    """A rich console printing to standard output, or to the -o file (closed on every path)."""
    from rich.console import Console

    if output is None:
        # Piped output is not wrapped at 80 columns: Chinese tables stay one row a line.
        yield Console(width=None if sys.stdout.isatty() else 160, highlight=False)
        return
    with open(output, "w", encoding="utf-8") as handle:
        yield Console(file=handle, width=160, highlight=False)
    click.echo(f"已写出 / written: {output}", err=True)


def table(title: str, headers: list[str], rows: list[list], justify_numbers: bool = True):
    """A rich table; columns holding only numbers are right-aligned."""
    from rich.table import Table

    grid = Table(title=title, title_justify="left", show_lines=False)
    for i, header in enumerate(headers):
        numeric = (
            justify_numbers
            and rows
            and all(isinstance(r[i], int | float) or r[i] is None for r in rows)
        )
        grid.add_column(header, justify="right" if numeric else "left")
    for row in rows:
        grid.add_row(*["" if v is None else str(v) for v in row])
    return grid


@contextlib.contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[..., None]]:
    """Yields advance(): a bar on standard error while work goes on, when there is more than one
    item and standard error is a terminal; otherwise advance() does nothing."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda *_: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda *_: bar.advance(task)
