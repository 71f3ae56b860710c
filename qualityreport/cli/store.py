"""`qualityreport ingest | history | status | sql`: the database commands."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from ..errors import StoreError
from .common import (
    config_option,
    db_option,
    emit,
    lang_option,
    one_line_errors,
    output_console,
    output_options,
    pick,
    specs_option,
    table,
)

OUTCOME_LABELS = {
    "accepted": ("已入库", "accepted"),
    "superseded-previous": ("已入库（替换旧版本）", "accepted, supersedes the previous version"),
    "unchanged": ("未变化，跳过", "unchanged, skipped"),
    "locked": (
        "未入库：该校本年度数据已审核锁定，须教育局先重新开放",
        "not stored: the bureau approved this school-year; it must reopen it first",
    ),
    "rejected": ("未入库", "rejected"),
    "unreadable": ("无法读取，未入库", "unreadable, rejected"),
    "failed": ("入库出错，已回滚", "failed and rolled back"),
}
# the same outcomes, counted in the closing line
COUNT_LABELS = {
    "accepted": ("已入库", "accepted"),
    "superseded-previous": ("已入库新版本", "new versions"),
    "unchanged": ("未变化", "unchanged"),
    "locked": ("已锁定", "locked"),
    "rejected": ("未入库", "rejected"),
    "unreadable": ("无法读取", "unreadable"),
    "failed": ("出错", "failed"),
}
STATUS_LABELS = {
    "accepted": ("有效", "accepted"),
    "superseded": ("已被替换", "superseded"),
    "rejected": ("未入库", "rejected"),
}


def _open(db_path: str, read_only: bool = True):
    from ..store import open_store

    return open_store(db_path, read_only=read_only)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option(
    "--allow-warnings",
    is_flag=True,
    help="Accept workbooks that have warnings (errors are always rejected).",
)
@click.option(
    "--replace-earlier-years",
    is_flag=True,
    help="Let a workbook replace the stored return of a year before the latest year in the "
    "database (without it, such a workbook is refused: it is often last year's file sent again).",
)
@specs_option
@lang_option
@one_line_errors
def ingest_command(paths, db_path, allow_warnings, replace_earlier_years, specs_dir, lang):
    """入库 / Validate workbooks (files or directories) and store the valid ones.

    A changed file for the same school and year becomes a new version; an identical file is
    skipped, and a file rejected before is not recorded again; a school-year the bureau approved
    is locked until it reopens it. Exit code 1 when any file was rejected, locked, could not be
    read or failed.
    """
    from ..findings_output import skipped_line
    from ..read import start_readers
    from ..spec import load_spec
    from ..store import ingest_iter, open_store
    from ..validate import find_files, validate_paths

    start_readers()
    found = find_files(paths)
    files = found.workbooks
    for item in found.skipped:
        click.echo(skipped_line(item, lang))
    if not files:
        raise click.UsageError("没有找到工作簿 / no workbooks found in the given paths")
    counts: dict[str, int] = {}
    # Workbooks are validated against the spec the database records (a new one records --specs).
    with open_store(db_path, load_spec(specs_dir) if specs_dir else None) as store:
        results = validate_paths(files, store.spec)
        outcomes = ingest_iter(
            store,
            results,
            allow_warnings=allow_warnings,
            replace_earlier_years=replace_earlier_years,
        )
        for n, outcome in enumerate(outcomes, start=1):
            counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
            click.secho(
                _outcome_line(n, len(files), outcome, lang),
                fg=None if outcome.stored or outcome.outcome == "unchanged" else "red",
            )
            for finding in outcome.findings:
                click.echo(f"  {finding.message(lang)}")
    total = ", ".join(
        f"{pick(COUNT_LABELS[k], lang)} {counts[k]}" for k in COUNT_LABELS if k in counts
    )
    if found.skipped:
        total += f", {'跳过（不是工作簿）' if lang == 'zh' else 'skipped (not workbooks)'} {len(found.skipped)}"
    click.echo(f"{'共' if lang == 'zh' else 'total'} {len(files)}: {total} → {db_path}")
    failed = ("rejected", "locked", "unreadable", "failed")
    sys.exit(1 if any(counts.get(k) for k in failed) else 0)


def _outcome_line(n: int, total: int, outcome, lang: str) -> str:
    label = pick(OUTCOME_LABELS[outcome.outcome], lang)
    who = f"{outcome.school_code or '?'} {outcome.year or '?'}"
    version = f" v{outcome.version}" if outcome.version else ""
    if lang == "en":
        detail = f"{outcome.errors} errors, {outcome.warnings} warnings"
        if outcome.outcome == "rejected" and not outcome.errors:
            detail += " (warnings need --allow-warnings)"
        if outcome.already_recorded:
            detail += "; recorded before, not again"
    else:
        detail = f"错误 {outcome.errors}，警告 {outcome.warnings}"
        if outcome.outcome == "rejected" and not outcome.errors:
            detail += "（有警告，需 --allow-warnings 才能入库）"
        if outcome.already_recorded:
            detail += "；此前已记录，不再重复记录"
    if outcome.detail:
        detail += f"; {outcome.detail}"
    return f"[{n}/{total}] {Path(outcome.file).name}: {label}{version} ({who}; {detail})"


@click.command("history")
@click.argument("school")
@db_option
@output_options("text", "json")
@lang_option
@one_line_errors
def history_command(school, db_path, output_format, output, lang):
    """提交历史 / Every submission of a school (by code or name), with versions."""
    from ..store import history

    with _open(db_path) as store:
        records = history(store, school)
    if output_format == "json":
        emit(json.dumps([r.to_dict() for r in records], ensure_ascii=False, indent=2), output)
        return
    if not records:
        raise StoreError(f"没有找到该学校的提交记录 / no submissions for school: {school}")
    zh = lang == "zh"
    headers = (
        ["编号", "年度", "版本", "状态", "文件", "入库时间", "错误", "警告"]
        if zh
        else ["id", "year", "version", "status", "file", "ingested at", "errors", "warnings"]
    )
    rows = [
        [
            r.submission_id,
            r.year,
            r.version,
            pick(STATUS_LABELS[r.status], lang),
            r.file_name,
            r.ingested_at.strftime("%Y-%m-%d %H:%M:%S"),
            r.errors,
            r.warnings,
        ]
        for r in records
    ]
    title = f"{records[-1].school_name or school} ({records[-1].school_code})"
    with output_console(output) as out:
        out.print(table(title, headers, rows))


@click.command("status")
@click.option("--year", type=int, default=None, help="Reporting year (default: the latest).")
@db_option
@config_option
@output_options("text", "json")
@lang_option
@one_line_errors
def status_command(year, db_path, config_file, output_format, output, lang):
    """提交情况 / Completeness of a year: who submitted, who is missing."""
    from ..city import load_city_config
    from ..store import expected_from_city, status

    expected = expected_from_city(load_city_config(config_file)) if config_file else None
    with _open(db_path) as store:
        report = status(store, year, expected)
    if output_format == "json":
        emit(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str), output)
        return
    with output_console(output) as out:
        _print_status(out, report, lang)


def _print_status(out, report, lang: str) -> None:
    zh = lang == "zh"
    share = f"{report.share:.0%}" if report.share is not None else "—"
    out.print(
        f"{report.year} {'年度 已提交' if zh else 'submitted'} {report.received}/"
        f"{report.expected} ({share})"
    )
    headers = (
        ["学校标识码", "学校名称", "县(市、区)", "版本", "入库时间", "警告"]
        if zh
        else ["code", "school", "county", "version", "ingested at", "warnings"]
    )
    rows = [
        [
            s.school_code,
            s.school_name,
            s.county,
            s.version,
            s.ingested_at.strftime("%Y-%m-%d %H:%M"),
            s.warnings,
        ]
        for s in report.submitted
    ]
    out.print(table("已提交 / submitted" if zh else "Submitted", headers, rows))
    if report.missing:
        source = {
            "school-list": ("名单", "school list"),
            "earlier-years": ("往年", "earlier years"),
        }
        headers = (
            ["学校标识码", "学校名称", "县(市、区)", "依据", "被拒文件"]
            if zh
            else ["code", "school", "county", "known from", "rejected files"]
        )
        rows = [
            [m.school_code, m.school_name, m.county, pick(source[m.source], lang), m.rejected]
            for m in report.missing
        ]
        out.print(table("未提交 / missing" if zh else "Missing", headers, rows))


@click.command("sql")
@click.argument("statement")
@db_option
@output_options("text", "csv", "json")
@one_line_errors
def sql_command(statement, db_path, output_format, output):
    """只读查询 / Run one read-only SELECT over the views (school_year, city_year, …)."""
    from ..formula_guard import formula_safe
    from ..store import query

    with _open(db_path) as store:
        columns, rows = query(store, statement)
    if output_format == "json":
        records = [dict(zip(columns, r, strict=True)) for r in rows]
        emit(json.dumps(records, ensure_ascii=False, indent=2, default=str), output)
    elif output_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        # submitted text (a school name) must not become a formula when the CSV is opened in Excel
        writer.writerows([formula_safe(v) for v in row] for row in rows)
        emit(buffer.getvalue(), output)
    else:
        with output_console(output) as out:
            out.print(table("", columns, [list(r) for r in rows]))


@click.command("migrate")
@db_option
@specs_option
@lang_option
@one_line_errors
def migrate_command(db_path, specs_dir, lang):
    """升级数据库 / Bring a database up to this version; with --specs, move it to that spec.

    No data is deleted: indicators the new spec drops stay stored but leave the views.
    """
    from ..spec import load_spec
    from ..store import migrate_spec, open_store

    zh = lang == "zh"
    with open_store(db_path) as store:
        if not specs_dir:
            click.echo(
                f"{db_path}: 已是最新（规范版本 {store.spec.version}）"
                if zh
                else f"{db_path}: up to date (spec version {store.spec.version})"
            )
            return
        change = migrate_spec(store, load_spec(specs_dir))
    if change.unchanged:
        click.echo(f"{db_path}: 规范未变" if zh else f"{db_path}: the spec is unchanged")
        return
    added = "、".join(change.added) if zh else ", ".join(change.added)
    removed = "、".join(change.removed) if zh else ", ".join(change.removed)
    none = "无" if zh else "none"
    click.echo(
        f"{db_path}: 规范 {change.previous_version} → {change.version}；新增指标：{added or none}；"
        f"移出视图的指标（数据仍保留）：{removed or none}"
        if zh
        else f"{db_path}: spec {change.previous_version} → {change.version}; added: "
        f"{added or none}; left the views (data kept): {removed or none}"
    )
