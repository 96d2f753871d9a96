"""Altair builders for the Curves page (no Streamlit here).

Each builder takes a small frame prepared by :mod:`metrics_app.curves` (at most ~1,000
points per model) and the current operating point, and returns an Altair chart. They run
on every rerun, so they do no data preparation beyond a filter, and build encodings from
channel objects (``alt.X(field=..., type=...)``): Altair 6.3 parses shorthand strings with
regular expressions, ~10 ms per channel.

Conventions
-----------
* Curves of several models share one long frame with a ``model`` column and a ``step``
  column giving each model's drawing order (thresholds decreasing). The *primary* model
  (the sidebar's score column) is drawn first, in the app's primary colour, and is the
  only one with an operating point and clickable points: another model's threshold is on
  another score scale.
* Clickable charts carry a point selection named by the caller, on a layer of points
  (``on="click"``, ``nearest=True``, fields ``threshold`` and ``current``): a click anywhere
  picks the nearest point and Streamlit returns
  ``{"<name>": [{"threshold": value, "current": threshold in force}]}`` (see
  :func:`pick_param` for why ``current`` is there).
* Model and class names are user text: they only ever appear as data values or in
  predicates (``FieldEqualPredicate``), never inside a Vega expression string, so they
  cannot change a chart's behaviour. Vega renders text, not HTML.
* Undefined values (NaN) are not drawn: the operating point is left out when one of its
  coordinates is undefined (e.g. precision with nothing flagged).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
from scipy.special import ndtri

from metrics_app.shared import format as fmt
from metrics_app.shared.charts import CELL_COLOURS
from metrics_core import OperatingPoint

__all__ = [
    "DET_TICKS",
    "ISO_F1_LEVELS",
    "MAX_COMPARED",
    "MODEL_COLOURS",
    "calibration_chart",
    "calibration_histogram",
    "det_chart",
    "gains_chart",
    "ks_chart",
    "lift_chart",
    "pick_param",
    "pr_chart",
    "roc_chart",
]

#: One colour per model, primary first (the app's primary colour), then well-separated hues.
MODEL_COLOURS: tuple[str, ...] = (
    "#2563eb",
    "#db2777",
    "#16a34a",
    "#9333ea",
    "#ea580c",
    "#0891b2",
    "#854d0e",
)

#: Most score columns that can be overlaid on the primary one: one colour each.
MAX_COMPARED = len(MODEL_COLOURS) - 1

#: F1 levels of the iso-F1 contours on the precision-recall chart.
ISO_F1_LEVELS: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8)

#: Tick positions of the DET chart's probit axes, as rates, with their labels.
DET_TICKS: tuple[tuple[float, str], ...] = (
    (1e-4, "0.01%"),
    (1e-3, "0.1%"),
    (0.01, "1%"),
    (0.05, "5%"),
    (0.2, "20%"),
    (0.5, "50%"),
    (0.8, "80%"),
    (0.95, "95%"),
    (0.99, "99%"),
    (0.999, "99.9%"),
    (0.9999, "99.99%"),
)

# The DET window: rates from _DET_WINDOW[1] (or the data's floor, if coarser, up to
# _DET_WINDOW[0]) to one minus that. Finer rates exist only in very large data and would
# squeeze the informative middle into a corner.
_DET_WINDOW = (1e-3, 1e-4)

_HEIGHT = 340
_INK = "#111827"
_GUIDE = "#6b7280"
_FAINT = "#9ca3af"

# Rates as percentages with up to 2 decimals, thresholds with 6 significant digits.
_RATE = ".2%"
_THRESHOLD = ".6g"


# --- shared pieces --------------------------------------------------------------------------------


def pick_param(name: str, view: str = "points") -> alt.TopLevelSelectionParameter:
    """The click selection of a chart: the nearest point's ``threshold`` on layer ``view``.

    The selection also projects ``current``, the threshold in force when the chart was
    drawn (a constant the points layer computes). Streamlit only reports a selection
    that differs from the last one it sent, so without it, clicking a point again after
    the threshold was changed elsewhere (on the other chart) would do nothing.

    Declared at the top of the layered chart with ``views=[view]`` (what Altair's
    ``add_params`` lifts it to, minus a deep copy of every layer on each rerun).
    ``toggle=False`` keeps one point selected (shift-click would otherwise add points);
    ``clear=False`` keeps a double click from sending an empty selection.
    """
    return alt.TopLevelSelectionParameter(
        name=name,
        select=alt.PointSelectionConfig(
            type="point",
            fields=["threshold", "current"],
            on="click",
            nearest=True,
            toggle=False,
            clear=False,
        ),
        views=[view],
    )


def _models(curves: pd.DataFrame, primary: str) -> list[str]:
    names = [str(m) for m in pd.unique(curves["model"])]
    if primary in names:
        names.remove(primary)
    return [primary, *names]


def _colour(models: Sequence[str]) -> alt.Color:
    if len(models) > len(MODEL_COLOURS):
        raise ValueError(f"At most {len(MODEL_COLOURS)} models can be drawn together.")
    legend = (
        alt.Legend(orient="top", title=None, labelLimit=260, symbolType="stroke")
        if len(models) > 1
        else None
    )
    return alt.Color(
        field="model",
        type="nominal",
        scale=alt.Scale(domain=list(models), range=list(MODEL_COLOURS[: len(models)])),
        legend=legend,
        title="Model",
    )


def _single_row() -> alt.InlineData:
    # Marks encoded with datum values draw once per data row: give them exactly one.
    return alt.InlineData(values=[{}])


def _unit_axis(title: str, *, percent: bool = True) -> alt.Axis:
    return alt.Axis(title=title, format="%" if percent else None, tickCount=5, grid=True)


def _unit_scale() -> alt.Scale:
    return alt.Scale(domain=[0, 1], nice=False, zero=False)


def _plain(channel: alt.X | alt.Y) -> alt.X | alt.Y:
    """The same field without its scale and axis.

    Layers share their scales, so one layer (the lines) defines the axes; the others
    repeating them would only make every rerun's schema validation longer.
    """
    return type(channel)(field=channel._get("field"), type="quantitative")


def _finite(*values: float) -> bool:
    return all(v is not None and math.isfinite(float(v)) for v in values)


def _lines(x: alt.X, y: alt.Y, colour: alt.Color) -> alt.Chart:
    """One line per model, in each model's drawing order (the ``step`` column)."""
    return alt.Chart(
        mark=alt.MarkDef(type="line", strokeWidth=2, clip=True),
        encoding=alt.FacetedEncoding(
            x=x,
            y=y,
            color=colour,
            order=alt.Order(field="step", type="quantitative"),
            tooltip=[alt.Tooltip(field="model", type="nominal", title="Model")],
        ),
    )


