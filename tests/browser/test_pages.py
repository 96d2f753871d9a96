"""The Curves and Tutorial pages in a real Chromium against ``streamlit run app.py``.

What only a browser can check here: a click on the ROC chart (a Vega point selection)
returning a threshold to Python, that threshold reaching the explorer through the shared
session state, and the tutorial's lazily drawn tabs rendering without an exception.
Numbers are checked against scikit-learn on the fraud demo, formatted as the page shows
them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from sklearn.metrics import roc_auc_score, roc_curve

from metrics_app.shared.format import threshold_on_grid
from tests.browser.harness import (
    StreamlitServer,
    metric_value,
    screenshot,
    slider_value_text,
    threshold_value,
    wait_for_app,
    wait_for_charts,
    wait_for_run,
    wait_for_url_threshold,
)
from tests.browser.test_explorer import assert_no_crash, exact_input, expected_cards, fraud

pytestmark = pytest.mark.browser

PAGE_NOT_FOUND = "Page not found"


def nav_link(page, title: str):
    """The sidebar navigation link whose text is ``title``."""
    return page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True)


def assert_no_dialog(page) -> None:
    expect(page.get_by_role("dialog")).to_have_count(0)


# --- Curves: ROC AUC, a click on the ROC curve, the explorer follows -------------------------


_PLOT_BOX_JS = """(svg) => {
    // The plot area is the largest background rectangle of the Vega scenegraph.
    const origin = svg.getBoundingClientRect();
    let best = null;
    for (const path of svg.querySelectorAll('path.background')) {
        const box = path.getBoundingClientRect();
        if (!best || box.width * box.height > best.width * best.height) best = box;
    }
    return {x: best.x - origin.x, y: best.y - origin.y, width: best.width, height: best.height};
}"""


def click_roc_until_threshold_changes(page, roc_chart, before: str) -> str:
    """Click points of sklearn's ROC curve in the chart until the current threshold changes.

    The chart's selection is ``nearest=True`` on an invisible point layer, so a click
    close to the curve picks the closest of its (at most 1,000) points. The pixel of a
    point is computed from the plot area (axes are fixed to [0, 1]). Returns the new
    "Current threshold" text.
    """
    y, s = fraud()
    fpr, tpr, _ = roc_curve(y, s)
    surface = roc_chart.locator("svg.marks, canvas").first
    box = surface.evaluate(_PLOT_BOX_JS)
    assert box["width"] > 100, f"ROC plot area too narrow: {box}"
    assert box["height"] > 100, f"ROC plot area too short: {box}"
    current = metric_value(page, "Current threshold")
    for target in (0.1, 0.05, 0.2, 0.3, 0.02):
        i = int(np.searchsorted(fpr, target))
        x = box["x"] + fpr[i] * box["width"]
        y_px = box["y"] + (1.0 - tpr[i]) * box["height"]
        surface.click(position={"x": x, "y": y_px})
        try:
            expect(current).not_to_have_text(before, timeout=5_000)
        except AssertionError:
            continue  # the click landed nowhere useful; try another point of the curve
        wait_for_run(page)
        return current.inner_text()
    pytest.fail("no click on the ROC curve changed the current threshold")


def test_roc_click_sets_the_explorer_threshold(page):
    y, s = fraud()
    page.goto("/")
    wait_for_app(page)
    expect(metric_value(page, "Rows used")).to_have_text("100,000")

    nav_link(page, "Curves").click()
    expect(page).to_have_url(re.compile(r"/roc-pr(\?|$)"))
    expect(metric_value(page, "ROC AUC")).to_have_text(f"{roc_auc_score(y, s):.4f}")
    expect(metric_value(page, "Current threshold")).to_have_text("0.5")
    charts = page.get_by_test_id("stVegaLiteChart")
    roc = charts.filter(has_text="False positive rate")
    pr = charts.filter(has_text="Recall (TPR)")
    expect(roc).to_have_count(1)
    expect(pr).to_have_count(1)
    wait_for_run(page)
    wait_for_charts(page)
    for chart in (roc, pr):
        expect(chart.locator("svg.marks, canvas").first).to_be_visible()
    assert_no_crash(page)
    assert_no_dialog(page)
    screenshot(page, "curves_roc_pr.png")

    shown = click_roc_until_threshold_changes(page, roc, "0.5")
    # The clicked point is a threshold of the ROC curve, i.e. one of the data's scores.
    scores = np.unique(s)
    matches = [v for v in scores if f"{v:.6g}" == shown]
    assert matches, f"{shown} is not a score of the data, shown to 6 significant digits"
    assert_no_crash(page)
    screenshot(page, "curves_after_click.png")

    nav_link(page, "Threshold explorer").click()
    expect(metric_value(page, "Rows used")).to_be_visible()
    # Regression: this box once showed 0 after a visit to Curves while the slider and the
    # metrics used the threshold.
    expect(exact_input(page)).to_have_value(shown)
    # The URL keeps the exact threshold (the slider is bound to ?threshold=).
    exact = wait_for_url_threshold(page, lambda t: f"{t:.6g}" == shown)
    assert exact in matches, f"URL threshold {exact!r} is not the clicked point {shown}"
    expect(threshold_value(page)).to_have_text(threshold_on_grid(exact, 0.001))
    for label, text in expected_cards(y, s, exact).items():
        expect(metric_value(page, label)).to_have_text(text)
    wait_for_run(page)
    assert float(slider_value_text(page)) == pytest.approx(exact, abs=5e-4)
    assert_no_crash(page)


# --- Tutorial: every tab renders; a slider in section 1 moves its numbers ---------------------


@pytest.mark.parametrize(
    ("path", "visible"),
    [("/roc-pr", "ROC AUC"), ("/operating-point", "Net cost"), ("/learn", "Tutorial")],
)
def test_first_deep_link_after_a_server_start_shows_no_page_not_found(browser, path, visible):
    # A new server each time: only the very first request of a server process is at risk.
    with StreamlitServer() as server:
        context = browser.new_context(base_url=server.url)
        try:
            page = context.new_page()
            page.goto(path)
            wait_for_app(page)
            expect(page.get_by_text(visible).first).to_be_visible()
            expect(page.get_by_test_id("stSidebar").get_by_text("Demo dataset")).to_be_visible()
            wait_for_run(page)
            expect(page.get_by_role("dialog").filter(has_text=PAGE_NOT_FOUND)).to_have_count(
                0, timeout=2_000
            )
        finally:
            context.close()
