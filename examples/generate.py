"""Build the example city: 12 schools × 3 years of workbooks, flawed copies, and its configuration.

Run `python examples/generate.py [OUT_DIR]` (default: this folder). The output is deterministic:
every random choice comes from a generator seeded by the school code, and the workbooks carry
fixed timestamps, so running it again gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from qualityreport import layout
from qualityreport.outline import narratives_for
from qualityreport.resources import catalog_path
from qualityreport.spec import Spec, load_spec
from qualityreport.template import SchoolData, write_workbook

CITY = "宜昌市"
YEARS = (2022, 2023, 2024)
# Cohorts admitted from this 学年 on are simulated, so the 2022 graduates have a history.
FIRST_COHORT = 2020
PROVINCIAL_FUNDING_STANDARD = 12000
# 中职 admissions ÷ 普通高中 admissions per year: the city drifts towards 大体相当.
GENERAL_VOCATIONAL_RATIO = {2022: 0.93, 2023: 0.97, 2024: 1.02}
MISTAKE_YEAR = 2024
HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Profile:
    """What makes one school itself: identity, specialties over time, and its typical ratios."""

    code: str
    name: str
    short: str
    county: str
    operator: str
    category: str
    discipline: str
    specialties: tuple[str, ...]  # admitting since before FIRST_COHORT
    added: tuple[tuple[str, int], ...]  # (code, first 学年 with admissions): 新增 that year
    stopped: tuple[tuple[str, int], ...]  # (code, first 学年 without admissions): 停招, then 撤销
    admissions: int  # a typical specialty's yearly admissions
    growth: float  # yearly change of admissions
    students_per_teacher: float
    professional_share: float
    dual_share: tuple[float, float, float]  # “双师型” ÷ 专业课教师, per year
    campus_per_student: float
    building_per_student: float
    equipment_per_student: float
    books_per_student: float
    funding: int  # 生均财政拨款 in the first year
    training: int  # 社会培训人次 in the first year
    employment: float  # (就业 + 升学) ÷ 毕业生
    further_study: float  # 升学 ÷ 毕业生 in the first year
    retention: float  # share of a cohort still enrolled after three years
    dual_exactly_half_in: int | None = None


# fmt: off
SCHOOLS = (
    Profile(
        "4142050101", "宜昌市三峡中等专业学校", "三峡中专", "伍家岗区", "公办", "一般类", "工科医药类",
        ("660103", "660301", "700206", "710201", "710202", "720201", "730301", "730701",
         "770101", "730801", "740201"),
        (("710205", 2023), ("790302", 2024)), (("740201", 2021), ("730801", 2024)),
        admissions=165, growth=0.03, students_per_teacher=15.2, professional_share=0.62,
        dual_share=(0.56, 0.60, 0.64), campus_per_student=43, building_per_student=26,
        equipment_per_student=7200, books_per_student=42, funding=17800, training=1920,
        employment=0.97, further_study=0.42, retention=0.95,
    ),
    Profile(
        "4142052701", "秭归县职业教育中心", "秭归职教中心", "秭归县", "公办", "一般类", "其他类",
        ("610107", "610105", "740101", "710201", "700206", "730701", "770101"),
        (("730705", 2023),), (),
        admissions=95, growth=0.02, students_per_teacher=16.8, professional_share=0.58,
        dual_share=(0.44, 0.50, 0.53), campus_per_student=47, building_per_student=24,
        equipment_per_student=3400, books_per_student=36, funding=14200, training=670,
        employment=0.95, further_study=0.46, retention=0.94, dual_exactly_half_in=2023,
    ),
    Profile(
        "4142052802", "长阳土家族自治县职业教育中心", "长阳职教中心", "长阳土家族自治县", "公办",
        "边远脱贫地区", "其他类",
        ("740101", "750301", "610301", "710201", "770101", "700206", "730701"),
        (("790302", 2024),), (("610301", 2023),),
        admissions=88, growth=0.01, students_per_teacher=18.6, professional_share=0.55,
        dual_share=(0.37, 0.41, 0.45), campus_per_student=39, building_per_student=21,
        equipment_per_student=2750, books_per_student=33, funding=12900, training=610,
        employment=0.93, further_study=0.40, retention=0.92,
    ),
    Profile(
        "4142058203", "当阳市职业技术学校", "当阳职校", "当阳市", "公办", "一般类", "工科医药类",
        ("660103", "660105", "670201", "660301", "710103", "700206", "710201", "730301"),
        (("660303", 2023),), (("730301", 2023),),
        admissions=108, growth=0.02, students_per_teacher=16.4, professional_share=0.60,
        dual_share=(0.45, 0.49, 0.53), campus_per_student=45, building_per_student=23,
        equipment_per_student=3650, books_per_student=34, funding=14800, training=810,
        employment=0.96, further_study=0.38, retention=0.95,
    ),
    Profile(
        "4142058304", "枝江市职业教育中心", "枝江职教中心", "枝江市", "公办", "一般类", "工科医药类",
        ("690102", "690101", "660301", "660103", "710201", "730701", "700206", "770101"),
        (("670207", 2024),), (),
        admissions=98, growth=0.01, students_per_teacher=17.9, professional_share=0.57,
        dual_share=(0.40, 0.43, 0.47), campus_per_student=38, building_per_student=22,
        equipment_per_student=3200, books_per_student=31, funding=13600, training=700,
        employment=0.94, further_study=0.44, retention=0.93,
    ),
    Profile(
        "4142058105", "宜都市职业教育中心", "宜都职教中心", "宜都市", "公办", "一般类", "工科医药类",
        ("670203", "660301", "660103", "630105", "700206", "710201", "720201", "770101"),
        (("700209", 2023),), (("630105", 2024),),
        admissions=102, growth=0.02, students_per_teacher=17.2, professional_share=0.61,
        dual_share=(0.48, 0.53, 0.58), campus_per_student=41, building_per_student=24,
        equipment_per_student=4300, books_per_student=38, funding=15600, training=920,
        employment=0.96, further_study=0.45, retention=0.95,
    ),
    Profile(
        "4142052506", "远安县职业教育中心", "远安职教中心", "远安县", "公办", "一般类", "其他类",
        ("610105", "710201", "700206", "770101", "730701"),
        (), (),
        admissions=72, growth=-0.01, students_per_teacher=15.6, professional_share=0.53,
        dual_share=(0.33, 0.36, 0.40), campus_per_student=35, building_per_student=21,
        equipment_per_student=2900, books_per_student=32, funding=13100, training=380,
        employment=0.92, further_study=0.48, retention=0.93,
    ),
    Profile(
        "4142052607", "兴山县职业技术学校", "兴山职校", "兴山县", "公办", "边远脱贫地区", "其他类",
        ("740101", "710201", "700206", "770101", "610107"),
        (), (("610107", 2024),),
        admissions=62, growth=-0.02, students_per_teacher=15.4, professional_share=0.52,
        dual_share=(0.31, 0.34, 0.38), campus_per_student=52, building_per_student=25,
        equipment_per_student=2150, books_per_student=27, funding=11200, training=320,
        employment=0.89, further_study=0.50, retention=0.91,
    ),
    Profile(
        "4142052908", "五峰土家族自治县职业教育中心", "五峰职教中心", "五峰土家族自治县", "公办",
        "边远脱贫地区", "其他类",
        ("610107", "740105", "710201", "770101"),
        (("740101", 2023),), (),
        admissions=70, growth=0.0, students_per_teacher=21.6, professional_share=0.51,
        dual_share=(0.32, 0.35, 0.38), campus_per_student=34, building_per_student=17,
        equipment_per_student=1900, books_per_student=31, funding=10600, training=280,
        employment=0.87, further_study=0.44, retention=0.90,
    ),
    Profile(
        "4142050509", "宜昌市机电工程学校", "机电工程学校", "猇亭区", "公办", "一般类", "工科医药类",
        ("660101", "660102", "660103", "660105", "660108", "660301", "660302", "660303",
         "700209", "710101"),
        (("660306", 2023),), (("660102", 2023), ("660101", 2021)),
        admissions=128, growth=0.03, students_per_teacher=15.8, professional_share=0.66,
        dual_share=(0.58, 0.63, 0.68), campus_per_student=46, building_per_student=27,
        equipment_per_student=8600, books_per_student=35, funding=16900, training=1410,
        employment=0.98, further_study=0.36, retention=0.96,
    ),
    Profile(
        "4142050610", "宜昌市商务学校", "商务学校", "夷陵区", "民办", "一般类", "其他类",
        ("730301", "730701", "730602", "730801", "740104", "700402", "710210", "770201"),
        (("730705", 2023), ("730702", 2024)), (("770201", 2023), ("740104", 2022)),
        admissions=118, growth=0.04, students_per_teacher=22.4, professional_share=0.56,
        dual_share=(0.31, 0.33, 0.36), campus_per_student=19, building_per_student=11,
        equipment_per_student=2650, books_per_student=30.5, funding=3200, training=470,
        employment=0.91, further_study=0.52, retention=0.90,
    ),
    Profile(
        "4142050211", "宜昌市艺术学校", "艺术学校", "西陵区", "公办", "艺术类", "其他类",
        ("750201", "750202", "750203", "750107", "750101", "760201"),
        (("750109", 2023),), (),
        admissions=52, growth=0.02, students_per_teacher=9.2, professional_share=0.70,
        dual_share=(0.42, 0.45, 0.49), campus_per_student=31, building_per_student=22,
        equipment_per_student=6100, books_per_student=45, funding=19800, training=450,
        employment=0.93, further_study=0.58, retention=0.94,
    ),
)
# fmt: on

# The 2024 submission each flawed copy starts from, and what is wrong with it.
MISTAKES = {
    "text-in-number-cell.xlsx": "4142058203",
    "percent-as-string.xlsx": "4142058304",
    "full-width-digits.xlsx": "4142058105",
    "wanyuan-instead-of-yuan.xlsx": "4142052802",
    "dual-exceeds-professional.xlsx": "4142050509",
    "missing-sheet.xlsx": "4142052506",
    "old-template.xlsx": "4142052607",
    "bad-specialty-code.xlsx": "4142050610",
    "narrative-disagrees.xlsx": "4142050101",
    "units-typed.xlsx": "4142050211",
}


# ---- the catalog ----------------------------------------------------------------------------


def secondary_catalog() -> dict[str, str]:
    """中职 specialty code → name, from the 2021 catalog."""
    with catalog_path().open(encoding="utf-8") as handle:
        return {
            row["majorCode"]: row["majorName"]
            for row in csv.DictReader(handle)
            if row["educationLevel"] == "VOCATIONAL_SECONDARY" and row["itemLevel"] == "MAJOR"
        }


# ---- specialties and students ---------------------------------------------------------------


@dataclass(frozen=True)
class Cohorts:
    """One specialty's admissions per 学年, from which every later count follows."""

    code: str
    admitted: dict[int, int]
    first_year: int | None  # the 学年 it was added, when that is one of YEARS

    def enrolled(self, year: int, retention: float) -> int:
        # Three cohorts are in school; each loses its dropouts evenly over three years.
        return sum(_survivors(self.admitted.get(year - k, 0), retention, k + 1) for k in range(3))

    def graduates(self, year: int, retention: float) -> int:
        return _survivors(self.admitted.get(year - 2, 0), retention, 3)

    def dropped(self, year: int, retention: float) -> int:
        lost = 0
        for k in range(3):
            cohort = self.admitted.get(year - k, 0)
            before = cohort if k == 0 else _survivors(cohort, retention, k)
            lost += before - _survivors(cohort, retention, k + 1)
        return lost

    def status(self, year: int, retention: float) -> str | None:
        """保留/新增/停招/撤销 in `year`, or None when the specialty is not listed that year."""
        if self.first_year == year:
            return "新增"
        if self.first_year and year < self.first_year:
            return None
        if self.admitted.get(year, 0):
            return "保留"
        if self.enrolled(year, retention):
            return "停招"
        # Listed as 撤销 in the first year without students, then dropped from the table.
        return "撤销" if self.enrolled(year - 1, retention) else None


