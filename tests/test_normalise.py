"""What people type into cells, read as values with a note of what was changed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualityreport.normalise import normalise_number, normalise_text, read_number, read_text


@pytest.mark.parametrize(
    "text, integer, value, changed",
    [
        ("45", True, 45, False),
        ("45.0", True, 45, False),
        ("４５", True, 45, True),
        ("1,234", True, 1234, True),
        ("1，234", True, 1234, True),
        (" 12 ", True, 12, True),
        ("\u3000１２\u3000", True, 12, True),
        ("无", True, 0, True),
        ("——", True, 0, True),
        ("12.5", False, 12.5, False),
        ("1e3", False, 1000, False),
        ("\u200f45", True, 45, True),
        (None, True, None, False),
        ("   ", True, None, False),
    ],
)
def test_numbers_people_type(text, integer, value, changed):
    result = normalise_number(text, integer=integer)
    assert result.problem is None
    assert result.value == value
    assert bool(result.how) == changed


def test_the_fields_own_unit_is_removed():
    result = normalise_number("1200平方米", integer=False, unit="平方米")
    assert (result.value, result.how) == (1200, ("去掉单位“平方米”",))


@pytest.mark.parametrize(
    "text, integer, problem",
    [
        ("45%", True, "value-percent-in-count"),
        ("４５％", True, "value-percent-in-count"),
        ("45.5", True, "value-not-integer"),
        ("0.56", True, "value-not-integer"),
        ("abc", True, "value-not-number"),
        ("nan", False, "value-not-number"),
        ("inf", False, "value-not-number"),
        ("1e999", False, "value-not-number"),
        ("2024-01-02 00:00:00", True, "value-not-number"),
        ("12 345 678", True, None),
    ],
)
def test_what_cannot_be_a_count(text, integer, problem):
    assert normalise_number(text, integer=integer).problem == problem


def test_codes_lose_full_width_digits_and_excel_float_tails():
    assert normalise_text("４２０５０００００１", digits=True).value == "4205000001"
    assert normalise_text("710201.0", digits=True).value == "710201"
    assert normalise_text(" 宜昌市商务学校 ").value == "宜昌市商务学校"
    assert normalise_text("无").value is None


@given(st.text(max_size=40))
def test_any_text_gives_a_value_or_a_problem_never_an_exception(text):
    for integer in (True, False):
        result = normalise_number(text, integer=integer)
        assert (result.value is None) or (result.problem is None)
        if result.problem is None and result.value is not None:
            assert isinstance(result.value, int | float)


@given(st.integers(min_value=0, max_value=10**12))
def test_every_whole_number_reads_back_as_itself(number):
    assert normalise_number(str(number), integer=True).value == number
    assert normalise_number(f"{number:,}", integer=True).value == number


# What cells hold, and what a clerk adds to it: the shortcuts for plain cells must read every
# text exactly as the full steps do.
_CELL_TEXT = st.one_of(
    st.text(max_size=24),
    st.text(alphabet="0123456789 ,.-%元人无—\u3000\xa0\u200b０１２", max_size=20),
    st.integers(min_value=-(10**17), max_value=10**17).map(str),
    st.sampled_from(["", " ", "无", "-", "710201.0", "7102010.0", "４５", "宜昌市商务学校", "1e3"]),
)


@given(_CELL_TEXT, st.booleans(), st.sampled_from(["", "元", "人", "平方米"]))
def test_plain_cells_read_as_the_full_steps_read_them(text, integer, unit):
    assert normalise_number(text, integer=integer, unit=unit) == read_number(
        text, integer=integer, unit=unit
    )
    for digits in (True, False):
        assert normalise_text(text, digits=digits) == read_text(text, digits=digits)
