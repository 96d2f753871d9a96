"""Charts of the epochs page: metrics per epoch, and training against validation.

Altair only, no Streamlit. Encodings are channel objects with ``field=`` and ``type=``
keywords (no shorthand strings, which Altair parses with regular expressions on every
rebuild). Undefined (NaN) values are dropped from the lines, never drawn as 0.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics_app.shared.charts import METRIC_COLOURS

__all__ = ["epoch_lines_chart", "history_chart", "loss_chart"]

_HEIGHT = 300
_INK = "#111827"
_BEST = "#16a34a"

# Line colours: the threshold metrics keep the colours they have on every other page.
_LINE_COLOURS = {
    "ROC AUC": "#2563eb",
    "Average precision": "#ea580c",
    **METRIC_COLOURS,
    "Log loss": "#b91c1c",
}
_SERIES_COLOURS = {"Training": "#6b7280", "Validation": "#2563eb"}


def _epoch_axis(sort: list[str]) -> alt.X:
    # Epochs in training order, not as sorted text ("10" before "2"): the one explicit
    # domain, on every layer, since layers that share a scale merge their domains.
    return alt.X(
        field="epoch",
        type="ordinal",
        sort=sort,
        scale=alt.Scale(domain=sort),
        axis=alt.Axis(title="Epoch", labelAngle=0, labelOverlap=True),
    )


def _rule(
    epoch: str, sort: list[str], colour: str, label: str, dash: list[int] | None = None
) -> alt.Chart:
    """A vertical rule at one epoch, explained by its tooltip."""
    return alt.Chart(
        alt.InlineData(values=[{"epoch": epoch, "what": label}]),
        mark=alt.MarkDef(type="rule", color=colour, strokeWidth=2, strokeDash=dash or []),
        encoding=alt.FacetedEncoding(
            x=_epoch_axis(sort),
            tooltip=[alt.Tooltip(field="what", type="nominal", title="Marked")],
        ),
    )


def _lines(frame: pd.DataFrame, y: alt.Y, sort: list[str]) -> alt.Chart:
    names = list(dict.fromkeys(frame["metric"]))
    colour = alt.Color(
        field="metric",
        type="nominal",
        scale=alt.Scale(domain=names, range=[_LINE_COLOURS.get(n, _INK) for n in names]),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    tooltip = [
        alt.Tooltip(field="epoch", type="ordinal", title="Epoch"),
        alt.Tooltip(field="metric", type="nominal", title="Metric"),
        alt.Tooltip(field="value", type="quantitative", format=".4f", title="Value"),
    ]
    return alt.Chart(
        frame,
        mark=alt.MarkDef(type="line", point=True, strokeWidth=2),
        encoding=alt.FacetedEncoding(x=_epoch_axis(sort), y=y, color=colour, tooltip=tooltip),
        transform=[alt.FilterTransform(filter=alt.FieldValidPredicate(field="value", valid=True))],
    )


def epoch_lines_chart(
    frame: pd.DataFrame, *, best: str | None, chosen: str | None, best_label: str
) -> alt.LayerChart:
    """ROC AUC, average precision and the metrics at the threshold, one line each per epoch.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``epoch, order, metric, value`` (:func:`metrics_app.epochs.model.lines_frame`).
    best : str or None
        The best epoch's label: a solid green rule.
    chosen : str or None
        The epoch shown below the chart: a dashed rule.
    best_label : str
        What the best epoch is best by, for the rule's tooltip.
    """
    sort = list(dict.fromkeys(frame.sort_values("order")["epoch"]))
    y = alt.Y(
        field="value",
        type="quantitative",
        scale=alt.Scale(domain=[0, 1], nice=False),
        axis=alt.Axis(title="Value", tickCount=5),
    )
    layers = [_lines(frame, y, sort)]
    if best is not None:
        layers.append(_rule(best, sort, _BEST, f"Best epoch by {best_label}"))
    if chosen is not None:
        layers.append(_rule(chosen, sort, _INK, "Epoch shown below", [5, 4]))
    return alt.LayerChart(layer=layers, height=_HEIGHT)


def loss_chart(frame: pd.DataFrame, *, best: str | None, chosen: str | None) -> alt.LayerChart:
    """Log loss per epoch (lower is better), with the same rules as the metrics chart."""
    sort = list(dict.fromkeys(frame.sort_values("order")["epoch"]))
    y = alt.Y(
        field="value",
        type="quantitative",
        scale=alt.Scale(zero=False),
        axis=alt.Axis(title="Log loss"),
    )
    layers = [_lines(frame, y, sort)]
    if best is not None:
        layers.append(_rule(best, sort, _BEST, "Lowest log loss"))
    if chosen is not None:
        layers.append(_rule(chosen, sort, _INK, "Epoch shown below", [5, 4]))
    return alt.LayerChart(layer=layers, height=220)


def history_chart(
    frame: pd.DataFrame, *, metric: str, best: float | None, gap_start: float | None
) -> alt.LayerChart:
    """One metric's training and validation values per epoch, with the overfitting marks.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``epoch, series, value`` (:func:`metrics_app.epochs.model.history_frame`).
    metric : str
        The metric's name, for the axis (data, never an expression).
    best : float or None
        Epoch of the best validation value: a solid green rule.
    gap_start : float or None
        Epoch from which the validation gap grows steadily: a dashed red rule.
    """
    colour = alt.Color(
        field="series",
        type="nominal",
        scale=alt.Scale(domain=list(_SERIES_COLOURS), range=list(_SERIES_COLOURS.values())),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    x = alt.X(field="epoch", type="quantitative", axis=alt.Axis(title="Epoch", tickMinStep=1))
    lines = alt.Chart(
        frame,
        mark=alt.MarkDef(type="line", point=True, strokeWidth=2),
        encoding=alt.FacetedEncoding(
            x=x,
            y=alt.Y(field="value", type="quantitative", scale=alt.Scale(zero=False), title=metric),
            color=colour,
            tooltip=[
                alt.Tooltip(field="epoch", type="quantitative", title="Epoch"),
                alt.Tooltip(field="series", type="nominal", title="Series"),
                alt.Tooltip(field="value", type="quantitative", format=".4g", title=metric),
            ],
        ),
        transform=[alt.FilterTransform(filter=alt.FieldValidPredicate(field="value", valid=True))],
    )
    layers: list[alt.Chart] = [lines]
    for epoch, colour_, what, dash in (
        (best, _BEST, "Best validation value", []),
        (gap_start, "#dc2626", "The gap starts to grow steadily", [5, 4]),
    ):
        if epoch is None:
            continue
        layers.append(
            alt.Chart(
                alt.InlineData(values=[{"epoch": float(epoch), "what": what}]),
                mark=alt.MarkDef(type="rule", color=colour_, strokeWidth=2, strokeDash=dash),
                encoding=alt.FacetedEncoding(
                    x=alt.X(field="epoch", type="quantitative"),
                    tooltip=[alt.Tooltip(field="what", type="nominal", title="Marked")],
                ),
            )
        )
    return alt.LayerChart(layer=layers, height=_HEIGHT)
