"""Property tests: metrics_core against scikit-learn as the oracle.

Curves and their counts must be bit-identical (``assert_array_equal``), weighted
ones included. Point metrics use different but equivalent formulas, so they
are compared to ~1e-12, exactly where the arithmetic is the same, and must be
nan exactly where scikit-learn's value is (asked with ``zero_division=np.nan``)
or, where scikit-learn returns a number for 0/0, where the documented rule says.
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import metrics_core as mc
from metrics_core.metrics import METRICS

FINITE = {"allow_nan": False, "allow_infinity": False}
EXTREMES = [
    1e300,
    -1e300,
    1e-300,
    -1e-300,
    5e-324,
    -5e-324,
    2.2250738585072014e-308,
    np.finfo(np.float64).max,
    -np.finfo(np.float64).max,
    0.0,
    -0.0,
    1.0,
]
# (negative label, positive label) for each way of writing a binary target.
LABEL_KINDS = {
    "int01": (0, 1),
    "bool": (False, True),
    "pm1": (-1, 1),
    "str": ("legit", "fraud"),
}

slow_settings = settings(
    deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow]
)
curve_settings = settings(
    deadline=None, max_examples=75, suppress_health_check=[HealthCheck.too_slow]
)


# --- strategies -----------------------------------------------------------------


def score_arrays(n: int) -> st.SearchStrategy[np.ndarray]:
    f64 = lambda elements: arrays(np.float64, n, elements=elements)  # noqa: E731
    return st.one_of(
        f64(st.floats(-30, 30, **FINITE)),  # logits, both signs
        f64(st.floats(0, 1, **FINITE)),  # probabilities
        arrays(np.int64, n, elements=st.integers(-2, 2)),  # heavily tied integers
        f64(st.floats(0, 1, **FINITE).map(lambda v: round(v, 1))),  # rounded: tied
        arrays(np.float32, n, elements=st.floats(-1e3, 1e3, width=32, **FINITE)),
        arrays(np.float32, n, elements=st.sampled_from([0.1, 0.2, 0.7, -0.3])),
        f64(st.sampled_from([-0.0, 0.0, 1.0, -1.0])),  # signed zeros
        st.floats(-1e3, 1e3, **FINITE).map(lambda v: np.full(n, v)),  # all tied
        f64(st.sampled_from(EXTREMES) | st.floats(**FINITE)),  # extreme magnitudes
    )


def weight_arrays(n: int) -> st.SearchStrategy[np.ndarray | None]:
    return st.one_of(
        st.none(),
        arrays(np.float64, n, elements=st.sampled_from([0.0, 0.1, 1 / 3, 0.5, 2.5, 7.0])),
        # No weights below 1e-6: sklearn's MCC squares the total weight, which
        # underflows to 0 for weights near 1e-125 (it then returns 0, not -1).
        arrays(np.float64, n, elements=st.just(0.0) | st.floats(1e-6, 10)),
        arrays(np.int64, n, elements=st.integers(0, 4)),
    )


@dataclass
class Problem:
    y_true: np.ndarray | list  # labels as the caller writes them
    scores: np.ndarray
    pos_label: object  # None or an explicit positive label
    weights: np.ndarray | None
    positive: np.ndarray  # bool mask of the positive class

    @property
    def kwargs(self) -> dict:
        return {"pos_label": self.pos_label, "sample_weight": self.weights}

    @property
    def two_classes(self) -> bool:
        return bool(self.positive.any() and (~self.positive).any())

    def class_weight(self, positive: bool) -> float:
        w = np.ones(len(self.scores)) if self.weights is None else self.weights
        return float(w[self.positive == positive].sum())


@st.composite
def problems(draw, *, max_size: int = 60, two_class: bool = False, one_class: bool = False):
    n = draw(st.integers(2 if two_class else 1, max_size))
    scores = draw(score_arrays(n))
    shape = draw(st.sampled_from(["mixed", "mixed", "mixed", "all_pos", "all_neg"]))
    if two_class:
        shape = "mixed"
    elif one_class:
        shape = draw(st.sampled_from(["all_pos", "all_neg"]))
    if shape == "mixed":
        y = draw(arrays(np.bool_, n))
        if two_class:
            y[0], y[-1] = True, False
    else:
        y = np.full(n, shape == "all_pos")
    kind = draw(st.sampled_from(sorted(LABEL_KINDS)))
    neg, pos = LABEL_KINDS[kind]
    y_true = np.where(y, pos, neg)
    # String labels need pos_label; numeric ones may name either class or neither.
    pos_label = "fraud" if kind == "str" else draw(st.sampled_from([None, pos, neg]))
    positive = y_true == (pos if pos_label is None else pos_label)
    weights = draw(weight_arrays(n))
    if weights is not None and not (weights > 0).any():
        weights[draw(st.integers(0, n - 1))] = 1
    if draw(st.booleans()):
        y_true = y_true.tolist()
    return Problem(y_true, scores, pos_label, weights, positive)


def user_warnings(caught) -> list[type]:
    return [w.category for w in caught if issubclass(w.category, UserWarning)]


def call_ours(func, *args, **kwargs):
    """Call a metrics_core function; only UndefinedMetricWarning may escape it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    assert all(w.category is mc.UndefinedMetricWarning for w in caught), [
        str(w.message) for w in caught
    ]
    return result, user_warnings(caught)


