"""Costs, capacity, base rate, intervals and threshold comparisons against independent references.

Every check recomputes its answer another way: counts from scikit-learn's
``confusion_matrix`` on ``scores >= t``, metrics from scikit-learn's scores,
sums and moves by loops over the rows, DeLong from the full pairwise matrix,
bootstrap intervals by resampling rows. None reuses metrics_core's formulas.
"""

import math
from collections import Counter
from statistics import NormalDist

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import metrics_core as mc

few = settings(deadline=None, max_examples=30)
some = settings(deadline=None, max_examples=60)

TOY_Y = [0, 0, 1, 1]
TOY_SCORES = [0.1, 0.4, 0.35, 0.8]


@st.composite
def small_problems(draw, *, two_class: bool = False, weighted: bool = True, max_size: int = 12):
    """Labels, scores (many ties, logits or coarse probabilities) and optional integer weights.

    Weights are small integers, zero included, so every count stays exact; at
    least one weight is positive (with ``two_class``, one of each class).
    """
    n = draw(st.integers(2 if two_class else 1, max_size))
    scores = draw(
        st.one_of(
            arrays(np.float64, n, elements=st.integers(0, 5).map(float)),  # many ties
            arrays(np.float64, n, elements=st.floats(-8, 8, allow_subnormal=False)),  # logits
            arrays(np.float64, n, elements=st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])),
        )
    )
    y = draw(arrays(np.bool_, n))
    if two_class:
        y[0], y[-1] = True, False
    weights = None
    if weighted and draw(st.booleans()):
        weights = draw(arrays(np.int64, n, elements=st.integers(0, 4)))
        weights[0] = max(weights[0], 1)
        if two_class:
            weights[-1] = max(weights[-1], 1)
    return y, scores, weights


def cells(y, flagged, weights=None) -> tuple[float, float, float, float]:
    """``(tp, fp, fn, tn)`` from scikit-learn's confusion matrix."""
    cm = skm.confusion_matrix(y, flagged, labels=[False, True], sample_weight=weights)
    tn, fp, fn, tp = cm.ravel()
    return float(tp), float(fp), float(fn), float(tn)


def distinct_scores(scores, weights=None) -> np.ndarray:
    """Distinct scores of the rows that count (weight > 0), highest first."""
    live = scores if weights is None else scores[weights > 0]
    return np.unique(live)[::-1]


def thresholds_around(scores) -> list[float]:
    """Every score, every midpoint between neighbours, values beyond both ends and ±inf."""
    u = np.unique(scores)
    mids = (u[1:] + u[:-1]) / 2
    return [*u.tolist(), *mids.tolist(), float(u[0]) - 1, float(u[-1]) + 1, -np.inf, np.inf]


def rows_from_counts(tp, fp, fn, tn) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions of a data set with exactly these cell counts."""
    y = np.repeat([True, False, True, False], [tp, fp, fn, tn])
    pred = np.repeat([True, True, False, False], [tp, fp, fn, tn])
    return y, pred


# --- Costs ------------------------------------------------------------------------------


def test_costs_defaults_and_float_conversion():
    """One unit per error and no gains by default; every value is stored as a float."""
    assert mc.Costs() == mc.Costs(fp=1.0, fn=1.0, tp=0.0, tn=0.0)
    c = mc.Costs(fp=np.int64(2), fn=5, tp=np.float32(0.5), tn=0)
    assert (c.fp, c.fn, c.tp, c.tn) == (2.0, 5.0, 0.5, 0.0)
    assert all(type(v) is float for v in (c.fp, c.fn, c.tp, c.tn))


@pytest.mark.parametrize(
    ("field", "what"),
    [
        ("fp", "cost of a false positive"),
        ("fn", "cost of a false negative"),
        ("tp", "gain of a true positive"),
        ("tn", "gain of a true negative"),
    ],
)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "must be a finite number >= 0.*gains as gains"),
        (-0.5, "must be a finite number >= 0"),
        (np.nan, "must be a finite number >= 0"),
        (np.inf, "must be a finite number >= 0"),
        (-np.inf, "must be a finite number >= 0"),
        (None, "must be a number"),
        ("ten", "must be a number"),
        ([1.0, 2.0], "must be a number"),
        (object(), "must be a number"),
        (1 + 2j, "must be a number"),
    ],
)
def test_costs_reject_negative_non_finite_and_non_numbers(field, what, value, message):
    """Each field names itself in the error and says what is wrong."""
    with pytest.raises(ValueError, match=f"The {what} {message}"):
        mc.Costs(**{field: value})


def test_costs_net_on_scalars_and_arrays():
    """``fp·c_fp + fn·c_fn + missed − tp·g_tp − tn·g_tn``, written out by hand."""
    c = mc.Costs(fp=2, fn=5, tp=1, tn=0.5)
    assert c.net(3, 4, 5, 6) == 2 * 4 + 5 * 5 - 1 * 3 - 0.5 * 6
    assert c.net(3, 4, 5, 6, missed_amount=10) == 2 * 4 + 5 * 5 + 10 - 1 * 3 - 0.5 * 6
    assert isinstance(c.net(3, 4, 5, 6), float)
    tp, fp, fn, tn = (
        np.array([0, 1, 2]),
        np.array([0, 3, 7]),
        np.array([2, 1, 0]),
        np.array([9, 6, 2]),
    )
    missed = np.array([100.0, 40.0, 0.0])
    expected = [
        2 * f + 5 * n + m - 1 * t - 0.5 * k
        for t, f, n, k, m in zip(tp, fp, fn, tn, missed, strict=True)
    ]
    np.testing.assert_array_equal(c.net(tp, fp, fn, tn, missed), expected)


# --- sum_below ----------------------------------------------------------------------------


@some
@given(
    arrays(
        np.float64,
        st.integers(0, 15),
        elements=st.one_of(st.integers(-3, 3).map(float), st.floats(-5, 5, allow_subnormal=False)),
    ),
    st.data(),
)
def test_sum_below_equals_a_loop_over_rows(scores, data):
    """Sum of the values of the rows with ``score < t``, for each ``t``."""
    values = data.draw(
        arrays(np.float64, scores.shape[0], elements=st.integers(-50, 50).map(float))
    )
    thresholds = thresholds_around(scores) if scores.size else [0.0, -np.inf, np.inf]
    expected = [sum(v for s, v in zip(scores, values, strict=True) if s < t) for t in thresholds]
    np.testing.assert_array_equal(mc.sum_below(scores, values, thresholds), expected)


def test_sum_below_docstring_example():
    got = mc.sum_below(np.array([0.2, 0.9, 0.5]), np.array([10.0, 30.0, 20.0]), [0.5, 1.0])
    np.testing.assert_array_equal(got, [10.0, 60.0])


# --- cost_curve -------------------------------------------------------------------------------

# Multiples of 1/4: with integer counts and amounts every cost is exact, so
# exact ties stay ties and "the highest threshold among equal costs" is sharp.
exact_costs = st.builds(
    mc.Costs,
    fp=st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 10.0]),
    fn=st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0]),
    tp=st.sampled_from([0.0, 0.5, 1.0, 4.0]),
    tn=st.sampled_from([0.0, 0.5, 1.0]),
)


def brute_force_cost(y, scores, weights, amounts, costs, t) -> tuple[float, float]:
    """(net cost, missed amount) at ``t`` from sklearn counts and a loop over rows."""
    tp, fp, fn, tn = cells(y, scores >= t, weights)
    missed = sum(a for yy, s, a in zip(y, scores, amounts, strict=True) if yy and s < t)
    total = costs.fp * fp + costs.fn * fn + missed - costs.tp * tp - costs.tn * tn
    return total, missed


def amounts_for(data, y, weights, with_amounts: bool) -> np.ndarray:
    """Per-row amounts (small integers); a weighted row's amount counts once per unit of weight."""
    if not with_amounts:
        return np.zeros(y.shape[0])
    amounts = data.draw(arrays(np.float64, y.shape[0], elements=st.integers(0, 50).map(float)))
    return amounts if weights is None else amounts * weights


