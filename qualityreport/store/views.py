"""The views other stages read (the public SQL surface), generated from the spec on every write-open.

Views (ratios are fractions: 0.5 means 50 %; every ratio is NULL when its denominator is 0 or NULL):

Which version is reported: the current accepted version of each school and year; in a year that
has a collection round (``qualityreport serve``), only the version the bureau approved, so checks
and reports of that year read approved data alone. ``submission_log`` lists every version.

``school_year`` — one row per school and year, the reported version only:
    school_code, year, submission_id, version, school_name, county, operator_type,
    school_category, discipline_type, then every numeric indicator of the spec (DOUBLE), then
    every derived indicator (numerator terms / denominator terms, each side a sum that may
    subtract: the 口径 "不含顶岗实习学生" divides by students_enrolled - internship_students,
    NULL when internship_students is empty), then
    specialty_count (specialties whose status is not 撤销), specialties_adjusted (this year's
    changes only, read against the same school's submission of the year before: a code 新增
    that was not offered the year before, or a specialty whose status became 停招 or 撤销 — one
    still 停招 from last year is not counted again; NULL without last year's submission),
    specialty_adjustment_ratio (specialties_adjusted / previous_specialty_count),
    previous_specialty_count (last year's specialty_count).

``specialty_year`` — one row per specialty of a current submission:
    school_code, school_name, county, year, row_number, specialty_code, specialty_name, status,
    category_code (first two digits), category_name (2021 catalog), enrolled, admitted,
    graduates, employed, further_study, employed_in_field, employment_rate
    ((employed + further_study) / graduates), in_field_employment_rate (employed_in_field /
    employed).

``county_year`` — per county and year; ``city_year`` — per year:
    county (county_year only), year, schools, every numeric indicator summed — except a
    per-unit indicator (``per`` in the spec, e.g. funding_per_student per students_enrolled),
    which is sum(value × unit) / sum(unit), the total over the total — every derived indicator
    as sum(numerator) / sum(denominator) over the schools reporting both (never an average of
    school ratios), specialty_count, specialties_adjusted, specialty_adjustment_ratio (over the
    schools with last year's submission), previous_specialty_count; city_year adds
    ``<derived id>_median``: the median of the school values. These figures cover the schools
    that submitted: a check names the expected schools that did not.

``narrative`` — school_code, year, section_id, text, section_name, position (reported versions).

``submission_log`` — every submission ever ingested: submission_id, school_code, school_name,
    year, version, status (accepted | superseded | rejected), file_name, file_path, sha256,
    ingested_at, spec_version, template_version, errors, warnings.

``latest_target_results`` — the rows of ``target_results`` from the latest check run of each
    (year, set_id, target_id): run_id, checked_at, year, set_id, set_name, source, target_id,
    name, name_en, clause, level (国家标准 / 省定标准 / 市定目标 …), indicator (the id the value
    measures), unit (of value, threshold and gap; percent values are fractions), population
    (who the target judges), scope (school / specialty / county / city), subject_id,
    subject_name, value, threshold, comparison (gt = 超过, ge = 不低于/达到/以上, …), tolerance,
    baseline ('previous_year' when the threshold is last year's value), category (the school
    category a threshold was chosen by), deadline (the year a dated target is judged in), met
    (NULL when no verdict), gap (value - threshold), required, severity, reason (why met is
    NULL: no-submission, incomplete, parameter-missing, before-deadline, …), missing_schools
    and undetermined (the schools an incomplete city or county figure lacks).
"""

from __future__ import annotations

import duckdb

from ..spec import Derived, Spec
from .sql import literal, quote

# Raise when the views compute something differently: databases rebuild them on the next write.
VIEWS_VERSION = 4
KEY_INDICATORS = ("school_code", "year")
NEW_STATUS = "新增"
STOPPED_STATUSES = ("停招", "撤销")
CLOSED_STATUS = "撤销"


# A submission the views report: the current accepted version of a school-year; in a year with a
# collection round (round.py), only the version the bureau approved.
def _reported(alias: str = "") -> str:
    return (
        f"{alias}status = 'accepted' AND ({alias}year NOT IN (SELECT year FROM collection_rounds)"
        f" OR {alias}submission_id IN (SELECT submission_id FROM reviews WHERE state = 'approved'))"
    )


REPORTED_SUBMISSION = _reported()


def attribute_ids(spec: Spec) -> list[str]:
    """Text indicators carried in school_year next to the keys (name, county, categories)."""
    return [i.id for i in spec.indicators if not i.is_numeric and i.id not in KEY_INDICATORS]


def numeric_ids(spec: Spec) -> list[str]:
    return [i.id for i in spec.indicators if i.is_numeric and i.id not in KEY_INDICATORS]


