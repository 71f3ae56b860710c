"""The database records the spec that built it: readers use it, a different spec is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml
from click.testing import CliRunner
from conftest import school_data
from pypdf import PdfReader

from qualityreport.cli import cli
from qualityreport.errors import StoreError
from qualityreport.resources import specs_dir
from qualityreport.spec import load_spec
from qualityreport.store import SCHEMA_VERSION, migrate_spec, open_store
from qualityreport.template import write_workbook

# The README's own example of an indicator added through the specs alone.
MENTAL_HEALTH_TEACHERS = {
    "id": "mental_health_teachers",
    "name": "心理健康教育专职教师数",
    "name_en": "Mental-health teachers",
    "sheet": "teachers",
    "unit": "人",
    "type": "integer",
    "required": True,
    "ge": 0,
    "le": 500,
    "definition": "专职从事心理健康教育的教师人数。",
    "aliases": ["心理健康教师数"],
}


@pytest.fixture
def own_specs(tmp_path) -> Path:
    folder = tmp_path / "my-specs"
    shutil.copytree(specs_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = folder / "indicators.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["indicators"].append(MENTAL_HEALTH_TEACHERS)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _workbook(tmp_path: Path, specs: Path) -> Path:
    spec = load_spec(specs)
    path = tmp_path / "school.xlsx"
    write_workbook(path, spec, 2024, school_data({"mental_health_teachers": 7}, spec=spec))
    return path


def test_a_custom_indicator_survives_ingest_check_and_report(tmp_path, own_specs):
    runner = CliRunner()
    db = tmp_path / "city.duckdb"
    workbook = _workbook(tmp_path, own_specs)
    done = runner.invoke(cli, ["ingest", str(workbook), "--db", str(db), "--specs", str(own_specs)])
    assert done.exit_code == 0, done.output
    checked = runner.invoke(cli, ["check", "--db", str(db), "--targets", "national-standards"])
    assert checked.exit_code in (0, 1), checked.output
    asked = runner.invoke(
        cli,
        [
            "sql",
            "--db",
            str(db),
            "SELECT mental_health_teachers FROM school_year",
            "--format",
            "csv",
        ],
    )
    assert asked.exit_code == 0, asked.output
    assert asked.output.split() == ["mental_health_teachers", "7.0"]
    pdf = tmp_path / "school.pdf"
    made = runner.invoke(
        cli, ["report", "school", "4205000001", "--year", "2024", "--db", str(db), "-o", str(pdf)]
    )
    assert made.exit_code == 0, made.output
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "心理健康教育专职教师数" in text


def test_readers_use_the_recorded_spec(tmp_path, own_specs):
    db = tmp_path / "city.duckdb"
    with open_store(db, load_spec(own_specs)):
        pass
    with open_store(db, read_only=True) as store:
        assert "mental_health_teachers" in store.spec.indicator_by_id
    with open_store(db) as store:
        assert "mental_health_teachers" in store.spec.indicator_by_id
        columns = {r[0] for r in store.rows("DESCRIBE school_year")}
        assert "mental_health_teachers" in columns


def test_a_different_spec_on_a_later_write_is_refused_with_the_way_out(tmp_path, own_specs):
    db = tmp_path / "city.duckdb"
    with open_store(db):
        pass
    with pytest.raises(StoreError) as refused:
        open_store(db, load_spec(own_specs))
    assert f"qualityreport migrate --db {db} --specs {own_specs}" in str(refused.value)
    result = CliRunner().invoke(
        cli,
        ["ingest", str(_workbook(tmp_path, own_specs)), "--db", str(db), "--specs", str(own_specs)],
    )
    assert result.exit_code == 3
    assert "qualityreport migrate" in result.output and "Traceback" not in result.output


def test_migrate_records_the_new_spec_and_keeps_the_data(tmp_path, own_specs):
    db = tmp_path / "city.duckdb"
    runner = CliRunner()
    ingested = runner.invoke(
        cli,
        ["ingest", str(_workbook(tmp_path, own_specs)), "--db", str(db), "--specs", str(own_specs)],
    )
    assert ingested.exit_code == 0, ingested.output
    with open_store(db) as store:
        change = migrate_spec(store, load_spec())
        assert change.removed == ("mental_health_teachers",) and not change.added
        assert "mental_health_teachers" not in {r[0] for r in store.rows("DESCRIBE school_year")}
        kept = store.scalar(
            "SELECT value_number FROM indicator_values WHERE indicator_id = 'mental_health_teachers'"
        )
        assert kept == 7
    moved = runner.invoke(cli, ["migrate", "--db", str(db), "--specs", str(own_specs)])
    assert moved.exit_code == 0, moved.output
    assert "mental_health_teachers" in moved.output
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT mental_health_teachers FROM school_year") == 7
        assert store.scalar("SELECT count(*) FROM spec_records") == 3


def test_a_database_from_before_specs_were_recorded_is_migrated_on_write(tmp_path):
    db = tmp_path / "old.duckdb"
    with open_store(db):
        pass
    con = duckdb.connect(str(db))
    # as a version-1 database: without the tables later migrations add
    for table in (
        "spec_records",
        "accounts",
        "collection_rounds",
        "uploads",
        "reviews",
        "explanations",
        "audit_log",
        "web_settings",
    ):
        con.execute(f"DROP TABLE {table}")
    con.execute("DROP SEQUENCE audit_event_seq")
    con.execute("DELETE FROM schema_info WHERE schema_version > 1")
    con.close()
    with pytest.raises(StoreError, match="qualityreport migrate"):
        open_store(db, read_only=True)
    with open_store(db) as store:
        assert store.scalar("SELECT max(schema_version) FROM schema_info") == SCHEMA_VERSION
        assert store.scalar("SELECT count(*) FROM spec_records") == 1


def test_check_writes_results_without_rebuilding_views(tmp_path):
    db = tmp_path / "city.duckdb"
    with open_store(db):
        pass
    con = duckdb.connect(str(db))
    before = con.execute(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'school_year'"
    ).fetchall()
    con.execute("CREATE OR REPLACE VIEW school_year AS " + before[0][0].split(" AS ", 1)[1])
    con.execute("COMMENT ON VIEW school_year IS 'built once'")
    con.close()
    result = CliRunner().invoke(cli, ["check", "--db", str(db), "--targets", "national-standards"])
    assert "Traceback" not in result.output
    con = duckdb.connect(str(db), read_only=True)
    comment = con.execute(
        "SELECT comment FROM duckdb_views() WHERE view_name = 'school_year'"
    ).fetchall()
    con.close()
    assert comment == [("built once",)]
