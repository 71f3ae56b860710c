"""pandera schemas built from the spec, and their failure cases turned back into (column, row, code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..spec import Field

_DTYPES = {"integer": "Int64", "number": "Float64", "string": "String"}


@dataclass(frozen=True)
class Failure:
    column: str
    index: int  # row position in the validated frame
    code: str
    found: str | None


def _checks(field: Field, pa):
    checks = []
    if field.ge is not None:
        checks.append(pa.Check.ge(field.ge, error="value-below-minimum"))
    if field.le is not None:
        checks.append(pa.Check.le(field.le, error="value-above-maximum"))
    if field.allowed:
        checks.append(pa.Check.isin(list(field.allowed), error="value-not-allowed"))
    if field.str_matches:
        code = "specialty-code-malformed" if field.catalog else "value-pattern-mismatch"
        checks.append(pa.Check.str_matches(field.str_matches, error=code))
    if field.str_length_max is not None:
        checks.append(pa.Check.str_length(max_value=field.str_length_max, error="value-too-long"))
    return checks


@lru_cache(maxsize=16)
def build_schema(fields: tuple[Field, ...]):
    """A pandera DataFrameSchema checking each field's range, list and pattern (nulls allowed:
    required values are checked before, where the reason for a null is known)."""
    import pandera.polars as pa
    import polars as pl

    return pa.DataFrameSchema(
        {
            f.id: pa.Column(getattr(pl, _DTYPES[f.type]), checks=_checks(f, pa), nullable=True)
            for f in fields
        },
        strict=True,
    )


def frame_of(fields: tuple[Field, ...], rows: list[dict]):
    """A typed polars frame with one column per field, in field order."""
    import polars as pl

    schema = {f.id: getattr(pl, _DTYPES[f.type]) for f in fields}
    return pl.DataFrame(
        [{f.id: row.get(f.id) for f in fields} for row in rows], schema=schema, orient="row"
    )


def run_schema(fields: tuple[Field, ...], rows: list[dict]) -> list[Failure]:
    """Validate rows of typed values; every failing (column, row) with its finding code."""
    import pandera.polars as pa

    if not fields or not rows:
        return []
    try:
        build_schema(fields).validate(frame_of(fields, rows), lazy=True)
    except pa.errors.SchemaErrors as errors:
        return [
            Failure(column, index, check, found)
            for found, column, check, index in errors.failure_cases.select(
                "failure_case", "column", "check", "index"
            ).iter_rows()
            if index is not None
        ]
    return []
