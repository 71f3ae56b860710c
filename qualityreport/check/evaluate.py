"""Evaluate one target over its scope: expressions, queries, all_of, share_of and count_of.

Missing data is never a pass: a school without a submission is listed as such, a city or
county figure with an expected school missing is incomplete (and names the school), and a
composite is met only when its parts settle it, missed as soon as they do.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from ..errors import SpecError, first_line
from ..store import Store
from ..targets import (
    COUNTY_POPULATION,
    SCOPE_VIEWS,
    ParamRef,
    PreviousYear,
    Target,
    TargetSet,
    load_target_set,
    resolve_parameter,
)
from .results import NOT_JUDGED, TargetResult, compare
from .roster import Roster, School

# Columns a figure of these computed indicators needs from every school.
_COMPUTED_USES = {
    "specialties_adjusted": ("specialties_adjusted",),
    "specialty_adjustment_ratio": ("specialties_adjusted",),
}
_SUBJECT_SQL = {
    "school": "school_code, school_name",
    "specialty": "school_code || '/' || specialty_code, school_name || ' ' || specialty_name",
    "county": "county, county",
    "city": "'city', '全市'",
}
_UNRESOLVED = {"no-submission", "school-unknown"}


@dataclass(frozen=True)
class _Row:
    """One subject on its way to a verdict."""

    subject_id: str | None
    subject_name: str | None
    value: float | None = None
    category: str | None = None
    applies: bool | None = True
    reason: str | None = None
    previous: float | None = None  # the subject's value the year before
    has_previous: bool = False
    met: bool | None = None
    threshold: float | None = None
    decided: bool = False  # met, reason and threshold are final (queries, composites)
    missing: tuple[str, ...] = ()
    undetermined: tuple[str, ...] = ()


@dataclass
class TargetRun:
    """One check of one year: parameters, the roster of schools, and the verdicts found so far."""

    store: Store
    year: int
    overrides: dict[str, Any]
    roster: Roster
    sets: dict[str, TargetSet] = field(default_factory=dict)
    memo: dict[tuple[str, str], list[TargetResult]] = field(default_factory=dict)
    used_parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    _nulls: dict[tuple[tuple[str, ...], int], set[str]] = field(default_factory=dict)

    # -- parameters ------------------------------------------------------------------------
    def parameters(self, target_set: TargetSet) -> dict[str, Any]:
        if target_set.id not in self.used_parameters:
            values = {p.id: p.default for p in target_set.parameters}
            values.update({k: v for k, v in self.overrides.items() if k in values})
            resolved = {k: resolve_parameter(v, self.year) for k, v in values.items()}
            resolved["year"] = self.year
            self.used_parameters[target_set.id] = resolved
        return self.used_parameters[target_set.id]

    def bound(self, target_set: TargetSet, bound) -> tuple[float | None, str]:
        """A bound's number (None when its parameter has no value) and the level it carries."""
        if not isinstance(bound, ParamRef):
            return bound, ""
        parameter = target_set.parameter(bound.name)
        level = parameter.level if parameter else ""
        value = self.parameters(target_set).get(bound.name)
        if value is None:
            return None, level
        try:
            return float(value), level
        except (TypeError, ValueError):
            raise SpecError(
                target_set.path, f"parameters.{bound.name}", f"must be a number, got {value!r}"
            ) from None

    # -- SQL -------------------------------------------------------------------------------
    def key(self, target_set: TargetSet, target: Target) -> str:
        return next(f"targets[{i}]" for i, t in enumerate(target_set.targets) if t is target)

    def sql(
        self, target_set: TargetSet, target: Target, text: str, year: int | None = None
    ) -> tuple[list[str], list[tuple]]:
        values = {**self.parameters(target_set), "year": self.year if year is None else year}
        names = {n for n in values if f"${n}" in text}
        try:
            cursor = self.store.con.execute(text, {n: values[n] for n in names} or None)
            columns = [d[0] for d in cursor.description]
            return columns, cursor.fetchall()
        except duckdb.Error as exc:
            detail = first_line(exc)
            key = self.key(target_set, target)
            raise SpecError(target_set.path, key, f"SQL failed: {detail}") from None

    def select(
        self, target_set: TargetSet, target: Target, value_sql: str, year: int
    ) -> dict[str, tuple]:
        """subject id → (name, value, category, applies, school code) over the scope's view."""
        by = target.threshold.by if target.threshold and target.threshold.by else None
        category = f"CAST({by} AS VARCHAR)" if by else "NULL"
        applies = f"({target.where})" if target.where else "true"
        school = "school_code" if target.scope in ("school", "specialty") else "NULL"
        text = (
            f"SELECT {_SUBJECT_SQL[target.scope]}, CAST(({value_sql}) AS DOUBLE), {category}, "
            f"{applies}, {school} FROM {SCOPE_VIEWS[target.scope]} WHERE year = $year"
        )
        _, rows = self.sql(target_set, target, text, year)
        return {str(r[0]): r[1:] for r in rows}

    # -- declarations ----------------------------------------------------------------------
    def check_indicator(self, target_set: TargetSet, target: Target) -> None:
        if self.store.spec.describe(target.indicator) or target_set.measure(target.indicator):
            return
        raise SpecError(
            target_set.path,
            f"{self.key(target_set, target)}.indicator",
            f"unknown indicator '{target.indicator}' (not in the spec, nor a measure of the set)",
        )

    def uses(self, target: Target) -> tuple[str, ...]:
        """The school_year columns a city or county figure of this target needs from each school."""
        if target.uses:
            return target.uses
        spec = self.store.spec
        indicator = spec.indicator_by_id.get(target.indicator)
        if indicator is not None and indicator.is_numeric:
            return (indicator.id,) + ((indicator.per,) if indicator.per else ())
        derived = next((d for d in spec.derived if d.id == target.indicator), None)
        if derived is not None:
            return derived.terms
        return _COMPUTED_USES.get(target.indicator, ())

    def without(self, columns: tuple[str, ...], year: int) -> set[str]:
        """Schools that submitted for the year but left one of these columns empty."""
        if not columns:
            return set()
        if (columns, year) not in self._nulls:
            test = " OR ".join(f'"{c}" IS NULL' for c in columns)
            rows = self.store.rows(
                f"SELECT school_code FROM school_year WHERE year = ? AND ({test})", [year]
            )
            self._nulls[(columns, year)] = {r[0] for r in rows}
        return self._nulls[(columns, year)]

    # -- subjects --------------------------------------------------------------------------
    def named(self, target_set: TargetSet, target: Target) -> list[School | str] | None:
        """The schools (or counties) a target names, resolved where the city knows them."""
        names: tuple[str, ...] = target.applies_to
        if target.task is not None:
            task = target_set.task(target.task)
            if task.schools is None:
                raise SpecError(
                    target_set.path,
                    f"{self.key(target_set, target)}.applies_to",
                    f"task {task.key} has no readable school list: {task.note}",
                )
            names = task.schools
        if not names:
            return None
        if target.scope == "county":
            return list(names)
        return [self.roster.resolve(n) or n for n in names]

    def schools(self, target_set: TargetSet, target: Target) -> list[School | str]:
        named = self.named(target_set, target)
        return named if named is not None else list(self.roster.everyone())

    def absent(self, school: School | str) -> _Row | None:
        """The row of a school with no submission this year, None when it has one."""
        if isinstance(school, str):
            return _Row(school, school, reason="school-unknown")
        if school.code not in self.roster.submitted:
            return _Row(school.key, school.name, reason="no-submission")
        return None

    def gaps(
        self, target: Target, county: str | None, previous: bool
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(schools without a submission, schools whose figure is undetermined) behind a city or
        county figure."""
        schools = self.roster.in_county(county)
        missing = tuple(s.name for s in schools if self.roster.is_missing(s))
        empty = self.without(self.uses(target), self.year)
        if previous:
            empty = empty | self.without(self.uses(target), self.year - 1)
        undetermined = [
            s.name
            for s in schools
            if s.code in self.roster.submitted
            and (s.code in empty or previous and s.code not in self.roster.submitted_before)
        ]
        return missing, tuple(undetermined)

    def counties(self, target_set: TargetSet, target: Target) -> list[str]:
        named = self.named(target_set, target)
        return [str(n) for n in named] if named is not None else self.roster.counties()

    def skeleton(self, target_set: TargetSet, target: Target) -> list[_Row]:
        """One row per subject, without values: for results that need no data."""
        if target.scope == "city":
            return [_Row("city", "全市")]
        if target.scope == "county":
            return [_Row(c, c) for c in self.counties(target_set, target)]
        rows = []
        for school in self.schools(target_set, target):
            rows.append(
                self.absent(school) or _Row(school.key, school.name)  # type: ignore[union-attr]
            )
        return rows

    # -- kinds -----------------------------------------------------------------------------
    def expression_rows(self, target_set: TargetSet, target: Target) -> list[_Row]:
        assert target.expression is not None
        current = self.select(target_set, target, target.expression, self.year)
        wants_previous = target.threshold is not None and any(
            isinstance(b, PreviousYear)
            for b in (target.threshold.default, *(v for _, v in target.threshold.values))
        )
        before = (
            self.select(target_set, target, target.expression, self.year - 1)
            if wants_previous
            else {}
        )

        def row(subject_id: str, name: str | None) -> _Row:
            found = current[subject_id]
            prior = before.get(subject_id)
            return _Row(
                subject_id,
                name if name is not None else found[0],
                found[1],
                found[2],
                None if found[3] is None else bool(found[3]),
                previous=prior[1] if prior else None,
                has_previous=prior is not None and prior[1] is not None,
            )

        if target.scope == "city":
            missing, undetermined = self.gaps(target, None, wants_previous)
            base = row("city", "全市") if "city" in current else _Row("city", "全市")
            return [replace(base, missing=missing, undetermined=undetermined)]
        if target.scope == "county":
            rows = []
            for county in self.counties(target_set, target):
                missing, undetermined = self.gaps(target, county, wants_previous)
                base = row(county, county) if county in current else _Row(county, county)
                rows.append(replace(base, missing=missing, undetermined=undetermined))
            return rows
        rows = []
        schools = self.schools(target_set, target)
        if target.scope == "school":
            for school in schools:
                rows.append(self.absent(school) or row(school.key, school.name))  # type: ignore[union-attr]
            return rows
        codes = {s.code for s in schools if isinstance(s, School)}
        for school in schools:
            gone = self.absent(school)
            if gone is not None:
                rows.append(gone)
        for subject_id in sorted(current):
            if current[subject_id][4] in codes:
                rows.append(row(subject_id, None))
        return rows

    def query_rows(self, target_set: TargetSet, target: Target) -> list[_Row]:
        assert target.query is not None
        columns, found = self.sql(target_set, target, target.query)
        needed = {"subject_id", "subject_name", "value", "threshold"}
        if not needed <= set(columns):
            raise SpecError(
                target_set.path,
                f"{self.key(target_set, target)}.query",
                f"must return columns {', '.join(sorted(needed))} (got {', '.join(columns)})",
            )
        records = [dict(zip(columns, r, strict=True)) for r in found]
        decides = "met" in columns
        rows, seen = [], set()
        for r in records:
            subject = None if r["subject_id"] is None else str(r["subject_id"])
            seen.add(subject)
            met = r.get("met") if decides else False
            rows.append(
                _Row(
                    subject,
                    r["subject_name"],
                    None if r["value"] is None else float(r["value"]),
                    threshold=None if r["threshold"] is None else float(r["threshold"]),
                    met=None if met is None else bool(met),
                    reason=r.get("reason") if met is None else None,
                    decided=True,
                )
            )
        if target.scope in ("school", "specialty"):
            schools = self.schools(target_set, target)
            wanted = {s.code for s in schools if isinstance(s, School)}
            rows = [r for r in rows if str(r.subject_id).split("/")[0] in wanted]
            for school in schools:
                gone = self.absent(school)
                if gone is not None and gone.subject_id not in seen:
                    rows.append(gone)
            if not decides and not target.informational:
                # The query names the misses only: every other subject that submitted met it.
                for subject_id, found_row in self.select(
                    target_set, target, "NULL", self.year
                ).items():
                    if subject_id not in seen and found_row[4] in wanted:
                        rows.append(_Row(subject_id, found_row[0], met=True, decided=True))
            rows.sort(key=lambda r: r.subject_id or "")
        return rows

    def reference(self, target_set: TargetSet, ref: str) -> tuple[TargetSet, Target]:
        set_id, _, target_id = ref.rpartition("/")
        if not set_id or set_id == target_set.id:
            other = target_set
        else:
            other = self.sets.get(set_id)  # type: ignore[assignment]
            if other is None:
                path = target_set.path.parent / f"{set_id}.yaml"
                if not path.is_file():
                    raise SpecError(
                        target_set.path, "targets", f"refers to unknown target set '{set_id}'"
                    )
                other = self.sets[set_id] = load_target_set(path)
        try:
            return other, other.target(target_id)
        except StopIteration:
            raise SpecError(
                target_set.path, "targets", f"refers to unknown target '{ref}'"
            ) from None

    def settle(
        self, target_set: TargetSet, target: Target, low: float, high: float, category=None
    ) -> tuple[float | None, bool | None, str | None]:
        """Threshold, verdict and reason of a count that lies between low and high: met once the
        low end meets it, missed once even the high end misses it (for at-least comparisons)."""
        assert target.threshold is not None and target.comparison is not None
        threshold, _ = self.bound(target_set, target.threshold.for_category(category))
        if threshold is None:
            return None, None, "parameter-missing"
        if low == high:
            return threshold, compare(low, target.comparison, threshold), None
        if target.comparison in ("ge", "gt") and not compare(high, target.comparison, threshold):
            return threshold, False, None
        return threshold, None, None

    def all_of_rows(self, target_set: TargetSet, target: Target) -> list[_Row]:
        parts = [self.reference(target_set, ref) for ref in target.all_of]
        verdicts = [({r.subject_id: r for r in self.evaluate(s, t)}, t) for s, t in parts]
        context = self.select(target_set, target, "NULL", self.year)
        rows = []
        for school in self.schools(target_set, target):
            gone = self.absent(school)
            if gone is not None:
                rows.append(gone)
                continue
            assert isinstance(school, School)
            name, _, category, applies, _ = context[school.key]
            if not applies:
                rows.append(_Row(school.key, school.name, applies=applies))
                continue
            results = [(v.get(school.key), t) for v, t in verdicts]
            met = sum(r is not None and r.met is True for r, _ in results)
            open_parts = tuple(t.name for r, t in results if r is None or r.met is None)
            threshold, verdict, reason = self.settle(
                target_set, target, met, met + len(open_parts), category
            )
            if reason is None and verdict is None:
                if compare(met, target.comparison or "ge", threshold or 0):
                    verdict = True  # the parts met already settle it
                else:
                    reason = "component-no-data"
            rows.append(
                _Row(
                    school.key,
                    school.name,
                    float(met),
                    category,
                    threshold=threshold,
                    met=verdict,
                    reason=reason,
                    decided=True,
                    undetermined=open_parts,
                )
            )
        return rows

    def tally_rows(self, target_set: TargetSet, target: Target) -> list[_Row]:
        """share_of and count_of: how many schools (of a county, or the city) meet a target."""
        ref = target.share_of or target.count_of
        assert ref is not None
        other_set, other = self.reference(target_set, ref)
        parts = [r for r in self.evaluate(other_set, other) if r.reason not in NOT_JUDGED]
        groups: list[tuple[str, str | None]] = (
            [("city", None)]
            if target.scope == "city"
            else [(c, c) for c in self.counties(target_set, target)]
        )
        rows = []
        for subject, county in groups:
            members = [r for r in parts if county is None or self.county_of(r.subject_id) == county]
            met = sum(r.met is True for r in members)
            unknown = [r for r in members if r.met is None]
            total = len(members)
            name = "全市" if county is None else county
            if target.share_of and total == 0:
                rows.append(_Row(subject, name, reason="no-data", decided=True))
                continue
            scale = total if target.share_of else 1
            low, high = met / scale, (met + len(unknown)) / scale
            threshold, verdict, reason = self.settle(target_set, target, low, high)
            if reason is None and verdict is None:
                reason = "incomplete"
            rows.append(
                _Row(
                    subject,
                    name,
                    low,
                    threshold=threshold,
                    met=verdict,
                    reason=reason,
                    decided=True,
                    missing=tuple(r.subject_name or "" for r in unknown if r.reason in _UNRESOLVED),
                    undetermined=tuple(
                        r.subject_name or "" for r in unknown if r.reason not in _UNRESOLVED
                    ),
                )
            )
        return rows

    def county_of(self, subject_id: str | None) -> str | None:
        if subject_id is None:
            return None
        found = self.roster.resolve(subject_id)
        return found.county if found else None

    # -- verdicts --------------------------------------------------------------------------
    def evaluate(self, target_set: TargetSet, target: Target) -> list[TargetResult]:
        key = (target_set.id, target.id)
        if key in self.memo:
            return self.memo[key]
        self.check_indicator(target_set, target)
        if target.population not in (self.store.spec.population, COUNTY_POPULATION):
            rows = [_Row("city", "全市", reason="other-population", decided=True)]
        elif any(self.parameters(target_set).get(p) is None for p in target.sql_parameters()):
            rows = [
                r if r.reason else replace(r, reason="parameter-missing", decided=True)
                for r in self.skeleton(target_set, target)
            ]
        elif target.kind == "expression":
            rows = self.expression_rows(target_set, target)
        elif target.kind == "query":
            rows = self.query_rows(target_set, target)
        elif target.kind == "all_of":
            rows = self.all_of_rows(target_set, target)
        else:
            rows = self.tally_rows(target_set, target)
        results = [self.judge(target_set, target, row) for row in rows]
        self.memo[key] = results
        return results

    def judge(self, target_set: TargetSet, target: Target, row: _Row) -> TargetResult:
        level, threshold, baseline = target.level, row.threshold, None
        met, reason = row.met, row.reason
        tolerance = None
        if target.tolerance is not None:
            tolerance, _ = self.bound(target_set, target.tolerance)
        if reason is None and not row.decided:
            if row.applies is None:
                reason = "applicability-unknown"
            elif not row.applies:
                reason = "not-applicable"
        if reason is None and not row.decided and target.threshold is not None:
            bound = target.threshold.for_category(row.category)
            if bound is None:
                reason = "no-threshold"
            elif isinstance(bound, PreviousYear):
                baseline, threshold = "previous_year", row.previous
                reason = None if row.has_previous else "no-previous-year"
            else:
                threshold, from_parameter = self.bound(target_set, bound)
                level = from_parameter or level
                reason = None if threshold is not None else "parameter-missing"
            if reason is None and target.comparison == "between" and tolerance is None:
                reason = "parameter-missing"
            value = row.value
            if reason is None and (value is None or math.isnan(value) or math.isinf(value)):
                reason = "value-missing"
            if reason is None and threshold is not None and target.comparison is not None:
                met = compare(row.value, target.comparison, threshold, tolerance)  # type: ignore[arg-type]
        if (row.missing or row.undetermined) and not row.decided and reason not in NOT_JUDGED:
            # A city or county figure short of a school is never a pass, nor a certain miss.
            met, reason = None, "incomplete"
        if target.informational and (reason is None or met is not None):
            met, reason = None, "information"
        if (
            target.deadline is not None
            and self.year != target.deadline
            and reason not in NOT_JUDGED
        ):
            met = None
            reason = "before-deadline" if self.year < target.deadline else "after-deadline"
        if met is not None:
            reason = None
        elif reason is None:
            reason = "no-data"
        value = row.value
        if value is not None and (math.isnan(value) or math.isinf(value)):
            value = None
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
            reason=reason,
            unit=target.unit,
            tolerance=tolerance,
            level=level,
            indicator=target.indicator,
            population=target.population,
            set_name=target_set.name,
            source=target_set.source,
            deadline=target.deadline,
            baseline=baseline,
            category=row.category,
            missing_schools=row.missing,
            undetermined=row.undetermined,
            year=self.year,
        )


def evaluate_all(run: TargetRun, pairs: Iterable[tuple[TargetSet, Target]]) -> list[TargetResult]:
    results: list[TargetResult] = []
    for target_set, target in pairs:
        results.extend(run.evaluate(target_set, target))
    return results
