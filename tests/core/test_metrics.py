"""Point metrics over confusion counts: hand-computed values, their definitions and the NaN rule.

The definitions below are written from the textbook (exact fractions, margins, agreement
beyond chance) rather than copied from the formulas under test, so a wrong number and a
wrong ``nan`` both fail.
"""

import inspect
import math
from fractions import Fraction

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


# --- every metric against its definition; nan exactly when it is undefined -----------


def _ratio(num: Fraction, den: Fraction) -> Fraction | None:
    return None if den == 0 else num / den


def _minus_one(a: Fraction | None, b: Fraction | None) -> Fraction | None:
    return None if a is None or b is None else a + b - 1


def definitions(tp, fp, fn, tn) -> dict[str, float | None]:
    """Every metric from its definition in exact arithmetic; ``None`` where it is undefined.

    Written from the margins of the confusion matrix (positives, negatives, flagged,
    unflagged) and the rates built on them, not from the formulas under test.
    """
    tp, fp, fn, tn = (Fraction(c) for c in (tp, fp, fn, tn))
    pos, neg, flagged, unflagged = tp + fn, fp + tn, tp + fp, fn + tn
    total = pos + neg
    tpr, tnr, fpr, fnr = _ratio(tp, pos), _ratio(tn, neg), _ratio(fp, neg), _ratio(fn, pos)
    ppv, npv = _ratio(tp, flagged), _ratio(tn, unflagged)
    youden, marked = _minus_one(tpr, tnr), _minus_one(ppv, npv)
    # MCC is the geometric mean of informedness and markedness (they share a sign).
    mcc = None
    if youden is not None and marked is not None:
        mcc = math.copysign(math.sqrt(youden * marked), youden)
    # Cohen's kappa: observed agreement beyond the agreement expected by chance.
    kappa = None
    if total != 0:
        observed = (tp + tn) / total
        chance = (flagged * pos + unflagged * neg) / total**2
        kappa = _ratio(observed - chance, 1 - chance)
    exact = {
        "precision": ppv,
        "recall": tpr,
        "specificity": tnr,
        "fpr": fpr,
        "fnr": fnr,
        "npv": npv,
        "fdr": _ratio(fp, flagged),
        "false_omission_rate": _ratio(fn, unflagged),
        "accuracy": _ratio(tp + tn, total),
        "balanced_accuracy": None if youden is None else (tpr + tnr) / 2,
        "f1": f_beta_definition(tp, fp, fn, tn, 1.0),
        "mcc": mcc,
        "cohen_kappa": kappa,
        "informedness": youden,
        "markedness": marked,
        "prevalence": _ratio(pos, total),
        "predicted_positive_rate": _ratio(flagged, total),
        "lr_plus": None if tpr is None or not fpr else tpr / fpr,
        "lr_minus": None if fnr is None or not tnr else fnr / tnr,
    }
    return {name: None if v is None else float(v) for name, v in exact.items()}


def f_beta_definition(tp, fp, fn, tn, beta: float) -> float | None:
    """F-beta as the weighted harmonic mean of precision and recall.

    With no true positive it is 0 as long as there is a positive or a flagged
    sample (precision or recall is 0, or one of them is undefined and the other 0);
    with neither it is undefined.
    """
    tp, fp, fn = Fraction(tp), Fraction(fp), Fraction(fn)
    if tp + fp + fn == 0:
        return None
    if tp == 0:
        return 0.0
    p, r, b2 = tp / (tp + fp), tp / (tp + fn), Fraction(beta) ** 2
    return float((1 + b2) * p * r / (b2 * p + r))


def assert_defined_as(value, expected: float | None, label) -> None:
    """``nan`` exactly where the definition is undefined, the defined value elsewhere."""
    if expected is None:
        assert np.isnan(value), label
    else:
        assert value == pytest.approx(expected, rel=1e-14, abs=1e-15), label


small_counts = st.integers(0, 3)  # zeros are common
weighted_counts = st.sampled_from([0.0, 0.0, 0.25, 1.0, 2.5])


