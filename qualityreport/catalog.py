"""The official 2021 specialty catalog (职业教育专业目录), shipped with the package, and the
correspondence of earlier catalogs' codes to it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import SpecError
from .resources import catalog_path, data_dir

CORRESPONDENCE_COLUMNS = ("code_before", "name_before", "code", "name")


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    name: str
    class_code: str
    class_name: str
    category_code: str
    category_name: str


@lru_cache(maxsize=4)
def majors(level: str = "VOCATIONAL_SECONDARY") -> dict[str, CatalogEntry]:
    """Every specialty (MAJOR row) of one education level, by code."""
    with open(catalog_path(), encoding="utf-8", newline="") as handle:
        return {
            row["majorCode"]: CatalogEntry(
                row["majorCode"],
                row["majorName"],
                row["classCode"],
                row["className"],
                row["categoryCode"],
                row["categoryName"],
            )
            for row in csv.DictReader(handle)
            if row["educationLevel"] == level and row["itemLevel"] == "MAJOR"
        }


@lru_cache(maxsize=4)
def categories(level: str = "VOCATIONAL_SECONDARY") -> dict[str, str]:
    """专业大类 code → name for one education level."""
    with open(catalog_path(), encoding="utf-8", newline="") as handle:
        return {
            row["categoryCode"]: row["categoryName"]
            for row in csv.DictReader(handle)
            if row["educationLevel"] == level and row["itemLevel"] == "CATEGORY"
        }


@dataclass(frozen=True)
class Successor:
    """The current code (and name) an earlier catalog's code became."""

    code: str
    name: str


@lru_cache(maxsize=4)
def correspondence(table: str) -> dict[str, tuple[Successor, ...]]:
    """Earlier code → its current code(s), from a correspondence table (a CSV in the package's
    data folder, or an absolute path); a code split in two has two rows."""
    path = Path(table) if Path(table).is_absolute() else data_dir() / table
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != CORRESPONDENCE_COLUMNS:
                raise SpecError(path, "", f"needs the columns {','.join(CORRESPONDENCE_COLUMNS)}")
            found: dict[str, tuple[Successor, ...]] = {}
            for row in reader:
                found[row["code_before"]] = (
                    *found.get(row["code_before"], ()),
                    Successor(row["code"], row["name"]),
                )
            return found
    except OSError as exc:
        raise SpecError(path, "", f"cannot be read ({exc.strerror})") from None
