"""How wide text is on a terminal or in a spreadsheet column: Chinese characters take two cells."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns the text takes: wide and full-width characters (汉字, ４５) count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """The text followed by spaces up to `width` display columns."""
    return text + " " * max(0, width - display_width(text))
