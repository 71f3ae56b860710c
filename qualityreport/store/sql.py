"""SQL text helpers shared by the schema and the views: identifiers, literals, column types."""

from __future__ import annotations

_SQL_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "string": "VARCHAR"}


def sql_type(value_type: str) -> str:
    """The column type of a spec value type (integer, number, string)."""
    return _SQL_TYPES[value_type]


def quote(identifier: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
