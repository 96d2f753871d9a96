"""The explorer page as a person uses it, driven through AppTest.

Every number checked here is compared with scikit-learn on the same data.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from metrics_app.data.demo import DEMOS, load_demo

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _fmt_pct(x: float) -> str:
    return f"{x:.1%}"


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _expected(y: np.ndarray, s: np.ndarray, t: float) -> dict[str, str]:
    pred = s >= t
    return {
        "Precision": _fmt_pct(sk.precision_score(y, pred, zero_division=np.nan)),
        "Recall": _fmt_pct(sk.recall_score(y, pred)),
        "F1": f"{sk.f1_score(y, pred):.3f}",
        "Accuracy": _fmt_pct(sk.accuracy_score(y, pred)),
        "Balanced acc.": _fmt_pct(sk.balanced_accuracy_score(y, pred)),
        "MCC": f"{sk.matthews_corrcoef(y, pred):.3f}",
        "Cohen's κ": f"{sk.cohen_kappa_score(y, pred):.3f}",
        "Flagged": _fmt_pct(pred.mean()),
    }


def _assert_cards(at: AppTest, y: np.ndarray, s: np.ndarray, t: float) -> None:
    cards = _cards(at)
    for label, value in _expected(y, s, t).items():
        assert cards[label] == value, (label, cards[label], value, t)


@pytest.fixture(scope="module")
def fraud() -> tuple[np.ndarray, np.ndarray]:
    demo = DEMOS["fraud"]
    frame = load_demo("fraud")
    return (frame[demo.label] == demo.positive).to_numpy(), frame[demo.scores[0]].to_numpy()


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _live(at: AppTest) -> dict:
    """What the live threshold control was sent on the last run."""
    (control,) = at.get("bidi_component")
    assert control.proto.component_name == "threshold_lab_live_threshold"
    return json.loads(control.proto.json)


def _plain_slider(at: AppTest) -> AppTest:
    """Turn the live control off: Streamlit's own slider comes back."""
    at.toggle(key="live_threshold_switch").set_value(False).run()
    assert not at.exception, at.exception
    assert not at.get("bidi_component")
    return at


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.radio(key="source_mode").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_opens_on_the_fraud_demo_with_metrics_at_one_half(fraud) -> None:
    at = _app()
    assert _live(at)["value"] == 0.5
    _assert_cards(at, *fraud, 0.5)
    cards = _cards(at)
    assert cards["Rows used"] == f"{len(fraud[0]):,}"
    assert cards["Rows excluded"] == "0"


def test_plain_slider_moves_every_metric(fraud) -> None:
    at = _plain_slider(_app())
    before = _cards(at)
    at.slider(key="threshold").set_value(0.2).run()
    _assert_cards(at, *fraud, 0.2)
    assert _cards(at)["Recall"] != before["Recall"]


def test_exact_number_input_sets_any_threshold(fraud) -> None:
    at = _app()
    at.number_input(key="threshold_exact").set_value(0.123456).run()
    _assert_cards(at, *fraud, 0.123456)


def test_best_f1_button_finds_the_best_f1(fraud) -> None:
    y, s = fraud
    at = _app()
    button = next(b for b in at.button if b.label.startswith("Best F1"))
    button.click().run()
    # F1 at every distinct threshold, from scikit-learn's precision-recall curve.
    p, r, _ = sk.precision_recall_curve(y, s)
    with np.errstate(invalid="ignore"):
        best = np.nanmax(2 * p * r / (p + r))
    assert _cards(at)["F1"] == f"{best:.3f}"
    t = at.session_state["current_threshold"]
    assert _cards(at)["F1"] == f"{sk.f1_score(y, s >= t):.3f}"


def test_youden_button_maximises_recall_plus_specificity(fraud) -> None:
    y, s = fraud
    at = _app()
    next(b for b in at.button if b.label.startswith("Youden")).click().run()
    fpr, tpr, _ = sk.roc_curve(y, s)
    recall = sk.recall_score(y, s >= at.session_state["current_threshold"])
    assert recall == pytest.approx(tpr[np.argmax(tpr - fpr)])


