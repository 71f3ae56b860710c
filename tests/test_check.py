"""Checking targets: the four verdicts the documents decide, operators at their boundaries,
missing schools, counties, categories, years and deadlines, and the command line.

The verdicts the city documents were first misread on are tested on real workbooks written from
the template and ingested into a DuckDB file; the rest use in-memory submissions.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import school_data

from qualityreport.catalog import majors
from qualityreport.check import check, compare
from qualityreport.city import CityConfig, CitySchool
from qualityreport.cli import cli
from qualityreport.errors import SpecError
from qualityreport.spec import load_spec
from qualityreport.store import ingest, open_store
from qualityreport.targets import load_target_set, load_target_sets, resolve_parameter
from qualityreport.template import write_workbook
from qualityreport.validate import validate_paths

from synthetic import BASELINE_SPECIALTIES, make_result

SANXIA, ZIGUI, SHANGWU, JIDIAN = "4142050101", "4142052701", "4142050610", "4142050509"
DANGYANG, XINGSHAN, ART = "4142058203", "4142052607", "4142050211"
SCHOOLS = {
    SANXIA: ("宜昌市三峡中等专业学校", "伍家岗区", ("三峡中专",)),
    ZIGUI: ("秭归县职业教育中心", "秭归县", ("秭归",)),
    SHANGWU: ("宜昌市商务学校", "夷陵区", ()),
    JIDIAN: ("宜昌市机电工程学校", "猇亭区", ("机电",)),
    DANGYANG: ("当阳市职业技术学校", "当阳市", ("当阳",)),
    XINGSHAN: ("兴山县职业技术学校", "兴山县", ("兴山",)),
    ART: ("宜昌市艺术学校", "西陵区", ()),
}
NAMES = {code: name for code, (name, _, _) in SCHOOLS.items()}


def city(*codes: str, parameters: dict | None = None) -> CityConfig:
    """A city configuration expecting these schools, with the names documents use for them."""
    schools = tuple(
        CitySchool(code, SCHOOLS[code][0], SCHOOLS[code][1], SCHOOLS[code][2]) for code in codes
    )
    counties = tuple(dict.fromkeys(s.county for s in schools))
    return CityConfig(
        name="宜昌市", counties=counties, schools=schools, parameters=parameters or {}
    )


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture
def store(tmp_path, spec):
    with open_store(tmp_path / "city.duckdb", spec) as s:
        yield s


def school(spec, code, year, **kwargs):
    values = {"county": SCHOOLS[code][1]} if code in SCHOOLS else {}
    values.update(kwargs.pop("values", {}))
    return make_result(spec, code, year, school_name=NAMES.get(code), values=values, **kwargs)


def by_subject(report, target_id):
    return {r.subject_id: r for r in report.results if r.target_id == target_id}


def write_set(tmp_path, text, name="custom.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- real workbooks ----------------------------------------------------------------------------


CODES = sorted(majors())[:12]


def specialty(code, status="保留", *, admitted=100, graduates=100, outcome=90):
    """One specialty row: `outcome` of its 100 graduates employed or in further study."""
    return {
        "specialty_code": code,
        "specialty_name": majors()[code].name,
        "status": status,
        "enrolled": 300,
        "admitted": admitted,
        "graduates": graduates,
        "employed": outcome // 2,
        "further_study": outcome - outcome // 2,
        "employed_in_field": outcome // 4,
    }


def totals(rows: list[dict]) -> dict:
    """School totals that the specialty rows add up to, so the workbook has no warnings."""
    column = {
        "students_enrolled": "enrolled",
        "students_admitted": "admitted",
        "graduates": "graduates",
        "graduates_employed": "employed",
        "graduates_further_study": "further_study",
        "graduates_employed_in_field": "employed_in_field",
    }
    return {key: sum(r[col] for r in rows) for key, col in column.items()}


def real_database(tmp_path: Path, spec, submissions) -> Path:
    """Write each (code, year, values, specialty rows) as a workbook from the template, validate
    it and ingest it into a DuckDB file."""
    folder = tmp_path / "workbooks"
    folder.mkdir(exist_ok=True)
    paths = []
    for code, year, values, rows in submissions:
        name, county, _ = SCHOOLS[code]
        own = {"school_code": code, "school_name": name, "county": county, "year": year}
        if rows is not None:
            own.update(totals(rows))
            own["students_certified"] = 0
        data = school_data({**own, **values}, rows, spec=spec)
        path = folder / f"{code}-{year}.xlsx"
        write_workbook(path, spec, year, data)
        paths.append(path)
    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as store:
        results = list(validate_paths(paths, spec))
        assert [f.message("zh") for r in results for f in r.findings] == []
        report = ingest(store, results)
        assert [o.outcome for o in report.outcomes] == ["accepted"] * len(paths)
    return db


def test_sanming_employment_rate_is_about_higher_education_and_judges_no_school(tmp_path, spec):
    """三明 “2024届高校毕业生就业率超过90%”: a 中职 school at 85% misses nothing."""
    low = [specialty(code, outcome=85) for code in CODES[:9]]  # 765 of 900: 85%
    db = real_database(tmp_path, spec, [(SANXIA, 2024, {}, low), (ZIGUI, 2024, {}, None)])
    with open_store(db) as store:
        assert (
            store.scalar("SELECT employment_rate FROM school_year WHERE school_code = ?", [SANXIA])
            == 0.85
        )
    with open_store(db) as store:
        report = check(store, load_target_sets(["sanming-2024"]), 2024, city=city(SANXIA, ZIGUI))
    rows = [r for r in report.results if r.target_id == "graduate_employment_rate"]
    assert [(r.subject_id, r.met, r.reason, r.population) for r in rows] == [
        ("city", None, "other-population", "高校")
    ]
    assert not any(r.subject_id == SANXIA and r.met is False for r in report.results)
    summary = next(s for s in report.summaries if s.target_id == "graduate_employment_rate")
    assert (summary.missed, summary.no_data, summary.not_applicable) == (0, 0, 1)
    text = CliRunner().invoke(
        cli, ["check", "--db", str(db), "--targets", "sanming-2024", "--year", "2024"]
    )
    assert "2024届高校毕业生就业率" not in text.output.split("未达标")[-1]


def test_specialty_adjustment_counts_only_this_years_changes(tmp_path, spec):
    """专业结构优化调整比例: a specialty still 停招 from last year is not adjusted again."""
    ten = CODES[:10]
    submissions = [
        # 三峡中专: one 停招 in 2023 that stays 停招 in 2024: no change in 2024.
        (SANXIA, 2023, {}, [specialty(c, "停招" if c == ten[0] else "保留") for c in ten]),
        (SANXIA, 2024, {}, [specialty(c, "停招" if c == ten[0] else "保留") for c in ten]),
        # 秭归: a code it did not offer in 2023 is 新增 in 2024: one change.
        (ZIGUI, 2023, {}, [specialty(c) for c in ten]),
        (ZIGUI, 2024, {}, [specialty(c) for c in ten] + [specialty("710201", "新增")]),
        # 机电: 新增 again for a code offered last year is no change; 保留 → 撤销 is one.
        (JIDIAN, 2023, {}, [specialty(c, "新增" if c == ten[0] else "保留") for c in ten]),
        (
            JIDIAN,
            2024,
            {},
            [specialty(c, {ten[0]: "新增", ten[1]: "撤销"}.get(c, "保留")) for c in ten],
        ),
    ]
    db = real_database(tmp_path, spec, submissions)
    with open_store(db) as store:
        changes = dict(
            store.rows(
                "SELECT school_code, specialties_adjusted FROM school_year WHERE year = 2024"
            )
        )
        assert changes == {SANXIA: 0, ZIGUI: 1, JIDIAN: 1}
        assert (
            store.scalar(
                "SELECT specialties_adjusted FROM school_year WHERE year = 2023 AND school_code = ?",
                [SANXIA],
            )
            is None
        )  # no 2022 submission to read 2023 against
        report = check(
            store, load_target_sets(["sanming-2024"]), 2024, city=city(SANXIA, ZIGUI, JIDIAN)
        )
    result = by_subject(report, "specialty_adjustment_ratio")["city"]
    assert result.value == pytest.approx(2 / 30)  # 0 + 1 + 1 of 10 + 10 + 10 last year
    assert (result.met, result.threshold, result.comparison) == (False, 0.1, "ge")
    assert (result.indicator, result.unit, result.level) == (
        "specialty_adjustment_ratio",
        "percent",
        "市定目标",
    )


def test_yichang_task_6_applies_to_the_ticked_schools(tmp_path, spec):
    """宜昌 task 6: 当阳 has no √ in the table, 三峡中专 has one."""
    db = real_database(
        tmp_path, spec, [(code, 2023, {}, None) for code in (SANXIA, DANGYANG, ZIGUI)]
    )
    config = city(SANXIA, DANGYANG, ZIGUI, JIDIAN, XINGSHAN)
    with open_store(db) as store:
        report = check(
            store, load_target_sets(["yichang"]), 2023, {"basic_conditions_min_met": 9}, city=config
        )
    task = by_subject(report, "task_6_teaching_conditions")
    assert DANGYANG not in task
    assert task[SANXIA].met is True and task[SANXIA].value == 9
    assert task[ZIGUI].met is True
    assert task[JIDIAN].reason == "no-submission" and task[JIDIAN].subject_name == NAMES[JIDIAN]
    assert task["现代"].reason == "school-unknown"  # the table's column with no school here
    assert len(task) == 10


def test_nanchang_specialty_warning_asks_for_a_response(tmp_path, spec):
    """南昌: a specialty below the line two years running must admit fewer or stop."""
    below, fine = 80, 95

    def year(y):
        before = y < 2019
        return [
            specialty("660301", admitted=100 if before else 80, outcome=below),  # cut: met
            specialty("710201", outcome=below),  # same admissions: missed
            specialty("720201", outcome=fine if y == 2017 else below),  # once below: no trigger
            specialty(
                "730701", "保留" if before else "停招", admitted=100 if before else 0, outcome=below
            ),
        ] + ([specialty("740201", outcome=below)] if before else [])  # gone in 2019: closed

    submissions = [(SANXIA, y, {}, year(y)) for y in (2017, 2018, 2019)]
    submissions.append((ZIGUI, 2019, {}, [specialty("660301"), specialty("750101")]))
    db = real_database(tmp_path, spec, submissions)
    parameters = {"specialty_employment_line": 0.9}
    with open_store(db) as store:
        sets = load_target_sets(["nanchang-2019"])
        report = check(store, sets, 2019, parameters, city=city(SANXIA, ZIGUI))
        unset = check(store, sets, 2019, city=city(SANXIA, ZIGUI))
    response = by_subject(report, "specialty_employment_response")
    assert {k: v.met for k, v in response.items()} == {
        f"{SANXIA}/660301": True,
        f"{SANXIA}/710201": False,
        f"{SANXIA}/730701": True,
        f"{SANXIA}/740201": True,
        ZIGUI: None,  # no 2017 or 2018 submission: cannot tell
    }
    assert (response[f"{SANXIA}/660301"].value, response[f"{SANXIA}/660301"].threshold) == (80, 100)
    assert response[ZIGUI].reason == "no-previous-year"
    warning = by_subject(report, "specialty_employment_warning")
    assert set(warning) == {f"{SANXIA}/660301", f"{SANXIA}/710201", f"{SANXIA}/720201"}
    assert {r.reason for r in warning.values()} == {"information"}
    duplicated = by_subject(report, "specialty_duplication")
    assert set(duplicated) == {"660301"} and duplicated["660301"].value == 2
    assert NAMES[SANXIA] in duplicated["660301"].subject_name
    assert {r.reason for r in by_subject(unset, "specialty_employment_response").values()} == {
        "parameter-missing"
    }


# -- operators at their boundaries -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "comparison", "threshold", "tolerance", "expected"),
    [
        (0.5, "gt", 0.5, None, False),  # 超过50%: 50% is not above
        (30 / 60, "gt", 0.5, None, False),
        (0.5 + 1e-6, "gt", 0.5, None, True),
        (0.1, "ge", 0.1, None, True),  # 不低于10%: 10% meets
        (1 / 10, "ge", 0.1, None, True),
        (0.1 - 1e-6, "ge", 0.1, None, False),
        (10000, "ge", 10000, None, True),  # 1万人次以上: 以上 includes it
        (9999, "ge", 10000, None, False),
        (20, "le", 20, None, True),  # 师生比达到1:20: at most 20
        (20.01, "le", 20, None, False),
        (20, "lt", 20, None, False),
        (19.99, "lt", 20, None, True),
        (9, "eq", 9, None, True),
        (8, "eq", 9, None, False),
        (1.1, "between", 1.0, 0.1, True),  # 大体相当 within the tolerance, edges included
        (0.9, "between", 1.0, 0.1, True),
        (1.1001, "between", 1.0, 0.1, False),
    ],
)
def test_each_operator_at_its_boundary(value, comparison, threshold, tolerance, expected):
    assert compare(value, comparison, threshold, tolerance) is expected


def test_a_value_exactly_at_a_strict_line_reads_equal_not_above(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as s:
        ingest(
            s,
            [
                school(spec, SANXIA, 2023, values={"teachers_dual_qualified": 30}),
                school(spec, ZIGUI, 2023, values={"teachers_dual_qualified": 10}),
            ],
        )
    config = tmp_path / "city.yaml"
    config.write_text(
        "kind: qualityreport/city\nversion: '1'\nname: 宜昌市\nschools:\n"
        f"  - {{code: '{SANXIA}', name: {NAMES[SANXIA]}, aliases: [三峡中专]}}\n"
        f"  - {{code: '{ZIGUI}', name: {NAMES[ZIGUI]}, aliases: [秭归]}}\n",
        encoding="utf-8",
    )
    args = ["check", "--db", str(db), "--config", str(config), "--targets", "yichang"]
    zh = CliRunner().invoke(cli, args)
    en = CliRunner().invoke(cli, [*args, "--lang", "en"])
    assert zh.exit_code == 1, zh.output
    line = next(x for x in zh.output.splitlines() if "任务36.2" in x and NAMES[SANXIA] in x)
    assert "等于50%，未超过" in line and "+0.0" not in line
    assert "equal to 50%, not above" in en.output
    assert "−33.3个百分点" in zh.output  # 秭归 at 16.7%: a gap in percentage points
    assert " pp" in en.output


# -- missing data is never a pass --------------------------------------------------------------


def test_a_city_sum_short_of_an_expected_school_is_incomplete_not_met(store, spec):
    ingest(
        store,
        [
            school(spec, SANXIA, 2024, values={"training_person_times": 7000}),
            school(spec, ZIGUI, 2024, values={"training_person_times": 4000}),
        ],
    )
    sets = load_target_sets(["sanming-2024"])
    report = check(store, sets, 2024, city=city(SANXIA, ZIGUI, XINGSHAN))
    training = by_subject(report, "training_person_times")["city"]
    assert (training.value, training.met, training.reason) == (11000, None, "incomplete")
    assert training.missing_schools == (NAMES[XINGSHAN],)
    assert not report.passed and report.required_undetermined >= 1
    complete = check(store, sets, 2024, city=city(SANXIA, ZIGUI))
    assert by_subject(complete, "training_person_times")["city"].met is True


def test_an_empty_optional_value_makes_a_city_figure_incomplete(store, spec):
    ingest(
        store,
        [
            school(spec, SANXIA, 2024, values={"cross_province_admissions": 12}),
            school(spec, ZIGUI, 2024),
        ],
    )
    wuhan = load_target_sets(["wuhan-2019"])
    report = check(store, wuhan, 2024, city=city(SANXIA, ZIGUI), any_year=True)
    listed = by_subject(report, "cross_province_admissions")["city"]
    assert (listed.value, listed.reason, listed.undetermined) == (12, "incomplete", (NAMES[ZIGUI],))


def test_a_share_keeps_missing_schools_in_its_denominator(store, spec):
    small = {"campus_area": 30000.0}
    ingest(
        store,
        [school(spec, code, 2023) for code in (SANXIA, ZIGUI, JIDIAN, DANGYANG)]
        + [school(spec, SHANGWU, 2023, values=small)],
    )
    national = load_target_sets(["national-standards"])
    five = (SANXIA, ZIGUI, JIDIAN, DANGYANG, SHANGWU)
    share = by_subject(check(store, national, 2023, city=city(*five)), "key_conditions_share_2023")
    assert (share["city"].value, share["city"].met) == (0.8, True)  # 4 of 5: 80%以上 includes 80%
    # 兴山 did not submit: it stays in the denominator; 4 of 6, or 5 of 6 had it met: undecided.
    share = by_subject(
        check(store, national, 2023, city=city(*five, XINGSHAN)), "key_conditions_share_2023"
    )["city"]
    assert share.value == pytest.approx(4 / 6)
    assert (share.met, share.reason, share.missing_schools) == (
        None,
        "incomplete",
        (NAMES[XINGSHAN],),
    )
    # 艺术学校 submits and misses too: even with 兴山 meeting them all, 5 of 7: missed.
    ingest(store, [school(spec, ART, 2023, values=small)])
    share = by_subject(
        check(store, national, 2023, city=city(*five, XINGSHAN, ART)), "key_conditions_share_2023"
    )["city"]
    assert share.value == pytest.approx(4 / 7)
    assert (share.met, share.missing_schools) == (False, (NAMES[XINGSHAN],))


def test_per_school_and_year_over_year_targets_list_every_expected_school(store, spec):
    ingest(
        store,
        [
            school(spec, SANXIA, 2018, values={"teachers_dual_qualified": 30}),
            school(spec, SANXIA, 2019, values={"teachers_dual_qualified": 30}),
            school(spec, ZIGUI, 2018, values={"teachers_dual_qualified": 30}),
            school(spec, ZIGUI, 2019, values={"teachers_dual_qualified": 31}),
            school(spec, JIDIAN, 2019),
        ],
    )
    report = check(
        store, load_target_sets(["wuhan-2019"]), 2019, city=city(SANXIA, ZIGUI, JIDIAN, XINGSHAN)
    )
    up = by_subject(report, "dual_qualified_ratio_up")
    assert up[SANXIA].met is False and up[SANXIA].gap == 0  # equal is no improvement
    assert up[ZIGUI].met is True and up[ZIGUI].baseline == "previous_year"
    assert up[JIDIAN].reason == "no-previous-year"
    assert up[XINGSHAN].reason == "no-submission" and up[XINGSHAN].subject_name == NAMES[XINGSHAN]
    city_up = by_subject(report, "dual_qualified_ratio_up_city")["city"]
    assert city_up.reason == "incomplete" and city_up.missing_schools == (NAMES[XINGSHAN],)
    assert city_up.undetermined == (NAMES[JIDIAN],)  # no 2018 figure to compare with


def test_all_key_indicators_are_missed_as_soon_as_one_part_is_missed(store, spec):
    """No full-time teachers: 生师比 cannot be computed, but 0 < 60 already misses."""
    ingest(
        store,
        [
            school(
                spec,
                SANXIA,
                2024,
                values={
                    "teachers_full_time": 0,
                    "teachers_general": 0,
                    "teachers_professional": 0,
                    "teachers_dual_qualified": 0,
                    "teachers_bachelor_plus": 0,
                    "teachers_postgraduate": 0,
                    "teachers_senior_title": 0,
                    "teachers_part_time": 0,
                },
            )
        ],
    )
    report = check(store, load_target_sets(["national-standards"]), 2024)
    assert by_subject(report, "key_student_teacher_ratio")[SANXIA].reason == "value-missing"
    assert by_subject(report, "key_teachers_full_time")[SANXIA].met is False
    all_met = by_subject(report, "key_conditions_all_met")[SANXIA]
    assert (all_met.met, all_met.value) == (False, 7)
    assert all_met.undetermined == ("重点监测：师生比达到1:20（生师比不高于20）",)


def test_city_funding_per_student_is_total_over_total(store, spec):
    ingest(
        store,
        [
            school(
                spec,
                SANXIA,
                2024,
                values={"funding_per_student": 10000.0, "students_enrolled": 3000},
            ),
            school(
                spec,
                ZIGUI,
                2024,
                values={"funding_per_student": 20000.0, "students_enrolled": 1000},
            ),
            school(spec, JIDIAN, 2024, values={"funding_per_student": None}),
        ],
    )
    city_value = store.scalar("SELECT funding_per_student FROM city_year WHERE year = 2024")
    assert city_value == pytest.approx((10000 * 3000 + 20000 * 1000) / 4000)  # 12,500, not 30,000


# -- schools, categories, counties, years ------------------------------------------------------


def test_category_thresholds_use_the_provinces_lines_once_a_city_sets_them(store, spec):
    ingest(
        store,
        [
            school(spec, ART, 2024, values={"school_category": "艺术类", "campus_area": 30000.0}),
            school(spec, XINGSHAN, 2024, values={"school_category": "边远脱贫地区"}),
            school(spec, SANXIA, 2024, values={"campus_area": 30000.0}),
        ],
    )
    national = load_target_sets(["national-standards"])
    unset = by_subject(check(store, national, 2024), "key_campus_area")
    assert unset[ART].reason == "parameter-missing" and unset[ART].level == "省定标准"
    assert unset[SANXIA].met is False and unset[SANXIA].level == "国家标准"
    assert unset[ART].category == "艺术类"
    given = check(store, national, 2024, {"art_campus_area": 30000, "remote_campus_area": 20000})
    campus = by_subject(given, "key_campus_area")
    assert (campus[ART].threshold, campus[ART].met, campus[ART].level) == (30000, True, "省定标准")
    assert campus[XINGSHAN].met is True and campus[XINGSHAN].threshold == 20000
    assert (campus[SANXIA].threshold, campus[SANXIA].met) == (40000, False)
    # The sets that reuse the key indicators inherit the categories.
    sanming = load_target_sets(["sanming-2024"])
    public = by_subject(check(store, sanming, 2024), "public_key_conditions")
    assert public[ART].met is None and public[ART].reason == "component-no-data"
    assert public[SANXIA].met is False


def test_equipment_per_student_by_discipline(store, spec):
    ingest(
        store,
        [
            school(
                spec,
                SANXIA,
                2024,
                values={"discipline_type": "工科医药类", "equipment_value": 5600000.0},
            ),
            school(
                spec,
                ZIGUI,
                2024,
                values={"discipline_type": "其他类", "equipment_value": 5600000.0},
            ),
        ],
    )
    report = check(store, load_target_sets(["national-standards"]), 2024)
    equipment = by_subject(report, "equipment_value_per_student")
    assert (equipment[SANXIA].value, equipment[SANXIA].threshold) == (2800, 3000)
    assert equipment[SANXIA].met is False and equipment[ZIGUI].met is True


def test_named_schools_resolve_through_aliases_and_show_when_absent(store, spec):
    ingest(store, [school(spec, SANXIA, 2023, values={"teachers_dual_qualified": 31})])
    report = check(store, load_target_sets(["yichang"]), 2023, city=city(SANXIA, ZIGUI))
    task = by_subject(report, "task_36_2_dual_qualified")
    assert set(task) == {SANXIA, ZIGUI}
    assert task[SANXIA].met is True and task[SANXIA].clause == "专业教师中“双师型”教师占比超过 50%"
    assert task[ZIGUI].reason == "no-submission" and task[ZIGUI].subject_name == NAMES[ZIGUI]
    yueyang = check(store, load_target_sets(["yueyang-2024"]), 2024, any_year=True)
    chuyi = by_subject(yueyang, "chuyi_dual_qualified")
    assert len(chuyi) == 7 and {r.reason for r in chuyi.values()} == {"school-unknown"}
    assert "湘北女子职业学校" in chuyi


def test_county_targets(store, spec):
    def county_school(code, county, year, **values):
        name = f"{county}职校"
        return make_result(spec, code, year, school_name=name, values={"county": county, **values})

    for year in (2019, 2020):
        ingest(
            store,
            [
                county_school("3601000001", "进贤县", year),
                county_school("3601000002", "安义县", year, students_enrolled=900),
                county_school(
                    "3601000003", "青山湖区", year, admission_plan=700, students_admitted=700
                ),
                county_school(
                    "3601000004", "东湖区", year, admission_plan=800, students_admitted=700
                ),
            ],
        )
    counties = ("东湖区", "进贤县", "安义县", "青山湖区", "新建区")
    config = CityConfig(
        name="南昌市",
        counties=counties,
        schools=tuple(
            CitySchool(f"360100000{n}", f"{c}职校", c)
            for n, c in enumerate(("进贤县", "安义县", "青山湖区", "东湖区"), start=1)
        ),
    )
    nanchang = load_target_sets(["nanchang-2019"])
    parameters = {
        "county_plan_completion_min": 1.0,
        "county_bureau_reports": {2019: ["东湖区", "进贤县"]},
    }
    report = check(store, nanchang, 2019, parameters, city=config)
    plan = by_subject(report, "county_admission_plan")
    assert list(plan) == list(counties)  # every county of the city, in its order
    assert plan["青山湖区"].met is True and plan["东湖区"].met is False
    assert plan["进贤县"].reason == "incomplete" and plan["进贤县"].undetermined == ("进贤县职校",)
    assert plan["新建区"].reason == "value-missing"  # no school: nothing to compute
    assert plan["东湖区"].population == "县（区）"
    bureaus = by_subject(report, "county_report_coverage")
    assert {c: b.met for c, b in bureaus.items()} == {
        "东湖区": True,
        "进贤县": True,
        "安义县": False,
        "青山湖区": False,
        "新建区": False,
    }
    assert {r.reason for r in by_subject(report, "county_standard_school").values()} == {
        "before-deadline"
    }
    due = check(store, nanchang, 2020, parameters, city=config)
    assert {r.target_id for r in due.results} == {"county_standard_school"}
    built = by_subject(due, "county_standard_school")
    assert list(built) == ["进贤县", "安义县", "青山湖区", "新建区"]  # the four the document names
    assert (built["进贤县"].value, built["进贤县"].met) == (1, True)
    assert built["安义县"].met is False  # 900 students: not up to the standard
    assert (built["新建区"].value, built["新建区"].met) == (0, False)  # no school at all
    assert built["进贤县"].deadline == 2020


def test_deadline_targets_are_judged_in_their_year(store, spec):
    for year in (2022, 2023, 2024, 2025):
        ingest(store, [school(spec, SANXIA, year), school(spec, ZIGUI, year)])
    national = load_target_sets(["national-standards"])
    reasons = {
        year: {
            r.target_id: (r.met, r.reason)
            for r in check(store, national, year).results
            if r.target_id.startswith("key_conditions_share")
        }
        for year in (2022, 2023, 2024, 2025)
    }
    assert reasons[2022] == {
        "key_conditions_share_2023": (None, "before-deadline"),
        "key_conditions_share_2025": (None, "before-deadline"),
    }
    assert reasons[2023]["key_conditions_share_2023"] == (True, None)
    assert reasons[2024]["key_conditions_share_2023"] == (None, "after-deadline")
    assert reasons[2025]["key_conditions_share_2025"] == (True, None)


def test_a_set_is_checked_only_for_its_years_unless_asked(store, spec):
    ingest(store, [school(spec, SANXIA, 2024)])
    report = check(store, load_target_sets(["nanchang-2019", "national-standards"]), 2024)
    assert [s.set_id for s in report.skipped] == ["nanchang-2019"]
    assert report.skipped[0].years == (2019, 2020)
    assert {r.set_id for r in report.results} == {"national-standards"}
    asked = check(store, load_target_sets(["nanchang-2019"]), 2024, any_year=True)
    assert not asked.skipped and asked.results


def test_wuhan_reports_cover_2018_and_2019(store, spec):
    ingest(store, [school(spec, SANXIA, 2018)])
    report = check(store, load_target_sets(["wuhan-2019"]), 2018, city=city(SANXIA, ZIGUI))
    assert {r.target_id for r in report.results} == {"school_reports"}
    covered = by_subject(report, "school_reports")
    assert covered[SANXIA].met is True and covered[ZIGUI].met is False


def test_missing_parameters_name_each_subject(store, spec):
    ingest(store, [school(spec, SANXIA, 2019), school(spec, ZIGUI, 2019)])
    report = check(store, load_target_sets(["nanchang-2019"]), 2019)
    funding = by_subject(report, "funding_per_student")
    assert set(funding) == {SANXIA, ZIGUI}
    assert {r.reason for r in funding.values()} == {"parameter-missing"}
    ratio = by_subject(report, "enrollment_ratio")["city"]
    assert ratio.reason == "parameter-missing"
    chosen = check(
        store,
        load_target_sets(["nanchang-2019"]),
        2019,
        {
            "funding_basis": "含专项",
            "provincial_funding_standard": 9000,
            "general_high_school_admissions": {2019: 1400},
            "enrollment_ratio_tolerance": 0.05,
        },
    )
    funding = by_subject(chosen, "funding_per_student")
    assert funding[SANXIA].met is True and funding[SANXIA].level == "省定标准"
    assert {r.reason for r in by_subject(chosen, "regular_funding_per_student").values()} == {
        "not-applicable"
    }
    ratio = by_subject(chosen, "enrollment_ratio")["city"]
    assert ratio.value == 1.0 and ratio.met is True  # 1,400 of 1,400


def test_non_enterprise_public_schools_only(store, spec):
    ingest(
        store,
        [
            school(
                spec,
                SANXIA,
                2019,
                values={"operator_type": "行业办", "funding_per_student": 8000.0},
            ),
            school(spec, ZIGUI, 2019, values={"operator_type": "企业办"}),
            school(spec, JIDIAN, 2019, values={"operator_type": "行业企业"}),
            school(spec, SHANGWU, 2019, values={"operator_type": "民办"}),
        ],
    )
    parameters = {"funding_basis": "含专项", "provincial_funding_standard": 9000}
    report = check(store, load_target_sets(["nanchang-2019"]), 2019, parameters)
    funding = by_subject(report, "funding_per_student")
    assert funding[SANXIA].met is False and funding[SANXIA].gap == -1000
    assert funding[ZIGUI].reason == "not-applicable"
    assert funding[JIDIAN].reason == "applicability-unknown"  # 行业企业: 行业办 or 企业办?
    assert funding[SHANGWU].reason == "not-applicable"


def test_information_targets_list_figures_without_a_verdict(store, spec):
    ingest(store, [school(spec, SANXIA, 2024, values={"students_certified_1x": 120})])
    report = check(store, load_target_sets(["yueyang-2024"]), 2024)
    listed = by_subject(report, "certificates_1x")["city"]
    assert (listed.value, listed.met, listed.reason, listed.severity) == (
        120,
        None,
        "information",
        "info",
    )
    summary = next(s for s in report.summaries if s.target_id == "certificates_1x")
    assert (summary.listed, summary.no_data, summary.required) == (1, 0, False)


def test_results_carry_their_declarations_into_the_store(store, spec):
    ingest(store, [school(spec, SANXIA, 2024, values={"training_person_times": 12000})])
    report = check(store, load_target_sets(["sanming-2024"]), 2024, city=city(SANXIA, ZIGUI))
    rows = store.rows(
        """SELECT target_id, level, indicator, unit, population, set_name, source, comparison,
                  missing_schools, met, reason
           FROM latest_target_results WHERE target_id = 'training_person_times'"""
    )
    assert rows == [
        (
            "training_person_times",
            "市定目标",
            "training_person_times",
            "人次",
            "中职学校",
            "2024年三明市高等与职业成人教育工作计划",
            "三明市教育局办公室《2024年三明市高等与职业成人教育工作计划》（明教办职成〔2024〕4号）",
            "ge",
            [NAMES[ZIGUI]],
            None,
            "incomplete",
        )
    ]
    stored = store.rows(
        "SELECT target_id, subject_id, met, reason FROM latest_target_results ORDER BY 1, 2"
    )
    assert stored == sorted((r.target_id, r.subject_id, r.met, r.reason) for r in report.results)
    again = check(store, load_target_sets(["sanming-2024"]), 2024, city=city(SANXIA, ZIGUI))
    assert again.run_id == report.run_id + 1
    assert store.rows("SELECT DISTINCT run_id FROM latest_target_results") == [(again.run_id,)]


def test_parameters_by_year():
    assert resolve_parameter({2023: 1, 2024: 2}, 2024) == 2
    assert resolve_parameter({"2024": 2}, 2024) == 2
    assert resolve_parameter({2023: 1}, 2024) is None
    assert resolve_parameter(12000, 2024) == 12000


TARGET_HEAD = """kind: qualityreport/targets
version: "2"
id: broken
name: 坏
name_en: Broken
source: test
level: 市定目标
targets:
  - id: t
    name: 目标
    name_en: Target
    clause: x
    indicator: campus_area
    unit: 平方米
    scope: school
    expression: campus_area
    comparison: ge
