"""Open the DuckDB file: create or migrate its versioned schema, wait out another writer's lock."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import StoreError
from ..resources import catalog_path
from ..spec import Spec

SCHEMA_VERSION = 1

# Each entry moves the schema from version n-1 to n; append, never edit a released one.
MIGRATIONS: list[tuple[int, tuple[str, ...]]] = [
    (
        1,
        (
            """CREATE TABLE schools (
            school_code VARCHAR PRIMARY KEY,
            school_name VARCHAR,
            county VARCHAR,
            operator_type VARCHAR,
            school_category VARCHAR,
            discipline_type VARCHAR,
            first_year INTEGER,
            last_year INTEGER,
            expected BOOLEAN NOT NULL DEFAULT FALSE
        )""",
            "CREATE SEQUENCE submission_id_seq START 1",
            """CREATE TABLE submissions (
            submission_id BIGINT PRIMARY KEY,
            school_code VARCHAR,
            year INTEGER,
            version INTEGER,
            file_name VARCHAR NOT NULL,
            file_path VARCHAR NOT NULL,
            sha256 VARCHAR,
            ingested_at TIMESTAMP NOT NULL,
            status VARCHAR NOT NULL CHECK (status IN ('accepted', 'rejected', 'superseded')),
            spec_version VARCHAR,
            template_version VARCHAR,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL
        )""",
            """CREATE TABLE indicator_values (
            submission_id BIGINT NOT NULL,
            indicator_id VARCHAR NOT NULL,
            value_number DOUBLE,
            value_text VARCHAR,
            source_cell VARCHAR
        )""",
            # One column per spec table column is added when the store opens (ensure_spec_columns).
            """CREATE TABLE specialties (
            submission_id BIGINT NOT NULL,
            row_number INTEGER NOT NULL
        )""",
            """CREATE TABLE narratives (
            submission_id BIGINT NOT NULL,
            section_id VARCHAR NOT NULL,
            text VARCHAR
        )""",
            """CREATE TABLE findings (
            submission_id BIGINT NOT NULL,
            severity VARCHAR NOT NULL,
            code VARCHAR NOT NULL,
            rule VARCHAR,
            sheet VARCHAR,
            cell VARCHAR,
            row_number INTEGER,
            indicator VARCHAR,
            found VARCHAR,
            expected VARCHAR,
            message_zh VARCHAR,
            message_en VARCHAR
        )""",
            "CREATE SEQUENCE target_run_seq START 1",
            """CREATE TABLE target_results (
            run_id BIGINT NOT NULL,
            checked_at TIMESTAMP NOT NULL,
            year INTEGER NOT NULL,
            set_id VARCHAR NOT NULL,
            target_id VARCHAR NOT NULL,
            name VARCHAR,
            name_en VARCHAR,
            clause VARCHAR,
            scope VARCHAR NOT NULL,
            subject_id VARCHAR,
            subject_name VARCHAR,
            value DOUBLE,
            threshold DOUBLE,
            comparison VARCHAR,
            met BOOLEAN,
            gap DOUBLE,
            required BOOLEAN NOT NULL,
            severity VARCHAR NOT NULL,
            reason VARCHAR,
            unit VARCHAR
        )""",
            """CREATE TABLE specialty_catalog (
            education_level VARCHAR,
            item_level VARCHAR,
            category_code VARCHAR,
            category_name VARCHAR,
            class_code VARCHAR,
            class_name VARCHAR,
            major_code VARCHAR,
            major_name VARCHAR
        )""",
            """CREATE TABLE narrative_sections (
            section_id VARCHAR PRIMARY KEY,
            position INTEGER NOT NULL,
            name VARCHAR NOT NULL,
            name_en VARCHAR NOT NULL
        )""",
        ),
    ),
]

_SQL_TYPES = {"integer": "BIGINT", "number": "DOUBLE", "string": "VARCHAR"}
_LOCK_MESSAGE = "Could not set lock"


@dataclass
class Store:
    """An open quality-report database; close it (or use `with`) to release the file lock."""

    path: Path
    spec: Spec
    con: duckdb.DuckDBPyConnection = field(repr=False)
    read_only: bool = False

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rows(self, sql: str, params=None) -> list[tuple]:
        # fetchall() always: a half-read result blocks the next statement on this connection.
        return self.con.execute(sql, params).fetchall() if params else self.con.sql(sql).fetchall()

    def scalar(self, sql: str, params=None):
        found = self.rows(sql, params)
        return found[0][0] if found else None


def sql_type(value_type: str) -> str:
    return _SQL_TYPES[value_type]


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _connect(path: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if _LOCK_MESSAGE not in str(exc):
                raise StoreError(
                    f"数据库无法打开 / cannot open database: {path} ({_first_line(exc)})"
                ) from None
            if time.monotonic() >= deadline:
                raise StoreError(f"数据库正被另一个进程写入 / database busy: {path}") from None
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StoreError(
                f"数据库无法打开 / cannot open database: {path} ({_first_line(exc)})"
            ) from None


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'"
    ).fetchall()[0][0]
    if not exists:
        return None
    found = con.execute("SELECT max(schema_version) FROM schema_info").fetchall()
    return found[0][0] if found and found[0][0] is not None else 0


def _migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    current = _schema_version(con)
    if current is not None and current > SCHEMA_VERSION:
        raise StoreError(
            f"数据库版本 {current} 比本程序支持的 {SCHEMA_VERSION} 新，请升级 qualityreport / "
            f"database schema {current} is newer than this program supports ({SCHEMA_VERSION}): {path}"
        )
    if current == SCHEMA_VERSION:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        if current is None:
            con.execute(
                "CREATE TABLE schema_info (schema_version INTEGER NOT NULL, migrated_at TIMESTAMP NOT NULL)"
            )
            current = 0
        for version, statements in MIGRATIONS:
            if version <= current:
                continue
            for statement in statements:
                con.execute(statement)
            con.execute("INSERT INTO schema_info VALUES (?, current_timestamp)", [version])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _ensure_spec_columns(con: duckdb.DuckDBPyConnection, spec: Spec) -> None:
    # The spec may gain a column after the database was created: add it, never drop one.
    existing = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'specialties'"
        ).fetchall()
    }
    for column in spec.specialties.columns:
        if column.id not in existing:
            con.execute(
                f"ALTER TABLE specialties ADD COLUMN {quote(column.id)} {sql_type(column.type)}"
            )


def _load_reference_tables(con: duckdb.DuckDBPyConnection, spec: Spec) -> None:
    if not con.execute("SELECT count(*) FROM specialty_catalog").fetchall()[0][0]:
        con.execute(
            """INSERT INTO specialty_catalog
               SELECT educationLevel, itemLevel, categoryCode, categoryName, classCode, className,
                      majorCode, majorName
               FROM read_csv(?, header = true, all_varchar = true)""",
            [str(catalog_path())],
        )
    con.execute("DELETE FROM narrative_sections")
    con.executemany(
        "INSERT INTO narrative_sections VALUES (?, ?, ?, ?)",
        [(n.id, i + 1, n.name, n.name_en) for i, n in enumerate(spec.narratives)],
    )


def open_store(
    path: str | Path, spec: Spec, *, read_only: bool = False, wait_seconds: float = 5.0
) -> Store:
    """Open (or, for writing, create) the database at path; views are rebuilt from the spec."""
    from .views import create_views

    path = Path(path)
    if read_only and not path.exists():
        raise StoreError(f"数据库不存在，请先入库 / no database yet, run ingest first: {path}")
    con = _connect(path, read_only, wait_seconds)
    try:
        if read_only:
            version = _schema_version(con)
            if version is None:
                raise StoreError(
                    f"不是 qualityreport 数据库 / not a qualityreport database: {path}"
                )
            if version != SCHEMA_VERSION:
                raise StoreError(
                    f"数据库版本 {version} 与程序版本 {SCHEMA_VERSION} 不符 / database schema "
                    f"{version} does not match this program ({SCHEMA_VERSION}): {path}"
                )
        else:
            _migrate(con, path)
            con.execute("BEGIN TRANSACTION")
            try:
                _ensure_spec_columns(con, spec)
                _load_reference_tables(con, spec)
                create_views(con, spec)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
    except StoreError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise StoreError(
            f"数据库无法打开 / cannot open database: {path} ({_first_line(exc)})"
        ) from None
    return Store(path=path, spec=spec, con=con, read_only=read_only)
