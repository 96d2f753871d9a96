"""The operating-point fast paths give the very answers of the plain functions.

:class:`metrics_core.ThresholdSearch` against ``threshold_for_*`` (themselves checked
against scikit-learn in ``test_decision.py`` and ``test_thresholds.py``),
:meth:`CostCurve.with_costs` against :func:`cost_curve`, the counting sum below many
thresholds against :func:`sum_below` and a loop, DeLong's level-free part against
:func:`roc_auc_interval`, and :func:`sweep_sample` against float searches. Equality is
exact: the same floats, the same indices.
"""

import math

import numpy as np
import pytest
import sklearn.metrics as skm

import metrics_core as mc
from metrics_core.decimate import sweep_sample

LEVELS = [0.0, 1e-9, 0.05, 0.1, 0.25, 1 / 3, 0.5, 0.6, 2 / 3, 0.75, 0.9, 0.99, 1.0]


def _problems(seed: int, count: int):
    """Small sweeps of every kind: ties, informative or random scores, weights with zeros."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        n = int(rng.integers(1, 80))
        y = rng.random(n) < rng.choice([0.05, 0.3, 0.5, 0.9])
        if i % 4 == 0:
            scores = rng.integers(0, 5, n).astype(float)  # many ties
        else:
            scores = np.round(y * rng.normal(1, 1, n) + rng.normal(0, 1, n), 2)
        weights = None if i % 3 else rng.choice([0.0, 0.5, 1.0, 2.25, 3.0], n)
        if weights is not None and not weights.any():
            weights[0] = 1.0
        yield y, scores, weights


def _sweeps(seed: int = 0, count: int = 300):
    for y, scores, weights in _problems(seed, count):
        yield mc.sweep(y.astype(int), scores, sample_weight=weights)


def test_threshold_search_equals_the_threshold_functions():
    for sw in _sweeps():
        search = mc.ThresholdSearch(sw)
        for level in LEVELS:
            assert search.for_precision(level) == mc.threshold_for_precision(sw, level)
            assert search.for_recall(level) == mc.threshold_for_recall(sw, level)
            assert search.for_fpr(level) == mc.threshold_for_fpr(sw, level)
        total = float(sw.total)
        for k in [0, 0.5, 1, 2, 3.5, total / 3, total / 2, total, total + 1]:
            assert search.for_capacity(k) == mc.threshold_for_capacity(sw, k)
        with np.errstate(all="ignore"):
            precision, fpr = np.asarray(sw.precision), np.asarray(sw.fpr)
        best = float(np.nanmax(precision)) if (~np.isnan(precision)).any() else math.nan
        assert search.best_precision == best or math.isnan(search.best_precision + best)
        lowest = float(np.nanmin(fpr)) if sw.n_neg else math.nan
        assert search.lowest_fpr == lowest or math.isnan(search.lowest_fpr + lowest)


def test_threshold_search_on_a_large_sweep_with_ties():
    rng = np.random.default_rng(7)
    n = 200_000
    y = rng.random(n) < 0.05
    scores = np.round(1 / (1 + np.exp(-(1.5 * y + rng.normal(0, 1, n) - 2))), 4)
    sw = mc.sweep(y, scores)
    search = mc.ThresholdSearch(sw)
    for level in [*LEVELS, *rng.random(40)]:
        assert search.for_precision(level) == mc.threshold_for_precision(sw, level)
        assert search.for_recall(level) == mc.threshold_for_recall(sw, level)
        assert search.for_fpr(level) == mc.threshold_for_fpr(sw, level)
    for k in rng.integers(0, n, 20):
        assert search.for_capacity(k) == mc.threshold_for_capacity(sw, k)


def test_threshold_search_precision_choice_against_sklearn():
    """Highest recall with precision >= 0.5, from scikit-learn's precision-recall curve."""
    rng = np.random.default_rng(3)
    y = rng.random(5000) < 0.2
    scores = np.round(y + rng.normal(0, 1, 5000), 2)
    choice = mc.ThresholdSearch(mc.sweep(y, scores)).for_precision(0.5)
    precision, recall, thresholds = skm.precision_recall_curve(y, scores)
    ok = precision[:-1] >= 0.5
    best = recall[:-1][ok].max()
    expected = thresholds[ok & (recall[:-1] == best)].max()  # highest threshold among ties
    assert choice.threshold == expected
    assert choice.value == best


def test_threshold_search_rejects_bad_levels_and_capacities():
    search = mc.ThresholdSearch(mc.sweep([0, 1], [0.2, 0.7]))
    for level in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match="between 0 and 1"):
            search.for_precision(level)
        with pytest.raises(ValueError, match="between 0 and 1"):
            search.for_recall(level)
        with pytest.raises(ValueError, match="between 0 and 1"):
            search.for_fpr(level)
    for k in (-1, math.nan, "many"):
        with pytest.raises(ValueError, match="max_flagged must be a number"):
            search.for_capacity(k)


