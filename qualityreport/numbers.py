"""Numbers as people read them: one vocabulary for reports, tables, sentences and the terminal.

Every figure printed anywhere goes through these functions, so a value, its unit, a threshold and
a change read the same in a PDF table, a generated sentence and `qualityreport check`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

COUNT_UNITS = {"人", "个", "项", "册", "人次"}
UNITS_EN = {
    "人": "",
    "个": "",
    "项": "",
    "册": " books",
    "人次": " person-times",
    "平方米": " m²",
    "元": " yuan",
    "年": "",
}
COMPARISON_SYMBOLS = {
    "ge": "≥",
    "gt": ">",
    "le": "≤",
    "lt": "<",
    "eq": "=",
    "ne": "≠",
    "between": "≈",
}
_WAN = 10_000


def trim(number: float, digits: int) -> str:
    """A number with thousands separators and at most `digits` decimals, trailing zeros dropped."""
    text = f"{number:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def known(value: float | None) -> float | None:
    """The value as a float, or None when there is none (None or NaN)."""
    if value is None or math.isnan(value):
        return None
    return float(value)


@dataclass(frozen=True)
class Scale:
    """How a group of figures of one indicator prints (a table row, a sentence, a chart): one
    unit and one precision for all of them, so 158万元 never stands next to −146,600元."""

    unit: str
    digits: int
    wan: bool = False  # money printed in 万元

    def number(self, value: float) -> float:
        """The value as printed, in the printed unit: changes are differences of these."""
        if self.unit == "percent":
            return round(value * 100, self.digits)
        if self.wan:
            return round(value / _WAN, self.digits)
        return round(value, self.digits)

    def text(self, value: float | None, lang: str = "zh", *, with_unit: bool = True) -> str:
        value = known(value)
        if value is None:
            return "—"
        return self._text(self.number(value), lang, with_unit=with_unit)

    def _text(self, number: float, lang: str, *, with_unit: bool, sign: str = "") -> str:
        if self.unit == "percent":
            return f"{sign}{number:.{self.digits}f}%"
        if self.unit == "ratio":
            return f"{sign}{number:.{self.digits}f}" + (":1" if with_unit and not sign else "")
        if self.wan:
            if lang == "en":
                if abs(number) < 100:  # under a million: whole yuan
                    return sign + f"{number * _WAN:,.0f}" + (" yuan" if with_unit else "")
                return sign + trim(number / 100, 2) + (" million yuan" if with_unit else "m")
            return sign + trim(number, self.digits) + ("万元" if with_unit else "")
        text = f"{number:,.{self.digits}f}"
        if not with_unit:
            return sign + text
        return (
            sign + text + (self.unit if lang == "zh" else UNITS_EN.get(self.unit, f" {self.unit}"))
        )

    def change(self, value: float | None, previous: float | None, lang: str = "zh") -> str:
        """+4.1个百分点, −16人, +14.6万元, 持平: the difference of the two printed values."""
        value, previous = known(value), known(previous)
        if value is None or previous is None:
            return "—"
        delta = round(self.number(value) - self.number(previous), self.digits)
        if delta == 0:
            return "持平" if lang == "zh" else "±0"
        sign = "+" if delta > 0 else "−"
        if self.unit == "percent":
            points = f"{abs(delta):.{self.digits}f}"
            return f"{sign}{points}{'个百分点' if lang == 'zh' else ' pp'}"
        return self._text(abs(delta), lang, with_unit=True, sign=sign)

    def difference(self, value: float, previous: float) -> float:
        """value − previous as printed (percentage points for percents)."""
        return round(self.number(value) - self.number(previous), self.digits)


def scale_for(unit: str, *values: float | None, digits: int | None = None) -> Scale:
    """The scale a group of figures of one unit shares: money of 1万 or more anywhere in the
    group puts all of it in 万元; a fraction anywhere (below 1,000) gives all of it a decimal."""
    present = [v for v in (known(x) for x in values) if v is not None]
    if unit == "percent":
        return Scale(unit, 1 if digits is None else digits)
    if unit == "ratio":
        return Scale(unit, 1 if digits is None else digits)
    largest = max((abs(v) for v in present), default=0.0)
    if unit == "元" and largest >= _WAN:
        return Scale(unit, (1 if largest >= 100 * _WAN else 2) if digits is None else digits, True)
    if digits is None:
        fractional = any(not float(v).is_integer() for v in present)
        digits = 1 if fractional and largest < 1000 else 0
    return Scale(unit, digits)


def format_value(
    value: float | None,
    unit: str,
    lang: str = "zh",
    *,
    with_unit: bool = True,
    digits: int | None = None,
    in_wan: bool | None = None,
) -> str:
    """56.3%, 15.2:1, 1,234人, 3,512.3万元; an em dash when there is no value.

    Money prints in 万元 from 1万元 (`in_wan_yuan`); in_wan=True or False decides for a whole
    row, so the figures beside each other share one unit (scale_for does this for a group)."""
    scale = scale_for(unit, value, digits=digits)
    if in_wan is not None and unit == "元" and in_wan != scale.wan:
        if in_wan:
            large = abs(known(value) or 0) >= 100 * _WAN
            scale = Scale(unit, (1 if large else 2) if digits is None else digits, True)
        else:
            scale = Scale(unit, 0 if digits is None else digits)
    return scale.text(value, lang, with_unit=with_unit)


def in_wan_yuan(*values: float | None) -> bool:
    """Whether money figures printed together are in 万元: when any of them is 1万元 or more."""
    return scale_for("元", *values).wan


def format_threshold(value: float | None, unit: str, lang: str = "zh") -> str:
    """A target line, without needless decimals: 50%, 20:1, 30册."""
    value = known(value)
    if value is None:
        return "—"
    if unit == "percent":
        return trim(value * 100, 1) + "%"
    if unit == "ratio":
        return trim(value, 1) + ":1"
    return format_value(value, unit, lang)


def shown(value: float, unit: str) -> float:
    """The number format_value prints for the value (percentages as percents, everything else in
    the value's own unit), so comparisons and differences agree with the digits on the page."""
    scale = scale_for(unit, value)
    number = scale.number(value)
    return number * _WAN if scale.wan else number


def comparison_text(
    comparison: str | None, threshold: float | None, unit: str, lang: str = "zh"
) -> str:
    """≥ 50% — the target line as printed in the attainment tables."""
    symbol = COMPARISON_SYMBOLS.get(comparison or "", comparison or "")
    return f"{symbol} {format_threshold(threshold, unit, lang)}".strip()


def change(value: float, previous: float, unit: str, lang: str = "zh") -> tuple[int, str]:
    """The change from previous to value as printed: its direction (1, 0 or -1) and its size
    without sign — 4.1 (percentage points), 16人, 0.3 (a ratio), 14.6万元 — the difference of
    the two printed numbers, in the unit they are printed in."""
    scale = scale_for(unit, value, previous)
    delta = scale.difference(value, previous)
    direction = 0 if delta == 0 else (1 if delta > 0 else -1)
    if unit == "percent":
        return direction, f"{abs(delta):.{scale.digits}f}"
    return direction, scale.change(value, previous, lang).lstrip("+−±")


def delta_text(value: float | None, previous: float | None, unit: str, lang: str = "zh") -> str:
    """The change in a table cell: +4.1个百分点, −16人, 持平; an em dash without a previous year.
    Computed from the two values as printed together (one scale for both)."""
    return scale_for(unit, value, previous).change(value, previous, lang)


def format_gap(value: float | None, threshold: float | None, unit: str, lang: str = "zh") -> str:
    """How far a value is from its line, as the difference of the two printed numbers: −224元
    for 2,276元 against 2,500元, −9.2个百分点 between percentages, +2.4 between ratios."""
    return delta_text(value, threshold, unit, lang)


def at_line_text(comparison: str, threshold: float | None, unit: str, lang: str = "zh") -> str:
    """A value exactly at a strict line, in words: 超过50% missed at 50% reads "等于50%，未超过"
    (never "+0.0个百分点")."""
    line = format_threshold(threshold, unit, lang)
    zh, en = {"gt": ("未超过", "not above"), "lt": ("未低于", "not below")}[comparison]
    return f"等于{line}，{zh}" if lang == "zh" else f"equal to {line}, {en}"
