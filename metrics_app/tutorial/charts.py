"""Altair charts of the Tutorial page (no Streamlit here).

Each builder takes a small frame from :mod:`metrics_app.tutorial` plus the
current slider value and returns a chart; nothing here computes a metric.
Encodings use channel objects with ``field=`` and ``type=`` (shorthand
strings cost ~10 ms per channel in Altair 6.3). Undefined (NaN) values are
dropped before drawing, never drawn as 0. The confusion matrix of a binary
model is :func:`metrics_app.shared.charts.confusion_chart`, shared with the explorer.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

__all__ = [
    "averages_chart",
    "bars_chart",
    "batch_chart",
    "cells_chart",
    "cost_chart",
    "f1_chart",
    "fit_chart",
    "majority_chart",
    "multiclass_confusion_chart",
    "pairs_chart",
    "pr_chart",
    "regions_chart",
    "roc_chart",
    "separation_chart",
    "strip_chart",
]

_INK = "#111827"
_MUTED = "#6b7280"
# A qualitative palette for two or three series (colour-blind safe, Okabe-Ito based).
_PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
_HEIGHT = 260
_ONE_ROW = alt.InlineData(values=[{}])


def _colour(
    field: str,
    domain: Sequence[str],
    title: str | None = None,
    *,
    symbol: str = "circle",
    legend: bool = True,
) -> alt.Color:
    return alt.Color(
        field=field,
        type="nominal",
        scale=alt.Scale(domain=list(domain), range=list(_PALETTE[: len(domain)])),
        title=title,
        legend=alt.Legend(orient="top", labelLimit=320, symbolType=symbol) if legend else None,
    )


def _rule_x(value: float, label: str) -> alt.Chart:
    """A dashed vertical rule at ``value`` with a tooltip."""
    return (
        alt.Chart(_ONE_ROW)
        .mark_rule(color=_INK, strokeDash=[5, 3], strokeWidth=1.5)
        .encode(
            x=alt.XDatum(float(value), type="quantitative"),
            tooltip=alt.TooltipValue(label),
        )
    )


def _spread(values: Sequence[float], gap: float, lo: float = -math.inf) -> list[float]:
    """Label positions for ``values`` (sorted high to low): each at least ``gap`` below the last.

    A label is pushed down only as far as the one above it needs; when that pushes the
    lowest below ``lo``, all of them move up together, so none leaves the axis.
    """
    placed, last = [], math.inf
    for value in values:
        last = min(float(value), last - gap)
        placed.append(last)
    short = lo - placed[-1] if placed else 0.0
    return [p + short for p in placed] if short > 0 else placed


def _line_labels(
    frame: pd.DataFrame, x: alt.X, y: alt.Y, series: str, colour: alt.Color, *, gap: float = 0.12
) -> alt.Chart:
    """Each line's name written on it, at its leftmost point.

    A legend alone cannot say which of two overlapping lines is which, nor find a line
    that lies on an axis. Labels closer than ``gap`` (in y units) are pushed down one
    below the other, so none covers another.
    """
    x_field, y_field = x.to_dict()["field"], y.to_dict()["field"]
    first = (
        frame.dropna(subset=[y_field])
        .sort_values(x_field)
        .groupby(series, sort=False)
        .head(1)
        .sort_values(y_field, ascending=False)
    )
    labels = first.assign(**{y_field: _spread(first[y_field], gap)})
    return (
        alt.Chart(labels)
        .mark_text(align="left", baseline="bottom", dx=6, dy=-4, fontWeight="bold")
        .encode(x=x, y=y, color=colour, text=alt.Text(field=series, type="nominal"))
    )


# Height of one end label in pixels (bold 11 px text and a little air), for spacing them.
_LABEL_PX = 15


def _end_labels(
    frame: pd.DataFrame,
    x: alt.X,
    y: alt.Y,
    series: str,
    *,
    domain: Sequence[str],
    y_domain: Sequence[float],
    height: int,
    names: Mapping[str, str] | None = None,
    symbol: str = "circle",
) -> tuple[alt.Chart, alt.Color]:
    """Each line's name at its last point (largest x), in the line's colour, and that colour.

    The label sits just right of the line's end, so the eye goes from a line to its name
    without a legend. Labels whose ends lie closer than one label height are spread apart;
    then the colour keeps its legend as well (the labels no longer touch their lines), else
    it has none. ``names`` gives a label other than the series' value (default: the value).
    """
    x_field, y_field = x.to_dict()["field"], y.to_dict()["field"]
    last = (
        frame.dropna(subset=[y_field])
        .sort_values(x_field, kind="stable")
        .groupby(series, sort=False)
        .tail(1)
        .sort_values(y_field, ascending=False, kind="stable")
    )
    ends = last[y_field].astype(float).tolist()
    gap = (float(y_domain[1]) - float(y_domain[0])) * _LABEL_PX / height
    collide = any(a - b < gap for a, b in itertools.pairwise(ends))
    colour = _colour(series, domain, symbol=symbol, legend=collide)
    labels = pd.DataFrame(
        {
            x_field: last[x_field].to_numpy(),
            y_field: _spread(ends, gap, float(y_domain[0])),
            series: last[series].to_numpy(),
            "label": [(names or {}).get(v, str(v)) for v in last[series]],
        }
    )
    text = (
        alt.Chart(labels)
        .mark_text(align="left", baseline="middle", dx=8, fontWeight="bold", fontSize=12)
        .encode(x=x, y=y, color=colour, text=alt.Text(field="label", type="nominal"))
    )
    return text, colour


def _nice_bounds(lo: float, hi: float, intervals: int = 6) -> tuple[float, float, float]:
    """``[lo, hi]`` widened to whole multiples of a round step, and the step.

    The step is 1, 2, 2.5 or 5 times a power of ten: the smallest that covers the range
    in at most ``intervals`` steps from one multiple to another, so the axis starts and
    ends on a tick just outside the data.

    >>> _nice_bounds(1234.0, 8790.0)
    (0.0, 10000.0, 2000.0)
    >>> _nice_bounds(7945.0, 31110.0)
    (5000.0, 35000.0, 5000.0)
    """
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    raw = (hi - lo) / intervals
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = m * power
        if step >= raw and math.ceil(hi / step) - math.floor(lo / step) <= intervals:
            break
    # Rounded to the step's own digits: 13 * 0.0001 is 0.0013000000000000002 otherwise.
    digits = max(0, 2 - math.floor(math.log10(step)))
    return (
        round(math.floor(lo / step) * step, digits),
        round(math.ceil(hi / step) * step, digits),
        step,
    )


def _layer(
    *layers: alt.Chart, data: pd.DataFrame | None = None, plot_height: int | None = None
) -> alt.LayerChart:
    """The layers as one chart the width of its column.

    Without ``plot_height`` the chart, axes and legend included, is :data:`_HEIGHT` tall.
    With it, the plotting area itself is ``plot_height`` tall (the width still fits the
    column): labels placed in pixels, as :func:`_end_labels` places them, need that.
    """
    chart = alt.LayerChart(layer=list(layers), width="container", height=plot_height or _HEIGHT)
    if plot_height is not None:
        chart.autosize = alt.AutoSizeParams(type="fit-x", contains="padding")
    if data is not None:
        chart.data = data
    return chart


# Plot heights of the charts with end labels: with their axes, as tall as the others.
_PLOT_HEIGHT = 190


# --- 1. accuracy paradox ----------------------------------------------------------------------


def majority_chart(frame: pd.DataFrame, prevalence: float, accuracy: float) -> alt.LayerChart:
    """Accuracy and recall of "always legitimate" against the share of fraud (log x axis).

    ``frame`` is :func:`metrics_app.tutorial.paradox.majority_accuracy_frame`; the
    current prevalence is marked with a rule and a point at ``accuracy``.
    """
    long = frame.melt(
        id_vars="prevalence", value_vars=["accuracy", "recall"], var_name="metric"
    ).replace({"metric": {"accuracy": "Accuracy", "recall": "Recall on fraud"}})
    x = alt.X(
        field="prevalence",
        type="quantitative",
        # nice=False: a log scale would otherwise round its ends out past the data.
        scale=alt.Scale(type="log", domain=[0.001, 0.5], nice=False),
        axis=alt.Axis(format="%", values=[0.001, 0.01, 0.1, 0.5]),
        title="Share of payments that are fraud (log scale)",
    )
    y = alt.Y(
        field="value",
        type="quantitative",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
        title=None,
    )
    colour = _colour("metric", ["Accuracy", "Recall on fraud"], symbol="stroke")
    lines = alt.Chart().mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour)
    dot = (
        alt.Chart(pd.DataFrame({"prevalence": [prevalence], "value": [accuracy]}))
        .mark_point(filled=True, size=110, color=_PALETTE[0], stroke="white")
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip(field="prevalence", type="quantitative", format=".1%", title="Fraud"),
                alt.Tooltip(field="value", type="quantitative", format=".2%", title="Accuracy"),
            ],
        )
    )
    labels = _line_labels(long, x, y, "metric", colour)
    return _layer(lines, labels, _rule_x(prevalence, f"{prevalence:.1%} fraud"), dot, data=long)


# --- 2. cost of errors ---------------------------------------------------------------------


def cost_chart(
    frame: pd.DataFrame, threshold: float, best_threshold: float, *, lo: float, hi: float
) -> alt.LayerChart:
    """Total cost of errors against the threshold; current threshold dashed, cheapest dotted.

    The x axis spans the lesson's slider, ``[lo, hi]``; the y axis the drawn costs, widened
    to round numbers (:func:`_nice_bounds`). The line is named at its end and each rule at
    the top, on its own side so that the two names never overlap.
    """
    x = alt.X(
        field="threshold",
        type="quantitative",
        scale=alt.Scale(domain=[lo, hi], nice=False),
        title="Threshold (flag a score at or above it)",
    )
    bottom, top, step = _nice_bounds(float(frame["cost"].min()), float(frame["cost"].max()))
    y = alt.Y(
        field="cost",
        type="quantitative",
        scale=alt.Scale(domain=[bottom, top], nice=False, zero=False),
        axis=alt.Axis(format=_axis_format(step), values=_ticks(bottom, top, step)),
        title="Total cost of errors (cost units)",
    )
    data = frame.assign(line=_COST_LINE)
    name, colour = _end_labels(
        data, x, y, "line", domain=[_COST_LINE], y_domain=[bottom, top], height=_PLOT_HEIGHT
    )
    line = (
        alt.Chart()
        .mark_line(interpolate="step-before", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip(
                    field="threshold", type="quantitative", format=".3g", title="Threshold"
                ),
                alt.Tooltip(field="cost", type="quantitative", format=",.0f", title="Cost"),
            ],
        )
    )
    best = (
        alt.Chart(_ONE_ROW)
        .mark_rule(color=_PALETTE[2], strokeWidth=2, strokeDash=[2, 2])
        .encode(
            x=alt.XDatum(float(best_threshold), type="quantitative"),
            tooltip=alt.TooltipValue(f"cheapest threshold {best_threshold:.3g}"),
        )
    )
    # One name per row, so that the two never overlap however close the rules are.
    names = [
        _rule_name(threshold, top, "your threshold", _INK, row=0, domain=(lo, hi)),
        _rule_name(best_threshold, top, "cheapest", _PALETTE[2], row=1, domain=(lo, hi)),
    ]
    rule = _rule_x(threshold, f"threshold {threshold:.3g}")
    return _layer(line, name, best, rule, *names, data=data, plot_height=_PLOT_HEIGHT)


_COST_LINE = "total cost"


def _ticks(bottom: float, top: float, step: float) -> list[float]:
    """``bottom, bottom + step, ..., top``: a tick on each end of a :func:`_nice_bounds` axis."""
    return [bottom + i * step for i in range(round((top - bottom) / step) + 1)]


def _axis_format(step: float) -> str:
    """A d3 format with thousands separators and as many decimals as ``step`` needs.

    Never the SI or exponent notation d3 falls back to (``1.2k``, ``1e+4``).

    >>> _axis_format(2000.0), _axis_format(2.5), _axis_format(0.05)
    (',.0f', ',.1f', ',.2f')
    """
    decimals = 0
    while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    return f",.{decimals}f"


def _rule_name(
    x: float, top: float, text: str, colour: str, *, row: int, domain: tuple[float, float]
) -> alt.Chart:
    """``text`` beside the top of the vertical rule at ``x``, in text row ``row`` (0 = top).

    On the rule's right, unless the rule is in the right quarter of the x ``domain``:
    then on its left, inside the plot.
    """
    lo, hi = domain
    right = x <= lo + 0.75 * (hi - lo)
    return (
        alt.Chart(_ONE_ROW)
        .mark_text(
            align="left" if right else "right",
            baseline="top",
            dx=5 if right else -5,
            dy=3 + row * _LABEL_PX,
            color=colour,
            fontWeight="bold",
        )
        .encode(
            x=alt.XDatum(float(x), type="quantitative"),
            y=alt.YDatum(float(top), type="quantitative"),
            text=alt.TextValue(text),
        )
    )


# --- 4. F1 and the plain average ------------------------------------------------------------


def f1_chart(frame: pd.DataFrame, recall: float, current: Mapping[str, float]) -> alt.LayerChart:
    """F1 (and F-beta) against recall at fixed precision, beside the plain average.

    ``frame`` is :func:`metrics_app.tutorial.f1.f1_recall_frame`; ``current``
    maps each measure to its value at ``recall`` (drawn as points). Both axes are rates
    on [0, 1]; each line is named at its end, at a recall of 100%.
    """
    measures = list(dict.fromkeys(frame["measure"]))
    x = alt.X(
        field="recall",
        type="quantitative",
        scale=alt.Scale(domain=[0, 1], nice=False),
        axis=alt.Axis(format="%", values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        title="Recall: share of the positives found (precision held fixed)",
    )
    y = alt.Y(
        field="value",
        type="quantitative",
        scale=alt.Scale(domain=[0, 1], nice=False),
        title="Score (0 to 1)",
    )
    names, colour = _end_labels(
        frame,
        x,
        y,
        "measure",
        domain=measures,
        y_domain=[0, 1],
        height=_PLOT_HEIGHT,
        symbol="stroke",
    )
    lines = (
        alt.Chart()
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=alt.StrokeDash(
                field="measure",
                type="nominal",
                scale=alt.Scale(
                    domain=measures, range=[[1, 0] if m != "Average" else [6, 4] for m in measures]
                ),
                legend=None,
            ),
        )
    )
    pts = pd.DataFrame(
        {
            "recall": recall,
            "measure": list(current),
            "value": [float(v) for v in current.values()],
        }
    ).dropna()
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=100, stroke="white")
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip(field="measure", type="nominal", title="Measure"),
                alt.Tooltip(field="value", type="quantitative", format=".3f", title="Value"),
            ],
        )
    )
    rule = _rule_x(recall, f"recall {recall:.0%}")
    return _layer(lines, names, rule, dots, data=frame, plot_height=_PLOT_HEIGHT)


# --- 5. ROC and PR ------------------------------------------------------------------------


def _curve_chart(
    curves: pd.DataFrame,
    points: pd.DataFrame | None,
    *,
    x_field: str,
    y_field: str,
    x_title: str,
    y_title: str,
    diagonal: bool,
    chance: pd.DataFrame | None = None,
    height: int = 300,
) -> alt.LayerChart:
    series = list(dict.fromkeys(curves["data"]))
    x = alt.X(field=x_field, type="quantitative", scale=alt.Scale(domain=[0, 1]), title=x_title)
    y = alt.Y(field=y_field, type="quantitative", scale=alt.Scale(domain=[0, 1]), title=y_title)
    colour = _colour("data", series)
    layers = []
    if diagonal:
        layers.append(
            alt.Chart(pd.DataFrame({x_field: [0.0, 1.0], y_field: [0.0, 1.0]}))
            .mark_line(color=_MUTED, strokeDash=[4, 4], strokeWidth=1)
            .encode(x=x, y=y)
        )
    if chance is not None:
        # Random scores give a flat PR curve at the prevalence: the floor to beat.
        layers.append(
            alt.Chart(chance)
            .mark_rule(strokeDash=[4, 4], strokeWidth=1.5)
            .encode(
                y=alt.Y(field=y_field, type="quantitative"),
                color=colour,
                tooltip=[
                    alt.Tooltip(field="data", type="nominal", title="Chance line of"),
                    alt.Tooltip(field=y_field, type="quantitative", format=".3f"),
                ],
            )
        )
    layers.append(
        alt.Chart(curves)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(x=x, y=y, color=colour, detail=alt.Detail(field="data", type="nominal"))
    )
    if points is not None:
        layers.append(
            alt.Chart(points.dropna(subset=[x_field, y_field]))
            .mark_point(filled=True, size=120, stroke="white", strokeWidth=1.5)
            .encode(
                x=x,
                y=y,
                color=colour,
                tooltip=[
                    alt.Tooltip(field="data", type="nominal", title="Data"),
                    alt.Tooltip(field=x_field, type="quantitative", format=".3f", title=x_title),
                    alt.Tooltip(field=y_field, type="quantitative", format=".3f", title=y_title),
                ],
            )
        )
    return alt.LayerChart(layer=layers, width="container", height=height)


def roc_chart(
    curves: pd.DataFrame, points: pd.DataFrame | None = None, *, height: int = 300
) -> alt.LayerChart:
    """ROC curves (``fpr``, ``tpr``) of each ``data`` series, with the chance diagonal.

    ``points`` marks each series' operating point; none when it is None.
    """
    return _curve_chart(
        curves,
        points,
        x_field="fpr",
        y_field="tpr",
        x_title="False positive rate",
        y_title="True positive rate (recall)",
        diagonal=True,
        height=height,
    )


def pr_chart(
    curves: pd.DataFrame, points: pd.DataFrame, chance: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Precision-recall curves (``recall``, ``precision``) of each ``data`` series.

    ``chance`` (``data``, ``precision``) draws each series' chance line, dashed.
    """
    return _curve_chart(
        curves,
        points,
        x_field="recall",
        y_field="precision",
        x_title="Recall",
        y_title="Precision",
        diagonal=False,
        chance=chance,
    )


