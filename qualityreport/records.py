"""The frozen records one stage hands the next: a read submission and its validation result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .findings import Finding, FindingCounts


@dataclass(frozen=True)
class CellValue:
    """A submitted value after normalisation, with the cell it came from (师资队伍!C7)."""

    indicator: str
    value: Any  # int, float or str; None when empty
    source: str


@dataclass(frozen=True)
class TableRow:
    """One row of a table sheet (a specialty), keyed by column id, with its Excel row number."""

    row: int
    values: dict[str, Any]


@dataclass(frozen=True)
class Submission:
    """What one workbook says for one school and one year."""

    file: str
    sha256: str
    spec_version: str
    template_version: str | None
    values: dict[str, CellValue]
    specialties: tuple[TableRow, ...]
    narratives: dict[str, str]

    def value(self, indicator: str) -> Any:
        cell = self.values.get(indicator)
        return cell.value if cell else None

    @property
    def school_code(self) -> str | None:
        return self.value("school_code")

    @property
    def school_name(self) -> str | None:
        return self.value("school_name")

    @property
    def year(self) -> int | None:
        return self.value("year")


@dataclass(frozen=True)
class SkippedFile:
    """A file found in a directory that is not read as a workbook, and why (in each language)."""

    file: str
    reason: str
    reason_en: str

    def to_dict(self) -> dict:
        return {"file": self.file, "reason_zh": self.reason, "reason_en": self.reason_en}


@dataclass(frozen=True)
class ValidationResult(FindingCounts):
    """Every finding in one file, and what was read from it (None when it could not be read)."""

    file: str
    findings: tuple[Finding, ...]
    submission: Submission | None = None
    seconds: float = field(default=0.0, compare=False)
    sha256: str | None = field(default=None, compare=False)  # of the file's bytes, when it had any
    cells: int = field(default=0, compare=False)  # cells holding something: what a copy must load

    @property
    def usable(self) -> bool:
        """False when the file itself could not be read as a workbook."""
        return self.submission is not None

    @property
    def valid(self) -> bool:
        return self.usable and self.errors == 0

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "valid": self.valid,
            "usable": self.usable,
            "errors": self.errors,
            "warnings": self.warnings,
            "school_code": self.submission.school_code if self.submission else None,
            "year": self.submission.year if self.submission else None,
            "findings": [f.to_dict() for f in self.findings],
        }
