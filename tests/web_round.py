"""A collection round to test and measure the web application on: a database, accounts, workbooks."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from openpyxl import load_workbook

from qualityreport.collection import add_account, change_password, get_account
from qualityreport.spec import Spec
from qualityreport.store import ingest, open_store
from qualityreport.validate import validate_paths

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PASSWORD = "correct-horse-7"
SCHOOL_A = "4142050509"  # 宜昌市机电工程学校: examples/mistakes/dual-exceeds-professional.xlsx
SCHOOL_B = "4142050610"  # 宜昌市商务学校: examples/mistakes/bad-specialty-code.xlsx
BUREAU = "教育局"


def example_2024(code: str) -> Path:
    return next((EXAMPLES / "city" / "2024").glob(f"{code}-*.xlsx"))


def mistakes(name: str) -> Path:
    return EXAMPLES / "mistakes" / name


def with_wanyuan_warning(source: Path, target: Path) -> Path:
    """A copy whose 教学仪器设备总值 (办学条件!C5) is typed in 万元: one warning, no error."""
    book = load_workbook(source)
    sheet = book["办学条件"]
    sheet["C5"] = round(float(sheet["C5"].value) / 10000, 2)
    book.save(target)
    return target


def build_database(path: Path, spec: Spec) -> Path:
    """Two earlier years ingested from the command line, then a bureau and two school accounts."""
    years = [EXAMPLES / "city" / "2022", EXAMPLES / "city" / "2023"]
    with open_store(path, spec) as store:
        ingest(store, validate_paths(years, spec))
        add_account(store, "bureau", BUREAU, "市教育局")
        for code in (SCHOOL_A, SCHOOL_B):
            name = store.scalar("SELECT school_name FROM schools WHERE school_code = ?", [code])
            add_account(store, "school", code, name, school_code=code)
        for login in (BUREAU, SCHOOL_A, SCHOOL_B):
            account = get_account(store, login)
            assert account is not None
            # a known password instead of the one-time one, so tests can sign in
            store.con.execute(
                "UPDATE accounts SET password_hash = ? WHERE login = ?",
                [_hash("one-time-pass"), login],
            )
            change_password(store, account, "one-time-pass", PASSWORD)
    return path


def _hash(password: str) -> str:
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def copy_database(source: Path, target_dir: Path) -> Path:
    target = target_dir / source.name
    shutil.copy(source, target)
    return target


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "page has no CSRF token"
    return found.group(1)


def sign_in(client, login: str, password: str = PASSWORD):
    """Sign in through the login form, as a browser would; returns the page signed in to."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "login": login, "password": password})


def upload(client, path: Path, name: str | None = None):
    token = csrf_of(client.get("/school").text)
    with open(path, "rb") as handle:
        return client.post(
            f"/school/upload?csrf={token}",
            files={"workbook": (name or path.name, handle, "application/octet-stream")},
        )
