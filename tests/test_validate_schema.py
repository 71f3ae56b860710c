"""The spec's value checks over a whole batch, and the shortcut for one file, give exactly the
verdict of pandera validating the same values as a wide frame."""

from __future__ import annotations

import pandera.polars as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualityreport.spec import load_spec
from qualityreport.validate.schema import build_schema, find_failures, frame_of

SPEC = load_spec()


def _pandera_failures(fields, rows):
    try:
        build_schema(fields).validate(frame_of(fields, rows), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return [
            (column, index, check, found)
            for found, column, check, index in errors.failure_cases.select(
                "failure_case", "column", "check", "index"
            ).iter_rows()
        ]
    return []


def _value(field):
    """Values around the field's declared bounds, lists and patterns, and nothing at all."""
    if field.type == "integer":
        typed = st.integers(min_value=-5, max_value=3000) | st.integers(-(10**15), 10**15)
    elif field.type == "number":
        typed = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False) | st.integers(-5, 5)
    else:
        typed = st.one_of(
            st.sampled_from(field.allowed or ("x",)),
            st.text(alphabet="0123456789６", min_size=4, max_size=12),
            st.text(min_size=1, max_size=70),
        )
    return st.none() | typed


def _rows(fields):
    return st.lists(st.fixed_dictionaries({f.id: _value(f) for f in fields}), max_size=6)


# a batch: pandera's checks over the long frame; one file: the shortcut derived from them
@pytest.mark.parametrize("one_file", [False, True])
@settings(max_examples=25, deadline=None)
@given(rows=_rows(SPEC.indicators))
@example(rows=[{"school_code": "4205000001\n", "year": 2300, "funding_per_student": -1e-7}])
def test_form_values_fail_as_pandera_says(one_file, rows):
    found = find_failures(SPEC.indicators, rows, one_file=one_file)
    assert [(f.column, f.index, f.code, f.found) for f in found] == _pandera_failures(
        SPEC.indicators, rows
    )


@pytest.mark.parametrize("one_file", [False, True])
@settings(max_examples=25, deadline=None)
@given(rows=_rows(SPEC.specialties.columns))
def test_table_rows_fail_as_pandera_says(one_file, rows):
    columns = SPEC.specialties.columns
    found = find_failures(columns, rows, one_file=one_file)
    assert [(f.column, f.index, f.code, f.found) for f in found] == _pandera_failures(columns, rows)
