"""Threads for numpy work split into independent tasks (groups, epochs, chunks of rows).

numpy releases the GIL while it sorts, copies and computes, so such tasks run in parallel
in threads of one process, sharing the arrays without copies.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["WORKERS", "in_threads"]

#: Threads for work split by epoch or chunk (numpy releases the GIL while it sorts, copies
#: and computes); at most 4, as memory bandwidth, not arithmetic, bounds these loops.
WORKERS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def in_threads(run: Callable[[int, int], None], n_tasks: int, workers: int) -> None:
    """``run(first, step)`` in ``workers`` threads; thread ``w`` takes tasks ``w, w + step, …``.

    With one worker, ``run(0, 1)`` in the calling thread. A worker's error is raised here.
    """
    workers = max(1, min(workers, n_tasks))
    if workers == 1:
        run(0, 1)
        return
    with ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(run, w, workers) for w in range(workers)]:
            done.result()
