"""The explorer's charts: score distributions with the threshold, and metrics against threshold.

Altair only, no Streamlit. The heavy frames come from :mod:`metrics_app.shared.frames`,
built once per dataset; these builders only add the threshold rule and the current point.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from metrics_app.shared.charts import METRIC_COLOURS, ONE_ROW, OUTCOME_SCALE, threshold_rule, x_view
from metrics_app.shared.frames import CURVE_METRICS, check_names
from metrics_core import OperatingPoint


def _outcomes(positive: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """Outcome code ("TP", "FN", "FP" or "TN") of each (actual positive, flagged) pair."""
    return np.where(positive, np.where(flagged, "TP", "FN"), np.where(flagged, "FP", "TN"))


def score_distribution_chart(
    hist: pd.DataFrame,
    threshold: float,
    *,
    positive_name: str,
    negative_name: str,
    log_y: bool = False,
    title: str | None = None,
    height: int = 340,
) -> alt.LayerChart:
    """Score histograms of the two classes, one band each, with the threshold as a rule.

    Bars are coloured by the outcome they fall into at ``threshold`` (colours of
    :data:`CELL_COLOURS`): in the positive band, bins at or above the threshold are TP and
    those below FN; in the negative band, FP and TN. A bin that straddles the threshold is
    coloured by its midpoint: its count cannot be split exactly without the raw scores, so
    the confusion matrix, not this chart, gives exact counts.

    The positive class is drawn above the negative one, each with its own count axis (the
    classes can differ 100-fold in size), over one shared score axis that also covers a
    threshold outside the scores. Both bands live in one layered view (two y scales with
    disjoint pixel ranges) rather than a facet, so the chart can follow its container's
    width, which Vega-Lite does not allow for faceted or concatenated charts.

    Parameters
    ----------
    hist : pandas.DataFrame
        Output of :func:`score_hist_frame`.
    threshold : float
        The current threshold (``±inf`` is drawn at the edge of the scores).
    positive_name, negative_name : str
        Class display names, as used for ``hist``.
    log_y : bool, default=False
        Use log scales for counts (empty bins are then left out).
    title : str, optional
        Chart title; none by default.
    height : int, default=340
        Height of the whole chart (legend and axes included, as Streamlit fits it) in
        pixels; the width follows the container.

    Returns
    -------
    alt.LayerChart
        Bars of each class (each band titled with its class name) and the threshold rule.

    Raises
    ------
    ValueError
        If the threshold is NaN, or the names are not those ``hist`` was built with.
    """
    pos, neg = check_names(positive_name, negative_name)
    if (hist["class"].iat[0], hist["class"].iat[-1]) != (pos, neg):
        raise ValueError(
            "positive_name and negative_name must be the names the histogram was built with; "
            f"got {pos!r} and {neg!r}."
        )
    scale, t_draw = x_view(hist["bin_start"].iat[0], hist["bin_end"].iat[-1], threshold)
    is_pos = hist["positive"].to_numpy()
    flagged = hist["bin_mid"].to_numpy() >= float(threshold)
    data = hist.assign(outcome=_outcomes(is_pos, flagged))
    nonzero = data["count"].to_numpy() > 0
    data = data[nonzero]
    x = alt.X(field="bin_start", type="quantitative", scale=scale, title="Score", axis=_NO_GRID)
    # Pixel rows of the two bands (a range runs from the bottom up), with a gap between them
    # for the lower band's title.
    mid = f"(height - {_BAND_GAP}) / 2"
    low_top = f"{mid} + {_BAND_GAP}"
    bands = (
        (True, pos, [{"expr": mid}, 0], "0"),
        (False, neg, [{"expr": "height"}, {"expr": low_top}], low_top),
    )
    layers = []
    for band_pos, name, pixel_range, top in bands:
        counts = hist["count"].to_numpy()[(is_pos == band_pos) & nonzero]
        y_scale, y_axis, base = _count_scale(counts, log_y)
        y_scale["range"] = pixel_range
        # The band's title sits above it, like a facet header. The class name is a literal
        # title, never part of an expression.
        band_title = f"Actual class: {name} · count" + (" (log scale)" if log_y else "")
        y_axis.update(title=band_title, titleY={"expr": f"{top} - 4"}, **_BAND_TITLE)
        layers.append(
            alt.Chart(mark=_HIST_RECT, transform=[_BAND_FILTER[band_pos]]).encode(
                x=x,
                x2=alt.X2(field="bin_end"),
                y=alt.Y(field="count", type="quantitative", scale=y_scale, axis=y_axis),
                y2=alt.Y2Datum(base),
                color=_HIST_COLOUR,
                tooltip=_HIST_TOOLTIP,
            )
        )
    rule = threshold_rule(t_draw, threshold)
    rule.data = ONE_ROW  # not the histogram's rows: a datum-only mark is drawn once per row
    layers.append(rule)
    chart = alt.LayerChart(
        data=data, layer=layers, width="container", height=height, resolve=_INDEPENDENT_Y
    )
    if title:
        chart.title = title
    return chart


def _count_scale(counts: np.ndarray, log_y: bool) -> tuple[dict, dict, float]:
    """Scale, axis and bar baseline for one band's counts."""
    if log_y:
        # Explicit powers of ten: a bar needs a finite baseline, and Vega would otherwise
        # draw a grid line at every 2..9 as well.
        if counts.size:
            lo_exp = math.floor(math.log10(float(counts.min())))
            hi_exp = max(math.ceil(math.log10(float(counts.max()))), lo_exp + 1)
        else:
            lo_exp, hi_exp = 0, 1
        values = [10.0**e for e in range(lo_exp, hi_exp + 1)]
        scale = {"type": "log", "domain": [values[0], values[-1]]}
        axis = {"format": ",~r", "values": values, **_COUNT_AXIS}
        return scale, axis, values[0]
    top = float(counts.max()) if counts.size else 1.0
    scale = {"type": "linear", "domain": [0.0, top], "nice": True}
    axis = {"format": ",~r", "tickCount": 3, **_COUNT_AXIS}
    return scale, axis, 0.0


