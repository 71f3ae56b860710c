"""Generated report sentences in Chinese and English, built on the shared number vocabulary.

A sentence compares a figure with a target only through the target's declared indicator, with
the words its comparison calls for (超过…上限 for a ceiling, 等于…，未超过 at a strict line), and
a change over the year only from the two values as printed.
"""

from __future__ import annotations

from ..check.results import REASONS, TargetResult, at_threshold, compare
from ..numbers import Scale, format_threshold, known, scale_for

# A local line says more about a school than a national one: the first level found wins.
LEVEL_ORDER = ("市定目标", "市定标准", "省定目标", "省定标准", "国家目标", "国家标准")
_CEILINGS = ("le", "lt")


def level_label(target: TargetResult, lang: str = "zh") -> str:
    """The target's declared level (国家标准 / 省定标准 / 市定目标), never guessed."""
    if lang == "zh":
        return target.level or "目标"
    english = {"国家": "national", "省定": "provincial", "市定": "city"}
    kind = "standard" if target.level.endswith("标准") else "target"
    return f"{english.get(target.level[:2], 'the')} {kind}"


def sentence_target(
    indicator: str, targets: list[TargetResult] | tuple[TargetResult, ...]
) -> TargetResult | None:
    """The target a sentence about this indicator may compare with: one that declares it
    measures this indicator, judges this subject this year (not 不适用, not before its deadline),
    and has one fixed line (a line that is last year's own figure belongs to the change)."""
    found = [
        x
        for x in targets
        if x.indicator == indicator
        and x.threshold is not None
        and x.value is not None
        and x.comparison in ("ge", "gt", "le", "lt", "eq")
        and x.baseline != "previous_year"
        and x.met is not None
    ]
    found.sort(key=lambda x: LEVEL_ORDER.index(x.level) if x.level in LEVEL_ORDER else 99)
    return found[0] if found else None


def value_scale(value: float, threshold: float, unit: str, comparison: str) -> Scale:
    """The scale printing value and line together; with more decimals where the usual ones
    would print a value that is not at the line as if it were (49.96% is not 50.0%)."""
    scale = scale_for(unit, value, threshold)
    if at_threshold(value, threshold):
        return scale
    for extra in range(0, 4):
        wider = Scale(scale.unit, scale.digits + extra, scale.wan)
        if wider.number(value) != wider.number(threshold):
            return wider
    return scale


def compare_phrase(value: float, target: TargetResult, unit: str, lang: str = "zh") -> str:
    """高于市定目标50% / 超过国家标准上限20:1 / 等于市定目标50%，未超过 / 达到国家标准30%."""
    assert target.threshold is not None and target.comparison
    line_value, comparison = target.threshold, target.comparison
    scale = scale_for(unit, value, line_value)
    line = _line_text(line_value, scale, lang)
    level = level_label(target, lang)
    equal = at_threshold(value, line_value)
    above = value > line_value
    if lang == "zh":
        ceiling = "上限" if comparison in _CEILINGS else ""
        if equal:
            if comparison == "gt":
                return f"等于{level}{line}，未超过"
            if comparison == "lt":
                return f"等于{level}{ceiling}{line}，未低于"
            return f"达到{level}{line}" if comparison == "ge" else f"等于{level}{ceiling}{line}"
        if comparison in _CEILINGS:
            return f"超过{level}上限{line}" if above else f"低于{level}上限{line}"
        if comparison == "gt":
            return f"超过{level}{line}" if above else f"低于{level}{line}"
        return f"高于{level}{line}" if above else f"低于{level}{line}"
    bound = "ceiling of " if comparison in _CEILINGS else ""
    if equal:
        return f"equal to the {level} {bound}{line}" + (
            ", not above it" if comparison == "gt" else ""
        )
    word = "above" if above else "below"
    return f"{word} the {level} {bound}{line}"


def _line_text(threshold: float, scale: Scale, lang: str) -> str:
    """A line as the document writes it: no needless decimals (50%, 20:1, 300万元)."""
    if scale.unit in ("percent", "ratio"):
        return format_threshold(threshold, scale.unit, lang)
    if not scale.wan and float(threshold).is_integer():
        return Scale(scale.unit, 0).text(threshold, lang)  # 30册, not 30.0册
    return scale.text(threshold, lang)


