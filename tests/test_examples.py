"""The example city: files for every school and year, reproducible, and validated as planted."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

from qualityreport.city import load_city_config
from qualityreport.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load_generator():
    location = importlib.util.spec_from_file_location("example_generator", EXAMPLES / "generate.py")
    module = importlib.util.module_from_spec(location)
    # dataclasses look their module up in sys.modules while the file executes.
    sys.modules[location.name] = module
    location.loader.exec_module(module)
    return module


generator = _load_generator()


def _expected() -> dict:
    return yaml.safe_load((EXAMPLES / "mistakes" / "expected.yaml").read_text(encoding="utf-8"))


def _generated_files(root: Path) -> list[Path]:
    return sorted(
        p.relative_to(root)
        for folder in ("city", "mistakes")
        for p in (root / folder).rglob("*")
        if p.is_file()
    ) + [Path("city.yaml")]


def test_every_school_has_a_workbook_for_every_year():
    for year in generator.YEARS:
        files = sorted((EXAMPLES / "city" / str(year)).glob("*.xlsx"))
        assert len(files) == len(generator.SCHOOLS) == 12
        assert {f.name.split("-")[0] for f in files} == {s.code for s in generator.SCHOOLS}


def test_city_configuration_lists_every_school_in_county_order():
    city = load_city_config(EXAMPLES / "city.yaml")
    assert {s.code for s in city.schools} == {s.code for s in generator.SCHOOLS}
    order = [city.county_order(s.county) for s in city.schools]
    assert order == sorted(order) and max(order) < len(city.counties)
    assert city.school("三峡中专").code == "4142050101"
    assert set(city.parameters["general_high_school_admissions"]) == set(generator.YEARS)


def test_regenerating_gives_identical_files(tmp_path):
    generator.generate(tmp_path)
    committed, fresh = _generated_files(EXAMPLES), _generated_files(tmp_path)
    assert fresh == committed
    for relative in fresh:
        assert (tmp_path / relative).read_bytes() == (EXAMPLES / relative).read_bytes(), relative


def test_expected_findings_name_existing_files():
    expected = _expected()
    assert expected["kind"] == "qualityreport/expected-findings"
    workbooks = {p.name for p in (EXAMPLES / "mistakes").glob("*.xlsx")}
    assert set(expected["files"]) == workbooks
    for entry in expected["files"].values():
        assert entry["findings"] and all("code" in f for f in entry["findings"])


@pytest.fixture(scope="module")
def spec_for_examples():
    return load_spec()


def _where(finding) -> tuple:
    get = finding.get if isinstance(finding, dict) else lambda key: getattr(finding, key)
    return (get("sheet"), get("cell") or get("row"), get("code"))


def test_valid_examples_have_no_findings(spec_for_examples):
    """Only the school that did not collect 对口就业人数 in 2024 has notes: each 未统计 it wrote."""
    from qualityreport.validate import validate_workbook

    for path in sorted((EXAMPLES / "city").rglob("*.xlsx")):
        result = validate_workbook(path, spec_for_examples)
        assert result.valid, path
        notes = [f.location + " " + f.code for f in result.findings]
        if (path.name.split("-")[0], int(path.parent.name)) in generator.NOT_COLLECTED:
            assert notes and {n.split()[1] for n in notes} == {"value-not-collected"}, path
        else:
            assert notes == [], path


@pytest.mark.parametrize("name", sorted(_expected()["files"]))
def test_planted_mistakes_are_reported_at_their_cells(name, spec_for_examples):
    from qualityreport.validate import validate_workbook

    planted = _expected()["files"][name]["findings"]
    result = validate_workbook(EXAMPLES / "mistakes" / name, spec_for_examples)
    assert {_where(f) for f in result.findings} == {_where(f) for f in planted}
    rules = {f.rule for f in result.findings if f.code == "cross-field"}
    assert rules == {f["rule"] for f in planted if f["code"] == "cross-field"}
