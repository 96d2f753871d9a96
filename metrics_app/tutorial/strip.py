"""The countable examples strip: sixty screening patients as dots on a score line.

Shared by the trade-off, formulas and ROC lessons. Each patient is one dot at
its test score, in the row of its true class (ill above, healthy below); the
threshold cuts both rows, and the four pieces are the four cells of the
confusion matrix, so a student can count TP, FP, FN and TN. The counts shown
are :mod:`metrics_core`'s at the threshold, and the dots are placed from the
same labels and scores, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.tutorial.roc_pr import ImbalancedSet, scored_set
from metrics_core import OperatingPoint

__all__ = [
    "CELLS",
    "STRIP",
    "StripScenario",
    "cell_frame",
    "count_sentence",
    "patients",
    "strip_frame",
]

#: The four cells, in the order the matrix reads them (true class, then flagged or not).
CELLS = ("TP", "FN", "FP", "TN")


@dataclass(frozen=True)
class StripScenario:
    """Sixty patients: how many are ill, how far apart the classes score, the seed."""

    n_ill: int = 15
    n_healthy: int = 45
    shift: float = 1.5  # ill patients score this many standard deviations higher
    seed: int = 11
    bin_width: float = 0.025  # dots within one bin stack up, so each stays countable


STRIP = StripScenario()


def patients(s: StripScenario = STRIP) -> ImbalancedSet:
    """The sixty patients' labels (True = ill) and scores in (0, 1), with curves.

    Scores are rounded to two decimals, as a printed test result would be; ties
    are then flagged together (score >= threshold).
    """
    rng = np.random.default_rng(s.seed)
    latent = np.concatenate([rng.normal(s.shift, 1.0, s.n_ill), rng.normal(0.0, 1.0, s.n_healthy)])
    scores = np.round(1 / (1 + np.exp(-(latent - s.shift / 2))), 2)
    y = np.concatenate([np.ones(s.n_ill, bool), np.zeros(s.n_healthy, bool)])
    return scored_set(y, scores)


def strip_frame(data: ImbalancedSet, threshold: float, s: StripScenario = STRIP) -> pd.DataFrame:
    """One row per patient: ``score``, ``row`` ("ill"/"healthy"), ``level``, ``cell``.

    ``level`` is the dot's height: ill patients stack upward from 0.5 and healthy ones
    downward from -0.5, one step per patient in the same score bin, so none hides
    another. ``cell`` is TP, FN, FP or TN at ``threshold`` (flagged when score >= it).
    """
    y, scores = data.y, data.scores
    flagged = scores >= threshold
    cell = np.where(y, np.where(flagged, "TP", "FN"), np.where(flagged, "FP", "TN"))
    bins = np.floor(scores / s.bin_width).astype(int)
    level = np.zeros(y.size)
    for is_ill in (True, False):
        idx = np.flatnonzero(y == is_ill)
        idx = idx[np.argsort(scores[idx], kind="stable")]
        seen: dict[int, int] = {}
        for i in idx:
            k = seen.get(int(bins[i]), 0)
            seen[int(bins[i])] = k + 1
            level[i] = (0.5 + k) if is_ill else -(0.5 + k)
    return pd.DataFrame(
        {
            "score": scores,
            "row": np.where(y, "ill", "healthy"),
            "level": level,
            "cell": cell,
        }
    )


def cell_frame(point: OperatingPoint) -> pd.DataFrame:
    """The four cells of ``point`` as a 2x2 matrix to draw.

    Columns ``cell``, ``truth``, ``flag``, ``count``, ``label`` ("TP 9").
    """
    counts = {"TP": point.tp, "FN": point.fn, "FP": point.fp, "TN": point.tn}
    return pd.DataFrame(
        {
            "cell": list(CELLS),
            "truth": ["ill", "ill", "healthy", "healthy"],
            "flag": ["yes", "no", "yes", "no"],  # flagged or not: short, for a narrow column
            "count": [counts[c] for c in CELLS],
            "label": [f"{c} {fmt.count(counts[c])}" for c in CELLS],
        }
    )


def count_sentence(point: OperatingPoint) -> str:
    """The four counts in words, for the caption under the strip.

    >>> count_sentence(OperatingPoint(0.5, tp=9, fp=4, fn=6, tn=41))[:49]
    '9 ill patients flagged (TP), 6 ill sent home (FN)'
    """
    return (
        f"{fmt.count(point.tp)} ill patients flagged (TP), {fmt.count(point.fn)} ill sent home "
        f"(FN), {fmt.count(point.fp)} healthy flagged (FP), {fmt.count(point.tn)} healthy "
        "sent home (TN)."
    )
