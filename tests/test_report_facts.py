"""What the example city's PDFs say, read back as the bureau's editor reads them: every sentence
that compares a figure with a target names a target the city chose, for that subject and that
indicator, with the value and line stored in latest_target_results; no row or sentence mixes 万元
and 元; every printed change is the difference of the printed values."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from qualityreport.render import render_city_report, render_school_report
from qualityreport.render.report_data import printed_set_ids
from qualityreport.store import open_store
from qualityreport.targets import load_target_sets

from test_render import EXAMPLES, city_store

SCHOOLS = ("4142050101", "4142052701", "4142050211")  # 三峡中专, 秭归 (at 50% in 2023), 艺术学校
YEARS = (2023, 2024)
LEVELS = "国家标准|国家目标|省定标准|省定目标|市定标准|市定目标"
COMPARISON = re.compile(
    r"(?P<label>[^，；。：]+?)为(?P<value>[−\d][^，；。]*?)，"
    r"(?P<word>高于|低于|达到|超过|等于)(?P<level>" + LEVELS + r")(?P<ceiling>上限)?"
    r"(?P<line>\d[\d,.]*(?::1|%|万元|元|平方米|人次|人|册|项|个)?)"
)
NUMBER = re.compile(r"^(?P<sign>[+−-])?(?P<n>\d[\d,]*(?:\.\d+)?)(?P<unit>.*)$")


@pytest.fixture(scope="module")
def city():
    from qualityreport.city import load_city_config

    return load_city_config(EXAMPLES / "city.yaml")


@pytest.fixture(scope="module")
def reports(tmp_path_factory, city):
    """(year, subject, pdf): the city report and three school reports of each year."""
    folder = tmp_path_factory.mktemp("facts")
    db = city_store(folder / "city.duckdb")
    made = []
    for year in YEARS:
        out = folder / f"city-{year}.pdf"
        made.append((year, "city", render_city_report(db, year, out, city=city).output))
        for code in SCHOOLS:
            out = folder / f"{code}-{year}.pdf"
            made.append((year, code, render_school_report(db, code, year, out, city=city).output))
    return db, made


def _clauses(pdf: Path) -> list[str]:
    """The report's running text, page headers and footers removed, cut at 。 and ；."""
    pages = []
    for page in PdfReader(pdf).pages:
        lines = page.extract_text().splitlines()
        lines = [x for x in lines if not re.fullmatch(r"第 \d+ 页 共 \d+ 页", x.strip())]
        pages.append("".join(x for x in lines if "质量年度报告（" not in x))
    return [c for c in re.split(r"[。；]", "".join(pages)) if c]


def _number(text: str) -> tuple[float, str]:
    """1,234人 → (1234, 人); 56.3% → (56.3, %); 15.2:1 → (15.2, :1); 300万元 → (300, 万元)."""
    found = NUMBER.match(text.strip())
    assert found, text
    value = float(found["n"].replace(",", ""))
    return (-value if found["sign"] in ("−", "-") else value), found["unit"]


def _decimals(text: str) -> int:
    found = re.search(r"\.(\d+)", text)
    return len(found.group(1)) if found else 0


def _in_unit(value: float, unit: str, printed_unit: str) -> float:
    if unit == "percent":
        return value * 100
    if printed_unit == "万元":
        return value / 10_000
    return value


