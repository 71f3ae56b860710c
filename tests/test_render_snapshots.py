"""HTML snapshots of the report templates (as great-tables keeps them): a school report and the
city report rendered from fixed data, compared with the committed copies in tests/snapshots/.

After an intended change to a template or a view, write the new snapshots with
`QUALITYREPORT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_render_snapshots.py`
and read the diff before committing it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qualityreport.render.pdf import Options, city_report_html, school_report_html
from qualityreport.render.report_data import load_city_report_data, load_school_report_data
from qualityreport.store import ingest, open_store

from synthetic import make_result

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("QUALITYREPORT_UPDATE_SNAPSHOTS") == "1"
OPTIONS = Options(font_families=("Noto Sans CJK SC", "Noto Serif CJK SC"))


def _normalised(html: str) -> str:
    """What may differ between machines: the chart pictures, the stylesheet's path, the fonts."""
    html = re.sub(r'src="data:image/svg\+xml;base64,[^"]*"', 'src="[chart]"', html)
    html = re.sub(r'href="file://[^"]*/report\.css"', 'href="report.css"', html)
    return re.sub(r"font-family: [^;]*;", "font-family: [fonts];", html)


def _compare(name: str, html: str) -> None:
    path = SNAPSHOTS / name
    html = _normalised(html)
    if UPDATE or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path} did not exist and was written: commit it")
        return
    assert html == path.read_text(encoding="utf-8"), (
        f"{name} changed; if intended, rerun with QUALITYREPORT_UPDATE_SNAPSHOTS=1"
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory, spec):
    """Three schools over two years, from the synthetic baseline (no workbook, no dates)."""
    db = tmp_path_factory.mktemp("snapshots") / "fixed.duckdb"
    results = []
    for n, name in enumerate(
        ("宜昌市三峡中等专业学校", "夷陵区职业教育中心", "宜都市职业教育中心")
    ):
        for year in (2023, 2024):
            values = {
                "county": ("西陵区", "夷陵区", "宜都市")[n],
                "students_enrolled": 1800 + 300 * n + 40 * (year - 2023),
                "teachers_dual_qualified": 30 + 3 * n + (year - 2023),
                "equipment_value": 8_000_000 + 1_500_000 * n + 200_000 * (year - 2023),
            }
            texts = {"talent_cultivation": f"{name}{year}年人才培养工作稳步推进。"}
            if n == 0:
                texts["case_1"] = "校企共建产业学院\n学校与企业共建产业学院，学生在真实岗位学习。"
            results.append(
                make_result(
                    spec,
                    f"42050000{n + 1:02d}",
                    year,
                    school_name=name,
                    values=values,
                    narratives=texts,
                )
            )
    with open_store(db, spec) as writable:
        ingest(writable, results)
    return db


def test_school_report_html_matches_its_snapshot(store):
    with open_store(store, read_only=True) as reading:
        data = load_school_report_data(reading, "4205000001", 2024)
    _compare("school-2024.html", school_report_html(data, options=OPTIONS))


def test_city_report_html_matches_its_snapshot(store):
    with open_store(store, read_only=True) as reading:
        data = load_city_report_data(reading, 2024)
    _compare("city-2024.html", city_report_html(data, options=OPTIONS))
