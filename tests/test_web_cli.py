"""`users` and `serve` on the command line, and the command line beside a served database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualityreport.cli import cli
from qualityreport.collection import authenticate
from qualityreport.store import open_store
from qualityreport.store.serving import serving

from web_round import EXAMPLES, example_2024

ROOT = Path(__file__).resolve().parents[1]
CITY_2022 = EXAMPLES / "city" / "2022"


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_users_add_prints_a_one_time_password_that_signs_in_once_hashed(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    bureau = run("users", "add", "--db", str(db), "--bureau", "教育局")
    assert bureau.exit_code == 0, bureau.output
    password = re.search(r"一次性密码：(\S+)", bureau.output).group(1)
    assert re.fullmatch(r"[A-Za-z2-9]{4}-[A-Za-z2-9]{4}-[A-Za-z2-9]{4}", password)
    with open_store(db, spec) as store:
        stored = store.scalar("SELECT password_hash FROM accounts WHERE login = '教育局'")
        assert stored.startswith("$argon2id$") and password not in stored
        assert authenticate(store, "教育局", password) is not None
        assert authenticate(store, "教育局", password + "x") is None


def test_users_add_school_takes_the_name_from_the_store_or_says_what_is_missing(tmp_path):
    db = tmp_path / "city.duckdb"
    assert run("ingest", str(CITY_2022), "--db", str(db)).exit_code == 0
    known = run("users", "add", "--db", str(db), "--school", "4142050509")
    assert known.exit_code == 0 and "宜昌市机电工程学校" in known.output
    unknown = run("users", "add", "--db", str(db), "--school", "4100000000")
    assert unknown.exit_code == 2
    assert "--config" in unknown.output and "Traceback" not in unknown.output
    named = run("users", "add", "--db", str(db), "--school", "4100000000", "--name", "新学校")
    assert named.exit_code == 0
    again = run("users", "add", "--db", str(db), "--school", "4142050509")
    assert again.exit_code == 2 and "account exists" in again.output


def test_users_list_and_reset(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    run("users", "add", "--db", str(db), "--bureau", "教育局")
    listed = run("users", "list", "--db", str(db))
    assert "教育局" in listed.output and "待设置密码" in listed.output
    reset = run("users", "reset", "--db", str(db), "教育局")
    assert reset.exit_code == 0
    password = re.search(r"一次性密码：(\S+)", reset.output).group(1)
    with open_store(db, spec) as store:
        assert authenticate(store, "教育局", password) is not None
    missing = run("users", "reset", "--db", str(db), "nobody")
    assert missing.exit_code == 2 and "no such account" in missing.output


def _qualityreport(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "qualityreport", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_a_served_database_is_read_by_the_cli_but_an_ingest_waits_then_is_busy(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    assert run("ingest", str(CITY_2022), "--db", str(db)).exit_code == 0
    with serving(db):
        started = time.monotonic()
        busy = _qualityreport("ingest", str(example_2024("4142050509")), "--db", str(db))
        waited = time.monotonic() - started
        assert busy.returncode == 3, busy.stderr
        assert busy.stderr.count("\n") == 1 and "database busy" in busy.stderr
        assert "Could not set lock" not in busy.stderr and "Traceback" not in busy.stderr
        assert waited >= 4.5  # it waited for the server before giving up
        read = _qualityreport("sql", "--db", str(db), "SELECT count(*) AS n FROM submissions")
        assert read.returncode == 0, read.stderr
        assert "12" in read.stdout
    after = _qualityreport("ingest", str(example_2024("4142050509")), "--db", str(db))
    assert after.returncode == 0, after.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_on_its_port_and_a_second_server_is_refused(tmp_path):
    db = tmp_path / "city.duckdb"
    run("users", "add", "--db", str(db), "--bureau", "教育局")
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "serve.log"
    with (
        open(log, "w") as output,
        subprocess.Popen(
            [sys.executable, "-m", "qualityreport", "serve", "--db", str(db), "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        ) as server,
    ):
        try:
            import httpx2

            deadline = time.monotonic() + 30
            while True:
                try:
                    page = httpx2.get(f"http://127.0.0.1:{port}/login", timeout=2)
                    break
                except httpx2.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        pytest.fail(log.read_text())
                    time.sleep(0.2)
            assert page.status_code == 200 and "登录" in page.text
            second = _qualityreport("serve", "--db", str(db), "--port", str(_free_port()))
            assert second.returncode == 3 and "database busy" in second.stderr
        finally:
            server.terminate()
            server.wait(timeout=10)
