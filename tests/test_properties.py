"""Properties over random workbooks: nothing crashes validation, valid data passes, bad data is caught."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from conftest import school_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualityreport.findings import CATALOGUE
from qualityreport.spec import load_spec
from qualityreport.template import write_workbook
from qualityreport.validate import validate_workbook

SPEC = load_spec()
YEAR = 2024
# Each example writes and reads a real workbook (~80 ms): few examples keep the suite fast.
WORKBOOKS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTS = tuple(f for f in SPEC.indicators if f.type == "integer" and f.id != "year")


def _validate(values=None, specialties=None):
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "school.xlsx"
        write_workbook(path, SPEC, YEAR, school_data(values, specialties, spec=SPEC))
        return validate_workbook(path, SPEC)


# ---- anything at all in the cells ----------------------------------------------------------------

cell_contents = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "=1+1",
            "=cmd|' /C calc'!A0",
            "45%",
            "１２",
            "1,234",
            "——",
            "NaN",
            "inf",
            "1e308",
            "\u202e12",
            "\x07",
            " ",
            "2024-09-01",
            "TRUE",
            "#DIV/0!",
            "-0",
            ".5",
            "1e-400",
        ]
    ),
)


@WORKBOOKS
@given(
    st.dictionaries(st.sampled_from([f.id for f in SPEC.indicators]), cell_contents, max_size=8),
    st.lists(
        st.fixed_dictionaries({c.id: cell_contents for c in SPEC.specialties.columns}), max_size=3
    ),
)
def test_random_cell_contents_never_crash_validation(values, specialties):
    result = _validate(values, specialties)
    assert result.usable
    for finding in result.findings:
        assert finding.code in CATALOGUE
        assert finding.message_zh and finding.message_en
        assert finding.cell is None or finding.sheet


# ---- valid submissions pass ------------------------------------------------------------------------


@st.composite
def valid_values(draw):
    n = st.integers
    full_time = draw(n(1, 1000))
    professional = draw(n(0, full_time))
    bachelor = draw(n(0, full_time))
    graduates = draw(n(0, 5000))
    employed = draw(n(0, graduates))
    enrolled = draw(n(100, 20000))
    return {
        "year": YEAR,
        "students_enrolled": enrolled,
        "students_admitted": draw(n(0, 20000)),
        "graduates": graduates,
        "graduates_employed": employed,
        "graduates_further_study": draw(n(0, graduates - employed)),
        "graduates_employed_in_field": draw(n(0, employed)),
        "students_dropped": draw(n(0, 1000)),
        "students_certified": draw(n(0, enrolled)),
        "awards_national": draw(n(0, 1000)),
        "awards_provincial": draw(n(0, 1000)),
        "awards_city": draw(n(0, 1000)),
        "staff_total": draw(n(full_time, 5000)),
        "teachers_full_time": full_time,
        "teachers_professional": professional,
        "teachers_general": full_time - professional,
        "teachers_dual_qualified": draw(n(0, professional)),
        "teachers_part_time": draw(n(0, 5000)),
        "teachers_bachelor_plus": bachelor,
        "teachers_postgraduate": draw(n(0, bachelor)),
        "teachers_senior_title": draw(n(0, full_time)),
        "campus_area": draw(n(0, 500_000_000)) / 100,
        "building_area": draw(n(0, 500_000_000)) / 100,
        "equipment_value": draw(n(0, 10**12)) / 100,
        "books": draw(n(0, 10_000_000)),
        "training_stations": draw(n(0, 100_000)),
        "funding_per_student": draw(n(0, 100_000_000)) / 100,
        "training_person_times": draw(n(0, 1_000_000)),
        "partner_enterprises": draw(n(0, 10_000)),
        "apprenticeship_students": draw(n(0, 50_000)),
    }


@WORKBOOKS
@given(valid_values())
def test_valid_random_submissions_pass(values):
    result = _validate(values)
    assert result.valid, [(f.location, f.code, f.found) for f in result.findings]
    assert not [f for f in result.findings if f.code == "cross-field" and f.severity == "error"]
    read = result.submission.values
    for key, value in values.items():
        assert read[key].value == pytest.approx(value), key


# ---- a bad value is caught at its cell --------------------------------------------------------------

BAD_VALUES = {
    "text": (st.sampled_from(["abc", "十二", "n/a", "=1+1", "1.2.3"]), {"value-not-number"}),
    "negative": (st.integers(1, 10**6).map(lambda v: -v), {"value-below-minimum"}),
    "fraction": (st.integers(0, 10**6).map(lambda v: v + 0.5), {"value-not-integer"}),
    "percent": (st.integers(0, 100).map(lambda v: f"{v}%"), {"value-percent-in-count"}),
}


@st.composite
def mutations(draw):
    field = draw(st.sampled_from(COUNTS))
    kind = draw(st.sampled_from(sorted(BAD_VALUES)))
    strategy, codes = BAD_VALUES[kind]
    return field, draw(strategy), codes


@pytest.fixture(scope="module")
def valid_sources():
    result = _validate()
    assert result.valid
    return {k: v.source for k, v in result.submission.values.items()}


@WORKBOOKS
@given(mutations())
def test_a_mutated_value_is_caught_at_its_cell(valid_sources, mutation):
    field, bad, codes = mutation
    result = _validate({field.id: bad})
    assert not result.valid
    at_cell = {
        f.code
        for f in result.findings
        if f.location == valid_sources[field.id] and f.severity == "error"
    }
    assert at_cell & codes, (field.id, bad, [(f.location, f.code) for f in result.findings])
    assert field.id not in result.submission.values  # a bad value is never passed on
