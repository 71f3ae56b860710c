"""`qualityreport check`: evaluate target sets against the database and list what is missed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import InputError, StoreError
from ..numbers import comparison_text, format_gap, format_threshold, format_value
from .common import (
    config_option,
    db_option,
    emit,
    lang_option,
    one_line_errors,
    output_console,
    output_options,
    table,
)


def _threshold_text(result, lang: str) -> str:
    if result.threshold is None:
        return "—"
    text = comparison_text(result.comparison or "", result.threshold, result.unit, lang)
    if result.comparison == "between" and result.tolerance is not None:
        text += f" ±{format_threshold(result.tolerance, result.unit, lang)}"
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
@output_options("text", "json", "xlsx")
@lang_option
@one_line_errors
def check_command(
    db_path, config_file, target_refs, year, param_items, output_format, output, lang
):
    """目标达成 / Check targets. Exit code 1 when a required target is missed."""
    from ..check import check
    from ..check.export import write_results_xlsx
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
        emit(text + "\n", output)
    elif output_format == "xlsx":
        write_results_xlsx(report, output, lang)
        click.echo(f"已写出 / written: {output}", err=True)
    else:
        _print_text(report, sets, lang, output)
    sys.exit(0 if report.passed else 1)


def _print_text(report, sets, lang: str, output: str | None) -> None:
    with output_console(output) as out:
        _print_report(out, report, sets, lang)


def _print_report(out, report, sets, lang: str) -> None:
    zh = lang == "zh"
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
                format_value(r.value, r.unit, lang),
                _threshold_text(r, lang),
                format_gap(r.gap, r.unit, lang),
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
