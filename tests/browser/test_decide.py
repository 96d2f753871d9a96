"""The operating-point page in a real Chromium against ``streamlit run app.py``.

The page's numbers are checked against a brute force over the fraud demo: the net cost at
every candidate threshold (every distinct score, plus one above the maximum that flags
nothing) with numpy, cross-checked with scikit-learn's confusion matrix. What only a
browser can check: the one-click threshold reaching the explorer, each tab rendering, and
an operating-point card going out through the download button and back in through the
card uploader.
"""

from __future__ import annotations

import json
import re
from functools import cache

import numpy as np
import pytest
from playwright.sync_api import expect
from sklearn.metrics import confusion_matrix, roc_auc_score

from metrics_app.shared.format import threshold_on_grid
from tests.browser.harness import (
    metric_value,
    screenshot,
    threshold_value,
    wait_for_app,
    wait_for_run,
    wait_for_url_threshold,
)
from tests.browser.test_explorer import assert_no_crash, exact_input, expected_cards, fraud

pytestmark = pytest.mark.browser

# The page's defaults: a false alarm costs 1, a miss 10, no gains.
COST_FP, COST_FN = 1.0, 10.0
TABS = ("Costs", "Constraints", "Base rate", "Uncertainty", "Compare thresholds", "Card")
NET_COST = "Net cost at the current threshold"
CHEAPEST = "Cheapest threshold"


# --- oracle --------------------------------------------------------------------------------


def net_cost(y: np.ndarray, s: np.ndarray, threshold: float) -> float:
    """Cost of the false alarms and misses at ``score >= threshold`` (scikit-learn's counts)."""
    _, fp, fn, _ = confusion_matrix(y, s >= threshold, labels=[False, True]).ravel()
    return COST_FP * fp + COST_FN * fn


@cache
def cheapest() -> tuple[float, float]:
    """``(threshold, cost)``: the lowest cost over all candidates, ties to the highest.

    Candidates are every distinct score and one just above the maximum (flags nothing).
    The false alarms and misses at each are counted by binary search on the sorted
    scores of each class, which is a plain count of ``score >= t`` per class.
    """
    y, s = fraud()
    candidates = np.unique(s)[::-1]  # decreasing
    candidates = np.r_[np.nextafter(candidates[0], np.inf), candidates]
    negatives, positives = np.sort(s[~y]), np.sort(s[y])
    fp = len(negatives) - np.searchsorted(negatives, candidates, side="left")
    fn = np.searchsorted(positives, candidates, side="left")
    cost = COST_FP * fp + COST_FN * fn
    lowest = cost.min()
    best = float(candidates[np.flatnonzero(cost == lowest)].max())
    assert net_cost(y, s, best) == lowest  # the fast count agrees with scikit-learn
    return best, float(lowest)


# --- helpers -------------------------------------------------------------------------------


def money(x: float) -> str:
    return f"{x:,.2f}"


def open_decide(page) -> None:
    page.goto("/operating-point")
    wait_for_app(page)
    expect(metric_value(page, CHEAPEST)).to_be_visible()
    wait_for_run(page)


def tab(page, name: str):
    return page.get_by_role("tab", name=name, exact=True)


def open_tab(page, name: str):
    """Select tab ``name`` (plain st.tabs: no rerun) and return its visible panel."""
    tab(page, name).click()
    expect(tab(page, name)).to_have_attribute("aria-selected", "true")
    return page.get_by_role("tabpanel")  # hidden panels are not matched by role


def set_exact(page, value: str) -> None:
    """Type a threshold into the page's "Exact threshold" box; wait until the page uses it."""
    box = page.get_by_role("spinbutton", name="Exact threshold")
    box.fill(value)
    box.press("Enter")
    # Drawn in the "Compare thresholds" tab, whichever tab is open (plain st.tabs).
    expect(metric_value(page, "Threshold A (current)")).to_have_text(value)
    wait_for_run(page)


def go_to_explorer(page) -> None:
    page.get_by_test_id("stSidebarNav").get_by_text("Threshold explorer", exact=True).click()
    # Not the slider: this page has one too. "Rows used" is the explorer's alone.
    expect(metric_value(page, "Rows used")).to_be_visible()
    expect(page.get_by_test_id("stNumberInput")).to_have_count(1)
    wait_for_run(page)


# --- costs ---------------------------------------------------------------------------------


