"""Validate submitted workbooks against the spec: every problem as a finding at its cell."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, make_finding
from ..layout import (
    META_MARKER,
    META_SHEET,
    NARRATIVE_LABEL_COL,
    NARRATIVE_TEXT_COL,
    cell_ref,
    label_key,
)
from ..normalise import Normalised, normalise_number, normalise_text
from ..read import WORKBOOK_SUFFIXES, Limits, Sheet, UnreadableFile, Workbook, read_workbook
from ..records import CellValue, Submission, TableRow, ValidationResult
from ..spec import Field, Spec, load_spec
from .locate import Position, locate_form, locate_table, match_sheets
from .rules import check_plausibility, check_rules, check_specialties, check_table_sums
from .schema import run_schema

__all__ = ["Limits", "expand_paths", "validate_batch", "validate_paths", "validate_workbook"]


class _Findings:
    """Collects findings for one file, filling in the label of the indicator each is about."""

    def __init__(self, file: str, spec: Spec):
        self.file, self.spec = file, spec
        self.items: list[Finding] = []

    def __call__(self, code: str, **kwargs) -> None:
        indicator = kwargs.get("indicator")
        field = self.spec.indicator_by_id.get(indicator) if indicator else None
        if field is None and indicator:
            field = next((c for c in self.spec.specialties.columns if c.id == indicator), None)
        if field is not None:
            # Messages put the label in “…”; a label quoting a term of its own (“双师型”教师数)
            # would print doubled quotes.
            kwargs.setdefault("label", field.name.replace("“", "").replace("”", ""))
            kwargs.setdefault("label_en", field.name_en)
        self.items.append(make_finding(code, self.file, **kwargs))


def _read_cell(field: Field, text: str | None) -> Normalised:
    if field.is_numeric:
        return normalise_number(text, integer=field.type == "integer", unit=field.unit)
    return normalise_text(text, digits=bool(field.str_matches and "[0-9]" in field.str_matches))


def _report_cell(
    report: _Findings,
    field: Field,
    sheet: Sheet,
    position: Position,
    text,
    result,
    row: int | None = None,
) -> None:
    where = dict(sheet=position.sheet, cell=position.cell, row=row, indicator=field.id)
    if result.problem:
        report(result.problem, found=text.strip() if text else text, **where)
        return
    if position.cell in sheet.formulas and sheet.formulas[position.cell] in (None, "", "0"):
        # The formula's result was never saved: what was read is not what the school sees.
        missing = result.value is None and field.required
        report(
            "value-formula-uncached",
            severity="error" if missing else "warning",
            found=result.value if result.value is not None else "",
            **where,
        )
        return
    if result.value is None and field.required:
        report("value-missing", **where)
    if result.how:
        report(
            "value-normalised",
            found=text,
            expected=result.value,
            how="，".join(result.how),
            how_en=", ".join(result.how_en),
            **where,
        )


def _report_merged(report: _Findings, sheet: Sheet, first_data_row: int) -> None:
    for ref in sheet.merged:
        last = ref.split(":")[-1]
        digits = "".join(ch for ch in last if ch.isdigit())
        if digits and int(digits) >= first_data_row:
            report("merged-cells", sheet=sheet.name, cell=ref.split(":")[0], found=ref)


def _read_form(spec: Spec, sheets: dict[str, Sheet], report: _Findings) -> dict[str, CellValue]:
    values: dict[str, CellValue] = {}
    for sheet_spec in spec.sheets:
        if sheet_spec.layout != "form" or sheet_spec.id not in sheets:
            continue
        sheet = sheets[sheet_spec.id]
        fields = spec.indicators_on(sheet_spec.id)
        positions = locate_form(sheet, fields, report)
        if positions:
            _report_merged(report, sheet, min(p.row for p in positions.values()))
        for field in fields:
            position = positions.get(field.id)
            if position is None:
                continue
            text = sheet.cell(position.row, position.col)
            result = _read_cell(field, text)
            _report_cell(report, field, sheet, position, text, result)
            if result.problem is None:
                values[field.id] = CellValue(field.id, result.value, position.source)
    return values


def _expected(field: Field, code: str):
    return {
        "value-below-minimum": field.ge,
        "value-above-maximum": field.le,
        "value-not-allowed": "、".join(field.isin),
        "value-too-long": field.str_length_max,
        "value-pattern-mismatch": field.str_matches,
        "specialty-code-malformed": field.str_matches,
    }.get(code)


def _hints(field: Field) -> dict:
    # The definition says in plain words what the pattern means (e.g. 10位学校标识码).
    return {"hint": field.definition}


def _read_table(spec: Spec, sheet: Sheet, report: _Findings):
    table = spec.specialties
    layout = locate_table(sheet, table.columns, report)
    if layout is None:
        return (), set(), {}
    rows: list[TableRow] = []
    bad_cells: set[tuple[str, int]] = set()
    data_rows = [(n, r) for n, r in enumerate(sheet.rows, start=1) if n > layout.header_row]
    data_rows = [
        (n, r)
        for n, r in data_rows
        if any(
            (cell := r[c]) is not None and cell.strip()
            for c in layout.columns.values()
            if c < len(r)
        )
    ]
    total = len(data_rows) + max(0, sheet.total_rows - len(sheet.rows))
    if len(data_rows) > table.max_rows:
        report(
            "table-too-many-rows",
            sheet=sheet.name,
            label=table.name,
            label_en=table.name_en,
            found=total,
            expected=table.max_rows,
        )
        data_rows = data_rows[: table.max_rows]
    if not data_rows:
        report("table-empty", sheet=sheet.name, label=table.name, label_en=table.name_en)
        return (), set(), layout.columns
    _report_merged(report, sheet, layout.header_row + 1)
    for row_number, row in data_rows:
        values: dict[str, object] = {}
        for field in table.columns:
            col = layout.columns.get(field.id)
            if col is None:
                continue
            text = row[col] if col < len(row) else None
            result = _read_cell(field, text)
            position = Position(sheet.name, row_number, col)
            _report_cell(report, field, sheet, position, text, result, row=row_number)
            if result.problem is None:
                values[field.id] = result.value
            else:
                bad_cells.add((field.id, row_number))
        rows.append(TableRow(row_number, values))
    return tuple(rows), bad_cells, layout.columns


def _read_narratives(spec: Spec, sheet: Sheet) -> dict[str, str]:
    by_key = {label_key(n.name): n.id for n in spec.narratives}
    texts: dict[str, str] = {}
    for row in sheet.rows:
        label = row[NARRATIVE_LABEL_COL] if row else None
        if not label or label_key(label) not in by_key:
            continue
        text = normalise_text(row[NARRATIVE_TEXT_COL] if len(row) > NARRATIVE_TEXT_COL else None)
        if text.value:
            texts[by_key[label_key(label)]] = str(text.value)
    return texts


def _template_version(
    spec: Spec, book: Workbook, values: dict[str, CellValue], report: _Findings
) -> str | None:
    """What the hidden template sheet says; warns on no template, an old one, or another year."""
    meta = book.sheets.get(META_SHEET)
    entries = {row[0]: row[1] for row in meta.rows if len(row) > 1 and row[0]} if meta else {}
    if entries.get("marker") != META_MARKER:
        report("template-unknown")
        return None
    version = entries.get("spec_version")
    if version != spec.version:
        report("template-outdated", sheet=META_SHEET, found=version or "?", expected=spec.version)
    year = values.get("year")
    made_for = (entries.get("year") or "").split(".")[0]
    if year is not None and made_for and made_for != str(year.value):
        sheet, _, cell = year.source.rpartition("!")
        report(
            "template-year-mismatch",
            sheet=sheet,
            cell=cell,
            indicator="year",
            found=made_for,
            expected=year.value,
        )
    return version


class _WorkbookCheck:
    """One workbook through validation: read and normalise, then schema failures, then the rest.

    pandera's cost is per check, not per row, so the schema step runs once over a whole batch
    of workbooks (see validate_batch) rather than twice per file.
    """

    def __init__(self, path: str | Path, spec: Spec, limits: Limits | None):
        started = time.perf_counter()
        self.spec, self.file = spec, str(path)
        self.report = _Findings(self.file, spec)
        self.book = None
        self.values: dict[str, CellValue] = {}
        self.rows: tuple[TableRow, ...] = ()
        self.bad_cells: set[tuple[str, int]] = set()
        self.columns: dict[str, int] = {}
        try:
            self.book = read_workbook(path, limits)
        except UnreadableFile as exc:
            self.report(
                exc.code, sheet=exc.sheet, found=exc.found, expected=exc.expected, reason=exc.reason
            )
            self.seconds = time.perf_counter() - started
            return
        if self.book.macros:
            self.report("file-has-macros")
        self.sheets = match_sheets(spec, self.book, self.report)
        for sheet in self.sheets.values():
            if not sheet.visible:
                self.report("sheet-hidden", sheet=sheet.name, found=sheet.name)
        self.values = _read_form(spec, self.sheets, self.report)
        if spec.specialties.sheet in self.sheets:
            self.rows, self.bad_cells, self.columns = _read_table(
                spec, self.sheets[spec.specialties.sheet], self.report
            )
        self.seconds = time.perf_counter() - started

    @property
    def form_row(self) -> dict[str, object]:
        return {key: cell.value for key, cell in self.values.items()}

    def form_failure(self, failure) -> None:
        cell = self.values.pop(failure.column)
        sheet_name, _, ref = cell.source.rpartition("!")
        field = self.spec.indicator_by_id[failure.column]
        self.report(
            failure.code,
            sheet=sheet_name,
            cell=ref,
            indicator=field.id,
            found=cell.value,
            expected=_expected(field, failure.code),
            **_hints(field),
        )

    def table_failure(self, index: int, failure) -> None:
        row = self.rows[index]
        field = self.spec.specialties.column(failure.column)
        self.report(
            failure.code,
            sheet=self.sheets[self.spec.specialties.sheet].name,
            cell=cell_ref(row.row, self.columns[field.id]),
            row=row.row,
            indicator=field.id,
            found=failure.found,
            expected=_expected(field, failure.code),
            **_hints(field),
        )
        self.bad_cells.add((field.id, row.row))

    def finish(self, schema_seconds: float = 0.0) -> ValidationResult:
        """The checks across cells, and the result."""
        started = time.perf_counter()
        if self.book is None:
            return ValidationResult(self.file, tuple(self.report.items), None, self.seconds)
        spec, table, report = self.spec, self.spec.specialties, self.report
        if table.sheet in self.sheets:
            check_specialties(
                table,
                self.rows,
                self.sheets[table.sheet].name,
                self.columns,
                self.bad_cells,
                report,
            )
            check_table_sums(spec, table, self.rows, self.values, self.bad_cells, report)
        check_rules(spec, self.values, report)
        check_plausibility(spec, self.values, report)
        template_version = _template_version(spec, self.book, self.values, report)
        narrative_sheet = self.sheets.get(spec.sheet_of("narrative").id)
        submission = Submission(
            file=self.file,
            sha256=self.book.sha256,
            spec_version=spec.version,
            template_version=template_version,
            values=self.values,
            specialties=self.rows,
            narratives=_read_narratives(spec, narrative_sheet) if narrative_sheet else {},
        )
        seconds = self.seconds + schema_seconds + time.perf_counter() - started
        return ValidationResult(self.file, tuple(report.items), submission, seconds)


def validate_batch(
    paths: Iterable[str | Path], spec: Spec | None = None, *, limits: Limits | None = None
) -> list[ValidationResult]:
    """Validate several workbooks with one pandera pass over all of them; results in order."""
    spec = spec or load_spec()
    checks = [_WorkbookCheck(path, spec, limits) for path in paths]
    readable = [c for c in checks if c.book is not None]
    started = time.perf_counter()
    for failure in run_schema(spec.indicators, [c.form_row for c in readable]):
        readable[failure.index].form_failure(failure)
    owners = [(c, i) for c in readable for i in range(len(c.rows))]
    table_rows = [c.rows[i].values for c, i in owners]
    for failure in run_schema(spec.specialties.columns, table_rows):
        check, index = owners[failure.index]
        check.table_failure(index, failure)
    share = (time.perf_counter() - started) / max(1, len(readable))
    return [c.finish(share if c.book is not None else 0.0) for c in checks]


def validate_workbook(
    path: str | Path, spec: Spec | None = None, *, limits: Limits | None = None
) -> ValidationResult:
    """Read one workbook and check it against the spec; never raises for bad input."""
    return validate_batch([path], spec, limits=limits)[0]


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and every workbook below a directory (sorted; Excel lock files skipped)."""
    expanded: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            expanded.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in WORKBOOK_SUFFIXES
                    and not p.name.startswith("~$")
                )
            )
        elif path.exists() or path.suffix:
            expanded.append(path)
        else:
            raise InputError(f"{path}: 没有这个文件或目录 / no such file or directory")
    return expanded


