"""Load the YAML specs (indicators, rules) into frozen dataclasses, naming file and key on error."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .errors import SpecError
from .findings import DECLARABLE_SEVERITIES
from .period import ReportingPeriod, read_reporting_period
from .resources import specs_dir

VALUE_TYPES = ("integer", "number", "string")
SHEET_LAYOUTS = ("form", "table", "narrative")
RULE_OPS = ("eq", "ne", "gt", "ge", "lt", "le")
SPEC_FILES = ("indicators.yaml", "rules.yaml")
SNAKE_CASE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Sheet:
    id: str
    name: str
    name_en: str
    layout: str


@dataclass(frozen=True)
class EarlierCatalog:
    """The catalog a code column used before the current one: its codes are accepted for report
    years up to `until`, and mapped to current codes where `correspondence` (a CSV in the
    package's data folder, or an absolute path) gives one."""

    name: str  # 中等职业学校专业目录（2010年修订）
    str_matches: str
    until: int  # the last report year its codes are accepted for
    correspondence: str = ""


@dataclass(frozen=True)
class Field:
    """One value a school types in: a form indicator, or a column of a table."""

    id: str
    name: str
    name_en: str
    type: str
    unit: str = ""
    required: bool = False
    ge: float | None = None
    le: float | None = None
    isin: tuple[str, ...] = ()
    isin_legacy: tuple[str, ...] = ()  # values an earlier template offered: still read, not offered
    str_matches: str | None = None
    str_length_max: int | None = None
    plausible_ge: float | None = None
    plausible_le: float | None = None
    definition: str = ""  # what the figure is, for a reader (printed in reports)
    aliases: tuple[str, ...] = ()
    sheet: str = ""  # form indicators only
    sums_to: str | None = None  # table columns: the school total the rows add up to
    catalog: str | None = None  # table columns: catalog level the code must be in
    per: str | None = None  # a per-unit value (生均): city and county figures weight it by this
    earlier_catalog: EarlierCatalog | None = None  # table columns: codes of the catalog before
    # The word a school types for a figure it did not collect (未统计): read as no value, said so.
    not_collected: str | None = None
    instruction: str = ""  # how to fill it in (the template shows it; reports never print it)

    @property
    def fill_in_text(self) -> str:
        """The definition and the fill-in instruction, for the template's note and comment."""
        return "".join(x for x in (self.definition, self.instruction) if x)

    @property
    def allowed(self) -> tuple[str, ...]:
        """Every value validation accepts: the current list and the earlier templates' values."""
        return self.isin + self.isin_legacy

    @property
    def is_numeric(self) -> bool:
        return self.type in ("integer", "number")

    def label(self, lang: str = "zh") -> str:
        """The label printed in the workbook: name with its unit."""
        name = self.name if lang == "zh" else self.name_en
        return (
            f"{name}（{self.unit}）"
            if self.unit and lang == "zh"
            else (f"{name} ({self.unit})" if self.unit else name)
        )


@dataclass(frozen=True)
class Table:
    id: str
    sheet: str
    name: str
    name_en: str
    max_rows: int
    key: str
    columns: tuple[Field, ...]

    def column(self, column_id: str) -> Field:
        return next(c for c in self.columns if c.id == column_id)


# Excel's own limit for one cell; a longer cell was not made by Excel.
CELL_TEXT_MAX = 32_767
NARRATIVE_MAX_DEFAULT = 10_000  # about thirty printed pages of the school report


@dataclass(frozen=True)
class Narrative:
    id: str
    name: str
    name_en: str
    definition: str = ""
    max_length: int = NARRATIVE_MAX_DEFAULT  # characters; one section is one cell


@dataclass(frozen=True)
class Derived:
    """A ratio of sums of submitted indicators, computed in the database views.

    Each side adds its terms and subtracts its `_less` terms: (a + b - c) / (d - e).
    """

    id: str
    name: str
    name_en: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]
    unit: str
    definition: str = ""
    numerator_less: tuple[str, ...] = ()
    denominator_less: tuple[str, ...] = ()
    # The primary figure this one counts in another 口径 (printed beside it; targets use the primary).
    variant_of: str | None = None
    denominator_name: str = ""  # what a sentence says the figure is a share of: 专业课教师
    denominator_name_en: str = ""  # the same in English: professional teachers
    caliber: str = ""  # the 口径 in a few words, printed beside the figure: 不含顶岗实习学生
    aliases: tuple[str, ...] = ()  # words a school's narrative uses for the figure

    @property
    def terms(self) -> tuple[str, ...]:
        """Every submitted indicator the figure is computed from."""
        return self.numerator + self.numerator_less + self.denominator + self.denominator_less


