"""Benchmark of the per-epoch curves against np.sort and scikit-learn.

The epochs page's first load for a validation set of ``--rows`` examples scored at
``--epochs`` epochs (default 1e6 x 50: 5e7 scores): every epoch's sweep, ROC AUC, average
precision and log loss (:func:`metrics_core.epoch_curves`), for

- the long format with rows in epoch order (as ``append_epoch`` writes them),
- the long format with rows shuffled (one stable sort of the epoch codes first),
- the wide format (one score column per epoch, :func:`metrics_core.epoch_curves_wide`);

beside, in the same run:

- the floor: ``np.sort`` of each epoch's scores (any exact sweep sorts them);
- scikit-learn per epoch: ``roc_auc_score``, ``average_precision_score`` and
  ``log_loss`` on that epoch's rows;
- one threshold move afterwards: every epoch's metrics at a new threshold.

Prints a Markdown table of medians over ``--repeats`` (scikit-learn runs once: it takes
the longest). Run::

    .venv/bin/python -m bench.epochs                    # 1e6 x 50, a few minutes
    .venv/bin/python -m bench.epochs --rows 1e5 --epochs 20 --repeats 3

A benchmark, not a test: it asserts nothing; the verdict line states PASS/FAIL for the
target (all per-epoch curves in <= 3 s the first time, cached afterwards).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import sklearn
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score

from metrics_core import epoch_curves, epoch_curves_wide

SEED = 20_261_201
TARGET_S = 3.0


def _data(rows: int, epochs: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Labels (prevalence 0.2) and probabilities that separate the classes better each epoch."""
    rng = np.random.default_rng(SEED)
    y = rng.random(rows) < 0.2
    signed = np.where(y, 1.0, -1.0)
    scores = []
    for e in range(epochs):
        logit = (0.2 + 2.0 * e / max(epochs - 1, 1)) * signed + rng.standard_normal(rows)
        scores.append(1.0 / (1.0 + np.exp(-logit)))
    return y, scores


def _time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6, help="validation rows per epoch")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn")
    args = parser.parse_args(argv)
    rows, k = int(args.rows), args.epochs

    y, scores = _data(rows, k)
    s_long = np.concatenate(scores)
    y_long = np.tile(y, k)
    codes = np.repeat(np.arange(k, dtype=np.uint8), rows)
    shuffle = np.random.default_rng(SEED + 1).permutation(rows * k)
    y_shuf, s_shuf, c_shuf = y_long[shuffle], s_long[shuffle], codes[shuffle]
    del shuffle

    results: list[tuple[str, float]] = []
    floor = _time(lambda: [np.sort(s) for s in scores], args.repeats)
    results.append(("np.sort of each epoch's scores (floor)", floor))
    long_t = _time(lambda: epoch_curves(y_long, s_long, codes, k, probabilities=True), args.repeats)
    results.append(("epoch_curves, long, rows in epoch order", long_t))
    shuf_t = _time(
        lambda: epoch_curves(y_shuf, s_shuf, c_shuf, k, probabilities=True), args.repeats
    )
    results.append(("epoch_curves, long, rows shuffled", shuf_t))
    wide_t = _time(lambda: epoch_curves_wide(y, scores, probabilities=True), args.repeats)
    results.append(("epoch_curves_wide, one column per epoch", wide_t))
    curves = epoch_curves(y_long, s_long, codes, k, probabilities=True)
    move = _time(lambda: curves.at(0.37), max(args.repeats, 5))
    results.append(("threshold move: every epoch's metrics", move))
    if not args.no_sklearn:

        def sk() -> None:
            for s in scores:
                roc_auc_score(y, s)
                average_precision_score(y, s)
                log_loss(y, s)

        results.append(("scikit-learn per epoch: AUC + AP + log loss", _time(sk, 1)))
        # The same numbers, to be sure the timed work is the same work.
        e = k - 1
        assert abs(curves.roc_auc[e] - roc_auc_score(y, scores[e])) < 1e-12
        assert abs(curves.average_precision[e] - average_precision_score(y, scores[e])) < 1e-12
        assert abs(curves.log_loss[e] - log_loss(y, scores[e])) < 1e-9

    print(
        f"## Per-epoch curves: {rows:,} rows x {k} epochs ({rows * k:,} scores)\n\n"
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, numpy "
        f"{np.__version__}, scikit-learn {sklearn.__version__}; medians of {args.repeats}.\n"
    )
    print("| step | time (s) | x floor |")
    print("|---|---:|---:|")
    for name, t in results:
        print(f"| {name} | {t:.3f} | {t / floor:.2f} |")
    worst = max(long_t, shuf_t, wide_t)
    verdict = "PASS" if worst <= TARGET_S else "FAIL"
    print(
        f"\nVerdict: {verdict}: slowest first load {worst:.2f} s (target <= {TARGET_S:g} s; "
        f"the np.sort floor alone is {floor:.2f} s). The page caches the result per file."
    )


if __name__ == "__main__":
    main()
