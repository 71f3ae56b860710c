"""Store the bureau's chapters of the city report: one version per year, like a submission."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..citytext import CaseText, CityText, CityTextResult
from .schema import Store


@dataclass(frozen=True)
class CityTextOutcome:
    file: str
    year: int | None
    outcome: str  # accepted | superseded-previous | unchanged | rejected
    version: int | None
    errors: int
    warnings: int


def store_city_text(store: Store, result: CityTextResult) -> CityTextOutcome:
    """Keep a checked document: a valid one becomes the year's current version (the one before
    is kept, superseded); an identical file is skipped; one with errors is recorded as rejected."""
    text = result.text
    year = text.year if text else None

    def outcome(kind: str, version: int | None) -> CityTextOutcome:
        return CityTextOutcome(result.file, year, kind, version, result.errors, result.warnings)

    if text is None or not result.valid:
        if year is not None and result.sha256:
            with store.transaction():
                _insert(store, result, year, None, "rejected")
        return outcome("rejected", None)
    current = store.rows(
        "SELECT text_id, version, sha256 FROM city_texts WHERE year = ? AND status = 'accepted'",
        [year],
    )
    if current and current[0][2] == result.sha256:
        return outcome("unchanged", current[0][1])
    version = (
        store.scalar(
            "SELECT coalesce(max(version), 0) FROM city_texts WHERE year = ? AND version IS NOT NULL",
            [year],
        )
        + 1
    )
    with store.transaction():
        if current:
            store.con.execute(
                "UPDATE city_texts SET status = 'superseded' WHERE text_id = ?", [current[0][0]]
            )
        text_id = _insert(store, result, text.year, version, "accepted")
        for section_id, body in text.sections.items():
            store.con.execute(
                "INSERT INTO city_text_sections VALUES (?, ?, ?)", [text_id, section_id, body]
            )
        for n, case in enumerate(text.cases, start=1):
            store.con.execute(
                "INSERT INTO city_text_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    text_id,
                    n,
                    case.section_id,
                    case.title,
                    case.text,
                    case.photo,
                    case.photo_type,
                    case.caption,
                ],
            )
    return outcome("superseded-previous" if current else "accepted", version)


def _insert(
    store: Store, result: CityTextResult, year: int, version: int | None, status: str
) -> int:
    text_id = store.scalar("SELECT nextval('city_text_id_seq')")
    store.con.execute(
        "INSERT INTO city_texts VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp::TIMESTAMP, ?, ?)",
        [
            text_id,
            year,
            version,
            status,
            result.text.outline_id if result.text else None,
            Path(result.file).name,
            result.sha256,
            result.errors,
            result.warnings,
        ],
    )
    return int(text_id)


def city_text(store: Store, year: int) -> CityText | None:
    """The year's current chapters, or None when the bureau has stored none."""
    found = store.rows(
        "SELECT text_id, outline_id FROM city_texts WHERE year = ? AND status = 'accepted'",
        [year],
    )
    if not found:
        return None
    text_id, outline_id = found[0]
    sections = dict(
        store.rows("SELECT section_id, text FROM city_text_sections WHERE text_id = ?", [text_id])
    )
    cases = tuple(
        CaseText(section, title, body, bytes(photo) if photo is not None else None, kind, caption)
        for section, title, body, photo, kind, caption in store.rows(
            "SELECT section_id, title, text, photo, photo_type, caption FROM city_text_cases "
            "WHERE text_id = ? ORDER BY position",
            [text_id],
        )
    )
    return CityText(year=year, outline_id=str(outline_id or ""), sections=sections, cases=cases)
