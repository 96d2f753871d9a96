"""Per-class precision, recall and F-beta of a multiclass problem, and their averages.

Everything comes from one confusion matrix (one ``np.bincount``): for each
class ``k``, read one-vs-rest counts off it (``tp`` on the diagonal, ``fp``
the rest of column ``k``, ``fn`` the rest of row ``k``) and apply the same
formulas as the binary metrics in :mod:`metrics_core.metrics`.

Undefined values follow the rest of the package: a class never predicted has
undefined (``nan``) precision, a class absent from ``y_true`` undefined
recall. Averages leave undefined classes out, which is what scikit-learn
does with ``zero_division=np.nan``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from metrics_core import metrics as _m
from metrics_core._validation import column
from metrics_core.classification import confusion_matrix

__all__ = ["precision_recall_fscore_support"]

_AVERAGES = (None, "macro", "micro", "weighted")


def _nanaverage(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean of the defined (non-NaN) values, optionally weighted; NaN if none."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is None:
        return float(np.mean(values[keep]))
    w = np.asarray(weights, dtype=np.float64)[keep]
    if w.sum() == 0:  # every defined class has zero support: fall back to a plain mean
        return float(np.mean(values[keep]))
    return float(np.average(values[keep], weights=w))


def precision_recall_fscore_support(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    beta: float = 1.0,
    labels: ArrayLike | None = None,
    average: str | None = None,
    sample_weight: ArrayLike | None = None,
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float, np.ndarray | None]:
    """Precision, recall, F-beta and support of each class, or their average.

    Same parameters and return values as scikit-learn's function of this name
    for single-label (binary or multiclass) targets, with undefined values as
    ``nan`` (scikit-learn's ``zero_division=np.nan``).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    beta : float, default=1.0
        Weight of recall against precision in the F-score.
    labels : array-like, default=None
        Classes to report, in this order. By default the sorted union of the
        labels in ``y_true`` and ``y_pred``. Samples of other classes still
        count as false positives or negatives of the listed classes.
    average : {None, "macro", "micro", "weighted"}, default=None
        ``None``: one value per class. ``"macro"``: the plain mean over
        classes, each class counting once. ``"micro"``: pool the counts of
        all classes first (for single-label data, micro precision = micro
        recall = accuracy over the listed classes). ``"weighted"``: the mean
        weighted by each class's support.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    precision, recall, fbeta : ndarray of shape (n_classes,) or float
        Per class when ``average`` is None, else one float; ``nan`` where
        undefined (averages skip undefined classes).
    support : ndarray of shape (n_classes,) or None
        Number (or weight) of true samples of each class; ``None`` when
        averaged.

    Examples
    --------
    >>> from metrics_core import precision_recall_fscore_support
    >>> p, r, f, s = precision_recall_fscore_support([0, 1, 2, 2], [0, 2, 2, 2])
    >>> p.round(3).tolist(), r.tolist(), s.tolist()
    ([1.0, nan, 0.667], [1.0, 0.0, 1.0], [1, 1, 2])
    """
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of None, 'macro', 'micro', 'weighted'; got {average!r}."
        )
    if not beta >= 0:
        raise ValueError(f"beta must be a non-negative number; got beta={beta!r}.")
    t = column(y_true, "y_true")
    p = column(y_pred, "y_pred")
    if labels is None:
        report = np.unique(np.concatenate([t, p]))
        classes = report
    else:
        report = column(labels, "labels")
        if report.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        classes = np.unique(np.concatenate([t, p, report]))
    cm = confusion_matrix(t, p, labels=classes, sample_weight=sample_weight)
    cm = cm.astype(np.float64)
    true_sum = cm.sum(axis=1)
    pred_sum = cm.sum(axis=0)
    pick = np.searchsorted(classes, report)
    tp = np.diagonal(cm)[pick]
    fp = pred_sum[pick] - tp
    fn = true_sum[pick] - tp
    support = true_sum[pick]
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    tn = np.zeros_like(tp)  # no formula here uses it
    precision = np.atleast_1d(_m.precision(tp, fp, fn, tn))
    recall = np.atleast_1d(_m.recall(tp, fp, fn, tn))
    if beta == 0:
        fscore = precision
    elif np.isposinf(beta):
        fscore = recall
    else:
        fscore = np.atleast_1d(_m.fbeta(tp, fp, fn, tn, beta=beta))
    if average is None:
        integer = sample_weight is None or np.asarray(sample_weight).dtype.kind in "biu"
        return precision, recall, fscore, support.astype(np.int64) if integer else support
    weights = support if average == "weighted" else None
    return (
        _nanaverage(precision, weights),
        _nanaverage(recall, weights),
        _nanaverage(fscore, weights),
        None,
    )
