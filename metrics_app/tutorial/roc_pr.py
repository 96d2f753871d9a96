"""Lesson 5, ROC or PR when positives are rare: one model's scores at several prevalences.

Changing the prevalence changes only how many negatives there are, never how
the model scores a positive or a negative: ROC curves stay put, precision
collapses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
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
    "SEPARATIONS",
    "SHAPES",
    "Comparison",
    "ImbalanceScenario",
    "ImbalancedSet",
    "PairDraws",
    "compare",
    "draw_pairs",
    "gallery",
    "imbalanced_set",
    "pair_cards",
    "score_histogram",
    "scored_set",
    "separation_set",
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
    return scored_set(y, scores)


def scored_set(y: np.ndarray, scores: np.ndarray, max_points: int = 400) -> ImbalancedSet:
    """Labels (True = positive) and scores with their sweep, curves and areas.

    ``y`` and ``scores`` are made read-only; the curves keep at most ``max_points``
    points for drawing.
    """
    read_only(y, scores)
    fpr, tpr, _ = roc_curve(y, scores)
    precision, recall, _ = precision_recall_curve(y, scores)
    ri = decimate(fpr, tpr, max_points)
    pi = decimate(recall, precision, max_points)
    return ImbalancedSet(
        prevalence=float(np.mean(y)),
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
    chance: pd.DataFrame  # data, precision: the PR curve of random scores (the prevalence)


def compare(sets: Mapping[str, ImbalancedSet], threshold: float) -> Comparison:
    """Curves of each data set in ``sets`` (keyed by its label), and its numbers at ``threshold``.

    The table's columns are ``Data, Rows, ROC AUC, Average precision (PR area), Recall at
    threshold, False positive rate, Precision at threshold``, formatted for display.
    """
    roc, pr, points, rows, chance = [], [], [], [], []
    for label, s in sets.items():
        q = s.sweep.at(threshold)
        roc.append(s.roc.assign(data=label))
        chance.append({"data": label, "precision": s.prevalence})
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
        chance=pd.DataFrame(chance),
    )


# --- what ROC AUC means: separation, random pairs, shapes ---------------------------------

#: Stops of the class-separation slider: how far positives score above negatives (in SDs).
SEPARATIONS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0)

#: The ROC shapes of the gallery, with the separation that draws each.
SHAPES = {"perfect": 8.0, "good": 1.8, "random": 0.0, "inverted": -1.8}


def separation_set(shift: float, n_each: int = 300, seed: int = 17) -> ImbalancedSet:
    """Balanced data (``n_each`` per class) whose positives score ``shift`` SDs higher.

    The same draws at every ``shift``, so moving the control changes nothing but the
    gap between the classes. A negative ``shift`` inverts the ranking. Scores are
    rounded to two decimals, as a printed score would be, so some pairs tie.
    """
    rng = np.random.default_rng(seed)
    pos, neg = rng.normal(0.0, 1.0, n_each) + shift, rng.normal(0.0, 1.0, n_each)
    scores = np.round(_sigmoid(np.concatenate([pos, neg]) - shift / 2), 2)
    y = np.concatenate([np.ones(n_each, bool), np.zeros(n_each, bool)])
    return scored_set(y, scores)


def score_histogram(data: ImbalancedSet, bins: int = 30) -> pd.DataFrame:
    """Counts of each class's scores in ``bins`` equal bins of [0, 1].

    Long form: ``start``, ``end``, ``class`` ("positive"/"negative"), ``count``.
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    parts = []
    for name, mask in (("positive", data.y), ("negative", ~data.y)):
        counts, _ = np.histogram(data.scores[mask], bins=edges)
        parts.append(
            pd.DataFrame({"start": edges[:-1], "end": edges[1:], "class": name, "count": counts})
        )
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True, eq=False)
class PairDraws:
    """Random (positive, negative) pairs: how often the positive scored higher."""

    n: int
    wins: int  # the positive scored higher
    ties: int  # equal scores, counted half
    running: pd.DataFrame  # pairs, win_rate after each pair (decimated for drawing)

    @property
    def win_rate(self) -> float:
        """Share of pairs the positive won, ties counted half (NaN before any draw)."""
        return (self.wins + self.ties / 2) / self.n if self.n else float("nan")

    def standard_error(self, auc: float) -> float:
        """Binomial standard error of the win rate when the true chance is ``auc``.

        Ties counted half make each pair's outcome 0, 1/2 or 1, whose variance is at
        most that of a 0/1 outcome, so this bound is safe.
        """
        return math.sqrt(auc * (1 - auc) / self.n) if self.n else float("nan")


def pair_cards(draws: PairDraws, auc: float) -> list[Card]:
    """Pairs drawn, wins and ties, the win rate with its error, and the ROC AUC."""
    return [
        Card("Pairs drawn", fmt.count(draws.n)),
        Card(
            "Positive scored higher", fmt.count(draws.wins), note=f"ties: {fmt.count(draws.ties)}"
        ),
        Card(
            "Win rate, ties half",
            fmt.decimal(draws.win_rate),
            note=f"± {fmt.decimal(2 * draws.standard_error(auc))} (2 standard errors)",
        ),
        Card("ROC AUC", fmt.decimal(auc)),
    ]


def draw_pairs(data: ImbalancedSet, n: int, seed: int = 99) -> PairDraws:
    """Draw ``n`` random pairs of one positive and one negative of ``data``.

    Their win rate estimates ROC AUC: the AUC *is* the chance that a random positive
    outranks a random negative, ties counted half. The pairs come from one seeded
    stream, so drawing 100 more extends the pairs already drawn.
    """
    pos, neg = data.scores[data.y], data.scores[~data.y]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, [pos.size, neg.size], size=(n, 2))
    p, q = pos[idx[:, 0]], neg[idx[:, 1]]
    won = np.where(p > q, 1.0, np.where(p == q, 0.5, 0.0))
    k = np.arange(1, n + 1)
    running = pd.DataFrame({"pairs": k, "win_rate": np.cumsum(won) / k})
    if n > 400:
        running = running.iloc[np.unique(np.geomspace(1, n, 400).astype(int) - 1)]
    return PairDraws(n=n, wins=int((p > q).sum()), ties=int((p == q).sum()), running=running)


def gallery() -> dict[str, pd.DataFrame]:
    """ROC curve of each of :data:`SHAPES`: ``fpr``, ``tpr``, ``data`` (shape and its AUC)."""
    out = {}
    for shape, shift in SHAPES.items():
        s = separation_set(shift)
        out[shape] = s.roc.assign(data=f"{shape}: AUC {fmt.decimal(s.roc_auc, 2)}")
    return out
