"""`qualityreport check`: evaluate target sets against the database and list what is missed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import InputError, StoreError
from .common import config_option, lang_option, one_line_errors
from .store import console, db_option, table

COMPARISON_SIGNS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤", "eq": "=", "between": "≈"}
_FORMULA_START = ("=", "+", "-", "@")


def format_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value:.1%}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def format_gap(gap, unit: str, lang: str) -> str:
    """A gap between two percentages is in percentage points, not a percent of anything."""
    if gap is None or unit != "percent":
        return format_value(gap, unit)
    points = f"{gap * 100:+.1f}"
    return f"{points}个百分点" if lang == "zh" else f"{points} pp"


def _threshold_text(result) -> str:
    if result.threshold is None:
        return "—"
    sign = COMPARISON_SIGNS.get(result.comparison or "", "")
    text = f"{sign}{format_value(result.threshold, result.unit)}"
    if result.comparison == "between" and result.tolerance is not None:
        text += f" ±{format_value(result.tolerance, result.unit)}"
    return text


@click.command("check")
@db_option
@config_option
@click.option(
    "--targets",
    "target_refs",
    multiple=True,
    help="Target set id (national-standards) or YAML file; repeatable. "
    "Default: the city's own sets with --config, else all.",
)
@click.option("--year", type=int, default=None, help="Reporting year (default: the latest).")
@click.option(
    "--param",
    "param_items",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set one parameter; repeatable; overrides the city configuration's parameters.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "xlsx"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write to this file (required for xlsx).",
)
@lang_option
@one_line_errors
def check_command(
    db_path, config_file, target_refs, year, param_items, output_format, output, lang
):
    """目标达成 / Check targets. Exit code 1 when a required target is missed."""
    from ..check import check
    from ..city import load_city_config
    from ..store import expected_from_city, open_store
    from ..targets import load_target_sets, parse_param

    if output_format == "xlsx" and not output:
        raise click.UsageError("--format xlsx 需要 -o 文件 / needs -o FILE")
    city = load_city_config(config_file) if config_file else None
    refs = list(target_refs) or (list(city.target_sets) if city else [])
    sets = load_target_sets(refs)
    parameters = dict(city.parameters) if city else {}
    expected = expected_from_city(city) if city and city.schools else None
    for item in param_items:
        name, value = parse_param(item)
        if not any(name == p.id for s in sets for p in s.parameters):
            raise InputError(f"目标集中没有这个参数 / no target set has the parameter: {name}")
        parameters[name] = value
    if not Path(db_path).exists():
        raise StoreError(f"数据库不存在，请先入库 / no database yet, run ingest first: {db_path}")
    with open_store(db_path) as store:
        report = check(store, sets, year, parameters, expected_schools=expected)
    if output_format == "json":
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
        _emit(text + "\n", output)
    elif output_format == "xlsx":
        write_xlsx(report, output, lang)
        click.echo(f"已写出 / written: {output}", err=True)
    else:
        _print_text(report, sets, lang, output)
    sys.exit(0 if report.passed else 1)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")


def _print_text(report, sets, lang: str, output: str | None) -> None:
    zh = lang == "zh"
    out = console()
    if output:
        from rich.console import Console

        handle = open(output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        out = Console(file=handle, width=160, highlight=False)
    if report.year is None:
        out.print("数据库中还没有数据 / the database holds no submissions yet")
        return
    names = {s.id: (s.name if zh else s.name_en) for s in sets}
    headers = (
        ["目标", "范围", "必达", "达标", "未达标", "无数据", "不适用"]
        if zh
        else ["target", "scope", "required", "met", "missed", "no data", "n/a"]
    )
    scopes = {
        "school": ("学校", "school"),
        "specialty": ("专业", "specialty"),
        "city": ("全市", "city"),
    }
    for set_id in dict.fromkeys(s.set_id for s in report.summaries):
        rows = [
            [
                s.name if zh else s.name_en,
                scopes[s.scope][0 if zh else 1],
                ("是" if zh else "yes") if s.required else ("否" if zh else "no"),
                s.met,
                s.missed,
                s.no_data,
                s.not_applicable,
            ]
            for s in report.summaries
            if s.set_id == set_id
        ]
        out.print(table(f"{names.get(set_id, set_id)} — {report.year}", headers, rows))
    missed = [r for r in report.results if r.met is False]
    if missed:
        headers = (
            ["目标", "对象", "实际值", "标准", "差距", "依据"]
            if zh
            else ["target", "subject", "value", "threshold", "gap", "clause"]
        )
        rows = [
            [
                r.name if zh else r.name_en,
                r.subject_name or r.subject_id,
                format_value(r.value, r.unit),
                _threshold_text(r),
                format_gap(r.gap, r.unit, "zh" if zh else "en"),
                r.clause,
            ]
            for r in missed
        ]
        out.print(
            table("未达标 / missed" if zh else "Missed", headers, rows, justify_numbers=False)
        )
    verdict = (
        ("全部必达目标已达成" if report.passed else f"必达目标未达成 {report.required_missed} 项")
        if zh
        else (
            "all required targets met"
            if report.passed
            else f"{report.required_missed} required results missed"
        )
    )
    out.print(verdict)
    if output:
        handle.close()


def _safe(value):
    """A cell value that a spreadsheet will never run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_xlsx(report, path: str, lang: str) -> None:
    import xlsxwriter

    from ..check.results import RESULT_COLUMNS

    zh = lang == "zh"
    # strings_to_formulas off as well: the leading quote alone is the portable guard
    book = xlsxwriter.Workbook(
        path, {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    try:
        summary = book.add_worksheet("汇总" if zh else "Summary")
        headers = (
            ["目标集", "目标", "名称", "范围", "必达", "达标", "未达标", "无数据", "不适用"]
            if zh
            else ["set", "target", "name", "scope", "required", "met", "missed", "no data", "n/a"]
        )
        summary.write_row(0, 0, headers)
        for n, s in enumerate(report.summaries, start=1):
            summary.write_row(
                n,
                0,
                [
                    _safe(v)
                    for v in (
                        s.set_id,
                        s.target_id,
                        s.name if zh else s.name_en,
                        s.scope,
                        s.required,
                        s.met,
                        s.missed,
                        s.no_data,
                        s.not_applicable,
                    )
                ],
            )
        detail = book.add_worksheet("明细" if zh else "Results")
        fields = [*RESULT_COLUMNS, "year"]
        detail.write_row(0, 0, fields)
        for n, r in enumerate(report.results, start=1):
            detail.write_row(
                n, 0, [_safe(getattr(r, f)) if getattr(r, f) is not None else "" for f in fields]
            )
    finally:
        book.close()
