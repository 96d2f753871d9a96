"""Unit tests of the threshold sweep with hand-derived expectations."""

import zlib

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import metrics_core as mc
from metrics_core import _sweep
from metrics_core.metrics import METRICS

TOY_Y = [0, 0, 1, 1]
TOY_S = [0.1, 0.4, 0.35, 0.8]


@pytest.fixture
def toy() -> mc.Sweep:
    return mc.sweep(TOY_Y, TOY_S)


def counts(point: mc.OperatingPoint) -> tuple:
    return point.tp, point.fp, point.fn, point.tn


# --- the toy example, by hand ----------------------------------------------------


def test_toy_sweep_has_one_threshold_per_distinct_score_in_decreasing_order(toy):
    assert_array_equal(toy.thresholds, [0.8, 0.4, 0.35, 0.1])
    assert_array_equal(toy.tp, [1, 1, 2, 2])
    assert_array_equal(toy.fp, [0, 1, 1, 2])
    assert_array_equal(toy.fn, [1, 1, 0, 0])
    assert_array_equal(toy.tn, [2, 1, 1, 0])
    assert (toy.n_pos, toy.n_neg, toy.total, len(toy)) == (2, 2, 4, 4)
    assert not toy.weighted


def test_toy_sweep_metric_curves(toy):
    assert_array_equal(toy.precision, [1.0, 0.5, 2 / 3, 0.5])
    assert_array_equal(toy.recall, [0.5, 0.5, 1.0, 1.0])
    assert_array_equal(toy.fpr, [0.0, 0.5, 0.5, 1.0])
    assert_array_equal(toy.specificity, [1.0, 0.5, 0.5, 0.0])
    assert_array_equal(toy.accuracy, [0.75, 0.5, 0.75, 0.5])
    assert_array_equal(toy.f1, [2 / 3, 0.5, 0.8, 2 / 3])


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (np.inf, (0, 0, 2, 2)),
        (0.9, (0, 0, 2, 2)),
        (0.8, (1, 0, 1, 2)),
        (0.5, (1, 0, 1, 2)),
        (0.4, (1, 1, 1, 1)),
        (0.36, (1, 1, 1, 1)),
        (0.35, (2, 1, 0, 1)),
        (0.2, (2, 1, 0, 1)),
        (0.1, (2, 2, 0, 0)),
        (-5.0, (2, 2, 0, 0)),
        (-np.inf, (2, 2, 0, 0)),
    ],
)
def test_toy_counts_at_any_threshold(toy, threshold, expected):
    point = toy.at(threshold)
    assert counts(point) == expected
    assert point.threshold == threshold
    assert point.n_flagged == expected[0] + expected[1]
    assert point.total == 4


def test_toy_index_counts_distinct_thresholds_at_or_above(toy):
    assert [toy.index(t) for t in (np.inf, 0.8, 0.5, 0.35, 0.1, -np.inf)] == [0, 1, 1, 3, 4, 4]


def test_point_i_is_at_the_ith_threshold(toy):
    for i, t in enumerate(toy.thresholds):
        assert toy.point(i) == toy.at(t)


def test_unweighted_counts_at_a_threshold_are_python_ints(toy):
    point = toy.at(0.35)
    assert all(type(c) is int for c in counts(point))
    assert point.precision == pytest.approx(2 / 3)


# --- the tie rule and degenerate inputs --------------------------------------------


def test_a_score_exactly_at_the_threshold_is_predicted_positive():
    sw = mc.sweep([1, 0, 1], [0.5, 0.5, 0.2])
    assert counts(sw.at(0.5)) == (1, 1, 1, 0)
    assert counts(sw.at(np.nextafter(0.5, 1.0))) == (0, 0, 2, 1)
    assert counts(sw.at(np.nextafter(0.5, 0.0))) == (1, 1, 1, 0)


def test_all_tied_scores_give_a_single_threshold():
    sw = mc.sweep([1, 0, 1, 1, 0], [0.3] * 5)
    assert_array_equal(sw.thresholds, [0.3])
    assert_array_equal(sw.tp, [3])
    assert_array_equal(sw.fp, [2])
    assert counts(sw.at(0.3)) == (3, 2, 0, 0)
    assert counts(sw.at(0.31)) == (0, 0, 3, 2)


