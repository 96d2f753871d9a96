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

Run::

    .venv/bin/python -m bench.decide_page                  # 1e4 and 1e6 rows
    .venv/bin/python -m bench.decide_page --sizes 1e6 --repeats 5

AppTest runs the whole script for a change inside a fragment, sidebar
included, so these are upper bounds on what a fragment rerun costs the
server. Not a test: it asserts nothing; the table ends with a verdict line.
"""

from __future__ import annotations

import argparse
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

from bench.apptest import register_demo, timed_run

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SEED = 20_241_123


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    y = rng.random(n) < 0.05
    latent = np.where(y, rng.normal(1.6, 1.0, n), rng.normal(0.0, 1.0, n))
    score = 1 / (1 + np.exp(-(latent + rng.normal(0, 0.8, n) - 3)))
    amount = np.round(np.exp(rng.normal(3.5, 1.0, n)), 2)
    return pd.DataFrame({"label": y.astype(np.int8), "score": score, "amount": amount})


def _register(n: int) -> str:
    return register_demo(f"bench_decide_{n}", n, lambda: _frame(n), ("score",))


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


def bench_size(n: int, repeats: int) -> dict[str, object]:
    key = _register(n)
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
    rows = [bench_size(int(n), args.repeats) for n in args.sizes]
    names = ["amount column (first)", *_controls(AppTest.from_string("")).keys()]
    print(
        f"\nOperating-point page, whole-script rerun with AppTest (median of {args.repeats}); "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f}\n"
    )
    print("| rows | load + sweep | first view | " + " | ".join(names) + " |")
    print("|" + "---|" * (3 + len(names)))
    for r in rows:
        cells = [f"{r[c][0]:.0f} ms (cpu {r[c][1]:.0f})" for c in names]
        print(f"| {r['n']:.0e} | {r['load']:.0f} ms | {r['first']:.0f} ms | " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
