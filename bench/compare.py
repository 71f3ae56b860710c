"""Benchmark: our validator against Great Expectations and frictionless doing the same checks on the same files."""

# Setup, once (a separate environment: neither tool belongs in the project's own):
#
#     python3 -m venv bench/.venv-compare
#     bench/.venv-compare/bin/pip install great_expectations frictionless pandas -e .
#
# Run (one warm-up pass over the 44 examples per tool, then --repeat rounds per size, every tool
# once a round, the order turning from round to round; each tool's median, and the ratios of the
# rounds' pairs with their min / median / max):
#
#     bench/.venv-compare/bin/python bench/compare.py [--sizes 44 100 500] [--repeat 3] [--tools ...]
#
# Sizes above 44 copy the example files round-robin into a temporary folder, so every tool reads
# distinct files. Writes bench/results/compare.json.
#
# Every tool gets the same workbook read: calamine (fastexcel) loading each sheet as text, the
# form sheets taken as label in column A → value in column C, the specialty table with headers in
# row 2. That glue (finding the sheets and labels, remembering which cell each value came from) is
# ordinary code a user of either tool would have to write; the tools then run the checks below.
# EXPRESSIBLE, printed with the results and written to the JSON, says what each tool expresses
# natively, what needed glue, and what it cannot express at all.

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MISTAKES = EXAMPLES / "mistakes"
TOOLS = (
    "calamine",
    "qualityreport",
    "great_expectations",
    "great_expectations_batched",
    "frictionless",
)
# Type checks on the cell text: what a user writes when the reader hands back strings. Python's
# \d also matches full-width digits, which pandas then cannot convert: ASCII classes on purpose.
INTEGER_TEXT = r"^[+-]?[0-9]+(\.0+)?$"
NUMBER_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"

# Our checks, and how each competitor does them: "native" (a built-in expectation, constraint or
# check), "glue" (possible, with code outside the tool), "no" (not expressible; left out).
EXPRESSIBLE = {
    "type integer/number of cell text": {
        "great_expectations": "native on text: ExpectColumnValuesToMatchRegex; the conversion is pandas' to_numeric (glue)",
        "frictionless": "native: field type integer/number (type-error)",
    },
    "required value": {
        "great_expectations": "native: ExpectColumnValuesToNotBeNull",
        "frictionless": "native: constraint required",
    },
    "ge/le range": {
        "great_expectations": "native: ExpectColumnValuesToBeBetween",
        "frictionless": "native: constraints minimum/maximum",
    },
    "allowed list (isin)": {
        "great_expectations": "native: ExpectColumnValuesToBeInSet",
        "frictionless": "native: constraint enum",
    },
    "regex school_code / specialty_code": {
        "great_expectations": "native: ExpectColumnValuesToMatchRegex",
        "frictionless": "native: constraint pattern",
    },
    "string length": {
        "great_expectations": "native: ExpectColumnValueLengthsToBeBetween",
        "frictionless": "native: constraint maxLength",
    },
    "cross-field rules a <= b, a == b": {
        "great_expectations": "native: ExpectColumnPairValuesAToBeGreaterThanB(or_equal) / ExpectColumnPairValuesToBeEqual",
        "frictionless": "native: row_constraint check (simpleeval formula)",
    },
    "cross-field rules on sums (a + b <= c)": {
        "great_expectations": "glue: a derived sum column in pandas, then the pair expectation",
        "frictionless": "native: row_constraint formula",
    },
    "rule severity (error vs warning)": {
        "great_expectations": "native: severity='warning' on the expectation",
        "frictionless": "no: every error is an error; severity mapped back in glue",
    },
    "catalog membership of specialty codes": {
        "great_expectations": "native: ExpectColumnValuesToBeInSet with the catalog's 358 codes",
        "frictionless": "native: constraint enum with the catalog's codes",
    },
    "specialty name matches the catalog name of its code": {
        "great_expectations": "native: ExpectColumnPairValuesToBeInSet with (code, name) pairs",
        "frictionless": "glue: a custom Check subclass (Python validate_row)",
    },
    "duplicate specialty codes": {
        "great_expectations": "native: ExpectColumnValuesToBeUnique",
        "frictionless": "native: constraint unique",
    },
    "specialty rows add up to the school totals": {
        "great_expectations": "glue: per-file sums in pandas next to the totals, then ExpectColumnPairValuesToBeEqual (one file per frame could use ExpectColumnSumToBeBetween with $PARAMETER totals)",
        "frictionless": "glue: a custom table-level Check (validate_end)",
    },
    "plausible range (warning)": {
        "great_expectations": "native: a second ExpectColumnValuesToBeBetween with severity='warning'",
        "frictionless": "native as a row_constraint formula; no severity",
    },
    "'looks like 万元' diagnosis (value x 10000 is plausible)": {
        "great_expectations": "no: flagged only as out of the plausible range",
        "frictionless": "no: flagged only as out of the plausible range",
    },
    "template marker / version on the hidden sheet": {
        "great_expectations": "native on a glue-read column: ExpectColumnValuesToBeInSet",
        "frictionless": "native on a glue-read column: constraint enum",
    },
    "cell-precise positions (师资队伍!C7)": {
        "great_expectations": "no: column name and frame row index; the glue maps them back to cells",
        "frictionless": "no: rowNumber/fieldName of the resource; the glue maps them back to cells",
    },
    "全角 digits, '1,234', '无' as 0, units typed in cells": {
        "great_expectations": "no: pandas cannot convert them; the cell fails as not a number",
        "frictionless": "partly: full-width digits are read (1277 from '１２７７') but silently, so the planted mistake is not reported; the rest are type errors",
    },
    "'45%' typed into a count": {
        "great_expectations": "no specific finding: fails the type regex",
        "frictionless": "no specific finding: type-error (bareNumber=false would silently read 45)",
    },
    "labels matched through aliases, 全角/spaces in labels; renamed or missing sheets": {
        "great_expectations": "no: glue; a missing sheet shows as null columns",
        "frictionless": "no: glue; a missing sheet shows as empty required cells",
    },
    "formulas without a cached value, merged cells": {
        "great_expectations": "no: neither pandas nor calamine exposes them",
        "frictionless": "no: not from a calamine read",
    },
    "messages in Chinese for the school": {
        "great_expectations": "no: English result objects",
        "frictionless": "no: English error templates",
    },
}