def test_one_row():
    sw = mc.sweep([1], [0.7])
    assert_array_equal(sw.thresholds, [0.7])
    assert (sw.tp.tolist(), sw.fp.tolist(), sw.n_pos, sw.n_neg) == ([1], [0], 1, 0)
    point = sw.at(0.7)
    assert (point.precision, point.recall, point.f1) == (1.0, 1.0, 1.0)
    assert np.isnan(point.specificity)
    assert np.isnan(point.fpr)


def undefined_everywhere(sw: mc.Sweep) -> set[str]:
    return {name for name, curve in sw.metrics().items() if np.isnan(curve).all()}


def test_only_positives_leaves_the_negative_side_metrics_undefined():
    sw = mc.sweep([1, 1, 1], [0.2, 0.5, 0.9])
    assert_array_equal(sw.fp, [0, 0, 0])
    assert undefined_everywhere(sw) == {
        "specificity",
        "fpr",
        "balanced_accuracy",
        "informedness",
        "mcc",
        "lr_plus",
        "lr_minus",
    }
    assert_array_equal(sw.precision, [1.0, 1.0, 1.0])
    assert_array_equal(sw.recall, [1 / 3, 2 / 3, 1.0])
    # Nothing is predicted negative at the lowest threshold.
    assert_array_equal(sw.npv, [0.0, 0.0, np.nan])
    assert_array_equal(sw.cohen_kappa, [0.0, 0.0, np.nan])


def test_only_negatives_leaves_the_positive_side_metrics_undefined():
    sw = mc.sweep([0, 0, 0], [0.2, 0.5, 0.9])
    assert_array_equal(sw.tp, [0, 0, 0])
    assert undefined_everywhere(sw) == {
        "recall",
        "fnr",
        "balanced_accuracy",
        "informedness",
        "mcc",
        "lr_plus",
        "lr_minus",
    }
    assert_array_equal(sw.precision, [0.0, 0.0, 0.0])
    assert_array_equal(sw.f1, [0.0, 0.0, 0.0])
    assert np.isnan(sw.at(np.inf).precision)


def test_thresholds_are_strictly_decreasing():
    rng = np.random.default_rng(0)
    for scores in (rng.normal(size=500), rng.integers(-3, 3, 500), rng.random(500).round(2)):
        sw = mc.sweep(rng.integers(0, 2, 500), scores)
        assert (np.diff(sw.thresholds) < 0).all()
        assert len(sw) == np.unique(scores).size


def test_arrays_are_read_only(toy):
    for arr in (toy.thresholds, toy.tp, toy.fp, toy.fn, toy.tn):
        assert not arr.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0


@pytest.mark.parametrize("bad", [np.nan, float("nan"), "high", None])
def test_at_rejects_a_threshold_that_is_not_a_real_number(toy, bad):
    with pytest.raises(ValueError, match="threshold"):
        toy.at(bad)


# --- dtypes -------------------------------------------------------------------------


def test_unweighted_counts_are_integers_and_weighted_counts_floats():
    unweighted = mc.sweep(TOY_Y, TOY_S)
    assert unweighted.tp.dtype == np.int32
    assert unweighted.fp.dtype == np.int32
    assert _sweep._count_dtype(2**31 - 1) is np.int32
    assert _sweep._count_dtype(2**31) is np.int64  # int32 would overflow
    for weights in ([1, 2, 1, 1], [0.5, 1.0, 2.0, 1.0]):
        weighted = mc.sweep(TOY_Y, TOY_S, sample_weight=weights)
        assert weighted.weighted
        assert weighted.tp.dtype == np.float64
        assert weighted.fp.dtype == np.float64
        assert weighted.thresholds.dtype == np.float64
        assert all(type(c) is float for c in counts(weighted.at(0.35)))


def test_weighted_counts_sum_weights():
    sw = mc.sweep(TOY_Y, TOY_S, sample_weight=[1.0, 2.0, 3.0, 4.0])
    assert_array_equal(sw.thresholds, [0.8, 0.4, 0.35, 0.1])
    assert_array_equal(sw.tp, [4.0, 4.0, 7.0, 7.0])
    assert_array_equal(sw.fp, [0.0, 2.0, 2.0, 3.0])
    assert (sw.n_pos, sw.n_neg) == (7.0, 3.0)


