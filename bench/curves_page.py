"""Benchmark of the Curves page's server-side rerun time, with AppTest.

For each size, a table of labels (5% positives) and two probability score
columns with distinct values is registered as an extra built-in demo in this
process (AppTest runs the app in-process; in Streamlit 1.67 it cannot drive
the sidebar's widgets of an ``st.navigation`` app after the first run, so the
upload path is out of reach) and chosen through session state. The explorer
runs once (reading and sorting: the "load" column), then the Curves page is
opened (decimated curves and summaries: "first view") and rerun several
times on each tab, with everything cached. The table gives medians of the
reruns: wall time and this process's CPU time (the box may be shared, and
CPU time is what one rerun costs the server). With a comparison model
selected, the ROC and PR tab draws two models.

Run::

    .venv/bin/python -m bench.curves_page                   # 1e4, 1e6, 1e7
    .venv/bin/python -m bench.curves_page --sizes 1e4 1e5 --repeats 5

This is a benchmark, not a test: it asserts nothing; the verdict line states
PASS/FAIL for the target (median rerun <= 300 ms at the largest size, on the
default tab).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from bench.apptest import register_demo, timed_run

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TABS = ("ROC and PR", "Gains and lift", "KS and DET", "Calibration", "Threshold table")
TARGET_MS = 300.0
SEED = 20_241_123


def _frame(n: int) -> pd.DataFrame:
    """n rows: label (0/1, 5% positives) and two probability scores, all distinct."""
    rng = np.random.default_rng(SEED)
    y = rng.random(n) < 0.05
    latent = np.where(y, rng.normal(1.6, 1.0, n), rng.normal(0.0, 1.0, n))
    a = 1 / (1 + np.exp(-(latent + rng.normal(0, 0.8, n) - 3)))
    b = 1 / (1 + np.exp(-(latent + rng.normal(0, 1.2, n) - 3)))
    return pd.DataFrame({"label": y.astype(np.int8), "score": a, "score_b": b})


def _register(n: int) -> str:
    return register_demo(f"bench_{n}", n, lambda: _frame(n), ("score", "score_b"))


def bench_size(n: int, repeats: int, compare: bool) -> dict[str, object]:
    key = _register(n)
    at = AppTest.from_file(APP, default_timeout=900)
    at.session_state["demo"] = key
    load_ms, _ = timed_run(at)  # generate, validate, sort (explorer page)
    at.switch_page("pages/roc-pr.py")
    first_ms, _ = timed_run(at)  # decimated curves, summaries
    if compare:
        at.multiselect(key=f"compare::demo:{key}::score").set_value(["score_b"])
        timed_run(at)  # the second model's sweep and curves, once
    row: dict[str, object] = {"n": n, "load": load_ms, "first": first_ms}
    for tab in TABS:
        at.session_state["curves_tab"] = tab
        timed_run(at)  # warm this tab (calibration bins, table)
        walls, cpus = zip(*(timed_run(at) for _ in range(repeats)), strict=True)
        row[tab] = (statistics.median(walls), statistics.median(cpus))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e6, 1e7])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--compare", action="store_true", help="overlay a second model")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    rows = [bench_size(int(n), args.repeats, args.compare) for n in args.sizes]

    print(
        f"\nCurves page, server-side rerun with AppTest (median of {args.repeats}); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}{'; two models overlaid' if args.compare else ''}\n"
    )
    head = "| rows | load + sweep | first view | " + " | ".join(TABS) + " |"
    print(head)
    print("|" + "---|" * (3 + len(TABS)))
    for r in rows:
        cells = [f"{r[t][0]:.0f} ms (cpu {r[t][1]:.0f})" for t in TABS]
        print(f"| {r['n']:.0e} | {r['load']:.0f} ms | {r['first']:.0f} ms | " + " | ".join(cells))
    big = rows[-1]
    wall, cpu = big[TABS[0]]
    scale = ""
    if len(rows) > 1:
        scale = f", {wall / rows[0][TABS[0]][0]:.2f}x the time at {rows[0]['n']:.0e}"
    verdict = "PASS" if wall <= TARGET_MS else "FAIL"
    print(
        f"\n{verdict}: default tab at {big['n']:.0e} rows reruns in {wall:.0f} ms wall "
        f"({cpu:.0f} ms CPU){scale}; target <= {TARGET_MS:.0f} ms."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
