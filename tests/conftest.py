"""Shared fixtures: the shipped spec and real workbooks written from the template with chosen values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from qualityreport.spec import load_spec
from qualityreport.template import SchoolData, write_workbook

VALID_VALUES = {
    "school_code": "4205000001",
    "school_name": "宜昌市三峡中等专业学校",
    "county": "西陵区",
    "operator_type": "公办",
    "school_category": "一般类",
    "discipline_type": "工科医药类",
    "year": 2024,
    "students_enrolled": 3000,
    "students_admitted": 1000,
    "graduates": 900,
    "graduates_employed": 500,
    "graduates_further_study": 350,
    "graduates_employed_in_field": 400,
    "students_dropped": 10,
    "students_certified": 800,
    "awards_national": 1,
    "awards_provincial": 5,
    "awards_city": 10,
    "staff_total": 200,
    "teachers_full_time": 150,
    "teachers_general": 60,
    "teachers_professional": 90,
    "teachers_dual_qualified": 50,
    "teachers_part_time": 30,
    "teachers_bachelor_plus": 140,
    "teachers_postgraduate": 20,
    "teachers_senior_title": 40,
    "campus_area": 120000,
    "building_area": 70000,
    "equipment_value": 9000000,
    "books": 100000,
    "training_stations": 1500,
    "funding_per_student": 15000,
    "training_person_times": 3000,
    "partner_enterprises": 40,
    "apprenticeship_students": 200,
}
SPECIALTY_COLUMNS = (
    "specialty_code",
    "specialty_name",
    "status",
    "enrolled",
    "admitted",
    "graduates",
    "employed",
    "further_study",
    "employed_in_field",
)
VALID_SPECIALTIES = [
    dict(
        zip(
            SPECIALTY_COLUMNS,
            ("710201", "计算机应用", "保留", 1800, 600, 540, 300, 210, 240),
            strict=True,
        )
    ),
    dict(
        zip(
            SPECIALTY_COLUMNS,
            ("720201", "护理", "新增", 1200, 400, 360, 200, 140, 160),
            strict=True,
        )
    ),
]


@pytest.fixture(scope="session")
def spec():
    return load_spec()


def school_data(values=None, specialties=None, narratives=None, spec=None) -> SchoolData:
    spec = spec or load_spec()
    return SchoolData(
        values={**VALID_VALUES, **(values or {})},
        specialties=specialties
        if specialties is not None
        else [dict(r) for r in VALID_SPECIALTIES],
        narratives=narratives
        if narratives is not None
        else {n.id: f"{n.name}：本年度工作稳步推进。" for n in spec.narratives},
    )


@pytest.fixture
def make_workbook(tmp_path, spec) -> Callable[..., Path]:
    """Write a real filled-in workbook; edit(openpyxl_book) may change it afterwards."""

    def make(
        name="school.xlsx",
        *,
        values=None,
        specialties=None,
        narratives=None,
        edit=None,
        year=2024,
        meta=True,
    ) -> Path:
        path = tmp_path / name
        write_workbook(
            path, spec, year, school_data(values, specialties, narratives, spec), meta=meta
        )
        if edit is not None:
            from openpyxl import load_workbook

            book = load_workbook(path)
            edit(book)
            book.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def corpus():
    """tests/data/make_bad_corpus.py as a module: the functions that write hostile files."""
    import importlib.util

    path = Path(__file__).parent / "data" / "make_bad_corpus.py"
    module_spec = importlib.util.spec_from_file_location("make_bad_corpus", path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module
