"""The DuckDB store on real files: schema, ingest, versions, rollback, locking, views, CLI."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from qualityreport.cli import cli
from qualityreport.errors import StoreError
from qualityreport.findings import make_finding
from qualityreport.records import ValidationResult
from qualityreport.spec import load_spec
from qualityreport.store import (
    SCHEMA_VERSION,
    ExpectedSchool,
    history,
    ingest,
    open_store,
    query,
    status,
)

from synthetic import make_result

ingest_module = importlib.import_module("qualityreport.store.ingest")

A, B, C = "4205000001", "4205000002", "4205000003"


@pytest.fixture(scope="module")
def spec():
    return load_spec()


@pytest.fixture
def db(tmp_path):
    return tmp_path / "city.duckdb"


@pytest.fixture
def store(db, spec):
    with open_store(db, spec) as s:
        yield s


def rows(store, sql, params=None):
    return store.rows(sql, params)


def one(store, sql, params=None):
    return store.scalar(sql, params)


def error_finding(file="x.xlsx"):
    return make_finding(
        "value-not-integer",
        file,
        sheet="学生发展",
        cell="C5",
        indicator="graduates",
        label="毕业生数",
        found="四十",
    )


def warning_finding(file="x.xlsx"):
    return make_finding(
        "value-implausible",
        file,
        sheet="学生发展",
        cell="C3",
        indicator="students_enrolled",
        label="在校生数",
        found=90,
        expected="100—20000",
    )


# -- schema ----------------------------------------------------------------------------------


def test_schema_is_created_with_version_tables_and_views(db, store):
    assert db.exists()
    assert one(store, "SELECT max(schema_version) FROM schema_info") == SCHEMA_VERSION
    tables = {r[0] for r in rows(store, "SELECT table_name FROM information_schema.tables")}
    assert {
        "schools",
        "submissions",
        "indicator_values",
        "specialties",
        "narratives",
        "findings",
        "target_results",
        "specialty_catalog",
        "school_year",
        "specialty_year",
        "county_year",
        "city_year",
        "narrative",
        "submission_log",
        "latest_target_results",
    } <= tables
    columns = [
        r[0]
        for r in rows(
            store,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'specialties' ORDER BY ordinal_position",
        )
    ]
    assert columns[:2] == ["submission_id", "row_number"]
    assert "specialty_code" in columns and "employed_in_field" in columns
    assert one(store, "SELECT count(*) FROM specialty_catalog WHERE item_level = 'MAJOR'") > 1000


def test_reopening_keeps_data_and_a_newer_schema_is_refused(db, spec):
    with open_store(db, spec) as s:
        ingest(s, [make_result(spec, A, 2024)])
    with open_store(db, spec) as s:
        assert one(s, "SELECT count(*) FROM school_year") == 1
        assert one(s, "SELECT count(*) FROM schema_info") == SCHEMA_VERSION
        s.con.execute("INSERT INTO schema_info VALUES (?, current_timestamp)", [SCHEMA_VERSION + 1])
    with pytest.raises(StoreError, match="newer"):
        open_store(db, spec)
    with pytest.raises(StoreError, match="newer"):
        open_store(db, spec, read_only=True)


def test_read_only_open_of_a_missing_file_is_a_clear_error(tmp_path, spec):
    with pytest.raises(StoreError, match="run ingest first"):
        open_store(tmp_path / "none.duckdb", spec, read_only=True)


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path, spec):
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(path, spec)


# -- ingest ----------------------------------------------------------------------------------


def test_ingesting_the_same_file_twice_is_a_no_op(store, spec):
    first = ingest(store, [make_result(spec, A, 2024)])
    second = ingest(store, [make_result(spec, A, 2024)])
    assert [o.outcome for o in first.outcomes] == ["accepted"]
    assert [(o.outcome, o.version) for o in second.outcomes] == [("unchanged", 1)]
    assert one(store, "SELECT count(*) FROM submissions") == 1
    assert one(store, "SELECT count(*) FROM indicator_values") == len(spec.indicators)


def test_a_changed_file_becomes_a_new_version_and_the_old_one_is_kept(store, spec):
    ingest(
        store,
        [make_result(spec, A, 2024, school_name="甲校", values={"teachers_dual_qualified": 30})],
    )
    report = ingest(
        store,
        [make_result(spec, A, 2024, school_name="甲校", values={"teachers_dual_qualified": 33})],
    )
    assert [(o.outcome, o.version) for o in report.outcomes] == [("superseded-previous", 2)]
    assert rows(store, "SELECT version, status FROM submissions ORDER BY version") == [
        (1, "superseded"),
        (2, "accepted"),
    ]
    assert rows(store, "SELECT version, teachers_dual_qualified FROM school_year") == [(2, 33.0)]
    # the superseded version's values stay queryable
    assert (
        one(
            store,
            """SELECT value_number FROM indicator_values JOIN submissions USING (submission_id)
                          WHERE status = 'superseded' AND indicator_id = 'teachers_dual_qualified'""",
        )
        == 30
    )
    by_code = history(store, A)
    assert [(r.version, r.status) for r in by_code] == [(1, "superseded"), (2, "accepted")]
    assert history(store, "甲校") == by_code
    assert history(store, "没有这所学校") == []


def test_rejected_files_are_recorded_with_findings_and_no_values(store, spec):
    bad = make_result(spec, A, 2024, findings=(error_finding(),))
    report = ingest(store, [bad])
    assert [o.outcome for o in report.outcomes] == ["rejected"]
    assert report.rejected == 1
    assert rows(store, "SELECT school_code, year, status, version, errors FROM submissions") == [
        (A, 2024, "rejected", None, 1)
    ]
    assert rows(store, "SELECT code, cell, indicator, found FROM findings") == [
        ("value-not-integer", "C5", "graduates", "四十")
    ]
    for table in ("indicator_values", "specialties", "narratives"):
        assert one(store, f"SELECT count(*) FROM {table}") == 0
    assert one(store, "SELECT count(*) FROM school_year") == 0


def test_an_unreadable_file_is_recorded_as_rejected(store):
    unreadable = ValidationResult("broken.xlsx", (make_finding("file-empty", "broken.xlsx"),), None)
    report = ingest(store, [unreadable])
    assert [(o.outcome, o.school_code) for o in report.outcomes] == [("unreadable", None)]
    assert rows(store, "SELECT file_name, school_code, status FROM submission_log") == [
        ("broken.xlsx", None, "rejected")
    ]


def test_warnings_reject_unless_allowed_and_a_rejection_keeps_the_current_version(store, spec):
    ingest(store, [make_result(spec, A, 2024)])
    warned = make_result(spec, A, 2024, values={"books": 70000}, findings=(warning_finding(),))
    assert ingest(store, [warned]).outcomes[0].outcome == "rejected"
    assert rows(store, "SELECT version, books FROM school_year") == [(1, 80000.0)]
    accepted = ingest(store, [warned], allow_warnings=True).outcomes[0]
    assert (accepted.outcome, accepted.version, accepted.warnings) == ("superseded-previous", 2, 1)
    assert rows(
        store,
        "SELECT severity, code FROM findings JOIN submissions USING (submission_id) "
        "WHERE status = 'accepted'",
    ) == [("warning", "value-implausible")]


def _counts(store):
    return {
        t: one(store, f"SELECT count(*) FROM {t}")
        for t in (
            "submissions",
            "indicator_values",
            "specialties",
            "narratives",
            "findings",
            "schools",
        )
    }


def test_a_bad_value_type_rolls_the_whole_workbook_back_and_the_batch_goes_on(store, spec):
    ingest(store, [make_result(spec, A, 2023)])
    before = _counts(store)
    broken = make_result(
        spec,
        A,
        2024,
        specialties=[
            {
                "specialty_code": "660301",
                "specialty_name": "数控技术应用",
                "status": "保留",
                "enrolled": "八百",
                "admitted": 1,
                "graduates": 1,
                "employed": 1,
                "further_study": 0,
                "employed_in_field": 1,
            }
        ],
    )
    report = ingest(store, [broken, make_result(spec, B, 2024)])
    assert [o.outcome for o in report.outcomes] == ["failed", "accepted"]
    assert report.outcomes[0].detail
    # nothing of the broken workbook was kept
    assert rows(store, "SELECT school_code, year FROM submissions ORDER BY year") == [
        (A, 2023),
        (B, 2024),
    ]
    assert one(store, "SELECT count(*) FROM indicator_values") == 2 * before["indicator_values"]


def test_a_failure_after_values_were_written_leaves_nothing_half_written(store, spec, monkeypatch):
    ingest(store, [make_result(spec, A, 2024)])
    before = _counts(store)

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest_module, "_update_schools", explode)
    report = ingest(store, [make_result(spec, A, 2024, values={"books": 1})])
    assert [(o.outcome, o.detail) for o in report.outcomes] == [
        ("failed", "RuntimeError: disk on fire")
    ]
    assert _counts(store) == before
    # the previous version was not superseded by the failed one
    assert rows(store, "SELECT version, status FROM submissions") == [(1, "accepted")]


def test_ingest_into_a_read_only_store_is_refused(db, spec):
    with open_store(db, spec):
        pass
    with open_store(db, spec, read_only=True) as s, pytest.raises(StoreError, match="read-only"):
        ingest(s, [make_result(spec, A, 2024)])


# -- locking and read-only access --------------------------------------------------------------


def test_a_second_writer_gets_a_clear_busy_error(db, spec):
    with open_store(db, spec):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r})
            print("locked", flush=True)
            sys.stdin.readline()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError) as caught:
            open_store(db, spec, wait_seconds=0.5)
        assert str(caught.value) == f"数据库正被另一个进程写入 / database busy: {db}"
    finally:
        holder.communicate("\n", timeout=10)
    with open_store(db, spec) as s:  # free again once the other process is gone
        assert s.scalar("SELECT 1") == 1


def test_query_is_read_only(db, spec):
    with open_store(db, spec) as s:
        ingest(s, [make_result(spec, A, 2024)])
    with open_store(db, spec, read_only=True) as s:
        columns, result = query(s, "SELECT school_code, year FROM school_year")
        assert (columns, result) == (["school_code", "year"], [(A, 2024)])
        assert query(s, "WITH t AS (SELECT 2 AS x) SELECT x FROM t") == (["x"], [(2,)])
        for statement in (
            "DELETE FROM submissions",
            "DROP TABLE schools",
            "CREATE TABLE t (x INT)",
            "COPY submissions TO 'out.csv'",
        ):
            with pytest.raises(StoreError, match="only SELECT or WITH"):
                query(s, statement)
        with pytest.raises(StoreError, match="exactly one statement"):
            query(s, "SELECT 1; SELECT 2")
        with pytest.raises(StoreError, match="query failed"):
            query(s, "SELECT no_such_column FROM school_year")
        # a SELECT may not read local files either
        with pytest.raises(StoreError, match="disabled by configuration"):
            query(s, "SELECT * FROM read_csv('/etc/passwd')")
        # the connection itself refuses writes, whatever gets past the statement check
        with pytest.raises(duckdb.Error, match="read-only"):
            s.con.execute("DELETE FROM submissions")
        assert s.scalar("SELECT count(*) FROM submissions") == 1


def test_query_on_a_writable_store_never_keeps_changes(store, spec):
    ingest(store, [make_result(spec, A, 2024)])
    with pytest.raises(StoreError):
        query(store, "INSERT INTO schools (school_code) VALUES ('x')")
    assert query(store, "SELECT count(*) AS n FROM schools") == (["n"], [(1,)])


# -- views -----------------------------------------------------------------------------------

SPECIALTIES_2023 = [
    {
        "specialty_code": "660301",
        "specialty_name": "数控技术应用",
        "status": "保留",
        "enrolled": 100,
        "admitted": 40,
        "graduates": 30,
        "employed": 15,
        "further_study": 12,
        "employed_in_field": 9,
    },
    {
        "specialty_code": "710201",
        "specialty_name": "计算机应用",
        "status": "保留",
        "enrolled": 100,
        "admitted": 40,
        "graduates": 30,
        "employed": 15,
        "further_study": 12,
        "employed_in_field": 9,
    },
    {
        "specialty_code": "740201",
        "specialty_name": "中餐烹饪",
        "status": "保留",
        "enrolled": 100,
        "admitted": 40,
        "graduates": 30,
        "employed": 15,
        "further_study": 12,
        "employed_in_field": 9,
    },
    {
        "specialty_code": "730701",
        "specialty_name": "电子商务",
        "status": "保留",
        "enrolled": 100,
        "admitted": 40,
        "graduates": 30,
        "employed": 15,
        "further_study": 12,
        "employed_in_field": 9,
    },
]
SPECIALTIES_2024 = [
    {
        **SPECIALTIES_2023[0],
        "graduates": 40,
        "employed": 20,
        "further_study": 14,
        "employed_in_field": 5,
    },
    {**SPECIALTIES_2023[1], "status": "停招"},
    {**SPECIALTIES_2023[2], "status": "撤销"},
    {
        **SPECIALTIES_2023[3],
        "graduates": 0,
        "employed": 0,
        "further_study": 0,
        "employed_in_field": 0,
    },
    {
        "specialty_code": "720601",
        "specialty_name": "护理",
        "status": "新增",
        "enrolled": 50,
        "admitted": 50,
        "graduates": 0,
        "employed": 0,
        "further_study": 0,
        "employed_in_field": 0,
    },
]


def test_school_year_computes_derived_values_from_submitted_ones(store, spec):
    ingest(
        store,
        [
            make_result(spec, A, 2023, specialties=SPECIALTIES_2023),
            make_result(
                spec,
                A,
                2024,
                specialties=SPECIALTIES_2024,
                values={
                    "teachers_dual_qualified": 30,
                    "teachers_professional": 60,
                    "students_enrolled": 1500,
                    "teachers_full_time": 80,
                    "graduates": 500,
                    "graduates_employed": 200,
                    "graduates_further_study": 250,
                    "graduates_employed_in_field": 150,
                    "equipment_value": 4500000.0,
                },
            ),
            make_result(
                spec,
                B,
                2024,
                values={
                    "graduates": 0,
                    "graduates_employed": 0,
                    "graduates_further_study": 0,
                    "teachers_professional": None,
                },
            ),
        ],
    )
    columns, found = query(
        store, "SELECT * FROM school_year WHERE school_code = '4205000001' AND year = 2024"
    )
    row = dict(zip(columns, found[0], strict=True))
    assert columns[:9] == [
        "school_code",
        "year",
        "submission_id",
        "version",
        "school_name",
        "county",
        "operator_type",
        "school_category",
        "discipline_type",
    ]
    assert columns[-4:] == [
        "specialty_count",
        "specialties_adjusted",
        "specialty_adjustment_ratio",
        "previous_specialty_count",
    ]
    assert set(columns) >= {d.id for d in spec.derived}
    assert row["dual_qualified_ratio"] == 0.5
    assert row["student_teacher_ratio"] == 1500 / 80
    assert row["employment_rate"] == 0.9
    assert row["direct_employment_rate"] == 0.4
    assert row["in_field_employment_rate"] == 0.75
    assert row["equipment_value_per_student"] == 3000
    # 5 rows, one 撤销: 4 open specialties; 新增 + 停招 + 撤销 = 3 adjusted; 3 / last year's 4
    assert (row["specialty_count"], row["specialties_adjusted"]) == (4, 3)
    assert row["specialty_adjustment_ratio"] == 0.75
    first = dict(
        zip(columns, query(store, "SELECT * FROM school_year WHERE year = 2023")[1][0], strict=True)
    )
    assert first["specialty_adjustment_ratio"] is None  # no year before
    other = dict(
        zip(
            columns,
            query(store, f"SELECT * FROM school_year WHERE school_code = '{B}'")[1][0],
            strict=True,
        )
    )
    assert other["employment_rate"] is None  # no graduates: NULL, not a division error
    assert other["dual_qualified_ratio"] is None  # denominator missing


def test_specialty_year_has_rates_and_catalog_categories(store, spec):
    ingest(store, [make_result(spec, A, 2024, specialties=SPECIALTIES_2024)])
    columns, found = query(store, "SELECT * FROM specialty_year ORDER BY row_number")
    assert columns == [
        "school_code",
        "school_name",
        "county",
        "year",
        "row_number",
        "specialty_code",
        "specialty_name",
        "status",
        "category_code",
        "category_name",
        "enrolled",
        "admitted",
        "graduates",
        "employed",
        "further_study",
        "employed_in_field",
        "employment_rate",
        "in_field_employment_rate",
    ]
    first = dict(zip(columns, found[0], strict=True))
    assert (first["category_code"], first["category_name"]) == ("66", "装备制造大类")
    assert first["employment_rate"] == 34 / 40
    assert first["in_field_employment_rate"] == 5 / 20
    assert dict(zip(columns, found[3], strict=True))["employment_rate"] is None


def test_city_and_county_ratios_are_sums_over_sums_not_averages(store, spec):
    ingest(
        store,
        [
            make_result(
                spec,
                A,
                2024,
                values={
                    "county": "甲县",
                    "teachers_dual_qualified": 10,
                    "teachers_professional": 20,
                    "teachers_full_time": 40,
                },
            ),
            make_result(
                spec,
                B,
                2024,
                values={
                    "county": "甲县",
                    "teachers_dual_qualified": 90,
                    "teachers_professional": 100,
                    "teachers_full_time": 120,
                },
            ),
            make_result(
                spec,
                C,
                2024,
                values={
                    "county": "乙县",
                    "teachers_dual_qualified": 5,
                    "teachers_professional": None,
                    "teachers_full_time": 60,
                },
            ),
        ],
    )
    city = dict(
        zip(*(lambda c, r: (c, r[0]))(*query(store, "SELECT * FROM city_year")), strict=True)
    )
    # C has no denominator, so its numerator is left out too: (10 + 90) / (20 + 100)
    assert city["dual_qualified_ratio"] == pytest.approx(100 / 120)
    assert city["dual_qualified_ratio_median"] == pytest.approx(0.7)
    assert city["schools"] == 3
    assert city["teachers_dual_qualified"] == 105
    counties = dict(store.rows("SELECT county, dual_qualified_ratio FROM county_year"))
    assert counties["甲县"] == pytest.approx(100 / 120)
    assert counties["乙县"] is None


def test_narrative_and_submission_log_views(store, spec):
    ingest(store, [make_result(spec, A, 2024, narratives={"overview": "概况", "problems": ""})])
    ingest(store, [make_result(spec, B, 2024, findings=(error_finding(),))])
    assert store.rows(
        "SELECT school_code, year, section_id, text FROM narrative ORDER BY position"
    ) == [(A, 2024, "overview", "概况"), (A, 2024, "problems", "")]
    assert store.rows("SELECT school_code, status FROM submission_log ORDER BY submission_id") == [
        (A, "accepted"),
        (B, "rejected"),
    ]


# -- status ----------------------------------------------------------------------------------


def test_status_lists_submitted_and_missing_schools(store, spec):
    ingest(
        store,
        [
            make_result(spec, A, 2023),
            make_result(spec, B, 2023),
            make_result(spec, A, 2024, findings=()),
            make_result(spec, B, 2024, findings=(error_finding(),)),
        ],
    )
    report = status(store, 2024)
    assert [s.school_code for s in report.submitted] == [A]
    assert [(m.school_code, m.source, m.rejected) for m in report.missing] == [
        (B, "earlier-years", 1)
    ]
    assert (report.received, report.expected, report.share) == (1, 2, 0.5)
    listed = status(
        store,
        2024,
        (ExpectedSchool(A, None), ExpectedSchool(None, "新学校"), ExpectedSchool(C, "丙校")),
    )
    assert [(m.school_code, m.school_name) for m in listed.missing] == [
        (None, "新学校"),
        (C, "丙校"),
    ]
    assert listed.share == pytest.approx(1 / 3)
    assert status(store).year == 2024


# -- command line ----------------------------------------------------------------------------


def test_cli_history_status_and_sql(db, spec, tmp_path):
    with open_store(db, spec) as s:
        ingest(
            s,
            [
                make_result(spec, A, 2024, school_name="甲校"),
                make_result(spec, A, 2024, school_name="甲校", values={"books": 1}),
            ],
        )
    runner = CliRunner()
    result = runner.invoke(cli, ["history", "甲校", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "已被替换" in result.output and "有效" in result.output
    result = runner.invoke(cli, ["history", A, "--db", str(db), "--format", "json"])
    assert [r["version"] for r in json.loads(result.output)] == [1, 2]
    city = tmp_path / "city.yaml"
    city.write_text(
        "kind: qualityreport/city\nname: 某市\nschools:\n"
        f"  - {{code: '{A}', name: 甲校}}\n  - {{code: '4200000002', name: 乙校}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["status", "--db", str(db), "--config", str(city), "--format", "json"]
    )
    data = json.loads(result.output)
    assert (data["received"], data["expected"]) == (1, 2)
    result = runner.invoke(cli, ["status", "--db", str(db), "--config", str(city), "--lang", "en"])
    assert "submitted 1/2 (50%)" in result.output and "乙校" in result.output
    result = runner.invoke(
        cli,
        ["sql", "SELECT school_code, books FROM school_year", "--db", str(db), "--format", "csv"],
    )
    assert result.output == f"school_code,books\n{A},1.0\n"
    result = runner.invoke(
        cli, ["sql", "SELECT year FROM school_year", "--db", str(db), "--format", "json"]
    )
    assert json.loads(result.output) == [{"year": 2024}]


def test_cli_errors_are_one_line_without_traceback(db, spec):
    runner = CliRunner()
    result = runner.invoke(cli, ["sql", "DELETE FROM schools", "--db", str(db)])
    assert result.exit_code == 3
    assert "run ingest first" in result.output and "Traceback" not in result.output
    with open_store(db, spec):
        pass
    result = runner.invoke(cli, ["sql", "DELETE FROM schools", "--db", str(db)])
    assert result.exit_code == 3
    assert result.output.strip().count("\n") == 0
    assert "only SELECT or WITH" in result.output


def test_cli_ingest_reports_each_file_and_fails_on_rejection(db, make_workbook):
    files = [
        make_workbook("a.xlsx"),
        make_workbook(
            "b.xlsx", values={"school_code": "4205000002", "teachers_dual_qualified": 95}
        ),
    ]
    result = CliRunner().invoke(cli, ["ingest", str(files[0].parent), "--db", str(db)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("[1/2] ") and "已入库 v1" in lines[0]
    assert lines[1].startswith("[2/2] ") and "未入库" in lines[1]
    result = CliRunner().invoke(cli, ["ingest", str(files[0]), "--db", str(db), "--lang", "en"])
    assert result.exit_code == 0 and "unchanged" in result.output


def test_a_rejected_file_is_recorded_once(store, spec):
    """Rerunning a batch must not record the same rejected files again and again."""
    bad = make_result(spec, A, 2024, findings=(error_finding(),))
    unreadable = ValidationResult(
        "broken.xlsx", (make_finding("file-empty", "broken.xlsx"),), None, sha256="0" * 64
    )
    first = ingest(store, [bad, unreadable])
    again = ingest(store, [bad, unreadable])
    assert [(o.outcome, o.already_recorded) for o in first.outcomes] == [
        ("rejected", False),
        ("unreadable", False),
    ]
    assert [(o.outcome, o.already_recorded) for o in again.outcomes] == [
        ("rejected", True),
        ("unreadable", True),
    ]
    assert one(store, "SELECT count(*) FROM submissions") == 2
    # with warnings allowed, a file rejected for warnings alone is stored after all
    warned = make_result(spec, B, 2024, findings=(warning_finding(),))
    assert ingest(store, [warned]).outcomes[0].outcome == "rejected"
    assert ingest(store, [warned], allow_warnings=True).outcomes[0].outcome == "accepted"


CLERK = Path(__file__).parent / "data" / "clerk"


def test_replacing_an_earlier_year_must_be_asked_for(db, spec, make_workbook):
    """Last year's template sent again with 年度 left at 2023 must not silently become a new
    version of the school's accepted 2023 return once the database holds 2024."""
    from qualityreport.store import ingest_paths

    accepted_2023 = make_workbook("2023.xlsx", year=2023, values={"year": 2023, "books": 90000})
    other_2024 = make_workbook("other.xlsx", values={"school_code": "4205000002"})
    report = ingest_paths(db, [accepted_2023, other_2024], spec)
    assert [o.outcome for o in report.outcomes] == ["accepted", "accepted"]
    again = CLERK / "last-years-template.xlsx"
    (refused,) = ingest_paths(db, [again], spec).outcomes
    assert (refused.outcome, refused.year) == ("rejected", 2023)
    (finding,) = refused.findings
    assert finding.code == "submission-replaces-earlier-year"
    assert finding.location == "基本信息!C9" and "--replace-earlier-years" in finding.message_zh
    with open_store(db, read_only=True) as store:
        assert rows(store, "SELECT year, version, books FROM school_year ORDER BY year")[0] == (
            2023,
            1,
            90000.0,
        )
    (replaced,) = ingest_paths(db, [again], spec, replace_earlier_years=True).outcomes
    assert (replaced.outcome, replaced.version) == ("superseded-previous", 2)


def test_cli_ingest_names_every_file_and_counts_every_outcome(db, make_workbook, tmp_path):
    make_workbook("a.xlsx")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("- ") and "notes.csv" in lines[0] and "跳过" in lines[0]
    assert "a.xlsx: 已入库 v1" in result.output and "empty.xlsx: 无法读取" in result.output
    assert lines[-1].startswith("共 2: 已入库 1, 无法读取 1, 跳过（不是工作簿） 1")
    rerun = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", str(db)])
    assert "此前已记录" in rerun.output
    with open_store(db, read_only=True) as store:
        assert one(store, "SELECT count(*) FROM submissions") == 2
