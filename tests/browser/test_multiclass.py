"""The multiclass page in a real Chromium against ``streamlit run app.py``.

What only a browser shows: the page opening straight from its URL on a demo, a click on a
decision rule recomputing the cards and the matrix, and how the page looks at two window
widths (screenshots in ``artifacts/``). Numbers are checked against scikit-learn.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from sklearn.metrics import accuracy_score, roc_auc_score

from metrics_app.data.demo import load_demo
from metrics_app.multiclass import model
from metrics_app.shared import format as fmt
from tests.browser.harness import metric_value, screenshot, wait_for_app, wait_for_run
from tests.browser.test_explorer import assert_no_crash

pytestmark = pytest.mark.browser


def _digits() -> tuple[np.ndarray, np.ndarray]:
    frame = load_demo("digits")
    return frame["digit"].to_numpy(), frame[[f"p_{d}" for d in range(10)]].to_numpy()


def _abstention_cut() -> float:
    """The abstention rule's starting cut on the digits demo (the page's own default)."""
    frame = load_demo("digits")
    an = model.analyse_multiclass(
        frame, key="b", label="digit", columns={d: f"p_{d}" for d in range(10)}
    )
    return model.abstention(an).default


def test_digits_demo_rules_and_layout(page):
    y, s = _digits()
    page.goto("/multiclass?demo=digits")
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/multiclass\?"))
    accuracy = accuracy_score(y, s.argmax(axis=1))
    expect(metric_value(page, "Accuracy")).to_have_text(fmt.metric_value(accuracy, percent=True))
    expect(metric_value(page, "Classes")).to_have_text("10")
    assert_no_crash(page)
    screenshot(page, "multiclass_1400.png")

    # A decision rule recomputes the cards: leave rows below the cut undecided.
    page.get_by_test_id("stButtonGroup").get_by_text("Abstain when unsure", exact=True).click()
    cut = _abstention_cut()
    decided = s.max(axis=1) >= cut
    n_undecided = int((~decided).sum())
    undecided = f"{fmt.count(n_undecided)} ({fmt.share(n_undecided / len(y))})"
    expect(metric_value(page, "Undecided")).to_have_text(undecided)
    right = accuracy_score(y[decided], s[decided].argmax(axis=1))
    expect(metric_value(page, "Accuracy when decided")).to_have_text(
        fmt.metric_value(right, percent=True)
    )
    wait_for_run(page)
    assert_no_crash(page)
    screenshot(page, "multiclass_abstain_1400.png")

    page.set_viewport_size({"width": 1024, "height": 1000})
    page.wait_for_timeout(500)
    screenshot(page, "multiclass_abstain_1024.png")

    page.get_by_role("tab", name="Curves and ranking").click()
    macro = roc_auc_score(y, s, multi_class="ovr")
    expect(metric_value(page, "ROC AUC, macro")).to_have_text(fmt.decimal(macro, 4))
    wait_for_run(page)
    assert_no_crash(page)
    screenshot(page, "multiclass_curves_1024.png")
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.wait_for_timeout(500)
    screenshot(page, "multiclass_curves_1400.png")
