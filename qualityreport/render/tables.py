"""Report tables through great-tables: HTML with stable ids and one shared copy of its CSS."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from ..numbers import format_value
from ..textwidth import em_width

_SHARED_ID = "qrgtshared"
WRAP_CLASS = "qr-gt"
WORD_JOINER = "\u2060"  # no line break on either side (UAX #14): what CSS keep-all would do
BREAK_HERE = "\u200b"  # a line may break here (a quote would otherwise glue its neighbours)
MET_FILL = "#dcefdc"
MISSED_FILL = "#f6d5cf"
NODATA_FILL = "#eeeeee"
TEXT_WIDTH_MM = 170.0  # A4 portrait between the page margins
WIDE_TEXT_WIDTH_MM = 267.0  # A4 landscape (the `wide` page)
_MM_PER_PT = 25.4 / 72
_CELL_PADDING_PT = 10.0  # left and right padding of a cell, with a little to spare
_NO_BREAK_BEFORE = set("）)】」』“”‘’，。、：；！？%·")
_NO_BREAK_AFTER = set("（(【「『“”‘’")


def keep_together(text: str) -> str:
    """Text that must not break across lines (a school name, 1,234人, ≥ 50%): WeasyPrint has no
    `word-break: keep-all`, so every break opportunity inside is closed with a word joiner
    (invisible, and absent from the PDF's text)."""
    if len(text) < 2:
        return text
    return WORD_JOINER.join(text.replace(" ", "\u00a0"))


_FIGURE = re.compile(
    r"[≥≤><≈=]?\s?[0-9][0-9,.:]*\s?(?:个百分点|万元|元|平方米|人次|人|册|项|个|所|年|%|:1)?"
    r"|\d{4}年度?"
)
_SEGMENT = re.compile(r"[（(][^（()）]*[)）]|“[^“”]*”|[^（(“]+")


def keep_figures(text: str) -> str:
    """A label whose figures never break inside (≥ 24,000平方米, 1:20): the words around them
    may still wrap, a number never leaves its unit."""
    return _FIGURE.sub(lambda m: keep_together(m.group(0)), text)


def keep_words(text: str) -> str:
    """A label (a column head, a name) that may wrap only before or after a bracketed or quoted
    part: 在校生数 / （人）, “双师型” / 教师占专业课教师比例."""
    return BREAK_HERE.join(keep_together(m.group(0)) for m in _SEGMENT.finditer(text))


def keep_apart(*runs: str) -> str:
    """Runs that each stay whole but may go to separate lines: 6,474元 / （≥ 2,500元）."""
    return "".join(keep_together(r) for r in runs if r)


def unbreakable_runs(text: str) -> list[str]:
    """The pieces a line may not break inside, as a line breaker sees them: a word joiner or a
    no-break space glues, a space, a zero-width space or a Chinese character lets go (but never
    before a closing bracket or after an opening one, nor on either side of a quotation mark),
    digits and letters hold together."""
    runs: list[str] = []
    current = ""
    for ch in text:
        if not current:
            current = ch
            continue
        last = current[-1]
        if ch == BREAK_HERE:
            runs.append(current)
            current = ""
            continue
        glued = (
            ch in (WORD_JOINER, "\u00a0")
            or last in (WORD_JOINER, "\u00a0")
            or ch in _NO_BREAK_BEFORE
            or last in _NO_BREAK_AFTER
            or (em_width(ch) < 1 and em_width(last) < 1 and not ch.isspace() and not last.isspace())
        )
        if glued:
            current += ch
        else:
            runs.append(current)
            current = "" if ch == " " else ch
    if current:
        runs.append(current)
    return [r for r in runs if r.strip()]


@lru_cache(maxsize=65536)  # a matrix repeats its few dozen cell texts over many schools
def min_width_mm(text: str, font_pt: float) -> float:
    """The narrowest a cell holding `text` can be without breaking inside a run (with padding)."""
    widest = max(
        (
            em_width(run.replace(WORD_JOINER, "").replace(BREAK_HERE, ""))
            for run in unbreakable_runs(text)
        ),
        default=0.0,
    )
    return (widest * font_pt + _CELL_PADDING_PT) * _MM_PER_PT


def fit_widths(declared: Sequence[float], needed: Sequence[float], total: float) -> list[float]:
    """Column widths (in the unit of `total`) close to the declared ones, each at least what it
    needs: a column too narrow takes the room from the columns with some to spare, in proportion
    to their spare room. When even the needs do not fit, the needs are scaled to the total."""
    if sum(needed) >= total:
        return [n * total / sum(needed) for n in needed] if sum(needed) else list(declared)
    widths = [max(d, n) for d, n in zip(declared, needed, strict=True)]
    excess = sum(widths) - total
    while excess > 1e-6:
        spare = [w - n for w, n in zip(widths, needed, strict=True)]
        room = sum(s for s in spare if s > 0)
        take = min(excess, room)
        widths = [w - (take * s / room if s > 0 else 0) for w, s in zip(widths, spare, strict=True)]
        excess -= take
    return widths


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: str = ""  # a CSS percentage; the table is fixed-layout so it never overflows the page
    align: str = "left"


def _options(gt, font_size: str):
    return gt.tab_options(
        table_width="100%",
        table_font_size=font_size,
        column_labels_font_weight="bold",
        table_border_top_color="#333333",
        column_labels_border_bottom_color="#333333",
        table_body_border_bottom_color="#333333",
        data_row_padding="3px",
        column_labels_background_color="#eef1f5",
    )


@lru_cache(maxsize=1)
def shared_css() -> Markup:
    """great-tables' CSS once for every table (each table would otherwise carry ~9 KB)."""
    import polars as pl
    from great_tables import GT

    html = _options(GT(pl.DataFrame({"a": ["x"]})).with_id(_SHARED_ID), "9pt").as_raw_html()
    found = re.search(r"<style>(.*?)</style>", html, re.S)
    if found is None:
        raise RuntimeError("great-tables wrote a table without its stylesheet")
    css = found.group(1)
    css = css.replace(f"#{_SHARED_ID}", f".{WRAP_CLASS}")
    # The report's own font stack must win: GT names Latin system fonts only.
    css = re.sub(r"font-family:[^;]*;", "font-family: inherit;", css)
    # GT ships a rule that reaches every td/th/tr of the page; scope it to its own tables.
    css = re.sub(
        r"\.qr-gt thead, tbody, tfoot, tr, td, th \{",
        ".qr-gt thead, .qr-gt tbody, .qr-gt tfoot, .qr-gt tr, .qr-gt td, .qr-gt th {",
        css,
    )
    css = re.sub(r"(^|\n)\s*tr \{ background-color: transparent; \}", r"\1", css)
    # Screen-only and invalid declarations WeasyPrint would warn about on every render.
    css = re.sub(
        r"\s*(-webkit-font-smoothing|-moz-osx-font-smoothing|overflow-x|overflow-y):[^;]*;", "", css
    )
    css = css.replace("color: font-color(#FFFFFF);", "")
    # Each table's own size (set on its wrapper) must reach its cells: GT's rule names 9pt.
    css = re.sub(r"(\.qr-gt \.gt_table \{[^}]*?)font-size: [^;]*;", r"\1font-size: inherit;", css)
    return Markup(css)


def _html(gt, table_id: str, css_class: str, font_size: str) -> Markup:
    html = gt.as_raw_html()
    html = re.sub(r"<style>.*?</style>", "", html, count=1, flags=re.S)
    # The wrapper's inline style only sets screen scrolling and padding; the stylesheet does
    # this. The table's size goes on the wrapper (the shared stylesheet has no per-table rule).
    html = re.sub(
        rf'<div id="{re.escape(table_id)}" style="[^"]*"',
        f'<div id="{table_id}" class="{WRAP_CLASS} {css_class}" style="font-size: {font_size};"',
        html,
        count=1,
    )
    return Markup(html)


def text_table(
    table_id: str,
    columns: Sequence[Column],
    rows: Sequence[dict[str, str]],
    *,
    css_class: str = "",
    font_size: str = "9pt",
    fills: dict[tuple[int, str], str] | None = None,
    page_width_mm: float = TEXT_WIDTH_MM,
) -> Markup:
    """A table of already formatted text (GT escapes every cell, so values are safe).

    `fills` colours single cells: (row index, column key) → background colour. Declared widths
    give way where a column's head or a cell holds a run wider than the column (a number with
    its unit, a bracketed threshold, a school's name never breaks inside)."""
    import polars as pl
    from great_tables import GT, loc, style

    frame = pl.DataFrame(
        {c.key: [str(r.get(c.key, "")) for r in rows] for c in columns},
        schema={c.key: pl.String for c in columns},
    )
    # a short head stays on one line; a long one may wrap between words, never inside a figure
    labels: dict[str, Any] = {
        c.key: keep_words(c.label) if len(c.label) <= 6 else keep_figures(c.label) for c in columns
    }
    gt = GT(frame).with_id(table_id).cols_label(**labels)
    widths = _widths(columns, labels, rows, float(font_size.removesuffix("pt")), page_width_mm)
    if widths:
        gt = gt.cols_width(widths)
    for align in ("left", "center", "right"):
        keys = [c.key for c in columns if c.align == align]
        if keys:
            gt = gt.cols_align(align, columns=keys)
    # one style call per column and colour: great-tables resolves each call against every row
    same_fill: dict[tuple[str, str], list[int]] = {}
    for (row, key), colour in (fills or {}).items():
        same_fill.setdefault((key, colour), []).append(row)
    for (key, colour), fill_rows in same_fill.items():
        gt = gt.tab_style(style.fill(color=colour), loc.body(columns=key, rows=fill_rows))
    return _html(_options(gt, font_size), table_id, css_class, font_size)


def _widths(
    columns: Sequence[Column],
    labels: dict[str, Any],
    rows: Sequence[dict[str, str]],
    font_pt: float,
    page_width_mm: float,
) -> dict[str, str]:
    """The declared percentages, widened where a column's content needs it."""
    if not columns or not all(c.width.endswith("%") for c in columns):
        return {c.key: c.width for c in columns if c.width}
    declared = [float(c.width.removesuffix("%")) for c in columns]
    needed = [
        100
        * max(
            [min_width_mm(str(labels[c.key]), font_pt)]
            + [min_width_mm(text, font_pt) for text in {str(r.get(c.key, "")) for r in rows}]
        )
        / page_width_mm
        for c in columns
    ]
    fitted = fit_widths(declared, needed, sum(declared))
    return {
        c.key: c.width if abs(w - d) < 0.005 else f"{w:.2f}%"
        for c, w, d in zip(columns, fitted, declared, strict=True)
    }


def number_table(
    table_id: str,
    columns: Sequence[Column],
    rows: Sequence[dict[str, object]],
    *,
    percent: Sequence[str] = (),
    integer: Sequence[str] = (),
    css_class: str = "",
    font_size: str = "9pt",
) -> Markup:
    """A table with numeric columns: percentages and whole numbers printed by the one number
    vocabulary (numbers.format_value), every other cell as text."""
    formatted = []
    for row in rows:
        cells = {}
        for c in columns:
            value = row.get(c.key)
            if c.key in percent:
                cells[c.key] = keep_together(format_value(_number(value), "percent"))
            elif c.key in integer:
                cells[c.key] = keep_together(
                    format_value(_number(value), "", with_unit=False, digits=0)
                )
            else:
                cells[c.key] = "" if value is None else str(value)
        formatted.append(cells)
    return text_table(table_id, columns, formatted, css_class=css_class, font_size=font_size)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
