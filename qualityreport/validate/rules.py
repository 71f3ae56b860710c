"""Checks across cells: cross-field rules, specialty rows against the catalog and totals, plausibility."""

from __future__ import annotations

import operator
from collections.abc import Callable

from .. import catalog
from ..layout import cell_ref, label_key
from ..records import CellValue, TableRow
from ..spec import Spec, Table

Report = Callable[..., None]
OPERATORS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


def _sum(terms: tuple[str, ...], values: dict[str, CellValue]):
    total: float = 0
    for term in terms:
        cell = values.get(term)
        if cell is None or not isinstance(cell.value, int | float):
            return None
        total += cell.value
    return total


def _split(source: str) -> tuple[str, str]:
    sheet, _, cell = source.rpartition("!")
    return sheet, cell


def check_rules(spec: Spec, values: dict[str, CellValue], report: Report) -> None:
    """Each rule of rules.yaml, skipped when a value it needs is missing or unreadable."""
    names = spec.indicator_by_id
    for rule in spec.rules:
        left, right = _sum(rule.left, values), _sum(rule.right, values)
        if left is None or right is None or OPERATORS[rule.op](left, right):
            continue
        sheet, cell = _split(values[rule.left[0]].source)
        report(
            "cross-field",
            severity=rule.severity,
            sheet=sheet,
            cell=cell,
            indicator=rule.left[0],
            found=left,
            expected=right,
            rule=rule.id,
            rule_zh=rule.message_zh,
            rule_en=rule.message_en,
            left_label=_labels(rule.left, names, "zh"),
            right_label=_labels(rule.right, names, "zh"),
            left_label_en=_labels(rule.left, names, "en"),
            right_label_en=_labels(rule.right, names, "en"),
        )


def _labels(terms, names, lang) -> str:
    return " + ".join(names[t].name if lang == "zh" else names[t].name_en for t in terms)


def check_plausibility(spec: Spec, values: dict[str, CellValue], report: Report) -> None:
    """Values outside the usual range, and money that looks typed in 万元 where 元 is asked."""
    for field in spec.indicators:
        cell = values.get(field.id)
        if cell is None or not isinstance(cell.value, int | float) or field.plausible_ge is None:
            continue
        low, high = (
            field.plausible_ge,
            field.plausible_le if field.plausible_le is not None else float("inf"),
        )
        value = cell.value
        if low <= value <= high:
            continue
        sheet, ref = _split(cell.source)
        common = dict(
            sheet=sheet,
            cell=ref,
            indicator=field.id,
            label=field.name,
            label_en=field.name_en,
            found=value,
        )
        if field.unit == "元" and 0 < value < low and low <= value * 10_000 <= high:
            report("value-unit-wanyuan", expected=round(value * 10_000, 2), **common)
        else:
            report("value-implausible", expected=f"{low:g}–{high:g}", **common)


def check_specialties(
    table: Table,
    rows: tuple[TableRow, ...],
    sheet: str,
    columns: dict[str, int],
    bad_cells: set[tuple[str, int]],
    report: Report,
) -> None:
    """Codes against the 2021 catalog, names against codes, and codes listed twice."""
    code_field = table.column(table.key)
    known = catalog.majors(code_field.catalog) if code_field.catalog else {}
    first_row: dict[str, int] = {}
    for row in rows:
        code = row.values.get(table.key)
        if code is None or (table.key, row.row) in bad_cells:
            continue
        code_cell = cell_ref(row.row, columns[table.key])
        if code in first_row:
            report(
                "specialty-duplicate",
                sheet=sheet,
                cell=code_cell,
                row=row.row,
                indicator=table.key,
                found=code,
                other=first_row[code],
            )
            continue
        first_row[code] = row.row
        if not known:
            continue
        entry = known.get(code)
        if entry is None:
            report(
                "specialty-code-unknown",
                sheet=sheet,
                cell=code_cell,
                row=row.row,
                indicator=table.key,
                found=code,
            )
            continue
        name = row.values.get("specialty_name")
        if name and "specialty_name" in columns and label_key(name) != label_key(entry.name):
            report(
                "specialty-name-mismatch",
                sheet=sheet,
                row=row.row,
                cell=cell_ref(row.row, columns["specialty_name"]),
                indicator="specialty_name",
                found=name,
                expected=entry.name,
                specialty_code=code,
            )


def check_table_sums(
    spec: Spec,
    table: Table,
    rows: tuple[TableRow, ...],
    values: dict[str, CellValue],
    bad_cells: set[tuple[str, int]],
    report: Report,
) -> None:
    """Specialty rows should add up to the school's totals (a warning: schools round differently)."""
    for column in table.columns:
        total = values.get(column.sums_to) if column.sums_to else None
        if total is None or not isinstance(total.value, int | float):
            continue
        if any(col == column.id for col, _ in bad_cells):
            continue
        added = sum(r.values.get(column.id) or 0 for r in rows)
        if added != total.value:
            sheet, cell = _split(total.source)
            school_field = spec.indicator_by_id[total.indicator]
            report(
                "specialty-sum-mismatch",
                sheet=sheet,
                cell=cell,
                indicator=column.sums_to,
                label=school_field.name,
                label_en=school_field.name_en,
                found=added,
                expected=total.value,
            )
