"""Numbers as people read them: one vocabulary for reports, tables, sentences and the terminal.

Every figure printed anywhere goes through these functions, so a value, its unit, a threshold and
a change read the same in a PDF table, a generated sentence and `qualityreport check`.
"""

from __future__ import annotations

import math

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


def format_value(
    value: float | None,
    unit: str,
    lang: str = "zh",
    *,
    with_unit: bool = True,
    digits: int | None = None,
) -> str:
    """56.3%, 15.2:1, 1,234人, 3,500.0万元; an em dash when there is no value."""
    value = known(value)
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.{1 if digits is None else digits}f}%"
    if unit == "ratio":
        return f"{value:.1f}:1"
    if unit == "元" and abs(value) >= 1_000_000:
        # Equipment values in 元 run to eight digits; 万元 is how reports print them.
        if lang == "zh":
            text = f"{value / _WAN:,.1f}"
            return text + "万元" if with_unit else text
        text = f"{value / 1_000_000:,.2f}"
        return text + " million yuan" if with_unit else text + "m"
    if digits == 0 or float(value).is_integer() or abs(value) >= 1000:
        text = f"{round(value):,}"
    else:
        text = f"{value:,.{1 if digits is None else digits}f}"
    if not with_unit:
        return text
    return text + (unit if lang == "zh" else UNITS_EN.get(unit, f" {unit}"))


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
    """The value as printed, so a comparison never contradicts the digits on the page."""
    if unit == "percent":
        return round(value * 100, 1)
    if unit == "ratio" or not float(value).is_integer():
        return round(value, 1)
    return float(value)


def comparison_text(
    comparison: str | None, threshold: float | None, unit: str, lang: str = "zh"
) -> str:
    """≥ 50% — the target line as printed in the attainment tables."""
    symbol = COMPARISON_SYMBOLS.get(comparison or "", comparison or "")
    return f"{symbol} {format_threshold(threshold, unit, lang)}".strip()


def delta_text(value: float | None, previous: float | None, unit: str, lang: str = "zh") -> str:
    """The change in a table cell: +4.1个百分点, −16人, 持平; an em dash without a previous year."""
    value, previous = known(value), known(previous)
    if value is None or previous is None:
        return "—"
    if unit == "percent":
        delta = round(value * 100, 1) - round(previous * 100, 1)
        if round(delta, 1) == 0:
            return "持平" if lang == "zh" else "±0"
        sign = "+" if delta > 0 else "−"
        return f"{sign}{abs(delta):.1f}{'个百分点' if lang == 'zh' else ' pp'}"
    delta = shown(value, unit) - shown(previous, unit)
    if abs(delta) < 1e-9:
        return "持平" if lang == "zh" else "±0"
    sign = "+" if delta > 0 else "−"
    if unit == "ratio":
        return f"{sign}{trim(abs(delta), 1)}"
    return sign + format_value(abs(value - previous), unit, lang)


def format_gap(gap: float | None, unit: str, lang: str = "zh") -> str:
    """A signed distance from a threshold; between percentages it is in percentage points."""
    gap = known(gap)
    if gap is None:
        return "—"
    if unit == "percent":
        points = f"{gap * 100:+.1f}"
        return f"{points}个百分点" if lang == "zh" else f"{points} pp"
    sign = "+" if gap >= 0 else "−"
    return sign + format_value(abs(gap), unit, lang)


def at_line_text(comparison: str, threshold: float | None, unit: str, lang: str = "zh") -> str:
    """A value exactly at a strict line, in words: 超过50% missed at 50% reads "等于50%，未超过"
    (never "+0.0个百分点")."""
    line = format_threshold(threshold, unit, lang)
    zh, en = {"gt": ("未超过", "not above"), "lt": ("未低于", "not below")}[comparison]
    return f"等于{line}，{zh}" if lang == "zh" else f"equal to {line}, {en}"
