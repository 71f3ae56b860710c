"""What every page shares: the guard (signed in, right role, CSRF), templates, errors as pages."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from ..city import CityConfig
from ..collection import Account, SerialStore, get_account
from ..errors import InputError, QualityReportError, StoreError, first_line
from ..read import Limits
from .security import LoginThrottle, csrf_token, csrf_valid

logger = logging.getLogger("qualityreport.web")
SESSION_HOURS = 8
# Room for the multipart envelope around a workbook at the read limit.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


@dataclass
class Context:
    access: SerialStore
    city: CityConfig | None
    templates: Jinja2Templates
    throttle: LoginThrottle
    limits: Limits

    @property
    def max_upload_bytes(self) -> int:
        return self.limits.max_file_bytes + UPLOAD_OVERHEAD_BYTES


Handler = Callable[[Request, Account], Awaitable[Response]]


def context(request: Request) -> Context:
    return request.app.state.context


def _datetime(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("qualityreport.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _datetime
    return env


def page(
    request: Request,
    name: str,
    account: Account | None = None,
    status_code: int = 200,
    **values: Any,
) -> Response:
    ctx = context(request)
    values.update(
        account=account,
        csrf=csrf_token(request.session),
        city_name=ctx.city.name if ctx.city else "",
    )
    return ctx.templates.TemplateResponse(request, name, values, status_code=status_code)


def error_page(request: Request, status_code: int, message: str) -> Response:
    account = request.scope.get("account")
    return page(request, "error.html.j2", account, status_code=status_code, message=message)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _load_account(request: Request) -> Account | None:
    login = request.session.get("login")
    if not login:
        return None
    with context(request).access.reading() as store:
        account = get_account(store, str(login))
    # a changed or reset password ends every older session
    if account is None or request.session.get("epoch") != account.session_epoch:
        request.session.clear()
        return None
    return account


def guarded(role: str | None, *, csrf_in_query: bool = False):
    """Every page but login goes through here: signed-in, right role, CSRF on each POST."""

    def wrap(handler: Handler):
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            account = await run_in_threadpool(_load_account, request)
            if account is None:
                return redirect("/login")
            request.scope["account"] = account
            if account.password_temporary and request.url.path != "/password":
                return redirect("/password")
            if role is not None and account.role != role:
                return error_page(request, 403, "没有权限访问这个页面。")
            if request.method == "POST":
                if csrf_in_query:
                    given = request.query_params.get("csrf")
                else:
                    form = await request.form(max_files=0, max_fields=200)
                    field = form.get("csrf")
                    given = field if isinstance(field, str) else None
                if not csrf_valid(request.session, given):
                    return error_page(request, 403, "表单已过期或来源不明，请返回后重新提交。")
            try:
                return await handler(request, account)
            except QualityReportError as exc:
                return await program_error(request, exc)
            except HTTPException as exc:
                return await http_error(request, exc)
            except Exception:
                # the traceback goes to the server's log, never into the page
                logger.exception("%s %s", request.method, request.url.path)
                return error_page(request, 500, "服务器出错，请稍后再试或联系教育局。")

        return endpoint

    return wrap


def download(path: Path, name: str, media_type: str) -> Response:
    """A file under a name we chose; never a path taken from a request."""
    return FileResponse(path, media_type=media_type, filename=name)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "页面不存在。", 405: "不支持这种请求。", 413: "文件太大。"}
    message = messages.get(exc.status_code, "请求无法处理。")
    return error_page(request, exc.status_code, message)


async def program_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, StoreError):
        return error_page(request, 503, "数据库正忙，请稍后再试。")
    if isinstance(exc, InputError):
        return error_page(request, 400, str(exc))
    if isinstance(exc, QualityReportError):
        return error_page(request, 500, first_line(exc))
    return error_page(request, 500, "服务器出错，请稍后再试或联系教育局。")
