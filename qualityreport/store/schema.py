"""Open the DuckDB file: create or migrate its versioned schema and spec, wait out another writer."""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from ..errors import QualityReportError, StoreError, first_line
from ..resources import catalog_path
from ..spec import Spec, load_spec, spec_from_texts
from .sql import quote, sql_type
from .views import VIEWS_VERSION, create_views

SCHEMA_VERSION = 5

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
    (
        2,
        (
            # The spec each database was built with, every version of it: readers use the latest.
            """CREATE TABLE spec_records (
            spec_id INTEGER PRIMARY KEY,
            fingerprint VARCHAR NOT NULL,
            spec_version VARCHAR NOT NULL,
            files VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            views_version INTEGER NOT NULL,
            recorded_at TIMESTAMP NOT NULL
        )""",
        ),
    ),
    # The collection round on the web: accounts, rounds, uploads, reviews and the audit log.
    (
        3,
        (
            """CREATE TABLE accounts (
            login VARCHAR PRIMARY KEY,
            role VARCHAR NOT NULL CHECK (role IN ('school', 'bureau')),
            school_code VARCHAR,
            display_name VARCHAR NOT NULL,
            password_hash VARCHAR NOT NULL,
            password_temporary BOOLEAN NOT NULL,
            password_set_at TIMESTAMP NOT NULL,
            created_at TIMESTAMP NOT NULL
        )""",
            """CREATE TABLE collection_rounds (
            year INTEGER PRIMARY KEY,
            deadline TIMESTAMP NOT NULL,
            opened_at TIMESTAMP NOT NULL,
            opened_by VARCHAR NOT NULL
        )""",
            """CREATE TABLE uploads (
            upload_id VARCHAR PRIMARY KEY,
            school_code VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            uploaded_by VARCHAR NOT NULL,
            original_name VARCHAR NOT NULL,
            stored_name VARCHAR NOT NULL,
            outcome VARCHAR NOT NULL,
            submission_id BIGINT,
            detail VARCHAR
        )""",
            """CREATE TABLE reviews (
            year INTEGER NOT NULL,
            school_code VARCHAR NOT NULL,
            state VARCHAR NOT NULL
                CHECK (state IN ('submitted', 'withdrawn', 'returned', 'approved')),
            submission_id BIGINT NOT NULL,
            submitted_at TIMESTAMP,
            reviewed_at TIMESTAMP,
            reviewed_by VARCHAR,
            comment VARCHAR,
            PRIMARY KEY (year, school_code)
        )""",
            """CREATE TABLE explanations (
            submission_id BIGINT NOT NULL,
            sheet VARCHAR,
            cell VARCHAR,
            code VARCHAR NOT NULL,
            rule VARCHAR,
            text VARCHAR NOT NULL,
            written_by VARCHAR NOT NULL,
            written_at TIMESTAMP NOT NULL
        )""",
            "CREATE SEQUENCE audit_event_seq START 1",
            """CREATE TABLE audit_log (
            event_id BIGINT PRIMARY KEY,
            happened_at TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            role VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            school_code VARCHAR,
            year INTEGER,
            submission_id BIGINT,
            version INTEGER,
            detail VARCHAR
        )""",
            """CREATE TABLE web_settings (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL
        )""",
        ),
    ),
    (
        # Each verdict carries its target's declarations, so readers never guess them.
        4,
        tuple(
            f"ALTER TABLE target_results ADD COLUMN IF NOT EXISTS {column} {sql}"
            for column, sql in (
                ("tolerance", "DOUBLE"),
                ("level", "VARCHAR"),
                ("indicator", "VARCHAR"),
                ("population", "VARCHAR"),
                ("set_name", "VARCHAR"),
                ("source", "VARCHAR"),
                ("deadline", "INTEGER"),
                ("baseline", "VARCHAR"),
                ("category", "VARCHAR"),
                ("missing_schools", "VARCHAR[]"),
                ("undetermined", "VARCHAR[]"),
            )
        ),
    ),
    (
        # The bureau's own chapters of the city report, versioned like a school's submission.
        5,
        (
            "CREATE SEQUENCE IF NOT EXISTS city_text_id_seq START 1",
            """CREATE TABLE IF NOT EXISTS city_texts (
            text_id BIGINT PRIMARY KEY,
            year INTEGER NOT NULL,
            version INTEGER,
            status VARCHAR NOT NULL CHECK (status IN ('accepted', 'rejected', 'superseded')),
            outline_id VARCHAR,
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            ingested_at TIMESTAMP NOT NULL,
            errors INTEGER NOT NULL,
            warnings INTEGER NOT NULL
        )""",
            """CREATE TABLE IF NOT EXISTS city_text_sections (
            text_id BIGINT NOT NULL,
            section_id VARCHAR NOT NULL,
            text VARCHAR NOT NULL
        )""",
            """CREATE TABLE IF NOT EXISTS city_text_cases (
            text_id BIGINT NOT NULL,
            position INTEGER NOT NULL,
            section_id VARCHAR NOT NULL,
            title VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            photo BLOB,
            photo_type VARCHAR,
            caption VARCHAR NOT NULL
        )""",
        ),
    ),
]

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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block as one transaction: all of it is stored, or none of it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")


