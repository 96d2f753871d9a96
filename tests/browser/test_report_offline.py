"""The report downloaded from the running app, opened offline in Chromium.

What only a browser can check: the download itself (made on click, on the server),
that the file follows a threshold moved inside the explorer's fragment (which does not
redraw the download buttons), and that the file renders with the network off: Chromium
runs with ``CHROMIUM_ARGS`` (no background network) in an offline context, and every
request the page makes is recorded. Screenshots at 1400 px go to ``artifacts/``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.app.report_reader import parse_report
from tests.browser.harness import ARTIFACTS, VIEWPORT, wait_for_app, wait_for_run

pytestmark = pytest.mark.browser


def _download(page, label: str, tmp_path):
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label)
    with page.expect_download(timeout=120_000) as info:
        button.get_by_role("button").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def test_the_report_opens_offline_and_follows_the_threshold(page, browser, tmp_path):
    page.goto("/")
    wait_for_app(page)
    # A one-click threshold reruns only the explorer's fragment.
    page.get_by_role("button", name=re.compile(r"^Best F1")).click()
    wait_for_run(page)
    exact = page.get_by_test_id("stNumberInput").get_by_role("spinbutton")
    expect(exact).not_to_have_value("0.5")
    shown = float(exact.input_value())

    path = _download(page, "Report (HTML)", tmp_path)
    assert path.suffix == ".html"
    report = parse_report(path.read_text(encoding="utf-8"))
    assert report.facts["Threshold"][1] == pytest.approx(shown, rel=1e-5)

    context = browser.new_context(viewport=dict(VIEWPORT), offline=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        offline = context.new_page()
        offline.goto(path.as_uri())
        offline.wait_for_load_state("load")
        assert requests == [path.as_uri()]  # the file itself, nothing else
        charts = offline.locator("figure svg")
        expect(charts).to_have_count(4)
        for i in range(4):
            box = charts.nth(i).bounding_box()
            assert box is not None
            assert box["width"] > 250
            assert box["height"] > 200
        expect(offline.locator("h1")).to_contain_text("Operating point of")
        ARTIFACTS.mkdir(exist_ok=True)
        offline.screenshot(path=str(ARTIFACTS / "report_html.png"), full_page=True)
        offline.set_viewport_size({"width": 1400, "height": 1000})
        offline.screenshot(path=str(ARTIFACTS / "report_html_top.png"))
    finally:
        context.close()


def test_the_pdf_downloads_from_the_operating_point_page(page, tmp_path):
    page.goto("/operating-point")
    wait_for_app(page)
    path = _download(page, "Report (PDF)", tmp_path)
    assert path.suffix == ".pdf"
    assert path.read_bytes().startswith(b"%PDF-")
