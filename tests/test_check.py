"""Target sets and check on hand-computed data: boundaries, time rules, lists, parameters, CLI."""

from __future__ import annotations

import json

import openpyxl
import pytest
from click.testing import CliRunner

from qualityreport.check import check, compare
from qualityreport.cli import cli
from qualityreport.errors import SpecError
from qualityreport.spec import load_spec
from qualityreport.store import ExpectedSchool, ingest, open_store
from qualityreport.targets import load_target_set, load_target_sets, resolve_parameter

from synthetic import BASELINE_SPECIALTIES, make_result

SANXIA, ZIGUI, SHANGWU, JIDIAN = "4142050101", "4142052701", "4142050610", "4142050509"
NAMES = {
    SANXIA: "宜昌市三峡中等专业学校",
    ZIGUI: "秭归县职业教育中心",
    SHANGWU: "宜昌市商务学校",
    JIDIAN: "宜昌市机电工程学校",
}


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture
def store(tmp_path, spec):
    with open_store(tmp_path / "city.duckdb", spec) as s:
        yield s


def school(spec, code, year, **kwargs):
    return make_result(spec, code, year, school_name=NAMES.get(code), **kwargs)


def by_subject(report, target_id):
    return {r.subject_id: r for r in report.results if r.target_id == target_id}