_BAND_GAP = 22


_BAND_FILTER = {
    True: alt.FilterTransform(filter="datum.positive"),
    False: alt.FilterTransform(filter="!datum.positive"),
}


_BAND_TITLE = {
    "titleAngle": 0,
    "titleAlign": "left",
    "titleBaseline": "bottom",
    "titleX": 0,
    "titleFontSize": 11,
    "titleFontWeight": "bold",
    "titleLimit": 400,
}


_INDEPENDENT_Y = alt.Resolve(scale={"y": "independent"}, axis={"y": "independent"})


_COUNT_AXIS = {"orient": "left"}


_HIST_RECT = {"type": "rect", "stroke": "white", "strokeWidth": 0.5}


_NO_GRID = {"grid": False}


# Legend labels: outcome codes spelled out (fixed text; no user data in the expression).
_HIST_COLOUR = alt.Color(
    field="outcome",
    type="nominal",
    scale=OUTCOME_SCALE,
    title=None,
    # Two columns: the positive class's outcomes (TP, FN) over the negative's (FP, TN),
    # as in the bands and the confusion matrix, and narrow enough for a side column.
    legend={
        "orient": "top",
        "columns": 2,
        "labelExpr": (
            "datum.label == 'TP' ? 'TP (caught)' : datum.label == 'FN' ? 'FN (missed)' : "
            "datum.label == 'FP' ? 'FP (false alarm)' : 'TN (cleared)'"
        ),
    },
)


_HIST_TOOLTIP = [
    alt.Tooltip(field="class", type="nominal", title="Actual class"),
    alt.Tooltip(field="bin_start", type="quantitative", format=".4g", title="Scores from"),
    alt.Tooltip(field="bin_end", type="quantitative", format=".4g", title="to"),
    alt.Tooltip(field="count", type="quantitative", format=",.2~f", title="Count"),
    alt.Tooltip(field="outcome", type="nominal", title="Outcome (by bin midpoint)"),
]


