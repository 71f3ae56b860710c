"""Generated report sentences in Chinese and English, built on the shared number vocabulary."""

from __future__ import annotations

from ..numbers import change, format_threshold, format_value, known, shown


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
    direction, amount = change(value, previous, unit, lang)
    if direction == 0:
        return f"与{since_zh}持平" if lang == "zh" else f"unchanged on {since_en}"
    if unit == "percent":
        if lang == "zh":
            return f"较{since_zh}{'提高' if direction > 0 else '下降'}{amount}个百分点"
        return f"{'up' if direction > 0 else 'down'} {amount} percentage points on {since_en}"
    if unit == "ratio":
        up, down = ("提高", "下降") if lang == "zh" else ("up", "down")
    else:
        up, down = ("增加", "减少") if lang == "zh" else ("up", "down")
    word = up if direction > 0 else down
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
    value, target, previous = known(value), known(target), known(previous)
    if value is None:
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
    if target is not None:
        parts.append(
            compare_phrase(
                value, target, unit, target_label or ("目标" if lang == "zh" else "target"), lang
            )
        )
    if previous is not None:
        parts.append(change_phrase(value, previous, unit, lang, since))
    return ("，".join(parts) + "。") if lang == "zh" else (", ".join(parts) + ".")


def verdict(met: bool | None, lang: str = "zh") -> str:
    if met is None:
        return "无数据" if lang == "zh" else "no data"
    if lang == "zh":
        return "达成" if met else "未达成"
    return "met" if met else "missed"


def join_clauses(sentences: list[str], lang: str = "zh") -> str:
    """Several one-clause sentences as one paragraph: 本校在校生数为…；招生数为…。"""
    if not sentences:
        return ""
    if lang == "zh":
        return "；".join(x.rstrip("。") for x in sentences) + "。"
    return "; ".join(x.rstrip(".") for x in sentences) + "."