def write_set(tmp_path, text, name="custom.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_comparisons_have_exact_boundaries():
    assert not compare(0.5, "gt", 0.5)
    assert compare(30 / 60, "ge", 0.5)
    assert compare(0.1, "ge", 0.1) and compare(1 / 10, "ge", 0.1)
    assert not compare(0.1, "lt", 0.1) and compare(20, "le", 20)
    assert compare(1.08, "between", 1.0, 0.1) and not compare(1.11, "between", 1.0, 0.1)


def test_yichang_exactly_half_is_not_above_half(store, spec):
    ingest(
        store,
        [
            school(
                spec,
                SANXIA,
                2024,
                values={"teachers_dual_qualified": 30, "teachers_professional": 60},
            ),
            school(
                spec,
                ZIGUI,
                2024,
                values={"teachers_dual_qualified": 31, "teachers_professional": 60},
            ),
            school(
                spec,
                JIDIAN,
                2024,
                values={"teachers_dual_qualified": 10, "teachers_professional": 60},
            ),
            school(spec, SHANGWU, 2023),
        ],
    )
    report = check(store, load_target_sets(["yichang"]), 2024)
    task = by_subject(report, "task_36_2_dual_qualified")
    # applies to the two named schools only, whatever the others do
    assert set(task) == {SANXIA, ZIGUI}
    assert task[SANXIA].met is False and task[SANXIA].value == 0.5 and task[SANXIA].gap == 0
    assert task[ZIGUI].met is True and task[ZIGUI].gap == pytest.approx(1 / 60)
    assert task[SANXIA].clause.startswith("任务分工表 36.2")
    city = by_subject(report, "dual_qualified_ratio_city")["city"]
    assert city.value == pytest.approx(71 / 180) and city.met is False
    # task 6: named schools without a submission are explicit, not dropped
    task6 = by_subject(report, "task_6_teaching_conditions")
    assert len(task6) == 10
    assert task6[JIDIAN].met is True and task6[JIDIAN].value == 9
    assert task6[ZIGUI].met is True
    assert task6[SHANGWU].met is None and task6[SHANGWU].reason == "no-submission"
    assert task6["兴山县职业技术学校"].reason == "school-unknown"  # never seen by the store
    assert not report.passed


def test_sanming_boundaries_city_sum_and_public_schools(store, spec):
    ten = [{**BASELINE_SPECIALTIES[0], "specialty_code": str(660301 + k)} for k in range(10)]
    next_year = [dict(r) for r in ten]
    next_year[0]["status"] = "新增"
    ingest(
        store,
        [
            school(spec, SANXIA, 2023, specialties=ten),
            school(
                spec,
                SANXIA,
                2024,
                specialties=next_year,
                values={
                    "graduates": 100,
                    "graduates_employed": 50,
                    "graduates_further_study": 40,
                    "graduates_employed_in_field": 40,
                    "training_person_times": 6000,
                },
            ),
            school(
                spec,
                ZIGUI,
                2024,
                values={
                    "graduates": 100,
                    "graduates_employed": 50,
                    "graduates_further_study": 41,
                    "graduates_employed_in_field": 40,
                    "training_person_times": 4000,
                    "campus_area": 30000.0,
                },
            ),
            school(
                spec,
                SHANGWU,
                2024,
                values={"operator_type": "民办", "training_person_times": 0, "campus_area": 100.0},
            ),
        ],
    )
    report = check(store, load_target_sets(["sanming-2024"]), 2024)
    employment = by_subject(report, "employment_rate")
    assert (
        employment[SANXIA].value == 0.9 and employment[SANXIA].met is False
    )  # 超过90%: 90% misses
    assert employment[ZIGUI].met is True
    adjust = by_subject(report, "specialty_adjustment_ratio")
    assert adjust[SANXIA].value == 0.1 and adjust[SANXIA].met is True  # 不低于10%: 10% meets
    assert adjust[ZIGUI].met is None and adjust[ZIGUI].reason == "value-missing"
    assert by_subject(report, "specialty_adjustment_ratio_city")["city"].met is True
    training = by_subject(report, "training_person_times")["city"]
    assert (training.value, training.met) == (10000, True)
    public = by_subject(report, "public_key_conditions")
    assert public[SANXIA].met is True
    # 30,000 m² misses both the campus area and, for 2,000 students, the area per student
    assert (public[ZIGUI].value, public[ZIGUI].met) == (7, False)
    assert public[SHANGWU].met is None and public[SHANGWU].reason == "not-applicable"
    summary = {s.target_id: s for s in report.summaries}["public_key_conditions"]
    assert (summary.met, summary.missed, summary.not_applicable) == (1, 1, 1)


def test_national_standards_per_category_thresholds_and_city_share(store, spec):
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
            school(
                spec, JIDIAN, 2024, values={"teachers_part_time": 26, "teachers_full_time": 100}
            ),
        ],
    )
    report = check(store, load_target_sets(["national-standards"]), 2024)
    equipment = by_subject(report, "equipment_value_per_student")
    assert equipment[SANXIA].value == 2800
    assert (equipment[SANXIA].threshold, equipment[SANXIA].met) == (3000, False)
    assert (equipment[ZIGUI].threshold, equipment[ZIGUI].met) == (2500, True)
    part_time = by_subject(report, "part_time_teacher_share")
    assert part_time[JIDIAN].met is False and part_time[JIDIAN].severity == "warning"
    assert part_time[SANXIA].met is True  # exactly 20 %
    all_met = by_subject(report, "key_conditions_all_met")
    assert [all_met[c].met for c in (SANXIA, ZIGUI, JIDIAN)] == [True, True, True]
    share = by_subject(report, "key_conditions_share_2023")["city"]
    assert (share.value, share.met) == (1.0, True)
    assert report.passed is False  # 2,800 yuan per student misses the required standard
    assert {s.target_id for s in report.summaries if s.missed} == {
        "equipment_value_per_student",
        "part_time_teacher_share",
    }


