"""Altair charts of the Compare page: both models' ROC and PR curves with their points.

The two models are drawn like two groups, by :mod:`metrics_app.groups.charts`.
No Streamlit here.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics_app.compare.model import Pair
from metrics_app.groups.charts import group_pr_chart, group_roc_chart

__all__ = ["pair_pr_chart", "pair_roc_chart"]


def pair_roc_chart(curves: pd.DataFrame, points: pd.DataFrame, pair: Pair) -> alt.LayerChart:
    """Both ROC curves, a dot at each model's threshold.

    The frames come from :func:`metrics_app.compare.model.pair_curves`.
    """
    return group_roc_chart(curves, points, [pair.name_a, pair.name_b], legend="Model")


def pair_pr_chart(curves: pd.DataFrame, points: pd.DataFrame, pair: Pair) -> alt.LayerChart:
    """Both precision-recall curves, a dot at each model's threshold."""
    return group_pr_chart(curves, points, [pair.name_a, pair.name_b], legend="Model")