def change_phrase(
    value: float, previous: float, unit: str, lang: str = "zh", since: str | None = None
) -> str:
    """较上年提高4.1个百分点 for percents, 增加/减少 N人 for counts, 与上年持平 when unchanged —
    the difference of the two values as printed."""
    since_zh = since or "上年"
    since_en = since or "the previous year"
    scale = scale_for(unit, value, previous)
    delta = scale.difference(value, previous)
    if delta == 0:
        return f"与{since_zh}持平" if lang == "zh" else f"unchanged on {since_en}"
    if unit == "percent":
        amount = f"{abs(delta):.{scale.digits}f}"
        if lang == "zh":
            return f"较{since_zh}{'提高' if delta > 0 else '下降'}{amount}个百分点"
        return f"{'up' if delta > 0 else 'down'} {amount} percentage points on {since_en}"
    amount = scale.change(value, previous, lang).lstrip("+−")
    if unit == "ratio":
        up, down = ("提高", "下降") if lang == "zh" else ("up", "down")
    else:
        up, down = ("增加", "减少") if lang == "zh" else ("up", "down")
    word = up if delta > 0 else down
    return f"较{since_zh}{word}{amount}" if lang == "zh" else f"{word} {amount} on {since_en}"


def describe(
    subject: str,
    label: str,
    value: float | None,
    unit: str,
    *,
    target: TargetResult | None = None,
    previous: float | None = None,
    since: str | None = None,
    lang: str = "zh",
) -> str:
    """One sentence: 本校“双师型”教师占专业课教师比例为56.3%，超过市定目标50%，较上年提高4.1个百分点。"""
    value, previous = known(value), known(previous)
    if value is None:
        return (
            f"{subject}{label}暂无数据。"
            if lang == "zh"
            else f"No data on {label.lower()} for {subject.lower()}."
        )
    if target is not None and target.threshold is not None:
        shown = value_scale(value, target.threshold, unit, target.comparison or "").text(
            value, lang
        )
    else:
        shown = scale_for(unit, value, previous).text(value, lang)
    if lang == "zh":
        parts = [f"{subject}{label}为{shown}"]
    elif subject:
        parts = [f"{subject} {label[:1].lower() + label[1:]} was {shown}"]
    else:
        parts = [f"{label} was {shown}"]
    if target is not None:
        parts.append(compare_phrase(value, target, unit, lang))
    if previous is not None:
        parts.append(change_phrase(value, previous, unit, lang, since))
    return ("，".join(parts) + "。") if lang == "zh" else (", ".join(parts) + ".")


def verdict(target: TargetResult | bool | None, lang: str = "zh") -> str:
    """达成 / 未达成, or why there is no verdict: 不适用, 未到考核年度（2025年）, 缺少参数 …"""
    if isinstance(target, TargetResult):
        met, reason = target.met, target.reason
    else:
        met, reason = target, None
    if met is None:
        if reason in REASONS:
            text = REASONS[reason][0 if lang == "zh" else 1]
            if reason == "before-deadline" and isinstance(target, TargetResult):
                if target.deadline:
                    text += f"（{target.deadline}年）" if lang == "zh" else f" ({target.deadline})"
            return text
        return "无数据" if lang == "zh" else "no data"
    if lang == "zh":
        return "达成" if met else "未达成"
    return "met" if met else "missed"


# In a crowded matrix cell: a verdict's reason in a few characters (the legend says the rest).
SHORT_REASONS = {
    "no-submission": ("未报送", "none"),
    "school-unknown": ("未报送", "none"),
    "value-missing": ("缺数", "no value"),
    "incomplete": ("不完整", "partial"),
    "not-applicable": ("不适用", "n/a"),
    "applicability-unknown": ("待定", "unclear"),
    "other-population": ("不适用", "n/a"),
    "before-deadline": ("未到期", "not due"),
    "after-deadline": ("已过期", "past"),
    "information": ("信息", "info"),
    "no-threshold": ("无标准", "no line"),
    "parameter-missing": ("缺参数", "no line"),
    "component-no-data": ("缺分项", "partial"),
    "no-previous-year": ("缺上年", "no base"),
    "no-data": ("无数据", "no data"),
}


def short_verdict(target: TargetResult, lang: str = "zh") -> str:
    if target.met is None:
        pair = SHORT_REASONS.get(target.reason or "", ("无数据", "no data"))
        return pair[0 if lang == "zh" else 1]
    return verdict(target, lang)


def met_by_words(target: TargetResult) -> bool | None:
    """What the comparison of value and line says (the stored verdict must agree)."""
    if target.value is None or target.threshold is None or not target.comparison:
        return None
    return compare(target.value, target.comparison, target.threshold, target.tolerance)


def join_clauses(sentences: list[str], lang: str = "zh") -> str:
    """Several one-clause sentences as one paragraph: 本校在校生数为…；招生数为…。"""
    if not sentences:
        return ""
    if lang == "zh":
        return "；".join(x.rstrip("。") for x in sentences) + "。"
    return "; ".join(x.rstrip(".") for x in sentences) + "."
