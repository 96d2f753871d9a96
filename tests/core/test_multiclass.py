"""metrics_core.precision_recall_fscore_support against scikit-learn."""

import sys
import warnings

import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support as sk_prfs

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


def test_core_stays_numpy_only() -> None:
    import subprocess

    code = (
        "import sys, metrics_core.multiclass; "
        "bad = [m for m in ('streamlit', 'pandas', 'altair', 'sklearn') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
