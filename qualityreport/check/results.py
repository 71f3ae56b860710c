"""What a check returns: one verdict per target and subject, summaries, and the comparison rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

# Why a verdict is neither met nor missed (met is NULL).
REASONS = {
    "no-submission": ("该校本年度未提交数据", "no submission from this school for the year"),
    "school-unknown": ("数据库中没有这所学校", "this school is not in the database"),
    "value-missing": (
        "无法计算（缺数或分母为0）",
        "cannot be computed (missing value or zero denominator)",
    ),
    "not-applicable": ("不适用", "not applicable"),
    "no-threshold": ("该类别没有标准", "no threshold for this category"),
    "parameter-missing": ("缺少参数", "a parameter has no value"),
    "component-no-data": ("部分分项无数据", "some components have no data"),
    "no-previous-year": ("缺少上年数据", "no data for the year before"),
    "no-data": ("无数据", "no data"),
}
_EPSILON = 1e-9

# The columns of a verdict as stored in target_results and exported (besides run and year).
RESULT_COLUMNS = (
    "set_id",
    "target_id",
    "name",
    "name_en",
    "clause",
    "scope",
    "subject_id",
    "subject_name",
    "value",
    "threshold",
    "comparison",
    "met",
    "gap",
    "required",
    "severity",
    "reason",
    "unit",
)


@dataclass(frozen=True)
class TargetResult:
    """One verdict: one target for one subject (a school, a specialty or the city) in one year."""

    set_id: str
    target_id: str
    name: str
    name_en: str
    clause: str
    scope: str
    subject_id: str | None
    subject_name: str | None
    value: float | None
    threshold: float | None
    comparison: str | None
    met: bool | None
    gap: float | None  # value - threshold, in the value's unit
    required: bool
    severity: str
    reason: str | None = None
    unit: str = ""
    tolerance: float | None = None
    year: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TargetSummary:
    set_id: str
    target_id: str
    name: str
    name_en: str
    scope: str
    required: bool
    severity: str
    met: int
    missed: int
    no_data: int
    not_applicable: int

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CheckReport:
    year: int | None
    run_id: int | None
    checked_at: dt.datetime
    parameters: dict[str, dict[str, Any]]
    results: tuple[TargetResult, ...]
    summaries: tuple[TargetSummary, ...]

    @property
    def required_missed(self) -> int:
        return sum(s.missed for s in self.summaries if s.required)

    @property
    def passed(self) -> bool:
        return self.required_missed == 0

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "run_id": self.run_id,
            "checked_at": self.checked_at.isoformat(sep=" "),
            "passed": self.passed,
            "parameters": self.parameters,
            "summaries": [s.to_dict() for s in self.summaries],
            "results": [r.to_dict() for r in self.results],
        }


def compare(
    value: float, comparison: str, threshold: float, tolerance: float | None = None
) -> bool:
    """value <comparison> threshold; boundaries are exact (0.5 is not gt 0.5, 0.1 is ge 0.1)."""
    eps = _EPSILON * max(1.0, abs(threshold))
    if comparison == "gt":
        return value > threshold + eps
    if comparison == "ge":
        return value >= threshold - eps
    if comparison == "lt":
        return value < threshold - eps
    if comparison == "le":
        return value <= threshold + eps
    if comparison == "eq":
        return abs(value - threshold) <= eps
    if comparison == "between":
        return abs(value - threshold) <= (tolerance or 0.0) + eps
    raise ValueError(comparison)
