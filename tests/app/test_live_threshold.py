"""The live threshold control's table: exact values at every slider step, sent once.

What the browser shows while the knob is dragged is a row of this table, so every row is
checked against scikit-learn at that row's threshold. The browser tests drive the control
itself (tests/browser/test_live_threshold.py).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from metrics_app.data.demo import DEMOS, load_demo
from metrics_app.shared import format as fmt
from metrics_app.shared import live
from metrics_app.shared.analysis import SliderRange, slider_range
from metrics_core import sweep

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _expected_row(y: np.ndarray, s: np.ndarray, t: float, text: str) -> list[str]:
    pred = s >= t
    tn, fp, fn, tp = sk.confusion_matrix(y, pred, labels=[False, True]).ravel()
    precision = sk.precision_score(y, pred, zero_division=np.nan)
    return [
        text,
        "undefined" if math.isnan(precision) else f"{precision:.1%}",
        f"{sk.recall_score(y, pred, zero_division=np.nan):.1%}",
        f"{sk.f1_score(y, pred):.3f}",
        *(f"{int(c):,}" for c in (tp, fp, fn, tn)),
    ]


@pytest.fixture(scope="module")
def fraud() -> tuple[np.ndarray, np.ndarray]:
    demo = DEMOS["fraud"]
    frame = load_demo("fraud")
    return (frame[demo.label] == demo.positive).to_numpy(), frame[demo.scores[0]].to_numpy()


def test_every_row_is_scikit_learn_at_its_threshold(fraud) -> None:
    y, s = fraud
    rng = SliderRange(0.0, 1.0, 0.001, 0.5)
    table = live.live_table(sweep(y, s), rng)
    th = table["thresholds"]
    assert len(th) == 1001
    assert th == sorted(th)
    assert (table["lo"], table["hi"]) == (0.0, 1.0)
    picks = [0, 1, 2, 137, 274, 500, 999, 1000, *np.random.default_rng(7).integers(0, 1001, 40)]
    for j in picks:
        t = th[j]
        assert table["cells"][j] == _expected_row(y, s, t, f"{t:.3f}"), t
    # The curves above the track are the same metrics, for drawing (4 decimals).
    for j in picks:
        pred = s >= th[j]
        assert table["lines"]["recall"][j] == pytest.approx(sk.recall_score(y, pred), abs=5e-5)
        assert table["lines"]["f1"][j] == pytest.approx(sk.f1_score(y, pred), abs=5e-5)
    # Nothing flagged at the top: precision is undefined there, a gap in its line.
    top = s.max()
    undefined = [j for j, t in enumerate(th) if t > top]
    assert undefined
    assert all(table["cells"][j][1] == "undefined" for j in undefined)
    assert all(table["lines"]["precision"][j] is None for j in undefined)
    json.dumps(table, allow_nan=False)  # strict JSON: the browser's parser takes no NaN


def test_grid_thresholds_are_the_numbers_their_labels_show() -> None:
    # 0.1 * 3 is 0.30000000000000004: a score of exactly 0.3 would not be flagged at the
    # position labelled 0.300. The grid is rounded to the step's decimals.
    prob = live.grid(SliderRange(0.0, 1.0, 0.001, 0.5))
    assert 0.3 in prob.tolist()
    assert all(float(f"{t:.3f}") == t for t in prob.tolist())
    y = np.array([0, 1, 0, 1])
    s = np.array([0.3, 0.3, 0.7, 0.1])
    table = live.live_table(sweep(y, s), SliderRange(0.0, 1.0, 0.001, 0.5))
    j = table["thresholds"].index(0.3)
    assert table["cells"][j] == _expected_row(y == 1, s, 0.3, "0.300")
    real = live.grid(SliderRange(-12.34, 8.5, 0.02, 0.0))
    assert all(float(f"{t:.2f}") == t for t in real.tolist())
    assert (real.min(), real.max()) == (-12.34, 8.5)


def test_real_valued_scores_use_the_sliders_own_range() -> None:
    rng_ = np.random.default_rng(3)
    y = rng_.random(5000) < 0.3
    s = rng_.normal(0, 3, 5000) + 2 * y
    sw = sweep(y, s)
    rng = slider_range(sw, "real")
    table = live.live_table(sw, rng)
    assert table["lo"] == pytest.approx(rng.lo)
    assert table["hi"] == pytest.approx(rng.hi)
    decimals = fmt.step_decimals(rng.step)
    for j in (0, 100, len(table["thresholds"]) // 2, len(table["thresholds"]) - 1):
        t = table["thresholds"][j]
        assert table["cells"][j] == _expected_row(y, s, t, f"{t:.{decimals}f}")


def test_weighted_rows_read_sums_of_weights() -> None:
    frame = load_demo("fraud")
    y = (frame["is_fraud"] == "fraud").to_numpy()
    s = frame["model_score"].to_numpy()
    w = frame["amount"].to_numpy()
    table = live.live_table(sweep(y, s, sample_weight=w), SliderRange(0.0, 1.0, 0.001, 0.5))
    j = table["thresholds"].index(0.25)
    tn, fp, fn, tp = sk.confusion_matrix(y, s >= 0.25, sample_weight=w).ravel()
    shown = [float(c.replace(",", "")) for c in table["cells"][j][4:]]
    assert shown == pytest.approx([tp, fp, fn, tn], abs=0.006)
    assert table["lines"]["recall"][j] == pytest.approx(
        sk.recall_score(y, s >= 0.25, sample_weight=w), abs=5e-5
    )


def test_the_knob_shows_the_grids_decimals_or_six_digits() -> None:
    assert fmt.threshold_on_grid(0.25, 0.001) == "0.250"
    assert fmt.threshold_on_grid(0.123456, 0.001) == "0.123456"
    assert fmt.threshold_on_grid(math.inf, 0.001) == "∞"
    assert fmt.threshold_on_grid(-12.34, 0.02) == "-12.34"
    rng = SliderRange(0.0, 1.0, 0.001, 0.5)
    y, s = np.array([0, 1, 1]), np.array([0.2, 0.123456, 0.9])
    assert live.readout(sweep(y, s).at(0.123456), rng)[0] == "0.123456"


# --- the page -------------------------------------------------------------------------


def _live_data(at: AppTest) -> dict:
    (control,) = at.get("bidi_component")
    return json.loads(control.proto.json)


def test_the_table_is_sent_once_per_dataset_and_session(fraud) -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    first = _live_data(at)
    assert first["table"] is not None
    at.number_input(key="threshold_exact").set_value(0.123456).run()
    second = _live_data(at)
    assert second["table"] is None  # the browser keeps it by key
    assert second["key"] == first["key"]
    # The current threshold need not lie on the grid: its row comes with every run.
    y, s = fraud
    assert second["value"] == 0.123456
    assert second["current"] == _expected_row(y, s, 0.123456, "0.123456")
    # Other data: a new key and its own table.
    at.selectbox(key="score::demo:fraud").set_value("model_v2_score").run()
    third = _live_data(at)
    assert third["key"] != first["key"]
    assert third["table"] is not None


def test_the_plain_slider_stays_off_across_pages() -> None:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.toggle(key="live_threshold_switch").set_value(False).run()
    assert not at.get("bidi_component")
    at.switch_page("pages/roc-pr.py").run()
    at.switch_page("pages/explore.py").run()
    assert not at.exception, at.exception
    assert not at.get("bidi_component")
    assert at.slider(key="threshold")
    assert at.toggle(key="live_threshold_switch").value is False
