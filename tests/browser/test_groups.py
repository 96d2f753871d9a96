"""The Groups and Compare pages in a real Chromium against ``streamlit run app.py``.

What only a browser shows: an uploaded table with a ``region`` column reaching both
pages through the navigation, the tables, cards and curves drawn, and how the pages look
at two window widths (screenshots in ``artifacts/``). Numbers shown on cards are checked
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


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    n = 3000
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1])
    y = rng.random(n) < np.where(region == "north", 0.35, 0.15)
    a = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1.1, n) + 0.5 * (region == "west"))))
    b = 1 / (1 + np.exp(-(1.6 * y - 0.8 + rng.normal(0, 1.1, n))))
    frame = pd.DataFrame(
        {"label": y.astype(int), "model_a": a.round(4), "model_b": b.round(4), "region": region}
    )
    frame.loc[:11, "region"] = None  # a small "(missing)" group
    return frame


def _open(page, tmp_path, title: str) -> pd.DataFrame:
    table = _table()
    path = tmp_path / "regions.csv"
    table.to_csv(path, index=False)
    page.goto("/")
    wait_for_app(page)
    choose_upload_mode(page)
    upload_file(page, path)
    expect(metric_value(page, "Rows used")).to_have_text(f"{len(table):,}")
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_for_run(page)
    return table


def _both_widths(page, name: str) -> None:
    screenshot(page, f"{name}_1400.png")
    page.set_viewport_size({"width": 1024, "height": 1000})
    page.wait_for_timeout(500)
    screenshot(page, f"{name}_1024.png")


def test_groups_page_on_an_upload(page, tmp_path):
    _open(page, tmp_path, "Groups")
    expect(page.get_by_text("5 groups by region", exact=False)).to_be_visible()
    expect(page.get_by_text("Gaps between groups")).to_be_visible()
    expect(page.get_by_text("fewer than 30 rows", exact=False)).to_be_visible()
    # Three tables: per group, gaps, per-group thresholds; two more under the rule.
    expect(page.get_by_test_id("stTable")).to_have_count(5)
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
    assert_no_crash(page)
    _both_widths(page, "groups")


def test_compare_page_on_an_upload(page, tmp_path):
    table = _open(page, tmp_path, "Compare")
    y = table["label"].to_numpy() == 1
    expect(metric_value(page, "ROC AUC, model_a")).to_have_text(
        f"{roc_auc_score(y, table['model_a']):.3f}"
    )
    expect(metric_value(page, "ROC AUC, model_b")).to_have_text(
        f"{roc_auc_score(y, table['model_b']):.3f}"
    )
    expect(metric_value(page, "AP, model_b")).to_have_text(
        f"{average_precision_score(y, table['model_b']):.3f}"
    )
    expect(page.get_by_test_id("stDownloadButton")).to_be_visible()
    expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(2)
    assert_no_crash(page)
    _both_widths(page, "compare")
