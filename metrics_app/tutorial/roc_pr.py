"""Lesson 5, ROC or PR when positives are rare: one model's scores at several prevalences.

Changing the prevalence changes only how many negatives there are, never how
the model scores a positive or a negative: ROC curves stay put, precision
collapses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.tutorial.model import read_only
from metrics_core import (
    Sweep,
    average_precision_score,
    decimate,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
    sweep,
)

__all__ = [
    "BALANCED",
    "IMBALANCE",
    "PREVALENCE_OPTIONS",
    "SECOND_PREVALENCES",
    "Comparison",
    "ImbalanceScenario",
    "ImbalancedSet",
    "compare",
    "imbalanced_set",
]


@dataclass(frozen=True)
class ImbalanceScenario:
    """One model's scores: positives and negatives each from a fixed distribution.

    Changing the prevalence changes only how many negatives there are, never
    how the model scores a positive or a negative.
    """

    n_pos: int = 500
    shift: float = 1.8  # how far positives score above negatives (in standard deviations)
    seed: int = 5


IMBALANCE = ImbalanceScenario()

#: Prevalences offered in section 5.
PREVALENCE_OPTIONS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)

#: The prevalence of the reference data set, always shown.
BALANCED = 0.5

#: Prevalences the second data set can take (the reference one left out).
SECOND_PREVALENCES = tuple(p for p in PREVALENCE_OPTIONS if p != BALANCED)


@dataclass(frozen=True, eq=False)
class ImbalancedSet:
    """The model's scores at one prevalence, with curves and threshold-free scores."""

    prevalence: float
    y: np.ndarray
    scores: np.ndarray
    sweep: Sweep
    roc_auc: float
    average_precision: float
    roc: pd.DataFrame  # fpr, tpr (decimated)
    pr: pd.DataFrame  # recall, precision (decimated)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def _scenario_scores(s: ImbalanceScenario, n_neg: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(s.seed)
    pos = rng.normal(s.shift, 1.0, s.n_pos)
    # Negatives come from their own stream, so a larger set extends a smaller one.
    neg = np.random.default_rng(s.seed + 1).normal(0.0, 1.0, n_neg)
    return pos, neg


def imbalanced_set(prevalence: float, s: ImbalanceScenario = IMBALANCE) -> ImbalancedSet:
    """The model of ``s`` on data with ``prevalence`` positives (the same positives always)."""
    if not 0 < prevalence < 1:
        raise ValueError(f"prevalence must be in (0, 1); got {prevalence!r}.")
    n_neg = round(s.n_pos * (1 - prevalence) / prevalence)
    pos, neg = _scenario_scores(s, n_neg)
    # Scores in (0, 1): a logistic squashing of the latent value; 0.5 sits between the classes.
    scores = _sigmoid(np.concatenate([pos, neg]) - s.shift / 2)
    y = np.concatenate([np.ones(s.n_pos, bool), np.zeros(n_neg, bool)])
    read_only(y, scores)
    fpr, tpr, _ = roc_curve(y, scores)
    precision, recall, _ = precision_recall_curve(y, scores)
    ri = decimate(fpr, tpr, 400)
    pi = decimate(recall, precision, 400)
    return ImbalancedSet(
        prevalence=s.n_pos / (s.n_pos + n_neg),
        y=y,
        scores=scores,
        sweep=sweep(y, scores),
        roc_auc=roc_auc_score(y, scores),
        average_precision=average_precision_score(y, scores),
        roc=pd.DataFrame({"fpr": fpr[ri], "tpr": tpr[ri]}),
        pr=pd.DataFrame({"recall": recall[pi], "precision": precision[pi]}),
    )


@dataclass(frozen=True, eq=False)
class Comparison:
    """Data sets side by side at one threshold: curves, points and a table to show."""

    roc: pd.DataFrame  # fpr, tpr, data (one curve per data set)
    pr: pd.DataFrame  # recall, precision, data
    points: pd.DataFrame  # data, fpr, tpr, recall, precision at the threshold
    table: pd.DataFrame  # one row per data set, as text


def compare(sets: Mapping[str, ImbalancedSet], threshold: float) -> Comparison:
    """Curves of each data set in ``sets`` (keyed by its label), and its numbers at ``threshold``.

    The table's columns are ``Data, Rows, ROC AUC, Average precision (PR area), Recall at
    threshold, False positive rate, Precision at threshold``, formatted for display.
    """
    roc, pr, points, rows = [], [], [], []
    for label, s in sets.items():
        q = s.sweep.at(threshold)
        roc.append(s.roc.assign(data=label))
        pr.append(s.pr.assign(data=label))
        points.append(
            {
                "data": label,
                "fpr": q.fpr,
                "tpr": q.recall,
                "recall": q.recall,
                "precision": q.precision,
            }
        )
        rows.append(
            {
                "Data": label,
                "Rows": fmt.count(q.total),
                "ROC AUC": fmt.decimal(s.roc_auc),
                "Average precision (PR area)": fmt.decimal(s.average_precision),
                "Recall at threshold": fmt.percent(q.recall),
                "False positive rate": fmt.percent(q.fpr),
                "Precision at threshold": fmt.percent(q.precision),
            }
        )
    return Comparison(
        roc=pd.concat(roc),
        pr=pd.concat(pr),
        points=pd.DataFrame(points),
        table=pd.DataFrame(rows),
    )
