"""What every lesson of the Tutorial page shares: labelled data, scored demos, undefined notes.

Every number on the page comes from :mod:`metrics_core` applied to data generated
from a handful of scenario parameters (sizes, rates, costs, seeds). Nothing is
typed in by hand: the "98% accurate model" of section 1, for instance, is
*constructed* from its parameters, and its accuracy is then *measured* from the
labels and predictions it produced.

Deterministic (fixed seeds), UI-free (no Streamlit), so the page can cache each
builder by its small arguments (:mod:`metrics_app.tutorial.state`) and the tests
can rebuild the same data and check it against scikit-learn. Arrays handed out
are read-only.

Lessons, one module each
------------------------
1. accuracy paradox: :mod:`metrics_app.tutorial.paradox`
2. precision or recall, the cost of errors: :mod:`metrics_app.tutorial.trade_off`
3. formulas with the numbers in them: :mod:`metrics_app.tutorial.formulas`
4. F1 and F-beta, and
5. baselines, balanced metrics and Cohen's kappa: :mod:`metrics_app.tutorial.f1`
6. ROC or PR, what ROC AUC means: :mod:`metrics_app.tutorial.roc_pr`
7. pitfalls (leakage, overfitting, batches, one-sided models): :mod:`metrics_app.tutorial.pitfalls`
8. multiclass averaging and top-k accuracy: :mod:`metrics_app.tutorial.multiclass`
9. the self-check reuses the numbers of the others.

The countable examples strip (lessons 2, 3 and 6) is :mod:`metrics_app.tutorial.strip`;
every lesson's exercises are data in :mod:`metrics_app.tutorial.exercises`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_core import OperatingPoint, Sweep, confusion_matrix, sweep

__all__ = [
    "Labelled",
    "Scored",
    "demo_scores",
    "point_from_predictions",
    "read_only",
    "undefined_note",
]


def read_only(*arrays: np.ndarray) -> None:
    """Make ``arrays`` read-only in place: the page's caches share them between sessions."""
    for a in arrays:
        a.flags.writeable = False


def undefined_note(value: float, reason: str) -> str | None:
    """``"undefined: <reason>"`` when ``value`` is NaN (a 0/0 metric), else ``None``.

    >>> undefined_note(float("nan"), "nothing flagged"), undefined_note(0.5, "nothing flagged")
    ('undefined: nothing flagged', None)
    """
    return f"{fmt.UNDEFINED}: {reason}" if math.isnan(value) else None


def point_from_predictions(y_true: np.ndarray, y_pred: np.ndarray) -> OperatingPoint:
    """Counts and metrics of hard yes/no predictions, via :func:`metrics_core.confusion_matrix`.

    ``threshold`` of the returned point is NaN: hard predictions have none.
    """
    (tn, fp), (fn, tp) = confusion_matrix(
        np.asarray(y_true, dtype=bool), np.asarray(y_pred, dtype=bool), labels=[False, True]
    )
    return OperatingPoint(threshold=float("nan"), tp=int(tp), fp=int(fp), fn=int(fn), tn=int(tn))


@dataclass(frozen=True, eq=False)
class Labelled:
    """True labels and hard predictions (bool arrays, True = positive), with their counts."""

    y: np.ndarray
    pred: np.ndarray
    point: OperatingPoint

    @property
    def n_pos(self) -> int:
        """Number of positives."""
        return int(self.point.tp + self.point.fn)

    @classmethod
    def of(cls, y: np.ndarray, pred: np.ndarray) -> Labelled:
        """Wrap ``y`` and ``pred`` (made read-only) and count them."""
        read_only(y, pred)
        return cls(y=y, pred=pred, point=point_from_predictions(y, pred))


@dataclass(frozen=True, eq=False)
class Scored:
    """Labels (True = positive) and scores of one demo column, with their sweep."""

    key: str
    score_name: str
    y: np.ndarray
    scores: np.ndarray
    sweep: Sweep
    positive_name: str
    negative_name: str

    @property
    def prevalence(self) -> float:
        """Share of positives."""
        return self.sweep.n_pos / self.sweep.total


_NEGATIVE_NAMES = {"fraud": "legit", "spam": "ham", "screening": "healthy", "circles": "outer"}


def demo_scores(key: str, score: str | None = None, frame: pd.DataFrame | None = None) -> Scored:
    """A built-in demo (``metrics_app.data.demo``) as clean arrays and a sweep.

    Parameters
    ----------
    key : str
        Demo key ("fraud", "spam", "screening", "circles").
    score : str, optional
        Score column; the demo's first by default.
    frame : pandas.DataFrame, optional
        The demo's table if the caller already has it (the app's cache);
        generated with :func:`metrics_app.data.demo.load_demo` otherwise.

    Returns
    -------
    Scored
    """
    from metrics_app.data.demo import DEMOS, load_demo

    demo = DEMOS[key]
    frame = load_demo(key) if frame is None else frame
    score = score or demo.scores[0]
    y = (frame[demo.label] == demo.positive).to_numpy(dtype=bool, copy=True)
    s = frame[score].to_numpy(dtype=np.float64, copy=True)
    read_only(y, s)
    return Scored(
        key=key,
        score_name=score,
        y=y,
        scores=s,
        sweep=sweep(y, s),
        positive_name=str(demo.positive),
        negative_name=_NEGATIVE_NAMES.get(key, f"not {demo.positive}"),
    )