# --- 6. pitfalls -------------------------------------------------------------------------------


def bars_chart(frame: pd.DataFrame, *, groups: Sequence[str]) -> alt.Chart:
    """Grouped bars: ``measure`` on x, one bar per ``group`` (a colour), ``value`` on y.

    NaN values are left out (no bar), and each bar carries its value as text.
    """
    data = frame.dropna(subset=["value"]).assign(text=lambda d: d["value"].map("{:.2f}".format))
    x = alt.X(
        field="measure",
        type="nominal",
        sort=list(dict.fromkeys(frame["measure"])),
        title=None,
        axis=alt.Axis(labelAngle=0, labelFontSize=12),
    )
    y = alt.Y(field="value", type="quantitative", scale=alt.Scale(domain=[0, 1.05]), title=None)
    offset = alt.XOffset(field="group", type="nominal", sort=list(groups))
    colour = _colour("group", groups)
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=x,
            y=y,
            xOffset=offset,
            color=colour,
            tooltip=[
                alt.Tooltip(field="group", type="nominal", title="Data"),
                alt.Tooltip(field="measure", type="nominal", title="Measure"),
                alt.Tooltip(field="value", type="quantitative", format=".3f", title="Value"),
            ],
        )
    )
    text = (
        alt.Chart()
        .mark_text(dy=-7, color=_INK, fontSize=12)
        .encode(x=x, y=y, xOffset=offset, text=alt.Text(field="text", type="nominal"))
    )
    return _layer(bars, text, data=data)