def test_nanchang_parameters_two_year_specialty_rule_and_coverage(store, spec):
    def rows(rate_a, rate_b):
        base = {
            "specialty_name": "x",
            "status": "保留",
            "enrolled": 100,
            "admitted": 30,
            "employed_in_field": 10,
        }
        return [
            {
                **base,
                "specialty_code": "660301",
                "graduates": 100,
                "employed": rate_a,
                "further_study": 0,
            },
            {
                **base,
                "specialty_code": "710201",
                "graduates": 100,
                "employed": rate_b,
                "further_study": 0,
            },
        ]

    ingest(
        store,
        [
            school(spec, SANXIA, 2023, specialties=rows(80, 95)),
            school(
                spec,
                SANXIA,
                2024,
                specialties=rows(85, 89)
                + [
                    {
                        "specialty_code": "720601",
                        "specialty_name": "护理",
                        "status": "新增",
                        "enrolled": 50,
                        "admitted": 50,
                        "graduates": 10,
                        "employed": 5,
                        "further_study": 0,
                        "employed_in_field": 5,
                    }
                ],
                values={"funding_per_student": 12000.0, "students_admitted": 500},
            ),
            school(
                spec, ZIGUI, 2024, values={"funding_per_student": 11999.0, "students_admitted": 480}
            ),
        ],
    )
    sets = load_target_sets(["nanchang-2019"])
    without = check(store, sets, 2024)
    funding = by_subject(without, "funding_per_student")
    assert {r.reason for r in funding.values()} == {"parameter-missing"}
    ratio = by_subject(without, "enrollment_ratio")
    assert [r.reason for r in ratio.values()] == ["parameter-missing"]

    params = {
        "provincial_funding_standard": 12000,
        "general_high_school_admissions": {2023: 1000, 2024: 1000},
    }
    expected = (
        ExpectedSchool(SANXIA, NAMES[SANXIA]),
        ExpectedSchool(ZIGUI, NAMES[ZIGUI]),
        ExpectedSchool(SHANGWU, NAMES[SHANGWU]),
    )
    report = check(store, sets, 2024, params, expected_schools=expected)
    funding = by_subject(report, "funding_per_student")
    assert funding[SANXIA].met is True and funding[ZIGUI].met is False
    assert funding[ZIGUI].gap == -1
    assert funding[SHANGWU].reason == "no-submission"
    ratio = by_subject(report, "enrollment_ratio")["city"]
    assert (ratio.value, ratio.met) == (0.98, True)
    specialties = by_subject(report, "specialty_employment_two_years")
    assert specialties[f"{SANXIA}/660301"].met is False  # 80 % then 85 %: two years below 90 %
    assert specialties[f"{SANXIA}/710201"].met is True  # below only this year
    assert specialties[f"{SANXIA}/720601"].met is None  # new, below, no year before
    assert specialties[f"{SANXIA}/720601"].reason == "no-previous-year"
    coverage = by_subject(report, "report_coverage")
    assert {k: v.met for k, v in coverage.items()} == {SANXIA: True, ZIGUI: True, SHANGWU: False}

    tighter = check(store, sets, 2024, {**params, "enrollment_ratio_tolerance": 0.01})
    assert by_subject(tighter, "enrollment_ratio")["city"].met is False


def test_wuhan_improvement_on_last_year(store, spec):
    ingest(
        store,
        [
            school(spec, SANXIA, 2023, values={"teachers_dual_qualified": 30}),
            school(spec, SANXIA, 2024, values={"teachers_dual_qualified": 30}),
            school(spec, ZIGUI, 2023, values={"teachers_dual_qualified": 30}),
            school(spec, ZIGUI, 2024, values={"teachers_dual_qualified": 31}),
            school(spec, JIDIAN, 2024),
        ],
    )
    report = check(store, load_target_sets(["wuhan-2019"]), 2024)
    up = by_subject(report, "dual_qualified_ratio_up")
    assert up[SANXIA].met is False and up[SANXIA].gap == 0  # equal is not an improvement
    assert up[ZIGUI].met is True
    assert up[JIDIAN].met is None and up[JIDIAN].reason == "no-previous-year"
    assert by_subject(report, "dual_qualified_ratio_up_city")["city"].met is True


def test_yueyang_complete_reports_and_named_group(store, spec):
    sections = {n.id: "内容" for n in spec.narratives}
    ingest(
        store,
        [
            school(spec, SANXIA, 2024, narratives=sections),
            school(spec, ZIGUI, 2024, narratives={**sections, "problems": "  "}),
            school(
                spec,
                JIDIAN,
                2024,
                narratives=sections,
                values={"teachers_dual_qualified": 29, "teachers_professional": 60},
            ),
        ],
    )
    report = check(store, load_target_sets(["yueyang-2024"]), 2024)
    complete = by_subject(report, "annual_report_complete")
    assert complete[SANXIA].met is True
    assert (complete[ZIGUI].value, complete[ZIGUI].met) == (len(sections) - 1, False)
    chuyi = by_subject(report, "chuyi_dual_qualified")
    assert chuyi[SANXIA].met is True and chuyi[JIDIAN].met is False
    assert ZIGUI not in chuyi  # not one of the named group
    assert {r.reason for k, r in chuyi.items() if k not in (SANXIA, JIDIAN)} == {"school-unknown"}