"""


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ("threshold: abc", "targets[0].threshold", "must be a number"),
        ("threshold: {param: nope}", "targets[0].threshold", "unknown parameter 'nope'"),
        ("threshold: 1\n    comparison: about", "targets[0].comparison", "must be one of"),
        ("threshold: 1\n    scope: district", "targets[0].scope", "must be one of"),
        ("threshold: 1\n    level: 区定目标", "targets[0].level", "must be one of"),
        ("threshold: 1\n    applies_to: {task: '9'}", "targets[0].applies_to", "no task '9'"),
        ("threshold: 1\n    applies_to: everyone", "targets[0].applies_to", "must be all"),
        ("threshold: 1\n    indicator: Campus Area", "targets[0].indicator", "indicator id"),
    ],
)
def test_a_broken_target_file_names_file_and_key(tmp_path, body, key, problem):
    # later keys win in YAML, so the broken value replaces the valid one above
    path = write_set(tmp_path, TARGET_HEAD + "    " + body + "\n", "broken.yaml")
    with pytest.raises(SpecError) as caught:
        load_target_set(path)
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert problem in str(caught.value)


def test_an_unknown_indicator_is_refused_when_checked(tmp_path, store, spec):
    path = write_set(
        tmp_path,
        TARGET_HEAD.replace("indicator: campus_area", "indicator: campus") + "    threshold: 1\n",
    )
    ingest(store, [school(spec, SANXIA, 2024)])
    with pytest.raises(SpecError, match=r"targets\[0\]\.indicator: unknown indicator 'campus'"):
        check(store, [load_target_set(path)], 2024)


# -- command line ----------------------------------------------------------------------------


def _config(tmp_path, *codes, parameters: str = "") -> Path:
    path = tmp_path / "city.yaml"
    schools = "".join(
        f"  - {{code: '{c}', name: {NAMES[c]}, county: {SCHOOLS[c][1]}}}\n" for c in codes
    )
    path.write_text(
        f"kind: qualityreport/city\nversion: '1'\nname: 宜昌市\nschools:\n{schools}{parameters}",
        encoding="utf-8",
    )
    return path


def test_cli_check_json_equals_the_library(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as s:
        ingest(s, [school(spec, SANXIA, 2024), school(spec, ZIGUI, 2024, values={"books": 10})])
    config = _config(
        tmp_path, SANXIA, ZIGUI, parameters="parameters: {part_time_share_tolerance: 0.05}\n"
    )
    args = [
        "check",
        "--db",
        str(db),
        "--config",
        str(config),
        "--targets",
        "sanming-2024",
        "--targets",
        "national-standards",
        "--param",
        "art_campus_area=30000",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output  # 10 books for 2,000 students misses 生均图书
    from_cli = json.loads(result.output)
    from qualityreport.city import load_city_config

    with open_store(db) as s:
        library = check(
            s,
            load_target_sets(["sanming-2024", "national-standards"]),
            None,
            {"part_time_share_tolerance": 0.05, "art_campus_area": 30000},
            city=load_city_config(config),
        ).to_dict()
    for data in (from_cli, library):
        data.pop("run_id"), data.pop("checked_at")
    assert from_cli == json.loads(json.dumps(library, ensure_ascii=False, default=str))
    assert from_cli["parameters"]["national-standards"]["art_campus_area"] == 30000


def test_cli_check_exit_codes_and_messages(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    runner = CliRunner()
    missing = runner.invoke(cli, ["check", "--db", str(db)])
    assert missing.exit_code == 3 and "run ingest first" in missing.output
    with open_store(db, spec) as s:
        ingest(s, [school(spec, SANXIA, 2024, values={"training_person_times": 12000})])
    config = _config(tmp_path, SANXIA)
    args = ["check", "--db", str(db), "--config", str(config), "--targets", "national-standards"]
    ok = runner.invoke(cli, [*args, "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().endswith("all required targets met")
    # a year without any submission: never a pass, and says why
    empty = runner.invoke(cli, [*args, "--year", "2023"])
    assert empty.exit_code == 2
    assert "2023年没有学校报送数据" in empty.output and "全部必达目标已达成" not in empty.output
    # a school expected but absent: undetermined, not met
    short = _config(tmp_path, SANXIA, ZIGUI)
    absent = runner.invoke(
        cli, ["check", "--db", str(db), "--config", str(short), "--targets", "sanming-2024"]
    )
    assert absent.exit_code == 1 and "全部必达目标已达成" not in absent.output
    assert "结果不完整" in absent.output and NAMES[ZIGUI] in absent.output
    assert "无法判定" in absent.output.splitlines()[-1]
    # a set for other years: skipped with a word, refused when nothing is left
    other = runner.invoke(cli, ["check", "--db", str(db), "--targets", "nanchang-2019"])
    assert other.exit_code == 2 and "不适用于2024年" in other.output
    assert "--any-year" in other.output
    anyway = runner.invoke(
        cli, ["check", "--db", str(db), "--targets", "nanchang-2019", "--any-year"]
    )
    assert anyway.exit_code == 1 and "Traceback" not in anyway.output
    bad = runner.invoke(cli, ["check", "--db", str(db), "--param", "nope=1"])
    assert bad.exit_code == 2 and "nope" in bad.output and "Traceback" not in bad.output
    broken = write_set(tmp_path, "kind: qualityreport/targets\nid: x\n", "x.yaml")
    result = runner.invoke(cli, ["check", "--db", str(db), "--targets", str(broken)])
    assert result.exit_code == 2 and f"{broken}: level: is required" in result.output


def test_cli_check_xlsx_never_writes_live_formulas(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as s:
        ingest(
            s,
            [
                make_result(
                    spec, "4205000009", 2024, school_name='=HYPERLINK("x")', values={"books": 10}
                )
            ],
        )
    out = tmp_path / "check.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "--db",
            str(db),
            "--targets",
            "national-standards",
            "--format",
            "xlsx",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out)
    names = [c.value for c in book["明细"]["H"][1:]]
    assert '\'=HYPERLINK("x")' in names
    assert not any(str(n).startswith("=") for n in names)
    assert all(c.data_type != "f" for row in book["明细"].iter_rows() for c in row)


def test_synthetic_baseline_still_meets_the_national_standards(store, spec):
    """The in-memory baseline school is a school that meets every national line."""
    ingest(store, [school(spec, SANXIA, 2024, specialties=BASELINE_SPECIALTIES)])
    report = check(store, load_target_sets(["national-standards"]), 2024)
    missed = [r.target_id for r in report.results if r.met is False]
    assert missed == []
    assert by_subject(report, "part_time_teacher_share")[SANXIA].reason == "parameter-missing"


def test_check_to_a_file_on_an_empty_database_closes_the_file(tmp_path):
    import gc
    import warnings

    db = tmp_path / "empty.duckdb"
    with open_store(db):
        pass
    out = tmp_path / "check.txt"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        CliRunner().invoke(cli, ["check", "--db", str(db), "-o", str(out)])
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert "数据库中还没有数据" in out.read_text(encoding="utf-8")


def test_check_results_export_from_python(tmp_path, spec):
    """A Python user exports check results without the command line."""
    from qualityreport.check.export import write_results_xlsx

    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as s:
        ingest(s, [make_result(spec, SANXIA, 2024, school_name='=HYPERLINK("x")')])
        report = check(s, load_target_sets(["national-standards"]), 2024)
    path = write_results_xlsx(report, tmp_path / "check.xlsx", "zh")
    rows = list(openpyxl.load_workbook(path)["明细"].iter_rows(values_only=True))
    column, scope = rows[0].index("subject_name"), rows[0].index("scope")
    names = [row[column] for row in rows[1:] if row[scope] == "school"]
    assert names and all(n == '\'=HYPERLINK("x")' for n in names)


def test_a_stored_verdict_says_enough_for_its_sentence(store, spec):
    """A report builds its sentence from the stored row alone: no guessing from ids or values."""
    from qualityreport.numbers import format_threshold, format_value

    ingest(
        store,
        [
            school(
                spec,
                SANXIA,
                2023,
                values={
                    "teachers_dual_qualified": 41,
                    "teachers_professional": 100,
                    "teachers_general": 0,
                },
            )
        ],
    )
    check(store, load_target_sets(["yichang"]), 2023, city=city(SANXIA, ZIGUI))
    columns = ["indicator", "unit", "value", "comparison", "threshold", "level", "met", "clause"]
    row = dict(
        zip(
            columns,
            store.rows(
                f"SELECT {', '.join(columns)} FROM latest_target_results "
                "WHERE target_id = 'task_36_2_dual_qualified' AND subject_id = ?",
                [SANXIA],
            )[0],
            strict=True,
        )
    )
    name = spec.describe(row["indicator"])[0]
    verb = {"gt": "超过", "ge": "达到"}[row["comparison"]]
    sentence = (
        f"本校{name}为{format_value(row['value'], row['unit'])}，"
        f"{'' if row['met'] else '未'}{verb}{row['level']}{format_threshold(row['threshold'], row['unit'])}"
    )
    assert sentence == "本校“双师型”教师占专业课教师比例为41.0%，未超过市定目标50%"
    assert row["clause"] == "专业教师中“双师型”教师占比超过 50%"