def fit_chart(scores: pd.DataFrame, depth: int, metric: str, title: str) -> alt.LayerChart:
    """Train and test ``metric`` against tree depth, with the chosen depth marked.

    The x axis spans the depths grown, the y axis the metric's whole range [0, 1]; each
    line is named at its end, at the deepest tree.
    """
    depths = scores["depth"]
    x = alt.X(
        field="depth",
        type="quantitative",
        scale=alt.Scale(domain=[int(depths.min()), int(depths.max())], nice=False),
        title="Tree depth (levels of splits)",
        axis=alt.Axis(tickMinStep=1),
    )
    y = alt.Y(
        field=metric,
        type="quantitative",
        scale=alt.Scale(domain=[0, 1], nice=False),
        title=f"{title} (0 to 1)",
    )
    names, colour = _end_labels(
        scores,
        x,
        y,
        "split",
        domain=["train", "test"],
        y_domain=[0, 1],
        height=_FIT_HEIGHT,
        names={"train": "training data", "test": "test data"},
    )
    line = (
        alt.Chart()
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip(field="split", type="nominal", title="Data"),
                alt.Tooltip(field="depth", type="quantitative", title="Depth"),
                alt.Tooltip(field=metric, type="quantitative", format=".3f", title=title),
            ],
        )
    )
    rule = _rule_x(depth, f"depth {depth}")
    return _layer(line, names, rule, data=scores, plot_height=_FIT_HEIGHT)


