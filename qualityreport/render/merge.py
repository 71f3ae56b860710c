"""Parts of a volume joined into one PDF: their pages in order, one outline built from every
part's bookmarks as WeasyPrint builds it for one document (by level), the links a part keeps for
ids in other parts pointed at their pages, and a stamp PDF overlaid page by page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RenderError

if TYPE_CHECKING:
    from .parts import Part


def join_parts(
    parts: Sequence[Part], output: Path, *, stamp: Path | None, title: str, author: str
) -> None:
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    starts: list[int] = []
    for part in parts:
        starts.append(len(writer.pages))
        writer.append(str(part.path), import_outline=False)
    heights = [height for part in parts for _width, height in part.sizes]

    anchors: dict[str, tuple[int, float, float]] = {}  # id → volume page, x, y from the top
    for part, first in zip(parts, starts, strict=True):
        for name, (page, x, y) in part.anchors.items():
            anchors.setdefault(name, (first + page, x, y))

    parents: list[tuple[int, object]] = []  # the open outline items, by level
    for part, first in zip(parts, starts, strict=True):
        for level, label, page, x, y in part.bookmarks:
            while parents and parents[-1][0] >= level:
                parents.pop()
            n = first + page
            item = writer.add_outline_item(
                title=label,
                page_number=n,
                parent=parents[-1][1] if parents else None,  # type: ignore[arg-type]
                fit=Fit.xyz(left=x, top=heights[n] - y),
            )
            parents.append((level, item))

    for part, first in zip(parts, starts, strict=True):
        for page, (x, y, width, height), name in part.links:
            if name not in anchors:
                raise RenderError(f"链接目标不存在 / no page holds the link target #{name}")
            target, tx, ty = anchors[name]
            top = heights[first + page]
            writer.add_annotation(
                page_number=first + page,
                annotation=Link(
                    rect=(x, top - y - height, x + width, top - y),
                    target_page_index=target,
                    fit=Fit.xyz(left=tx, top=heights[target] - ty),
                ),
            )

    if stamp is not None:
        stamps = PdfReader(stamp).pages
        if len(stamps) != len(writer.pages):
            raise RenderError("页码页数不符 / the page numbers do not match the pages")
        for volume_page, numbers in zip(writer.pages, stamps, strict=True):
            volume_page.merge_page(numbers)

    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "qualityreport"})
    output.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(output, "wb") as file:
            writer.write(file)
    except OSError as exc:
        raise RenderError(f"无法写入 / cannot write {output}: {exc.strerror or exc}") from None
