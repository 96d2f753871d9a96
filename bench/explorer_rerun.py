"""Server-side cost of a threshold change on the explorer page, at 1e6 rows.

A threshold key press reruns the page's ``threshold_panel`` fragment alone. This drives the
app with AppTest (scripts compiled once, as a server does: :func:`bench.apptest.compiled_once`)
on a synthetic 1e6-row demo, sets a new exact threshold before each run, and times

- **fragment**: the ``threshold_panel`` call itself, which is what a fragment rerun runs
  (the benchmark wraps ``st.fragment`` to time it; AppTest reruns the whole script);
- **whole script**: ``at.run()`` (sidebar, notices, summary and the fragment);

and, for scale, the same numbers computed with numpy (one comparison and three counts) and
with scikit-learn (``confusion_matrix``, ``precision_score``, ``recall_score``, ``f1_score``)
on the same rows. ``--profile`` prints the functions taking the fragment's time
(cProfile, enabled in the script thread).

Run::

    .venv/bin/python -m bench.explorer_rerun [--repeats 15] [--profile]

A benchmark, not a test: it prints a Markdown table and exits 0.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import os
import platform
import pstats
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
FRAGMENT = "threshold_panel"
TARGET_MS = 150.0  # issue 13: key press -> every view updated, at 1e6 rows


def make_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """The browser benchmark's scores: half positives on U(0.3, 1), negatives in U(0.42, 0.56)."""
    from bench.explorer_latency import make_scores

    y, s = make_scores(n, seed)
    return pd.DataFrame({"label": y, "score": s})


class FragmentTimer:
    """Wraps ``st.fragment`` so that every call of the page's threshold fragment is timed.

    With ``profile``, the first call's thread gets a :class:`cProfile.Profile` enabled for
    the fragment's calls only (AppTest runs the script in a thread of its own).
    """

    def __init__(self, profile: bool) -> None:
        self.ms: list[float] = []
        self.profiler = cProfile.Profile() if profile else None
        self.recording = False

    def __enter__(self) -> FragmentTimer:
        import streamlit as st

        self._st = st
        self._real = st.fragment

        def fragment(func: Callable[..., Any] | None = None, **kwargs: Any) -> Any:
            if func is None:
                return lambda f: fragment(f, **kwargs)
            if func.__name__ == FRAGMENT:
                func = self._timed(func)
            return self._real(func, **kwargs)

        st.fragment = fragment  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        self._st.fragment = self._real  # type: ignore[assignment]

    def _timed(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            prof = self.profiler if self.recording else None
            t0 = time.perf_counter()
            if prof is not None:
                prof.enable()
            try:
                return func(*args, **kwargs)
            finally:
                if prof is not None:
                    prof.disable()
                if self.recording:
                    self.ms.append((time.perf_counter() - t0) * 1000)

        return timed


def bench_page(n: int, repeats: int, profile: bool) -> tuple[list[float], list[float], str]:
    """Fragment and whole-script wall ms per threshold change; the profile's text, if any."""
    from streamlit.testing.v1 import AppTest

    from bench.apptest import compiled_once, register_demo

    key = register_demo(f"bench_explorer_{n}", n, lambda: make_frame(n), ("score",))
    walls = []
    with compiled_once(), FragmentTimer(profile) as timer:
        at = AppTest.from_file(APP, default_timeout=900)
        at.session_state["demo"] = key
        at.run()
        for i in range(repeats + 2):  # two warm-up changes
            timer.recording = i >= 2
            # A value not used before: every rerun computes its point anew.
            at.number_input(key="threshold_exact").set_value(round(0.45 + 0.001 * i, 3))
            t0 = time.perf_counter()
            at.run()
            if at.exception:
                raise RuntimeError(f"the app raised: {[e.message for e in at.exception]}")
            if timer.recording:
                walls.append((time.perf_counter() - t0) * 1000)
    text = ""
    if timer.profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(timer.profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        text = out.getvalue()
    return timer.ms, walls, text


def bench_floor(n: int, repeats: int) -> tuple[float, float]:
    """Median ms of the card's counts with numpy, and with scikit-learn, at new thresholds."""
    from sklearn import metrics as sk

    frame = make_frame(n)
    y, s = frame["label"].to_numpy() == 1, frame["score"].to_numpy()
    numpy_ms, sk_ms = [], []
    for i in range(repeats):
        t = 0.45 + 0.001 * i
        t0 = time.perf_counter()
        flagged = s >= t
        tp = np.count_nonzero(flagged & y)
        fp = np.count_nonzero(flagged) - tp
        fn = np.count_nonzero(y) - tp
        _ = (tp, fp, fn, n - tp - fp - fn)
        numpy_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        pred = s >= t
        sk.confusion_matrix(y, pred)
        sk.precision_score(y, pred)
        sk.recall_score(y, pred)
        sk.f1_score(y, pred)
        sk_ms.append((time.perf_counter() - t0) * 1000)
    return statistics.median(numpy_ms), statistics.median(sk_ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="print the fragment's profile")
    parser.add_argument("--no-sklearn", dest="sklearn", action="store_false")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    n = int(args.rows)
    load = os.getloadavg()
    fragment, whole, text = bench_page(n, args.repeats, args.profile)
    print(
        f"\nExplorer, threshold change, {n:,} rows (median of {args.repeats}); Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f} before / {os.getloadavg()[0]:.1f} after\n"
    )
    print("| step | median | p90 |")
    print("|---|---:|---:|")
    for what, ms in (("fragment rerun (threshold_panel)", fragment), ("whole script", whole)):
        print(f"| {what} | {statistics.median(ms):.1f} ms | {np.percentile(ms, 90):.1f} ms |")
    if args.sklearn:
        floor, skl = bench_floor(n, args.repeats)
        print(f"| numpy: `s >= t` and three counts | {floor:.1f} ms | |")
        print(f"| scikit-learn: confusion matrix, precision, recall, F1 | {skl:.1f} ms | |")
    med = statistics.median(fragment)
    verdict = "PASS" if med <= TARGET_MS else "MISS"
    print(f"\n{verdict}: fragment rerun {med:.0f} ms, server-side share of <= {TARGET_MS:.0f} ms")
    if text:
        print("\n```\n" + text.strip() + "\n```")
    if threading.active_count() > 50:  # AppTest leaves no threads behind normally
        print(f"note: {threading.active_count()} threads alive", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