# The plot beside the square 300 x 300 map of the tree's regions: as tall, axes included.
_FIT_HEIGHT = 230


def regions_chart(
    grid: pd.DataFrame,
    depth: int,
    points: pd.DataFrame,
    *,
    names: tuple[str, str] = ("inner ring", "outer ring"),
) -> alt.LayerChart:
    """Where a tree of ``depth`` says "inner ring" (shaded), with the training points on top.

    ``grid`` is :attr:`metrics_app.tutorial.pitfalls.OverfitStudy.grid`; ``points`` (see
    :func:`metrics_app.tutorial.pitfalls.training_points`) has ``x1``, ``x2`` and ``label``
    (bool, True = inner ring).
    """
    col = f"d{depth}"
    g = grid[["x1", "x2", col]]
    step = float(np.diff(np.unique(g["x1"].to_numpy()))[0])
    region = g[g[col]].assign(x1b=lambda d: d["x1"] + step, x2b=lambda d: d["x2"] + step)
    domain = [float(g["x1"].min()), float(g["x1"].max()) + step]
    x = alt.X(
        field="x1", type="quantitative", scale=alt.Scale(domain=domain, nice=False), title=None
    )
    y = alt.Y(
        field="x2", type="quantitative", scale=alt.Scale(domain=domain, nice=False), title=None
    )
    area = (
        alt.Chart(region)
        .mark_rect(color=_PALETTE[0], opacity=0.18)
        .encode(x=x, y=y, x2=alt.X2(field="x1b"), y2=alt.Y2(field="x2b"))
    )
    pts = points.assign(cls=np.where(points["label"].to_numpy(), names[0], names[1]))
    dots = (
        alt.Chart(pts)
        .mark_point(filled=True, size=22, opacity=0.85)
        .encode(
            x=x,
            y=y,
            color=_colour("cls", list(names)),
            shape=alt.Shape(field="cls", type="nominal", legend=None),
        )
    )
    # Square, so that the rings look round.
    return alt.LayerChart(layer=[area, dots], width=300, height=300)