def _survivors(cohort: int, retention: float, years_in: int) -> int:
    return round(cohort * (1 - (1 - retention) * years_in / 3))


def simulate_cohorts(profile: Profile) -> list[Cohorts]:
    rng = random.Random(f"{profile.code}-admissions")
    added, stopped = dict(profile.added), dict(profile.stopped)
    cohorts = []
    for code in profile.specialties + tuple(added):
        weight = rng.uniform(0.55, 1.5)
        first = added.get(code)
        admitted = {}
        for year in range(FIRST_COHORT, YEARS[-1] + 1):
            if (first and year < first) or (code in stopped and year >= stopped[code]):
                admitted[year] = 0
                continue
            size = profile.admissions * weight * (1 + profile.growth) ** (year - YEARS[0])
            if first == year:
                size *= 0.6
            admitted[year] = max(15, round(size * rng.uniform(0.93, 1.07)))
        cohorts.append(Cohorts(code, admitted, first))
    return cohorts


def specialty_rows(
    profile: Profile, cohorts: list[Cohorts], year: int, catalog: dict[str, str]
) -> list[dict[str, object]]:
    rng = random.Random(f"{profile.code}-outcomes-{year}")
    further_share = profile.further_study + 0.04 * (year - YEARS[0])
    rows = []
    for cohort in cohorts:
        status = cohort.status(year, profile.retention)
        if status is None:
            continue
        graduates = cohort.graduates(year, profile.retention)
        outcome = min(0.99, max(0.85, profile.employment + rng.uniform(-0.025, 0.02)))
        further = round(graduates * further_share)
        employed = round(graduates * outcome) - further
        rows.append(
            {
                "specialty_code": cohort.code,
                "specialty_name": catalog[cohort.code],
                "status": status,
                "enrolled": cohort.enrolled(year, profile.retention),
                "admitted": cohort.admitted[year],
                "graduates": graduates,
                "employed": employed,
                "further_study": further,
                "employed_in_field": round(employed * rng.uniform(0.66, 0.9)),
            }
        )
    return rows