def call_sklearn(func, *args, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    return result, user_warnings(caught)


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def assert_same_arrays(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape
        assert_array_equal(a, b, strict=False)


# --- curves ----------------------------------------------------------------------


@curve_settings
@given(problems(), st.booleans())
def test_roc_curve_is_identical_to_sklearn_and_warns_alike(p, drop):
    ours, our_warnings = call_ours(
        mc.roc_curve, p.y_true, p.scores, drop_intermediate=drop, **p.kwargs
    )
    theirs, their_warnings = call_sklearn(
        skm.roc_curve, p.y_true, p.scores, drop_intermediate=drop, **p.kwargs
    )
    assert_same_arrays(ours, theirs)
    assert all(a.dtype == np.float64 for a in ours)
    assert len(our_warnings) == len(their_warnings)


@curve_settings
@given(problems(), st.booleans())
def test_precision_recall_curve_is_identical_to_sklearn_and_warns_alike(p, drop):
    ours, our_warnings = call_ours(
        mc.precision_recall_curve, p.y_true, p.scores, drop_intermediate=drop, **p.kwargs
    )
    theirs, their_warnings = call_sklearn(
        skm.precision_recall_curve, p.y_true, p.scores, drop_intermediate=drop, **p.kwargs
    )
    # sklearn keeps the dtype of the scores for thresholds; ours are float64.
    assert_same_arrays(ours, theirs)
    assert len(our_warnings) == len(their_warnings)


ONE_CLASS_CASES = [
    ([1, 1, 1], {}),
    ([0, 0, 0], {}),
    ([-1, -1, -1], {}),
    ([True, True, True], {}),
    (["legit", "legit", "legit"], {"pos_label": "fraud"}),
    (["fraud", "fraud", "fraud"], {"pos_label": "fraud"}),
    ([0, 1, 1], {"sample_weight": [1.0, 0.0, 0.0]}),  # weights erase the positives
]


@pytest.mark.parametrize(("y_true", "kwargs"), ONE_CLASS_CASES)
@pytest.mark.parametrize("name", ["roc_curve", "precision_recall_curve"])
def test_one_class_curves_warn_exactly_when_sklearn_does(name, y_true, kwargs):
    scores = [0.2, 0.7, 0.7]
    ours, our_warnings = call_ours(getattr(mc, name), y_true, scores, **kwargs)
    theirs, their_warnings = call_sklearn(getattr(skm, name), y_true, scores, **kwargs)
    assert_same_arrays(ours, theirs)
    assert our_warnings == [mc.UndefinedMetricWarning] * len(their_warnings)
    # ROC warns for either missing class; precision-recall only without positives.
    no_positives = y_true[1] in (0, -1, "legit") or "sample_weight" in kwargs
    assert len(their_warnings) == int(name == "roc_curve" or no_positives)
    _, no_warnings = call_ours(getattr(mc, name), [0, 1, 1], scores)
    assert no_warnings == []


@pytest.mark.parametrize(("y_true", "kwargs"), ONE_CLASS_CASES[:5])
def test_one_class_roc_auc_is_nan_with_a_warning_like_sklearn(y_true, kwargs):
    kwargs = {k: v for k, v in kwargs.items() if k != "pos_label"}
    with pytest.warns(mc.UndefinedMetricWarning, match="Only one class is present"):
        ours = mc.roc_auc_score(y_true, [0.2, 0.7, 0.7], **kwargs)
    with pytest.warns(skm._ranking.UndefinedMetricWarning, match="Only one class is present"):
        theirs = skm.roc_auc_score(y_true, [0.2, 0.7, 0.7], **kwargs)
    assert np.isnan(ours)
    assert np.isnan(theirs)


@curve_settings
@given(problems(two_class=True), st.booleans())
def test_det_curve_is_identical_to_sklearn_for_two_classes(p, drop):
    if p.class_weight(True) == 0 or p.class_weight(False) == 0:
        # Weights erase a class: sklearn divides by zero (RuntimeWarning, inf/nan),
        # metrics_core raises instead.
        with pytest.raises(ValueError, match="one class"):
            mc.det_curve(p.y_true, p.scores, drop_intermediate=drop, **p.kwargs)
        return
    ours = mc.det_curve(p.y_true, p.scores, drop_intermediate=drop, **p.kwargs)
    theirs = quiet(skm.det_curve, p.y_true, p.scores, drop_intermediate=drop, **p.kwargs)
    assert_same_arrays(ours, theirs)


@settings(deadline=None, max_examples=30)
@given(problems(one_class=True), st.booleans())
def test_det_curve_raises_like_sklearn_for_one_class(p, drop):
    with pytest.raises(ValueError, match="one class"):
        mc.det_curve(p.y_true, p.scores, drop_intermediate=drop, **p.kwargs)
    with pytest.raises(ValueError, match="one class"):
        quiet(skm.det_curve, p.y_true, p.scores, drop_intermediate=drop, **p.kwargs)


@curve_settings
@given(problems(), st.sampled_from([None, 1.0, 0.5, 0.01]) | st.floats(1e-3, 1.0))
def test_roc_auc_score_is_identical_to_sklearn_and_warns_alike(p, max_fpr):
    try:
        theirs, their_warnings = call_sklearn(
            skm.roc_auc_score, p.y_true, p.scores, sample_weight=p.weights, max_fpr=max_fpr
        )
    except ValueError:
        # Only when weights erase a class and max_fpr < 1: the curve is nan and
        # sklearn fails in auc(); metrics_core fails in np.interp (numpy's message).
        assert max_fpr not in (None, 1.0)
        assert p.class_weight(True) == 0 or p.class_weight(False) == 0
        with pytest.raises(ValueError, match="array of sample points is empty"):
            quiet(mc.roc_auc_score, p.y_true, p.scores, sample_weight=p.weights, max_fpr=max_fpr)
        return
    ours, our_warnings = call_ours(
        mc.roc_auc_score, p.y_true, p.scores, sample_weight=p.weights, max_fpr=max_fpr
    )
    assert isinstance(ours, float)
    assert_array_equal(ours, theirs)  # nan == nan here
    assert len(our_warnings) == len(their_warnings)
    if not p.two_classes:
        assert np.isnan(ours)
        assert our_warnings == [mc.UndefinedMetricWarning]


@curve_settings
@given(problems())
def test_average_precision_is_identical_to_sklearn(p):
    pos = {} if p.pos_label is None else {"pos_label": p.pos_label}
    ours, our_warnings = call_ours(
        mc.average_precision_score, p.y_true, p.scores, sample_weight=p.weights, **pos
    )
    theirs, their_warnings = call_sklearn(
        skm.average_precision_score, p.y_true, p.scores, sample_weight=p.weights, **pos
    )
    assert isinstance(ours, float)
    assert ours == theirs
    assert len(our_warnings) == len(their_warnings)


@st.composite
def monotone_curves(draw):
    n = draw(st.integers(2, 60))
    steps = draw(arrays(np.float64, n - 1, elements=st.floats(0, 10, **FINITE)))
    x = np.concatenate([[draw(st.floats(-5, 5, **FINITE))], steps]).cumsum()
    if draw(st.booleans()):
        x = x[::-1]
    y = draw(arrays(np.float64, n, elements=st.floats(-10, 10, **FINITE)))
    return x, y


@curve_settings
@given(monotone_curves())
def test_auc_is_identical_to_sklearn_on_monotone_curves(curve):
    x, y = curve
    assert mc.auc(x, y) == skm.auc(x, y)


@settings(deadline=None, max_examples=60)
@given(
    arrays(np.float64, st.integers(0, 20), elements=st.floats(-5, 5, **FINITE)),
    st.data(),
)
def test_auc_raises_like_sklearn(x, data):
    y = data.draw(arrays(np.float64, x.shape[0], elements=st.floats(-5, 5, **FINITE)))
    try:
        expected = skm.auc(x, y)
    except ValueError:
        with pytest.raises(ValueError, match=r"points|neither increasing nor decreasing"):
            mc.auc(x, y)
    else:
        assert mc.auc(x, y) == expected


# --- confusion matrix -------------------------------------------------------------

LABEL_POOLS = [
    np.array([0, 1]),
    np.array([False, True]),
    np.array([-1, 1]),
    np.array([0, 1, 2, 5]),
    np.array([-3, 0, 70_000]),  # integers too far apart for a lookup table
    np.array(["ant", "bee", "cat"]),
]


@st.composite
def hard_predictions(draw):
    pool = draw(st.sampled_from(LABEL_POOLS))
    n = draw(st.integers(1, 40))
    y_true = draw(arrays(pool.dtype, n, elements=st.sampled_from(pool.tolist())))
    y_pred = draw(arrays(pool.dtype, n, elements=st.sampled_from(pool.tolist())))
    labels = None
    if draw(st.booleans()):  # a subset of the pool in an arbitrary order
        labels = np.array(draw(st.permutations(pool.tolist())))[: draw(st.integers(1, len(pool)))]
    weights = draw(weight_arrays(n))
    if weights is not None and not (weights > 0).any():
        weights[0] = 1
    normalize = draw(st.sampled_from([None, "true", "pred", "all"]))
    return y_true, y_pred, labels, weights, normalize


@curve_settings
@given(hard_predictions())
def test_confusion_matrix_is_identical_to_sklearn(case):
    y_true, y_pred, labels, weights, normalize = case
    kwargs = {"labels": labels, "sample_weight": weights, "normalize": normalize}
    try:
        theirs, their_warnings = call_sklearn(skm.confusion_matrix, y_true, y_pred, **kwargs)
    except ValueError:  # no listed label occurs in y_true
        with pytest.raises(ValueError, match="labels"):
            mc.confusion_matrix(y_true, y_pred, **kwargs)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = mc.confusion_matrix(y_true, y_pred, **kwargs)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    assert_array_equal(ours, theirs)
    assert [w.category for w in caught] == their_warnings


# --- the sweep ----------------------------------------------------------------------


def sklearn_counts(p: Problem) -> tuple[np.ndarray, ...]:
    """scikit-learn's ``(tn, fp, fn, tp, thresholds)`` at every distinct score.

    For scores near the float64 maximum its finiteness check sums them (inf,
    or inf - inf) and its tie finder subtracts neighbours (inf is still a
    difference): numpy warns, the result is right, so quiet those warnings.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return skm.confusion_matrix_at_thresholds(p.y_true, p.scores, **p.kwargs)


@curve_settings
@given(problems())
def test_sweep_arrays_equal_sklearn_confusion_matrix_at_thresholds(p):
    sw = mc.sweep(p.y_true, p.scores, **p.kwargs)
    tns, fps, fns, tps, thresholds = sklearn_counts(p)
    assert_array_equal(sw.thresholds, thresholds)
    assert_array_equal(sw.tp, tps)
    assert_array_equal(sw.fp, fps)
    assert_array_equal(sw.fn, fns)
    assert_array_equal(sw.tn, tns)
    assert sw.n_pos == tps[-1]
    assert sw.n_neg == fps[-1]


@curve_settings
@given(problems(), st.data(), st.floats(0.1, 5))
def test_every_sweep_metric_curve_equals_sklearn_at_its_thresholds(p, data, beta):
    sw = mc.sweep(p.y_true, p.scores, **p.kwargs)
    curves = {name: getattr(sw, name) for name in METRICS} | {"fbeta": sw.fbeta(beta)}
    points = [sw.point(i) for i in range(len(sw))]
    for name, curve in curves.items():
        assert curve.shape == sw.thresholds.shape, name
        # The whole curve at once is bit for bit the metric at each threshold.
        at_points = [pt.fbeta(beta) if name == "fbeta" else getattr(pt, name) for pt in points]
        assert_array_equal(curve, at_points, err_msg=name)
    picks = st.lists(st.integers(0, len(sw) - 1), min_size=1, max_size=3, unique=True)
    for i in data.draw(picks):
        pred = p.scores.astype(np.float64) >= sw.thresholds[i]
        assert_metrics_equal_sklearn({name: c[i] for name, c in curves.items()}, p, pred, beta)


def threshold_candidates(scores: np.ndarray) -> list[float]:
    """Every kind of threshold: at, between, below and beyond the scores, ±inf."""
    s = np.unique(scores.astype(np.float64))
    between = (s[:-1] / 2 + s[1:] / 2).tolist()
    with np.errstate(over="ignore"):  # next to ±max is ±inf
        outside = np.nextafter([s[0], s[-1]], [-np.inf, np.inf]).tolist()
        inside = np.nextafter([s[0], s[-1]], [np.inf, -np.inf]).tolist()
    return [*s.tolist(), *between, np.inf, -np.inf, *outside, *inside]


@curve_settings
@given(problems(), st.data())
def test_sweep_at_counts_equal_sklearn_confusion_matrix(p, data):
    sw = mc.sweep(p.y_true, p.scores, **p.kwargs)
    candidates = threshold_candidates(p.scores)
    ts = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4))
    ts.append(data.draw(st.floats(allow_nan=False)))
    for t in ts:
        point = sw.at(t)
        predicted = p.scores.astype(np.float64) >= t  # float32 must not round t
        tn, fp, fn, tp = skm.confusion_matrix(
            p.positive, predicted, labels=[False, True], sample_weight=p.weights
        ).ravel()
        if p.weights is not None and p.weights.dtype.kind == "f":
            # sklearn sums the matrix in sample order; the sweep sums cumulatively
            # by decreasing score and takes fn, tn as total minus tp, fp (as
            # sklearn's curves do), so the cells agree to rounding of the total.
            total = float(p.weights.sum())
            assert_allclose(
                [point.tp, point.fp, point.fn, point.tn],
                [tp, fp, fn, tn],
                rtol=1e-12,
                atol=1e-12 * total,
            )
        else:
            assert (point.tp, point.fp, point.fn, point.tn) == (tp, fp, fn, tn)
        assert point.threshold == t


@curve_settings
@given(problems(), st.data())
def test_sweep_at_each_equals_at_and_sklearn_at_every_threshold(p, data):
    sw = mc.sweep(p.y_true, p.scores, **p.kwargs)
    candidates = [*threshold_candidates(p.scores), -np.inf, np.inf]
    ts = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=8, unique=True))
    ts = sorted(ts, reverse=True)
    grid = sw.at_each(ts)
    assert grid.tp.dtype == sw.tp.dtype
    assert_array_equal(grid.thresholds, ts)
    for j, t in enumerate(ts):
        point = sw.at(t)
        assert (grid.tp[j], grid.fp[j], grid.fn[j], grid.tn[j]) == (
            point.tp,
            point.fp,
            point.fn,
            point.tn,
        )
        for name in METRICS:
            assert_array_equal(getattr(grid, name)[j], getattr(point, name), err_msg=name)
    if p.weights is None:
        predicted = p.scores.astype(np.float64) >= ts[0]
        tn, fp, fn, tp = skm.confusion_matrix(p.positive, predicted, labels=[False, True]).ravel()
        assert (grid.tp[0], grid.fp[0], grid.fn[0], grid.tn[0]) == (tp, fp, fn, tn)


def test_sweep_at_each_refuses_unordered_or_nan_thresholds():
    sw = mc.sweep([0, 1, 1], [0.2, 0.5, 0.9])
    with pytest.raises(ValueError, match="strictly decreasing"):
        sw.at_each([0.1, 0.5])
    with pytest.raises(ValueError, match="real numbers"):
        sw.at_each([0.5, np.nan])
    assert sw.at_each([]).tp.shape == (0,)


@curve_settings
@given(problems(), st.data())
def test_sweep_at_a_threshold_matches_its_curve_counts_exactly(p, data):
    sw = mc.sweep(p.y_true, p.scores, **p.kwargs)
    tns, fps, fns, tps, thresholds = sklearn_counts(p)
    i = data.draw(st.integers(0, len(thresholds) - 1))
    point = sw.at(float(thresholds[i]))
    assert (point.tp, point.fp, point.fn, point.tn) == (tps[i], fps[i], fns[i], tns[i])
    nothing = sw.at(np.inf)
    assert (nothing.tp, nothing.fp) == (0, 0)
    everything = sw.at(-np.inf)
    assert (everything.tp, everything.fp, everything.fn, everything.tn) == (
        tps[-1],
        fps[-1],
        0,
        0,
    )


def sklearn_metrics(
    y: np.ndarray, pred: np.ndarray, w: np.ndarray | None, beta: float
) -> tuple[dict[str, float], float]:
    """Every metric in METRICS, and F-beta, at one threshold, per scikit-learn.

    The rates of the negative class are scikit-learn's precision and recall with
    the classes or the predictions swapped (specificity is the recall of the
    negatives, the false omission rate the precision of the unflagged, ...).
    ``zero_division=np.nan`` and ``replace_undefined_by=np.nan`` give nan where a
    ratio is 0/0. scikit-learn has no such option for MCC (it returns 0) or for
    balanced accuracy (it averages the classes present), so there the documented
    rule is written out: MCC is nan when a row or column of the confusion matrix
    is empty, balanced accuracy and informedness when a class is.
    """
    kw = {"sample_weight": w, "zero_division": np.nan}
    weight = np.ones(y.shape[0]) if w is None else w
    pos, neg, flagged, unflagged = (weight[m].sum() for m in (y, ~y, pred, ~pred))
    both_classes = pos > 0 and neg > 0
    everything = np.ones_like(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        precision = skm.precision_score(y, pred, **kw)
        npv = skm.precision_score(~y, ~pred, **kw)
        lr_plus, lr_minus = skm.class_likelihood_ratios(
            y, pred, labels=[False, True], sample_weight=w, replace_undefined_by=np.nan
        )
        expected = {
            "precision": precision,
            "recall": skm.recall_score(y, pred, **kw),
            "specificity": skm.recall_score(~y, ~pred, **kw),
            "fpr": skm.recall_score(~y, pred, **kw),
            "fnr": skm.recall_score(y, ~pred, **kw),
            "npv": npv,
            "fdr": skm.precision_score(~y, pred, **kw),
            "false_omission_rate": skm.precision_score(y, ~pred, **kw),
            "accuracy": skm.accuracy_score(y, pred, sample_weight=w),
            "balanced_accuracy": (
                skm.balanced_accuracy_score(y, pred, sample_weight=w) if both_classes else np.nan
            ),
            "f1": skm.f1_score(y, pred, **kw),
            "mcc": (
                skm.matthews_corrcoef(y, pred, sample_weight=w)
                if min(pos, neg, flagged, unflagged) > 0
                else np.nan
            ),
            "cohen_kappa": skm.cohen_kappa_score(
                y, pred, labels=[False, True], sample_weight=w, replace_undefined_by=np.nan
            ),
            "informedness": (
                skm.balanced_accuracy_score(y, pred, adjusted=True, sample_weight=w)
                if both_classes
                else np.nan
            ),
            "markedness": precision + npv - 1,
            # The accuracy of flagging everything is the share of positives.
            "prevalence": skm.accuracy_score(y, everything, sample_weight=w),
            "predicted_positive_rate": skm.accuracy_score(pred, everything, sample_weight=w),
            "lr_plus": lr_plus,
            "lr_minus": lr_minus,
        }
        fbeta = skm.fbeta_score(y, pred, beta=beta, **kw)
    return expected, fbeta


# Ratios of counts: one division of the same two integers on both sides.
EXACT_WHEN_UNWEIGHTED = {
    "precision",
    "recall",
    "specificity",
    "fpr",
    "fnr",
    "npv",
    "fdr",
    "false_omission_rate",
    "accuracy",
    "f1",
    "prevalence",
    "predicted_positive_rate",
}


def assert_metric(name: str, ours: float, theirs: float, *, exact: bool = False) -> None:
    """Equal to the oracle, nan exactly where it is nan."""
    assert np.isnan(ours) == np.isnan(theirs), (name, ours, theirs)
    if np.isnan(theirs):
        return
    if exact:
        assert ours == theirs, name
    else:
        assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-12), name


def assert_metrics_equal_sklearn(ours: dict, p: Problem, pred: np.ndarray, beta: float) -> None:
    expected, fbeta = sklearn_metrics(p.positive, pred, p.weights, beta)
    assert set(expected) == set(METRICS)
    exact = EXACT_WHEN_UNWEIGHTED if p.weights is None else set()
    for name, value in expected.items():
        assert_metric(name, ours[name], value, exact=name in exact)
    assert_metric("fbeta", ours["fbeta"], fbeta)


@slow_settings
@given(problems(), st.data(), st.floats(0.1, 5))
def test_sweep_at_metrics_equal_sklearn(p, data, beta):
    sw = mc.sweep(p.y_true, p.scores, **p.kwargs)
    ts = data.draw(st.lists(st.sampled_from(threshold_candidates(p.scores)), max_size=2))
    ts.append(data.draw(st.sampled_from([np.inf, -np.inf])))
    for t in ts:
        point = sw.at(t)
        pred = p.scores.astype(np.float64) >= t
        ours = {name: getattr(point, name) for name in METRICS} | {"fbeta": point.fbeta(beta)}
        assert_metrics_equal_sklearn(ours, p, pred, beta)
