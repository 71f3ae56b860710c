"""`qualityreport validate`: check workbooks and print every finding with its cell."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import emit, lang_option, one_line_errors, output_options, progress_bar, specs_option


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_options("text", "json", "html")
@click.option(
    "--annotate",
    type=click.Path(),
    default=None,
    help="Write a copy of the workbook with bad cells marked (a directory for many files).",
)
@click.option(
    "--details/--summary",
    default=None,
    help="List every finding, or one line a file (default: details for one file).",
)
@lang_option
@specs_option
@one_line_errors
def validate_command(paths, output_format, output, annotate, details, lang, specs_dir):
    """校验填报文件 / Check workbooks (files or directories) cell by cell.

    Exit code 0: all valid; 1: errors found; 2: a file could not be read.
    """
    from ..read import start_readers

    start_readers()  # the reader process starts up while the validator's imports load
    from ..findings_output import (
        exit_code,
        finding_lines,
        skipped_line,
        summary_line,
        to_html,
        to_json,
        totals_line,
    )
    from ..spec import load_spec
    from ..validate import find_files, validate_paths

    spec = load_spec(specs_dir)
    found = find_files(paths)
    files, skipped = found.workbooks, found.skipped
    interactive = output_format == "text" and output is None
    if interactive or not files:
        for item in skipped:  # every file is named: those not read, with the reason
            click.echo(skipped_line(item, lang))
    if not files:
        raise click.UsageError("没有找到工作簿 / no workbooks found in the given paths")
    show_details = details if details is not None else len(files) == 1
    results = []
    with progress_bar(len(files), "校验 / validating") as advance:
        # validate_paths, not file by file: it warns when a school and year come twice in the batch
        for result in validate_paths(files, spec):
            results.append(result)
            if interactive:
                _echo_result(result, lang, show_details, summary_line, finding_lines)
            advance()
    if annotate:
        _annotate(results, Path(annotate), lang)
    if output_format == "json":
        emit(to_json(results, spec.version, skipped), output)
    elif output_format == "html":
        emit(to_html(results, spec.version, lang, skipped), output)
    elif output is not None:
        lines = [skipped_line(item, lang) for item in skipped]
        for result in results:
            lines.append(summary_line(result, lang))
            lines.extend(finding_lines(result, lang) if show_details else [])
        lines.append(totals_line(results, lang, skipped))
        emit("\n".join(lines) + "\n", output)
    else:
        click.echo(totals_line(results, lang, skipped))
    sys.exit(exit_code(results))


def _echo_result(result, lang, show_details, summary_line, finding_lines):
    click.secho(summary_line(result, lang), fg="green" if result.valid else "red")
    if show_details or not result.usable:
        for line in finding_lines(result, lang):
            click.echo(line)


def _annotate(results, target: Path, lang: str) -> None:
    from ..annotate import annotate_workbook

    many = len(results) > 1 or target.is_dir() or not target.suffix
    for result in results:
        output = target / f"{Path(result.file).stem}.annotated.xlsx" if many else target
        annotate_workbook(result, output, lang)
        click.echo(f"已标注 / annotated: {output}", err=True)
