"""Multiclass label metrics (one confusion matrix) against scikit-learn as the oracle.

Property tests draw 3 to 12 classes (integers or strings), ties, sample
weights (float and integer), classes never predicted and classes absent from
``y_true`` but listed in ``labels``. Values are compared to ~1e-12 with the
same nan-ness as scikit-learn; where the package's rule differs on purpose
(undefined is ``nan``), the test checks that the case is exactly the one
scikit-learn fills.
"""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.metrics import precision_recall_fscore_support as sk_prfs

import metrics_core as mc
from metrics_core import precision_recall_fscore_support

AVERAGES = [None, "macro", "micro", "weighted"]


def _sk(*args, **kwargs):
    # zero_division=np.nan is metrics_core's convention: undefined is NaN, and
    # averages leave undefined classes out.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sk_prfs(*args, zero_division=np.nan, **kwargs)


def _assert_same(ours, theirs) -> None:
    for a, b in zip(ours[:3], theirs[:3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, equal_nan=True)
    if theirs[3] is None:
        assert ours[3] is None
    else:
        np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-12)
        assert ours[3].dtype.kind == np.asarray(theirs[3]).dtype.kind


def _random_case(seed: int, n_classes: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(n_classes))
    y = rng.choice(n_classes, size=n, p=p)
    # A noisy classifier: right with probability 0.6, else a random class.
    right = rng.random(n) < 0.6
    pred = np.where(right, y, rng.integers(0, n_classes, n))
    return y, pred


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("seed", range(12))
def test_matches_sklearn_on_random_multiclass(seed: int, average: str | None) -> None:
    y, pred = _random_case(seed, n_classes=2 + seed % 5, n=50 + 37 * seed)
    _assert_same(
        precision_recall_fscore_support(y, pred, average=average),
        _sk(y, pred, average=average),
    )


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("beta", [0.0, 0.5, 2.0, np.inf])
def test_beta(beta: float, average: str | None) -> None:
    y, pred = _random_case(99, n_classes=4, n=300)
    _assert_same(
        precision_recall_fscore_support(y, pred, beta=beta, average=average),
        _sk(y, pred, beta=beta, average=average),
    )


@pytest.mark.parametrize("average", AVERAGES)
def test_undefined_classes(average: str | None) -> None:
    # Class 3 is never predicted (precision undefined); class 4 is predicted but
    # never true (recall undefined); label 5 is listed but appears nowhere.
    y = np.array([0, 0, 1, 1, 2, 2, 3, 3, 0, 1])
    pred = np.array([0, 1, 1, 1, 2, 4, 0, 2, 0, 4])
    labels = [0, 1, 2, 3, 4, 5]
    ours = precision_recall_fscore_support(y, pred, labels=labels, average=average)
    _assert_same(ours, _sk(y, pred, labels=labels, average=average))
    if average is None:
        assert np.isnan(ours[0][3])
        assert np.isnan(ours[1][4])
        assert np.isnan(ours[2][5])  # no positives, nothing flagged


@pytest.mark.parametrize("average", AVERAGES)
def test_labels_subset_and_order(average: str | None) -> None:
    # Samples of unlisted classes still count as errors of the listed ones.
    y, pred = _random_case(5, n_classes=5, n=400)
    labels = [3, 0, 4]
    _assert_same(
        precision_recall_fscore_support(y, pred, labels=labels, average=average),
        _sk(y, pred, labels=labels, average=average),
    )


@pytest.mark.parametrize("average", AVERAGES)
def test_string_labels_and_weights(average: str | None) -> None:
    rng = np.random.default_rng(3)
    names = np.array(["cat", "dog", "rabbit"])
    y_idx, p_idx = _random_case(8, n_classes=3, n=200)
    w = rng.random(200) * 3
    _assert_same(
        precision_recall_fscore_support(
            names[y_idx], names[p_idx], average=average, sample_weight=w
        ),
        _sk(names[y_idx], names[p_idx], average=average, sample_weight=w),
    )


