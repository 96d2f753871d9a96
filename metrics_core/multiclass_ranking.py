"""Threshold-free scores of a multiclass score matrix, one class against the rest.

A multiclass model gives each sample a row of ``K`` scores, one per class
(``predict_proba``). Column ``k`` against the indicator "the sample is of
class ``k``" is a binary problem, so each class gets its own
:class:`~metrics_core.Sweep` (one sort per column) and every binary curve and
score of the package applies to it. scikit-learn's averages follow:

- ``"macro"``: the plain mean of the per-class values;
- ``"weighted"``: their mean weighted by each class's support;
- ``"micro"``: ravel the ``(n_samples, K)`` indicator and score matrices into
  one binary problem of ``n_samples·K`` pairs and score that.

Functions with scikit-learn's names (:func:`top_k_accuracy_score`) or with a
``multiclass_`` prefix (the multiclass case of ``roc_auc_score``,
``average_precision_score`` and ``log_loss``, whose binary case lives in
:mod:`metrics_core.ranking` and :mod:`metrics_core.calibration`) take
scikit-learn's parameters and return what it returns, warnings included.
The columns of ``y_score`` follow the sorted class labels, or ``labels``.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._sweep import Sweep, sweep_clean
from metrics_core._validation import _classes, check_weights, column
from metrics_core.calibration import _KEPT_FLOATS
from metrics_core.classification import _is_text
from metrics_core.gains import sweep_average_precision, sweep_roc_auc
from metrics_core.ranking import UndefinedMetricWarning, precision_recall_curve, roc_curve

__all__ = [
    "micro_precision_recall_curve",
    "micro_roc_curve",
    "micro_sweep",
    "multiclass_average_precision_score",
    "multiclass_log_loss",
    "multiclass_roc_auc_score",
    "ovr_sweeps",
    "top_k_accuracy_score",
]


# --- validation ------------------------------------------------------------------------


def _score_matrix(y_score: ArrayLike, name: str = "y_score", *, min_classes: int = 2) -> np.ndarray:
    """``y_score`` as a finite float64 matrix of shape (n_samples, n_classes)."""
    arr = np.asarray(y_score)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be a matrix of shape (n_samples, n_classes), one column of "
            f"scores per class (e.g. predict_proba(X)); got an array of shape {arr.shape}. "
            "For a binary problem pass the positive class's scores to the binary function."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty: pass at least one sample.")
    if arr.shape[1] < min_classes:
        raise ValueError(
            f"{name} has {arr.shape[1]} column(s); a multiclass problem needs at least "
            f"{min_classes}. For two classes pass the positive class's column to the "
            "binary function."
        )
    if arr.dtype.kind == "O":
        with contextlib.suppress(TypeError, ValueError):
            arr = arr.astype(np.float64)
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers; got values of type {arr.dtype}.")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(
            f"{name} contains NaN or infinite values: every score must be a real number."
        )
    return arr


def _check_length(y: np.ndarray, n: int, name: str = "y_score") -> None:
    if y.shape[0] != n:
        raise ValueError(
            f"y_true and {name} have different lengths ({y.shape[0]} and {n}): pass one "
            "row of scores per label."
        )


def _encode(y: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Position of each label of ``y`` in ``classes``; every label must be listed."""
    sorter = np.argsort(classes, kind="stable")
    ordered = classes[sorter]
    pos = np.searchsorted(ordered, y).clip(max=classes.shape[0] - 1)
    found = ordered[pos] == y
    if not found.all():
        shown = ", ".join(sorted({repr(v) for v in y[~found][:1000].tolist()}))
        raise ValueError(
            f"y_true contains labels not in labels ({shown}): list every class of y_true."
        )
    return sorter[pos]