def _create_empty(path: Path) -> None:
    """Bring a new, empty database file into being at path in one step.

    DuckDB writes a new file's header after creating it: a second process opening the path in
    between finds "not a valid DuckDB database file". So the file is made under a private name
    and linked into place, which fails harmlessly when another process got there first.
    """
    private = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        duckdb.connect(str(private)).close()
        try:
            os.link(private, path)
        except FileExistsError:
            pass
    except (OSError, duckdb.Error) as exc:
        raise StoreError(
            f"数据库无法创建 / cannot create database: {path} ({first_line(exc)})"
        ) from None
    finally:
        private.unlink(missing_ok=True)
        private.with_name(private.name + ".wal").unlink(missing_ok=True)


def connect(path: Path, read_only: bool, wait_seconds: float = 5.0) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection, waiting up to wait_seconds while another process holds the file;
    then StoreError "database busy" (never DuckDB's own lock message)."""
    if not read_only and not path.exists():
        _create_empty(path)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if _LOCK_MESSAGE not in str(exc):
                raise StoreError(
                    f"数据库无法打开 / cannot open database: {path} ({first_line(exc)})"
                ) from None
            if time.monotonic() >= deadline:
                raise StoreError(f"数据库正被另一个进程写入 / database busy: {path}") from None
            time.sleep(0.2)
        except duckdb.Error as exc:
            raise StoreError(
                f"数据库无法打开 / cannot open database: {path} ({first_line(exc)})"
            ) from None


def _schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_info'"
    ).fetchall()[0][0]
    if not exists:
        return None
    found = con.execute("SELECT max(schema_version) FROM schema_info").fetchall()
    return found[0][0] if found and found[0][0] is not None else 0


def _refuse_newer(version: int | None, path: Path) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise StoreError(
            f"数据库版本 {version} 比本程序支持的 {SCHEMA_VERSION} 新，请升级 qualityreport / "
            f"database schema {version} is newer than this program supports ({SCHEMA_VERSION}): {path}"
        )


