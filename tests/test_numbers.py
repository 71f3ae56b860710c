"""The one number vocabulary: values, thresholds, changes and gaps as every output prints them."""

from qualityreport.numbers import (
    comparison_text,
    delta_text,
    format_gap,
    format_threshold,
    format_value,
    shown,
)


def test_values_with_their_units():
    assert format_value(0.5634, "percent") == "56.3%"
    assert format_value(15.24, "ratio") == "15.2:1"
    assert format_value(1234, "人") == "1,234人"
    assert format_value(35_123_456, "元") == "3,512.3万元"
    assert format_value(8235.4, "元") == "8,235元"
    assert format_value(None, "人") == "—"
    assert format_value(float("nan"), "percent") == "—"
    assert format_value(1234, "人", "en") == "1,234"
    assert format_value(35_123_456, "元", "en") == "35.12 million yuan"


def test_thresholds_drop_needless_decimals():
    assert format_threshold(0.1, "percent") == "10%"
    assert format_threshold(0.125, "percent") == "12.5%"
    assert format_threshold(20, "ratio") == "20:1"
    assert comparison_text("gt", 0.5, "percent") == "> 50%"
    assert comparison_text("le", 20, "ratio") == "≤ 20:1"


def test_changes_are_the_difference_of_the_printed_values():
    assert delta_text(0.563, 0.522, "percent") == "+4.1个百分点"
    assert delta_text(0.5, 0.5004, "percent") == "持平"
    assert delta_text(1234, 1250, "人") == "−16人"
    assert delta_text(1, None, "人") == "—"
    assert shown(0.5634, "percent") == 56.3


def test_gaps_between_percentages_are_percentage_points():
    assert format_gap(0.886, 0.9, "percent") == "−1.4个百分点"
    assert format_gap(0.92, 0.9, "percent", "en") == "+2.0 pp"
    assert format_gap(1080, 1200, "人") == "−120人"
    assert format_gap(None, 1200, "人") == "—"


def test_a_gap_is_the_difference_of_the_printed_numbers():
    # 2,276元 printed, 2,500元 the line: the gap is 224元, not 223.9元
    assert format_value(2276.1, "元") == "2,276元"
    assert format_gap(2276.1, 2500, "元") == "−224元"
    assert format_gap(22.37, 20, "ratio") == "+2.4"
    assert format_gap(28.14, 30, "册") == "−1.9册"
    assert delta_text(1_580_000, 1_726_000, "元") == "−14.6万元"


def test_one_scale_for_a_row():
    from qualityreport.numbers import scale_for

    row = scale_for("元", 1_580_000, 1_726_000)
    assert [row.text(1_580_000), row.text(1_726_000)] == ["158万元", "172.6万元"]
    assert row.change(1_580_000, 1_726_000) == "−14.6万元"
    # money of 1万 or more anywhere in a row puts the whole row in 万元
    assert scale_for("元", 9_000, 15_000).text(9_000) == "0.9万元"
    assert format_value(3_000_000, "元") == "300万元"
    assert format_threshold(3_000_000, "元") == "300万元"
    # a fraction anywhere gives the row one decimal; the change is the printed difference
    books = scale_for("册", 43.74, 42.84)
    assert (books.text(43.74), books.text(42.84), books.change(43.74, 42.84)) == (
        "43.7册",
        "42.8册",
        "+0.9册",
    )