def test_applies_to_by_code_and_category_thresholds_in_a_custom_set(tmp_path, store, spec):
    ingest(
        store,
        [
            school(
                spec, SANXIA, 2024, values={"school_category": "艺术类", "campus_area": 30000.0}
            ),
            school(spec, ZIGUI, 2024, values={"campus_area": 30000.0}),
            school(spec, JIDIAN, 2024, values={"school_category": "边远脱贫地区"}),
        ],
    )
    path = write_set(
        tmp_path,
        f"""
kind: qualityreport/targets
version: "1"
id: custom
name: 自定义
name_en: Custom
source: test
targets:
  - id: campus
    name: 占地
    name_en: Campus
    clause: 省定艺术类标准
    scope: school
    applies_to: ['{SANXIA}', '{ZIGUI}']
    expression: campus_area
    comparison: ge
    threshold: {{by: school_category, values: {{艺术类: 20000}}, default: 40000}}
  - id: only_categories
    name: 仅列出类别
    name_en: Listed categories only
    clause: x
    scope: school
    expression: campus_area
    comparison: ge
    threshold: {{by: school_category, values: {{艺术类: 20000, 一般类: 40000}}}}
""",
    )
    report = check(store, [load_target_set(path)], 2024)
    campus = by_subject(report, "campus")
    assert set(campus) == {SANXIA, ZIGUI}
    assert (campus[SANXIA].threshold, campus[SANXIA].met) == (20000, True)
    assert (campus[ZIGUI].threshold, campus[ZIGUI].met) == (40000, False)
    assert by_subject(report, "only_categories")[JIDIAN].reason == "no-threshold"


def test_results_are_stored_and_the_latest_run_is_a_view(store, spec):
    ingest(store, [school(spec, SANXIA, 2024)])
    sets = load_target_sets(["yichang"])
    first = check(store, sets, 2024)
    second = check(store, sets, 2024)
    assert second.run_id == first.run_id + 1
    assert store.scalar("SELECT count(DISTINCT run_id) FROM target_results") == 2
    latest = store.rows("SELECT DISTINCT run_id FROM latest_target_results")
    assert latest == [(second.run_id,)]
    stored = store.rows("""SELECT target_id, subject_id, met, reason FROM latest_target_results
                           ORDER BY target_id, subject_id""")
    assert stored == sorted((r.target_id, r.subject_id, r.met, r.reason) for r in second.results)


def test_parameters_by_year():
    assert resolve_parameter({2023: 1, 2024: 2}, 2024) == 2
    assert resolve_parameter({"2024": 2}, 2024) == 2
    assert resolve_parameter({2023: 1}, 2024) is None
    assert resolve_parameter(12000, 2024) == 12000


@pytest.mark.parametrize(
    ("body", "key", "problem"),
    [
        ("threshold: abc", "targets[0].threshold", "must be a number"),
        ("threshold: {param: nope}", "targets[0].threshold", "unknown parameter 'nope'"),
        ("threshold: 1\n    comparison: about", "targets[0].comparison", "must be one of"),
        ("threshold: 1\n    scope: county", "targets[0].scope", "must be one of"),
        (
            "threshold: 1\n    applies_to: everyone",
            "targets[0].applies_to",
            "must be all or a list",
        ),
    ],
)
def test_a_broken_target_file_names_file_and_key(tmp_path, body, key, problem):
    text = f"""kind: qualityreport/targets
version: "1"
id: broken
name: 坏
name_en: Broken
source: test
targets:
  - id: t
    name: 目标
    name_en: Target
    clause: x
    scope: school
    expression: campus_area
    comparison: ge
    {body}
"""
    # later keys win in YAML, so the broken value replaces the valid one above
    path = write_set(tmp_path, text, "broken.yaml")
    with pytest.raises(SpecError) as caught:
        load_target_set(path)
    assert str(caught.value).startswith(f"{path}: {key}: ")
    assert problem in str(caught.value)


