"""Altair charts of the multiclass page: confusion matrix, one-vs-rest curves, abstention.

No Streamlit here.

Conventions (as on the other pages): class names are user text and appear only as data
values and in legend-bound selections, never inside a Vega expression, so they cannot
change a chart's behaviour (Vega renders text, not HTML). Undefined values (NaN) are not
drawn. The confusion matrix uses the app's outcome colours: correct cells in the colour of
a true positive, errors in the colour of a miss, each tinted by its share (black or white
text, whichever contrasts more); undecided rows are grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from metrics_app.curves.charts import MODEL_COLOURS
from metrics_app.multiclass.model import Outcome
from metrics_app.multiclass.report import undecided_name
from metrics_app.shared import format as fmt
from metrics_app.shared.charts import CELL_COLOURS, MIN_STRENGTH, ink, tint

__all__ = [
    "NORMALISATIONS",
    "abstention_chart",
    "class_colour",
    "confusion_chart",
    "confusion_frame",
    "pr_chart",
    "roc_chart",
]

#: The matrix's normalisation switch: key (as :meth:`Outcome.normalised` takes it) to name.
NORMALISATIONS = {
    "none": "Counts",
    "true": "Rows (recall view)",
    "pred": "Columns (precision view)",
    "all": "All rows",
}

# Above this many classes, cells are too small for their numbers: the tooltip has them.
_MAX_TEXT_CLASSES = 20
_UNDECIDED_COLOUR = "#6b7280"
_UNDECIDED_TIP = "no class predicted"
_EMPTY_FILL = "#f9fafb"
_HEIGHT = 360
# The width and height are the plot's: axes, labels and legend are added around it (Streamlit
# otherwise fits the whole chart, labels included, into the width, squeezing a small matrix).
_PAD = {"type": "pad", "contains": "padding"}
_LEGEND_ROWS = 20  # classes listed in one legend column; more get two
_CURVE_WIDTH = 340
_FAINT = "#9ca3af"
_INK = "#111827"


def _fill(kind: str, value: float, count: float) -> str:
    if count == 0 or math.isnan(value):
        return _EMPTY_FILL
    colour = {"correct": CELL_COLOURS["TP"], "error": CELL_COLOURS["FN"]}.get(
        kind, _UNDECIDED_COLOUR
    )
    return tint(colour, MIN_STRENGTH + (1 - MIN_STRENGTH) * min(max(value, 0.0), 1.0))


def confusion_frame(
    result: Outcome,
    names: Sequence[str],
    how: Literal["none", "true", "pred", "all"] = "true",
) -> pd.DataFrame:
    """One row per cell of the K x K matrix (plus the undecided column when rows are).

    Columns: ``actual, predicted, kind`` ("correct", "error", "undecided"), ``count``,
    ``value`` (the cell under normalisation ``how``; the row share for ``"none"``, which
    sets the colour), ``text`` (the count, with the normalised share below it),
    ``count_text, row_text, column_text`` (tooltips), ``fill`` and ``ink``.
    """
    if how not in NORMALISATIONS:
        raise ValueError(f"how must be one of {', '.join(NORMALISATIONS)}; got {how!r}.")
    k = len(names)
    counts = result.matrix
    by_row, by_column = result.normalised("true"), result.normalised("pred")
    value = by_row if how == "none" else result.normalised(how)
    columns = [*names, undecided_name(names)]
    last = k + 1 if result.n_undecided else k
    rows = []
    for i in range(k):
        for j in range(last):
            kind = "undecided" if j == k else ("correct" if i == j else "error")
            c = float(counts[i, j])
            count_text = fmt.count(c)
            rows.append(
                {
                    "actual": names[i],
                    "predicted": columns[j],
                    "kind": kind,
                    "count": c,
                    "value": float(value[i, j]),
                    "text": count_text if how == "none" else
                    f"{count_text}\n{fmt.share(value[i, j])}",
                    "count_text": count_text,
                    "row_text": fmt.share(by_row[i, j]),
                    "column_text": _UNDECIDED_TIP if j == k else fmt.share(by_column[i, j]),
                }
            )  # fmt: skip
    frame = pd.DataFrame(rows)
    frame["fill"] = [
        _fill(kind, v, c)
        for kind, v, c in zip(frame["kind"], frame["value"], frame["count"], strict=True)
    ]
    frame["ink"] = frame["fill"].map(ink)
    return frame


def _cell_size(n_columns: int) -> int:
    return int(min(72, max(14, 460 // n_columns)))


def confusion_chart(frame: pd.DataFrame, names: Sequence[str]) -> alt.LayerChart:
    """The confusion matrix as a heatmap: rows actual classes, columns predicted classes.

    Cells hold their count (and share, when normalised) up to 20 classes; the tooltip
    always has the count and the cell's share of its row and of its column.
    """
    predicted = list(pd.unique(frame["predicted"]))
    cell = _cell_size(len(predicted))
    short = max(len(str(n)) for n in predicted) <= 3
    x = alt.X(
        field="predicted",
        type="nominal",
        sort=predicted,
        title="Predicted class",
        axis={"orient": "top", "labelAngle": 0 if short else -40, "labelLimit": 160,
              "ticks": False, "domain": False, "labelFontSize": 12},
    )  # fmt: skip
    y = alt.Y(
        field="actual",
        type="nominal",
        sort=list(names),
        title="Actual class",
        axis={"labelLimit": 160, "ticks": False, "domain": False, "labelFontSize": 12},
    )
    tooltip = [
        alt.Tooltip(field="actual", type="nominal", title="Actual"),
        alt.Tooltip(field="predicted", type="nominal", title="Predicted"),
        alt.Tooltip(field="count_text", type="nominal", title="Rows"),
        alt.Tooltip(field="row_text", type="nominal", title="Share of the actual class"),
        alt.Tooltip(field="column_text", type="nominal", title="Share of the predicted class"),
    ]
    layers = [
        alt.Chart(mark={"type": "rect", "stroke": "white", "strokeWidth": 1.5}).encode(
            color=alt.Color(field="fill", type="nominal", scale=None)
        )
    ]
    if len(names) <= _MAX_TEXT_CLASSES:
        two_lines = frame["text"].str.contains("\n").any()
        size = 12 if cell >= 44 and not two_lines else (11 if cell >= 40 else 9)
        layers.append(
            alt.Chart(mark={"type": "text", "fontSize": size, "lineBreak": "\n"}).encode(
                text=alt.Text(field="text", type="nominal"),
                color=alt.Color(field="ink", type="nominal", scale=None),
            )
        )
    return alt.LayerChart(
        data=frame,
        layer=layers,
        width=cell * len(predicted),
        height=cell * len(names),
        autosize=_PAD,
    ).encode(x=x, y=y, tooltip=tooltip)


def class_colour(names: Sequence[str]) -> alt.Scale:
    """One colour per class: the app's model colours up to seven, then Tableau's 10 or 20.

    Beyond 20 classes colours repeat; the legend and tooltips tell the classes apart.
    """
    names = list(names)
    if len(names) <= len(MODEL_COLOURS):
        return alt.Scale(domain=names, range=list(MODEL_COLOURS[: len(names)]))
    return alt.Scale(domain=names, scheme="tableau10" if len(names) <= 10 else "tableau20")


def _ovr_chart(
    curves: pd.DataFrame,
    micro: pd.DataFrame,
    names: Sequence[str],
    *,
    x: tuple[str, str],
    y: tuple[str, str],
    selection: str,
    diagonal: bool,
) -> alt.LayerChart:
    # Declared at the top with a fixed view name, as Altair would lift it, so the spec (and
    # so the chart) stays the same from one rerun to the next.
    pick = alt.TopLevelSelectionParameter(
        name=selection,
        select=alt.PointSelectionConfig(type="point", fields=["class"]),
        bind="legend",
        views=["classes"],
    )
    axis_x = alt.Axis(title=x[1], format="%", tickCount=5)
    axis_y = alt.Axis(title=y[1], format="%", tickCount=5)
    unit = alt.Scale(domain=[0, 1], nice=False)
    tooltip = [
        alt.Tooltip(field="class", type="nominal", title="Class"),
        alt.Tooltip(field="threshold", type="quantitative", format=".6g", title="Threshold"),
        alt.Tooltip(field=x[0], type="quantitative", format=".2%", title=x[1]),
        alt.Tooltip(field=y[0], type="quantitative", format=".2%", title=y[1]),
    ]
    legend = alt.Legend(
        title="Class",
        orient="right",
        labelLimit=160,
        symbolType="stroke",
        columns=1 if len(names) <= _LEGEND_ROWS else 2,
    )
    lines = (
        alt.Chart(curves)
        .mark_line(strokeWidth=2, clip=True)
        .encode(
            x=alt.X(field=x[0], type="quantitative", scale=unit, axis=axis_x),
            y=alt.Y(field=y[0], type="quantitative", scale=unit, axis=axis_y),
            color=alt.Color(field="class", type="nominal", scale=class_colour(names),
                            legend=legend),
            order=alt.Order(field="step", type="quantitative"),
            opacity={"condition": {"param": selection, "value": 1.0}, "value": 0.08},
            tooltip=tooltip,
        )
        .properties(name="classes")
    )  # fmt: skip
    average = (
        alt.Chart(micro.assign(**{"class": "micro average"}))
        .mark_line(strokeWidth=2, strokeDash=[6, 4], color=_INK, clip=True)
        .encode(
            x=alt.X(field=x[0], type="quantitative"),
            y=alt.Y(field=y[0], type="quantitative"),
            order=alt.Order(field="step", type="quantitative"),
            tooltip=alt.TooltipValue("Micro average: every (row, class) pair pooled"),
        )
    )
    layers = [lines, average]
    if diagonal:
        chance = (
            alt.Chart(pd.DataFrame({"a": [0.0, 1.0]}))
            .mark_line(color=_FAINT, strokeDash=[5, 4], strokeWidth=1.2)
            .encode(
                x=alt.X(field="a", type="quantitative"),
                y=alt.Y(field="a", type="quantitative"),
                tooltip=alt.TooltipValue("Chance: a random ranking (AUC 0.5)"),
            )
        )
        layers.insert(0, chance)
    # A fixed plot size (ROC axes are square-ish) and the legend beside it: the page wraps
    # the two charts onto two lines in a narrow window rather than squeezing them.
    return alt.LayerChart(
        layer=layers, params=[pick], height=_HEIGHT, width=_CURVE_WIDTH, autosize=_PAD
    )


def roc_chart(curves: pd.DataFrame, micro: pd.DataFrame, names: Sequence[str]) -> alt.LayerChart:
    """Every class's ROC curve against the rest, the micro average dashed, chance dotted.

    A click on a legend entry shows that class alone (shift-click adds classes; a click
    elsewhere in the legend area restores all).
    """
    micro = micro.assign(step=np.arange(len(micro)))
    return _ovr_chart(
        curves,
        micro,
        names,
        x=("fpr", "False positive rate"),
        y=("tpr", "True positive rate (recall)"),
        selection="roc_classes",
        diagonal=True,
    )


def pr_chart(curves: pd.DataFrame, micro: pd.DataFrame, names: Sequence[str]) -> alt.LayerChart:
    """Every class's precision-recall curve against the rest, and the micro average."""
    micro = micro.assign(step=np.arange(len(micro)))
    return _ovr_chart(
        curves,
        micro,
        names,
        x=("recall", "Recall"),
        y=("precision", "Precision"),
        selection="pr_classes",
        diagonal=False,
    )


