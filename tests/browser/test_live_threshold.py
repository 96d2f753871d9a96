"""The explorer's live threshold control, driven by mouse and keyboard in Chromium.

While the knob moves, its readout must already be scikit-learn's values at the threshold
under the knob (no rerun has happened yet); on release every card must be too.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

from tests.browser.harness import (
    install_run_counter,
    metric_value,
    runs_finished,
    screenshot,
    wait_for_run,
)
from tests.browser.test_explorer import (
    assert_no_crash,
    exact_input,
    expect_cards,
    expected_cards,
    fraud,
    open_app,
    spam,
)

pytestmark = pytest.mark.browser


def knob(page):
    return page.get_by_role("slider", name=re.compile(r"^Threshold: rows with score"))


def readout(page, name: str):
    return page.get_by_test_id(f"tl-{name}")


def expected_readout(y: np.ndarray, s: np.ndarray, t: float) -> dict[str, str]:
    """What the readout beside the knob shows at ``t``, from scikit-learn."""
    pred = s >= t
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[False, True]).ravel()

    def text(x: float, spec: str) -> str:
        return "undefined" if np.isnan(x) else format(x, spec)

    return {
        "precision": text(precision_score(y, pred, zero_division=np.nan), ".1%"),
        "recall": text(recall_score(y, pred, zero_division=np.nan), ".1%"),
        "f1": text(f1_score(y, pred, zero_division=np.nan), ".3f"),
        "tp": f"{tp:,}",
        "fp": f"{fp:,}",
        "fn": f"{fn:,}",
        "tn": f"{tn:,}",
    }


def readout_now(page) -> dict[str, str]:
    names = ("precision", "recall", "f1", "tp", "fp", "fn", "tn")
    return {name: readout(page, name).inner_text() for name in names}


def knob_threshold(page) -> float:
    return float(knob(page).get_attribute("aria-valuenow"))


def open_live(page, query: str = "") -> None:
    open_app(page, query)
    expect(metric_value(page, "Rows used")).to_be_visible()
    expect(knob(page)).to_be_visible()
    wait_for_run(page)
    install_run_counter(page)


def test_drag_updates_the_readout_every_move_then_every_card_on_release(page):
    y, s = fraud()
    open_live(page)
    expect(readout(page, "precision")).to_have_text(expected_readout(y, s, 0.5)["precision"])
    box = knob(page).bounding_box()
    track = page.locator(".tl-track").bounding_box()
    x0, yy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x0, yy)
    page.mouse.down()
    seen = set()
    for i in range(1, 13):
        x = x0 - i * track["width"] * 0.025  # towards 0.2
        page.mouse.move(x, yy)
        page.wait_for_timeout(40)  # a frame or two
        t = knob_threshold(page)
        seen.add(t)
        # Exact at the threshold shown, while still held: before any rerun.
        assert readout_now(page) == expected_readout(y, s, t), t
        assert page.get_by_test_id("tl-value").inner_text() == f"{t:.3f}"
    assert runs_finished(page) == 0, "no rerun while the knob is held"
    assert len(seen) >= 10
    # The cards still show the threshold in use until release.
    expect_cards(page, expected_cards(y, s, 0.5))
    screenshot(page, "live_threshold_drag.png")
    page.mouse.up()
    t = knob_threshold(page)
    assert 0.15 < t < 0.35
    expect_cards(page, expected_cards(y, s, t))
    expect(exact_input(page)).to_have_value(f"{t:.6g}")
    expect(page).to_have_url(re.compile(rf"[?&]threshold={re.escape(repr(t))}(&|$)"))
    wait_for_run(page)
    assert readout_now(page) == expected_readout(y, s, t)
    assert_no_crash(page)


def test_keyboard_moves_by_steps_pages_and_to_the_ends(page):
    y, s = spam()  # logits: a real-valued range
    open_live(page, "?demo=spam")
    k = knob(page)
    lo, hi = float(k.get_attribute("aria-valuemin")), float(k.get_attribute("aria-valuemax"))
    assert lo < 0 < hi
    assert knob_threshold(page) == 0.0
    k.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    three = knob_threshold(page)
    assert three > 0
    step = three / 3
    assert readout_now(page) == expected_readout(y, s, three)
    page.keyboard.press("ArrowLeft")
    assert knob_threshold(page) == pytest.approx(2 * step)
    page.keyboard.press("PageUp")
    paged = knob_threshold(page)
    assert paged == pytest.approx(2 * step + (hi - lo) / 10, abs=step)
    assert readout_now(page) == expected_readout(y, s, paged)
    # One change reaches Python once the keys stop: cards equal scikit-learn there.
    expect_cards(page, expected_cards(y, s, paged))
    page.keyboard.press("End")
    assert knob_threshold(page) == hi
    assert readout_now(page) == expected_readout(y, s, hi)
    page.keyboard.press("Home")
    assert knob_threshold(page) == lo
    assert readout_now(page) == expected_readout(y, s, lo)
    assert readout_now(page)["fn"] == "0"  # everything flagged
    expect(exact_input(page)).to_have_value(f"{lo:.6g}")
    assert "Recall 100.0%" in k.get_attribute("aria-valuetext")
    assert_no_crash(page)


def test_typed_threshold_moves_the_knob_and_a_lost_table_is_sent_again(page):
    y, s = fraud()
    open_live(page)
    # A tab that lost its table (as after a reload of this script) asks for it again.
    page.evaluate("() => window.__thresholdLabLiveTables.clear()")
    box = exact_input(page)
    box.fill("0.3333")
    box.press("Enter")
    expect_cards(page, expected_cards(y, s, 0.3333))
    expect(page.get_by_test_id("tl-value")).to_have_text("0.3333")
    expect(readout(page, "tp")).to_have_text(expected_readout(y, s, 0.3333)["tp"])
    assert knob_threshold(page) == 0.3333
    # The first key press from an off-grid threshold goes to the next grid step.
    knob(page).focus()
    page.keyboard.press("ArrowRight")
    assert knob_threshold(page) == 0.334
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    assert knob_threshold(page) == 0.332
    expect_cards(page, expected_cards(y, s, 0.332))
    assert readout_now(page) == expected_readout(y, s, 0.332)


def test_a_key_held_while_focus_leaves_still_sends_its_change(page):
    y, s = fraud()
    open_live(page)
    knob(page).focus()
    page.keyboard.down("ArrowRight")  # one keydown: 0.501
    page.keyboard.press("Tab")  # focus moves on; the arrow's keyup will land elsewhere
    page.keyboard.up("ArrowRight")
    expect_cards(page, expected_cards(y, s, 0.501))
    expect(exact_input(page)).to_have_value("0.501")


def test_switching_off_brings_back_the_plain_slider(page):
    open_live(page)
    page.get_by_text("Live drag preview").click()
    expect(page.get_by_test_id("stSlider")).to_be_visible()
    expect(page.locator(".tl-knob")).to_have_count(0)
    page.get_by_text("Live drag preview").click()
    expect(knob(page)).to_be_visible()
    assert_no_crash(page)


@pytest.mark.parametrize("width", [1400, 1024])
def test_live_control_layout(page, width):
    page.set_viewport_size({"width": width, "height": 1000})
    open_live(page)
    k = knob(page).bounding_box()
    track = page.locator(".tl-track").bounding_box()
    exact = exact_input(page).bounding_box()
    # The knob sits on the track, at 0.5 of it; the exact box is beside, not over it.
    assert abs(k["x"] + k["width"] / 2 - (track["x"] + track["width"] / 2)) < 2
    assert exact["x"] > track["x"] + track["width"]
    readout_box = page.get_by_test_id("tl-readout").bounding_box()
    assert readout_box["x"] + readout_box["width"] <= exact["x"] + 1
    screenshot(page, f"live_threshold_{width}.png")
