"""Per-group sweeps, points, thresholds by rule and gaps against scikit-learn and brute force.

Every group's numbers are recomputed on that group's rows alone: scikit-learn's
curve and confusion functions on the subset, thresholds by trying every
candidate in a loop.
"""

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import metrics_core as mc
from metrics_core.groups import _partition, _sorted_bounds, group_blocks

some = settings(deadline=None, max_examples=60)


@st.composite
def grouped(draw, *, weighted: bool = False):
    """Labels, tied or continuous scores, group codes (some groups empty or one-class)."""
    n = draw(st.integers(1, 40))
    k = draw(st.integers(1, 5))
    scores = draw(
        st.one_of(
            arrays(np.float64, n, elements=st.integers(0, 4).map(float)),
            arrays(np.float64, n, elements=st.floats(-5, 5, allow_subnormal=False)),
        )
    )
    y = draw(arrays(np.bool_, n))
    codes = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    w = draw(arrays(np.float64, n, elements=st.integers(0, 3).map(float))) if weighted else None
    return y, scores, codes, k, w


@some
@given(grouped())
def test_each_groups_sweep_equals_the_sweep_of_its_rows(problem) -> None:
    y, s, codes, k, _ = problem
    sweeps = mc.group_sweeps(y, s, codes, k)
    assert len(sweeps) == k
    for g, sw in enumerate(sweeps):
        rows = codes == g
        assert sw.n_pos == int(y[rows].sum())
        assert sw.n_neg == int((~y[rows]).sum())
        if not rows.any():
            assert len(sw) == 0
            continue
        ref = mc.sweep(y[rows], s[rows])
        np.testing.assert_array_equal(sw.thresholds, ref.thresholds)
        np.testing.assert_array_equal(sw.tp, ref.tp)
        np.testing.assert_array_equal(sw.fp, ref.fp)
        if sw.n_pos and sw.n_neg:
            assert mc.sweep_roc_auc(sw) == pytest.approx(skm.roc_auc_score(y[rows], s[rows]))


@some
@given(grouped(weighted=True), st.floats(-6, 6))
def test_group_points_equal_scikit_learn_on_each_subset(problem, t) -> None:
    y, s, codes, k, w = problem
    points = mc.group_points(mc.group_sweeps(y, s, codes, k, w), t)
    for g in range(k):
        rows = codes == g
        pred = s[rows] >= t
        wy = w[rows]
        # Weighted counts by hand: scikit-learn refuses all-zero weights.
        expected = [wy[yy & pp].sum() for yy, pp in ((y[rows], pred), (~y[rows], pred))]
        expected += [wy[y[rows] & ~pred].sum(), wy[~y[rows] & ~pred].sum()]
        got = (points.tp[g], points.fp[g], points.fn[g], points.tn[g])
        np.testing.assert_allclose(got, expected, atol=1e-9)
        if rows.any() and w[rows].sum() > 0:
            for ours, theirs in (
                (points.precision[g], skm.precision_score),
                (points.recall[g], skm.recall_score),
                (points.f1[g], skm.f1_score),
            ):
                ref = theirs(y[rows], pred, sample_weight=w[rows], zero_division=np.nan)
                assert math.isnan(ours) == math.isnan(ref)
                if not math.isnan(ref):
                    assert ours == pytest.approx(ref, abs=1e-12)
            flagged = w[rows][pred].sum() / w[rows].sum()
            assert points.flag_rate[g] == pytest.approx(flagged, abs=1e-12)


def test_missing_code_group_and_one_class_group_are_reported() -> None:
    y = np.array([True, False, True, True])
    s = np.array([0.9, 0.2, 0.6, 0.3])
    codes = np.array([0, 0, 1, 1])
    points = mc.group_points(mc.group_sweeps(y, s, codes, 3), 0.5)
    assert points.size.tolist() == [2, 2, 0]
    assert math.isnan(points.fpr[1])  # no negatives in group 1
    assert math.isnan(points.recall[2])  # an empty group


def _brute_gap(values, kind):
    ok = [i for i, v in enumerate(values) if not math.isnan(v)]
    if len(ok) < 2:
        return math.nan
    lo = min(values[i] for i in ok)
    hi = max(values[i] for i in ok)
    if kind == "ratio":
        return lo / hi if hi > 0 else math.nan
    return hi - lo


@some
@given(grouped(), st.floats(-6, 6))
def test_gaps_name_the_pair_furthest_apart(problem, t) -> None:
    y, s, codes, k, _ = problem
    points = mc.group_points(mc.group_sweeps(y, s, codes, k), t)
    for gap in mc.group_gaps(points):
        values = [float(v) for v in getattr(points, gap.metric)]
        expected = _brute_gap(values, gap.kind)
        assert math.isnan(gap.value) == math.isnan(expected)
        if not math.isnan(expected):
            assert gap.value == pytest.approx(expected)
            assert values[gap.low] == min(v for v in values if not math.isnan(v))
            assert values[gap.high] == max(v for v in values if not math.isnan(v))
    ratio = next(g for g in mc.group_gaps(points) if g.kind == "ratio")
    if not math.isnan(ratio.value):
        assert ratio.passes_four_fifths == (ratio.value >= 0.8)


def _brute_threshold(y, s, metric, target, fallback):
    """Try every candidate of one group: its distinct scores, and one above the top."""
    if (metric == "recall" and not y.any()) or (metric == "fpr" and y.all()) or not len(y):
        return fallback
    cands = sorted(set(s.tolist()), reverse=True)
    cands = [float(np.nextafter(cands[0], np.inf)), *cands]
    best, best_d = None, math.inf
    for c in cands:
        pred = s >= c
        if metric == "recall":
            v = pred[y].mean()
        elif metric == "fpr":
            v = pred[~y].mean()
        else:
            v = pred.mean()
        d = abs(v - target)
        if d < best_d:
            best, best_d = c, d
    return best


