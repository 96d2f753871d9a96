"""The training-time logger: write epochs with ``append_epoch``, then read them on the page.

The example trains scikit-learn's ``MLPClassifier`` one epoch at a time with
``partial_fit`` and logs the validation scores after each epoch, as the README shows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from streamlit.testing.v1 import AppTest

from metrics_app.epochs.log import append_epoch

APP = str(Path(__file__).resolve().parents[2] / "app.py")
EPOCHS = 8


def _train_and_log(path: Path) -> tuple[np.ndarray, list[np.ndarray]]:
    """The README example: one ``partial_fit`` per epoch, then log that epoch's scores."""
    X, y = make_classification(n_samples=1200, n_features=20, n_informative=6, random_state=0)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01, random_state=0)
    scores = []
    for epoch in range(1, EPOCHS + 1):
        clf.partial_fit(X_train, y_train, classes=[0, 1])
        p = clf.predict_proba(X_val)[:, 1]
        append_epoch(path, epoch, y_val, p)
        scores.append(p)
    return y_val, scores


def _open(path: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/epochs.py").run()
    at.radio(key="source_mode").set_value("Upload a file").run()
    at.file_uploader(key="upload").set_value((path.name, path.read_bytes(), "text/csv")).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_logged_epochs_load_on_the_page_with_sklearn_numbers(tmp_path, suffix) -> None:
    path = tmp_path / f"val_scores{suffix}"
    y_val, scores = _train_and_log(path)
    frame = pd.read_csv(path) if suffix == ".csv" else pd.read_parquet(path)
    assert list(frame.columns) == ["epoch", "label", "score"]
    assert len(frame) == EPOCHS * len(y_val)
    # Scores read back exactly (CSV writes the shortest round-trip text).
    np.testing.assert_array_equal(frame["score"].to_numpy(), np.concatenate(scores))
    at = _open(path)
    assert not at.error, [e.value for e in at.error]
    table = next(df.value for df in at.dataframe if "ROC AUC" in df.value.columns)
    assert table["Epoch"].tolist() == [str(e) for e in range(1, EPOCHS + 1)]
    assert table["ROC AUC"].tolist() == [f"{roc_auc_score(y_val, p):.3f}" for p in scores]


def test_bad_calls_are_refused_with_a_reason(tmp_path) -> None:
    path = tmp_path / "log.csv"
    with pytest.raises(ValueError, match="has 3 values but y_score has 2"):
        append_epoch(path, 1, [0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="NaN or infinite"):
        append_epoch(path, 1, [0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="one-dimensional"):
        append_epoch(path, 1, [0, 1], [[0.1, 0.9], [0.8, 0.2]])
    with pytest.raises(ValueError, match="No validation examples"):
        append_epoch(path, 1, [], [])
    assert not path.exists()
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="does not start with the header"):
        append_epoch(other, 1, [0, 1], [0.1, 0.9])
    with pytest.raises(ValueError, match="one CSV field"):
        append_epoch(path, "ckpt,1", [0, 1], [0.1, 0.9])


def test_checkpoint_names_keep_training_order(tmp_path) -> None:
    path = tmp_path / "ckpt.csv"
    y = np.array([0, 1, 0, 1, 1, 0])
    for name, shift in (("ckpt-b", 0.1), ("ckpt-a", 0.3), ("ckpt-c", 0.2)):
        append_epoch(path, name, y, np.clip(0.5 + shift * (2 * y - 1) + 0.05 * np.arange(6), 0, 1))
    at = _open(path)
    table = next(df.value for df in at.dataframe if "ROC AUC" in df.value.columns)
    assert table["Epoch"].tolist() == ["ckpt-b", "ckpt-a", "ckpt-c"]
