"""Point metrics over confusion counts: hand-computed values and the NaN rule."""

import inspect
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

import metrics_core as mc
from metrics_core import metrics as m
from metrics_core.metrics import METRICS

# A screening test on 1000 people with 100 positives.
TP, FP, FN, TN = 40, 10, 60, 890

HAND_COMPUTED = {
    "precision": 40 / 50,
    "recall": 40 / 100,
    "specificity": 890 / 900,
    "fpr": 10 / 900,
    "fnr": 60 / 100,
    "npv": 890 / 950,
    "fdr": 10 / 50,
    "false_omission_rate": 60 / 950,
    "accuracy": 930 / 1000,
    "balanced_accuracy": (0.4 + 890 / 900) / 2,
    "f1": 80 / 150,
    "mcc": (40 * 890 - 10 * 60) / math.sqrt(50 * 100 * 900 * 950),
    "cohen_kappa": 2 * (40 * 890 - 60 * 10) / (50 * 900 + 100 * 950),  # = 0.5
    "informedness": 0.4 - 10 / 900,
    "markedness": 0.8 + 890 / 950 - 1,
    "prevalence": 100 / 1000,
    "predicted_positive_rate": 50 / 1000,
    "lr_plus": 0.4 / (10 / 900),  # = 36
    "lr_minus": 0.6 / (890 / 900),
}


def test_hand_computed_values_cover_every_registered_metric():
    assert set(HAND_COMPUTED) == set(METRICS)


@pytest.mark.parametrize("name", sorted(HAND_COMPUTED))
def test_metric_on_hand_computed_counts(name):
    value = METRICS[name](TP, FP, FN, TN)
    assert value == pytest.approx(HAND_COMPUTED[name], rel=1e-14)
    assert np.ndim(value) == 0
    assert isinstance(value, float)


def test_round_values_come_out_exactly():
    assert m.cohen_kappa(TP, FP, FN, TN) == 0.5
    assert m.positive_likelihood_ratio(TP, FP, FN, TN) == pytest.approx(36.0, rel=1e-15)
    assert m.accuracy(TP, FP, FN, TN) == 0.93
    assert m.precision(TP, FP, FN, TN) == 0.8


@pytest.mark.parametrize(
    ("beta", "expected"),
    [(1.0, 80 / 150), (2.0, 200 / 450), (0.5, 50 / 75), (1e-9, 0.8), (1e9, 0.4)],
)
def test_fbeta_on_hand_computed_counts(beta, expected):
    # F2 = 5tp / (5tp + 4fn + fp); F0.5 = 1.25tp / (1.25tp + 0.25fn + fp).
    assert m.fbeta(TP, FP, FN, TN, beta=beta) == pytest.approx(expected, rel=1e-8)


def test_f1_is_fbeta_with_beta_one():
    assert m.f1(TP, FP, FN, TN) == m.fbeta(TP, FP, FN, TN, beta=1.0)


@pytest.mark.parametrize("beta", [0, 0.0, -1.0, -0.5, np.nan])
def test_fbeta_rejects_a_beta_that_is_not_positive(beta):
    with pytest.raises(ValueError, match="beta must be a positive number"):
        m.fbeta(TP, FP, FN, TN, beta=beta)
    with pytest.raises(ValueError, match="beta"):
        mc.sweep([0, 1], [0.2, 0.8]).fbeta(beta)


def test_weighted_float_counts_work_like_integer_counts():
    for name, func in METRICS.items():
        assert func(40.0, 10.0, 60.0, 890.0) == func(TP, FP, FN, TN), name
        half = func(20.0, 5.0, 30.0, 445.0)  # every ratio is scale-free
        assert half == pytest.approx(func(TP, FP, FN, TN), rel=1e-14), name


# --- NaN exactly when the denominator is zero ---------------------------------------


def undefined(name: str, tp, fp, fn, tn) -> bool:
    """Whether the metric's formula divides by zero for these counts."""
    pos, neg, flagged, unflagged = tp + fn, fp + tn, tp + fp, fn + tn
    total = pos + neg
    return {
        "precision": flagged == 0,
        "recall": pos == 0,
        "specificity": neg == 0,
        "fpr": neg == 0,
        "fnr": pos == 0,
        "npv": unflagged == 0,
        "fdr": flagged == 0,
        "false_omission_rate": unflagged == 0,
        "accuracy": total == 0,
        "balanced_accuracy": pos == 0 or neg == 0,
        "f1": tp + fp + fn == 0,
        "mcc": pos == 0 or neg == 0 or flagged == 0 or unflagged == 0,
        "cohen_kappa": flagged * neg + pos * unflagged == 0,
        "informedness": pos == 0 or neg == 0,
        "markedness": flagged == 0 or unflagged == 0,
        "prevalence": total == 0,
        "predicted_positive_rate": total == 0,
        "lr_plus": pos == 0 or neg == 0 or fp == 0,
        "lr_minus": pos == 0 or neg == 0 or tn == 0,
    }[name]