@dataclass(frozen=True)
class Destinations:
    """毕业去向: the indicators that count the year's graduates by destination (each graduate in
    one), and the indicator of all graduates they are shares of."""

    graduates: str
    destinations: tuple[str, ...]


@dataclass(frozen=True)
class Computed:
    """An indicator the database views compute from more than one row or year (declared here so
    targets and reports can name it; its SQL is in store/views.py)."""

    id: str
    name: str
    name_en: str
    unit: str
    definition: str
    denominator_name: str = ""  # for a share: what a sentence says it is a share of
    denominator_name_en: str = ""


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: sum(left) op sum(right)."""

    id: str
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]
    severity: str
    message_zh: str
    message_en: str
    # An optional indicator left empty counts 0 (each destination reported or not); a required
    # one missing still skips the rule.
    empty_optional_as_zero: bool = False


@dataclass(frozen=True)
class Spec:
    version: str
    reporting_period: str
    sheets: tuple[Sheet, ...]
    indicators: tuple[Field, ...]
    tables: tuple[Table, ...]
    narratives: tuple[Narrative, ...]
    derived: tuple[Derived, ...]
    rules: tuple[Rule, ...]
    directory: Path = field(compare=False)
    computed: tuple[Computed, ...] = ()
    population: str = "中职学校"  # the kind of school the workbook is for
    destinations: Destinations | None = None  # None in a spec recorded before they were declared
    # The files the spec was read from, (name, text) in SPEC_FILES order: what a database records.
    texts: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the spec files' names and texts: equal specs, equal fingerprints."""
        digest = hashlib.sha256()
        for name, text in self.texts:
            digest.update(name.encode("utf-8") + b"\0" + text.encode("utf-8") + b"\0")
        return digest.hexdigest()

    @cached_property
    def indicator_by_id(self) -> dict[str, Field]:
        return {i.id: i for i in self.indicators}

    @cached_property
    def derived_by_id(self) -> dict[str, Derived]:
        return {d.id: d for d in self.derived}

    @cached_property
    def period(self) -> ReportingPeriod | None:
        """The 学年 and the money year a report year covers (None when none is declared)."""
        return read_reporting_period(self.reporting_period)

    def variants(self, derived_id: str) -> tuple[Derived, ...]:
        """The second figures counting a primary figure in other 口径, in spec order."""
        return tuple(d for d in self.derived if d.variant_of == derived_id)

    @cached_property
    def sheet_by_id(self) -> dict[str, Sheet]:
        return {s.id: s for s in self.sheets}

    def describe(self, indicator_id: str) -> tuple[str, str, str, str] | None:
        """(name, name_en, unit, definition) of a submitted, derived, computed or table indicator."""
        items: tuple[Field | Derived | Computed, ...] = (
            *self.indicators,
            *self.derived,
            *self.computed,
            *self.specialties.columns,
        )
        for item in items:
            if item.id == indicator_id:
                return item.name, item.name_en, item.unit, item.definition
        return None

    def sheet_of(self, layout: str) -> Sheet:
        return next(s for s in self.sheets if s.layout == layout)

    def indicators_on(self, sheet_id: str) -> tuple[Field, ...]:
        return self._indicators_by_sheet.get(sheet_id, ())

    @cached_property
    def _indicators_by_sheet(self) -> dict[str, tuple[Field, ...]]:
        by_sheet: dict[str, list[Field]] = {}
        for indicator in self.indicators:
            by_sheet.setdefault(indicator.sheet, []).append(indicator)
        return {sheet: tuple(fields) for sheet, fields in by_sheet.items()}

    @property
    def specialties(self) -> Table:
        return self.tables[0]


