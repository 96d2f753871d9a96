"""Point metrics written once over confusion counts.

Every function takes the four cells ``tp, fp, fn, tn`` (in that order) and
returns one metric. The cells may be scalars (one threshold) or equal-length
arrays (a whole threshold sweep), so a metric curve is the same formula
applied to the sweep's arrays.

Undefined values
----------------
A ratio whose denominator is zero is undefined and comes back as ``nan``;
the rule lives in :func:`_divide` and nowhere else. Precision with nothing
flagged positive, recall with no positives, MCC when a row or column of the
matrix is empty: all ``nan``, never a silent 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "METRICS",
    "accuracy",
    "balanced_accuracy",
    "cohen_kappa",
    "f1",
    "false_discovery_rate",
    "false_negative_rate",
    "false_omission_rate",
    "false_positive_rate",
    "fbeta",
    "informedness",
    "markedness",
    "matthews_corrcoef",
    "negative_likelihood_ratio",
    "negative_predictive_value",
    "positive_likelihood_ratio",
    "precision",
    "predicted_positive_rate",
    "prevalence",
    "recall",
    "specificity",
]

Counts = ArrayLike
Metric = Callable[..., "float | np.ndarray"]


def _divide(num: ArrayLike, den: ArrayLike) -> float | np.ndarray:
    """Divide, giving ``nan`` wherever the denominator is zero.

    This is the one place that decides what an undefined ratio is.
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out[()] if out.ndim == 0 else out


def precision(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Precision (positive predictive value): ``tp / (tp + fp)``.

    Undefined (``nan``) when nothing is predicted positive.
    """
    return _divide(tp, np.add(tp, fp))


def recall(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Recall (sensitivity, true positive rate): ``tp / (tp + fn)``.

    Undefined (``nan``) when there are no positives.
    """
    return _divide(tp, np.add(tp, fn))


def specificity(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Specificity (true negative rate): ``tn / (tn + fp)``.

    Undefined (``nan``) when there are no negatives.
    """
    return _divide(tn, np.add(tn, fp))


def false_positive_rate(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """False positive rate (fall-out): ``fp / (fp + tn)``."""
    return _divide(fp, np.add(fp, tn))


def false_negative_rate(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """False negative rate (miss rate): ``fn / (fn + tp)``."""
    return _divide(fn, np.add(fn, tp))


def negative_predictive_value(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Negative predictive value: ``tn / (tn + fn)``.

    Undefined (``nan``) when nothing is predicted negative.
    """
    return _divide(tn, np.add(tn, fn))


def false_discovery_rate(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """False discovery rate: ``fp / (fp + tp)`` (one minus precision)."""
    return _divide(fp, np.add(fp, tp))


def false_omission_rate(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """False omission rate: ``fn / (fn + tn)`` (one minus NPV)."""
    return _divide(fn, np.add(fn, tn))


def accuracy(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Accuracy: ``(tp + tn) / (tp + fp + fn + tn)``."""
    return _divide(np.add(tp, tn), _total(tp, fp, fn, tn))


def balanced_accuracy(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Balanced accuracy: the mean of recall and specificity.

    Undefined (``nan``) unless both classes are present.
    """
    return (recall(tp, fp, fn, tn) + specificity(tp, fp, fn, tn)) / 2


def fbeta(tp: Counts, fp: Counts, fn: Counts, tn: Counts, beta: float = 1.0) -> float | np.ndarray:
    """F-beta score: ``(1 + b²) tp / ((1 + b²) tp + b² fn + fp)``.

    ``beta > 1`` weighs recall more, ``beta < 1`` weighs precision more.
    Undefined (``nan``) only when there are no positives and nothing is
    predicted positive.
    """
    if not beta > 0:
        raise ValueError(f"beta must be a positive number; got beta={beta!r}.")
    b2 = float(beta) ** 2
    num = np.multiply(1 + b2, tp)
    return _divide(num, num + np.multiply(b2, fn) + np.asarray(fp, dtype=np.float64))


def f1(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """F1 score, the harmonic mean of precision and recall: ``2tp / (2tp + fp + fn)``."""
    return fbeta(tp, fp, fn, tn, beta=1.0)


def matthews_corrcoef(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Matthews correlation coefficient.

    ``(tp·tn − fp·fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))``, in [-1, 1].
    Undefined (``nan``) when any row or column of the confusion matrix is
    empty (scikit-learn returns 0 there).
    """
    tp, fp, fn, tn = (np.asarray(c, dtype=np.float64) for c in (tp, fp, fn, tn))
    # Multiply square roots pairwise: the four-way product overflows float
    # precision long before the counts do.
    den = np.sqrt((tp + fp) * (tp + fn)) * np.sqrt((tn + fp) * (tn + fn))
    return _divide(tp * tn - fp * fn, den)


def cohen_kappa(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Cohen's kappa: agreement between labels and predictions beyond chance.

    ``2 (tp·tn − fn·fp) / ((tp+fp)(fp+tn) + (tp+fn)(fn+tn))``. Undefined
    (``nan``) when chance agreement is already perfect.
    """
    tp, fp, fn, tn = (np.asarray(c, dtype=np.float64) for c in (tp, fp, fn, tn))
    return _divide(2 * (tp * tn - fn * fp), (tp + fp) * (fp + tn) + (tp + fn) * (fn + tn))


def informedness(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Informedness (Youden's J): ``recall + specificity − 1``."""
    return recall(tp, fp, fn, tn) + specificity(tp, fp, fn, tn) - 1


def markedness(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Markedness: ``precision + NPV − 1``."""
    return precision(tp, fp, fn, tn) + negative_predictive_value(tp, fp, fn, tn) - 1


def prevalence(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Prevalence, the share of positives: ``(tp + fn) / total``."""
    return _divide(np.add(tp, fn), _total(tp, fp, fn, tn))


def predicted_positive_rate(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Share of rows flagged positive: ``(tp + fp) / total``."""
    return _divide(np.add(tp, fp), _total(tp, fp, fn, tn))


def positive_likelihood_ratio(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Positive likelihood ratio LR+: ``recall / false positive rate``.

    Undefined (``nan``) when the false positive rate is zero or undefined.
    """
    return _divide(recall(tp, fp, fn, tn), false_positive_rate(tp, fp, fn, tn))


def negative_likelihood_ratio(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> float | np.ndarray:
    """Negative likelihood ratio LR−: ``false negative rate / specificity``.

    Undefined (``nan``) when specificity is zero or undefined.
    """
    return _divide(false_negative_rate(tp, fp, fn, tn), specificity(tp, fp, fn, tn))


def _total(tp: Counts, fp: Counts, fn: Counts, tn: Counts) -> np.ndarray:
    return np.add(np.add(tp, fp), np.add(fn, tn))


#: Every point metric by its attribute name on :class:`~metrics_core.Sweep`
#: and :class:`~metrics_core.OperatingPoint`.
METRICS: dict[str, Metric] = {
    "precision": precision,
    "recall": recall,
    "specificity": specificity,
    "fpr": false_positive_rate,
    "fnr": false_negative_rate,
    "npv": negative_predictive_value,
    "fdr": false_discovery_rate,
    "false_omission_rate": false_omission_rate,
    "accuracy": accuracy,
    "balanced_accuracy": balanced_accuracy,
    "f1": f1,
    "mcc": matthews_corrcoef,
    "cohen_kappa": cohen_kappa,
    "informedness": informedness,
    "markedness": markedness,
    "prevalence": prevalence,
    "predicted_positive_rate": predicted_positive_rate,
    "lr_plus": positive_likelihood_ratio,
    "lr_minus": negative_likelihood_ratio,
}
