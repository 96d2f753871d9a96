"""Chart pieces every page shares: the outcome colours, the threshold rule, the confusion matrix.

Altair only, no Streamlit.

Two kinds of function live here:

* ``*_frame(...)`` functions do the heavy, per-dataset work (histogram bins, decimated
  curves) and return small :class:`pandas.DataFrame` objects. The app computes them once per
  dataset and caches them.
* Chart builders take those frames plus the current threshold or operating point and return
  an Altair chart. They run on every slider move, so they only add a rule or a few points to
  the cached frames and do no data preparation beyond a copy of a few hundred rows.

Conventions
-----------
* A sample is predicted positive when ``score >= threshold`` (the rule of
  :mod:`metrics_core`). Counts and rates come from a :class:`~metrics_core.Sweep` or an
  :class:`~metrics_core.OperatingPoint`; nothing here re-derives a metric.
* Undefined metric values are ``nan`` in :mod:`metrics_core`; they are dropped from line
  charts (never drawn as 0) and shown as "undefined" in text.
* Per-move cost. Encodings are channel objects with ``field=`` and ``type=`` keywords:
  Altair 6.3 parses shorthand strings (``x="fpr:Q"``) with regular expressions and, without
  a type, inspects the data frame (~10 ms per channel on every rebuild). Scales, axes,
  legends and marks are plain dicts, and charts are assembled with the ``alt.LayerChart``
  constructor: Altair validates objects such as ``alt.Scale(...)`` or ``.properties(...)``
  when they are made (~0.2-1 ms each), while dicts are validated once, by ``to_dict()``.
  That final validation (which ``st.altair_chart`` always runs) was the bulk of the cost of
  a rerun, so pages draw through ``metrics_app.shared.widgets.altair_chart``, which skips it
  (the tests' ``to_dict()`` calls still validate every kind of chart); keep layers and
  encodings few.
* User-provided text (class names) is only ever used as data or as a field value, never
  inside a Vega expression, so it cannot change the chart's behaviour. Vega renders text,
  not HTML.
* The four outcomes share one colour map, :data:`CELL_COLOURS`: cool colours for the correct
  cells (TP, TN), warm ones for the errors (FP, FN).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import altair as alt
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.frames import check_names
from metrics_core import OperatingPoint

#: Colour of each confusion-matrix outcome, shared by every chart. Correct outcomes are cool
#: (blue, teal), errors warm (red, orange), so the two groups stay apart for common forms of
#: colour blindness. Text on a cell is black or white, whichever contrasts more.
CELL_COLOURS: Mapping[str, str] = {
    "TP": "#2563eb",
    "FN": "#dc2626",
    "FP": "#ea580c",
    "TN": "#0f766e",
}


#: Full name of each outcome, for tooltips and legends.
CELL_NAMES: Mapping[str, str] = {
    "TP": "true positive",
    "FN": "false negative (missed)",
    "FP": "false positive (false alarm)",
    "TN": "true negative",
}


#: Colour of each metric line on threshold charts (distinct from :data:`CELL_COLOURS`).
METRIC_COLOURS: Mapping[str, str] = {
    "Precision": "#7c3aed",
    "Recall": "#0891b2",
    "F1": "#374151",
}


# Row-normalised rate of each cell: (OperatingPoint attribute, short name, long name).
_CELL_RATES = {
    "TP": ("recall", "TPR", "true positive rate (recall)"),
    "FN": ("fnr", "FNR", "false negative rate (miss rate)"),
    "FP": ("fpr", "FPR", "false positive rate"),
    "TN": ("specificity", "TNR", "true negative rate (specificity)"),
}


_TEXT_DARK = "#000000"  # pure black: with white, every fill gets a contrast >= 4.58 (WCAG AA)


_TEXT_LIGHT = "#ffffff"


_UNDEFINED_FILL = "#e5e7eb"


# Fill strength of a confusion cell: this much of the cell's colour at a rate of 0, all of it
# at a rate of 1 (blended over white, so the result is the same on any page background).
MIN_STRENGTH = 0.12


_CONFUSION_SIZE = (320, 240)


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def tint(hex_colour: str, strength: float) -> str:
    """``hex_colour`` blended over white: ``strength`` 1 is the colour, 0 is white."""
    return _hex(tuple(1 - strength * (1 - c) for c in _rgb(hex_colour)))


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink(fill: str) -> str:
    """Text colour (black or white) with the higher contrast on ``fill``."""
    dark, light = _contrast(fill, _TEXT_DARK), _contrast(fill, _TEXT_LIGHT)
    return _TEXT_LIGHT if light > dark else _TEXT_DARK


def x_view(lo: float, hi: float, threshold: float) -> tuple[dict, float]:
    """An x scale over the data range ``[lo, hi]`` that also shows ``threshold``.

    A finite threshold outside the data extends the domain so that its rule stays visible;
    ``±inf`` (nothing / everything flagged) is drawn at the matching edge of the data.

    Returns
    -------
    (dict, float)
        The scale, and the x position at which to draw the threshold.
    """
    t = float(threshold)
    if math.isnan(t):
        raise ValueError("threshold is NaN: pass a real number.")
    lo, hi = float(lo), float(hi)
    if math.isinf(t):
        t_draw = hi if t > 0 else lo
    else:
        t_draw = t
        lo, hi = min(lo, t), max(hi, t)
    if not hi > lo:  # a single distinct score: give the axis some width
        lo, hi = lo - 0.5, hi + 0.5
    return {"domain": [lo, hi], "zero": False, "nice": False}, t_draw


def threshold_rule(t_draw: float, threshold: float) -> alt.Chart:
    """A dashed vertical rule at the threshold, with the threshold in its tooltip."""
    return alt.Chart(mark=RULE_MARK).encode(
        x=alt.XDatum(t_draw, type="quantitative"),
        tooltip=alt.TooltipValue(f"threshold {float(threshold):.4g}"),
    )


RULE_MARK = {"type": "rule", "color": "#1f2937", "strokeWidth": 1.5, "strokeDash": [5, 3]}


OUTCOME_SCALE = {"domain": list(CELL_COLOURS), "range": list(CELL_COLOURS.values())}


# Data for a mark drawn once (a rule or a label) in a layer whose other marks have rows.
ONE_ROW = alt.InlineData(values=[{}])


def confusion_frame(point: OperatingPoint, positive_name: str, negative_name: str) -> pd.DataFrame:
    """The 2x2 confusion matrix at one operating point, one row per cell, ready to draw.

    Counts come from ``point``; each cell's row-normalised rate is the matching metric of
    ``point`` (TPR = recall, FNR, FPR, TNR = specificity), so "undefined" follows
    :mod:`metrics_core` (a class with no samples has undefined rates).

    Parameters
    ----------
    point : OperatingPoint
        Counts at the current threshold (``sweep.at(t)``).
    positive_name, negative_name : str
        Display names of the positive and negative class; shown as given.

    Returns
    -------
    pandas.DataFrame
        Four rows in the order TP, FN, FP, TN with columns

        - ``cell`` ("TP", ...), ``outcome`` (its full name),
        - ``actual``, ``predicted``: class display names,
        - ``count``: count (or sum of weights), ``share``: count over all samples,
        - ``rate``: the row-normalised rate (NaN if undefined), ``rate_name`` ("TPR", ...),
        - text for display: ``count_text``, ``share_text``, ``rate_text``, ``headline``
          ("TP 1,234"), ``detail`` (two lines: share of all and the rate),
        - colours: ``fill`` (the cell colour tinted by its rate) and ``ink`` (the text
          colour with the better contrast on that fill).

    Raises
    ------
    ValueError
        If the two display names are equal.
    """
    pos, neg = check_names(positive_name, negative_name)
    total = float(point.total)
    rows = []
    for cell, actual, predicted, count in (
        ("TP", pos, pos, point.tp),
        ("FN", pos, neg, point.fn),
        ("FP", neg, pos, point.fp),
        ("TN", neg, neg, point.tn),
    ):
        attr, short, long = _CELL_RATES[cell]
        rate = float(getattr(point, attr))
        share = float(count) / total if total > 0 else math.nan
        count_text = fmt.count(count)
        if math.isnan(rate):
            fill = _UNDEFINED_FILL
            rate_text = f"{short} undefined (no actual {actual})"
            rate_line = f"{short} undefined"
        else:
            fill = tint(CELL_COLOURS[cell], MIN_STRENGTH + (1 - MIN_STRENGTH) * rate)
            rate_text = f"{short} {fmt.share(rate)}: {long}"
            rate_line = f"{short} {fmt.share(rate)}"
        share_line = f"{fmt.share(share)} of all"
        rows.append(
            {
                "cell": cell,
                "outcome": f"{cell}: {CELL_NAMES[cell]}",
                "actual": actual,
                "predicted": predicted,
                "count": float(count),
                "share": share,
                "rate": rate,
                "rate_name": short,
                "count_text": count_text,
                "share_text": share_line,
                "rate_text": rate_text,
                "headline": f"{cell} {count_text}",
                "detail": f"{share_line}\n{rate_line}",
                "fill": fill,
                "ink": ink(fill),
            }
        )
    return pd.DataFrame(rows)


def confusion_chart(frame: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """The confusion matrix as a heatmap with the numbers written in each cell.

    Rows are the actual class and columns the predicted class, positive class first, so
    true positives sit top left. Each cell shows its count, its share of all samples and
    its row-normalised rate; the fill is the cell's colour from :data:`CELL_COLOURS`
    (cool for correct, warm for errors), stronger the higher the rate, with the text in
    black or white, whichever contrasts more. The tooltip repeats every number.

    Parameters
    ----------
    frame : pandas.DataFrame
        Output of :func:`confusion_frame`.
    title : str, optional
        Chart title; none by default (the page usually has a heading).

    Returns
    -------
    alt.LayerChart
        A 320 x 240 heatmap with two text layers.
    """
    pos = frame["actual"].iat[0]  # TP row: the positive class
    neg = frame["actual"].iat[-1]  # TN row: the negative class
    order = [pos, neg]
    width, height = _CONFUSION_SIZE
    ink = alt.Color(field="ink", type="nominal", scale=None)
    layers = [
        alt.Chart(mark=_CONFUSION_RECT).encode(
            color=alt.Color(field="fill", type="nominal", scale=None)
        ),
        alt.Chart(mark=_CONFUSION_HEADLINE).encode(
            text=alt.Text(field="headline", type="nominal"), color=ink
        ),
        alt.Chart(mark=_CONFUSION_DETAIL).encode(
            text=alt.Text(field="detail", type="nominal"), color=ink
        ),
    ]
    chart = alt.LayerChart(data=frame, layer=layers, width=width, height=height).encode(
        x=alt.X(
            field="predicted", type="nominal", sort=order, title="Predicted", axis=_PREDICTED_AXIS
        ),
        y=alt.Y(field="actual", type="nominal", sort=order, title="Actual", axis=_ACTUAL_AXIS),
        tooltip=_CONFUSION_TOOLTIP,
    )
    if title:
        chart.title = title
    return chart


_CONFUSION_RECT = {"type": "rect", "stroke": "white", "strokeWidth": 2}


_CONFUSION_HEADLINE = {"type": "text", "fontSize": 15, "fontWeight": "bold", "dy": -11}


_CONFUSION_DETAIL = {"type": "text", "fontSize": 11, "lineBreak": "\n", "baseline": "top", "dy": 2}


_AXIS_COMMON = {"ticks": False, "domain": False, "labelFontSize": 12, "titleFontSize": 12}


_PREDICTED_AXIS = {"orient": "top", "labelAngle": 0, "labelLimit": 140, **_AXIS_COMMON}


_ACTUAL_AXIS = {"labelLimit": 90, **_AXIS_COMMON}


_CONFUSION_TOOLTIP = [
    alt.Tooltip(field="outcome", type="nominal", title="Cell"),
    alt.Tooltip(field="actual", type="nominal", title="Actual"),
    alt.Tooltip(field="predicted", type="nominal", title="Predicted"),
    alt.Tooltip(field="count_text", type="nominal", title="Count"),
    alt.Tooltip(field="share_text", type="nominal", title="Share"),
    alt.Tooltip(field="rate_text", type="nominal", title="Rate in actual class"),
]
