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

import numpy as np
import pandas as pd

from metrics_app.data import Prepared, prepare, score_kind
from metrics_app.shared import format as fmt
from metrics_app.shared import frames, glossary
from metrics_core import (
    OperatingPoint,
    Sweep,
    ThresholdChoice,
    best_threshold,
    sweep_clean,
    sweep_from_counts,
    sweep_roc_auc,
)

__all__ = [
    "Analysis",
    "Choice",
    "Direction",
    "SliderRange",
    "analyse",
    "one_click_thresholds",
    "score_direction",
    "slider_range",
]


@dataclass(frozen=True)
class SliderRange:
    """Bounds and step of the threshold slider for one score column, and its default.

    ``reason`` says why ``default`` is the default, as a clause ("the usual cut for
    probabilities").
    """

    lo: float
    hi: float
    step: float
    default: float
    reason: str = glossary.DEFAULT_REASONS["probability"]

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


def slider_range(
    sw: Sweep, kind: Literal["probability", "real"], *, negated_probability: bool = False
) -> SliderRange:
    """Slider bounds: [0, 1] for probabilities, the rounded score range otherwise.

    The default is 0.5 for probabilities (-0.5 for negated ones, the same cut), 0 for
    scores of both signs (scikit-learn's ``decision_function`` rule), else mid-range.
    """
    if kind == "probability":
        return SliderRange(0.0, 1.0, 0.001, 0.5, glossary.DEFAULT_REASONS["probability"])
    if negated_probability:
        return SliderRange(-1.0, 0.0, 0.001, -0.5, glossary.DEFAULT_REASONS["negated"])
    lo, hi = float(sw.thresholds[-1]), float(sw.thresholds[0])
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if hi <= lo:
        hi = lo + step
    # A decision function's natural cut is 0; otherwise start mid-range.
    if lo <= 0.0 <= hi:
        return SliderRange(lo, hi, step, 0.0, glossary.DEFAULT_REASONS["decision"])
    middle = round((lo + hi) / 2 / step) * step
    return SliderRange(lo, hi, step, middle, glossary.DEFAULT_REASONS["middle"])


#: ROC AUC this many standard errors below one half is not chance: the scores point the
#: other way (one-sided p of about 0.001 under "the scores are unrelated to the class").
INVERTED_Z = -3.0


@dataclass(frozen=True)
class Direction:
    """Which way the scores point.

    Attributes
    ----------
    roc_auc : float
        ROC AUC of the scores as used (NaN with one class only). Minus the scores, or the
        other class as positive, gives exactly ``1 - roc_auc``.
    z : float
        ``(roc_auc - 0.5)`` in standard errors of the AUC of unrelated scores
        (Hanley and McNeil's null standard error, ``sqrt((n1 + n0 + 1) / (12 n1 n0))``,
        from the numbers of rows; ties would only make it smaller).
    inverted : bool
        Whether ``z <= INVERTED_Z``: higher scores clearly mean the *negative* class.
    """

    roc_auc: float
    z: float

    @property
    def inverted(self) -> bool:
        """Whether the scores clearly rank the positive class lower."""
        return self.z <= INVERTED_Z