def _points(
    primary: str, x: alt.X, y: alt.Y, tooltip: list[alt.Tooltip], current: float | None = None
) -> alt.Chart:
    """The primary model's points: invisible, but hoverable and clickable (view "points").

    ``current`` (the threshold in force) becomes a constant field for :func:`pick_param`.
    """
    transform = [
        alt.FilterTransform(filter=alt.FieldEqualPredicate(field="model", equal=primary)),
        alt.FilterTransform(filter=alt.FieldValidPredicate(field="threshold", valid=True)),
    ]
    if current is not None and math.isfinite(current):
        # repr() of a finite float is a valid JavaScript number literal.
        transform.append(
            alt.CalculateTransform(calculate=repr(float(current)), **{"as": "current"})
        )
    return alt.Chart(
        mark=alt.MarkDef(type="circle", size=60, opacity=0, color=MODEL_COLOURS[0]),
        encoding=alt.FacetedEncoding(x=x, y=y, tooltip=tooltip),
        transform=transform,
        name="points",
    )


def _layered(
    layers: Sequence[alt.Chart], data: pd.DataFrame | None, pick: str | None = None
) -> alt.LayerChart:
    """Layers sharing ``data``, with the click selection ``pick`` on the "points" layer."""
    kwargs: dict = {"height": _HEIGHT}
    if data is not None:
        kwargs["data"] = data
    if pick is not None:
        kwargs["params"] = [pick_param(pick)]
    return alt.LayerChart(layer=list(layers), **kwargs)


def _marker(values: dict[str, float], x: alt.X, y: alt.Y, tooltip: list[alt.Tooltip]) -> alt.Chart:
    """The operating point: a dark dot with a white ring (layer "operating_point")."""
    return alt.Chart(
        alt.InlineData(values=[values]),
        mark=alt.MarkDef(
            type="point",
            filled=True,
            size=160,
            color=_INK,
            stroke="white",
            strokeWidth=2,
            opacity=1,
        ),
        encoding=alt.FacetedEncoding(x=x, y=y, tooltip=tooltip),
        name="operating_point",
    )