# ---- the school's indicators ----------------------------------------------------------------


# The optional indicators (2025.2 template) are filled in from 2023: the 2022 workbooks leave them
# empty, as schools answering an older form would. What each school has: 牵头组建职教集团,
# 产业学院, 产教融合实训基地 (国家级, 省级, 市级) and 市级及以上教师教学创新团队.
OPTIONAL_FROM = 2023
GROUPS_LED = {"4142050101": 1, "4142050509": 1, "4142052607": 1, "4142058105": 1}
INDUSTRY_COLLEGES = {"4142050101": 1, "4142050509": 1, "4142058105": 1}
INTEGRATION_BASES = {
    "4142050101": (1, 2, 1),
    "4142050509": (1, 1, 1),
    "4142058105": (0, 1, 1),
    "4142052701": (0, 0, 1),
    "4142058203": (0, 1, 0),
    "4142052908": (0, 0, 1),
}
CITY_TEAMS = {
    "4142050101": 3,
    "4142050509": 2,
    "4142058105": 1,
    "4142058203": 1,
    "4142058304": 1,
    "4142052701": 1,
    "4142050211": 1,
}


def optional_values(profile: Profile, values: dict, year: int) -> dict[str, object]:
    """The optional indicators, from their own random stream so the others stay as they were."""
    if year < OPTIONAL_FROM:
        return {}
    rng = random.Random(f"{profile.code}-optional-{year}")
    dual, professional = values["teachers_dual_qualified"], values["teachers_professional"]
    senior = round(dual * rng.uniform(0.08, 0.15))
    intermediate = round(dual * rng.uniform(0.3, 0.4))
    national, provincial, city = INTEGRATION_BASES.get(profile.code, (0, 0, 0))
    led = GROUPS_LED.get(profile.code, 0)
    return {
        "students_certified_1x": round(values["students_certified"] * rng.uniform(0.35, 0.6)),
        "admission_plan": round(values["students_admitted"] / rng.uniform(0.92, 1.04)),
        "cross_province_admissions": round(values["students_admitted"] * rng.uniform(0.005, 0.03)),
        "internship_students": round(values["students_enrolled"] * rng.uniform(0.27, 0.32)),
        "dual_qualified_junior": dual - intermediate - senior,
        "dual_qualified_intermediate": intermediate,
        "dual_qualified_senior": senior,
        "teachers_enterprise_practice": round(professional * rng.uniform(0.25, 0.5)),
        "innovation_teams_school": rng.randint(1, 4),
        "innovation_teams_city_plus": CITY_TEAMS.get(profile.code, 0),
        "teacher_awards_national": rng.choice((0, 0, 0, 1)),
        "teacher_awards_provincial": rng.randint(0, 4),
        "teacher_awards_city": rng.randint(2, 8),
        "training_bases_on_campus": round(values["students_enrolled"] / 250) + rng.randint(1, 3),
        "training_bases_off_campus": round(values["partner_enterprises"] * rng.uniform(0.3, 0.5)),
        "integration_bases_national": national,
        "integration_bases_provincial": provincial,
        "integration_bases_city": city,
        "industry_colleges": INDUSTRY_COLLEGES.get(profile.code, 0),
        "vocational_groups_member": led + rng.randint(1, 3),
        "vocational_groups_led": led,
    }


def destination_values(profile: Profile, values: dict, year: int) -> dict[str, object]:
    """The optional 毕业去向 besides 直接就业 and 升学, taken from the graduates left over (the
    rest are 待就业); a stream of their own so every other value stays as it was."""
    if year < OPTIONAL_FROM:
        return {}
    rng = random.Random(f"{profile.code}-destinations-{year}")
    left = values["graduates"] - values["graduates_employed"] - values["graduates_further_study"]
    shares = {
        "graduates_enlisted": rng.uniform(0.08, 0.16),
        "graduates_abroad": rng.uniform(0.0, 0.02),
        "graduates_self_employed": rng.uniform(0.04, 0.1),
        "graduates_flexible_employment": rng.uniform(0.15, 0.3),
        "graduates_other_destination": rng.uniform(0.05, 0.1),
    }
    return {key: int(left * share) for key, share in shares.items()}


def school_values(
    profile: Profile, cohorts: list[Cohorts], rows: list[dict], year: int, first_enrolled: int
) -> dict[str, object]:
    values = required_values(profile, cohorts, rows, year, first_enrolled)
    return {
        **values,
        **optional_values(profile, values, year),
        **destination_values(profile, values, year),
    }


def required_values(
    profile: Profile, cohorts: list[Cohorts], rows: list[dict], year: int, first_enrolled: int
) -> dict[str, object]:
    rng = random.Random(f"{profile.code}-values-{year}")
    step = year - YEARS[0]
    totals = {
        column: sum(r[column] for r in rows)
        for column in (
            "enrolled",
            "admitted",
            "graduates",
            "employed",
            "further_study",
            "employed_in_field",
        )
    }
    enrolled = totals["enrolled"]
    return {
        "school_code": profile.code,
        "school_name": profile.name,
        "county": profile.county,
        "operator_type": profile.operator,
        "school_category": profile.category,
        "discipline_type": profile.discipline,
        "year": year,
        "students_enrolled": enrolled,
        "students_admitted": totals["admitted"],
        "graduates": totals["graduates"],
        "graduates_employed": totals["employed"],
        "graduates_further_study": totals["further_study"],
        "graduates_employed_in_field": totals["employed_in_field"],
        "students_dropped": sum(c.dropped(year, profile.retention) for c in cohorts),
        "students_certified": round(enrolled * (0.18 + 0.05 * step + rng.uniform(0, 0.06))),
        "awards_national": round(enrolled / 2500 * rng.uniform(0.3, 1.6)),
        "awards_provincial": round(enrolled / 400 * rng.uniform(0.6, 1.5)),
        "awards_city": round(enrolled / 150 * rng.uniform(0.7, 1.4)) + 2,
        **teacher_values(profile, enrolled, year, rng),
        **condition_values(profile, enrolled, first_enrolled, step, rng),
        "training_person_times": round(
            profile.training * (1 + 0.2 * step) * rng.uniform(0.96, 1.04)
        ),
        "partner_enterprises": max(4, round(enrolled / 90 * rng.uniform(0.8, 1.3)) + 2 * step),
        "apprenticeship_students": round(enrolled * rng.uniform(0.04, 0.13)),
    }


