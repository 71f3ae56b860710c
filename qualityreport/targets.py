"""Load target sets (specs/targets/*.yaml) into frozen dataclasses, naming file and key on error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .findings import DECLARABLE_SEVERITIES
from .resources import specs_dir
from .spec import SNAKE_CASE_ID, YamlReader, read_yaml_file

COMPARISONS = ("gt", "ge", "lt", "le", "eq", "between")
SCOPES = ("school", "specialty", "city")
BUILTIN_PARAMETERS = ("year",)
# Views each scope's expressions are evaluated over.
SCOPE_VIEWS = {"school": "school_year", "specialty": "specialty_year", "city": "city_year"}
_SET_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PARAMETER_USE = re.compile(r"\$([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class ParamRef:
    """A threshold taken from a parameter of the set: `{param: provincial_funding_standard}`."""

    name: str


Bound = float | ParamRef


@dataclass(frozen=True)
class Threshold:
    """One bound, or one bound per category (`by` is a column of the scope's view)."""

    default: Bound | None
    by: str | None = None
    values: tuple[tuple[str, Bound], ...] = ()

    def for_category(self, category: str | None) -> Bound | None:
        if self.by is not None:
            for name, bound in self.values:
                if name == category:
                    return bound
        return self.default

    def parameters(self) -> set[str]:
        bounds = [self.default, *(b for _, b in self.values)]
        return {b.name for b in bounds if isinstance(b, ParamRef)}


@dataclass(frozen=True)
class Parameter:
    id: str
    default: Any  # a number, a mapping by year, a list; None when it must be given
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    name_en: str
    clause: str
    scope: str
    applies_to: tuple[str, ...]  # school codes or names; empty means all schools
    required: bool
    severity: str
    comparison: str | None
    threshold: Threshold | None
    tolerance: Bound | None = None
    expression: str | None = None
    where: str | None = None
    query: str | None = None
    all_of: tuple[str, ...] = ()
    share_of: str | None = None
    unit: str = ""
    note: str = ""

    @property
    def kind(self) -> str:
        if self.expression is not None:
            return "expression"
        if self.query is not None:
            return "query"
        return "all_of" if self.all_of else "share_of"

    def parameters(self) -> set[str]:
        """Every parameter the target needs, in SQL ($name) or as a bound."""
        used = set()
        for text in (self.expression, self.where, self.query):
            used |= set(PARAMETER_USE.findall(text or ""))
        if self.threshold:
            used |= self.threshold.parameters()
        if isinstance(self.tolerance, ParamRef):
            used.add(self.tolerance.name)
        return used


@dataclass(frozen=True)
class TargetSet:
    id: str
    name: str
    name_en: str
    source: str
    years: tuple[int, ...]
    parameters: tuple[Parameter, ...]
    targets: tuple[Target, ...]
    path: Path
    version: str = "1"

    def target(self, target_id: str) -> Target:
        return next(t for t in self.targets if t.id == target_id)


def _bound(r: YamlReader, key: str, value: Any, params: set[str]) -> Bound:
    if isinstance(value, dict) and set(value) == {"param"}:
        name = value["param"]
        if name not in params:
            r.fail(f"unknown parameter '{name}' (declare it under parameters)", key)
        return ParamRef(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        r.fail("must be a number or {param: name}", key)
    return float(value)


def _threshold(r: YamlReader, params: set[str]) -> Threshold | None:
    if r.data.get("threshold") is None:
        return None
    key, value = r.at("threshold"), r.data["threshold"]
    if isinstance(value, dict) and "by" in value:
        by = value["by"]
        if not isinstance(by, str) or not SNAKE_CASE_ID.match(by):
            r.fail("must be a column name", f"{key}.by")
        values = value.get("values")
        if not isinstance(values, dict) or not values:
            r.fail("must map each category to a number", f"{key}.values")
        default = value.get("default")
        assert isinstance(values, dict)  # checked above: r.fail raises otherwise
        return Threshold(
            default=None if default is None else _bound(r, f"{key}.default", default, params),
            by=by,
            values=tuple(
                (str(k), _bound(r, f"{key}.values.{k}", v, params)) for k, v in values.items()
            ),
        )
    return Threshold(_bound(r, key, value, params))


def _target(r: YamlReader, params: set[str]) -> Target:
    kinds = [k for k in ("expression", "query", "all_of", "share_of") if r.data.get(k) is not None]
    if len(kinds) != 1:
        r.fail("needs exactly one of expression, query, all_of or share_of")
    kind = kinds[0]
    scope = r.get("scope", str, choices=SCOPES)
    if kind == "all_of" and scope != "school" or kind == "share_of" and scope != "city":
        r.fail(
            f"{kind} targets need scope {'school' if kind == 'all_of' else 'city'}", r.at("scope")
        )
    comparison = r.get("comparison", str, default=None, choices=COMPARISONS)
    threshold = _threshold(r, params)
    if kind != "query" and (comparison is None or threshold is None):
        r.fail("is required", r.at("comparison" if comparison is None else "threshold"))
    tolerance = None
    if comparison == "between":
        if r.data.get("tolerance") is None:
            r.fail("is required for comparison between", r.at("tolerance"))
        tolerance = _bound(r, r.at("tolerance"), r.data["tolerance"], params)
    applies = r.data.get("applies_to", "all")
    if applies == "all":
        applies_to: tuple[str, ...] = ()
    elif isinstance(applies, list) and applies and all(isinstance(a, str | int) for a in applies):
        applies_to = tuple(str(a) for a in applies)
    else:
        r.fail("must be all or a list of school codes or names", r.at("applies_to"))
    required = r.get("required", bool, default=True)
    target = Target(
        id=r.ident(),
        name=r.get("name", str),
        name_en=r.get("name_en", str),
        clause=r.get("clause", str),
        scope=scope,
        applies_to=applies_to,
        required=required,
        severity=r.get(
            "severity",
            str,
            default="error" if required else "warning",
            choices=DECLARABLE_SEVERITIES,
        ),
        comparison=comparison,
        threshold=threshold,
        tolerance=tolerance,
        expression=r.get("expression", str, default=None),
        where=r.get("where", str, default=None),
        query=r.get("query", str, default=None),
        all_of=tuple(str(x) for x in r.get("all_of", list, default=[])),
        share_of=r.get("share_of", str, default=None),
        unit=r.get("unit", str, default=""),
        note=r.get("note", str, default=""),
    )
    for name in sorted(target.parameters() - params - set(BUILTIN_PARAMETERS)):
        r.fail(
            f"uses unknown parameter '${name}' (declare it under parameters)",
            r.at(kind if kind in ("expression", "query") else "where"),
        )
    return target


def _parameter(name: str, value: Any) -> Parameter:
    if isinstance(value, dict) and ("default" in value or "name" in value):
        return Parameter(
            name,
            value.get("default"),
            str(value.get("name", "")),
            str(value.get("description", "")),
        )
    return Parameter(name, value)


def load_target_set(path: str | Path) -> TargetSet:
    """Read one target-set YAML file."""
    path = Path(path)
    root = read_yaml_file(path, "qualityreport/targets")
    set_id = root.get("id", str)
    if not _SET_ID.match(set_id):
        root.fail("must be lower-case words joined by hyphens", "id")
    header = {
        "name": root.get("name", str),
        "name_en": root.get("name_en", str),
        "source": root.get("source", str),
        "version": str(root.get("version", (str, int, float))),
    }
    raw_params = root.get("parameters", dict, default={})
    for name in raw_params:
        if not isinstance(name, str) or not SNAKE_CASE_ID.match(name):
            root.fail("must be snake_case", f"parameters.{name}")
    parameters = tuple(_parameter(k, v) for k, v in raw_params.items())
    names = {p.id for p in parameters}
    years = root.data.get("years", root.data.get("year", []))
    years = years if isinstance(years, list) else [years]
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        root.fail("must be a year or a list of years", "years")
    targets = tuple(_target(t, names) for t in root.items("targets"))
    if not targets:
        root.fail("needs at least one target", "targets")
    seen: set[str] = set()
    for i, target in enumerate(targets):
        if target.id in seen:
            root.fail(f"'{target.id}' is defined twice", f"targets[{i}].id")
        seen.add(target.id)
    return TargetSet(
        id=set_id, years=tuple(years), parameters=parameters, targets=targets, path=path, **header
    )


def targets_dir() -> Path:
    return specs_dir() / "targets"


def load_target_sets(
    refs: list[str] | tuple[str, ...] | None = None, directory: str | Path | None = None
) -> tuple[TargetSet, ...]:
    """Target sets by id (a file `<id>.yaml` in the directory) or by path; all of them by default."""
    directory = Path(directory) if directory else targets_dir()
    if not refs:
        return tuple(load_target_set(p) for p in sorted(directory.glob("*.yaml")))
    found = []
    for ref in refs:
        path = Path(ref)
        if not (path.suffix in (".yaml", ".yml") and path.is_file()):
            path = directory / f"{ref}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml")))
            raise InputError(f"找不到目标集 / no target set '{ref}' (known: {known})")
        found.append(load_target_set(path))
    return tuple(found)


def parse_param(text: str) -> tuple[str, Any]:
    """`name=value` from the command line; the value is read as YAML (numbers stay numbers)."""
    name, sep, value = text.partition("=")
    if not sep or not SNAKE_CASE_ID.match(name.strip()):
        raise InputError(f"参数格式应为 名称=值 / --param must be name=value: {text}")
    try:
        return name.strip(), yaml.safe_load(value)
    except yaml.YAMLError:
        return name.strip(), value


def resolve_parameter(value: Any, year: int) -> Any:
    """A parameter's value for a year: a mapping keyed by year gives that year's entry."""
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(k, int) or str(k).isdigit() for k in value)
    ):
        by_year = {int(k): v for k, v in value.items()}
        return by_year.get(year)
    return value
