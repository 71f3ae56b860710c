"""Turn what people type into cells (全角数字, "1,234", "45%", "——") into values, saying how."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# What schools write for "none": read as 0 in a count, as empty in text.
NONE_MARKERS = frozenset({"无", "——", "—", "--", "-", "－", "/", "／", "空", "暂无", "没有"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# Bidirectional marks and zero-width characters: invisible, and they break matching.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# "12 15": one number with a space, or two numbers? Either reading may be wrong. Spaces that
# group thousands ("12 345 678") are not ambiguous.
_INNER_SPACE = re.compile(r"\d\s+\d")
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}( \d{3})+(\.\d+)?$")
# Past 2**53 a double no longer holds every whole number, so sums and the store would round
# silently, and a 64-bit integer column overflows soon after.
LARGEST = 2**53
# Units people type instead of the one a field asks for, with the factor to it: the value is read
# converted, and a warning names the unit and the converted value (1亩 = 10000/15 ≈ 666.67 m²).
OTHER_UNITS: dict[str, tuple[tuple[str, float], ...]] = {
    "平方米": (("万平方米", 10_000), ("亩", 10_000 / 15)),
    "册": (("万册", 10_000),),
    "元": (("万元", 10_000),),
}
# Other ways of writing the field's own unit (㎡ and m² read as m2 once NFKC is applied).
SAME_UNITS: dict[str, tuple[str, ...]] = {"平方米": ("m2", "平米")}


@dataclass(frozen=True)
class Normalised:
    """A cell's value, or the finding code that says why there is none.

    how/how_en say what was changed to read it (empty when the text was already clean).
    """

    value: object = None
    problem: str | None = None
    how: tuple[str, ...] = ()
    how_en: tuple[str, ...] = ()
    # (unit typed, number typed) when the value was typed in another unit and converted
    converted_from: tuple[str, float] | None = None
    not_collected: bool = False  # the school wrote that the figure was not collected (未统计)


def _clean_text(text: str) -> tuple[str, list[str], list[str]]:
    how, how_en = [], []
    cleaned = _CONTROL.sub("", _INVISIBLE.sub("", text))
    if cleaned != text:
        how.append("去掉不可见字符")
        how_en.append("removed invisible characters")
    stripped = cleaned.strip(" \t\r\n\u3000\xa0")
    if stripped != cleaned and stripped:
        how.append("去掉首尾空格")
        how_en.append("trimmed spaces")
    return stripped, how, how_en


def normalise_number(
    text: str | None, *, integer: bool, unit: str = "", not_collected: str | None = None
) -> Normalised:
    """Read a number from cell text; integer=True for counts.

    `not_collected` is the word (未统计) that says the figure was not collected: it reads as no
    value. A number typed with another unit of the same kind (120亩 where 平方米 is asked) is
    read converted and says so in `converted_from`.
    """
    if text is None:
        return Normalised()
    if len(text) <= 15 and text.isascii() and text.isdigit():
        # Plain digits (most cells): what read_number would read, without its steps. Fifteen
        # digits stay below LARGEST.
        return Normalised(int(text))
    return read_number(text, integer=integer, unit=unit, not_collected=not_collected)


def read_number(
    text: str, *, integer: bool, unit: str = "", not_collected: str | None = None
) -> Normalised:
    """normalise_number step by step, for any text."""
    value, how, how_en = _clean_text(text)
    if not value:
        return Normalised()
    width = unicodedata.normalize("NFKC", value)
    if width != value:
        how.append("全角字符按半角读取")
        how_en.append("full-width characters read as half-width")
        value = width
    spaced = bool(_INNER_SPACE.search(value))
    if spaced and _SPACE_GROUPED.match(value.strip()):
        spaced = False
        how.append("去掉千位分隔空格")
        how_en.append("removed spaces between thousands")
    value = value.replace(" ", "")
    if not_collected and value == not_collected:
        return Normalised(None, None, tuple(how), tuple(how_en), not_collected=True)
    if value in NONE_MARKERS:
        how.append(f"“{value}”按0读取")
        how_en.append(f"'{value}' read as 0")
        return Normalised(0, None, tuple(how), tuple(how_en))
    if value.endswith("%"):
        return Normalised(problem="value-percent-in-count" if integer else "value-not-number")
    converted = _other_unit(value, unit, integer)
    if converted is not None:
        return converted
    for written in (unit, *SAME_UNITS.get(unit, ())):
        if written and value.lower().endswith(written) and len(value) > len(written):
            value = value[: -len(written)]
            how.append(f"去掉单位“{written}”")
            how_en.append(f"removed the unit '{written}'")
            break
    if _GROUPED.match(value):
        value = value.replace(",", "")
        how.append("去掉千位分隔符")
        how_en.append("removed thousands separators")
    if not _NUMBER.match(value):
        return Normalised(problem="value-not-number")
    if spaced:  # it would read as a number only by joining what the space separates
        return Normalised(problem="value-inner-space")
    number = float(value)
    if not math.isfinite(number):
        return Normalised(problem="value-not-number")
    if abs(number) >= LARGEST:
        return Normalised(problem="value-too-large")
    if integer:
        if abs(number - round(number)) > 1e-9:
            return Normalised(problem="value-not-integer")
        return Normalised(int(round(number)), None, tuple(how), tuple(how_en))
    return Normalised(
        int(number) if number.is_integer() else number, None, tuple(how), tuple(how_en)
    )


def _other_unit(value: str, unit: str, integer: bool) -> Normalised | None:
    """A number typed with another unit of the field's kind (3.5万平方米, 120亩, 11万册), read
    converted; None when the text carries no such unit."""
    for written, factor in OTHER_UNITS.get(unit, ()):
        if not value.endswith(written) or len(value) == len(written):
            continue
        number_text = value[: -len(written)]
        if _GROUPED.match(number_text):
            number_text = number_text.replace(",", "")
        if not _NUMBER.match(number_text):
            return Normalised(problem="value-not-number")
        typed = float(number_text)
        number = round(typed * factor, 2)
        if not math.isfinite(number) or abs(number) >= LARGEST:
            return Normalised(problem="value-too-large")
        if integer:
            if abs(number - round(number)) > 1e-6:
                return Normalised(problem="value-not-integer")
            number = round(number)
        elif float(number).is_integer():
            number = int(number)
        typed_value = int(typed) if typed.is_integer() else typed
        return Normalised(number, converted_from=(written, typed_value))
    return None


def normalise_text(text: str | None, *, digits: bool = False) -> Normalised:
    """Read a text cell; digits=True turns full-width digits of a code into ASCII."""
    if text is None:
        return Normalised()
    if _plain_text(text) and (text.isascii() or not digits):
        # Nothing to clean (most cells): what read_text would give, without its steps.
        if digits and text.endswith(".0") and text[:-2].isdigit():
            return Normalised(text[:-2])
        return Normalised(text)
    return read_text(text, digits=digits)


def read_text(text: str, *, digits: bool = False) -> Normalised:
    """normalise_text step by step, for any text."""
    value, how, how_en = _clean_text(text)
    if not value or value in NONE_MARKERS:
        return Normalised(None, None, tuple(how), tuple(how_en))
    if digits:
        width = unicodedata.normalize("NFKC", value)
        if width != value:
            how.append("全角数字按半角读取")
            how_en.append("full-width digits read as half-width")
            value = width
        if value.endswith(".0") and value[:-2].isdigit():
            # A code typed into a number cell comes back from Excel as 7102010.0-style text.
            value = value[:-2]
    return Normalised(value, None, tuple(how), tuple(how_en))


def _plain_text(text: str) -> bool:
    """Text _clean_text would leave as it is, and not a marker for "none": printable characters
    only (so no invisible or control character), no space at either end, not empty."""
    return (
        text.isprintable()
        and text[:1] not in ("", " ")
        and text[-1] != " "
        and text not in NONE_MARKERS
    )


def huge_number(text: str) -> float | str:
    """The number a cell's text of a huge number holds (findings print it compactly); the
    text itself when it holds none."""
    try:
        number = float(unicodedata.normalize("NFKC", text).strip().replace(",", ""))
    except ValueError:
        return text
    return number if math.isfinite(number) else text
