"""Files shaped like real exports, uploaded through AppTest: each is understood, or says why not.

Every case builds its own file: a model scoring the other class, both columns of
``predict_proba``, ``p_fraud`` / ``p_legit``, ``decision_function`` values, an id column,
constant scores, a tiny positive class, labels that look like scores, three classes, tiny
probabilities. Each test checks the message on screen and that, after the suggested fix,
the numbers equal scikit-learn's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.shared import format as fmt

APP = str(Path(__file__).resolve().parents[2] / "app.py")
N = 2000


@pytest.fixture(scope="module")
def model() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels, probabilities of the positive class and logits of a decent model."""
    rng = np.random.default_rng(0)
    y = rng.random(N) < 0.2
    logit = rng.normal(0, 1, N) + 2.0 * y - 1.5
    return y, 1 / (1 + np.exp(-logit)), logit


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, float_format="%.17g").encode()


def _upload(name: str, frame: pd.DataFrame) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.radio(key="source_mode").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((name, _csv(frame), "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _source_id(at: AppTest) -> str:
    return at.session_state["source"].id


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _assert_cards(at: AppTest, y: np.ndarray, s: np.ndarray, t: float) -> None:
    pred = s >= t
    cards = _cards(at)
    assert cards["Precision"] == fmt.percent(skm.precision_score(y, pred, zero_division=np.nan))
    assert cards["Recall"] == fmt.percent(skm.recall_score(y, pred))
    assert cards["F1"] == fmt.decimal(skm.f1_score(y, pred))
    assert cards["Accuracy"] == fmt.percent(skm.accuracy_score(y, pred))


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def _click(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, at.exception
    return at


def test_scores_of_the_other_class_are_flagged_with_both_aucs(model) -> None:
    y, p, _ = model
    at = _upload("inverted.csv", pd.DataFrame({"label": y.astype(int), "score": 1 - p}))
    (text,) = [w for w in _warnings(at) if "point the other way" in w]
    auc = skm.roc_auc_score(y, 1 - p)
    assert auc < 0.5
    assert f"ROC AUC is {auc:.3f} as the scores stand and {1 - auc:.3f} the other way" in text
    assert "Nothing has been changed" in text
    assert any("*less* likely **1**" in c.value for c in at.caption)
    # Nothing changed: the numbers are those of the scores as they stand.
    _assert_cards(at, y, 1 - p, 0.5)


def test_making_the_other_class_positive_fixes_the_direction(model) -> None:
    y, p, _ = model
    at = _upload("inverted.csv", pd.DataFrame({"label": y.astype(int), "score": 1 - p}))
    _click(at, "Make 0 the positive class")
    assert not [w for w in _warnings(at) if "point the other way" in w]
    assert at.selectbox(key=f"positive::{_source_id(at)}::label").value == 0
    _assert_cards(at, ~y, 1 - p, 0.5)
    assert any("more likely **0**" in c.value for c in at.caption)


def test_a_fix_leaves_the_page_below_the_notices_in_place(model) -> None:
    # Notices sit in one container drawn on every run: when a fix makes one go, the
    # explorer's fragment keeps its place, so no stale copy of it is left on screen.
    y, p, _ = model
    at = _upload("inverted.csv", pd.DataFrame({"label": y.astype(int), "score": 1 - p}))
    before = [type(node).__name__ for node in at.main.children.values()]
    assert [w for w in _warnings(at) if "point the other way" in w]
    _click(at, "Make 0 the positive class")
    assert not [w for w in _warnings(at) if "point the other way" in w]
    assert [type(node).__name__ for node in at.main.children.values()] == before


def test_negating_the_scores_fixes_the_direction_exactly(model) -> None:
    y, p, _ = model
    at = _upload("inverted.csv", pd.DataFrame({"label": y.astype(int), "score": 1 - p}))
    _click(at, "Negate the scores")
    assert not [w for w in _warnings(at) if "point the other way" in w]
    # Negated probabilities keep the usual cut, negated: -0.5.
    assert at.session_state["current_threshold"] == -0.5
    _assert_cards(at, y, -(1 - p), -0.5)
    assert any(b.label == "-0.5 (default)" for b in at.button)


def test_decision_function_scores_start_at_zero(model) -> None:
    y, _, logit = model
    at = _upload("svm.csv", pd.DataFrame({"label": y.astype(int), "decision": logit}))
    assert at.session_state["current_threshold"] == 0.0
    assert any(b.label == "0 (default)" for b in at.button)
    _assert_cards(at, y, logit, 0.0)
    assert any("decision function" in c.value for c in at.caption)


def test_predict_proba_columns_follow_the_positive_class(model) -> None:
    y, p, _ = model
    frame = pd.DataFrame({"y": y.astype(int), "proba_0": 1 - p, "proba_1": p})
    at = _upload("predict_proba.csv", frame)
    sid = _source_id(at)
    assert at.selectbox(key=f"score::{sid}").value == "proba_1"
    assert any("matched by name" in c.value for c in at.caption)
    _assert_cards(at, y, p, 0.5)
    at.selectbox(key=f"positive::{sid}::y").set_value(0).run()
    assert at.selectbox(key=f"score::{sid}").value == "proba_0"
    assert not _warnings(at)
    _assert_cards(at, ~y, 1 - p, 0.5)


def test_a_column_named_for_the_other_class_is_called_out(model) -> None:
    y, p, _ = model
    frame = pd.DataFrame({"label": np.where(y, "fraud", "legit"), "p_fraud": p, "p_legit": 1 - p})
    at = _upload("named.csv", frame)
    sid = _source_id(at)
    assert at.selectbox(key=f"score::{sid}").value == "p_fraud"
    at.selectbox(key=f"score::{sid}").set_value("p_legit").run()
    (text,) = [w for w in _warnings(at) if "named as the score of legit" in w]
    assert "positive class is fraud" in text
    _click(at, "Score with p_fraud")
    assert at.selectbox(key=f"score::{sid}").value == "p_fraud"
    assert not _warnings(at)
    _assert_cards(at, y, p, 0.5)


def test_threshold_moves_to_the_new_default_and_says_why(model) -> None:
    y, p, logit = model
    frame = pd.DataFrame({"label": y.astype(int), "prob": p, "logit": logit})
    at = _upload("two.csv", frame)
    sid = _source_id(at)
    at.number_input(key="threshold_exact").set_value(0.3).run()
    at.selectbox(key=f"score::{sid}").set_value("logit").run()
    assert at.session_state["current_threshold"] == 0.0
    (note,) = [c.value for c in at.caption if "Threshold set to 0," in c.value]
    assert "because the score column changed" in note
    _assert_cards(at, y, logit, 0.0)


def test_identical_scores_say_that_they_rank_nothing(model) -> None:
    y, _, _ = model
    at = _upload("same.csv", pd.DataFrame({"label": y.astype(int), "score": np.full(N, 0.3)}))
    (text,) = [w for w in _warnings(at) if "same score" in w]
    assert "(0.3)" in text
    _assert_cards(at, y, np.full(N, 0.3), 0.5)


def test_a_row_number_chosen_as_scores_is_called_out(model) -> None:
    y, p, _ = model
    frame = pd.DataFrame({"row": np.arange(N), "label": y.astype(int), "score": p})
    at = _upload("rows.csv", frame)
    assert not _warnings(at)
    at.selectbox(key=f"score::{_source_id(at)}").set_value("row").run()
    assert any("looks like a row number or an id" in w for w in _warnings(at))


def test_a_tiny_positive_class_is_called_noisy(model) -> None:
    _, p, _ = model
    y = np.zeros(N, dtype=bool)
    y[:3] = True
    at = _upload("few.csv", pd.DataFrame({"label": y.astype(int), "score": p}))
    (text,) = [w for w in _warnings(at) if "Only 3 rows" in w]
    assert "33%" in text
    _assert_cards(at, y, p, 0.5)


def test_labels_that_look_like_scores_are_called_out(model) -> None:
    _, p, _ = model
    rng = np.random.default_rng(1)
    target = rng.integers(0, 50, N).astype(float) / 10  # 50 distinct numeric "labels"
    target[:200] = 1.0
    at = _upload("regression.csv", pd.DataFrame({"target": target, "score": p}))
    assert any("looks like a score or a measurement" in w for w in _warnings(at))
    _assert_cards(at, target == 1.0, p, 0.5)


def test_a_label_column_of_over_a_thousand_values_is_a_message_not_a_traceback(model) -> None:
    _, p, _ = model
    rng = np.random.default_rng(2)
    at = _upload("ids.csv", pd.DataFrame({"target": rng.normal(size=N), "score": p}))
    assert not at.exception
    assert any("too many for class labels" in e.value for e in at.error)


def test_three_classes_are_analysed_one_against_the_rest_and_say_so(model) -> None:
    _, p, _ = model
    rng = np.random.default_rng(3)
    animal = rng.choice(["cat", "dog", "bird"], N)
    at = _upload("three.csv", pd.DataFrame({"animal": animal, "score": p}))
    (text,) = [i.value for i in at.info if "3 classes" in i.value]
    positive = at.session_state["selection"].positive
    assert f"analyse **{positive}** against the other 2" in text
    _assert_cards(at, animal == positive, p, 0.5)


def test_thresholds_of_tiny_probabilities_read_without_an_exponent(model) -> None:
    y, p, _ = model
    s = p * 1e-14
    at = _upload("tiny.csv", pd.DataFrame({"label": y.astype(int), "score": s}))
    distinct = np.unique(s)
    buttons = [b for b in at.button if b.label.startswith(("Best F1", "Youden"))]
    assert len(buttons) == 2
    for button in buttons:
        text = button.label.split("(")[1].rstrip(")")
        assert "e" not in text.lower(), button.label
        # The text is nearer its own score than any neighbouring score: no two read alike.
        shown = float(text)
        nearest = distinct[np.argmin(np.abs(distinct - shown))]
        assert skm.f1_score(y, s >= nearest) > 0
        assert np.count_nonzero(np.abs(distinct - shown) <= abs(nearest - shown)) == 1
    buttons[0].click().run()
    assert at.session_state["current_threshold"] in distinct
