"""The one guard for text written into spreadsheets and CSV: submitted text never becomes a formula.

Excel, LibreOffice and WPS run a cell as a formula when its text starts with =, +, - or @, and
some also after a leading tab or carriage return; a leading apostrophe makes it text everywhere.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """The value as it may go into a spreadsheet cell or a CSV field: numbers, booleans and None
    pass; text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
