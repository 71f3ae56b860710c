"""The finding catalogue: every code complete in both languages, messages filled, values shown safely."""

from __future__ import annotations

import re
import string

import pytest

from qualityreport.findings import CATALOGUE, FOUND_MAX, SEVERITIES, Finding, make_finding

# Values only the Chinese message carries: the field's definition, written in Chinese.
ZH_ONLY = {"hint"}


def _fields(template: str) -> set[str]:
    """The values a message template takes, a language-specific one (rule_zh, format_en) by the
    name it has in both languages."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {re.sub(r"_(zh|en)$", "", name) for name in names} - {"label"} - ZH_ONLY


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_is_complete_in_both_languages(code):
    kind = CATALOGUE[code]
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", code)
    assert kind.code == code and kind.severity in SEVERITIES
    assert kind.title_zh and kind.title_en and kind.template_zh and kind.template_en
    assert re.search(r"[\u4e00-\u9fff]", kind.template_zh), "the Chinese message is Chinese"
    # both languages say the same things: the same values fill both messages
    assert _fields(kind.template_zh) == _fields(kind.template_en)


def test_a_finding_fills_its_messages_and_says_where_it_is():
    finding = make_finding(
        "value-not-number",
        "school.xlsx",
        sheet="师资队伍",
        cell="C8",
        indicator="teachers_part_time",
        label="兼职教师数",
        label_en="Part-time teachers",
        found="暂无统计",
    )
    assert isinstance(finding, Finding)
    assert finding.location == "师资队伍!C8"
    assert "兼职教师数" in finding.message("zh") and "暂无统计" in finding.message("zh")
    assert "Part-time teachers" in finding.message("en")
    assert finding.to_dict()["location"] == "师资队伍!C8"


def test_a_table_finding_points_at_its_row():
    finding = make_finding(
        "specialty-code-malformed", "s.xlsx", sheet="专业设置", row=5, found="73070"
    )
    assert finding.location == "专业设置!5:5"


def test_found_values_are_shown_safely():
    huge = make_finding("value-not-number", "s.xlsx", label="x", found=1e308)
    assert huge.found == "1e+308" and len(huge.found) < 20
    whole = make_finding("value-not-number", "s.xlsx", label="x", found=45.0)
    assert whole.found == "45"
    long = make_finding("value-not-number", "s.xlsx", label="x", found="字" * (FOUND_MAX + 50))
    assert len(long.found) == FOUND_MAX + 1 and long.found.endswith("…")
    hidden = make_finding("value-not-number", "s.xlsx", label="x", found="abc\u202edef")
    assert hidden.found == "abc<U+202E>def"
