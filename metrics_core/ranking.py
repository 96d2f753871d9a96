"""Curves and threshold-free scores with scikit-learn's names and conventions.

Each function here can replace its namesake in ``sklearn.metrics`` for a
binary problem: same parameters, same return values (to floating-point
precision), same conventions for degenerate input, including where
scikit-learn returns ``nan`` with a warning or fills a value. They are thin
layers over :func:`metrics_core.sweep`, so they share its single sort and its
rule: predicted positive when ``score >= threshold``.
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._sweep import sweep_clean
from metrics_core._validation import (
    _classes,
    check_binary_target,
    check_inputs,
    check_scores,
    check_weights,
    column,
)

__all__ = [
    "UndefinedMetricWarning",
    "auc",
    "average_precision_score",
    "det_curve",
    "precision_recall_curve",
    "roc_auc_score",
    "roc_curve",
]


class UndefinedMetricWarning(UserWarning):
    """A metric is undefined for this input (for example one class only)."""


def _counts(
    y_true: ArrayLike, y_score: ArrayLike, pos_label: object, sample_weight: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(fps, tps, thresholds)`` as float64, thresholds decreasing."""
    y, s, w = check_inputs(y_true, y_score, pos_label, sample_weight)
    sw = sweep_clean(y, s, w)
    return sw.fp.astype(np.float64), sw.tp.astype(np.float64), np.asarray(sw.thresholds)


