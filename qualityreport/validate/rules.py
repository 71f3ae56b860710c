"""Checks across cells: cross-field rules, specialty rows against the catalog and totals, plausibility."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from .. import catalog
from ..layout import cell_ref, label_key
from ..normalise import OTHER_UNITS
from ..records import CellValue, TableRow
from ..spec import EarlierCatalog, Spec, Table

Report = Callable[..., None]
OPERATORS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
    "le": operator.le,
}


def _sum(terms: tuple[str, ...], values: dict[str, CellValue], zero: frozenset[str] = frozenset()):
    """The sum of the terms' values; None when one is missing, unless it may count 0."""
    total: float = 0
    for term in terms:
        cell = values.get(term)
        value = cell.value if cell is not None else None
        if value is None and term in zero:
            continue
        if not isinstance(value, int | float):
            return None
        total += value
    return total


def _split(source: str) -> tuple[str, str]:
    sheet, _, cell = source.rpartition("!")
    return sheet, cell


def check_rules(spec: Spec, values: dict[str, CellValue], report: Report) -> None:
    """Each rule of rules.yaml, skipped when a value it needs is missing or unreadable."""
    names = spec.indicator_by_id
    for rule in spec.rules:
        zero = frozenset(
            t
            for t in rule.left + rule.right
            if rule.empty_optional_as_zero and not names[t].required
        )
        left, right = _sum(rule.left, values, zero), _sum(rule.right, values, zero)
        if left is None or right is None or OPERATORS[rule.op](left, right):
            continue
        first = next(values[t] for t in rule.left if t in values and values[t].value is not None)
        sheet, cell = _split(first.source)
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
            continue
        # Land in 亩 or 万平方米, books in 万册: every unit whose reading falls in the usual range.
        guesses = [
            (written, round(value * factor, 2))
            for written, factor in OTHER_UNITS.get(field.unit, ())
            if 0 < value < low and low <= value * factor <= high and written != "万元"
        ]
        if guesses:
            report(
                "value-unit-suspected",
                expected=guesses[0][1],
                unit=field.unit,
                typed_unit="或".join(w for w, _ in guesses),
                converted="，".join(f"按{w}为 {_number(v)} {field.unit}" for w, v in guesses),
                converted_en=", ".join(
                    f"in {w} it is {_number(v)} {field.unit}" for w, v in guesses
                ),
                **common,
            )
        else:
            report("value-implausible", expected=f"{low:g}–{high:g}", **common)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def check_specialties(
    table: Table,
    rows: tuple[TableRow, ...],
    sheet: str,
    columns: dict[str, int],
    bad_cells: set[tuple[str, int]],
    report: Report,
    year: int | None = None,
) -> None:
    """Codes against the 2021 catalog (or, for earlier years, the catalog before it), names
    against codes, and codes listed twice."""
    code_field = table.column(table.key)
    known = catalog.majors(code_field.catalog) if code_field.catalog else {}
    earlier = code_field.earlier_catalog
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
        where = dict(sheet=sheet, cell=code_cell, row=row.row, indicator=table.key, found=code)
        if (
            earlier is not None
            and re.fullmatch(earlier.str_matches, code)
            and not re.fullmatch(code_field.str_matches or "", code)
        ):
            _report_earlier_code(earlier, code, year, where, report)
            continue
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


def _report_earlier_code(
    earlier: EarlierCatalog, code: str, year: int | None, where: dict, report: Report
) -> None:
    """A code of the catalog before: read for the years it was in force, refused after; either
    way the message names its catalog and the current code where the correspondence gives one."""
    if year is None:
        return  # the missing year is reported on its own; which catalog applies is not known
    successors = catalog.correspondence(earlier.correspondence).get(code, ())
    now = "、".join(f"“{s.code} {s.name}”" for s in successors)
    now_en = ", ".join(f"{s.code} {s.name}" for s in successors)
    if year <= earlier.until:
        if successors:
            mapped = f"，对应《职业教育专业目录（2021年）》的{now}"
            mapped_en = f"; in the 2021 catalog it is {now_en}"
        else:
            mapped = (
                "；本程序的新旧专业对照表没有收录这个代码，无法对应到2021年目录（只核对了代码格式）"
            )
            mapped_en = (
                "; the correspondence table shipped has no row for it, so it is not mapped to "
                "the 2021 catalog (only its form was checked)"
            )
        report(
            "specialty-code-earlier-catalog",
            catalog=earlier.name,
            until=earlier.until,
            mapped=mapped,
            mapped_en=mapped_en,
            **where,
        )
    else:
        report(
            "specialty-code-catalog-outdated",
            catalog=earlier.name,
            until=earlier.until,
            year=year,
            mapped=f"（对应{now}）" if successors else "",
            mapped_en=f" (now {now_en})" if successors else "",
            **where,
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