@dataclass(frozen=True)
class Hit:
    """One failure a tool reported, placed by the glue at a sheet and cell where it can."""

    sheet: str | None
    cell: str | None
    indicator: str | None
    check: str
    severity: str = "error"


@dataclass
class Frames:
    """A workbook as the competitors see it: raw cell text and where each value came from."""

    form: dict[str, str | None] = field(default_factory=dict)
    form_cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    table_sheet: str | None = None
    table_columns: dict[str, str] = field(default_factory=dict)  # column id → letter
    table_rows: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


class BareRead:
    """The floor: every sheet loaded as text, nothing checked."""

    def __init__(self, spec):
        import fastexcel

        self.read = fastexcel.read_excel

    def __call__(self, paths: list[Path]) -> list[list[Hit]]:
        for path in paths:
            reader = self.read(path)
            for name in reader.sheet_names:
                reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars()
        return [[] for _ in paths]


def read_frames(path: Path, spec) -> Frames:
    """The straightforward read a user of either tool would write for this workbook layout."""
    import fastexcel

    from qualityreport.layout import FORM_LABEL_COL, FORM_VALUE_COL, META_SHEET, column_letter

    reader = fastexcel.read_excel(path)
    present = set(reader.sheet_names)
    frames = Frames()

    def rows_of(name: str) -> list[tuple]:
        return (
            reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            .to_polars()
            .rows()
        )

    for sheet in spec.sheets:
        if sheet.layout != "form" or sheet.name not in present:
            continue
        by_name = {f.name: f.id for f in spec.indicators_on(sheet.id)}
        for number, row in enumerate(rows_of(sheet.name), start=1):
            label = row[FORM_LABEL_COL] if row else None
            if label and label.strip() in by_name and len(row) > FORM_VALUE_COL:
                indicator = by_name[label.strip()]
                frames.form[indicator] = row[FORM_VALUE_COL]
                frames.form_cells[indicator] = (
                    sheet.name,
                    f"{column_letter(FORM_VALUE_COL)}{number}",
                )
    table = spec.specialties
    table_sheet = spec.sheet_by_id[table.sheet].name
    if table_sheet in present:
        frames.table_sheet = table_sheet
        rows = rows_of(table_sheet)
        headers = {c.label("zh"): c.id for c in table.columns} | {
            c.name: c.id for c in table.columns
        }
        # Headers in row 2 (the layout's HEADER_ROW), data below.
        positions = {
            headers[h.strip()]: i for i, h in enumerate(rows[1]) if h and h.strip() in headers
        }
        frames.table_columns = {cid: column_letter(i) for cid, i in positions.items()}
        for number, row in enumerate(rows[2:], start=3):
            if any(v is not None and v.strip() for v in row):
                frames.table_rows.append((number, {cid: row[i] for cid, i in positions.items()}))
    if META_SHEET in present:
        frames.meta = {r[0]: r[1] for r in rows_of(META_SHEET) if len(r) > 1 and r[0]}
    return frames


