"""Altair charts of the operating-point page (no Streamlit here).

Same conventions as :mod:`metrics_app.charts`: channel objects with
``field=``/``type=``, dict scales and marks, user text only as data.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics_app.shared.charts import ONE_ROW as _ONE_ROW
from metrics_app.shared.charts import threshold_rule as _threshold_rule
from metrics_app.shared.charts import x_view as _x_view

__all__ = ["cost_axis_top", "cost_chart", "pr_base_rate_chart"]

_COST_LINE = {
    "type": "line",
    "interpolate": "step-before",
    "strokeWidth": 2,
    "color": "#374151",
    "clip": True,
}
_HOVER = {"type": "point", "size": 80, "opacity": 0, "filled": True, "clip": True}
_MARK = {"type": "point", "size": 110, "filled": True, "stroke": "white", "strokeWidth": 1.5}


def cost_axis_top(frame: pd.DataFrame, current_cost: float) -> float:
    """Top of the cost axis: a little above flagging nothing and the current cost.

    Flagging almost everything can cost orders of magnitude more than the
    sensible region; an axis scaled to it would flatten the part worth seeing.
    """
    costs = frame["cost"].to_numpy()
    anchor = max(float(costs[0]), current_cost)  # row 0 flags nothing
    bottom = float(costs.min())
    top = anchor + 0.25 * (anchor - bottom) if anchor > bottom else anchor + 1.0
    return min(top, float(costs.max())) if float(costs.max()) > bottom else top


def cost_chart(
    frame: pd.DataFrame,
    threshold: float,
    *,
    current_cost: float,
    best_threshold: float,
    best_cost: float,
) -> alt.LayerChart:
    """Net cost against threshold, with the current threshold and the cheapest one marked.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``threshold`` and ``cost`` (from
        :func:`metrics_app.operating_point.model.cost_frame`).
    threshold : float
        The current threshold (dashed rule, dark point).
    current_cost : float
        Net cost at ``threshold``.
    best_threshold, best_cost : float
        The cheapest threshold and its cost (green point).

    Returns
    -------
    alt.LayerChart
    """
    th = frame["threshold"].to_numpy()
    lo, hi = (float(th.min()), float(th.max())) if th.size else (0.0, 1.0)
    scale, t_draw = _x_view(lo, hi, threshold)
    x = alt.X(field="threshold", type="quantitative", scale=scale, title="Threshold")
    bottom = min(float(frame["cost"].min()), best_cost)
    top = cost_axis_top(frame, current_cost)
    pad = 0.05 * (top - bottom) if top > bottom else 1.0
    y = alt.Y(
        field="cost",
        type="quantitative",
        title="Net cost",
        scale={"domain": [bottom - pad, top], "nice": False},
    )
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=".4g", title="Threshold"),
        alt.Tooltip(field="cost", type="quantitative", format=",.2f", title="Net cost"),
    ]
    marks = pd.DataFrame(
        {
            "threshold": [t_draw, best_threshold],
            "cost": [current_cost, best_cost],
            "which": ["current threshold", "cheapest threshold"],
        }
    )
    rule = _threshold_rule(t_draw, threshold)
    rule.data = _ONE_ROW
    layers = [
        alt.Chart(mark=_COST_LINE).encode(x=x, y=y),
        alt.Chart(mark=_HOVER).encode(x=x, y=y, tooltip=tooltip),
        rule,
        alt.Chart(marks, mark=_MARK).encode(
            x=x,
            y=y,
            color=alt.Color(
                field="which",
                type="nominal",
                scale={
                    "domain": ["current threshold", "cheapest threshold"],
                    "range": ["#1f2937", "#16a34a"],
                },
                title=None,
                legend={"orient": "top"},
            ),
            tooltip=[alt.Tooltip(field="which", type="nominal", title="Point"), *tooltip],
        ),
    ]
    return alt.LayerChart(data=frame, layer=layers, width="container", height=280)


def pr_base_rate_chart(curves: pd.DataFrame, points: pd.DataFrame) -> alt.LayerChart:
    """Precision against recall in the file and at the deployment base rate.

    Parameters
    ----------
    curves : pandas.DataFrame
        Long form with ``recall``, ``precision``, ``threshold`` and ``base rate``
        (from :func:`metrics_app.operating_point.model.pr_prevalence_frame`).
    points : pandas.DataFrame
        The current operating point on each curve (same columns).

    Returns
    -------
    alt.LayerChart
    """
    # unique() keeps the order of first appearance, without a Python loop over every row.
    domain = curves["base rate"].unique().tolist()
    colour = alt.Color(
        field="base rate",
        type="nominal",
        scale={"domain": domain, "range": ["#7c3aed", "#ea580c"]},
        title=None,
        legend={"orient": "top"},
    )
    x = alt.X(field="recall", type="quantitative", scale={"domain": [0, 1]}, title="Recall")
    y = alt.Y(field="precision", type="quantitative", scale={"domain": [0, 1]}, title="Precision")
    tooltip = [
        alt.Tooltip(field="base rate", type="nominal", title="Base rate"),
        alt.Tooltip(field="threshold", type="quantitative", format=".4g", title="Threshold"),
        alt.Tooltip(field="recall", type="quantitative", format=".3f", title="Recall"),
        alt.Tooltip(field="precision", type="quantitative", format=".3f", title="Precision"),
    ]
    layers = [
        alt.Chart(mark={"type": "line", "interpolate": "step-after", "strokeWidth": 2}).encode(
            x=x, y=y, color=colour, order=alt.Order(field="threshold", sort="descending")
        ),
        alt.Chart(mark=_HOVER).encode(x=x, y=y, color=colour, tooltip=tooltip),
        alt.Chart(points, mark=_MARK).encode(x=x, y=y, color=colour, tooltip=tooltip),
    ]
    return alt.LayerChart(data=curves, layer=layers, width="container", height=320)
