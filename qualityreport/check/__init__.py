"""Evaluate target sets against the store's views and record every verdict in target_results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import duckdb
import polars as pl

from ..errors import StoreError
from ..store import Store, latest_year, schools_expected
from ..store.queries import ExpectedSchool
from ..targets import TargetSet
from .evaluate import TargetRun
from .results import REASONS, RESULT_COLUMNS, CheckReport, TargetResult, TargetSummary, compare

__all__ = ["REASONS", "CheckReport", "TargetResult", "TargetSummary", "check", "compare"]


def _summaries(results: list[TargetResult]) -> tuple[TargetSummary, ...]:
    order: dict[tuple[str, str], list[TargetResult]] = {}
    for r in results:
        order.setdefault((r.set_id, r.target_id), []).append(r)
    return tuple(
        TargetSummary(
            set_id=rs[0].set_id,
            target_id=rs[0].target_id,
            name=rs[0].name,
            name_en=rs[0].name_en,
            scope=rs[0].scope,
            required=rs[0].required,
            severity=rs[0].severity,
            met=sum(r.met is True for r in rs),
            missed=sum(r.met is False for r in rs),
            no_data=sum(r.met is None and r.reason != "not-applicable" for r in rs),
            not_applicable=sum(r.reason == "not-applicable" for r in rs),
        )
        for rs in order.values()
    )


def _expected_table(store: Store, schools: list[ExpectedSchool]) -> None:
    # Completeness queries join this table: the schools that ought to have submitted this year.
    store.con.execute("""CREATE OR REPLACE TEMP TABLE expected_school (
        school_code VARCHAR, school_name VARCHAR, county VARCHAR, source VARCHAR)""")
    if schools:
        store.con.executemany(
            "INSERT INTO expected_school VALUES (?, ?, ?, ?)",
            [(s.school_code, s.school_name, s.county, s.source) for s in schools],
        )


def _store_results(
    store: Store, run_id: int, checked_at: dt.datetime, year: int, results: list[TargetResult]
) -> None:
    frame = pl.DataFrame(
        {
            "run_id": [run_id] * len(results),
            "checked_at": [checked_at] * len(results),
            "year": [year] * len(results),
            **{name: [getattr(r, name) for r in results] for name in RESULT_COLUMNS},
        },
        schema={
            "run_id": pl.Int64,
            "checked_at": pl.Datetime("us"),
            "year": pl.Int32,
            "set_id": pl.String,
            "target_id": pl.String,
            "name": pl.String,
            "name_en": pl.String,
            "clause": pl.String,
            "scope": pl.String,
            "subject_id": pl.String,
            "subject_name": pl.String,
            "value": pl.Float64,
            "threshold": pl.Float64,
            "comparison": pl.String,
            "met": pl.Boolean,
            "gap": pl.Float64,
            "required": pl.Boolean,
            "severity": pl.String,
            "reason": pl.String,
            "unit": pl.String,
        },
    )
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.register("_incoming_results", frame.to_arrow())
        columns = ", ".join(frame.columns)
        store.con.execute(
            f"INSERT INTO target_results ({columns}) SELECT {columns} FROM _incoming_results"
        )
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    finally:
        store.con.unregister("_incoming_results")


def check(
    store: Store,
    target_sets: Iterable[TargetSet],
    year: int | None = None,
    parameters: dict[str, Any] | None = None,
    *,
    expected_schools: Iterable[ExpectedSchool] | None = None,
    save: bool = True,
) -> CheckReport:
    """Evaluate every target of the sets for one year (the latest stored by default).

    parameters override the sets' defaults (a value may be a mapping by year). Results are
    stored in target_results under a new run id unless the store is read-only or save is False.
    """
    target_sets = tuple(target_sets)
    year = year if year is not None else latest_year(store)
    checked_at = dt.datetime.now().replace(microsecond=0)
    if year is None:
        return CheckReport(None, None, checked_at, {}, (), ())
    given = tuple(expected_schools) if expected_schools is not None else None
    expected = schools_expected(store, year, given)
    _expected_table(store, expected)
    run = TargetRun(
        store, year, dict(parameters or {}), expected, sets={s.id: s for s in target_sets}
    )
    results: list[TargetResult] = []
    for target_set in target_sets:
        for target in target_set.targets:
            results.extend(run.evaluate(target_set, target))
    run_id = None
    if save and not store.read_only:
        run_id = store.scalar("SELECT nextval('target_run_seq')")
        try:
            _store_results(store, run_id, checked_at, year, results)
        except duckdb.Error as exc:
            raise StoreError(f"目标结果无法保存 / cannot store target results: {exc}") from None
    used = {s.id: {k: v for k, v in run.parameters(s).items() if k != "year"} for s in target_sets}
    return CheckReport(year, run_id, checked_at, used, tuple(results), _summaries(results))