def _diagonal(x0: float, y0: float, x1: float, y1: float, label: str) -> alt.Chart:
    """A dashed reference segment from (x0, y0) to (x1, y1), explained by its tooltip."""
    return alt.Chart(
        _single_row(),
        mark=alt.MarkDef(type="rule", color=_FAINT, strokeDash=[5, 4], strokeWidth=1.2),
        encoding=alt.FacetedEncoding(
            x=alt.XDatum(x0, type="quantitative"),
            y=alt.YDatum(y0, type="quantitative"),
            x2=alt.X2Datum(x1),
            y2=alt.Y2Datum(y1),
            tooltip=alt.TooltipValue(label),
        ),
    )


def _hline(y: float, label: str, name: str | None = None) -> alt.Chart:
    """A dashed horizontal reference line at ``y``, explained by its tooltip."""
    kwargs = {"name": name} if name else {}
    return alt.Chart(
        _single_row(),
        mark=alt.MarkDef(type="rule", color=_FAINT, strokeDash=[5, 4], strokeWidth=1.2),
        encoding=alt.FacetedEncoding(
            y=alt.YDatum(float(y), type="quantitative"), tooltip=alt.TooltipValue(label)
        ),
        **kwargs,
    )


# --- ROC ------------------------------------------------------------------------------------------


def roc_chart(
    curves: pd.DataFrame,
    point: OperatingPoint | None,
    *,
    primary: str,
    pick: str | None = "roc_pick",
) -> alt.LayerChart:
    """ROC curves with the chance diagonal and the operating point.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``model, step, threshold, fpr, tpr`` (see
        :func:`metrics_app.curves.roc_frame`), one or more models.
    point : OperatingPoint or None
        The primary model at the current threshold; ``None`` draws no marker.
    primary : str
        The model that gets the marker and the clickable points.
    pick : str or None, default="roc_pick"
        Name of the click selection; ``None`` makes the chart read-only.

    Returns
    -------
    alt.LayerChart
        Layers: chance diagonal, lines, the primary's points (view ``"points"``: hover for
        threshold, TPR and FPR; click to select), operating point (``"operating_point"``).
    """
    models = _models(curves, primary)
    x = alt.X(
        field="fpr",
        type="quantitative",
        scale=_unit_scale(),
        axis=_unit_axis("False positive rate (FPR)"),
    )
    y = alt.Y(
        field="tpr",
        type="quantitative",
        scale=_unit_scale(),
        axis=_unit_axis("True positive rate (TPR, recall)"),
    )
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"),
        alt.Tooltip(field="tpr", type="quantitative", format=_RATE, title="TPR (recall)"),
        alt.Tooltip(field="fpr", type="quantitative", format=_RATE, title="FPR"),
    ]
    layers = [
        _diagonal(0, 0, 1, 1, "Chance: a random ranking (AUC 0.5)"),
        _lines(x, y, _colour(models)),
        _points(primary, _plain(x), _plain(y), tooltip, None if point is None else point.threshold),
    ]
    if point is not None and _finite(point.fpr, point.recall):
        marker = {"threshold": point.threshold, "fpr": point.fpr, "tpr": point.recall}
        layers.append(_marker(marker, _plain(x), _plain(y), tooltip))
    return _layered(layers, curves, pick)


# --- precision-recall -----------------------------------------------------------------------------


def _iso_f1() -> alt.Chart:
    """Iso-F1 contours ``P = F·R / (2R − F)``, generated in the browser from a sequence.

    Built from a Vega sequence and fixed expressions (no data to send or validate), and
    labelled at recall 1.
    """
    levels = ", ".join(f"{f:g}" for f in ISO_F1_LEVELS)
    return alt.Chart(
        alt.SequenceGenerator(sequence=alt.SequenceParams(start=0, stop=1.0001, step=0.01)),
        mark=alt.MarkDef(type="line", color=_FAINT, strokeWidth=1, strokeDash=[2, 3], clip=True),
        transform=[
            alt.CalculateTransform(calculate=f"[{levels}]", **{"as": "f1"}),
            alt.FlattenTransform(flatten=["f1"]),
            alt.CalculateTransform(calculate="datum.data", **{"as": "recall"}),
            alt.FilterTransform(filter="datum.recall > datum.f1 / (2 - datum.f1)"),
            alt.CalculateTransform(
                calculate="datum.f1 * datum.recall / (2 * datum.recall - datum.f1)",
                **{"as": "precision"},
            ),
        ],
        encoding=alt.FacetedEncoding(
            x=alt.X(field="recall", type="quantitative"),
            y=alt.Y(field="precision", type="quantitative"),
            detail=alt.Detail(field="f1", type="nominal"),
        ),
        name="iso_f1",
    )


