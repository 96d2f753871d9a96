"""Many sessions on one server: memory per row and server time per rerun under load.

Starts one ``streamlit run app.py`` (the browser tests' harness, ``tests/browser/harness.py``,
through :mod:`bench.server_timing` so that every script run is timed on the server), writes
``--sessions`` different CSV files of ``--rows`` rows each (``label, score``, a seed and a
share of positives of their own), and drives one headless Chromium with one browser
context per session, all at once:

1. every session opens the app (the default demo) and waits for its first run; the server's
   resident memory is then the **idle** baseline;
2. every session uploads its own file in the sidebar and waits for the "Rows used" card to
   show its row count;
3. every session types ``--moves`` thresholds into the "Exact threshold" input, one after
   another, and after each run compares the Precision and Recall cards with scikit-learn's
   ``precision_score`` / ``recall_score`` on that session's file (read back as the app reads
   it), predicting positive when ``score >= threshold``, formatted as the cards are.

Measured:

- the resident memory of the server process and its children (``VmRSS`` of
  ``/proc/<pid>/status``, sampled every ``--sample-ms``), its peak, and the peak per row
  of all sessions' data, raw and above the idle baseline;
- server-side time of every script run (start to end of the script's execution on the
  server, fragment reruns apart from full runs), which excludes the browsers' own CPU use;
- browser wall time per threshold move (Enter to the run finished with the slider showing
  the new value) and the load average.

Run::

    .venv/bin/python -m bench.sessions                       # 10 sessions x 1e6 rows
    .venv/bin/python -m bench.sessions --sessions 2 --rows 1e5 --moves 2   # quick

A benchmark, not a test: it prints Markdown tables and one verdict line, and exits 0
(1 only when the measurement itself broke).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bench.server_timing import ENV as TIMING_ENV
from metrics_app.shared import format as fmt
from metrics_app.shared.glossary import CARDS
from tests.browser.harness import (
    RUN_COUNTER_JS,
    VIEWPORT,
    StreamlitServer,
    find_chromium,
    launch_chromium,
    threshold_value,
)

TARGET_BYTES_PER_ROW = 60.0
PRECISION = next(card.label for card in CARDS if card.key == "precision")
RECALL = next(card.label for card in CARDS if card.key == "recall")


class TimedServer(StreamlitServer):
    """The harness's server, started through :mod:`bench.server_timing`."""

    def __init__(self, timing_path: Path) -> None:
        super().__init__()
        self.timing_path = timing_path

    def command(self) -> list[str]:
        """``python -m bench.server_timing run app.py ...`` instead of ``-m streamlit``."""
        cmd = super().command()
        at = cmd.index("streamlit")
        return [*cmd[: at - 1], "-m", "bench.server_timing", *cmd[at + 1 :]]

    def start(self, timeout: float = 60.0) -> TimedServer:
        """Start with the timing file named in the environment (only this process's)."""
        previous = os.environ.get(TIMING_ENV)
        os.environ[TIMING_ENV] = str(self.timing_path)
        try:
            super().start(timeout)
        finally:
            if previous is None:
                os.environ.pop(TIMING_ENV, None)
            else:
                os.environ[TIMING_ENV] = previous
        return self


