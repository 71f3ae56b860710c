"""Build submissions in memory, without workbooks: a helper for tests and benchmarks."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from qualityreport.findings import Finding
from qualityreport.records import CellValue, Submission, TableRow, ValidationResult
from qualityreport.spec import Spec

# A school that meets every national minimum standard, to be varied by overrides.
BASELINE: dict[str, Any] = {
    "county": "西陵区",
    "operator_type": "公办",
    "school_category": "一般类",
    "discipline_type": "工科医药类",
    "students_enrolled": 2000,
    "students_admitted": 700,
    "graduates": 600,
    "graduates_employed": 300,
    "graduates_further_study": 270,
    "graduates_employed_in_field": 240,
    "students_dropped": 20,
    "students_certified": 500,
    "awards_national": 1,
    "awards_provincial": 4,
    "awards_city": 10,
    "staff_total": 150,
    "teachers_full_time": 100,
    "teachers_general": 40,
    "teachers_professional": 60,
    "teachers_dual_qualified": 36,
    "teachers_part_time": 20,
    "teachers_bachelor_plus": 95,
    "teachers_postgraduate": 10,
    "teachers_senior_title": 25,
    "campus_area": 80000.0,
    "building_area": 50000.0,
    "equipment_value": 8000000.0,
    "books": 80000,
    "training_stations": 1500,
    "funding_per_student": 9000.0,
    "training_person_times": 1200,
    "partner_enterprises": 20,
    "apprenticeship_students": 100,
}

BASELINE_SPECIALTIES: tuple[dict[str, Any], ...] = (
    {
        "specialty_code": "660301",
        "specialty_name": "数控技术应用",
        "status": "保留",
        "enrolled": 800,
        "admitted": 280,
        "graduates": 240,
        "employed": 120,
        "further_study": 108,
        "employed_in_field": 96,
    },
    {
        "specialty_code": "710201",
        "specialty_name": "计算机应用",
        "status": "保留",
        "enrolled": 700,
        "admitted": 245,
        "graduates": 210,
        "employed": 105,
        "further_study": 95,
        "employed_in_field": 84,
    },
    {
        "specialty_code": "740201",
        "specialty_name": "中餐烹饪",
        "status": "保留",
        "enrolled": 500,
        "admitted": 175,
        "graduates": 150,
        "employed": 75,
        "further_study": 67,
        "employed_in_field": 60,
    },
)


def make_submission(
    spec: Spec,
    school_code: str,
    year: int,
    *,
    school_name: str | None = None,
    values: dict[str, Any] | None = None,
    specialties: list[dict[str, Any]] | tuple | None = None,
    narratives: dict[str, str] | None = None,
    file: str | None = None,
    sha256: str | None = None,
) -> Submission:
    """A submission from the baseline school with the given values replaced (None empties one)."""
    merged = {**BASELINE, **(values or {})}
    merged.update(
        school_code=school_code,
        year=year,
        school_name=school_name or merged.get("school_name") or f"学校{school_code}",
    )
    cells = {
        i.id: CellValue(i.id, merged.get(i.id), f"{spec.sheet_by_id[i.sheet].name}!C{n + 3}")
        for n, i in enumerate(spec.indicators)
    }
    rows = tuple(
        TableRow(n + 3, dict(r))
        for n, r in enumerate(BASELINE_SPECIALTIES if specialties is None else specialties)
    )
    texts = (
        narratives
        if narratives is not None
        else {n.id: f"{merged['school_name']}{year}年{n.name}。" for n in spec.narratives}
    )
    file = file or f"{school_code}-{year}.xlsx"
    if sha256 is None:
        content = repr(
            (
                sorted(merged.items(), key=str),
                [sorted(r.values.items()) for r in rows],
                sorted(texts.items()),
            )
        )
        sha256 = hashlib.sha256(content.encode()).hexdigest()
    return Submission(
        file=file,
        sha256=sha256,
        spec_version=spec.version,
        template_version=spec.version,
        values=cells,
        specialties=rows,
        narratives=texts,
    )


def make_result(
    spec: Spec, school_code: str, year: int, *, findings: tuple[Finding, ...] = (), **kwargs
) -> ValidationResult:
    """A validation result carrying make_submission(...) and the given findings."""
    submission = make_submission(spec, school_code, year, **kwargs)
    return ValidationResult(file=submission.file, findings=tuple(findings), submission=submission)


def random_result(
    spec: Spec, rng: random.Random, school_code: str, year: int, specialties: int = 8
) -> ValidationResult:
    """A plausible school with random sizes and rates, consistent with the cross-field rules."""
    enrolled = rng.randint(600, 6000)
    full_time = max(20, int(enrolled / rng.uniform(12, 26)))
    professional = int(full_time * rng.uniform(0.45, 0.7))
    graduates = int(enrolled * rng.uniform(0.28, 0.35))
    employed = int(graduates * rng.uniform(0.3, 0.6))
    further = int((graduates - employed) * rng.uniform(0.7, 0.98))
    values = {
        "county": f"县{int(school_code) % 10}",
        "school_category": rng.choice(("一般类", "一般类", "艺术类")),
        "discipline_type": rng.choice(("工科医药类", "其他类")),
        "students_enrolled": enrolled,
        "students_admitted": int(enrolled * 0.36),
        "graduates": graduates,
        "graduates_employed": employed,
        "graduates_further_study": further,
        "graduates_employed_in_field": int(employed * 0.8),
        "staff_total": int(full_time * 1.3),
        "teachers_full_time": full_time,
        "teachers_general": full_time - professional,
        "teachers_professional": professional,
        "teachers_dual_qualified": int(professional * rng.uniform(0.3, 0.7)),
        "teachers_part_time": int(full_time * rng.uniform(0.1, 0.3)),
        "teachers_bachelor_plus": int(full_time * 0.9),
        "teachers_postgraduate": int(full_time * 0.1),
        "teachers_senior_title": int(full_time * rng.uniform(0.15, 0.35)),
        "campus_area": enrolled * rng.uniform(25, 60),
        "building_area": enrolled * rng.uniform(15, 35),
        "equipment_value": enrolled * rng.uniform(2000, 6000),
        "books": int(enrolled * rng.uniform(20, 50)),
        "training_person_times": rng.randint(0, 3000),
    }
    codes = [str(610101 + k) for k in range(specialties)]
    rows = []
    for k, code in enumerate(codes):
        share = 1 / specialties
        rows.append(
            {
                "specialty_code": code,
                "specialty_name": f"专业{k + 1}",
                "status": rng.choice(("保留",) * 8 + ("新增", "停招")),
                "enrolled": int(enrolled * share),
                "admitted": int(enrolled * 0.36 * share),
                "graduates": int(graduates * share),
                "employed": int(employed * share),
                "further_study": int(further * share),
                "employed_in_field": int(employed * 0.8 * share),
            }
        )
    return make_result(
        spec,
        school_code,
        year,
        school_name=f"第{school_code[-5:]}职业学校",
        values=values,
        specialties=rows,
    )