def _iso_f1_labels() -> alt.Chart:
    return alt.Chart(
        alt.InlineData(
            values=[
                {"recall": 1.0, "precision": f / (2 - f), "label": f"F1 = {fmt.significant(f, 6)}"}
                for f in ISO_F1_LEVELS
            ]
        ),
        mark=alt.MarkDef(
            type="text", align="right", baseline="bottom", dx=-4, dy=-3, fontSize=10, color=_GUIDE
        ),
        encoding=alt.FacetedEncoding(
            x=alt.X(field="recall", type="quantitative"),
            y=alt.Y(field="precision", type="quantitative"),
            text=alt.Text(field="label", type="nominal"),
        ),
    )


def pr_chart(
    curves: pd.DataFrame,
    point: OperatingPoint | None,
    *,
    primary: str,
    prevalence: float,
    pick: str | None = "pr_pick",
) -> alt.LayerChart:
    """Precision-recall curves with the chance level, iso-F1 contours and the operating point.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``model, step, threshold, recall, precision``.
    point : OperatingPoint or None
        The primary model at the current threshold; no marker when ``None`` or when
        precision is undefined (nothing flagged).
    primary : str
        The model that gets the marker and the clickable points.
    prevalence : float
        Share of positives: the precision of a random ranking, drawn as a horizontal rule
        (layer ``"chance"``).
    pick : str or None, default="pr_pick"
        Name of the click selection; ``None`` makes the chart read-only.

    Returns
    -------
    alt.LayerChart
        Layers: iso-F1 contours (``"iso_f1"``) and their labels, chance rule, lines,
        points (``"points"``), operating point (``"operating_point"``).
    """
    if not 0 <= prevalence <= 1:
        raise ValueError(f"prevalence must be in [0, 1]; got {prevalence!r}.")
    models = _models(curves, primary)
    x = alt.X(
        field="recall", type="quantitative", scale=_unit_scale(), axis=_unit_axis("Recall (TPR)")
    )
    y = alt.Y(
        field="precision", type="quantitative", scale=_unit_scale(), axis=_unit_axis("Precision")
    )
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"),
        alt.Tooltip(field="precision", type="quantitative", format=_RATE, title="Precision"),
        alt.Tooltip(field="recall", type="quantitative", format=_RATE, title="Recall"),
    ]
    layers = [
        _iso_f1(),
        _iso_f1_labels(),
        _hline(
            prevalence, f"Chance: precision = prevalence ({fmt.percent(prevalence, 2)})", "chance"
        ),
        _lines(x, y, _colour(models)),
        _points(primary, _plain(x), _plain(y), tooltip, None if point is None else point.threshold),
    ]
    if point is not None and _finite(point.recall, point.precision):
        marker = {
            "threshold": point.threshold,
            "recall": point.recall,
            "precision": point.precision,
        }
        layers.append(_marker(marker, _plain(x), _plain(y), tooltip))
    return _layered(layers, curves, pick)


# --- cumulative gains and lift --------------------------------------------------------------------

_SHARE_FLAGGED = "Share of rows flagged (highest scores first)"


