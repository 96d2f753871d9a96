"""Tests for the built-in demo datasets in metrics_app.demo."""

import ast
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score

from metrics_app.data import demo as demo_module
from metrics_app.data.demo import DEFAULT_DEMO, DEMOS, Demo, load_demo

# Expected shape and prevalence band per demo: (rows, min prevalence, max prevalence).
EXPECTED = {
    "fraud": (100_000, 0.008, 0.012),
    "circles": (2_000, 0.45, 0.55),  # the stratified test half of 4,000 points
    "spam": (5_000, 0.30, 0.40),
    "screening": (20_000, 0.04, 0.06),
    "digits": (899, 0.08, 0.12),  # the stratified test half of 1,797 images; class 8
    "tickets": (1_500, 0.17, 0.23),  # the test half of 3,000 tickets; class "account"
}

NEGATIVE = {"fraud": "legit", "circles": "outer", "spam": "ham", "screening": "healthy"}

# Multiclass demos: every label value (the positive class is one of them).
CLASSES = {"digits": set(range(10)), "tickets": {"billing", "technical", "account"}}


@cache
def _frame(key: str) -> pd.DataFrame:
    # Build each demo once per test session; tests must not mutate the returned frame.
    return load_demo(key)


def _is_positive(key: str) -> np.ndarray:
    demo = DEMOS[key]
    return (_frame(key)[demo.label] == demo.positive).to_numpy()


def test_registry_order_and_default() -> None:
    assert list(DEMOS) == ["fraud", "circles", "spam", "screening", "digits", "tickets"]
    assert DEFAULT_DEMO == "fraud"
    assert DEFAULT_DEMO in DEMOS


@pytest.mark.parametrize("key", list(DEMOS))
def test_metadata_is_consistent(key: str) -> None:
    demo = DEMOS[key]
    assert isinstance(demo, Demo)
    assert demo.key == key
    assert demo.title.strip()
    assert demo.summary.strip()
    assert "\n" not in demo.summary
    assert demo.scores, "at least one score column"
    assert demo.weight is None


def test_demo_is_frozen() -> None:
    with pytest.raises(AttributeError):
        DEMOS["fraud"].title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("key", list(DEMOS))
def test_build_is_deterministic(key: str) -> None:
    # Two independent builds (not the cached frame) must match exactly.
    pd.testing.assert_frame_equal(load_demo(key), DEMOS[key].build())


@pytest.mark.parametrize("key", list(DEMOS))
def test_columns_dtypes_and_no_nans(key: str) -> None:
    demo = DEMOS[key]
    frame = _frame(key)
    declared = [demo.label, *demo.scores] + ([demo.weight] if demo.weight else [])
    assert set(declared) <= set(frame.columns)
    assert not frame.isna().to_numpy().any()
    for column in demo.scores:
        assert frame[column].dtype == np.float64, column
        assert np.isfinite(frame[column].to_numpy()).all(), column


@pytest.mark.parametrize("key", list(DEMOS))
def test_label_values_are_documented_strings(key: str) -> None:
    demo = DEMOS[key]
    expected = CLASSES[key] if key in CLASSES else {demo.positive, NEGATIVE[key]}
    assert set(_frame(key)[demo.label].unique()) == expected
    assert demo.positive in expected


@pytest.mark.parametrize("key", list(DEMOS))
def test_shape_and_prevalence(key: str) -> None:
    rows, low, high = EXPECTED[key]
    assert len(_frame(key)) == rows
    assert low <= _is_positive(key).mean() <= high


def test_load_demo_unknown_key_lists_valid_keys() -> None:
    with pytest.raises(KeyError, match=r"Unknown demo 'nope'.*'fraud'.*'screening'"):
        load_demo("nope")


def test_load_demo_returns_fresh_frames() -> None:
    # The app may mutate what it gets; one caller must not corrupt the next.
    first = load_demo("spam")
    first["spam_logit"] = 0.0
    assert load_demo("spam")["spam_logit"].std() > 0


def test_module_stays_ui_free() -> None:
    # The app caches load_demo behind Streamlit; the generators themselves must not import it.
    tree = ast.parse(Path(demo_module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"streamlit", "altair"}


def test_fraud_accuracy_paradox_at_half() -> None:
    frame = _frame("fraud")
    y_true = _is_positive("fraud")
    y_pred = frame["model_score"].to_numpy() >= 0.5
    accuracy = accuracy_score(y_true, y_pred)
    recall = recall_score(y_true, y_pred)
    assert accuracy >= 0.97
    assert recall <= 0.25
    # The paradox: "always legit" is about as accurate as the model.
    assert accuracy - (1 - y_true.mean()) < 0.01


def test_fraud_lower_threshold_trades_precision_for_recall() -> None:
    scores = _frame("fraud")["model_score"].to_numpy()
    y_true = _is_positive("fraud")
    high, low = scores >= 0.5, scores >= 0.1
    assert recall_score(y_true, low) > recall_score(y_true, high) + 0.2
    assert precision_score(y_true, low) < precision_score(y_true, high)


def test_fraud_scores_and_amounts_are_plausible() -> None:
    frame = _frame("fraud")
    y_true = _is_positive("fraud")
    for column in ("model_score", "model_v2_score"):
        assert frame[column].between(0.0, 1.0).all()
    assert (frame["amount"] > 0).all()
    assert frame["amount"][y_true].median() > frame["amount"][~y_true].median()
    assert frame["transaction_id"].is_unique
    assert roc_auc_score(y_true, frame["model_v2_score"]) > roc_auc_score(
        y_true, frame["model_score"]
    )


def test_circles_mlp_beats_logistic() -> None:
    frame = _frame("circles")
    y_true = _is_positive("circles")
    mlp_auc = roc_auc_score(y_true, frame["mlp_score"])
    logistic_auc = roc_auc_score(y_true, frame["logistic_score"])
    assert mlp_auc >= 0.9
    assert 0.4 <= logistic_auc <= 0.6
    assert mlp_auc - logistic_auc >= 0.3


def test_spam_scores_are_logits_not_probabilities() -> None:
    logits = _frame("spam")["spam_logit"]
    assert logits.min() < 0.0
    assert logits.max() > 1.0
    assert ((logits < 0.0) | (logits > 1.0)).mean() > 0.5


def test_screening_risk_score_is_heavily_tied() -> None:
    frame = _frame("screening")
    risk = frame["risk_score"].to_numpy()
    assert len(np.unique(risk)) <= 11
    np.testing.assert_array_equal(risk, np.round(risk))
    assert risk.min() >= 0.0
    assert risk.max() <= 10.0
    assert frame["test_score"].between(0.0, 1.0).all()