def _keep_corners(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Indices of points where the curve bends (drops collinear interior points)."""
    bend = np.diff(a, 2) != 0 if b is None else (np.diff(a, 2) != 0) | (np.diff(b, 2) != 0)
    return np.flatnonzero(np.r_[True, bend, True])


def _keep_tp_changes(tps: np.ndarray) -> np.ndarray:
    """Indices of the first and last point of each run of equal ``tps``."""
    return np.flatnonzero(np.r_[True, (np.diff(tps[:-1]) != 0) | (np.diff(tps[1:]) != 0), True])


def roc_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Receiver operating characteristic curve (binary).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; {0, 1} or {-1, 1} unless ``pos_label`` is given.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class (probabilities or any real value).
    pos_label : int, float, bool or str, default=None
        The positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    drop_intermediate : bool, default=True
        Drop thresholds whose points lie on a straight segment of the curve;
        they never change its shape or its area.

    Returns
    -------
    fpr : ndarray of shape (n_points,)
        ``fpr[i]`` is the false positive rate of ``score >= thresholds[i]``,
        increasing.
    tpr : ndarray of shape (n_points,)
        True positive rates, increasing.
    thresholds : ndarray of shape (n_points,)
        Decreasing; ``thresholds[0]`` is ``inf`` (nothing predicted positive).

    Warns
    -----
    UndefinedMetricWarning
        With no negatives (``fpr`` is all ``nan``) or no positives (``tpr``
        is all ``nan``).

    Examples
    --------
    >>> from metrics_core import roc_curve
    >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    fps, tps, thresholds = _counts(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        keep = _keep_corners(fps, tps)
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    thresholds = np.r_[np.inf, thresholds]
    if fps[-1] <= 0:
        warnings.warn(
            "No negative samples in y_true: the false positive rate is undefined.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        fpr = np.full(fps.shape, np.nan)
    else:
        fpr = fps / fps[-1]
    if tps[-1] <= 0:
        warnings.warn(
            "No positive samples in y_true: the true positive rate is undefined.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        tpr = np.full(tps.shape, np.nan)
    else:
        tpr = tps / tps[-1]
    return fpr, tpr, thresholds


def precision_recall_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision-recall pairs at every distinct threshold (binary).

    As in scikit-learn, the last point is ``(recall=0, precision=1)`` with no
    threshold, precision with nothing flagged is 0 rather than undefined, and
    recall is 1 everywhere when there are no positives (with a warning).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; {0, 1} or {-1, 1} unless ``pos_label`` is given.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class.
    pos_label : int, float, bool or str, default=None
        The positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    drop_intermediate : bool, default=False
        Keep only the first and last threshold of each run of equal true
        positive counts (the vertical segments of the curve).

    Returns
    -------
    precision : ndarray of shape (n_thresholds + 1,)
        ``precision[i]`` is the precision of ``score >= thresholds[i]``; the
        last element is 1.
    recall : ndarray of shape (n_thresholds + 1,)
        Decreasing; the last element is 0.
    thresholds : ndarray of shape (n_thresholds,)
        Increasing distinct scores.

    Examples
    --------
    >>> from metrics_core import precision_recall_curve
    >>> p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> p.round(3).tolist(), r.tolist(), t.tolist()
    ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.35, 0.4, 0.8])
    """
    fps, tps, thresholds = _counts(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.shape[0] > 2:
        keep = _keep_tp_changes(tps)
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    ps = tps + fps
    precision = np.zeros_like(tps)
    np.divide(tps, ps, out=precision, where=ps != 0)
    if tps[-1] == 0:
        warnings.warn(
            "No positive class found in y_true, recall is set to one for all thresholds.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1].copy()


def det_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Detection error trade-off: false negative rate against false positive rate.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; {0, 1} or {-1, 1} unless ``pos_label`` is given.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class.
    pos_label : int, float, bool or str, default=None
        The positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    drop_intermediate : bool, default=False
        Drop thresholds where the true positive count does not change.

    Returns
    -------
    fpr : ndarray of shape (n_points,)
        False positive rates, decreasing.
    fnr : ndarray of shape (n_points,)
        False negative rates, increasing.
    thresholds : ndarray of shape (n_points,)
        Increasing; may start with ``inf`` removed as in scikit-learn.

    Raises
    ------
    ValueError
        If ``y_true`` holds only one class.
    """
    fps, tps, thresholds = _counts(y_true, y_score, pos_label, sample_weight)
    tps = np.r_[0.0, tps]
    fps = np.r_[0.0, fps]
    thresholds = np.r_[np.inf, thresholds]
    if drop_intermediate and fps.shape[0] > 2:
        keep = _keep_tp_changes(tps)
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    if tps[-1] <= 0 or fps[-1] <= 0:
        raise ValueError(
            "Only one class is present in y_true: the detection error trade-off curve "
            "needs both positives and negatives."
        )
    fns = tps[-1] - tps
    # Start at the last point with no false positives, stop at the first
    # with no false negatives.
    right = np.searchsorted(fps, fps[0], side="right")
    first = right - 1 if right > 0 else None
    last = np.searchsorted(tps, tps[-1]) + 1
    sl = slice(first, last)
    return fps[sl][::-1] / fps[-1], fns[sl][::-1] / tps[-1], thresholds[sl][::-1]


def auc(x: ArrayLike, y: ArrayLike) -> float:
    """Area under a curve by the trapezoidal rule.

    Parameters
    ----------
    x : array-like of shape (n,)
        X coordinates, monotonic increasing or decreasing.
    y : array-like of shape (n,)
        Y coordinates.

    Returns
    -------
    float
        The area (positive for decreasing ``x`` too).

    Examples
    --------
    >>> from metrics_core import auc
    >>> auc([0, 0.5, 1], [0, 1, 1])
    0.75
    """
    x = column(x, "x")
    y = column(y, "y")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"x and y have different lengths ({x.shape[0]} and {y.shape[0]}).")
    if x.shape[0] < 2:
        raise ValueError(
            f"At least 2 points are needed to compute an area under a curve; got {x.shape[0]}."
        )
    dx = np.diff(x)
    direction = 1
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1
        else:
            raise ValueError("x is neither increasing nor decreasing: sort the points by x.")
    return float(direction * np.trapezoid(y, x))


def roc_auc_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    sample_weight: ArrayLike | None = None,
    max_fpr: float | None = None,
    multi_class: str = "raise",
    labels: ArrayLike | None = None,
) -> float:
    """Area under the ROC curve: binary, or of a multiclass score matrix.

    The positive class is the greater of the two labels, as in scikit-learn. A 2-D
    ``y_score`` with more than two columns is a multiclass problem, handled by
    :func:`metrics_core.multiclass_ranking.multiclass_roc_auc_score` (``multi_class``
    "ovr" or "ovo", ``labels``, ``average``), as scikit-learn does.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, two classes.
    y_score : array-like of shape (n_samples,)
        Scores of the greater label.
    average : {"macro", "micro", "samples", "weighted"} or None, default="macro"
        Accepted for compatibility; a binary problem has nothing to average.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    max_fpr : float in (0, 1], default=None
        If given, the standardised partial AUC over ``fpr <= max_fpr``
        (McClish correction).
    multi_class : {"raise", "ovr", "ovo"}, default="raise"
        For a multiclass score matrix: one-vs-rest or one-vs-one ("raise" refuses one).
    labels : array-like, default=None
        The two class labels, in order (the second is positive). By default
        the sorted labels of ``y_true``.

    Returns
    -------
    float
        The area, or ``nan`` (with a warning) when ``y_true`` has one class.

    Examples
    --------
    >>> from metrics_core import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    if np.ndim(y_score) == 2 and np.shape(y_score)[1] > 2:
        # Imported here: multiclass_ranking builds on this module.
        from metrics_core.multiclass_ranking import multiclass_roc_auc_score

        return multiclass_roc_auc_score(
            y_true,
            y_score,
            average=average,
            sample_weight=sample_weight,
            max_fpr=max_fpr,
            multi_class=multi_class,
            labels=labels,
        )
    if average not in {"macro", "micro", "samples", "weighted", None}:
        raise ValueError(f"average={average!r} is not one of macro, micro, samples, weighted.")
    if multi_class not in {"raise", "ovr", "ovo"}:
        raise ValueError(f"multi_class={multi_class!r} is not one of raise, ovr, ovo.")
    if max_fpr is not None and not 0 < max_fpr <= 1:
        raise ValueError(f"max_fpr must be in (0, 1]; got max_fpr={max_fpr!r}.")
    s = check_scores(y_score)
    y = column(y_true, "y_true")
    if y.shape[0] != s.shape[0]:
        raise ValueError(
            f"y_true and y_score have different lengths ({y.shape[0]} and {s.shape[0]}): "
            "pass exactly one label per score."
        )
    check_weights(sample_weight, s.shape[0])
    present = _classes(y)
    classes = present if labels is None else column(labels, "labels")
    if classes.shape[0] > 2:
        raise ValueError(
            f"y_true has {classes.shape[0]} classes; only binary problems are supported. "
            "Binarise the labels (one class against the rest) first."
        )
    if present.shape[0] != 2:
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that case.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        return float("nan")
    positive = classes[-1]
    mask, _ = check_binary_target(y, s.shape[0], pos_label=positive)
    fpr, tpr, _ = roc_curve(mask, s, sample_weight=sample_weight)
    if max_fpr is None or max_fpr == 1:
        return auc(fpr, tpr)
    # Partial area up to max_fpr, closing the last segment by interpolation.
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr = np.append(
        tpr[:stop], np.interp(max_fpr, fpr[stop - 1 : stop + 1], tpr[stop - 1 : stop + 1])
    )
    fpr = np.append(fpr[:stop], max_fpr)
    partial = auc(fpr, tpr)
    min_area = 0.5 * max_fpr**2
    max_area = max_fpr
    return float(0.5 * (1 + (partial - min_area) / (max_area - min_area)))


def average_precision_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    pos_label: object = 1,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Average precision: the step-wise area under the precision-recall curve.

    ``AP = Σ (R_i − R_{i−1}) P_i`` over thresholds, without interpolation. A 2-D
    ``y_score`` (one column per class) is handled by
    :func:`metrics_core.multiclass_ranking.multiclass_average_precision_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class.
    average : {"macro", "micro", "samples", "weighted"} or None, default="macro"
        Accepted for compatibility; a binary problem has nothing to average.
    pos_label : int, float, bool or str, default=1
        The positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    float
        Average precision, in [0, 1].

    Examples
    --------
    >>> from metrics_core import average_precision_score
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    if np.ndim(y_score) == 2 and (np.ndim(y_true) == 2 or np.shape(y_score)[1] > 2):
        # A score matrix (multiclass labels or an indicator matrix); imported here because
        # multiclass_ranking builds on this module. Two columns with binary labels are most
        # likely predict_proba output: the binary path below explains which column to pass.
        from metrics_core.multiclass_ranking import multiclass_average_precision_score

        return multiclass_average_precision_score(
            y_true, y_score, average=average, pos_label=pos_label, sample_weight=sample_weight
        )
    if average not in {"macro", "micro", "samples", "weighted", None}:
        raise ValueError(f"average={average!r} is not one of macro, micro, samples, weighted.")
    y = column(y_true, "y_true")
    if _classes(y).shape[0] > 2:
        raise ValueError(
            "y_true has more than two classes; only binary problems are supported. "
            "Binarise the labels (one class against the rest) first."
        )
    precision, recall, _ = precision_recall_curve(
        y, y_score, pos_label=pos_label, sample_weight=sample_weight
    )
    # The last precision is 1 by construction; float error can make the sum -0.0.
    return float(max(0.0, -np.sum(np.diff(recall) * precision[:-1])))