def _form_place(frames: Frames, spec, indicator: str | None) -> tuple[str | None, str | None]:
    if indicator in frames.form_cells:
        return frames.form_cells[indicator]
    if indicator in spec.indicator_by_id:
        return spec.sheet_by_id[spec.indicator_by_id[indicator].sheet].name, None
    return None, None


def _terms(rule_side: tuple[str, ...]) -> str:
    return rule_side[0] if len(rule_side) == 1 else "sum__" + "__".join(rule_side)


# ---------------------------------------------------------------------------------------------
# Great Expectations


class GreatExpectations:
    """Two suites built once (form, specialty table), run on pandas frames of one or many files.

    Per file (as a submission portal would): two frames and two validations a workbook. Batched
    (as a city-wide run could): every workbook's form as one row of one frame, every specialty
    row in a second frame, two validations in all; GX is built for that shape.
    """

    def __init__(self, spec, batched: bool = False):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx
        import pandas as pd
        from great_expectations.data_context.types.base import ProgressBarsConfig

        from qualityreport import catalog
        from qualityreport.layout import META_MARKER

        self.pd, self.spec, self.batched = pd, spec, batched
        context = gx.get_context(mode="ephemeral")
        # Progress bars on stderr for every validation would be timed too; a batch job turns them off.
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        source = context.data_sources.add_pandas("workbook")
        self.form_batches = source.add_dataframe_asset("form").add_batch_definition_whole_dataframe(
            "all"
        )
        self.table_batches = source.add_dataframe_asset(
            "table"
        ).add_batch_definition_whole_dataframe("all")
        E = gx.expectations
        form = [e for f in spec.indicators for e in self._field_expectations(E, f)]
        for rule in spec.rules:
            left, right = _terms(rule.left), _terms(rule.right)
            meta = {"indicator": rule.left[0], "check": rule.id}
            severity = "warning" if rule.severity == "warning" else "critical"
            if rule.op == "le":
                form.append(
                    E.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=right,
                        column_B=left,
                        or_equal=True,
                        ignore_row_if="either_value_is_missing",
                        meta=meta,
                        severity=severity,
                    )
                )
            elif rule.op == "eq":
                form.append(
                    E.ExpectColumnPairValuesToBeEqual(
                        column_A=left,
                        column_B=right,
                        ignore_row_if="either_value_is_missing",
                        meta=meta,
                        severity=severity,
                    )
                )
            else:
                raise NotImplementedError(rule.op)
        table = spec.specialties
        self.sums = [c for c in table.columns if c.sums_to]
        for c in self.sums:
            # The specialty rows' sum is a glue column next to the school total it should equal.
            form.append(
                E.ExpectColumnPairValuesToBeEqual(
                    column_A=c.sums_to,
                    column_B=f"rows_sum__{c.id}",
                    ignore_row_if="either_value_is_missing",
                    severity="warning",
                    meta={"indicator": c.sums_to, "check": "specialty-sum-mismatch"},
                )
            )
        marker = {"indicator": "template_marker", "check": "template-unknown"}
        form.append(E.ExpectColumnValuesToNotBeNull(column="template_marker", meta=marker))
        form.append(
            E.ExpectColumnValuesToBeInSet(
                column="template_marker", value_set=[META_MARKER], meta=marker
            )
        )
        form.append(
            E.ExpectColumnValuesToBeInSet(
                column="template_version",
                value_set=[spec.version],
                severity="warning",
                meta={"indicator": "template_version", "check": "template-outdated"},
            )
        )
        self.form_suite = context.suites.add(gx.ExpectationSuite(name="form", expectations=form))

        known = catalog.majors("VOCATIONAL_SECONDARY")
        key = table.key
        rows = [e for c in table.columns for e in self._field_expectations(E, c)]
        rows.append(
            E.ExpectColumnValuesToBeInSet(
                column=key,
                value_set=sorted(known),
                severity="warning",
                meta={"indicator": key, "check": "specialty-code-unknown"},
            )
        )
        rows.append(
            E.ExpectCompoundColumnsToBeUnique(
                column_list=["file", key], meta={"indicator": key, "check": "specialty-duplicate"}
            )
        )
        rows.append(
            E.ExpectColumnPairValuesToBeInSet(
                column_A=key,
                column_B="specialty_name",
                value_pairs_set=[(code, entry.name) for code, entry in known.items()],
                ignore_row_if="either_value_is_missing",
                severity="warning",
                meta={"indicator": "specialty_name", "check": "specialty-name-mismatch"},
            )
        )
        self.table_suite = context.suites.add(gx.ExpectationSuite(name="table", expectations=rows))

    @staticmethod
    def _field_expectations(E, f):
        meta = lambda check: {"indicator": f.id, "check": check}  # noqa: E731
        if f.required:
            yield E.ExpectColumnValuesToNotBeNull(column=f.id, meta=meta("value-missing"))
        if f.is_numeric:
            yield E.ExpectColumnValuesToMatchRegex(
                column=f"{f.id}__text",
                regex=INTEGER_TEXT if f.type == "integer" else NUMBER_TEXT,
                meta=meta("value-not-number"),
            )
        if f.ge is not None or f.le is not None:
            yield E.ExpectColumnValuesToBeBetween(
                column=f.id, min_value=f.ge, max_value=f.le, meta=meta("value-out-of-range")
            )
        if f.plausible_ge is not None:
            yield E.ExpectColumnValuesToBeBetween(
                column=f.id,
                min_value=f.plausible_ge,
                max_value=f.plausible_le,
                severity="warning",
                meta=meta("value-implausible"),
            )
        if f.isin:
            yield E.ExpectColumnValuesToBeInSet(
                column=f.id, value_set=list(f.isin), meta=meta("value-not-allowed")
            )
        if f.str_matches:
            yield E.ExpectColumnValuesToMatchRegex(
                column=f.id, regex=f.str_matches, meta=meta("value-pattern-mismatch")
            )
        if f.str_length_max is not None:
            yield E.ExpectColumnValueLengthsToBeBetween(
                column=f.id, max_value=f.str_length_max, meta=meta("value-too-long")
            )

    def _typed(self, records: list[dict], fields):
        """Text columns as read (stripped, blank as null), numbers converted by pandas."""
        pd = self.pd
        frame = pd.DataFrame.from_records(records, columns=[f.id for f in fields])
        for f in fields:
            text = frame[f.id].astype("object").where(frame[f.id].notna(), None)
            text = text.map(lambda v: v.strip() or None if isinstance(v, str) else v)
            if f.is_numeric:
                frame[f"{f.id}__text"] = text
                frame[f.id] = pd.to_numeric(text, errors="coerce")
            else:
                frame[f.id] = text
        return frame

    def __call__(self, paths: list[Path]) -> list[list[Hit]]:
        if not self.batched:
            return [self._run([p])[0] for p in paths]
        return self._run(paths)

    def _run(self, paths: list[Path]) -> list[list[Hit]]:
        spec = self.spec
        books = [read_frames(p, spec) for p in paths]
        table = spec.specialties
        records, owners = [], []
        for number, book in enumerate(books):
            for row, values in book.table_rows:
                records.append(values)
                owners.append((number, row))
        rows = self._typed(records, table.columns)
        rows["file"] = [n for n, _ in owners]
        form = self._typed([b.form for b in books], spec.indicators)
        for rule in spec.rules:
            for side in (rule.left, rule.right):
                if len(side) > 1:
                    form[_terms(side)] = form[list(side)].sum(axis=1, min_count=len(side))
        sums = rows.groupby("file")[[c.id for c in self.sums]].sum(min_count=1)
        for c in self.sums:
            form[f"rows_sum__{c.id}"] = sums[c.id].reindex(range(len(books)))
        form["template_marker"] = [b.meta.get("marker") for b in books]
        form["template_version"] = [b.meta.get("spec_version") for b in books]

        hits: list[list[Hit]] = [[] for _ in books]
        result = self.form_batches.get_batch(batch_parameters={"dataframe": form}).validate(
            self.form_suite, result_format="COMPLETE"
        )
        for r in result.results:
            if r.success:
                continue
            meta, severity = r.expectation_config.meta, _severity(r.expectation_config.severity)
            for index in r.result.get("unexpected_index_list") or range(len(books)):
                sheet, cell = _form_place(books[index], spec, meta["indicator"])
                hits[index].append(Hit(sheet, cell, meta["indicator"], meta["check"], severity))
        if rows.empty:
            return hits
        result = self.table_batches.get_batch(batch_parameters={"dataframe": rows}).validate(
            self.table_suite, result_format="COMPLETE"
        )
        for r in result.results:
            if r.success:
                continue
            meta, severity = r.expectation_config.meta, _severity(r.expectation_config.severity)
            for index in r.result.get("unexpected_index_list") or []:
                number, row = owners[index]
                book = books[number]
                letter = book.table_columns.get(meta["indicator"], "?")
                hits[number].append(
                    Hit(
                        book.table_sheet,
                        f"{letter}{row}",
                        meta["indicator"],
                        meta["check"],
                        severity,
                    )
                )
        return hits


