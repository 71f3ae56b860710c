"""The whole collection round in a real browser (Debian's chromium driven by Playwright).

Set QUALITYREPORT_SCREENSHOTS=docs/img to keep the screenshots the README shows.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from web_round import (
    BUREAU,
    PASSWORD,
    SCHOOL_A,
    build_database,
    example_2024,
    mistakes,
    with_wanyuan_warning,
)

CHROMIUM = "/usr/bin/chromium"
# As root the sandbox must be off; the rest keeps chromium from calling out on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=zh-CN",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "browser tests need chromium and playwright (scripts/setup.sh installs them)"
            )
        pytest.skip("chromium or playwright missing: run scripts/setup.sh as root")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, spec):
    import uvicorn

    from qualityreport.city import load_city_config
    from qualityreport.store.serving import serving
    from qualityreport.web import create_app

    db = build_database(tmp_path / "city.duckdb", spec)
    city = load_city_config(Path(__file__).resolve().parents[1] / "examples" / "city.yaml")
    port = _free_port()
    with serving(db):
        app = create_app(db, city=city, spec=spec)
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        running = uvicorn.Server(config)
        thread = threading.Thread(target=running.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not running.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        running.should_exit = True
        thread.join(timeout=10)


class Shots:
    """Screenshots into the test's folder, and into QUALITYREPORT_SCREENSHOTS when set."""

    def __init__(self, folder: Path):
        self.folder = folder
        keep = os.environ.get("QUALITYREPORT_SCREENSHOTS")
        self.keep = Path(keep) if keep else None

    def take(self, page, name: str) -> Path:
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if self.keep:
            self.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, self.keep / path.name)
        return path


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _sign_in(page, base: str, login: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_the_whole_round_in_a_browser(server, tmp_path):
    sync_playwright = _browser_or_skip()
    shots = Shots(tmp_path)
    corrected = with_wanyuan_warning(example_2024(SCHOOL_A), tmp_path / "机电工程学校-2024.xlsx")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        bureau = browser.new_context(viewport=DESK, locale="zh-CN").new_page()
        school = browser.new_context(
            viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
        ).new_page()

        # the bureau opens the round
        _sign_in(bureau, server, BUREAU)
        bureau.fill("#year", "2024")
        bureau.fill("#deadline", "2030-12-31")
        bureau.click("button:has-text('开启填报')")
        assert "2024 年度填报进度" in bureau.inner_text("h1")
        assert "未提交" in bureau.inner_text("table")

        # the school signs in on a phone and gets its pre-filled template
        _sign_in(school, server, SCHOOL_A)
        assert "宜昌市机电工程学校" in school.inner_text("h1")
        assert _fits_the_screen(school)
        shots.take(school, "web-school-phone")
        with school.expect_download() as download:
            school.click("a:has-text('下载 2024 年度填报模板')")
        template = tmp_path / "template.xlsx"
        download.value.save_as(template)
        assert load_workbook(template)["基本信息"]["C3"].value == SCHOOL_A

        # a workbook with a mistake: shown at its cell, annotated copy to download
        school.set_input_files("#workbook", str(mistakes("dual-exceeds-professional.xlsx")))
        school.click("button:has-text('上传并校验')")
        findings = school.inner_text("ul.findings")
        assert "师资队伍!C7" in findings
        assert "“双师型”教师数不能超过专业课教师数" in findings
        assert school.locator("button:has-text('提交给教育局审核')").count() == 0
        assert _fits_the_screen(school)
        shots.take(school, "web-findings-phone")
        with school.expect_download() as download:
            school.click("a:has-text('下载标注了问题的工作簿')")
        annotated = tmp_path / "annotated.xlsx"
        download.value.save_as(annotated)
        assert "校验结果" in load_workbook(annotated).sheetnames

        # the corrected workbook has two warnings (the 万元-looking value, and the school's text
        # that states it in 元): each explained, then submitted
        school.goto(f"{server}/school")
        school.set_input_files("#workbook", str(corrected))
        school.click("button:has-text('上传并校验')")
        assert "办学条件!C5" in school.inner_text("ul.findings")
        assert school.locator("[id^=explain-]").count() == 2
        school.fill("#explain-0", "本年新建实训楼，设备总值已按元核实无误。")
        school.fill("#explain-1", "设备总值以本表为准。")
        assert _fits_the_screen(school)
        shots.take(school, "web-explain-phone")
        school.click("button:has-text('提交给教育局审核')")
        assert "已提交待审核" in school.inner_text("main")

        # the bureau reviews the explanation and approves
        bureau.goto(f"{server}/bureau/schools/{SCHOOL_A}")
        assert "本年新建实训楼" in bureau.inner_text("main")
        shots.take(bureau, "web-review")
        bureau.click("button:has-text('审核通过')")
        assert "已审核" in bureau.inner_text("main")

        # the school-year is locked: no upload form, and a posted upload is refused
        school.goto(f"{server}/school")
        assert "已审核通过并锁定" in school.inner_text("main")
        assert school.locator("#workbook").count() == 0
        token = school.get_attribute("input[name=csrf]", "value")
        refused = school.request.post(
            f"{server}/school/upload?csrf={token}",
            multipart={
                "workbook": {
                    "name": corrected.name,
                    "mimeType": "application/octet-stream",
                    "buffer": corrected.read_bytes(),
                }
            },
        )
        assert refused.status == 409 and "锁定" in refused.text()

        # the dashboard shows the school approved
        bureau.goto(f"{server}/bureau")
        row = bureau.locator("tr", has_text="宜昌市机电工程学校")
        assert "已审核" in row.inner_text()
        shots.take(bureau, "web-dashboard")
        bureau.goto(f"{server}/bureau/findings")
        assert "dual-exceeds-professional" in bureau.inner_text("table")
        browser.close()