def test_zero_weight_samples_add_no_thresholds():
    sw = mc.sweep([1, 0, 0, 1], [0.9, 0.5, 0.3, 0.1], sample_weight=[1.0, 0.0, 2.0, 1.0])
    assert_array_equal(sw.thresholds, [0.9, 0.3, 0.1])
    assert_array_equal(sw.tp, [1.0, 1.0, 2.0])
    assert_array_equal(sw.fp, [0.0, 2.0, 2.0])
    without = mc.sweep([1, 0, 1], [0.9, 0.3, 0.1], sample_weight=[1.0, 2.0, 1.0])
    assert_array_equal(sw.thresholds, without.thresholds)
    assert_array_equal(sw.tp, without.tp)


def test_float32_scores_give_float64_thresholds_equal_to_the_float32_values():
    scores = np.array([0.1, 0.7, 0.3, 0.7], dtype=np.float32)
    sw = mc.sweep([0, 1, 1, 0], scores)
    assert sw.thresholds.dtype == np.float64
    assert_array_equal(sw.thresholds, np.float32([0.7, 0.3, 0.1]).astype(np.float64))
    assert sw.thresholds[-1] != 0.1  # float32(0.1) is not the double 0.1
    # Thresholds are not rounded to float32: the next double above float32(0.1)
    # already leaves that sample out.
    lowest = float(np.float32(0.1))
    assert counts(sw.at(lowest)) == (2, 2, 0, 0)
    assert counts(sw.at(np.nextafter(lowest, 1.0))) == (2, 1, 0, 1)


@pytest.mark.parametrize(
    "scores",
    [[-0.0, 0.0, 1.0, 0.0], [-0.0, 0.0, 1.0, -1.0]],
    ids=["non-negative", "mixed-signs"],
)
def test_minus_zero_and_zero_are_one_threshold(scores):
    sw = mc.sweep([1, 0, 1, 0], scores)
    assert len(sw) == len(set(scores))  # set() also treats -0.0 == 0.0
    i = int(np.flatnonzero(sw.thresholds == 0)[0])
    assert (sw.tp[i], sw.fp[i]) == (2, 2 if -1.0 not in scores else 1)


def test_weighted_and_unweighted_agree_for_unit_weights():
    rng = np.random.default_rng(1)
    y, s = rng.integers(0, 2, 300), rng.integers(0, 20, 300) / 7
    plain = mc.sweep(y, s)
    weighted = mc.sweep(y, s, sample_weight=np.ones(300))
    assert_array_equal(plain.thresholds, weighted.thresholds)
    assert_array_equal(plain.tp, weighted.tp)
    assert_array_equal(plain.fp, weighted.fp)


def test_sweep_clean_equals_sweep_on_clean_input():
    y = np.array([False, True, True, False])
    s = np.array(TOY_S)
    a, b = mc.sweep_clean(y, s), mc.sweep(y, s)
    assert_array_equal(a.thresholds, b.thresholds)
    assert_array_equal(a.tp, b.tp)
    assert_array_equal(a.fp, b.fp)


def test_metrics_dict_has_every_registered_metric(toy):
    assert set(toy.metrics()) == set(METRICS)
    assert "n_thresholds=4" in repr(toy)


# --- a large random case against a brute-force reference ---------------------------

N = 200_000


