"""Options and helpers the commands share: language, spec directory, errors as one line."""

from __future__ import annotations

import functools
import sys

import click

from ..errors import QualityReportError


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