def teacher_values(profile: Profile, enrolled: int, year: int, rng: random.Random) -> dict:
    full_time = round(enrolled / (profile.students_per_teacher * rng.uniform(0.98, 1.02)))
    professional = round(full_time * profile.professional_share)
    dual_share = profile.dual_share[year - YEARS[0]]
    if profile.dual_exactly_half_in == year:
        professional += professional % 2
        dual = professional // 2
    else:
        dual = round(professional * dual_share)
        # Exactly half belongs to one school only, so the “more than 50%” target has one edge case.
        dual += 1 if dual * 2 == professional else 0
    bachelor = round(full_time * rng.uniform(0.9, 0.985))
    return {
        "staff_total": full_time + round(full_time * rng.uniform(0.12, 0.22)),
        "teachers_full_time": full_time,
        "teachers_general": full_time - professional,
        "teachers_professional": professional,
        "teachers_dual_qualified": dual,
        "teachers_part_time": round(full_time * rng.uniform(0.1, 0.28)),
        "teachers_bachelor_plus": bachelor,
        "teachers_postgraduate": round(full_time * rng.uniform(0.05, 0.16)),
        "teachers_senior_title": round(full_time * rng.uniform(0.2, 0.34)),
    }


def condition_values(
    profile: Profile, enrolled: int, first_enrolled: int, step: int, rng: random.Random
) -> dict:
    # Land and buildings are fixed at the first year's size; equipment and books keep growing.
    return {
        "campus_area": round(first_enrolled * profile.campus_per_student, -2),
        "building_area": round(first_enrolled * profile.building_per_student, -2),
        "equipment_value": round(
            enrolled * profile.equipment_per_student * (1 + 0.04 * step) * rng.uniform(0.98, 1.02),
            -2,
        ),
        "books": round(enrolled * profile.books_per_student * (1 + 0.02 * step)),
        "training_stations": round(enrolled * rng.uniform(0.3, 0.55)),
        "funding_per_student": round(profile.funding * (1 + 0.03 * step) * rng.uniform(0.99, 1.01)),
    }


# ---- narratives -----------------------------------------------------------------------------

NARRATIVES = {
    "overview": (
        "{name}位于{county}，是{operator}中等职业学校，现开设{specialty_count}个专业，学历教育在校生{enrolled}人。",
        "学校占地面积{campus}平方米，校舍建筑面积{building}平方米，教学仪器设备总值{equipment_wan}万元，纸质图书{books}册。",
        "学校有专任教师{full_time}人，其中专业课教师{professional}人，“双师型”教师占专业课教师的{dual_pct}。",
        "本学年招生{admitted}人，主干专业为{top_specialties}。",
        "学校建有校内实训工位{stations}个，基本满足专业实训需要。",
    ),
    "student_development": (
        "本学年毕业生{graduates}人，就业率（含升学）为{employment_pct}，其中升学{further}人。",
        "学校坚持德技并修，{certified}名学生获得职业技能等级证书。",
        "学生在技能大赛中获国家级奖项{awards_national}项、省级{awards_provincial}项、市级{awards_city}项。",
        "直接就业的毕业生中对口就业率为{in_field_pct}，毕业生主要在本地及周边企业就业。",
        "学校落实国家助学金和免学费政策，开展心理健康教育和职业生涯规划指导。",
    ),
    "quality_assurance": (
        "学校依据区域产业需求动态调整专业，{adjustment}。",
        "学校完善教学质量监控体系，实行校、系两级教学督导和学生评教。",
        "本年度组织教师参加国家级、省级培训，并安排专业课教师到企业实践，“双师型”教师队伍不断壮大。",
        "学校推进课程思政和“三教”改革，修订了各专业人才培养方案。",
        "学校加强党建引领，落实立德树人根本任务，规范学籍、教学和安全管理。",
    ),
    "enterprise_cooperation": (
        "学校与{partners}家企业签订合作协议，共建实训基地和订单班。",
        "参加订单班和现代学徒制培养的学生{apprentice}人，企业导师参与课程教学和技能考核。",
        "学校严格执行学生实习管理规定，实习岗位与所学专业对口，实习期间购买责任保险。",
        "学校参与市级职业教育集团，开展1+X证书试点，推动岗课赛证融通。",
    ),
    "social_contribution": (
        "学校面向社会开展职业技能培训{training}人次，服务{county}产业发展和乡村振兴。",
        "学校为本地企业输送技术技能人才，毕业生受到用人单位好评。",
        "学校承担退役军人、农民工和新型职业农民培训任务，开展送技下乡活动。",
        "学校与省内外职业院校开展对口支援和交流合作。",
    ),
    "government_duty": (
        "举办者落实生均拨款制度，本年度生均财政拨款{funding}元。",
        "{county}将职业教育纳入经济社会发展规划，在用地、编制和经费上给予支持。",
        "主管部门安排专项资金用于实训基地建设和设备更新。",
        "学校经费使用规范，按规定公开预决算信息。",
    ),
    "features": (
        "学校围绕{top_specialty}专业打造特色品牌，与龙头企业共建产业学院。",
        "学校探索“校中厂、厂中校”育人模式，学生在真实生产环境中学习技能。",
        "学校以技能大赛为抓手，以赛促教、以赛促学，形成了比学赶超的良好氛围。",
        "学校推进信息化教学改革，建成数字化教学资源库。",
    ),
}


