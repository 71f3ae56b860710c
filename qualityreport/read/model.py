"""What reading hands on: the limits it keeps, sheets as text grids, and why a file is unreadable."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that keep a hostile file from exhausting memory or time."""

    max_file_bytes: int = 50 * MEGABYTE
    max_inflated_bytes: int = 300 * MEGABYTE  # counted while inflating: headers can lie
    max_rows: int = 100_000  # per sheet, counted before calamine loads it
    # Per sheet, and also the area of the used range: calamine builds a dense grid from the
    # first to the last used cell, so ten cells out at XFD99999 would cost gigabytes.
    max_cells: int = 2_000_000
    max_inspected_sheet_bytes: int = 30 * MEGABYTE  # sheets inspected for formulas and merges
    # What the reader process may allocate for one file, on top of what it holds already, and
    # how long it may take: past either it is stopped and the file reported.
    max_reader_bytes: int = 1024 * MEGABYTE
    max_seconds: float = 60.0

    def as_tuple(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Sheet:
    """One sheet as text: rows[0] is Excel row 1 and rows[r][0] is column A."""

    name: str
    visible: bool
    rows: list[list[str | None]]
    total_rows: int
    # A1 → the formula's saved result; None when the file holds no computed result for it
    # (never saved by a program that calculates, or a placeholder left for recalculation).
    formulas: dict[str, str | None] = field(default_factory=dict)
    merged: tuple[str, ...] = ()
    hidden_rows: frozenset[int] = frozenset()  # 1-based rows hidden in the sheet
    errors: dict[str, str] = field(default_factory=dict)  # A1 → an error value such as #DIV/0!
    external: dict[str, str] = field(default_factory=dict)  # A1 → formula linking another file

    def cell(self, row: int, col: int) -> str | None:
        """Text of the cell at a 1-based row and 0-based column, None when empty."""
        if row < 1 or row > len(self.rows):
            return None
        values = self.rows[row - 1]
        return values[col] if col < len(values) else None


@dataclass(frozen=True)
class Workbook:
    path: Path
    sha256: str
    sheets: dict[str, Sheet]
    macros: bool = False  # a VBA project or Excel 4.0 macro sheets; never run, but reported
    format: str = ""  # what the content is (xlsx, xls, xlsb, ods), whatever the file is called
    duplicate_sheets: tuple[str, ...] = ()  # names given to more than one sheet
    cells: int = 0  # cells holding something, in every sheet


class UnreadableFile(Exception):
    """The file cannot be read as a workbook; code is a finding code of the file-* family.

    reason and reason_en say in each language what the file is and what to do; found and
    expected are numbers or cell references, the same in both languages.
    """

    def __init__(
        self,
        code: str,
        reason: str = "",
        reason_en: str = "",
        *,
        found: Any = None,
        expected: Any = None,
        sheet: str | None = None,
        sha256: str | None = None,
        **params: str,
    ):
        super().__init__(reason_en or reason or code)
        self.code, self.reason, self.reason_en = code, reason, reason_en or reason
        self.found, self.expected, self.sheet, self.sha256 = found, expected, sheet, sha256
        self.params = params

    def finding_params(self) -> dict[str, Any]:
        """What make_finding needs to report this file."""
        return dict(
            sheet=self.sheet,
            found=self.found,
            expected=self.expected,
            reason=self.reason,
            reason_en=self.reason_en,
            **self.params,
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "reason": self.reason,
            "reason_en": self.reason_en,
            "found": self.found,
            "expected": self.expected,
            "sheet": self.sheet,
            "sha256": self.sha256,
            "params": self.params,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> UnreadableFile:
        return cls(
            data["code"],
            data["reason"],
            data["reason_en"],
            found=data["found"],
            expected=data["expected"],
            sheet=data["sheet"],
            sha256=data["sha256"],
            **data["params"],
        )


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB"
