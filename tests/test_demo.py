"""The demo: the whole pipeline on the example city, as the README's first Quick start command runs it."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from qualityreport.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo") / "demo-output"
    result = CliRunner().invoke(cli, ["demo", "-o", str(directory), "--workers", "2"])
    assert result.exit_code == 0, result.output
    return directory, result.output.replace(str(directory), "demo-output")


def test_demo_writes_every_stage(demo):
    directory, output = demo
    assert (directory / "质量年报填报模板-2024.xlsx").is_file()
    assert (directory / "city.duckdb").is_file()
    city = PdfReader(directory / "reports" / "city-2024.pdf")
    assert len(city.pages) > 50  # the city report with every school report appended
    assert "宜昌市" in city.pages[0].extract_text()
    schools = sorted((directory / "reports" / "schools").glob("*.pdf"))
    assert len(schools) == 12
    assert "[6/6]" in output and "36/36" in output


def test_demo_shows_every_planted_mistake_at_its_cell(demo):
    _, output = demo
    for location in (
        "专业设置!A4",
        "专业设置!A12",
        "师资队伍!C7",
        "社会服务!C3",
        "办学条件!C5",
        "办学条件!C8",
        "师资队伍!C8",
        "办学条件!C6",
    ):
        assert location in output


def test_readme_shows_what_the_demo_prints(demo):
    _, output = demo
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("```console\n$ sh scripts/demo.sh\n", 1)[1].split("```", 1)[0]
    shown = [
        line
        for line in excerpt.splitlines()
        if line.strip() and not line.startswith(("…", "完成")) and "用时" not in line
    ]
    assert len(shown) > 10
    printed = output.splitlines()
    for line in shown:
        assert line in printed, line


def test_demo_ends_with_the_round_on_the_web_and_its_commands_run(demo, tmp_path, spec):
    import shlex
    import shutil

    from qualityreport.web import create_app

    directory, output = demo
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("网上填报"))
    commands = [shlex.split(line)[1:] for line in lines[start + 1 : start + 4]]
    assert [c[0] for c in commands] == ["users", "users", "serve"]
    db = tmp_path / "city.duckdb"
    shutil.copy(directory / "city.duckdb", db)
    for args in commands[:2]:
        args = [str(db) if a == "demo-output/city.duckdb" else a for a in args]
        args = [a.replace("demo-output", str(directory)) for a in args]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "一次性密码" in result.output
    assert "--config" in commands[2] and create_app(db, spec=spec) is not None
