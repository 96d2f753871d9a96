"""Sweeps from pre-aggregated rows: equal to the sweep of the rows written out.

``sweep_from_counts(score, n_pos, n_neg)`` and
``sweep_from_label_counts(score, label, count)`` must give what
:func:`metrics_core.sweep` gives on the expanded samples (integer counts:
exactly; float weight sums: to 1e-12 relative, the order of summation
differs), and what scikit-learn's curves give with ``sample_weight=count`` on
the aggregated rows.
"""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import metrics_core as mc

FINITE = {"allow_nan": False, "allow_infinity": False}
count_settings = settings(
    deadline=None, max_examples=75, suppress_health_check=[HealthCheck.too_slow]
)


# --- strategies -----------------------------------------------------------------


def score_arrays(n: int) -> st.SearchStrategy[np.ndarray]:
    f64 = lambda elements: arrays(np.float64, n, elements=elements)  # noqa: E731
    return st.one_of(
        f64(st.floats(-30, 30, **FINITE)),  # logits, both signs
        f64(st.floats(0, 1, **FINITE).map(lambda v: round(v, 1))),  # repeated scores
        arrays(np.int64, n, elements=st.integers(-2, 2)),  # integer scores, many repeats
        arrays(np.float32, n, elements=st.sampled_from([0.1, 0.2, 0.7, -0.3])),
        f64(st.sampled_from([-0.0, 0.0, 1.0, -1.0])),  # signed zeros are one score
        st.floats(-1e3, 1e3, **FINITE).map(lambda v: np.full(n, v)),  # one score
    )


def count_arrays(n: int, weighted: bool) -> st.SearchStrategy[np.ndarray]:
    if not weighted:
        return arrays(np.int64, n, elements=st.integers(0, 4))  # zeros likely
    return st.one_of(
        arrays(np.float64, n, elements=st.sampled_from([0.0, 0.1, 1 / 3, 0.5, 2.5, 7.0])),
        arrays(np.float64, n, elements=st.just(0.0) | st.floats(1e-6, 10)),
    )


@st.composite
def count_rows(draw, *, weighted: bool | None = None, one_class: bool = False):
    """``(score, n_pos, n_neg)`` with at least one non-zero count."""
    n = draw(st.integers(1, 25))
    if weighted is None:
        weighted = draw(st.booleans())
    score = draw(score_arrays(n))
    n_pos = draw(count_arrays(n, weighted))
    n_neg = draw(count_arrays(n, weighted))
    if one_class:
        (n_pos if draw(st.booleans()) else n_neg)[:] = 0
    if not (n_pos > 0).any() and not (n_neg > 0).any():
        n_pos[draw(st.integers(0, n - 1))] = 1
    return score, n_pos, n_neg


def expand(score, n_pos, n_neg):
    """The samples the rows stand for: one sample per unit of count (integers)."""
    y = np.r_[np.ones(n_pos.sum(), bool), np.zeros(n_neg.sum(), bool)]
    s = np.r_[np.repeat(score, n_pos), np.repeat(score, n_neg)]
    return y, s


def as_weighted_samples(score, n_pos, n_neg):
    """Each row as two weighted samples: its positives and its negatives."""
    n = score.shape[0]
    return np.r_[np.ones(n, bool), np.zeros(n, bool)], np.r_[score, score], np.r_[n_pos, n_neg]


def assert_sweeps_equal(ours: mc.Sweep, expected: mc.Sweep, *, exact: bool) -> None:
    assert_array_equal(ours.thresholds, expected.thresholds)
    assert ours.tp.dtype == expected.tp.dtype
    assert ours.fp.dtype == expected.fp.dtype
    assert ours.weighted == expected.weighted
    if exact:
        assert_array_equal(ours.tp, expected.tp)
        assert_array_equal(ours.fp, expected.fp)
        assert (ours.n_pos, ours.n_neg) == (expected.n_pos, expected.n_neg)
        assert type(ours.n_pos) is type(expected.n_pos)
    else:
        # Sums per score, then across scores, rather than sample by sample.
        assert_allclose(ours.tp, expected.tp, rtol=1e-12, atol=0)
        assert_allclose(ours.fp, expected.fp, rtol=1e-12, atol=0)
        assert_allclose([ours.n_pos, ours.n_neg], [expected.n_pos, expected.n_neg], rtol=1e-12)


# --- equal to the sweep of the expanded rows ------------------------------------------


