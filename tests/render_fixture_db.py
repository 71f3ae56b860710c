"""A small DuckDB with the store's contract (views as tables) for render tests and benchmarks."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from qualityreport.resources import catalog_path
from qualityreport.spec import Spec, load_spec

COUNTIES = (
    "西陵区",
    "夷陵区",
    "宜都市",
    "枝江市",
    "当阳市",
    "远安县",
    "兴山县",
    "秭归县",
    "长阳土家族自治县",
    "五峰土家族自治县",
    "伍家岗区",
    "点军区",
)
SCHOOLS = (
    "宜昌市三峡中等专业学校",
    "夷陵区职业教育中心",
    "宜都市职业教育中心",
    "枝江市职业教育中心",
    "当阳市职业技术教育中心",
    "远安县职业技术教育中心",
    "兴山县职业技术学校",
    "秭归县职业教育中心",
    "长阳土家族自治县职业教育中心",
    "五峰土家族自治县职业教育中心",
    "宜昌市机电工程学校",
    "宜昌市商务职业技术学校",
)
YEARS = (2022, 2023, 2024)
TARGETS = (
    # target_id, name, clause, scope, column, comparison, threshold
    (
        "dual_qualified_ratio",
        "“双师型”教师占专业课教师比例超过50%",
        "宜昌提质培优实施意见 任务36.2",
        "school",
        "dual_qualified_ratio",
        "gt",
        0.5,
    ),
    (
        "employment_rate",
        "毕业生就业率超过90%",
        "三明2024工作计划 第三条",
        "school",
        "employment_rate",
        "gt",
        0.9,
    ),
    (
        "student_teacher_ratio",
        "生师比不高于20:1",
        "教职成〔2010〕12号 第七条",
        "school",
        "student_teacher_ratio",
        "le",
        20.0,
    ),
    (
        "books_per_student",
        "生均纸质图书不少于30册",
        "教职成〔2010〕12号 第十条",
        "school",
        "books_per_student",
        "ge",
        30.0,
    ),
    (
        "training_total",
        "全市职业技能培训1万人次以上",
        "三明2024工作计划 第五条",
        "city",
        "training_person_times",
        "ge",
        10000.0,
    ),
)


def _catalog():
    with open(catalog_path(), encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["educationLevel"] == "VOCATIONAL_SECONDARY" and r["itemLevel"] == "MAJOR"
        ]
    return rows


def _school_values(rng: random.Random, size: float, year_shift: float) -> dict[str, float]:
    enrolled = round(size * rng.uniform(0.9, 1.1))
    full_time = round(enrolled / rng.uniform(13, 23))
    professional = round(full_time * rng.uniform(0.5, 0.7))
    graduates = round(enrolled * rng.uniform(0.28, 0.34))
    employed = round(graduates * rng.uniform(0.36, 0.5))
    further = round(graduates * rng.uniform(0.5, 0.56) - employed * 0.1)
    return {
        "students_enrolled": enrolled,
        "students_admitted": round(enrolled * rng.uniform(0.32, 0.38)),
        "graduates": graduates,
        "graduates_employed": employed,
        "graduates_further_study": min(further, graduates - employed),
        "graduates_employed_in_field": round(employed * rng.uniform(0.6, 0.9)),
        "students_dropped": round(enrolled * rng.uniform(0.0, 0.02)),
        "students_certified": round(enrolled * rng.uniform(0.2, 0.5)),
        "awards_national": rng.randint(0, 3),
        "awards_provincial": rng.randint(0, 12),
        "awards_city": rng.randint(2, 30),
        "staff_total": round(full_time * 1.2),
        "teachers_full_time": full_time,
        "teachers_general": full_time - professional,
        "teachers_professional": professional,
        "teachers_dual_qualified": round(
            professional * min(0.75, rng.uniform(0.3, 0.68) + year_shift)
        ),
        "teachers_part_time": round(full_time * rng.uniform(0.1, 0.3)),
        "teachers_bachelor_plus": round(full_time * rng.uniform(0.85, 0.99)),
        "teachers_postgraduate": round(full_time * rng.uniform(0.03, 0.15)),
        "teachers_senior_title": round(full_time * rng.uniform(0.15, 0.35)),
        "campus_area": round(enrolled * rng.uniform(25, 60)),
        "building_area": round(enrolled * rng.uniform(15, 30)),
        "equipment_value": round(enrolled * rng.uniform(2000, 9000), -3),
        "books": round(enrolled * rng.uniform(22, 45)),
        "training_stations": round(enrolled * rng.uniform(0.3, 0.7)),
        "funding_per_student": round(rng.uniform(9000, 16000)),
        "training_person_times": rng.randint(200, 3000),
        "partner_enterprises": rng.randint(5, 60),
        "apprenticeship_students": rng.randint(0, 400),
    }


def _ratio(values, derived):
    # Optional indicators the fixture leaves out count as empty; a 口径 that subtracts one
    # (不含顶岗实习学生) is then NULL, as in the views.
    if any(values.get(t) is None for t in derived.numerator_less + derived.denominator_less):
        return None
    den = sum(values.get(t) or 0 for t in derived.denominator) - sum(
        values[t] for t in derived.denominator_less
    )
    num = sum(values.get(t) or 0 for t in derived.numerator) - sum(
        values[t] for t in derived.numerator_less
    )
    return None if not den else num / den


def _side(added, less):
    return " + ".join(added) + "".join(f" - {t}" for t in less)


def build_fixture_db(
    path: str | Path,
    spec: Spec | None = None,
    *,
    schools: int = 12,
    narratives_missing: tuple[str, ...] = ("features",),
    hostile_school: bool = False,
) -> Path:
    """Write a DuckDB file with the contract's views (as tables) and return its path."""
    import duckdb

    spec = spec or load_spec()
    rng = random.Random(20240901)
    numeric = [i.id for i in spec.indicators if i.is_numeric and i.id != "year"]
    derived_ids = [d.id for d in spec.derived]
    catalog = _catalog()
    school_rows, specialty_rows, narrative_rows, log_rows = [], [], [], []
    for s in range(schools):
        code = f"42050{s + 1:05d}"
        name = SCHOOLS[s % len(SCHOOLS)] + (
            "" if s < len(SCHOOLS) else f"（{s // len(SCHOOLS) + 1}）"
        )
        if hostile_school and s == 1:
            name = '<script>alert(1)</script>夷陵职教<img src="file:///etc/passwd">'
        county = COUNTIES[s % len(COUNTIES)]
        size = rng.uniform(700, 4200)
        majors = rng.sample(catalog, rng.randint(4, 9))
        for y, year in enumerate(YEARS):
            if s == schools - 1 and year == YEARS[-1]:
                # the last school did not submit an accepted workbook this year
                log_rows.append(
                    (
                        f"sub-{code}-{year}-r",
                        code,
                        year,
                        1,
                        f"{name}-{year}.xlsx",
                        "0" * 64,
                        f"{year + 1}-01-10 09:00:00",
                        "rejected",
                        3,
                        1,
                    )
                )
                continue
            values = _school_values(rng, size * (1 + 0.04 * y), 0.03 * y)
            row = {
                "school_code": code,
                "year": year,
                "submission_id": f"sub-{code}-{year}",
                "version": 1,
                "school_name": name,
                "county": county,
                "operator_type": "公办",
                "school_category": "一般类",
                "discipline_type": "工科医药类" if s % 2 else "其他类",
            }
            row.update({k: float(values.get(k, 0)) for k in numeric})
            row.update({d.id: _ratio(values, d) for d in spec.derived})
            statuses = ["保留"] * len(majors)
            if y:
                statuses[-1] = rng.choice(["新增", "停招", "保留"])
            adjusted = sum(st != "保留" for st in statuses)
            row.update(
                specialty_count=float(len(majors)),
                specialties_adjusted=float(adjusted),
                specialty_adjustment_ratio=adjusted / len(majors),
            )
            school_rows.append(row)
            share = [rng.uniform(0.5, 1.5) for _ in majors]
            for n, (major, st, w) in enumerate(zip(majors, statuses, share, strict=True)):
                part = w / sum(share)
                grads = round(values["graduates"] * part)
                emp = round(values["graduates_employed"] * part)
                fur = min(round(values["graduates_further_study"] * part), grads - emp)
                infield = round(emp * rng.uniform(0.6, 0.9))
                specialty_rows.append(
                    (
                        code,
                        name,
                        county,
                        year,
                        n + 3,
                        major["majorCode"],
                        major["majorName"],
                        st,
                        major["categoryCode"],
                        major["categoryName"],
                        round(values["students_enrolled"] * part),
                        round(values["students_admitted"] * part),
                        grads,
                        emp,
                        fur,
                        infield,
                        (emp + fur) / grads if grads else None,
                        infield / emp if emp else None,
                    )
                )
            for nar in spec.narratives:
                if nar.id in narratives_missing:
                    continue
                text = (
                    f"{name}{year}年{nar.name}：学校坚持立德树人根本任务，深化产教融合、校企合作，"
                    f"围绕区域产业发展需要优化专业布局，{nar.definition}"
                )
                if hostile_school and s == 1 and nar.id == "overview":
                    text = (
                        '<script>alert("x")</script><img src="file:///etc/passwd">'
                        '请访问 http://example.com/evil.png 了解详情 <link rel="attachment" '
                        'href="file:///etc/hostname">'
                    )
                narrative_rows.append((code, year, nar.id, text))
            log_rows.append(
                (
                    f"sub-{code}-{year}",
                    code,
                    year,
                    1,
                    f"{name}-{year}.xlsx",
                    "a" * 64,
                    f"{year + 1}-01-15 10:00:00",
                    "accepted",
                    0,
                    rng.randint(0, 3),
                )
            )
    target_rows = []
    for year in YEARS:
        year_rows = [r for r in school_rows if r["year"] == year]
        for tid, tname, clause, scope, column, comp, threshold in TARGETS:
            subjects = (
                [(r["school_code"], r["school_name"], r[column]) for r in year_rows]
                if scope == "school"
                else [("city", "全市", sum(r[column] for r in year_rows))]
            )
            for sid, sname, value in subjects:
                met = {
                    "gt": value > threshold,
                    "ge": value >= threshold,
                    "le": value <= threshold,
                    "lt": value < threshold,
                }[comp]
                target_rows.append(
                    (
                        f"run-{year}",
                        f"{year + 1}-02-01 09:00:00",
                        year,
                        "yichang-2024",
                        tid,
                        tname,
                        tid.replace("_", " "),
                        clause,
                        scope,
                        sid,
                        sname,
                        value,
                        threshold,
                        comp,
                        met,
                        value - threshold,
                        True,
                        "error",
                    )
                )
    path = Path(path)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        cols = (
            [
                "school_code VARCHAR",
                "year INTEGER",
                "submission_id VARCHAR",
                "version INTEGER",
                "school_name VARCHAR",
                "county VARCHAR",
                "operator_type VARCHAR",
                "school_category VARCHAR",
                "discipline_type VARCHAR",
            ]
            + [f"{c} DOUBLE" for c in numeric + derived_ids]
            + [
                "specialty_count DOUBLE",
                "specialties_adjusted DOUBLE",
                "specialty_adjustment_ratio DOUBLE",
            ]
        )
        con.execute(f"CREATE TABLE school_year ({', '.join(cols)})")
        names = [c.split()[0] for c in cols]
        con.executemany(
            f"INSERT INTO school_year VALUES ({', '.join('?' * len(names))})",
            [[r[n] for n in names] for r in school_rows],
        )
        con.execute("""CREATE TABLE specialty_year (school_code VARCHAR, school_name VARCHAR,
            county VARCHAR, year INTEGER, row_number INTEGER, specialty_code VARCHAR,
            specialty_name VARCHAR, status VARCHAR, category_code VARCHAR, category_name VARCHAR,
            enrolled DOUBLE, admitted DOUBLE, graduates DOUBLE, employed DOUBLE,
            further_study DOUBLE, employed_in_field DOUBLE, employment_rate DOUBLE,
            in_field_employment_rate DOUBLE)""")
        con.executemany(
            f"INSERT INTO specialty_year VALUES ({', '.join('?' * 18)})", specialty_rows
        )
        con.execute(
            "CREATE TABLE narrative (school_code VARCHAR, year INTEGER, section_id VARCHAR, text VARCHAR)"
        )
        con.executemany("INSERT INTO narrative VALUES (?, ?, ?, ?)", narrative_rows)
        con.execute("""CREATE TABLE submission_log (submission_id VARCHAR, school_code VARCHAR,
            year INTEGER, version INTEGER, file_name VARCHAR, sha256 VARCHAR, ingested_at TIMESTAMP,
            status VARCHAR, errors INTEGER, warnings INTEGER)""")
        con.executemany(f"INSERT INTO submission_log VALUES ({', '.join('?' * 10)})", log_rows)
        con.execute("""CREATE TABLE target_results (run_id VARCHAR, checked_at TIMESTAMP,
            year INTEGER, set_id VARCHAR, target_id VARCHAR, name VARCHAR, name_en VARCHAR,
            clause VARCHAR, scope VARCHAR, subject_id VARCHAR, subject_name VARCHAR, value DOUBLE,
            threshold DOUBLE, comparison VARCHAR, met BOOLEAN, gap DOUBLE, required BOOLEAN,
            severity VARCHAR)""")
        con.executemany(f"INSERT INTO target_results VALUES ({', '.join('?' * 18)})", target_rows)
        sums = ", ".join(f"sum({c}) AS {c}" for c in numeric)
        ratios = ", ".join(
            f"sum({_side(d.numerator, d.numerator_less)})"
            f" / nullif(sum({_side(d.denominator, d.denominator_less)}), 0) AS {d.id}"
            for d in spec.derived
        )
        medians = ", ".join(f"median({d}) AS {d}_median" for d in derived_ids)
        con.execute(
            f"CREATE TABLE county_year AS SELECT county, year, count(*) AS schools, {sums}, "
            f"{ratios} FROM school_year GROUP BY county, year"
        )
        con.execute(
            f"CREATE TABLE city_year AS SELECT year, count(*) AS schools, {sums}, {ratios}, "
            f"{medians} FROM school_year GROUP BY year"
        )
    finally:
        con.close()
    return path
