"""Lay a report's outline over what was generated and written: numbered headings, each
section's text (or a visible 本部分未填写 box), its generated blocks, its cases, its subsections."""

from __future__ import annotations

from dataclasses import dataclass

from ..outline import Outline, Section
from .labels import Labels


@dataclass(frozen=True)
class Case:
    """A titled case (典型案例): a school's 案例 row, or a case in the bureau's document."""

    title: str
    text: str
    chapter: str | None = None  # the outline section it belongs to; None: the outline's default
    photo: str | None = None  # a data: URI
    caption: str = ""


@dataclass(frozen=True)
class Part:
    """One section of the outline as printed."""

    id: str
    anchor: str
    level: int  # 1 chapter, 2 section
    heading: str
    numbered: bool
    blocks: tuple  # of Block (school_view)
    text: str | None
    expects_text: bool
    cases: tuple[Case, ...]
    parts: tuple[Part, ...]

    @property
    def empty(self) -> bool:
        """Nothing would print under the heading (it then gets the 本部分未填写 box)."""
        return not (self.text or self.blocks or self.cases or self.parts)


def _case_homes(outline: Outline, cases: tuple[Case, ...]) -> dict[str, list[Case]]:
    """Each case in the section it names, else in the outline's case section (else the last
    section that prints text)."""
    ids = {s.id for s in outline.walk()}
    fallback = outline.case_section
    if fallback is None:
        written = [s for s in outline.sections if s.text]
        fallback = written[-1] if written else None
    homes: dict[str, list[Case]] = {}
    for case in cases:
        home = case.chapter if case.chapter in ids else (fallback.id if fallback else None)
        if home is not None:
            homes.setdefault(home, []).append(case)
    return homes


def lay_out(
    outline: Outline,
    blocks: dict[str, tuple],
    texts: dict[str, str],
    cases: tuple[Case, ...],
    t: Labels,
    *,
    anchor: str,
    num: tuple[str, ...],
    sub: tuple[str, ...],
) -> tuple[Part, ...]:
    """The outline's sections as printed parts, appendix sections last."""
    homes = _case_homes(outline, cases)

    def part(section: Section, level: int, number: str) -> Part:
        children = []
        n = 0
        for child in section.sections:
            children.append(part(child, level + 1, sub[n] if child.numbered else ""))
            n += child.numbered
        return Part(
            id=section.id,
            anchor=f"{anchor}-{section.id}",
            level=level,
            heading=f"{number}{section.label(t.lang)}",
            numbered=bool(number),
            blocks=tuple(b for name in section.blocks for b in blocks.get(name, ()) if b),
            text=texts.get(section.text) if section.text else None,
            expects_text=section.text is not None,
            cases=tuple(homes.get(section.id, ())),
            parts=tuple(children),
        )

    parts = []
    n = 0
    for section in outline.sections:
        parts.append(part(section, 1, num[n] if section.numbered else ""))
        n += section.numbered
    parts += [part(section, 1, "") for section in outline.appendix]
    return tuple(parts)


def toc_entries(parts: tuple[Part, ...], depth: int = 2) -> list[tuple[int, str, str]]:
    """(level, anchor, heading) of the parts down to depth, in order."""
    entries: list[tuple[int, str, str]] = []

    def walk(items: tuple[Part, ...]) -> None:
        for p in items:
            if p.level <= depth:
                entries.append((p.level, p.anchor, p.heading))
                walk(p.parts)

    walk(parts)
    return entries
