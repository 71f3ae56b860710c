"""The page numbers of a volume merged from parts: one PDF of footers ("第 N 页 共 M 页"), a page
for each page of the volume and of the same size, rendered by WeasyPrint in the report's sans
font, to be overlaid page by page. Footers are plain text placed where report.css's @page rule
prints them (centred in the bottom margin), which lays out far faster than margin boxes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from .pdf import Options, _fonts, lay_out, write_laid_out

# the middle of report.css's bottom page margins: 20 mm, 16 mm on wide (landscape) pages
FOOTER_MIDDLE_MM = {"portrait": 10.0, "landscape": 8.0}
FOOTER_PT = 8.5
FOOTER_COLOR = "#555"


def footer_text(page: int, pages: int, lang: str) -> str:
    if lang == "zh":
        return f"第 {page} 页 共 {pages} 页"
    return f"Page {page} of {pages}"


def page_numbers_html(
    sizes: Sequence[tuple[float, float]], options: Options, unnumbered: Collection[int] = ()
) -> str:
    """One page per size (width, height in points); page n (from 0) prints n + 1 of the total
    unless it is unnumbered."""
    fonts = _fonts(options.font_families)
    kinds = {size: f"size{n}" for n, size in enumerate(dict.fromkeys(sizes))}
    rules = [
        f"@page {name} {{ size: {width:.3f}pt {height:.3f}pt; margin: 0; }}\n"
        f".{name} {{ page: {name}; height: {height:.3f}pt; }}"
        for (width, height), name in kinds.items()
    ]
    css = "\n".join(rules) + (
        f"\nbody {{ margin: 0; font-family: {fonts.css_stack('sans')}; font-size: {FOOTER_PT}pt;"
        f" color: {FOOTER_COLOR}; line-height: 1; }}"
        "\ndiv { position: relative; break-after: page; overflow: hidden; }"
        "\np { position: absolute; left: 0; right: 0; margin: 0; text-align: center; }"
    )
    total = len(sizes)
    body = []
    for n, (width, height) in enumerate(sizes):
        footer = ""
        if n not in unnumbered:
            middle = FOOTER_MIDDLE_MM["landscape" if width > height else "portrait"]
            bottom = middle * 72 / 25.4 - FOOTER_PT / 2
            text = footer_text(n + 1, total, options.lang)
            footer = f'<p style="bottom: {bottom:.2f}pt">{text}</p>'
        body.append(f'<div class="{kinds[(width, height)]}">{footer}</div>')
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        + css
        + "</style></head><body>"
        + "".join(body)
        + "</body></html>"
    )


def stamp_page_numbers(
    sizes: Sequence[tuple[float, float]],
    output: Path,
    options: Options,
    unnumbered: Collection[int] = (),
) -> Path:
    """The footers PDF for a volume whose pages have these sizes."""
    page_options = Options(lang=options.lang, font_families=options.font_families)
    write_laid_out(
        lay_out(page_numbers_html(sizes, page_options, unnumbered), page_options), output
    )
    return output
