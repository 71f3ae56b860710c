"""The spec's value checks, declared and run by pandera, over the values of a whole batch at once.

Each field declares its checks with pandera's names (ge, le, isin, str_matches, str_length).
build_schema is the pandera DataFrameSchema of a table of fields, one column each: the schema a
person reads. Validation runs the same checks through batch_schema: pandera validates a frame
check by check (a lazy collect for each check of each column, about 1 ms apiece whatever the
rows), so a batch's values stand in one long frame — a row a value, with the field's own bounds,
list, pattern and length beside it — and each kind of check is one pandera check over all of
them: eight collects a batch however many fields and workbooks. The tests hold the long frame's
verdict to build_schema's on the same values.
"""

from __future__ import annotations

import threading
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
    found: str | None  # the value as pandera writes it in a failure case


# The long frame: one row a value; the value in the column of its type, the field's declared
# arguments beside it (null where the field declares no such check).
_VALUE_COLUMNS = {"integer": "integer", "number": "number", "string": "text"}
_CHECK_ORDER = ("ge", "le", "isin", "str_matches", "str_length")


def _long_schema():
    """The pandera schema of the long frame: each kind of check once, over every value of the
    batch, with its argument read from the row (pandera's own definitions of ge, le, isin,
    str_matches — anchored at the start — and str_length)."""
    import pandera.polars as pa
    import polars as pl

    def bound_check(op: str):
        def within_declared_bound(data):
            value, bound = pl.col(data.key), pl.col(op)
            passes = value >= bound if op == "ge" else value <= bound
            return data.lazyframe.select(value.is_null() | bound.is_null() | passes)

        return pa.Check(within_declared_bound, name=f"declared_{op}", error=op)

    def in_declared_list(data):
        text = data.key == "text"
        value = pl.col(data.key) if text else pl.col(data.key).cast(pl.Float64)
        allowed = pl.col("allowed" if text else "allowed_numbers")
        return data.lazyframe.select(
            value.is_null() | allowed.is_null() | allowed.list.contains(value)
        )

    def matches_declared_pattern(data):
        value, pattern = pl.col(data.key), pl.col("pattern")
        return data.lazyframe.select(
            value.is_null() | pattern.is_null() | value.str.contains(pattern)
        )

    def within_declared_length(data):
        value, longest = pl.col(data.key), pl.col("max_length")
        return data.lazyframe.select(
            value.is_null() | longest.is_null() | (value.str.len_chars() <= longest)
        )

    # Named apart from pandera's built-in checks (ge, isin, …), which pandera would call instead.
    numeric = [
        bound_check("ge"),
        bound_check("le"),
        pa.Check(in_declared_list, name="declared_isin", error="isin"),
    ]
    text = [
        pa.Check(in_declared_list, name="declared_isin", error="isin"),
        pa.Check(matches_declared_pattern, name="declared_str_matches", error="str_matches"),
        pa.Check(within_declared_length, name="declared_str_length", error="str_length"),
    ]
    checks = {"integer": numeric, "number": numeric, "text": text}
    return pa.DataFrameSchema(
        {
            name: pa.Column(
                dtype, checks=checks.get(name, []), nullable=name not in ("field", "row")
            )
            for name, dtype in _frame_types(pl).items()
        },
        strict=True,
    )


def _frame_types(pl) -> dict[str, Any]:
    return {
        "field": pl.String,
        "row": pl.Int64,
        "integer": pl.Int64,
        "number": pl.Float64,
        "text": pl.String,
        "ge": pl.Float64,
        "le": pl.Float64,
        "allowed": pl.List(pl.String),
        "allowed_numbers": pl.List(pl.Float64),
        "pattern": pl.String,
        "max_length": pl.Int64,
    }


@lru_cache(maxsize=1)
def _batch_schema():
    return _long_schema()


_PREPARING: list[threading.Thread] = []


def prepare_in_background() -> None:
    """Import pandera and build the batch schema in a thread while the first files are read:
    the import (numpy, polars, pandera: about a third of a second on this machine) then
    overlaps the reading, which happens in reader processes, instead of following it."""
    if _batch_schema.cache_info().currsize or _PREPARING:
        return
    # Not a daemon: an import is never cut off at exit.
    thread = threading.Thread(target=_batch_schema, name="prepare-value-checks")
    _PREPARING.append(thread)
    thread.start()


def _arguments(field: Field) -> dict[str, Any]:
    """The field's declared checks as the long frame's argument columns."""
    found: dict[str, Any] = {}
    for check in value_checks(field):
        if check.name in ("ge", "le"):
            found[check.name] = float(check.argument)
        elif check.name == "isin":
            if field.type == "string":
                found["allowed"] = list(check.argument)
            else:
                found["allowed_numbers"] = [float(a) for a in check.argument]
        elif check.name == "str_matches":
            pattern = check.argument
            found["pattern"] = pattern if pattern.startswith("^") else f"^{pattern}"
        else:
            found["max_length"] = int(check.argument)
    return found


_TYPES: dict[str, tuple[type, ...]] = {"integer": (int,), "number": (int, float), "string": (str,)}


def find_failures(fields: tuple[Field, ...], rows: Sequence[dict[str, Any]]) -> list[Failure]:
    """Every failing (field, row) of rows of typed values with its finding code, ordered as
    pandera orders a table's failure cases (by field, then check, then row). A value of the wrong
    type for its field raises TypeError."""
    import pandera.polars as pa
    import polars as pl

    checked = [(f, _arguments(f)) for f in fields if value_checks(f)]
    records: list[dict[str, Any]] = []
    for field, arguments in checked:
        types, column = _TYPES[field.type], _VALUE_COLUMNS[field.type]
        for n, row in enumerate(rows):
            value = row.get(field.id)
            if value is None:
                continue
            if not isinstance(value, types) or isinstance(value, bool):
                raise TypeError(f"{field.id}: a value of type {type(value).__name__}")
            if field.type == "number":
                value = float(value)  # type: ignore[arg-type]  # checked to be int or float
            records.append({"field": field.id, "row": n, column: value, **arguments})
    if not records:
        return []
    for thread in _PREPARING:
        thread.join()
    frame = pl.DataFrame(records, schema=_frame_types(pl))
    try:
        _batch_schema().validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = list(errors.failure_cases.select("index", "check", "failure_case").iter_rows())
        broken = [case for index, _, case in cases if index is None]
        if broken:  # a check that could not run is a fault of ours, never a pass
            raise RuntimeError(f"value check failed to run: {broken[0]}") from None
        failed = sorted({(int(index), str(check)) for index, check, _ in cases})
    else:
        return []
    codes = {(f.id, c.name): c.code for f, _ in checked for c in value_checks(f)}
    order = {f.id: n for n, (f, _) in enumerate(checked)}
    ranked = []
    for index, check in failed:
        record = records[index]
        field_id, row = record["field"], record["row"]
        value = next(record[c] for c in ("integer", "number", "text") if c in record)
        failure = Failure(field_id, row, codes[field_id, check], _found(value))
        ranked.append(((order[field_id], _CHECK_ORDER.index(check), row), failure))
    return [failure for _, failure in sorted(ranked, key=lambda pair: pair[0])]


def _found(value: Any) -> str:
    """The value as pandera writes it in a failure case: a float as polars writes a Float64
    (-0.00001 where Python writes -1e-05)."""
    if not isinstance(value, float):
        return str(value)
    import polars as pl

    return pl.Series([value], dtype=pl.Float64).cast(pl.String)[0]
