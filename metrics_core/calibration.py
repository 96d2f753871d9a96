"""Probability quality: the reliability curve, the Brier score and log loss.

These functions only make sense for scores that are probabilities (values in
[0, 1]); they reject anything else rather than silently clip it. Each one can
replace its namesake in scikit-learn for a binary problem: same parameters,
same return values (to floating-point precision), same conventions, with two
documented differences:

- ``calibration_curve`` also accepts ``sample_weight`` (scikit-learn's has no
  weights); without it the results are scikit-learn's.
- Inputs are validated at the boundary like the rest of :mod:`metrics_core`:
  NaN or infinite values, negative weights and weights that are all zero raise
  a ``ValueError`` with a message saying what to fix.

Degenerate input follows scikit-learn: log loss with one class only raises
(the other class's label is unknown), while the Brier score is defined for
one class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._validation import check_binary_target, check_weights, column

__all__ = [
    "CalibrationBins",
    "brier_score_loss",
    "calibration_bins",
    "calibration_curve",
    "log_loss",
]

# scikit-learn keeps float32 and float16 probabilities in their own precision
# (its clipping eps is that dtype's) and turns everything else into float64.
_KEPT_FLOATS = (np.dtype(np.float32), np.dtype(np.float16))


def _probabilities(y_prob: ArrayLike, name: str) -> np.ndarray:
    """``y_prob`` as a 1-D float array in [0, 1], in scikit-learn's float dtype."""
    arr = column(y_prob, name)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: pass at least one sample.")
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold probabilities (numbers in [0, 1]); got values of type {arr.dtype}."
        )
    if arr.dtype not in _KEPT_FLOATS:
        arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; probabilities must be real numbers in [0, 1]."
        )
    lo, hi = arr.min(), arr.max()
    if lo < 0 or hi > 1:
        raise ValueError(
            f"{name} has values outside [0, 1] (from {float(lo):.6g} to {float(hi):.6g}): "
            "these are not probabilities. Turn scores into probabilities first, e.g. "
            "with a sigmoid for logits, or calibrate them (Platt scaling, isotonic "
            "regression)."
        )
    return arr


def _classes(y: np.ndarray) -> np.ndarray:
    try:
        classes = np.unique(y)
    except TypeError as err:
        raise ValueError(
            "y_true mixes labels of different types (e.g. numbers and strings); use one "
            "type for all labels."
        ) from err
    if y.dtype.kind == "f" and not (
        np.isfinite(classes).all() and (classes == np.round(classes)).all()
    ):
        raise ValueError(
            "y_true holds NaN or continuous values, not class labels: pass the true class "
            "of each sample."
        )
    return classes


def _binary_only(classes: np.ndarray) -> None:
    if classes.shape[0] > 2:
        shown = ", ".join(repr(c) for c in classes[:10].tolist())
        raise ValueError(
            f"Only binary classification is supported; y_true has {classes.shape[0]} "
            f"labels ({shown}). Binarise the labels (one class against the rest) first."
        )


@dataclass(frozen=True)
class CalibrationBins:
    """The bins of a reliability diagram, empty bins included.

    Attributes
    ----------
    edges : ndarray of shape (n_bins + 1,)
        Bin edges, increasing (equal edges are possible with
        ``strategy="quantile"`` and heavily tied probabilities). A probability
        equal to an inner edge belongs to the bin below it, as in
        scikit-learn.
    count : ndarray of shape (n_bins,)
        Number of samples (or sum of their weights) in each bin.
    prob_true : ndarray of shape (n_bins,)
        Share of positives in each bin; ``nan`` for an empty bin.
    prob_pred : ndarray of shape (n_bins,)
        Mean predicted probability in each bin; ``nan`` for an empty bin.
    """

    edges: np.ndarray
    count: np.ndarray
    prob_true: np.ndarray
    prob_pred: np.ndarray

    @property
    def nonempty(self) -> np.ndarray:
        """Boolean mask of the bins holding at least one sample (of positive weight)."""
        return self.count > 0