def cost_curve_of(sw, costs, y, scores, amounts, with_amounts: bool) -> mc.CostCurve:
    """The cost curve with the positives' scores and amounts, or without amounts."""
    if not with_amounts:
        return mc.cost_curve(sw, costs)
    return mc.cost_curve(sw, costs, scores=scores[y], amounts=amounts[y])


@some
@given(small_problems(), exact_costs, st.booleans(), st.data())
def test_cost_curve_equals_brute_force_with_ties_to_the_highest(problem, costs, with_amounts, data):
    """Cost at every candidate and the cheapest one, against sklearn counts per threshold.

    Candidates: a threshold above every score (flags nothing), then every distinct score.
    """
    y, scores, weights = problem
    amounts = amounts_for(data, y, weights, with_amounts)
    sw = mc.sweep(y, scores, sample_weight=weights)
    distinct = distinct_scores(scores, weights)
    curve = cost_curve_of(sw, costs, y, scores, amounts, with_amounts)

    np.testing.assert_array_equal(curve.thresholds[1:], distinct)
    assert curve.thresholds[0] > distinct[0]
    # Above the maximum, any threshold flags nothing: evaluate there as brute force.
    brute = [brute_force_cost(y, scores, weights, amounts, costs, distinct[0] + 1)]
    brute += [brute_force_cost(y, scores, weights, amounts, costs, t) for t in distinct]
    expected_cost = np.array([c for c, _ in brute])
    np.testing.assert_array_equal(curve.cost, expected_cost)
    np.testing.assert_array_equal(curve.missed_amount, [m for _, m in brute])
    for i, t in enumerate([distinct[0] + 1, *distinct]):
        assert (curve.tp[i], curve.fp[i], curve.fn[i], curve.tn[i]) == cells(
            y, scores >= t, weights
        )

    best = int(np.flatnonzero(expected_cost == expected_cost.min())[0])  # highest threshold
    assert curve.best_index == best
    b = curve.best
    assert b.threshold == curve.thresholds[best]
    assert b.total == expected_cost[best]
    assert b.flags_nothing == (best == 0)
    assert (b.fp_cost, b.fn_cost, b.tp_gain, b.tn_gain) == (
        costs.fp * b.fp,
        costs.fn * b.fn,
        costs.tp * b.tp,
        costs.tn * b.tn,
    )


@few
@given(
    small_problems(),
    st.builds(
        mc.Costs,
        fp=st.floats(0, 1e3),
        fn=st.floats(0, 1e3),
        tp=st.floats(0, 1e3),
        tn=st.floats(0, 1e3),
    ),
)
def test_cost_curve_with_arbitrary_costs_is_cheapest_within_rounding(problem, costs):
    """Real-valued costs: the same curve to rounding, and nothing cheaper elsewhere."""
    y, scores, weights = problem
    curve = mc.cost_curve(mc.sweep(y, scores, sample_weight=weights), costs)
    distinct = distinct_scores(scores, weights)
    zeros = np.zeros(y.shape[0])
    expected = np.array(
        [brute_force_cost(y, scores, weights, zeros, costs, t)[0] for t in [np.inf, *distinct]]
    )
    scale = max(np.abs(expected).max(), 1.0)
    np.testing.assert_allclose(curve.cost, expected, rtol=0, atol=1e-13 * scale)
    assert expected[curve.best_index] <= expected.min() + 1e-11 * scale


