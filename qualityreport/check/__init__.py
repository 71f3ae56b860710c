"""Evaluate target sets against the store's views and record every verdict in target_results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import duckdb

from ..city import CityConfig
from ..errors import StoreError
from ..store import Store, expected_from_city, latest_year, schools_expected
from ..store.queries import ExpectedSchool
from ..store.sql import quote
from ..targets import TargetSet
from .evaluate import TargetRun
from .results import (
    NOT_JUDGED,
    REASONS,
    RESULT_COLUMNS,
    CheckReport,
    SkippedSet,
    TargetResult,
    TargetSummary,
    compare,
)
from .roster import Roster

__all__ = [
    "REASONS",
    "CheckReport",
    "SkippedSet",
    "TargetResult",
    "TargetSummary",
    "check",
    "compare",
]

# target_results columns that are not text, by Arrow type name
_ARROW_TYPES = {
    "value": "float64",
    "threshold": "float64",
    "gap": "float64",
    "tolerance": "float64",
    "met": "bool_",
    "required": "bool_",
    "deadline": "int32",
}
_LISTS = ("missing_schools", "undetermined")


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
            no_data=sum(r.met is None and r.reason not in NOT_JUDGED for r in rs),
            not_applicable=sum(r.reason in NOT_JUDGED - {"information"} for r in rs),
            level=rs[0].level,
            indicator=rs[0].indicator,
            unit=rs[0].unit,
            population=rs[0].population,
            incomplete=sum(r.reason == "incomplete" for r in rs),
            listed=sum(r.reason == "information" for r in rs),
        )
        for rs in order.values()
    )


def _expected_table(store: Store, schools: list[ExpectedSchool]) -> None:
    # Completeness queries join this table: the schools that ought to have submitted this year.
    store.con.execute("""CREATE OR REPLACE TEMP TABLE expected_school (
        school_code VARCHAR, school_name VARCHAR, county VARCHAR, source VARCHAR)""")
    if schools:
        import pyarrow as pa

        rows = pa.table(
            {
                name: pa.array([getattr(s, name) for s in schools], type=pa.string())
                for name in ("school_code", "school_name", "county", "source")
            }
        )
        store.con.register("_incoming_expected", rows)
        store.con.execute("INSERT INTO expected_school SELECT * FROM _incoming_expected")
        store.con.unregister("_incoming_expected")


def _county_table(store: Store, counties: list[str]) -> None:
    # County coverage queries join this table: the counties of the city, in its order.
    store.con.execute(
        "CREATE OR REPLACE TEMP TABLE expected_county (county VARCHAR, position INTEGER)"
    )
    if counties:
        store.con.executemany(
            "INSERT INTO expected_county VALUES (?, ?)", [(c, i) for i, c in enumerate(counties)]
        )


def _store_results(
    store: Store, run_id: int, checked_at: dt.datetime, year: int, results: list[TargetResult]
) -> None:
    import pyarrow as pa

    count = len(results)
    columns = {
        "run_id": pa.array([run_id] * count, type=pa.int64()),
        "checked_at": pa.array([checked_at] * count, type=pa.timestamp("us")),
        "year": pa.array([year] * count, type=pa.int32()),
    }
    for name in RESULT_COLUMNS:
        values = [getattr(r, name) for r in results]
        if name in _LISTS:
            columns[name] = pa.array(
                [None if v is None else list(v) for v in values], type=pa.list_(pa.string())
            )
        else:
            columns[name] = pa.array(values, type=getattr(pa, _ARROW_TYPES.get(name, "string"))())
    rows = pa.table(columns)
    store.con.execute("BEGIN TRANSACTION")
    try:
        store.con.register("_incoming_results", rows)
        names = ", ".join(rows.column_names)
        store.con.execute(
            f"INSERT INTO target_results ({names}) SELECT {names} FROM _incoming_results"
        )
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    finally:
        store.con.unregister("_incoming_results")


# The views target sets read. Each query over a view computes it anew (school_year pivots every
# stored value); a check runs dozens of queries, so it reads them computed once.
_VIEWS_READ = ("school_year", "specialty_year", "county_year", "city_year")


@contextmanager
def _views_computed_once(store: Store) -> Iterator[None]:
    """For the block, each view read as a temporary table of its rows (the connection's own:
    temporary tables come first in name resolution), dropped afterwards. A check writes only
    target_results, so the rows cannot change meanwhile."""
    database = store.scalar("SELECT current_database()")
    made = []
    try:
        for view in _VIEWS_READ:
            store.con.execute(
                f"CREATE TEMP TABLE {view} AS SELECT * FROM {quote(database)}.main.{view}"
            )
            made.append(view)
        yield
    finally:
        for view in made:
            store.con.execute(f"DROP TABLE IF EXISTS temp.main.{view}")


def check(
    store: Store,
    target_sets: Iterable[TargetSet],
    year: int | None = None,
    parameters: dict[str, Any] | None = None,
    *,
    expected_schools: Iterable[ExpectedSchool] | None = None,
    city: CityConfig | None = None,
    any_year: bool = False,
    save: bool = True,
) -> CheckReport:
    """Evaluate the targets of the sets for one reporting year (the latest stored by default).

    A set whose `years` do not include the year is skipped (listed in the report's `skipped`)
    unless any_year is True; within a set only the targets for the year are evaluated.
    parameters override the sets' defaults (a value may be a mapping by year); the city
    configuration supplies its parameters (under those given), expected schools, counties and
    the names documents use for schools. Results are stored in target_results under a new run
    id unless the store is read-only or save is False.
    """
    target_sets = tuple(target_sets)
    year = year if year is not None else latest_year(store)
    checked_at = dt.datetime.now().replace(microsecond=0)
    if year is None:
        return CheckReport(None, None, checked_at, {}, (), ())
    if expected_schools is not None:
        given: tuple[ExpectedSchool, ...] | None = tuple(expected_schools)
    else:
        given = expected_from_city(city) if city is not None and city.schools else None
    expected = schools_expected(store, year, given)
    _expected_table(store, expected)
    values = {**(city.parameters if city else {}), **(parameters or {})}
    results: list[TargetResult] = []
    skipped = []
    with _views_computed_once(store):
        roster = Roster(store, year, expected, city)
        _county_table(store, roster.counties())
        run = TargetRun(store, year, values, roster, sets={s.id: s for s in target_sets})
        for target_set in target_sets:
            if not any_year and not target_set.covers(year):
                skipped.append(SkippedSet(target_set.id, target_set.name, target_set.all_years))
                continue
            for target in target_set.targets:
                if any_year or target.in_force(year):
                    results.extend(run.evaluate(target_set, target))
    run_id = None
    if save and not store.read_only and results:
        run_id = store.scalar("SELECT nextval('target_run_seq')")
        try:
            _store_results(store, run_id, checked_at, year, results)
        except duckdb.Error as exc:
            raise StoreError(f"目标结果无法保存 / cannot store target results: {exc}") from None
    checked = {s.id for s in target_sets} - {s.set_id for s in skipped}
    used = {
        s.id: {k: v for k, v in run.parameters(s).items() if k != "year"}
        for s in target_sets
        if s.id in checked
    }
    return CheckReport(
        year,
        run_id,
        checked_at,
        used,
        tuple(results),
        _summaries(results),
        tuple(skipped),
        schools_submitted=len(roster.submitted),
        missing_schools=tuple(s.name for s in roster.missing()),
    )