def _migrate(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    current = _schema_version(con)
    _refuse_newer(current, path)
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


@dataclass(frozen=True)
class RecordedSpec:
    """The spec a database was built with, as it recorded it."""

    spec: Spec
    views_version: int


def _recorded_spec(con: duckdb.DuckDBPyConnection, path: Path) -> RecordedSpec | None:
    rows = con.execute(
        "SELECT files, views_version, source FROM spec_records ORDER BY spec_id DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return None
    files, views_version, source = rows[0]
    spec = _spec_of(str(files), str(source), str(path))
    return RecordedSpec(spec, int(views_version))


@functools.lru_cache(maxsize=8)
def _spec_of(files: str, source: str, path: str) -> Spec:
    """The spec a database records, parsed once per process for the same text (a worker that
    renders fifty reports opens the store fifty times)."""
    texts = tuple((str(name), str(text)) for name, text in json.loads(files))
    # Errors in a recorded spec name the database and where the spec came from.
    spec = spec_from_texts(texts, Path(f"{path}:{source}"))
    return replace(spec, directory=Path(source))


def _record(con: duckdb.DuckDBPyConnection, spec: Spec) -> None:
    con.execute(
        """INSERT INTO spec_records
           SELECT coalesce(max(spec_id), 0) + 1, ?, ?, ?, ?, ?, current_timestamp
           FROM spec_records""",
        [
            spec.fingerprint,
            spec.version,
            json.dumps([list(t) for t in spec.texts], ensure_ascii=False),
            str(spec.directory),
            VIEWS_VERSION,
        ],
    )


def _build(con: duckdb.DuckDBPyConnection, spec: Spec) -> None:
    _ensure_spec_columns(con, spec)
    _load_reference_tables(con, spec)
    create_views(con, spec)


def _refuse_other_spec(path: Path, recorded: Spec, given: Spec) -> StoreError:
    return StoreError(
        f"数据库按另一套指标规范建立（版本 {recorded.version}，来自 {recorded.directory}），"
        f"不能用 {given.directory} 的规范写入；如要改用它，请运行 "
        f"qualityreport migrate --db {path} --specs {given.directory} / the database was built "
        f"with another spec (version {recorded.version}, from {recorded.directory}); to move it "
        f"to the spec in {given.directory} run: qualityreport migrate --db {path} "
        f"--specs {given.directory}"
    )


def _open_for_writing(con: duckdb.DuckDBPyConnection, path: Path, spec: Spec | None) -> Spec:
    _migrate(con, path)
    con.execute("BEGIN TRANSACTION")
    try:
        recorded = _recorded_spec(con, path)
        if recorded is None:
            # A new database (or one from before specs were recorded): it keeps this spec.
            spec = spec or load_spec()
            _record(con, spec)
            _build(con, spec)
        else:
            if spec is not None and spec.fingerprint != recorded.spec.fingerprint:
                raise _refuse_other_spec(path, recorded.spec, spec)
            spec = recorded.spec
            if recorded.views_version != VIEWS_VERSION:
                # This program computes the views differently: rebuild them once, from the
                # recorded spec, and remember it.
                _build(con, spec)
                con.execute(
                    "UPDATE spec_records SET views_version = ? "
                    "WHERE spec_id = (SELECT max(spec_id) FROM spec_records)",
                    [VIEWS_VERSION],
                )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return spec


def _open_for_reading(con: duckdb.DuckDBPyConnection, path: Path, spec: Spec | None) -> Spec:
    version = _schema_version(con)
    if version is None:
        raise StoreError(f"不是 qualityreport 数据库 / not a qualityreport database: {path}")
    _refuse_newer(version, path)
    recorded = _recorded_spec(con, path) if version == SCHEMA_VERSION else None
    if recorded is None or recorded.views_version != VIEWS_VERSION:
        raise StoreError(
            f"数据库来自旧版本（结构版本 {version}），请先运行 qualityreport migrate --db {path} / "
            f"the database comes from an earlier version (schema {version}); run: "
            f"qualityreport migrate --db {path}"
        )
    if spec is not None and spec.fingerprint != recorded.spec.fingerprint:
        raise _refuse_other_spec(path, recorded.spec, spec)
    return recorded.spec


def open_store(
    path: str | Path,
    spec: Spec | None = None,
    *,
    read_only: bool = False,
    wait_seconds: float = 5.0,
) -> Store:
    """Open (or, for writing, create) the database at path, with the spec it records.

    A new database records the spec given (the shipped one by default) and builds its views
    from it; an existing one is read with the spec it recorded, and a different spec given here
    is refused (`migrate_spec` moves a database to another spec).
    """
    from .serving import wait_while_served

    path = Path(path)
    if not read_only:
        wait_while_served(path, wait_seconds)
    if read_only and not path.exists():
        raise StoreError(f"数据库不存在，请先入库 / no database yet, run ingest first: {path}")
    con = connect(path, read_only, wait_seconds)
    try:
        if read_only:
            used = _open_for_reading(con, path, spec)
        else:
            used = _open_for_writing(con, path, spec)
    except QualityReportError:
        con.close()
        raise
    except duckdb.Error as exc:
        con.close()
        raise StoreError(
            f"数据库无法打开 / cannot open database: {path} ({first_line(exc)})"
        ) from None
    return Store(path=path, spec=used, con=con, read_only=read_only)


@dataclass(frozen=True)
class SpecChange:
    """What moving a database to another spec changed in the indicators its views show."""

    previous_version: str
    version: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: bool


def migrate_spec(store: Store, spec: Spec) -> SpecChange:
    """Record a new spec for the database and rebuild the views from it; no data is deleted.

    Values of indicators the new spec drops stay stored (they are no longer shown in the
    views); indicators it adds are empty for earlier submissions.
    """
    if store.read_only:
        raise StoreError(f"数据库以只读方式打开 / database opened read-only: {store.path}")
    old = store.spec
    before = {i.id for i in old.indicators} | {d.id for d in old.derived}
    after = {i.id for i in spec.indicators} | {d.id for d in spec.derived}
    change = SpecChange(
        old.version,
        spec.version,
        tuple(sorted(after - before)),
        tuple(sorted(before - after)),
        old.fingerprint == spec.fingerprint,
    )
    if change.unchanged:
        return change
    store.con.execute("BEGIN TRANSACTION")
    try:
        _record(store.con, spec)
        _build(store.con, spec)
        store.con.execute("COMMIT")
    except Exception:
        store.con.execute("ROLLBACK")
        raise
    store.spec = spec
    return change