def test_the_definitions_cover_every_registered_metric():
    assert set(definitions(1, 2, 3, 4)) == set(METRICS)
    assert definitions(TP, FP, FN, TN) == pytest.approx(HAND_COMPUTED, rel=1e-14)


@settings(deadline=None, max_examples=300)
@given(st.tuples(small_counts, small_counts, small_counts, small_counts))
def test_every_metric_follows_its_definition_and_is_nan_exactly_when_undefined(cells):
    expected = definitions(*cells)
    with np.errstate(all="raise"):  # no hidden 0/0 warning may be swallowed
        for name, func in METRICS.items():
            assert_defined_as(func(*cells), expected[name], (name, cells))
        for beta in (0.5, 2.0):
            assert_defined_as(
                m.fbeta(*cells, beta=beta), f_beta_definition(*cells, beta), (beta, cells)
            )


@settings(deadline=None, max_examples=100)
@given(st.tuples(weighted_counts, weighted_counts, weighted_counts, weighted_counts))
def test_weighted_counts_follow_the_definitions_too(cells):
    expected = definitions(*cells)
    with np.errstate(all="raise"):
        for name, func in METRICS.items():
            assert_defined_as(func(*cells), expected[name], (name, cells))
        assert_defined_as(m.fbeta(*cells, beta=2.0), f_beta_definition(*cells, 2.0), cells)


def test_all_zero_counts_leave_every_metric_undefined():
    with np.errstate(all="raise"):
        assert all(np.isnan(func(0, 0, 0, 0)) for func in METRICS.values())


def test_defined_values_stay_in_their_ranges():
    cells = np.array(np.meshgrid(*[np.arange(4)] * 4)).reshape(4, -1)
    expected = [definitions(*column) for column in cells.T]
    with np.errstate(all="raise"):
        values = {name: func(*cells) for name, func in METRICS.items()}
    for name, curve in values.items():
        # The range checks below look at defined values only: these must be the
        # values the definitions leave defined, or a nan could hide a wrong range.
        undefined = [e[name] is None for e in expected]
        assert_array_equal(np.isnan(curve), undefined, err_msg=name)
    for name in ("mcc", "informedness", "markedness", "cohen_kappa"):
        v = values[name][~np.isnan(values[name])]
        # MCC multiplies two square roots (against overflow), so -1 can come out
        # as -1 - 2.2e-16 (e.g. tp=0, fp=1, fn=3, tn=0); allow that rounding.
        assert ((v >= -1 - 1e-15) & (v <= 1 + 1e-15)).all(), name
        assert v.min() < 0 < v.max(), name  # both signs occur on this grid
    for name in ("lr_plus", "lr_minus"):
        v = values[name][~np.isnan(values[name])]
        assert (v >= 0).all(), name


# --- scalars and arrays -------------------------------------------------------------


@settings(deadline=None, max_examples=50)
@given(st.lists(st.tuples(small_counts, small_counts, small_counts, small_counts), min_size=1))
def test_array_inputs_give_the_scalar_values_elementwise(rows):
    tp, fp, fn, tn = (np.array(col) for col in zip(*rows, strict=True))
    expected = [definitions(*row) for row in rows]
    with np.errstate(all="raise"):
        for name, func in METRICS.items():
            curve = func(tp, fp, fn, tn)
            assert curve.shape == tp.shape, name
            assert_array_equal(curve, [func(*row) for row in rows], err_msg=name)
            for value, row, e in zip(curve, rows, expected, strict=True):
                assert_defined_as(value, e[name], (name, row))
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


# The screening counts above at any threshold in (0.1, 0.9]; everything is flagged from 0.1
# down, nothing above 0.9.
SCREENING = mc.sweep([1] * 40 + [0] * 10 + [1] * 60 + [0] * 890, [0.9] * 50 + [0.1] * 950)
NAN = float("nan")

