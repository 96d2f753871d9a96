"""The threshold explorer in a real Chromium against ``streamlit run app.py``.

What only a browser can check: uploads over HTTP, keyboard on the slider, the
``?threshold=`` URL binding, what the page actually renders. Every number is checked
against scikit-learn at the threshold the page shows, formatted the way a reader sees it
(precision and recall as ``61.2%``, F1 as ``0.734``).

Every test here once caught a real bug; they now guard against its return.
"""

from __future__ import annotations

import math
import re
from functools import cache
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect
from sklearn.metrics import f1_score, precision_recall_curve, precision_score, recall_score

from metrics_app.data.demo import load_demo
from metrics_app.shared.glossary import CARDS
from tests.browser.harness import (
    choose_upload_mode,
    install_run_counter,
    metric,
    metric_value,
    press_and_wait_for_run,
    screenshot,
    slider_thumb,
    slider_value_text,
    threshold_value,
    upload_file,
    wait_for_app,
    wait_for_run,
)

pytestmark = pytest.mark.browser

SLIDER_STEP = 0.001  # the explorer's step for probability scores
# Card labels come from the glossary, so a relabelling ("Recall (TPR)" -> "Recall") does
# not break the tests; the values are what is checked.
LABEL = {card.key: card.label for card in CARDS}
PRECISION, RECALL, F1 = LABEL["precision"], LABEL["recall"], LABEL["f1"]


# --- oracles -------------------------------------------------------------------------------


@cache
def fraud() -> tuple[np.ndarray, np.ndarray]:
    """Labels (True = fraud) and ``model_score`` of the default demo."""
    frame = load_demo("fraud")
    return (frame["is_fraud"] == "fraud").to_numpy(), frame["model_score"].to_numpy()


@cache
def spam() -> tuple[np.ndarray, np.ndarray]:
    """Labels (True = spam) and ``spam_logit`` of the spam demo."""
    frame = load_demo("spam")
    return (frame["label"] == "spam").to_numpy(), frame["spam_logit"].to_numpy()


def expected_cards(y: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, str]:
    """Precision, recall and F1 from scikit-learn at ``score >= threshold``, as displayed."""
    pred = scores >= threshold
    p = precision_score(y, pred, zero_division=np.nan)
    r = recall_score(y, pred, zero_division=np.nan)
    f = f1_score(y, pred, zero_division=np.nan)
    assert not any(map(math.isnan, (p, r, f))), (
        f"pick a threshold where all are defined: {threshold}"
    )
    return {PRECISION: f"{p:.1%}", RECALL: f"{r:.1%}", F1: f"{f:.3f}"}


def expect_cards(page, cards: dict[str, str], timeout: float = 30_000) -> None:
    """Wait until every card shows its expected text."""
    for label, text in cards.items():
        expect(metric_value(page, label)).to_have_text(text, timeout=timeout)


def write_scores_csv(path, n: int = 5_000, seed: int = 2024) -> pd.DataFrame:
    """``label,score`` with 0/1 labels (~30% positives) and overlapping scores in [0, 1]."""
    rng = np.random.default_rng(seed)
    label = (rng.random(n) < 0.3).astype(np.int64)
    score = np.clip(rng.normal(0.35 + 0.3 * label, 0.18), 0.0, 1.0).round(6)
    frame = pd.DataFrame({"label": label, "score": score})
    frame.to_csv(path, index=False)
    return frame


def exact_input(page):
    """The "Exact threshold" number input."""
    return page.get_by_test_id("stNumberInput").get_by_role("spinbutton")


def open_app(page, query: str = "") -> None:
    page.goto("/" + query)
    wait_for_app(page)


def assert_no_crash(page) -> None:
    """No Streamlit exception element, no traceback text anywhere on the page."""
    expect(page.get_by_test_id("stException")).to_have_count(0)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "Error running app" not in body


# --- a. default demo -------------------------------------------------------------------------


def test_demo_opens_with_sklearn_precision_at_half(page):
    open_app(page)
    expect(metric_value(page, "Rows used")).to_have_text("100,000")
    expect(threshold_value(page)).to_have_text("0.500")
    y, s = fraud()
    expect_cards(page, expected_cards(y, s, 0.5))
    caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
    expect(caption).to_contain_text("positive class fraud")
    assert_no_crash(page)
    screenshot(page, "explorer_demo.png")


# --- b. upload, then the slider's keyboard ---------------------------------------------------