def averages_chart(frame: pd.DataFrame, rare_recall: float) -> alt.LayerChart:
    """Macro, micro and weighted F1 against the rare class's recall, current value marked."""
    x = alt.X(
        field="rare_recall",
        type="quantitative",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        title="Share of the rare class routed correctly",
    )
    y = alt.Y(field="f1", type="quantitative", scale=alt.Scale(domain=[0, 1]), title="F1")
    colour = _colour("average", ["macro", "micro", "weighted"], symbol="stroke")
    line = (
        alt.Chart()
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip(field="average", type="nominal", title="Average"),
                alt.Tooltip(field="rare_recall", type="quantitative", format=".0%", title="Rare"),
                alt.Tooltip(field="f1", type="quantitative", format=".3f", title="F1"),
            ],
        )
    )
    labels = _line_labels(frame, x, y, "average", colour)
    rule = _rule_x(rare_recall, f"{rare_recall:.0%} routed correctly")
    return _layer(line, labels, rule, data=frame)


def batch_chart(frame: pd.DataFrame, batch_size: int) -> alt.LayerChart:
    """Mean per-batch F1 (two treatments of undefined batches) and whole-set F1 by batch size."""
    measures = list(dict.fromkeys(frame["measure"]))
    x = alt.X(
        field="batch_size",
        type="quantitative",
        scale=alt.Scale(
            type="log",
            base=2,
            domain=[int(frame["batch_size"].min()), int(frame["batch_size"].max())],
            nice=False,
        ),
        axis=alt.Axis(values=sorted(set(frame["batch_size"])), format="d"),
        title="Batch size (log scale)",
    )
    y = alt.Y(field="value", type="quantitative", scale=alt.Scale(domain=[0, 1]), title="F1")
    colour = _colour("measure", measures, symbol="stroke")
    line = (
        alt.Chart()
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip(field="measure", type="nominal", title="Measure"),
                alt.Tooltip(field="batch_size", type="quantitative", title="Batch size"),
                alt.Tooltip(field="value", type="quantitative", format=".3f", title="F1"),
            ],
        )
    )
    labels = _line_labels(frame, x, y, "measure", colour)
    rule = _rule_x(batch_size, f"batch size {batch_size}")
    return _layer(line, labels, rule, data=frame.dropna())


