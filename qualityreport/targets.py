"""Load target sets (specs/targets/*.yaml) into frozen dataclasses, naming file and key on error.

A set is one document (its exact title and issuer in `source`, its text in
specs/targets/sources/); each target quotes the document (`clause`) and declares what it
measures (`indicator`, `unit`), whom it judges (`population`, `scope`, `applies_to`), at which
level (`level`: 国家标准, 省定标准, 市定目标 …) and when (`years`, `deadline`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError
from .findings import SEVERITIES  # info: a target that lists figures without a verdict
from .resources import specs_dir
from .spec import SNAKE_CASE_ID, YamlReader, read_yaml_file

COMPARISONS = ("gt", "ge", "lt", "le", "eq", "between")
SCOPES = ("school", "specialty", "county", "city")
LEVELS = ("国家标准", "国家目标", "省定标准", "省定目标", "市定标准", "市定目标")
SCHOOL_POPULATION = "中职学校"  # what the workbook collects: every per-school figure is about one
COUNTY_POPULATION = "县（区）"
BUILTIN_PARAMETERS = ("year",)
# Views each scope's expressions are evaluated over.
SCOPE_VIEWS = {
    "school": "school_year",
    "specialty": "specialty_year",
    "county": "county_year",
    "city": "city_year",
}
KINDS = ("expression", "query", "all_of", "share_of", "count_of")
_SET_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PARAMETER_USE = re.compile(r"\$([a-z_][a-z0-9_]*)")
CLAUSE_GAP = "……"  # joins quoted fragments of one clause


@dataclass(frozen=True)
class ParamRef:
    """A threshold taken from a parameter of the set: `{param: provincial_funding_standard}`."""

    name: str


@dataclass(frozen=True)
class PreviousYear:
    """A threshold that is the subject's own value of the year before (`threshold: previous_year`)."""


Bound = float | ParamRef | PreviousYear
PREVIOUS_YEAR = PreviousYear()


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
    """A value the document does not give (or the city supplies each year): no default means
    the results stay "parameter missing" until the city sets it."""

    id: str
    default: Any  # a number, a mapping by year, a list; None when it must be given
    name: str = ""
    description: str = ""
    level: str = ""  # the level a threshold from this parameter has (e.g. 省定标准)


@dataclass(frozen=True)
class Measure:
    """What a composite target counts, declared where no spec indicator says it."""

    id: str
    name: str
    name_en: str
    unit: str
    definition: str


@dataclass(frozen=True)
class Task:
    """One row of a document's task table: the schools ticked (√) for it, as the table gives them.

    `schools` is None where the extracted table cannot say which schools are ticked; `note` then
    says why."""

    number: str
    text: str
    count: int | None
    schools: tuple[str, ...] | None
    part: int | None = None
    note: str = ""

    @property
    def key(self) -> str:
        return self.number if self.part is None else f"{self.number}-{self.part}"


@dataclass(frozen=True)
class Ask:
    """One thing a document asks, quoted, and what became of it."""

    quote: str
    targets: tuple[str, ...] = ()
    not_checkable: str = ""
    needs_data: str = ""
    information: str = ""

    @property
    def status(self) -> str:
        """encoded, information (listed with no verdict), needs-data or not-checkable."""
        if self.information:
            return "information"
        if self.targets:
            return "encoded"
        return "needs-data" if self.needs_data else "not-checkable"


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    name_en: str
    clause: str
    scope: str
    applies_to: tuple[str, ...]  # names as the document writes them, or codes; empty means all
    required: bool
    severity: str
    comparison: str | None
    threshold: Threshold | None
    indicator: str
    unit: str
    level: str  # the set's level unless the target declares its own
    population: str
    tolerance: float | ParamRef | None = None
    expression: str | None = None
    where: str | None = None
    query: str | None = None
    all_of: tuple[str, ...] = ()
    share_of: str | None = None
    count_of: str | None = None
    task: str | None = None  # applies to the schools a task-table row ticks
    years: tuple[int, ...] = ()  # reporting years the target is for; empty means every year
    deadline: int | None = None  # judged in this reporting year only
    uses: tuple[
        str, ...
    ] = ()  # school_year columns a city or county figure needs from every school
    note: str = ""

    @property
    def kind(self) -> str:
        for kind in KINDS:
            if getattr(self, kind):
                return kind
        raise AssertionError(self.id)

    @property
    def informational(self) -> bool:
        return self.severity == "info"

    def in_force(self, year: int) -> bool:
        return not self.years or year in self.years

    def parameters(self) -> set[str]:
        """Every parameter the target needs, in SQL ($name) or as a bound."""
        used = set(self.sql_parameters())
        if self.threshold:
            used |= self.threshold.parameters()
        if isinstance(self.tolerance, ParamRef):
            used.add(self.tolerance.name)
        return used

    def sql_parameters(self) -> set[str]:
        texts = (self.expression, self.where, self.query)
        return set(PARAMETER_USE.findall(" ".join(t for t in texts if t))) - set(BUILTIN_PARAMETERS)

    def clause_fragments(self) -> tuple[str, ...]:
        return tuple(f for f in self.clause.split(CLAUSE_GAP) if f.strip())


