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


def _nice_limits(low: float, high: float, line: float | None) -> tuple[float, float]:
    """Axis limits that show the spread of the values (and the line), with room for labels."""
    points = [low, high] + ([line] if line is not None else [])
    lo, hi = min(points), max(points)
    span = hi - lo or max(abs(hi), 1.0) * 0.1
    return lo - span * 0.25, hi + span * 0.25


def ratio_bars(*args, **kwargs) -> str:
    """The dot chart of ratio_figure as an SVG data: URI."""
    return _data_uri(ratio_figure(*args, **kwargs))


def ratio_figure(
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
    """One dot per school in the city's order, coloured by whether it meets the target line.

    Dots, not bars: the axis is fitted to the spread of the values (a bar would need zero on
    the axis). Each value label sits on the side of its dot away from the line, the line's own
    label above the plot, so no label crosses another or the line."""
    pairs = [(lab, v) for lab, v in zip(labels, values, strict=True) if v is not None]
    fig = _figure(fonts, 0.9 + 0.24 * max(len(pairs), 3))
    ax = fig.add_subplot()
    scale = _scale(unit)
    ys = list(range(len(pairs)))
    xs = [v * scale for _, v in pairs]
    colours = [
        NEUTRAL
        if target is None
        else (MET if compare(v, comparison, target, tolerance) else MISSED)
        for _, v in pairs
    ]
    line = target * scale if target is not None else None
    low, high = _nice_limits(min(xs, default=0), max(xs, default=1), line)
    ax.hlines(ys, low, xs, color="#d9d9d9", linewidth=0.8, zorder=1)
    ax.scatter(xs, ys, color=colours, s=22, zorder=3)
    ax.set_yticks(ys, [lab for lab, _ in pairs])
    ax.invert_yaxis()
    span = high - low
    for y, (_, v), x in zip(ys, pairs, xs, strict=True):
        text = format_value(v, unit, lang, with_unit=unit in ("percent", "ratio"))
        right = line is None or x >= line
        ax.text(
            x + (span * 0.015 if right else -span * 0.015),
            y,
            text,
            va="center",
            ha="left" if right else "right",
            fontsize=7,
            zorder=4,
        )
    if line is not None:
        ax.axvline(line, color=TARGET, linestyle="--", linewidth=1, zorder=2)
        ax.annotate(
            f"{target_label} {format_threshold(target, unit, lang)}",
            xy=(line, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
        )
    # labels on the left of a dot near the axis's left end need room too
    ax.set_xlim(low - span * 0.12, high + span * 0.12)
    ax.set_ylim(len(pairs) - 0.4, -0.6)
    if unit == "percent":
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0f}%")
    ax.tick_params(axis="y", length=0)
    return fig


def trend_lines(*args, **kwargs) -> str:
    """The line chart of trend_figure as an SVG data: URI."""
    return _data_uri(trend_figure(*args, **kwargs))


def trend_figure(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None]]],
    unit: str,
    fonts: ReportFonts,
    *,
    lang: str = "zh",
) -> str:
    """At most two lines over the years, each point labelled with its value: at each year the
    higher point's label goes above it and the lower's below, so two labels never meet; the
    axis is fitted to the values."""
    if len(series) > 2:
        raise ValueError("a trend chart has at most two series")
    fig = _figure(fonts, 2.2)
    ax = fig.add_subplot()
    scale = _scale(unit)
    drawn = []
    for i, (label, values) in enumerate(series):
        points = {y: v * scale for y, v in zip(years, values, strict=True) if v is not None}
        if points:
            drawn.append((i, label, points))
            ax.plot(
                list(points),
                list(points.values()),
                marker="o",
                color=PALETTE[i],
                label=label,
                linewidth=1.6,
            )
    every = [v for _, _, points in drawn for v in points.values()]
    for i, _, points in drawn:
        for x, y in points.items():
            others = [p[x] for j, _, p in drawn if j != i and x in p]
            above = not others or y >= others[0]
            if others and y == others[0] and i > 0:
                continue  # the same value twice: one label says it
            ax.annotate(
                format_value(y / scale, unit, lang, with_unit=unit == "percent"),
                (x, y),
                textcoords="offset points",
                xytext=(0, 5 if above else -11),
                ha="center",
                fontsize=7,
                color=PALETTE[i],
            )
    ax.set_xticks(list(years), [f"{y}" for y in years])
    if every:
        low, high = _nice_limits(min(every), max(every), None)
        ax.set_ylim(low, high)
    if unit == "percent":
        ax.yaxis.set_major_formatter(lambda x, _: f"{x:.0f}%")
    ax.margins(x=0.12)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, frameon=False)
    return fig


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
