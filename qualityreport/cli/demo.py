"""`qualityreport demo`: run the whole pipeline on the example city and say what to try next."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import click

from .common import lang_option, one_line_errors

_TEXT = {
    "zh": {
        "start": "qualityreport 演示：示例城市（12所中职学校，2022—2024年）→ {dir}",
        "template": "[1/6] 填报模板            {path}",
        "validate": "[2/6] 校验报送文件        {valid}/{total} 份通过",
        "mistakes": "[3/6] 校验含典型错误的文件（每个错误都标出工作表和单元格）：",
        "ingest": "[4/6] 入库                {accepted} 份入库，{rejected} 份退回 → {db}",
        "chapters": "      总报告文字          {file}：{written} 章有正文，{cases} 个案例（v{version}）",
        "check": "[5/6] 目标检查（{year}年）  {sets} 个目标集：{met} 项达成，{missed} 项未达成，{na} 项无法判定；{skipped} 个目标集不是该年的",
        "city-report": "[6/6] 全市总报告          {path}",
        "school-reports": "      学校分报告          {count} 份 → {dir}",
        "done": "完成，用时 {seconds:.0f} 秒。写出的文件：",
        "more": "  … 另有 {count} 份，在 {dir}",
        "next": "接下来可以试试：",
        "web": "网上填报：建教育局和一所学校的账号（各显示一个一次性密码），启动服务，在浏览器打开 http://127.0.0.1:8000/",
    },
    "en": {
        "start": "qualityreport demo: the example city (12 secondary schools, 2022–2024) → {dir}",
        "template": "[1/6] fill-in template      {path}",
        "validate": "[2/6] validate submissions  {valid}/{total} valid",
        "mistakes": "[3/6] validate workbooks with typical mistakes (each at its sheet and cell):",
        "ingest": "[4/6] ingest                {accepted} accepted, {rejected} rejected → {db}",
        "chapters": "      the bureau's chapters {file}: {written} chapters written, {cases} cases (v{version})",
        "check": "[5/6] check targets ({year}) {sets} sets: {met} met, {missed} missed, {na} undetermined; {skipped} sets are for other years",
        "city-report": "[6/6] city report           {path}",
        "school-reports": "      school reports        {count} → {dir}",
        "done": "Done in {seconds:.0f} s. Written:",
        "more": "  … {count} more in {dir}",
        "next": "Try next:",
        "web": "The round on the web: a bureau and a school account (each prints a one-time password), then the server at http://127.0.0.1:8000/",
    },
}


@click.command("demo")
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False),
    default="demo-output",
    show_default=True,
    help="Directory to write the demo into.",
)
@click.option("--workers", type=int, default=None, help="Processes for rendering (default: cores).")
@lang_option
@one_line_errors
def demo_command(directory, workers, lang):
    """演示 / Run the whole pipeline on the example city: template, validate, ingest, check, reports."""
    from ..demo import run_demo
    from ..findings_output import finding_lines, summary_line

    text = _TEXT[lang]
    directory = Path(directory)
    started = time.perf_counter()
    click.echo(text["start"].format(dir=directory))

    def step(stage: str, produced) -> None:
        if stage == "template":
            click.echo(text["template"].format(path=produced))
        elif stage == "validate":
            valid = sum(r.valid for r in produced)
            click.echo(text["validate"].format(valid=valid, total=len(produced)))
        elif stage == "mistakes":
            click.echo(text["mistakes"])
            for result in produced:
                click.secho(
                    "  " + summary_line(result, lang), fg="green" if result.valid else "red"
                )
                for line in finding_lines(result, lang):
                    click.echo("  " + line)
        elif stage == "ingest":
            accepted = sum(o.outcome != "rejected" for o in produced.outcomes)
            click.echo(
                text["ingest"].format(
                    accepted=accepted,
                    db=directory / "city.duckdb",
                    rejected=len(produced.outcomes) - accepted,
                )
            )
        elif stage == "chapters":
            result, outcome = produced
            click.echo(
                text["chapters"].format(
                    file=result.file,
                    written=sum(1 for v in result.text.sections.values() if v),
                    cases=len(result.text.cases),
                    version=outcome.version,
                )
            )
        elif stage == "check":
            results = produced.results
            click.echo(
                text["check"].format(
                    year=produced.year,
                    sets=len({r.set_id for r in results}),
                    met=sum(r.met is True for r in results),
                    missed=sum(r.met is False for r in results),
                    na=sum(s.no_data for s in produced.summaries),
                    skipped=len(produced.skipped),
                )
            )
        elif stage == "city-report":
            click.echo(text["city-report"].format(path=produced))
        elif stage == "school-reports":
            folder = produced[0].parent if produced else directory
            click.echo(text["school-reports"].format(count=len(produced), dir=folder))

    result = run_demo(directory, lang=lang, workers=workers, step=step)
    click.echo("")
    click.echo(text["done"].format(seconds=time.perf_counter() - started))
    for path in result.written[:5]:
        click.echo(f"  {path}")
    if len(result.written) > 5:
        click.echo(
            text["more"].format(count=len(result.written) - 5, dir=result.school_reports[0].parent)
        )
    db, examples = result.database, result.directory / "examples"
    program = _program()
    click.echo("")
    click.echo(text["next"])
    for command in (
        f"qualityreport validate {examples / 'mistakes'} --annotate {directory / 'annotated'}",
        f"qualityreport status --db {db} --config {examples / 'city.yaml'} --year {result.year}",
        f"qualityreport check --db {db} --config {examples / 'city.yaml'}",
        f'qualityreport sql --db {db} "SELECT school_name, dual_qualified_ratio FROM school_year '
        f'WHERE year = {result.year} ORDER BY 2 DESC"',
        f"qualityreport report school 4142050101 --year {result.year} --db {db} "
        f"--config {examples / 'city.yaml'} -o school.pdf",
        f"qualityreport report quality --year {result.year} --db {db} "
        f"--config {examples / 'city.yaml'} -o quality.pdf",
        f"qualityreport template --city --config {examples / 'city.yaml'} --year {result.year}",
    ):
        click.echo(f"  {command.replace('qualityreport', program, 1)}")
    city = examples / "city.yaml"
    click.echo("")
    click.echo(text["web"])
    for command in (
        f"qualityreport users add --db {db} --bureau 教育局",
        f"qualityreport users add --db {db} --config {city} --school 4142050101",
        f"qualityreport serve --db {db} --config {city}",
    ):
        click.echo(f"  {command.replace('qualityreport', program, 1)}")


def _program() -> str:
    """How to call this program from here: its name when on PATH, else its path (an inactive venv)."""
    if shutil.which("qualityreport"):
        return "qualityreport"
    installed = Path(sys.executable).parent / "qualityreport"
    try:
        return str(installed.relative_to(Path.cwd()))
    except ValueError:
        return str(installed)