def _column_classes(
    y: np.ndarray, n_columns: int, labels: ArrayLike | None, *, sorted_labels: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The class of each score column and each sample's column index.

    Without ``labels`` the columns are the sorted classes of ``y_true``; with
    them, ``labels[k]`` names column ``k`` (scikit-learn's functions require
    them sorted: ``sorted_labels=True``).
    """
    if y.dtype.kind == "f" and not (np.isfinite(y).all() and (y == np.round(y)).all()):
        raise ValueError(
            "y_true holds NaN or continuous values, not class labels: pass the true class "
            "of each sample."
        )
    if labels is None:
        classes = _classes(y)
        if classes.shape[0] != n_columns:
            raise ValueError(
                f"y_true has {classes.shape[0]} classes but y_score has {n_columns} "
                "columns. Pass labels= every class, in the order of the columns."
            )
    else:
        classes = column(labels, "labels")
        if classes.size and y.size and _is_text(classes) != _is_text(y):
            raise ValueError(
                "labels and y_true mix strings and numbers: list the classes with the "
                "same kind of values as y_true."
            )
        unique = _classes(classes)
        if unique.shape[0] != classes.shape[0]:
            raise ValueError("Parameter 'labels' must be unique: list each class once.")
        if sorted_labels and not np.array_equal(unique, classes):
            raise ValueError(
                "Parameter 'labels' must be ordered (sorted), as scikit-learn orders the "
                "columns of predict_proba."
            )
        if classes.shape[0] != n_columns:
            raise ValueError(
                f"Number of given labels, {classes.shape[0]}, not equal to the number of "
                f"columns in 'y_score', {n_columns}."
            )
    return classes, _encode(y, classes)


def _check_average(average: object, allowed: tuple) -> None:
    if average not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"average must be one of {shown} here; got average={average!r}.")


# --- one sweep per class ---------------------------------------------------------------


def _sweeps(indicator: np.ndarray, s: np.ndarray, w: np.ndarray | None) -> list[Sweep]:
    """One binary sweep per column: one sort each."""
    return [
        sweep_clean(np.ascontiguousarray(indicator[:, k]), np.ascontiguousarray(s[:, k]), w)
        for k in range(s.shape[1])
    ]


def _one_hot(y_idx: np.ndarray, n_classes: int) -> np.ndarray:
    return y_idx[:, None] == np.arange(n_classes)


def _prepare(
    y_true: ArrayLike,
    y_score: ArrayLike,
    labels: ArrayLike | None,
    sample_weight: ArrayLike | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    s = _score_matrix(y_score)
    y = column(y_true, "y_true")
    _check_length(y, s.shape[0])
    w = check_weights(sample_weight, s.shape[0])
    _, y_idx = _column_classes(y, s.shape[1], labels, sorted_labels=False)
    return _one_hot(y_idx, s.shape[1]), s, w


def ovr_sweeps(
    y_true: ArrayLike,
    y_score: ArrayLike,
    classes: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
) -> list[Sweep]:
    """One binary :class:`~metrics_core.Sweep` per class: its column against the rest.

    ``sweeps[k]`` treats samples of ``classes[k]`` as positive and
    ``y_score[:, k]`` as the score, so its ROC and precision-recall curves,
    areas and every point metric are that class's one-vs-rest ones (a class
    absent from ``y_true`` gives a sweep with ``n_pos == 0``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    classes : array-like of shape (n_classes,), default=None
        The class of each column, in column order. By default the sorted
        classes of ``y_true``, which must then number ``n_classes``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    list of Sweep
        ``n_classes`` sweeps, in column order.

    Examples
    --------
    >>> from metrics_core import ovr_sweeps, sweep_roc_auc
    >>> y = ["cat", "dog", "fox", "dog"]
    >>> p = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3]]
    >>> [sweep_roc_auc(s) for s in ovr_sweeps(y, p)]
    [1.0, 1.0, 1.0]
    """
    indicator, s, w = _prepare(y_true, y_score, classes, sample_weight)
    return _sweeps(indicator, s, w)


def micro_sweep(
    y_true: ArrayLike,
    y_score: ArrayLike,
    classes: ArrayLike | None = None,
    *,
    sample_weight: ArrayLike | None = None,
) -> Sweep:
    """The sweep of the micro-averaged problem: every (sample, class) pair at once.

    The ``(n_samples, n_classes)`` indicator and score matrices raveled into
    one binary problem of ``n_samples·n_classes`` pairs, each sample's weight
    repeated for its pairs (scikit-learn's ``average="micro"``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    classes : array-like of shape (n_classes,), default=None
        The class of each column (default: the sorted classes of ``y_true``).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    Sweep
        One sweep over all pairs; ``n_pos`` is the number of samples.
    """
    indicator, s, w = _prepare(y_true, y_score, classes, sample_weight)
    return sweep_clean(indicator.ravel(), s.ravel(), _repeat(w, s.shape[1]))


def _repeat(w: np.ndarray | None, k: int) -> np.ndarray | None:
    return None if w is None else np.repeat(w, k)


def micro_roc_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Micro-averaged ROC curve: :func:`~metrics_core.roc_curve` of the raveled problem.

    Equals scikit-learn's ``roc_curve(label_binarize(y, classes).ravel(),
    y_score.ravel())``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    labels : array-like of shape (n_classes,), default=None
        The class of each column (default: the sorted classes of ``y_true``).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    drop_intermediate : bool, default=True
        Drop thresholds whose points lie on a straight segment.

    Returns
    -------
    fpr, tpr, thresholds : ndarray
        As :func:`~metrics_core.roc_curve`.
    """
    indicator, s, w = _prepare(y_true, y_score, labels, sample_weight)
    return roc_curve(
        indicator.ravel(),
        s.ravel(),
        sample_weight=_repeat(w, s.shape[1]),
        drop_intermediate=drop_intermediate,
    )


def micro_precision_recall_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Micro-averaged precision-recall curve of the raveled problem.

    Equals scikit-learn's ``precision_recall_curve(label_binarize(y,
    classes).ravel(), y_score.ravel())``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    labels : array-like of shape (n_classes,), default=None
        The class of each column (default: the sorted classes of ``y_true``).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    drop_intermediate : bool, default=False
        Keep only the ends of each run of equal true positive counts.

    Returns
    -------
    precision, recall, thresholds : ndarray
        As :func:`~metrics_core.precision_recall_curve`.
    """
    indicator, s, w = _prepare(y_true, y_score, labels, sample_weight)
    return precision_recall_curve(
        indicator.ravel(),
        s.ravel(),
        sample_weight=_repeat(w, s.shape[1]),
        drop_intermediate=drop_intermediate,
    )


def _class_weights(indicator: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    # scikit-learn's expression, so the weights (and the average) have its bits.
    if w is None:
        return np.sum(indicator, axis=0)
    return np.sum(indicator * w[:, None], axis=0)


def average_class_scores(
    scores: np.ndarray, average: str | None, class_weight: np.ndarray
) -> float | np.ndarray:
    """scikit-learn's averaging of per-class scores."""
    if average is None:
        return scores
    if average == "weighted":
        if np.isclose(class_weight.sum(), 0.0):
            return 0.0
        # A class of zero weight adds nothing, even when its score is undefined.
        scores = np.where(class_weight == 0, 0.0, scores)
        return float(np.average(scores, weights=class_weight))
    return float(np.mean(scores))