def _terms(terms: tuple[str, ...], prefix: str = "", less: tuple[str, ...] = ()) -> str:
    added = " + ".join(f"{prefix}{quote(t)}" for t in terms)
    return added + "".join(f" - {prefix}{quote(t)}" for t in less)


def _sides(d: Derived, prefix: str = "") -> tuple[str, str]:
    return (
        _terms(d.numerator, prefix, d.numerator_less),
        _terms(d.denominator, prefix, d.denominator_less),
    )


def _ratio(d: Derived, prefix: str = "") -> str:
    num, den = _sides(d, prefix)
    return f"({num}) / NULLIF({den}, 0)"


def _summed_ratio(d: Derived) -> str:
    # Only schools that report both sides count, so a missing denominator cannot inflate a rate.
    # A side with a term left empty (an optional indicator) is NULL: that school is left out.
    num, den = _sides(d)
    both = f"({num}) IS NOT NULL AND ({den}) IS NOT NULL"
    return f"sum({num}) FILTER (WHERE {both}) / NULLIF(sum({den}) FILTER (WHERE {both}), 0)"


def _aggregate(spec: Spec, indicator_id: str) -> str:
    """A county or city figure: a sum, or for a per-unit value the total over the total."""
    per = spec.indicator_by_id[indicator_id].per
    if per is None:
        return f"sum({quote(indicator_id)}) AS {quote(indicator_id)}"
    value, unit = quote(indicator_id), quote(per)
    both = f"{value} IS NOT NULL AND {unit} IS NOT NULL"
    return (
        f"sum({value} * {unit}) FILTER (WHERE {both}) / NULLIF(sum({unit}) FILTER (WHERE {both}), 0)"
        f" AS {value}"
    )


def school_year_sql(spec: Spec) -> str:
    attributes, numbers = attribute_ids(spec), numeric_ids(spec)
    pivots = [
        f"max(v.value_text) FILTER (WHERE v.indicator_id = {literal(i)}) AS {quote(i)}"
        for i in attributes
    ] + [
        f"max(v.value_number) FILTER (WHERE v.indicator_id = {literal(i)}) AS {quote(i)}"
        for i in numbers
    ]
    stopped = ", ".join(literal(s) for s in STOPPED_STATUSES)
    columns = (
        ["b.school_code", "b.year", "b.submission_id", "b.version"]
        + [f"b.{quote(i)}" for i in attributes + numbers]
        + [f"{_ratio(d, 'b.')} AS {quote(d.id)}" for d in spec.derived]
        + [
            "b.specialty_count",
            # Without last year's submission no change can be told from a continuing state.
            "CASE WHEN p.school_code IS NOT NULL THEN b.specialties_changed END"
            " AS specialties_adjusted",
            "CASE WHEN p.school_code IS NOT NULL THEN b.specialties_changed END"
            " / NULLIF(p.specialty_count, 0) AS specialty_adjustment_ratio",
            "p.specialty_count AS previous_specialty_count",
        ]
    )
    return f"""CREATE OR REPLACE VIEW school_year AS
WITH current_submission AS (
    SELECT submission_id, school_code, year, version FROM submissions
    WHERE {REPORTED_SUBMISSION}
), wide AS (
    SELECT v.submission_id, {", ".join(pivots)}
    FROM indicator_values v JOIN current_submission USING (submission_id)
    GROUP BY v.submission_id
), specialty_rows AS (
    SELECT c.submission_id, c.school_code, c.year, s.specialty_code, s.status
    FROM specialties s JOIN current_submission c USING (submission_id)
), specialty_counts AS (
    -- A change counts in the year it happens: read each row against the same code last year.
    SELECT cur.submission_id,
           count(*) FILTER (WHERE coalesce(cur.status, '') <> {literal(CLOSED_STATUS)}) AS specialty_count,
           count(*) FILTER (WHERE
               cur.status = {literal(NEW_STATUS)}
                   AND coalesce(prev.status, {literal(CLOSED_STATUS)}) = {literal(CLOSED_STATUS)}
               OR cur.status IN ({stopped}) AND prev.status IS DISTINCT FROM cur.status
           ) AS specialties_changed
    FROM specialty_rows cur
    LEFT JOIN specialty_rows prev ON prev.school_code = cur.school_code
         AND prev.year = cur.year - 1 AND prev.specialty_code = cur.specialty_code
    GROUP BY cur.submission_id
), base AS (
    SELECT c.school_code, c.year, c.submission_id, c.version,
           {", ".join(f"w.{quote(i)}" for i in attributes)},
           {", ".join(f"CAST(w.{quote(i)} AS DOUBLE) AS {quote(i)}" for i in numbers)},
           coalesce(sc.specialty_count, 0) AS specialty_count,
           coalesce(sc.specialties_changed, 0) AS specialties_changed
    FROM current_submission c
    LEFT JOIN wide w USING (submission_id)
    LEFT JOIN specialty_counts sc USING (submission_id)
)
SELECT {", ".join(columns)}
FROM base b
LEFT JOIN base p ON p.school_code = b.school_code AND p.year = b.year - 1"""


