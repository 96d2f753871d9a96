"""Metrics of multiclass hard predictions, all read off one confusion matrix.

Everything here comes from one confusion matrix (one ``np.bincount``): for
each class ``k``, one-vs-rest counts are read off it (``tp`` on the diagonal,
``fp`` the rest of column ``k``, ``fn`` the rest of row ``k``) and go through
the same formulas as the binary metrics in :mod:`metrics_core.metrics`;
accuracy, balanced accuracy, Cohen's kappa and the multiclass Matthews
correlation use the whole matrix.

Names, parameters and return values are scikit-learn's. Undefined values
follow the rest of the package unless a ``zero_division`` or
``replace_undefined_by`` argument says otherwise: a class never predicted has
undefined (``nan``) precision, a class absent from ``y_true`` undefined
recall, and averages leave undefined classes out (scikit-learn's
``zero_division=np.nan``). Documented differences from scikit-learn:

- ``precision_recall_fscore_support`` defaults to ``zero_division=np.nan``
  (scikit-learn: ``"warn"``, which reports 0); ``classification_report``
  keeps scikit-learn's ``"warn"`` default.
- ``matthews_corrcoef`` is ``nan`` when ``y_true`` or ``y_pred`` holds a
  single class (scikit-learn returns 0 there).
- ``balanced_accuracy_score(adjusted=True)`` is ``nan`` when ``y_true``
  holds a single class (scikit-learn divides by zero: ``-inf`` or ``nan``).
- With float sample weights, sums may differ from scikit-learn's in the
  last bit (they are read off the confusion matrix, not summed per margin).
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from metrics_core import metrics as _m
from metrics_core._validation import check_weights, column
from metrics_core.classification import _check_labels, _is_text, confusion_matrix
from metrics_core.ranking import UndefinedMetricWarning

__all__ = [
    "accuracy_score",
    "balanced_accuracy_score",
    "classification_report",
    "cohen_kappa_score",
    "matthews_corrcoef",
    "precision_recall_fscore_support",
]

_AVERAGES = (None, "macro", "micro", "weighted")


# --- validation and counting ----------------------------------------------------------


def _targets(
    y_true: ArrayLike, y_pred: ArrayLike, names: tuple[str, str] = ("y_true", "y_pred")
) -> tuple[np.ndarray, np.ndarray]:
    """Two label columns of equal, non-zero length and of the same kind (text or numbers)."""
    t = _check_labels(column(y_true, names[0]), names[0])
    p = _check_labels(column(y_pred, names[1]), names[1])
    if t.shape[0] != p.shape[0]:
        raise ValueError(
            f"{names[0]} and {names[1]} have different lengths ({t.shape[0]} and "
            f"{p.shape[0]}): pass one prediction per sample."
        )
    if t.shape[0] == 0:
        raise ValueError(f"{names[0]} and {names[1]} are empty: pass at least one sample.")
    if _is_text(t) != _is_text(p):
        raise ValueError(
            f"{names[0]} and {names[1]} mix strings and numbers: use the same kind of "
            "labels in both."
        )
    return t, p


def _same_kind(labels: np.ndarray, t: np.ndarray) -> None:
    # numpy would silently turn numbers into strings when mixing the two.
    if labels.size and _is_text(labels) != _is_text(t):
        raise ValueError(
            "labels and y_true mix strings and numbers: list the classes with the same "
            "kind of values as the labels."
        )


def _union(t: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Sorted distinct labels of ``t`` and ``p``."""
    try:
        return np.unique(np.concatenate([t, p]))
    except TypeError as err:
        raise ValueError(
            "The labels mix values of different types (e.g. numbers and strings); use one "
            "type for all labels."
        ) from err


def _integer_weights(sample_weight: ArrayLike | None) -> bool:
    return sample_weight is None or np.asarray(sample_weight).dtype.kind in "biu"