# --- ROC AUC ---------------------------------------------------------------------------


def multiclass_roc_auc_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    sample_weight: ArrayLike | None = None,
    max_fpr: float | None = None,
    multi_class: str = "raise",
    labels: ArrayLike | None = None,
) -> float | np.ndarray:
    """Area under the ROC curve of a multiclass score matrix (one-vs-rest or one-vs-one).

    scikit-learn's ``roc_auc_score`` for a 2-D ``y_score`` with three or more
    columns; parameters are its own, so a binary ``roc_auc_score`` can hand a
    matrix over unchanged.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples, n_classes)
        Class probabilities: each row must sum to 1 (as scikit-learn checks).
    average : {"macro", "weighted", "micro", None}, default="macro"
        ``"ovr"``: the mean of the per-class AUCs, weighted by support with
        ``"weighted"``; ``"micro"`` scores the raveled problem; ``None``
        returns the per-class AUCs. ``"ovo"``: the mean over pairs of classes
        (Hand & Till), weighted by the pair's prevalence with ``"weighted"``;
        ``"micro"`` and ``None`` are not defined for it.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights (``"ovr"`` only, as scikit-learn).
    max_fpr : None, default=None
        Partial AUC is not defined for multiclass problems.
    multi_class : {"ovr", "ovo", "raise"}, default="raise"
        One class against the rest, or each pair of classes; as in
        scikit-learn, it must be chosen.
    labels : array-like of shape (n_classes,), default=None
        The class of each column, sorted. By default the sorted classes of
        ``y_true``, which must then number ``n_classes``.

    Returns
    -------
    float or ndarray of shape (n_classes,)
        The averaged AUC, or one per class with ``average=None``. A class
        absent from ``y_true`` has an undefined (``nan``) AUC, with a warning.
        ``"ovo"`` pairs only the classes present in ``y_true``.

    Examples
    --------
    >>> from metrics_core import multiclass_roc_auc_score
    >>> y = [0, 1, 2, 1]
    >>> p = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.5, 0.2, 0.3]]
    >>> multiclass_roc_auc_score(y, p, multi_class="ovr")
    0.875
    >>> multiclass_roc_auc_score(y, p, multi_class="ovr", average=None).tolist()
    [1.0, 0.625, 1.0]
    """
    if multi_class not in ("raise", "ovr", "ovo"):
        raise ValueError(f"multi_class must be 'ovr' or 'ovo'; got multi_class={multi_class!r}.")
    if max_fpr is not None and max_fpr != 1:
        raise ValueError(
            "Partial AUC computation not available in multiclass setting, 'max_fpr' must be "
            f"set to `None`, received `max_fpr={max_fpr}` instead."
        )
    if multi_class == "raise":
        raise ValueError(
            "multi_class must be in ('ovo', 'ovr'): choose one class against the rest "
            "('ovr') or each pair of classes ('ovo')."
        )
    s = _score_matrix(y_score, min_classes=3)
    y = column(y_true, "y_true")
    _check_length(y, s.shape[0])
    w = check_weights(sample_weight, s.shape[0])
    sums = s.sum(axis=1)
    if not np.allclose(1, sums):
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they should "
            f"sum up to 1.0 over classes (row sums range from {sums.min():.6g} to "
            f"{sums.max():.6g}). Normalise each row (e.g. a softmax of the logits)."
        )
    if multi_class == "ovr":
        _check_average(average, ("micro", "macro", "weighted", None))
    else:
        _check_average(average, ("macro", "weighted"))
        if w is not None:
            raise ValueError(
                "sample_weight is not supported for multiclass one-vs-one ROC AUC, "
                "'sample_weight' must be None in this case."
            )
    _, y_idx = _column_classes(y, s.shape[1], labels, sorted_labels=True)
    if multi_class == "ovo":
        return _ovo_roc_auc(y_idx, s, average)
    indicator = _one_hot(y_idx, s.shape[1])
    if average == "micro":
        return sweep_roc_auc(sweep_clean(indicator.ravel(), s.ravel(), _repeat(w, s.shape[1])))
    aucs = np.array([sweep_roc_auc(sw) for sw in _sweeps(indicator, s, w)])
    if np.isnan(aucs).any():
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that case "
            f"(for {np.isnan(aucs).sum()} class(es) absent from y_true).",
            UndefinedMetricWarning,
            stacklevel=2,
        )
    return average_class_scores(aucs, average, _class_weights(indicator, w))