def gains_chart(
    curves: pd.DataFrame,
    point: OperatingPoint | None,
    *,
    primary: str,
    prevalence: float,
) -> alt.LayerChart:
    """Cumulative gains: share of positives caught against share of rows flagged.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``model, step, threshold, flagged, captured`` (see
        :func:`metrics_app.curves.gains_frame`).
    point : OperatingPoint or None
        The primary model at the current threshold.
    primary : str
        The model that gets the marker.
    prevalence : float
        Share of positives: a perfect ranking catches them all once this share is flagged.

    Returns
    -------
    alt.LayerChart
        Layers: random diagonal, perfect model (``"perfect"``), lines, hover points,
        operating point.
    """
    if not 0 <= prevalence <= 1:
        raise ValueError(f"prevalence must be in [0, 1]; got {prevalence!r}.")
    models = _models(curves, primary)
    x = alt.X(
        field="flagged", type="quantitative", scale=_unit_scale(), axis=_unit_axis(_SHARE_FLAGGED)
    )
    y = alt.Y(
        field="captured",
        type="quantitative",
        scale=_unit_scale(),
        axis=_unit_axis("Share of positives caught"),
    )
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"),
        alt.Tooltip(field="flagged", type="quantitative", format=_RATE, title="Rows flagged"),
        alt.Tooltip(field="captured", type="quantitative", format=_RATE, title="Positives caught"),
    ]
    perfect = alt.Chart(
        alt.InlineData(
            values=[
                {"flagged": 0.0, "captured": 0.0},
                {"flagged": float(prevalence), "captured": 1.0},
                {"flagged": 1.0, "captured": 1.0},
            ]
        ),
        mark=alt.MarkDef(type="line", color=_GUIDE, strokeDash=[2, 2], strokeWidth=1.2),
        encoding=alt.FacetedEncoding(
            x=alt.X(field="flagged", type="quantitative"),
            y=alt.Y(field="captured", type="quantitative"),
            tooltip=alt.TooltipValue("Perfect model: every positive ranked first"),
        ),
        name="perfect",
    )
    layers = [
        _diagonal(0, 0, 1, 1, "Random: flagging k% of rows catches k% of positives"),
        perfect,
        _lines(x, y, _colour(models)),
        _points(primary, _plain(x), _plain(y), tooltip),
    ]
    if point is not None and _finite(point.predicted_positive_rate, point.recall):
        marker = {
            "threshold": point.threshold,
            "flagged": point.predicted_positive_rate,
            "captured": point.recall,
        }
        layers.append(_marker(marker, _plain(x), _plain(y), tooltip))
    return _layered(layers, curves)


def lift_chart(
    curves: pd.DataFrame,
    point: OperatingPoint | None,
    *,
    primary: str,
    prevalence: float,
) -> alt.LayerChart:
    """Lift (precision / prevalence) against the share of rows flagged.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``model, step, threshold, flagged, lift``.
    point : OperatingPoint or None
        The primary model at the current threshold; no marker when nothing is flagged.
    primary : str
        The model that gets the marker.
    prevalence : float
        Share of positives (must be > 0): the marker's lift is its precision over this.

    Returns
    -------
    alt.LayerChart
        Layers: the random level (lift 1, ``"random"``), lines, hover points, operating
        point.
    """
    if not 0 < prevalence <= 1:
        raise ValueError(f"prevalence must be in (0, 1]; got {prevalence!r}.")
    models = _models(curves, primary)
    # Log scale: lift changes fastest among the very first rows flagged.
    lo = min(float(curves["flagged"].min()) if len(curves) else 1e-3, 0.01)
    decades = [10.0**k for k in range(math.floor(math.log10(lo)), 1)]
    x = alt.X(
        field="flagged",
        type="quantitative",
        scale=alt.Scale(type="log", domain=[lo, 1], nice=False),
        axis=alt.Axis(
            title=f"{_SHARE_FLAGGED}, log scale",
            format="~%",
            grid=True,
            values=decades,
            tickCount=len(decades),
        ),
    )
    y = alt.Y(
        field="lift",
        type="quantitative",
        scale=alt.Scale(zero=True),
        axis=alt.Axis(title="Lift (× a random pick's positive rate)", tickCount=5),
    )
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"),
        alt.Tooltip(field="flagged", type="quantitative", format=_RATE, title="Rows flagged"),
        alt.Tooltip(field="lift", type="quantitative", format=".2f", title="Lift"),
    ]
    layers = [
        _hline(1.0, "Random: lift 1", "random"),
        _lines(x, y, _colour(models)),
        _points(primary, _plain(x), _plain(y), tooltip),
    ]
    if point is not None and _finite(point.predicted_positive_rate, point.precision):
        marker = {
            "threshold": point.threshold,
            "flagged": point.predicted_positive_rate,
            "lift": point.precision / prevalence,
        }
        layers.append(_marker(marker, _plain(x), _plain(y), tooltip))
    return _layered(layers, curves)


