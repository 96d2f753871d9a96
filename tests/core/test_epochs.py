"""Per-epoch sweeps and summaries against scikit-learn on each epoch's rows alone."""

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import metrics_core as mc
from metrics_core.epochs import _mean_log_loss

some = settings(deadline=None, max_examples=60)


@st.composite
def long_rows(draw, *, probabilities: bool = False):
    """Labels, tied or continuous scores and epoch codes, in or out of epoch order."""
    n = draw(st.integers(1, 40))
    k = draw(st.integers(1, 5))
    if probabilities:
        elements = st.one_of(
            st.sampled_from([0.0, 1.0, 0.5, 1e-17, 1 - 1e-17]),
            st.floats(0, 1, allow_subnormal=False),
        )
    else:
        elements = st.one_of(st.integers(0, 4).map(float), st.floats(-5, 5, allow_subnormal=False))
    scores = draw(arrays(np.float64, n, elements=elements))
    y = draw(arrays(np.bool_, n))
    codes = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    if draw(st.booleans()):
        order = np.argsort(codes, kind="stable")  # a file written epoch after epoch
        y, scores, codes = y[order], scores[order], codes[order]
    return y, scores, codes, k


def same(ours: float, theirs: float) -> None:
    """Equal to floating-point precision, nan-ness included."""
    assert math.isnan(ours) == math.isnan(theirs), (ours, theirs)
    if not math.isnan(theirs):
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12)


@some
@given(long_rows())
def test_sweeps_equal_a_sweep_of_each_epoch(data):
    y, s, codes, k = data
    sweeps = mc.epoch_sweeps(y, s, codes, k)
    assert len(sweeps) == k
    for e, sw in enumerate(sweeps):
        m = codes == e
        if not m.any():
            assert len(sw) == 0
            assert (sw.n_pos, sw.n_neg) == (0, 0)
            continue
        ref = mc.sweep(y[m], s[m])
        np.testing.assert_array_equal(sw.thresholds, ref.thresholds)
        np.testing.assert_array_equal(sw.tp, ref.tp)
        np.testing.assert_array_equal(sw.fp, ref.fp)
        assert (sw.n_pos, sw.n_neg) == (ref.n_pos, ref.n_neg)


@some
@given(long_rows(probabilities=True), st.floats(-0.5, 1.5))
def test_summaries_and_points_equal_sklearn_per_epoch(data, t):
    y, s, codes, k = data
    curves = mc.epoch_curves(y, s, codes, k, probabilities=True)
    points = curves.at(t)
    for e in range(k):
        m = codes == e
        ye, se = y[m], s[m]
        if not m.any():
            assert math.isnan(curves.roc_auc[e])
            assert math.isnan(curves.log_loss[e])
            assert points.tp[e] == points.fp[e] == points.fn[e] == points.tn[e] == 0
            continue
        two = ye.any() and not ye.all()
        same(curves.roc_auc[e], skm.roc_auc_score(ye, se) if two else math.nan)
        same(
            curves.average_precision[e],
            skm.average_precision_score(ye, se) if ye.any() else math.nan,
        )
        same(curves.log_loss[e], skm.log_loss(ye, se, labels=[False, True]))
        cm = skm.confusion_matrix(ye, se >= t, labels=[False, True])
        assert (points.tn[e], points.fp[e], points.fn[e], points.tp[e]) == tuple(cm.ravel())
        pred = se >= t
        if pred.any():
            same(points.precision[e], skm.precision_score(ye, pred, zero_division=0))
        else:
            assert math.isnan(points.precision[e])
        if ye.any():
            same(points.recall[e], skm.recall_score(ye, pred))
        else:
            assert math.isnan(points.recall[e])


@some
@given(
    st.integers(2, 30).flatmap(
        lambda n: st.tuples(
            arrays(np.bool_, n),
            st.lists(arrays(np.float64, n, elements=st.floats(0, 1)), min_size=1, max_size=4),
        )
    )
)
def test_wide_equals_sklearn_per_column(data):
    y, columns = data
    curves = mc.epoch_curves_wide(y, columns, probabilities=True)
    assert len(curves) == len(columns)
    two = y.any() and not y.all()
    for e, s in enumerate(columns):
        same(curves.roc_auc[e], skm.roc_auc_score(y, s) if two else math.nan)
        same(curves.log_loss[e], skm.log_loss(y, s, labels=[False, True]))
        ref = mc.sweep(y, s)
        np.testing.assert_array_equal(curves.sweeps[e].tp, ref.tp)


def test_not_probabilities_give_no_log_loss_and_out_of_range_is_refused():
    y = np.array([True, False, True, False])
    s = np.array([2.0, -1.0, 0.5, 0.7])
    codes = np.array([0, 0, 1, 1])
    curves = mc.epoch_curves(y, s, codes, 2, probabilities=False)
    assert np.isnan(curves.log_loss).all()
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        mc.epoch_curves(y, s, codes, 2, probabilities=True)
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        mc.epoch_curves_wide(y, [s], probabilities=True)