def _confusion(
    t: np.ndarray, p: np.ndarray, order: np.ndarray, sample_weight: ArrayLike | None
) -> np.ndarray:
    """:func:`confusion_matrix` over ``order``, without its warning about a 1x1 matrix.

    That warning tells a user to list all classes; here one class is simply
    one class, and the metrics built on top say what is undefined.
    """
    if order.shape[0] != 1:
        return confusion_matrix(t, p, labels=order, sample_weight=sample_weight)
    hit = (t == order[0]) & (p == order[0])
    w = check_weights(sample_weight, t.shape[0])
    if not (t == order[0]).any():
        raise ValueError("At least one label specified in 'labels' must be in y_true.")
    if w is None:
        return np.array([[np.count_nonzero(hit)]], dtype=np.int64)
    total = w[hit].sum()
    dtype = np.int64 if _integer_weights(sample_weight) else np.float64
    return np.array([[total]]).astype(dtype)


class _Counts(NamedTuple):
    """One-vs-rest counts of the reported classes, read off one confusion matrix."""

    report: np.ndarray  # the reported labels, in order
    tp: np.ndarray  # true positives of each, float64
    pred_sum: np.ndarray  # samples predicted as each
    true_sum: np.ndarray  # samples of each (the support)
    union: np.ndarray  # sorted distinct labels of y_true and y_pred
    support: np.ndarray  # true_sum in scikit-learn's dtype


def _class_counts(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    labels: ArrayLike | None,
    sample_weight: ArrayLike | None,
) -> _Counts:
    """Counts of the classes in ``labels`` (default: the sorted union of both labelings).

    Samples of classes left out of ``labels`` still count as false positives
    or negatives of the listed ones.
    """
    t, p = _targets(y_true, y_pred)
    union = _union(t, p)
    if labels is None:
        report = classes = union
    else:
        report = column(labels, "labels")
        if report.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        _same_kind(report, t)
        classes = np.unique(np.concatenate([union, report]))
    cm = _confusion(t, p, classes, sample_weight).astype(np.float64)
    pick = np.searchsorted(classes, report)
    true_sum = cm.sum(axis=1)[pick]
    # scikit-learn's support is int64 only without weights and with at least
    # one correct sample (else its counts start from a float array of zeros).
    integer = sample_weight is None and np.trace(cm) > 0
    return _Counts(
        report=report,
        tp=np.diagonal(cm)[pick],
        pred_sum=cm.sum(axis=0)[pick],
        true_sum=true_sum,
        union=union,
        support=true_sum.astype(np.int64) if integer else true_sum,
    )