# --- 7. multiclass -------------------------------------------------------------------------------


def multiclass_confusion_chart(cm: np.ndarray, classes: Sequence[str]) -> alt.LayerChart:
    """A k x k confusion matrix: the diagonal (correct) blue, errors red, counts written in."""
    k = len(classes)
    rows = []
    row_sums = cm.sum(axis=1)
    for i in range(k):
        for j in range(k):
            share = cm[i, j] / row_sums[i] if row_sums[i] else np.nan
            rows.append(
                {
                    "actual": classes[i],
                    "predicted": classes[j],
                    "count": int(cm[i, j]),
                    "kind": "correct" if i == j else "error",
                    "share": share,
                }
            )
    data = pd.DataFrame(rows)
    x = alt.X(
        field="predicted",
        type="nominal",
        sort=list(classes),
        title="Predicted",
        axis=alt.Axis(orient="top", labelAngle=0, ticks=False, domain=False),
    )
    y = alt.Y(
        field="actual",
        type="nominal",
        sort=list(classes),
        title="Actual",
        axis=alt.Axis(ticks=False, domain=False),
    )
    rect = (
        alt.Chart()
        .mark_rect(stroke="white", strokeWidth=2)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                field="kind",
                type="nominal",
                scale=alt.Scale(domain=["correct", "error"], range=["#2563eb", "#dc2626"]),
                legend=None,
            ),
            opacity=alt.Opacity(
                field="share",
                type="quantitative",
                scale=alt.Scale(domain=[0, 1], range=[0.08, 0.9]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip(field="actual", type="nominal", title="Actual"),
                alt.Tooltip(field="predicted", type="nominal", title="Predicted"),
                alt.Tooltip(field="count", type="quantitative", format=",", title="Tickets"),
                alt.Tooltip(field="share", type="quantitative", format=".0%", title="Share of row"),
            ],
        )
    )
    text = (
        alt.Chart()
        .mark_text(fontSize=15, fontWeight="bold", color=_INK)
        .encode(x=x, y=y, text=alt.Text(field="count", type="quantitative", format=","))
    )
    return alt.LayerChart(layer=[rect, text], data=data, width=330, height=230)


