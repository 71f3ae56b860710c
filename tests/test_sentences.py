"""Generated report sentences: 高于/低于/持平, 个百分点 for percents, 增加/减少 for counts."""

import pytest

from qualityreport.render.sentences import (
    change_phrase,
    compare_phrase,
    describe,
    join_clauses,
    verdict,
)


def test_the_example_sentence():
    assert describe(
        "本校",
        "“双师型”教师占专业课教师比例",
        0.563,
        "percent",
        target=0.5,
        target_label="市定目标",
        previous=0.522,
    ) == ("本校“双师型”教师占专业课教师比例为56.3%，高于市定目标50%，较上年提高4.1个百分点。")


@pytest.mark.parametrize(
    "value, target, word",
    [
        (0.563, 0.5, "高于"),
        (0.42, 0.5, "低于"),
        (0.5, 0.5, "持平"),
        (0.50004, 0.5, "持平"),
    ],
)
def test_compared_with_a_target(value, target, word):
    assert word in compare_phrase(value, target, "percent", "市定目标")


def test_percent_changes_in_percentage_points():
    assert change_phrase(0.563, 0.522, "percent") == "较上年提高4.1个百分点"
    assert change_phrase(0.50, 0.53, "percent") == "较上年下降3.0个百分点"
    assert change_phrase(0.5, 0.5, "percent") == "与上年持平"
    assert change_phrase(0.563, 0.522, "percent", since="2023年") == "较2023年提高4.1个百分点"


def test_counts_increase_and_decrease():
    assert change_phrase(1234, 1250, "人") == "较上年减少16人"
    assert change_phrase(1300, 1250, "人") == "较上年增加50人"
    assert change_phrase(20, 20, "项") == "与上年持平"


def test_ratio_and_money():
    assert (
        describe(
            "本校", "生师比", 15.24, "ratio", target=20, target_label="国家标准", previous=15.5
        )
        == "本校生师比为15.2:1，低于国家标准20:1，较上年下降0.3。"
    )


def test_missing_values():
    assert describe("本校", "就业率", None, "percent") == "本校就业率暂无数据。"


def test_english():
    assert describe(
        "The school's",
        "Employment rate",
        0.95,
        "percent",
        target=0.9,
        target_label="city target",
        previous=0.96,
        lang="en",
    ) == (
        "The school's employment rate was 95.0%, above the city target of 90%, "
        "down 1.0 percentage points on the previous year."
    )
    assert verdict(True, "en") == "met" and verdict(None) == "无数据" and verdict(False) == "未达成"


def test_clauses_join_into_one_paragraph():
    assert (
        join_clauses(["本校在校生数为10人。", "招生数为5人。"])
        == "本校在校生数为10人；招生数为5人。"
    )