def calibration_bins(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    pos_label: object = None,
    n_bins: int = 5,
    strategy: str = "uniform",
    sample_weight: ArrayLike | None = None,
) -> CalibrationBins:
    """Observed frequency and mean prediction in each probability bin.

    The full table behind :func:`calibration_curve`: empty bins are kept
    (with ``nan``) and each bin's size is returned, for drawing.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; {0, 1} or {-1, 1} (bools too) unless ``pos_label`` is
        given.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class, in [0, 1].
    pos_label : int, float, bool or str, default=None
        The positive class.
    n_bins : int, default=5
        Number of bins (at least 1).
    strategy : {"uniform", "quantile"}, default="uniform"
        ``"uniform"``: equal-width bins over [0, 1]. ``"quantile"``: edges at
        the quantiles of ``y_prob`` (of the rows, not of their weights), so
        the bins hold about equally many samples.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights (an extension: scikit-learn's
        ``calibration_curve`` has none).

    Returns
    -------
    CalibrationBins
        Edges, sizes, observed frequencies and mean predictions of every bin.

    Raises
    ------
    ValueError
        If ``y_prob`` is not in [0, 1], the labels are not binary or need a
        ``pos_label``, the lengths differ, or ``n_bins`` / ``strategy`` is
        invalid.

    Examples
    --------
    >>> from metrics_core import calibration_bins
    >>> b = calibration_bins([0, 0, 1, 1], [0.1, 0.3, 0.6, 0.9], n_bins=2)
    >>> b.count.tolist(), b.prob_true.tolist(), b.prob_pred.round(2).tolist()
    ([2.0, 2.0], [0.0, 1.0], [0.2, 0.75])
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise ValueError(f"n_bins must be an integer >= 1; got n_bins={n_bins!r}.")
    if strategy not in ("uniform", "quantile"):
        raise ValueError(f"strategy must be 'uniform' or 'quantile'; got strategy={strategy!r}.")
    y_true_arr = column(y_true, "y_true")
    p = _probabilities(y_prob, "y_prob")
    if y_true_arr.shape[0] != p.shape[0]:
        raise ValueError(
            f"y_true and y_prob have different lengths ({y_true_arr.shape[0]} and "
            f"{p.shape[0]}): pass exactly one label per probability."
        )
    _binary_only(_classes(y_true_arr))
    y, _ = check_binary_target(y_true_arr, p.shape[0], pos_label)
    w = check_weights(sample_weight, p.shape[0])
    n_bins = int(n_bins)
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    # The same calls as scikit-learn, so each sample lands in the same bin:
    # a probability equal to an inner edge goes to the bin below it.
    ids = np.searchsorted(edges[1:-1], p)
    if w is None:
        total = np.bincount(ids, minlength=n_bins).astype(np.float64)
        sums = np.bincount(ids, weights=p, minlength=n_bins)
        true = np.bincount(ids, weights=y, minlength=n_bins)
    else:
        total = np.bincount(ids, weights=w, minlength=n_bins)
        sums = np.bincount(ids, weights=p * w, minlength=n_bins)
        true = np.bincount(ids, weights=y * w, minlength=n_bins)
    prob_true = np.full(n_bins, np.nan)
    prob_pred = np.full(n_bins, np.nan)
    np.divide(true, total, out=prob_true, where=total != 0)
    np.divide(sums, total, out=prob_pred, where=total != 0)
    return CalibrationBins(edges=edges, count=total, prob_true=prob_true, prob_pred=prob_pred)


def calibration_curve(
    y_true: ArrayLike,
    y_prob: ArrayLike,
    *,
    pos_label: object = None,
    n_bins: int = 5,
    strategy: str = "uniform",
    sample_weight: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted probabilities for a calibration (reliability) curve.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels; {0, 1} or {-1, 1} (bools too) unless ``pos_label`` is
        given.
    y_prob : array-like of shape (n_samples,)
        Predicted probabilities of the positive class, in [0, 1].
    pos_label : int, float, bool or str, default=None
        The positive class.
    n_bins : int, default=5
        Number of bins; scikit-learn's default. Empty bins are dropped, so
        fewer points may come back.
    strategy : {"uniform", "quantile"}, default="uniform"
        Equal-width bins over [0, 1], or edges at the quantiles of ``y_prob``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights (an extension: scikit-learn has none).

    Returns
    -------
    prob_true : ndarray of shape (n_nonempty_bins,)
        Share of positives in each non-empty bin.
    prob_pred : ndarray of shape (n_nonempty_bins,)
        Mean predicted probability in each non-empty bin.

    Raises
    ------
    ValueError
        As :func:`calibration_bins`.

    Examples
    --------
    >>> from metrics_core import calibration_curve
    >>> y = [0, 0, 0, 0, 1, 1, 1, 1, 1]
    >>> p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0]
    >>> prob_true, prob_pred = calibration_curve(y, p, n_bins=3)
    >>> prob_true.tolist(), prob_pred.round(3).tolist()
    ([0.0, 0.5, 1.0], [0.2, 0.525, 0.85])
    """
    bins = calibration_bins(
        y_true,
        y_prob,
        pos_label=pos_label,
        n_bins=n_bins,
        strategy=strategy,
        sample_weight=sample_weight,
    )
    keep = bins.nonempty
    return bins.prob_true[keep], bins.prob_pred[keep]


