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
    in_wan: bool | None = None,
) -> str:
    """56.3%, 15.2:1, 1,234人, 3,500.0万元; an em dash when there is no value.

    Money prints in 万元 when it is large (`in_wan_yuan`); in_wan=True or False decides for a
    whole row, so the figures beside each other share one unit."""
    value = known(value)
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.{1 if digits is None else digits}f}%"
    if unit == "ratio":
        return f"{value:.1f}:1"
    if unit == "元" and (in_wan if in_wan is not None else in_wan_yuan(value)):
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


def in_wan_yuan(*values: float | None) -> bool:
    """Whether money figures printed together are in 万元: when any of them is that large."""
    return any(v is not None and abs(v) >= 1_000_000 for v in map(known, values))


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
    if unit == "percent":
        return round(value * 100, 1)
    if unit == "ratio":
        return round(value, 1)
    if unit == "元" and in_wan_yuan(value):
        return round(value / _WAN, 1) * _WAN
    if float(value).is_integer() or abs(value) >= 1000:
        return float(round(value))
    return round(value, 1)


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
    if unit == "percent":
        delta = round(round(value * 100, 1) - round(previous * 100, 1), 1)
        amount = f"{abs(delta):.1f}"
    else:
        wan = unit == "元" and in_wan_yuan(value, previous)
        delta = _printed(value, unit, wan) - _printed(previous, unit, wan)
        if unit == "ratio":
            amount = trim(abs(delta), 1)
        else:
            amount = format_value(abs(delta), unit, lang, in_wan=wan)
    direction = 0 if abs(delta) < 1e-9 else (1 if delta > 0 else -1)
    return direction, amount


def delta_text(value: float | None, previous: float | None, unit: str, lang: str = "zh") -> str:
    """The change in a table cell: +4.1个百分点, −16人, 持平; an em dash without a previous year."""
    value, previous = known(value), known(previous)
    if value is None or previous is None:
        return "—"
    direction, amount = change(value, previous, unit, lang)
    if direction == 0:
        return "持平" if lang == "zh" else "±0"
    sign = "+" if direction > 0 else "−"
    if unit == "percent":
        return f"{sign}{amount}{'个百分点' if lang == 'zh' else ' pp'}"
    return sign + amount


def _printed(value: float, unit: str, wan: bool) -> float:
    return round(value / _WAN, 1) * _WAN if wan else shown(value, unit)


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
