"""Validate submitted workbooks against the spec: every problem as a finding at its cell."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, make_finding
from ..layout import (
    META_MARKER,
    META_SHEET,
    NARRATIVE_LABEL_COL,
    NARRATIVE_TEXT_COL,
    cell_position,
    cell_ref,
    label_key,
)
from ..normalise import OTHER_UNITS, Normalised, huge_number, normalise_number, normalise_text
from ..read import (
    FORMAT_NAMES,
    SUFFIXES_OF,
    Limits,
    Sheet,
    UnreadableFile,
    Workbook,
    read_workbooks,
)
from ..read.sniff import skip_reason
from ..records import CellValue, SkippedFile, Submission, TableRow, ValidationResult
from ..spec import Field, Spec, load_spec
from .locate import Position, locate_form, locate_table, match_sheets
from .narrative import check_narratives
from .rules import check_plausibility, check_rules, check_specialties, check_table_sums
from .schema import find_failures, prepare_in_background

__all__ = [
    "FoundFiles",
    "Limits",
    "expand_paths",
    "find_files",
    "validate_batch",
    "validate_paths",
    "validate_workbook",
]


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
        return normalise_number(
            text,
            integer=field.type == "integer",
            unit=field.unit,
            not_collected=field.not_collected,
        )
    return normalise_text(text, digits=bool(field.str_matches and "[0-9]" in field.str_matches))


def _cell_text(
    report: _Findings, field: Field, sheet: Sheet, position: Position, row: int | None = None
) -> str | None:
    """The text a person sees at a value cell: a merged cell shows its top-left cell's value."""
    text = sheet.cell(position.row, position.col)
    if text is None and sheet.merged:
        merged = merged_anchor(sheet, position.row, position.col)
        if merged is not None:
            ref, anchor_col = merged
            text = sheet.cell(position.row, anchor_col)
            where = dict(sheet=position.sheet, cell=position.cell, row=row, indicator=field.id)
            report("merged-cells-read", found=ref, **where)
    return text


def merged_anchor(sheet: Sheet, row: int, col: int) -> tuple[str, int] | None:
    """The merged range within one row that holds (row, col), and its first column."""
    for ref in sheet.merged:
        first, _, last = ref.partition(":")
        top, left = cell_position(first)
        bottom, right = cell_position(last or first)
        if top == bottom == row and left < col <= right:
            return ref, left
    return None


def _report_cell(
    report: _Findings,
    field: Field,
    sheet: Sheet,
    position: Position,
    text,
    result,
    row: int | None = None,
) -> bool:
    """Findings about one value cell; False when its value cannot be used."""
    if (
        result.problem is None
        and not result.how
        and result.converted_from is None
        and not result.not_collected
        and (result.value is not None or not field.required)
        and not (sheet.hidden_rows or sheet.errors or sheet.formulas or sheet.external)
    ):
        return True  # a clean value on a plain sheet (most cells): nothing to report
    where = dict(sheet=position.sheet, cell=position.cell, row=row, indicator=field.id)
    if row is None and position.row in sheet.hidden_rows:  # table rows are reported once a row
        report("row-hidden", found=position.row, **where)
    error = sheet.errors.get(position.cell)
    if error is not None:
        report("value-formula-error", found=error, **where)
        return False
    if result.problem:
        found = text.strip() if text else text
        if result.problem == "value-too-large" and found:
            found = huge_number(found)  # 1e300 quoted as 1e+300, not three hundred digits
        report(result.problem, found=found, **where)
        return False
    if position.cell in sheet.formulas and sheet.formulas[position.cell] is None:
        # The formula's result was never computed: what was read is not what the school sees.
        report("value-formula-uncached", found=result.value, **where)
        return False
    if position.cell in sheet.external:
        report("value-external-link", found=sheet.external[position.cell], **where)
    if result.value is None and field.required:
        report("value-missing", **where)
    if result.not_collected:
        report("value-not-collected", found=text.strip() if text else text, **where)
    if result.converted_from is not None:
        typed_unit, _ = result.converted_from
        factor = dict(OTHER_UNITS[field.unit])[typed_unit]
        report(
            "value-unit-converted",
            found=text.strip() if text else text,
            expected=result.value,
            unit=field.unit,
            typed_unit=typed_unit,
            factor=f"{factor:.2f}".rstrip("0").rstrip("."),
            relation="=" if float(factor).is_integer() else "≈",
            **where,
        )
    elif result.how:
        report(
            "value-normalised",
            found=text,
            expected=result.value,
            how="，".join(result.how),
            how_en=", ".join(result.how_en),
            **where,
        )
    return True


