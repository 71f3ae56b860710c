"""The spec's value checks: declared with pandera's names, built into pandera schemas, and run
over the values of a whole batch at once, failures as (column, row, code).

Each field declares its checks with pandera's names (ge, le, isin, str_matches, str_length);
build_schema makes the pandera DataFrameSchema of them. find_failures gets pandera's verdict on a
batch without validating a wide frame column by column (a lazy collect for each check of each
column, ~1 ms apiece whatever the rows: 0.1 s a batch): the batch's values stand in one long
frame (row, column, value), and each distinct check of the schema — pandera's own Check object,
run by pandera's polars backend — runs once over the rows of every field that declares it.

A batch of one file (a school's self-check, an upload) takes a shortcut derived from the same
declarations, one test a check, so that checking one workbook imports neither pandera nor polars
(0.35 s of a 0.4 s budget); the tests hold both ways to pandera validating the wide frame.
"""

from __future__ import annotations

import re
import threading
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
        pattern = field.str_matches
        if field.earlier_catalog is not None:
            # A code of the earlier catalog is well-formed; whether the year allows it is
            # decided with the specialties (rules.check_specialties).
            pattern = f"(?:{pattern})|(?:{field.earlier_catalog.str_matches})"
        checks.append(ValueCheck("str_matches", pattern, code))
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


def find_failures(
    fields: tuple[Field, ...], rows: Sequence[dict[str, Any]], *, one_file: bool = False
) -> list[Failure]:
    """Every failing (field, row) of rows of typed values with its finding code, ordered as
    pandera orders its failure cases (by field, then check, then row). one_file: the rows come
    from one workbook (the shortcut). A value of the wrong type for its field raises TypeError."""
    present = {field.id: _present(field, rows) for field, _ in _plan(fields) if fields and rows}
    if not any(present.values()):
        return []
    if one_file:
        failures = [
            Failure(field.id, n, code, _found(field, value))
            for field, tests in _plan(fields)
            for passes, code in tests
            for n, value in present[field.id]
            if not passes(value)
        ]
    else:
        failures = _pandera_failures(fields, rows, present)
    rank = {(f.id, c.code): r for f in fields for r, c in enumerate(value_checks(f))}
    order = {f.id: n for n, f in enumerate(fields)}
    failures.sort(key=lambda f: (order[f.column], rank[f.column, f.code], f.index))
    return failures


def _present(field: Field, rows: Sequence[dict[str, Any]]) -> list[tuple[int, Any]]:
    """(row, value) of the rows holding a value for the field, each of the field's type."""
    types = _TYPES[field.type]
    present = [(n, row[field.id]) for n, row in enumerate(rows) if row.get(field.id) is not None]
    for _, value in present:
        if not isinstance(value, types) or isinstance(value, bool):
            raise TypeError(f"{field.id}: a value of type {type(value).__name__}")
    return present


def _pandera_modules() -> tuple[Any, Any, Any]:
    """polars, and pandera's polars data and check backend (importing them the first time)."""
    import pandera.backends.polars.builtin_checks  # noqa: F401  (registers the polars checks)
    import polars
    from pandera.api.polars.types import PolarsData
    from pandera.backends.polars.checks import PolarsCheckBackend

    return polars, PolarsData, PolarsCheckBackend


def prepare_in_background(files: int) -> None:
    """Before a run of more than one file: import pandera in a thread while the first files are
    read (numpy, polars, pandera: about a third of a second on this machine), so the import
    overlaps the reading, which happens in reader processes, instead of following it. A run of
    one file takes the shortcut and never imports pandera."""
    if files > 1:
        # Not a daemon: an import is never cut off at exit; a second import waits for this one.
        threading.Thread(target=_pandera_modules, name="import-pandera").start()


def _pandera_failures(
    fields: tuple[Field, ...],
    rows: Sequence[dict[str, Any]],
    present: dict[str, list[tuple[int, Any]]],
) -> list[Failure]:
    """pandera's verdict: each distinct Check of the schema over the long frame of the values of
    the fields that declare it."""
    pl, PolarsData, PolarsCheckBackend = _pandera_modules()
    schema = build_schema(fields)
    kinds = {f.id: f.type for f in fields}
    frame = pl.DataFrame(
        {
            "index": [n for values in present.values() for n, _ in values],
            "column": [key for key, values in present.items() for _ in values],
            "number": [
                None if kinds[key] == "string" else v
                for key, values in present.items()
                for _, v in values
            ],
            "text": [
                v if kinds[key] == "string" else None
                for key, values in present.items()
                for _, v in values
            ],
        },
        schema={"index": pl.Int64, "column": pl.String, "number": pl.Float64, "text": pl.String},
    )
    groups: dict[tuple[ValueCheck, bool], list[str]] = {}
    declared: dict[tuple[ValueCheck, bool], Any] = {}
    for field in fields:
        for rank, check in enumerate(value_checks(field)):
            key = (check, field.type == "string")
            groups.setdefault(key, []).append(field.id)
            declared.setdefault(key, schema.columns[field.id].checks[rank])
    queries = []
    for key, ids in groups.items():
        subset = frame.lazy().filter(pl.col("column").is_in(ids))
        check = declared[key]
        # pandera's polars backend applies the check (its registered function) lazily; its
        # postprocessing would collect each check apart, so the nulls rule is applied here
        output = PolarsCheckBackend(check).apply(PolarsData(subset, "text" if key[1] else "number"))
        if check.ignore_na:
            output = output.with_columns(pl.col("check_output") | pl.col("check_output").is_null())
        queries.append(
            pl.concat([subset, output], how="horizontal")
            .filter(~pl.col("check_output"))
            .select(
                "index",
                "column",
                pl.lit(key[0].code).alias("code"),
                # as pandera writes a failure case: a number field's values are Float64 there
                pl.coalesce("text", pl.col("number").cast(pl.String)).alias("found"),
            )
        )
    failures = []
    for failing in pl.collect_all(queries):  # one run of polars for every check of the batch
        for n, column, code, text in failing.iter_rows():
            value = rows[n][column]
            failures.append(
                Failure(column, n, code, str(value) if kinds[column] == "integer" else text)
            )
    return failures


def _found(field: Field, value: Any) -> str:
    """The value as pandera writes it in a failure case: a number field's value as polars writes
    a Float64 (-0.00001 where Python writes -1e-05; only failing values get here)."""
    if field.type != "number":
        return str(value)
    import polars as pl

    return pl.Series([float(value)], dtype=pl.Float64).cast(pl.String)[0]
