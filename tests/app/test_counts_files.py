"""Counts files in the app: every view that works from counts gives the expanded rows' numbers.

A ``score, n_pos, n_neg`` Parquet file (as ``threshold-lab aggregate`` writes it) and a
``score, label, count`` CSV are uploaded through AppTest; the metric cards, the row counts
and the curves' statistics must equal scikit-learn on the rows the counts stand for.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.data import counts
from metrics_app.shared import format as fmt

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture(scope="module")
def rows() -> tuple[np.ndarray, np.ndarray]:
    """Labels and scores with many ties: 5,000 rows over 200 distinct scores."""
    rng = np.random.default_rng(4)
    y = rng.random(5000) < 0.15
    s = np.round(np.clip(rng.normal(0.35 + 0.3 * y, 0.15), 0, 1), 2)
    return y, s


def _wide(y: np.ndarray, s: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"score": s, "y": y})
    wide = frame.groupby("score")["y"].agg(n_pos="sum", n_neg=lambda v: int((~v).sum()))
    return wide.reset_index().astype({"n_pos": "int64", "n_neg": "int64"})


def _parquet(frame: pd.DataFrame, metadata: dict[str, object] | None = None) -> bytes:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if metadata:
        pairs = {f"threshold_lab.{k}".encode(): json.dumps(v).encode() for k, v in metadata.items()}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **pairs})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def _upload(name: str, data: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.radio(key="source_mode").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, at.exception
    return at


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _assert_cards(at: AppTest, y: np.ndarray, s: np.ndarray, t: float) -> None:
    pred = s >= t
    cards = _cards(at)
    assert cards["Precision"] == fmt.percent(skm.precision_score(y, pred))
    assert cards["Recall"] == fmt.percent(skm.recall_score(y, pred))
    assert cards["F1"] == fmt.decimal(skm.f1_score(y, pred))
    assert cards["MCC"] == fmt.decimal(skm.matthews_corrcoef(y, pred))


def test_a_wide_counts_file_reads_as_the_rows_it_counts(rows) -> None:
    y, s = rows
    meta = {"positive": "fraud", "negative_labels": ["legit"], "binning": "exact"}
    at = _upload("counts.parquet", _parquet(_wide(y, s), meta))
    cards = _cards(at)
    assert cards["Examples counted"] == "5,000"
    assert cards["Positives (fraud)"] == f"{int(y.sum()):,}"
    assert not at.session_state["threshold_scope"].endswith("|None")
    _assert_cards(at, y, s, 0.5)
    assert any("A counts file" in c.value and "exact" in c.value for c in at.caption)
    # The sweep counts examples, not weights, so no "sums of weights" caption.
    assert not any("sums of the weight column" in c.value for c in at.caption)
    # No row-number notice although a counts file lists distinct scores in order.
    assert not any("row number" in w.value for w in at.warning)


def test_the_curves_page_of_a_counts_file_equals_scikit_learn(rows) -> None:
    y, s = rows
    at = _upload("counts.parquet", _parquet(_wide(y, s)))
    at.switch_page("pages/roc-pr.py").run()
    assert not at.exception, at.exception
    cards = _cards(at)
    assert cards["ROC AUC"] == f"{skm.roc_auc_score(y, s):.4f}"
    assert cards["Average precision"] == f"{skm.average_precision_score(y, s):.4f}"


def test_a_long_counts_csv_is_recognised_by_its_count_column(rows) -> None:
    y, s = rows
    wide = _wide(y, s)
    long = counts.to_long(wide, "1", "0")
    at = _upload("counts.csv", long.to_csv(index=False).encode())
    assert _cards(at)["Examples counted"] == "5,000"
    _assert_cards(at, y, s, 0.5)


def test_binned_counts_state_their_largest_error(rows) -> None:
    y, s = rows
    meta = {"positive": "1", "binning": "bins", "max_count_error": 37}
    at = _upload("binned.parquet", _parquet(_wide(y, s), meta))
    (note,) = [c.value for c in at.caption if "A counts file" in c.value]
    assert "off by up to 37 examples" in note
