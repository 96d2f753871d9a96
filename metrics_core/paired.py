"""Two models scored on the same rows: tests of whether their difference is more than noise.

- :func:`delong_test`: DeLong's test for two correlated ROC AUCs. Each row's
  structural component (the share of the other class it outranks, ties
  counting half) comes from one sort per class and model and a binary search,
  never from the n_pos x n_neg matrix of pairs.
- :func:`average_precision_difference`: the difference in average precision
  with a paired bootstrap interval (the same resampled rows for both models).
- :func:`mcnemar_test`: McNemar's test on the rows the two models classify
  differently at their own thresholds, exact for few such rows.

p-values use only :mod:`math`: ``erfc`` for the normal and the one-degree
chi-square tails, a sum of binomial coefficients for the exact test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from metrics_core.decision import Interval, _check_level, _z

__all__ = [
    "DelongResult",
    "McNemarResult",
    "average_precision_difference",
    "delong_test",
    "mcnemar_test",
]


@dataclass(frozen=True)
class DelongResult:
    """DeLong's paired test of two ROC AUCs.

    Attributes
    ----------
    auc_a, auc_b : float
        ROC AUC of each model (Mann-Whitney form, ties counting half).
    var_a, var_b, cov : float
        DeLong's variances of the two AUCs and their covariance.
    difference : Interval
        ``auc_b - auc_a`` with the normal interval ``± z·se``.
    z, p_value : float
        ``difference / se`` and its two-sided p-value; ``nan`` when the
        standard error is zero or undefined.
    """

    auc_a: float
    auc_b: float
    var_a: float
    var_b: float
    cov: float
    difference: Interval
    z: float
    p_value: float


def _components(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Structural components: per positive ``V10``, per negative ``V01``.

    ``V10`` of a positive is the share of negatives scored below it, plus
    half the share tied with it; ``V01`` of a negative is the share of
    positives scored above it, plus half those tied. One sort of each class's
    scores, two binary searches per row.
    """
    pos = s[y]
    neg = s[~y]
    neg_sorted = np.sort(neg)
    pos_sorted = np.sort(pos)
    below = np.searchsorted(neg_sorted, pos, side="left")
    tied = np.searchsorted(neg_sorted, pos, side="right") - below
    v10 = (below + 0.5 * tied) / neg.shape[0]
    below_p = np.searchsorted(pos_sorted, neg, side="left")
    upto_p = np.searchsorted(pos_sorted, neg, side="right")
    v01 = (pos.shape[0] - upto_p + 0.5 * (upto_p - below_p)) / pos.shape[0]
    return v10, v01


def _normal_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic: ``erfc(|z| / √2)``."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def delong_test(
    y: np.ndarray, s_a: np.ndarray, s_b: np.ndarray, *, level: float = 0.95
) -> DelongResult:
    """DeLong's test for the difference of two ROC AUCs on the same rows.

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class (clean, as from the boundary).
    s_a, s_b : ndarray of float, shape (n,)
        The two models' finite scores of the same rows.
    level : float, default=0.95
        Coverage of the interval of the difference.

    Returns
    -------
    DelongResult
        Undefined variances, interval and test (``nan``) with fewer than two
        rows of a class; AUCs are ``nan`` without both classes.

    References
    ----------
    DeLong, DeLong and Clarke-Pearson (1988), Comparing the areas under two or
    more correlated receiver operating characteristic curves: a nonparametric
    approach. Biometrics 44(3), 837-845.
    """
    level = _check_level(level)
    y = np.asarray(y, dtype=bool)
    m, n = int(np.count_nonzero(y)), int(y.shape[0] - np.count_nonzero(y))
    nan = math.nan
    if m == 0 or n == 0:
        return DelongResult(
            nan, nan, nan, nan, nan, Interval(nan, nan, nan, level, "DeLong"), nan, nan
        )
    v10a, v01a = _components(y, np.asarray(s_a, dtype=np.float64))
    v10b, v01b = _components(y, np.asarray(s_b, dtype=np.float64))
    auc_a, auc_b = float(v10a.mean()), float(v10b.mean())
    diff = auc_b - auc_a
    if m < 2 or n < 2:
        return DelongResult(
            auc_a, auc_b, nan, nan, nan, Interval(diff, nan, nan, level, "DeLong"), nan, nan
        )
    s10 = np.cov(np.vstack((v10a, v10b)), ddof=1)
    s01 = np.cov(np.vstack((v01a, v01b)), ddof=1)
    cov = s10 / m + s01 / n
    var_a, var_b, c = float(cov[0, 0]), float(cov[1, 1]), float(cov[0, 1])
    var = max(var_a + var_b - 2 * c, 0.0)
    se = math.sqrt(var)
    z_level = _z(level)
    interval = Interval(diff, diff - z_level * se, diff + z_level * se, level, "DeLong")
    if se == 0:
        z = p = nan
    else:
        z = diff / se
        p = _normal_p(z)
    return DelongResult(auc_a, auc_b, var_a, var_b, c, interval, z, p)