def _severity(value) -> str:
    text = str(getattr(value, "value", value)).lower()
    return "error" if text in ("critical", "none") else text


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# frictionless


class Frictionless:
    """Two Table Schemas and checklists built once; per file two inline resources validated."""

    def __init__(self, spec):
        import attrs
        import frictionless
        from frictionless import Checklist, Schema, checks, errors

        from qualityreport import catalog
        from qualityreport.layout import META_MARKER

        self.fl, self.spec = frictionless, spec
        known = catalog.majors("VOCATIONAL_SECONDARY")
        self.form_fields = [f.id for f in spec.indicators] + ["template_marker", "template_version"]
        self.form_schema = Schema.from_descriptor(
            {
                "fields": [
                    *(self._descriptor(f) for f in spec.indicators),
                    {
                        "name": "template_marker",
                        "type": "string",
                        "constraints": {"required": True, "enum": [META_MARKER]},
                    },
                    {"name": "template_version", "type": "string"},
                ]
            }
        )
        # The formula of each row constraint → (indicator, check, severity), to map errors back.
        self.formulas: dict[str, tuple[str, str, str]] = {}
        form_checks = []
        for rule in spec.rules:
            names = (*rule.left, *rule.right)
            op = {"le": "<=", "eq": "==", "ge": ">=", "lt": "<", "gt": ">", "ne": "!="}[rule.op]
            guard = " or ".join(f"{n} is None" for n in names)
            formula = f"{guard} or ({' + '.join(rule.left)}) {op} ({' + '.join(rule.right)})"
            form_checks.append(checks.row_constraint(formula=formula))
            self.formulas[formula] = (rule.left[0], rule.id, rule.severity)
        for f in spec.indicators:
            if f.plausible_ge is not None:
                high = f" and {f.id} <= {f.plausible_le:g}" if f.plausible_le is not None else ""
                formula = f"{f.id} is None or ({f.id} >= {f.plausible_ge:g}{high})"
                form_checks.append(checks.row_constraint(formula=formula))
                self.formulas[formula] = (f.id, "value-implausible", "warning")
        version = f"template_version == '{spec.version}'"
        form_checks.append(checks.row_constraint(formula=version))
        self.formulas[version] = ("template_version", "template-outdated", "warning")
        self.form_checklist = Checklist(checks=form_checks)

        table = spec.specialties
        descriptors = [self._descriptor(c) for c in table.columns]
        for d in descriptors:
            if d["name"] == table.key:
                d["constraints"]["unique"] = True
                d["constraints"]["enum"] = sorted(known)
        self.table_fields = [c.id for c in table.columns]
        self.table_schema = Schema.from_descriptor({"fields": descriptors})
        names = {code: entry.name for code, entry in known.items()}

        @attrs.define(kw_only=True, repr=False)
        class catalog_name(frictionless.Check):
            """The specialty name is the catalog's name for its code."""

            type = "catalog-name"
            Errors = [errors.RowError]

            def validate_row(self, row):
                code, name = row["specialty_code"], row["specialty_name"]
                if code in names and name is not None and names[code] != name:
                    yield errors.RowError.from_row(row, note="specialty_name")

        @attrs.define(kw_only=True, repr=False)
        class column_sum(frictionless.Check):
            """A column of the table adds up to a total given from outside the table."""

            type = "column-sum"
            Errors = [errors.TableDimensionsError]
            column: str
            total: float | None = None
            added: float = 0

            def validate_row(self, row):
                value = row[self.column]
                if isinstance(value, int | float):
                    self.added += value
                yield from ()

            def validate_end(self):
                if self.total is not None and self.added != self.total:
                    yield errors.TableDimensionsError(note=self.column, limits={}, stats={})

        self.catalog_name, self.column_sum = catalog_name, column_sum
        self.sums = [c for c in table.columns if c.sums_to]

    @staticmethod
    def _descriptor(f) -> dict:
        constraints: dict = {}
        if f.required:
            constraints["required"] = True
        if f.ge is not None:
            constraints["minimum"] = f.ge
        if f.le is not None:
            constraints["maximum"] = f.le
        if f.isin:
            constraints["enum"] = list(f.isin)
        if f.str_matches:
            constraints["pattern"] = f.str_matches
        if f.str_length_max is not None:
            constraints["maxLength"] = f.str_length_max
        return {"name": f.id, "type": f.type, "constraints": constraints}

    def __call__(self, paths: list[Path]) -> list[list[Hit]]:
        return [self.one(p) for p in paths]

    def one(self, path: Path) -> list[Hit]:
        from frictionless import Checklist, Resource

        spec = self.spec
        frames = read_frames(path, spec)
        row = [_blank(frames.form.get(i)) for i in self.form_fields[:-2]]
        row += [frames.meta.get("marker"), frames.meta.get("spec_version")]
        report = Resource(data=[self.form_fields, row], schema=self.form_schema).validate(
            self.form_checklist
        )
        hits: list[Hit] = []
        for error in report.tasks[0].errors:
            if error.type == "row-constraint":
                formula = error.note.split('"')[1]
                indicator, check, severity = self.formulas[formula]
            else:
                indicator, check, severity = getattr(error, "field_name", None), error.type, "error"
            sheet, cell = _form_place(frames, spec, indicator)
            hits.append(Hit(sheet, cell, indicator, check, severity))
        if frames.table_sheet is None:
            return hits
        rows = [
            [_blank(values.get(c)) for c in self.table_fields] for _, values in frames.table_rows
        ]
        checklist = Checklist(
            checks=[self.catalog_name()]
            + [
                self.column_sum(column=c.id, total=_number(frames.form.get(c.sums_to)))
                for c in self.sums
            ]
        )
        report = Resource(data=[self.table_fields, *rows], schema=self.table_schema).validate(
            checklist
        )
        for error in report.tasks[0].errors:
            if error.type == "table-dimensions":
                column = next(c for c in self.sums if c.id == error.note)
                sheet, cell = _form_place(frames, spec, column.sums_to)
                hits.append(Hit(sheet, cell, column.sums_to, "specialty-sum-mismatch", "warning"))
                continue
            indicator = (
                "specialty_name"
                if error.type == "catalog-name"
                else getattr(error, "field_name", None)
            )
            number = (
                frames.table_rows[error.row_number - 2][0]
                if getattr(error, "row_number", None)
                else None
            )
            letter = frames.table_columns.get(indicator)
            cell = f"{letter}{number}" if letter and number else None
            severity = "warning" if error.type == "catalog-name" else "error"
            hits.append(Hit(frames.table_sheet, cell, indicator, error.type, severity))
        return hits


