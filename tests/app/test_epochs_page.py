"""The epochs page as a person uses it, driven through AppTest.

Every number checked is recomputed with scikit-learn on that epoch's rows alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from metrics_app.epochs import model

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/epochs.py"


def _open(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    at.radio(key="source_mode").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def _long_frame(n: int = 400, k: int = 6, seed: int = 0) -> pd.DataFrame:
    """Validation scores that improve, then get worse (an overfitting model)."""
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.35
    parts = []
    for e in range(1, k + 1):
        signal = 1.6 * min(e, 4) - 0.9 * max(0, e - 4)
        logit = signal * (y - 0.5) + rng.normal(0, 1, n)
        parts.append(
            pd.DataFrame({"epoch": e, "label": y.astype(int), "score": 1 / (1 + np.exp(-logit))})
        )
    return pd.concat(parts, ignore_index=True)


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _threshold(at: AppTest):
    return next(s for s in at.slider if str(s.key).startswith("epochs_threshold"))


def _epoch(at: AppTest):
    return next(s for s in at.select_slider if str(s.key).startswith("epochs_epoch"))


def _table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def _expected_table(frame: pd.DataFrame, t: float) -> pd.DataFrame:
    rows = []
    for e, part in frame.groupby("epoch", sort=True):
        y, s = part["label"].to_numpy() == 1, part["score"].to_numpy()
        pred = s >= t
        rows.append(
            {
                "Epoch": str(e),
                "ROC AUC": f"{sk.roc_auc_score(y, s):.3f}",
                "Average precision": f"{sk.average_precision_score(y, s):.3f}",
                "Log loss": f"{sk.log_loss(y, s):.4f}",
                "Precision": f"{sk.precision_score(y, pred, zero_division=np.nan):.1%}",
                "Recall": f"{sk.recall_score(y, pred):.1%}",
                "F1": f"{sk.f1_score(y, pred):.3f}",
            }
        )
    return pd.DataFrame(rows)


def _per_epoch(frame: pd.DataFrame, metric) -> dict[int, float]:
    return {
        int(e): metric(part["label"].to_numpy() == 1, part["score"].to_numpy())
        for e, part in frame.groupby("epoch", sort=True)
    }


def _expected_cards(y: np.ndarray, s: np.ndarray, t: float) -> dict[str, str]:
    pred = s >= t
    return {
        "ROC AUC": f"{sk.roc_auc_score(y, s):.3f}",
        "Average precision": f"{sk.average_precision_score(y, s):.3f}",
        "Log loss": f"{sk.log_loss(y, s):.4f}",
        "Rows": f"{len(y):,}",
        "Precision": f"{sk.precision_score(y, pred, zero_division=np.nan):.1%}",
        "Recall": f"{sk.recall_score(y, pred):.1%}",
        "F1": f"{sk.f1_score(y, pred):.3f}",
        "Accuracy": f"{sk.accuracy_score(y, pred):.1%}",
        "MCC": f"{sk.matthews_corrcoef(y, pred):.3f}",
    }


def _assert_cards(at: AppTest, frame: pd.DataFrame, epoch: int, t: float) -> None:
    part = frame[frame["epoch"] == epoch]
    y, s = part["label"].to_numpy() == 1, part["score"].to_numpy()
    cards = _cards(at)
    for label, value in _expected_cards(y, s, t).items():
        assert cards[label] == value, (label, cards[label], value, epoch, t)


@pytest.fixture(scope="module")
def long_frame() -> pd.DataFrame:
    return _long_frame()


def test_long_file_numbers_equal_sklearn_per_epoch(long_frame) -> None:
    at = _open("val_scores.csv", _csv(long_frame))
    assert not at.error, [e.value for e in at.error]
    assert _threshold(at).value == pytest.approx(0.5)
    expected = _expected_table(long_frame, 0.5)
    shown = _table(at)[list(expected.columns)]
    pd.testing.assert_frame_equal(shown.reset_index(drop=True), expected)
    # The best epoch by ROC AUC is chosen and shown in detail.
    aucs = _per_epoch(long_frame, sk.roc_auc_score)
    best = max(aucs, key=lambda e: (aucs[e], -e))
    assert _epoch(at).value == best - 1
    assert any(f"Best epoch by ROC AUC: **{best}**" in m.value for m in at.markdown)
    _assert_cards(at, long_frame, best, 0.5)
    # The metrics chart marks the best epoch with a rule.
    el = at.get("vega_lite_chart")[0]
    spec = json.loads(el.proto.spec)
    rules = {u["data"]["name"] for u in spec["layer"] if u["mark"]["type"] == "rule"}
    marked = [
        row
        for d in el.proto.datasets
        if d.name in rules
        for row in pa.ipc.open_stream(d.data.data).read_all().to_pylist()
    ]
    assert {"epoch": str(best), "what": "Best epoch by ROC AUC"} in marked


def test_epoch_and_threshold_controls_replay_that_epoch(long_frame) -> None:
    at = _open("val_scores.csv", _csv(long_frame))
    _epoch(at).set_value(0).run()
    _assert_cards(at, long_frame, 1, 0.5)
    _threshold(at).set_value(0.3).run()
    _assert_cards(at, long_frame, 1, 0.3)
    expected = _expected_table(long_frame, 0.3)
    pd.testing.assert_frame_equal(
        _table(at)[list(expected.columns)].reset_index(drop=True), expected
    )
    next(b for b in at.button if b.label == "Best epoch").click().run()
    aucs = _per_epoch(long_frame, sk.roc_auc_score)
    assert _epoch(at).value == max(aucs, key=lambda e: (aucs[e], -e)) - 1


def test_best_epoch_by_log_loss_is_sklearn_minimum(long_frame) -> None:
    at = _open("val_scores.csv", _csv(long_frame))
    at.selectbox(key="epochs_best").set_value("log_loss").run()
    losses = _per_epoch(long_frame, sk.log_loss)
    best = min(losses, key=lambda e: (losses[e], e))
    assert any(
        f"Best epoch by Log loss: **{best}** ({losses[best]:.3f})" in m.value for m in at.markdown
    )


def test_rows_out_of_epoch_order_give_the_same_numbers(long_frame) -> None:
    shuffled = long_frame.sample(frac=1.0, random_state=1)
    at = _open("shuffled.csv", _csv(shuffled))
    expected = _expected_table(long_frame, 0.5)
    pd.testing.assert_frame_equal(
        _table(at)[list(expected.columns)].reset_index(drop=True), expected
    )


def test_wide_file_numbers_equal_sklearn_per_column(long_frame) -> None:
    y = long_frame[long_frame["epoch"] == 1]["label"].to_numpy()
    wide = pd.DataFrame({"label": y})
    for e, part in long_frame.groupby("epoch"):
        wide[f"p_e{e}"] = part["score"].to_numpy()
    at = _open("wide.csv", _csv(wide))
    assert not at.error, [e.value for e in at.error]
    expected = _expected_table(long_frame, 0.5)
    pd.testing.assert_frame_equal(
        _table(at)[list(expected.columns)].reset_index(drop=True), expected
    )


def _history() -> pd.DataFrame:
    """A Keras CSVLogger file: epochs from 0, training loss falling, validation loss U-shaped."""
    loss = [0.69, 0.52, 0.41, 0.33, 0.27, 0.22, 0.18, 0.15, 0.12, 0.10]
    val_loss = [0.70, 0.55, 0.46, 0.42, 0.41, 0.43, 0.44, 0.47, 0.51, 0.56]
    return pd.DataFrame(
        {
            "epoch": range(10),
            "accuracy": np.linspace(0.6, 0.97, 10).round(4),
            "loss": loss,
            "val_accuracy": [0.6, 0.7, 0.76, 0.79, 0.8, 0.8, 0.79, 0.79, 0.78, 0.77],
            "val_loss": val_loss,
        }
    )


def _gap_start(loss: list[float], val: list[float], run: int = 3) -> int | None:
    gap = np.array(val) - np.array(loss)
    for e in range(len(gap) - run):
        if all(gap[e + j + 1] - gap[e + j] > 1e-9 for j in range(run)) and gap[-1] > gap[e]:
            return e
    return None


def test_training_history_shows_train_against_validation_and_the_signal() -> None:
    hist = _history()
    at = _open("training.log", _csv(hist))
    text = " ".join(m.value for m in at.markdown)
    best = int(np.argmin(hist["val_loss"]))
    assert f"Lowest validation loss: **{hist['val_loss'][best]:.4g}** at epoch **{best}**" in text
    start = _gap_start(list(hist["loss"]), list(hist["val_loss"]))
    assert start is not None
    assert f"grows steadily from epoch **{start}** on" in text
    assert "**loss: training and validation**" in text
    assert "**accuracy: training and validation**" in text
    assert len(at.get("vega_lite_chart")) == 2
    assert not at.select_slider  # no per-example view for a history


def test_history_without_epoch_column_counts_from_one() -> None:
    hist = _history().drop(columns="epoch")
    at = _open("history.csv", _csv(hist))
    text = " ".join(m.value for m in at.markdown)
    best = int(np.argmin(hist["val_loss"])) + 1
    assert f"at epoch **{best}**" in text


def test_no_upload_and_a_file_without_epochs_say_what_is_needed() -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page(PAGE).run()
    at.radio(key="source_mode").set_value("Upload a file").run()
    assert any("needs validation scores at several epochs" in i.value for i in at.info)
    plain = pd.DataFrame({"label": [0, 1, 0, 1], "score": [0.1, 0.9, 0.3, 0.6]})
    at = _open("plain.csv", _csv(plain))
    assert any("holds no epochs" in i.value for i in at.info)


def test_bad_epochs_files_get_messages() -> None:
    one = pd.DataFrame({"epoch": [3] * 4, "label": [0, 1, 0, 1], "score": [0.1, 0.9, 0.3, 0.6]})
    at = _open("one.csv", _csv(one))
    assert any("holds one epoch only" in e.value for e in at.error)

    text_scores = pd.DataFrame(
        {"epoch": [1, 1, 2, 2], "label": [0, 1, 0, 1], "score": ["a", "b", "c", "d"]}
    )
    at = _open("text.csv", _csv(text_scores))
    assert at.error, "a text score column must be refused with a message"

    hist = _history()
    hist.loc[3, "epoch"] = np.nan
    at = _open("broken_history.csv", _csv(hist))
    assert any("missing values" in e.value for e in at.error)


def test_missing_scores_are_left_out_and_counted(long_frame) -> None:
    holes = long_frame.copy()
    holes.loc[[0, 5, 900], "score"] = np.nan
    at = _open("holes.csv", _csv(holes))
    assert any("missing score: 3" in w.value for w in at.warning)
    expected = _expected_table(holes.dropna(), 0.5)
    pd.testing.assert_frame_equal(
        _table(at)[list(expected.columns)].reset_index(drop=True), expected
    )


# --- the layouts and the overfitting rule, without the page ---------------------------


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["label", "score_epoch_3", "score_epoch_10", "score_epoch_1"], "wide"),
        (["label", "p_e1", "p_e2"], "wide"),
        (["y", "epoch_5", "epoch_6"], "wide"),
        (["label", "feature_1", "feature_2"], None),  # "featur" + "e" + number is no epoch
        (["label", "p_e1"], None),  # one epoch column is not a series
        (["step", "label", "score"], "long"),
        (["checkpoint", "label", "score"], "long"),
        (["epoch", "loss", "val_loss", "lr"], "history"),
        (["loss", "val_loss", "auc", "val_auc"], "history"),
        (["label", "loss", "val_loss"], None),  # a label column: not a history
    ],
)
def test_layout_detection(columns, expected) -> None:
    frame = pd.DataFrame({c: [0.1, 0.2] for c in columns})
    if "label" in columns:
        frame["label"] = [0, 1]
    assert model.detect(frame) == expected


def test_wide_columns_come_in_epoch_order() -> None:
    frame = pd.DataFrame({c: [0.1] for c in ["label", "s_e10", "s_e2", "s_e1"]})
    assert model.wide_columns(frame) == [(1, "s_e1"), (2, "s_e2"), (10, "s_e10")]


def _signal(train, val, metric="loss"):
    frame = pd.DataFrame({metric: train, f"val_{metric}": val})
    return model.overfitting(model.read_history(frame), metric)


def test_overfitting_rule() -> None:
    # Gap: 0.1, 0.1, 0.2, 0.3, 0.4: rises from the second epoch on (position 1).
    s = _signal([0.5, 0.4, 0.3, 0.2, 0.1], [0.6, 0.5, 0.5, 0.5, 0.5])
    assert (s.best, s.gap_start) == (1, 1)
    # Three rises that close again by the last epoch do not count.
    s = _signal([0.5] * 6, [0.5, 0.6, 0.7, 0.8, 0.5, 0.4])
    assert s.gap_start is None
    assert s.best == 5
    # Too short to tell a trend.
    assert _signal([0.5, 0.4, 0.3], [0.5, 0.6, 0.7]).gap_start is None
    # A missing value inside the run breaks it.
    assert _signal([0.5, 0.4, 0.3, 0.2], [0.5, np.nan, 0.7, 0.8]).gap_start is None
    # Accuracy: higher is better, the gap is how far validation trails training.
    s = _signal([0.6, 0.7, 0.8, 0.9, 0.95], [0.6, 0.65, 0.66, 0.66, 0.65], "accuracy")
    assert (s.best, s.gap_start) == (2, 0)


@pytest.mark.parametrize(
    "values",
    [
        [3, 1, 2, 3, 1],  # epochs from 1
        [0, 0, 5, 2],  # from 0, with gaps
        [-4, 7, -4, 0],  # negative: offset from the lowest
        [10**12, 10**12 + 3, 10**12],  # far from 0, short span
        [0, 2**21],  # span past the table: hashed
        [-(2**63), 2**63 - 1],  # the int64 extremes: no overflow
        [3.0, 1.0, 3.0],  # whole floats
        [2.5, 1.0, 2.5],  # not whole: hashed
        [-0.0, 0.0, 1.0],
        list(range(300)) * 2,  # more epochs than a uint8 code holds
    ],
)
def test_epoch_codes_equal_sorted_factorize(values) -> None:
    series = pd.Series(values)
    codes, labels = model._epoch_codes(series, "epoch")
    ref_codes, ref_uniques = pd.factorize(series.to_numpy(dtype=np.float64), sort=True)
    np.testing.assert_array_equal(codes, ref_codes)
    if series.dtype.kind == "i":  # exact integers, where float64 would round them
        assert labels == tuple(sorted(set(values)))
    else:
        assert labels == tuple(int(u) if u.is_integer() else float(u) for u in ref_uniques)