def threshold_curve_chart(
    frame: pd.DataFrame,
    threshold: float,
    *,
    point: OperatingPoint,
    title: str | None = None,
) -> alt.LayerChart:
    """Precision, recall and F1 against threshold, with the current threshold marked.

    The lines are step functions that read exactly like the sweep: a metric drawn at
    threshold ``x`` is its value when samples with ``score >= x`` are flagged. A dashed rule
    marks ``threshold`` and one point per metric sits at the exact current value taken from
    ``point`` (not at the nearest decimated point); undefined values get no point. Hovering
    a line shows the threshold and value of the point under the pointer.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`threshold_curve_frame`.
    threshold : float
        The current threshold (``±inf`` is drawn at the edge of the data).
    point : OperatingPoint
        Counts and metrics at ``threshold`` (``sweep.at(threshold)``).
    title : str, optional
        Chart title; none by default.

    Returns
    -------
    alt.LayerChart
        Lines, hover points, the rule and the current-value markers; container width.

    Raises
    ------
    ValueError
        If the threshold is NaN.
    """
    th = frame["threshold"].to_numpy()
    lo, hi = (float(th.min()), float(th.max())) if th.size else (0.0, 1.0)
    scale, t_draw = x_view(lo, hi, threshold)
    x = alt.X(
        field="threshold", type="quantitative", scale=scale, title="Threshold", axis=_CURVE_X_AXIS
    )
    current = pd.DataFrame(
        {
            "threshold": t_draw,
            "metric": [name for _, name in CURVE_METRICS],
            "value": [float(getattr(point, attr)) for attr, _ in CURVE_METRICS],
        }
    ).dropna()
    rule = threshold_rule(t_draw, threshold)
    rule.data = ONE_ROW  # not the curve's rows: a datum-only mark is drawn once per row
    layers = [
        alt.Chart(mark=_CURVE_LINE).encode(x=x, y=_CURVE_Y, color=_CURVE_COLOUR),
        # Invisible points along the lines carry the hover tooltips: a line is one mark, and
        # its tooltip would show only its first point.
        alt.Chart(mark=_CURVE_HOVER).encode(
            x=x, y=_CURVE_Y, color=_CURVE_COLOUR, tooltip=_CURVE_TOOLTIP
        ),
        rule,
        alt.Chart(current, mark=_CURVE_MARKER).encode(
            x=x, y=_CURVE_Y, color=_CURVE_COLOUR, tooltip=_CURVE_TOOLTIP
        ),
    ]
    # The curve's rows are shared by the line and hover layers: serialised once per rerun.
    chart = alt.LayerChart(data=frame, layer=layers, width="container", height=300)
    if title:
        chart.title = title
    return chart


_CURVE_X_AXIS = {"tickCount": 10}


_CURVE_Y = alt.Y(
    field="value",
    type="quantitative",
    scale={"domain": [0, 1]},
    title="Metric value",
    axis={"format": ".1f", "tickCount": 5},
)


_CURVE_COLOUR = alt.Color(
    field="metric",
    type="nominal",
    scale={"domain": list(METRIC_COLOURS), "range": list(METRIC_COLOURS.values())},
    title=None,
    legend={"orient": "right"},
)


_CURVE_TOOLTIP = [
    alt.Tooltip(field="metric", type="nominal", title="Metric"),
    alt.Tooltip(field="threshold", type="quantitative", format=".4g", title="Threshold"),
    alt.Tooltip(field="value", type="quantitative", format=".3f", title="Value"),
]


# Step functions that read like the sweep: between two thresholds the value is the one at
# the higher threshold (flagging ``score >= x``), which is what "step-before" draws.
_CURVE_LINE = {"type": "line", "interpolate": "step-before", "strokeWidth": 2, "clip": True}


_CURVE_HOVER = {"type": "point", "size": 80, "opacity": 0, "filled": True, "clip": True}


_CURVE_MARKER = {
    "type": "point",
    "size": 90,
    "filled": True,
    "opacity": 1,
    "stroke": "white",
    "strokeWidth": 1.5,
}