_BOOT = "paired bootstrap of the rows"


@dataclass(frozen=True)
class _APPlan:
    """One model's rows in decreasing score order, and where its AP can change.

    ``order`` sorts the rows by decreasing score (stable); ``order_pos`` is the
    positives among them, in that order. ``steps`` are the positions (in
    sorted order) of the last row of each distinct score holding a positive:
    only there does recall rise, so only there does a resample's AP gain a
    term. ``pos_upto`` counts the positives up to each step.
    """

    order: np.ndarray
    order_pos: np.ndarray
    steps: np.ndarray
    pos_upto: np.ndarray


def _ap_plan(y: np.ndarray, s: np.ndarray) -> _APPlan:
    order = np.argsort(-s, kind="stable")
    v = s[order]
    labels = y[order]
    last = np.flatnonzero(np.r_[v[1:] != v[:-1], True])
    pos_cum = np.cumsum(labels)
    at_last = pos_cum[last]
    has_pos = np.diff(at_last, prepend=0) > 0
    return _APPlan(order, order[labels], last[has_pos], at_last[has_pos])


def _ap_from_counts(plan: _APPlan, counts: np.ndarray) -> np.ndarray:
    """Average precision of each column of ``counts`` (row counts, shape (n, n_boot)).

    ``Σ (R_k − R_{k−1}) P_k`` over the distinct scores, as scikit-learn's
    ``average_precision_score``; ``nan`` for a column without positives.
    Rows are gathered and summed down columns: an (n, n_boot) table keeps
    that memory contiguous. Whole-number counts below 2**24 are exact in
    float32, which halves the memory traffic of the two cumulative sums.
    """
    flagged = np.cumsum(counts[plan.order], axis=0)[plan.steps].astype(np.float64)
    tp = np.cumsum(counts[plan.order_pos], axis=0)[plan.pos_upto - 1].astype(np.float64)
    n_pos = tp[-1]
    d_tp = np.diff(tp, axis=0, prepend=0.0)
    # flagged >= tp > 0 wherever d_tp > 0; elsewhere the term is 0 whatever the precision.
    precision = tp / np.maximum(flagged, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ap = (d_tp * precision).sum(axis=0) / n_pos
    return np.where(n_pos > 0, ap, np.nan)


def average_precision_difference(
    y: np.ndarray,
    s_a: np.ndarray,
    s_b: np.ndarray,
    *,
    level: float = 0.95,
    n_boot: int = 1000,
    seed: int | np.random.Generator = 0,
    batch: int = 32,
) -> tuple[float, float, Interval]:
    """Average precision of two models and a paired bootstrap interval of the difference.

    Each replicate resamples the rows with replacement once and scores both
    models on the same resample, so what the rows have in common cancels out.
    A resample is a count per row: with each model's rows sorted once, a
    replicate's AP is a cumulative sum of counts in that order (no new sort).

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class.
    s_a, s_b : ndarray of float, shape (n,)
        The two models' finite scores of the same rows.
    level : float, default=0.95
        Coverage of the percentile interval.
    n_boot : int, default=1000
        Number of replicates.
    seed : int or numpy.random.Generator, default=0
        Seed (or generator) of the resampling, so the same data gives the same interval.
    batch : int, default=32
        Replicates computed at once (memory is about ``batch × n × 20`` bytes).

    Returns
    -------
    ap_a, ap_b : float
        Average precision of each model (``nan`` without positives).
    difference : Interval
        ``ap_b - ap_a``; replicates without positives are left out and their
        share reported.
    """
    level = _check_level(level)
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1; got {n_boot!r}.")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    y = np.asarray(y, dtype=bool)
    n = y.shape[0]
    if not y.any():  # no positives: AP is undefined, and so is every replicate's
        return math.nan, math.nan, Interval(math.nan, math.nan, math.nan, level, _BOOT, 1.0)
    plans = [_ap_plan(y, np.asarray(s, dtype=np.float64)) for s in (s_a, s_b)]
    ones = np.ones((n, 1))
    ap_a, ap_b = (float(_ap_from_counts(plan, ones)[0]) for plan in plans)
    diffs = np.empty(n_boot)
    done = 0
    while done < n_boot:
        k = min(batch, n_boot - done)
        idx = rng.integers(0, n, size=(k, n))
        # Replicate j's draws counted into column j of an (n, k) table of row counts.
        idx *= k
        idx += np.arange(k)[:, None]
        counts = np.bincount(idx.ravel(), minlength=n * k).reshape(n, k)
        counts = counts.astype(np.float32 if n < 2**24 else np.float64)
        a, b = (_ap_from_counts(plan, counts) for plan in plans)
        diffs[done : done + k] = b - a
        done += k
    ok = ~np.isnan(diffs)
    share = float(np.mean(~ok))
    estimate = ap_b - ap_a
    alpha = (1 - level) / 2
    if math.isnan(estimate) or not ok.any():
        low = high = math.nan
    else:
        low, high = (float(v) for v in np.quantile(diffs[ok], [alpha, 1 - alpha]))
    return ap_a, ap_b, Interval(estimate, low, high, level, _BOOT, share)


@dataclass(frozen=True)
class McNemarResult:
    """McNemar's test of two classifiers' errors on the same rows.

    Attributes
    ----------
    only_a_right, only_b_right : int
        Rows model A classifies correctly and B does not, and the reverse:
        the rows they classify differently.
    both_right, both_wrong : int
        Rows they agree on.
    statistic : float
        ``min(b, c)`` for the exact test, else the continuity-corrected
        chi-square ``(|b − c| − 1)² / (b + c)``.
    p_value : float
        Two-sided; 1 when no row is classified differently.
    exact : bool
        Whether the exact binomial test was used.
    """

    only_a_right: int
    only_b_right: int
    both_right: int
    both_wrong: int
    statistic: float
    p_value: float
    exact: bool

    @property
    def n_discordant(self) -> int:
        """Rows the two models classify differently."""
        return self.only_a_right + self.only_b_right


def _binomial_two_sided(k: int, n: int) -> float:
    """Two-sided exact p-value of ``k`` successes in ``n`` fair coin flips (``k <= n/2``)."""
    tail = sum(math.comb(n, i) for i in range(k + 1))
    return min(1.0, 2 * tail / 2**n)


def mcnemar_test(
    y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray, *, exact_below: int = 25
) -> McNemarResult:
    """McNemar's test on the rows two models classify differently.

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class.
    pred_a, pred_b : ndarray of bool, shape (n,)
        Each model's prediction (``score >= its threshold``).
    exact_below : int, default=25
        With fewer discordant rows than this the exact binomial test is used,
        otherwise the chi-square with continuity correction.

    Returns
    -------
    McNemarResult
    """
    y = np.asarray(y, dtype=bool)
    right_a = np.asarray(pred_a, dtype=bool) == y
    right_b = np.asarray(pred_b, dtype=bool) == y
    b = int(np.count_nonzero(right_a & ~right_b))
    c = int(np.count_nonzero(~right_a & right_b))
    both = int(np.count_nonzero(right_a & right_b))
    neither = int(y.shape[0]) - b - c - both
    d = b + c
    if d == 0:
        return McNemarResult(b, c, both, neither, 0.0, 1.0, True)
    if d < exact_below:
        k = min(b, c)
        return McNemarResult(b, c, both, neither, float(k), _binomial_two_sided(k, d), True)
    chi2 = (abs(b - c) - 1) ** 2 / d
    # The chi-square with one degree of freedom is a squared standard normal.
    p = math.erfc(math.sqrt(chi2 / 2))
    return McNemarResult(b, c, both, neither, float(chi2), p, False)