def test_upload_then_arrow_keys_match_sklearn(page, tmp_path):
    path = tmp_path / "scores.csv"
    data = write_scores_csv(path)
    y, s = data["label"].to_numpy() == 1, data["score"].to_numpy()

    open_app(page)
    choose_upload_mode(page)
    upload_file(page, path)
    expect(metric_value(page, "Rows used")).to_have_text("5,000", timeout=60_000)
    expect(page.get_by_test_id("stFileChipName")).to_have_text("scores.csv")
    expect(metric_value(page, "Rows excluded")).to_have_text("0")
    expect(metric_value(page, "Positives (1)")).to_have_text(f"{int(y.sum()):,}")
    wait_for_run(page)
    start = float(slider_value_text(page))

    # One key press, one rerun: wait for each before the next so that no press overlaps a
    # run (overlapping presses are test_fast_arrow_presses_*). Today the thumb may start
    # at 0.000 and swallow the first press (test_slider_shows_the_threshold_in_use_*), so
    # the final threshold is read from the thumb rather than computed from the presses.
    presses = 10
    install_run_counter(page)
    slider_thumb(page).focus()
    for _ in range(presses):
        press_and_wait_for_run(page, "ArrowRight")
    threshold = float(slider_value_text(page))
    assert start < threshold <= round(start + presses * SLIDER_STEP, 3)

    expect_cards(page, expected_cards(y, s, threshold))
    expect(page).to_have_url(re.compile(rf"[?&]threshold={re.escape(repr(threshold))}(&|$)"))
    assert_no_crash(page)
    screenshot(page, "explorer_upload.png")


# --- c. the exact number input ---------------------------------------------------------------


def test_exact_threshold_input_matches_sklearn(page):
    open_app(page)
    expect(metric_value(page, "Rows used")).to_have_text("100,000")
    box = exact_input(page)
    box.fill("0.3333")
    box.press("Enter")
    y, s = fraud()
    expect_cards(page, expected_cards(y, s, 0.3333))
    # The live control shows the threshold in use, off its 0.001 grid; so does the URL.
    expect(threshold_value(page)).to_have_text("0.3333")
    expect(page).to_have_url(re.compile(r"[?&]threshold=0\.3333(&|$)"))
    assert_no_crash(page)


# --- d. one-click "Best F1" ------------------------------------------------------------------


def test_best_f1_button_shows_sklearn_maximum_f1(page):
    y, s = fraud()
    # Brute force over every distinct score: precision_recall_curve gives precision and
    # recall at each of them (its last point, recall 0, is not a threshold).
    precision, recall, thresholds = precision_recall_curve(y, s)
    precision, recall = precision[:-1], recall[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0)
    best = int(np.argmax(f1))
    best_f1 = float(f1[best])
    assert f1_score(y, s >= thresholds[best]) == pytest.approx(best_f1, rel=1e-12)

    open_app(page)
    expect(metric_value(page, "Rows used")).to_have_text("100,000")
    button = page.get_by_role("button", name=re.compile(r"^Best F1 \("))
    expect(button).to_have_count(1)
    button.click()
    expect(metric_value(page, F1)).to_have_text(f"{best_f1:.3f}")
    # The threshold the button chose (kept exactly in the URL) really attains the maximum.
    expect(page).to_have_url(re.compile(r"[?&]threshold="))
    chosen = float(parse_qs(urlparse(page.url).query)["threshold"][0])
    assert f1_score(y, s >= chosen) == pytest.approx(best_f1, rel=1e-12)
    assert_no_crash(page)


# --- e. deep link ----------------------------------------------------------------------------


def test_deep_link_sets_threshold(page):
    open_app(page, "?threshold=0.7")
    expect(metric_value(page, "Rows used")).to_have_text("100,000")
    expect(threshold_value(page)).to_have_text("0.700")
    y, s = fraud()
    expect_cards(page, expected_cards(y, s, 0.7))
    expect(exact_input(page)).to_have_value("0.7")
    assert_no_crash(page)


# --- f. bad uploads --------------------------------------------------------------------------