def _check_zero_division(zero_division: object) -> float:
    """The value that replaces an undefined ratio; ``"warn"`` means 0 (and a warning)."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0
    elif isinstance(zero_division, int | float | np.number) and not isinstance(zero_division, bool):
        value = float(zero_division)
        if value in (0.0, 1.0) or math.isnan(value):
            return value
    raise ValueError(
        f"zero_division must be 'warn', 0.0, 1.0 or np.nan; got zero_division={zero_division!r}."
    )


def _fill_undefined(
    values: np.ndarray, fill: float, warn: bool, what: str, reason: str
) -> np.ndarray:
    undefined = np.isnan(values)
    if not undefined.any():
        return values
    if warn:
        where = "due to" if values.shape[0] == 1 else "in labels with"
        warnings.warn(
            f"{what} is ill-defined and being set to 0.0 {where} no {reason} samples. "
            "Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
            stacklevel=4,
        )
    return np.where(undefined, fill, values)


def _scores(
    tp: np.ndarray,
    pred_sum: np.ndarray,
    true_sum: np.ndarray,
    *,
    beta: float,
    average: str | None,
    zero_division: object,
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float]:
    """Precision, recall and F-beta from one-vs-rest counts, averaged as asked."""
    fill = _check_zero_division(zero_division)
    warn = isinstance(zero_division, str)
    if average == "micro":
        tp, pred_sum, true_sum = (np.atleast_1d(a.sum()) for a in (tp, pred_sum, true_sum))
    fp, fn = pred_sum - tp, true_sum - tp
    tn = np.zeros_like(tp)  # no formula here uses it
    precision = _fill_undefined(
        np.atleast_1d(_m.precision(tp, fp, fn, tn)), fill, warn, "Precision", "predicted"
    )
    recall = _fill_undefined(np.atleast_1d(_m.recall(tp, fp, fn, tn)), fill, warn, "Recall", "true")
    if beta == 0:
        fscore = precision
    elif np.isposinf(beta):
        fscore = recall
    else:
        fscore = _fill_undefined(
            np.atleast_1d(_m.fbeta(tp, fp, fn, tn, beta=beta)),
            fill,
            warn,
            "F-score",
            "true nor predicted",
        )
    if average is None:
        return precision, recall, fscore
    weights = true_sum if average == "weighted" else None
    return (
        _nanaverage(precision, weights),
        _nanaverage(recall, weights),
        _nanaverage(fscore, weights),
    )


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


def _check_average(average: object) -> None:
    if average not in _AVERAGES:
        raise ValueError(
            f"average must be one of None, 'macro', 'micro', 'weighted'; got {average!r}."
        )


# --- precision, recall, F ---------------------------------------------------------------


def precision_recall_fscore_support(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    beta: float = 1.0,
    labels: ArrayLike | None = None,
    average: str | None = None,
    sample_weight: ArrayLike | None = None,
    zero_division: str | float = np.nan,
) -> tuple[np.ndarray | float, np.ndarray | float, np.ndarray | float, np.ndarray | None]:
    """Precision, recall, F-beta and support of each class, or their average.

    Same parameters and return values as scikit-learn's function of this name
    for single-label (binary or multiclass) targets. Undefined values are
    ``nan`` by default (scikit-learn's ``zero_division=np.nan``).

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
    zero_division : {"warn", 0.0, 1.0, np.nan}, default=np.nan
        Value of a ratio whose denominator is zero. ``np.nan`` (undefined)
        leaves the class out of averages; ``"warn"`` acts as 0 and warns.
        scikit-learn's default is ``"warn"``.

    Returns
    -------
    precision, recall, fbeta : ndarray of shape (n_classes,) or float
        Per class when ``average`` is None, else one float.
    support : ndarray of shape (n_classes,) or None
        Number (or weight) of true samples of each class; ``None`` when
        averaged.

    Warns
    -----
    UndefinedMetricWarning
        With ``zero_division="warn"``, when a ratio is undefined.

    Examples
    --------
    >>> from metrics_core import precision_recall_fscore_support
    >>> p, r, f, s = precision_recall_fscore_support([0, 1, 2, 2], [0, 2, 2, 2])
    >>> p.round(3).tolist(), r.tolist(), s.tolist()
    ([1.0, nan, 0.667], [1.0, 0.0, 1.0], [1, 1, 2])
    >>> precision_recall_fscore_support([0, 1, 2, 2], [0, 2, 2, 2], zero_division=0.0)[0][1]
    np.float64(0.0)
    """
    _check_average(average)
    if not beta >= 0:
        raise ValueError(f"beta must be a non-negative number; got beta={beta!r}.")
    _check_zero_division(zero_division)
    c = _class_counts(y_true, y_pred, labels, sample_weight)
    precision, recall, fscore = _scores(
        c.tp, c.pred_sum, c.true_sum, beta=beta, average=average, zero_division=zero_division
    )
    if average is not None:
        return precision, recall, fscore, None
    return precision, recall, fscore, c.support


def classification_report(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    target_names: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division: str | float = "warn",
) -> str | dict:
    """Precision, recall, F1 and support of each class, with their averages.

    scikit-learn's report for single-label targets, computed from one
    confusion matrix: the same text table, or with ``output_dict=True`` the
    same dictionary (same keys, same order, plain floats, nothing rounded).

    The pooled ("micro") average is listed as ``"accuracy"`` (a single
    number) when the report covers every label of ``y_true`` and ``y_pred``,
    and as ``"micro avg"`` when ``labels`` leaves some out; ``"macro avg"``
    and ``"weighted avg"`` follow.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    labels : array-like of shape (n_labels,), default=None
        Classes to report, in this order. By default the sorted union of the
        labels in ``y_true`` and ``y_pred``.
    target_names : array-like of shape (n_labels,), default=None
        Display names of the classes, in the order of ``labels``. By default
        ``str(label)``. With ``labels`` given, a length mismatch warns and the
        shorter of the two sets the rows (as scikit-learn); without, it raises.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    digits : int, default=2
        Decimals shown in the text table; ignored with ``output_dict=True``.
    output_dict : bool, default=False
        Return a dictionary rather than text.
    zero_division : {"warn", 0.0, 1.0, np.nan}, default="warn"
        Value of an undefined ratio; ``"warn"`` acts as 0 and warns (as
        scikit-learn). Pass ``np.nan`` to keep undefined values undefined.

    Returns
    -------
    str or dict
        ``{name: {"precision", "recall", "f1-score", "support"}, ...,
        "accuracy": float (or "micro avg": {...}), "macro avg": {...},
        "weighted avg": {...}}`` with ``output_dict=True``.

    Examples
    --------
    >>> from metrics_core import classification_report
    >>> report = classification_report(["a", "b", "c", "c"], ["a", "c", "c", "c"],
    ...                                output_dict=True, zero_division=0.0)
    >>> list(report), report["accuracy"], report["c"]["precision"]
    (['a', 'b', 'c', 'accuracy', 'macro avg', 'weighted avg'], 0.75, 0.6666666666666666)
    """
    if isinstance(digits, bool) or not isinstance(digits, int | np.integer) or digits < 0:
        raise ValueError(f"digits must be an integer >= 0; got digits={digits!r}.")
    _check_zero_division(zero_division)
    c = _class_counts(y_true, y_pred, labels, sample_weight)
    report, tp, pred_sum, true_sum = c.report, c.tp, c.pred_sum, c.true_sum
    labels_given = labels is not None
    micro_is_accuracy = not labels_given or set(report.tolist()) >= set(c.union.tolist())
    if target_names is None:
        names = ["%s" % label for label in report]  # noqa: UP031 (scikit-learn's spelling)
    else:
        names = list(target_names)
        if len(names) != report.shape[0]:
            if not labels_given:
                raise ValueError(
                    f"Number of classes, {report.shape[0]}, does not match size of "
                    f"target_names, {len(names)}. Try specifying the labels parameter."
                )
            warnings.warn(
                f"labels size, {report.shape[0]}, does not match size of target_names, "
                f"{len(names)}",
                UserWarning,
                stacklevel=2,
            )
    support = c.support
    p, r, f1 = _scores(tp, pred_sum, true_sum, beta=1.0, average=None, zero_division=zero_division)
    rows = list(zip(names, p, r, f1, support, strict=False))
    total = np.sum(support)
    averages = {}
    for average in ("micro", "macro", "weighted"):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        averages[heading] = (
            *_scores(
                tp, pred_sum, true_sum, beta=1.0, average=average, zero_division=zero_division
            ),
            total,
        )
    headers = ["precision", "recall", "f1-score", "support"]
    if output_dict:
        out: dict = {
            name: dict(zip(headers, (float(v) for v in values), strict=True))
            for name, *values in rows
        }
        for heading, values in averages.items():
            if heading == "accuracy":
                out[heading] = float(values[0])
            else:
                out[heading] = dict(zip(headers, (float(v) for v in values), strict=True))
        return out
    return _report_text(rows, averages, names, headers, digits)


def _report_text(rows: list, averages: dict, names: list, headers: list[str], digits: int) -> str:
    """scikit-learn's fixed-width text layout of the report."""
    width = max(max(len(str(n)) for n in names), len("weighted avg"), digits)
    text = ("{:>{width}s} " + " {:>9}" * len(headers)).format("", *headers, width=width)
    text += "\n\n"
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in rows:
        text += row_fmt.format(str(row[0]), *row[1:], width=width, digits=digits)
    text += "\n"
    for heading, values in averages.items():
        if heading == "accuracy":
            fmt = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
            text += fmt.format(heading, "", "", *values[2:], width=width, digits=digits)
        else:
            text += row_fmt.format(heading, *values, width=width, digits=digits)
    return text


# --- whole-matrix scores ---------------------------------------------------------------


def accuracy_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    normalize: bool = True,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Share (or number) of samples whose predicted label is the true one.

    The trace of the confusion matrix over its total.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    normalize : bool, default=True
        Return the share of correct samples; ``False`` returns their number
        (or total weight).
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    float
        Accuracy, in [0, 1] when normalised.

    Examples
    --------
    >>> from metrics_core import accuracy_score
    >>> accuracy_score(["a", "b", "c", "c"], ["a", "c", "c", "c"])
    0.75
    """
    t, p = _targets(y_true, y_pred)
    cm = _confusion(t, p, _union(t, p), sample_weight).astype(np.float64)
    correct = np.trace(cm)
    return float(correct / cm.sum()) if normalize else float(correct)


def balanced_accuracy_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    adjusted: bool = False,
) -> float:
    """Mean recall over the classes present in ``y_true``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    adjusted : bool, default=False
        Rescale so that chance (``1 / n_classes``) scores 0 and a perfect
        prediction 1; ``nan`` with a single class.

    Returns
    -------
    float
        The balanced accuracy.

    Warns
    -----
    UserWarning
        When ``y_pred`` holds classes absent from ``y_true`` (their recall is
        undefined and left out), as scikit-learn.

    Examples
    --------
    >>> from metrics_core import balanced_accuracy_score
    >>> balanced_accuracy_score([0, 0, 0, 1, 2], [0, 0, 1, 1, 2])
    0.8888888888888888
    """
    t, p = _targets(y_true, y_pred)
    cm = _confusion(t, p, _union(t, p), sample_weight).astype(np.float64)
    true_sum = cm.sum(axis=1)
    present = true_sum > 0
    if not present.all():
        warnings.warn("y_pred contains classes not in y_true", UserWarning, stacklevel=2)
    per_class = np.diagonal(cm)[present] / true_sum[present]
    score = float(np.mean(per_class))
    if adjusted:
        chance = 1 / per_class.shape[0]
        score = float(_m._divide(score - chance, 1 - chance))
    return score


def cohen_kappa_score(
    y1: ArrayLike,
    y2: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    weights: str | None = None,
    sample_weight: ArrayLike | None = None,
    replace_undefined_by: float = np.nan,
) -> float:
    """Cohen's kappa: agreement of two labelings beyond what chance would give.

    ``kappa = 1 - Σ w·O / Σ w·E`` with ``O`` the confusion matrix, ``E`` the
    matrix expected from its margins alone and ``w`` the disagreement
    weights (1 off the diagonal, or ``|i - j|``, or ``(i - j)²``).

    Parameters
    ----------
    y1, y2 : array-like of shape (n_samples,)
        The two labelings (e.g. true and predicted labels); kappa is symmetric.
    labels : array-like of shape (n_classes,), default=None
        Classes to count, in this order (the order matters for ``"linear"``
        and ``"quadratic"`` weights); samples of other classes are left out.
        By default the sorted union of both labelings.
    weights : {None, "linear", "quadratic"}, default=None
        How much a disagreement between classes ``i`` and ``j`` costs.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    replace_undefined_by : float, default=np.nan
        Returned (with a warning) when kappa is undefined: nothing left to
        count, or chance agreement already perfect.

    Returns
    -------
    float
        Kappa, at most 1; 0 is chance-level agreement.

    Examples
    --------
    >>> from metrics_core import cohen_kappa_score
    >>> round(cohen_kappa_score([0, 1, 2, 2, 1], [0, 2, 2, 2, 1]), 4)
    0.6875
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic'; got {weights!r}.")
    t, p = _targets(y1, y2, ("y1", "y2"))
    if labels is None:
        order = _union(t, p)
    else:
        order = column(labels, "labels")
        if order.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        _same_kind(order, t)
        if not np.isin(t, order).any():
            raise ValueError(
                "At least one label in `labels` must be present in `y1` (even though "
                "`cohen_kappa_score` is otherwise agnostic to the order of `y1` and `y2`)."
            )
    confusion = _confusion(t, p, order, sample_weight).astype(np.float64)
    n_classes = confusion.shape[0]
    sum0 = confusion.sum(axis=0)
    sum1 = confusion.sum(axis=1)
    total = sum0.sum()
    # Exact comparisons are safe: these are sums of non-negative terms.
    if total == 0:
        return _undefined_kappa(
            replace_undefined_by, "`y2` contains no labels that are present in both `y1` and "
        )
    expected = np.outer(sum0, sum1) / total
    index = np.arange(n_classes, dtype=np.float64)
    if weights is None:
        w_mat = np.ones((n_classes, n_classes))
        np.fill_diagonal(w_mat, 0)
    elif weights == "linear":
        w_mat = np.abs(index[None, :] - index[:, None])
    else:
        w_mat = (index[None, :] - index[:, None]) ** 2
    denominator = np.sum(w_mat * expected)
    if denominator == 0:
        return _undefined_kappa(
            replace_undefined_by, "`y1`, `y2` and `labels` have only one label in common: "
        )
    return float(1 - np.sum(w_mat * confusion) / denominator)


def _undefined_kappa(value: float, why: str) -> float:
    warnings.warn(
        f"{why}`cohen_kappa_score` is undefined and set to replace_undefined_by={value}.",
        UndefinedMetricWarning,
        stacklevel=3,
    )
    return value


def matthews_corrcoef(
    y_true: ArrayLike, y_pred: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> float:
    """Matthews correlation coefficient of multiclass (or binary) labels.

    Gorodkin's multiclass form, from the confusion matrix ``C`` with
    ``c = trace(C)``, ``s = ΣC``, true totals ``t`` and predicted totals
    ``p``: ``(c·s − t·p) / sqrt((s² − p·p)(s² − t·t))``. Equals the binary
    MCC for two classes.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted class labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.

    Returns
    -------
    float
        In [-1, 1]; ``nan`` (undefined) when ``y_true`` or ``y_pred`` holds a
        single class, where scikit-learn returns 0.

    Examples
    --------
    >>> from metrics_core import matthews_corrcoef
    >>> round(matthews_corrcoef([0, 1, 2, 2, 1], [0, 2, 2, 2, 1]), 4)
    0.735
    """
    t, p = _targets(y_true, y_pred)
    cm = _confusion(t, p, _union(t, p), sample_weight)
    t_sum = cm.sum(axis=1, dtype=np.float64)
    p_sum = cm.sum(axis=0, dtype=np.float64)
    n_correct = np.trace(cm, dtype=np.float64)
    n_samples = p_sum.sum()
    cov_ytyp = n_correct * n_samples - np.dot(t_sum, p_sum)
    cov_ypyp = n_samples**2 - np.dot(p_sum, p_sum)
    cov_ytyt = n_samples**2 - np.dot(t_sum, t_sum)
    return float(_m._divide(cov_ytyp, np.sqrt(cov_ypyp * cov_ytyt)))
