"""The official 2021 specialty catalog (职业教育专业目录), shipped with the package."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from .resources import catalog_path


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
