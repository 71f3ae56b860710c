"""A city's configuration: name, issuer, counties, expected schools, its own target sets, parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SpecError
from .spec import SNAKE_CASE_ID, Spec, YamlReader, read_yaml_file

_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class CitySchool:
    """A school the city expects to submit, with the names documents use for it."""

    code: str
    name: str
    county: str = ""
    aliases: tuple[str, ...] = ()  # what documents call it (a task table's column head)
    short_name: str = ""  # what the city's charts call it, where the full name is too long

    @property
    def names(self) -> tuple[str, ...]:
        return (self.code, self.name, *self.aliases) + (
            (self.short_name,) if self.short_name else ()
        )

    @property
    def label(self) -> str:
        """The name a chart prints: the declared short name, else the full name (one rule for
        every school, so the axis never mixes styles)."""
        return self.short_name or self.name


@dataclass(frozen=True)
class CityEmploymentRate:
    """The city's own 就业率, as its published reports count it: which graduate destinations
    (spec `graduate_destinations`) it adds up, over all graduates. Printed beside the primary
    毕业去向落实率（含升学）, never instead of it; targets use the primary figure."""

    name: str  # the city's label, e.g. 就业率（含升学）
    counts: tuple[str, ...]  # destination indicator ids
    definition: str = ""  # the city's own words, where it publishes them

    def checked(self, spec: Spec, path: Path | None) -> CityEmploymentRate:
        """This definition, after checking each counted id is a destination of the spec."""
        where = path or Path("city configuration")
        if spec.destinations is None:
            raise SpecError(where, "employment_rate", "the spec declares no graduate_destinations")
        for i, item in enumerate(self.counts):
            if item not in spec.destinations.destinations:
                known = ", ".join(spec.destinations.destinations)
                raise SpecError(
                    where,
                    f"employment_rate.counts[{i}]",
                    f"'{item}' is not a graduate destination of the spec ({known})",
                )
        return self


@dataclass(frozen=True)
class CityConfig:
    """What a bureau declares about its city; reports and checks read it, never guess it."""

    name: str
    name_en: str = ""
    issuer: str = ""
    publication: str = ""  # YYYY-MM, the month the city report is published
    counties: tuple[str, ...] = ()  # in administrative order
    schools: tuple[CitySchool, ...] = ()
    target_sets: tuple[str, ...] = ()  # the city's own sets (ids or paths)
    parameters: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    employment_rate: CityEmploymentRate | None = None  # the city's own 就业率, if it has one

    def school(self, name_or_code: str) -> CitySchool | None:
        """The school a code, full name or alias refers to."""
        wanted = str(name_or_code).strip()
        return next((s for s in self.schools if wanted in s.names), None)

    def county_order(self, county: str) -> int:
        """Position of a county in the declared order; undeclared ones sort after, by name."""
        return self.counties.index(county) if county in self.counties else len(self.counties)


def _school(r: YamlReader) -> CitySchool:
    code = str(r.get("code", (str, int))).strip()
    if not code:
        r.fail("must not be empty", r.at("code"))
    aliases = r.get("aliases", list, default=[])
    if not all(isinstance(a, str) and a.strip() for a in aliases):
        r.fail("must be a list of names", r.at("aliases"))
    return CitySchool(
        code=code,
        name=r.get("name", str).strip(),
        county=r.get("county", str, default="").strip(),
        aliases=tuple(a.strip() for a in aliases),
        short_name=r.get("short_name", str, default="").strip(),
    )


def _employment_rate(root: YamlReader) -> CityEmploymentRate | None:
    r = root.child("employment_rate")
    if r is None:
        return None
    counts = r.get("counts", list)
    if not counts or not all(isinstance(c, str) and SNAKE_CASE_ID.match(c) for c in counts):
        r.fail("must be a list of graduate destination ids", r.at("counts"))
    if len(set(counts)) != len(counts):
        r.fail("names a destination twice", r.at("counts"))
    name = r.get("name", str).strip()
    if not name:
        r.fail("must not be empty", r.at("name"))
    return CityEmploymentRate(
        name=name,
        counts=tuple(counts),
        definition=r.get("definition", str, default="").strip(),
    )


def load_city_config(path: str | Path) -> CityConfig:
    """Read a city configuration (kind: qualityreport/city), naming file and key on error."""
    path = Path(path)
    root = read_yaml_file(path, "qualityreport/city")
    publication = str(root.get("publication", (str, int), default="")).strip()
    if publication and not _MONTH.match(publication):
        root.fail("must be a month as YYYY-MM", "publication")
    counties = tuple(str(c).strip() for c in root.get("counties", list, default=[]))
    schools = tuple(_school(r) for r in root.items("schools"))
    seen: dict[str, str] = {}
    for i, school in enumerate(schools):
        if counties and school.county and school.county not in counties:
            root.fail(f"'{school.county}' is not one of the counties", f"schools[{i}].county")
        for name in school.names:
            if name in seen and seen[name] != school.code:
                root.fail(f"'{name}' names two schools", f"schools[{i}]")
            seen[name] = school.code
    sets = root.get("target_sets", list, default=[])
    if not all(isinstance(s, str) and s for s in sets):
        root.fail("must be a list of target set ids or paths", "target_sets")
    parameters = root.get("parameters", dict, default={})
    for name in parameters:
        if not isinstance(name, str):
            raise SpecError(path, f"parameters.{name}", "must be a parameter name")
    return CityConfig(
        name=root.get("name", str).strip(),
        name_en=root.get("name_en", str, default="").strip(),
        issuer=root.get("issuer", str, default="").strip(),
        publication=publication,
        counties=counties,
        schools=schools,
        target_sets=tuple(sets),
        parameters=dict(parameters),
        path=path,
        employment_rate=_employment_rate(root),
    )