@some
@given(small_problems(), exact_costs, st.booleans(), st.data())
def test_cost_curve_at_any_threshold_equals_brute_force(problem, costs, with_amounts, data):
    """``CostCurve.at(t)`` between scores, at scores, below the minimum, above the maximum."""
    y, scores, weights = problem
    amounts = amounts_for(data, y, weights, with_amounts)
    sw = mc.sweep(y, scores, sample_weight=weights)
    curve = cost_curve_of(sw, costs, y, scores, amounts, with_amounts)
    t = data.draw(st.sampled_from(thresholds_around(scores)))
    got = curve.at(t)
    total, lost = brute_force_cost(y, scores, weights, amounts, costs, t)
    assert got.threshold == t
    assert (got.tp, got.fp, got.fn, got.tn) == cells(y, scores >= t, weights)
    assert (got.total, got.missed_amount) == (total, lost)


def test_cost_curve_toy_example():
    """Docstring example: at 0.35 every positive is caught for one false alarm."""
    c = mc.cost_curve(mc.sweep(TOY_Y, TOY_SCORES), mc.Costs(fp=1, fn=5))
    assert (c.best.threshold, c.best.total) == (0.35, 1.0)
    np.testing.assert_array_equal(c.cost, [10.0, 5.0, 6.0, 1.0, 2.0])
    assert len(c) == 5


def test_cost_curve_flags_nothing_when_every_flag_costs_more():
    """The top score is a negative and a false alarm costs ten misses: flag nothing."""
    sw = mc.sweep([1, 0, 0], [0.2, 0.5, 0.8])
    best = mc.cost_curve(sw, mc.Costs(fp=10, fn=1)).best
    assert best.flags_nothing
    assert best.threshold > 0.8
    assert (best.tp, best.fp, best.fn, best.tn, best.total) == (0, 0, 1, 2, 1.0)


def test_cost_curve_exact_tie_goes_to_the_highest_threshold():
    """Cost 1 at threshold 4 (one miss) and at 2 (one false alarm): 4 wins."""
    c = mc.cost_curve(mc.sweep([1, 0, 1, 0], [4.0, 3.0, 2.0, 1.0]), mc.Costs(fp=1, fn=1))
    np.testing.assert_array_equal(c.cost, [2.0, 1.0, 2.0, 1.0, 2.0])
    assert c.best.threshold == 4.0


def test_cost_curve_tie_within_rounding_goes_to_the_highest_threshold():
    """0.2·3 = 0.6000000000000001 (flag nothing) ties with 0.6·1 = 0.6 (flag all) exactly."""
    sw = mc.sweep([1, 1, 0, 1], [1.0, 0.0, 3.0, 2.0])
    c = mc.cost_curve(sw, mc.Costs(fp=0.6, fn=0.2))
    assert c.cost[-1] < c.cost[0]  # rounding alone makes flagging everything look cheaper
    assert c.best_index == 0
    assert c.best.flags_nothing