# --- KS: the two cumulative distributions ---------------------------------------------------------


def ks_chart(
    dist: pd.DataFrame,
    *,
    threshold: float,
    ks: float,
    ks_point: OperatingPoint | None,
    positive_name: str,
    negative_name: str,
) -> alt.LayerChart:
    """Each class's share of scores below the threshold, with the KS gap marked.

    Parameters
    ----------
    dist : pandas.DataFrame
        Columns ``threshold, class, share_below`` (see
        :func:`metrics_app.curves.distribution_frame`).
    threshold : float
        The current threshold, drawn as a dashed rule (at the edge if outside the data).
    ks : float
        The KS statistic (NaN: no gap is drawn).
    ks_point : OperatingPoint or None
        The counts at the KS threshold; its FNR and specificity are the two ends of the gap.
    positive_name, negative_name : str
        Class display names, as in ``dist``.

    Returns
    -------
    alt.LayerChart
        Layers: two step lines, the current-threshold rule (``"current_threshold"``), the
        KS gap (``"ks_gap"``) and its label.
    """
    lo, hi = float(dist["threshold"].min()), float(dist["threshold"].max())
    # A threshold outside the scores (or ±inf) is drawn at the matching edge.
    t_draw = min(max(float(threshold), lo), hi)
    domain = [lo, hi] if hi > lo else [lo - 0.5, hi + 0.5]
    x = alt.X(
        field="threshold",
        type="quantitative",
        scale=alt.Scale(domain=domain, zero=False, nice=False),
        axis=alt.Axis(title="Threshold (score)", tickCount=6),
    )
    y = alt.Y(
        field="share_below",
        type="quantitative",
        scale=_unit_scale(),
        axis=_unit_axis("Share of the class scoring below the threshold"),
    )
    colour = alt.Color(
        field="class",
        type="nominal",
        scale=alt.Scale(
            domain=[positive_name, negative_name], range=[CELL_COLOURS["TP"], CELL_COLOURS["TN"]]
        ),
        legend=alt.Legend(orient="top", title=None, labelLimit=260, symbolType="stroke"),
    )
    lines = alt.Chart(
        mark=alt.MarkDef(type="line", strokeWidth=2, interpolate="step-after"),
        encoding=alt.FacetedEncoding(
            x=x,
            y=y,
            color=colour,
            order=alt.Order(field="threshold", type="quantitative"),
            tooltip=[
                alt.Tooltip(field="class", type="nominal", title="Class"),
                alt.Tooltip(
                    field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"
                ),
                alt.Tooltip(
                    field="share_below", type="quantitative", format=_RATE, title="Share below"
                ),
            ],
        ),
    )
    current = alt.Chart(
        _single_row(),
        mark=alt.MarkDef(type="rule", color=_INK, strokeDash=[5, 3], strokeWidth=1.5),
        encoding=alt.FacetedEncoding(
            x=alt.XDatum(t_draw, type="quantitative"),
            tooltip=alt.TooltipValue(f"current threshold {fmt.significant(threshold)}"),
        ),
        name="current_threshold",
    )
    layers = [lines, current]
    if ks_point is not None and _finite(ks, ks_point.threshold, ks_point.fnr, ks_point.specificity):
        data = alt.InlineData(
            values=[
                {
                    "threshold": ks_point.threshold,
                    "share_below": ks_point.fnr,
                    "share_below_neg": ks_point.specificity,
                    "label": f"KS = {fmt.decimal(ks, 3)} at {fmt.significant(ks_point.threshold)}",
                }
            ]
        )
        layers.append(
            alt.Chart(
                data,
                mark=alt.MarkDef(type="rule", color=_INK, strokeWidth=3),
                encoding=alt.FacetedEncoding(
                    x=x,
                    y=y,
                    y2=alt.Y2(field="share_below_neg"),
                    tooltip=alt.Tooltip(field="label", type="nominal", title="Widest gap"),
                ),
                name="ks_gap",
            )
        )
        layers.append(
            alt.Chart(
                data,
                mark=alt.MarkDef(
                    type="text", align="left", dx=6, fontSize=12, fontWeight="bold", color=_INK
                ),
                encoding=alt.FacetedEncoding(
                    x=x,
                    y=alt.Y(field="share_below_neg", type="quantitative"),
                    text=alt.Text(field="label", type="nominal"),
                ),
            )
        )
    return _layered(layers, dist)


