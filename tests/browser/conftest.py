"""Fixtures for the browser tests: one ``streamlit run`` server and one Chromium per session.

Without Chromium the browser tests are skipped with a clear reason, except when the
environment variable ``CI`` is ``"true"``: there they fail, so CI cannot go green without
running them. Screenshots go to ``artifacts/`` (always, not only on failure); a failed
test also gets ``artifacts/failed_<test>.png`` and the end of the server log in its report.
"""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.harness import (
    ARTIFACTS,
    CHROMIUM_MISSING,
    VIEWPORT,
    StreamlitServer,
    find_chromium,
    launch_chromium,
    wait_for_app,
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Path of Chromium; skips (or, under ``CI=true``, fails) when it is missing."""
    path = find_chromium()
    if path is None:
        if _in_ci():
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="session")
def streamlit_server(request, chromium_executable):
    """``streamlit run app.py`` on a free port for the whole session."""
    server = StreamlitServer()
    try:
        server.start(timeout=60)
    except RuntimeError as err:  # the message ends with the server log (kept on disk)
        pytest.fail(str(err), pytrace=False)
    request.config.stash[_SERVER_KEY] = server
    yield server
    server.stop()
    if request.config.stash.get(_BROWSER_FAILED_KEY, False):
        print(f"\nstreamlit server log kept at {server.log_path}")
    else:
        server.remove_log()


@pytest.fixture(scope="session")
def app_url(streamlit_server, browser) -> str:
    """Base URL of the running app, without a trailing slash.

    The entry page is loaded once first, so that the first test does not pay for the
    server's warm-up (imports, demo data) inside its own timeouts.
    """
    context = browser.new_context(base_url=streamlit_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        wait_for_app(page)
    finally:
        context.close()
    return streamlit_server.url


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """Headless Debian Chromium driven by Playwright (no ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw, chromium_executable)
        yield browser
        browser.close()


@pytest.fixture
def page(request, browser, app_url):
    """A fresh browser context and page per test (1400x1000)."""
    context = browser.new_context(viewport=dict(VIEWPORT), base_url=app_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        try:
            page.screenshot(path=str(ARTIFACTS / f"failed_{name}.png"))
        except Exception as err:  # the page may be gone; the report matters more
            print(f"could not save a failure screenshot: {err}")
    context.close()


_SERVER_KEY = pytest.StashKey[StreamlitServer]()
_BROWSER_FAILED_KEY = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item and add the server log to failures."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed and item.get_closest_marker("browser") is not None:
        item.config.stash[_BROWSER_FAILED_KEY] = True
        server = item.config.stash.get(_SERVER_KEY, None)
        if server is not None:
            report.sections.append(("streamlit server log", server.log_tail()))
    return report
