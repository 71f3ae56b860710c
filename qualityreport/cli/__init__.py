"""The command line: thin glue over the library, each command in its own module, loaded on use."""

from __future__ import annotations

import importlib

import click

from .. import __version__

# command name → module under qualityreport.cli that defines a click command of that name
COMMANDS = {
    "template": "template",
    "validate": "validate",
    "ingest": "store",
    "history": "store",
    "status": "store",
    "sql": "store",
    "migrate": "store",
    "check": "check",
    "report": "report",
    "chapters": "chapters",
    "doctor": "doctor",
    "demo": "demo",
    "serve": "serve",
    "users": "users",
}


class LazyGroup(click.Group):
    """Imports a command's module only when that command runs, so start-up stays fast."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{__name__}.{module_name}")
        return getattr(module, f"{name}_command")


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualityreport")
def cli():
    """职业教育质量年度报告工具 — quality annual reports for vocational schools.

    \b
    template  写出填报模板 / write the fill-in workbook
    validate  校验填报文件 / check workbooks cell by cell
    ingest    入库 / store valid workbooks in DuckDB
    check     目标达成 / check targets
    report    生成PDF报告 / render school and city reports
    serve     网上填报 / the collection round in a browser
    users     网上填报的账号 / accounts for serve
    """


def main():
    cli(prog_name="qualityreport")