def test_every_comparison_names_a_chosen_target_with_its_stored_value_and_line(reports, city):
    db, made = reports
    chosen = printed_set_ids(city)
    checked = 0
    with open_store(db, read_only=True) as store:
        names = {i.name: i.id for i in store.spec.indicators}
        names |= {d.name: d.id for d in store.spec.derived}
        rows = store.rows(
            "SELECT year, scope, subject_id, indicator, level, value, threshold, comparison, "
            "unit, set_id, met FROM latest_target_results"
        )
    for year, subject, pdf in made:
        for clause in _clauses(pdf):
            found = COMPARISON.search(clause)
            if not found:
                continue
            # the indicator's name is what the text before 为 ends with
            named = [n for n in names if found["label"].endswith(n)]
            assert named, (pdf.name, clause)
            indicator = names[max(named, key=len)]
            value, value_unit = _number(found["value"])
            line, line_unit = _number(found["line"])
            scope = "city" if subject == "city" else "school"
            candidates = [
                r
                for r in rows
                if r[0] == year
                and r[1] == scope
                and (scope == "city" or r[2] == subject)
                and r[3] == indicator
                and r[4] == found["level"]
                and r[9] in chosen
                and r[6] is not None
                and abs(_in_unit(r[6], r[8], line_unit) - line) < 1e-6
            ]
            assert candidates, (pdf.name, clause)
            target = candidates[0]
            digits = _decimals(found["value"])
            assert (
                abs(_in_unit(target[5], target[8], value_unit) - value) <= 0.5 * 10**-digits + 1e-9
            ), clause
            assert bool(found["ceiling"]) == (target[7] in ("le", "lt")), clause
            word = found["word"]
            stored, at = target[5], target[6]
            if word in ("高于", "超过"):
                assert stored > at, clause
            elif word == "低于":
                assert stored < at, clause
            else:
                assert abs(stored - at) <= 1e-9 * max(1, abs(at)), clause
            checked += 1
    assert checked >= 10  # the reports do compare figures with targets


def test_at_a_strict_line_the_sentence_says_so(reports):
    """秭归's 双师型 share is exactly 50% in 2023, and the 宜昌 plan asks for more than 50%."""
    _, made = reports
    pdf = next(p for year, code, p in made if (year, code) == (2023, "4142052701"))
    text = "".join(_clauses(pdf))
    assert "等于市定目标50%，未超过" in text


def test_no_set_the_city_did_not_choose(reports, city):
    _, made = reports
    chosen = set(printed_set_ids(city) or ())
    others = [s for s in load_target_sets() if s.id not in chosen]
    assert others
    for _, _, pdf in made:
        text = "".join(_clauses(pdf))
        for other in others:
            assert other.name not in text, (pdf.name, other.id)
            assert other.source not in text, (pdf.name, other.id)


def _layout_lines(pdf: Path) -> list[str]:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()


def test_units_and_changes_read_as_printed(reports):
    """Key-figure rows: value and last year in one unit, the change their printed difference;
    no sentence clause mixes 万元 and 元."""
    db, made = reports
    with open_store(db, read_only=True) as store:
        names = {i.name for i in store.spec.indicators} | {d.name for d in store.spec.derived}
    rows_checked = 0
    for _, _, pdf in made:
        for clause in _clauses(pdf):
            sentence = re.search(r"(本校|全市)[^\s，]*?为[^\s]*$", clause)
            if sentence:  # a generated sentence: one indicator, one unit
                said = sentence.group(0)
                assert not ("万元" in said and re.search(r"(?<!万)\d元", said)), said
        for line in _layout_lines(pdf):
            cells = re.split(r"\s{2,}", line.strip())
            if len(cells) != 5 or cells[0] not in names or "—" in cells[1:3]:
                continue
            if not all(re.match(r"[−-]?\d", c) for c in cells[1:3]):
                continue  # a header row that starts with an indicator's name
            (value, unit), (previous, previous_unit) = _number(cells[1]), _number(cells[2])
            assert unit == previous_unit, line
            if cells[3] == "持平":
                change = 0.0
            else:
                change, change_unit = _number(cells[3])
                # percents change in 个百分点, ratios (15.2:1) in plain numbers
                assert change_unit == {"%": "个百分点", ":1": ""}.get(unit, unit), line
            digits = max(_decimals(cells[1]), _decimals(cells[2]))
            assert round(value - previous, digits) == round(change, digits), line
            rows_checked += 1
    assert rows_checked >= 40