# --- DET ------------------------------------------------------------------------------------------


def _det_axis(
    title: str, lo: float, hi: float, ticks: Mapping[float, str], *, angle: float = 0
) -> alt.Axis:
    inside = [(v, s) for v, s in ticks.items() if lo - 1e-9 <= v <= hi + 1e-9]
    values = [v for v, _ in inside]
    # Label each tick by its position: a chain of comparisons on fixed numbers and fixed
    # text (no user data), splitting at midpoints between neighbouring ticks.
    expr = f"'{inside[-1][1]}'" if inside else "''"
    for (v, s), (v_next, _) in reversed(list(itertools.pairwise(inside))):
        expr = f"datum.value < {(v + v_next) / 2:.6f} ? '{s}' : {expr}"
    # Vega thins explicit tick values down to tickCount (by default about one per 40
    # pixels), dropping every other tick: ask for all of them.
    return alt.Axis(
        title=title,
        values=values,
        tickCount=len(values),
        labelExpr=expr,
        grid=True,
        labelAngle=angle,
        labelOverlap=False,
    )


def det_chart(
    curves: pd.DataFrame,
    point: OperatingPoint | None,
    *,
    primary: str,
    marker: tuple[float, float] | None,
    floor: float,
) -> alt.LayerChart:
    """DET curves: false negative rate against false positive rate on normal-deviate axes.

    Parameters
    ----------
    curves : pandas.DataFrame
        Columns ``model, step, threshold, fpr, fnr, x, y`` with ``x, y`` the probits of
        the rates (see :func:`metrics_app.curves.det_frame`).
    point : OperatingPoint or None
        The primary model at the current threshold (for the marker's tooltip).
    primary : str
        The model that gets the marker.
    marker : (float, float) or None
        Probits of the operating point's FPR and FNR; ``None`` draws no marker.
    floor : float
        The rate at which 0 is drawn; the axes span ``[probit(floor), probit(1 - floor)]``.

    Returns
    -------
    alt.LayerChart
        Layers: the chance line (FNR = 1 − FPR), lines, hover points, operating point;
        axis ticks labelled in percent.
    """
    if not 0 < floor < 0.5:
        raise ValueError(f"floor must be in (0, 0.5); got {floor!r}.")
    models = _models(curves, primary)
    edge = float(ndtri(min(_DET_WINDOW[0], max(floor, _DET_WINDOW[1]))))
    ticks = {float(ndtri(rate)): label for rate, label in DET_TICKS}
    scale = alt.Scale(domain=[edge, -edge], nice=False, zero=False)
    x = alt.X(
        field="x",
        type="quantitative",
        scale=scale,
        axis=_det_axis("False positive rate (FPR)", edge, -edge, ticks, angle=-40),
    )
    y = alt.Y(
        field="y",
        type="quantitative",
        scale=scale,
        axis=_det_axis("False negative rate (FNR, miss rate)", edge, -edge, ticks),
    )
    tooltip = [
        alt.Tooltip(field="threshold", type="quantitative", format=_THRESHOLD, title="Threshold"),
        alt.Tooltip(field="fpr", type="quantitative", format=".4%", title="FPR"),
        alt.Tooltip(field="fnr", type="quantitative", format=".4%", title="FNR"),
    ]
    layers = [
        _diagonal(edge, -edge, -edge, edge, "Chance: FNR = 1 − FPR"),
        _lines(x, y, _colour(models)),
        _points(primary, _plain(x), _plain(y), tooltip),
    ]
    if point is not None and marker is not None and _finite(*marker, point.fpr, point.fnr):
        values = {
            "threshold": point.threshold,
            "fpr": point.fpr,
            "fnr": point.fnr,
            "x": float(marker[0]),
            "y": float(marker[1]),
        }
        layers.append(_marker(values, _plain(x), _plain(y), tooltip))
    return _layered(layers, curves)


# --- calibration ----------------------------------------------------------------------------------


