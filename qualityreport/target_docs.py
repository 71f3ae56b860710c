"""docs/targets.md: every ask of each document with the target that encodes it, from the sets."""

from __future__ import annotations

from collections.abc import Iterable

from .numbers import format_threshold
from .targets import Ask, ParamRef, PreviousYear, Target, TargetSet, Threshold

SIGNS = {"gt": "＞", "ge": "≥", "lt": "＜", "le": "≤", "eq": "＝", "between": "≈"}
SCOPES = {"school": "学校", "specialty": "专业", "county": "县（区）", "city": "全市"}
STATUS = {
    "encoded": "encoded",
    "information": "information",
    "needs-data": "needs data",
    "not-checkable": "not checkable",
}


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _number(value: float, unit: str) -> str:
    return format_threshold(value, unit)


def _bound(bound, unit: str, target_set: TargetSet) -> str:
    if isinstance(bound, PreviousYear):
        return "上年的值"
    if isinstance(bound, ParamRef):
        parameter = target_set.parameter(bound.name)
        given = parameter is not None and parameter.default is not None
        return f"`{bound.name}`" + ("" if given else "（未设定）")
    return _number(bound, unit)


def threshold_text(target: Target, target_set: TargetSet) -> str:
    """The line a target holds its value to, as the docs print it."""
    if target.informational:
        return "—（信息）"
    threshold: Threshold | None = target.threshold
    if threshold is None:
        return "见查询" if target.comparison is None else f"{SIGNS[target.comparison]} 见查询"
    sign = SIGNS.get(target.comparison or "", "")
    if threshold.by is None:
        text = sign + _bound(threshold.default, target.unit, target_set)
    else:
        parts = [
            f"{name} {sign}{_bound(b, target.unit, target_set)}" for name, b in threshold.values
        ]
        if threshold.default is not None:
            parts.append(f"其他 {sign}{_bound(threshold.default, target.unit, target_set)}")
        text = "；".join(parts)
    if target.comparison == "between" and target.tolerance is not None:
        text += f" ±{_bound(target.tolerance, target.unit, target_set)}"
    return text


def _when(target: Target) -> str:
    parts = []
    if target.years:
        parts.append("、".join(str(y) for y in target.years))
    if target.deadline is not None:
        parts.append(f"判定于{target.deadline}")
    return "；".join(parts) or "每年"


def _applies(target: Target) -> str:
    if target.task is not None:
        return f"任务{target.task}打√的学校"
    if target.applies_to:
        return "、".join(target.applies_to)
    if target.where:
        return f"满足 `{_cell(target.where)}`"
    return "全部"


def _ask_line(n: int, ask: Ask) -> str:
    status = STATUS[ask.status]
    targets = ", ".join(f"`{t}`" for t in ask.targets)
    why = ask.information or ask.needs_data or ask.not_checkable
    outcome = {
        "encoded": f"→ {targets}",
        "information": f"→ {targets} — {why}" if targets else why,
        "needs data": f"needs data: {why}",
        "not checkable": f"not checkable: {why}",
    }[status]
    return f"| {n} | {_cell(ask.quote)} | {status} | {_cell(outcome)} |"


def set_markdown(target_set: TargetSet) -> str:
    lines = [
        f"## {target_set.name} (`{target_set.id}`)",
        "",
        f"- Source: {target_set.source}",
        f"- Level: {target_set.level}",
        f"- Years: {'、'.join(str(y) for y in target_set.years) or 'every year'}",
    ]
    if target_set.document:
        lines.append(f"- Text: `specs/targets/sources/{target_set.document}`")
    if target_set.note:
        lines.append(f"- Note: {_cell(target_set.note)}")
    if target_set.asks:
        counts = {s: sum(a.status == s for a in target_set.asks) for s in STATUS}
        lines += [
            f"- Asks: {len(target_set.asks)} — "
            + ", ".join(f"{counts[s]} {STATUS[s]}" for s in STATUS),
            "",
            "### What the document asks",
            "",
            "| # | the document says | status | target, or why not |",
            "|---|---|---|---|",
            *(_ask_line(n, a) for n, a in enumerate(target_set.asks, start=1)),
        ]
    lines += [
        "",
        "### Targets",
        "",
        "| id | target | clause (依据) | level | indicator | unit | scope | applies to | line | years |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in target_set.targets:
        required = "" if t.required else "（参考）" if not t.informational else ""
        population = "" if t.population in ("中职学校", "县（区）") else f"（对象：{t.population}）"
        lines.append(
            f"| `{t.id}` | {_cell(t.name)}{required}{population} | {_cell(t.clause)} | {t.level} "
            f"| `{t.indicator}` | {t.unit} | {SCOPES[t.scope]} | {_cell(_applies(t))} "
            f"| {_cell(threshold_text(t, target_set))} | {_when(t)} |"
        )
    if target_set.parameters:
        lines += [
            "",
            "### Parameters",
            "",
            "| id | what | default | level |",
            "|---|---|---|---|",
        ]
        for p in target_set.parameters:
            default = "—（由市教育局设定）" if p.default is None else _cell(str(p.default))
            lines.append(f"| `{p.id}` | {_cell(p.name or p.description)} | {default} | {p.level} |")
    if target_set.tasks:
        lines += [
            "",
            "### Task table (任务承接情况一览表)",
            "",
            "| 序号 | 工作任务 | 承接数量 | 承接学校 | note |",
            "|---|---|---|---|---|",
        ]
        for task in target_set.tasks:
            schools = "不能确定" if task.schools is None else "、".join(task.schools) or "—"
            count = "" if task.count is None else str(task.count)
            lines.append(
                f"| {task.key} | {_cell(task.text)} | {count} | {schools} | {_cell(task.note)} |"
            )
    return "\n".join(lines) + "\n"


def targets_markdown(target_sets: Iterable[TargetSet]) -> str:
    """The reference page of the shipped target sets (docs/targets.md is generated from this)."""
    sets = sorted(target_sets, key=lambda s: (s.document is None, s.id))
    documents = [s for s in sets if s.asks]
    asks = [a for s in documents for a in s.asks]
    totals = ", ".join(f"{sum(a.status == s for a in asks)} {STATUS[s]}" for s in STATUS)
    head = [
        "# Target sets and the documents they encode",
        "",
        "Generated from `specs/targets/*.yaml` (`make docs`); a test keeps this page equal to the "
        "sets. For each city document: every ask, quoted, with the target that encodes it, or "
        "why it cannot be checked (`not checkable`) or what data it would need (`needs data`); "
        "`information` asks are listed with their figures but no verdict. Every clause and quote "
        "is the document's own words (checked against `specs/targets/sources/`).",
        "",
        f"{len(documents)} documents, {len(asks)} asks: {totals}.",
        "",
        "Lines marked （未设定） are parameters the document does not give: the city sets them in "
        "its configuration, and until then the results read 缺少参数.",
        "",
    ]
    return "\n".join(head) + "\n" + "\n".join(set_markdown(s) for s in sets)
