"""Where things sit in the fill-in workbook: shared by the template writer and the reader."""

import re
import unicodedata
from functools import lru_cache

INSTRUCTIONS_SHEET = "填报说明"
META_SHEET = "_qualityreport"
META_MARKER = "qualityreport-template"

# Every data sheet: a title in row 1, column headers in row 2, data from row 3 (1-based rows).
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3

# Form sheets: one indicator a row.
FORM_HEADERS = ("指标", "单位", "填报值", "说明")
FORM_LABEL_COL, FORM_UNIT_COL, FORM_VALUE_COL, FORM_NOTE_COL = 0, 1, 2, 3
FORM_VALUE_ALIASES = ("填报值", "数值", "值", "数据", "填报数据")

# Narrative sheet: one report section a row.
NARRATIVE_HEADERS = ("章节", "内容", "写作提示")
NARRATIVE_LABEL_COL, NARRATIVE_TEXT_COL, NARRATIVE_HINT_COL = 0, 1, 2

# Rows of the hidden meta sheet: key in column A, value in column B.
META_KEYS = ("marker", "spec_version", "year", "generated")

_UNIT_SUFFIX = re.compile(r"[（(][^（()）]*[)）]$")
_NOISE = re.compile(r"[\s“”\"'‘’*＊:：]")


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """1-based row and 0-based column to A1 notation."""
    return f"{column_letter(col)}{row}"


def column_index(letters: str) -> int:
    """Excel letters to a 0-based column index (A → 0, AB → 27): column_letter reversed."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def cell_position(ref: str) -> tuple[int, int]:
    """A1 notation to a 1-based row and 0-based column (the reverse of cell_ref)."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    return int(digits or 0), column_index(letters)


def label_key(text: str) -> str:
    """A label as it is compared: NFKC, no spaces, quotes, stars or trailing unit in brackets."""
    # Labels repeat in every workbook of a batch: short ones are remembered (long texts are
    # whatever a cell holds, and are not worth keeping).
    return _short_label_key(text) if text and len(text) <= 200 else _label_key(text)


@lru_cache(maxsize=8192)
def _short_label_key(text: str) -> str:
    return _label_key(text)


def _label_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip()
    previous = None
    while previous != text:
        previous, text = text, _UNIT_SUFFIX.sub("", text).strip()
    return _NOISE.sub("", text).lower()