class YamlReader:
    """Typed access to a YAML mapping that reports the file and key path of what is wrong."""

    def __init__(self, path: Path, data: Any, key: str = ""):
        self.path, self.data, self.key = path, data, key
        if not isinstance(data, dict):
            self.fail("must be a mapping")

    def fail(self, problem: str, key: str | None = None):
        raise SpecError(self.path, self.key if key is None else key, problem)

    def at(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def get(self, name: str, kind: type | tuple, default: Any = ..., choices=None) -> Any:
        if name not in self.data or self.data[name] is None:
            if default is ...:
                self.fail("is required", self.at(name))
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            expected: dict[Any, str] = {
                str: "a string",
                float: "a number",
                int: "a whole number",
                bool: "true or false",
                list: "a list",
                dict: "a mapping",
            }
            self.fail(f"must be {expected.get(kind, kind)}", self.at(name))
        if choices is not None and value not in choices:
            self.fail(f"must be one of {', '.join(choices)}", self.at(name))
        return value

    def items(self, name: str) -> list[YamlReader]:
        values = self.get(name, list, default=[])
        return [YamlReader(self.path, v, f"{self.at(name)}[{i}]") for i, v in enumerate(values)]

    def child(self, name: str) -> YamlReader | None:
        if self.data.get(name) is None:
            return None
        return YamlReader(self.path, self.data[name], self.at(name))

    def ident(self, name: str = "id") -> str:
        value = self.get(name, str)
        if not SNAKE_CASE_ID.match(value):
            self.fail("must be snake_case letters, digits and underscores", self.at(name))
        return value


# libyaml's parser when PyYAML was built with it (the wheels are): the same documents, read
# about ten times faster than in pure Python (the shipped spec: 4 ms instead of 40).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(path, "", f"cannot be read ({exc.strerror})") from None


def read_yaml_file(path: Path, kind: str) -> YamlReader:
    return read_yaml_text(read_text_file(path), path, kind)


def read_yaml_text(text: str, path: Path, kind: str) -> YamlReader:
    """Parse YAML text of a declared kind; path names where it came from in every error."""
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise SpecError(
            path, where, f"is not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    reader = YamlReader(path, data)
    reader.get("kind", str, choices=(kind,))
    return reader


def _field(r: YamlReader, *, with_sheet: bool) -> Field:
    value_type = r.get("type", str, choices=VALUE_TYPES)
    isin = tuple(str(v) for v in r.get("isin", list, default=[]))
    pattern = r.get("str_matches", str, default=None)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            r.fail(f"is not a valid regular expression ({exc})", r.at("str_matches"))
    length = r.child("str_length")
    plausible = r.child("plausible")
    ge = r.get("ge", float, default=None)
    le = r.get("le", float, default=None)
    if ge is not None and le is not None and ge > le:
        r.fail("ge must not be greater than le", r.at("le"))
    return Field(
        id=r.ident(),
        name=r.get("name", str),
        name_en=r.get("name_en", str),
        type=value_type,
        unit=r.get("unit", str, default=""),
        required=r.get("required", bool, default=False),
        ge=ge,
        le=le,
        isin=isin,
        isin_legacy=tuple(str(v) for v in r.get("isin_legacy", list, default=[])),
        str_matches=pattern,
        str_length_max=length.get("max", int) if length else None,
        plausible_ge=plausible.get("ge", float, default=None) if plausible else None,
        plausible_le=plausible.get("le", float, default=None) if plausible else None,
        definition=r.get("definition", str, default=""),
        aliases=tuple(str(a) for a in r.get("aliases", list, default=[])),
        sheet=r.get("sheet", str) if with_sheet else "",
        sums_to=None if with_sheet else r.get("sums_to", str, default=None),
        catalog=None if with_sheet else r.get("catalog", str, default=None),
        earlier_catalog=None if with_sheet else _earlier_catalog(r),
        per=r.get("per", str, default=None),
        not_collected=_not_collected(r, value_type),
        instruction=r.get("instruction", str, default=""),
    )


def _earlier_catalog(field: YamlReader) -> EarlierCatalog | None:
    r = field.child("earlier_catalog")
    if r is None:
        return None
    pattern = r.get("str_matches", str)
    try:
        re.compile(pattern)
    except re.error as exc:
        r.fail(f"is not a valid regular expression ({exc})", r.at("str_matches"))
    return EarlierCatalog(
        name=r.get("name", str),
        str_matches=pattern,
        until=r.get("until", int),
        correspondence=r.get("correspondence", str, default=""),
    )


def _not_collected(r: YamlReader, value_type: str) -> str | None:
    word = r.get("not_collected", str, default=None)
    if word is None:
        return None
    if value_type == "string" or r.get("required", bool, default=False):
        r.fail("is only for an optional number", r.at("not_collected"))
    if not word.strip() or any(ch.isdigit() for ch in word):
        r.fail("must be a word without digits (e.g. 未统计)", r.at("not_collected"))
    return word.strip()


def _destinations(root: YamlReader, indicators: dict[str, Field]) -> Destinations | None:
    r = root.child("graduate_destinations")
    if r is None:
        return None
    ids = r.get("destinations", list)
    for i, item in enumerate([r.get("graduates", str), *ids]):
        key = r.at("graduates") if i == 0 else f"{r.at('destinations')}[{i - 1}]"
        if not isinstance(item, str) or item not in indicators:
            r.fail(f"unknown indicator '{item}'", key)
        if not indicators[item].is_numeric:
            r.fail(f"'{item}' is not a number", key)
    if len(set(ids)) != len(ids):
        r.fail("names an indicator twice", r.at("destinations"))
    return Destinations(r.get("graduates", str), tuple(ids))


def _narrative(r: YamlReader) -> Narrative:
    max_length = r.get("max_length", int, default=NARRATIVE_MAX_DEFAULT)
    if not 1 <= max_length <= CELL_TEXT_MAX:
        r.fail(
            f"must be between 1 and {CELL_TEXT_MAX} (the most an Excel cell holds)",
            r.at("max_length"),
        )
    return Narrative(
        r.ident(),
        r.get("name", str),
        r.get("name_en", str),
        r.get("definition", str, default=""),
        max_length,
    )


def _terms(r: YamlReader, name: str) -> tuple[str, ...]:
    """A sum of indicator ids (a + b)."""
    added, less = _signed_terms(r, name)
    if less:
        r.fail("must be an indicator id or a sum of them (a + b)", r.at(name))
    return added


_SIGNED_TERM = re.compile(r"\s*([+-])?\s*([^\s+-]+)\s*")


def _signed_terms(r: YamlReader, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ids a side adds and the ids it subtracts: "a + b - c" → (a, b), (c,)."""
    text = r.get(name, str)
    added: list[str] = []
    less: list[str] = []
    position = 0
    while position < len(text):
        match = _SIGNED_TERM.match(text, position)
        sign_missing = match is not None and match.group(1) is None and position > 0
        if match is None or sign_missing or not SNAKE_CASE_ID.match(match.group(2)):
            r.fail("must be indicator ids joined by + or - (a + b - c)", r.at(name))
        assert match is not None
        (less if match.group(1) == "-" else added).append(match.group(2))
        position = match.end()
    if not added:
        r.fail("must start with an indicator id added (a - b, not - b)", r.at(name))
    return tuple(added), tuple(less)


def _derived(r: YamlReader) -> Derived:
    numerator, numerator_less = _signed_terms(r, "numerator")
    denominator, denominator_less = _signed_terms(r, "denominator")
    return Derived(
        r.ident(),
        r.get("name", str),
        r.get("name_en", str),
        numerator,
        denominator,
        r.get("unit", str),
        r.get("definition", str, default=""),
        numerator_less=numerator_less,
        denominator_less=denominator_less,
        variant_of=r.get("variant_of", str, default=None),
        denominator_name=r.get("denominator_name", str, default=""),
        denominator_name_en=r.get("denominator_name_en", str, default=""),
        caliber=r.get("caliber", str, default=""),
        aliases=tuple(str(a) for a in r.get("aliases", list, default=[])),
    )


def _check_references(path: Path, spec_parts: dict, rules_path: Path, rules: tuple[Rule, ...]):
    known = {i.id for i in spec_parts["indicators"]}
    sheets = {s.id: s for s in spec_parts["sheets"]}
    for i, indicator in enumerate(spec_parts["indicators"]):
        if indicator.sheet not in sheets or sheets[indicator.sheet].layout != "form":
            raise SpecError(
                path, f"indicators[{i}].sheet", f"'{indicator.sheet}' is not a form sheet"
            )
    seen: set[str] = set()
    for i, indicator in enumerate(spec_parts["indicators"]):
        if indicator.id in seen:
            raise SpecError(path, f"indicators[{i}].id", f"'{indicator.id}' is defined twice")
        seen.add(indicator.id)
    for t, table in enumerate(spec_parts["tables"]):
        if table.sheet not in sheets or sheets[table.sheet].layout != "table":
            raise SpecError(path, f"tables[{t}].sheet", f"'{table.sheet}' is not a table sheet")
        for c, column in enumerate(table.columns):
            if column.sums_to and column.sums_to not in known:
                raise SpecError(
                    path,
                    f"tables[{t}].columns[{c}].sums_to",
                    f"unknown indicator '{column.sums_to}'",
                )
    for i, indicator in enumerate(spec_parts["indicators"]):
        if indicator.per is not None and indicator.per not in known:
            raise SpecError(path, f"indicators[{i}].per", f"unknown indicator '{indicator.per}'")
    by_id: dict[str, Derived] = {}
    for d, derived in enumerate(spec_parts["derived"]):
        for term in derived.terms:
            if term not in known:
                raise SpecError(path, f"derived[{d}]", f"unknown indicator '{term}'")
        if derived.id in by_id:
            raise SpecError(path, f"derived[{d}].id", f"'{derived.id}' is defined twice")
        by_id[derived.id] = derived
    for d, derived in enumerate(spec_parts["derived"]):
        if derived.variant_of is None:
            continue
        # A second figure stands beside a primary one, never beside another second figure.
        primary = by_id.get(derived.variant_of)
        if primary is None or primary.variant_of is not None:
            raise SpecError(
                path,
                f"derived[{d}].variant_of",
                f"'{derived.variant_of}' is not a primary derived indicator",
            )
    for r, rule in enumerate(rules):
        for term in rule.left + rule.right:
            if term not in known:
                raise SpecError(rules_path, f"rules[{r}]", f"unknown indicator '{term}'")
    for layout in SHEET_LAYOUTS:
        if not any(s.layout == layout for s in spec_parts["sheets"]):
            raise SpecError(path, "sheets", f"needs a sheet with layout '{layout}'")


def load_spec(directory: str | Path | None = None) -> Spec:
    """Read indicators.yaml and rules.yaml from a specs directory (the shipped one by default)."""
    directory = Path(directory) if directory else specs_dir()
    texts = tuple((name, read_text_file(directory / name)) for name in SPEC_FILES)
    return spec_from_texts(texts, directory)


def spec_from_texts(texts: tuple[tuple[str, str], ...], directory: Path) -> Spec:
    """A spec from the text of its files (as read from a directory, or as a database records it)."""
    text = dict(texts)
    for name in SPEC_FILES:
        if name not in text:
            raise SpecError(directory / name, "", "is missing")
    path = directory / "indicators.yaml"
    root = read_yaml_text(text["indicators.yaml"], path, "qualityreport/indicators")
    parts: dict[str, Any] = {
        "sheets": tuple(
            Sheet(
                s.ident(),
                s.get("name", str),
                s.get("name_en", str),
                s.get("layout", str, choices=SHEET_LAYOUTS),
            )
            for s in root.items("sheets")
        ),
        "indicators": tuple(_field(r, with_sheet=True) for r in root.items("indicators")),
        "tables": tuple(
            Table(
                id=t.ident(),
                sheet=t.get("sheet", str),
                name=t.get("name", str),
                name_en=t.get("name_en", str),
                max_rows=t.get("max_rows", int, default=2000),
                key=t.get("key", str),
                columns=tuple(_field(c, with_sheet=False) for c in t.items("columns")),
            )
            for t in root.items("tables")
        ),
        "narratives": tuple(_narrative(n) for n in root.items("narratives")),
        "derived": tuple(_derived(d) for d in root.items("derived")),
        "computed": tuple(
            Computed(
                c.ident(),
                c.get("name", str),
                c.get("name_en", str),
                c.get("unit", str),
                c.get("definition", str),
                c.get("denominator_name", str, default=""),
                c.get("denominator_name_en", str, default=""),
            )
            for c in root.items("computed")
        ),
    }
    if not parts["tables"]:
        root.fail("needs at least one table (the specialties)", "tables")
    parts["destinations"] = _destinations(root, {i.id: i for i in parts["indicators"]})
    rules_path = directory / "rules.yaml"
    rules_root = read_yaml_text(text["rules.yaml"], rules_path, "qualityreport/rules")
    rules = []
    for r in rules_root.items("rules"):
        message = r.child("message") or r.fail("is required", r.at("message"))
        rules.append(
            Rule(
                id=r.get("id", str),
                left=_terms(r, "left"),
                op=r.get("op", str, choices=RULE_OPS),
                right=_terms(r, "right"),
                severity=r.get("severity", str, choices=DECLARABLE_SEVERITIES),
                message_zh=message.get("zh", str),
                message_en=message.get("en", str),
                empty_optional_as_zero=r.get("empty_optional_as_zero", bool, default=False),
            )
        )
    _check_references(path, parts, rules_path, tuple(rules))
    reporting_period = root.get("reporting_period", str, default="")
    if reporting_period and read_reporting_period(reporting_period) is None:
        root.fail(
            "must name the 学年 as 学年（上一年9月1日至当年8月31日） (经费为自然年 may follow)",
            "reporting_period",
        )
    return Spec(
        version=str(root.get("version", (str, int, float))),
        reporting_period=reporting_period,
        population=root.get("population", str, default="中职学校"),
        rules=tuple(rules),
        directory=directory,
        texts=tuple((name, text[name]) for name in SPEC_FILES),
        **parts,
    )
