"""Read workbooks into grids of cell text with their real positions, refusing unusable files early.

Each file is checked (size, inflated size, rows, cells, used range, what it really is) and read
by calamine in a reader process with memory and time limits (isolated.py), so no file can take
the program down; what comes back is a Workbook, or UnreadableFile saying why not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .model import Limits, Sheet, UnreadableFile, Workbook, megabytes
from .sniff import FORMAT_NAMES, SUFFIXES_OF, WORKBOOK_SUFFIXES

__all__ = [
    "FORMAT_NAMES",
    "SUFFIXES_OF",
    "WORKBOOK_SUFFIXES",
    "Limits",
    "Sheet",
    "UnreadableFile",
    "Workbook",
    "file_sha256",
    "megabytes",
    "read_workbook",
    "read_workbooks",
    "start_readers",
]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def start_readers(count: int = 1) -> None:
    """Start reader processes now, so that their start-up overlaps the caller's own."""
    from .isolated import POOL

    POOL.start(count)


def read_workbooks(
    paths: Iterable[str | Path], limits: Limits | None = None
) -> Iterator[Workbook | UnreadableFile]:
    """Each file as a Workbook, or the UnreadableFile saying why not; in order, reading ahead."""
    from .isolated import POOL

    files = [Path(p) for p in paths]
    for path, outcome in zip(files, POOL.read(files, limits or Limits()), strict=True):
        yield outcome if isinstance(outcome, UnreadableFile) else _workbook(path, outcome)


def read_workbook(path: str | Path, limits: Limits | None = None) -> Workbook:
    """Every sheet of a workbook as text at its real position; UnreadableFile when that fails."""
    (outcome,) = read_workbooks([path], limits)
    if isinstance(outcome, UnreadableFile):
        raise outcome
    return outcome


def _workbook(path: Path, data: dict[str, Any]) -> Workbook:
    sheets = {
        s["name"]: Sheet(
            name=s["name"],
            visible=s["visible"],
            rows=s["rows"],
            total_rows=s["total_rows"],
            formulas=s["formulas"],
            merged=tuple(s["merged"]),
            hidden_rows=frozenset(s["hidden_rows"]),
            errors=s["errors"],
            external=s["external"],
        )
        for s in data["sheets"]
    }
    return Workbook(
        path=path,
        sha256=data["sha256"],
        sheets=sheets,
        macros=data["macros"],
        format=data["format"],
        duplicate_sheets=tuple(data["duplicates"]),
        cells=sum(s["cells"] for s in data["sheets"]),
    )
