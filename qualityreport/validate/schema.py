"""The spec's value checks in pandera's vocabulary: a pandera schema, and the same checks run as
polars expressions over every value of a batch at once, failures as (column, row, code).

Each field declares its checks with pandera's names (ge, le, isin, str_matches, str_length), and
build_schema makes the pandera DataFrameSchema of them. Validation runs them through
find_failures instead: pandera validates a frame check by check (a lazy collect for each check of
each column, ~1 ms apiece whatever the rows), while here the values of a whole batch stand in one
long frame (row, column, value) and each distinct check is one expression over it. The tests hold
find_failures to pandera's own verdict on the same values.
"""

from __future__ import annotations

from collections.abc import Sequence
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


@dataclass(frozen=True)
class _Compiled:
    """The fields' checks grouped: each distinct check once, with the fields it applies to."""

    order: dict[str, int]  # field id → position, for failures in pandera's order
    text_fields: frozenset[str]
    integer_fields: frozenset[str]
    # each distinct check: on the text column or not, the fields it applies to, its rank among
    # a field's checks
    checks: tuple[tuple[ValueCheck, bool, tuple[str, ...], int], ...]


@lru_cache(maxsize=16)
def _compile(fields: tuple[Field, ...]) -> _Compiled:
    groups: dict[tuple, list[str]] = {}
    ranks: dict[tuple, int] = {}
    for field in fields:
        for rank, check in enumerate(value_checks(field)):
            key = (check, field.type == "string")
            groups.setdefault(key, []).append(field.id)
            ranks[key] = rank
    return _Compiled(
        {f.id: n for n, f in enumerate(fields)},
        frozenset(f.id for f in fields if f.type == "string"),
        frozenset(f.id for f in fields if f.type == "integer"),
        tuple((c, text, tuple(ids), ranks[c, text]) for (c, text), ids in groups.items()),
    )


def _passes(check: ValueCheck, on_text: bool):
    """The polars expression a value passing the check satisfies (pandera's own definitions)."""
    import polars as pl

    value = pl.col("text") if on_text else pl.col("number")
    if check.name == "ge":
        return value >= check.argument
    if check.name == "le":
        return value <= check.argument
    if check.name == "isin":
        allowed = list(check.argument) if on_text else [_as_number(v) for v in check.argument]
        return value.is_in(allowed)
    if check.name == "str_matches":
        pattern = check.argument if check.argument.startswith("^") else f"^{check.argument}"
        return pl.col("text").str.contains(pattern)
    if check.name == "str_length":
        return pl.col("text").str.len_chars() <= check.argument
    raise ValueError(f"unknown check {check.name}")


def _as_number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def find_failures(fields: tuple[Field, ...], rows: Sequence[dict[str, Any]]) -> list[Failure]:
    """Every failing (field, row) of rows of typed values with its finding code, ordered as
    pandera orders its failure cases (by field, then check, then row). A value of the wrong type
    for its field raises TypeError."""
    import polars as pl

    if not fields or not rows:
        return []
    compiled = _compile(fields)
    index: list[int] = []
    column: list[str] = []
    numbers: list[float | None] = []
    texts: list[str | None] = []
    for n, row in enumerate(rows):
        for key, value in row.items():
            if value is None or key not in compiled.order:
                continue
            on_text = key in compiled.text_fields
            if on_text != isinstance(value, str) or isinstance(value, bool):
                raise TypeError(f"{key}: a value of type {type(value).__name__}")
            index.append(n)
            column.append(key)
            numbers.append(None if on_text else value)
            texts.append(value if on_text else None)
    frame = pl.DataFrame(
        {"index": index, "column": column, "number": numbers, "text": texts},
        schema={"index": pl.Int64, "column": pl.String, "number": pl.Float64, "text": pl.String},
    ).lazy()
    failing = [
        frame.filter(pl.col("column").is_in(ids) & ~_passes(check, on_text)).select(
            "index",
            "column",
            pl.lit(check.code).alias("code"),
            pl.lit(rank).alias("rank"),
            # the value as pandera writes it: a number field's values are Float64 there
            pl.coalesce("text", pl.col("number").cast(pl.String)).alias("found"),
        )
        for check, on_text, ids, rank in compiled.checks
    ]
    found = pl.concat(failing).collect().rows()  # one query: polars runs the checks together
    found.sort(key=lambda f: (compiled.order[f[1]], f[3], f[0]))
    return [
        Failure(col, n, code, str(rows[n][col]) if col in compiled.integer_fields else text)
        for n, col, code, _, text in found
    ]