@some
@given(
    grouped(), st.floats(-6, 6), st.sampled_from(["equal_recall", "equal_fpr", "equal_flag_rate"])
)
def test_equal_rate_rules_pick_each_groups_closest_threshold(problem, t, rule) -> None:
    y, s, codes, k, _ = problem
    sweeps = mc.group_sweeps(y, s, codes, k)
    result = mc.group_thresholds(sweeps, rule, t)
    metric = {"equal_recall": "recall", "equal_fpr": "fpr", "equal_flag_rate": "flag"}[rule]
    pred = s >= t
    target = {
        "recall": pred[y].mean() if y.any() else math.nan,
        "fpr": pred[~y].mean() if (~y).any() else math.nan,
        "flag": pred.mean(),
    }[metric]
    assert math.isnan(result.target) == math.isnan(target)
    for g in range(k):
        rows = codes == g
        expected = (
            t if math.isnan(target) else _brute_threshold(y[rows], s[rows], metric, target, t)
        )
        assert result.points.thresholds[g] == expected
        assert result.points.tp[g] == np.count_nonzero(y[rows] & (s[rows] >= expected))


@some
@given(grouped(), st.floats(0, 5), st.floats(0, 5))
def test_cheapest_rule_picks_each_groups_cheapest_threshold(problem, c_fp, c_fn) -> None:
    y, s, codes, k, _ = problem
    costs = mc.Costs(fp=c_fp, fn=c_fn)
    result = mc.group_thresholds(mc.group_sweeps(y, s, codes, k), "cheapest", 0.0, costs=costs)
    for g in range(k):
        rows = codes == g
        if not rows.any():
            continue
        yy, ss = y[rows], s[rows]
        cands = sorted(set(ss.tolist()), reverse=True)
        cands = [float(np.nextafter(cands[0], np.inf)), *cands]
        cost = [c_fp * np.sum(~yy & (ss >= c)) + c_fn * np.sum(yy & (ss < c)) for c in cands]
        got = result.points.thresholds[g]
        got_cost = c_fp * np.sum(~yy & (ss >= got)) + c_fn * np.sum(yy & (ss < got))
        assert got_cost == pytest.approx(min(cost))


def test_single_rule_and_overall_counts() -> None:
    rng = np.random.default_rng(3)
    y = rng.random(500) < 0.3
    s = rng.random(500) + 0.3 * y
    codes = rng.integers(0, 4, 500)
    result = mc.group_thresholds(mc.group_sweeps(y, s, codes, 4), "single", 0.6)
    overall = result.points.overall()
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= 0.6).ravel()
    assert (overall.tp, overall.fp, overall.fn, overall.tn) == (tp, fp, fn, tn)
    assert overall.threshold == 0.6
    with pytest.raises(ValueError, match="Unknown rule"):
        mc.group_thresholds(mc.group_sweeps(y, s, codes, 4), "nope", 0.6)
    with pytest.raises(ValueError, match="needs costs"):
        mc.group_thresholds(mc.group_sweeps(y, s, codes, 4), "cheapest", 0.6)


# --- the fast paths of the grouping, against the plain computation they replace ----------


@some
@given(grouped(weighted=True), st.integers(1, 7), st.integers(1, 3))
def test_chunked_partition_equals_one_stable_argsort(problem, chunk, workers) -> None:
    y, s, codes, _, w = problem
    c = codes.astype(np.uint8)
    order = np.argsort(c, kind="stable")
    got, counts = _partition(c, [y, s, w], chunk, workers)
    for ours, arr in zip(got, (y, s, w), strict=True):
        np.testing.assert_array_equal(ours, arr[order])
    np.testing.assert_array_equal(counts, np.bincount(c, minlength=256))


@some
@given(grouped(weighted=True))
def test_group_blocks_chunked_or_not_are_the_stable_partition(problem) -> None:
    # Chunks of a few rows and two threads: the path large shuffled files take.
    y, s, codes, k, w = problem
    s = np.where(s == 0, -0.0, s)  # a negative zero must come out as 0.0
    order = np.argsort(codes, kind="stable")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("metrics_core.groups._CHUNK_ROWS", 3)
        mp.setattr("metrics_core.groups._CHUNK_ROWS_PER_CODE", 1)
        mp.setattr("metrics_core.groups.WORKERS", 2)
        chunked = group_blocks(y, s, codes, k, w)
    plain = group_blocks(y, s, codes, k, w)
    for blocks in (chunked, plain):
        assert len(blocks) == k
        for g, (yb, sb, wb) in enumerate(blocks):
            rows = order[codes[order] == g]
            np.testing.assert_array_equal(yb, y[rows])
            np.testing.assert_array_equal(sb, s[rows] + 0.0)
            assert not np.signbit(sb[sb == 0]).any()
            np.testing.assert_array_equal(wb, w[rows])


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int64])
def test_bounds_of_sorted_codes_equal_a_search_of_every_code(dtype) -> None:
    rng = np.random.default_rng(5)
    top = 255 if dtype == np.uint8 else 300
    c = np.sort(rng.integers(0, top + 1, 1000)).astype(dtype)
    for n_codes in (1, 7, top, top + 1):
        expected = np.searchsorted(c.astype(np.int64), np.arange(n_codes + 1))
        np.testing.assert_array_equal(_sorted_bounds(c, n_codes), expected)
    np.testing.assert_array_equal(_sorted_bounds(c[:0], 3), [0, 0, 0, 0])