# --- the countable examples strip (lessons 2, 3 and 5) ---------------------------------------

# Cell colours, the same in the strip's four pieces and in the 2x2 matrix beside it.
_CELL_COLOURS = {"TP": "#009e73", "FN": "#d55e00", "FP": "#e69f00", "TN": "#9ca3af"}
_CLASS_COLOURS = {"ill": "#cc0066", "healthy": "#0072b2"}


def _cell_colour() -> alt.Color:
    return alt.Color(
        field="cell",
        type="nominal",
        scale=alt.Scale(domain=list(_CELL_COLOURS), range=list(_CELL_COLOURS.values())),
        legend=None,
    )


def strip_chart(dots: pd.DataFrame, cells: pd.DataFrame, threshold: float) -> alt.LayerChart:
    """Patients as dots on the score line, ill above and healthy below, cut at ``threshold``.

    ``dots`` is :func:`metrics_app.tutorial.strip.strip_frame`; ``cells`` is
    :func:`~metrics_app.tutorial.strip.cell_frame`, whose labels name the four pieces.
    """
    top = float(dots["level"].max()) + 1.2
    bottom = float(dots["level"].min()) - 1.2
    t = float(threshold)
    spans = {"TP": (t, 1, 0, top), "FN": (0, t, 0, top), "FP": (t, 1, bottom, 0)}
    spans["TN"] = (0, t, bottom, 0)
    labels = dict(zip(cells["cell"], cells["label"], strict=True))
    boxes = pd.DataFrame(
        [
            {
                "cell": c,
                "x": x0,
                "x2": x1,
                "y": y0,
                "y2": y1,
                "label": labels[c],
                # Labels sit in the outer corner of each piece, away from the dots' middle.
                "lx": x1 - 0.01 if c in ("TP", "FP") else x0 + 0.01,
                "ly": y1 - 0.4 if y1 > 0 else y0 + 0.4,
                "align": "right" if c in ("TP", "FP") else "left",
            }
            for c, (x0, x1, y0, y1) in spans.items()
        ]
    )
    x = alt.X(field="x", type="quantitative", scale=alt.Scale(domain=[0, 1]), title="Test score")
    y = alt.Y(field="y", type="quantitative", axis=None, scale=alt.Scale(domain=[bottom, top]))
    rects = (
        alt.Chart(boxes)
        .mark_rect(opacity=0.22)
        .encode(
            x=x,
            x2=alt.X2(field="x2"),
            y=y,
            y2=alt.Y2(field="y2"),
            color=_cell_colour(),
            tooltip=alt.Tooltip(field="label", type="nominal", title="Cell"),
        )
    )
    text = []
    for align in ("left", "right"):
        text.append(
            alt.Chart(boxes[boxes["align"] == align])
            .mark_text(align=align, fontWeight="bold", fontSize=13, color=_INK)
            .encode(
                x=alt.X(field="lx", type="quantitative"),
                y=alt.Y(field="ly", type="quantitative"),
                text=alt.Text(field="label", type="nominal"),
            )
        )
    points = (
        alt.Chart(dots)
        .mark_circle(size=90, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(field="score", type="quantitative"),
            y=alt.Y(field="level", type="quantitative"),
            color=alt.Color(
                field="row",
                type="nominal",
                title="True class",
                scale=alt.Scale(domain=list(_CLASS_COLOURS), range=list(_CLASS_COLOURS.values())),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip(field="row", type="nominal", title="Patient"),
                alt.Tooltip(field="score", type="quantitative", format=".2f", title="Score"),
                alt.Tooltip(field="cell", type="nominal", title="Cell"),
            ],
        )
    )
    rule = _rule_x(t, f"threshold {t:.2f}")
    # The height covers the legend and the axis too (about 90 px); then 16 px a stacked
    # dot, so the dots (about 11 px wide) never touch.
    height = 90 + round(16 * (top - bottom))
    chart = alt.LayerChart(layer=[rects, *text, rule, points], width="container", height=height)
    return chart.resolve_scale(color="independent")


