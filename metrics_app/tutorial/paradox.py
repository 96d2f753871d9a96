"""Lesson 1, the accuracy paradox: a model that never says "fraud", and one built on screen.

The lazy model calls every payment legitimate; its accuracy is measured on
labels with exactly the chosen share of fraud. The second model is
*constructed* from its target accuracy and recall, and the page then shows
what :mod:`metrics_core` measures on its predictions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
from metrics_app.tutorial.model import Labelled, read_only, undefined_note
from metrics_core import metrics as mc

__all__ = [
    "PARADOX",
    "PARADOX_PREVALENCES_PERCENT",
    "PREVALENCE_RANGE_PERCENT",
    "Construction",
    "ParadoxScenario",
    "always_legitimate",
    "build_paradox_model",
    "construction_cards",
    "fraud_labels",
    "from_percent",
    "lazy_cards",
    "majority_accuracy_frame",
    "percent_label",
]


@dataclass(frozen=True)
class ParadoxScenario:
    """Parameters of the fraud scenario of section 1.

    ``accuracy`` and ``recall`` are *targets*: :func:`build_paradox_model`
    turns them into counts, and the page shows what :mod:`metrics_core`
    measures on the resulting predictions.
    """

    n: int = 10_000  # transactions
    prevalence: float = 0.02  # share of them that are fraud
    accuracy: float = 0.98  # the model's target accuracy
    recall: float = 0.12  # the model's target recall on fraud
    seed: int = 2024


PARADOX = ParadoxScenario()

#: Range of the prevalence slider of section 1, in percent.
PREVALENCE_RANGE_PERCENT = (0.1, 50.0)

#: Stops of that slider (percent): closer together where fraud is rare.
PARADOX_PREVALENCES_PERCENT = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0)


def from_percent(percent: float) -> float:
    """A share given in percent (the slider's unit) as a fraction: ``2.0`` -> ``0.02``."""
    return percent / 100


def percent_label(percent: float) -> str:
    """Label of a stop of the prevalence slider, given in percent: ``"0.1%"``, ``"50%"``.

    >>> percent_label(0.1), percent_label(50.0)
    ('0.1%', '50%')
    """
    return fmt.significant_percent(from_percent(percent), 6)


def fraud_labels(n: int, prevalence: float, seed: int = PARADOX.seed) -> np.ndarray:
    """``n`` transactions, exactly ``round(n * prevalence)`` of them fraud, in random order."""
    if not 0 <= prevalence <= 1:
        raise ValueError(f"prevalence must be in [0, 1]; got {prevalence!r}.")
    n_pos = round(n * prevalence)
    y = np.zeros(n, dtype=bool)
    y[np.random.default_rng(seed).permutation(n)[:n_pos]] = True
    read_only(y)
    return y


def always_legitimate(prevalence: float, n: int = PARADOX.n) -> Labelled:
    """The model that calls every transaction legitimate, on ``fraud_labels(n, prevalence)``."""
    y = fraud_labels(n, prevalence)
    return Labelled.of(y, np.zeros(n, dtype=bool))


def majority_accuracy_frame(n: int = PARADOX.n, points: int = 200) -> pd.DataFrame:
    """Accuracy and recall of "always legitimate" across prevalences from 0.1% to 50%.

    Columns ``prevalence`` (a fraction), ``accuracy``, ``recall``; the counts
    at each prevalence are those of :func:`always_legitimate` (no fraud
    flagged), and the metrics are :mod:`metrics_core`'s formulas over them.
    """
    lo, hi = (from_percent(p) for p in PREVALENCE_RANGE_PERCENT)
    prevalence = np.geomspace(lo, hi, points)
    fn = np.round(n * prevalence)
    zero = np.zeros_like(fn)
    tn = n - fn
    return pd.DataFrame(
        {
            "prevalence": fn / n,
            "accuracy": mc.accuracy(zero, zero, fn, tn),
            "recall": mc.recall(zero, zero, fn, tn),
        }
    )


@dataclass(frozen=True, eq=False)
class Construction:
    """How the model of section 1 was built, step by step, and what it predicts."""

    scenario: ParadoxScenario
    n_pos: int  # fraud cases in the data
    n_neg: int  # legitimate transactions
    tp: int  # fraud caught: recall target x fraud cases
    fn: int  # fraud missed
    errors: int  # mistakes allowed by the accuracy target
    fp: int  # false alarms: the mistakes left once the misses are counted
    tn: int
    labelled: Labelled  # labels and predictions with exactly these counts


def build_paradox_model(s: ParadoxScenario = PARADOX) -> Construction:
    """Construct a model with the accuracy and recall that ``s`` asks for.

    Fraud cases ``n_pos = n * prevalence``; caught ``tp = recall * n_pos``;
    missed ``fn = n_pos - tp``; mistakes allowed ``errors = n * (1 -
    accuracy)``; the rest of those mistakes are false alarms ``fp = errors -
    fn``. Then labels and predictions with exactly those counts are drawn
    (which transactions, at random with the scenario's seed).

    Raises
    ------
    ValueError
        If the targets contradict each other (more misses than mistakes).
    """
    y = fraud_labels(s.n, s.prevalence, s.seed)
    n_pos = int(y.sum())
    n_neg = s.n - n_pos
    tp = round(s.recall * n_pos)
    fn = n_pos - tp
    errors = round(s.n * (1 - s.accuracy))
    fp = errors - fn
    if not 0 <= fp <= n_neg:
        raise ValueError(
            f"No model has accuracy {s.accuracy} and recall {s.recall} at prevalence "
            f"{s.prevalence}: {fn} misses alone exceed the {errors} mistakes allowed."
        )
    rng = np.random.default_rng(s.seed + 1)
    pred = np.zeros(s.n, dtype=bool)
    pred[rng.choice(np.flatnonzero(y), tp, replace=False)] = True
    pred[rng.choice(np.flatnonzero(~y), fp, replace=False)] = True
    return Construction(
        scenario=s,
        n_pos=n_pos,
        n_neg=n_neg,
        tp=tp,
        fn=fn,
        errors=errors,
        fp=fp,
        tn=n_neg - fp,
        labelled=Labelled.of(y, pred),
    )


def lazy_cards(lazy: Labelled) -> list[Card]:
    """Accuracy, recall, misses and precision of the model that never says "fraud"."""
    p = lazy.point
    return [
        Card(
            "Accuracy",
            fmt.percent(p.accuracy),
            "(TP + TN) / all payments: the share it gets right",
        ),
        Card("Recall on fraud", fmt.percent(p.recall), "TP / (TP + FN): the share of fraud caught"),
        Card("Fraud missed", f"{fmt.count(p.fn)} of {fmt.count(lazy.n_pos)}"),
        Card(
            "Precision",
            fmt.percent(p.precision),
            "TP / (TP + FP): undefined when nothing is flagged",
            undefined_note(p.precision, "it flags nothing"),
        ),
    ]


def construction_cards(model: Construction, base_accuracy: float) -> list[Card]:
    """What is measured on the constructed model, beside the accuracy of "never fraud".

    ``base_accuracy`` is the accuracy of the model that calls every payment legitimate,
    on the same payments.
    """
    mp = model.labelled.point
    return [
        Card("Accuracy", fmt.percent(mp.accuracy)),
        Card("Recall on fraud", fmt.percent(mp.recall)),
        Card("Precision", fmt.percent(mp.precision)),
        Card(
            "Accuracy of “never fraud”",
            fmt.percent(base_accuracy),
            "The model that calls every payment legitimate, on the same payments",
        ),
    ]
