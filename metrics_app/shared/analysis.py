"""Everything the pages need about one scored dataset, computed once.

An :class:`Analysis` bundles the clean arrays, the sweep and the small
display frames derived from them. It is built once per (dataset, column
choice) and then shared read-only, so a slider move only looks things up.
No Streamlit here: the cache wrapper lives in :mod:`metrics_app.session`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from metrics_app.data import Prepared, prepare, score_kind
from metrics_app.shared import frames
from metrics_core import OperatingPoint, Sweep, ThresholdChoice, best_threshold, sweep_clean

__all__ = ["Analysis", "SliderRange", "analyse", "slider_range"]


@dataclass(frozen=True)
class SliderRange:
    """Bounds and step of the threshold slider for one score column."""

    lo: float
    hi: float
    step: float
    default: float

    def clamp(self, value: float) -> float:
        """``value`` limited to the slider's bounds."""
        return min(max(value, self.lo), self.hi)


def _nice_step(span: float, target_steps: int = 1000) -> float:
    """A step of 1, 2 or 5 times a power of ten giving about ``target_steps`` steps."""
    if span <= 0:
        return 0.01
    raw = span / target_steps
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return mult * power
    return 10 * power


def slider_range(sw: Sweep, kind: Literal["probability", "real"]) -> SliderRange:
    """Slider bounds: [0, 1] for probabilities, the rounded score range otherwise."""
    if kind == "probability":
        return SliderRange(0.0, 1.0, 0.001, 0.5)
    lo, hi = float(sw.thresholds[-1]), float(sw.thresholds[0])
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if hi <= lo:
        hi = lo + step
    # A decision function's natural cut is 0; otherwise start mid-range.
    default = 0.0 if lo <= 0.0 <= hi else round((lo + hi) / 2 / step) * step
    return SliderRange(lo, hi, step, default)


@dataclass(frozen=True, eq=False)
class Analysis:
    """One score column of one dataset, ready to explore.

    Attributes
    ----------
    key : str
        Identifies the dataset and column choice (a cache key).
    prepared : Prepared
        Clean arrays and the exclusion report.
    sweep : Sweep
        Counts at every distinct score.
    kind : {"probability", "real"}
        Whether the scores look like probabilities.
    positive_name, negative_name : str
        Display names of the two classes.
    score_name : str
        The score column.
    slider : SliderRange
        Threshold slider bounds for these scores.
    hist : pandas.DataFrame
        Score histogram per class (see :func:`metrics_app.charts.score_hist_frame`).
    curve : pandas.DataFrame
        Decimated precision / recall / F1 against threshold.
    best_f1, youden : ThresholdChoice or None
        One-click thresholds; ``None`` when undefined (one class only).
    """

    key: str
    prepared: Prepared
    sweep: Sweep
    kind: Literal["probability", "real"]
    positive_name: str
    negative_name: str
    score_name: str
    slider: SliderRange
    hist: pd.DataFrame
    curve: pd.DataFrame
    best_f1: ThresholdChoice | None
    youden: ThresholdChoice | None

    def at(self, threshold: float) -> OperatingPoint:
        """Counts and metrics at ``threshold`` (``score >= threshold`` is positive)."""
        return self.sweep.at(threshold)


def _negative_name(prepared: Prepared) -> str:
    others = prepared.negative_labels
    if len(others) == 1:
        return str(others[0])
    return f"not {prepared.positive}"


def _choice(sw: Sweep, metric: str) -> ThresholdChoice | None:
    try:
        return best_threshold(sw, metric)
    except ValueError:  # undefined everywhere, e.g. one class only
        return None


def analyse(
    frame: pd.DataFrame,
    *,
    key: str,
    label: str,
    score: str,
    positive: object,
    weight: str | None = None,
) -> Analysis:
    """Validate the chosen columns and compute everything the pages show.

    Raises
    ------
    metrics_app.io.DataError
        With a message for the user when the columns cannot be used.
    """
    prepared = prepare(frame, label=label, score=score, positive=positive, weight=weight)
    sw = sweep_clean(prepared.y, prepared.scores, prepared.weights)
    kind = score_kind(prepared.scores)
    positive_name, negative_name = str(prepared.positive), _negative_name(prepared)
    hist = frames.score_hist_frame(
        prepared.y,
        prepared.scores,
        weights=prepared.weights,
        positive_name=positive_name,
        negative_name=negative_name,
    )
    return Analysis(
        key=key,
        prepared=prepared,
        sweep=sw,
        kind=kind,
        positive_name=positive_name,
        negative_name=negative_name,
        score_name=score,
        slider=slider_range(sw, kind),
        hist=hist,
        curve=frames.threshold_curve_frame(sw),
        best_f1=_choice(sw, "f1"),
        youden=_choice(sw, "youden"),
    )