def _report_merged(report: _Findings, sheet: Sheet, first_data_row: int) -> None:
    """Cells merged across rows in the data area: only the first row has a value."""
    for ref in sheet.merged:
        first, _, last = ref.partition(":")
        top, bottom = cell_position(first)[0], cell_position(last or first)[0]
        if bottom >= first_data_row and bottom > top:
            report("merged-cells", sheet=sheet.name, cell=first, found=ref)


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
            text = _cell_text(report, field, sheet, position)
            result = _read_cell(field, text)
            if _report_cell(report, field, sheet, position, text, result):
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
        if _is_total_row(row, layout.columns, table):
            total_label = next(v.strip() for v in row if v and _TOTAL_LABEL.search(v))
            report(
                "specialty-total-row",
                sheet=sheet.name,
                row=row_number,
                found=total_label,
                line=row_number,
            )
            continue
        if row_number in sheet.hidden_rows:
            report("row-hidden", sheet=sheet.name, row=row_number, found=row_number)
        values: dict[str, object] = {}
        for field in table.columns:
            col = layout.columns.get(field.id)
            if col is None:
                continue
            position = Position(sheet.name, row_number, col)
            text = _cell_text(report, field, sheet, position, row_number)
            result = _read_cell(field, text)
            if _report_cell(report, field, sheet, position, text, result, row=row_number):
                values[field.id] = result.value
            else:
                bad_cells.add((field.id, row_number))
        rows.append(TableRow(row_number, values))
    return tuple(rows), bad_cells, layout.columns


# 合计, 总计, 小计, 合 计 (spaced for looks), 全校合计: a row summing the others, not a specialty.
_TOTAL_LABEL = re.compile(r"^\s*(全校|学校)?\s*(合\s*计|总\s*计|小\s*计)\s*$")


def _is_total_row(row: list[str | None], columns: dict[str, int], table) -> bool:
    """A row whose code or name cell says 合计: a total, which the views compute themselves."""
    for column_id in (table.key, "specialty_name"):
        col = columns.get(column_id)
        text = row[col] if col is not None and col < len(row) else None
        if text and _TOTAL_LABEL.match(text):
            return True
    return False


