"""Altair charts of the Tutorial page (no Streamlit here).

Each builder takes a small frame from :mod:`metrics_app.tutorial` plus the
current slider value and returns a chart; nothing here computes a metric.
Encodings use channel objects with ``field=`` and ``type=`` (shorthand
strings cost ~10 ms per channel in Altair 6.3). Undefined (NaN) values are
dropped before drawing, never drawn as 0. The confusion matrix of a binary
model is :func:`metrics_app.shared.charts.confusion_chart`, shared with the explorer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

__all__ = [
    "averages_chart",
    "bars_chart",
    "batch_chart",
    "cost_chart",
    "f1_chart",
    "fit_chart",
    "majority_chart",
    "multiclass_confusion_chart",
    "pr_chart",
    "regions_chart",
    "roc_chart",
]

_INK = "#111827"
_MUTED = "#6b7280"
# A qualitative palette for two or three series (colour-blind safe, Okabe-Ito based).
_PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7")
_HEIGHT = 260
_ONE_ROW = alt.InlineData(values=[{}])


def _colour(
    field: str, domain: Sequence[str], title: str | None = None, *, symbol: str = "circle"
) -> alt.Color:
    return alt.Color(
        field=field,
        type="nominal",
        scale=alt.Scale(domain=list(domain), range=list(_PALETTE[: len(domain)])),
        title=title,
        legend=alt.Legend(orient="top", labelLimit=320, symbolType=symbol),
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


def _layer(*layers: alt.Chart, data: pd.DataFrame | None = None) -> alt.LayerChart:
    chart = alt.LayerChart(layer=list(layers), width="container", height=_HEIGHT)
    if data is not None:
        chart.data = data
    return chart


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
        scale=alt.Scale(type="log", domain=[0.001, 0.5]),
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
    return _layer(lines, _rule_x(prevalence, f"{prevalence:.1%} fraud"), dot, data=long)


# --- 2. cost of errors ---------------------------------------------------------------------


def cost_chart(
    frame: pd.DataFrame, threshold: float, best_threshold: float, *, lo: float, hi: float
) -> alt.LayerChart:
    """Total cost of errors against the threshold; current threshold dashed, cheapest dotted."""
    x = alt.X(
        field="threshold",
        type="quantitative",
        scale=alt.Scale(domain=[lo, hi], nice=False),
        title="Threshold",
    )
    y = alt.Y(
        field="cost",
        type="quantitative",
        title="Total cost of errors",
        axis=alt.Axis(format=",.0f"),
    )
    line = (
        alt.Chart()
        .mark_line(interpolate="step-before", strokeWidth=2, color=_PALETTE[0])
        .encode(
            x=x,
            y=y,
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
    return _layer(line, best, _rule_x(threshold, f"threshold {threshold:.3g}"), data=frame)


# --- 4. F1 and the plain average ------------------------------------------------------------


def f1_chart(frame: pd.DataFrame, recall: float, current: Mapping[str, float]) -> alt.LayerChart:
    """F1 (and F-beta) against recall at fixed precision, beside the plain average.

    ``frame`` is :func:`metrics_app.tutorial.f1.f1_recall_frame`; ``current``
    maps each measure to its value at ``recall`` (drawn as points).
    """
    measures = list(dict.fromkeys(frame["measure"]))
    x = alt.X(
        field="recall",
        type="quantitative",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", values=[0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        title="Recall (precision held fixed)",
    )
    y = alt.Y(field="value", type="quantitative", scale=alt.Scale(domain=[0, 1]), title="Score")
    colour = _colour("measure", measures, symbol="stroke")
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
    return _layer(lines, _rule_x(recall, f"recall {recall:.0%}"), dots, data=frame)


# --- 5. ROC and PR ------------------------------------------------------------------------


def _curve_chart(
    curves: pd.DataFrame,
    points: pd.DataFrame,
    *,
    x_field: str,
    y_field: str,
    x_title: str,
    y_title: str,
    diagonal: bool,
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
    layers.append(
        alt.Chart(curves)
        .mark_line(strokeWidth=2.5, clip=True)
        .encode(x=x, y=y, color=colour, detail=alt.Detail(field="data", type="nominal"))
    )
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
    return alt.LayerChart(layer=layers, width="container", height=300)


def roc_chart(curves: pd.DataFrame, points: pd.DataFrame) -> alt.LayerChart:
    """ROC curves (``fpr``, ``tpr``) of each ``data`` series, with the chance diagonal."""
    return _curve_chart(
        curves,
        points,
        x_field="fpr",
        y_field="tpr",
        x_title="False positive rate",
        y_title="True positive rate (recall)",
        diagonal=True,
    )


def pr_chart(curves: pd.DataFrame, points: pd.DataFrame) -> alt.LayerChart:
    """Precision-recall curves (``recall``, ``precision``) of each ``data`` series."""
    return _curve_chart(
        curves,
        points,
        x_field="recall",
        y_field="precision",
        x_title="Recall",
        y_title="Precision",
        diagonal=False,
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
    """Train and test ``metric`` against tree depth, with the chosen depth marked."""
    x = alt.X(
        field="depth",
        type="quantitative",
        title="Tree depth (model size)",
        axis=alt.Axis(tickMinStep=1),
    )
    y = alt.Y(field=metric, type="quantitative", scale=alt.Scale(domain=[0.5, 1]), title=title)
    colour = _colour("split", ["train", "test"])
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
    return _layer(line, _rule_x(depth, f"depth {depth}"), data=scores).properties(height=300)


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
    return _layer(line, _rule_x(rare_recall, f"{rare_recall:.0%} routed correctly"), data=frame)


def batch_chart(frame: pd.DataFrame, batch_size: int) -> alt.LayerChart:
    """Mean per-batch F1 (two treatments of undefined batches) and whole-set F1 by batch size."""
    measures = list(dict.fromkeys(frame["measure"]))
    x = alt.X(
        field="batch_size",
        type="quantitative",
        scale=alt.Scale(type="log", base=2),
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
    return _layer(line, _rule_x(batch_size, f"batch size {batch_size}"), data=frame.dropna())


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
