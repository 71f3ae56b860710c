"""`qualityreport users add | list | reset`: accounts for the collection round on the web."""

from __future__ import annotations

import click

from ..errors import InputError
from .common import config_option, db_option, one_line_errors


def _open(db_path: str):
    from ..store import open_store

    return open_store(db_path)


@click.group("users")
def users_command():
    """网上填报的账号 / accounts of the web collection round.

    \b
    qualityreport users add --db city.duckdb --bureau 教育局
    qualityreport users add --db city.duckdb --school 4142050101 --config city.yaml
    qualityreport users list --db city.duckdb
    qualityreport users reset --db city.duckdb 4142050101
    """


@users_command.command("add")
@db_option
@click.option(
    "--school", "school_code", default=None, help="学校代码：学校账号（登录名即学校代码）。"
)
@click.option("--bureau", "bureau_name", default=None, help="教育局账号的登录名。")
@click.option(
    "--name",
    "display_name",
    default=None,
    help="显示的名称（学校默认取城市配置或数据库中的校名）。",
)
@config_option
@one_line_errors
def add_command(db_path, school_code, bureau_name, display_name, config_file):
    """创建账号并显示一次性密码 / create an account and print its one-time password."""
    from ..city import load_city_config
    from ..collection import add_account
    from ..collection.accounts import school_name

    if bool(school_code) == bool(bureau_name):
        raise click.UsageError("请给出 --school CODE 或 --bureau NAME 之一 / give one of them")
    with _open(db_path) as store:
        if school_code:
            name = display_name
            if name is None and config_file:
                known = load_city_config(config_file).school(school_code)
                name = known.name if known and known.code == school_code else None
            name = name or school_name(store, school_code)
            if not name:
                raise InputError(
                    f"不知道学校 {school_code} 的名称：请用 --config 城市配置或 --name 校名 / "
                    f"unknown school {school_code}: give --config or --name"
                )
            account, password = add_account(
                store, "school", school_code, name, school_code=school_code
            )
        else:
            account, password = add_account(
                store, "bureau", bureau_name, display_name or bureau_name
            )
    role = "学校" if account.role == "school" else "教育局"
    click.echo(f"已创建{role}账号：{account.login}（{account.display_name}）")
    click.echo(f"一次性密码：{password}")
    click.echo("首次登录后须设置新密码；这个密码不会再次显示。")


@users_command.command("list")
@db_option
@one_line_errors
def list_command(db_path):
    """列出账号 / list accounts."""
    from ..collection import list_accounts

    with _open(db_path) as store:
        accounts = list_accounts(store)
    if not accounts:
        click.echo("还没有账号 / no accounts yet")
    for a in accounts:
        role = "学校" if a.role == "school" else "教育局"
        state = "待设置密码" if a.password_temporary else "已设置密码"
        click.echo(f"{role}\t{a.login}\t{a.display_name}\t{state}\t创建于 {a.created_at:%Y-%m-%d}")


@users_command.command("reset")
@db_option
@click.argument("login")
@one_line_errors
def reset_command(db_path, login):
    """重置密码，显示新的一次性密码 / reset a password to a new one-time password."""
    from ..collection import reset_password

    with _open(db_path) as store:
        password = reset_password(store, login)
    click.echo(f"账号 {login} 的新一次性密码：{password}")
    click.echo("原密码和已登录的会话都已失效；首次登录后须设置新密码。")
