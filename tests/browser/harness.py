"""Start ``streamlit run app.py`` and drive it with Debian's Chromium through Playwright.

Shared by the browser tests (``tests/browser/conftest.py``) and the latency benchmark
(``bench/explorer_latency.py``). The recipe: a server in its own process group polled on
``/_stcore/health``, a headless ``/usr/bin/chromium`` (never ``playwright install``), and
waits on Streamlit's ``data-test-*`` attributes instead of fixed sleeps.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlparse

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts"

CHROMIUM_MISSING = (
    "Chromium not found: install Debian's chromium (apt-get install chromium) "
    "to run the browser tests"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}

# Timeouts in milliseconds (Playwright's unit). A cold first run imports pandas,
# scikit-learn and Altair and builds the 100,000-row demo: several seconds on 2 vCPUs.
APP_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 60_000


def find_chromium() -> str | None:
    """Path of Debian's Chromium, or ``None`` when it is not installed."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run app.py`` on a free port, in its own process group.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. The server's
    output goes to a temporary log file (:attr:`log_path`); :meth:`log_tail` returns its
    end for failure messages.
    """

    def __init__(self, app: str = "app.py", *, cwd: Path = REPO_ROOT, port: int | None = None):
        self.app = app
        self.cwd = cwd
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in stop())
            prefix="threshold-lab-streamlit-", suffix=".log", delete=False
        )
        self._log = log
        self.log_path = Path(log.name)

    def command(self) -> list[str]:
        """The exact command line, with this interpreter (``sys.executable``)."""
        return [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            self.app,
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]

    def start(self, timeout: float = 60.0) -> StreamlitServer:
        """Launch the server and block until ``/_stcore/health`` answers 200."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        # The proxy settings of the environment must not apply to 127.0.0.1.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                raise RuntimeError(
                    f"streamlit exited with code {code} before it was healthy.\n{self.log_tail()}"
                )
            try:
                with opener.open(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
                    last_error = f"HTTP {resp.status}"
            except (urllib.error.URLError, OSError) as err:
                last_error = str(err)
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(
            f"streamlit was not healthy on {self.url} after {timeout:.0f} s "
            f"(last error: {last_error}).\n{self.log_tail()}"
        )

    def stop(self) -> None:
        """SIGTERM the server's process group, SIGKILL it after 10 s; close the log."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()

    def log_tail(self, n_chars: int = 6000) -> str:
        """The end of the server log (for failure messages)."""
        with contextlib.suppress(ValueError, OSError):
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as err:
            return f"(server log {self.log_path} unreadable: {err})"
        return f"--- server log {self.log_path} (last {n_chars} chars) ---\n{text[-n_chars:]}"

    def remove_log(self) -> None:
        """Delete the log file (call after a clean run)."""
        with contextlib.suppress(OSError):
            self.log_path.unlink()

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_chromium(playwright, executable: str | None = None):
    """Headless Debian Chromium with :data:`CHROMIUM_ARGS` (no sandbox, no background network)."""
    return playwright.chromium.launch(
        executable_path=executable or find_chromium(),
        headless=True,
        args=CHROMIUM_ARGS,
    )


# --- waiting and reading, Streamlit e2e style ------------------------------------------


def wait_for_run(page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected and no script run is in progress.

    Right after an interaction the attribute may still read ``notRunning`` from the
    previous run; callers should follow up with ``expect(...)`` on the value they expect.
    """
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        timeout=timeout
    )
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=timeout
    )


def wait_for_app(page, timeout: float = APP_TIMEOUT_MS) -> None:
    """Wait for the first full run after ``page.goto``.

    ``stAppViewContainer``, then CONNECTED, then ``notRunning``. Before the first run
    starts the state can briefly read ``notRunning`` with an empty page, so this also
    waits for the main area to hold at least one element.
    """
    page.get_by_test_id("stAppViewContainer").wait_for(timeout=timeout)
    page.get_by_test_id("stMain").get_by_test_id("stElementContainer").first.wait_for(
        timeout=timeout
    )
    wait_for_run(page, timeout)


def metric(page, label: str):
    """The ``stMetric`` card whose label is exactly ``label``."""
    label_el = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=label_el)


def metric_value(page, label: str):
    """Locator of the value text of the metric card labelled ``label``.

    Use ``expect(metric_value(page, "Precision")).to_have_text("60.1%")`` to wait for a
    value, or ``.inner_text()`` to read it now.
    """
    return metric(page, label).get_by_test_id("stMetricValue")


def slider_thumb(page):
    """The threshold slider's focusable thumb (role ``slider``).

    The explorer's live control (its knob) or, on other pages and with "Live drag
    preview" off, Streamlit's slider.
    """
    return page.locator(".tl-knob").or_(page.get_by_test_id("stSlider").get_by_role("slider"))