# The 2024 notice's parts draw on the same facts; a school writes each in its own words.
NARRATIVES_2024 = {
    "talent_cultivation": NARRATIVES["student_development"] + NARRATIVES["quality_assurance"][:2],
    "service_contribution": NARRATIVES["social_contribution"],
    "cultural_heritage": (
        "学校把中华优秀传统文化融入课程教学，开设{county}非遗技艺选修课。",
        "学校组织学生参观革命纪念馆，开展红色文化主题教育活动。",
        "学校举办“工匠进校园”活动，邀请本地技能大师讲述成长经历，弘扬工匠精神和劳动精神。",
        "学校建设校园文化长廊，开展传统节日和劳动教育实践周活动。",
    ),
    "international_cooperation": (
        "本年度学校未开展境外办学和留学生项目。",
        "学校组织骨干教师参加职业教育国际化线上研修，学习借鉴国外职业教育标准。",
        "学校与省内高职院校合作，引入国际通用的职业技能标准开展教学。",
    ),
    "industry_education": NARRATIVES["enterprise_cooperation"],
    "development_support": NARRATIVES["overview"][1:3] + NARRATIVES["government_duty"],
}
CASES = (
    (
        "{top_specialty}专业“校企双元”育人实践",
        "学校与合作企业共同制定{top_specialty}专业人才培养方案，企业工程师每周到校授课，学生第三学年进入企业岗位实习。"
        "本年度该专业毕业生全部落实去向，用人单位对毕业生的满意度较高。",
    ),
    (
        "以赛促教、以赛促学",
        "学校建立校、市、省三级技能竞赛体系，每年举办校级技能节，覆盖全部专业。"
        "本年度学生在技能大赛中获省级奖项{awards_provincial}项，竞赛项目转化为课堂教学内容。",
    ),
)


def problem_sentences(values: dict[str, object]) -> list[str]:
    """The school's own weak points, from its numbers, so the text agrees with the data."""
    problems = []
    if values["students_enrolled"] > 20 * values["teachers_full_time"]:
        problems.append("生师比偏高，专任教师数量不足，需要通过公开招聘补充专业教师。")
    if values["teachers_dual_qualified"] * 2 <= values["teachers_professional"]:
        problems.append("“双师型”教师比例偏低，将加大教师企业实践和认定工作力度。")
    if values["equipment_value"] < 2500 * values["students_enrolled"]:
        problems.append("生均教学仪器设备值未达到国家标准，实训设备陈旧，需加大投入更新。")
    if values["campus_area"] < 40000:
        problems.append("校园占地面积不足，办学空间受限，正在积极争取扩建用地。")
    problems.append("专业与区域产业的契合度还需提高，将进一步优化专业布局。")
    problems.append("校企合作的深度不够，企业参与人才培养的积极性有待提高。")
    return problems


def narratives(profile: Profile, values: dict, rows: list[dict], year: int) -> dict[str, str]:
    rng = random.Random(f"{profile.code}-narratives-{year}")
    facts = narrative_facts(profile, values, rows)
    texts = {}
    for section, sentences in NARRATIVES.items():
        lead, *rest = sentences
        if facts["in_field_pct"] is None:  # a school that did not collect it does not write it
            rest = [s for s in rest if "{in_field_pct}" not in s]
        chosen = [lead, *rng.sample(rest, rng.randint(1, min(3, len(rest))))]
        texts[section] = "".join(s.format(**facts) for s in chosen)
    problems = problem_sentences(values)
    texts["problems"] = "".join(problems[: rng.randint(2, 3)]) + "学校将在下一年度逐项整改。"
    for section, sentences in NARRATIVES_2024.items():
        lead, *rest = sentences
        chosen = [lead, *rng.sample(rest, rng.randint(1, min(3, len(rest))))]
        texts[section] = "".join(s.format(**facts) for s in chosen)
    texts["challenges"] = texts["problems"]
    if profile.code.endswith("08"):  # one school leaves a part empty: the report shows it
        del texts["international_cooperation"]
    for n, (title, body) in enumerate(CASES[: 1 + rng.randint(0, 1)], start=1):
        texts[f"case_{n}"] = title.format(**facts) + "\n" + body.format(**facts)
    return texts


def narrative_facts(profile: Profile, values: dict, rows: list[dict]) -> dict[str, object]:
    largest = sorted(rows, key=lambda r: -r["enrolled"])
    changes = [r for r in rows if r["status"] != "保留"]
    adjustment = (
        "本年度" + "，".join(f"{r['specialty_name']}专业{r['status']}" for r in changes)
        if changes
        else "本年度专业设置保持稳定"
    )
    graduates = values["graduates"] or 1
    employed = values["graduates_employed"] or 1
    return {
        "name": profile.name,
        "county": profile.county,
        "operator": {"公办": "一所公办", "民办": "一所民办"}.get(profile.operator, "一所"),
        "specialty_count": sum(r["status"] != "撤销" for r in rows),
        "enrolled": values["students_enrolled"],
        "admitted": values["students_admitted"],
        "campus": values["campus_area"],
        "building": values["building_area"],
        "equipment_wan": round(values["equipment_value"] / 10000),
        "books": values["books"],
        "stations": values["training_stations"],
        "full_time": values["teachers_full_time"],
        "professional": values["teachers_professional"],
        "dual_pct": _percent(values["teachers_dual_qualified"], values["teachers_professional"]),
        "top_specialties": "、".join(r["specialty_name"] for r in largest[:3]),
        "top_specialty": largest[0]["specialty_name"],
        "graduates": values["graduates"],
        "further": values["graduates_further_study"],
        "employment_pct": _percent(
            values["graduates_employed"] + values["graduates_further_study"], graduates
        ),
        "in_field_pct": _percent(values["graduates_employed_in_field"], employed)
        if isinstance(values["graduates_employed_in_field"], int)
        else None,
        "certified": values["students_certified"],
        "awards_national": values["awards_national"],
        "awards_provincial": values["awards_provincial"],
        "awards_city": values["awards_city"],
        "adjustment": adjustment,
        "partners": values["partner_enterprises"],
        "apprentice": values["apprenticeship_students"],
        "training": values["training_person_times"],
        "funding": values["funding_per_student"],
    }


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%"


# ---- the city -------------------------------------------------------------------------------

# Schools that did not collect 对口就业人数 that year: they write 未统计, and their report leaves
# the 对口就业率 out.
NOT_COLLECTED = {("4142052908", 2024)}
NOT_COLLECTED_WORD = "未统计"


def build_city(catalog: dict[str, str]) -> dict[tuple[str, int], SchoolData]:
    """Every school's submission for every year, keyed by (school code, year)."""
    city = {}
    for profile in SCHOOLS:
        cohorts = simulate_cohorts(profile)
        first_enrolled = sum(c.enrolled(YEARS[0], profile.retention) for c in cohorts)
        for year in YEARS:
            rows = specialty_rows(profile, cohorts, year, catalog)
            values = school_values(profile, cohorts, rows, year, first_enrolled)
            if (profile.code, year) in NOT_COLLECTED:
                values = {**values, "graduates_employed_in_field": NOT_COLLECTED_WORD}
                rows = [{**r, "employed_in_field": NOT_COLLECTED_WORD} for r in rows]
            city[profile.code, year] = SchoolData(
                values=values, specialties=rows, narratives=narratives(profile, values, rows, year)
            )
    return city


