"""Curve decimation for display: bounds, kept points and faithfulness to the curve."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_array_equal

import metrics_core as mc


@st.composite
def curves_and_budgets(draw):
    n = draw(st.integers(0, 400))
    coords = st.floats(-1e6, 1e6) | st.sampled_from([np.inf, -np.inf, np.nan, 0.0])
    x = draw(arrays(np.float64, n, elements=coords))
    y = draw(arrays(np.float64, n, elements=coords))
    keep = draw(st.lists(st.integers(0, n - 1), max_size=5)) if n else []
    max_points = draw(st.integers(len(set(keep)) + 2, 60))
    return x, y, max_points, keep


@settings(deadline=None, max_examples=100)
@given(curves_and_budgets())
def test_indices_are_sorted_unique_bounded_and_include_ends_and_keep(case):
    x, y, max_points, keep = case
    n = x.shape[0]
    idx = mc.decimate(x, y, max_points, keep=keep)  # any RuntimeWarning fails the test
    assert idx.dtype.kind == "i"
    assert idx.size <= max_points
    assert (np.diff(idx) > 0).all()  # sorted and unique
    if n:
        assert idx[0] == 0
        assert idx[-1] == n - 1
        assert set(keep) <= set(idx.tolist())
    if n <= max_points:
        assert_array_equal(idx, np.arange(n))


def test_short_curves_are_returned_whole():
    x = np.linspace(0, 1, 50)
    assert_array_equal(mc.decimate(x, x, max_points=50), np.arange(50))
    assert_array_equal(mc.decimate(x, x, max_points=1000), np.arange(50))
    assert_array_equal(mc.decimate([], [], max_points=10), np.arange(0))


def test_long_curves_use_most_of_the_budget():
    x = np.linspace(0, 1, 100_001)
    idx = mc.decimate(x, np.sqrt(x), max_points=500, keep=[123, 45_678])
    assert 450 <= idx.size <= 500
    assert {0, 123, 45_678, 100_000} <= set(idx.tolist())


@pytest.mark.parametrize(
    ("x", "y", "kwargs", "message"),
    [
        (np.arange(5), np.arange(4), {}, "same length"),
        (np.ones((3, 2)), np.ones((3, 2)), {}, "one-dimensional"),
        (np.arange(5), np.arange(5), {"max_points": 1}, "max_points=1"),
        (np.arange(5), np.arange(5), {"max_points": 3, "keep": [1, 2]}, "max_points=3"),
        (np.arange(5), np.arange(5), {"keep": [5]}, "keep holds indices outside 0..4"),
        (np.arange(5), np.arange(5), {"keep": [-1]}, "keep holds indices outside"),
    ],
)
def test_bad_arguments_raise(x, y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mc.decimate(x, y, **kwargs)


def test_decimated_roc_stays_close_to_the_full_curve():
    rng = np.random.default_rng(0)
    n = 100_000
    y = rng.random(n) < 0.2
    scores = rng.normal(loc=1.2 * y, size=n)
    fpr, tpr, _ = mc.roc_curve(y, scores, drop_intermediate=False)
    assert fpr.size > 90_000
    idx = mc.decimate(fpr, tpr, max_points=1000)
    assert idx.size <= 1000

    # Every full-curve point i lies between two kept neighbours a <= i <= b. The ROC
    # curve is monotone, so i is inside the box spanned by a and b: small boxes mean
    # the decimated polyline cannot stray far.
    b = np.searchsorted(idx, np.arange(fpr.size), side="left")
    a = idx[np.maximum(b - 1, 0)]
    b = idx[b]
    a = np.where(b == np.arange(fpr.size), b, a)  # kept points are their own segment
    assert (fpr[b] - fpr[a] < 0.02).all()
    assert (tpr[b] - tpr[a] < 0.02).all()

    # Vertical distance from each full point to the decimated polyline.
    dx = fpr[b] - fpr[a]
    on_segment = np.where(
        dx > 0,
        tpr[a] + (fpr - fpr[a]) * (tpr[b] - tpr[a]) / np.where(dx > 0, dx, 1),
        tpr,  # a vertical segment passes through the point
    )
    assert np.abs(on_segment - tpr).max() < 0.02


def test_non_finite_thresholds_count_as_zero_length_steps():
    # roc_curve's thresholds start at inf; decimating along them must still work.
    rng = np.random.default_rng(1)
    y = rng.random(5000) < 0.5
    _, tpr, thresholds = mc.roc_curve(y, rng.normal(size=5000), drop_intermediate=False)
    idx = mc.decimate(thresholds, tpr, max_points=100)
    assert idx.size <= 100
    assert idx[0] == 0
    assert idx[-1] == tpr.size - 1
