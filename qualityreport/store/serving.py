"""The served-database lock: while `qualityreport serve` runs, it is the only writer of its file."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import StoreError

# Lock files this process holds, by resolved database path. flock() locks belong to an open file,
# so the serving process must not test its own lock through a second descriptor.
_HELD: dict[Path, IO[bytes]] = {}


def serve_lock_path(db_path: str | Path) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".serving")


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def serving(db_path: str | Path) -> Iterator[None]:
    """Hold the database for a server: writers in other processes wait, then stop as busy."""
    key = Path(db_path).resolve()
    lock_path = serve_lock_path(key)
    handle = open(lock_path, "a+b")  # noqa: SIM115 - held until the server stops
    if not _try_lock(handle):
        handle.close()
        raise StoreError(f"数据库已由另一个服务进程使用 / database busy: already served: {db_path}")
    handle.truncate(0)
    handle.write(f"{os.getpid()}\n".encode())
    handle.flush()
    _HELD[key] = handle
    try:
        yield
    finally:
        _HELD.pop(key, None)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def wait_while_served(db_path: str | Path, wait_seconds: float) -> None:
    """Return once no other process serves the database; after wait_seconds, raise busy."""
    key = Path(db_path).resolve()
    lock_path = serve_lock_path(key)
    if key in _HELD or not lock_path.exists():
        return
    deadline = time.monotonic() + wait_seconds
    with open(lock_path, "rb") as handle:
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"数据库正由网上填报服务使用，请通过网页上传或先停止服务 / database busy: "
                    f"{db_path} is being served by qualityreport serve"
                )
            time.sleep(0.2)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