def _blank(text: str | None) -> str | None:
    return None if text is None or not text.strip() else text.strip()


# ---------------------------------------------------------------------------------------------
# qualityreport


class QualityReport:
    """Our validator as the commands run it: reader processes, value checks once a batch."""

    def __init__(self, spec):
        from qualityreport.validate import validate_paths

        self.validate, self.spec = validate_paths, spec

    def __call__(self, paths: list[Path]) -> list[list[Hit]]:
        return [
            [Hit(f.sheet, f.cell, f.indicator, f.code, f.severity) for f in result.findings]
            for result in self.validate(paths, self.spec)
        ]


# ---------------------------------------------------------------------------------------------


def planted() -> dict[str, list[dict]]:
    data = yaml.safe_load((MISTAKES / "expected.yaml").read_text(encoding="utf-8"))
    return {name: entry["findings"] for name, entry in data["files"].items()}


def flagged(expected: dict, hits: list[Hit], exact_code: bool) -> Hit | None:
    """The hit that finds a planted mistake: same place (cell, else sheet, else indicator)."""
    for hit in hits:
        if exact_code and hit.check != expected["code"]:
            continue
        if expected.get("cell"):
            if hit.sheet == expected.get("sheet") and hit.cell == expected["cell"]:
                return hit
        elif expected.get("sheet"):
            if hit.sheet == expected["sheet"]:
                return hit
        elif expected["code"] == "template-unknown":
            if hit.indicator == "template_marker" or hit.check == "template-unknown":
                return hit
    return None