small_counts = st.integers(0, 3)  # zeros are common
weighted_counts = st.sampled_from([0.0, 0.0, 0.25, 1.0, 2.5])


@settings(deadline=None, max_examples=300)
@given(st.tuples(small_counts, small_counts, small_counts, small_counts))
def test_nan_exactly_when_the_denominator_is_zero(cells):
    with np.errstate(all="raise"):  # no hidden 0/0 warning may be swallowed
        for name, func in METRICS.items():
            assert bool(np.isnan(func(*cells))) == undefined(name, *cells), (name, cells)
        f = m.fbeta(*cells, beta=2.0)
    assert bool(np.isnan(f)) == undefined("f1", *cells)


@settings(deadline=None, max_examples=100)
@given(st.tuples(weighted_counts, weighted_counts, weighted_counts, weighted_counts))
def test_nan_exactly_when_the_denominator_is_zero_for_weighted_counts(cells):
    with np.errstate(all="raise"):
        for name, func in METRICS.items():
            assert bool(np.isnan(func(*cells))) == undefined(name, *cells), (name, cells)


def test_all_zero_counts_leave_every_metric_undefined():
    with np.errstate(all="raise"):
        assert all(np.isnan(func(0, 0, 0, 0)) for func in METRICS.values())


def test_defined_values_stay_in_their_ranges():
    cells = np.array(np.meshgrid(*[np.arange(4)] * 4)).reshape(4, -1)
    with np.errstate(all="raise"):
        values = {name: func(*cells) for name, func in METRICS.items()}
    for name in ("mcc", "informedness", "markedness", "cohen_kappa"):
        v = values[name][~np.isnan(values[name])]
        # MCC multiplies two square roots (against overflow), so -1 can come out
        # as -1 - 2.2e-16 (e.g. tp=0, fp=1, fn=3, tn=0); allow that rounding.
        assert ((v >= -1 - 1e-15) & (v <= 1 + 1e-15)).all(), name
    for name in ("lr_plus", "lr_minus"):
        v = values[name][~np.isnan(values[name])]
        assert (v >= 0).all(), name


# --- scalars and arrays -------------------------------------------------------------


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(small_counts, small_counts, small_counts, small_counts), min_size=1))
def test_array_inputs_give_the_scalar_values_elementwise(rows):
    tp, fp, fn, tn = (np.array(col) for col in zip(*rows, strict=True))
    with np.errstate(all="raise"):
        for name, func in METRICS.items():
            curve = func(tp, fp, fn, tn)
            assert curve.shape == tp.shape, name
            assert_array_equal(curve, [func(*row) for row in rows], err_msg=name)
        assert_array_equal(
            m.fbeta(tp, fp, fn, tn, beta=0.5), [m.fbeta(*row, beta=0.5) for row in rows]
        )


def test_scalar_inputs_give_zero_dimensional_results():
    for name, func in METRICS.items():
        assert np.ndim(func(1, 2, 3, 4)) == 0, name
        assert np.ndim(func(0, 0, 0, 0)) == 0, name


def test_mcc_does_not_overflow_for_huge_counts():
    big = 10.0**90  # the four-way product of the margins would overflow float64
    with np.errstate(all="raise"):
        value = m.matthews_corrcoef(4 * big, big, 6 * big, 89 * big)
    expected = (4 * 89 - 6) / math.sqrt(5 * 10 * 90 * 95)
    assert value == pytest.approx(expected, rel=1e-12)


# --- the registry and attribute names -----------------------------------------------


def test_registry_covers_every_metric_function():
    functions = {
        getattr(m, name)
        for name in m.__all__
        if name not in {"METRICS", "fbeta"}  # fbeta needs beta; f1 is its registered form
    }
    assert functions == set(METRICS.values())
    for func in METRICS.values():
        assert list(inspect.signature(func).parameters) == ["tp", "fp", "fn", "tn"]


def test_every_registered_metric_is_an_attribute_of_sweeps_and_points():
    sw = mc.sweep([0, 0, 1, 1, 1], [0.1, 0.4, 0.35, 0.8, 0.4])
    point = sw.at(0.35)
    for name, func in METRICS.items():
        assert_array_equal(getattr(sw, name), func(sw.tp, sw.fp, sw.fn, sw.tn), err_msg=name)
        assert_array_equal(getattr(point, name), func(point.tp, point.fp, point.fn, point.tn))


ALIASES = {
    "tpr": "recall",
    "sensitivity": "recall",
    "tnr": "specificity",
    "ppv": "precision",
    "youden_j": "informedness",
    "for_": "false_omission_rate",
}


@pytest.mark.parametrize(("alias", "name"), sorted(ALIASES.items()))
def test_aliases_match_their_metric(alias, name):
    sw = mc.sweep([0, 0, 1, 1, 1, 0], [0.1, 0.4, 0.35, 0.8, 0.4, 0.9])
    for point in (sw.at(0.35), sw.at(0.8), sw.at(np.inf), sw.at(-np.inf)):
        assert_array_equal(getattr(point, alias), getattr(point, name))
    assert_array_equal(getattr(sw, alias), getattr(sw, name))