@count_settings
@given(count_rows(weighted=False))
def test_integer_counts_equal_the_sweep_of_the_expanded_samples(rows):
    score, n_pos, n_neg = rows
    ours = mc.sweep_from_counts(score, n_pos, n_neg)
    assert ours.tp.dtype == np.int32
    assert_sweeps_equal(ours, mc.sweep(*expand(score, n_pos, n_neg)), exact=True)


@count_settings
@given(count_rows(weighted=False))
def test_integer_counts_equal_the_sweep_with_integer_sample_weights(rows):
    """Integer counts as sample weights give the same sums, but a weighted sweep."""
    score, n_pos, n_neg = rows
    ours = mc.sweep_from_counts(score, n_pos, n_neg)
    y, s, w = as_weighted_samples(score, n_pos, n_neg)
    weighted = mc.sweep(y, s, sample_weight=w)
    assert_array_equal(ours.thresholds, weighted.thresholds)
    assert_array_equal(ours.tp, weighted.tp)
    assert_array_equal(ours.fp, weighted.fp)


@count_settings
@given(count_rows(weighted=True))
def test_float_counts_equal_the_weighted_sweep_of_the_rows(rows):
    score, n_pos, n_neg = rows
    ours = mc.sweep_from_counts(score, n_pos, n_neg)
    assert ours.weighted
    y, s, w = as_weighted_samples(score, n_pos, n_neg)
    assert_sweeps_equal(ours, mc.sweep(y, s, sample_weight=w), exact=False)


@count_settings
@given(count_rows(), st.data())
def test_counts_at_any_threshold_equal_the_expanded_sweep(rows, data):
    score, n_pos, n_neg = rows
    ours = mc.sweep_from_counts(score, n_pos, n_neg)
    y, s, w = as_weighted_samples(score, n_pos, n_neg)
    expected = mc.sweep(y, s, sample_weight=w)
    values = np.unique(score.astype(np.float64)).tolist()
    ts = data.draw(st.lists(st.sampled_from([*values, np.inf, -np.inf]), min_size=1))
    ts.append(data.draw(st.floats(allow_nan=False)))
    for t in ts:
        a, b = ours.at(t), expected.at(t)
        assert_allclose([a.tp, a.fp, a.fn, a.tn], [b.tp, b.fp, b.fn, b.tn], rtol=1e-12, atol=0)


# --- equal to scikit-learn with sample_weight=count ------------------------------------


