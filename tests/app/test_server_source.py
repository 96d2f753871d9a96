"""Data the server was started on: the sidebar's server source, through AppTest.

The data folder is made by :func:`metrics_app.cli.add_app_data`, which is what
``threshold-lab app PATH`` runs before it starts Streamlit, and named in the environment
variable the launcher sets; the app is then run as the server would run it. The metric
cards at the default threshold (0.5) must equal scikit-learn on the rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app import launch
from metrics_app.cli import add_app_data
from metrics_app.shared import format as fmt

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def rows() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """400 labels (yes/no), the model's scores, and a distractor score column."""
    rng = np.random.default_rng(7)
    y = rng.random(400) < 0.3
    s = np.round(np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1), 3)
    return y, s, rng.random(400)


def _app(folder: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    monkeypatch.setenv(launch.DATA_ENV, str(folder))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _assert_cards(at: AppTest, y: np.ndarray, s: np.ndarray) -> None:
    pred = s >= 0.5
    cards = _cards(at)
    assert cards["Precision"] == fmt.percent(skm.precision_score(y, pred))
    assert cards["Recall"] == fmt.percent(skm.recall_score(y, pred))


def _server_caption(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if "Opened by the server" in c.value]


def test_a_small_file_opens_as_the_first_source_with_the_chosen_columns(
    rows, tmp_path, monkeypatch, capsys
) -> None:
    y, s, other = rows
    # Columns named "label" and "score" would be guessed: only the CLI's choice picks these.
    frame = pd.DataFrame(
        {
            "label": (other > 0.5).astype(int),
            "score": other,
            "truth": np.where(y, "yes", "no"),
            "model": s,
        }
    )
    frame.to_csv(tmp_path / "scores_v2.csv", index=False)
    folder = tmp_path / "server"
    code = add_app_data(
        folder, str(tmp_path / "scores_v2.csv"), label="truth", score="model", positive="no"
    )
    assert code == 0, capsys.readouterr().err

    at = _app(folder, monkeypatch)
    radio = at.radio(key="source_mode")
    assert radio.value == "Server data"
    assert radio.options == [fmt.escape_markdown("scores_v2.csv"), "Demo data", "Upload a file"]
    assert len(_server_caption(at)) == 1
    selection = at.session_state["selection"]
    assert (selection.label, selection.score, selection.positive) == ("truth", "model", "no")
    assert at.session_state["source"].name == "scores_v2.csv"
    _assert_cards(at, ~y, s)

    # The demos stay available.
    at.radio(key="source_mode").set_value("Demo data").run()
    assert not at.exception, at.exception
    assert at.session_state["source"].demo is not None
    assert not _server_caption(at)


def test_a_folder_is_opened_as_the_counts_of_its_files(rows, tmp_path, monkeypatch) -> None:
    y, s, _ = rows
    parts = tmp_path / "scores"
    parts.mkdir()
    frame = pd.DataFrame({"y": y.astype(int), "p": s})
    frame.iloc[:150].to_parquet(parts / "part-0.parquet")
    frame.iloc[150:].to_parquet(parts / "part-1.parquet")
    folder = tmp_path / "server"
    assert add_app_data(folder, str(parts), label="y", score="p") == 0

    at = _app(folder, monkeypatch)
    assert at.radio(key="source_mode").options[0] == fmt.escape_markdown("scores/")
    (caption,) = _server_caption(at)
    assert "2 Parquet files counted per score with DuckDB" in caption
    source = at.session_state["source"]
    assert source.counts is not None
    assert _cards(at)["Examples counted"] == "400"
    _assert_cards(at, y, s)


def test_arrays_from_explore_open_with_their_columns_and_weights(rows, tmp_path, monkeypatch):
    y, s, other = rows
    w = np.round(1 + 3 * other)  # whole-number weights: sklearn's weighted precision/recall
    folder = tmp_path / "server"
    launch.add_arrays(folder, y, s, sample_weight=w, names=("truth", "model", "importance"))

    at = _app(folder, monkeypatch)
    assert at.radio(key="source_mode").options[0] == fmt.escape_markdown("Python arrays (400 rows)")
    assert any(fmt.escape_markdown("explore()") in c for c in _server_caption(at))
    selection = at.session_state["selection"]
    assert (selection.label, selection.score, selection.weight) == ("truth", "model", "importance")
    pred = s >= 0.5
    cards = _cards(at)
    assert cards["Precision"] == fmt.percent(skm.precision_score(y, pred, sample_weight=w))
    assert cards["Recall"] == fmt.percent(skm.recall_score(y, pred, sample_weight=w))


def test_a_link_opens_its_own_data_set_and_a_stale_link_the_newest(
    rows, tmp_path, monkeypatch
) -> None:
    y, s, _ = rows
    folder = tmp_path / "server"
    first = tmp_path / "first.parquet"
    pd.DataFrame({"label": y, "score": s}).to_parquet(first)
    second = tmp_path / "second.parquet"
    pd.DataFrame({"label": ~y, "score": s}).to_parquet(second)
    old = launch.add_data(folder, first, "first", "Opened by the server from a test.")
    launch.add_data(folder, second, "second", "Opened by the server from a test.")

    at = _app(folder, monkeypatch, data=old.token)
    assert at.session_state["source"].name == "first"
    assert not at.sidebar.warning
    _assert_cards(at, y, s)
    # A rerun keeps the session's data set even when the link no longer names it.
    at.query_params.clear()
    at.run()
    assert at.session_state["source"].name == "first"

    at = _app(folder, monkeypatch, data="0123456789abcdef")
    assert at.session_state["source"].name == "second"
    assert any("no longer has" in w.value for w in at.sidebar.warning)
    # Only a token is ever looked up, never a path.
    assert launch.find_data(folder, "../first") is None


def test_a_data_file_gone_since_the_start_is_explained(tmp_path, monkeypatch) -> None:
    table = tmp_path / "gone.csv"
    table.write_text("label,score\n1,0.9\n0,0.2\n")
    folder = tmp_path / "server"
    assert add_app_data(folder, str(table)) == 0
    table.unlink()

    at = _app(folder, monkeypatch)
    assert at.session_state["source"] is None
    assert any("cannot read its data file gone.csv" in e.value for e in at.sidebar.error)
    assert any("server's data could not be used" in e.value for e in at.main.error)


def test_without_server_data_the_sources_are_unchanged(monkeypatch) -> None:
    monkeypatch.delenv(launch.DATA_ENV, raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="source_mode").options == ["Demo data", "Upload a file"]