def city_file(out_dir: Path, profile: Profile, year: int) -> Path:
    return out_dir / "city" / str(year) / f"{profile.code}-{profile.short}.xlsx"


def write_city(out_dir: Path, spec: Spec, city: dict[tuple[str, int], SchoolData]):
    for profile in SCHOOLS:
        for year in YEARS:
            path = city_file(out_dir, profile, year)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_workbook(path, spec, year, city[profile.code, year])


# The city's counties in administrative order (宜昌市行政区划), which tables and charts follow.
COUNTIES = (
    "西陵区",
    "伍家岗区",
    "点军区",
    "猇亭区",
    "夷陵区",
    "宜都市",
    "当阳市",
    "枝江市",
    "远安县",
    "兴山县",
    "秭归县",
    "长阳土家族自治县",
    "五峰土家族自治县",
)
# The names the city's own documents use for a school (宜昌's task table heads its columns so).
# The table's eleventh column, 现代, has no school in the example city: tasks ticked for it show
# that school as not submitted.
ALIASES = {
    "4142050101": ["三峡中专"],
    "4142050509": ["机电"],
    "4142058105": ["宜都"],
    "4142058304": ["枝江"],
    "4142058203": ["当阳"],
    "4142052506": ["远安"],
    "4142052607": ["兴山"],
    "4142052701": ["秭归"],
    "4142052802": ["长阳"],
    "4142052908": ["五峰"],
}
# The short names the bureau's charts print, one style for every school (declared, never cut).
SHORT_NAMES = {
    "4142050211": "宜昌艺校",
    "4142050101": "三峡中专",
    "4142050509": "宜昌机电",
    "4142050610": "宜昌商校",
    "4142058105": "宜都职教中心",
    "4142058203": "当阳职校",
    "4142058304": "枝江职教中心",
    "4142052506": "远安职教中心",
    "4142052607": "兴山职校",
    "4142052701": "秭归职教中心",
    "4142052802": "长阳职教中心",
    "4142052908": "五峰职教中心",
}


def write_city_config(out_dir: Path, city: dict[tuple[str, int], SchoolData]):
    admitted = {
        year: sum(city[p.code, year].values["students_admitted"] for p in SCHOOLS) for year in YEARS
    }
    config = {
        "kind": "qualityreport/city",
        "version": "1",
        "name": CITY,
        "name_en": "Yichang",
        "issuer": "宜昌市教育局",
        "publication": f"{YEARS[-1] + 1}-03",
        "counties": list(COUNTIES),
        "schools": [
            {"code": p.code, "name": p.name, "county": p.county}
            | ({"aliases": ALIASES[p.code]} if p.code in ALIASES else {})
            | ({"short_name": SHORT_NAMES[p.code]} if p.code in SHORT_NAMES else {})
            for p in sorted(SCHOOLS, key=lambda p: (COUNTIES.index(p.county), p.code))
        ],
        "target_sets": ["national-standards", "yichang"],
        # The city's own 就业率, as its reports count it: more destinations than the national
        # 毕业去向落实率（含升学）, which stays the figure targets judge.
        "employment_rate": {
            "name": "就业率（含升学）",
            "counts": [
                "graduates_employed",
                "graduates_further_study",
                "graduates_enlisted",
                "graduates_self_employed",
                "graduates_flexible_employment",
            ],
            "definition": "直接就业、升学、参军入伍、自主创业和灵活就业的毕业生 ÷ 毕业生数",
        },
        "parameters": {
            "general_high_school_admissions": {
                year: int(round(admitted[year] / GENERAL_VOCATIONAL_RATIO[year], -1))
                for year in YEARS
            },
            "provincial_funding_standard": PROVINCIAL_FUNDING_STANDARD,
            # Lines the documents leave to the city, as this city has set them.
            "basic_conditions_min_met": 7,
            "part_time_share_tolerance": 0.05,
        },
    }
    header = (
        f"# The example city {CITY}: who it is, its counties and schools, the target sets that are\n"
        "# its own (reports print only these and the national standards), and its parameters:\n"
        "# general_high_school_admissions, 普通高中招生数 per year (人), the denominator of 普职比;\n"
        "# provincial_funding_standard, 省定中职生均财政拨款标准 (元);\n"
        "# basic_conditions_min_met, how many of the 9 key indicators 宜昌 task 6's 基本达标 needs;\n"
        "# part_time_share_tolerance, how far from 20% 兼职教师“20%左右” may be. The provincial lines\n"
        "# for 艺术类 and 边远脱贫地区 schools are not set: their key indicators read 缺少参数.\n"
        "# employment_rate is the city's own 就业率: the graduate destinations it counts (ids of\n"
        "# the spec's graduate_destinations), printed beside 毕业去向落实率（含升学）.\n"
        "# A school's aliases are what documents call it (the task table's column heads); its\n"
        "# short_name is what the city's charts print (the full name where none is declared).\n"
        "# Written by examples/generate.py.\n"
    )
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (out_dir / "city.yaml").write_text(header + text, encoding="utf-8")


# ---- flawed copies --------------------------------------------------------------------------


def form_cell(spec: Spec, indicator_id: str) -> tuple[str, str]:
    """(sheet name, A1 cell) of an indicator's value cell in the template."""
    indicator = spec.indicator_by_id[indicator_id]
    offset = spec.indicators_on(indicator.sheet).index(indicator)
    sheet = spec.sheet_by_id[indicator.sheet].name
    return sheet, layout.cell_ref(layout.FIRST_DATA_ROW + offset, layout.FORM_VALUE_COL)


def planted(spec: Spec, indicator_id: str, code: str, **extra) -> dict:
    sheet, cell = form_cell(spec, indicator_id)
    return {"sheet": sheet, "cell": cell, "code": code, "indicator": indicator_id, **extra}


def full_width(number: int) -> str:
    return "".join(chr(ord(d) + 0xFEE0) for d in str(number))


def _with_values(data: SchoolData, **changes) -> SchoolData:
    return dataclasses.replace(data, values={**data.values, **changes})


def mistake_text_in_number(spec: Spec, data: SchoolData):
    changed = _with_values(data, teachers_part_time="暂无统计", books="约3万册")
    return changed, [
        planted(spec, "teachers_part_time", "value-not-number", found="暂无统计"),
        planted(spec, "books", "value-not-number", found="约3万册"),
    ]


def mistake_percent(spec: Spec, data: SchoolData):
    v = data.values
    typed = f"{round(100 * v['teachers_dual_qualified'] / v['teachers_professional'])}%"
    changed = _with_values(data, teachers_dual_qualified=typed)
    return changed, [
        planted(spec, "teachers_dual_qualified", "value-percent-in-count", found=typed)
    ]