def test_best_epoch():
    assert mc.best_epoch(np.array([0.7, np.nan, 0.9, 0.9])) == 2
    assert mc.best_epoch(np.array([0.5, 0.3, 0.3]), lower_is_better=True) == 1
    assert mc.best_epoch(np.array([np.nan, np.nan])) == -1
    assert mc.best_epoch(np.array([])) == -1


def test_unsorted_codes_match_sorted():
    rng = np.random.default_rng(3)
    n, k = 5000, 7
    y = rng.random(n) < 0.3
    s = rng.random(n)
    codes = rng.integers(0, k, n)
    a = mc.epoch_curves(y, s, codes, k, probabilities=True)
    order = np.argsort(codes, kind="stable")
    b = mc.epoch_curves(y[order], s[order], codes[order], k, probabilities=True)
    np.testing.assert_array_equal(a.roc_auc, b.roc_auc)
    np.testing.assert_array_equal(a.average_precision, b.average_precision)
    np.testing.assert_allclose(a.log_loss, b.log_loss, rtol=1e-12)


# --- the fast paths of the per-epoch summaries, against what they replace ----------------


@some
@given(long_rows(probabilities=True), st.booleans())
def test_count_summaries_equal_sklearn(data, int64_sums):
    """sweep_rank_scores, as the epochs call it (scratch rows), on both integer paths."""
    y, s, codes, k = data
    for e, sw in enumerate(mc.epoch_sweeps(y, s, codes, k)):
        ye, se = y[codes == e], s[codes == e]
        if not ye.any():
            continue
        with pytest.MonkeyPatch.context() as mp:
            if int64_sums:  # the exact integer path of sweeps over 1e8 rows
                mp.setattr("metrics_core.gains._FLOAT_EXACT", 0)
            auc, ap = mc.sweep_rank_scores(sw, np.empty((4, len(sw))))
        same(auc, skm.roc_auc_score(ye, se) if not ye.all() else math.nan)
        same(ap, skm.average_precision_score(ye, se))


@some
@given(
    arrays(np.bool_, st.integers(1, 40)).flatmap(
        lambda y: st.tuples(
            st.just(y),
            arrays(
                np.float64,
                y.shape[0],
                elements=st.one_of(
                    st.sampled_from([0.0, -0.0, 1.0, 0.5, 1e-17, 1 - 1e-17, 2e-16]),
                    st.floats(0, 1),
                ),
            ),
        )
    )
)
def test_log_loss_is_bit_for_bit_the_plain_formula(data):
    y, p = data
    work, negative = np.empty(p.shape[0] + 3), np.empty(p.shape[0] + 3, bool)
    for q in (p, p.astype(np.float32)):  # each in its own precision
        eps = np.finfo(q.dtype).eps
        one = q.dtype.type(1)
        expected = float(np.mean(-np.log(np.clip(np.where(y, q, one - q), eps, 1 - eps))))
        assert _mean_log_loss(y, q, work, negative) == expected
    same(_mean_log_loss(y, p, work, negative), skm.log_loss(y, p, labels=[False, True]))


@some
@given(long_rows(probabilities=True))
def test_threads_give_the_same_curves_as_one(data):
    y, s, codes, k = data
    one = mc.epoch_curves(y, s, codes, k, probabilities=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("metrics_core.epochs._THREADED_ROWS", 0)
        mp.setattr("metrics_core.epochs.WORKERS", 3)
        many = mc.epoch_curves(y, s, codes, k, probabilities=True)
    for field in ("roc_auc", "average_precision", "log_loss"):
        np.testing.assert_array_equal(getattr(many, field), getattr(one, field))
    for a, b in zip(one.sweeps, many.sweeps, strict=True):
        np.testing.assert_array_equal(a.thresholds, b.thresholds)
        np.testing.assert_array_equal(a.tp, b.tp)
        np.testing.assert_array_equal(a.fp, b.fp)


def test_large_shuffled_epochs_equal_sklearn():
    # Above the thresholds for threads and for the chunked grouping of shuffled rows.
    rng = np.random.default_rng(11)
    n, k = 250_000, 3
    codes = rng.integers(0, k, n)
    y = rng.random(n) < 0.3
    s = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1), 3)  # ties, 0 and 1
    curves = mc.epoch_curves(y, s, codes, k, probabilities=True)
    for e in range(k):
        m = codes == e
        same(curves.roc_auc[e], skm.roc_auc_score(y[m], s[m]))
        same(curves.average_precision[e], skm.average_precision_score(y[m], s[m]))
        same(curves.log_loss[e], skm.log_loss(y[m], s[m]))