def score_direction(sw: Sweep, n_pos: int, n_neg: int) -> Direction:
    """The :class:`Direction` of a sweep's scores, from ``n_pos`` and ``n_neg`` rows."""
    auc = sweep_roc_auc(sw)
    if n_pos == 0 or n_neg == 0 or math.isnan(auc):
        return Direction(float("nan"), float("nan"))
    se = math.sqrt((n_pos + n_neg + 1) / (12.0 * n_pos * n_neg))
    return Direction(float(auc), (auc - 0.5) / se)


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
        Score histogram per class (see :func:`metrics_app.shared.frames.score_hist_frame`).
    curve : pandas.DataFrame
        Decimated precision / recall / F1 against threshold.
    best_f1, youden : ThresholdChoice or None
        One-click thresholds; ``None`` when undefined (one class only).
    direction : Direction
        Which way the scores point: ROC AUC and whether it is clearly below one half.
    negated : bool
        Whether the scores are minus the column's values (see :func:`metrics_app.data.prepare`).
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
    direction: Direction
    negated: bool = False

    def at(self, threshold: float) -> OperatingPoint:
        """Counts and metrics at ``threshold`` (``score >= threshold`` is positive)."""
        return self.sweep.at(threshold)

    @property
    def score_label(self) -> str:
        """The score column as shown: ``"−p_legit"`` when its values are negated."""
        return f"−{self.score_name}" if self.negated else self.score_name

    def threshold_text(self, threshold: float) -> str:
        """``threshold`` with just enough digits to tell it from its neighbouring scores."""
        th = self.sweep.thresholds
        k = self.sweep.index(threshold)  # th[k - 1] is the lowest score still flagged
        own = k >= 1 and th[k - 1] == threshold
        above = th[k - 2] if own and k >= 2 else (th[k - 1] if not own and k >= 1 else None)
        below = th[k] if k < len(th) else None
        return fmt.threshold_between(
            threshold,
            None if below is None else float(below),
            None if above is None else float(above),
            min_digits=4,
        )


def _negative_name(prepared: Prepared) -> str:
    others = prepared.negative_labels
    if len(others) == 1:
        return str(others[0])
    return f"not {prepared.positive}"


def _sweep(prepared: Prepared) -> Sweep:
    """The sweep of prepared arrays; whole-number counts give a sweep of counts, not weights."""
    if prepared.counts and prepared.weights is not None:
        n = prepared.weights.astype(np.int64)
        return sweep_from_counts(
            prepared.scores, np.where(prepared.y, n, 0), np.where(prepared.y, 0, n)
        )
    return sweep_clean(prepared.y, prepared.scores, prepared.weights)


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
    negate: bool = False,
    counts: bool = False,
) -> Analysis:
    """Validate the chosen columns and compute everything the pages show.

    Raises
    ------
    metrics_app.data.DataError
        With a message for the user when the columns cannot be used.
    """
    prepared = prepare(
        frame,
        label=label,
        score=score,
        positive=positive,
        weight=weight,
        negate=negate,
        counts=counts,
    )
    sw = _sweep(prepared)
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
        # Negated probabilities lie in [-1, 0]: read off the sorted thresholds, no copy.
        slider=slider_range(
            sw,
            kind,
            negated_probability=negate and -1.0 <= sw.thresholds[-1] <= sw.thresholds[0] <= 0.0,
        ),
        hist=hist,
        curve=frames.threshold_curve_frame(sw),
        best_f1=_choice(sw, "f1"),
        youden=_choice(sw, "youden"),
        direction=score_direction(sw, prepared.n_pos, prepared.n_neg),
        negated=negate,
    )


@dataclass(frozen=True)
class Choice:
    """A one-click threshold: button label, threshold and tooltip."""

    label: str
    threshold: float
    help: str


def one_click_thresholds(an: Analysis) -> list[Choice]:
    """The default cut, best F1 and Youden's J, each labelled with its threshold."""
    default = an.slider.default
    choices = [
        Choice(
            f"{an.threshold_text(default)} (default)",
            default,
            an.slider.reason[0].upper() + an.slider.reason[1:] + ".",
        )
    ]
    if an.best_f1 is not None:
        c = an.best_f1
        choices.append(
            Choice(
                f"Best F1 ({an.threshold_text(c.threshold)})",
                c.threshold,
                f"F1 = {fmt.decimal(c.value)}",
            )
        )
    if an.youden is not None:
        c = an.youden
        choices.append(
            Choice(
                f"Youden's J ({an.threshold_text(c.threshold)})",
                c.threshold,
                f"recall + specificity − 1 = {fmt.decimal(c.value)}",
            )
        )
    return choices
