"""How wide text is on a terminal or in a spreadsheet column (Chinese characters take two cells),
and on the printed page (in em of the report's CJK font)."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns the text takes: wide and full-width characters (汉字, ４５) count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """The text followed by spaces up to `width` display columns."""
    return text + " " * max(0, width - display_width(text))


def em_width(text: str) -> float:
    """Width of text in the report's CJK font, in em: Chinese, full-width and ambiguous
    characters (≥, “) take one, digits and Latin letters about 0.6 (a little more than they
    do, so a column measured by it is never too narrow)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WFA" else 0.6 for ch in text)
