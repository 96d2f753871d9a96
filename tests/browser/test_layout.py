"""Metric cards in a real Chromium at 1024 px: no label, value or note cut short with "…".

Streamlit cuts an overflowing metric label, value or delta with ``text-overflow:
ellipsis``, which only the browser's layout reveals: the element (or a text element
inside it) is narrower than its content, ``scrollWidth > clientWidth``. Each page is
opened at 1024x1000, the narrowest window the cards are sized for (the sidebar takes
300 px of it), and every tab that draws cards is visited.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.harness import metric, screenshot, wait_for_app, wait_for_run

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1024, "height": 1000}

# For each page, the tabs to open (None: as the page opens) and the label of a card each
# must show, so that a tab that failed to draw its cards cannot pass for one that fits.
PAGES: dict[str, tuple[tuple[str | None, str], ...]] = {
    "/": ((None, "Positives (fraud)"), (None, "Balanced acc.")),
    "/roc-pr": ((None, "Average precision"), ("Calibration", "Brier score")),
    "/operating-point": (
        (None, "Net cost at the current threshold"),
        ("Uncertainty", "Average precision"),
        ("Compare thresholds", "Threshold A (current)"),
    ),
    "/learn": (
        (None, "Fraud missed"),
        ("2 · Precision or recall?", "Recall"),
        ("4 · F1 and F-beta", "F-beta, β = 2"),
        ("7 · Pitfalls", "Mean of batch F1, undefined left out"),
    ),
}

# Every visible metric label, value and note that is, or holds a text element that is,
# narrower than its content. clientWidth is 0 for an element that is not laid out.
_TRUNCATED_JS = """() => {
    const parts = '[data-testid="stMetricLabel"], [data-testid="stMetricValue"], '
        + '[data-testid="stMetricDelta"]';
    const found = [];
    let checked = 0;
    for (const el of document.querySelectorAll(parts)) {
        if (!el.checkVisibility()) continue;
        checked += 1;
        for (const part of [el, ...el.querySelectorAll('*')]) {
            if (part.clientWidth > 0 && part.scrollWidth > part.clientWidth) {
                found.push(`${el.dataset.testid} "${el.innerText.trim()}": `
                    + `${part.scrollWidth} px of text in ${part.clientWidth} px`);
                break;
            }
        }
    }
    return {checked, found};
}"""


def open_tab(page, name: str) -> None:
    """Select tab ``name`` and wait for the run it may start (lazily drawn tabs rerun)."""
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    wait_for_run(page)


@pytest.mark.parametrize("path", list(PAGES))
def test_no_metric_card_is_cut_short_at_1024(browser, app_url, path):
    context = browser.new_context(viewport=dict(VIEWPORT), base_url=app_url)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(path)
        wait_for_app(page)
        for tab, label in PAGES[path]:
            if tab is not None:
                open_tab(page, tab)
            expect(metric(page, label).first).to_be_visible()
            wait_for_run(page)
            result = page.evaluate(_TRUNCATED_JS)
            where = f"{path}, tab {tab or 'first'}"
            assert result["checked"] > 0, f"no metric card visible on {where}"
            assert not result["found"], f"cut short on {where}:\n" + "\n".join(result["found"])
        screenshot(page, f"layout_1024_{path.strip('/') or 'explore'}.png")
    finally:
        context.close()
