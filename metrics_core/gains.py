"""Summaries of a ranking read off an existing :class:`~metrics_core.Sweep`.

Cumulative gains and lift (the marketing and fraud-review view: flag the
highest scores first, how many positives does each share of rows catch?),
the Kolmogorov-Smirnov statistic, and ROC AUC and average precision computed
from the sweep's counts without sorting the data again.

Every function takes a sweep, so each costs one pass over its arrays, and
follows its rule: a sample is flagged when ``score >= threshold``. A
quantity whose denominator is zero is ``nan`` (undefined), never 0: with one
class only, the rates, the areas and KS are all undefined.
"""

from __future__ import annotations

import math

import numpy as np

from metrics_core import metrics as _m
from metrics_core._sweep import Sweep
from metrics_core.ranking import auc

__all__ = [
    "gains_curve",
    "ks_statistic",
    "lift_curve",
    "sweep_average_precision",
    "sweep_rank_scores",
    "sweep_roc_auc",
]


def gains_curve(sweep: Sweep) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative gains: the share of positives caught against the share of rows flagged.

    Rows are flagged from the highest score down, one distinct score at a
    time. A random ranking follows the diagonal; a perfect one reaches 1 once
    the flagged share equals the prevalence.

    Parameters
    ----------
    sweep : Sweep
        The sweep to read (weighted sweeps give shares of weight).

    Returns
    -------
    flagged : ndarray of shape (n_thresholds + 1,)
        Share of rows with ``score >= thresholds[i]``, increasing from 0 to 1.
    captured : ndarray of shape (n_thresholds + 1,)
        Share of all positives among them (recall), increasing from 0 to 1;
        ``nan`` throughout when there are no positives.
    thresholds : ndarray of shape (n_thresholds + 1,)
        Decreasing; ``thresholds[0]`` is ``inf`` (nothing flagged), as in
        :func:`~metrics_core.roc_curve`.

    Examples
    --------
    >>> from metrics_core import sweep, gains_curve
    >>> flagged, captured, thr = gains_curve(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    >>> flagged.tolist(), captured.tolist()
    ([0.0, 0.25, 0.5, 0.75, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    tp, fp, fn, tn = _with_origin(sweep)
    flagged = np.asarray(_m.predicted_positive_rate(tp, fp, fn, tn), dtype=np.float64)
    captured = np.asarray(_m.recall(tp, fp, fn, tn), dtype=np.float64)
    return flagged, captured, np.r_[np.inf, sweep.thresholds]


def lift_curve(sweep: Sweep) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lift: how much richer in positives the flagged rows are than the data as a whole.

    ``lift = precision / prevalence`` at each threshold: 3 means the flagged
    rows hold positives three times as often as a random pick of the same
    size would. A random ranking has lift 1 everywhere; flagging everything
    gives exactly 1.

    Parameters
    ----------
    sweep : Sweep
        The sweep to read.

    Returns
    -------
    flagged : ndarray of shape (n_thresholds,)
        Share of rows with ``score >= thresholds[i]``, increasing to 1.
    lift : ndarray of shape (n_thresholds,)
        Precision over prevalence; ``nan`` when there are no positives.
    thresholds : ndarray of shape (n_thresholds,)
        The sweep's distinct scores, decreasing.

    Examples
    --------
    >>> from metrics_core import sweep, lift_curve
    >>> flagged, lift, thr = lift_curve(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    >>> flagged.tolist(), lift.round(3).tolist()
    ([0.25, 0.5, 0.75, 1.0], [2.0, 1.0, 1.333, 1.0])
    """
    tp, fp, fn, tn = sweep.tp, sweep.fp, sweep.fn, sweep.tn
    flagged = np.asarray(_m.predicted_positive_rate(tp, fp, fn, tn), dtype=np.float64)
    if not sweep.n_pos > 0:  # prevalence 0: the ratio is 0/0 everywhere
        return flagged, np.full(flagged.shape, np.nan), np.asarray(sweep.thresholds)
    prevalence = _m.prevalence(sweep.n_pos, sweep.n_neg, 0, 0)
    lift = np.asarray(_m.precision(tp, fp, fn, tn), dtype=np.float64) / prevalence
    return flagged, lift, np.asarray(sweep.thresholds)


def ks_statistic(sweep: Sweep) -> tuple[float, float]:
    """Kolmogorov-Smirnov statistic: the widest gap between the classes' score distributions.

    With ``F₊(t)`` and ``F₋(t)`` the shares of positives and negatives
    scoring below ``t``, ``KS = max_t (F₋(t) − F₊(t)) = max_t (TPR(t) −
    FPR(t))``, which is also the largest Youden's J. It is the one-sided
    statistic (scikit-learn has none; ``scipy.stats.ks_2samp(positives,
    negatives, alternative="less")`` gives the same value for unweighted
    data), so a model that ranks negatives higher scores 0, not its mirror
    image's value.

    Parameters
    ----------
    sweep : Sweep
        The sweep to read.

    Returns
    -------
    ks : float
        In [0, 1]; ``nan`` when either class is missing.
    threshold : float
        Where the gap is widest (flag ``score >= threshold``); the highest
        such threshold on ties; ``nan`` when ``ks`` is.

    Examples
    --------
    >>> from metrics_core import sweep, ks_statistic
    >>> ks_statistic(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    (0.5, 0.8)
    """
    if not (sweep.n_pos > 0 and sweep.n_neg > 0) or len(sweep) == 0:
        return float("nan"), float("nan")
    # Rank by TPR − FPR scaled by n_pos·n_neg: exact for counts (below 2**53),
    # so thresholds that tie in exact arithmetic tie here too and the highest
    # one wins, whatever the rounding of the two ratios.
    scaled = np.multiply(sweep.tp, float(sweep.n_neg)) - np.multiply(sweep.fp, float(sweep.n_pos))
    i = int(np.argmax(scaled))  # first maximum = highest threshold
    point = sweep.point(i)
    return float(point.informedness), float(sweep.thresholds[i])


def sweep_roc_auc(sweep: Sweep) -> float:
    """Area under the ROC curve, by the trapezoidal rule over every point of the sweep.

    Equals :func:`~metrics_core.roc_auc_score` on the data the sweep was built
    from (to floating-point precision), without sorting it again.

    Parameters
    ----------
    sweep : Sweep
        The sweep to read.

    Returns
    -------
    float
        The area, ``nan`` when either class is missing.

    Examples
    --------
    >>> from metrics_core import sweep, sweep_roc_auc
    >>> sweep_roc_auc(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    if not (sweep.n_pos > 0 and sweep.n_neg > 0):
        return float("nan")
    return sweep_rank_scores(sweep)[0]


def sweep_average_precision(sweep: Sweep) -> float:
    """Average precision, ``Σ (Rᵢ − Rᵢ₋₁) Pᵢ`` over every threshold of the sweep.

    Equals :func:`~metrics_core.average_precision_score` on the data the
    sweep was built from (to floating-point precision), without sorting it
    again.

    Parameters
    ----------
    sweep : Sweep
        The sweep to read.

    Returns
    -------
    float
        In [0, 1]; ``nan`` when there are no positives (scikit-learn returns
        a number with a warning there) or no samples at all.

    Examples
    --------
    >>> from metrics_core import sweep, sweep_average_precision
    >>> round(sweep_average_precision(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])), 4)
    0.8333
    """
    if not sweep.n_pos > 0:
        return float("nan")
    return sweep_rank_scores(sweep)[1]


def _trapezoid_auc(sweep: Sweep) -> float:
    """ROC AUC of a weighted sweep: the trapezoidal rule over its rates."""
    if not (sweep.n_pos > 0 and sweep.n_neg > 0):
        return float("nan")
    tp, fp, fn, tn = _with_origin(sweep)
    return auc(_m.false_positive_rate(tp, fp, fn, tn), _m.recall(tp, fp, fn, tn))


def _step_average_precision(sweep: Sweep) -> float:
    """Average precision of a weighted sweep, ``Σ (Rᵢ − Rᵢ₋₁) Pᵢ`` over its rates."""
    if not sweep.n_pos > 0:
        return float("nan")
    tp, fp, fn, tn = _with_origin(sweep)
    recall = np.asarray(_m.recall(tp, fp, fn, tn), dtype=np.float64)
    precision = np.asarray(_m.precision(tp[1:], fp[1:], fn[1:], tn[1:]), dtype=np.float64)
    # Every threshold flags at least one sample, so precision is defined at each.
    return float(max(0.0, np.sum(np.diff(recall) * precision)))


#: Integers up to here are exact in float64 (a module constant so that tests can lower it).
_FLOAT_EXACT = 2**53


def sweep_rank_scores(sweep: Sweep, work: np.ndarray | None = None) -> tuple[float, float]:
    """ROC AUC and average precision of a sweep, in one pass over its counts.

    :func:`sweep_roc_auc` and :func:`sweep_average_precision` of an unweighted sweep are
    this function's two values. The sums are trapezoids between successive thresholds,
    from the origin, and ``Σ (Rᵢ − Rᵢ₋₁) Pᵢ``, over the integer counts: every count is
    defined, so no metric arrays with their undefined-value masks are formed. A weighted
    sweep goes through the general formulas.

    Parameters
    ----------
    sweep : Sweep
        The sweep to read.
    work : ndarray of float64, shape (4, m) with ``m >= len(sweep)``, optional
        Scratch rows for the temporaries, for callers that score many sweeps in turn
        (fresh memory costs more to touch than the sums themselves).

    Returns
    -------
    roc_auc, average_precision : float
        ``nan`` as :func:`sweep_roc_auc` and :func:`sweep_average_precision` say.

    Notes
    -----
    Twice the AUC times ``n_pos * n_neg`` is an integer; it is summed exactly (float64
    holds every partial sum while it stays below 2**53, else int64) and divided once.
    That sum is an ``np.einsum``, not an ``np.dot``: ``np.dot`` goes to a multithreaded
    BLAS whose threads compete with callers' own. The average precision takes the
    general formula's steps in its order, so it is the same float.

    Examples
    --------
    >>> from metrics_core import sweep, sweep_rank_scores
    >>> auc, ap = sweep_rank_scores(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    >>> auc, round(ap, 4)
    (0.75, 0.8333)

    """
    n_pos, n_neg = sweep.n_pos, sweep.n_neg
    if sweep.weighted:
        return _trapezoid_auc(sweep), _step_average_precision(sweep)
    if not n_pos:
        return math.nan, math.nan
    t = len(sweep)
    if 2 * n_pos * n_neg >= _FLOAT_EXACT:  # over 1e8 rows: sum in int64
        work = np.empty((4, t), dtype=np.int64)
    elif work is None or work.shape[1] < t:
        work = np.empty((4, t))
    # Ascending thresholds, the order the sweep was built in: cumulative counts fall.
    tp, fp, a, b = work[0, :t], work[1, :t], work[2, : t - 1], work[3, : t - 1]
    np.copyto(tp, sweep.tp[::-1])
    np.copyto(fp, sweep.fp[::-1])
    auc = math.nan
    if n_neg:
        # Twice the area: sum of (fp_j - fp_{j+1}) * (tp_j + tp_{j+1}), plus the step
        # from the origin (nothing flagged) to the highest threshold.
        np.subtract(fp[:-1], fp[1:], out=a)
        np.add(tp[:-1], tp[1:], out=b)
        twice = int(np.einsum("i,i", a, b)) + int(fp[-1]) * int(tp[-1])
        auc = twice / (2 * n_pos * n_neg)
    # Average precision with the general formula's operations in its order (descending
    # thresholds, recall steps times precision, one pairwise sum): the same float as
    # scikit-learn's sum, without the metric arrays.
    rows = work[:3, :t] if work.dtype.kind == "f" else np.empty((3, t))
    recall, precision, step = rows[0], rows[1], rows[2]
    np.divide(sweep.tp, n_pos, out=recall)
    np.add(sweep.tp, sweep.fp, out=precision)  # rows flagged: at least one at each
    np.divide(sweep.tp, precision, out=precision)
    step[0] = recall[0]  # from the origin (nothing flagged, recall 0)
    np.subtract(recall[1:], recall[:-1], out=step[1:])
    np.multiply(step, precision, out=step)
    return auc, max(0.0, float(np.sum(step)))


def _with_origin(sweep: Sweep) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts with a leading "nothing flagged" point (threshold ``inf``)."""
    tp = np.r_[0, sweep.tp]
    fp = np.r_[0, sweep.fp]
    return tp, fp, sweep.n_pos - tp, sweep.n_neg - fp