def calibration_chart(bins: pd.DataFrame, *, primary: str) -> alt.LayerChart:
    """Reliability diagram: observed frequency against mean predicted probability per bin.

    Parameters
    ----------
    bins : pandas.DataFrame
        Columns ``model, bin_start, bin_end, mean_predicted, observed, count`` (non-empty
        bins; see :func:`metrics_app.curves.calibration_frame`), one or more models.
    primary : str
        The first model (first colour).

    Returns
    -------
    alt.LayerChart
        The perfect-calibration diagonal, then a line and dots per model (layer
        ``"reliability"``), dot size by bin size.
    """
    models = _models(bins, primary)
    x = alt.X(
        field="mean_predicted",
        type="quantitative",
        scale=_unit_scale(),
        axis=_unit_axis("Mean predicted probability in the bin"),
    )
    y = alt.Y(
        field="observed",
        type="quantitative",
        scale=_unit_scale(),
        axis=_unit_axis("Observed share of positives in the bin"),
    )
    colour = _colour(models)
    tooltip = [
        alt.Tooltip(field="model", type="nominal", title="Model"),
        alt.Tooltip(field="bin_start", type="quantitative", format=".3f", title="Bin from"),
        alt.Tooltip(field="bin_end", type="quantitative", format=".3f", title="to"),
        alt.Tooltip(
            field="mean_predicted", type="quantitative", format=".2%", title="Mean predicted"
        ),
        alt.Tooltip(field="observed", type="quantitative", format=".2%", title="Observed"),
        alt.Tooltip(field="count", type="quantitative", format=",.6~g", title="Rows"),
    ]
    line = alt.Chart(
        mark=alt.MarkDef(type="line", strokeWidth=2),
        encoding=alt.FacetedEncoding(
            x=x, y=y, color=colour, order=alt.Order(field="mean_predicted", type="quantitative")
        ),
    )
    dots = alt.Chart(
        mark=alt.MarkDef(type="circle", opacity=0.9),
        encoding=alt.FacetedEncoding(
            x=_plain(x),
            y=_plain(y),
            color=colour,
            size=alt.Size(
                field="count", type="quantitative", scale=alt.Scale(range=[20, 300]), legend=None
            ),
            tooltip=tooltip,
        ),
        name="reliability",
    )
    return _layered(
        [_diagonal(0, 0, 1, 1, "Perfectly calibrated: observed = predicted"), line, dots], bins
    )


def calibration_histogram(bins: pd.DataFrame, *, primary: str) -> alt.Chart:
    """How many rows fall in each probability bin, for the primary model.

    Parameters
    ----------
    bins : pandas.DataFrame
        As for :func:`calibration_chart`.
    primary : str
        The model whose bins are drawn.

    Returns
    -------
    alt.Chart
        A short bar chart over [0, 1] (layer ``"histogram"``).
    """
    top = float(bins["count"].max()) if len(bins) else 1.0
    # Every other power of ten: the strip is too short for a label per decade.
    ticks = [10.0**k for k in range(0, math.floor(math.log10(max(top, 1.0))) + 1, 2)]
    return alt.Chart(
        bins,
        mark=alt.MarkDef(
            type="rect", color=MODEL_COLOURS[0], opacity=0.6, stroke="white", strokeWidth=0.5
        ),
        transform=[
            alt.FilterTransform(filter=alt.FieldEqualPredicate(field="model", equal=primary))
        ],
        encoding=alt.FacetedEncoding(
            x=alt.X(
                field="bin_start",
                type="quantitative",
                scale=_unit_scale(),
                axis=_unit_axis("Predicted probability"),
            ),
            x2=alt.X2(field="bin_end"),
            # Log-like counts (symlog keeps the bars' zero baseline): one bin often holds
            # most rows (rare positives, a confident model).
            y=alt.Y(
                field="count",
                type="quantitative",
                scale=alt.Scale(type="symlog"),
                axis=alt.Axis(title="Rows (log)", values=ticks, tickCount=len(ticks), format=",d"),
            ),
            # A rect from 0: a bar with x and x2 would be a thin horizontal range instead.
            y2=alt.Y2Datum(0),
            tooltip=[
                alt.Tooltip(field="bin_start", type="quantitative", format=".3f", title="Bin from"),
                alt.Tooltip(field="bin_end", type="quantitative", format=".3f", title="to"),
                alt.Tooltip(field="count", type="quantitative", format=",.6~g", title="Rows"),
            ],
        ),
        height=160,
        name="histogram",
    )
