"""Chart labels are placed or dropped by rule: none overlaps another label or the target line,
a trend chart has at most two series, and the axis shows the spread of the values."""

from __future__ import annotations

import pytest

from qualityreport.render import charts
from qualityreport.render.fonts import find_cjk_fonts


@pytest.fixture(scope="module")
def fonts():
    return find_cjk_fonts(None)


def _boxes(fig):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)  # the figure is drawn as it will be saved
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text()]
    return ax, renderer, [(t.get_text(), t.get_window_extent(renderer)) for t in texts]


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_dot_labels_never_cross_each_other_or_the_line(fonts):
    # values on both sides of the line and right at it, as 秭归 at 50%
    names = [f"学校{n}" for n in range(12)]
    values = [0.5, 0.52, 0.49, 0.61, 0.38, 0.5, 0.55, 0.47, 0.7, 0.33, 0.51, 0.5]
    fig = charts.ratio_figure(names, values, "percent", fonts, target=0.5, comparison="gt")
    ax, renderer, boxes = _boxes(fig)
    line_x = ax.transData.transform((50, 0))[0]
    for n, (text, box) in enumerate(boxes):
        if not text.startswith("目标"):  # the line's own label sits above its end
            assert not (box.x0 < line_x < box.x1), text  # no value label crosses the line
        for other, second in boxes[n + 1 :]:
            assert not _overlap(box, second), (text, other)
    low, high = ax.get_xlim()
    assert low > 0  # the axis shows the spread, not 0–100


def test_trend_labels_never_meet_and_two_series_at_most(fonts):
    years = [2022, 2023, 2024]
    series = [("本校", [0.935, 0.94, 0.9405]), ("全市", [0.934, 0.941, 0.939])]
    fig = charts.trend_figure(years, series, "percent", fonts)
    _, _, boxes = _boxes(fig)
    labels = [(t, b) for t, b in boxes]
    for n, (text, box) in enumerate(labels):
        for other, second in labels[n + 1 :]:
            assert not _overlap(box, second), (text, other)
    with pytest.raises(ValueError):
        charts.trend_figure(years, series * 2, "percent", fonts)
