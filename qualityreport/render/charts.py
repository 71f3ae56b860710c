"""Charts as SVG with real text in the report font, embedded as data: URIs."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from ..check.results import compare
from ..numbers import format_threshold, format_value
from .fonts import ReportFonts

MET = "#3a7d44"
MISSED = "#c8553d"
NEUTRAL = "#4a6fa5"
TARGET = "#222222"
PALETTE = ("#4a6fa5", "#c8553d", "#3a7d44", "#d4a017", "#7b5ea7", "#2a9d8f", "#8d6e63")
WIDTH_IN = 6.2  # the A4 text block is about 160 mm


def _figure(fonts: ReportFonts, height: float):
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",  # text stays text: searchable, and drawn by the PDF's CJK font
            "svg.hashsalt": "qualityreport",
            "font.family": [fonts.sans, "sans-serif"],
            "font.size": 8,
            "axes.unicode_minus": False,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return Figure(figsize=(WIDTH_IN, height))


def _data_uri(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _scale(unit: str):
    return 100.0 if unit == "percent" else 1.0


def ratio_bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str,
    fonts: ReportFonts,
    *,
    target: float | None = None,
    comparison: str = "ge",
    tolerance: float | None = None,
    target_label: str = "目标",
    lang: str = "zh",
) -> str:
    """One horizontal bar per school, sorted, coloured by whether it meets the target line."""
    pairs = sorted(
        ((v, lab) for lab, v in zip(labels, values, strict=True) if v is not None), reverse=True
    )
    fig = _figure(fonts, 0.9 + 0.24 * max(len(pairs), 3))
    ax = fig.add_subplot()
    scale = _scale(unit)
    ys = range(len(pairs))
    colours = [
        NEUTRAL
        if target is None
        else (MET if compare(v, comparison, target, tolerance) else MISSED)
        for v, _ in pairs
    ]
    ax.barh(list(ys), [v * scale for v, _ in pairs], color=colours, height=0.65)
    ax.set_yticks(list(ys), [lab for _, lab in pairs])
    ax.invert_yaxis()
    for y, (v, _) in zip(ys, pairs, strict=True):
        ax.text(
            v * scale,
            y,
            " " + format_value(v, unit, lang, with_unit=unit == "percent"),
            va="center",
            fontsize=7,
        )
    if target is not None:
        ax.axvline(target * scale, color=TARGET, linestyle="--", linewidth=1)
        ax.text(
            target * scale,
            -0.9,
            f"{target_label} {format_threshold(target, unit, lang)}",
            ha="center",
            fontsize=7,
        )
    if unit == "percent":
        ax.set_xlim(0, max(100, *(v * scale * 1.1 for v, _ in pairs)) if pairs else 100)
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0f}%")
    ax.margins(x=0.12)
    ax.tick_params(axis="y", length=0)
    return _data_uri(fig)


def trend_lines(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str,
    fonts: ReportFonts,
    *,
    lang: str = "zh",
) -> str:
    """Lines over the years, one per series, each point labelled with its value."""
    fig = _figure(fonts, 2.4)
    ax = fig.add_subplot()
    scale = _scale(unit)
    for i, (label, values) in enumerate(series):
        points = [(y, v * scale) for y, v in zip(years, values, strict=True) if v is not None]
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        ax.plot(xs, ys, marker="o", color=PALETTE[i % len(PALETTE)], label=label, linewidth=1.6)
        for x, y in points:
            # alternate above and below so two close lines do not print over each other
            ax.annotate(
                format_value(y / scale, unit, lang, with_unit=unit == "percent"),
                (x, y),
                textcoords="offset points",
                xytext=(0, 5 if i % 2 == 0 else -11),
                ha="center",
                fontsize=7,
                color=PALETTE[i % len(PALETTE)],
            )
    ax.set_xticks(list(years), [f"{y}" for y in years])
    if unit == "percent":
        ax.yaxis.set_major_formatter(lambda x, _: f"{x:.0f}%")
    ax.margins(x=0.1, y=0.25)
    ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(series), 4), frameon=False
    )
    return _data_uri(fig)


def share_bars(
    labels: Sequence[str],
    values: Sequence[float],
    unit: str,
    fonts: ReportFonts,
    *,
    lang: str = "zh",
) -> str:
    """Horizontal bars of a count per category (students per 专业大类), with each share printed."""
    total = sum(values) or 1.0
    pairs = sorted(zip(values, labels, strict=True), reverse=True)
    fig = _figure(fonts, 0.8 + 0.24 * max(len(pairs), 3))
    ax = fig.add_subplot()
    ys = list(range(len(pairs)))
    ax.barh(ys, [v for v, _ in pairs], color=NEUTRAL, height=0.65)
    ax.set_yticks(ys, [lab for _, lab in pairs])
    ax.invert_yaxis()
    for y, (v, _) in zip(ys, pairs, strict=True):
        ax.text(
            v,
            y,
            f" {format_value(v, unit, lang)}（{format_value(v / total, 'percent')}）"
            if lang == "zh"
            else f" {format_value(v, unit, lang)} ({format_value(v / total, 'percent')})",
            va="center",
            fontsize=7,
        )
    ax.margins(x=0.25)
    ax.tick_params(axis="y", length=0)
    return _data_uri(fig)
