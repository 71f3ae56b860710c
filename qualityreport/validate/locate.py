"""Find where the spec's sheets, indicator rows and table columns are in a submitted workbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..layout import (
    FORM_LABEL_COL,
    FORM_VALUE_ALIASES,
    FORM_VALUE_COL,
    INSTRUCTIONS_SHEET,
    META_SHEET,
    cell_ref,
    label_key,
)
from ..read import Sheet, Workbook
from ..spec import Field, Spec
from ..spec import Sheet as SheetSpec

HEADER_SEARCH_ROWS = 10
Report = Callable[..., None]


@dataclass(frozen=True)
class Position:
    """A value cell: the sheet's real name, 1-based row, 0-based column."""

    sheet: str
    row: int
    col: int

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col)

    @property
    def source(self) -> str:
        return f"{self.sheet}!{self.cell}"


@lru_cache(maxsize=64)
def _label_index(fields: tuple[Field, ...]) -> dict[str, tuple[Field, bool]]:
    """label key → (field, matched by alias); the same for every workbook (do not change it)."""
    index: dict[str, tuple[Field, bool]] = {}
    for f in fields:
        for alias in f.aliases:
            index.setdefault(label_key(alias), (f, True))
    for f in fields:
        index[label_key(f.name)] = (f, False)
    return index


def _column_a_keys(sheet: Sheet) -> set[str]:
    return {label_key(label) for row in sheet.rows if row and (label := row[FORM_LABEL_COL])}


def match_sheets(spec: Spec, book: Workbook, report: Report) -> dict[str, Sheet]:
    """spec sheet id → workbook sheet; reports missing, renamed and unknown sheets."""
    by_key = {label_key(name): sheet for name, sheet in book.sheets.items()}
    matched: dict[str, Sheet] = {}
    for spec_sheet in spec.sheets:
        sheet = book.sheets.get(spec_sheet.name) or by_key.get(label_key(spec_sheet.name))
        if sheet is None:
            sheet = _match_by_content(spec, spec_sheet, book, set(s.name for s in matched.values()))
        if sheet is None:
            report("sheet-missing", sheet=spec_sheet.name, expected=spec_sheet.name)
            continue
        if sheet.name != spec_sheet.name:
            report("sheet-renamed", sheet=sheet.name, found=sheet.name, expected=spec_sheet.name)
        matched[spec_sheet.id] = sheet
    used = {s.name for s in matched.values()} | {INSTRUCTIONS_SHEET, META_SHEET}
    for name in book.sheets:
        if name not in used:
            report("sheet-unknown", sheet=name, found=name)
    return matched


def _match_by_content(spec: Spec, spec_sheet: SheetSpec, book: Workbook, taken: set[str]):
    """A sheet whose labels are mostly this spec sheet's labels, whatever its name."""
    if spec_sheet.layout == "form":
        wanted = {label_key(i.name) for i in spec.indicators_on(spec_sheet.id)}
    elif spec_sheet.layout == "narrative":
        wanted = {label_key(n.name) for n in spec.narratives}
    else:
        wanted = {label_key(c.name) for c in spec.specialties.columns}
    best, best_hits = None, 0
    for sheet in book.sheets.values():
        if sheet.name in taken or sheet.name in (INSTRUCTIONS_SHEET, META_SHEET):
            continue
        if spec_sheet.layout == "table":
            keys = {label_key(v) for row in sheet.rows[:HEADER_SEARCH_ROWS] for v in row if v}
        else:
            keys = _column_a_keys(sheet)
        hits = len(wanted & keys)
        if hits > best_hits:
            best, best_hits = sheet, hits
    # The narrative sheet of a year lists one outline's sections (and the cases), not all of them.
    need = min(len(wanted), 10) if spec_sheet.layout == "narrative" else len(wanted)
    return best if best_hits * 2 >= need and best_hits > 0 else None


_VALUE_HEADERS = frozenset(label_key(a) for a in FORM_VALUE_ALIASES)


def value_column(sheet: Sheet) -> int:
    """The column holding values on a form sheet: headed 填报值 (or an alias), else C."""
    for row in sheet.rows[:HEADER_SEARCH_ROWS]:
        for col, text in enumerate(row):
            if col != FORM_LABEL_COL and text and label_key(text) in _VALUE_HEADERS:
                return col
    return FORM_VALUE_COL


def locate_form(sheet: Sheet, fields: tuple[Field, ...], report: Report) -> dict[str, Position]:
    """indicator id → value cell, by matching column A against names and aliases."""
    index = _label_index(fields)
    col = value_column(sheet)
    found: dict[str, Position] = {}
    for row_number, row in enumerate(sheet.rows, start=1):
        text = row[FORM_LABEL_COL] if row else None
        if not text or label_key(text) not in index:
            continue
        field, by_alias = index[label_key(text)]
        position = Position(sheet.name, row_number, col)
        if field.id in found:
            report(
                "label-duplicate",
                sheet=sheet.name,
                cell=cell_ref(row_number, FORM_LABEL_COL),
                indicator=field.id,
                label=field.name,
                label_en=field.name_en,
                found=text.strip(),
                other=found[field.id].cell,
            )
            continue
        if by_alias:
            report(
                "label-alias",
                sheet=sheet.name,
                cell=cell_ref(row_number, FORM_LABEL_COL),
                indicator=field.id,
                found=text.strip(),
                expected=field.name,
            )
        found[field.id] = position
    for field in fields:
        if field.id not in found:
            report(
                "label-missing",
                severity="error" if field.required else "warning",
                sheet=sheet.name,
                indicator=field.id,
                label=field.name,
                label_en=field.name_en,
            )
    return found


@dataclass(frozen=True)
class TableLayout:
    header_row: int  # 1-based
    columns: dict[str, int]  # column id → 0-based column


def locate_table(sheet: Sheet, fields: tuple[Field, ...], report: Report) -> TableLayout | None:
    """The header row (the row matching most column names) and where each column is."""
    index = _label_index(fields)
    best_row, best_hits = 0, 0
    for row_number, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS], start=1):
        hits = len({index[label_key(v)][0].id for v in row if v and label_key(v) in index})
        if hits > best_hits:
            best_row, best_hits = row_number, hits
    if best_hits < 2:
        for field in fields:
            if field.required:
                report("header-missing", sheet=sheet.name, indicator=field.id, expected=field.name)
        return None
    columns: dict[str, int] = {}
    for col, text in enumerate(sheet.rows[best_row - 1]):
        if not text or not text.strip():
            continue
        cell = cell_ref(best_row, col)
        match = index.get(label_key(text))
        if match is None or match[0].id in columns:
            report("column-unknown", sheet=sheet.name, cell=cell, found=text.strip())
            continue
        field, by_alias = match
        if by_alias:
            report(
                "header-alias",
                sheet=sheet.name,
                cell=cell,
                indicator=field.id,
                found=text.strip(),
                expected=field.name,
            )
        columns[field.id] = col
    for field in fields:
        if field.id not in columns:
            report(
                "header-missing",
                severity="error" if field.required else "warning",
                sheet=sheet.name,
                indicator=field.id,
                expected=field.name,
            )
    return TableLayout(best_row, columns)
