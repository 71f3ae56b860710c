"""The city configuration: what it declares, and errors that name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualityreport.city import load_city_config
from qualityreport.errors import SpecError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "city.yaml"
    path.write_text("kind: qualityreport/city\nversion: '1'\nname: 某市\n" + body, encoding="utf-8")
    return path


def test_the_example_city_declares_what_reports_and_checks_need():
    city = load_city_config(EXAMPLES / "city.yaml")
    assert (city.name, city.issuer, city.publication) == ("宜昌市", "宜昌市教育局", "2025-03")
    assert city.target_sets[0] == "national-standards"
    assert city.school("4142050509") == city.school("机电") == city.school("宜昌市机电工程学校")
    assert city.school("不存在") is None
    assert city.county_order("西陵区") < city.county_order("五峰土家族自治县")
    assert city.county_order("别处") == len(city.counties)


def test_a_minimal_configuration_is_only_a_name(tmp_path):
    city = load_city_config(_config(tmp_path, ""))
    assert city.name == "某市" and city.schools == () and city.parameters == {}


@pytest.mark.parametrize(
    "body, key, problem",
    [
        ("publication: 2025年3月\n", "publication", "YYYY-MM"),
        (
            "counties: [甲区]\nschools:\n  - {code: '1', name: 一校, county: 乙区}\n",
            "schools[0].county",
            "not one of the counties",
        ),
        (
            "schools:\n  - {code: '1', name: 一校, aliases: [甲]}\n  - {code: '2', name: 二校, aliases: [甲]}\n",
            "schools[1]",
            "names two schools",
        ),
        ("schools:\n  - {name: 一校}\n", "schools[0].code", "is required"),
        ("target_sets: yichang\n", "target_sets", "must be a list"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path, body, key, problem):
    path = _config(tmp_path, body)
    with pytest.raises(SpecError) as error:
        load_city_config(path)
    assert error.value.key == key and problem in error.value.problem
    assert str(path) in str(error.value)


def test_a_file_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text("kind: qualityreport/targets\nname: x\n", encoding="utf-8")
    with pytest.raises(SpecError, match="kind"):
        load_city_config(path)


def test_a_chart_names_a_school_by_its_declared_short_name_else_its_full_name(tmp_path):
    """Aliases are what documents call a school (a task table's column head): a chart never
    prints them; it prints the short name the city declares, or the full name."""
    from qualityreport.render.report_data import short_name

    path = tmp_path / "city.yaml"
    path.write_text(
        "kind: qualityreport/city\nversion: '1'\nname: 宜昌市\nschools:\n"
        "- {code: '4142050101', name: 宜昌市三峡中等专业学校, aliases: [三峡中专], short_name: 三峡中专}\n"
        "- {code: '4142050509', name: 宜昌市机电工程学校, aliases: [机电]}\n",
        encoding="utf-8",
    )
    city = load_city_config(path)
    assert short_name(city, "4142050101", "宜昌市三峡中等专业学校") == "三峡中专"
    assert short_name(city, "4142050509", "宜昌市机电工程学校") == "宜昌市机电工程学校"
    assert city.school("三峡中专").code == "4142050101"
    path.write_text(
        "kind: qualityreport/city\nversion: '1'\nname: 宜昌市\nschools:\n"
        "- {code: '4142050101', name: 宜昌市三峡中等专业学校, short_name: 宜昌中专}\n"
        "- {code: '4142050509', name: 宜昌市机电工程学校, short_name: 宜昌中专}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match=r"schools\[1\]"):
        load_city_config(path)