def mistake_full_width(spec: Spec, data: SchoolData):
    v = data.values
    typed = {key: full_width(v[key]) for key in ("training_person_times", "partner_enterprises")}
    return _with_values(data, **typed), [
        planted(spec, key, "value-normalised", found=text) for key, text in typed.items()
    ]


def mistake_wanyuan(spec: Spec, data: SchoolData):
    v = data.values
    typed = {key: round(v[key] / 10000, 2) for key in ("equipment_value", "funding_per_student")}
    # The school's text states the right amounts: the narrative check points at the cells too.
    said = narrative_planted(spec, data, "教学仪器设备总值") + narrative_planted(
        spec, data, "生均财政拨款"
    )
    return _with_values(data, **typed), [
        planted(spec, key, "value-unit-wanyuan", found=value) for key, value in typed.items()
    ] + said


def mistake_dual_exceeds(spec: Spec, data: SchoolData):
    dual = data.values["teachers_professional"] + 7
    changed = _with_values(data, teachers_dual_qualified=dual)
    return changed, [
        planted(
            spec,
            "teachers_dual_qualified",
            "cross-field",
            rule="dual-exceeds-professional",
            found=dual,
        )
    ] + narrative_planted(spec, data, "“双师型”教师占专业课教师")


def _sections(spec: Spec) -> list[str]:
    """The 文字部分 sections of the mistakes' year, in the order the template lists them."""
    return [n.id for n in narratives_for(spec, MISTAKE_YEAR)]


def _narrative_cell(spec: Spec, section_id: str) -> tuple[str, str]:
    row = layout.FIRST_DATA_ROW + _sections(spec).index(section_id)
    return spec.sheet_of("narrative").name, layout.cell_ref(row, layout.NARRATIVE_TEXT_COL)


def narrative_planted(spec: Spec, data: SchoolData, words: str) -> list[dict]:
    """The narrative warnings a changed cell causes where the school's text states its figure:
    one at each section whose text names it."""
    return [
        {"sheet": sheet, "cell": cell, "code": "narrative-figure-mismatch"}
        for section_id in _sections(spec)
        if words in data.narratives.get(section_id, "")
        for sheet, cell in [_narrative_cell(spec, section_id)]
    ]


def mistake_narrative(spec: Spec, data: SchoolData):
    """The school's text divides “双师型” by all its teachers but says 专业课教师."""
    v = data.values
    teachers = v["teachers_full_time"] + v["teachers_part_time"]
    share = round(100 * v["teachers_dual_qualified"] / teachers)
    said = (
        f"学校有专任教师{v['teachers_full_time']}人、兼职教师{v['teachers_part_time']}人，"
        f"“双师型”教师{v['teachers_dual_qualified']}名，占专业课教师{share}%。"
    )
    # in the section where the school writes about its teachers (2024: 发展保障, before: 基本情况)
    section = "development_support" if "development_support" in _sections(spec) else "overview"
    changed = dataclasses.replace(data, narratives={**data.narratives, section: said})
    sheet, cell = _narrative_cell(spec, section)
    return changed, [{"sheet": sheet, "cell": cell, "code": "narrative-figure-mismatch"}]


def mistake_units(spec: Spec, data: SchoolData):
    """Land in 亩 and books in 万册, as the school also writes them in its text."""
    v = data.values
    mu = round(v["campus_area"] * 15 / 10000)
    wan = round(v["books"] / 10000, 1)
    typed = {"campus_area": f"{mu}亩", "books": f"{wan:g}万册"}
    texts = {
        section: text.replace(f"占地面积{v['campus_area']}平方米", f"占地面积{mu}亩").replace(
            f"纸质图书{v['books']}册", f"纸质图书{wan:g}万册"
        )
        for section, text in data.narratives.items()
    }
    changed = dataclasses.replace(_with_values(data, **typed), narratives=texts)
    return changed, [
        planted(spec, key, "value-unit-converted", found=text) for key, text in typed.items()
    ]


def mistake_bad_code(spec: Spec, data: SchoolData):
    rows = [dict(r) for r in data.specialties]
    malformed, unknown = rows[1], rows[-1]
    malformed["specialty_code"] = malformed["specialty_code"][:5]
    unknown["specialty_code"], unknown["specialty_name"] = "799999", "数字营销技术应用"
    changed = dataclasses.replace(data, specialties=rows)
    sheet = spec.sheet_by_id[spec.specialties.sheet].name
    return changed, [
        _table_finding(sheet, 1, "specialty-code-malformed", malformed["specialty_code"]),
        _table_finding(sheet, len(rows) - 1, "specialty-code-unknown", "799999"),
    ]


def _table_finding(sheet: str, index: int, code: str, found: str) -> dict:
    row = layout.FIRST_DATA_ROW + index
    return {
        "sheet": sheet,
        "cell": layout.cell_ref(row, 0),
        "row": row,
        "code": code,
        "found": found,
    }


def write_mistakes(out_dir: Path, spec: Spec, city: dict[tuple[str, int], SchoolData]):
    folder = out_dir / "mistakes"
    folder.mkdir(parents=True, exist_ok=True)
    makers = {
        "text-in-number-cell.xlsx": mistake_text_in_number,
        "percent-as-string.xlsx": mistake_percent,
        "full-width-digits.xlsx": mistake_full_width,
        "wanyuan-instead-of-yuan.xlsx": mistake_wanyuan,
        "dual-exceeds-professional.xlsx": mistake_dual_exceeds,
        "bad-specialty-code.xlsx": mistake_bad_code,
        "narrative-disagrees.xlsx": mistake_narrative,
        "units-typed.xlsx": mistake_units,
    }
    expected = {}
    for name, maker in makers.items():
        data, findings = maker(spec, city[MISTAKES[name], MISTAKE_YEAR])
        write_workbook(folder / name, spec, MISTAKE_YEAR, data)
        expected[name] = _expected_entry(name, findings)
    expected["missing-sheet.xlsx"] = write_missing_sheet(folder, spec, city)
    expected["old-template.xlsx"] = write_old_template(folder, spec, city)
    write_expected(folder, spec, dict(sorted(expected.items())))


def write_missing_sheet(folder: Path, spec: Spec, city) -> dict:
    name = "missing-sheet.xlsx"
    # The spec without the teachers' sheet writes exactly the workbook with that sheet deleted.
    teachers = spec.sheet_by_id["teachers"]
    without = dataclasses.replace(spec, sheets=tuple(s for s in spec.sheets if s != teachers))
    write_workbook(folder / name, without, MISTAKE_YEAR, city[MISTAKES[name], MISTAKE_YEAR])
    return _expected_entry(name, [{"sheet": teachers.name, "code": "sheet-missing"}])


