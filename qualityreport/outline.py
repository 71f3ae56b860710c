"""Report outlines (specs/reports/*.yaml): the chapters of a school or city report, in order.

An outline is one national framework (the 2024 notice 教职成司函〔2024〕29号, or the 2016–2021
outline): each section names the blocks the report generates for it (tables, charts, sentences)
and whose text it prints (`text`: a section of the school's 文字部分 sheet, or a chapter of the
bureau's document). Changing an outline is editing YAML; the renderer only knows the blocks.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .resources import specs_dir
from .spec import Narrative, Spec, YamlReader, read_yaml_file

REPORTS = ("school", "city")
CASE_ID = re.compile(r"^case_([0-9]+)$")  # a school's 案例 row, stored as case_1, case_2 …
# The generated blocks each report can place; an outline naming another is a spec error.
SCHOOL_BLOCKS = (
    "scale",
    "facilities",
    "teachers",
    "student_quality",
    "employment",
    "specialty_employment",
    "trend",
    "specialties",
    "cooperation",
    "contribution",
    "funding",
    "targets",
    "indicators",
)
CITY_BLOCKS = (
    "figures",
    "counties",
    "target_summary",
    "matrices",
    "city_targets",
    "distributions",  # every school's figure on each ratio below
    "student_distributions",  # 毕业去向落实率, 对口就业率
    "teacher_distributions",  # “双师型”比例, 生师比
    "specialties",
    "specialty_chart",
    "trends",
    "trend_charts",  # both charts below
    "student_trend_chart",
    "teacher_trend_chart",
    "service",  # 社会培训人次, against the city's target where one is declared
    "cooperation",  # 校企合作企业数, 订单班/现代学徒制学生数, 产业学院 …
)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    title_en: str
    blocks: tuple[str, ...] = ()
    text: str | None = None  # whose words print here: a 文字部分 section or a bureau chapter
    required: bool = False  # the bureau's document must give this text
    cases: bool = False  # the cases written for this chapter (or homeless ones) print here
    numbered: bool = True
    sections: tuple[Section, ...] = ()
    hint: str = ""  # what to write, for the skeleton and the fill-in sheet

    def label(self, lang: str) -> str:
        return self.title if lang == "zh" else self.title_en

    def walk(self):
        yield self
        for s in self.sections:
            yield from s.walk()


@dataclass(frozen=True)
class Outline:
    id: str
    name: str
    source: str
    report: str  # school | city
    years: tuple[int | None, int | None]  # first and last report year it is the default for
    sections: tuple[Section, ...]
    appendix: tuple[Section, ...] = ()
    path: Path | None = None

    def walk(self):
        for s in self.sections + self.appendix:
            yield from s.walk()

    def texts(self) -> tuple[str, ...]:
        """The text sources the outline prints, in order."""
        return tuple(s.text for s in self.walk() if s.text)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.walk() if s.id == section_id), None)

    @property
    def case_section(self) -> Section | None:
        return next((s for s in self.walk() if s.cases), None)


def _section(r: YamlReader, blocks: tuple[str, ...], seen: set[str]) -> Section:
    section_id = r.ident()
    if section_id in seen:
        r.fail(f"'{section_id}' is used twice", r.at("id"))
    seen.add(section_id)
    named = r.get("blocks", list, default=[])
    for i, block in enumerate(named):
        if block not in blocks:
            r.fail(
                f"unknown block '{block}' (known: {', '.join(blocks)})", f"{r.at('blocks')}[{i}]"
            )
    return Section(
        id=section_id,
        title=r.get("title", str).strip(),
        title_en=r.get("title_en", str, default=section_id.replace("_", " ").capitalize()),
        blocks=tuple(named),
        text=r.get("text", str, default=None),
        required=r.get("required", bool, default=False),
        cases=r.get("cases", bool, default=False),
        numbered=r.get("numbered", bool, default=True),
        sections=tuple(_section(s, blocks, seen) for s in r.items("sections")),
        hint=r.get("hint", str, default="").strip(),
    )


def load_outline(path: str | Path) -> Outline:
    """One outline file (kind: qualityreport/outline), naming file and key on error."""
    path = Path(path)
    root = read_yaml_file(path, "qualityreport/outline")
    report = root.get("report", str, choices=REPORTS)
    blocks = SCHOOL_BLOCKS if report == "school" else CITY_BLOCKS
    seen: set[str] = set()
    outline = Outline(
        id=root.get("id", str),
        name=root.get("name", str),
        source=root.get("source", str, default=""),
        report=report,
        years=(root.get("from_year", int, default=None), root.get("to_year", int, default=None)),
        sections=tuple(_section(s, blocks, seen) for s in root.items("sections")),
        appendix=tuple(_section(s, blocks, seen) for s in root.items("appendix")),
        path=path,
    )
    if sum(s.cases for s in outline.walk()) > 1:
        root.fail("only one section may hold the cases", "sections")
    return outline


def outlines_dir() -> Path:
    return specs_dir() / "reports"


def load_outlines(directory: str | Path | None = None) -> tuple[Outline, ...]:
    return _outlines(Path(directory) if directory else outlines_dir())


@functools.lru_cache(maxsize=4)
def _outlines(folder: Path) -> tuple[Outline, ...]:
    # The shipped outlines are read once per process (every report of a run asks for them).
    return tuple(load_outline(p) for p in sorted(folder.glob("*.yaml")))


def outline_for(report: str, year: int, choice: str | None = None) -> Outline:
    """The outline a report of this year follows: the one chosen (an id or a YAML path), else
    the national outline that is the default for the year (2024 notice from 2024 on)."""
    if choice:
        path = Path(choice)
        if path.suffix in (".yaml", ".yml") and path.is_file():
            found = load_outline(path)
            if found.report != report:
                raise InputError(
                    f"提纲“{choice}”是{found.report}报告的提纲 / not a {report} outline"
                )
            return found
        for outline in load_outlines():
            if outline.report == report and choice in (outline.id, outline.id.split("-", 1)[-1]):
                return outline
        known = ", ".join(o.id for o in load_outlines() if o.report == report)
        raise InputError(f"找不到报告提纲 / no outline '{choice}' (known: {known})")
    for outline in load_outlines():
        first, last = outline.years
        if outline.report == report and (first is None or year >= first):
            if last is None or year <= last:
                return outline
    raise InputError(f"没有适用于{year}年度的{report}报告提纲 / no {report} outline for {year}")


def split_case(text: str) -> tuple[str, str]:
    """A case as written in one cell: its first line is the title, the rest the text."""
    lines = [line.strip() for line in text.strip().splitlines()]
    title = lines[0] if lines else ""
    return title, "\n".join(line for line in lines[1:] if line)


def narratives_for(spec: Spec, year: int) -> tuple[Narrative, ...]:
    """The 文字部分 sections a school writes for a year: the texts its outline prints, in
    order, then the case rows."""
    texts = outline_for("school", year).texts()
    by_id = {n.id: n for n in spec.narratives}
    cases = tuple(n for n in spec.narratives if CASE_ID.match(n.id))
    return tuple(by_id[t] for t in texts if t in by_id) + cases
