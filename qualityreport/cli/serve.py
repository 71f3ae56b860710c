"""`qualityreport serve`: the collection round as a web application over the database."""

from __future__ import annotations

import click

from .common import config_option, db_option, one_line_errors


@click.command("serve")
@db_option
@config_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@one_line_errors
def serve_command(db_path, config_file, host, port):
    """网上填报 / run the collection round in a browser (the only writer while it runs)."""
    import uvicorn

    from ..city import load_city_config
    from ..collection import list_accounts
    from ..store import open_store
    from ..store.serving import serving
    from ..web import create_app

    city = load_city_config(config_file) if config_file else None
    with serving(db_path):
        with open_store(db_path) as store:
            accounts = list_accounts(store)
        app = create_app(db_path, city=city)
        click.echo(
            f"网上填报服务 / serving {db_path} at http://{host}:{port}/  (Ctrl+C 停止 / to stop)"
        )
        if not accounts:
            click.echo(
                f"还没有账号，先创建 / no accounts yet: qualityreport users add --db {db_path} "
                "--bureau 教育局"
            )
        uvicorn.run(app, host=host, port=port, log_level="warning")