def abstention_chart(curve: pd.DataFrame, coverage: float, accuracy: float) -> alt.LayerChart:
    """Accuracy of the decided rows against the share decided, with the current cut marked."""
    unit = alt.Scale(domain=[0, 1], nice=False)
    lo = float(np.nanmin(curve["accuracy"])) if len(curve) else 0.0
    y_scale = alt.Scale(domain=[max(0.0, math.floor(lo * 10) / 10), 1], nice=False)
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=".4g", title="Top score ≥"),
        alt.Tooltip(field="coverage", type="quantitative", format=".1%", title="Rows decided"),
        alt.Tooltip(field="accuracy", type="quantitative", format=".2%", title="Accuracy"),
    ]
    line = (
        alt.Chart(curve)
        .mark_line(strokeWidth=2, color=MODEL_COLOURS[0], point=False)
        .encode(
            x=alt.X(field="coverage", type="quantitative", scale=unit,
                    axis=alt.Axis(title="Rows decided (coverage)", format="%")),
            y=alt.Y(field="accuracy", type="quantitative", scale=y_scale,
                    axis=alt.Axis(title="Accuracy of the decided rows", format="%")),
            order=alt.Order(field="coverage", type="quantitative"),
            tooltip=tooltip,
        )
    )  # fmt: skip
    layers = [line]
    if math.isfinite(coverage) and math.isfinite(accuracy):
        marker = (
            alt.Chart(pd.DataFrame({"coverage": [coverage], "accuracy": [accuracy]}))
            .mark_point(filled=True, size=160, color=_INK, stroke="white", strokeWidth=2)
            .encode(
                x=alt.X(field="coverage", type="quantitative"),
                y=alt.Y(field="accuracy", type="quantitative"),
                tooltip=alt.TooltipValue(
                    f"Current cut: {fmt.share(coverage)} decided, {fmt.share(accuracy)} right"
                ),
            )
        )
        layers.append(marker)
    return alt.layer(*layers).properties(height=300)
