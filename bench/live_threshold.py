"""The explorer's live threshold control in a real browser: frames while dragging, release.

Starts ``streamlit run app.py`` (as the browser tests do), uploads a 1e6-row CSV and a
1e7-row Parquet file in turn, and on each, measured with the page's own clock:

- **drag**: the knob is held and moved by 2 px about every 8 ms for 1.5 s. An
  animation-frame loop records every frame; the control records how long each redraw
  took. Reported: frame interval median / p95 (16.7 ms is every frame of a 60 Hz display),
  redraw time p95, and pointer move → readout changed (median / p95).
- **release**: pointer up → the Precision card shows the new exact value, and → the run
  is idle (every view updated). Repeated ``--releases`` times, alternating direction.
- **key**: ArrowRight → the readout beside the knob changes (same frame, no server), and →
  every view updated (run idle), ``--presses`` times after warm-up.

Every figure is checked: the readout and the card are compared with numpy at the threshold
the knob shows. Not a test: it prints a Markdown table and a verdict per target.

Run::

    .venv/bin/python -m bench.live_threshold
    .venv/bin/python -m bench.live_threshold --no-parquet --releases 5   # quicker
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.explorer_latency import (
    PRECISION,
    START_THRESHOLD,
    fmt_load,
    new_page,
    pct,
    precision_text,
    set_exact_threshold,
    timed_upload,
    write_csv,
    write_parquet,
)
from tests.browser.harness import find_chromium, launch_chromium, metric_value, wait_for_run

FRAME_P95_TARGET_MS = 16.7
RELEASE_TARGET_MS = {1_000_000: 100.0, 10_000_000: 150.0}
KEY_IDLE_TARGET_MS = 150.0

# Page clock instrumentation: frames, redraws, pointer moves, readout and card changes.
_INSTRUMENT_JS = """(precisionLabel) => {
    const L = window.__live = {frames: [], moves: [], readout: [], card: [], idle: [],
                               keys: [], up: []};
    window.__thresholdLabRenderMs = [];
    const host = [...document.querySelectorAll('*')].find(
        (e) => e.shadowRoot && e.shadowRoot.querySelector('.tl-live'));
    const shadow = host.shadowRoot;
    const precision = () => shadow.querySelector('[data-testid="tl-precision"]').textContent;
    let last = precision();
    new MutationObserver(() => {
        const now = precision();
        if (now !== last) { last = now; L.readout.push(performance.now()); }
    }).observe(shadow, {subtree: true, childList: true, characterData: true});
    const card = () => {
        for (const c of document.querySelectorAll('[data-testid="stMetric"]')) {
            const label = c.querySelector('[data-testid="stMetricLabel"]');
            if (label && label.innerText.trim() === precisionLabel) {
                const v = c.querySelector('[data-testid="stMetricValue"]');
                return v ? v.innerText : null;
            }
        }
        return null;
    };
    let lastCard = card();
    new MutationObserver(() => {
        const now = card();
        if (now !== lastCard) { lastCard = now; L.card.push(performance.now()); }
    }).observe(document.querySelector('[data-testid="stMain"]'),
               {subtree: true, childList: true, characterData: true});
    const app = document.querySelector('[data-testid="stApp"]');
    let state = app.getAttribute('data-test-script-state');
    new MutationObserver(() => {
        const now = app.getAttribute('data-test-script-state');
        if (now === 'notRunning' && state !== 'notRunning') L.idle.push(performance.now());
        state = now;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    document.addEventListener('pointermove', () => L.moves.push(performance.now()), true);
    document.addEventListener('pointerup', () => L.up.push(performance.now()), true);
    document.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowRight') L.keys.push(performance.now());
    }, true);
    window.__framesOn = false;
    const loop = (t) => {
        if (window.__framesOn) { L.frames.push(t); requestAnimationFrame(loop); }
    };
    window.__startFrames = () => { window.__framesOn = true; requestAnimationFrame(loop); };
}"""


@dataclass
class Result:
    name: str
    rows: int
    frame_ms: list[float] = field(default_factory=list)
    render_ms: list[float] = field(default_factory=list)
    move_to_readout_ms: list[float] = field(default_factory=list)
    release_card_ms: list[float] = field(default_factory=list)
    release_idle_ms: list[float] = field(default_factory=list)
    key_readout_ms: list[float] = field(default_factory=list)
    key_idle_ms: list[float] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    lost: int = 0  # key presses whose change was not seen within 15 s


def _knob(page):
    return page.locator(".tl-knob")


def _first_after(times: list[float], t0: float) -> float | None:
    later = [t for t in times if t >= t0]
    return min(later) if later else None


def measure_drag(page, result: Result, y: np.ndarray, s: np.ndarray, releases: int) -> None:
    box = _knob(page).bounding_box()
    track = page.locator(".tl-track").bounding_box()
    yy = box["y"] + box["height"] / 2
    x = box["x"] + box["width"] / 2
    for r in range(releases):
        direction = -1 if r % 2 == 0 else 1
        page.evaluate("() => { window.__live.frames = []; window.__thresholdLabRenderMs = []; }")
        page.mouse.move(x, yy)
        page.mouse.down()
        page.evaluate("() => window.__startFrames()")
        started = time.perf_counter()
        moves_before = page.evaluate("() => window.__live.moves.length")
        readout_before = page.evaluate("() => window.__live.readout.length")
        while time.perf_counter() - started < 1.5:
            x = min(max(x + direction * 2, track["x"] + 1), track["x"] + track["width"] - 1)
            page.mouse.move(x, yy)
            time.sleep(0.008)
        page.evaluate("() => { window.__framesOn = false; }")
        live = page.evaluate("() => window.__live")
        frames = live["frames"]
        result.frame_ms += [b - a for a, b in itertools.pairwise(frames)]
        result.render_ms += page.evaluate("() => window.__thresholdLabRenderMs")
        readouts = live["readout"][readout_before:]
        for t in live["moves"][moves_before:]:
            got = _first_after(readouts, t)
            if got is not None and got - t < 100:
                result.move_to_readout_ms.append(got - t)
        t_shown = float(_knob(page).get_attribute("aria-valuenow"))
        shown = page.get_by_test_id("tl-precision").inner_text()
        want = precision_text(y, s, t_shown)
        result.checks.append("ok" if shown == want else f"readout {shown} != {want} at {t_shown}")
        counts = page.evaluate("() => [window.__live.card.length, window.__live.idle.length]")
        page.mouse.up()
        page.wait_for_function(
            "([c, i]) => window.__live.card.length > c && window.__live.idle.length > i",
            arg=counts,
            timeout=60_000,
            polling=10,
        )
        live = page.evaluate("() => window.__live")
        up = live["up"][-1]
        result.release_card_ms.append(live["card"][counts[0]] - up)
        result.release_idle_ms.append(live["idle"][counts[1]] - up)
        wait_for_run(page)
        card = metric_value(page, PRECISION).inner_text()
        t_now = float(_knob(page).get_attribute("aria-valuenow"))
        ok = card == precision_text(y, s, t_now) and t_now == t_shown
        result.checks.append("ok" if ok else f"card {card} at {t_now} (released {t_shown})")
        page.wait_for_timeout(300)


def measure_keys(page, result: Result, y: np.ndarray, s: np.ndarray, presses: int) -> None:
    _knob(page).focus()
    for i in range(presses + 2):
        counts = page.evaluate(
            "() => [window.__live.keys.length, window.__live.readout.length,"
            " window.__live.idle.length]"
        )
        page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function(
                "([k, r, i]) => window.__live.readout.length > r && window.__live.idle.length > i",
                arg=counts,
                timeout=15_000,
                polling=10,
            )
        except Exception:  # an unchanged precision text or a lost run: count it, go on
            result.lost += 1
            wait_for_run(page)
            page.wait_for_timeout(500)
            continue
        live = page.evaluate("() => window.__live")
        down = live["keys"][counts[0]]
        if i >= 2:  # warm-up
            result.key_readout_ms.append(live["readout"][counts[1]] - down)
            result.key_idle_ms.append(live["idle"][counts[2]] - down)
        page.wait_for_timeout(250)
    wait_for_run(page)
    t = float(_knob(page).get_attribute("aria-valuenow"))
    card = metric_value(page, PRECISION).inner_text()
    result.checks.append("ok" if card == precision_text(y, s, t) else f"key card {card} at {t}")


def run(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import StreamlitServer

    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: install Debian's chromium (apt-get install chromium).")
        return 1
    load_before = os.getloadavg()
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="threshold-lab-live-") as tmp:
        files = []
        path = Path(tmp) / "scores_1e6.csv"
        y, s = write_csv(path, 1_000_000, seed=11)
        files.append(("CSV, 1,000,000 rows", path, 1_000_000, y, s))
        if args.parquet:
            path = Path(tmp) / "scores_1e7.parquet"
            write_parquet(path, 10_000_000, seed=7)
            from bench.explorer_latency import make_scores

            y7, s7 = make_scores(10_000_000, seed=7)
            files.append(("Parquet, 10,000,000 rows", path, 10_000_000, y7 == 1, s7))
        server = StreamlitServer()
        server.start(timeout=60)
        ok = False
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw, chromium)
                context, page = new_page(browser, server.url)
                context.close()
                for name, path, n, y, s in files:
                    print(f"{name}: upload, drag, keys…", file=sys.stderr)
                    context, page = new_page(browser, server.url)
                    timed_upload(page, path, n, timeout_s=300)
                    set_exact_threshold(page, START_THRESHOLD)
                    page.evaluate(_INSTRUMENT_JS, PRECISION)
                    result = Result(name, n)
                    measure_drag(page, result, y, s, args.releases)
                    # Back where each 0.001 step changes the precision text.
                    set_exact_threshold(page, START_THRESHOLD)
                    measure_keys(page, result, y, s, args.presses)
                    results.append(result)
                    context.close()
                browser.close()
            ok = True
        finally:
            server.stop()
            if ok:
                server.remove_log()
            else:
                print(server.log_tail(), file=sys.stderr)
    report(results, load_before, os.getloadavg(), time.perf_counter() - started)
    return 0


def _ms(values: list[float], q: float | None = None) -> str:
    if not values:
        return "–"
    v = statistics.median(values) if q is None else pct(values, q)
    return f"{v:.1f} ms"


def report(results: list[Result], load_before, load_after, elapsed: float) -> None:
    print(
        f"\n## Live threshold control ({platform.machine()}, {os.cpu_count()} cores, "
        f"load {fmt_load(load_before)} → {fmt_load(load_after)}, {elapsed:.0f} s)\n"
    )
    print(
        "| data | frame interval median / p95 | redraw p95 | move → readout median / p95 "
        "| release → card | release → idle | key → readout | key → idle | numbers |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        bad = [c for c in r.checks if c != "ok"]
        print(
            f"| {r.name} | {_ms(r.frame_ms)} / {_ms(r.frame_ms, 95)} | {_ms(r.render_ms, 95)} "
            f"| {_ms(r.move_to_readout_ms)} / {_ms(r.move_to_readout_ms, 95)} "
            f"| {_ms(r.release_card_ms)} | {_ms(r.release_idle_ms)} "
            f"| {_ms(r.key_readout_ms)} | {_ms(r.key_idle_ms)} "
            f"| {'all ' + str(len(r.checks)) + ' equal numpy' if not bad else '; '.join(bad)}"
            f"{f', {r.lost} presses lost' if r.lost else ''} |"
        )
    print()
    for r in results:
        p95 = pct(r.frame_ms, 95)
        verdict = "PASS" if p95 <= FRAME_P95_TARGET_MS + 0.5 else "FAIL"
        print(f"- {verdict}: {r.name}: frame p95 {p95:.1f} ms (target {FRAME_P95_TARGET_MS})")
        target = RELEASE_TARGET_MS.get(r.rows)
        if target and r.release_idle_ms:
            med = statistics.median(r.release_idle_ms)
            verdict = "PASS" if med <= target else "FAIL"
            print(
                f"- {verdict}: {r.name}: release → exact values {med:.0f} ms (target {target:.0f})"
            )
        if r.rows == 1_000_000 and r.key_idle_ms:
            med = statistics.median(r.key_idle_ms)
            verdict = "PASS" if med <= KEY_IDLE_TARGET_MS else "FAIL"
            print(
                f"- {verdict}: {r.name}: key → idle {med:.0f} ms (target {KEY_IDLE_TARGET_MS:.0f})"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=7)
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--no-parquet", dest="parquet", action="store_false")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
