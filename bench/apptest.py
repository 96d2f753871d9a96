"""Shared pieces of the AppTest page benchmarks: an extra demo, a timed rerun, a server's
script cache."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import pandas as pd
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
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


@contextlib.contextmanager
def compiled_once() -> Iterator[None]:
    """Run AppTest with one script cache, as a server does.

    AppTest makes a new script cache for every run, so each rerun parses and compiles
    ``app.py`` and the page again (about 100 ms for the multiclass page on a 2-core
    machine), which a running server does once. Inside this block every run shares one
    cache, so a timed rerun is the script's own work.
    """
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    modules = (app_test, local_script_runner)
    saved = [m.ScriptCache for m in modules]
    for m in modules:
        m.ScriptCache = lambda: shared  # type: ignore[assignment, misc]
    try:
        yield
    finally:
        for m, original in zip(modules, saved, strict=True):
            m.ScriptCache = original  # type: ignore[misc]