def test_threshold_from_the_url(fraud) -> None:
    at = _app(threshold="0.7")
    assert _live(at)["value"] == 0.7
    _assert_cards(at, *fraud, 0.7)
    assert _plain_slider(at).slider(key="threshold").value == pytest.approx(0.7)


def test_score_column_choice_changes_the_metrics(fraud) -> None:
    frame = load_demo("fraud")
    at = _app()
    at.selectbox(key="score::demo:fraud").set_value("model_v2_score").run()
    y = (frame["is_fraud"] == "fraud").to_numpy()
    _assert_cards(at, y, frame["model_v2_score"].to_numpy(), 0.5)


def test_positive_class_choice_flips_the_problem() -> None:
    frame = load_demo("fraud")
    at = _app()
    at.selectbox(key="positive::demo:fraud::is_fraud").set_value("legit").run()
    y = (frame["is_fraud"] == "legit").to_numpy()
    _assert_cards(at, y, frame["model_score"].to_numpy(), 0.5)


def test_weight_column_weights_the_counts() -> None:
    frame = load_demo("fraud")
    at = _app()
    at.selectbox(key="weight::demo:fraud").set_value("amount").run()
    y = (frame["is_fraud"] == "fraud").to_numpy()
    pred = frame["model_score"].to_numpy() >= 0.5
    w = frame["amount"].to_numpy()
    expected = sk.recall_score(y, pred, sample_weight=w)
    assert _cards(at)["Recall"] == _fmt_pct(expected)
    assert any("sums of the weight column" in c.value for c in at.caption)


def test_logit_demo_gets_a_real_valued_slider() -> None:
    at = _app(demo="spam")
    live = _live(at)
    assert live["table"]["lo"] < 0 < live["table"]["hi"]
    assert live["value"] == 0.0
    slider = _plain_slider(at).slider(key="threshold")
    assert slider.min < 0 < slider.max
    assert slider.value == 0.0
    assert not any(b.label.startswith("0.5") for b in at.button)
    assert any("logits" in c.value for c in at.caption)


def test_log_scale_toggle_changes_the_histogram() -> None:
    at = _app()

    def y_scale_types() -> list[str]:
        specs = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
        return [s for s in map(json.dumps, specs) if '"symlog"' in s or '"log"' in s]

    on = at.toggle(key="hist_log").value
    with_toggle = len(y_scale_types())
    at.toggle(key="hist_log").set_value(not on).run()
    assert len(y_scale_types()) != with_toggle


def test_upload_csv_and_exclusions_are_counted() -> None:
    rng = np.random.default_rng(3)
    n = 500
    y = rng.random(n) < 0.3
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
    lines = ["label,score"] + [f"{int(a)},{b:.6f}" for a, b in zip(y, s, strict=True)]
    lines += [",0.5", "1,", "0,inf"]  # missing label, missing score, non-finite score
    at = _upload(_app(), "scores.csv", "\n".join(lines).encode())
    cards = _cards(at)
    assert cards["Rows used"] == f"{n:,}"
    assert cards["Rows excluded"] == "3"
    assert any("3 of 503 rows were excluded" in w.value for w in at.warning)
    s_read = np.array([float(f"{v:.6f}") for v in s])
    _assert_cards(at, y, s_read, 0.5)


def test_bad_upload_gets_a_message_not_a_traceback() -> None:
    at = _upload(_app(), "empty.csv", b"label,score\n")
    assert not at.exception
    assert at.error, "a header-only file must produce an error message"
    assert "row" in at.error[0].value.lower()


def test_user_text_is_escaped() -> None:
    rows = [f"{'<b>yes</b>' if i % 2 else 'no'},{i / 10}" for i in range(10)]
    data = "\n".join(["**label**,score", *rows])
    at = _upload(_app(), "x.csv", data.encode())
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.startswith("positive::"))).set_value(
        "<b>yes</b>"
    ).run()
    assert not at.exception
    caption = at.caption[0].value
    assert r"\<b\>yes\</b\>" in caption
    assert r"\*\*label\*\*" not in caption  # the label column name is not in the caption