def _ovo_roc_auc(y_idx: np.ndarray, s: np.ndarray, average: str) -> float:
    """Hand & Till's one-vs-one AUC, from one sort of each column.

    The AUC of class ``a`` against class ``b`` on column ``a`` (the area
    under that pair's ROC curve) is the Mann-Whitney count of (a, b) pairs
    that column ranks correctly, ties counting half, over ``n_a · n_b``.
    Each column is sorted once, split by true class (the classes' slices are
    sorted separately); two binary searches of the ``a`` scores into the
    ``b`` slice then count the ``b`` samples below and tied with each.
    """
    n, k = s.shape
    n_per_class = np.bincount(y_idx, minlength=k)
    present = np.flatnonzero(n_per_class)
    if present.shape[0] < 2:
        warnings.warn(
            "Fewer than two classes are present in y_true: the one-vs-one ROC AUC is undefined.",
            UndefinedMetricWarning,
            stacklevel=3,
        )
        return float("nan")
    members = np.split(np.argsort(y_idx, kind="stable"), np.cumsum(n_per_class)[:-1])
    auc = np.full((k, k), np.nan)  # auc[a, b]: column a ranks class a above class b
    for a in present:
        by_class = {c: np.sort(s[members[c], a]) for c in present}
        mine = by_class[a]
        for b in present:
            if b == a:
                continue
            below = np.searchsorted(by_class[b], mine, side="left")
            tied = np.searchsorted(by_class[b], mine, side="right") - below
            wins = float(below.sum()) + 0.5 * float(tied.sum())
            auc[a, b] = wins / (n_per_class[a] * n_per_class[b])
    pairs = np.array(list(combinations(present, 2)))
    first, second = pairs[:, 0], pairs[:, 1]
    pair_scores = (auc[first, second] + auc[second, first]) / 2
    if average == "weighted":
        prevalence = (n_per_class[first] + n_per_class[second]) / n
        return float(np.average(pair_scores, weights=prevalence))
    return float(np.average(pair_scores))


