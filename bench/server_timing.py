"""``streamlit`` with every script run timed on the server, for benchmarks.

Run as ``python -m bench.server_timing run app.py [streamlit options]`` with
``THRESHOLD_LAB_TIMING=<path>`` in the environment: each script execution (a full run of
``app.py`` or a fragment rerun) appends one tab-separated line to ``<path>``::

    start_s  end_s  cpu_s  session_id  kind  page_script_hash

``start_s`` and ``end_s`` are ``time.time()`` seconds; ``cpu_s`` is the CPU time the
script's thread used meanwhile (``time.thread_time()``: without the time spent waiting for
a core or for the GIL); ``kind`` is ``full`` or ``fragment``.

Streamlit has no public hook for this, so the launcher wraps the function its script
runner calls to execute the user's code (``exec_func_with_error_handling``), before
Streamlit starts. The app itself holds no instrumentation: without this launcher
(or without the variable) nothing is timed or written.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from typing import Any

ENV = "THRESHOLD_LAB_TIMING"


def install(path: str) -> None:
    """Time every script execution of this process, appending lines to ``path``."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling
    lock = threading.Lock()

    @functools.wraps(original)
    def timed(func: Any, ctx: Any) -> Any:
        start, cpu = time.time(), time.thread_time()
        try:
            return original(func, ctx)
        finally:
            end, cpu = time.time(), time.thread_time() - cpu
            kind = "fragment" if ctx.fragment_ids_this_run else "full"
            page = getattr(ctx, "page_script_hash", "")
            line = f"{start:.6f}\t{end:.6f}\t{cpu:.6f}\t{ctx.session_id}\t{kind}\t{page}\n"
            # One short append per run; script threads of several sessions share the file.
            with lock, open(path, "a", encoding="utf-8") as handle:
                handle.write(line)

    script_runner.exec_func_with_error_handling = timed


def main() -> None:
    """Install the timer when :data:`ENV` is set, then run Streamlit's command line."""
    path = os.environ.get(ENV)
    if path:
        install(path)
    from streamlit.web import cli

    sys.argv = ["streamlit", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