def _is_standard(classes: np.ndarray) -> bool:
    """Labels scikit-learn takes without a ``pos_label``: {0, 1}, {-1, 1} or one of them."""
    if classes.dtype.kind not in "biuf":
        return False
    allowed = ([0, 1], [-1, 1], [0], [1], [-1])
    return any(classes.shape[0] == len(a) and np.array_equal(classes, a) for a in allowed)


def _check_lengths(n_true: int, n_prob: int, name: str) -> None:
    if n_true != n_prob:
        raise ValueError(
            f"y_true and {name} have different lengths ({n_true} and {n_prob}): pass "
            "exactly one label per probability."
        )


def brier_score_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    pos_label: object = None,
    scale_by_half: bool | str = "auto",
) -> float:
    """Brier score: the mean squared difference between probability and outcome.

    ``mean((y - p)²)`` for a binary problem, in [0, 1]; lower is better. A
    model that always predicts the prevalence ``π`` scores ``π(1 − π)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels, at most two classes.
    y_proba : array-like of shape (n_samples,)
        Predicted probabilities of the positive class, in [0, 1].
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class. Without it, as in scikit-learn: 1 for labels in
        {0, 1} or {-1, 1}, else the greater of two numeric labels; string
        labels need it.
    scale_by_half : bool or "auto", default="auto"
        Halve scikit-learn's two-column sum so the score lies in [0, 1].
        ``"auto"`` (binary) means ``True``.

    Returns
    -------
    float
        The (weighted) Brier score.

    Raises
    ------
    ValueError
        If ``y_proba`` is not in [0, 1], the labels are not binary or are
        strings without ``pos_label``, or the lengths differ.

    Examples
    --------
    >>> from metrics_core import brier_score_loss
    >>> round(brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]), 4)
    0.0375
    """
    if not (isinstance(scale_by_half, bool) or scale_by_half == "auto"):
        raise ValueError(f"scale_by_half must be a bool or 'auto'; got {scale_by_half!r}.")
    y_arr = column(y_true, "y_true")
    p = _probabilities(y_proba, "y_proba")
    _check_lengths(y_arr.shape[0], p.shape[0], "y_proba")
    classes = _classes(y_arr)
    _binary_only(classes)
    if pos_label is None and not _is_standard(classes):
        if classes.dtype.kind not in "biuf":
            shown = ", ".join(repr(c) for c in classes.tolist())
            raise ValueError(
                f"y_true takes values {{{shown}}} and pos_label is not given: pass "
                "pos_label= the positive class."
            )
        pos_label = classes[-1]  # scikit-learn: the greater of two numeric labels
    y, _ = check_binary_target(y_arr, p.shape[0], pos_label)
    w = check_weights(sample_weight, p.shape[0])
    # scikit-learn sums over a two-column encoding, (1 - y, y) against
    # (1 - p, p); doing the same keeps its rounding.
    t = y.astype(p.dtype)
    one = p.dtype.type(1)
    per_sample = ((one - t) - (one - p)) ** 2 + (t - p) ** 2
    score = np.average(per_sample, weights=w)
    if scale_by_half is True or scale_by_half == "auto":
        score = score * 0.5
    return float(score)


