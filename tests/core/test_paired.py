"""Paired tests of two models on the same rows against O(n²) references and scipy.

DeLong's variances and covariance are recomputed from the full matrix of
(positive, negative) pairs; McNemar's counts by a loop over the rows and its
p-values by scipy.stats; average precision by scikit-learn.
"""

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import metrics_core as mc

some = settings(deadline=None, max_examples=60)


@st.composite
def paired(draw):
    """Labels with at least two rows of each class and two tied or continuous score columns."""
    n_pos = draw(st.integers(2, 12))
    n_neg = draw(st.integers(2, 12))
    y = np.array([True] * n_pos + [False] * n_neg)
    n = n_pos + n_neg
    cols = []
    for _ in range(2):
        cols.append(
            draw(
                st.one_of(
                    arrays(np.float64, n, elements=st.integers(0, 3).map(float)),
                    arrays(np.float64, n, elements=st.floats(-5, 5, allow_subnormal=False)),
                )
            )
        )
    return y, cols[0], cols[1]


def _psi(pos: np.ndarray, neg: np.ndarray) -> np.ndarray:
    return (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])


def _delong_reference(y, a, b):
    """DeLong's covariance from the full pairwise matrix of each model."""
    v10, v01, aucs = [], [], []
    for s in (a, b):
        psi = _psi(s[y], s[~y])
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
        aucs.append(psi.mean())
    m, n = int(y.sum()), int((~y).sum())
    cov = np.cov(np.array(v10)) / m + np.cov(np.array(v01)) / n
    return aucs, cov


@some
@given(paired())
def test_delong_equals_the_pairwise_reference(problem) -> None:
    y, a, b = problem
    result = mc.delong_test(y, a, b)
    (auc_a, auc_b), cov = _delong_reference(y, a, b)
    assert result.auc_a == pytest.approx(skm.roc_auc_score(y, a))
    assert result.auc_b == pytest.approx(skm.roc_auc_score(y, b))
    assert result.auc_a == pytest.approx(auc_a)
    assert result.auc_b == pytest.approx(auc_b)
    assert result.var_a == pytest.approx(cov[0, 0], abs=1e-12)
    assert result.var_b == pytest.approx(cov[1, 1], abs=1e-12)
    assert result.cov == pytest.approx(cov[0, 1], abs=1e-12)
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    if var > 1e-15:
        z = (auc_b - auc_a) / math.sqrt(var)
        assert result.z == pytest.approx(z, rel=1e-6, abs=1e-9)
        assert result.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-6, abs=1e-12)
    elif var == 0:
        assert math.isnan(result.p_value)


def test_delong_of_a_model_with_itself_is_undefined_and_one_class_is_nan() -> None:
    y = np.array([True, True, False, False, True])
    s = np.array([0.9, 0.4, 0.3, 0.6, 0.8])
    same = mc.delong_test(y, s, s)
    assert same.difference.estimate == 0
    assert math.isnan(same.p_value)
    one = mc.delong_test(np.ones(3, bool), s[:3], s[:3])
    assert math.isnan(one.auc_a)
    assert math.isnan(one.p_value)


def test_delong_detects_a_real_difference() -> None:
    rng = np.random.default_rng(0)
    y = rng.random(2000) < 0.3
    good = y + rng.normal(0, 0.5, 2000)
    bad = y + rng.normal(0, 2.0, 2000)
    result = mc.delong_test(y, bad, good)
    assert result.difference.estimate > 0
    assert result.p_value < 1e-6
    assert result.difference.low > 0


@some
@given(
    arrays(np.bool_, st.integers(1, 80)),
    st.integers(0, 2**32 - 1),
)
def test_mcnemar_counts_and_p_values(y, seed) -> None:
    rng = np.random.default_rng(seed)
    a = rng.random(y.shape[0]) < 0.5
    b = np.where(rng.random(y.shape[0]) < 0.7, a, ~a)
    result = mc.mcnemar_test(y, a, b)
    only_a = sum(1 for yy, pa, pb in zip(y, a, b, strict=True) if pa == yy and pb != yy)
    only_b = sum(1 for yy, pa, pb in zip(y, a, b, strict=True) if pa != yy and pb == yy)
    both = sum(1 for yy, pa, pb in zip(y, a, b, strict=True) if pa == yy and pb == yy)
    assert (result.only_a_right, result.only_b_right, result.both_right) == (only_a, only_b, both)
    assert result.n_discordant == int(np.count_nonzero(a != b))
    d = only_a + only_b
    if d == 0:
        assert result.p_value == 1.0
    elif d < 25:
        assert result.exact
        ref = stats.binomtest(min(only_a, only_b), d, 0.5).pvalue
        assert result.p_value == pytest.approx(ref, rel=1e-9)
    else:
        chi2 = (abs(only_a - only_b) - 1) ** 2 / d
        assert result.statistic == pytest.approx(chi2)
        assert result.p_value == pytest.approx(stats.chi2.sf(chi2, 1), rel=1e-9)


def test_mcnemar_chi_square_for_many_discordant_rows() -> None:
    y = np.ones(200, bool)
    a = np.r_[np.ones(120, bool), np.zeros(80, bool)]
    b = np.r_[np.zeros(60, bool), np.ones(140, bool)]
    result = mc.mcnemar_test(y, a, b)
    assert not result.exact
    chi2 = (abs(result.only_a_right - result.only_b_right) - 1) ** 2 / result.n_discordant
    assert result.p_value == pytest.approx(stats.chi2.sf(chi2, 1), rel=1e-12)


@some
@given(paired(), st.integers(0, 1000))
def test_average_precision_difference(problem, seed) -> None:
    y, a, b = problem
    ap_a, ap_b, diff = mc.average_precision_difference(y, a, b, n_boot=50, seed=seed)
    assert ap_a == pytest.approx(skm.average_precision_score(y, a))
    assert ap_b == pytest.approx(skm.average_precision_score(y, b))
    assert diff.estimate == pytest.approx(ap_b - ap_a)
    assert diff.low <= diff.high
    again = mc.average_precision_difference(y, a, b, n_boot=50, seed=seed)[2]
    assert (again.low, again.high) == (diff.low, diff.high)


def test_bootstrap_replicates_equal_scikit_learn_on_the_resampled_rows() -> None:
    rng = np.random.default_rng(5)
    y = rng.random(60) < 0.4
    a, b = rng.random(60) + y * 0.3, rng.random(60).round(1) + y * 0.2
    _, _, diff = mc.average_precision_difference(
        y, a, b, n_boot=20, seed=np.random.default_rng(11), batch=7
    )
    # The same draws, redone row by row.
    draws = np.random.default_rng(11)
    ref = []
    for k in (7, 7, 6):
        idx = draws.integers(0, 60, size=(k, 60))
        for row in idx:
            yy = y[row]
            if yy.any():
                ref.append(
                    skm.average_precision_score(yy, b[row])
                    - skm.average_precision_score(yy, a[row])
                )
    low, high = np.quantile(ref, [0.025, 0.975])
    assert diff.low == pytest.approx(low)
    assert diff.high == pytest.approx(high)
