"""Real-export files uploaded in Chromium: each says what it is; its fix gives sklearn numbers.

The files are built here: a model scoring the other class, both ``predict_proba`` columns,
constant scores, a tiny positive class, three classes. Screenshots of each land in
``artifacts/real_files_*.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.metrics import f1_score, precision_score, recall_score

from metrics_app.shared import format as fmt
from tests.browser.harness import (
    choose_upload_mode,
    metric_value,
    screenshot,
    upload_file,
    wait_for_app,
    wait_for_run,
)

pytestmark = pytest.mark.browser

N = 2000


@pytest.fixture(scope="module")
def model() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = rng.random(N) < 0.2
    logit = rng.normal(0, 1, N) + 2.0 * y - 1.5
    return y, 1 / (1 + np.exp(-logit))


def _write(tmp_path: Path, name: str, frame: pd.DataFrame) -> Path:
    path = tmp_path / name
    frame.to_csv(path, index=False, float_format="%.17g")
    return path


def _open_with(page, path: Path) -> None:
    page.goto("/")
    wait_for_app(page)
    choose_upload_mode(page)
    upload_file(page, path)
    expect(metric_value(page, "Rows used")).to_have_text(f"{N:,}", timeout=30_000)
    wait_for_run(page)


def _expect_cards(page, y: np.ndarray, s: np.ndarray, t: float) -> None:
    pred = s >= t
    expected = {
        "Precision": fmt.percent(precision_score(y, pred, zero_division=np.nan)),
        "Recall": fmt.percent(recall_score(y, pred)),
        "F1": fmt.decimal(f1_score(y, pred)),
    }
    for label, text in expected.items():
        expect(metric_value(page, label)).to_have_text(text, timeout=30_000)


def _alert(page, text: str):
    return page.get_by_test_id("stAlert").filter(has_text=text)


def test_scores_of_the_other_class_are_called_out_and_fixed(page, tmp_path, model) -> None:
    y, p = model
    path = _write(tmp_path, "inverted.csv", pd.DataFrame({"label": y.astype(int), "score": 1 - p}))
    _open_with(page, path)
    expect(_alert(page, "The scores point the other way")).to_be_visible()
    _expect_cards(page, y, 1 - p, 0.5)  # nothing changed yet
    screenshot(page, "real_files_inverted.png")
    page.get_by_test_id("stMain").get_by_role("button", name="Make 0 the positive class").click()
    wait_for_run(page)
    expect(_alert(page, "The scores point the other way")).to_have_count(0)
    _expect_cards(page, ~y, 1 - p, 0.5)
    screenshot(page, "real_files_inverted_fixed.png")


def test_negating_the_scores_gives_the_exact_reversal(page, tmp_path, model) -> None:
    y, p = model
    path = _write(tmp_path, "inverted.csv", pd.DataFrame({"label": y.astype(int), "score": 1 - p}))
    _open_with(page, path)
    page.get_by_test_id("stMain").get_by_role("button", name="Negate the scores").click()
    # The new default (-0.5) reaches the URL once the slider of the new range is drawn; a
    # loaded machine may still show the old run's cards until then.
    expect(page).to_have_url(re.compile(r"threshold=-0\.5"), timeout=60_000)
    wait_for_run(page)
    expect(_alert(page, "The scores point the other way")).to_have_count(0)
    expect(page.get_by_role("button", name="-0.5 (default)")).to_be_visible()
    _expect_cards(page, y, -(1 - p), -0.5)


def test_predict_proba_columns_follow_the_positive_class(page, tmp_path, model) -> None:
    y, p = model
    frame = pd.DataFrame({"y": y.astype(int), "proba_0": 1 - p, "proba_1": p})
    _open_with(page, _write(tmp_path, "predict_proba.csv", frame))
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("matched by name")).to_be_visible()
    _expect_cards(page, y, p, 0.5)
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Positive class").click()
    page.get_by_role("option", name="0 (").click()
    wait_for_run(page)
    expect(sidebar.get_by_text("proba_0", exact=True)).to_be_visible()
    _expect_cards(page, ~y, 1 - p, 0.5)
    screenshot(page, "real_files_predict_proba.png")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("identical", "Every row has the same score"),
        ("few", "Only 3 rows are"),
        ("three", "has 3 classes"),
    ],
)
def test_a_file_that_is_not_what_it_seems_says_so(page, tmp_path, model, case, message) -> None:
    y, p = model
    rng = np.random.default_rng(1)
    few = np.zeros(N, dtype=int)
    few[:3] = 1
    frames = {
        "identical": pd.DataFrame({"label": y.astype(int), "score": np.full(N, 0.3)}),
        "few": pd.DataFrame({"label": few, "score": p}),
        "three": pd.DataFrame({"animal": rng.choice(["cat", "dog", "bird"], N), "score": p}),
    }
    _open_with(page, _write(tmp_path, f"{case}.csv", frames[case]))
    expect(_alert(page, message)).to_be_visible()
    expect(metric_value(page, "Precision")).to_be_visible()  # the numbers are still shown
    screenshot(page, f"real_files_{case}.png")
