"""The target sets say what the documents say: sources, clauses, asks and the task table are
checked against the documents' texts shipped in specs/targets/sources/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qualityreport.spec import load_spec
from qualityreport.target_docs import targets_markdown
from qualityreport.targets import CLAUSE_GAP, load_target_sets, sources_dir

ROOT = Path(__file__).resolve().parents[1]
SETS = {s.id: s for s in load_target_sets()}
DOCUMENTS = {s.id: s for s in SETS.values() if s.document}
# The five documents' reference copies, where this checkout sits next to them.
SEEDS = {
    "yueyang-2024": "000_fdb64f04ab7ef538.txt",
    "sanming-2024": "001_fc83410951c7f295.txt",
    "wuhan-2019": "002_140432a1dcb82b56.txt",
    "yichang": "003_793304146b2c9f9e.txt",
    "nanchang-2019": "004_1c04d7cc0f1cca02.txt",
}
TITLES = {
    "yueyang-2024": ("岳阳市教育体育局", "2024年岳阳市职业教育与成人教育"),
    "sanming-2024": ("三明市教育局办公室", "2024年三明市高等与职业成人教育工作计划"),
    "wuhan-2019": ("武汉市教育局职业教育与成人教育处", "2019年武汉市职业教育与成人教育工作要点"),
    "yichang": ("宜昌市教育局", "关于全面推进全市中职学校提质培优"),
    "nanchang-2019": ("南昌市教育局", "南昌市教育局2019年职业教育和成人教育工作要点"),
}


def _flat(text: str) -> str:
    """Text compared without its whitespace: the extracted documents break lines and pages."""
    return re.sub(r"\s+", "", text)


def _document(set_id: str) -> str:
    return (sources_dir() / DOCUMENTS[set_id].document).read_text(encoding="utf-8")


def test_the_five_documents_are_shipped_and_named():
    assert set(DOCUMENTS) == set(SEEDS)
    readme = (sources_dir() / "README.md").read_text(encoding="utf-8")
    for set_id, target_set in DOCUMENTS.items():
        issuer, title = TITLES[set_id]
        assert issuer in target_set.source and title in _flat(target_set.source)
        assert _flat(issuer) in _flat(_document(set_id)) and _flat(title) in _flat(
            _document(set_id)
        )
        assert f"`{target_set.document}`" in readme and f"`{set_id}`" in readme


@pytest.mark.parametrize("set_id", sorted(SEEDS))
def test_every_clause_ask_and_task_is_the_documents_own_words(set_id):
    text = _flat(_document(set_id))
    target_set = DOCUMENTS[set_id]
    quoted = [(t.id, f) for t in target_set.targets for f in t.clause_fragments()]
    quoted += [("asks", f) for a in target_set.asks for f in a.quote.split(CLAUSE_GAP)]
    quoted += [(f"task {t.key}", t.text) for t in target_set.tasks]
    assert [(where, q) for where, q in quoted if _flat(q) not in text] == []
    assert len(quoted) > len(target_set.targets)


def _seeds() -> Path | None:
    """The reference copies: $QUALITYREPORT_SEEDS, or shared/seeds beside the checkout."""
    given = os.environ.get("QUALITYREPORT_SEEDS")
    candidates = [Path(given)] if given else []
    candidates += [parent / "shared" / "seeds" for parent in ROOT.parents[:2]]
    return next((p for p in candidates if p.is_dir()), None)


@pytest.mark.skipif(_seeds() is None, reason="no reference copies of the documents here")
def test_the_shipped_texts_are_the_reference_copies():
    seeds = _seeds()
    assert seeds is not None
    for set_id, name in SEEDS.items():
        shipped = (sources_dir() / DOCUMENTS[set_id].document).read_bytes()
        assert shipped == (seeds / name).read_bytes(), set_id


def test_every_target_answers_an_ask_and_every_ask_names_real_targets():
    for target_set in DOCUMENTS.values():
        answered = {t for a in target_set.asks for t in a.targets}
        assert answered == {t.id for t in target_set.targets}, target_set.id


def test_declarations_resolve_against_the_spec():
    spec = load_spec()
    for target_set in SETS.values():
        for target in target_set.targets:
            described = spec.describe(target.indicator)
            measure = target_set.measure(target.indicator)
            assert described or measure, (target_set.id, target.id, target.indicator)
            unit = described[2] if described else measure.unit
            assert target.unit, (target_set.id, target.id)
            if target.expression == target.indicator:
                assert target.unit == unit, (target_set.id, target.id)
            assert target.deadline is None or not target.years or target.deadline in target.years


def _table_rows(text: str) -> list[list[str]]:
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    return [r for r in rows if r[0] != "序号"]


def test_the_task_register_is_the_documents_table():
    target_set = DOCUMENTS["yichang"]
    columns = target_set.task_columns
    header = next(
        line.split("\t") for line in _document("yichang").splitlines() if line.startswith("序号")
    )
    assert tuple(header[3:]) == columns
    rows = _table_rows(_document("yichang"))
    assert len(rows) == len(target_set.tasks)
    for task, row in zip(target_set.tasks, rows, strict=True):
        cells = [c.strip() for c in row]
        # The text sits in the second column, or in the third when the sub-number took a column.
        at = next(i for i, c in enumerate(cells) if _flat(task.text) in _flat(c))
        count, ticks = int(cells[at + 1]), cells[at + 2 :]
        assert task.count == count, task.key
        if len(ticks) == len(columns):
            ticked = tuple(c for c, mark in zip(columns, ticks, strict=True) if mark == "√")
            assert task.schools == ticked and len(ticked) == count, task.key
        elif count in (0, len(columns)):
            # A column was lost, but the count settles it: none, or every school.
            assert task.schools == (columns if count else ()), task.key
            assert task.note, task.key
        else:
            assert task.schools is None and task.note, task.key  # ambiguous: said so


def test_task_6_is_ticked_for_sanxia_and_not_for_dangyang():
    task = DOCUMENTS["yichang"].task("6")
    assert "三峡中专" in task.schools and "当阳" not in task.schools and len(task.schools) == 10


def test_named_schools_are_the_documents_names():
    for target_set in DOCUMENTS.values():
        text = _flat(_document(target_set.id))
        for target in target_set.targets:
            for name in target.applies_to:
                assert _flat(name) in text, (target_set.id, target.id, name)


def test_criteria_the_documents_do_not_give_have_no_default():
    # The parameters for lines a document leaves open: a city must set them.
    open_lines = {
        "national-standards": {"part_time_share_tolerance"},
        "yichang": {"basic_conditions_min_met"},
        "yueyang-2024": {"chuyi_dual_qualified_min", "chuyi_employment_rate_min"},
        "wuhan-2019": {"enrollment_ratio_tolerance"},
        "nanchang-2019": {
            "enrollment_ratio_tolerance",
            "specialty_employment_line",
            "county_plan_completion_min",
            "funding_basis",
        },
    }
    for set_id, names in open_lines.items():
        for name in names:
            assert SETS[set_id].parameter(name).default is None, (set_id, name)
    national = SETS["national-standards"]
    provincial = [p for p in national.parameters if p.id.startswith(("art_", "remote_"))]
    assert len(provincial) == 18
    assert all(p.default is None and p.level == "省定标准" for p in provincial)


def test_targets_reference_is_generated_from_the_sets():
    page = (ROOT / "docs" / "targets.md").read_text(encoding="utf-8")
    assert page == targets_markdown(SETS.values()), "run `make docs`"
    for target_set in SETS.values():
        for target in target_set.targets:
            assert f"`{target.id}`" in page
        for ask in target_set.asks:
            assert " ".join(ask.quote.split()).replace("|", "\\|") in page
