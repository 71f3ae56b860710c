"""The bureau's pages: round, dashboard, review, hit list, audit log, check, reports, downloads."""

from __future__ import annotations

import datetime as dt
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..collection import (
    Account,
    approve,
    audit_events,
    current_round,
    expected_schools,
    explanations,
    finding_tallies,
    open_round,
    reopen,
    return_submission,
    school_states,
    stored_findings,
    upload_of_submission,
    uploads_of,
)
from ..collection.reports import (
    check_export,
    city_schools,
    render_reports,
    rendered_reports,
    run_check,
)
from ..collection.uploads import stored_path
from ..errors import InputError
from .pages import PDF, XLSX, context, download, error_page, guarded, page, redirect

_SCHOOL_CODE = re.compile(r"^[0-9A-Za-z]{1,20}$")


def _dashboard(request: Request) -> dict:
    ctx = context(request)
    with ctx.access.reading() as store:
        round_ = current_round(store)
        if round_ is None:
            return {"round": None, "states": [], "counts": {}}
        schools = expected_schools(store, round_.year, city_schools(ctx.city))
        states = school_states(store, round_, schools)
    counts: dict[str, int] = {}
    for s in states:
        counts[s.label] = counts.get(s.label, 0) + 1
    return {"round": round_, "states": states, "counts": counts}


@guarded("bureau")
async def dashboard(request: Request, account: Account) -> Response:
    values = await run_in_threadpool(_dashboard, request)
    today = dt.date.today()
    return page(
        request,
        "dashboard.html.j2",
        account,
        next_year=(values["round"].year + 1) if values["round"] else today.year,
        **values,
    )


@guarded("bureau")
async def open_round_page(request: Request, account: Account) -> Response:
    form = await request.form()
    try:
        year = int(str(form.get("year") or ""))
        deadline = dt.datetime.fromisoformat(str(form.get("deadline") or ""))
    except ValueError:
        return error_page(request, 400, "请填写年度（如 2024）和截止日期。")
    if deadline.time() == dt.time(0, 0) and "T" not in str(form.get("deadline")):
        deadline = deadline.replace(hour=23, minute=59, second=59)

    def save():
        with context(request).access.writing() as store:
            open_round(store, year, deadline, account)

    await run_in_threadpool(save)
    return redirect("/bureau")


def _school_page(request: Request, code: str) -> dict | None:
    ctx = context(request)
    with ctx.access.reading() as store:
        round_ = current_round(store)
        if round_ is None:
            return None
        schools = expected_schools(store, round_.year, city_schools(ctx.city))
        school = next((s for s in schools if s.school_code == code), None)
        if school is None:
            return None
        state = school_states(store, round_, [school])[0]
        submitted = (
            upload_of_submission(store, state.submission_id) if state.submission_id else None
        )
        return {
            "round": round_,
            "school": school,
            "state": state,
            "submitted": submitted,
            "findings": stored_findings(store, state.submission_id) if state.submission_id else [],
            "explanations": explanations(store, state.submission_id) if state.submission_id else [],
            "uploads": uploads_of(store, code, round_.year),
            "events": audit_events(store, year=round_.year, school_code=code, limit=50),
        }


@guarded("bureau")
async def school_page(request: Request, account: Account) -> Response:
    code = request.path_params["code"]
    values = (
        await run_in_threadpool(_school_page, request, code) if _SCHOOL_CODE.match(code) else None
    )
    if values is None:
        return error_page(request, 404, "没有这所学校，或尚未开启填报。")
    return page(request, "review.html.j2", account, **values)


def _decide(action):
    @guarded("bureau")
    async def endpoint(request: Request, account: Account) -> Response:
        code = request.path_params["code"]
        if not _SCHOOL_CODE.match(code):
            return error_page(request, 404, "没有这所学校。")
        form = await request.form()
        comment = str(form.get("comment") or "")

        def decide():
            with context(request).access.writing() as store:
                round_ = current_round(store)
                if round_ is None:
                    raise InputError("尚未开启填报。")
                if action is approve:
                    approve(store, round_.year, code, account)
                else:
                    action(store, round_.year, code, account, comment)

        try:
            await run_in_threadpool(decide)
        except InputError as exc:
            return error_page(request, 409, str(exc))
        return redirect(f"/bureau/schools/{code}")

    return endpoint


@guarded("bureau")
async def workbook(request: Request, account: Account) -> Response:
    ctx = context(request)
    code = request.path_params["code"]
    if not _SCHOOL_CODE.match(code):
        return error_page(request, 404, "没有这所学校。")

    def find():
        with ctx.access.reading() as store:
            round_ = current_round(store)
            if round_ is None:
                return None
            states = school_states(store, round_, [city_or_account_school(code)])
            submission_id = states[0].submission_id
            found = upload_of_submission(store, submission_id) if submission_id else None
            return stored_path(ctx.access, found, store) if found else None

    path = await run_in_threadpool(find)
    if path is None or not path.exists():
        return error_page(request, 404, "这所学校还没有提交的工作簿。")
    return download(path, f"{code}-提交的工作簿{path.suffix}", XLSX)