def specialty_year_sql(spec: Spec) -> str:
    table = spec.specialties
    fixed = ("specialty_code", "specialty_name", "status")
    known = {c.id for c in table.columns}
    others = [c.id for c in table.columns if c.id not in fixed]
    rates = []
    if {"employed", "further_study", "graduates"} <= known:
        rates.append("(s.employed + s.further_study) / NULLIF(s.graduates, 0) AS employment_rate")
    if {"employed_in_field", "employed"} <= known:
        rates.append("s.employed_in_field / NULLIF(s.employed, 0) AS in_field_employment_rate")
    columns = (
        ["y.school_code", "y.school_name", "y.county", "y.year", "s.row_number"]
        + [f"s.{quote(c)}" for c in fixed if c in known]
        + ["substr(s.specialty_code, 1, 2) AS category_code", "cat.category_name"]
        + [f"s.{quote(c)}" for c in others]
        + rates
    )
    return f"""CREATE OR REPLACE VIEW specialty_year AS
SELECT {", ".join(columns)}
FROM specialties s
JOIN school_year y USING (submission_id)
LEFT JOIN (
    SELECT category_code, any_value(category_name) AS category_name
    FROM specialty_catalog
    WHERE item_level = 'CATEGORY' AND education_level = 'VOCATIONAL_SECONDARY'
    GROUP BY category_code
) cat ON cat.category_code = substr(s.specialty_code, 1, 2)"""


def _aggregate_sql(spec: Spec, view: str, keys: list[str], medians: bool) -> str:
    columns = list(keys) + ["count(*) AS schools"]
    columns += [_aggregate(spec, i) for i in numeric_ids(spec)]
    columns += [f"{_summed_ratio(d)} AS {quote(d.id)}" for d in spec.derived]
    columns += [
        "sum(specialty_count) AS specialty_count",
        "sum(specialties_adjusted) AS specialties_adjusted",
        "sum(specialties_adjusted) / NULLIF(sum(previous_specialty_count)"
        " FILTER (WHERE specialties_adjusted IS NOT NULL), 0) AS specialty_adjustment_ratio",
        "sum(previous_specialty_count) AS previous_specialty_count",
    ]
    if medians:
        columns += [f"median({quote(d.id)}) AS {quote(d.id + '_median')}" for d in spec.derived]
        columns.append("median(specialty_adjustment_ratio) AS specialty_adjustment_ratio_median")
    return f"""CREATE OR REPLACE VIEW {view} AS
SELECT {", ".join(columns)}
FROM school_year
GROUP BY {", ".join(keys)}"""


NARRATIVE_SQL = f"""CREATE OR REPLACE VIEW narrative AS
SELECT s.school_code, s.year, n.section_id, n.text, ns.name AS section_name, ns.position
FROM narratives n
JOIN submissions s ON s.submission_id = n.submission_id AND {_reported("s.")}
LEFT JOIN narrative_sections ns ON ns.section_id = n.section_id"""

SUBMISSION_LOG_SQL = """CREATE OR REPLACE VIEW submission_log AS
SELECT s.submission_id, s.school_code,
       coalesce(
           (SELECT max(v.value_text) FROM indicator_values v
            WHERE v.submission_id = s.submission_id AND v.indicator_id = 'school_name'),
           sc.school_name) AS school_name,
       s.year, s.version, s.status, s.file_name, s.file_path, s.sha256, s.ingested_at,
       s.spec_version, s.template_version, s.errors, s.warnings
FROM submissions s
LEFT JOIN schools sc ON sc.school_code = s.school_code"""

LATEST_TARGET_RESULTS_SQL = """CREATE OR REPLACE VIEW latest_target_results AS
SELECT * FROM target_results
QUALIFY run_id = max(run_id) OVER (PARTITION BY year, set_id, target_id)"""


def create_views(con: duckdb.DuckDBPyConnection, spec: Spec) -> None:
    for sql in (
        school_year_sql(spec),
        specialty_year_sql(spec),
        _aggregate_sql(spec, "county_year", ["county", "year"], medians=False),
        _aggregate_sql(spec, "city_year", ["year"], medians=True),
        NARRATIVE_SQL,
        SUBMISSION_LOG_SQL,
        LATEST_TARGET_RESULTS_SQL,
    ):
        con.execute(sql)