@pytest.mark.parametrize("amounts_kind", ["none", "rows", "anywhere"])
def test_with_costs_is_the_cost_curve_of_the_new_costs(amounts_kind):
    """Cheapest threshold, breakdowns and costs before and after the whole array is read.

    ``anywhere``: amounts at scores that are not in the sweep, some negative (the core
    takes any finite amounts), so a missed amount can change where no positive is.
    """
    rng = np.random.default_rng(1)
    prices = [
        mc.Costs(1, 5),
        mc.Costs(0, 3),
        mc.Costs(2, 0),
        mc.Costs(0, 0),
        mc.Costs(1.3, 0.7, 0.4, 0.05),
        mc.Costs(0, 0, 2, 1),
        mc.Costs(1e-9, 1e9, 3, 0),
    ]
    for y, scores, weights in _problems(2, 150):
        sw = mc.sweep(y.astype(int), scores, sample_weight=weights)
        kw = {}
        if amounts_kind == "rows":
            amounts = rng.random(y.shape[0]) * 100
            if weights is not None:
                amounts = amounts * weights
            kw = {"scores": scores[y], "amounts": amounts[y]}
        elif amounts_kind == "anywhere":
            k = int(rng.integers(1, 20))
            kw = {"scores": rng.normal(0, 1.5, k), "amounts": rng.normal(0, 30, k)}
        first = mc.cost_curve(sw, prices[0], **kw)
        for costs in prices:
            expected = mc.cost_curve(sw, costs, **kw)
            got = first.with_costs(costs)
            assert got.best_index == expected.best_index
            assert got.best == expected.best
            some = np.unique(rng.integers(0, len(expected), 5))
            np.testing.assert_array_equal(got.cost_at(some), expected.cost[some])
            for i in (0, len(expected) - 1, *some.tolist()):
                assert got.breakdown(i) == expected.breakdown(i)
            for t in (*scores.tolist(), -np.inf, np.inf):
                assert got.at(t) == expected.at(t)
            assert got.costs == costs
            assert got.missed_amount is first.missed_amount  # shared, not copied
            np.testing.assert_array_equal(got.cost, expected.cost)
            assert np.signbit(got.cost).tolist() == np.signbit(expected.cost).tolist()
            assert not got.cost.flags.writeable
            assert (
                got.with_costs(prices[1]).best_index
                == mc.cost_curve(sw, prices[1], **kw).best_index
            )


def test_with_costs_over_many_blocks():
    rng = np.random.default_rng(5)
    n = 300_000
    y = rng.random(n) < 0.1
    scores = rng.random(n)
    sw = mc.sweep(y, scores)
    amounts = rng.random(int(y.sum())) * 10
    first = mc.cost_curve(sw, mc.Costs(1, 1), scores=scores[y], amounts=amounts)
    costs = mc.Costs(0.3, 7, 0.1, 0.02)
    expected = mc.cost_curve(sw, costs, scores=scores[y], amounts=amounts)
    np.testing.assert_array_equal(first.with_costs(costs).cost, expected.cost)


def test_missed_amounts_below_many_thresholds_equal_sum_below_and_a_loop():
    """Few positives against many distinct scores: the counting path of cost_curve."""
    rng = np.random.default_rng(11)
    for trial in range(40):
        n = int(rng.integers(20, 400))
        y = rng.random(n) < 0.08
        y[0] = True
        scores = np.round(rng.random(n), 3) if trial % 2 else rng.random(n)
        amounts = rng.integers(0, 50, int(y.sum())).astype(float)
        sw = mc.sweep(y, scores)
        curve = mc.cost_curve(sw, mc.Costs(1, 1), scores=scores[y], amounts=amounts)
        np.testing.assert_array_equal(
            curve.missed_amount, mc.sum_below(scores[y], amounts, curve.thresholds)
        )
        loop = [
            sum(a for s, a in zip(scores[y], amounts, strict=True) if s < t)
            for t in curve.thresholds
        ]
        np.testing.assert_array_equal(curve.missed_amount, loop)


def test_roc_auc_delong_is_the_level_free_part_of_the_interval():
    for sw in _sweeps(4, 120):
        delong = mc.roc_auc_delong(sw)
        for level in (0.8, 0.9, 0.95, 0.99):
            assert _same(
                mc.roc_auc_interval(sw, level, delong=delong), mc.roc_auc_interval(sw, level)
            )


def _same(a: mc.Interval, b: mc.Interval) -> bool:
    """Equal intervals, NaN equal to NaN."""
    pairs = [(a.estimate, b.estimate), (a.low, b.low), (a.high, b.high)]
    return (
        a.level == b.level
        and a.method == b.method
        and all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in pairs)
    )


def test_sweep_sample_equals_searches_with_float_levels():
    rng = np.random.default_rng(9)
    for weighted in (False, True):
        n = 50_000
        y = rng.random(n) < 0.3
        sw = mc.sweep(y, rng.random(n), sample_weight=rng.random(n) if weighted else None)
        for points in (10, 333, 1000):
            d = len(sw)
            asc = sw.thresholds[::-1]
            by_value = d - 1 - np.searchsorted(asc, np.linspace(asc[0], asc[-1], points))
            tp = np.asarray(sw.tp, dtype=np.float64)
            fp = np.asarray(sw.fp, dtype=np.float64)
            expected = np.unique(
                np.concatenate(
                    [
                        np.linspace(0, d - 1, points).round().astype(np.intp),
                        by_value.clip(0, d - 1),
                        np.searchsorted(tp, np.linspace(0, tp[-1], points)).clip(0, d - 1),
                        np.searchsorted(fp, np.linspace(0, fp[-1], points)).clip(0, d - 1),
                    ]
                )
            )
            np.testing.assert_array_equal(sweep_sample(sw, points), expected)
