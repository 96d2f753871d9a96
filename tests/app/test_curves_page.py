"""The Curves page driven through AppTest, every number checked against scikit-learn.

AppTest 1.67 cannot fire chart selections (it has no chart element to click): the click path is
covered by ``threshold_from_event`` / ``pick_callback`` tests in test_curve_charts.py and
here by setting the shared threshold the way the callback does. Sidebar widgets of an
``st.navigation`` app cannot be driven after the first run either, so data choices are
seeded in session state before it (extra demos are registered in-process).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.data import demo as demo_module
from metrics_app.data.demo import DEMOS, Demo, load_demo
from metrics_app.shared import session

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TABS = ("ROC and PR", "Gains and lift", "KS and DET", "Calibration", "Threshold table")


# --- helpers --------------------------------------------------------------------------------------


def _open(demo: str | None = None, **state: object) -> AppTest:
    """The app on the Curves page, after one run on the explorer."""
    at = AppTest.from_file(APP, default_timeout=120)
    if demo is not None:
        at.session_state["demo"] = demo
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page("pages/roc-pr.py")
    at.run()
    assert not at.exception, at.exception
    return at


def _tab(at: AppTest, name: str) -> AppTest:
    at.session_state["curves_tab"] = name
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]


def _rows(at: AppTest, chart: int, layer_name: str) -> list[dict]:
    """The data rows of a named layer of a chart (Streamlit ships them as Arrow)."""
    el = at.get("vega_lite_chart")[chart]
    spec = json.loads(el.proto.spec)
    (unit,) = [u for u in spec["layer"] if u.get("name") == layer_name]
    (ds,) = [d for d in el.proto.datasets if d.name == unit["data"]["name"]]
    return pa.ipc.open_stream(ds.data.data).read_all().to_pylist()


def _summary(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if "ROC AUC" in df.value.columns)


def _data(key: str, score: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    d = DEMOS[key]
    frame = load_demo(key)
    return (frame[d.label] == d.positive).to_numpy(), frame[score or d.scores[0]].to_numpy()


def _register(monkeypatch: pytest.MonkeyPatch, key: str, frame: pd.DataFrame, **fields) -> str:
    """Add a demo for this test only (AppTest runs the app in this process)."""
    spec = {"title": key, "summary": "Test data.", "weight": None, **fields}
    monkeypatch.setitem(DEMOS, key, Demo(key=key, build=lambda: frame.copy(), **spec))
    return key


# --- the numbers ----------------------------------------------------------------------------------


def test_fraud_numbers_match_sklearn() -> None:
    y, s = _data("fraud")
    at = _open()
    m = _metrics(at)
    assert m["Current threshold"] == "0.5"
    assert m["ROC AUC"] == f"{skm.roc_auc_score(y, s):.4f}"
    assert m["Average precision"] == f"{skm.average_precision_score(y, s):.4f}"
    fpr, tpr, _ = skm.roc_curve(y, s)
    assert m["KS statistic"] == f"{np.max(tpr - fpr):.3f}"
    summary = _summary(at)
    assert len(summary) == 1
    row = summary.iloc[0]
    assert row["Model"] == "model_score"
    assert row["ROC AUC"] == f"{skm.roc_auc_score(y, s):.4f}"
    assert row["Brier score"] == f"{skm.brier_score_loss(y, s):.4f}"
    assert row["Log loss"] == f"{skm.log_loss(y, s):.4f}"


def test_roc_and_pr_are_clickable_with_the_operating_point_at_the_threshold() -> None:
    y, s = _data("fraud")
    at = _open()
    charts = _charts(at)
    assert len(charts) == 2
    names = [c["params"][0]["name"] for c in charts]
    assert names == ["roc_pick", "pr_pick"]
    for chart in charts:
        assert chart["params"][0]["select"]["fields"][0] == "threshold"
        assert chart["params"][0]["select"]["on"] == "click"
    for i in range(2):
        (values,) = _rows(at, i, "operating_point")
        assert values["threshold"] == 0.5
        if "tpr" in values:
            assert values["tpr"] == pytest.approx(skm.recall_score(y, s >= 0.5))
        else:
            assert values["precision"] == pytest.approx(skm.precision_score(y, s >= 0.5))
    ids = [el.proto.id for el in at.get("vega_lite_chart")]
    assert any("curves_roc" in i for i in ids)
    assert any("curves_pr" in i for i in ids)


def test_a_picked_threshold_is_shared_with_the_explorer() -> None:
    y, s = _data("fraud")
    at = _open()
    # What the click callback does: session.set_threshold(value).
    at.session_state[session.CURRENT] = 0.123
    at.run()
    assert _metrics(at)["Current threshold"] == "0.123"
    (values,) = _rows(at, 0, "operating_point")
    assert values["fpr"] == pytest.approx(1 - skm.recall_score(~y, s < 0.123))
    at.switch_page("pages/explore.py")
    at.run()
    assert not at.exception
    (live,) = at.get("bidi_component")  # the explorer's live threshold control
    assert json.loads(live.proto.json)["value"] == 0.123
    cards = _metrics(at)
    assert cards["Precision"] == f"{skm.precision_score(y, s >= 0.123):.1%}"


def test_comparing_models_adds_a_row_and_a_line_per_model() -> None:
    y, s = _data("fraud")
    _, s2 = _data("fraud", "model_v2_score")
    at = _open()
    at.multiselect(key="compare::demo:fraud::model_score").set_value(["model_v2_score"]).run()
    assert not at.exception
    summary = _summary(at)
    assert summary["Model"].tolist() == ["model_score", "model_v2_score"]
    assert summary["ROC AUC"].tolist() == [
        f"{skm.roc_auc_score(y, s):.4f}",
        f"{skm.roc_auc_score(y, s2):.4f}",
    ]
    assert summary["Average precision"].iloc[1] == f"{skm.average_precision_score(y, s2):.4f}"
    roc = _charts(at)[0]
    line = next(u for u in roc["layer"] if u["mark"]["type"] == "line")
    assert line["encoding"]["color"]["scale"]["domain"] == ["model_score", "model_v2_score"]
    _tab(at, "Calibration")
    assert len(_charts(at)) == 2  # the diagram (both models) and the histogram


@pytest.mark.parametrize("key", list(DEMOS))
def test_every_tab_of_every_demo_renders(key: str) -> None:
    y, s = _data(key)
    at = _open(key)
    for name in TABS:
        _tab(at, name)
    _tab(at, "Calibration")
    if key == "spam":  # logits
        assert not _charts(at)
        (info,) = at.info
        assert "not probabilities" in info.value
        assert "sigmoid" in info.value
        assert _summary(at)["Brier score"].iloc[0] == "not probabilities"
    else:
        assert len(_charts(at)) == 2
        m = _metrics(at)
        assert m["Brier score"] == f"{skm.brier_score_loss(y, s):.4f}"
        assert m["Log loss"] == f"{skm.log_loss(y, s):.4f}"


def test_calibration_bins_can_change() -> None:
    at = _open()
    _tab(at, "Calibration")
    at.slider(key="calibration_bins").set_value(20).run()
    at.segmented_control(key="calibration_strategy").set_value("quantile").run()
    assert not at.exception
    el = at.get("vega_lite_chart")[0]
    top = json.loads(el.proto.spec)["data"]["name"]
    (bins,) = [d for d in el.proto.datasets if d.name == top]
    rows = pa.ipc.open_stream(bins.data.data).read_all()
    assert rows.num_rows == 20  # equal-size bins are never empty here


def test_threshold_table_and_download() -> None:
    y, s = _data("fraud")
    at = _open()
    _tab(at, "Threshold table")
    table = next(df.value for df in at.dataframe if "threshold" in df.value.columns)
    assert 100 < len(table) <= 1002
    current = table[table["current"]]
    assert len(current) == 1
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= 0.5).ravel()
    assert current[["tp", "fp", "fn", "tn"]].iloc[0].tolist() == [tp, fp, fn, tn]
    n = np.unique(s).size
    assert any(f"Showing {len(table):,} of {n:,}" in c.value for c in at.caption)
    (button,) = at.get("download_button")
    assert f"all {n:,} thresholds" in button.proto.label


def test_spam_scores_are_logits_and_the_page_says_so() -> None:
    at = _open("spam")
    assert _metrics(at)["Current threshold"] == "0"
    _tab(at, "KS and DET")
    assert len(_charts(at)) == 2


# --- edge cases -----------------------------------------------------------------------------------


def test_one_class_data_gives_a_message_not_a_traceback(monkeypatch) -> None:
    frame = pd.DataFrame({"label": ["a"] * 50, "score": np.linspace(0, 1, 50)})
    key = _register(monkeypatch, "one_class", frame, label="label", scores=("score",), positive="a")
    at = _open(key)
    assert not at.exception
    assert at.error
    assert "one class" in at.error[0].value.lower()
    assert not _charts(at)


def test_user_text_is_escaped_and_weighted_data_match_sklearn(monkeypatch) -> None:
    rng = np.random.default_rng(5)
    n = 3000
    y = rng.random(n) < 0.3
    z = np.where(y, rng.normal(1, 1, n), rng.normal(-0.5, 1, n))
    w = rng.integers(1, 4, n).astype(float)
    odd = "*p* <b>[x](y)</b>"
    frame = pd.DataFrame(
        {
            "**truth**": np.where(y, odd, "neg"),
            "prob_[1]": 1 / (1 + np.exp(-z)),
            "logit_`2`": z + rng.normal(0, 1, n),
            "w": w,
        }
    )
    key = _register(
        monkeypatch,
        "odd_names",
        frame,
        label="**truth**",
        scores=("prob_[1]", "logit_`2`"),
        positive=odd,
        weight="w",
    )
    at = _open(key)
    caption = at.caption[0].value
    assert r"\*p\* \<b\>\[x\]\(y\)\</b\>" in caption
    assert r"prob\_\[1\]" in caption
    s = frame["prob_[1]"].to_numpy()
    m = _metrics(at)
    assert m["ROC AUC"] == f"{skm.roc_auc_score(y, s, sample_weight=w):.4f}"
    assert m["Average precision"] == f"{skm.average_precision_score(y, s, sample_weight=w):.4f}"
    at.multiselect(key=f"compare::demo:{key}::prob_[1]").set_value(["logit_`2`"]).run()
    assert not at.exception
    summary = _summary(at)
    assert summary["Brier score"].tolist() == [
        f"{skm.brier_score_loss(y, s, sample_weight=w):.4f}",
        "not probabilities",
    ]
    _tab(at, "Calibration")
    assert any(r"logit\_\`2\`" in c.value for c in at.caption)  # listed as not drawn
    for name in TABS:
        _tab(at, name)


def test_demo_module_is_untouched_by_registration() -> None:
    assert "one_class" not in DEMOS
    assert "odd_names" not in DEMOS
    assert demo_module.DEMOS is DEMOS


@pytest.mark.parametrize(
    ("name", "labels", "scores"),
    [
        ("two_rows", ["p", "n"], [0.9, 0.1]),
        ("constant", ["p", "n", "n", "p", "n"], [0.5] * 5),
        ("perfect_logits", ["n"] * 5 + ["p"] * 5, [-3.0, -2, -1, -0.5, -0.1, 0.1, 0.5, 1, 2, 3]),
        ("inverted", ["p"] * 5 + ["n"] * 5, [0.1, 0.2, 0.3, 0.4, 0.45, 0.55, 0.6, 0.7, 0.8, 0.9]),
    ],
)
def test_tiny_and_degenerate_data_render_every_tab(monkeypatch, name, labels, scores) -> None:
    frame = pd.DataFrame({"label": labels, "score": scores})
    key = _register(monkeypatch, name, frame, label="label", scores=("score",), positive="p")
    at = _open(key)
    y = np.array(labels) == "p"
    assert _metrics(at)["ROC AUC"] == f"{skm.roc_auc_score(y, scores):.4f}"
    for tab in TABS:
        _tab(at, tab)
