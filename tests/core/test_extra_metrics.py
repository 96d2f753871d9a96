"""Calibration, gains, lift, KS and sweep-based areas, with scikit-learn (and scipy) as oracles."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.stats import ks_2samp
from sklearn import calibration as skc
from sklearn import metrics as skm

from metrics_core import (
    brier_score_loss,
    calibration_bins,
    calibration_curve,
    gains_curve,
    ks_statistic,
    lift_curve,
    log_loss,
    sweep,
    sweep_average_precision,
    sweep_roc_auc,
)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Probabilities drawn from a coarse grid (ties, exact bin edges, 0 and 1) or anywhere in [0, 1].
_GRID = [0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.6, 0.75, 0.8, 0.9, 1.0]
_prob = st.one_of(st.sampled_from(_GRID), st.floats(0.0, 1.0, allow_nan=False))


@st.composite
def binary_probs(draw: st.DrawFn, *, min_size: int = 1, both: bool = False) -> tuple:
    """(y in {0, 1}, probabilities in [0, 1], positive weights or None)."""
    n = draw(st.integers(min_size, 120))
    y = draw(hnp.arrays(np.int64, n, elements=st.integers(0, 1)))
    if both and (y.min() == y.max()):
        y[0] = 1 - y[0]
        if n == 1:
            y = np.array([0, 1])
            n = 2
    p = draw(hnp.arrays(np.float64, n, elements=_prob))
    weighted = draw(st.booleans())
    w = draw(hnp.arrays(np.float64, n, elements=st.floats(0.01, 10.0))) if weighted else None
    return y, p, w


@st.composite
def binary_scores(draw: st.DrawFn) -> tuple:
    """(y in {0, 1} with both classes, real scores with ties, weights or None)."""
    y, _, w = draw(binary_probs(min_size=2, both=True))
    n = y.shape[0]
    s = draw(
        hnp.arrays(
            np.float64,
            n,
            elements=st.one_of(
                st.integers(-5, 5).map(float), st.floats(-1e3, 1e3, allow_nan=False)
            ),
        )
    )
    return y, s, w


def _close(a: float, b: float) -> None:
    assert a == pytest.approx(b, rel=1e-12, abs=1e-14)


# --- calibration curve --------------------------------------------------------------------


@SETTINGS
@given(
    data=binary_probs(),
    n_bins=st.integers(1, 25),
    strategy=st.sampled_from(["uniform", "quantile"]),
)
def test_calibration_curve_matches_sklearn(data: tuple, n_bins: int, strategy: str) -> None:
    y, p, _ = data
    ours = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    theirs = skc.calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_calibration_curve_defaults_and_doc_example() -> None:
    y = [0, 0, 0, 0, 1, 1, 1, 1, 1]
    p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0]
    for ours, theirs in zip(calibration_curve(y, p), skc.calibration_curve(y, p), strict=True):
        np.testing.assert_allclose(ours, theirs)  # same default n_bins (5) as scikit-learn


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_calibration_curve_string_labels(strategy: str) -> None:
    rng = np.random.default_rng(0)
    p = rng.random(500)
    y = np.where(rng.random(500) < p, "spam", "ham")
    ours = calibration_curve(y, p, pos_label="spam", n_bins=10, strategy=strategy)
    theirs = skc.calibration_curve(y, p, pos_label="spam", n_bins=10, strategy=strategy)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@SETTINGS
@given(data=binary_probs(), n_bins=st.integers(1, 12))
def test_calibration_bins_weights_are_repetitions(data: tuple, n_bins: int) -> None:
    y, p, _ = data
    reps = np.arange(y.shape[0]) % 3 + 1
    weighted = calibration_bins(y, p, n_bins=n_bins, sample_weight=reps.astype(float))
    repeated = calibration_bins(np.repeat(y, reps), np.repeat(p, reps), n_bins=n_bins)
    np.testing.assert_allclose(weighted.count, repeated.count)
    np.testing.assert_allclose(weighted.prob_true, repeated.prob_true, equal_nan=True)
    np.testing.assert_allclose(weighted.prob_pred, repeated.prob_pred, equal_nan=True)
    empty = weighted.count == 0
    np.testing.assert_array_equal(np.isnan(weighted.prob_true), empty)
    np.testing.assert_array_equal(np.isnan(weighted.prob_pred), empty)


def test_calibration_bins_keep_empty_bins_as_nan() -> None:
    b = calibration_bins([0, 1, 1], [0.05, 0.95, 0.9], n_bins=4)
    assert b.count.tolist() == [1.0, 0.0, 0.0, 2.0]
    assert np.isnan(b.prob_true[1:3]).all()
    assert np.isnan(b.prob_pred[1:3]).all()
    assert b.nonempty.tolist() == [True, False, False, True]
    np.testing.assert_allclose(b.edges, [0, 0.25, 0.5, 0.75, 1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_prob": [0.2, 1.5]}, "outside"),
        ({"y_prob": [0.2, np.nan]}, "NaN"),
        ({"y_true": [0, 1, 2]}, "binary"),
        ({"y_true": ["a", "b"]}, "pos_label"),
        ({"n_bins": 0}, "n_bins"),
        ({"strategy": "kmeans"}, "strategy"),
        ({"y_true": [0, 1, 1]}, "lengths"),
    ],
)
def test_calibration_curve_rejects_bad_input(kwargs: dict, match: str) -> None:
    args = {"y_true": [0, 1], "y_prob": [0.2, 0.7], **kwargs}
    y_true, y_prob = args.pop("y_true"), args.pop("y_prob")
    if len(y_true) == 3 and len(y_prob) == 2 and match == "binary":
        y_prob = [0.2, 0.7, 0.9]
    with pytest.raises(ValueError, match=match):
        calibration_curve(y_true, y_prob, **args)


# --- Brier score --------------------------------------------------------------------------


@SETTINGS
@given(data=binary_probs())
def test_brier_matches_sklearn(data: tuple) -> None:
    y, p, w = data
    _close(brier_score_loss(y, p, sample_weight=w), skm.brier_score_loss(y, p, sample_weight=w))


@SETTINGS
@given(data=binary_probs(), scale=st.sampled_from([True, False, "auto"]))
def test_brier_labels_and_scaling_match_sklearn(data: tuple, scale: object) -> None:
    y, p, w = data
    words = np.where(y == 1, "spam", "ham")
    _close(
        brier_score_loss(words, p, pos_label="ham", sample_weight=w, scale_by_half=scale),
        skm.brier_score_loss(words, p, pos_label="ham", sample_weight=w, scale_by_half=scale),
    )
    # Numeric labels other than {0, 1} / {-1, 1}: the greater label is positive.
    coded = np.where(y == 1, 7, 2)
    _close(brier_score_loss(coded, p), skm.brier_score_loss(coded, p))
    # float32 probabilities are kept in float32, as scikit-learn does.
    p32 = p.astype(np.float32)
    assert brier_score_loss(y, p32) == pytest.approx(skm.brier_score_loss(y, p32), rel=1e-6)


def test_brier_rejects_strings_without_pos_label_and_bad_probabilities() -> None:
    with pytest.raises(ValueError, match="pos_label"):
        brier_score_loss(["a", "b"], [0.1, 0.9])
    with pytest.raises(ValueError, match="not probabilities"):
        brier_score_loss([0, 1], [-0.1, 0.9])
    with pytest.raises(ValueError, match="binary"):
        brier_score_loss([0, 1, 2], [0.1, 0.9, 0.5])


# --- log loss -----------------------------------------------------------------------------


@SETTINGS
@given(data=binary_probs(both=True), normalize=st.booleans())
def test_log_loss_matches_sklearn(data: tuple, normalize: bool) -> None:
    y, p, w = data
    _close(
        log_loss(y, p, sample_weight=w, normalize=normalize),
        skm.log_loss(y, p, sample_weight=w, normalize=normalize),
    )


@SETTINGS
@given(data=binary_probs())
def test_log_loss_one_class_with_labels_matches_sklearn(data: tuple) -> None:
    y, p, w = data
    y = np.ones_like(y)
    _close(
        log_loss(y, p, sample_weight=w, labels=[0, 1]),
        skm.log_loss(y, p, sample_weight=w, labels=[0, 1]),
    )


def test_log_loss_clips_like_sklearn() -> None:
    y = np.array([0, 1, 0, 1])
    p = np.array([1.0, 0.0, 0.0, 1.0])  # two certain mistakes, two certain hits
    ours = log_loss(y, p)
    assert np.isfinite(ours)
    _close(ours, skm.log_loss(y, p))
    _close(ours, -np.log(np.finfo(np.float64).eps) / 2)
    p32 = p.astype(np.float32)  # float32 clips at float32's eps
    assert log_loss(y, p32) == pytest.approx(skm.log_loss(y, p32), rel=1e-6)
    assert log_loss(y, p32) == pytest.approx(-np.log(np.finfo(np.float32).eps) / 2, rel=1e-6)


def test_log_loss_string_labels_use_the_greater_label() -> None:
    y = ["spam", "ham", "ham", "spam"]
    p = [0.9, 0.1, 0.2, 0.65]
    _close(log_loss(y, p), skm.log_loss(y, p))
    _close(log_loss(y, p), 0.21616187468057912)


@pytest.mark.parametrize(
    ("y", "p", "kwargs", "match"),
    [
        ([1, 1], [0.3, 0.9], {}, "only one label"),
        ([0, 1, 2], [0.3, 0.9, 0.5], {}, "binary"),
        ([0, 1], [0.3, 1.2], {}, "outside"),
        ([0, 3], [0.3, 0.9], {"labels": [0, 1]}, "not in labels"),
        ([0, 1], [0.3, 0.9], {"sample_weight": [1, -1]}, "negative"),
    ],
)
def test_log_loss_rejects_bad_input(y: list, p: list, kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        log_loss(y, p, **kwargs)


# --- gains, lift, KS and areas from a sweep -------------------------------------------------


@SETTINGS
@given(data=binary_scores())
def test_gains_and_lift_match_brute_force(data: tuple) -> None:
    y, s, w = data
    sw = sweep(y, s, sample_weight=w)
    flagged, captured, thr = gains_curve(sw)
    weights = np.ones_like(s) if w is None else w
    assert thr[0] == np.inf
    assert flagged[0] == 0
    assert captured[0] == 0
    total, pos = weights.sum(), weights[y == 1].sum()
    for f, c, t in zip(flagged[1:], captured[1:], thr[1:], strict=True):
        hit = s >= t
        assert f == pytest.approx(weights[hit].sum() / total, rel=1e-9)
        assert c == pytest.approx(weights[hit & (y == 1)].sum() / pos, rel=1e-9)
    assert flagged[-1] == pytest.approx(1)
    assert captured[-1] == pytest.approx(1)
    l_flagged, lift, l_thr = lift_curve(sw)
    np.testing.assert_array_equal(l_flagged, flagged[1:])
    np.testing.assert_array_equal(l_thr, thr[1:])
    for value, t in zip(lift, l_thr, strict=True):
        hit = s >= t
        precision = weights[hit & (y == 1)].sum() / weights[hit].sum()
        assert value == pytest.approx(precision / (pos / total), rel=1e-12)
    assert lift[-1] == pytest.approx(1.0)


@SETTINGS
@given(data=binary_scores())
def test_ks_is_the_largest_tpr_minus_fpr(data: tuple) -> None:
    y, s, w = data
    ks, t = ks_statistic(sweep(y, s, sample_weight=w))
    fpr, tpr, thr = skm.roc_curve(y, s, sample_weight=w, drop_intermediate=False)
    gap = tpr - fpr
    assert ks == pytest.approx(gap.max(), abs=1e-12)
    assert 0 <= ks <= 1
    # The highest threshold reaching the maximum (thresholds are decreasing).
    best = np.flatnonzero(np.isclose(gap, gap.max(), rtol=0, atol=1e-12))
    assert t == thr[best[0]] or (thr[best[0]] == np.inf and ks == 0)
    if w is None:
        ref = ks_2samp(s[y == 1], s[y == 0], alternative="less", method="asymp").statistic
        assert ks == pytest.approx(ref, abs=1e-12)


def test_ks_of_a_perfect_and_of_an_inverted_ranking() -> None:
    assert ks_statistic(sweep([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])) == (1.0, 0.8)
    ks, t = ks_statistic(sweep([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]))
    assert ks == 0.0  # the gap is never positive: flag everything
    assert t == 0.1


@SETTINGS
@given(data=binary_scores())
def test_sweep_areas_match_sklearn(data: tuple) -> None:
    y, s, w = data
    sw = sweep(y, s, sample_weight=w)
    _close(sweep_roc_auc(sw), skm.roc_auc_score(y, s, sample_weight=w))
    _close(sweep_average_precision(sw), skm.average_precision_score(y, s, sample_weight=w))


def test_one_class_sweeps_are_undefined_not_zero() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for y in ([1, 1, 1], [0, 0, 0]):
            sw = sweep(y, [0.2, 0.5, 0.9])
            assert all(np.isnan(ks_statistic(sw)))
            assert np.isnan(sweep_roc_auc(sw))
        only_neg = sweep([0, 0, 0], [0.2, 0.5, 0.9])
        assert np.isnan(sweep_average_precision(only_neg))
        assert np.isnan(lift_curve(only_neg)[1]).all()
        assert np.isnan(gains_curve(only_neg)[1]).all()
        # Positives only: precision is 1 and lift exactly 1 everywhere; AP is 1.
        only_pos = sweep([1, 1, 1], [0.2, 0.5, 0.9])
        np.testing.assert_allclose(lift_curve(only_pos)[1], 1.0)
        assert sweep_average_precision(only_pos) == 1.0