@dataclass(frozen=True)
class TargetSet:
    id: str
    name: str
    name_en: str
    source: str
    level: str
    years: tuple[int, ...]
    parameters: tuple[Parameter, ...]
    targets: tuple[Target, ...]
    path: Path
    version: str = "2"
    document: str | None = None  # file name of the document's text under targets/sources/
    measures: tuple[Measure, ...] = ()
    task_columns: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    asks: tuple[Ask, ...] = ()
    note: str = ""

    def target(self, target_id: str) -> Target:
        return next(t for t in self.targets if t.id == target_id)

    def task(self, key: str) -> Task:
        return next(t for t in self.tasks if t.key == key)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.id == name), None)

    def measure(self, measure_id: str) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def covers(self, year: int) -> bool:
        """Some target of the set is for this reporting year."""
        return any(t.in_force(year) for t in self.targets)

    @property
    def all_years(self) -> tuple[int, ...]:
        years = {y for t in self.targets for y in t.years}
        return tuple(sorted(years))

    def document_path(self) -> Path | None:
        return sources_dir(self.path.parent) / self.document if self.document else None


def _bound(r: YamlReader, key: str, value: Any, params: set[str]) -> Bound:
    if value == "previous_year":
        return PREVIOUS_YEAR
    if isinstance(value, dict) and set(value) == {"param"}:
        name = value["param"]
        if name not in params:
            r.fail(f"unknown parameter '{name}' (declare it under parameters)", key)
        return ParamRef(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        r.fail("must be a number, previous_year or {param: name}", key)
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
        assert isinstance(values, dict)  # checked above: r.fail raises otherwise
        default = value.get("default")
        return Threshold(
            default=None if default is None else _bound(r, f"{key}.default", default, params),
            by=by,
            values=tuple(
                (str(k), _bound(r, f"{key}.values.{k}", v, params)) for k, v in values.items()
            ),
        )
    return Threshold(_bound(r, key, value, params))


def _years(r: YamlReader, name: str) -> tuple[int, ...]:
    years = r.data.get(name, [])
    years = years if isinstance(years, list) else [years]
    if not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        r.fail("must be a year or a list of years", r.at(name))
    return tuple(years)


def _applies_to(r: YamlReader) -> tuple[tuple[str, ...], str | None]:
    applies = r.data.get("applies_to", "all")
    if applies == "all":
        return (), None
    if isinstance(applies, dict) and set(applies) == {"task"}:
        return (), str(applies["task"])
    if isinstance(applies, list) and applies and all(isinstance(a, str | int) for a in applies):
        return tuple(str(a) for a in applies), None
    r.fail(
        "must be all, a list of school (or county) names or codes, or {task: N}", r.at("applies_to")
    )
    raise AssertionError


def _target(r: YamlReader, header: dict[str, Any]) -> Target:
    params: set[str] = header["parameters"]
    kinds = [k for k in KINDS if r.data.get(k) is not None]
    if len(kinds) != 1:
        r.fail(f"needs exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    scope = r.get("scope", str, choices=SCOPES)
    needs = {"all_of": ("school",), "share_of": ("city", "county"), "count_of": ("city", "county")}
    if kind in needs and scope not in needs[kind]:
        r.fail(f"{kind} targets need scope {' or '.join(needs[kind])}", r.at("scope"))
    severity = r.get("severity", str, default=None, choices=SEVERITIES)
    required = r.get("required", bool, default=severity in (None, "error"))
    severity = severity or ("error" if required else "warning")
    if severity == "info" and required:
        r.fail("an information target (severity info) cannot be required", r.at("required"))
    comparison = r.get("comparison", str, default=None, choices=COMPARISONS)
    threshold = _threshold(r, params)
    if severity != "info" and kind != "query" and (comparison is None or threshold is None):
        r.fail("is required", r.at("comparison" if comparison is None else "threshold"))
    tolerance = None
    if comparison == "between":
        if r.data.get("tolerance") is None:
            r.fail("is required for comparison between", r.at("tolerance"))
        bound = _bound(r, r.at("tolerance"), r.data["tolerance"], params)
        if isinstance(bound, PreviousYear):
            r.fail("must be a number or {param: name}", r.at("tolerance"))
        assert not isinstance(bound, PreviousYear)  # r.fail raises
        tolerance = bound
    applies_to, task = _applies_to(r)
    if task is not None and task not in header["tasks"]:
        r.fail(f"no task '{task}' in the set's task table", r.at("applies_to"))
    level = r.get("level", str, default=header["level"], choices=LEVELS)
    default_population = COUNTY_POPULATION if scope == "county" else SCHOOL_POPULATION
    deadline = r.get("deadline", int, default=None)
    years = _years(r, "years") or header["years"]
    if deadline is not None and years and deadline not in years:
        years = tuple(sorted({*years, deadline}))
    uses = r.get("uses", list, default=[])
    if not all(isinstance(u, str) and SNAKE_CASE_ID.match(u) for u in uses):
        r.fail("must be a list of column names", r.at("uses"))
    indicator = r.get("indicator", str)
    if not SNAKE_CASE_ID.match(indicator):
        r.fail("must be an indicator id (snake_case)", r.at("indicator"))
    target = Target(
        id=r.ident(),
        name=r.get("name", str),
        name_en=r.get("name_en", str),
        clause=r.get("clause", str).strip(),
        scope=scope,
        applies_to=applies_to,
        task=task,
        required=required,
        severity=severity,
        comparison=comparison,
        threshold=threshold,
        tolerance=tolerance,
        indicator=indicator,
        unit=r.get("unit", str),
        level=level,
        population=r.get("population", str, default=default_population),
        expression=r.get("expression", str, default=None),
        where=r.get("where", str, default=None),
        query=r.get("query", str, default=None),
        all_of=tuple(str(x) for x in r.get("all_of", list, default=[])),
        share_of=r.get("share_of", str, default=None),
        count_of=r.get("count_of", str, default=None),
        years=years,
        deadline=deadline,
        uses=tuple(uses),
        note=r.get("note", str, default=""),
    )
    for name in sorted(target.parameters() - params - set(BUILTIN_PARAMETERS)):
        r.fail(
            f"uses unknown parameter '${name}' (declare it under parameters)",
            r.at(kind if kind in ("expression", "query") else "where"),
        )
    return target


def _parameter(r: YamlReader, name: str, value: Any) -> Parameter:
    if isinstance(value, dict) and ("default" in value or "name" in value):
        level = str(value.get("level", ""))
        if level and level not in LEVELS:
            r.fail(f"must be one of {', '.join(LEVELS)}", f"parameters.{name}.level")
        return Parameter(
            name,
            value.get("default"),
            str(value.get("name", "")),
            str(value.get("description", "")),
            level,
        )
    return Parameter(name, value)


def _measure(r: YamlReader) -> Measure:
    return Measure(
        id=r.ident(),
        name=r.get("name", str),
        name_en=r.get("name_en", str),
        unit=r.get("unit", str),
        definition=r.get("definition", str),
    )


def _task_table(root: YamlReader) -> tuple[tuple[str, ...], tuple[Task, ...]]:
    table = root.child("task_table")
    if table is None:
        return (), ()
    columns = tuple(str(c) for c in table.get("columns", list))
    tasks = []
    for r in table.items("tasks"):
        schools = r.data.get("schools")
        if schools is not None:
            if not isinstance(schools, list) or not all(s in columns for s in schools):
                r.fail("must be null or a list of the table's columns", r.at("schools"))
            schools = tuple(schools)
        count = r.get("count", int, default=None)
        note = r.get("note", str, default="")
        if schools is None and not note:
            r.fail("say why the schools cannot be read from the table", r.at("note"))
        tasks.append(
            Task(
                number=str(r.get("number", (str, int, float))),
                text=r.get("text", str),
                count=count,
                schools=schools,
                part=r.get("part", int, default=None),
                note=note,
            )
        )
    keys = [t.key for t in tasks]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            table.fail(
                f"task '{key}' is listed twice (give each row a part)", f"task_table.tasks[{i}]"
            )
    return columns, tuple(tasks)


def _ask(r: YamlReader, target_ids: set[str]) -> Ask:
    targets = tuple(str(t) for t in r.get("targets", list, default=[]))
    for t in targets:
        if t not in target_ids:
            r.fail(f"unknown target '{t}'", r.at("targets"))
    ask = Ask(
        quote=r.get("quote", str).strip(),
        targets=targets,
        not_checkable=r.get("not_checkable", str, default=""),
        needs_data=r.get("needs_data", str, default=""),
        information=r.get("information", str, default=""),
    )
    given = sum(bool(x) for x in (targets, ask.not_checkable, ask.needs_data, ask.information))
    if given == 0:
        r.fail("needs targets, not_checkable, needs_data or information")
    return ask


def load_target_set(path: str | Path) -> TargetSet:
    """Read one target-set YAML file."""
    path = Path(path)
    root = read_yaml_file(path, "qualityreport/targets")
    set_id = root.get("id", str)
    if not _SET_ID.match(set_id):
        root.fail("must be lower-case words joined by hyphens", "id")
    raw_params = root.get("parameters", dict, default={})
    for name in raw_params:
        if not isinstance(name, str) or not SNAKE_CASE_ID.match(name):
            root.fail("must be snake_case", f"parameters.{name}")
    parameters = tuple(_parameter(root, k, v) for k, v in raw_params.items())
    columns, tasks = _task_table(root)
    header = {
        "level": root.get("level", str, choices=LEVELS),
        "years": _years(root, "years"),
        "parameters": {p.id for p in parameters},
        "tasks": {t.key for t in tasks},
    }
    targets = tuple(_target(t, header) for t in root.items("targets"))
    if not targets:
        root.fail("needs at least one target", "targets")
    seen: set[str] = set()
    for i, target in enumerate(targets):
        if target.id in seen:
            root.fail(f"'{target.id}' is defined twice", f"targets[{i}].id")
        seen.add(target.id)
    document = root.get("document", str, default=None)
    if document is not None and not (sources_dir(path.parent) / document).is_file():
        root.fail(f"no file '{document}' in {sources_dir(path.parent)}", "document")
    return TargetSet(
        id=set_id,
        name=root.get("name", str),
        name_en=root.get("name_en", str),
        source=root.get("source", str),
        version=str(root.get("version", (str, int, float))),
        level=header["level"],
        years=header["years"],
        parameters=parameters,
        targets=targets,
        path=path,
        document=document,
        measures=tuple(_measure(m) for m in root.items("measures")),
        task_columns=columns,
        tasks=tasks,
        asks=tuple(_ask(a, seen) for a in root.items("asks")),
        note=root.get("note", str, default=""),
    )


def targets_dir() -> Path:
    return specs_dir() / "targets"


def sources_dir(directory: Path | None = None) -> Path:
    """The documents' texts that clauses quote: targets/sources/<file>."""
    return (directory or targets_dir()) / "sources"


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