def city_or_account_school(code: str):
    from ..store import ExpectedSchool

    return ExpectedSchool(code, code, None)


@guarded("bureau")
async def findings_page(request: Request, account: Account) -> Response:
    ctx = context(request)

    def load():
        with ctx.access.reading() as store:
            round_ = current_round(store)
            tallies = finding_tallies(store, round_.year, ctx.access.spec) if round_ else []
        return round_, tallies

    round_, tallies = await run_in_threadpool(load)
    return page(request, "findings.html.j2", account, round=round_, tallies=tallies)


@guarded("bureau")
async def audit_page(request: Request, account: Account) -> Response:
    def load():
        with context(request).access.reading() as store:
            return audit_events(store, limit=1000)

    events = await run_in_threadpool(load)
    return page(request, "audit.html.j2", account, events=events)


def _reports_values(request: Request) -> dict:
    ctx = context(request)
    with ctx.access.reading() as store:
        round_ = current_round(store)
        states = (
            school_states(
                store, round_, expected_schools(store, round_.year, city_schools(ctx.city))
            )
            if round_
            else []
        )
    approved = sum(s.state == "approved" for s in states)
    rendered = rendered_reports(ctx.access, round_.year) if round_ else None
    return {"round": round_, "approved": approved, "expected": len(states), "rendered": rendered}


@guarded("bureau")
async def reports_page(request: Request, account: Account) -> Response:
    values = await run_in_threadpool(_reports_values, request)
    return page(request, "reports.html.j2", account, **values)


@guarded("bureau")
async def check_action(request: Request, account: Account) -> Response:
    ctx = context(request)
    values = await run_in_threadpool(_reports_values, request)
    if values["round"] is None:
        return error_page(request, 409, "尚未开启填报。")
    report = await run_in_threadpool(run_check, ctx.access, values["round"].year, ctx.city, account)
    return page(request, "reports.html.j2", account, check=report, **values)


@guarded("bureau")
async def render_action(request: Request, account: Account) -> Response:
    ctx = context(request)
    values = await run_in_threadpool(_reports_values, request)
    if values["round"] is None:
        return error_page(request, 409, "尚未开启填报。")
    if not values["approved"]:
        return error_page(request, 409, "还没有审核通过的学校，暂不能生成报告。")
    await run_in_threadpool(render_reports, ctx.access, values["round"].year, ctx.city, account)
    return redirect("/bureau/reports")


@guarded("bureau")
async def export(request: Request, account: Account) -> Response:
    ctx = context(request)
    values = await run_in_threadpool(_reports_values, request)
    if values["round"] is None:
        return error_page(request, 409, "尚未开启填报。")
    year = values["round"].year
    path = await run_in_threadpool(check_export, ctx.access, year, ctx.city)
    return download(path, f"目标达成-{year}.xlsx", XLSX)


@guarded("bureau")
async def report_file(request: Request, account: Account) -> Response:
    values = await run_in_threadpool(_reports_values, request)
    rendered = values["rendered"]
    name = request.path_params["name"]
    if rendered is None:
        return error_page(request, 404, "还没有生成报告。")
    year = values["round"].year
    if name == "city.pdf" and rendered.city is not None:
        return download(rendered.city, f"{year}-全市总报告.pdf", PDF)
    # a school report is chosen from the files we wrote, by exact name, never joined to a path
    found = next((p for p in rendered.schools if p.name == name), None)
    if found is None:
        return error_page(request, 404, "没有这份报告。")
    return download(found, found.name, PDF)


ROUTES = [
    Route("/bureau", dashboard),
    Route("/bureau/rounds", open_round_page, methods=["POST"]),
    Route("/bureau/schools/{code}", school_page),
    Route("/bureau/schools/{code}/workbook", workbook),
    Route("/bureau/schools/{code}/approve", _decide(approve), methods=["POST"]),
    Route("/bureau/schools/{code}/return", _decide(return_submission), methods=["POST"]),
    Route("/bureau/schools/{code}/reopen", _decide(reopen), methods=["POST"]),
    Route("/bureau/findings", findings_page),
    Route("/bureau/audit", audit_page),
    Route("/bureau/reports", reports_page),
    Route("/bureau/check", check_action, methods=["POST"]),
    Route("/bureau/render", render_action, methods=["POST"]),
    Route("/bureau/export.xlsx", export),
    Route("/bureau/reports/{name}", report_file),
]