def test_micro_precision_is_accuracy() -> None:
    y, pred = _random_case(1, n_classes=3, n=500)
    p, r, f, _ = precision_recall_fscore_support(y, pred, average="micro")
    assert p == pytest.approx(np.mean(y == pred))
    assert r == pytest.approx(p)
    assert f == pytest.approx(p)


def test_bad_average() -> None:
    with pytest.raises(ValueError, match="average"):
        precision_recall_fscore_support([0, 1], [0, 1], average="samples")


# --- property tests: strategies -------------------------------------------------------

prop_settings = settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)
ZERO_DIVISIONS = ["warn", 0.0, 1.0, np.nan]


@st.composite
def class_names(draw) -> np.ndarray:
    """3 to 12 distinct sorted class labels: integers (any sign) or short strings."""
    k = draw(st.integers(3, 12))
    if draw(st.booleans()):
        names = draw(st.sets(st.integers(-40, 40), min_size=k, max_size=k))
    else:
        text = st.text(alphabet="abcxyzé ", min_size=1, max_size=4)
        names = draw(st.sets(text, min_size=k, max_size=k))
    return np.array(sorted(names))


@st.composite
def label_problems(draw) -> dict:
    """``y_true``, ``y_pred``, weights and a ``labels`` argument, with awkward corners.

    ``y_true`` and ``y_pred`` use random subsets of the classes (some classes
    are never predicted, some never true); predictions are right about half
    the time so the counts are not all off-diagonal.
    """
    names = draw(class_names())
    k = names.shape[0]
    n = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    true_pool = rng.permutation(k)[: draw(st.integers(1, k))]
    pred_pool = rng.permutation(k)[: draw(st.integers(1, k))]
    y = rng.choice(true_pool, n)
    pred = np.where(rng.random(n) < draw(st.floats(0, 1)), y, rng.choice(pred_pool, n))
    weights = draw(st.sampled_from([None, "float", "int"]))
    if weights == "float":
        w = rng.random(n) * 3 * (rng.random(n) > 0.1)  # some zero weights
    elif weights == "int":
        w = rng.integers(0, 4, n)
    else:
        w = None
    if w is not None and not (w > 0).any():
        w[0] = 1
    mode = draw(st.sampled_from(["none", "all", "shuffled", "subset"]))
    if mode == "none":
        labels = None
    elif mode == "all":  # every class, including ones absent from the data
        labels = list(names)
    elif mode == "shuffled":
        labels = list(names[rng.permutation(k)])
    else:
        labels = list(names[rng.permutation(k)[: draw(st.integers(1, k))]])
    return {"y": names[y], "pred": names[pred], "w": w, "labels": labels}