def test_cost_metrics_match_brute_force_and_cheapest_reaches_the_explorer(page):
    y, s = fraud()
    best, best_cost = cheapest()
    open_decide(page)
    expect(page.get_by_role("spinbutton", name="Exact threshold")).to_have_value("0.5")
    expect(metric_value(page, CHEAPEST)).to_have_text(f"{best:.6g}")
    expect(metric_value(page, NET_COST)).to_have_text(money(net_cost(y, s, 0.5)))
    expect(metric_value(page, "Net cost there")).to_have_text(money(best_cost))
    expect(metric_value(page, "Saving if you switch")).to_have_text(
        money(net_cost(y, s, 0.5) - best_cost)
    )
    assert_no_crash(page)

    button = page.get_by_role("button", name="Use the cheapest threshold")
    button.click()
    expect(metric_value(page, NET_COST)).to_have_text(money(best_cost))
    expect(page.get_by_role("spinbutton", name="Exact threshold")).to_have_value(f"{best:.6g}")
    expect(button).to_be_disabled()  # nothing left to save
    expect(metric_value(page, "Saving if you switch")).to_have_text(money(0))

    go_to_explorer(page)
    expect(exact_input(page)).to_have_value(f"{best:.6g}")
    # The explorer's knob shows the threshold in use, off its grid, to six digits.
    expect(threshold_value(page)).to_have_text(threshold_on_grid(best, 0.001))
    # The URL holds the exact score, not a rounded copy.
    wait_for_url_threshold(page, lambda t: t == best)
    for label, text in expected_cards(y, s, best).items():
        expect(metric_value(page, label)).to_have_text(text)
    assert_no_crash(page)


# --- every tab -----------------------------------------------------------------------------


def test_every_tab_renders(page):
    y, s = fraud()
    open_decide(page)
    for name in TABS:
        panel = open_tab(page, name)
        expect(panel).to_be_visible()
        if name == "Costs":
            expect(panel.get_by_test_id("stVegaLiteChart")).to_have_count(1)
        elif name == "Constraints":
            for rule in ("precision ≥ 90.00%", "recall ≥ 80.00%", "rate ≤ 5.00%", "flag at most"):
                expect(panel).to_contain_text(rule)
        elif name == "Uncertainty":
            auc = panel.get_by_test_id("stMetric").filter(has_text="ROC AUC")
            expect(auc.get_by_test_id("stMetricValue")).to_have_text(f"{roc_auc_score(y, s):.4f}")
        elif name == "Compare thresholds":
            expect(metric_value(page, "Threshold A (current)")).to_have_text("0.5")
        elif name == "Card":
            expect(panel.get_by_test_id("stDownloadButton")).to_be_visible()
            expect(panel.get_by_test_id("stFileUploader")).to_be_visible()
        assert_no_crash(page)
        screenshot(page, f"decide_{name.lower().replace(' ', '_')}.png")

    panel = open_tab(page, "Base rate")
    expect(panel.get_by_test_id("stVegaLiteChart")).to_have_count(0)
    panel.get_by_text("Deployment has a different share of positives").click()
    expect(
        panel.get_by_role("spinbutton", name="Expected share of positives in deployment (%)")
    ).to_be_visible()
    expect(panel.get_by_test_id("stVegaLiteChart")).to_have_count(1)
    expect(panel.get_by_test_id("stDataFrame")).to_have_count(1)
    wait_for_run(page)
    assert_no_crash(page)
    screenshot(page, "decide_base_rate_on.png")


# --- the operating-point card --------------------------------------------------------------


def test_card_downloads_and_restores_and_a_tampered_card_is_refused(page, tmp_path):
    y, s = fraud()
    open_decide(page)
    set_exact(page, "0.3")
    expect(metric_value(page, NET_COST)).to_have_text(money(net_cost(y, s, 0.3)))

    panel = open_tab(page, "Card")
    with page.expect_download() as info:
        panel.get_by_role("button", name=re.compile(r"operating-point card")).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".json"
    card = json.loads(path.read_text(encoding="utf-8"))
    assert card["threshold"] == 0.3
    fingerprint = card["data"]["fingerprint"]
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint), fingerprint
    tn, fp, fn, tp = confusion_matrix(y, s >= 0.3, labels=[False, True]).ravel()
    assert card["counts"] == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    assert card["cost"]["cheapest_threshold"] == cheapest()[0]

    uploader = panel.get_by_test_id("stFileUploaderDropzoneInput")
    # Move away from the card's threshold, then restore it from the card.
    set_exact(page, "0.7")
    expect(tab(page, "Card")).to_have_attribute("aria-selected", "true")
    uploader.set_input_files(str(path))
    success = panel.get_by_test_id("stAlertContentSuccess")
    expect(success).to_contain_text("Restored", timeout=30_000)
    expect(success).to_contain_text("threshold 0.3")
    expect(page.get_by_role("spinbutton", name="Exact threshold")).to_have_value("0.3")
    expect(page.get_by_test_id("stSliderThumbValue")).to_have_text("0.300")
    wait_for_run(page)
    assert_no_crash(page)
    screenshot(page, "decide_card_restored.png")

    # A card for other data (its fingerprint changed) is refused and changes nothing.
    set_exact(page, "0.7")
    tampered = dict(card, data={**card["data"], "fingerprint": "0" * 64})
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(tampered), encoding="utf-8")
    uploader.set_input_files(str(bad))
    error = panel.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("other data", timeout=30_000)
    expect(panel.get_by_test_id("stAlertContentSuccess")).to_have_count(0)
    wait_for_run(page)
    expect(page.get_by_role("spinbutton", name="Exact threshold")).to_have_value("0.7")
    expect(page.get_by_test_id("stSliderThumbValue")).to_have_text("0.700")
    expect(metric_value(page, "Threshold A (current)")).to_have_text("0.7")
    assert_no_crash(page)
    screenshot(page, "decide_card_tampered.png")
