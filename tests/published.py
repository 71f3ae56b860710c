"""Figures real 中职 quality reports published, as workbooks written from the template.

Each school below is filled with the figures a published report printed; where the report
printed only a ratio, the whole numbers here are chosen to produce it, and the comment says so.
Every other value (the school's name and code, its land, books, staff …) is invented so that the
workbook validates: it is not from the report. The tests in test_caliber.py hold each published
figure against the figure our views compute in the matching 口径.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qualityreport.spec import Spec
from qualityreport.template import SchoolData, write_workbook

YEAR = 2024

# A valid school of middling size, to be overridden by each report's figures.
_BASE: dict[str, Any] = {
    "county": "示例区",
    "operator_type": "公办",
    "school_category": "一般类",
    "discipline_type": "工科医药类",
    "year": YEAR,
    "students_enrolled": 1800,
    "students_admitted": 600,
    "graduates": 550,
    "graduates_employed": 250,
    "graduates_further_study": 280,
    "graduates_employed_in_field": 200,
    "students_certified": 400,
    "awards_national": 0,
    "awards_provincial": 2,
    "awards_city": 5,
    "staff_total": 130,
    "teachers_full_time": 100,
    "teachers_general": 45,
    "teachers_professional": 55,
    "teachers_dual_qualified": 30,
    "teachers_part_time": 15,
    "teachers_bachelor_plus": 95,
    "teachers_postgraduate": 8,
    "teachers_senior_title": 25,
    "campus_area": 70000,
    "building_area": 40000,
    "equipment_value": 6000000,
    "books": 60000,
    "training_stations": 900,
    "funding_per_student": 12000,
    "training_person_times": 800,
    "partner_enterprises": 20,
    "apprenticeship_students": 60,
}

# 镇安县职业技术教育中心 (陕西): 141 专任教师, 32 名“双师型”教师, and 生师比 1:17.3 counting
# students without the third year, who are on 顶岗实习. The same school reads 25.1:1 over all
# 在校生 and 41.0% “双师型” over 专业课教师. The report gives no student numbers: 3,539 在校生
# with 1,100 on 岗位实习 are the whole numbers that produce both 17.3 (2,439 ÷ 141) and 25.1
# (3,539 ÷ 141); 78 专业课教师 are the number that gives 41.0% (32 ÷ 78).
# The issue lists 高级职称 35.5% and 本科以上 92.9% among printed ratios without naming their
# school: with 141 专任教师, 50 and 131 produce them, and they are put here for that reason only.
ZHENAN = {
    "school_code": "6110250001",
    "school_name": "镇安县职业技术教育中心",
    "county": "镇安县",
    "teachers_full_time": 141,
    "teachers_general": 63,
    "teachers_professional": 78,
    "teachers_dual_qualified": 32,
    "teachers_senior_title": 50,
    "teachers_bachelor_plus": 131,
    "teachers_postgraduate": 6,
    "staff_total": 168,
    "students_enrolled": 3539,
    "internship_students": 1100,
    "students_admitted": 1250,
    "graduates": 1080,
    "graduates_employed": 420,
    "graduates_further_study": 610,
    "graduates_employed_in_field": 330,
    "students_certified": 900,
    "campus_area": 130000,
    "building_area": 75000,
    "equipment_value": 11000000,
    "books": 110000,
}

# 芜湖 (a school's report): 28 专职教师, of whom 17 teach 专业课 and 14 are “双师型”, and 3 兼职
# 教师. The report's narrative says "双师型教师14名，占专业课教师45%": 45% is 14 ÷ (28 + 3), all
# teachers with the part-time ones, while 14 ÷ 17 专业课教师 is 82.4%. 专职 is entered as 专任.
WUHU = {
    "school_code": "3402070001",
    "school_name": "芜湖示例职业学校",
    "county": "镜湖区",
    "staff_total": 35,
    "teachers_full_time": 28,
    "teachers_general": 11,
    "teachers_professional": 17,
    "teachers_dual_qualified": 14,
    "teachers_part_time": 3,
    "teachers_bachelor_plus": 27,
    "teachers_postgraduate": 2,
    "teachers_senior_title": 8,
    "students_enrolled": 520,
    "students_admitted": 180,
    "graduates": 160,
    "graduates_employed": 90,
    "graduates_further_study": 62,
    "graduates_employed_in_field": 70,
    "students_certified": 120,
    "campus_area": 30000,
    "building_area": 16000,
    "equipment_value": 2500000,
    "books": 21000,
    "training_stations": 300,
}
WUHU_NARRATIVE = "学校现有专职教师28名，兼职教师3名。双师型教师14名，占专业课教师45%。"

# 广元 (a school's report): 62,331 m² over 1,738 students is 35.9 m² a student; the report
# printed 54.20 m², dividing by 1,150 students: it left out the 588 third-year students (its
# 588 graduates), who are on 顶岗实习. Entered as 占地面积 with 588 岗位实习学生.
GUANGYUAN = {
    "school_code": "5108020001",
    "school_name": "广元示例职业学校",
    "county": "利州区",
    "campus_area": 62331,
    "students_enrolled": 1738,
    "internship_students": 588,
    "graduates": 588,
    "graduates_employed": 250,
    "graduates_further_study": 300,
    "graduates_employed_in_field": 200,
    "students_admitted": 600,
    "building_area": 36000,
}

# 上海 2023 (the city's report): 33,681 毕业生, 25,509 升学, 6,913 直接就业 — 毕业去向落实率
# 96.26%; 升学 75.7% of 毕业生 (as 闵行 and 广州 divide) and 78.68% of 落实学生 (as 上海 2023 and
# the national statistics divide). A city's totals exceed what one school may enter (at most
# 20,000 毕业生), so they are split over six schools; the city figures are sums over sums.
SHANGHAI_TOTALS = {"graduates": 33681, "graduates_further_study": 25509, "graduates_employed": 6913}
SHANGHAI = [
    {
        "school_code": f"31011200{n:02d}",
        "school_name": f"上海示例中等职业学校{n}",
        "county": "闵行区",
        "graduates": graduates,
        "graduates_further_study": further,
        "graduates_employed": employed,
        "graduates_employed_in_field": employed // 2,
        "students_enrolled": 16800,
        "students_admitted": 5700,
        "students_certified": 9000,
        "staff_total": 1100,
        "teachers_full_time": 900,
        "teachers_general": 400,
        "teachers_professional": 500,
        "teachers_dual_qualified": 300,
        "teachers_part_time": 150,
        "teachers_bachelor_plus": 880,
        "teachers_postgraduate": 120,
        "teachers_senior_title": 250,
        "campus_area": 600000,
        "building_area": 350000,
        "equipment_value": 90000000,
        "books": 550000,
        "training_stations": 8000,
    }
    for n, (graduates, further, employed) in enumerate(
        [
            (5614, 4252, 1153),
            (5614, 4252, 1152),
            (5614, 4252, 1152),
            (5613, 4251, 1152),
            (5613, 4251, 1152),
            (5613, 4251, 1152),
        ],
        start=1,
    )
]

# 广州 (the city's report): 就业率（含升学）93.1%, counting destinations beyond 直接就业 and 升学;
# (直接就业 + 升学) ÷ 毕业生 is 91.0%. The report does not itemise the other destinations: the
# 21 graduates (2.1 points of 1,000) are put in 参军入伍, 自主创业 and 灵活就业 as an example, and
# the test's city configuration counts those with 出国出境.
GUANGZHOU = {
    "school_code": "4401060001",
    "school_name": "广州示例中等职业学校",
    "county": "天河区",
    "graduates": 1000,
    "graduates_employed": 600,
    "graduates_further_study": 310,
    "graduates_employed_in_field": 480,
    "graduates_enlisted": 6,
    "graduates_self_employed": 5,
    "graduates_flexible_employment": 10,
    "graduates_other_destination": 4,
    "students_enrolled": 3200,
    "students_admitted": 1100,
}
GUANGZHOU_COUNTS = [
    "graduates_employed",
    "graduates_further_study",
    "graduates_enlisted",
    "graduates_abroad",
    "graduates_self_employed",
    "graduates_flexible_employment",
]

# Printed ratios the issue lists without their school's numbers; the whole numbers are chosen to
# produce them: 升学率 82.42% (375 of 455) and 58.37% (272 of 466), and the national 毕业去向落实率
# 96.76% (478 of 494: a national total exceeds one workbook, the ratio is what is held).
FURTHER_STUDY_8242 = {
    "school_code": "9900000001",
    "school_name": "升学率82.42%的学校",
    "graduates": 455,
    "graduates_further_study": 375,
    "graduates_employed": 60,
    "graduates_employed_in_field": 40,
}
FURTHER_STUDY_5837 = {
    "school_code": "9900000002",
    "school_name": "升学率58.37%的学校",
    "graduates": 466,
    "graduates_further_study": 272,
    "graduates_employed": 170,
    "graduates_employed_in_field": 120,
}
NATIONAL_9676 = {
    "school_code": "9900000003",
    "school_name": "全国毕业去向落实率96.76%",
    "graduates": 494,
    "graduates_further_study": 300,
    "graduates_employed": 178,
    "graduates_employed_in_field": 120,
}


def school_data(values: dict[str, Any], narratives: dict[str, str] | None = None) -> SchoolData:
    """The school's workbook entries: its figures over the base, one specialty row holding the
    school's totals (so the rows add up), and short narratives."""
    merged = {**_BASE, **values}
    row = {
        "specialty_code": "710201",
        "specialty_name": "计算机应用",
        "status": "保留",
        "enrolled": merged["students_enrolled"],
        "admitted": merged["students_admitted"],
        "graduates": merged["graduates"],
        "employed": merged["graduates_employed"],
        "further_study": merged["graduates_further_study"],
        "employed_in_field": merged.get("graduates_employed_in_field"),
    }
    return SchoolData(values=merged, specialties=[row], narratives=narratives or {})


def write_school(
    directory: Path, spec: Spec, values: dict[str, Any], narratives: dict[str, str] | None = None
) -> Path:
    """A real workbook written from the template with the school's figures."""
    path = directory / f"{values['school_code']}.xlsx"
    write_workbook(path, spec, YEAR, school_data(values, narratives))
    return path