def sklearn_quietly(func, *args, **kwargs):
    """scikit-learn's value; it warns (e.g. one class only) where ours gives nan."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@count_settings
@given(count_rows())
def test_counts_equal_sklearn_confusion_matrix_at_thresholds(rows):
    score, n_pos, n_neg = rows
    ours = mc.sweep_from_counts(score, n_pos, n_neg)
    y, s, w = as_weighted_samples(score, n_pos, n_neg)
    tns, fps, fns, tps, thresholds = skm.confusion_matrix_at_thresholds(y, s, sample_weight=w)
    assert_array_equal(ours.thresholds, thresholds)
    # Integer counts sum exactly in any order; weight sums to rounding.
    rtol = 0 if n_pos.dtype.kind == "i" else 1e-12
    for got, want in ((ours.tp, tps), (ours.fp, fps), (ours.fn, fns), (ours.tn, tns)):
        assert_allclose(got, want, rtol=rtol, atol=rtol * (tps[-1] + fps[-1]))


@count_settings
@given(count_rows())
def test_counts_equal_sklearn_roc_and_precision_recall_curves(rows):
    score, n_pos, n_neg = rows
    ours = mc.sweep_from_counts(score, n_pos, n_neg)
    y, s, w = as_weighted_samples(score, n_pos, n_neg)
    rtol = 0 if n_pos.dtype.kind == "i" else 1e-12

    fpr, tpr, roc_thresholds = sklearn_quietly(
        skm.roc_curve, y, s, sample_weight=w, drop_intermediate=False
    )
    assert_array_equal(ours.thresholds, roc_thresholds[1:])  # sklearn prepends inf
    # nan where a class has no samples, in both (assert_allclose compares nan-ness).
    with np.errstate(invalid="ignore"):
        assert_allclose(ours.fpr, fpr[1:], rtol=rtol, atol=rtol)
        assert_allclose(ours.recall, tpr[1:], rtol=rtol, atol=rtol)
    assert np.isnan(ours.fpr).any() == (ours.n_neg == 0)
    assert np.isnan(ours.recall).any() == (ours.n_pos == 0)

    precision, recall, pr_thresholds = sklearn_quietly(
        skm.precision_recall_curve, y, s, sample_weight=w
    )
    assert_array_equal(ours.thresholds, pr_thresholds[::-1])
    # Every threshold flags at least one sample, so precision is defined; sklearn
    # sets recall to 1 when there are no positives, where ours is undefined.
    assert not np.isnan(ours.precision).any()
    assert_allclose(ours.precision, precision[-2::-1], rtol=rtol, atol=rtol)
    if ours.n_pos > 0:
        assert_allclose(ours.recall, recall[-2::-1], rtol=rtol, atol=rtol)
    else:
        assert np.isnan(ours.recall).all()
        assert_array_equal(recall[:-1], 1.0)


# --- the long score, label, count layout --------------------------------------------

LABEL_KINDS = {
    "int01": (0, 1),
    "bool": (False, True),
    "pm1": (-1, 1),
    "str": ("legit", "fraud"),
}


@count_settings
@given(st.integers(1, 25), st.sampled_from(sorted(LABEL_KINDS)), st.booleans(), st.data())
def test_label_counts_equal_the_sweep_of_the_expanded_samples(n, kind, weighted, data):
    score = data.draw(score_arrays(n))
    positive = data.draw(arrays(np.bool_, n))
    count = data.draw(count_arrays(n, weighted))
    if not (count > 0).any():
        count[0] = 1
    neg, pos = LABEL_KINDS[kind]
    label = np.where(positive, pos, neg)
    pos_label = "fraud" if kind == "str" else data.draw(st.sampled_from([None, pos]))
    ours = mc.sweep_from_label_counts(score, label, count, pos_label=pos_label)
    if weighted:
        expected = mc.sweep(label, score, pos_label=pos_label, sample_weight=count)
    else:
        expected = mc.sweep(np.repeat(label, count), np.repeat(score, count), pos_label=pos_label)
    assert_sweeps_equal(ours, expected, exact=not weighted)
    same = mc.sweep_from_counts(score, np.where(positive, count, 0), np.where(positive, 0, count))
    assert_sweeps_equal(ours, same, exact=True)


def test_label_counts_merge_repeated_score_label_pairs():
    sw = mc.sweep_from_label_counts(
        [0.9, 0.9, 0.2, 0.9, 0.2],
        ["fraud", "legit", "legit", "fraud", "fraud"],
        [3, 1, 5, 2, 0],
        pos_label="fraud",
    )
    assert_array_equal(sw.thresholds, [0.9, 0.2])
    assert_array_equal(sw.tp, [5, 5])
    assert_array_equal(sw.fp, [1, 6])
    assert (sw.n_pos, sw.n_neg) == (5, 6)


def test_label_counts_need_pos_label_for_other_labels():
    with pytest.raises(ValueError, match="pos_label"):
        mc.sweep_from_label_counts([0.1, 0.2], ["a", "b"], [1, 1])
    with pytest.raises(ValueError, match="pos_label='c' is not a label"):
        mc.sweep_from_label_counts([0.1, 0.2], ["a", "b"], [1, 1], pos_label="c")


# --- by hand: ties, zero rows, one class, dtypes --------------------------------------


def test_repeated_scores_are_merged_into_one_threshold():
    sw = mc.sweep_from_counts([0.5, 0.2, 0.5, -0.0, 0.0], [1, 0, 2, 1, 0], [0, 4, 1, 0, 2])
    assert_array_equal(sw.thresholds, [0.5, 0.2, 0.0])
    assert_array_equal(sw.tp, [3, 3, 4])
    assert_array_equal(sw.fp, [1, 5, 7])
    assert (sw.n_pos, sw.n_neg) == (4, 7)
    assert not np.signbit(sw.thresholds).any()  # -0.0 and 0.0 are shown as 0.0


def test_rows_without_samples_add_no_threshold():
    sw = mc.sweep_from_counts([0.9, 0.5, 0.3], [1, 0, 0], [0, 0, 2])
    assert_array_equal(sw.thresholds, [0.9, 0.3])
    assert_array_equal(sw.tp, [1, 1])
    assert_array_equal(sw.fp, [0, 2])
    weighted = mc.sweep_from_counts([0.9, 0.5, 0.3], [1.0, 0.0, 0.0], [0.0, 0.0, 2.5])
    assert_array_equal(weighted.thresholds, [0.9, 0.3])


@pytest.mark.parametrize(("n_pos", "n_neg"), [([2, 1, 3], [0, 0, 0]), ([0, 0, 0], [2, 1, 3])])
def test_one_class_only(n_pos, n_neg):
    score = [0.3, 0.8, 0.3]
    sw = mc.sweep_from_counts(score, n_pos, n_neg)
    expected = mc.sweep(*expand(np.array(score), np.array(n_pos), np.array(n_neg)))
    assert_sweeps_equal(sw, expected, exact=True)
    with np.errstate(invalid="ignore"):
        undefined = sw.recall if sw.n_pos == 0 else sw.fpr
    assert np.isnan(undefined).all()


def test_count_dtypes_follow_the_unweighted_sweep():
    small = mc.sweep_from_counts([0.1, 0.2], [1, 2], [3, 0])
    assert small.tp.dtype == small.fp.dtype == np.int32
    assert type(small.n_pos) is int
    assert type(small.at(0.15).tp) is int
    # From 2**31 samples on int32 would overflow, as for the unweighted sweep.
    big = mc.sweep_from_counts([0.1, 0.2], np.array([2**31, 5], dtype=np.uint64), [0, 7])
    assert big.tp.dtype == big.fp.dtype == np.int64
    assert big.n_pos == 2**31 + 5
    assert big.tp.tolist() == [5, 2**31 + 5]
    for n_pos, n_neg in (([1.0, 2.0], [3.0, 0.0]), ([1, 2], [3.0, 0.0])):
        weighted = mc.sweep_from_counts([0.1, 0.2], n_pos, n_neg)
        assert weighted.weighted
        assert weighted.tp.dtype == weighted.fp.dtype == np.float64
        assert type(weighted.n_pos) is float


def test_float32_scores_give_the_thresholds_of_the_sweep():
    score = np.array([0.1, 0.7, 0.1, 0.3], dtype=np.float32)
    sw = mc.sweep_from_counts(score, [1, 0, 2, 1], [1, 1, 0, 0])
    assert sw.thresholds.dtype == np.float64
    assert_array_equal(sw.thresholds, mc.sweep([1, 0, 1, 1], score).thresholds)


def test_arrays_are_read_only():
    sw = mc.sweep_from_counts([0.1, 0.2], [1, 2], [3, 0])
    for arr in (sw.thresholds, sw.tp, sw.fp):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0


# --- errors at the boundary ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([], [], []), "score is empty"),
        (([0.1, 0.2], [1, 2], [1]), "n_neg has 1 values but score has 2"),
        (([0.1], [1, 2], [1]), "n_pos has 2 values but score has 1"),
        (([0.1, np.nan], [1, 2], [1, 0]), "score contains 1 non-finite"),
        (([0.1, np.inf], [1, 2], [1, 0]), "score contains 1 non-finite"),
        (([0.1, 0.2], [1, -2], [1, 0]), "n_pos contains 1 negative"),
        (([0.1, 0.2], [1, 2], [-0.5, 0]), "n_neg contains 1 negative"),
        (([0.1, 0.2], [1, np.nan], [1, 0]), "n_pos contains NaN or inf"),
        (([0.1, 0.2], [1, 2], [np.inf, 0]), "n_neg contains NaN or inf"),
        (([0.1, 0.2], [0, 0], [0, 0]), "Every count is zero"),
        (([0.1, 0.2], [0.0, 0.0], [0, 0]), "Every count is zero"),
        (([0.1, 0.2], ["1", "2"], [0, 0]), "n_pos must hold numbers"),
        (([[0.1, 0.2], [0.3, 0.4]], [1, 2], [0, 0]), "score must be one-dimensional"),
        (([0.1, 0.2], [1, 2**62], [0, 0]), "more than 2\\*\\*62"),
    ],
)
def test_bad_counts_raise_clear_errors(args, match):
    with pytest.raises(ValueError, match=match):
        mc.sweep_from_counts(*args)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([], [], []), "score is empty"),
        (([0.1, 0.2], [1], [1, 2]), "label has 1 values but score has 2"),
        (([0.1, 0.2], [1, 0], [1]), "count has 1 values but score has 2"),
        (([0.1, 0.2], [1, 0], [1, -1]), "count contains 1 negative"),
        (([0.1, 0.2], [1, 0], [0, 0]), "Every count is zero"),
    ],
)
def test_bad_label_counts_raise_clear_errors(args, match):
    with pytest.raises(ValueError, match=match):
        mc.sweep_from_label_counts(*args)
