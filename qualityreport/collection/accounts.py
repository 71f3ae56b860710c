"""Accounts of the collection round: schools and bureau staff, argon2 password hashes, one-time passwords."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from ..errors import InputError
from ..store import Store
from .audit import record

ROLES = ("school", "bureau")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# No 0/O, 1/l/I: a clerk copies the one-time password from paper or a message.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_LOGIN = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,40}$")


@dataclass(frozen=True)
class Account:
    login: str  # the school code for a school; a chosen name for bureau staff
    role: str  # school | bureau
    school_code: str | None
    display_name: str
    password_temporary: bool
    password_set_at: dt.datetime
    created_at: dt.datetime

    @property
    def session_epoch(self) -> str:
        """Changes whenever the password does, so older sessions stop working."""
        return self.password_set_at.isoformat()


_COLUMNS = "login, role, school_code, display_name, password_temporary, password_set_at, created_at"


def _hasher():
    # argon2id with the library's defaults (64 MiB, 3 passes): memory-hard, ~50 ms a check.
    from argon2 import PasswordHasher

    return PasswordHasher()


def one_time_password() -> str:
    """Twelve characters in three groups, easy to read aloud: 'k7Qm-t3Xa-9pWe'."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def get_account(store: Store, login: str) -> Account | None:
    found = store.rows(f"SELECT {_COLUMNS} FROM accounts WHERE login = ?", [login])
    return Account(*found[0]) if found else None


def list_accounts(store: Store) -> list[Account]:
    return [
        Account(*r)
        for r in store.rows(f"SELECT {_COLUMNS} FROM accounts ORDER BY role, school_code, login")
    ]


def school_name(store: Store, school_code: str) -> str | None:
    return store.scalar("SELECT school_name FROM schools WHERE school_code = ?", [school_code])


def add_account(
    store: Store,
    role: str,
    login: str,
    display_name: str,
    *,
    school_code: str | None = None,
    actor: str = "命令行",
) -> tuple[Account, str]:
    """Create an account; returns it with its one-time password (shown once, stored hashed)."""
    if role not in ROLES:
        raise InputError(f"未知角色 / unknown role: {role}")
    if not _LOGIN.match(login):
        raise InputError(f"登录名只能含字母、数字、汉字和 _ . - / login name not allowed: {login}")
    if get_account(store, login) is not None:
        raise InputError(f"账号已存在 / account exists: {login}")
    password = one_time_password()
    now = dt.datetime.now().replace(microsecond=0)
    with store.transaction():
        store.con.execute(
            "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, TRUE, ?, ?)",
            [login, role, school_code, display_name, _hasher().hash(password), now, now],
        )
        if school_code:
            store.con.execute(
                """INSERT INTO schools (school_code, school_name, expected) VALUES (?, ?, TRUE)
                   ON CONFLICT (school_code) DO UPDATE SET expected = TRUE""",
                [school_code, display_name],
            )
        record(store, actor, "admin", "add-account", school_code=school_code, detail=login)
    account = get_account(store, login)
    assert account is not None
    return account, password


def reset_password(store: Store, login: str, *, actor: str = "命令行") -> str:
    """A new one-time password; every session of the account ends."""
    account = get_account(store, login)
    if account is None:
        raise InputError(f"没有这个账号 / no such account: {login}")
    password = one_time_password()
    with store.transaction():
        _store_password(store, account, password, temporary=True)
        record(
            store, actor, "admin", "reset-password", school_code=account.school_code, detail=login
        )
    return password


def change_password(store: Store, account: Account, old: str, new: str) -> Account:
    """The account holder's own change (required after a one-time password)."""
    if authenticate(store, account.login, old) is None:
        raise InputError("原密码不正确")
    if not MIN_PASSWORD_LENGTH <= len(new) <= MAX_PASSWORD_LENGTH:
        raise InputError(f"新密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    if new == old:
        raise InputError("新密码不能与原密码相同")
    with store.transaction():
        _store_password(store, account, new, temporary=False)
        record(
            store, account.login, account.role, "change-password", school_code=account.school_code
        )
    changed = get_account(store, account.login)
    assert changed is not None
    return changed


def _store_password(store: Store, account: Account, password: str, temporary: bool) -> None:
    now = dt.datetime.now()
    # a new epoch even within the same second, so sessions of the old password end
    if now <= account.password_set_at:
        now = account.password_set_at + dt.timedelta(microseconds=1)
    store.con.execute(
        """UPDATE accounts SET password_hash = ?, password_temporary = ?, password_set_at = ?
           WHERE login = ?""",
        [_hasher().hash(password), temporary, now, account.login],
    )


# Verified when the login is unknown, so both cases cost the same time.
_DUMMY_HASH: list[str] = []


def authenticate(store: Store, login: str, password: str) -> Account | None:
    """The account when the password matches; None otherwise (unknown login included)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    found = store.rows("SELECT password_hash FROM accounts WHERE login = ?", [login])
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(_hasher().hash(one_time_password()))
    stored = found[0][0] if found else _DUMMY_HASH[0]
    try:
        _hasher().verify(stored, password[:MAX_PASSWORD_LENGTH])
    except (VerificationError, InvalidHashError):
        return None
    return get_account(store, login) if found else None