def log_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    normalize: bool = True,
    sample_weight: ArrayLike | None = None,
    labels: ArrayLike | None = None,
) -> float:
    """Log loss (cross-entropy) of predicted probabilities.

    Binary here; a 2-D ``y_proba`` (one column per class) is handled by
    :func:`metrics_core.multiclass_ranking.multiclass_log_loss`, as in scikit-learn.

    ``−mean(y log p + (1 − y) log(1 − p))``, natural logarithm; lower is
    better. As in scikit-learn 1.9, probabilities are first clipped to
    ``[eps, 1 − eps]`` with ``eps`` the machine epsilon of their dtype
    (``2.2e-16`` for float64), so a confident wrong answer costs about 36,
    not infinity.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels. The positive class is the greater of the two labels
        (sorted order), as with scikit-learn's ``LabelBinarizer``.
    y_proba : array-like of shape (n_samples,)
        Predicted probabilities of the positive class, in [0, 1]
        (scikit-learn 1.9 renamed this argument from ``y_pred``).
    normalize : bool, default=True
        Return the mean loss per sample; ``False`` returns the sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    labels : array-like of shape (2,), default=None
        The two class labels, needed when ``y_true`` holds one class only.

    Returns
    -------
    float
        The (weighted) log loss.

    Raises
    ------
    ValueError
        If ``y_proba`` is not in [0, 1], ``y_true`` holds one class and no
        ``labels`` are given, there are more than two classes, or ``y_true``
        holds values outside ``labels``.

    Examples
    --------
    >>> from metrics_core import log_loss
    >>> round(log_loss(["spam", "ham", "ham", "spam"], [0.9, 0.1, 0.2, 0.65]), 5)
    0.21616
    """
    if np.ndim(y_proba) == 2:
        # One column per class; imported here because multiclass_ranking needs this module.
        from metrics_core.multiclass_ranking import multiclass_log_loss

        return multiclass_log_loss(
            y_true, y_proba, normalize=normalize, sample_weight=sample_weight, labels=labels
        )
    y_arr = column(y_true, "y_true")
    p = _probabilities(y_proba, "y_proba")
    _check_lengths(y_arr.shape[0], p.shape[0], "y_proba")
    if labels is None:
        classes = _classes(y_arr)
        if classes.shape[0] == 1:
            raise ValueError(
                f"y_true contains only one label ({classes[0]!r}). Pass both class labels "
                "through the labels argument."
            )
    else:
        classes = _classes(column(labels, "labels"))
        if classes.shape[0] < 2:
            raise ValueError(f"labels needs two class labels; got {classes.tolist()!r}.")
        unknown = ~np.isin(y_arr, classes)
        if unknown.any():
            shown = sorted({repr(v) for v in y_arr[unknown][:1000].tolist()})
            raise ValueError(
                f"y_true contains values ({', '.join(shown)}) not in labels {classes.tolist()!r}."
            )
    _binary_only(classes)
    y = np.asarray(y_arr == classes[-1], dtype=bool)
    w = check_weights(sample_weight, p.shape[0])
    eps = np.finfo(p.dtype).eps
    # scikit-learn clips both columns, (1 - p, p), after forming them: the
    # negative class's probability is clip(1 - p), not 1 - clip(p).
    chosen = np.where(y, p, p.dtype.type(1) - p)
    loss = -np.log(np.clip(chosen, eps, 1 - eps))
    if normalize:
        return float(np.average(loss, weights=w))
    return float(np.sum(loss) if w is None else np.dot(loss, w))
