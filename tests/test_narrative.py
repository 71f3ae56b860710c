"""The narrative cross-check: a number the school's text attaches to an indicator, against the
figure its own workbook gives — a warning at the narrative cell quoting both, silence where the
text agrees or the number may be about something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualityreport.validate import validate_paths, validate_workbook
from qualityreport.validate.narrative import claims

import published

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


# where a 2024 school writes about its teachers and conditions (the 2024 outline's 发展保障)
SECTION = "development_support"


def _warnings(tmp_path, spec, school, text, section=SECTION):
    path = published.write_school(tmp_path, spec, school, {section: text})
    result = validate_workbook(path, spec)
    assert result.submission is not None and result.submission.narratives[section] == text
    return [f for f in result.findings if f.code == "narrative-figure-mismatch"]


def test_the_dual_qualified_share_said_over_professional_teachers_is_caught(tmp_path, spec):
    """芜湖: “双师型教师14名，占专业课教师45%” while 14 of 17 专业课教师 is 82.4%."""
    [warning] = _warnings(tmp_path, spec, published.WUHU, published.WUHU_NARRATIVE)
    assert (warning.location, warning.severity) == ("文字部分!B8", "warning")
    assert warning.found == "双师型教师14名，占专业课教师45%"
    assert warning.expected == "82.4%"
    assert warning.message("zh") == (
        "“发展保障”部分写“双师型教师14名，占专业课教师45%”，按本表填报的数据，"
        "双师型教师占专业课教师比例为 82.4%；按“占专任和兼职教师”的口径为45.2%，"
        "与文字相符，请在文字中写明口径"
    )
    assert "82.4%" in warning.message("en") and "45%" in warning.message("en")


@pytest.mark.parametrize(
    "school, text",
    [
        (published.WUHU, "双师型教师14名，占专业课教师82.4%。"),
        (published.WUHU, "“双师型”教师14名，占专业课教师的比例为82%。"),  # rounded
        (published.WUHU, "双师型教师占专任教师的50%。"),  # the 口径 named: 14 ÷ 28
        (published.WUHU, "双师型教师占教职工的40%。"),  # a share of another count: 14 ÷ 35
        (published.WUHU, "专任教师28名，兼职教师3名，教职工35人。"),
        (published.ZHENAN, "学校有专任教师141人，“双师型”教师32人，占专任教师的22.7%。"),
        (published.ZHENAN, "生师比17.3:1（不含顶岗实习学生）。"),
        (published.ZHENAN, "师资充足，师生比为1:25.1。"),
        (
            published.ZHENAN,
            "高级职称教师50人，占专任教师的35.5%；本科及以上学历教师131人，占专任教师的92.9%。",
        ),
        (published.GUANGYUAN, "生均占地面积54.20平方米（不含顶岗实习学生）。"),
        (published.GUANGYUAN, "学校占地面积约93亩，在校生1738人。"),
        (published.GUANGYUAN, "学校占地面积62331平方米，毕业生588人。"),
    ],
)
def test_a_narrative_that_agrees_is_silent(tmp_path, spec, school, text):
    assert claims(text, spec, published.YEAR), "the text states figures the check reads"
    assert _warnings(tmp_path, spec, school, text) == []


@pytest.mark.parametrize(
    "text, why",
    [
        ("双师型教师比例较上年提高5%。", "a change, not the figure"),
        ("2021年双师型教师比例为45%。", "another year"),
        ("全市中职学校双师型教师比例为45%。", "the city, not the school"),
        ("力争双师型教师比例达到60%。", "a target"),
        ("双师型教师比例约为45%。", "an approximation"),
        ("在校生500余人。", "an approximation"),
        ("计算机应用专业就业率100%。", "a specialty"),
        ("双师型教师占全体教师的45%。", "a share of something the workbook does not count"),
        ("双师型教师45%以上。", "no share named, and not exact"),
        ("学校有45%的教师参加了企业实践。", "no indicator named before the number"),
        ("教师参加培训120人次，双师型教师14名。", "agrees; training is not an indicator"),
    ],
)
def test_numbers_that_may_be_about_something_else_are_left_alone(tmp_path, spec, text, why):
    assert _warnings(tmp_path, spec, published.WUHU, text) == [], why


@pytest.mark.parametrize(
    "school, text, found, expected",
    [
        (published.ZHENAN, "学校在校生3600人。", "在校生3600人", "3,539人"),
        (published.ZHENAN, "生师比为17.3:1。", "生师比为17.3:1", "25.1:1"),
        (published.ZHENAN, "双师型教师比例为22.7%。", "双师型教师比例为22.7%", "41.0%"),
        (published.GUANGYUAN, "生均占地面积54.20平方米。", "生均占地面积54.20平方米", "35.9平方米"),
        (published.SHANGHAI[0], "本学年毕业生5614人，就业率为99%。", "就业率为99%", "96.3%"),
    ],
)
def test_a_number_that_differs_is_quoted_beside_the_workbooks_figure(
    tmp_path, spec, school, text, found, expected
):
    [warning] = _warnings(tmp_path, spec, school, text)
    assert (warning.found, warning.expected) == (found, expected)


def test_the_second_figure_a_narrative_agrees_with_is_named(tmp_path, spec):
    [warning] = _warnings(tmp_path, spec, published.ZHENAN, "生师比为17.3:1。")
    assert "按“不含顶岗实习学生”的口径为17.3:1，与文字相符，请在文字中写明口径" in warning.message(
        "zh"
    )


def test_every_claim_in_the_example_city_agrees_and_none_is_flagged(spec):
    """The example narratives state figures in every section: hundreds of checks, no alarm."""
    checked = 0
    for result in validate_paths([EXAMPLES / "city"], spec):
        flagged = [f for f in result.findings if f.code == "narrative-figure-mismatch"]
        assert flagged == [], result.file
        submission = result.submission
        for text in submission.narratives.values():
            checked += len(claims(text, spec, submission.year))
    assert checked > 300


def test_a_long_narrative_full_of_numbers_is_checked_in_bounded_time(tmp_path, spec):
    import time

    text = "在校生3539人，生师比25.1:1，" * 1500  # 30,000 characters in one sentence
    path = published.write_school(tmp_path, spec, published.ZHENAN, {SECTION: text[:10_000]})
    started = time.perf_counter()
    result = validate_workbook(path, spec)
    assert time.perf_counter() - started < 10
    assert not [f for f in result.findings if f.code == "narrative-figure-mismatch"]