class MemorySampler(threading.Thread):
    """Resident memory of a process and its descendants, every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.samples: list[tuple[float, int, float]] = []  # (time, RSS bytes, load 1 min)
        self.final_hwm = 0  # VmHWM of the server process, read before it stops
        self._stop_event = threading.Event()

    def tree(self) -> list[int]:
        """``pid`` and every descendant, from ``/proc/<pid>/task/*/children``."""
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as handle:
                        todo.extend(int(c) for c in handle.read().split())
            except OSError:
                continue
        return found

    @staticmethod
    def status(pid: int, key: str) -> int:
        """A ``kB`` field of ``/proc/<pid>/status`` in bytes (0 when the process is gone)."""
        try:
            with open(f"/proc/{pid}/status") as handle:
                for line in handle:
                    if line.startswith(key + ":"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def rss(self) -> int:
        """Resident bytes of the whole process tree now."""
        return sum(self.status(pid, "VmRSS") for pid in self.tree())

    def hwm(self) -> int:
        """Peak resident bytes (``VmHWM``) of the server process itself."""
        return self.status(self.pid, "VmHWM")

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.samples.append((time.time(), self.rss(), os.getloadavg()[0]))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def peak(self, since: float = 0.0, until: float = float("inf")) -> int:
        return max((r for t, r, _ in self.samples if since <= t <= until), default=0)

    def load(self, since: float = 0.0, until: float = float("inf")) -> float:
        return max((la for t, _, la in self.samples if since <= t <= until), default=0.0)


@dataclass
class Session:
    index: int
    path: Path
    rows: int
    y: np.ndarray
    scores: np.ndarray
    thresholds: list[float]
    errors: list[str] = field(default_factory=list)
    checks: list[tuple[float, str, str, bool]] = field(default_factory=list)
    move_s: list[float] = field(default_factory=list)
    upload_s: float | None = None


def write_csv(path: Path, n: int, seed: int, prevalence: float) -> tuple[np.ndarray, np.ndarray]:
    """A ``label, score`` CSV; returns the labels and scores as the app reads them back.

    Scores are written with 6 decimals, so thresholds on the slider's 0.001 grid equal some
    scores exactly and the tie rule (``score >= threshold`` is positive) matters.
    """
    rng = np.random.default_rng(seed)
    y = rng.random(n) < prevalence
    logit = rng.normal(size=n) + np.where(y, 1.2, -0.6)
    scores = 1.0 / (1.0 + np.exp(-logit))
    pd.DataFrame({"label": y.astype(np.int8), "score": scores}).to_csv(
        path, index=False, float_format="%.6f"
    )
    back = pd.read_csv(path, engine="pyarrow")
    return back["label"].to_numpy() == 1, back["score"].to_numpy(dtype=np.float64)


def expected_cards(y: np.ndarray, scores: np.ndarray, t: float) -> tuple[str, str]:
    """scikit-learn's precision and recall at ``t``, as the cards format them."""
    from sklearn.metrics import precision_score, recall_score

    flagged = scores >= t
    p = precision_score(y, flagged, zero_division=np.nan)
    r = recall_score(y, flagged, zero_division=np.nan)
    return fmt.metric_value(p, percent=True), fmt.metric_value(r, percent=True)


# --- the browser side (Playwright's async API: every session at once) -------------------


def card_value(page, label: str):
    label_el = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=label_el).get_by_test_id("stMetricValue")


async def wait_for_run(page, timeout: float) -> None:
    app = "[data-testid='stApp']"
    await page.locator(f"{app}[data-test-connection-state='CONNECTED']").wait_for(timeout=timeout)
    await page.locator(f"{app}[data-test-script-state='notRunning']").wait_for(timeout=timeout)


async def open_app(browser, url: str, timeout: float):
    context = await browser.new_context(viewport=dict(VIEWPORT), base_url=url)
    page = await context.new_page()
    page.set_default_timeout(timeout)
    await page.goto("/")
    await page.get_by_test_id("stAppViewContainer").wait_for()
    await page.get_by_test_id("stMain").get_by_test_id("stElementContainer").first.wait_for()
    await wait_for_run(page, timeout)
    return context, page


async def page_errors(page) -> list[str]:
    """Texts of exceptions and error boxes shown in the app."""
    found = []
    for box in await page.get_by_test_id("stException").all():
        found.append("exception: " + (await box.inner_text())[:200])
    for box in await page.locator("[data-testid='stAlertContentError']").all():
        found.append("error: " + (await box.inner_text())[:200])
    return found


async def upload(page, s: Session, timeout: float) -> None:
    await page.get_by_test_id("stRadio").get_by_text("Upload a file", exact=True).click()
    await page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached")
    await wait_for_run(page, timeout)
    start = time.perf_counter()
    await page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(s.path))
    await page.wait_for_function(
        """([label, rows]) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some((c) => c.innerText.includes(label) && c.innerText.includes(rows))""",
        arg=["Rows used", f"{s.rows:,}"],
        timeout=timeout,
        polling=100,
    )
    await card_value(page, PRECISION).wait_for(timeout=timeout)
    await wait_for_run(page, timeout)
    s.upload_s = time.perf_counter() - start
    await page.evaluate(RUN_COUNTER_JS)


async def wait_for_threshold_shown(page, t: float, timeout: float) -> None:
    """Wait until the threshold control (the explorer's live one, or Streamlit's slider)
    shows ``t``: the run that took the typed value has drawn the page."""
    shown = threshold_value(page)  # a locator: the same for an async page
    deadline = time.monotonic() + timeout / 1000
    text = ""
    while time.monotonic() < deadline:
        try:
            text = (await shown.first.inner_text(timeout=1000)).strip()
            if abs(float(text) - t) < 1e-9:
                return
        except Exception:  # not drawn yet, or mid-redraw
            pass
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the threshold control never showed {t:g} (last: {text!r})")


async def move(page, s: Session, t: float, timeout: float) -> None:
    box = page.get_by_test_id("stNumberInput").get_by_role("spinbutton")
    before = await page.evaluate("() => window.__stRunsFinished")
    await box.fill(f"{t:g}")
    start = time.perf_counter()
    await box.press("Enter")
    await page.wait_for_function(
        "n => window.__stRunsFinished > n", arg=before, timeout=timeout, polling=20
    )
    await wait_for_threshold_shown(page, t, timeout)
    await wait_for_run(page, timeout)
    s.move_s.append(time.perf_counter() - start)
    shown = (
        (await card_value(page, PRECISION).inner_text()).strip(),
        (await card_value(page, RECALL).inner_text()).strip(),
    )
    want = expected_cards(s.y, s.scores, t)
    s.checks.append((t, f"{shown[0]} / {shown[1]}", f"{want[0]} / {want[1]}", shown == want))


async def guarded(s: Session, what: str, step) -> bool:
    try:
        await step
    except Exception as err:  # one session failing must not stop the others
        s.errors.append(f"{what}: {type(err).__name__}: {str(err).splitlines()[0][:200]}")
        return False
    return True


@dataclass
class Phases:
    started: float = 0.0
    idle: tuple[float, float] = (0.0, 0.0)
    uploads: tuple[float, float] = (0.0, 0.0)
    moves: tuple[float, float] = (0.0, 0.0)
    idle_rss: int = 0
    start_rss: int = 0
    settled_rss: int = 0
    browser_version: str = "?"


async def drive(url: str, sessions: list[Session], sampler: MemorySampler, args) -> Phases:
    from playwright.async_api import async_playwright

    timeout = args.timeout * 1000
    phases = Phases(started=time.time(), start_rss=sampler.rss())
    async with async_playwright() as pw:
        browser = await launch_chromium(pw, find_chromium())
        phases.browser_version = browser.version
        opened = []
        # One at a time: the first run after a start imports the app's modules.
        for s in sessions:
            try:
                opened.append(await open_app(browser, url, timeout))
            except Exception as err:
                s.errors.append(f"open: {type(err).__name__}: {str(err).splitlines()[0][:200]}")
                opened.append(None)
        await asyncio.sleep(2.0)
        t0 = time.time()
        await asyncio.sleep(2.0)
        phases.idle = (t0, time.time())
        phases.idle_rss = sampler.peak(*phases.idle)

        live = [(s, o[1]) for s, o in zip(sessions, opened, strict=True) if o is not None]
        t0 = time.time()
        ok = await asyncio.gather(*(guarded(s, "upload", upload(p, s, timeout)) for s, p in live))
        phases.uploads = (t0, time.time())
        live = [(s, p) for (s, p), good in zip(live, ok, strict=True) if good]

        async def moves(s: Session, page) -> None:
            for t in s.thresholds:
                if not await guarded(s, f"move to {t:g}", move(page, s, t, timeout)):
                    return

        t0 = time.time()
        await asyncio.gather(*(moves(s, p) for s, p in live))
        phases.moves = (t0, time.time())
        for s, page in live:
            s.errors.extend(await page_errors(page))
        await asyncio.sleep(2.0)
        phases.settled_rss = sampler.rss()
        for o in opened:
            if o is not None:
                await o[0].close()
        await browser.close()
    return phases


# --- server-side run times ---------------------------------------------------------------


Run = tuple[float, float, float, str, str]  # start, end, CPU seconds, session, kind


def read_timings(path: Path) -> list[Run]:
    """Every script run the server timed (see :mod:`bench.server_timing`)."""
    runs = []
    if path.exists():
        for line in path.read_text().splitlines():
            parts = line.split("\t")
            if len(parts) >= 5:
                runs.append((float(parts[0]), float(parts[1]), float(parts[2]), *parts[3:5]))
    return runs


def run_ms(runs: list[Run], kind: str, window: tuple[float, float], *, cpu: bool = False):
    """Wall (or CPU) milliseconds of the runs of ``kind`` that started in ``window``."""
    lo, hi = window
    return [(c if cpu else e - b) * 1000 for b, e, c, _, k in runs if k == kind and lo <= b <= hi]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:,.0f} MiB"


def report(args, sessions: list[Session], phases: Phases, sampler: MemorySampler, runs) -> None:
    from importlib.metadata import version

    total_rows = sum(s.rows for s in sessions)
    peak = max(sampler.peak(), sampler.final_hwm)
    idle = phases.idle_rss
    per_row = peak / total_rows
    above = (peak - idle) / total_rows
    checks = [c for s in sessions for c in s.checks]
    right = sum(c[3] for c in checks)
    errors = sum(len(s.errors) for s in sessions)
    frag = run_ms(runs, "fragment", phases.moves)
    full_up = run_ms(runs, "full", phases.uploads)
    frag_cpu = run_ms(runs, "fragment", phases.moves, cpu=True)
    full_cpu = run_ms(runs, "full", phases.uploads, cpu=True)
    moves = [m * 1000 for s in sessions for m in s.move_s]
    load_moves = sampler.load(*phases.moves)
    load_all = sampler.load()
    cores = os.cpu_count()
    uploads = [s.upload_s for s in sessions if s.upload_s is not None]

    print(f"## {args.sessions} sessions on one server ({_dt.datetime.now():%Y-%m-%d %H:%M})\n")
    print(
        f"Python {platform.python_version()}, streamlit {version('streamlit')}, "
        f"pandas {version('pandas')}, pyarrow {version('pyarrow')}, "
        f"Chromium {phases.browser_version}; {cores} CPUs; {args.moves} moves per session; "
        f"RSS sampled every {args.sample_ms:.0f} ms ({len(sampler.samples)} samples)."
    )
    print(
        f"\nServer RSS: {mib(phases.start_rss)} when healthy, {mib(idle)} idle with every "
        f"session open on the demo, peak {mib(peak)}, {mib(phases.settled_rss)} after the "
        f"moves. Uploads took {phases.uploads[1] - phases.uploads[0]:.1f} s in all "
        f"(per session, median {median(uploads):.1f} s); "
        f"the moves {phases.moves[1] - phases.moves[0]:.1f} s.\n"
    )
    print(
        "| sessions | rows each | errors | numbers right | peak RSS (idle) | B/row "
        "| B/row above idle | server: fragment rerun, wall median / p90 (CPU median) "
        "| server: full run during uploads, wall median / p90 (CPU median) "
        "| browser: per move, median | load (1 min, max) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {args.sessions} | {args.rows:,} | {errors} | {right} / {len(checks)} "
        f"| {mib(peak)} ({mib(idle)}) | {per_row:.0f} | {above:.0f} "
        f"| {median(frag):,.0f} / {pct(frag, 90):,.0f} ms ({median(frag_cpu):,.0f} ms; "
        f"{len(frag)} runs) "
        f"| {median(full_up):,.0f} / {pct(full_up, 90):,.0f} ms ({median(full_cpu):,.0f} ms; "
        f"{len(full_up)} runs) "
        f"| {median(moves):,.0f} ms | {load_moves:.1f} during moves, {load_all:.1f} overall |"
    )
    bad = [(s.index, c) for s in sessions for c in s.checks if not c[3]]
    if bad or errors:
        print("\n### Problems\n")
        for i, (t, shown, want, _) in bad:
            print(f"- session {i}, threshold {t:g}: shown {shown}, scikit-learn {want}")
        for s in sessions:
            for e in s.errors:
                print(f"- session {s.index}: {e}")
    if args.verbose:
        print("\n### Checks\n")
        for s in sessions:
            for t, shown, want, good in s.checks:
                print(f"- session {s.index} t={t:g}: {shown} vs {want} {'ok' if good else 'BAD'}")
    fine = errors == 0 and right == len(checks) > 0
    verdict = "PASS" if fine and per_row <= TARGET_BYTES_PER_ROW else "FAIL"
    print(
        f"\n{verdict}: peak {per_row:.0f} B/row of all sessions' data (target <= "
        f"{TARGET_BYTES_PER_ROW:.0f}; {above:.0f} above the idle server: "
        f"{'met' if above <= TARGET_BYTES_PER_ROW else 'missed'} on that measure), "
        f"{errors} errors, {right} / {len(checks)} numbers right."
    )


def run(args: argparse.Namespace) -> int:
    if find_chromium() is None:
        print("Chromium not found: install Debian's chromium (apt-get install chromium).")
        return 1
    with tempfile.TemporaryDirectory(prefix="threshold-lab-sessions-") as tmp:
        tmp_path = Path(tmp)
        sessions = []
        print(f"Writing {args.sessions} files of {args.rows:,} rows…", file=sys.stderr)
        for i in range(args.sessions):
            prevalence = 0.1 + 0.5 * i / max(args.sessions - 1, 1)
            folder = args.data_dir or tmp_path
            path = folder / f"session_{i}_of_{args.sessions}_{args.rows}.csv"
            if path.exists():  # written by an earlier run with the same settings
                back = pd.read_csv(path, engine="pyarrow")
                y, scores = back["label"].to_numpy() == 1, back["score"].to_numpy(np.float64)
            else:
                y, scores = write_csv(path, args.rows, seed=1000 + i, prevalence=prevalence)
            rng = np.random.default_rng(i)
            thresholds = sorted(
                {round(float(t), 3) for t in rng.uniform(0.2, 0.8, args.moves)}, reverse=i % 2
            )
            sessions.append(Session(i, path, args.rows, y, scores, thresholds))

        timing_path = tmp_path / "runs.tsv"
        server = TimedServer(timing_path)
        server.start(timeout=90)
        if server.proc is None:
            raise RuntimeError("the server did not start")
        sampler = MemorySampler(server.proc.pid, args.sample_ms / 1000)
        sampler.start()
        ok = False
        try:
            print("Driving the sessions…", file=sys.stderr)
            phases = asyncio.run(drive(server.url, sessions, sampler, args))
            ok = True
        finally:
            sampler.stop()
            sampler.final_hwm = sampler.hwm()
            tail = server.log_tail()
            server.stop()
            if ok and "Traceback" not in tail:
                server.remove_log()
            else:
                print(tail, file=sys.stderr)
        runs = read_timings(timing_path)
    report(args, sessions, phases, sampler, runs)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rows", type=lambda v: int(float(v)), default=1_000_000)
    parser.add_argument("--moves", type=int, default=3, help="threshold moves per session")
    parser.add_argument("--sample-ms", type=float, default=50.0)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per wait")
    parser.add_argument(
        "--data-dir", type=Path, help="keep the CSV files here and reuse them in later runs"
    )
    parser.add_argument("--verbose", action="store_true", help="list every check")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
