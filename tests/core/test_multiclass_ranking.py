"""Multiclass score-matrix metrics against scikit-learn as the oracle.

One-vs-rest sweeps, ROC AUC (ovr and ovo), average precision, top-k
accuracy, log loss and the micro-averaged curves, on 3 to 12 classes with
integer or string labels, heavily tied probabilities, sample weights and
classes listed in ``labels`` but absent from ``y_true``. Values are compared
to ~1e-12 with scikit-learn's nan-ness; curves bit for bit; errors and
warnings must come in the same cases.
"""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import label_binarize

import metrics_core as mc

prop_settings = settings(
    deadline=None, max_examples=50, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def score_problems(draw, *, min_present: int = 1) -> dict:
    """Labels, a probability matrix with many ties, weights and ``labels``.

    ``y_true`` uses a random subset of the classes (at least ``min_present``);
    ``labels`` (sorted, as scikit-learn requires) is passed whenever a class
    is missing from ``y_true`` and sometimes when none is.
    """
    k = draw(st.integers(3, 12))
    if draw(st.booleans()):
        names = np.array(sorted(draw(st.sets(st.integers(-30, 30), min_size=k, max_size=k))))
    else:
        text = st.text(alphabet="abqz", min_size=1, max_size=3)
        names = np.array(sorted(draw(st.sets(text, min_size=k, max_size=k))))
    n = draw(st.integers(2, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pool = rng.permutation(k)[: draw(st.integers(min(min_present, k), k))]
    y = rng.choice(pool, n)
    y[: pool.shape[0]] = pool[: min(n, pool.shape[0])]  # every pooled class appears
    if draw(st.booleans()):
        # Small integer counts: ties within rows and across rows.
        counts = rng.integers(0, draw(st.integers(1, 4)) + 1, (n, k)).astype(np.float64)
        counts[counts.sum(axis=1) == 0, 0] = 1
        # A little signal, so the areas are not all one half.
        counts[np.arange(n), y] += draw(st.integers(0, 3))
    else:
        counts = rng.dirichlet(np.ones(k), n)
    p = counts / counts.sum(axis=1, keepdims=True)
    weights = draw(st.sampled_from([None, "float", "int"]))
    w = {"float": rng.random(n) * 2, "int": rng.integers(1, 4, n), None: None}[weights]
    all_present = np.unique(y).shape[0] == k
    labels = None if all_present and draw(st.booleans()) else list(names)
    return {"y": names[y], "p": p, "w": w, "labels": labels, "names": names}


def _quiet(func, *args, **kwargs):
    """Call ``func``: its value (or the error it raised) and its warnings as text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = func(*args, **kwargs)
        except (ValueError, NotImplementedError) as err:
            value = err
    return value, [f"{w.category.__name__}: {w.message}" for w in caught]


def _warns_alike(ours: list[str], theirs: list[str]) -> None:
    # scikit-learn's warning may be a plain UserWarning where ours is its
    # subclass UndefinedMetricWarning: what matters is warning in the same cases.
    assert bool(ours) == bool(theirs), (ours, theirs)


def _assert_same(ours, theirs) -> None:
    assert isinstance(ours, Exception) == isinstance(theirs, Exception), (ours, theirs)
    if isinstance(theirs, Exception):
        return
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    assert ours.shape == theirs.shape
    assert_array_equal(np.isnan(ours), np.isnan(theirs))
    assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


# --- ROC AUC ---------------------------------------------------------------------------


@prop_settings
@given(case=score_problems(), average=st.sampled_from(["macro", "weighted", "micro", None]))
def test_ovr_roc_auc_matches_sklearn(case: dict, average) -> None:
    kwargs = {
        "multi_class": "ovr",
        "average": average,
        "labels": case["labels"],
        "sample_weight": case["w"],
    }
    ours, our_warnings = _quiet(mc.multiclass_roc_auc_score, case["y"], case["p"], **kwargs)
    theirs, their_warnings = _quiet(skm.roc_auc_score, case["y"], case["p"], **kwargs)
    _assert_same(ours, theirs)
    _warns_alike(our_warnings, their_warnings)


@prop_settings
@given(case=score_problems(min_present=2), average=st.sampled_from(["macro", "weighted"]))
def test_ovo_roc_auc_matches_sklearn(case: dict, average: str) -> None:
    kwargs = {"multi_class": "ovo", "average": average, "labels": case["labels"]}
    ours, _ = _quiet(mc.multiclass_roc_auc_score, case["y"], case["p"], **kwargs)
    theirs, _ = _quiet(skm.roc_auc_score, case["y"], case["p"], **kwargs)
    _assert_same(ours, theirs)


def test_ovo_with_one_class_present_is_undefined() -> None:
    p = np.full((4, 3), 1 / 3)
    with pytest.warns(mc.UndefinedMetricWarning, match="Fewer than two classes"):
        assert np.isnan(
            mc.multiclass_roc_auc_score([1, 1, 1, 1], p, multi_class="ovo", labels=[0, 1, 2])
        )


def test_ovo_on_many_tied_rows_matches_sklearn() -> None:
    rng = np.random.default_rng(7)
    n, k = 5000, 6
    y = rng.integers(0, k, n)
    counts = rng.integers(0, 3, (n, k)) + 2 * (y[:, None] == np.arange(k))
    p = counts / counts.sum(axis=1, keepdims=True)
    for average in ("macro", "weighted"):
        ours = mc.multiclass_roc_auc_score(y, p, multi_class="ovo", average=average)
        theirs = skm.roc_auc_score(y, p, multi_class="ovo", average=average)
        assert ours == pytest.approx(theirs, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "multi_class must be in"),
        ({"multi_class": "ovr", "max_fpr": 0.5}, "max_fpr"),
        ({"multi_class": "ovo", "average": None}, "average"),
        ({"multi_class": "ovo", "average": "micro"}, "average"),
        ({"multi_class": "ovr", "average": "samples"}, "average"),
        ({"multi_class": "ovo", "sample_weight": [1, 1, 1, 1]}, "sample_weight"),
        ({"multi_class": "ovr", "labels": [0, 2, 1]}, "ordered"),
        ({"multi_class": "ovr", "labels": [0, 1, 1]}, "unique"),
        ({"multi_class": "ovr", "labels": [0, 1, 3]}, "not in labels"),
        ({"multi_class": "ovr", "labels": [0, 1, 2, 3]}, "columns"),
    ],
)
def test_roc_auc_errors(kwargs: dict, message: str) -> None:
    p = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    with pytest.raises(ValueError, match=message):
        mc.multiclass_roc_auc_score([0, 1, 2, 2], p, **kwargs)


def test_roc_auc_needs_probabilities() -> None:
    logits = np.array([[2.0, 0.1, -1.0], [0.0, 1.0, 0.5], [0.1, 0.2, 3.0]])
    with pytest.raises(ValueError, match=r"sum up to 1\.0"):
        mc.multiclass_roc_auc_score([0, 1, 2], logits, multi_class="ovr")
    with pytest.raises(ValueError, match="at least 3"):
        mc.multiclass_roc_auc_score([0, 1, 1], logits[:, :2], multi_class="ovr")
    with pytest.raises(ValueError, match="shape"):
        mc.multiclass_roc_auc_score([0, 1, 2], logits[:, 0], multi_class="ovr")


# --- average precision -----------------------------------------------------------------


@prop_settings
@given(case=score_problems(), average=st.sampled_from(["macro", "weighted", "micro", None]))
def test_average_precision_matches_sklearn(case: dict, average) -> None:
    y, p, w = case["y"], case["p"], case["w"]
    # A label indicator matrix over every class: absent classes are zero columns.
    indicator = label_binarize(y, classes=case["names"])
    ours, our_warnings = _quiet(
        mc.multiclass_average_precision_score, indicator, p, average=average, sample_weight=w
    )
    theirs, their_warnings = _quiet(
        skm.average_precision_score, indicator, p, average=average, sample_weight=w
    )
    _assert_same(ours, theirs)
    _warns_alike(our_warnings, their_warnings)
    # The 1-D multiclass form (binarised over the classes of y_true).
    ours, _ = _quiet(mc.multiclass_average_precision_score, y, p, average=average, sample_weight=w)
    theirs, _ = _quiet(skm.average_precision_score, y, p, average=average, sample_weight=w)
    _assert_same(ours, theirs)


def test_average_precision_errors() -> None:
    p = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    with pytest.raises(ValueError, match="pos_label"):
        mc.multiclass_average_precision_score([0, 1, 2], p, pos_label=2)
    with pytest.raises(ValueError, match="binary problem"):
        mc.multiclass_average_precision_score([0, 1, 1], p)
    with pytest.raises(ValueError, match="indicator matrix"):
        mc.multiclass_average_precision_score([0, 1, 2], p[:, :2] / 0.7 * 0.7)
    with pytest.raises(ValueError, match="only 0 and 1"):
        mc.multiclass_average_precision_score(np.full((3, 3), 2), p)
    with pytest.raises(ValueError, match="shape"):
        mc.multiclass_average_precision_score(np.eye(3)[:, :2], p)


# --- top-k accuracy --------------------------------------------------------------------


@prop_settings
@given(case=score_problems(), k=st.integers(1, 13), normalize=st.booleans())
def test_top_k_accuracy_matches_sklearn(case: dict, k: int, normalize: bool) -> None:
    kwargs = {"k": k, "normalize": normalize, "sample_weight": case["w"], "labels": case["labels"]}
    ours, our_warnings = _quiet(mc.top_k_accuracy_score, case["y"], case["p"], **kwargs)
    theirs, their_warnings = _quiet(skm.top_k_accuracy_score, case["y"], case["p"], **kwargs)
    _assert_same(ours, theirs)
    _warns_alike(our_warnings, their_warnings)


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("scale", [1.0, 4.0])  # probabilities, or scores beyond [0, 1]
def test_top_k_accuracy_binary_matches_sklearn(k: int, scale: float) -> None:
    rng = np.random.default_rng(k)
    y = rng.choice(["no", "yes"], 80)
    s = np.round(rng.random(80), 1) * scale - (scale > 1)
    ours, _ = _quiet(mc.top_k_accuracy_score, y, s, k=k)
    theirs, _ = _quiet(skm.top_k_accuracy_score, y, s, k=k)
    _assert_same(ours, theirs)


def test_top_k_ties_rank_the_higher_index_first() -> None:
    # All three classes tie: scikit-learn ranks column 2, then 1, then 0.
    p = np.full((3, 3), 1 / 3)
    hits = [mc.top_k_accuracy_score([c], p[:1], k=1, labels=[0, 1, 2]) for c in range(3)]
    assert hits == [0.0, 0.0, 1.0]


def test_top_k_errors() -> None:
    p = np.array([[0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    for bad_k in (0, 1.5, True):
        with pytest.raises(ValueError, match="k must be"):
            mc.top_k_accuracy_score([0, 1, 2], p, k=bad_k)
    with pytest.raises(ValueError, match="`labels` must be provided"):
        mc.top_k_accuracy_score([0, 1, 1], p)
    with pytest.raises(ValueError, match="ordered"):
        mc.top_k_accuracy_score([0, 1, 2], p, labels=[2, 1, 0])


# --- log loss --------------------------------------------------------------------------


@prop_settings
@given(case=score_problems(), normalize=st.booleans(), zeros=st.booleans())
def test_log_loss_matches_sklearn(case: dict, normalize: bool, zeros: bool) -> None:
    p = case["p"]
    if zeros:  # exact 0 and 1 probabilities are clipped to [eps, 1 - eps]
        p = (p == p.max(axis=1, keepdims=True)).astype(np.float64)
        p /= p.sum(axis=1, keepdims=True)
    kwargs = {"normalize": normalize, "sample_weight": case["w"], "labels": case["labels"]}
    ours, our_warnings = _quiet(mc.multiclass_log_loss, case["y"], p, **kwargs)
    theirs, their_warnings = _quiet(skm.log_loss, case["y"], p, **kwargs)
    _assert_same(ours, theirs)
    assert our_warnings == []
    assert their_warnings == []


def test_log_loss_float32_unsorted_labels_and_bad_rows() -> None:
    y = np.array(["b", "a", "c", "b"])
    p = np.array([[0.2, 0.7, 0.1], [0.9, 0.05, 0.05], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    p32 = p.astype(np.float32)
    assert mc.multiclass_log_loss(y, p32) == pytest.approx(skm.log_loss(y, p32), rel=1e-6)
    with pytest.warns(UserWarning, match="ordered lexicographically"):
        ours = mc.multiclass_log_loss(y, p, labels=["c", "a", "b"])
    assert ours == pytest.approx(skm.log_loss(y, p), rel=1e-12)
    with pytest.warns(UserWarning, match="do not sum to one"):
        mc.multiclass_log_loss(y, p * 0.9)
    for bad, message in [
        (p * 2, "outside"),
        (p[:, :2], "different number of classes"),
        (p[:, 0], "matrix"),
    ]:
        error, _ = _quiet(mc.multiclass_log_loss, y, bad)
        assert isinstance(error, ValueError)
        assert message in str(error)
    with pytest.raises(ValueError, match="only one label"):
        mc.multiclass_log_loss(["a", "a"], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="not in labels"):
        mc.multiclass_log_loss(["a", "d", "c", "b"], p, labels=["a", "b", "c"])


# --- one-vs-rest sweeps and micro-averaged curves --------------------------------------


@prop_settings
@given(case=score_problems())
def test_ovr_sweeps_are_the_binary_problems(case: dict) -> None:
    y, p, w, names = case["y"], case["p"], case["w"], case["names"]
    sweeps = mc.ovr_sweeps(y, p, names, sample_weight=w)
    assert len(sweeps) == names.shape[0]
    for k, sw in enumerate(sweeps):
        positive = y == names[k]
        assert sw.n_pos == pytest.approx(positive.sum() if w is None else w[positive].sum())
        if positive.all() or not positive.any():  # one class only: no ROC curve
            assert np.isnan(mc.sweep_roc_auc(sw))
            continue
        fpr, tpr, thr = skm.roc_curve(positive, p[:, k], sample_weight=w, drop_intermediate=False)
        assert_array_equal(sw.thresholds, thr[1:])
        assert_allclose(sw.recall, tpr[1:], rtol=1e-12)
        assert_allclose(sw.fpr, fpr[1:], rtol=1e-12)
        assert mc.sweep_roc_auc(sw) == pytest.approx(
            skm.roc_auc_score(positive, p[:, k], sample_weight=w), rel=1e-12
        )
        assert mc.sweep_average_precision(sw) == pytest.approx(
            skm.average_precision_score(positive, p[:, k], sample_weight=w), rel=1e-12
        )


@prop_settings
@given(case=score_problems(), drop=st.booleans())
def test_micro_curves_are_sklearns_raveled_curves(case: dict, drop: bool) -> None:
    y, p, w, names = case["y"], case["p"], case["w"], case["names"]
    flat_y = label_binarize(y, classes=names).ravel()
    flat_w = None if w is None else np.repeat(w, names.shape[0])
    ours = mc.micro_roc_curve(y, p, labels=names, sample_weight=w, drop_intermediate=drop)
    theirs = skm.roc_curve(flat_y, p.ravel(), sample_weight=flat_w, drop_intermediate=drop)
    for a, b in zip(ours, theirs, strict=True):
        assert_array_equal(a, b)
    ours = mc.micro_precision_recall_curve(
        y, p, labels=names, sample_weight=w, drop_intermediate=drop
    )
    theirs = skm.precision_recall_curve(
        flat_y, p.ravel(), sample_weight=flat_w, drop_intermediate=drop
    )
    for a, b in zip(ours, theirs, strict=True):
        assert_array_equal(a, b)
    micro = mc.micro_sweep(y, p, names, sample_weight=w)
    assert mc.sweep_roc_auc(micro) == pytest.approx(
        skm.roc_auc_score(flat_y, p.ravel(), sample_weight=flat_w), rel=1e-12
    )


def test_ovr_sweeps_follow_the_given_column_order() -> None:
    y = np.array(["fox", "cat", "dog", "cat"])
    p = np.array([[0.1, 0.2, 0.7], [0.8, 0.1, 0.1], [0.2, 0.6, 0.2], [0.5, 0.4, 0.1]])
    cat, dog, fox = mc.ovr_sweeps(y, p)  # default: sorted classes of y
    assert (cat.n_pos, dog.n_pos, fox.n_pos) == (2, 1, 1)
    fox2, cat2, _ = mc.ovr_sweeps(y, p[:, [2, 0, 1]], ["fox", "cat", "dog"])
    assert_array_equal(fox2.tp, fox.tp)
    assert_array_equal(cat2.thresholds, cat.thresholds)
    with pytest.raises(ValueError, match="unique"):
        mc.ovr_sweeps(y, p, ["cat", "cat", "dog"])
    with pytest.raises(ValueError, match="columns"):
        mc.ovr_sweeps(np.array(["cat", "dog", "dog", "cat"]), p)
    with pytest.raises(ValueError, match="NaN or infinite"):
        mc.ovr_sweeps(y, np.where(p > 0.7, np.nan, p))


def test_the_binary_names_take_a_score_matrix_as_scikit_learn_does() -> None:
    from metrics_core import average_precision_score, log_loss, roc_auc_score

    rng = np.random.default_rng(5)
    y = rng.choice(["a", "b", "c"], 300)
    raw = rng.random((300, 3)) + (y[:, None] == np.array(["a", "b", "c"])) * 0.5
    p = raw / raw.sum(axis=1, keepdims=True)
    for kind in ("ovr", "ovo"):
        assert roc_auc_score(y, p, multi_class=kind) == pytest.approx(
            skm.roc_auc_score(y, p, multi_class=kind), rel=1e-12
        )
    assert log_loss(y, p) == pytest.approx(skm.log_loss(y, p), rel=1e-12)
    assert average_precision_score(y, p) == pytest.approx(
        skm.average_precision_score(y, p), rel=1e-12
    )
