"""Signing in and out, and replacing a one-time password."""

from __future__ import annotations

import math

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..collection import Account, authenticate, change_password, record
from ..errors import InputError
from .pages import context, error_page, guarded, page, redirect
from .security import csrf_valid


def _home(account: Account) -> str:
    return "/bureau" if account.role == "bureau" else "/school"


@guarded(None)
async def home(request: Request, account: Account) -> Response:
    return redirect(_home(account))


async def login(request: Request) -> Response:
    if request.method == "GET":
        return page(request, "login.html.j2")
    form = await request.form(max_files=0, max_fields=10)
    if not csrf_valid(request.session, str(form.get("csrf") or "")):
        return error_page(request, 403, "表单已过期，请刷新登录页后重试。")
    login_name = str(form.get("login") or "").strip()[:40]
    password = str(form.get("password") or "")
    ctx = context(request)
    client = request.client.host if request.client else "unknown"
    wait = ctx.throttle.wait_seconds(login_name, client)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        return page(
            request,
            "login.html.j2",
            status_code=429,
            error=f"登录失败次数过多，请 {minutes} 分钟后再试。",
            login=login_name,
        )

    def check() -> Account | None:
        with ctx.access.writing() as store:
            account = authenticate(store, login_name, password)
            with store.transaction():
                record(
                    store,
                    login_name or "—",
                    account.role if account else "unknown",
                    "login" if account else "login-failed",
                    school_code=account.school_code if account else None,
                    detail=client,
                )
        return account

    account = await run_in_threadpool(check)
    if account is None:
        ctx.throttle.failed(login_name, client)
        return page(
            request,
            "login.html.j2",
            status_code=401,
            error="账号或密码不正确。",
            login=login_name,
        )
    ctx.throttle.succeeded(login_name)
    request.session.clear()  # a fresh session (and CSRF token) at every sign-in
    request.session.update(login=account.login, epoch=account.session_epoch)
    return redirect("/password" if account.password_temporary else _home(account))


@guarded(None)
async def logout(request: Request, account: Account) -> Response:
    request.session.clear()
    return redirect("/login")


@guarded(None)
async def password(request: Request, account: Account) -> Response:
    if request.method == "GET":
        return page(request, "password.html.j2", account)
    form = await request.form()
    old, new = str(form.get("old") or ""), str(form.get("new") or "")
    if new != str(form.get("repeat") or ""):
        return page(request, "password.html.j2", account, 400, error="两次输入的新密码不一致。")

    def change() -> Account:
        with context(request).access.writing() as store:
            return change_password(store, account, old, new)

    try:
        changed = await run_in_threadpool(change)
    except InputError as exc:
        return page(request, "password.html.j2", account, 400, error=str(exc))
    request.session["epoch"] = changed.session_epoch
    return redirect(_home(changed))


ROUTES = [
    Route("/", home),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/password", password, methods=["GET", "POST"]),
]
