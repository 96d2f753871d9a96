"""Threshold finders against a brute force over every distinct score, with sklearn metrics."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import metrics_core as mc

few = settings(deadline=None, max_examples=25)


@st.composite
def small_problems(draw, *, two_class: bool = False, weighted: bool = True):
    n = draw(st.integers(2 if two_class else 1, 12))
    scores = draw(
        st.one_of(
            arrays(np.float64, n, elements=st.integers(0, 5).map(float)),  # many ties
            arrays(np.float64, n, elements=st.floats(-3, 3, allow_nan=False)),
        )
    )
    y = draw(arrays(np.bool_, n))
    if two_class:
        y[0], y[-1] = True, False
    weights = None
    if weighted and draw(st.booleans()):
        # Integer weights keep every count exact, so ties stay ties.
        weights = draw(arrays(np.int64, n, elements=st.integers(1, 4)))
    return y, scores, weights


def sklearn_values(metric: str, y, scores, weights, beta: float = 1.0):
    """The metric at every distinct score, highest threshold first, per sklearn."""
    thresholds = np.unique(scores)[::-1]
    values = []
    for t in thresholds:
        pred = scores >= t
        kw = {"sample_weight": weights}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if metric == "f1":
                v = skm.f1_score(y, pred, zero_division=np.nan, **kw)
            elif metric == "fbeta":
                v = skm.fbeta_score(y, pred, beta=beta, zero_division=np.nan, **kw)
            elif metric == "youden":  # recall + specificity - 1
                v = skm.balanced_accuracy_score(y, pred, adjusted=True, **kw)
            elif metric == "mcc":  # sklearn says 0 where MCC is undefined
                v = skm.matthews_corrcoef(y, pred, **kw) if not pred.all() else np.nan
            elif metric == "precision":
                v = skm.precision_score(y, pred, zero_division=np.nan, **kw)
            elif metric == "recall":
                v = skm.recall_score(y, pred, zero_division=np.nan, **kw)
        values.append(v)
    return thresholds, np.array(values)


def highest_argmax(values: np.ndarray) -> int:
    """Index of the first maximum: the highest threshold among the best."""
    return int(np.flatnonzero(values == np.nanmax(values))[0])


# --- best_threshold -------------------------------------------------------------------


@few
@given(small_problems(), st.sampled_from([("f1", 1.0), ("fbeta", 2.0), ("fbeta", 0.5)]))
def test_best_f_score_threshold_equals_brute_force_with_ties_to_the_highest(problem, objective):
    y, scores, weights = problem
    metric, beta = objective
    sw = mc.sweep(y, scores, sample_weight=weights)
    thresholds, values = sklearn_values(metric, y, scores, weights, beta)
    choice = mc.best_threshold(sw, metric, beta=beta)
    i = highest_argmax(values)
    assert choice.threshold == thresholds[i]
    assert choice.value == pytest.approx(values[i], rel=1e-12)
    assert choice.point == sw.at(thresholds[i])


@few
@given(small_problems(two_class=True), st.sampled_from(["youden", "mcc"]))
def test_best_youden_and_mcc_threshold_is_optimal_per_sklearn(problem, metric):
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    thresholds, values = sklearn_values(metric, y, scores, weights)
    if np.isnan(values).all():  # all scores tied: MCC is undefined at the only threshold
        with pytest.raises(ValueError, match="undefined at every threshold"):
            mc.best_threshold(sw, metric)
        return
    choice = mc.best_threshold(sw, metric)
    best = np.nanmax(values)
    assert choice.value == pytest.approx(best, rel=1e-12, abs=1e-12)
    at_choice = values[np.flatnonzero(thresholds == choice.threshold)[0]]
    assert at_choice == pytest.approx(best, rel=1e-12, abs=1e-12)
    # Every higher threshold is worse in metrics_core's own values (exact ties in
    # rational terms are kept together despite rounding: see the test below).
    ours = sw.informedness if metric == "youden" else sw.mcc
    assert (ours[sw.thresholds > choice.threshold] < choice.value).all()


@pytest.mark.parametrize(
    ("metric", "y", "scores", "highest_best"),
    [
        # J = 1/6 at t=7 (tp=1, fp=2) and at t=2 (tp=2, fp=5): 0.1666...652 < 0.1666...674
        ("youden", [0, 1, 0, 1, 0, 0, 0, 0], [3, 2, 5, 7, 0, 8, 3, 8], 7.0),
        # MCC = 1/3 at t=8 (tp=1, fp=1) and at t=4 (tp=2, fp=4): 0.333...333 < 0.333...337
        ("mcc", [0, 0, 1, 0, 0, 1, 0, 0], [7, 4, 8, 7, 3, 4, 0, 8], 8.0),
    ],
)
def test_exact_ties_go_to_the_highest_threshold(metric, y, scores, highest_best):
    sw = mc.sweep(y, scores)
    assert mc.best_threshold(sw, metric).threshold == highest_best


def test_best_threshold_on_the_toy_example():
    sw = mc.sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    f1 = mc.best_threshold(sw, "f1")
    assert (f1.threshold, f1.value, f1.objective) == (0.35, 0.8, "f1")
    assert (f1.tp, f1.fp, f1.fn, f1.tn) == (2, 1, 0, 1)
    youden = mc.best_threshold(sw, "youden")
    # J = 0.5 at 0.8 (tp=1, fp=0) and at 0.35 (tp=2, fp=1): the higher threshold wins.
    assert (youden.threshold, youden.value) == (0.8, 0.5)
    assert mc.best_threshold(sw, "fbeta", beta=2).objective == "f2"


def test_best_threshold_rejects_an_unknown_metric():
    sw = mc.sweep([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="metric must be one of"):
        mc.best_threshold(sw, "accuracy")


@pytest.mark.parametrize("metric", ["youden", "mcc"])
@pytest.mark.parametrize("labels", [[1, 1, 1], [0, 0, 0]])
def test_best_youden_or_mcc_of_one_class_raises(metric, labels):
    sw = mc.sweep(labels, [0.2, 0.5, 0.8])
    with pytest.raises(ValueError, match="both classes"):
        mc.best_threshold(sw, metric)


def test_best_f1_of_one_class_is_still_defined():
    assert mc.best_threshold(mc.sweep([1, 1, 1], [0.2, 0.5, 0.8]), "f1").threshold == 0.2
    # Without positives F1 is 0 everywhere: the highest threshold wins.
    assert mc.best_threshold(mc.sweep([0, 0, 0], [0.2, 0.5, 0.8]), "f1").threshold == 0.8


# --- thresholds under a constraint ----------------------------------------------------


def brute_force_under(goal: np.ndarray, bound: np.ndarray, minimum: float) -> int | None:
    ok = bound >= minimum
    if not ok.any() or np.isnan(goal[ok]).all():
        return None
    best = np.nanmax(goal[ok])
    return int(np.flatnonzero(ok & (goal == best))[0])


@few
@given(small_problems(), st.data())
def test_threshold_for_precision_equals_brute_force(problem, data):
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    # Without positives recall is nan at every threshold, so the brute force finds none.
    thresholds, precision = sklearn_values("precision", y, scores, weights)
    _, recall = sklearn_values("recall", y, scores, weights)
    # Levels at achieved precisions test the >= boundary exactly.
    level = data.draw(st.sampled_from([*precision.tolist(), 0.0, 0.5, 0.99, 1.0]))
    choice = mc.threshold_for_precision(sw, level)
    i = brute_force_under(recall, precision, level)
    if i is None:
        assert choice is None
    else:
        assert choice.threshold == thresholds[i]
        assert choice.value == recall[i]
        assert choice.point.precision >= level


@few
@given(small_problems(), st.data())
def test_threshold_for_recall_equals_brute_force(problem, data):
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    thresholds, precision = sklearn_values("precision", y, scores, weights)
    _, recall = sklearn_values("recall", y, scores, weights)
    level = data.draw(st.sampled_from([*np.nan_to_num(recall).tolist(), 0.0, 0.5, 1.0]))
    choice = mc.threshold_for_recall(sw, level)
    i = brute_force_under(precision, recall, level)
    if i is None:
        assert choice is None
    else:
        assert choice.threshold == thresholds[i]
        assert choice.value == precision[i]
        assert choice.point.recall >= level


def test_threshold_for_precision_and_recall_on_the_toy_example():
    sw = mc.sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    # precision >= 0.6 holds at 0.8 (1.0) and 0.35 (2/3); recall is best at 0.35.
    choice = mc.threshold_for_precision(sw, 0.6)
    assert (choice.threshold, choice.value) == (0.35, 1.0)
    assert choice.objective == "recall | precision >= 0.6"
    # recall >= 0.5 everywhere; precision is best (1.0) at 0.8.
    choice = mc.threshold_for_recall(sw, 0.5)
    assert (choice.threshold, choice.value) == (0.8, 1.0)


def test_none_when_the_constraint_cannot_be_met():
    sw = mc.sweep([1, 0, 0], [0.2, 0.5, 0.8])  # the top score is a negative
    assert mc.threshold_for_precision(sw, 0.5) is None  # best precision is 1/3
    assert mc.threshold_for_precision(sw, 1 / 3).threshold == 0.2
    no_positives = mc.sweep([0, 0, 0], [0.2, 0.5, 0.8])
    assert mc.threshold_for_recall(no_positives, 0.0) is None
    assert mc.threshold_for_precision(no_positives, 0.1) is None


def test_threshold_for_precision_without_positives_is_none():
    no_positives = mc.sweep([0, 0, 0], [0.2, 0.5, 0.8])
    assert mc.threshold_for_precision(no_positives, 0.0) is None


@pytest.mark.parametrize("level", [-0.1, 1.1, np.nan])
def test_levels_outside_zero_one_are_rejected(level):
    sw = mc.sweep([0, 1], [0.2, 0.8])
    with pytest.raises(ValueError, match="min_precision must be between 0 and 1"):
        mc.threshold_for_precision(sw, level)
    with pytest.raises(ValueError, match="min_recall must be between 0 and 1"):
        mc.threshold_for_recall(sw, level)