# --- average precision -----------------------------------------------------------------


def multiclass_average_precision_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    pos_label: object = 1,
    sample_weight: ArrayLike | None = None,
) -> float | np.ndarray:
    """Average precision of each class against the rest, or its average.

    scikit-learn's ``average_precision_score`` for a multiclass ``y_true``
    (binarised over its sorted classes, which must number the columns of
    ``y_score``) or a label indicator matrix (any 0/1 matrix of the shape of
    ``y_score``, which also covers classes absent from the data).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True class labels (three classes or more), or a 0/1 indicator matrix.
    y_score : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    average : {"macro", "weighted", "micro", None}, default="macro"
        Mean of the per-class values, weighted by support with
        ``"weighted"``; ``"micro"`` scores the raveled problem; ``None``
        returns the per-class values.
    pos_label : 1, default=1
        Fixed to 1 for a multiclass or indicator ``y_true``, as scikit-learn.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    float or ndarray of shape (n_classes,)
        A column with no positives scores 0 with a warning, as in
        scikit-learn (and :func:`~metrics_core.average_precision_score`).

    Examples
    --------
    >>> from metrics_core import multiclass_average_precision_score
    >>> y = [0, 1, 2, 1]
    >>> p = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.5, 0.2, 0.3]]
    >>> multiclass_average_precision_score(y, p, average=None).round(4).tolist()
    [1.0, 0.75, 1.0]
    """
    _check_average(average, ("micro", "macro", "weighted", None))
    if not (isinstance(pos_label, int | float | np.number) and pos_label == 1):
        raise ValueError(
            "Parameter pos_label is fixed to 1 for multiclass y_true. Do not set pos_label "
            "or set pos_label to 1."
        )
    s = _score_matrix(y_score)
    y = np.asarray(y_true)
    if y.ndim == 2 and y.shape[1] > 1:
        if y.shape != s.shape:
            raise ValueError(
                f"y_true is an indicator matrix of shape {y.shape} but y_score has shape "
                f"{s.shape}: pass one column per class in both."
            )
        if y.dtype.kind not in "biuf" or not ((y == 0) | (y == 1)).all():
            raise ValueError("An indicator y_true must hold only 0 and 1 (or False and True).")
        indicator = y.astype(bool)
    else:
        y = column(y, "y_true")
        _check_length(y, s.shape[0])
        classes = _classes(y)
        if classes.shape[0] < 3:
            raise ValueError(
                f"y_true has {classes.shape[0]} class(es): for a binary problem use "
                "average_precision_score with the positive class's scores, or pass a 0/1 "
                "indicator matrix with one column per class."
            )
        if classes.shape[0] != s.shape[1]:
            raise ValueError(
                "`y_score` needs to be of shape `(n_samples, n_classes)`, since `y_true` "
                f"contains {classes.shape[0]} classes. Got `y_score.shape={s.shape}`. To "
                "score a class absent from y_true, pass a 0/1 indicator matrix."
            )
        indicator = _one_hot(_encode(y, classes), s.shape[1])
    w = check_weights(sample_weight, s.shape[0])
    if average == "micro":
        sw = sweep_clean(indicator.ravel(), s.ravel(), _repeat(w, s.shape[1]))
        return float(_ap_or_zero([sw])[0])
    aps = _ap_or_zero(_sweeps(indicator, s, w))
    return average_class_scores(aps, average, _class_weights(indicator, w))


