"""The web application over HTTP: every route, every permission rule, real workbooks, a real store."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from starlette.testclient import TestClient

from qualityreport.collection import SerialStore
from qualityreport.read import Limits
from qualityreport.store import open_store
from qualityreport.web import create_app
from qualityreport.web.security import LoginThrottle

from web_round import (
    BUREAU,
    PASSWORD,
    SCHOOL_A,
    SCHOOL_B,
    build_database,
    csrf_of,
    example_2024,
    mistakes,
    sign_in,
    upload,
    with_wanyuan_warning,
)

SCHOOL_ROUTES = [
    ("GET", "/school"),
    ("GET", "/school/template.xlsx"),
    ("POST", "/school/upload"),
    ("GET", "/school/uploads/{upload}"),
    ("GET", "/school/uploads/{upload}/annotated.xlsx"),
    ("POST", "/school/uploads/{upload}/submit"),
    ("GET", "/school/report.pdf"),
]
BUREAU_ROUTES = [
    ("GET", "/bureau"),
    ("POST", "/bureau/rounds"),
    ("GET", "/bureau/schools/{school}"),
    ("GET", "/bureau/schools/{school}/workbook"),
    ("POST", "/bureau/schools/{school}/approve"),
    ("POST", "/bureau/schools/{school}/return"),
    ("POST", "/bureau/schools/{school}/reopen"),
    ("GET", "/bureau/findings"),
    ("GET", "/bureau/audit"),
    ("GET", "/bureau/reports"),
    ("POST", "/bureau/check"),
    ("POST", "/bureau/render"),
    ("GET", "/bureau/export.xlsx"),
    ("GET", "/bureau/reports/city.pdf"),
]
OTHER_ROUTES = [("GET", "/"), ("POST", "/logout"), ("GET", "/password"), ("POST", "/password")]


@pytest.fixture(scope="session")
def round_db_template(tmp_path_factory, spec) -> Path:
    return build_database(tmp_path_factory.mktemp("round") / "city.duckdb", spec)


@pytest.fixture
def db(round_db_template, tmp_path) -> Path:
    target = tmp_path / "city.duckdb"
    shutil.copy(round_db_template, target)
    return target


@pytest.fixture
def app(db, spec):
    return create_app(db, spec=spec)


def client(app) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=True)


def signed_in(app, login: str) -> TestClient:
    c = client(app)
    page = sign_in(c, login)
    assert page.status_code == 200, page.text
    return c


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def open_round(bureau: TestClient, year: int = 2024, deadline: str = "2030-12-31"):
    token = csrf_of(bureau.get("/bureau").text)
    return bureau.post("/bureau/rounds", data={"csrf": token, "year": year, "deadline": deadline})


def post(c: TestClient, url: str, page: str, **data):
    return c.post(url, data={"csrf": csrf_of(c.get(page).text), **data})


def upload_id(response) -> str:
    found = re.search(r"/school/uploads/([0-9a-f]{32})", str(response.url))
    assert found, response.url
    return found.group(1)


def submit_with_explanation(
    school: TestClient, uid: str, text: str = "本年新购实训设备，已核实按元填写。"
):
    page = school.get(f"/school/uploads/{uid}")
    explain = {m: text for m in re.findall(r'name="(explain-\d+)"', page.text)}
    return school.post(
        f"/school/uploads/{uid}/submit", data={"csrf": csrf_of(page.text), **explain}
    )


@pytest.fixture
def submitted(app, tmp_path):
    """School A has submitted a workbook with one explained warning; the round is 2024."""
    bureau = signed_in(app, BUREAU)
    open_round(bureau)
    school = signed_in(app, SCHOOL_A)
    corrected = with_wanyuan_warning(example_2024(SCHOOL_A), tmp_path / "corrected.xlsx")
    page = upload(school, corrected)
    uid = upload_id(page)
    assert submit_with_explanation(school, uid).status_code == 200
    return bureau, school, uid


# --- signing in -------------------------------------------------------------------------------


def test_every_page_sends_the_security_headers(app):
    for path in ("/login", "/school", "/nowhere", "/static/site.css"):
        response = client(app).get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src" not in csp and "unsafe-inline" not in csp
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    page = client(app).get("/login").text
    assert "<script" not in page and "style=" not in page and "<style" not in page


@pytest.mark.parametrize("method, path", SCHOOL_ROUTES + BUREAU_ROUTES + OTHER_ROUTES)
def test_without_a_session_every_route_goes_to_the_login_page(app, method, path):
    url = path.format(upload="0" * 32, school=SCHOOL_A)
    response = client(app).request(method, url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_wrong_password_is_refused_and_repeated_failures_are_throttled(db, spec):
    app = create_app(db, spec=spec, throttle=LoginThrottle(per_login=3, per_client=100))
    c = client(app)
    for _ in range(3):
        response = sign_in(c, SCHOOL_A, "wrong-password")
        assert response.status_code == 401
        assert "账号或密码不正确" in response.text
    response = sign_in(c, SCHOOL_A, PASSWORD)  # even the right password waits now
    assert response.status_code == 429
    assert "登录失败次数过多" in response.text
    assert sign_in(client(app), SCHOOL_B).status_code == 200  # other accounts are not blocked


def test_unknown_account_gets_the_same_answer_as_a_wrong_password(app):
    response = sign_in(client(app), "4100000000", PASSWORD)
    assert response.status_code == 401
    assert "账号或密码不正确" in response.text


def test_login_without_its_csrf_token_is_refused(app):
    c = client(app)
    c.get("/login")
    response = c.post("/login", data={"login": SCHOOL_A, "password": PASSWORD})
    assert response.status_code == 403
    assert c.get("/school", follow_redirects=False).status_code == 303


def test_one_time_password_must_be_replaced_and_a_reset_ends_old_sessions(db, spec):
    from qualityreport.collection import reset_password

    with open_store(db, spec) as store:
        temporary = reset_password(store, SCHOOL_A)
    app = create_app(db, spec=spec)
    c = client(app)
    page = sign_in(c, SCHOOL_A, temporary)
    assert page.url.path == "/password"
    assert c.get("/school").url.path == "/password"  # nothing else until it is replaced
    token = csrf_of(page.text)
    short = c.post("/password", data={"csrf": token, "old": temporary, "new": "x", "repeat": "x"})
    assert short.status_code == 400 and "至少 10 个字符" in short.text
    new = "my-own-password-2"
    done = c.post("/password", data={"csrf": token, "old": temporary, "new": new, "repeat": new})
    assert done.url.path == "/school"
    with open_store(db, spec) as store:
        reset_password(store, SCHOOL_A)
    assert c.get("/school", follow_redirects=False).headers["location"] == "/login"


def test_logout_ends_the_session(app):
    c = signed_in(app, SCHOOL_A)
    post(c, "/logout", "/school")
    assert c.get("/school", follow_redirects=False).status_code == 303


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", BUREAU_ROUTES)
def test_a_school_cannot_use_any_bureau_route(app, method, path):
    school = signed_in(app, SCHOOL_A)
    token = csrf_of(school.get("/school").text)
    url = path.format(school=SCHOOL_A)
    response = school.request(method, url, data={"csrf": token} if method == "POST" else None)
    assert response.status_code == 403
    assert "没有权限" in response.text


@pytest.mark.parametrize("method, path", SCHOOL_ROUTES)
def test_the_bureau_cannot_act_as_a_school(app, method, path):
    bureau = signed_in(app, BUREAU)
    token = csrf_of(bureau.get("/bureau").text)
    url = path.format(upload="0" * 32)
    data = {"csrf": token} if method == "POST" else None
    response = bureau.request(
        method, url + (f"?csrf={token}" if "upload" == url[-6:] else ""), data=data
    )
    assert response.status_code == 403


def test_another_school_never_sees_an_upload_its_findings_or_its_annotated_copy(submitted, app):
    bureau, school_a, uid = submitted
    other = signed_in(app, SCHOOL_B)
    token = csrf_of(other.get("/school").text)
    for path in (f"/school/uploads/{uid}", f"/school/uploads/{uid}/annotated.xlsx"):
        response = other.get(path)
        assert response.status_code == 404, path
        assert "corrected.xlsx" not in response.text
    response = other.post(f"/school/uploads/{uid}/submit", data={"csrf": token})
    assert response.status_code == 404
    home = other.get("/school").text
    assert uid not in home and "corrected.xlsx" not in home and "本年新购" not in home
    # the owner still sees it
    assert school_a.get(f"/school/uploads/{uid}").status_code == 200


def test_another_school_never_gets_an_approved_school_report(submitted, app):
    bureau, school_a, uid = submitted
    post(bureau, f"/bureau/schools/{SCHOOL_A}/approve", f"/bureau/schools/{SCHOOL_A}")
    other = signed_in(app, SCHOOL_B)
    response = other.get("/school/report.pdf")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path",
    [
        "/logout",
        "/password",
        "/school/uploads/{upload}/submit",
        "/bureau/rounds",
        "/bureau/schools/{school}/approve",
        "/bureau/schools/{school}/return",
        "/bureau/schools/{school}/reopen",
        "/bureau/check",
        "/bureau/render",
    ],
)
def test_every_form_without_its_csrf_token_is_refused(submitted, path):
    bureau, school, uid = submitted
    who = bureau if path.startswith("/bureau") else school
    url = path.format(upload=uid, school=SCHOOL_A)
    response = who.post(url, data={"comment": "x", "year": "2025", "deadline": "2031-01-01"})
    assert response.status_code == 403
    assert "表单已过期" in response.text
    wrong = who.post(url, data={"csrf": "not-the-token", "comment": "x"})
    assert wrong.status_code == 403


def test_upload_without_its_csrf_token_is_refused_and_nothing_is_stored(submitted, db):
    bureau, school, uid = submitted
    with open(example_2024(SCHOOL_A), "rb") as handle:
        response = school.post("/school/upload", files={"workbook": ("a.xlsx", handle)})
    assert response.status_code == 403
    assert len(list((db.parent / "city-files" / "uploads").iterdir())) == 1


# --- the school's round -----------------------------------------------------------------------


def test_before_a_round_opens_the_school_can_neither_download_nor_upload(app):
    school = signed_in(app, SCHOOL_A)
    assert "尚未开启" in school.get("/school").text
    assert school.get("/school/template.xlsx").status_code == 404
    token = csrf_of(school.get("/school").text)
    with open(example_2024(SCHOOL_A), "rb") as handle:
        response = school.post(
            f"/school/upload?csrf={token}", files={"workbook": ("a.xlsx", handle)}
        )
    assert response.status_code == 409


def test_template_is_this_years_prefilled_with_the_schools_code_and_name(app, tmp_path):
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    response = school.get("/school/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / "t.xlsx"
    path.write_bytes(response.content)
    book = load_workbook(path)
    values = [c.value for row in book["基本信息"].iter_rows() for c in row]
    assert SCHOOL_A in values and "宜昌市机电工程学校" in values and 2024 in values


def test_upload_with_mistakes_shows_each_at_its_cell_and_the_annotated_copy(app, tmp_path):
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    page = upload(school, mistakes("dual-exceeds-professional.xlsx"))
    assert page.status_code == 200
    text = text_of(page)
    assert "师资队伍!C7" in text
    assert "“双师型”教师数不能超过专业课教师数" in text
    assert "提交给教育局审核" not in text  # errors cannot be submitted
    uid = upload_id(page)
    annotated = school.get(f"/school/uploads/{uid}/annotated.xlsx")
    path = tmp_path / "annotated.xlsx"
    path.write_bytes(annotated.content)
    book = load_workbook(path)
    assert "校验结果" in book.sheetnames
    assert book["师资队伍"]["C7"].comment is not None


def test_same_findings_as_validate(app, spec):
    from qualityreport.validate import validate_workbook

    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_B)
    page = text_of(upload(school, mistakes("bad-specialty-code.xlsx")))
    for finding in validate_workbook(mistakes("bad-specialty-code.xlsx"), spec).findings:
        assert finding.location in page
        assert finding.message_zh in page


def test_a_warning_needs_an_explanation_which_is_stored_with_the_submission(
    app, db, spec, tmp_path
):
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    corrected = with_wanyuan_warning(example_2024(SCHOOL_A), tmp_path / "corrected.xlsx")
    uid = upload_id(upload(school, corrected))
    page = school.get(f"/school/uploads/{uid}")
    assert "办学条件!C5" in text_of(page)
    empty = school.post(f"/school/uploads/{uid}/submit", data={"csrf": csrf_of(page.text)})
    assert empty.status_code == 400
    assert "请为每条警告填写说明" in empty.text
    assert submit_with_explanation(school, uid, "新建实训楼设备，数值无误").status_code == 200
    assert "已提交待审核" in school.get("/school").text
    with open_store(db, spec, read_only=True) as store:
        rows = store.rows("SELECT sheet, cell, code, text FROM explanations")
    # the school's text states the amount in 元, so the narrative check warns as well
    assert sorted(rows) == [
        ("办学条件", "C5", "value-unit-wanyuan", "新建实训楼设备，数值无误"),
        ("文字部分", "B8", "narrative-figure-mismatch", "新建实训楼设备，数值无误"),
    ]


def test_a_workbook_of_another_school_is_refused_without_storing_its_data(app, db, spec):
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    page = upload(school, example_2024(SCHOOL_B))
    assert "不是本校的工作簿" in page.text and SCHOOL_B in page.text
    with open_store(db, spec, read_only=True) as store:
        stored = store.scalar("SELECT count(*) FROM submissions WHERE year = 2024")
    assert stored == 0


def test_file_names_never_become_paths(app, db, spec):
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    page = upload(school, example_2024(SCHOOL_A), name="../../../../tmp/evil.xlsx")
    assert page.status_code == 200
    files = list((db.parent / "city-files" / "uploads").iterdir())
    assert len(files) == 1 and re.fullmatch(r"[0-9a-f]{32}\.xlsx", files[0].name)
    assert not Path("/tmp/evil.xlsx").exists()
    assert "evil.xlsx" in page.text and "../" not in page.text
    refused = upload(school, example_2024(SCHOOL_A), name="report.exe")
    assert refused.status_code == 409 and "只能上传 Excel" in refused.text


def test_an_upload_over_the_read_limit_is_refused_before_the_body_is_read(db, spec, tmp_path):
    app = create_app(db, spec=spec, limits=Limits(max_file_bytes=20_000))
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    big = tmp_path / "big.xlsx"
    big.write_bytes(example_2024(SCHOOL_A).read_bytes() + bytes(200_000))
    response = upload(school, big)
    assert response.status_code == 413
    assert "文件超过" in response.text
    assert not (db.parent / "city-files" / "uploads").exists()
    # within the envelope's allowance, the copy itself stops at the limit
    response = upload(school, example_2024(SCHOOL_A))  # ~40 KB
    assert response.status_code == 409 and "文件超过" in response.text
    assert list((db.parent / "city-files" / "uploads").iterdir()) == []


def test_a_corrupt_upload_gets_a_finding_not_a_traceback(app, tmp_path):
    open_round(signed_in(app, BUREAU))
    school = signed_in(app, SCHOOL_A)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    page = upload(school, broken)
    assert page.status_code == 200
    assert "Traceback" not in page.text
    assert "错误" in page.text


def test_a_malformed_request_gets_a_plain_page(app):
    school = signed_in(app, SCHOOL_A)
    open_round(signed_in(app, BUREAU))
    token = csrf_of(school.get("/school").text)
    response = school.post(
        f"/school/upload?csrf={token}",
        content=b"--x\r\nnot a multipart body",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code in (400, 409)
    assert "Traceback" not in response.text and 'File "' not in response.text


# --- the bureau's round -----------------------------------------------------------------------


def test_dashboard_shows_every_expected_school_with_its_state(submitted, app):
    bureau, school, uid = submitted
    page = text_of(bureau.get("/bureau"))
    assert "宜昌市机电工程学校" in page and "已提交待审核" in page
    assert "宜昌市商务学校" in page and "未提交" in page
    post(bureau, "/bureau/rounds", "/bureau", year="2024", deadline="2020-01-01")
    assert "逾期" in text_of(bureau.get("/bureau"))


def test_approval_locks_the_school_year_until_reopened_with_a_reason(submitted, db, spec):
    bureau, school, uid = submitted
    review = f"/bureau/schools/{SCHOOL_A}"
    assert "本年新购实训设备" in bureau.get(review).text  # the explanation, for the reviewer
    post(bureau, f"{review}/approve", review)
    assert "已审核" in text_of(bureau.get("/bureau"))
    refused = upload(school, example_2024(SCHOOL_A))
    assert refused.status_code == 409 and "已审核通过并锁定" in refused.text
    no_reason = post(bureau, f"{review}/reopen", review, comment=" ")
    assert no_reason.status_code == 409
    post(bureau, f"{review}/reopen", review, comment="学校申请更正在校生数")
    home = school.get("/school").text
    assert "已退回" in home and "学校申请更正在校生数" in home
    assert upload(school, example_2024(SCHOOL_A)).status_code == 200


def test_return_with_a_comment_reaches_the_school(submitted):
    bureau, school, uid = submitted
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/return", review, comment="请核实教学仪器设备总值的单位")
    home = text_of(school.get("/school"))
    assert "已退回" in home and "请核实教学仪器设备总值的单位" in home


def test_views_report_only_approved_versions_of_a_round_year(submitted, db, spec):
    bureau, school, uid = submitted

    def reported():
        with open_store(db, spec, read_only=True) as store:
            return store.rows("SELECT school_code FROM school_year WHERE year = 2024")

    assert reported() == []  # submitted, not approved
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/approve", review)
    assert reported() == [(SCHOOL_A,)]
    post(bureau, f"{review}/reopen", review, comment="更正")
    assert reported() == []


def test_findings_hit_list_counts_files_and_schools_per_rule(submitted, app):
    bureau, school_a, uid = submitted
    upload(school_a, mistakes("dual-exceeds-professional.xlsx"))
    school_b = signed_in(app, SCHOOL_B)
    upload(school_b, mistakes("bad-specialty-code.xlsx"))
    page = bureau.get("/bureau/findings").text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    dual = next(r for r in rows if "dual-exceeds-professional" in r)
    assert "“双师型”教师数不能超过专业课教师数" in dual
    assert re.findall(r'class="num">(\d+)<', dual) == ["1", "1"]
    assert any("specialty-code-malformed" in r and "宜昌市商务学校" in r for r in rows)


def test_audit_log_records_who_did_what_to_which_version(submitted):
    bureau, school, uid = submitted
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/approve", review)
    page = text_of(bureau.get("/bureau/audit"))
    for label in ("开启填报", "上传", "提交审核", "审核通过", "登录"):
        assert label in page
    assert re.search(rf"{BUREAU} 审核通过 {SCHOOL_A} 2024 1", page)


def test_bureau_downloads_the_submitted_workbook_and_the_target_export(submitted, tmp_path):
    bureau, school, uid = submitted
    workbook = bureau.get(f"/bureau/schools/{SCHOOL_A}/workbook")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/approve", review)
    checked = post(bureau, "/bureau/check", "/bureau/reports")
    assert checked.status_code == 200 and "达标" in checked.text
    export = bureau.get("/bureau/export.xlsx")
    path = tmp_path / "export.xlsx"
    path.write_bytes(export.content)
    assert {"汇总", "明细"} <= set(load_workbook(path).sheetnames)


def test_school_downloads_its_report_once_approved(submitted):
    bureau, school, uid = submitted
    assert school.get("/school/report.pdf").status_code == 404
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/approve", review)
    response = school.get("/school/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "宜昌市机电工程学校" in text


def test_reports_page_refuses_to_render_before_any_approval_and_names_files_exactly(submitted):
    bureau, school, uid = submitted
    refused = post(bureau, "/bureau/render", "/bureau/reports")
    assert refused.status_code == 409
    for name in ("..%2F..%2Fcity.duckdb", "city.duckdb", "%2Fetc%2Fpasswd"):
        assert bureau.get(f"/bureau/reports/{name}").status_code == 404


def test_serial_store_lets_a_reader_in_between_writes(db, spec):
    access = SerialStore(db, spec)
    with access.writing() as store:
        store.rows("SELECT 1")
    with open_store(db, spec, read_only=True) as other:
        assert other.scalar("SELECT count(*) FROM accounts") == 3


def test_a_returned_version_can_be_submitted_again_unchanged(submitted, tmp_path):
    bureau, school, uid = submitted
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/return", review, comment="请说明设备总值")
    again = upload(school, tmp_path / "corrected.xlsx")
    assert "内容完全相同" in again.text and "已提交，等待" not in again.text
    assert submit_with_explanation(school, upload_id(again), "已核实，数值无误").status_code == 200
    assert "已提交待审核" in text_of(school.get("/school"))
    assert "已核实，数值无误" in bureau.get(review).text


def test_reports_page_warns_while_schools_are_not_yet_approved(submitted):
    bureau, school, uid = submitted
    review = f"/bureau/schools/{SCHOOL_A}"
    post(bureau, f"{review}/approve", review)
    page = text_of(bureau.get("/bureau/reports"))
    assert "应报 2 所学校，已审核通过 1 所" in page
    assert "还有 1 所学校未审核通过" in page


def test_an_approved_school_year_stays_locked_for_a_command_line_ingest(
    submitted, app, db, tmp_path
):
    from click.testing import CliRunner

    from qualityreport.cli import cli

    bureau, _, _ = submitted
    post(bureau, f"/bureau/schools/{SCHOOL_A}/approve", f"/bureau/schools/{SCHOOL_A}")
    changed = tmp_path / "changed.xlsx"
    book = load_workbook(example_2024(SCHOOL_A))
    book["社会服务"]["C4"] = 4321  # 校企合作企业数: a figure its narrative does not state
    book.save(changed)

    def stored_versions() -> list[int]:
        with open_store(db, read_only=True) as store:
            return [
                v
                for (v,) in store.rows(
                    "SELECT version FROM submissions WHERE school_code = ? AND year = 2024 "
                    "AND status <> 'rejected' ORDER BY version",
                    [SCHOOL_A],
                )
            ]

    before = stored_versions()
    result = CliRunner().invoke(cli, ["ingest", str(changed), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "已审核锁定" in result.output and "Traceback" not in result.output
    assert stored_versions() == before
    post(
        bureau,
        f"/bureau/schools/{SCHOOL_A}/reopen",
        f"/bureau/schools/{SCHOOL_A}",
        comment="学校发现社会培训人次填错，重新开放修改。",
    )
    result = CliRunner().invoke(cli, ["ingest", str(changed), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert stored_versions() == [*before, before[-1] + 1]


def test_the_bureaus_check_judges_as_the_command_line_does(db, spec):
    """The round's check knows the city as `qualityreport check --config` does: a document that
    names schools as the city calls them (宜昌 task 6, by their aliases) is judged for them."""
    from qualityreport.check import check
    from qualityreport.city import load_city_config
    from qualityreport.collection.access import SerialStore
    from qualityreport.collection.accounts import get_account
    from qualityreport.collection.reports import run_check
    from qualityreport.store import expected_from_city
    from qualityreport.targets import load_target_sets

    city = load_city_config(Path(__file__).resolve().parents[1] / "examples" / "city.yaml")
    access = SerialStore(db, spec)
    with access.reading() as store:
        bureau = get_account(store, BUREAU)
    assert bureau is not None
    from_the_web = run_check(access, 2023, city, bureau)
    with open_store(db, spec) as store:
        from_the_command_line = check(
            store,
            load_target_sets(list(city.target_sets)),
            2023,
            dict(city.parameters),
            expected_schools=expected_from_city(city),
            city=city,
            save=False,
        )

    def verdicts(report):
        return sorted(
            (r.set_id, r.target_id, r.subject_id, r.met, r.reason) for r in report.results
        )

    assert verdicts(from_the_web) == verdicts(from_the_command_line)
    task_6 = [r for r in from_the_web.results if r.target_id == "task_6_teaching_conditions"]
    # the task table's column 三峡中专 is the configuration's alias of 4142050101
    assert ("4142050101", True) in [(r.subject_id, r.met) for r in task_6]
