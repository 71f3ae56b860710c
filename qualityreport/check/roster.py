"""Who a check is about: the expected schools, who submitted, the names documents use, counties."""

from __future__ import annotations

from dataclasses import dataclass

from ..city import CityConfig
from ..store import Store
from ..store.queries import ExpectedSchool


@dataclass(frozen=True)
class School:
    """A school a target speaks of: its code when known, and the name to print."""

    code: str | None
    name: str
    county: str | None = None

    @property
    def key(self) -> str:
        return self.code or self.name


class Roster:
    """The schools and counties of one reporting year.

    Expected are the schools given (a city's list), else those the store knows as expected or
    from earlier years; submitted are those with an accepted submission for the year. A name
    from a document is resolved by code, by the city's aliases and full names, then by the
    names schools submitted under.
    """

    def __init__(
        self,
        store: Store,
        year: int,
        expected: list[ExpectedSchool],
        city: CityConfig | None = None,
    ):
        self.year, self.city = year, city
        self.submitted = self._year_rows(store, year)
        self.submitted_before = self._year_rows(store, year - 1)
        known = store.rows("SELECT school_code, school_name, county FROM schools")
        names: dict[str, School] = {}
        for code, name, county in known:
            names[code] = School(code, name or code, county)
        for code, (name, county) in {**self.submitted_before, **self.submitted}.items():
            names[code] = School(code, name or code, county)
        # The city's own list names its schools last, so its names and counties win.
        for school in expected:
            code = school.school_code
            if code:
                before = names.get(code, School(code, code))
                names[code] = School(
                    code, school.school_name or before.name, school.county or before.county
                )
        self._by_code = names
        self.expected = [self._expected(s) for s in expected]
        # the same for every target of the check: worked out once (a province has thousands)
        seen = {s.key for s in self.expected}
        others = [names[c] for c in sorted(self.submitted) if c not in seen]
        self._everyone = (*self.expected, *others)
        self._missing = tuple(s for s in self.expected if s.code not in self.submitted)
        self._missing_set = frozenset(self._missing)

    @staticmethod
    def _year_rows(store: Store, year: int) -> dict[str, tuple[str | None, str | None]]:
        rows = store.rows(
            "SELECT school_code, school_name, county FROM school_year WHERE year = ?", [year]
        )
        return {code: (name, county) for code, name, county in rows}

    def _expected(self, school: ExpectedSchool) -> School:
        if school.school_code:
            return self._by_code[school.school_code]
        found = self.resolve(school.school_name or "")
        return found or School(None, school.school_name or "", school.county)

    def resolve(self, written: str) -> School | None:
        """The school a code, full name or alias refers to; None when nobody knows it."""
        written = str(written).strip()
        if written in self._by_code:
            return self._by_code[written]
        if self.city is not None:
            configured = self.city.school(written)
            if configured is not None:
                return self._by_code.get(configured.code) or School(
                    configured.code, configured.name, configured.county or None
                )
        for school in self._by_code.values():
            if school.name == written:
                return school
        return None

    def school(self, code: str) -> School:
        return self._by_code.get(code) or School(code, code)

    def everyone(self) -> list[School]:
        """Every school the year is about: the expected ones, then any other that submitted."""
        return list(self._everyone)

    def missing(self) -> list[School]:
        """Expected schools without a submission this year."""
        return list(self._missing)

    def is_missing(self, school: School) -> bool:
        """An expected school without a submission this year."""
        return school in self._missing_set

    def counties(self) -> list[str]:
        """The city's counties in its declared order, else every county a school is in."""
        if self.city is not None and self.city.counties:
            return list(self.city.counties)
        found = {s.county for s in self._everyone if s.county}
        return sorted(found)

    def in_county(self, county: str | None) -> list[School]:
        return [s for s in self._everyone if county is None or s.county == county]
