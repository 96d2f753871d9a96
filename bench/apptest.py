"""Shared pieces of the AppTest page benchmarks: an extra demo and a timed rerun."""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd
from streamlit.testing.v1 import AppTest

from metrics_app.data import demo


def register_demo(
    key: str, n: int, build: Callable[[], pd.DataFrame], scores: tuple[str, ...]
) -> str:
    """Register a synthetic table of ``n`` rows as a built-in demo of this process.

    AppTest runs the app in-process and cannot drive the sidebar of an
    ``st.navigation`` app after the first run, so benchmarks choose their data
    as a demo, through session state.
    """
    demo.DEMOS[key] = demo.Demo(
        key=key,
        title=f"Benchmark, {n:,} rows",
        summary="Synthetic scores for the benchmark.",
        label="label",
        scores=scores,
        positive=1,
        weight=None,
        build=build,
    )
    return key


def timed_run(at: AppTest) -> tuple[float, float]:
    """Run the app once; ``(wall ms, this process's CPU ms)``. Raises if the app raised."""
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    if at.exception:
        raise RuntimeError(f"the app raised: {[e.message for e in at.exception]}")
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000