@some
@given(
    small_problems(),
    exact_costs,
    st.data(),
)
def test_cost_curve_amounts_equal_a_loop_over_the_positives(problem, costs, data):
    """Real-valued amounts: at each candidate, the positives below it lose their amounts.

    For every candidate threshold, the amounts of the positives with ``score < t`` are
    added up in a plain loop, on top of the fixed costs from sklearn's counts.
    """
    y, scores, weights = problem
    amounts = data.draw(
        arrays(np.float64, y.shape[0], elements=st.floats(0, 1e4, allow_subnormal=False))
    )
    if weights is not None:
        amounts = amounts * weights
    sw = mc.sweep(y, scores, sample_weight=weights)
    curve = mc.cost_curve(sw, costs, scores=scores[y], amounts=amounts[y])
    distinct = distinct_scores(scores, weights)
    candidates = [np.nextafter(distinct[0], np.inf), *distinct]
    np.testing.assert_array_equal(curve.thresholds, candidates)
    lost = [
        sum(a for yy, s, a in zip(y, scores, amounts, strict=True) if yy and s < t)
        for t in candidates
    ]
    fixed = []
    for t in candidates:
        tp, fp, fn, tn = cells(y, scores >= t, weights)
        fixed.append(costs.fp * fp + costs.fn * fn - costs.tp * tp - costs.tn * tn)
    np.testing.assert_allclose(curve.missed_amount, lost, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(curve.cost, np.add(fixed, lost), rtol=1e-9, atol=1e-9)
    for i in range(len(curve)):
        assert curve.breakdown(i).missed_amount == curve.missed_amount[i]


@few
@given(small_problems(), exact_costs)
def test_cost_curve_without_amounts_equals_zero_amounts(problem, costs):
    """No amounts, zero amounts and no positives' amounts at all give the same curve."""
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    plain = mc.cost_curve(sw, costs)
    zeros = mc.cost_curve(sw, costs, scores=scores[y], amounts=np.zeros(int(y.sum())))
    empty = mc.cost_curve(sw, costs, scores=[], amounts=[])
    np.testing.assert_array_equal(plain.missed_amount, np.zeros(len(plain)))
    for other in (zeros, empty):
        np.testing.assert_array_equal(other.cost, plain.cost)
        np.testing.assert_array_equal(other.missed_amount, plain.missed_amount)
        assert other.best_index == plain.best_index


def test_cost_curve_amounts_docstring_example():
    """The positive at 0.35 carries 100 and the one at 0.8 carries 20."""
    sw = mc.sweep(TOY_Y, TOY_SCORES)
    c = mc.cost_curve(sw, mc.Costs(fp=1, fn=5), scores=[0.35, 0.8], amounts=[100.0, 20.0])
    np.testing.assert_array_equal(c.missed_amount, [120.0, 100.0, 100.0, 0.0, 0.0])
    np.testing.assert_array_equal(c.cost, [130.0, 105.0, 106.0, 1.0, 2.0])
    assert (c.best.threshold, c.best.total, c.best.missed_amount) == (0.35, 1.0, 0.0)
    assert c.at(0.5).missed_amount == 100.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": [0.35, 0.8]}, "scores was given without amounts: pass both"),
        ({"amounts": [1.0, 2.0]}, "amounts was given without scores: pass both"),
        ({"scores": [0.35, 0.8], "amounts": np.zeros(4)}, "amounts has 4 values but scores has 2"),
        ({"scores": [[0.35, 0.8]], "amounts": [[1.0, 2.0]]}, "must be 1-D"),
        ({"scores": 0.35, "amounts": 1.0}, "must be 1-D"),
        ({"scores": [0.35, 0.8], "amounts": [1.0, np.nan]}, "amounts contains NaN or inf"),
        ({"scores": [0.35, 0.8], "amounts": [np.inf, 1.0]}, "amounts contains NaN or inf"),
        ({"scores": [np.nan, 0.8], "amounts": [1.0, 2.0]}, "scores contains NaN or inf"),
    ],
    ids=["scores-only", "amounts-only", "lengths", "2-D", "scalars", "nan", "inf", "nan-score"],
)
def test_cost_curve_rejects_bad_amounts_and_says_why(kwargs, message):
    sw = mc.sweep(TOY_Y, TOY_SCORES)
    with pytest.raises(ValueError, match=message):
        mc.cost_curve(sw, mc.Costs(), **kwargs)


def test_cost_curve_at_rejects_a_nan_threshold():
    curve = mc.cost_curve(mc.sweep(TOY_Y, TOY_SCORES), mc.Costs())
    with pytest.raises(ValueError, match="threshold is NaN"):
        curve.at(np.nan)


# --- threshold_for_fpr and threshold_for_capacity ------------------------------------------


@some
@given(small_problems(), st.data())
def test_threshold_for_fpr_equals_brute_force(problem, data):
    """Highest recall with FPR <= the bound; equal recall goes to the highest threshold."""
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    thresholds = distinct_scores(scores, weights)
    counts = [cells(y, scores >= t, weights) for t in thresholds]
    fpr = np.array([fp / (fp + tn) if fp + tn else np.nan for _, fp, _, tn in counts])
    recall = np.array([tp / (tp + fn) if tp + fn else np.nan for tp, _, fn, _ in counts])
    # Achieved rates test the <= boundary exactly.
    level = data.draw(st.sampled_from([*np.nan_to_num(fpr).tolist(), 0.0, 0.25, 0.5, 1.0]))
    choice = mc.threshold_for_fpr(sw, level)
    ok = (fpr <= level) & ~np.isnan(recall)
    if not ok.any():
        assert choice is None
        return
    i = int(np.flatnonzero(ok & (recall == recall[ok].max()))[0])
    assert choice.threshold == thresholds[i]
    assert choice.value == recall[i]
    assert (choice.tp, choice.fp, choice.fn, choice.tn) == counts[i]
    assert choice.objective == f"recall | FPR <= {level:g}"


@some
@given(small_problems(), st.data())
def test_threshold_for_capacity_equals_brute_force(problem, data):
    """The lowest threshold flagging at most ``k`` rows (weight), ``value`` = rows flagged."""
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    thresholds = distinct_scores(scores, weights)
    w = np.ones(y.shape[0]) if weights is None else weights
    flagged = np.array([w[scores >= t].sum() for t in thresholds])
    total = float(w.sum())
    k = data.draw(
        st.sampled_from([*flagged.tolist(), *(flagged - 0.5).tolist(), 0, total + 3, np.inf])
    )
    choice = mc.threshold_for_capacity(sw, k)
    fits = np.flatnonzero(flagged <= k)
    if fits.size == 0:
        assert choice is None
        return
    i = int(fits[-1])  # thresholds decrease: the last that fits is the lowest
    assert choice.threshold == thresholds[i]
    assert choice.value == flagged[i]
    assert choice.tp + choice.fp == flagged[i]
    assert (choice.tp, choice.fp, choice.fn, choice.tn) == cells(y, scores >= thresholds[i], w)


def test_threshold_for_fpr_and_capacity_on_the_toy_example():
    sw = mc.sweep(TOY_Y, TOY_SCORES)
    # FPR 0 only at 0.8 (recall 1/2); FPR 1/2 allows 0.35 (recall 1).
    assert (mc.threshold_for_fpr(sw, 0.0).threshold, mc.threshold_for_fpr(sw, 0.0).value) == (
        0.8,
        0.5,
    )
    assert mc.threshold_for_fpr(sw, 0.5).threshold == 0.35
    c = mc.threshold_for_capacity(sw, 2)
    assert (c.threshold, c.value, c.objective) == (0.4, 2.0, "flagged <= 2")
    assert mc.threshold_for_capacity(sw, 2.9).threshold == 0.4
    assert mc.threshold_for_capacity(sw, 10).threshold == 0.1