def _read_narratives(
    spec: Spec, sheet: Sheet, report: _Findings
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Each section's text, and the (sheet, cell) it was read from."""
    by_key = {label_key(n.name): n for n in spec.narratives}
    texts: dict[str, str] = {}
    cells: dict[str, tuple[str, str]] = {}
    for row_number, row in enumerate(sheet.rows, start=1):
        label = row[NARRATIVE_LABEL_COL] if row else None
        if not label or label_key(label) not in by_key:
            continue
        section = by_key[label_key(label)]
        text = normalise_text(row[NARRATIVE_TEXT_COL] if len(row) > NARRATIVE_TEXT_COL else None)
        if not text.value:
            continue
        where = dict(
            sheet=sheet.name,
            cell=cell_ref(row_number, NARRATIVE_TEXT_COL),
            label=section.name,
            label_en=section.name_en,
        )
        if row_number in sheet.hidden_rows:
            report("row-hidden", found=row_number, **where)
        if len(str(text.value)) > section.max_length:
            report(
                "narrative-too-long",
                found=len(str(text.value)),
                expected=section.max_length,
                **where,
            )
        texts[section.id] = str(text.value)
        cells[section.id] = (sheet.name, cell_ref(row_number, NARRATIVE_TEXT_COL))
    return texts, cells


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

    def __init__(
        self, path: str | Path, spec: Spec, read: Workbook | UnreadableFile, seconds: float
    ):
        started = time.perf_counter() - seconds
        self.spec, self.file = spec, str(path)
        self.report = _Findings(self.file, spec)
        self.book: Workbook | None = None
        self.sha256: str | None = None
        self.values: dict[str, CellValue] = {}
        self.rows: tuple[TableRow, ...] = ()
        self.bad_cells: set[tuple[str, int]] = set()
        self.columns: dict[str, int] = {}
        if isinstance(read, UnreadableFile):
            self.report(read.code, **read.finding_params())
            self.sha256 = read.sha256
            self.seconds = time.perf_counter() - started
            return
        self.book, self.sha256 = read, read.sha256
        self._report_book(Path(path), read)
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

    def _report_book(self, path: Path, book: Workbook) -> None:
        """What concerns the workbook as a whole: its real format, macros, sheet names."""
        if book.format and path.suffix.lower() not in SUFFIXES_OF.get(book.format, ()):
            name, name_en = FORMAT_NAMES[book.format]
            self.report(
                "file-format-mismatch",
                found=path.suffix or path.name,
                format=name,
                format_en=name_en,
            )
        if book.macros:
            self.report("file-has-macros")
        for name in book.duplicate_sheets:
            self.report("sheet-duplicate", sheet=name, found=name)

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
            return ValidationResult(
                self.file, tuple(self.report.items), None, self.seconds, sha256=self.sha256
            )
        spec, table, report = self.spec, self.spec.specialties, self.report
        if table.sheet in self.sheets:
            year = self.values.get("year")
            check_specialties(
                table,
                self.rows,
                self.sheets[table.sheet].name,
                self.columns,
                self.bad_cells,
                report,
                year.value if year is not None and isinstance(year.value, int) else None,
            )
            check_table_sums(spec, table, self.rows, self.values, self.bad_cells, report)
        check_rules(spec, self.values, report)
        check_plausibility(spec, self.values, report)
        template_version = _template_version(spec, self.book, self.values, report)
        narrative_sheet = self.sheets.get(spec.sheet_of("narrative").id)
        texts, cells = (
            _read_narratives(spec, narrative_sheet, report) if narrative_sheet else ({}, {})
        )
        check_narratives(spec, texts, cells, self.values, report)
        submission = Submission(
            file=self.file,
            sha256=self.book.sha256,
            spec_version=spec.version,
            template_version=template_version,
            values=self.values,
            specialties=self.rows,
            narratives=texts,
        )
        seconds = self.seconds + schema_seconds + time.perf_counter() - started
        return ValidationResult(
            self.file,
            tuple(report.items),
            submission,
            seconds,
            sha256=self.sha256,
            cells=self.book.cells,
        )


def validate_batch(
    paths: Iterable[str | Path], spec: Spec | None = None, *, limits: Limits | None = None
) -> list[ValidationResult]:
    """Validate several workbooks with one pandera pass over all of them; results in order."""
    files = list(paths)
    prepare_in_background(len(files))
    reads = zip(files, read_workbooks(files, limits), strict=True)
    return _validate_read(spec or load_spec(), reads)


def _validate_read(
    spec: Spec, reads: Iterable[tuple[str | Path, Workbook | UnreadableFile]]
) -> list[ValidationResult]:
    checks: list[_WorkbookCheck | ValidationResult] = []
    started = time.perf_counter()
    # Files are read in reader processes ahead of this loop, so reading overlaps checking.
    for path, read in reads:
        checks.append(_guarded(path, _WorkbookCheck, path, spec, read, _since(started)))
        started = time.perf_counter()
    readable = [c for c in checks if isinstance(c, _WorkbookCheck) and c.book is not None]
    started = time.perf_counter()
    try:
        failures = _schema_failures(spec, readable)
    except Exception:  # one file upset the whole batch: check each on its own to find it
        failures = []
        for check in readable:
            try:
                failures += _schema_failures(spec, [check])
            except Exception:
                checks[checks.index(check)] = _check_failed(check.file)
    for check, index, failure in failures:
        if index is None:
            check.form_failure(failure)
        else:
            check.table_failure(index, failure)
    share = (time.perf_counter() - started) / max(1, len(readable))
    return [
        c if isinstance(c, ValidationResult) else _guarded(c.file, c.finish, share) for c in checks
    ]


def _schema_failures(spec: Spec, checks: list[_WorkbookCheck]) -> list[tuple]:
    """The spec's value checks over every form and every table row of the batch, in one pass
    each: (check, table row index or None for the form, failure)."""
    one_file = len(checks) == 1
    found: list[tuple] = [
        (checks[f.index], None, f)
        for f in find_failures(spec.indicators, [c.form_row for c in checks], one_file=one_file)
    ]
    owners = [(c, i) for c in checks for i in range(len(c.rows))]
    table_rows = [c.rows[i].values for c, i in owners]
    found += [
        (*owners[f.index], f)
        for f in find_failures(spec.specialties.columns, table_rows, one_file=one_file)
    ]
    return found


def _since(started: float) -> float:
    return time.perf_counter() - started


def _guarded(path, work, *args):
    """work(*args), or a result saying this file could not be checked: one file never stops a batch."""
    try:
        return work(*args)
    except Exception:
        return _check_failed(path)


def _check_failed(path) -> ValidationResult:
    return ValidationResult(str(path), (make_finding("file-check-failed", str(path)),))


def validate_workbook(
    path: str | Path, spec: Spec | None = None, *, limits: Limits | None = None
) -> ValidationResult:
    """Read one workbook and check it against the spec; never raises for bad input."""
    return validate_batch([path], spec, limits=limits)[0]


@dataclass(frozen=True)
class FoundFiles:
    """What paths name: the files to read, and the files of directories that are not read."""

    workbooks: list[Path]
    skipped: list[SkippedFile]


def find_files(paths: Iterable[str | Path]) -> FoundFiles:
    """Files as given, and every file below a directory: spreadsheets (whatever their format is
    called) to read, and every other file listed with the reason it is skipped. Hidden folders
    (.git) are not entered."""
    workbooks: list[Path] = []
    skipped: list[SkippedFile] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in _files_below(path):
                reason = skip_reason(found.name)
                if reason is None:
                    workbooks.append(found)
                else:
                    skipped.append(SkippedFile(str(found), *reason))
        elif path.exists() or path.suffix:
            workbooks.append(path)
        else:
            raise InputError(f"{path}: 没有这个文件或目录 / no such file or directory")
    return FoundFiles(workbooks, skipped)


def _files_below(directory: Path) -> list[Path]:
    found: list[Path] = []
    for root, folders, files in os.walk(directory):
        folders[:] = [f for f in folders if not f.startswith(".")]
        found.extend(Path(root) / name for name in files)
    return sorted(found)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files find_files would read."""
    return find_files(paths).workbooks


def _batched(
    paths: list[Path], spec: Spec, limits: Limits | None, batch_size: int
) -> Iterator[ValidationResult]:
    # One stream of reads for the whole run, taken file by file: each file read hands the
    # readers their next files, so they read while this process checks what they sent.
    prepare_in_background(len(paths))
    reads = zip(paths, read_workbooks(paths, limits), strict=True)
    while results := _validate_read(spec, itertools.islice(reads, batch_size)):
        yield from results


def validate_paths(
    paths: Iterable[str | Path],
    spec: Spec | None = None,
    *,
    limits: Limits | None = None,
    batch_size: int = 64,
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
