"""The Epochs page in a real Chromium against ``streamlit run app.py``.

What only a browser shows: an uploaded long-format epochs file reaching the page through
the navigation, the per-epoch lines, the chosen epoch's confusion matrix and curves drawn,
then a training history replacing them with train-against-validation curves, and how
both look at two window widths (screenshots in ``artifacts/``). The cards are checked
against scikit-learn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.metrics import average_precision_score, roc_auc_score

from tests.browser.harness import (
    choose_upload_mode,
    metric_value,
    screenshot,
    upload_file,
    wait_for_app,
    wait_for_run,
)
from tests.browser.test_explorer import assert_no_crash

pytestmark = pytest.mark.browser


def _epochs() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    n, k = 1500, 12
    y = rng.random(n) < 0.3
    parts = []
    for e in range(1, k + 1):
        strength = 0.3 + 0.12 * min(e, 7) - 0.08 * max(0, e - 7)
        logit = 2 * strength * (y - 0.5) + rng.normal(0, 1, n)
        p = (1 / (1 + np.exp(-logit))).round(5)
        parts.append(pd.DataFrame({"epoch": e, "label": y.astype(int), "score": p}))
    return pd.concat(parts, ignore_index=True)


def _history() -> pd.DataFrame:
    epochs = np.arange(20)
    loss = 0.7 * np.exp(-epochs / 6) + 0.05
    val = 0.7 * np.exp(-epochs / 5) + 0.2 + 0.004 * np.maximum(0, epochs - 8) ** 2
    return pd.DataFrame(
        {
            "epoch": epochs,
            "accuracy": (1 - loss / 1.5).round(4),
            "loss": loss.round(4),
            "val_accuracy": (1 - val / 1.4).round(4),
            "val_loss": val.round(4),
        }
    )


def _both_widths(page, name: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.wait_for_timeout(500)
    screenshot(page, f"{name}_1400.png")
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.wait_for_timeout(500)
    screenshot(page, f"{name}_1024.png")
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_epochs_page_on_an_epochs_file_then_a_history(page, tmp_path):
    table = _epochs()
    path = tmp_path / "val_scores.csv"
    table.to_csv(path, index=False)
    page.goto("/")
    wait_for_app(page)
    choose_upload_mode(page)
    upload_file(page, path)
    expect(metric_value(page, "Rows used")).to_have_text(f"{len(table):,}")
    page.get_by_test_id("stSidebarNav").get_by_text("Epochs", exact=True).click()
    wait_for_run(page)

    aucs = {e: roc_auc_score(part["label"], part["score"]) for e, part in table.groupby("epoch")}
    best = max(aucs, key=lambda e: (aucs[e], -e))
    expect(page.get_by_text(f"Best epoch by ROC AUC: {best}", exact=False)).to_be_visible()
    part = table[table["epoch"] == best]
    expect(metric_value(page, "ROC AUC")).to_have_text(f"{aucs[best]:.3f}")
    expect(metric_value(page, "Average precision")).to_have_text(
        f"{average_precision_score(part['label'], part['score']):.3f}"
    )
    # Per-epoch lines, log loss, confusion matrix, ROC and PR of the chosen epoch.
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(5)
    assert_no_crash(page)
    _both_widths(page, "epochs")

    history = tmp_path / "training.csv"
    _history().to_csv(history, index=False)
    upload_file(page, history)
    expect(page.get_by_text("is a training history", exact=False)).to_be_visible()
    expect(page.get_by_text("Lowest validation loss", exact=False)).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
    assert_no_crash(page)
    _both_widths(page, "epochs_history")
