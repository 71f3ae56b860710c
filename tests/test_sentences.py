"""Generated report sentences: the comparison a target declares, in words that fit it; changes
in 个百分点 for percents and 增加/减少 for counts, from the values as printed."""

import pytest

from qualityreport.check.results import TargetResult
from qualityreport.render.sentences import (
    change_phrase,
    compare_phrase,
    describe,
    join_clauses,
    sentence_target,
    verdict,
)


def target(threshold, comparison="ge", *, level="市定目标", indicator="dual_qualified_ratio", **kw):
    values = dict(
        set_id="yichang",
        target_id="t",
        name="目标",
        name_en="target",
        clause="",
        scope="school",
        subject_id="1",
        subject_name="学校",
        value=kw.pop("value", 0.6),
        threshold=threshold,
        comparison=comparison,
        met=kw.pop("met", True),
        gap=None,
        required=True,
        severity="error",
        level=level,
        indicator=indicator,
        unit=kw.pop("unit", "percent"),
    )
    values.update(kw)
    return TargetResult(**values)


def test_the_example_sentence():
    assert describe(
        "本校",
        "“双师型”教师占专业课教师比例",
        0.563,
        "percent",
        target=target(0.5, "gt"),
        previous=0.522,
    ) == ("本校“双师型”教师占专业课教师比例为56.3%，超过市定目标50%，较上年提高4.1个百分点。")


@pytest.mark.parametrize(
    "value, comparison, words",
    [
        (0.563, "ge", "高于市定目标50%"),
        (0.42, "ge", "低于市定目标50%"),
        (0.5, "ge", "达到市定目标50%"),
        (0.5, "gt", "等于市定目标50%，未超过"),
        (0.563, "gt", "超过市定目标50%"),
    ],
)
def test_words_fit_the_comparison(value, comparison, words):
    assert compare_phrase(value, target(0.5, comparison), "percent") == words


def test_a_ceiling_is_named_as_one():
    line = target(20, "le", level="国家标准", indicator="student_teacher_ratio", unit="ratio")
    assert compare_phrase(21.3, line, "ratio") == "超过国家标准上限20:1"
    assert compare_phrase(15.2, line, "ratio") == "低于国家标准上限20:1"
    assert (
        describe("本校", "生师比", 15.24, "ratio", target=line, previous=15.5)
        == "本校生师比为15.2:1，低于国家标准上限20:1，较上年下降0.3。"
    )


def test_a_value_next_to_the_line_prints_enough_digits_not_to_look_equal():
    said = describe("本校", "比例", 0.49996, "percent", target=target(0.5, "ge", met=False))
    assert "低于市定目标50%" in said and "50.0%" not in said


def test_only_a_target_declared_on_the_indicator_is_compared():
    other = target(0.1, "ge", indicator="specialty_adjustment_ratio")
    assert sentence_target("dual_qualified_ratio", [other]) is None
    national = target(0.3, "ge", level="国家标准")
    city = target(0.5, "gt")
    assert sentence_target("dual_qualified_ratio", [national, city]) is city
    not_applicable = target(0.5, "gt", met=None, reason="not-applicable")
    assert sentence_target("dual_qualified_ratio", [not_applicable, national]) is national
    last_year = target(0.4, "gt", baseline="previous_year")
    assert sentence_target("dual_qualified_ratio", [last_year]) is None


def test_percent_changes_in_percentage_points():
    assert change_phrase(0.563, 0.522, "percent") == "较上年提高4.1个百分点"
    assert change_phrase(0.50, 0.53, "percent") == "较上年下降3.0个百分点"
    assert change_phrase(0.5, 0.5, "percent") == "与上年持平"
    assert change_phrase(0.563, 0.522, "percent", since="2023年") == "较2023年提高4.1个百分点"


def test_counts_and_money_change_as_printed():
    assert change_phrase(1234, 1250, "人") == "较上年减少16人"
    assert change_phrase(1300, 1250, "人") == "较上年增加50人"
    assert change_phrase(20, 20, "项") == "与上年持平"
    assert change_phrase(43.74, 42.84, "册") == "较上年增加0.9册"
    assert change_phrase(1_580_000, 1_726_000, "元") == "较上年减少14.6万元"


def test_missing_values():
    assert describe("本校", "就业率", None, "percent") == "本校就业率暂无数据。"


def test_english():
    assert describe(
        "The school's",
        "Employment rate",
        0.95,
        "percent",
        target=target(0.9, "ge", indicator="employment_rate"),
        previous=0.96,
        lang="en",
    ) == (
        "The school's employment rate was 95.0%, above the city target 90%, "
        "down 1.0 percentage points on the previous year."
    )
    assert verdict(True, "en") == "met" and verdict(None) == "无数据" and verdict(False) == "未达成"


def test_a_verdict_says_why_there_is_none():
    assert verdict(target(0.5, met=None, reason="not-applicable")) == "不适用"
    early = target(0.5, met=None, reason="before-deadline", deadline=2025)
    assert verdict(early) == "未到考核年度（2025年）"


def test_clauses_join_into_one_paragraph():
    assert (
        join_clauses(["本校在校生数为10人。", "招生数为5人。"])
        == "本校在校生数为10人；招生数为5人。"
    )