def _quiet(func, *args, **kwargs):
    """Call ``func``; return its value (or the ValueError it raised) and its warnings.

    Warnings come back as ``"Category: message"`` strings.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = func(*args, **kwargs)
        except ValueError as err:
            value = err
    return value, {f"{w.category.__name__}: {w.message}" for w in caught}


def _warned(caught: set[str], text: str) -> bool:
    return any(text in message for message in caught)


def _same(ours, theirs) -> None:
    """Equal to ~1e-12, nan where scikit-learn has nan; equal dtype kinds for arrays."""
    assert isinstance(ours, ValueError) == isinstance(theirs, ValueError), (ours, theirs)
    if isinstance(theirs, ValueError):
        return
    if isinstance(theirs, np.ndarray):
        assert np.asarray(ours).shape == theirs.shape
    assert_allclose(np.asarray(ours, float), np.asarray(theirs, float), rtol=1e-12, atol=1e-15)
    assert_array_equal(np.isnan(np.asarray(ours, float)), np.isnan(np.asarray(theirs, float)))


# --- property tests -------------------------------------------------------------------


@prop_settings
@given(case=label_problems(), zero_division=st.sampled_from(ZERO_DIVISIONS))
def test_prfs_matches_sklearn_property(case: dict, zero_division) -> None:
    for average in AVERAGES:
        kwargs = {
            "labels": case["labels"],
            "average": average,
            "sample_weight": case["w"],
            "zero_division": zero_division,
        }
        ours, our_warnings = _quiet(
            precision_recall_fscore_support, case["y"], case["pred"], **kwargs
        )
        theirs, their_warnings = _quiet(sk_prfs, case["y"], case["pred"], **kwargs)
        assert isinstance(ours, ValueError) == isinstance(theirs, ValueError)
        if isinstance(theirs, ValueError):
            continue
        for a, b in zip(ours[:3], theirs[:3], strict=True):
            _same(a, b)
        if average is None:
            assert_allclose(ours[3], theirs[3], rtol=1e-12)
            assert ours[3].dtype.kind == theirs[3].dtype.kind
        else:
            assert ours[3] is None
        # Warn exactly when scikit-learn does ("warn" only).
        assert _warned(our_warnings, "UndefinedMetricWarning") == _warned(
            their_warnings, "UndefinedMetricWarning"
        )


@prop_settings
@given(case=label_problems(), zero_division=st.sampled_from(ZERO_DIVISIONS))
def test_classification_report_dict_equals_sklearn(case: dict, zero_division) -> None:
    kwargs = {"labels": case["labels"], "sample_weight": case["w"]}
    kwargs["zero_division"] = zero_division
    ours, _ = _quiet(mc.classification_report, case["y"], case["pred"], output_dict=True, **kwargs)
    theirs, _ = _quiet(
        skm.classification_report, case["y"], case["pred"], output_dict=True, **kwargs
    )
    assert isinstance(ours, ValueError) == isinstance(theirs, ValueError)
    if isinstance(theirs, ValueError):
        return
    assert list(ours) == list(theirs)  # same keys, same order ("accuracy" vs "micro avg")
    for key, value in theirs.items():
        if isinstance(value, dict):
            assert list(ours[key]) == list(value)
            for field, number in value.items():
                assert type(ours[key][field]) is float
                _same(ours[key][field], number)
        else:
            assert type(ours[key]) is float
            _same(ours[key], value)


@prop_settings
@given(case=label_problems(), digits=st.integers(0, 5))
def test_classification_report_text_equals_sklearn(case: dict, digits: int) -> None:
    # Float weights sum in a different order (one confusion matrix here, one
    # bincount per margin there): the raw support column may then differ in
    # its last printed digit, so text is compared with integer or no weights.
    w = None if case["w"] is None or case["w"].dtype.kind == "f" else case["w"]
    kwargs = {"labels": case["labels"], "sample_weight": w, "digits": digits}
    ours, _ = _quiet(mc.classification_report, case["y"], case["pred"], **kwargs)
    theirs, _ = _quiet(skm.classification_report, case["y"], case["pred"], **kwargs)
    assert isinstance(ours, ValueError) == isinstance(theirs, ValueError)
    if not isinstance(theirs, ValueError):
        assert ours == theirs


@prop_settings
@given(case=label_problems(), normalize=st.sampled_from([None, "true", "pred", "all"]))
def test_confusion_matrix_multiclass_equals_sklearn(case: dict, normalize) -> None:
    kwargs = {"labels": case["labels"], "sample_weight": case["w"], "normalize": normalize}
    ours, _ = _quiet(mc.confusion_matrix, case["y"], case["pred"], **kwargs)
    theirs, _ = _quiet(skm.confusion_matrix, case["y"], case["pred"], **kwargs)
    assert isinstance(ours, ValueError) == isinstance(theirs, ValueError)
    if isinstance(theirs, ValueError):
        return
    assert ours.dtype.kind == theirs.dtype.kind
    assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def _n_weighted_classes(y: np.ndarray, w: np.ndarray | None) -> int:
    """Classes of ``y`` carrying positive weight."""
    return np.unique(y if w is None else y[w > 0]).shape[0]


@prop_settings
@given(case=label_problems())
def test_accuracy_balanced_accuracy_mcc_match_sklearn(case: dict) -> None:
    y, pred, w = case["y"], case["pred"], case["w"]
    for normalize in (True, False):
        ours = mc.accuracy_score(y, pred, normalize=normalize, sample_weight=w)
        _same(ours, _quiet(skm.accuracy_score, y, pred, normalize=normalize, sample_weight=w)[0])
    single_true_class = _n_weighted_classes(y, w) == 1
    for adjusted in (False, True):
        ours, our_warnings = _quiet(
            mc.balanced_accuracy_score, y, pred, sample_weight=w, adjusted=adjusted
        )
        theirs, their_warnings = _quiet(
            skm.balanced_accuracy_score, y, pred, sample_weight=w, adjusted=adjusted
        )
        absent = "classes not in y_true"
        assert _warned(our_warnings, absent) == _warned(their_warnings, absent)
        if adjusted and single_true_class:
            # Chance is 1: the rescaling divides by zero. Undefined here;
            # scikit-learn gives -inf or nan.
            assert np.isnan(ours)
            assert not np.isfinite(theirs)
        else:
            _same(ours, theirs)
    ours = mc.matthews_corrcoef(y, pred, sample_weight=w)
    theirs, _ = _quiet(skm.matthews_corrcoef, y, pred, sample_weight=w)
    degenerate = single_true_class or _n_weighted_classes(pred, w) == 1
    assert np.isnan(ours) == degenerate
    if degenerate:
        assert theirs == 0.0  # scikit-learn's value for an undefined MCC
    else:
        _same(ours, theirs)


@prop_settings
@given(case=label_problems(), weights=st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_matches_sklearn(case: dict, weights) -> None:
    kwargs = {"labels": case["labels"], "weights": weights, "sample_weight": case["w"]}
    ours, our_warnings = _quiet(mc.cohen_kappa_score, case["y"], case["pred"], **kwargs)
    theirs, their_warnings = _quiet(skm.cohen_kappa_score, case["y"], case["pred"], **kwargs)
    _same(ours, theirs)
    assert _warned(our_warnings, "UndefinedMetricWarning") == _warned(
        their_warnings, "UndefinedMetricWarning"
    )


def test_mcc_equals_the_binary_formula_for_two_classes() -> None:
    rng = np.random.default_rng(4)
    y = rng.integers(0, 2, 300).astype(bool)
    pred = np.where(rng.random(300) < 0.7, y, ~y)
    tp, fp = np.sum(y & pred), np.sum(~y & pred)
    fn, tn = np.sum(y & ~pred), np.sum(~y & ~pred)
    assert mc.matthews_corrcoef(y, pred) == pytest.approx(
        mc.metrics.matthews_corrcoef(tp, fp, fn, tn), rel=1e-12
    )


# --- zero_division, report layout and errors -------------------------------------------


def test_zero_division_values() -> None:
    # Class 2 is never predicted: its precision is undefined.
    y, pred = [0, 1, 2, 2], [0, 1, 1, 1]
    assert np.isnan(precision_recall_fscore_support(y, pred)[0][2])
    assert precision_recall_fscore_support(y, pred, zero_division=1.0)[0][2] == 1.0
    assert precision_recall_fscore_support(y, pred, zero_division=0.0)[0][2] == 0.0
    with pytest.warns(mc.UndefinedMetricWarning, match="Precision is ill-defined"):
        p = precision_recall_fscore_support(y, pred, zero_division="warn")[0]
    assert p[2] == 0.0
    # nan is left out of the macro average; 0 and 1 count.
    macro = [
        precision_recall_fscore_support(y, pred, average="macro", zero_division=z)[0]
        for z in (np.nan, 0.0, 1.0)
    ]
    assert macro == pytest.approx([(1 + 1 / 3) / 2, (1 + 1 / 3) / 3, (2 + 1 / 3) / 3])


@pytest.mark.parametrize("bad", ["nan", 0.5, 2, True, None])
def test_bad_zero_division(bad) -> None:
    with pytest.raises(ValueError, match="zero_division"):
        precision_recall_fscore_support([0, 1], [0, 1], zero_division=bad)
    with pytest.raises(ValueError, match="zero_division"):
        mc.classification_report([0, 1], [0, 1], zero_division=bad)


def test_report_micro_avg_when_labels_leave_some_out() -> None:
    y = ["ant", "bee", "cat", "cat", "dog"]
    pred = ["ant", "cat", "cat", "dog", "dog"]
    full = mc.classification_report(y, pred, output_dict=True, zero_division=np.nan)
    assert "accuracy" in full
    assert full["accuracy"] == pytest.approx(0.6)
    part = mc.classification_report(
        y, pred, labels=["cat", "dog"], output_dict=True, zero_division=np.nan
    )
    assert list(part) == ["cat", "dog", "micro avg", "macro avg", "weighted avg"]
    # Pooled over the listed classes only: 2 of the 4 flagged are right, 2 of 3 found.
    assert part["micro avg"]["precision"] == pytest.approx(0.5)
    assert part["micro avg"]["recall"] == pytest.approx(2 / 3)
    assert part["micro avg"]["support"] == 3.0
    # A superset of the data's labels (an unseen class too) still says "accuracy".
    more = mc.classification_report(
        y, pred, labels=["ant", "bee", "cat", "dog", "eel"], output_dict=True, zero_division=0.0
    )
    assert "accuracy" in more
    assert more["eel"] == {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0.0}


def test_report_target_names() -> None:
    y, pred = [0, 1, 2, 2], [0, 2, 2, 2]
    out = mc.classification_report(
        y, pred, target_names=["low", "mid", "high"], output_dict=True, zero_division=0.0
    )
    assert list(out)[:3] == ["low", "mid", "high"]
    with pytest.raises(ValueError, match="target_names"):
        mc.classification_report(y, pred, target_names=["low", "mid"])
    # With labels given, a mismatch warns and the shorter list sets the rows, as scikit-learn.
    with pytest.warns(UserWarning, match="target_names"):
        out = mc.classification_report(
            y,
            pred,
            labels=[0, 1, 2],
            target_names=["low", "mid"],
            output_dict=True,
            zero_division=0.0,
        )
    with pytest.warns(UserWarning, match="target_names"):
        theirs = skm.classification_report(
            y,
            pred,
            labels=[0, 1, 2],
            target_names=["low", "mid"],
            output_dict=True,
            zero_division=0.0,
        )
    assert out == theirs


def test_single_class_is_not_a_confusion_matrix_warning() -> None:
    # One class everywhere: nothing is wrong, nothing to warn about.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mc.accuracy_score(["a", "a"], ["a", "a"]) == 1.0
        p, r, f, s = precision_recall_fscore_support(["a", "a"], ["a", "a"])
    assert (p.tolist(), r.tolist(), f.tolist(), s.tolist()) == ([1.0], [1.0], [1.0], [2])
    assert np.isnan(mc.matthews_corrcoef(["a", "a"], ["a", "a"]))
    with pytest.warns(mc.UndefinedMetricWarning, match="undefined"):
        assert np.isnan(mc.cohen_kappa_score(["a", "a"], ["a", "a"]))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mc.accuracy_score([], []), "empty"),
        (lambda: mc.accuracy_score([0, 1], [0]), "different lengths"),
        (lambda: mc.accuracy_score(["a", "b"], [0, 1]), "mix strings and numbers"),
        (lambda: mc.matthews_corrcoef([0.5, 1.0], [0, 1]), "continuous"),
        (lambda: precision_recall_fscore_support([0, 1], [0, 1], labels=["a"]), "mix strings"),
        (lambda: precision_recall_fscore_support([0, 1], [0, 1], labels=[]), "at least one"),
        (lambda: mc.cohen_kappa_score([0, 1], [0, 1], weights="cubic"), "weights"),
        (lambda: mc.cohen_kappa_score([0, 1], [2, 2], labels=[2]), "present in `y1`"),
        (lambda: mc.classification_report([0, 1], [0, 1], digits=-1), "digits"),
        (lambda: mc.balanced_accuracy_score([0, 1], [0, 1], sample_weight=[0, 0]), "zero"),
    ],
)
def test_bad_input_says_what_to_fix(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
