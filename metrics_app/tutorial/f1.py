"""Lesson 4, F1, F-beta and fair comparisons: exact counts for a precision and recall, baselines.

F1 and F-beta are :mod:`metrics_core`'s formulas over counts; the two
baselines (majority class, random flags at the model's rate) are counts on
the same data as the model, so every score can be set beside them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
from metrics_core import OperatingPoint
from metrics_core import metrics as mc

__all__ = [
    "baselines",
    "baselines_table",
    "counts_for",
    "f1_recall_frame",
    "f_cards",
    "f_scores",
    "fbeta_name",
    "kappa_cards",
    "kappa_parts",
    "plain_average",
]


def counts_for(
    precision: float, recall: float, *, min_positives: int = 1000, n: int = 20_000
) -> OperatingPoint:
    """The smallest confusion counts with exactly this precision and recall.

    With ``precision = a/b`` and ``recall = c/d`` in lowest terms, ``tp`` is
    a multiple of ``a`` and of ``c`` (so that ``fp = tp (b - a) / a`` and
    ``n_pos = tp d / c`` are whole), scaled up until there are at least
    ``min_positives`` positives. The remaining rows up to ``n`` are true
    negatives (more rows if the positives and false alarms need them).

    Examples
    --------
    >>> p = counts_for(0.95, 0.10)
    >>> p.tp, p.fp, p.fn
    (114, 6, 1026)
    """
    p = Fraction(precision).limit_denominator(1000)
    r = Fraction(recall).limit_denominator(1000)
    if not (0 < p <= 1 and 0 < r <= 1):
        raise ValueError("precision and recall must be in (0, 1].")
    unit = math.lcm(p.numerator, r.numerator)
    n_pos_unit = unit * r.denominator // r.numerator
    k = max(1, math.ceil(min_positives / n_pos_unit))
    tp = unit * k
    fp = tp * (p.denominator - p.numerator) // p.numerator
    n_pos = n_pos_unit * k
    tn = max(n - n_pos - fp, 0)
    return OperatingPoint(threshold=float("nan"), tp=tp, fp=fp, fn=n_pos - tp, tn=tn)


def fbeta_name(beta: float) -> str:
    """Name of the F-beta measure in the chart's legend: ``"F2"``, ``"F0.5"``.

    >>> fbeta_name(2.0), fbeta_name(0.5)
    ('F2', 'F0.5')
    """
    return f"F{fmt.significant(beta)}"


def f1_recall_frame(precision: float, beta: float = 1.0, points: int = 199) -> pd.DataFrame:
    """F1, F-beta and the plain average of precision and recall as recall goes 0.005 to 1.

    Precision stays at ``precision``. Uses :mod:`metrics_core` formulas on
    counts per unit of positives (``tp = recall``, ``fn = 1 - recall``,
    ``fp = tp (1 - precision) / precision``). Long form: ``recall``,
    ``measure`` ("F1", :func:`fbeta_name` unless ``beta`` is 1, "Average"), ``value``.
    """
    r = np.linspace(0.005, 1.0, points)
    tp, fn = r, 1 - r
    fp = tp * (1 - precision) / precision
    tn = np.zeros_like(r)
    parts = [
        ("F1", mc.f1(tp, fp, fn, tn)),
        (fbeta_name(beta), mc.fbeta(tp, fp, fn, tn, beta=beta)),
        ("Average", (mc.precision(tp, fp, fn, tn) + mc.recall(tp, fp, fn, tn)) / 2),
    ]
    if beta == 1:
        parts.pop(1)
    return pd.concat(
        [pd.DataFrame({"recall": r, "measure": name, "value": v}) for name, v in parts],
        ignore_index=True,
    )


def f_scores(point: OperatingPoint, beta: float) -> dict[str, float]:
    """F1 and F-beta of ``point``, keyed by their measure in :func:`f1_recall_frame`.

    Only F1 when ``beta`` is 1 (the two are the same).
    """
    if beta == 1:
        return {"F1": point.f1}
    return {"F1": point.f1, fbeta_name(beta): point.fbeta(beta)}


def baselines(model: OperatingPoint) -> dict[str, OperatingPoint]:
    """The model and the two baselines any model must beat, on the same data.

    - "majority": always predicts the majority class (flags nothing when
      positives are the minority);
    - "random": flags the same share of rows as the model, at random. Its
      counts are the expected ones (``tp = rate x positives``), so they may
      be fractional.
    """
    n_pos, n_neg = model.tp + model.fn, model.fp + model.tn
    rate = (model.tp + model.fp) / (n_pos + n_neg)
    if n_pos <= n_neg:
        majority = OperatingPoint(float("nan"), tp=0, fp=0, fn=n_pos, tn=n_neg)
    else:
        majority = OperatingPoint(float("nan"), tp=n_pos, fp=n_neg, fn=0, tn=0)
    random = OperatingPoint(
        float("nan"),
        tp=rate * n_pos,
        fp=rate * n_neg,
        fn=(1 - rate) * n_pos,
        tn=(1 - rate) * n_neg,
    )
    return {"model": model, "majority": majority, "random": random}


def baselines_table(model: OperatingPoint, names: Mapping[str, str]) -> pd.DataFrame:
    """The model beside its :func:`baselines`, as text ready to show.

    Parameters
    ----------
    model : OperatingPoint
        The model's counts.
    names : mapping of str to str
        What to call "model", "majority" and "random" in the ``Model`` column.

    Returns
    -------
    pandas.DataFrame
        One row each for the model, the majority class and random flags; columns
        ``Model, Accuracy, Balanced accuracy, F1, MCC`` (undefined values read "undefined").
    """
    rows = [
        {
            "Model": names[name],
            "Accuracy": fmt.percent(q.accuracy),
            "Balanced accuracy": fmt.percent(q.balanced_accuracy),
            "F1": fmt.decimal(q.f1),
            "MCC": fmt.decimal(q.mcc),
        }
        for name, q in baselines(model).items()
    ]
    return pd.DataFrame(rows)


def plain_average(point: OperatingPoint) -> float:
    """The arithmetic mean of precision and recall (what F1 is *not*)."""
    return float((point.precision + point.recall) / 2)


def f_cards(point: OperatingPoint, beta: float) -> list[Card]:
    """Precision, recall, F1 and F-beta of ``point``, as decimals."""
    return [
        Card("Precision", fmt.decimal(point.precision)),
        Card("Recall", fmt.decimal(point.recall)),
        Card("F1", fmt.decimal(point.f1)),
        Card(f"F-beta, β = {fmt.significant(beta)}", fmt.decimal(point.fbeta(beta))),
    ]


def kappa_parts(point: OperatingPoint) -> tuple[float, float, float]:
    """Cohen's kappa of ``point`` in its parts: observed agreement, chance agreement, kappa.

    ``p_o`` is the accuracy; ``p_e`` the agreement two raters with the same rates of
    "yes" would reach by chance, ``flagged share x positive share + unflagged share x
    negative share``; ``kappa = (p_o - p_e) / (1 - p_e)`` (NaN when ``p_e`` is 1).

    >>> [round(v, 3) for v in kappa_parts(OperatingPoint(float("nan"), 24, 24, 176, 9776))]
    [0.98, 0.975, 0.187]
    """
    n = point.tp + point.fp + point.fn + point.tn
    flagged, positive = (point.tp + point.fp) / n, (point.tp + point.fn) / n
    p_o = (point.tp + point.tn) / n
    p_e = flagged * positive + (1 - flagged) * (1 - positive)
    # Kappa itself comes from the core's one formula; p_o and p_e are shown to explain it.
    return float(p_o), float(p_e), float(point.cohen_kappa)


def kappa_cards(points: Mapping[str, OperatingPoint], names: Mapping[str, str]) -> list[Card]:
    """Cohen's kappa of the model and each baseline of :func:`baselines`, as cards."""
    return [
        Card(f"Kappa: {names[key]}", fmt.decimal(kappa_parts(p)[2])) for key, p in points.items()
    ]