def threshold_value(page):
    """Locator of the threshold slider's displayed value, e.g. ``"0.500"``."""
    return page.get_by_test_id("tl-value").or_(page.get_by_test_id("stSliderThumbValue"))


def slider_value_text(page) -> str:
    """The threshold slider's displayed value, e.g. ``"0.500"``."""
    return threshold_value(page).inner_text()


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the whole app to ``artifacts/<name>``.

    Streamlit scrolls inside its main container, so a plain ``full_page`` screenshot
    shows only the viewport. The viewport is stretched to the content's height for the
    shot, then restored.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    size = page.viewport_size or VIEWPORT
    wait_for_charts(page)
    height = min(_stable_content_height(page) + 40, 6000)
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": height})
        page.wait_for_timeout(500)  # let charts re-layout
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if height > size["height"]:
            page.set_viewport_size(size)
    return path


_CONTENT_HEIGHT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const side = document.querySelector('[data-testid="stSidebarContent"]');
    return Math.max(main ? main.scrollHeight : 0, side ? side.scrollHeight : 0,
                    window.innerHeight);
}"""


def wait_for_charts(page, timeout: float = 15_000) -> None:
    """Wait until every visible Vega-Lite chart on the page has drawn its SVG or canvas.

    Charts in a hidden tab panel (plain ``st.tabs`` draws every tab) or a collapsed
    expander have no size until shown, so they are not waited for.
    """
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
            .filter((chart) => chart.checkVisibility())
            .every((chart) => {
                const surface = chart.querySelector('svg.marks, canvas');
                return surface && surface.getBoundingClientRect().height > 0;
            })""",
        timeout=timeout,
    )


def _stable_content_height(page, tries: int = 20) -> int:
    """The content height once it stops changing (late charts push the page down)."""
    last = -1
    for _ in range(tries):
        height = int(page.evaluate(_CONTENT_HEIGHT_JS))
        if height == last:
            return height
        last = height
        page.wait_for_timeout(250)
    return last


# --- counting finished script runs ---------------------------------------------------------

#: Counts finished script runs in ``window.__stRunsFinished``; also for async pages.
RUN_COUNTER_JS = """() => {
    if (window.__stRunsFinished !== undefined) return window.__stRunsFinished;
    window.__stRunsFinished = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    let last = app.getAttribute('data-test-script-state');
    new MutationObserver(() => {
        const now = app.getAttribute('data-test-script-state');
        if (now === 'notRunning' && last !== 'notRunning') window.__stRunsFinished += 1;
        last = now;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    return 0;
}"""


def install_run_counter(page) -> None:
    """Count finished script runs (full or fragment) in ``window.__stRunsFinished``."""
    page.evaluate(RUN_COUNTER_JS)


def runs_finished(page) -> int:
    """Script runs finished since :func:`install_run_counter`."""
    return int(page.evaluate("() => window.__stRunsFinished"))


def press_and_wait_for_run(page, key: str, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Press ``key`` on the focused element and wait until the rerun it triggers finished.

    Needs :func:`install_run_counter` first. Unlike a bare ``notRunning`` wait, this
    cannot return early while the attribute still reads ``notRunning`` from the
    previous run.
    """
    before = runs_finished(page)
    page.keyboard.press(key)
    page.wait_for_function(
        "n => window.__stRunsFinished > n", arg=before, timeout=timeout, polling=20
    )
    wait_for_run(page, timeout)


def url_threshold(page) -> float | None:
    """The ``?threshold=`` of the page's URL as a float, or ``None`` when absent."""
    values = parse_qs(urlparse(page.url).query).get("threshold")
    return float(values[0]) if values else None


def wait_for_url_threshold(page, accept: Callable[[float], bool], timeout: float = 10_000) -> float:
    """Wait until the URL's ``?threshold=`` satisfies ``accept``; return it.

    The URL binding is written after the run that changes the value, and a URL can
    still hold the previous page's threshold for a moment, so one read may be stale.
    Polls every 100 ms (Playwright's ``expect`` cannot parse a URL).
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = url_threshold(page)
        if value is not None and accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"the URL's threshold never matched: {page.url}")
        page.wait_for_timeout(100)


# --- the sidebar's data source -----------------------------------------------------------


def choose_upload_mode(page) -> None:
    """Switch the sidebar's source radio to "Upload a file" and wait for the uploader."""
    page.get_by_test_id("stRadio").get_by_text("Upload a file", exact=True).click()
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached")
    wait_for_run(page)


def upload_file(page, path: Path | str) -> None:
    """Give ``path`` to the file uploader (its hidden ``<input type=file>``).

    Returns at once; wait for what the upload should show with ``expect(...)``.
    """
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