def copies(paths: list[Path], n: int, into: Path) -> list[Path]:
    """n distinct files: the examples copied round-robin."""
    made = []
    for i in range(n):
        source = paths[i % len(paths)]
        target = into / f"{i:04d}-{source.name}"
        shutil.copyfile(source, target)
        made.append(target)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[44],
        help="numbers of files to time (44 = the examples as they are)",
    )
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=list(TOOLS))
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed rounds per size (each tool once a round)"
    )
    parser.add_argument(
        "--slow-limit",
        type=int,
        default=100,
        help="largest size timed for great_expectations per file (~4 s a file)",
    )
    args = parser.parse_args()

    from qualityreport.spec import load_spec
    from qualityreport.validate import expand_paths

    spec = load_spec()
    valid = expand_paths([EXAMPLES / "city"])
    flawed = expand_paths([MISTAKES])
    base = valid + flawed
    expected = planted()
    load_before = os.getloadavg()
    makers = {
        "calamine": BareRead,
        "qualityreport": QualityReport,
        "great_expectations": GreatExpectations,
        "great_expectations_batched": lambda spec: GreatExpectations(spec, batched=True),
        "frictionless": Frictionless,
    }

    tools: dict[str, Callable[[list[Path]], list[list[Hit]]]] = {}
    setup_ms: dict[str, float] = {}
    for name in args.tools:
        started = time.perf_counter()
        tools[name] = makers[name](spec)
        setup_ms[name] = (time.perf_counter() - started) * 1000

    # The warm-up pass over every example is also where the findings are collected.
    detection: dict[str, dict] = {}
    for name, function in tools.items():
        started = time.perf_counter()
        on_valid = [
            h for hits in function(valid) for h in hits if h.severity in ("error", "warning")
        ]
        found, missed = [], []
        for path, hits in zip(flawed, function(flawed), strict=True):
            for item in expected.get(path.name, []):
                hit = flagged(item, hits, exact_code=name == "qualityreport")
                where = f"{path.name} {item.get('sheet', '')}!{item.get('cell', '')} {item['code']}"
                if hit:
                    found.append(f"{where} <- {hit.check} ({hit.severity})")
                else:
                    missed.append(where)
        detection[name] = {
            "warm_up_seconds": time.perf_counter() - started,
            "planted": sum(len(v) for v in expected.values()),
            "found": len(found) if name != "calamine" else None,
            "found_list": found if name != "calamine" else [],
            "missed": missed if name != "calamine" else [],
            "findings_on_valid_files": len(on_valid),
        }

    runs = []
    with tempfile.TemporaryDirectory(prefix="qr-compare-") as scratch:
        for size in args.sizes:
            if size == len(base):
                paths = base
            else:
                folder = Path(scratch) / str(size)
                folder.mkdir()
                paths = copies(base, size, folder)
            timed = [
                name
                for name in tools
                if not (name == "great_expectations" and size > args.slow_limit)
            ]
            rounds: dict[str, list[float]] = {name: [] for name in timed}
            for round_number in range(args.repeat):
                # every tool once a round, the order turning, so drifting load falls on all alike
                turn = round_number % len(timed)
                for name in timed[turn:] + timed[:turn]:
                    started = time.perf_counter()
                    tools[name](paths)
                    rounds[name].append(time.perf_counter() - started)
            row = {
                "files": size,
                "rounds": rounds,
                "seconds": {name: statistics.median(times) for name, times in rounds.items()},
            }
            runs.append(row)
    load_after = os.getloadavg()

    print(
        f"{args.repeat} timed rounds per size after one warm-up pass, median shown; "
        f"{os.cpu_count()} cores, load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after (shared machine: figures are noisy)"
    )
    header = (
        f"{'tool':<27} {'files':>5} {'seconds':>8} {'ms/file':>8} {'x calamine':>10} "
        f"{'x ours':>7} {'planted found':>13} {'on valid':>8}"
    )
    print(header)
    print("-" * len(header))
    for row in runs:
        floor, ours = row["seconds"].get("calamine"), row["seconds"].get("qualityreport")
        for name, seconds in row["seconds"].items():
            d = detection[name]
            found = "-" if d["found"] is None else f"{d['found']}/{d['planted']}"
            print(
                f"{name:<27} {row['files']:>5} {seconds:>8.2f} {seconds / row['files'] * 1000:>8.1f} "
                f"{seconds / floor if floor else float('nan'):>10.1f} "
                f"{seconds / ours if ours else float('nan'):>7.2f} {found:>13} "
                f"{d['findings_on_valid_files']:>8}"
            )
    for row in runs:
        ours = row["rounds"].get("qualityreport")
        for name, times in row["rounds"].items():
            if ours is None or name == "qualityreport":
                continue
            ratios = sorted(
                (t / o if name != "calamine" else o / t) for t, o in zip(times, ours, strict=True)
            )
            what = "ours ÷ calamine" if name == "calamine" else f"{name} ÷ ours"
            print(
                f"{row['files']:>5} files  {what:<40} min {ratios[0]:6.2f}  median "
                f"{statistics.median(ratios):6.2f}  max {ratios[-1]:6.2f}  (paired rounds)"
            )
    print(
        "set-up once per process (imports, suites, schemas), ms: "
        + ", ".join(f"{k} {v:.0f}" for k, v in setup_ms.items())
    )
    print("'on valid' = errors and warnings reported on the 36 valid files (should be 0)")
    for name, d in detection.items():
        if d["found_list"] and name != "qualityreport":
            print(f"{name} found: " + "; ".join(d["found_list"]))
        if d["missed"]:
            print(f"{name} missed: " + "; ".join(d["missed"]))

    versions = {}
    for module in (
        "great_expectations",
        "frictionless",
        "pandas",
        "polars",
        "pandera",
        "fastexcel",
    ):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            pass
    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores",
        "load_average_before_after": [load_before[0], load_after[0]],
        "versions": versions,
        "method": "one warm-up pass over the 44 examples per tool, then --repeat timed rounds "
        "per size, every tool once a round in a turning order (seconds: the median); sizes above "
        "44 are round-robin copies of the examples; one process",
        "setup_ms": setup_ms,
        "runs": [
            {
                "files": r["files"],
                "rounds": r["rounds"],
                "tools": {
                    name: {
                        "seconds": s,
                        "ms_per_file": s / r["files"] * 1000,
                        "ratio_to_calamine": s / r["seconds"]["calamine"]
                        if "calamine" in r["seconds"]
                        else None,
                        "ratio_to_qualityreport": s / r["seconds"]["qualityreport"]
                        if "qualityreport" in r["seconds"]
                        else None,
                    }
                    for name, s in r["seconds"].items()
                },
            }
            for r in runs
        ],
        "detection": detection,
        "expressible": EXPRESSIBLE,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