def _ap_or_zero(sweeps: list[Sweep]) -> np.ndarray:
    """Average precision of each sweep; 0 (with a warning) where there are no positives."""
    aps = np.array([sweep_average_precision(sw) if sw.n_pos > 0 else 0.0 for sw in sweeps])
    if any(sw.n_pos <= 0 for sw in sweeps):
        warnings.warn(
            "No positive class found in y_true, recall is set to one for all thresholds "
            "(average precision 0 for those classes).",
            UndefinedMetricWarning,
            stacklevel=3,
        )
    return aps


# --- top-k accuracy --------------------------------------------------------------------


def top_k_accuracy_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    k: int = 2,
    normalize: bool = True,
    sample_weight: ArrayLike | None = None,
    labels: ArrayLike | None = None,
) -> float:
    """Share of samples whose true class is among the ``k`` highest scores.

    Ties follow scikit-learn: classes are ranked by decreasing score and, on
    equal scores, the class of higher column index ranks first. Computed in
    O(n_samples · n_classes) without sorting: the true class's rank is the
    number of classes scoring above it plus those tied with it at a higher
    index.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_score : array-like of shape (n_samples, n_classes) or (n_samples,)
        One column of scores per class; for two classes, the scores of the
        greater label.
    k : int, default=2
        Number of top-ranked classes that count as a hit.
    normalize : bool, default=True
        Return the share of hits; ``False`` returns their number (or weight).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    labels : array-like of shape (n_classes,), default=None
        The class of each column, sorted. By default the sorted classes of
        ``y_true``, which must then number ``n_classes``.

    Returns
    -------
    float
        Top-k accuracy.

    Warns
    -----
    UndefinedMetricWarning
        When ``k >= n_classes``: every sample is a hit.

    Examples
    --------
    >>> from metrics_core import top_k_accuracy_score
    >>> y = [0, 1, 2, 2]
    >>> p = [[0.5, 0.2, 0.3], [0.3, 0.4, 0.3], [0.2, 0.4, 0.4], [0.7, 0.2, 0.1]]
    >>> top_k_accuracy_score(y, p, k=1), top_k_accuracy_score(y, p, k=2)
    (0.75, 0.75)
    """
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be an integer >= 1; got k={k!r}.")
    y = column(y_true, "y_true")
    present = _classes(y)
    binary = present.shape[0] <= 2 and not (labels is not None and np.size(labels) > 2)
    arr = np.asarray(y_score)
    if binary:
        if arr.ndim == 2 and arr.shape[1] != 1:
            raise ValueError(
                f"`y_true` is binary while y_score is 2d with {arr.shape[1]} classes. If "
                "`y_true` does not contain all the labels, `labels` must be provided."
            )
        scores = _score_matrix(arr.reshape(-1, 1), min_classes=1)[:, 0]
        n_columns = 2
    else:
        scores = _score_matrix(arr, min_classes=1)
        n_columns = scores.shape[1]
    _check_length(y, scores.shape[0])
    w = check_weights(sample_weight, scores.shape[0])
    classes, y_idx = _column_classes(y, n_columns, labels, sorted_labels=True)
    n_classes = classes.shape[0]
    if k >= n_classes:
        warnings.warn(
            f"'k' ({k}) greater than or equal to 'n_classes' ({n_classes}) will result in a "
            "perfect score and is therefore meaningless.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
    if binary:
        if k == 1:
            threshold = 0.5 if scores.min() >= 0 and scores.max() <= 1 else 0
            hits = (scores > threshold).astype(np.intp) == y_idx
        else:
            hits = np.ones(scores.shape[0], dtype=bool)
    else:
        own = scores[np.arange(scores.shape[0]), y_idx][:, None]
        later = np.arange(n_classes) > y_idx[:, None]
        rank = np.count_nonzero((scores > own) | ((scores == own) & later), axis=1)
        hits = rank < k
    if normalize:
        return float(np.average(hits, weights=w))
    return float(np.sum(hits) if w is None else np.dot(hits, w))


# --- log loss --------------------------------------------------------------------------


def multiclass_log_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    normalize: bool = True,
    sample_weight: ArrayLike | None = None,
    labels: ArrayLike | None = None,
) -> float:
    """Log loss of a matrix of class probabilities: ``−mean log p(true class)``.

    scikit-learn's ``log_loss`` for a 2-D ``y_proba``. As there,
    probabilities are clipped to ``[eps, 1 − eps]`` (``eps`` of their dtype;
    float32 and float16 keep their precision) and the columns follow the
    *sorted* classes of ``labels`` or ``y_true``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_proba : array-like of shape (n_samples, n_classes)
        Predicted probabilities, in [0, 1], one column per class.
    normalize : bool, default=True
        Return the mean loss per sample; ``False`` returns the sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    labels : array-like, default=None
        All classes, when ``y_true`` does not hold every one of them. They
        are sorted to give the column order; unsorted labels warn.

    Returns
    -------
    float
        The (weighted) log loss.

    Warns
    -----
    UserWarning
        When rows do not sum to 1, or ``labels`` is not sorted.

    Examples
    --------
    >>> from metrics_core import multiclass_log_loss
    >>> round(multiclass_log_loss(["a", "b", "c"], [[0.8, 0.1, 0.1], [0.2, 0.6, 0.2],
    ...                                              [0.1, 0.1, 0.8]]), 5)
    0.31904
    """
    p = np.asarray(y_proba)
    if p.ndim != 2 or p.shape[1] < 2:
        raise ValueError(
            "y_proba must be a matrix of shape (n_samples, n_classes) with at least two "
            f"columns; got shape {p.shape}. For the positive class's probabilities alone "
            "use log_loss."
        )
    if p.shape[0] == 0:
        raise ValueError("y_proba is empty: pass at least one sample.")
    if p.dtype.kind not in "biuf":
        raise ValueError(f"y_proba must hold probabilities; got values of type {p.dtype}.")
    if p.dtype not in _KEPT_FLOATS:
        p = p.astype(np.float64, copy=False)
    if not np.isfinite(p).all():
        raise ValueError("y_proba contains NaN or infinite values; pass probabilities in [0, 1].")
    if p.max() > 1 or p.min() < 0:
        raise ValueError(
            f"y_proba has values outside [0, 1] (from {float(p.min()):.6g} to "
            f"{float(p.max()):.6g}): these are not probabilities. Apply a softmax to logits."
        )
    y = column(y_true, "y_true")
    _check_length(y, p.shape[0], "y_proba")
    w = check_weights(sample_weight, p.shape[0])
    if labels is None:
        classes = _classes(y)
        if classes.shape[0] == 1:
            raise ValueError(
                f"y_true contains only one label ({classes[0]!r}). Please provide the list "
                "of all expected class labels explicitly through the labels argument."
            )
    else:
        given = column(labels, "labels")
        if given.size and _is_text(given) != _is_text(y):
            raise ValueError("labels and y_true mix strings and numbers: use one kind.")
        classes = _classes(given)
        if classes.shape != given.shape or not np.array_equal(classes, given):
            warnings.warn(
                f"Labels passed were {given.tolist()}. But this function assumes labels are "
                f"ordered lexicographically. Pass the ordered labels={classes.tolist()} and "
                "ensure that the columns of y_prob correspond to this ordering.",
                UserWarning,
                stacklevel=2,
            )
        if classes.shape[0] < 2:
            raise ValueError(
                f"The labels array needs to contain at least two labels, got {classes.tolist()}."
            )
    eps = np.finfo(p.dtype).eps
    if not np.isclose(p.sum(axis=1), 1, rtol=math.sqrt(eps), atol=1e-8).all():
        warnings.warn(
            "The y_prob values do not sum to one. Make sure to pass probabilities.",
            UserWarning,
            stacklevel=2,
        )
    if classes.shape[0] != p.shape[1]:
        raise ValueError(
            f"y_true and y_proba contain different number of classes: {classes.shape[0]} vs "
            f"{p.shape[1]}. Pass every class through the labels argument (classes found: "
            f"{classes.tolist()})."
        )
    y_idx = _encode(y, classes)
    # Only the true class's column contributes (y·log p is 0 elsewhere).
    chosen = p[np.arange(p.shape[0]), y_idx]
    loss = -np.log(np.clip(chosen, eps, 1 - eps))
    if normalize:
        return float(np.average(loss, weights=w))
    return float(np.sum(loss) if w is None else np.dot(loss, w))