def test_a_target_needs_exactly_one_kind(tmp_path):
    path = write_set(
        tmp_path,
        """kind: qualityreport/targets
version: "1"
id: broken
name: 坏
name_en: Broken
source: test
targets:
  - {id: t, name: 目标, name_en: T, clause: x, scope: school, comparison: ge, threshold: 1}
""",
    )
    with pytest.raises(SpecError, match=r"targets\[0\]: needs exactly one of expression"):
        load_target_set(path)


def test_every_shipped_target_set_loads():
    sets = {s.id: s for s in load_target_sets()}
    assert set(sets) == {
        "national-standards",
        "yichang",
        "sanming-2024",
        "nanchang-2019",
        "wuhan-2019",
        "yueyang-2024",
    }
    for target_set in sets.values():
        for target in target_set.targets:
            assert target.clause and target.name and target.name_en


# -- command line ----------------------------------------------------------------------------


def test_cli_check_json_equals_the_library(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as s:
        ingest(s, [school(spec, SANXIA, 2024), school(spec, ZIGUI, 2024, values={"books": 10})])
    config = tmp_path / "city.yaml"
    config.write_text(
        "kind: qualityreport/city\nname: 宜昌市\n"
        "parameters: {provincial_funding_standard: 9000}\n"
        f"schools:\n  - {{code: '{SANXIA}', name: {NAMES[SANXIA]}}}\n"
        f"  - {{code: '{ZIGUI}', name: {NAMES[ZIGUI]}}}\n",
        encoding="utf-8",
    )
    args = [
        "check",
        "--db",
        str(db),
        "--targets",
        "nanchang-2019",
        "--targets",
        "national-standards",
        "--config",
        str(config),
        "--param",
        "general_high_school_admissions=300",
        "--format",
        "json",
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output  # 10 books for 2,000 students misses 生均图书
    from_cli = json.loads(result.output)
    with open_store(db, spec) as s:
        from qualityreport.city import load_city_config
        from qualityreport.store import expected_from_city

        library = check(
            s,
            load_target_sets(["nanchang-2019", "national-standards"]),
            None,
            {"provincial_funding_standard": 9000, "general_high_school_admissions": 300},
            expected_schools=expected_from_city(load_city_config(config)),
        ).to_dict()
    for data in (from_cli, library):
        data.pop("run_id"), data.pop("checked_at")
    assert from_cli == json.loads(json.dumps(library, ensure_ascii=False, default=str))
    assert from_cli["parameters"]["nanchang-2019"]["general_high_school_admissions"] == 300


def test_cli_check_text_exit_codes_and_unknown_param(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    runner = CliRunner()
    missing = runner.invoke(cli, ["check", "--db", str(db)])
    assert missing.exit_code == 3 and "run ingest first" in missing.output
    with open_store(db, spec) as s:
        ingest(s, [school(spec, SANXIA, 2024, values={"teachers_dual_qualified": 36})])
    ok = runner.invoke(cli, ["check", "--db", str(db), "--targets", "yichang", "--lang", "en"])
    assert ok.exit_code == 0, ok.output
    assert "all required targets met" in ok.output
    bad = runner.invoke(cli, ["check", "--db", str(db), "--param", "nope=1"])
    assert bad.exit_code == 2 and "nope" in bad.output and "Traceback" not in bad.output
    broken = write_set(tmp_path, "kind: qualityreport/targets\nid: x\n", "x.yaml")
    result = runner.invoke(cli, ["check", "--db", str(db), "--targets", str(broken)])
    assert result.exit_code == 2 and f"{broken}: name: is required" in result.output


def test_cli_check_gives_percentage_gaps_in_points(tmp_path, spec):
    db = tmp_path / "city.duckdb"
    with open_store(db, spec) as s:
        ingest(s, [school(spec, SANXIA, 2024, values={"teachers_dual_qualified": 10})])
    result = CliRunner().invoke(cli, ["check", "--db", str(db), "--targets", "yichang"])
    assert result.exit_code == 1, result.output
    assert "个百分点" in result.output
    english = CliRunner().invoke(
        cli, ["check", "--db", str(db), "--targets", "yichang", "--lang", "en"]
    )
    assert " pp" in english.output


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
