"""Decision rules for a multiclass score matrix against brute force, one row at a time.

Scores come from a small grid so that ties (within a row, and between a
score and a threshold) are common; probabilities and costs are dyadic so
expected costs are exact and the tie rule (lowest index wins) is tested on
true ties, not on rounding.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import metrics_core as mc

prop_settings = settings(
    deadline=None, max_examples=80, suppress_health_check=[HealthCheck.too_slow]
)

GRID = st.sampled_from([-1.0, -0.0, 0.0, 0.125, 0.25, 0.5, 0.75, 1.0, 2.5])


@st.composite
def score_matrices(draw, *, elements=GRID) -> np.ndarray:
    n = draw(st.integers(1, 40))
    k = draw(st.integers(3, 12))
    return draw(arrays(np.float64, (n, k), elements=elements))


def _first_best(values: list[float], better) -> int:
    """Index of the best value, scanning left to right: the first one wins ties."""
    best = 0
    for j in range(1, len(values)):
        if better(values[j], values[best]):
            best = j
    return best


@prop_settings
@given(scores=score_matrices())
def test_predict_argmax_is_the_first_highest(scores: np.ndarray) -> None:
    expected = [_first_best(list(row), lambda a, b: a > b) for row in scores]
    assert_array_equal(mc.predict_argmax(scores), expected)
    classes = np.array([f"class {j}" for j in range(scores.shape[1])])
    assert_array_equal(mc.predict_argmax(scores, classes), classes[expected])


@prop_settings
@given(
    data=st.data(),
    scores=score_matrices(),
    fallback=st.sampled_from(["argmax", "abstain"]),
)
def test_predict_with_thresholds_brute_force(data, scores: np.ndarray, fallback: str) -> None:
    k = scores.shape[1]
    thresholds = data.draw(
        arrays(np.float64, k, elements=st.one_of(GRID, st.sampled_from([np.inf, -np.inf])))
    )
    expected = []
    for row in scores:
        eligible = [j for j in range(k) if row[j] >= thresholds[j]]
        if eligible:
            best = eligible[0]
            for j in eligible[1:]:
                if row[j] > row[best]:
                    best = j
            expected.append(best)
        elif fallback == "argmax":
            expected.append(_first_best(list(row), lambda a, b: a > b))
        else:
            expected.append(mc.ABSTAIN)
    got = mc.predict_with_thresholds(scores, thresholds, fallback=fallback)
    assert got.dtype.kind == "i"
    assert_array_equal(got, expected)


def test_thresholds_tie_rule_and_abstain_marker() -> None:
    p = np.array([[0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    # A score equal to its threshold passes; equal eligible scores: lowest index.
    assert mc.predict_with_thresholds(p, [0.4, 0.4, 0.9]).tolist() == [0, 2, 2]
    assert mc.predict_with_thresholds(p, [0.5, 0.5, 0.9], fallback="abstain").tolist() == [
        -1,
        -1,
        -1,
    ]
    assert mc.ABSTAIN == -1


@st.composite
def cost_problems(draw) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 30))
    k = draw(st.integers(3, 12))
    # Multiples of 1/8 and small integer costs: every expected cost is exact.
    eighths = draw(arrays(np.int64, (n, k), elements=st.integers(0, 8)))
    costs = draw(arrays(np.int64, (k, k), elements=st.integers(-3, 6)))
    return eighths / 8, costs.astype(np.float64)


@prop_settings
@given(problem=cost_problems())
def test_min_expected_cost_brute_force(problem: tuple[np.ndarray, np.ndarray]) -> None:
    p, c = problem
    k = c.shape[0]
    expected_costs = [[sum(row[i] * c[i, j] for i in range(k)) for j in range(k)] for row in p]
    assert_allclose(mc.expected_costs(p, c), expected_costs, rtol=0, atol=0)
    expected = [_first_best(e, lambda a, b: a < b) for e in expected_costs]
    assert_array_equal(mc.predict_min_expected_cost(p, c), expected)


def test_zero_one_costs_give_argmax() -> None:
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(5), 200)
    zero_one = 1 - np.eye(5)
    assert_array_equal(mc.predict_min_expected_cost(p, zero_one), mc.predict_argmax(p))


@prop_settings
@given(data=st.data(), scores=score_matrices(), weighted=st.booleans())
def test_abstention_curve_brute_force(data, scores: np.ndarray, weighted: bool) -> None:
    n, k = scores.shape
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    w = None
    if weighted:
        w = np.array(
            data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=n, max_size=n))
        )
        if not (w > 0).any():
            w[0] = 1.0
    weight = np.ones(n) if w is None else w
    top = [max(row) for row in scores]
    hit = [_first_best(list(row), lambda a, b: a > b) == y[i] for i, row in enumerate(scores)]
    # Rows of zero weight add no threshold, as in every weighted sweep.
    candidates = sorted({top[i] for i in range(n) if weight[i] > 0}, reverse=True)
    coverage, accuracy = [], []
    for t in candidates:
        decided = [i for i in range(n) if top[i] >= t]
        covered = sum(weight[i] for i in decided)
        coverage.append(covered / weight.sum())
        accuracy.append(sum(weight[i] for i in decided if hit[i]) / covered)
    cov, acc, thr = mc.abstention_curve(y, scores, sample_weight=w)
    assert_array_equal(thr, candidates)
    assert_allclose(cov, coverage, rtol=1e-12)
    assert_allclose(acc, accuracy, rtol=1e-12)
    assert cov[-1] == pytest.approx(1.0)
    assert acc[-1] == pytest.approx(
        mc.accuracy_score(y, mc.predict_argmax(scores), sample_weight=w)
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mc.predict_argmax([0.1, 0.9]), "matrix"),
        (lambda: mc.predict_argmax([[0.1, np.nan]]), "NaN"),
        (lambda: mc.predict_argmax([[0.1, 0.9]], ["a"]), "columns"),
        (lambda: mc.predict_with_thresholds([[0.1, 0.9]], [0.5]), "one value per class"),
        (lambda: mc.predict_with_thresholds([[0.1, 0.9]], [0.5, np.nan]), "NaN"),
        (lambda: mc.predict_with_thresholds([[0.1, 0.9]], [0, 0], fallback="x"), "fallback"),
        (lambda: mc.expected_costs([[0.5, 0.5]], [[0, 1]]), "2 x 2"),
        (lambda: mc.expected_costs([[1.5, -0.5]], [[0, 1], [1, 0]]), r"\[0, 1\]"),
        (lambda: mc.abstention_curve([0, 2], [[0.1, 0.9], [0.5, 0.5]]), "column indices"),
        (lambda: mc.abstention_curve(["a"], [[0.1, 0.9]]), "column indices"),
        (lambda: mc.abstention_curve([0], [[0.1, 0.9], [0.5, 0.5]]), "different lengths"),
    ],
)
def test_bad_input_says_what_to_fix(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
