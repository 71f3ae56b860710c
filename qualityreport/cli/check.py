"""`qualityreport check`: evaluate target sets against the database and list what is missed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import InputError, StoreError
from ..numbers import at_line_text, comparison_text, format_gap, format_threshold, format_value
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
    "--any-year",
    is_flag=True,
    help="Check sets even for a year outside the years they are for (by default they are skipped).",
)
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
    db_path, config_file, target_refs, year, any_year, param_items, output_format, output, lang
):
    """目标达成 / Check targets. Exit code 1 when a required target is missed or cannot be
    judged for want of data, 2 when the year has no data or no set is for it."""
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
        report = check(
            store, sets, year, parameters, expected_schools=expected, city=city, any_year=any_year
        )
    if output_format == "json":
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
        emit(text + "\n", output)
    elif output_format == "xlsx":
        write_results_xlsx(report, output, lang)
        click.echo(f"已写出 / written: {output}", err=True)
    else:
        _print_text(report, sets, lang, output)
    problem = nothing_checked(report, lang)
    if problem:
        click.echo(problem, err=True)
        sys.exit(2)
    sys.exit(0 if report.passed else 1)


def nothing_checked(report, lang: str) -> str | None:
    """Why a check judged nothing (no data for the year, or no set is for it), else None."""
    zh = lang == "zh"
    if report.year is None:
        return "数据库中还没有数据" if zh else "the database holds no submissions yet"
    if not report.has_data:
        return (
            f"{report.year}年没有学校报送数据，无法检查目标"
            if zh
            else f"no school submitted data for {report.year}: nothing to check"
        )
    if not report.results:
        return (
            f"所选目标集都不适用于{report.year}年（可加 --any-year 仍然检查）"
            if zh
            else f"none of the target sets is for {report.year} (add --any-year to check anyway)"
        )
    return None


def _print_text(report, sets, lang: str, output: str | None) -> None:
    with output_console(output) as out:
        _print_report(out, report, sets, lang)


def _print_report(out, report, sets, lang: str) -> None:
    from ..check.results import strict_at_threshold

    zh = lang == "zh"
    if not report.has_data:
        out.print(nothing_checked(report, lang))
        return
    for skipped in report.skipped:
        years = "、".join(str(y) for y in skipped.years)
        out.print(
            f"未检查：{skipped.name}（适用于{years}年，不适用于{report.year}年）"
            if zh
            else f"not checked: {skipped.set_id} (for {years}, not {report.year})"
        )
    if not report.results:
        return
    names = {s.id: (s.name if zh else s.name_en) for s in sets}
    headers = (
        ["目标", "范围", "必达", "达标", "未达标", "无法判定", "不适用", "信息"]
        if zh
        else ["target", "scope", "required", "met", "missed", "undetermined", "n/a", "listed"]
    )
    scopes = {
        "school": ("学校", "school"),
        "specialty": ("专业", "specialty"),
        "county": ("县区", "county"),
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
                s.listed,
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
                at_line_text(r.comparison, r.threshold, r.unit, lang)
                if strict_at_threshold(r)
                else format_gap(r.value, r.threshold, r.unit, lang),
                r.clause,
            ]
            for r in missed
        ]
        out.print(
            table("未达标 / missed" if zh else "Missed", headers, rows, justify_numbers=False)
        )
    _print_incomplete(out, report, lang)
    out.print(verdict_text(report, zh))


def _print_incomplete(out, report, lang: str) -> None:
    """City and county figures short of schools: the partial value and who is missing."""
    zh = lang == "zh"
    incomplete = [r for r in report.results if r.required and r.reason == "incomplete"]
    if not incomplete:
        return
    headers = (
        ["目标", "对象", "已报送部分", "未报送的学校", "未填写或无法判定"]
        if zh
        else ["target", "subject", "value so far", "no submission", "value or line missing"]
    )
    rows = [
        [
            r.name if zh else r.name_en,
            r.subject_name or r.subject_id,
            format_value(r.value, r.unit, lang),
            "、".join(r.missing_schools) or "—",
            "、".join(r.undetermined) or "—",
        ]
        for r in incomplete
    ]
    title = "结果不完整 / incomplete" if zh else "Incomplete"
    out.print(table(title, headers, rows, justify_numbers=False))


def verdict_text(report, zh: bool) -> str:
    """The closing line: 全部必达目标已达成 only when every required verdict was made and met."""
    from ..check.results import REASONS

    if report.passed:
        return "全部必达目标已达成" if zh else "all required targets met"
    parts = []
    if report.required_missed:
        parts.append(
            f"必达目标未达成 {report.required_missed} 项"
            if zh
            else f"{report.required_missed} required results missed"
        )
    if report.required_undetermined:
        parts.append(
            f"{report.required_undetermined} 项无法判定（{REASONS['no-data'][0]}、未报送或缺少参数）"
            if zh
            else f"{report.required_undetermined} required results undetermined "
            "(no data, no submission or a parameter missing)"
        )
    return "；".join(parts) if zh else "; ".join(parts)
