"""A school's pages: status, template, upload, findings, explanations and submission, report."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..collection import (
    Account,
    UploadRefused,
    annotated_copy,
    current_round,
    explanations,
    get_upload,
    receive_upload,
    refusal,
    school_state,
    school_template,
    stored_findings,
    submit,
    uploads_of,
)
from ..collection.reports import school_report
from ..errors import InputError
from ..store import ExpectedSchool
from .pages import PDF, XLSX, context, download, error_page, guarded, page, redirect

_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")


def _school(request: Request, account: Account) -> ExpectedSchool:
    city = context(request).city
    known = city.school(account.school_code or "") if city else None
    county = known.county if known else None
    return ExpectedSchool(account.school_code, account.display_name, county)


def _overview(request: Request, account: Account) -> dict:
    ctx = context(request)
    with ctx.access.reading() as store:
        round_ = current_round(store)
        state = school_state(store, round_, _school(request, account)) if round_ else None
        year = round_.year if round_ else None
        return {
            "round": round_,
            "state": state,
            "refusal": refusal(store, account.school_code or "", year),
            "uploads": uploads_of(store, account.school_code or ""),
        }


@guarded("school")
async def home(request: Request, account: Account) -> Response:
    values = await run_in_threadpool(_overview, request, account)
    return page(request, "school.html.j2", account, **values)


@guarded("school")
async def template(request: Request, account: Account) -> Response:
    ctx = context(request)

    def make():
        with ctx.access.reading() as store:
            round_ = current_round(store)
        if round_ is None:
            return None
        path = school_template(
            ctx.access, round_.year, account.school_code or "", account.display_name
        )
        return path, round_.year

    made = await run_in_threadpool(make)
    if made is None:
        return error_page(request, 404, "教育局尚未开启填报，暂无本年度模板。")
    path, year = made
    return download(path, f"质量年报填报模板-{year}-{account.school_code}.xlsx", XLSX)


@guarded("school", csrf_in_query=True)
async def upload(request: Request, account: Account) -> Response:
    ctx = context(request)
    # refused before the body is read: too large, or no round / locked school-year
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return error_page(request, 411, "上传请求缺少文件大小，请用网页上的表单上传。")
    if int(length) > ctx.max_upload_bytes:
        limit = ctx.limits.max_file_bytes // (1024 * 1024)
        return error_page(request, 413, f"文件超过 {limit} MB，不能上传。")
    overview = await run_in_threadpool(_overview, request, account)
    if overview["refusal"]:
        return error_page(request, 409, overview["refusal"])
    form = await request.form(max_files=1, max_fields=2)
    workbook = form.get("workbook")
    if not isinstance(workbook, UploadFile) or not workbook.filename:
        return error_page(request, 400, "请选择要上传的工作簿。")
    year = overview["round"].year
    try:
        done = await run_in_threadpool(
            receive_upload,
            ctx.access,
            account,
            year,
            workbook.file,
            workbook.filename,
            limits=ctx.limits,
        )
    except UploadRefused as exc:
        return error_page(request, 409, str(exc))
    finally:
        await workbook.close()
    return redirect(f"/school/uploads/{done.upload_id}")


def _upload_page(request: Request, account: Account, upload_id: str) -> dict | None:
    with context(request).access.reading() as store:
        found = get_upload(store, upload_id, account.school_code)
        if found is None:
            return None
        findings = stored_findings(store, found.submission_id) if found.submission_id else []
        written = explanations(store, found.submission_id) if found.submission_id else []
        round_ = current_round(store)
        state = school_state(store, round_, _school(request, account)) if round_ else None
    warnings = [f for f in findings if f.severity == "warning"]
    return {
        "upload": found,
        "findings": findings,
        "warnings": warnings,
        "explanations": written,
        "state": state,
        # the version stands submitted (a returned one may be submitted again)
        "submitted": state is not None
        and state.state in ("submitted", "approved")
        and state.submission_id == found.submission_id,
    }


def _valid_id(upload_id: str) -> bool:
    return bool(_UPLOAD_ID.match(upload_id))


@guarded("school")
async def upload_page(request: Request, account: Account) -> Response:
    upload_id = request.path_params["upload_id"]
    values = (
        await run_in_threadpool(_upload_page, request, account, upload_id)
        if _valid_id(upload_id)
        else None
    )
    if values is None:
        return error_page(request, 404, "没有找到这次上传。")
    return page(request, "upload.html.j2", account, **values)


@guarded("school")
async def annotated(request: Request, account: Account) -> Response:
    ctx = context(request)
    upload_id = request.path_params["upload_id"]
    if not _valid_id(upload_id):
        return error_page(request, 404, "没有找到这次上传。")

    def make():
        with ctx.access.reading() as store:
            found = get_upload(store, upload_id, account.school_code)
        return annotated_copy(ctx.access, found) if found else None

    path = await run_in_threadpool(make)
    if path is None:
        return error_page(request, 404, "没有找到这次上传。")
    return download(path, f"校验结果-{account.school_code}.xlsx", XLSX)


@guarded("school")
async def submit_upload(request: Request, account: Account) -> Response:
    ctx = context(request)
    upload_id = request.path_params["upload_id"]
    if not _valid_id(upload_id):
        return error_page(request, 404, "没有找到这次上传。")
    form = await request.form()
    texts = {}
    for key, value in form.multi_items():
        if key.startswith("explain-") and key[8:].isdigit():
            texts[int(key[8:])] = str(value)

    def send():
        with ctx.access.writing() as store:
            found = get_upload(store, upload_id, account.school_code)
            if found is None:
                return None
            submit(store, account, found, texts)
            return found

    try:
        done = await run_in_threadpool(send)
    except InputError as exc:
        values = await run_in_threadpool(_upload_page, request, account, upload_id)
        if values is None:
            return error_page(request, 404, "没有找到这次上传。")
        return page(request, "upload.html.j2", account, 400, error=str(exc), given=texts, **values)
    if done is None:
        return error_page(request, 404, "没有找到这次上传。")
    return redirect("/school")


@guarded("school")
async def report(request: Request, account: Account) -> Response:
    ctx = context(request)
    overview = await run_in_threadpool(_overview, request, account)
    state = overview["state"]
    if state is None or state.state != "approved" or state.submission_id is None:
        return error_page(request, 404, "本校数据审核通过后才能下载报告。")
    year = overview["round"].year
    path = await run_in_threadpool(
        school_report, ctx.access, year, account.school_code or "", state.submission_id, ctx.city
    )
    return download(path, f"{year}-{account.school_code}-质量年报.pdf", PDF)


ROUTES = [
    Route("/school", home),
    Route("/school/template.xlsx", template),
    Route("/school/upload", upload, methods=["POST"]),
    Route("/school/uploads/{upload_id}", upload_page),
    Route("/school/uploads/{upload_id}/annotated.xlsx", annotated),
    Route("/school/uploads/{upload_id}/submit", submit_upload, methods=["POST"]),
    Route("/school/report.pdf", report),
]
