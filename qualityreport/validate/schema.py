"""The spec's value checks in pandera's vocabulary: a pandera schema, and the same checks run
over the values of a whole batch at once, failures as (column, row, code).

Each field declares its checks with pandera's names (ge, le, isin, str_matches, str_length), and
build_schema makes the pandera DataFrameSchema of them. Validation runs them through
find_failures instead, each check once over the batch's values of its field: pandera validates a
frame check by check (a lazy collect for each check of each column, ~1 ms apiece whatever the
rows), and putting the values of a batch into a polars frame costs more than checking them where
they are (3.7 ms against 0.5 ms for 64 workbooks), besides polars' import (0.12 s) for a command
that checks one file. The tests hold find_failures to pandera's own verdict on the same values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..spec import Field

_DTYPES = {"integer": "Int64", "number": "Float64", "string": "String"}


@dataclass(frozen=True)
class ValueCheck:
    """One check of a field's values: pandera's check name, its argument, our finding code."""

    name: str  # ge, le, isin, str_matches, str_length
    argument: Any  # threshold, allowed values (tuple), pattern, maximum length
    code: str


def value_checks(field: Field) -> tuple[ValueCheck, ...]:
    """The checks a field declares, in the order pandera runs them."""
    checks = []
    if field.ge is not None:
        checks.append(ValueCheck("ge", field.ge, "value-below-minimum"))
    if field.le is not None:
        checks.append(ValueCheck("le", field.le, "value-above-maximum"))
    if field.allowed:
        checks.append(ValueCheck("isin", field.allowed, "value-not-allowed"))
    if field.str_matches:
        code = "specialty-code-malformed" if field.catalog else "value-pattern-mismatch"
        checks.append(ValueCheck("str_matches", field.str_matches, code))
    if field.str_length_max is not None:
        checks.append(ValueCheck("str_length", field.str_length_max, "value-too-long"))
    return tuple(checks)


def _pandera_check(check: ValueCheck, pa):
    if check.name == "isin":
        return pa.Check.isin(list(check.argument), error=check.code)
    if check.name == "str_length":
        return pa.Check.str_length(max_value=check.argument, error=check.code)
    return getattr(pa.Check, check.name)(check.argument, error=check.code)


@lru_cache(maxsize=16)
def build_schema(fields: tuple[Field, ...]):
    """The pandera DataFrameSchema of the fields: one typed column each, with each field's range,
    list, pattern and length (nulls allowed: required values are checked before, where the
    reason for a null is known)."""
    import pandera.polars as pa
    import polars as pl

    return pa.DataFrameSchema(
        {
            f.id: pa.Column(
                getattr(pl, _DTYPES[f.type]),
                checks=[_pandera_check(c, pa) for c in value_checks(f)],
                nullable=True,
            )
            for f in fields
        },
        strict=True,
    )


def frame_of(fields: tuple[Field, ...], rows: list[dict]):
    """A typed polars frame with one column per field, in field order (what build_schema checks)."""
    import polars as pl

    schema = {f.id: getattr(pl, _DTYPES[f.type]) for f in fields}
    return pl.DataFrame(
        [{f.id: row.get(f.id) for f in fields} for row in rows], schema=schema, orient="row"
    )


@dataclass(frozen=True)
class Failure:
    column: str
    index: int  # position of the row in the rows checked
    code: str
    found: str | None  # the value as text


_Test = Callable[[Any], bool]


@lru_cache(maxsize=16)
def _plan(fields: tuple[Field, ...]) -> tuple[tuple[Field, tuple[tuple[_Test, str], ...]], ...]:
    """Each field that declares checks, with a test for each (True: the value passes)."""
    return tuple(
        (field, tuple((_test(check), check.code) for check in checks))
        for field in fields
        if (checks := value_checks(field))
    )


def _test(check: ValueCheck) -> _Test:
    """pandera's definition of the check (its polars backend's expression), for one value."""
    argument = check.argument
    if check.name == "ge":
        return lambda value: value >= argument
    if check.name == "le":
        return lambda value: value <= argument
    if check.name == "isin":
        allowed = frozenset(argument) | frozenset(_as_number(a) for a in argument) - {None}
        return lambda value: value in allowed
    if check.name == "str_matches":
        # str.contains of the pattern anchored at the start, in the Rust regex engine, where "$"
        # is the end of the text (in Python's engine also before a final newline: \Z is not)
        pattern = argument if argument.startswith("^") else f"^{argument}"
        if pattern.endswith("$") and not pattern.endswith("\\$"):
            pattern = pattern[:-1] + r"\Z"
        search = re.compile(pattern).search
        return lambda value: search(value) is not None
    if check.name == "str_length":
        return lambda value: len(value) <= argument
    raise ValueError(f"unknown check {check.name}")


def _as_number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


_TYPES: dict[str, tuple[type, ...]] = {"integer": (int,), "number": (int, float), "string": (str,)}


def find_failures(fields: tuple[Field, ...], rows: Sequence[dict[str, Any]]) -> list[Failure]:
    """Every failing (field, row) of rows of typed values with its finding code, ordered as
    pandera orders its failure cases (by field, then check, then row). A value of the wrong type
    for its field raises TypeError."""
    failures = []
    for field, tests in _plan(fields):
        types = _TYPES[field.type]
        present = [
            (n, row[field.id]) for n, row in enumerate(rows) if row.get(field.id) is not None
        ]
        for _, value in present:
            if not isinstance(value, types) or isinstance(value, bool):
                raise TypeError(f"{field.id}: a value of type {type(value).__name__}")
        for passes, code in tests:
            failures += [
                Failure(field.id, n, code, _found(field, value))
                for n, value in present
                if not passes(value)
            ]
    return failures


def _found(field: Field, value: Any) -> str:
    """The value as pandera writes it in a failure case: a number field's value as polars writes
    a Float64 (-0.00001 where Python writes -1e-05; only failing values get here)."""
    if field.type != "number":
        return str(value)
    import polars as pl

    return pl.Series([float(value)], dtype=pl.Float64).cast(pl.String)[0]