def _batched(
    paths: list[Path], spec: Spec, limits: Limits | None, batch_size: int
) -> Iterator[ValidationResult]:
    for start in range(0, len(paths), batch_size):
        yield from validate_batch(paths[start : start + batch_size], spec, limits=limits)


def validate_paths(
    paths: Iterable[str | Path],
    spec: Spec | None = None,
    *,
    limits: Limits | None = None,
    batch_size: int = 32,
) -> Iterator[ValidationResult]:
    """validate_workbook over files and directories, one result a file, in order.

    A school and year met a second time in the run gets a duplicate-submission warning: on
    ingest the later file would silently replace the earlier one.
    """
    spec = spec or load_spec()
    seen: dict[tuple[str, object], str] = {}
    for result in _batched(expand_paths(paths), spec, limits, batch_size):
        submission = result.submission
        if submission is None or not submission.school_code or submission.year is None:
            yield result
            continue
        key = (str(submission.school_code), submission.year)
        if key not in seen:
            seen[key] = result.file
            yield result
            continue
        where = submission.values["school_code"].source.rpartition("!")
        duplicate = make_finding(
            "duplicate-submission",
            result.file,
            sheet=where[0],
            cell=where[2],
            indicator="school_code",
            found=key[0],
            expected=key[1],
            other=seen[key],
        )
        yield dataclasses.replace(result, findings=(*result.findings, duplicate))
