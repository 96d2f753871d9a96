"""Confusion matrix of hard predictions, with scikit-learn's signature."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._validation import check_weights, column

__all__ = ["confusion_matrix"]


def _check_labels(values: np.ndarray, name: str) -> np.ndarray:
    if values.dtype.kind == "f":
        if not np.isfinite(values).all():
            raise ValueError(f"{name} contains NaN or inf: every sample needs a class label.")
        if not (values == np.round(values)).all():
            raise ValueError(
                f"{name} holds continuous values, not class labels. Threshold scores "
                "first (e.g. y_pred = y_score >= threshold)."
            )
    elif values.dtype.kind not in "biuUSO":
        raise ValueError(f"{name} must hold class labels; got values of type {values.dtype}.")
    return values


def _is_text(a: np.ndarray) -> bool:
    return a.dtype.kind in "USO" and a.size > 0 and isinstance(a.flat[0], str | bytes)


# Integer labels spanning at most this many values are mapped with a lookup table (one
# gather per sample) instead of a binary search (log2 of the number of labels per sample).
_MAX_TABLE_SPAN = 1 << 16


def _indexer(order: np.ndarray, *values: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """A map from labels to their position in ``order``; ``len(order)`` marks "not listed"."""
    n = order.size
    integers = all(a.dtype.kind in "biu" for a in (order, *values))
    if integers and n and int(order.max()) - int(order.min()) < _MAX_TABLE_SPAN:
        lo, hi = int(order.min()), int(order.max())
        table = np.full(hi - lo + 1, n, dtype=np.intp)
        # Written last to first: a label listed twice maps to its first position, as
        # with the binary search below.
        table[order[::-1].astype(np.int64) - lo] = np.arange(n)[::-1]

        def by_table(a: np.ndarray) -> np.ndarray:
            a = a.astype(np.int64, copy=False)
            inside = (a >= lo) & (a <= hi)
            return np.where(inside, table[np.clip(a, lo, hi) - lo], n)

        return by_table
    sorter = np.argsort(order, kind="stable")
    sorted_order = order[sorter]

    def by_search(a: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(sorted_order, a).clip(max=max(n - 1, 0))
        found = sorted_order[pos] == a if n else np.zeros(a.shape, bool)
        return np.where(found, sorter[pos], n)

    return by_search


def confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    normalize: str | None = None,
) -> np.ndarray:
    """Confusion matrix: rows are true classes, columns predicted classes.

    Counted with a single ``np.bincount``. Works for any number of classes.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like of shape (n_classes,), default=None
        Classes to index the matrix, in this order; samples whose true or
        predicted label is not listed are left out. By default the sorted
        union of ``y_true`` and ``y_pred``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    normalize : {"true", "pred", "all"}, default=None
        Divide by row sums, column sums or the total. As in scikit-learn, an
        empty row or column normalises to 0.

    Returns
    -------
    ndarray of shape (n_classes, n_classes)
        ``C[i, j]`` counts samples of class ``labels[i]`` predicted as
        ``labels[j]``; for binary 0/1 labels ``C = [[tn, fp], [fn, tp]]``.
        int64 unless weights are floats or ``normalize`` is set.

    Examples
    --------
    >>> from metrics_core import confusion_matrix
    >>> confusion_matrix([0, 1, 1, 0, 1], [0, 1, 0, 1, 1])
    array([[1, 1],
           [1, 2]])
    """
    if normalize not in {"true", "pred", "all", None}:
        raise ValueError(f"normalize must be 'true', 'pred', 'all' or None; got {normalize!r}.")
    t = _check_labels(column(y_true, "y_true"), "y_true")
    p = _check_labels(column(y_pred, "y_pred"), "y_pred")
    if t.shape[0] != p.shape[0]:
        raise ValueError(
            f"y_true and y_pred have different lengths ({t.shape[0]} and {p.shape[0]})."
        )
    if t.size and p.size and _is_text(t) != _is_text(p):
        raise ValueError(
            "y_true and y_pred mix strings and numbers: use the same kind of labels in both."
        )
    w = None if sample_weight is None else check_weights(sample_weight, t.shape[0])
    if labels is None:
        classes = np.unique(np.concatenate([t, p])) if t.size else np.empty(0)
        order = classes
    else:
        order = column(labels, "labels")
        if order.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if t.size == 0:
            return np.zeros((order.size, order.size), dtype=np.int64)
    n = order.size
    index = _indexer(order, t, p)
    ti, pi = index(t), index(p)
    if labels is not None and not (ti < n).any():
        raise ValueError("At least one label specified in 'labels' must be in y_true.")
    listed = (ti < n) & (pi < n)
    if not listed.all():
        ti, pi = ti[listed], pi[listed]
        w = None if w is None else w[listed]
    integer_weights = sample_weight is None or np.asarray(sample_weight).dtype.kind in "biu"
    cm = np.bincount(ti * n + pi, weights=w, minlength=n * n).reshape(n, n)
    cm = cm.astype(np.int64) if integer_weights else cm.astype(np.float64)
    if normalize is not None:
        axis = {"true": 1, "pred": 0, "all": None}[normalize]
        with np.errstate(all="ignore"):
            cm = cm / cm.sum(axis=axis, keepdims=axis is not None)
        # scikit-learn's convention for an empty row or column.
        cm = np.nan_to_num(cm)
    if cm.shape == (1, 1):
        warnings.warn(
            "A single label was found in y_true and y_pred. For the confusion matrix to "
            "have the expected shape, pass all known classes as labels=.",
            UserWarning,
            stacklevel=2,
        )
    return cm
