"""Numbers as report text: formatted values and generated sentences in Chinese and English."""

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


def _trim(number: float, digits: int) -> str:
    text = f"{number:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(
    value: float | None,
    unit: str,
    lang: str = "zh",
    *,
    with_unit: bool = True,
    digits: int | None = None,
) -> str:
    """56.3%, 15.2:1, 1,234人, 3,500.0万元; an em dash when there is no value."""
    if _is_missing(value):
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
    if _is_missing(value):
        return "—"
    if unit == "percent":
        return _trim(value * 100, 1) + "%"
    if unit == "ratio":
        return _trim(value, 1) + ":1"
    return format_value(value, unit, lang)


def shown(value: float, unit: str) -> float:
    """The value as printed, so a comparison never contradicts the digits on the page."""
    if unit == "percent":
        return round(value * 100, 1)
    if unit == "ratio" or not float(value).is_integer():
        return round(value, 1)
    return float(value)


def compare_phrase(
    value: float, threshold: float, unit: str, target_label: str, lang: str = "zh"
) -> str:
    """高于市定目标50% / 低于… / 与…持平 (above / below / equal to the …)."""
    a, b = shown(value, unit), shown(threshold, unit)
    t = format_threshold(threshold, unit, lang)
    if lang == "zh":
        if a > b:
            return f"高于{target_label}{t}"
        if a < b:
            return f"低于{target_label}{t}"
        return f"与{target_label}{t}持平"
    if a > b:
        return f"above the {target_label} of {t}"
    if a < b:
        return f"below the {target_label} of {t}"
    return f"equal to the {target_label} of {t}"


def change_phrase(
    value: float, previous: float, unit: str, lang: str = "zh", since: str | None = None
) -> str:
    """较上年提高4.1个百分点 for percents, 增加/减少 N人 for counts, 与上年持平 when unchanged."""
    since_zh = since or "上年"
    since_en = since or "the previous year"
    if unit == "percent":
        delta = round(value * 100, 1) - round(previous * 100, 1)
        amount = f"{abs(delta):.1f}"
        if round(delta, 1) == 0:
            return f"与{since_zh}持平" if lang == "zh" else f"unchanged on {since_en}"
        if lang == "zh":
            return f"较{since_zh}{'提高' if delta > 0 else '下降'}{amount}个百分点"
        return f"{'up' if delta > 0 else 'down'} {amount} percentage points on {since_en}"
    delta = shown(value, unit) - shown(previous, unit)
    if abs(delta) < 1e-9:
        return f"与{since_zh}持平" if lang == "zh" else f"unchanged on {since_en}"
    if unit == "ratio":
        amount = _trim(abs(delta), 1)
        up, down = ("提高", "下降") if lang == "zh" else ("up", "down")
    else:
        amount = format_value(abs(value - previous), unit, lang)
        up, down = ("增加", "减少") if lang == "zh" else ("up", "down")
    word = up if delta > 0 else down
    return f"较{since_zh}{word}{amount}" if lang == "zh" else f"{word} {amount} on {since_en}"


def describe(
    subject: str,
    label: str,
    value: float | None,
    unit: str,
    *,
    target: float | None = None,
    target_label: str | None = None,
    previous: float | None = None,
    since: str | None = None,
    lang: str = "zh",
) -> str:
    """One sentence: 本校“双师型”教师占专业课教师比例为56.3%，高于市定目标50%，较上年提高4.1个百分点。"""
    if _is_missing(value):
        return (
            f"{subject}{label}暂无数据。"
            if lang == "zh"
            else f"No data on {label.lower()} for {subject.lower()}."
        )
    if lang == "zh":
        parts = [f"{subject}{label}为{format_value(value, unit, lang)}"]
    elif subject:
        parts = [f"{subject} {label[:1].lower() + label[1:]} was {format_value(value, unit, lang)}"]
    else:
        parts = [f"{label} was {format_value(value, unit, lang)}"]
    if not _is_missing(target):
        parts.append(
            compare_phrase(
                value, target, unit, target_label or ("目标" if lang == "zh" else "target"), lang
            )
        )
    if not _is_missing(previous):
        parts.append(change_phrase(value, previous, unit, lang, since))
    return ("，".join(parts) + "。") if lang == "zh" else (", ".join(parts) + ".")


def verdict(met: bool | None, lang: str = "zh") -> str:
    if met is None:
        return "无数据" if lang == "zh" else "no data"
    if lang == "zh":
        return "达成" if met else "未达成"
    return "met" if met else "missed"


def comparison_text(comparison: str, threshold: float | None, unit: str, lang: str = "zh") -> str:
    """≥ 50% — the target line as printed in the attainment tables."""
    symbol = COMPARISON_SYMBOLS.get(comparison, comparison)
    return f"{symbol} {format_threshold(threshold, unit, lang)}".strip()


def delta_text(value: float | None, previous: float | None, unit: str, lang: str = "zh") -> str:
    """The change in a table cell: +4.1个百分点, −16人, 持平; an em dash without a previous year."""
    if _is_missing(value) or _is_missing(previous):
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
        return f"{sign}{_trim(abs(delta), 1)}"
    return sign + format_value(abs(value - previous), unit, lang)


def join_clauses(sentences: list[str], lang: str = "zh") -> str:
    """Several one-clause sentences as one paragraph: 本校在校生数为…；招生数为…。"""
    if not sentences:
        return ""
    if lang == "zh":
        return "；".join(x.rstrip("。") for x in sentences) + "。"
    return "; ".join(x.rstrip(".") for x in sentences) + "."