def brute_force(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct scores, and per threshold the positives and negatives with score >= it."""
    s = s.astype(np.float64)
    thresholds = np.unique(s)[::-1]
    pos, neg = np.sort(s[y]), np.sort(s[~y])
    tp = pos.size - np.searchsorted(pos, thresholds, side="left")
    fp = neg.size - np.searchsorted(neg, thresholds, side="left")
    return thresholds, tp, fp


def internal_path(y: np.ndarray, s: np.ndarray) -> tuple[str, str]:
    """Which branches of _sweep._sweep_unweighted these inputs take."""
    s = s.astype(np.float64)
    if s.min() >= 0:
        signs = "non-negative"
    elif (s < 0).all():
        signs = "all-negative"
    else:
        signs = "mixed-signs"
    runs = np.unique(s[y]).size + np.unique(s[~y]).size  # runs of equal (score, label)
    if runs <= s.size // 8:
        ties = "heavily-tied"
    elif np.unique(s).size == s.size:
        ties = "no-ties"
    else:
        ties = "partly-tied"
    return signs, ties


def large_scores(kind: str, rng: np.random.Generator) -> np.ndarray:
    half = N // 2
    return {
        "uniform": lambda: rng.random(N),
        "normal": lambda: rng.standard_normal(N),
        "negative": lambda: -rng.random(N) - 1e-3,
        "cents": lambda: rng.integers(0, 101, N) / 100,
        "integers": lambda: rng.integers(-50, 50, N).astype(np.float64),
        "negative-ints": lambda: rng.integers(-9, 0, N).astype(np.float64),
        "rounded-5": lambda: rng.random(N).round(5),
        "half-tied": lambda: np.r_[rng.standard_normal(half), rng.integers(-5, 5, N - half)],
        "float32-normal": lambda: rng.standard_normal(N).astype(np.float32),
        "float32-uniform": lambda: rng.random(N).astype(np.float32),
        "float32-tied": lambda: (rng.integers(-10, 10, N) / 10).astype(np.float32),
        "signed-zeros": lambda: rng.choice([-0.0, 0.0, 0.5, -0.5, 1.0], N),
        "zeros-non-negative": lambda: rng.choice([-0.0, 0.0, 0.25], N),
        "all-tied": lambda: np.full(N, 0.3),
        "extremes": lambda: rng.choice([-1e300, -1e-300, 5e-324, 1e-300, 1e300], N),
    }[kind]()


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("uniform", ("non-negative", "no-ties")),
        ("normal", ("mixed-signs", "no-ties")),
        ("negative", ("all-negative", "no-ties")),
        ("cents", ("non-negative", "heavily-tied")),
        ("integers", ("mixed-signs", "heavily-tied")),
        ("negative-ints", ("all-negative", "heavily-tied")),
        ("rounded-5", ("non-negative", "partly-tied")),
        ("half-tied", ("mixed-signs", "partly-tied")),
        ("float32-normal", ("mixed-signs", "partly-tied")),
        ("float32-uniform", ("non-negative", "partly-tied")),
        ("float32-tied", ("mixed-signs", "heavily-tied")),
        ("signed-zeros", ("mixed-signs", "heavily-tied")),
        ("zeros-non-negative", ("non-negative", "heavily-tied")),
        ("all-tied", ("non-negative", "heavily-tied")),
        ("extremes", ("mixed-signs", "heavily-tied")),
    ],
)
def test_large_sweep_equals_brute_force(kind, path):
    rng = np.random.default_rng(zlib.crc32(kind.encode()))
    s = large_scores(kind, rng)
    y = rng.random(N) < rng.uniform(0.05, 0.6)
    assert internal_path(y, s) == path  # the case exercises the branch it names
    sw = mc.sweep(y, s)
    thresholds, tp, fp = brute_force(y, s)
    assert_array_equal(sw.thresholds, thresholds)
    assert_array_equal(sw.tp, tp)
    assert_array_equal(sw.fp, fp)
    assert sw.n_pos == y.sum()
    assert sw.n_neg == (~y).sum()
    for t in (thresholds[0], thresholds[-1], thresholds[len(thresholds) // 2]):
        expected_tp = int((s.astype(np.float64)[y] >= t).sum())
        assert sw.at(t).tp == expected_tp


@pytest.mark.parametrize("kind", ["normal", "integers"])
def test_large_sweep_of_one_class_equals_brute_force(kind):
    rng = np.random.default_rng(7)
    s = large_scores(kind, rng)
    for y in (np.zeros(N, dtype=bool), np.ones(N, dtype=bool)):
        sw = mc.sweep(y, s)
        thresholds, tp, fp = brute_force(y, s)
        assert_array_equal(sw.thresholds, thresholds)
        assert_array_equal(sw.tp, tp)
        assert_array_equal(sw.fp, fp)


def test_large_weighted_sweep_equals_sklearn_bit_for_bit():
    from sklearn.metrics import confusion_matrix_at_thresholds

    rng = np.random.default_rng(3)
    s = np.r_[rng.standard_normal(N // 2), rng.integers(-5, 5, N - N // 2)]
    y = rng.random(N) < 0.3
    w = rng.exponential(size=N) * (rng.random(N) > 0.1)  # some zero weights
    sw = mc.sweep(y, s, sample_weight=w)
    tns, fps, fns, tps, thresholds = confusion_matrix_at_thresholds(y, s, sample_weight=w)
    assert_array_equal(sw.thresholds, thresholds)
    assert_array_equal(sw.tp, tps)
    assert_array_equal(sw.fp, fps)
    assert_array_equal(sw.fn, fns)
    assert_array_equal(sw.tn, tns)


# --- the weighted order: one sort of (score prefix, row, label) keys --------------------


def weighted_path(s: np.ndarray) -> str:
    """How _sweep._stable_descending_order sorts these scores (n = N rows)."""
    b = N.bit_length() + 1  # bits of the row index and the label
    keys, span = _sweep._descending_keys(s)
    shift = max(0, span.bit_length() - (64 - b))
    if shift == 0:
        return "exact-keys"
    prefix = keys >> np.uint64(shift)
    if np.unique(prefix).size == np.unique(keys).size:
        return "prefix-separates"  # distinct scores never share a prefix
    largest_run = np.unique(prefix, return_counts=True)[1].max()
    return "one-run" if largest_run > N // 2 else "runs-re-sorted"


def weighted_scores(kind: str, rng: np.random.Generator) -> np.ndarray:
    ulps = lambda k: 1 + rng.integers(0, 2**k, N) * 2.0**-52  # noqa: E731
    far = np.array([-1e300, 1e300])  # widens the range: fewer score bits fit
    return {
        "float32-normal": lambda: rng.standard_normal(N).astype(np.float32),
        "float32-tied": lambda: (rng.integers(-10, 10, N) / 10).astype(np.float32),
        "narrow": lambda: 0.5 + rng.random(N) * 1e-6,
        "uniform": lambda: rng.random(N),
        "normal": lambda: rng.standard_normal(N),
        "signed-zeros": lambda: rng.choice([-0.0, 0.0, 0.5, -0.5, 1.0], N),
        "clustered": lambda: np.r_[ulps(30)[:-2], far],
        "one-cluster": lambda: np.r_[ulps(16)[:-2], far],
    }[kind]()


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("float32-normal", "exact-keys"),
        ("float32-tied", "exact-keys"),
        ("narrow", "exact-keys"),
        ("uniform", "prefix-separates"),
        ("normal", "prefix-separates"),
        ("signed-zeros", "prefix-separates"),
        ("clustered", "runs-re-sorted"),
        ("one-cluster", "one-run"),
    ],
)
def test_weighted_sweep_sums_in_sklearn_order_on_every_path(kind, path):
    from sklearn.metrics import confusion_matrix_at_thresholds

    rng = np.random.default_rng(zlib.crc32(kind.encode()))
    s = weighted_scores(kind, rng)
    assert weighted_path(s) == path  # the case exercises the branch it names
    y = rng.random(N) < 0.3
    w = rng.exponential(size=N) * (rng.random(N) > 0.1)  # some zero weights
    order, values, labels = _sweep._stable_descending_order(y, s, w)
    keep = np.flatnonzero(w)
    expected = keep[np.argsort(-s[keep], kind="stable")]
    assert_array_equal(order, expected)
    assert_array_equal(values, s[expected])
    assert_array_equal(labels, y[expected])
    sw = mc.sweep(y, s, sample_weight=w)
    tns, fps, fns, tps, thresholds = confusion_matrix_at_thresholds(y, s, sample_weight=w)
    assert_array_equal(sw.thresholds, thresholds)
    assert_array_equal(sw.tp, tps)
    assert_array_equal(sw.fp, fps)
    assert_array_equal(sw.fn, fns)
    assert_array_equal(sw.tn, tns)
    assert not (np.signbit(sw.thresholds) & (sw.thresholds == 0)).any()  # 0.0, never -0.0


@pytest.mark.parametrize("shift", [11, 64])  # 64: the keys do not fit, a stable argsort
def test_sort_runs_orders_each_run_by_decreasing_score_stably(shift):
    rng = np.random.default_rng(5)
    size = rng.integers(1, 50, 200)
    # Run r holds scores a few ulps above 1 + base_r ulps (base decreasing),
    # differing by less than 2**11 ulps within the run; ties are likely.
    base = np.repeat((size.shape[0] - np.arange(size.shape[0])) * 2**12, size)
    values = 1 + (base + rng.integers(0, 8, base.shape[0]) * 2**7) * 2.0**-52
    expected = np.argsort(-values, kind="stable")
    assert not np.array_equal(expected, np.arange(values.shape[0]))  # not sorted already
    assert_array_equal(_sweep._sort_runs(values, size, shift), expected)
