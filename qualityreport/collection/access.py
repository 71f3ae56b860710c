"""One process's turns at the store file: the web application's reads and writes never overlap."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..spec import Spec
from ..store import Store, open_store


class SerialStore:
    """Opens the store for one operation at a time and closes it after.

    Holding no connection between requests lets the command line read the file while the
    server runs; one lock keeps this process's own connections from meeting (DuckDB refuses a
    read-only and a read-write connection to one file in one process).
    """

    def __init__(
        self, db_path: str | Path, spec: Spec | None = None, *, wait_seconds: float = 10.0
    ):
        self.path = Path(db_path)
        self.wait_seconds = wait_seconds
        self.lock = threading.Lock()
        # created or migrated now; afterwards every open uses the spec the database recorded
        with open_store(self.path, spec, wait_seconds=wait_seconds) as store:
            self.spec: Spec = store.spec

    @property
    def files_dir(self) -> Path:
        """Uploaded workbooks, annotated copies, templates and rendered reports live here."""
        return self.path.with_name(self.path.stem + "-files")

    @contextmanager
    def writing(self) -> Iterator[Store]:
        with self.lock, open_store(self.path, self.spec, wait_seconds=self.wait_seconds) as store:
            yield store

    @contextmanager
    def reading(self) -> Iterator[Store]:
        with (
            self.lock,
            open_store(
                self.path, self.spec, read_only=True, wait_seconds=self.wait_seconds
            ) as store,
        ):
            yield store

    @contextmanager
    def exclusive(self) -> Iterator[Path]:
        """The file alone, for library functions that open it by path (the report renderers)."""
        with self.lock:
            yield self.path
