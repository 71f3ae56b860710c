"""A part of a volume: laid-out pages written as a PDF, with what the merge needs to know of
them (page sizes, bookmarks, anchors, and the links that lead into other parts)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .pdf import LaidOut, write_laid_out

PX_TO_PT = 0.75  # WeasyPrint measures in CSS pixels (1/96 in), PDF in points (1/72 in)


@dataclass(frozen=True)
class Part:
    """One laid-out and written part of a volume. Positions are in points from the top left of
    the part's page; pages count from 0 within the part."""

    path: Path
    sizes: tuple[tuple[float, float], ...]  # width, height of each page
    bookmarks: tuple[tuple[int, str, int, float, float], ...]  # level, label, page, x, y
    anchors: dict[str, tuple[int, float, float]]  # id → page, x, y (the first of each id)
    links: tuple[tuple[int, tuple[float, float, float, float], str], ...]  # page, x y w h, id
    refused: tuple[str, ...]
    messages: tuple[str, ...]

    @property
    def pages(self) -> int:
        return len(self.sizes)


def write_part(laid: LaidOut, path: Path) -> Part:
    """Writes the laid-out pages; links to ids the part does not hold (the contents' links to
    the other parts) are kept aside for the merge instead of being dropped by WeasyPrint."""
    pages = laid.document.pages
    anchors: dict[str, tuple[int, float, float]] = {}
    for n, page in enumerate(pages):
        for name, (x, y, *_) in page.anchors.items():
            anchors.setdefault(name, (n, x * PX_TO_PT, y * PX_TO_PT))
    bookmarks, links = [], []
    for n, page in enumerate(pages):
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((level, label, n, x * PX_TO_PT, y * PX_TO_PT))
        elsewhere = [
            link for link in page.links if link[0] == "internal" and link[1] not in anchors
        ]
        for _, target, (x, y, width, height), _box in elsewhere:
            rect = (x * PX_TO_PT, y * PX_TO_PT, width * PX_TO_PT, height * PX_TO_PT)
            links.append((n, rect, target))
        page.links[:] = [link for link in page.links if link not in elsewhere]
    sizes = tuple((page.width * PX_TO_PT, page.height * PX_TO_PT) for page in pages)
    result = write_laid_out(laid, path)
    return Part(
        path=path,
        sizes=sizes,
        bookmarks=tuple(bookmarks),
        anchors=anchors,
        links=tuple(links),
        refused=result.refused,
        messages=result.messages,
    )