def test_bad_uploads_show_a_clear_error(page, tmp_path):
    header_only = tmp_path / "header_only.csv"
    header_only.write_text("label,score\n")
    binary = tmp_path / "data.csv"
    binary.write_bytes(np.random.default_rng(0).bytes(4096))

    open_app(page)
    choose_upload_mode(page)
    sidebar = page.get_by_test_id("stSidebar")

    upload_file(page, header_only)
    expect(page.get_by_test_id("stFileChipName")).to_have_text("header_only.csv")
    expect(sidebar.get_by_test_id("stAlert")).to_contain_text(
        "The file has a header but no data rows", timeout=30_000
    )
    wait_for_run(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    assert_no_crash(page)
    screenshot(page, "explorer_bad_input_header_only.png")

    upload_file(page, binary)
    expect(page.get_by_test_id("stFileChipName")).to_have_text("data.csv")
    expect(sidebar.get_by_test_id("stAlert")).to_contain_text(
        "does not look like a CSV, TSV or Parquet file", timeout=30_000
    )
    wait_for_run(page)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    assert_no_crash(page)
    screenshot(page, "explorer_bad_input.png")


# --- g. markup in user data is shown literally -----------------------------------------------

MARKUP_SCORE = "<b>bold</b>"
MARKUP_POSITIVE = "**x**"


@pytest.fixture
def markup_csv(tmp_path):
    """A score column named ``<b>bold</b>``; the positive (rarer) label is ``**x**``."""
    rng = np.random.default_rng(3)
    n = 400
    positive = rng.random(n) < 0.3
    frame = pd.DataFrame(
        {
            "outcome": np.where(positive, MARKUP_POSITIVE, "plain"),
            MARKUP_SCORE: np.clip(rng.normal(0.4 + 0.3 * positive, 0.2), 0, 1).round(4),
        }
    )
    path = tmp_path / "markup.csv"
    frame.to_csv(path, index=False)
    return path


def open_markup_upload(page, path) -> None:
    open_app(page)
    choose_upload_mode(page)
    upload_file(page, path)
    expect(metric_value(page, "Rows used")).to_have_text("400", timeout=60_000)
    wait_for_run(page)


def assert_not_rendered_as_markup(page) -> None:
    main = page.get_by_test_id("stMain")
    expect(main.locator("b")).to_have_count(0)
    for tag in ("strong", "em", "b", "i"):
        for text in ("bold", "x"):
            rendered = main.locator(tag).filter(has_text=re.compile(rf"^{text}$"))
            expect(rendered).to_have_count(0)


def test_markup_in_names_is_literal_in_caption(page, markup_csv):
    open_markup_upload(page, markup_csv)
    caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
    expect(caption).to_contain_text(f"score column {MARKUP_SCORE}")
    expect(caption).to_contain_text(f"positive class {MARKUP_POSITIVE}")
    expect(page.get_by_test_id("stMain").get_by_text(MARKUP_SCORE).first).to_be_visible()
    # No <b> anywhere in the main block (the caption's own bold is <strong>).
    expect(page.get_by_test_id("stMain").locator("b")).to_have_count(0)
    assert_no_crash(page)
    screenshot(page, "explorer_markup.png")


def test_markup_in_names_is_literal_in_metric_label(page, markup_csv):
    open_markup_upload(page, markup_csv)
    expect(metric(page, f"Positives ({MARKUP_POSITIVE})")).to_have_count(1, timeout=5_000)
    assert_not_rendered_as_markup(page)


# --- regressions: slider, exact input and metrics stay in agreement ---------------------------


def test_slider_shows_the_threshold_in_use_after_an_upload(page, tmp_path):
    path = tmp_path / "scores.csv"
    data = write_scores_csv(path)
    open_app(page)
    choose_upload_mode(page)
    upload_file(page, path)
    expect(metric_value(page, "Rows used")).to_have_text("5,000", timeout=60_000)
    wait_for_run(page)
    y, s = data["label"].to_numpy() == 1, data["score"].to_numpy()
    expect_cards(page, expected_cards(y, s, 0.5))  # the metrics are at the 0.5 default
    expect(threshold_value(page)).to_have_text("0.500", timeout=5_000)
    expect(exact_input(page)).to_have_value("0.5", timeout=5_000)


def test_slider_shows_the_threshold_in_use_after_returning_to_the_demo(page):
    open_app(page)
    expect(threshold_value(page)).to_have_text("0.500")
    choose_upload_mode(page)
    page.get_by_test_id("stRadio").get_by_text("Demo data", exact=True).click()
    expect(metric_value(page, "Rows used")).to_have_text("100,000")
    wait_for_run(page)
    y, s = fraud()
    expect_cards(page, expected_cards(y, s, 0.5))
    expect(threshold_value(page)).to_have_text("0.500", timeout=5_000)


def test_switching_demo_keeps_slider_and_metrics_in_agreement(page):
    open_app(page, "?threshold=0.7")
    expect(threshold_value(page)).to_have_text("0.700")
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Spam filter (logit scores)").click()
    expect(metric_value(page, "Rows used")).to_have_text("5,000")
    wait_for_run(page)
    page.wait_for_timeout(1_000)
    exact = float(exact_input(page).input_value())
    y, s = spam()
    expect_cards(page, expected_cards(y, s, exact))
    assert float(slider_value_text(page)) == pytest.approx(exact, abs=1e-9)


# Fixed: callbacks set the shared threshold and sync writes the widget keys only when they
# differ, so runs interrupted by fast presses no longer push stale values back.
def test_fast_arrow_presses_keep_slider_and_metrics_in_sync(page):
    open_app(page)
    expect(threshold_value(page)).to_have_text("0.500")
    install_run_counter(page)
    slider_thumb(page).focus()
    for _ in range(50):
        page.keyboard.press("ArrowRight")
    # Settle: no run for a second.
    settled, last = 0, -1
    for _ in range(120):
        page.wait_for_timeout(250)
        now = page.evaluate("() => window.__stRunsFinished")
        settled = settled + 1 if now == last else 0
        last = now
        if settled >= 4:
            break
    wait_for_run(page)
    y, s = fraud()
    expect(threshold_value(page)).to_have_text("0.550", timeout=2_000)
    expect_cards(page, expected_cards(y, s, 0.55), timeout=2_000)
    expect(exact_input(page)).to_have_value("0.55", timeout=2_000)
