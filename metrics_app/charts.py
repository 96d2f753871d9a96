"""Altair chart builders for Threshold Lab (no Streamlit here).

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
  That final validation (which ``st.altair_chart`` always runs) is the bulk of the cost of a
  rerun; keep layers and encodings few.
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
import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from metrics_core import METRICS, OperatingPoint, Sweep, decimate, sweep_sample

__all__ = [
    "CELL_COLOURS",
    "CELL_NAMES",
    "METRIC_COLOURS",
    "confusion_chart",
    "confusion_frame",
    "fmt_count",
    "fmt_share",
    "score_distribution_chart",
    "score_hist_frame",
    "threshold_curve_chart",
    "threshold_curve_frame",
]

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

# (Sweep / OperatingPoint attribute, display name) of the metrics on the threshold chart.
_CURVE_METRICS = (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1"))

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
_MIN_STRENGTH = 0.12

_CONFUSION_SIZE = (320, 240)


# --- formatting ---------------------------------------------------------------------------


def fmt_count(x: float) -> str:
    """Format a count: thousands separators, and up to 2 decimals for non-integers.

    Counts are sums of weights when the data are weighted, so they need not be integers.

    Parameters
    ----------
    x : float
        A count or a sum of weights.

    Returns
    -------
    str
        E.g. ``"1,234"``, ``"1,234.5"``, ``"0.25"``; ``"<0.01"`` for a positive value that
        would round to zero, ``"undefined"`` for NaN.

    Examples
    --------
    >>> fmt_count(1234), fmt_count(1234.5), fmt_count(2.0), fmt_count(0.004)
    ('1,234', '1,234.5', '2', '<0.01')
    """
    x = float(x)
    if math.isnan(x):
        return "undefined"
    if x.is_integer():
        return f"{int(x):,}"
    if 0 < abs(x) < 0.005:
        return "<0.01" if x > 0 else "-<0.01"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fmt_share(p: float) -> str:
    """Format a fraction in [0, 1] as a percentage with one decimal.

    Parameters
    ----------
    p : float
        The fraction.

    Returns
    -------
    str
        E.g. ``"12.3%"``; ``"<0.1%"`` or ``">99.9%"`` when rounding would hide that the
        value is not exactly 0 or 1; ``"undefined"`` for NaN.

    Examples
    --------
    >>> fmt_share(0.1234), fmt_share(0.0002), fmt_share(0.99996), fmt_share(1.0)
    ('12.3%', '<0.1%', '>99.9%', '100.0%')
    """
    p = float(p)
    if math.isnan(p):
        return "undefined"
    if 0 < p < 0.0005:
        return "<0.1%"
    if 0.9995 <= p < 1:
        return ">99.9%"
    return f"{p:.1%}"


# --- colour helpers -----------------------------------------------------------------------


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return (int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def _tint(hex_colour: str, strength: float) -> str:
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


def _ink(fill: str) -> str:
    """Text colour (black or white) with the higher contrast on ``fill``."""
    dark, light = _contrast(fill, _TEXT_DARK), _contrast(fill, _TEXT_LIGHT)
    return _TEXT_LIGHT if light > dark else _TEXT_DARK


# --- shared pieces ------------------------------------------------------------------------


def _check_names(positive_name: str, negative_name: str) -> tuple[str, str]:
    pos, neg = str(positive_name), str(negative_name)
    if pos == neg:
        raise ValueError(f"The two classes need different display names; both are {pos!r}.")
    return pos, neg


def _x_view(lo: float, hi: float, threshold: float) -> tuple[dict, float]:
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


def _threshold_rule(t_draw: float, threshold: float) -> alt.Chart:
    """A dashed vertical rule at the threshold, with the threshold in its tooltip."""
    return alt.Chart(mark=_RULE_MARK).encode(
        x=alt.XDatum(t_draw, type="quantitative"),
        tooltip=alt.TooltipValue(f"threshold {float(threshold):.4g}"),
    )


_RULE_MARK = {"type": "rule", "color": "#1f2937", "strokeWidth": 1.5, "strokeDash": [5, 3]}
_OUTCOME_SCALE = {"domain": list(CELL_COLOURS), "range": list(CELL_COLOURS.values())}
# Data for a mark drawn once (a rule or a label) in a layer whose other marks have rows.
_ONE_ROW = alt.InlineData(values=[{}])


# --- confusion matrix ---------------------------------------------------------------------


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
    pos, neg = _check_names(positive_name, negative_name)
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
        count_text = fmt_count(count)
        if math.isnan(rate):
            fill = _UNDEFINED_FILL
            rate_text = f"{short} undefined (no actual {actual})"
            rate_line = f"{short} undefined"
        else:
            fill = _tint(CELL_COLOURS[cell], _MIN_STRENGTH + (1 - _MIN_STRENGTH) * rate)
            rate_text = f"{short} {fmt_share(rate)}: {long}"
            rate_line = f"{short} {fmt_share(rate)}"
        share_line = f"{fmt_share(share)} of all"
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
                "ink": _ink(fill),
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


# --- score distributions ------------------------------------------------------------------


def score_hist_frame(
    y: ArrayLike,
    scores: ArrayLike,
    bins: int = 60,
    weights: ArrayLike | None = None,
    *,
    positive_name: str = "positive",
    negative_name: str = "negative",
) -> pd.DataFrame:
    """Histogram of the scores of each class over common, equal-width bins.

    The bins span the smallest to the largest score (any range: probabilities or logits);
    both classes use the same edges, so their bars line up. Computed once per dataset.

    Parameters
    ----------
    y : array-like of bool of shape (n_samples,)
        True for the positive class (0/1 integers are accepted too).
    scores : array-like of shape (n_samples,)
        Finite scores.
    bins : int, default=60
        Number of bins.
    weights : array-like of shape (n_samples,), optional
        Non-negative sample weights; counts are then sums of weights.
    positive_name, negative_name : str
        Display names of the classes, stored in the ``class`` column.

    Returns
    -------
    pandas.DataFrame
        ``2 * bins`` rows, the positive class first, with columns ``bin_start``, ``bin_end``,
        ``bin_mid``, ``count`` (int64, or float64 sums of weights), ``class`` (the display
        name) and ``positive`` (bool). As in :func:`numpy.histogram`, the last bin includes
        its right edge, so the counts of a class sum to its size (or total weight).

    Raises
    ------
    ValueError
        On mismatched lengths, non-finite scores, labels other than 0/1, fewer than one
        bin, or equal display names.

    Examples
    --------
    >>> h = score_hist_frame([True, False, False], [0.9, 0.1, 0.4], bins=2)
    >>> h["bin_start"].tolist(), h["count"].tolist(), h["class"].tolist()
    ([0.1, 0.5, 0.1, 0.5], [0, 1, 2, 0], ['positive', 'positive', 'negative', 'negative'])
    """
    pos_name, neg_name = _check_names(positive_name, negative_name)
    if int(bins) < 1:
        raise ValueError(f"bins must be at least 1; got {bins!r}.")
    bins = int(bins)
    y = np.asarray(y)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or s.ndim != 1:
        raise ValueError("y and scores must be one-dimensional and of the same length.")
    if s.size == 0:
        raise ValueError("No scores to draw.")
    if y.dtype != np.bool_:
        if not np.isin(y, (0, 1)).all():
            raise ValueError("y must be boolean (True = positive) or 0/1.")
        y = y.astype(bool)
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite.")
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if w is not None and w.shape != s.shape:
        raise ValueError("weights must have the same length as scores.")
    span = (float(s.min()), float(s.max()))
    parts = []
    for is_pos, name in ((True, pos_name), (False, neg_name)):
        mask = y if is_pos else ~y
        counts, edges = np.histogram(
            s[mask], bins=bins, range=span, weights=None if w is None else w[mask]
        )
        parts.append(
            pd.DataFrame(
                {
                    "bin_start": edges[:-1],
                    "bin_end": edges[1:],
                    "bin_mid": (edges[:-1] + edges[1:]) / 2,
                    "count": counts,
                    "class": name,
                    "positive": is_pos,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


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
    pos, neg = _check_names(positive_name, negative_name)
    if (hist["class"].iat[0], hist["class"].iat[-1]) != (pos, neg):
        raise ValueError(
            "positive_name and negative_name must be the names the histogram was built with; "
            f"got {pos!r} and {neg!r}."
        )
    scale, t_draw = _x_view(hist["bin_start"].iat[0], hist["bin_end"].iat[-1], threshold)
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
    rule = _threshold_rule(t_draw, threshold)
    rule.data = _ONE_ROW  # not the histogram's rows: a datum-only mark is drawn once per row
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
    scale=_OUTCOME_SCALE,
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


# --- metrics against threshold ------------------------------------------------------------


def threshold_curve_frame(sweep: Sweep, max_points: int = 1000) -> pd.DataFrame:
    """Precision, recall and F1 at every threshold of ``sweep``, decimated for drawing.

    Each metric's curve is reduced on its own with :func:`metrics_core.decimate` to at most
    ``max_points`` points spread along the drawn curve (threshold, value), keeping the first
    and last point, so steep parts survive and a 1e7-row sweep becomes a few thousand rows.
    Undefined (NaN) values are dropped before decimating, never drawn as 0. Computed once
    per dataset; statistics must use the sweep itself, not this frame.

    Parameters
    ----------
    sweep : Sweep
        The threshold sweep.
    max_points : int, default=1000
        Upper bound on the points kept per metric (at least 2).

    Returns
    -------
    pandas.DataFrame
        Long form with columns ``threshold`` (float64), ``metric`` ("Precision", "Recall" or
        "F1") and ``value`` (float64), metric by metric, thresholds decreasing within each;
        at most ``3 * max_points`` rows.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2; got {max_points!r}.")
    # Compute metrics only at a few thousand well-spread thresholds, not all of them:
    # a 1e7-row sweep then costs milliseconds here.
    idx = sweep_sample(sweep, max_points)
    thresholds = np.asarray(sweep.thresholds[idx], dtype=np.float64)
    tp, fp = sweep.tp[idx], sweep.fp[idx]
    fn, tn = sweep.n_pos - tp, sweep.n_neg - fp
    parts = []
    for attr, name in _CURVE_METRICS:
        values = np.asarray(METRICS[attr](tp, fp, fn, tn), dtype=np.float64)
        ok = np.flatnonzero(~np.isnan(values))
        if ok.size > max_points:
            ok = ok[decimate(thresholds[ok], values[ok], max_points)]
        parts.append(
            pd.DataFrame({"threshold": thresholds[ok], "metric": name, "value": values[ok]})
        )
    return pd.concat(parts, ignore_index=True)


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
    scale, t_draw = _x_view(lo, hi, threshold)
    x = alt.X(
        field="threshold", type="quantitative", scale=scale, title="Threshold", axis=_CURVE_X_AXIS
    )
    current = pd.DataFrame(
        {
            "threshold": t_draw,
            "metric": [name for _, name in _CURVE_METRICS],
            "value": [float(getattr(point, attr)) for attr, _ in _CURVE_METRICS],
        }
    ).dropna()
    rule = _threshold_rule(t_draw, threshold)
    rule.data = _ONE_ROW  # not the curve's rows: a datum-only mark is drawn once per row
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