def write_old_template(folder: Path, spec: Spec, city) -> dict:
    name = "old-template.xlsx"
    write_workbook(
        folder / name, spec, MISTAKE_YEAR, city[MISTAKES[name], MISTAKE_YEAR], meta=False
    )
    return _expected_entry(name, [{"code": "template-unknown"}])


def _expected_entry(name: str, findings: list[dict]) -> dict:
    profile = next(p for p in SCHOOLS if p.code == MISTAKES[name])
    return {
        "school_code": profile.code,
        "school_name": profile.name,
        "year": MISTAKE_YEAR,
        "findings": findings,
    }


def write_expected(folder: Path, spec: Spec, expected: dict):
    document = {
        "kind": "qualityreport/expected-findings",
        "version": spec.version,
        "files": expected,
    }
    header = (
        "# The mistakes planted in each workbook of this folder: where (sheet, cell or row) and\n"
        "# the finding code validation should report there. Written by examples/generate.py.\n"
    )
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    (folder / "expected.yaml").write_text(header + text, encoding="utf-8")


# ---- entry point ----------------------------------------------------------------------------


# ---- the bureau's chapters of the city report -------------------------------------------------

CITY_TEXT = {
    "前言": (
        "为全面反映全市中等职业教育发展质量，根据《关于做好职业教育质量年度报告（2024年度）编制发布工作的通知》"
        "（教职成司函〔2024〕29号）要求，市教育局组织编制本报告。",
        "数据来源：本报告数据来自全市{schools}所中等职业学校填报的质量年报数据表，经学校自查、市教育局审核后入库；"
        "学校概况、案例等文字由学校和市教育局提供。",
        "统计口径：学生、教师等数据以{previous}—{year}学年（{previous}年9月1日至{year}年8月31日）为准，"
        "经费数据以{year}年自然年为准；全市比例按各校分子、"
        "分母分别合计后计算，不是各校比例的平均数；“双师型”教师比例以专业课教师为分母。",
    ),
    "人才培养": (
        "全市中职学校坚持立德树人，推进“岗课赛证”综合育人，学生职业技能等级证书获取率和技能大赛成绩稳步提高。",
    ),
    "服务贡献": (
        "各校面向区域主导产业和乡村振兴开展职业技能培训，承担退役军人、农民工和新型职业农民培训任务。",
    ),
    "文化传承": ("各校将非遗技艺、红色文化和工匠精神融入课程和校园文化建设。",),
    "产教融合": (
        "全市推动学校与园区、龙头企业共建产业学院和实训基地，扩大订单班和现代学徒制培养规模。",
    ),
    "发展保障": (
        "经费投入：市、县两级财政落实中职生均拨款制度，统筹专项资金支持实训基地建设和设备更新。",
        "政策措施：市教育局把中职学校办学条件达标纳入对县（市、区）的教育督导评估，"
        "建立质量年报制度，每年向社会公开发布全市总报告和各校分报告。",
        "达标工程进展：全市{schools}所学校均完成办学条件重点监测指标的自查，"
        "艺术类和边远脱贫地区学校的省定标准待省教育厅发布后对照评估。",
    ),
    "面临挑战与改进措施": (
        "部分县域学校办学规模小，校舍和实训条件不足，专任教师特别是专业课教师缺口较大。",
        "下一步，市教育局将统筹布局调整，推进县域中职学校与市级学校集团化办学，"
        "加大教师招聘和企业实践力度，逐校落实办学条件达标整改计划。",
    ),
}
CITY_CASE = (
    "产教融合",
    "校企共建汽车产业学院",
    (
        "宜昌市三峡中等专业学校与本地汽车企业共建汽车产业学院，企业投入实训设备，派驻工程师参与教学，"
        "学生在校内生产性实训基地完成真实工单。",
    ),
    "图：学生在产业学院实训车间学习",
)


def _photo() -> bytes:
    """A small picture for the example case (drawn here, so the example ships no photo file)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 270), (236, 241, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 150, 440, 230), fill=(74, 111, 165))
    draw.rectangle((90, 90, 330, 160), fill=(58, 125, 68))
    draw.ellipse((110, 200, 170, 260), fill=(34, 34, 34))
    draw.ellipse((300, 200, 360, 260), fill=(34, 34, 34))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _fixed_zip(data: bytes) -> bytes:
    """The .docx with fixed member times, so writing the examples twice gives the same bytes."""
    import io
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def write_city_text(out_dir: Path, year: int) -> Path:
    """The example bureau's chapters for the latest year, written into the skeleton."""
    import datetime
    import io

    import docx

    from qualityreport.city import load_city_config
    from qualityreport.citytext import write_skeleton

    config = load_city_config(out_dir / "city.yaml")
    skeleton = io.BytesIO()
    path = write_skeleton(out_dir / f"city-text-{year}.docx", year, city=config)
    document = docx.Document(str(path))
    # the spec's reporting period: 学年 from 1 September of the year before; money 自然年
    facts = {"schools": len(config.schools), "year": year, "previous": year - 1}
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    for heading in headings:
        title = heading.text
        anchor = heading
        for text in CITY_TEXT.get(title, ()):
            paragraph = document.add_paragraph(text.format(**facts))
            anchor._p.addnext(paragraph._p)
            anchor = paragraph
        if title == CITY_CASE[0]:
            for element in _case_paragraphs(document):
                anchor._p.addnext(element)
                anchor = type("Anchor", (), {"_p": element})()
    properties = document.core_properties
    properties.created = properties.modified = datetime.datetime(year + 1, 3, 1)
    properties.last_modified_by = config.issuer
    properties.revision = 1
    document.save(skeleton)
    path.write_bytes(_fixed_zip(skeleton.getvalue()))
    return path


def _case_paragraphs(document) -> list:
    """The example case: its Heading 2, text, photo and caption, as paragraph elements."""
    import io

    from docx.shared import Cm

    _, title, texts, caption = CITY_CASE
    made = [document.add_heading(f"案例：{title}", level=2)]
    made += [document.add_paragraph(text) for text in texts]
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(_photo()), width=Cm(10))
    made += [picture, document.add_paragraph(caption)]
    return [p._p for p in made]


def generate(out_dir: Path) -> None:
    spec = load_spec()
    city = build_city(secondary_catalog())
    write_city(out_dir, spec, city)
    write_city_config(out_dir, city)
    write_mistakes(out_dir, spec, city)
    write_city_text(out_dir, YEARS[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=HERE,
        help="folder to write city/, mistakes/ and city.yaml into",
    )
    args = parser.parse_args(argv)
    generate(args.out_dir)
    print(f"wrote the example city to {args.out_dir}")


if __name__ == "__main__":
    main()
