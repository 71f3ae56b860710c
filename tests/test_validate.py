"""Validation on real workbooks: each case is a file that triggers known findings at known cells."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import VALID_SPECIALTIES, school_data

from qualityreport.outline import narratives_for
from qualityreport.template import write_workbook
from qualityreport.validate import expand_paths, validate_paths, validate_workbook


def _pairs(result, severities=("error", "warning", "info")):
    return sorted(
        (f.location, f.rule or f.code) for f in result.findings if f.severity in severities
    )


def test_filled_template_validates_clean(make_workbook, spec):
    result = validate_workbook(make_workbook(), spec)
    assert result.findings == ()
    assert result.valid
    submission = result.submission
    assert submission.school_code == "4205000001"
    assert submission.year == 2024
    assert submission.values["teachers_dual_qualified"].value == 50
    assert submission.values["teachers_dual_qualified"].source == "师资队伍!C7"
    assert [r.values["specialty_code"] for r in submission.specialties] == ["710201", "720201"]
    assert submission.specialties[0].row == 3
    assert set(submission.narratives) == {n.id for n in narratives_for(spec, 2024)}
    assert submission.template_version == spec.version


def _delete_sheet(name):
    def edit(book):
        del book[name]

    return edit


def _set(sheet, cell, value):
    def edit(book):
        book[sheet][cell] = value

    return edit


CASES = {
    "text-in-number-cell": dict(
        values={"books": "十万册"}, expect=[("办学条件!C6", "value-not-number")]
    ),
    "percent-in-count": dict(
        values={"teachers_dual_qualified": "45%"},
        expect=[("师资队伍!C7", "value-percent-in-count")],
    ),
    "fractional-count": dict(
        values={"teachers_full_time": 150.5}, expect=[("师资队伍!C4", "value-not-integer")]
    ),
    "negative-count": dict(
        values={"awards_city": -3}, expect=[("学生发展!C13", "value-below-minimum")]
    ),
    "above-maximum": dict(values={"year": 2300}, expect=[("基本信息!C9", "value-above-maximum")]),
    "not-in-dropdown": dict(
        values={"operator_type": "国有"}, expect=[("基本信息!C6", "value-not-allowed")]
    ),
    "school-code-too-short": dict(
        values={"school_code": "42050001"}, expect=[("基本信息!C3", "value-pattern-mismatch")]
    ),
    "required-value-missing": dict(
        values={"graduates": None}, expect=[("学生发展!C5", "value-missing")]
    ),
    "dual-exceeds-professional": dict(
        values={"teachers_dual_qualified": 95},
        expect=[("师资队伍!C7", "dual-exceeds-professional")],
    ),
    "outcomes-exceed-graduates": dict(
        values={"graduates_further_study": 450},
        expect=[
            ("学生发展!C6", "outcomes-exceed-graduates"),
            ("学生发展!C7", "specialty-sum-mismatch"),
        ],
    ),
    # Each graduate in one destination: the optional ones count where given, 0 where left empty.
    "destinations-exceed-graduates": dict(
        values={"graduates_enlisted": 30, "graduates_flexible_employment": 40},
        expect=[("学生发展!C6", "outcomes-exceed-graduates")],
    ),
    "wanyuan-instead-of-yuan": dict(
        values={"equipment_value": 900}, expect=[("办学条件!C5", "value-unit-wanyuan")]
    ),
    "implausible-value": dict(
        values={"campus_area": 3_000_000}, expect=[("办学条件!C3", "value-implausible")]
    ),
    "specialty-code-malformed": dict(
        specialties=[
            {**s, "specialty_code": code}
            for s, code in zip(
                [
                    {
                        "specialty_name": "计算机应用",
                        "status": "保留",
                        "enrolled": 1800,
                        "admitted": 600,
                        "graduates": 540,
                        "employed": 300,
                        "further_study": 210,
                        "employed_in_field": 240,
                    },
                    {
                        "specialty_name": "护理",
                        "status": "新增",
                        "enrolled": 1200,
                        "admitted": 400,
                        "graduates": 360,
                        "employed": 200,
                        "further_study": 140,
                        "employed_in_field": 160,
                    },
                ],
                ["71020", "510201"],
                strict=True,
            )
        ],
        expect=[
            ("专业设置!A3", "specialty-code-malformed"),
            ("专业设置!A4", "specialty-code-malformed"),
        ],
    ),
    "missing-sheet": dict(edit=_delete_sheet("师资队伍"), expect=[("师资队伍", "sheet-missing")]),
    # No full-time teachers, or no students: every ratio over them is uncomputable; say so.
    "no-full-time-teachers": dict(
        values={
            key: 0
            for key in (
                "teachers_full_time",
                "teachers_general",
                "teachers_professional",
                "teachers_dual_qualified",
                "teachers_bachelor_plus",
                "teachers_postgraduate",
                "teachers_senior_title",
            )
        },
        expect=[("师资队伍!C4", "value-implausible")],
    ),
    "no-students": dict(
        values={"students_enrolled": 0, "students_certified": 0},
        specialties=[
            {**row, "enrolled": 0} for row in (VALID_SPECIALTIES[0], VALID_SPECIALTIES[1])
        ],
        expect=[("学生发展!C3", "value-implausible")],
    ),
    # an extra sheet is ignored: a notice (see test_notices_change_no_value_and_never_block)
    "unknown-sheet": dict(edit=lambda book: book.create_sheet("草稿"), expect=[]),
    "label-typed-as-alias": dict(
        edit=_set("师资队伍", "A7", "双师型教师人数"), expect=[("师资队伍!A7", "label-alias")]
    ),
    "label-removed": dict(
        edit=_set("师资队伍", "A11", "其他"), expect=[("师资队伍", "label-missing")]
    ),
    # Units people type: read converted, with a warning naming the unit and the value.
    "land-typed-in-mu": dict(
        values={"campus_area": "180亩"}, expect=[("办学条件!C3", "value-unit-converted")]
    ),
    "building-typed-in-wan-square-metres": dict(
        values={"building_area": "7万平方米"}, expect=[("办学条件!C4", "value-unit-converted")]
    ),
    "books-typed-in-wan": dict(
        values={"books": "10万册"}, expect=[("办学条件!C6", "value-unit-converted")]
    ),
    "land-looks-like-mu": dict(
        values={"campus_area": 180}, expect=[("办学条件!C3", "value-unit-suspected")]
    ),
    "books-look-like-wan": dict(
        values={"books": 10}, expect=[("办学条件!C6", "value-unit-suspected")]
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_case_reports_its_findings_at_their_cells(case, make_workbook, spec):
    params = dict(CASES[case])
    expect = sorted(params.pop("expect"))
    result = validate_workbook(make_workbook(f"{case}.xlsx", **params), spec)
    assert _pairs(result, ("error", "warning")) == expect


def test_normalised_values_are_read_and_reported_as_info(make_workbook, spec):
    path = make_workbook(
        values={
            "students_enrolled": "３０００",
            "teachers_general": " 60 ",
            "books": "100,000",
            "graduates_further_study": "350人",
            "awards_national": "无",
        }
    )
    result = validate_workbook(path, spec)
    assert result.valid
    assert _pairs(result) == sorted(
        [
            ("学生发展!C3", "value-normalised"),
            ("师资队伍!C5", "value-normalised"),
            ("办学条件!C6", "value-normalised"),
            ("学生发展!C7", "value-normalised"),
            ("学生发展!C11", "value-normalised"),
        ]
    )
    values = result.submission.values
    assert values["students_enrolled"].value == 3000
    assert values["books"].value == 100000
    assert values["graduates_further_study"].value == 350
    assert values["awards_national"].value == 0


def test_specialty_catalog_checks(make_workbook, spec):
    rows = [
        {
            "specialty_code": "799999",
            "specialty_name": "新专业",
            "status": "保留",
            "enrolled": 1800,
            "admitted": 600,
            "graduates": 540,
            "employed": 300,
            "further_study": 210,
            "employed_in_field": 240,
        },
        {
            "specialty_code": "720201",
            "specialty_name": "计算机应用",
            "status": "新增",
            "enrolled": 600,
            "admitted": 200,
            "graduates": 180,
            "employed": 100,
            "further_study": 70,
            "employed_in_field": 80,
        },
        {
            "specialty_code": "720201",
            "specialty_name": "护理",
            "status": "新增",
            "enrolled": 600,
            "admitted": 200,
            "graduates": 180,
            "employed": 100,
            "further_study": 70,
            "employed_in_field": 80,
        },
    ]
    result = validate_workbook(make_workbook(specialties=rows), spec)
    assert _pairs(result) == sorted(
        [
            ("专业设置!A3", "specialty-code-unknown"),
            ("专业设置!B4", "specialty-name-mismatch"),
            ("专业设置!A5", "specialty-duplicate"),
        ]
    )
    mismatch = next(f for f in result.findings if f.code == "specialty-name-mismatch")
    assert mismatch.expected == "护理"
    assert mismatch.row == 4


def test_workbook_without_template_sheet_is_flagged(make_workbook, spec):
    result = validate_workbook(make_workbook(meta=False), spec)
    assert [f.code for f in result.findings] == ["template-unknown"]
    assert result.valid  # a warning: the data itself is fine


def test_last_years_template_is_flagged(make_workbook, spec):
    path = make_workbook(year=2023)  # template made for 2023, data says 2024
    result = validate_workbook(path, spec)
    assert _pairs(result) == [("基本信息!C9", "template-year-mismatch")]


def test_outdated_template_version(make_workbook, spec):
    def edit(book):
        meta = book["_qualityreport"]
        for row in meta.iter_rows():
            if row[0].value == "spec_version":
                row[1].value = "2019.1"

    result = validate_workbook(make_workbook(edit=edit), spec)
    finding = next(f for f in result.findings if f.code == "template-outdated")
    assert (finding.found, finding.expected) == ("2019.1", spec.version)


def test_renamed_sheet_is_found_by_its_content(make_workbook, spec):
    def edit(book):
        book["师资队伍"].title = "教师"

    result = validate_workbook(make_workbook(edit=edit), spec)
    assert _pairs(result) == [("教师", "sheet-renamed")]
    assert result.submission.values["teachers_full_time"].source == "教师!C4"


def test_formula_without_cached_value_is_flagged(make_workbook, spec):
    path = make_workbook(edit=_set("师资队伍", "C4", "=C5+C6"))  # openpyxl saves no cached value
    result = validate_workbook(path, spec)
    assert ("师资队伍!C4", "value-formula-uncached") in _pairs(result)


def test_merged_cells_in_the_data_area(make_workbook, spec):
    path = make_workbook(edit=lambda book: book["社会服务"].merge_cells("C4:C5"))
    result = validate_workbook(path, spec)
    assert ("社会服务!C4", "merged-cells") in _pairs(result)


def test_messages_in_both_languages(make_workbook, spec):
    result = validate_workbook(make_workbook(values={"teachers_dual_qualified": 95}), spec)
    (finding,) = result.findings
    assert (
        "双师型" in finding.message_zh and "95" in finding.message_zh and "90" in finding.message_zh
    )
    assert "dual-qualified" in finding.message_en
    assert (finding.found, finding.expected, finding.severity) == ("95", "90", "error")


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "file-empty"),
        (b"school,code\n1,2\n", "file-not-workbook"),
        (b"PK\x03\x04 truncated zip", "file-not-workbook"),
    ],
)
def test_unreadable_files_are_findings(tmp_path, spec, content, code):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    result = validate_workbook(path, spec)
    assert not result.usable
    assert [f.code for f in result.findings] == [code]
    assert str(path) in result.file


def test_missing_file_is_a_finding(tmp_path, spec):
    result = validate_workbook(tmp_path / "nowhere.xlsx", spec)
    assert [f.code for f in result.findings] == ["file-missing"]


def test_directories_expand_to_their_workbooks(tmp_path, make_workbook, spec):
    make_workbook("a.xlsx")
    make_workbook("b.xlsx", values={"books": "many"})
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in expand_paths([tmp_path])] == ["a.xlsx", "b.xlsx"]
    results = list(validate_paths([tmp_path], spec))
    assert [r.valid for r in results] == [True, False]


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_a_workbook_saved_by_libreoffice_reads_the_same(tmp_path, make_workbook, spec, target):
    """Schools fill the template in Excel, WPS or LibreOffice; what they save must read the same."""
    original = make_workbook("original.xlsx")
    out = tmp_path / "saved"
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", target, "--outdir", str(out), str(original)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    saved = out / f"original.{target}"
    result = validate_workbook(saved, spec)
    assert result.findings == ()
    before = validate_workbook(original, spec).submission
    assert {k: v.value for k, v in result.submission.values.items()} == {
        k: v.value for k, v in before.values.items()
    }
    assert result.submission.specialties == before.specialties
    assert result.submission.narratives == before.narratives


def test_fifty_thousand_specialty_rows_are_refused_past_the_limit(make_workbook, spec):
    row = {
        "specialty_code": "710201",
        "specialty_name": "计算机应用",
        "status": "保留",
        "enrolled": 1,
        "admitted": 0,
        "graduates": 0,
        "employed": 0,
        "further_study": 0,
        "employed_in_field": 0,
    }
    path = make_workbook(specialties=[row] * 50_000)
    result = validate_workbook(path, spec)
    (too_many,) = [f for f in result.findings if f.code == "table-too-many-rows"]
    assert (too_many.sheet, too_many.found, too_many.expected) == ("专业设置", "50000", "2000")
    assert len(result.submission.specialties) == spec.specialties.max_rows
    assert result.seconds < 10


def test_an_extra_column_is_ignored_with_a_notice(make_workbook, spec):
    def edit(book):
        sheet = book["专业设置"]
        sheet["K2"] = "备注"
        sheet["K3"] = "重点专业"

    result = validate_workbook(make_workbook(edit=edit), spec)
    assert _pairs(result) == [("专业设置!K2", "column-unknown")]
    assert result.valid and result.warnings == 0


# What a clerk really does to the template (tests/data/clerk/, made by make_bad_corpus.py):
# file → every (location, code, severity) it gives on its own.
CLERK = {
    # B4:C4 merged and the number typed in: read from B4, with a notice
    "number-typed-into-merged-cells.xlsx": [("师资队伍!C4", "merged-cells-read", "info")],
    "value-cells-merged-with-note.xlsx": [],  # C5:D5 merged, the value in C5: read as it is
    "status-merged-across-rows.xlsx": [
        ("专业设置!C3", "merged-cells", "warning"),
        ("专业设置!C4", "value-missing", "error"),
    ],
    "hidden-specialty-row.xlsx": [("专业设置!4:4", "row-hidden", "warning")],
    "two-sheets-one-name.xlsx": [("师资队伍", "sheet-duplicate", "error")],
    "formula-linking-another-workbook.xlsx": [("师资队伍!C8", "value-external-link", "warning")],
    "two-numbers-in-one-cell.xlsx": [("师资队伍!C8", "value-inner-space", "error")],
    "remark-column.xlsx": [("专业设置!J2", "column-unknown", "info")],
    "formula-saved-result-zero.xlsx": [],  # saved by a program that calculates: a real 0
    "formula-placeholder-zero.xlsx": [("学生发展!C11", "value-formula-uncached", "error")],
    "formula-dividing-by-zero.xlsx": [("办学条件!C8", "value-formula-error", "error")],
    "number-1e308.xlsx": [("办学条件!C3", "value-too-large", "error")],
    "total-row-in-specialties.xlsx": [("专业设置!5:5", "specialty-total-row", "error")],
    "narrative-300000-characters.xlsx": [
        (f"文字部分!B{row}", "narrative-too-long", "error") for row in range(3, 11)
    ],
    "last-years-template.xlsx": [],  # fine on its own; ingest refuses to replace 2023 silently
}
CLERK_DIR = Path(__file__).parent / "data" / "clerk"


def test_the_clerk_corpus_is_complete():
    assert {p.name for p in CLERK_DIR.iterdir()} == set(CLERK)


@pytest.mark.parametrize("name", sorted(CLERK))
def test_what_a_clerk_does_gives_its_findings(name, spec):
    result = validate_workbook(CLERK_DIR / name, spec)
    assert sorted((f.location, f.code, f.severity) for f in result.findings) == sorted(CLERK[name])


def test_notices_change_no_value_and_never_block(spec):
    """A merged cell read from its corner and an extra 备注 column are notices: the values are
    those of a clean file, and the file is valid with no warning to confirm."""
    clean = validate_workbook(Path(__file__).parent / "data" / "bad" / "duplicate-school-a.xlsx")
    for name in ("number-typed-into-merged-cells.xlsx", "remark-column.xlsx"):
        result = validate_workbook(CLERK_DIR / name, spec)
        assert result.valid and result.warnings == 0
        assert {k: v.value for k, v in result.submission.values.items()} == {
            k: v.value for k, v in clean.submission.values.items()
        }


def test_a_total_row_is_one_finding_and_not_a_specialty(spec):
    result = validate_workbook(CLERK_DIR / "total-row-in-specialties.xlsx", spec)
    assert [r.values["specialty_code"] for r in result.submission.specialties] == [
        "710201",
        "720201",
    ]
    (finding,) = result.findings
    assert "删除该行" in finding.message_zh and "合计" in finding.message_zh


def test_a_huge_number_is_quoted_as_a_person_reads_it(spec):
    (finding,) = validate_workbook(CLERK_DIR / "number-1e308.xlsx", spec).findings
    assert finding.found == "1e+308" and len(finding.message_zh) < 80


def test_a_formula_error_is_named_as_such(spec):
    (finding,) = validate_workbook(CLERK_DIR / "formula-dividing-by-zero.xlsx", spec).findings
    assert finding.found == "#DIV/0!" and "必填" not in finding.message_zh


def test_a_workbook_from_the_previous_template_version_still_validates(tmp_path, spec):
    """The 2025.1 template had none of the optional indicators added since: still valid."""
    added_since = {i.id for i in spec.indicators if not i.required and i.id != "students_dropped"}
    previous = dataclasses.replace(
        spec,
        version="2025.1",
        indicators=tuple(i for i in spec.indicators if i.id not in added_since),
    )
    path = tmp_path / "last-year.xlsx"
    values = {k: v for k, v in school_data(spec=spec).values.items() if k not in added_since}
    write_workbook(path, previous, 2024, school_data(values, spec=spec))
    result = validate_workbook(path, spec)
    assert result.valid, [f.message("zh") for f in result.findings]
    codes = {f.code for f in result.findings}
    assert codes == {"template-outdated", "label-missing"}
    missing = {f.indicator for f in result.findings if f.code == "label-missing"}
    assert missing == added_since
    assert all(result.submission.value(i) is None for i in added_since)
    # 行业企业, the earlier template's operator type, is still read.
    older = tmp_path / "older-operator.xlsx"
    write_workbook(
        older, previous, 2024, school_data({**values, "operator_type": "行业企业"}, spec=spec)
    )
    assert validate_workbook(older, spec).valid


def test_units_people_type_are_read_converted_and_named(make_workbook, spec):
    path = make_workbook(
        values={"campus_area": "180亩", "building_area": "7万平方米", "books": "10万册"}
    )
    result = validate_workbook(path, spec)
    values = result.submission.values
    assert values["campus_area"].value == 120000  # 180 × 10000/15
    assert values["building_area"].value == 70000
    assert values["books"].value == 100000
    messages = {f.cell: f.message("zh") for f in result.findings}
    assert messages["C3"] == (
        "“占地面积”填写的“180亩”按 120000 平方米 读取（1亩 ≈ 666.67平方米）；"
        "本项单位为平方米，请核实后改填平方米数"
    )
    assert "按 100000 册 读取（1万册 = 10000册）" in messages["C6"]
    assert not result.valid or result.warnings  # a warning: the school confirms the unit


def test_a_bare_number_that_reads_right_in_another_unit_names_each_reading(make_workbook, spec):
    result = validate_workbook(make_workbook(values={"campus_area": 180, "books": 10}), spec)
    messages = {f.cell: f.message("zh") for f in result.findings}
    assert messages["C3"] == (
        "“占地面积”为 180 平方米，远低于通常范围，疑似按万平方米或亩填写"
        "（按万平方米为 1800000 平方米，按亩为 120000 平方米）；本项单位为平方米"
    )
    assert "疑似按万册填写（按万册为 100000 册）" in messages["C6"]


def test_a_figure_not_collected_is_read_as_none_and_said_so(make_workbook, spec):
    """对口就业人数 “未统计”: no value (never 0), an info note, and the workbook is valid."""
    rows = [{**r, "employed_in_field": "未统计"} for r in VALID_SPECIALTIES]
    path = make_workbook(values={"graduates_employed_in_field": "未统计"}, specialties=rows)
    result = validate_workbook(path, spec)
    assert result.valid and not result.warnings
    assert _pairs(result) == sorted(
        [
            ("学生发展!C8", "value-not-collected"),
            ("专业设置!I3", "value-not-collected"),
            ("专业设置!I4", "value-not-collected"),
        ]
    )
    assert result.submission.values["graduates_employed_in_field"].value is None
    assert all(r.values["employed_in_field"] is None for r in result.submission.specialties)
    note = next(f for f in result.findings if f.cell == "C8")
    assert note.message("zh") == (
        "“对口就业人数”填写“未统计”：按未统计读取，报告不计算用到它的比例（不按0计算）"
    )
    # Only the declared word means "not collected"; other text in a count is still an error.
    other = validate_workbook(make_workbook(values={"graduates_employed_in_field": "没统计"}), spec)
    assert _pairs(other, ("error",)) == [("学生发展!C8", "value-not-number")]


def _old_code_rows():
    rows = [dict(r) for r in VALID_SPECIALTIES]
    rows[0].update(specialty_code="082500", specialty_name="汽车运用与维修")
    return rows


def test_a_2010_code_is_read_for_a_year_before_2021_naming_its_catalog(make_workbook, spec):
    result = validate_workbook(
        make_workbook(year=2019, values={"year": 2019}, specialties=_old_code_rows()), spec
    )
    assert result.valid
    assert _pairs(result) == [("专业设置!A3", "specialty-code-earlier-catalog")]
    assert result.findings[0].message("zh") == (
        "专业代码“082500”按《中等职业学校专业目录（2010年修订）》的代码读取（2020年度以前适用）；"
        "本程序的新旧专业对照表没有收录这个代码，无法对应到2021年目录（只核对了代码格式）"
    )
    assert result.submission.specialties[0].values["specialty_code"] == "082500"


def test_a_2010_code_in_a_later_year_is_an_error_naming_both_catalogs(make_workbook, spec):
    result = validate_workbook(make_workbook(specialties=_old_code_rows()), spec)
    assert _pairs(result) == [("专业设置!A3", "specialty-code-catalog-outdated")]
    message = result.findings[0].message("zh")
    assert "《中等职业学校专业目录（2010年修订）》" in message
    assert "2024年度请填《职业教育专业目录（2021年）》的6位中职专业代码" in message


def test_a_2010_code_is_mapped_where_the_correspondence_table_gives_one(make_workbook, tmp_path):
    """The mechanism, on a correspondence table written for this test: its one row is made up
    (专业类 19 had no such code) and says nothing about the official table."""
    from qualityreport.spec import load_spec

    table = tmp_path / "correspondence.csv"
    table.write_text(
        "code_before,name_before,code,name\n199901,测试专业,710201,计算机应用\n", encoding="utf-8"
    )
    specs = tmp_path / "specs"
    shutil.copytree(load_spec().directory, specs, ignore=shutil.ignore_patterns("targets"))
    indicators = specs / "indicators.yaml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(
        text.replace(
            "correspondence: specialty-codes-2010-to-2021.csv", f"correspondence: {table}"
        ),
        encoding="utf-8",
    )
    own = load_spec(specs)
    rows = [dict(r) for r in VALID_SPECIALTIES]
    rows[0].update(specialty_code="199901", specialty_name="测试专业")
    early = validate_workbook(
        make_workbook(year=2019, values={"year": 2019}, specialties=rows), own
    )
    assert (
        early.findings[0]
        .message("zh")
        .endswith("，对应《职业教育专业目录（2021年）》的“710201 计算机应用”")
    )
    late = validate_workbook(make_workbook("late.xlsx", specialties=rows), own)
    assert late.findings[0].message("zh").endswith("（对应“710201 计算机应用”）")