def test_threshold_for_capacity_is_none_below_the_top_tie_group():
    """Two rows share the top score: a capacity of one cannot be met."""
    sw = mc.sweep([1, 0, 1], [0.9, 0.9, 0.1])
    assert mc.threshold_for_capacity(sw, 1) is None
    assert mc.threshold_for_capacity(sw, 0) is None
    assert mc.threshold_for_capacity(sw, 1.99) is None
    assert mc.threshold_for_capacity(sw, 2).threshold == 0.9


def test_threshold_for_fpr_is_none_when_unreachable_or_a_class_is_missing():
    assert mc.threshold_for_fpr(mc.sweep([0, 1], [0.8, 0.2]), 0.5) is None  # top row is negative
    assert mc.threshold_for_fpr(mc.sweep([1, 1, 1], [0.2, 0.5, 0.8]), 1.0) is None  # no negatives
    assert mc.threshold_for_fpr(mc.sweep([0, 0, 0], [0.2, 0.5, 0.8]), 1.0) is None  # no positives


@pytest.mark.parametrize("level", [-0.1, 1.1, np.nan])
def test_threshold_for_fpr_rejects_levels_outside_zero_one(level):
    with pytest.raises(ValueError, match="max_fpr must be between 0 and 1"):
        mc.threshold_for_fpr(mc.sweep(TOY_Y, TOY_SCORES), level)


@pytest.mark.parametrize("k", [-1, -0.5, np.nan, None, "ten"])
def test_threshold_for_capacity_rejects_bad_capacities(k):
    with pytest.raises(ValueError, match="max_flagged must be a number"):
        mc.threshold_for_capacity(mc.sweep(TOY_Y, TOY_SCORES), k)


# --- at_prevalence -------------------------------------------------------------------------


