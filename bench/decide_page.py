"""Benchmark of the operating-point page's server-side rerun time, with AppTest.

For each size, a table of labels (5% positives), a probability score with
distinct values and a per-row amount is registered as an extra demo in this
process (as in ``bench.curves_page``). The explorer runs once (reading and
sorting), then the operating-point page is opened, and each control is
changed in turn, timing the rerun it causes: the threshold, a cost (a new
cost curve), the amount column (per-row amounts summed below every
threshold), the constraints, the deployment base rate, the confidence level
and threshold B. Each figure is the median over several changes of that
control: wall time and this process's CPU time.

Every size is run twice: as AppTest runs a script (parsing and compiling ``app.py``
and the page again at every run), and with the scripts compiled once, as a server
runs them (:func:`bench.apptest.compiled_once`).

Run::

    .venv/bin/python -m bench.decide_page                  # 1e4 and 1e6 rows
    .venv/bin/python -m bench.decide_page --sizes 1e7 --repeats 3

AppTest runs the whole script for a change inside a fragment, sidebar
included, so these are upper bounds on what a fragment rerun costs the
server. Not a test: it asserts nothing; after the tables, one verdict line per
control of the largest size compares its rerun, compiled once, with the target
(<= 150 ms), and gives the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from bench.apptest import compiled_once, register_demo, timed_run

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SEED = 20_241_123
TARGET_MS = 150.0  # every control's rerun, at 1e7 rows


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    y = rng.random(n) < 0.05
    latent = np.where(y, rng.normal(1.6, 1.0, n), rng.normal(0.0, 1.0, n))
    score = 1 / (1 + np.exp(-(latent + rng.normal(0, 0.8, n) - 3)))
    amount = np.round(np.exp(rng.normal(3.5, 1.0, n)), 2)
    return pd.DataFrame({"label": y.astype(np.int8), "score": score, "amount": amount})


def _register(n: int, mode: str) -> str:
    # One demo per mode: its data set's caches start empty, so the second mode does not
    # time the first one's cache hits.
    return register_demo(f"bench_decide_{n}_{mode}", n, lambda: _frame(n), ("score",))


def _controls(at: AppTest) -> dict[str, Callable[[int], None]]:
    """Control name -> a function making its i-th change."""
    return {
        "threshold": lambda i: at.number_input(key="threshold_exact").set_value(0.3 + 0.01 * i),
        "cost (new cost curve)": lambda i: at.number_input(key="cost_fn").set_value(5.0 + i),
        "constraints": lambda i: at.number_input(key="min_precision").set_value(50.0 + i),
        "base rate": lambda i: at.number_input(key="deploy_prev").set_value(1.0 + 0.1 * i),
        "confidence level": lambda i: at.radio(key="ci_level").set_value((90, 95, 99)[i % 3]),
        "threshold B": lambda i: at.number_input(key="threshold_b").set_value(0.2 + 0.01 * i),
    }


def bench_size(n: int, repeats: int, *, compiled: bool) -> dict[str, object]:
    """Median rerun per control for ``n`` rows; ``compiled``: scripts compiled once."""
    with compiled_once() if compiled else contextlib.nullcontext():
        return _bench_size(n, repeats, "compiled" if compiled else "apptest")


def _bench_size(n: int, repeats: int, mode: str) -> dict[str, object]:
    key = _register(n, mode)
    at = AppTest.from_file(APP, default_timeout=900)
    at.session_state["demo"] = key
    load_ms, _ = timed_run(at)
    at.switch_page("pages/operating-point.py")
    first_ms, _ = timed_run(at)
    at.toggle(key="deploy_on").set_value(True)
    timed_run(at)
    row: dict[str, object] = {"n": n, "load": load_ms, "first": first_ms}
    at.selectbox(key="amount_col").set_value("amount")
    row["amount column (first)"] = timed_run(at)
    for name, change in _controls(at).items():
        runs = []
        for i in range(repeats):
            change(i)
            runs.append(timed_run(at))
        walls, cpus = zip(*runs, strict=True)
        row[name] = (statistics.median(walls), statistics.median(cpus))
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e4, 1e6])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    names = ["amount column (first)", *_controls(AppTest.from_string("")).keys()]
    loads = []
    tables = {}
    for compiled in (False, True):
        tables[compiled] = [bench_size(int(n), args.repeats, compiled=compiled) for n in args.sizes]
        loads.append(os.getloadavg()[0])
    print(
        f"\nOperating-point page, whole-script rerun with AppTest (median of {args.repeats}); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{min(loads):.1f} to {max(loads):.1f}"
    )
    for compiled, rows in tables.items():
        how = "scripts compiled once, as served" if compiled else "compiling at every run"
        print(f"\n{how}:\n")
        print("| rows | load + sweep | first view | " + " | ".join(names) + " |")
        print("|" + "---|" * (3 + len(names)))
        for r in rows:
            cells = [f"{r[c][0]:.0f} ms (cpu {r[c][1]:.0f})" for c in names]
            print(
                f"| {r['n']:.0e} | {r['load']:.0f} ms | {r['first']:.0f} ms | "
                + " | ".join(cells)
                + " |"
            )
    largest = tables[True][-1]
    print()
    for name in names:
        ms = largest[name][0]
        verdict = "PASS" if ms <= TARGET_MS else "MISS"
        print(
            f"{verdict}: {name} at {largest['n']:.0e} rows, compiled once, {ms:.0f} ms "
            f"({ms / TARGET_MS:.2f}x the {TARGET_MS:.0f} ms target; compiling at every run "
            f"{tables[False][-1][name][0]:.0f} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
