"""The spec loader: the shipped specs load, and a broken spec names its file and key."""

import shutil

import pytest

from qualityreport.errors import SpecError
from qualityreport.spec import load_spec


def test_shipped_spec_has_the_starting_indicator_set(spec):
    ids = {i.id for i in spec.indicators}
    assert {
        "school_code",
        "teachers_dual_qualified",
        "graduates_employed",
        "equipment_value",
        "training_person_times",
    } <= ids
    assert spec.indicator_by_id["teachers_dual_qualified"].sheet == "teachers"
    assert spec.specialties.key == "specialty_code"
    assert {d.id for d in spec.derived} >= {
        "dual_qualified_ratio",
        "employment_rate",
        "student_teacher_ratio",
    }
    employment = next(d for d in spec.derived if d.id == "employment_rate")
    assert employment.numerator == ("graduates_employed", "graduates_further_study")
    # the 2016–2021 outline's eight, the 2024 notice's seven, three case rows
    assert len(spec.narratives) == 18


@pytest.fixture
def spec_copy(tmp_path):
    target = tmp_path / "specs"
    shutil.copytree(load_spec().directory, target, ignore=shutil.ignore_patterns("targets"))
    return target


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    "file, old, new, key, problem",
    [
        ("indicators.yaml", "type: integer", "type: count", "indicators[6].type", "must be one of"),
        ("indicators.yaml", "    ge: 2000", "    ge: lots", "indicators[6].ge", "must be a number"),
        (
            "indicators.yaml",
            "sheet: school_info",
            "sheet: nowhere",
            "indicators[0].sheet",
            "not a form sheet",
        ),
        ("rules.yaml", "op: le", "op: below", "rules[0].op", "must be one of"),
        (
            "rules.yaml",
            "left: teachers_dual_qualified",
            "left: teachers_dual",
            "rules[0]",
            "unknown indicator 'teachers_dual'",
        ),
        (
            "indicators.yaml",
            "kind: qualityreport/indicators",
            "kind: other",
            "kind",
            "must be one of",
        ),
        (
            "indicators.yaml",
            "    required: false\n    not_collected: 未统计",
            "    required: true\n    not_collected: 未统计",
            "indicators[12].not_collected",
            "is only for an optional number",
        ),
        (
            "indicators.yaml",
            "numerator: students_enrolled - internship_students",
            "numerator: students_enrolled internship_students",
            "derived[4].numerator",
            "must be indicator ids joined by + or -",
        ),
        (
            "indicators.yaml",
            "variant_of: dual_qualified_ratio\n    denominator_name: 专任教师",
            "variant_of: dual_qualified_share_of_all_teachers\n    denominator_name: 专任教师",
            "derived[1].variant_of",
            "is not a primary derived indicator",
        ),
        (
            "indicators.yaml",
            "    - graduates_abroad\n",
            "    - graduates_abroad\n    - graduates_overseas\n",
            "graduate_destinations.destinations[4]",
            "unknown indicator 'graduates_overseas'",
        ),
    ],
)
def test_broken_spec_names_file_and_key(spec_copy, file, old, new, key, problem):
    _replace(spec_copy / file, old, new)
    with pytest.raises(SpecError) as raised:
        load_spec(spec_copy)
    assert raised.value.path.endswith(file)
    assert raised.value.key == key
    assert problem in str(raised.value)


def test_invalid_yaml_names_the_line(spec_copy):
    (spec_copy / "rules.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"rules.yaml: line \d+: is not valid YAML"):
        load_spec(spec_copy)