@some
@given(
    small_problems(two_class=True),
    st.one_of(st.sampled_from([0.001, 0.01, 0.5, 0.9]), st.floats(0.0001, 0.9999)),
)
def test_at_prevalence_equals_sklearn_with_class_reweighting(problem, prevalence):
    """Precision, NPV, accuracy, F1 at every threshold equal sklearn's with re-weighted rows.

    Each positive gets weight ``prevalence / P`` and each negative ``(1 − prevalence) / N``
    (times its own weight); recall and specificity do not change.
    """
    y, scores, weights = problem
    w = np.ones(y.shape[0]) if weights is None else weights.astype(np.float64)
    sw = mc.sweep(y, scores, sample_weight=weights)
    tp, fp, fn, tn = mc.at_prevalence(sw.tp, sw.fp, sw.fn, sw.tn, prevalence)
    np.testing.assert_allclose(tp + fn, prevalence, rtol=1e-12)
    np.testing.assert_allclose(fp + tn, 1 - prevalence, rtol=1e-12)
    rw = np.where(y, w * prevalence / w[y].sum(), w * (1 - prevalence) / w[~y].sum())
    expected = {name: [] for name in ("precision", "npv", "accuracy", "f1", "recall", "spec")}
    for t in sw.thresholds:
        pred = scores >= t
        expected["precision"].append(
            skm.precision_score(y, pred, sample_weight=rw, zero_division=np.nan)
        )
        expected["npv"].append(
            skm.precision_score(~y, ~pred, sample_weight=rw, zero_division=np.nan)
        )
        expected["accuracy"].append(skm.accuracy_score(y, pred, sample_weight=rw))
        expected["f1"].append(skm.f1_score(y, pred, sample_weight=rw, zero_division=np.nan))
        # Rates within a class: the original weights.
        expected["recall"].append(skm.recall_score(y, pred, sample_weight=w))
        expected["spec"].append(skm.recall_score(~y, ~pred, sample_weight=w))
    m = mc.metrics
    got = {
        "precision": m.precision(tp, fp, fn, tn),
        "npv": m.negative_predictive_value(tp, fp, fn, tn),
        "accuracy": m.accuracy(tp, fp, fn, tn),
        "f1": m.f1(tp, fp, fn, tn),
        "recall": m.recall(tp, fp, fn, tn),
        "spec": m.specificity(tp, fp, fn, tn),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(got[name], values, rtol=1e-12, atol=0, err_msg=name)


def test_at_prevalence_scalars_and_a_missing_class():
    """The docstring example by hand: recall 0.9, FPR 0.1 at 1% positives."""
    tp, fp, fn, tn = mc.at_prevalence(90, 10, 10, 90, 0.01)
    assert (tp, fp, fn, tn) == pytest.approx((0.009, 0.099, 0.001, 0.891), rel=1e-12)
    assert tp / (tp + fp) == pytest.approx(0.009 / 0.108, rel=1e-12)
    # No negatives: the negative cells are undefined, the positive ones are not.
    tp, fp, fn, tn = mc.at_prevalence(3, 0, 1, 0, 0.2)
    assert (tp, fn) == pytest.approx((0.15, 0.05))
    assert np.isnan(fp)
    assert np.isnan(tn)


@pytest.mark.parametrize("prevalence", [0, 1, -0.1, 1.5, np.nan, "half", None])
def test_at_prevalence_rejects_values_outside_the_open_interval(prevalence):
    with pytest.raises(ValueError, match="prevalence must be"):
        mc.at_prevalence(1, 2, 3, 4, prevalence)


# --- bootstrap_intervals ---------------------------------------------------------------------

SKLEARN_AT_COUNTS = {
    "precision": lambda y, p: skm.precision_score(y, p),
    "recall": lambda y, p: skm.recall_score(y, p),
    "specificity": lambda y, p: skm.recall_score(~y, ~p),
    "npv": lambda y, p: skm.precision_score(~y, ~p),
    "accuracy": skm.accuracy_score,
    "balanced_accuracy": skm.balanced_accuracy_score,
    "f1": skm.f1_score,
    "mcc": skm.matthews_corrcoef,
    "cohen_kappa": skm.cohen_kappa_score,
    "informedness": lambda y, p: skm.balanced_accuracy_score(y, p, adjusted=True),
}


@few
@given(st.tuples(*[st.integers(1, 40)] * 4))
def test_bootstrap_estimate_is_the_metric_at_the_counts(counts):
    """The estimate is the metric on the data as given (sklearn on rows with these cells)."""
    y, pred = rows_from_counts(*counts)
    out = mc.bootstrap_intervals(*counts, tuple(SKLEARN_AT_COUNTS), n_boot=20)
    assert set(out) == set(SKLEARN_AT_COUNTS)
    for name, metric in SKLEARN_AT_COUNTS.items():
        iv = out[name]
        assert iv.estimate == pytest.approx(metric(y, pred), rel=1e-12, abs=1e-15), name
        assert (iv.level, iv.method) == (0.95, "bootstrap of the cell counts")
    assert set(mc.bootstrap_intervals(*counts, n_boot=5)) == set(mc.metrics.METRICS)


def test_bootstrap_matches_a_row_level_bootstrap():
    """Resampling 400 rows with replacement gives the same percentile bounds (Monte Carlo).

    Rows are resampled with numpy; per replicate the cells are counted and the
    metrics written out here (checked against sklearn on the first replicates).
    """
    counts = (60, 40, 30, 270)
    y, pred = rows_from_counts(*counts)
    n, n_boot, level = y.shape[0], 4000, 0.9
    rng = np.random.default_rng(20240601)
    idx = rng.integers(0, n, size=(n_boot, n))
    yr, pr = y[idx], pred[idx]
    tp = (yr & pr).sum(axis=1)
    fp = (~yr & pr).sum(axis=1)
    fn = (yr & ~pr).sum(axis=1)
    tn = (~yr & ~pr).sum(axis=1)
    row_level = {
        "precision": tp / (tp + fp),
        "recall": tp / (tp + fn),
        "f1": 2 * tp / (2 * tp + fp + fn),
        "specificity": tn / (tn + fp),
        "accuracy": (tp + tn) / n,
    }
    for r in range(25):
        p, rc, f, _ = skm.precision_recall_fscore_support(yr[r], pr[r], average="binary")
        assert (p, rc, f) == pytest.approx(
            (row_level["precision"][r], row_level["recall"][r], row_level["f1"][r]), rel=1e-12
        )
        assert row_level["accuracy"][r] == pytest.approx(skm.accuracy_score(yr[r], pr[r]))
    fast = mc.bootstrap_intervals(*counts, tuple(row_level), level=level, n_boot=n_boot, seed=7)
    alpha = (1 - level) / 2
    for name, values in row_level.items():
        low, high = np.quantile(values, [alpha, 1 - alpha])
        assert fast[name].low == pytest.approx(low, abs=0.02), name
        assert fast[name].high == pytest.approx(high, abs=0.02), name
        assert fast[name].undefined_share == 0
        assert fast[name].low < fast[name].estimate < fast[name].high


def test_bootstrap_is_reproducible_by_seed():
    a = mc.bootstrap_intervals(30, 20, 10, 40, n_boot=300, seed=3)
    b = mc.bootstrap_intervals(30, 20, 10, 40, n_boot=300, seed=3)
    c = mc.bootstrap_intervals(30, 20, 10, 40, n_boot=300, seed=4)
    assert a == b
    assert a["precision"] != c["precision"]


def test_bootstrap_of_weighted_counts_rescales_to_the_weighted_total():
    """Weighted cells resampled as ``n_rows`` rows: ratios match the unweighted counts."""
    plain = mc.bootstrap_intervals(30, 20, 10, 40, ("precision", "recall"), n_boot=500)
    scaled = mc.bootstrap_intervals(
        75.0, 50.0, 25.0, 100.0, ("precision", "recall"), n_boot=500, n_rows=100
    )
    for name in ("precision", "recall"):
        assert (scaled[name].low, scaled[name].high) == pytest.approx(
            (plain[name].low, plain[name].high), rel=1e-12
        )


def test_bootstrap_undefined_estimates_and_undefined_replicates():
    """0/0 on the data gives no interval; 0/0 in some replicates is left out and reported."""
    out = mc.bootstrap_intervals(0, 0, 5, 5, ("precision", "recall"), n_boot=200)
    assert math.isnan(out["precision"].estimate)
    assert not out["precision"].defined
    assert out["precision"].undefined_share == 1.0
    assert out["recall"].defined
    assert out["recall"].undefined_share == 0
    # One flagged row in 1000: a replicate flags nothing with chance (1 − 1/1000)^1000.
    out = mc.bootstrap_intervals(1, 0, 9, 990, ("precision",), n_boot=4000)["precision"]
    assert out.estimate == 1.0
    assert out.defined
    assert out.undefined_share == pytest.approx((1 - 1 / 1000) ** 1000, abs=0.03)
    assert (out.low, out.high) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((-1, 2, 3, 4), {}, "counts must be finite and >= 0"),
        ((np.nan, 2, 3, 4), {}, "counts must be finite and >= 0"),
        ((1, np.inf, 3, 4), {}, "counts must be finite and >= 0"),
        ((0, 0, 0, 0), {}, "counts are all zero"),
        ((1, 2, 3, 4), {"n_boot": 0}, "n_boot must be at least 1"),
        ((1, 2, 3, 4), {"n_rows": 0}, "n_rows must be at least 1"),
        ((1, 2, 3, 4), {"level": 0}, "level must be between 0 and 1"),
        ((1, 2, 3, 4), {"level": 1}, "level must be between 0 and 1"),
        ((1, 2, 3, 4), {"level": np.nan}, "level must be between 0 and 1"),
        ((1, 2, 3, 4, ("precision", "auc")), {}, r"Unknown metric\(s\) \['auc'\]"),
    ],
)
def test_bootstrap_rejects_bad_inputs(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mc.bootstrap_intervals(*args, **kwargs)


# --- roc_auc_interval ------------------------------------------------------------------------


def brute_force_delong(y, scores) -> tuple[float, float]:
    """(AUC, standard error) from the full P×N matrix of pairwise comparisons."""
    p, n = scores[y], scores[~y]
    psi = (p[:, None] > n[None, :]) + 0.5 * (p[:, None] == n[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    var = np.var(v10, ddof=1) / p.shape[0] + np.var(v01, ddof=1) / n.shape[0]
    return float(psi.mean()), math.sqrt(var)


@st.composite
def delong_problems(draw):
    """Unweighted, at least two samples of each class, ties likely."""
    y, scores, _ = draw(small_problems(weighted=False, max_size=30))
    if y.shape[0] < 4:
        y = np.r_[y, [True, True, False, False]]
        scores = np.r_[scores, draw(arrays(np.float64, 4, elements=st.integers(0, 5).map(float)))]
    y[:2], y[2:4] = True, False
    return y, scores


@some
@given(delong_problems(), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_roc_auc_interval_equals_brute_force_delong(problem, level):
    """Estimate = sklearn's AUC; bounds = AUC ± z·se (clipped) with the pairwise DeLong se."""
    y, scores = problem
    iv = mc.roc_auc_interval(mc.sweep(y, scores), level)
    auc, se = brute_force_delong(y, scores)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    assert iv.estimate == pytest.approx(skm.roc_auc_score(y, scores), rel=1e-12, abs=1e-15)
    assert iv.estimate == pytest.approx(auc, rel=1e-12)
    assert iv.low == pytest.approx(max(0.0, auc - z * se), rel=1e-9, abs=1e-12)
    assert iv.high == pytest.approx(min(1.0, auc + z * se), rel=1e-9, abs=1e-12)
    assert (iv.level, iv.method, iv.undefined_share) == (level, "DeLong", 0.0)


@few
@given(delong_problems(), st.data())
def test_roc_auc_interval_treats_weights_as_frequencies(problem, data):
    """Integer weights give the interval of the data with each row repeated that often."""
    y, scores = problem
    w = data.draw(arrays(np.int64, y.shape[0], elements=st.integers(1, 3)))
    weighted = mc.roc_auc_interval(mc.sweep(y, scores, sample_weight=w))
    repeated = mc.roc_auc_interval(mc.sweep(np.repeat(y, w), np.repeat(scores, w)))
    assert (weighted.estimate, weighted.low, weighted.high) == pytest.approx(
        (repeated.estimate, repeated.low, repeated.high), rel=1e-9, abs=1e-12
    )


@pytest.mark.parametrize(
    ("y", "scores"),
    [
        ([0, 0, 1, 0], [0.1, 0.4, 0.35, 0.8]),  # one positive
        ([1, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]),  # one negative
        ([1, 0], [0.3, 0.3]),
    ],
)
def test_roc_auc_interval_is_undefined_with_fewer_than_two_of_a_class(y, scores):
    iv = mc.roc_auc_interval(mc.sweep(y, scores))
    assert iv.estimate == pytest.approx(skm.roc_auc_score(y, scores), rel=1e-12)
    assert not iv.defined


@pytest.mark.parametrize("labels", [[1, 1, 1], [0, 0, 0]])
def test_roc_auc_interval_is_nan_with_one_class(labels):
    iv = mc.roc_auc_interval(mc.sweep(labels, [0.2, 0.5, 0.8]))
    assert math.isnan(iv.estimate)
    assert not iv.defined


@pytest.mark.parametrize("level", [0, 1, -0.5, 1.5, np.nan])
def test_intervals_reject_levels_outside_zero_one(level):
    sw = mc.sweep(TOY_Y, TOY_SCORES)
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        mc.roc_auc_interval(sw, level)
    with pytest.raises(ValueError, match="level must be between 0 and 1"):
        mc.average_precision_interval(sw, level)


# --- average_precision_interval ----------------------------------------------------------------


def logit_interval(ap: float, n_pos: float, level: float) -> tuple[float, float]:
    """Boyd et al.'s logit interval, with numpy's logistic function."""
    z = NormalDist().inv_cdf(0.5 + level / 2)
    eta = np.log(ap) - np.log1p(-ap)
    tau = (n_pos * ap * (1 - ap)) ** -0.5
    lo, hi = eta - z * tau, eta + z * tau
    return float(0.5 * (1 + np.tanh(lo / 2))), float(0.5 * (1 + np.tanh(hi / 2)))


@some
@given(small_problems(two_class=True), st.sampled_from([0.9, 0.95]))
def test_average_precision_interval_equals_the_logit_formula(problem, level):
    """Estimate = sklearn's AP; bounds from logit(AP) ± z/sqrt(P·AP·(1 − AP))."""
    y, scores, weights = problem
    iv = mc.average_precision_interval(mc.sweep(y, scores, sample_weight=weights), level)
    ap = skm.average_precision_score(y, scores, sample_weight=weights)
    assert iv.estimate == pytest.approx(ap, rel=1e-12)
    n_pos = float(y.sum() if weights is None else weights[y].sum())
    # AP = 1 exactly iff every positive outranks every (counted) negative.
    neg = scores[~y] if weights is None else scores[~y & (weights > 0)]
    pos = scores[y] if weights is None else scores[y & (weights > 0)]
    if neg.size == 0 or pos.min() > neg.max():
        assert not iv.defined
        return
    low, high = logit_interval(ap, n_pos, level)
    assert iv.low == pytest.approx(low, rel=1e-9, abs=1e-15)
    assert iv.high == pytest.approx(high, rel=1e-9, abs=1e-15)
    assert iv.low < iv.estimate < iv.high
    assert (iv.level, iv.method) == (level, "logit")


def test_average_precision_interval_is_undefined_at_zero_one_and_without_positives():
    sw = mc.sweep(TOY_Y, TOY_SCORES)
    assert not mc.average_precision_interval(sw, average_precision=0.0).defined
    assert not mc.average_precision_interval(sw, average_precision=1.0).defined
    perfect = mc.average_precision_interval(mc.sweep([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]))
    assert perfect.estimate == 1.0
    assert not perfect.defined
    none = mc.average_precision_interval(mc.sweep([0, 0, 0], [0.1, 0.2, 0.3]))
    assert math.isnan(none.estimate)
    assert not none.defined


def test_average_precision_interval_of_a_perfect_ranking_that_rounds_below_one():
    """24 positives above 3 negatives: AP sums to 1 − 1e-16, still a perfect ranking."""
    y = np.r_[np.ones(24, bool), np.zeros(3, bool)]
    scores = np.arange(27, 0, -1, dtype=np.float64)
    iv = mc.average_precision_interval(mc.sweep(y, scores))
    assert iv.estimate == skm.average_precision_score(y, scores)
    assert not iv.defined


def test_average_precision_interval_far_in_the_tail_does_not_overflow():
    """One positive ranked last of a million rows: AP ≈ 1e-6, the interval is all of [0, 1]."""
    y = np.zeros(1_000_000, dtype=bool)
    y[0] = True
    scores = np.arange(1_000_000, dtype=np.float64)  # the positive has the lowest score
    iv = mc.average_precision_interval(mc.sweep(y, scores))
    assert iv.estimate == pytest.approx(1e-6)
    assert iv.low == pytest.approx(logit_interval(iv.estimate, 1, 0.95)[0], abs=1e-300)
    assert iv.high == pytest.approx(logit_interval(iv.estimate, 1, 0.95)[1], rel=1e-9)
    assert (iv.low, iv.high) == (0.0, 1.0)


# --- compare_thresholds --------------------------------------------------------------------


def brute_force_moves(y, scores, weights, a, b) -> dict[tuple[str, str], float]:
    """Weight of the rows whose cell differs between thresholds ``a`` and ``b``, by a loop."""

    def cell(positive: bool, flagged: bool) -> str:
        return ("TP" if flagged else "FN") if positive else ("FP" if flagged else "TN")

    w = np.ones(y.shape[0]) if weights is None else weights
    moves: Counter = Counter()
    for yy, s, wi in zip(y, scores, w, strict=True):
        before, after = cell(yy, s >= a), cell(yy, s >= b)
        if before != after:
            moves[(before, after)] += float(wi)
    return {k: moves[k] for k in [("FN", "TP"), ("TN", "FP"), ("TP", "FN"), ("FP", "TN")]}


@some
@given(small_problems(), st.data())
def test_compare_thresholds_equals_a_loop_over_rows(problem, data):
    """Both directions, equal thresholds, thresholds between and beyond the scores."""
    y, scores, weights = problem
    sw = mc.sweep(y, scores, sample_weight=weights)
    candidates = thresholds_around(scores)
    a = data.draw(st.sampled_from(candidates))
    b = data.draw(st.sampled_from(candidates))
    for first, second in [(a, b), (b, a), (a, a)]:
        t = mc.compare_thresholds(sw, first, second)
        expected = brute_force_moves(y, scores, weights, first, second)
        assert t.moves == expected
        assert (t.a, t.b) == (first, second)
        assert t.n_changed == sum(expected.values())
    assert mc.compare_thresholds(sw, a, a).n_changed == 0


def test_compare_thresholds_toy_example():
    t = mc.compare_thresholds(mc.sweep(TOY_Y, TOY_SCORES), 0.5, 0.3)
    assert t.moves == {("FN", "TP"): 1.0, ("TN", "FP"): 1.0, ("TP", "FN"): 0.0, ("FP", "TN"): 0.0}
    assert t.n_changed == 2.0


def test_compare_thresholds_rejects_a_nan_threshold():
    with pytest.raises(ValueError, match="threshold is NaN"):
        mc.compare_thresholds(mc.sweep(TOY_Y, TOY_SCORES), 0.5, np.nan)