def cells_chart(cells: pd.DataFrame) -> alt.LayerChart:
    """The four counts as a 2x2 matrix, each cell in its colour of :func:`strip_chart`."""
    x = alt.X(
        field="flag",
        type="nominal",
        sort=["yes", "no"],
        title="Flagged?",
        axis=alt.Axis(orient="top", labelAngle=0),
    )
    y = alt.Y(field="truth", type="nominal", sort=["ill", "healthy"], title=None)
    base = alt.Chart(cells).encode(x=x, y=y)
    return alt.LayerChart(
        layer=[
            base.mark_rect(opacity=0.45, stroke="white", strokeWidth=2).encode(
                color=_cell_colour()
            ),
            base.mark_text(fontSize=16, fontWeight="bold", color=_INK).encode(
                text=alt.Text(field="label", type="nominal")
            ),
        ],
        width="container",
        height=160,
    )


# --- 5. what ROC AUC means -------------------------------------------------------------------


def separation_chart(histogram: pd.DataFrame) -> alt.Chart:
    """The two classes' score histograms (``start``, ``end``, ``class``, ``count``), overlaid."""
    return (
        alt.Chart(histogram)
        .mark_rect(opacity=0.55)
        .encode(
            x=alt.X(
                field="start", type="quantitative", scale=alt.Scale(domain=[0, 1]), title="Score"
            ),
            x2=alt.X2(field="end"),
            y=alt.Y(field="count", type="quantitative", stack=None, title="Examples"),
            color=_colour("class", ["positive", "negative"], "Class", symbol="square"),
            tooltip=[
                alt.Tooltip(field="class", type="nominal", title="Class"),
                alt.Tooltip(field="start", type="quantitative", format=".2f", title="From"),
                alt.Tooltip(field="count", type="quantitative", title="Examples"),
            ],
        )
        .properties(width="container", height=280)
    )


def pairs_chart(running: pd.DataFrame, auc: float) -> alt.LayerChart:
    """The running win rate of random pairs (``pairs``, ``win_rate``) against the ROC AUC."""
    top = int(running["pairs"].max())
    x = alt.X(
        field="pairs",
        type="quantitative",
        scale=alt.Scale(type="log", domain=[1, max(top, 10)]),
        title="Pairs drawn (log scale)",
    )
    y = alt.Y(
        field="win_rate", type="quantitative", scale=alt.Scale(domain=[0, 1]), title="Win rate"
    )
    line = alt.Chart(running).mark_line(color=_PALETTE[0], strokeWidth=2).encode(x=x, y=y)
    target = (
        alt.Chart(_ONE_ROW)
        .mark_rule(color=_PALETTE[1], strokeDash=[5, 3], strokeWidth=1.5)
        .encode(y=alt.YDatum(float(auc)), tooltip=alt.TooltipValue(f"ROC AUC {auc:.3f}"))
    )
    label = (
        alt.Chart(_ONE_ROW)
        .mark_text(align="left", dx=4, dy=-8, color=_PALETTE[1], fontWeight="bold")
        .encode(x=alt.XDatum(1), y=alt.YDatum(float(auc)), text=alt.TextValue("ROC AUC"))
    )
    return alt.LayerChart(layer=[target, label, line], width="container", height=280)
