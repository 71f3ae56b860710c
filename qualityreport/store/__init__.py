"""The DuckDB store: versioned schema, one-transaction ingest, history, completeness and views."""

from .city_texts import CityTextOutcome, city_text, store_city_text
from .ingest import IngestOutcome, IngestReport, ingest, ingest_iter, ingest_paths
from .queries import (
    ExpectedSchool,
    MissingSchool,
    RateFigures,
    StatusReport,
    SubmissionRecord,
    SubmittedSchool,
    approval_locks,
    city_employment_rate,
    expected_from_city,
    history,
    latest_year,
    query,
    register_expected_schools,
    schools_expected,
    status,
)
from .schema import SCHEMA_VERSION, SpecChange, Store, migrate_spec, open_store
from .views import __doc__ as VIEWS_DOC

__all__ = [
    "CityTextOutcome",
    "city_text",
    "store_city_text",
    "SCHEMA_VERSION",
    "SpecChange",
    "VIEWS_DOC",
    "ExpectedSchool",
    "IngestOutcome",
    "IngestReport",
    "MissingSchool",
    "RateFigures",
    "StatusReport",
    "Store",
    "SubmissionRecord",
    "SubmittedSchool",
    "approval_locks",
    "city_employment_rate",
    "history",
    "ingest",
    "ingest_iter",
    "ingest_paths",
    "latest_year",
    "migrate_spec",
    "expected_from_city",
    "open_store",
    "query",
    "register_expected_schools",
    "schools_expected",
    "status",
]
