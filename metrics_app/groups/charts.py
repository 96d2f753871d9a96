"""Altair charts of the Groups page: every group's ROC and PR curve on one chart.

No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from metrics_app.curves.charts import MODEL_COLOURS

__all__ = ["group_pr_chart", "group_roc_chart"]

_RATE = ".2%"
_THRESHOLD = ".6g"


def _colour(names: Sequence[str], title: str) -> alt.Color:
    """The app's model colours for a few groups, a 20-colour scheme for more."""
    scale = (
        alt.Scale(domain=list(names), range=list(MODEL_COLOURS))
        if len(names) <= len(MODEL_COLOURS)
        else alt.Scale(domain=list(names), scheme="tableau20")
    )
    # No label limit: a long group name is shown whole rather than with an ellipsis.
    legend = alt.Legend(title=title, labelLimit=0)
    return alt.Color(field="group", type="nominal", scale=scale, legend=legend)


def _chart(
    curves: pd.DataFrame,
    points: pd.DataFrame,
    names: Sequence[str],
    *,
    x: str,
    y: str,
    x_title: str,
    y_title: str,
    legend: str,
) -> alt.LayerChart:
    colour = _colour(names, legend)
    ax = alt.X(
        field=x,
        type="quantitative",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", title=x_title),
    )
    ay = alt.Y(
        field=y,
        type="quantitative",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%", title=y_title),
    )
    tooltip = [
        alt.Tooltip(field="group", type="nominal", title="Group"),
        alt.Tooltip(field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"),
        alt.Tooltip(field=x, type="quantitative", format=_RATE, title=x_title),
        alt.Tooltip(field=y, type="quantitative", format=_RATE, title=y_title),
    ]
    lines = (
        alt.Chart(curves.dropna(subset=[x, y]))
        .mark_line(strokeWidth=1.5, interpolate="step-after" if x == "tpr" else "linear")
        .encode(
            x=ax,
            y=ay,
            color=colour,
            detail=alt.Detail(field="group", type="nominal"),
            tooltip=tooltip,
        )
    )
    marks = (
        alt.Chart(points.dropna(subset=[x, y]))
        .mark_point(size=110, filled=True, stroke="white", strokeWidth=1.5, opacity=1)
        .encode(x=ax, y=ay, color=colour, tooltip=tooltip)
    )
    return alt.layer(lines, marks).properties(width=400, height=340)


def group_roc_chart(
    curves: pd.DataFrame, points: pd.DataFrame, names: Sequence[str], *, legend: str = "Group"
) -> alt.LayerChart:
    """Each group's ROC curve, with a dot at its operating point.

    ``curves`` and ``points`` have columns ``group, threshold, fpr, tpr, precision``
    (:func:`metrics_app.groups.model.curve_frame`, :func:`~metrics_app.groups.model.point_frame`).
    """
    diagonal = (
        alt.Chart(pd.DataFrame({"fpr": [0.0, 1.0], "tpr": [0.0, 1.0]}))
        .mark_line(strokeDash=[4, 4], color="#9ca3af")
        .encode(
            x=alt.X(field="fpr", type="quantitative"), y=alt.Y(field="tpr", type="quantitative")
        )
    )
    chart = _chart(
        curves,
        points,
        names,
        x="fpr",
        y="tpr",
        x_title="False positive rate",
        y_title="Recall (TPR)",
        legend=legend,
    )
    return alt.layer(diagonal, *chart.layer).properties(width=400, height=340)


def group_pr_chart(
    curves: pd.DataFrame, points: pd.DataFrame, names: Sequence[str], *, legend: str = "Group"
) -> alt.LayerChart:
    """Each group's precision-recall curve, with a dot at its operating point."""
    return _chart(
        curves,
        points,
        names,
        x="tpr",
        y="precision",
        x_title="Recall (TPR)",
        y_title="Precision",
        legend=legend,
    )