EVERYTHING_FLAGGED = {  # tp=100, fp=900, fn=0, tn=0
    "precision": 0.1,
    "recall": 1.0,
    "specificity": 0.0,
    "fpr": 1.0,
    "fnr": 0.0,
    "npv": NAN,  # nothing predicted negative
    "fdr": 0.9,
    "false_omission_rate": NAN,
    "accuracy": 0.1,
    "balanced_accuracy": 0.5,
    "f1": 200 / 1100,
    "mcc": NAN,  # an empty column
    "cohen_kappa": 0.0,  # agreement 0.1, chance agreement 0.1
    "informedness": 0.0,
    "markedness": NAN,
    "prevalence": 0.1,
    "predicted_positive_rate": 1.0,
    "lr_plus": 1.0,
    "lr_minus": NAN,  # specificity 0
}
NOTHING_FLAGGED = {  # tp=0, fp=0, fn=100, tn=900
    "precision": NAN,  # nothing predicted positive
    "recall": 0.0,
    "specificity": 1.0,
    "fpr": 0.0,
    "fnr": 1.0,
    "npv": 0.9,
    "fdr": NAN,
    "false_omission_rate": 0.1,
    "accuracy": 0.9,
    "balanced_accuracy": 0.5,
    "f1": 0.0,  # there are positives, none found
    "mcc": NAN,
    "cohen_kappa": 0.0,
    "informedness": 0.0,
    "markedness": NAN,
    "prevalence": 0.1,
    "predicted_positive_rate": 0.0,
    "lr_plus": NAN,  # false positive rate 0
    "lr_minus": 1.0,
}


def assert_value(ours, expected: float, label) -> None:
    if math.isnan(expected):
        assert np.isnan(ours), label
    else:
        assert ours == pytest.approx(expected, rel=1e-14, abs=1e-15), label


def test_sweeps_and_points_give_every_metric_under_its_name():
    assert set(EVERYTHING_FLAGGED) == set(NOTHING_FLAGGED) == set(METRICS)
    assert_array_equal(SCREENING.thresholds, [0.9, 0.1])
    for name in METRICS:
        curve = getattr(SCREENING, name)
        assert curve.shape == (2,), name
        assert_value(curve[0], HAND_COMPUTED[name], name)
        assert_value(curve[1], EVERYTHING_FLAGGED[name], name)
        assert_value(getattr(SCREENING.at(0.5), name), HAND_COMPUTED[name], name)
        assert_value(getattr(SCREENING.at(0.1), name), EVERYTHING_FLAGGED[name], name)
        assert_value(getattr(SCREENING.at(np.inf), name), NOTHING_FLAGGED[name], name)
        assert_value(SCREENING.metrics()[name][0], HAND_COMPUTED[name], name)
        assert_value(SCREENING.at(0.5).metrics()[name], HAND_COMPUTED[name], name)


# Each synonym by what it means, at the screening counts (tp=40, fp=10, fn=60, tn=890),
# with everything flagged (tp=100, fp=900) and with nothing flagged (fn=100, tn=900).
SYNONYMS = {
    "tpr": (40 / 100, 1.0, 0.0),  # true positives / positives
    "sensitivity": (40 / 100, 1.0, 0.0),
    "tnr": (890 / 900, 0.0, 1.0),  # true negatives / negatives
    "ppv": (40 / 50, 0.1, NAN),  # true positives / flagged
    "youden_j": (40 / 100 + 890 / 900 - 1, 0.0, 0.0),  # tpr + tnr - 1
    "for_": (60 / 950, NAN, 0.1),  # false negatives / unflagged
}


@pytest.mark.parametrize("synonym", sorted(SYNONYMS))
def test_synonyms_give_the_metric_they_mean(synonym):
    screening, everything, nothing = SYNONYMS[synonym]
    assert_value(getattr(SCREENING.at(0.5), synonym), screening, synonym)
    assert_value(getattr(SCREENING.at(0.1), synonym), everything, synonym)
    assert_value(getattr(SCREENING.at(np.inf), synonym), nothing, synonym)
    curve = getattr(SCREENING, synonym)
    assert_value(curve[0], screening, synonym)
    assert_value(curve[1], everything, synonym)
