"""Evaluate one target over the scope's view: expressions, queries, all_of and share_of."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..errors import SpecError, first_line
from ..store import Store
from ..store.queries import ExpectedSchool
from ..targets import (
    PARAMETER_USE,
    SCOPE_VIEWS,
    ParamRef,
    Target,
    TargetSet,
    load_target_set,
    resolve_parameter,
)
from .results import TargetResult, compare


@dataclass(frozen=True)
class _Row:
    subject_id: str | None
    subject_name: str | None
    value: float | None
    category: str | None = None
    applies: bool = True
    reason: str | None = None
    threshold: float | None = None
    met: bool | None = None


@dataclass
class TargetRun:
    """One check of one year: parameters, expected schools, and the verdicts found so far."""

    store: Store
    year: int
    overrides: dict[str, Any]
    expected: list[ExpectedSchool]
    sets: dict[str, TargetSet] = field(default_factory=dict)
    memo: dict[tuple[str, str], list[TargetResult]] = field(default_factory=dict)
    used_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- parameters ------------------------------------------------------------------------
    def parameters(self, target_set: TargetSet) -> dict[str, Any]:
        if target_set.id not in self.used_parameters:
            values = {p.id: p.default for p in target_set.parameters}
            values.update({k: v for k, v in self.overrides.items() if k in values})
            resolved = {k: resolve_parameter(v, self.year) for k, v in values.items()}
            resolved["year"] = self.year
            self.used_parameters[target_set.id] = resolved
        return self.used_parameters[target_set.id]

    def bound(self, target_set: TargetSet, bound) -> float | None:
        if isinstance(bound, ParamRef):
            value = self.parameters(target_set).get(bound.name)
            if value is None:
                return None
            try:
                return float(value)
            except (TypeError, ValueError):
                raise SpecError(
                    target_set.path, f"parameters.{bound.name}", f"must be a number, got {value!r}"
                ) from None
        return bound

    # -- SQL -------------------------------------------------------------------------------
    def sql(
        self, target_set: TargetSet, target: Target, text: str
    ) -> tuple[list[str], list[tuple]]:
        values = self.parameters(target_set)
        params = {name: values.get(name) for name in set(PARAMETER_USE.findall(text))}
        try:
            cursor = self.store.con.execute(text, params or None)
            columns = [d[0] for d in cursor.description]
            return columns, cursor.fetchall()
        except duckdb.Error as exc:
            detail = first_line(exc)
            key = next(f"targets[{i}]" for i, t in enumerate(target_set.targets) if t is target)
            raise SpecError(target_set.path, key, f"SQL failed: {detail}") from None

    def missing_parameters(self, target_set: TargetSet, target: Target) -> list[str]:
        values = self.parameters(target_set)
        return sorted(p for p in target.parameters() if values.get(p) is None)

    # -- subjects --------------------------------------------------------------------------
    def school_index(self) -> tuple[dict[str, str], dict[str, str]]:
        rows = self.store.rows("SELECT school_code, school_name FROM schools")
        rows += self.store.rows(
            "SELECT DISTINCT school_code, school_name FROM school_year WHERE school_name IS NOT NULL"
        )
        by_code = {code: name for code, name in rows}
        by_name = {name: code for code, name in rows if name}
        return by_code, by_name

    def applies_codes(self, target: Target) -> list[tuple[str | None, str]]:
        """(code or None, what was written) for each school a target names."""
        by_code, by_name = self.school_index()
        return [
            (entry if entry in by_code else by_name.get(entry), entry)
            for entry in target.applies_to
        ]

    def subject_rows(self, target_set: TargetSet, target: Target, value_sql: str) -> list[_Row]:
        view = SCOPE_VIEWS[target.scope]
        if target.scope == "school":
            subject = "school_code AS subject_id, school_name AS subject_name"
        elif target.scope == "specialty":
            subject = (
                "school_code || '/' || specialty_code AS subject_id, "
                "school_name || ' ' || specialty_name AS subject_name"
            )
        else:
            subject = "'city' AS subject_id, '全市' AS subject_name"
        by = target.threshold.by if target.threshold and target.threshold.by else None
        category = f"CAST({by} AS VARCHAR)" if by else "NULL"
        applies = f"coalesce(({target.where}), false)" if target.where else "true"
        school = "school_code" if target.scope != "city" else "NULL"
        text = (
            f"SELECT {subject}, CAST(({value_sql}) AS DOUBLE) AS value, {category} AS category, "
            f"{applies} AS applies, {school} AS school_code FROM {view} WHERE year = $year "
            f"ORDER BY subject_id"
        )
        _, rows = self.sql(target_set, target, text)
        result = [_Row(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]
        schools = {r[5] for r in rows}
        if target.scope == "city":
            return result or [_Row("city", "全市", None, reason="no-data")]
        if target.applies_to:
            wanted = self.applies_codes(target)
            codes = {code for code, _ in wanted if code}
            result = [r for r, raw in zip(result, rows, strict=True) if raw[5] in codes]
            for code, entry in wanted:
                if code is None:
                    result.append(_Row(entry, entry, None, reason="school-unknown"))
                elif code not in schools:
                    by_code, _ = self.school_index()
                    result.append(_Row(code, by_code.get(code), None, reason="no-submission"))
        elif target.scope == "school":
            for expected in self.expected:
                if expected.school_code not in schools:
                    result.append(
                        _Row(
                            expected.school_code or expected.school_name,
                            expected.school_name,
                            None,
                            reason="no-submission",
                        )
                    )
        return result

    # -- evaluation ------------------------------------------------------------------------
    def result(
        self,
        target_set: TargetSet,
        target: Target,
        row: _Row,
        threshold: float | None,
        tolerance: float | None,
        met: bool | None,
        reason: str | None,
    ) -> TargetResult:
        value = row.value
        if value is not None and (math.isnan(value) or math.isinf(value)):
            value, met, reason = None, None, reason or "value-missing"
        gap = value - threshold if value is not None and threshold is not None else None
        return TargetResult(
            set_id=target_set.id,
            target_id=target.id,
            name=target.name,
            name_en=target.name_en,
            clause=target.clause,
            scope=target.scope,
            subject_id=row.subject_id,
            subject_name=row.subject_name,
            value=value,
            threshold=threshold,
            comparison=target.comparison,
            met=met,
            gap=gap,
            required=target.required,
            severity=target.severity,
            reason=None if met is not None else (reason or "no-data"),
            unit=self.unit(target),
            tolerance=tolerance,
            year=self.year,
        )

    def unit(self, target: Target) -> str:
        if target.unit:
            return target.unit
        spec = self.store.spec
        expression = (target.expression or "").strip()
        derived = {d.id: d.unit for d in spec.derived}
        if expression in derived:
            return derived[expression]
        indicator = spec.indicator_by_id.get(expression)
        if indicator is not None:
            return indicator.unit
        return "percent" if expression.endswith(("_rate", "_ratio", "_share")) else ""

    def judge(
        self, target_set: TargetSet, target: Target, rows: Iterable[_Row]
    ) -> list[TargetResult]:
        # The loader gives every target judged here (not a query) a comparison and threshold.
        assert target.comparison is not None and target.threshold is not None
        results = []
        tolerance = (
            self.bound(target_set, target.tolerance) if target.tolerance is not None else None
        )
        for row in rows:
            if row.reason:
                results.append(
                    self.result(target_set, target, row, None, tolerance, None, row.reason)
                )
                continue
            if not row.applies:
                results.append(
                    self.result(target_set, target, row, None, tolerance, None, "not-applicable")
                )
                continue
            bound = target.threshold.for_category(row.category)
            if bound is None:
                results.append(
                    self.result(target_set, target, row, None, tolerance, None, "no-threshold")
                )
                continue
            threshold = self.bound(target_set, bound)
            if threshold is None or (target.comparison == "between" and tolerance is None):
                results.append(
                    self.result(
                        target_set, target, row, threshold, tolerance, None, "parameter-missing"
                    )
                )
            elif row.value is None:
                results.append(
                    self.result(
                        target_set, target, row, threshold, tolerance, None, "value-missing"
                    )
                )
            else:
                met = compare(row.value, target.comparison, threshold, tolerance)
                results.append(
                    self.result(target_set, target, row, threshold, tolerance, met, None)
                )
        return results

    def evaluate(self, target_set: TargetSet, target: Target) -> list[TargetResult]:
        key = (target_set.id, target.id)
        if key in self.memo:
            return self.memo[key]
        missing = [
            p
            for p in self.missing_parameters(target_set, target)
            if target.kind in ("expression", "query") and p in self.sql_parameters(target)
        ]
        if missing:
            row = _Row(None, None, None, reason="parameter-missing")
            results = [self.result(target_set, target, row, None, None, None, "parameter-missing")]
        elif target.expression is not None:
            results = self.judge(
                target_set, target, self.subject_rows(target_set, target, target.expression)
            )
        elif target.query is not None:
            results = self.evaluate_query(target_set, target, target.query)
        elif target.kind == "all_of":
            results = self.evaluate_all_of(target_set, target)
        else:
            results = self.evaluate_share_of(target_set, target)
        self.memo[key] = results
        return results

    @staticmethod
    def sql_parameters(target: Target) -> set[str]:
        return set(
            PARAMETER_USE.findall(
                " ".join(filter(None, (target.expression, target.where, target.query)))
            )
        )

    def evaluate_query(
        self, target_set: TargetSet, target: Target, query: str
    ) -> list[TargetResult]:
        columns, rows = self.sql(target_set, target, query)
        needed = {"subject_id", "subject_name", "value", "threshold"}
        if not needed <= set(columns):
            key = next(
                f"targets[{i}].query" for i, t in enumerate(target_set.targets) if t is target
            )
            raise SpecError(
                target_set.path,
                key,
                f"must return columns {', '.join(sorted(needed))} (got {', '.join(columns)})",
            )
        index = {c: i for i, c in enumerate(columns)}
        records = [{c: r[i] for c, i in index.items()} for r in rows]
        if target.applies_to and target.scope != "city":
            codes = {code for code, _ in self.applies_codes(target) if code}
            records = [r for r in records if str(r["subject_id"]).split("/")[0] in codes]
        results = []
        for r in records:
            met = r.get("met") if "met" in index else False
            value = None if r["value"] is None else float(r["value"])
            threshold = None if r["threshold"] is None else float(r["threshold"])
            row = _Row(
                None if r["subject_id"] is None else str(r["subject_id"]), r["subject_name"], value
            )
            reason = r.get("reason") if met is None else None
            results.append(
                self.result(
                    target_set,
                    target,
                    row,
                    threshold,
                    None,
                    None if met is None else bool(met),
                    reason,
                )
            )
        if "met" not in index:
            # The query names the misses only: every other subject of the scope met the target.
            missed = {r.subject_id for r in results}
            for row in self.subject_rows(target_set, target, "NULL"):
                if row.subject_id not in missed and row.reason is None:
                    results.append(self.result(target_set, target, row, None, None, True, None))
        return sorted(results, key=lambda r: r.subject_id or "")

    def reference(self, target_set: TargetSet, ref: str) -> tuple[TargetSet, Target]:
        set_id, _, target_id = ref.rpartition("/")
        other = target_set
        if set_id and set_id != target_set.id:
            found = self.sets.get(set_id)
            if found is None:
                path = target_set.path.parent / f"{set_id}.yaml"
                if not path.is_file():
                    raise SpecError(
                        target_set.path, "targets", f"refers to unknown target set '{set_id}'"
                    )
                found = self.sets[set_id] = load_target_set(path)
            other = found
        try:
            return other, other.target(target_id)
        except StopIteration:
            raise SpecError(
                target_set.path, "targets", f"refers to unknown target '{ref}'"
            ) from None

    def evaluate_all_of(self, target_set: TargetSet, target: Target) -> list[TargetResult]:
        assert target.comparison is not None and target.threshold is not None
        parts = [self.reference(target_set, ref) for ref in target.all_of]
        verdicts = [{r.subject_id: r.met for r in self.evaluate(s, t)} for s, t in parts]
        rows = []
        for row in self.subject_rows(target_set, target, "NULL"):
            if row.reason or not row.applies:
                rows.append(row)
                continue
            metlist = [v.get(row.subject_id) for v in verdicts]
            count = float(sum(m is True for m in metlist))
            if all(m is None for m in metlist):
                rows.append(_Row(row.subject_id, row.subject_name, None, reason="no-data"))
            elif any(m is None for m in metlist):
                threshold = self.bound(target_set, target.threshold.for_category(row.category))
                if threshold is not None and compare(count, target.comparison, threshold):
                    rows.append(_Row(row.subject_id, row.subject_name, count, row.category))
                else:
                    rows.append(
                        _Row(row.subject_id, row.subject_name, count, reason="component-no-data")
                    )
            else:
                rows.append(_Row(row.subject_id, row.subject_name, count, row.category))
        return self.judge(target_set, target, rows)

    def evaluate_share_of(self, target_set: TargetSet, target: Target) -> list[TargetResult]:
        assert target.share_of is not None
        other_set, other = self.reference(target_set, target.share_of)
        verdicts = [r.met for r in self.evaluate(other_set, other) if r.reason != "not-applicable"]
        judged = [m for m in verdicts if m is not None]
        value = sum(judged) / len(judged) if judged else None
        row = _Row("city", "全市", value, reason=None if judged else "no-data")
        return self.judge(target_set, target, [row])
