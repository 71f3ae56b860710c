"""What a check returns: one verdict per target and subject, summaries, and the comparison rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# Why a verdict is neither met nor missed (met is NULL).
REASONS = {
    "no-submission": ("未报送", "no submission for the year"),
    "school-unknown": (
        "未报送（学校名单中没有这所学校）",
        "no submission (the school is not in the city's school list)",
    ),
    "value-missing": (
        "无法计算（缺数或分母为0）",
        "cannot be computed (missing value or zero denominator)",
    ),
    "incomplete": (
        "结果不完整（有学校未报送或未填写）",
        "incomplete (schools missing or values not given)",
    ),
    "not-applicable": ("不适用", "not applicable"),
    "applicability-unknown": (
        "无法判断是否适用（举办者类型等不明）",
        "cannot tell whether the target applies",
    ),
    "other-population": (
        "不适用（该目标的对象不是中职学校）",
        "not applicable (the target is about another kind of institution)",
    ),
    "before-deadline": ("未到考核年度", "before the year the target is judged in"),
    "after-deadline": ("考核年度已过", "after the year the target was judged in"),
    "information": ("信息（不作判定）", "information (no verdict)"),
    "no-threshold": ("该类别没有标准", "no threshold for this category"),
    "parameter-missing": ("缺少参数（由市教育局设定）", "a parameter has no value"),
    "component-no-data": ("部分分项无法判定", "some components cannot be judged"),
    "no-previous-year": ("缺少上年数据", "no data for the year before"),
    "no-data": ("无数据", "no data"),
}
# Reasons that are no verdict by design: they neither pass nor fail a year.
NOT_JUDGED = frozenset(
    {
        "not-applicable",
        "other-population",
        "before-deadline",
        "after-deadline",
        "information",
    }
)
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
    "tolerance",
    "level",
    "indicator",
    "population",
    "set_name",
    "source",
    "deadline",
    "baseline",
    "category",
    "missing_schools",
    "undetermined",
)


@dataclass(frozen=True)
class TargetResult:
    """One verdict: one target for one subject (a school, a specialty, a county or the city).

    The declarations travel with it, so a reader never guesses them: `level` (国家标准, 省定标准,
    市定目标 …, for this row: a provincial category threshold makes it 省定标准), `indicator` (the
    spec indicator, derived or computed id, or the set's declared measure that `value` is),
    `unit` (of value, threshold and gap; "percent" values are fractions), `population` (who the
    target judges), `baseline` ("previous_year" when the threshold is the subject's own figure
    of the year before). An incomplete city or county figure names the schools without a
    submission (`missing_schools`) and those whose value, last year's figure or threshold is
    missing (`undetermined`).
    """

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
    level: str = ""
    indicator: str = ""
    population: str = ""
    set_name: str = ""
    source: str = ""
    deadline: int | None = None
    baseline: str | None = None
    category: str | None = None
    missing_schools: tuple[str, ...] = ()
    undetermined: tuple[str, ...] = ()
    year: int | None = None

    @property
    def judged(self) -> bool:
        """A verdict was due this year (met, missed, or undetermined for want of data)."""
        return self.reason not in NOT_JUDGED

    def to_dict(self) -> dict:
        data = asdict(self)
        data["missing_schools"] = list(self.missing_schools)
        data["undetermined"] = list(self.undetermined)
        return data


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
    no_data: int  # due this year but undetermined: no submission, missing value or parameter
    not_applicable: int
    level: str = ""
    indicator: str = ""
    unit: str = ""
    population: str = ""
    incomplete: int = 0  # of no_data: city or county figures with schools missing
    listed: int = 0  # information rows

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SkippedSet:
    """A target set not checked because the year is outside the years it is for."""

    set_id: str
    name: str
    years: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"set_id": self.set_id, "name": self.name, "years": list(self.years)}


@dataclass(frozen=True)
class CheckReport:
    year: int | None
    run_id: int | None
    checked_at: dt.datetime
    parameters: dict[str, dict[str, Any]]
    results: tuple[TargetResult, ...]
    summaries: tuple[TargetSummary, ...]
    skipped: tuple[SkippedSet, ...] = ()
    schools_submitted: int = 0
    missing_schools: tuple[str, ...] = field(default=())

    @property
    def has_data(self) -> bool:
        return self.year is not None and self.schools_submitted > 0

    @property
    def required_missed(self) -> int:
        return sum(s.missed for s in self.summaries if s.required)

    @property
    def required_undetermined(self) -> int:
        return sum(s.no_data for s in self.summaries if s.required)

    @property
    def passed(self) -> bool:
        """Every required verdict due this year was made and met: missing data is never a pass."""
        return (
            self.has_data
            and bool(self.summaries)
            and self.required_missed == 0
            and self.required_undetermined == 0
        )

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "run_id": self.run_id,
            "checked_at": self.checked_at.isoformat(sep=" "),
            "passed": self.passed,
            "has_data": self.has_data,
            "schools_submitted": self.schools_submitted,
            "missing_schools": list(self.missing_schools),
            "required_missed": self.required_missed,
            "required_undetermined": self.required_undetermined,
            "skipped_sets": [s.to_dict() for s in self.skipped],
            "parameters": self.parameters,
            "summaries": [s.to_dict() for s in self.summaries],
            "results": [r.to_dict() for r in self.results],
        }


def compare(
    value: float, comparison: str, threshold: float, tolerance: float | None = None
) -> bool:
    """value <comparison> threshold; boundaries are exact (0.5 is not gt 0.5, 0.1 is ge 0.1).

    gt is 超过 (strictly more), ge is 不低于 / 达到 / 以上 (the value itself included).
    """
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


def at_threshold(value: float, threshold: float) -> bool:
    """value equals the threshold within the comparison's tolerance of rounding."""
    return abs(value - threshold) <= _EPSILON * max(1.0, abs(threshold))


def strict_at_threshold(result: TargetResult) -> bool:
    """A miss by being exactly at a strict line (超过 50% with 50%): say so, not "+0.0"."""
    return (
        result.met is False
        and result.comparison in ("gt", "lt")
        and result.value is not None
        and result.threshold is not None
        and at_threshold(result.value, result.threshold)
    )
