"""Benchmark of the per-epoch curves against np.sort and scikit-learn.

The epochs page's first load for a validation set of ``--rows`` examples scored at
``--epochs`` epochs (default 1e6 x 50: 5e7 scores): every epoch's sweep, ROC AUC, average
precision and log loss (:func:`metrics_core.epoch_curves`), for

- the long format with rows in epoch order (as ``append_epoch`` writes them),
- the long format with rows shuffled (a stable partition by epoch first, chunk by chunk),
- the wide format (one score column per epoch, :func:`metrics_core.epoch_curves_wide`);

beside, in the same run:

- the floor: ``np.sort`` of each epoch's scores (any exact sweep sorts them);
- scikit-learn per epoch: ``roc_auc_score``, ``average_precision_score`` and
  ``log_loss`` on that epoch's rows;
- one threshold move afterwards: every epoch's metrics at a new threshold;
- the page's own first load from a table in epoch order
  (:func:`metrics_app.epochs.model.build`: label and score checks, epoch codes, curves).

Prints a Markdown table of medians (and the range) over ``--repeats``, each with its ratio
to the floor and to scikit-learn (which runs once: it takes the longest). The curves use up
to four threads (``metrics_core.groups._WORKERS``); the floor and scikit-learn use one.
Run::

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
import pandas as pd
import sklearn
from sklearn.metrics import average_precision_score, log_loss, roc_auc_score

from metrics_app.epochs import model
from metrics_core import epoch_curves, epoch_curves_wide
from metrics_core.groups import _WORKERS

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


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    """Wall times of ``repeats`` calls (each result is dropped before the next call)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _frame(y: np.ndarray, scores: list[np.ndarray]) -> pd.DataFrame:
    """The long table ``append_epoch`` writes: epoch, label, score, epoch after epoch."""
    k, rows = len(scores), y.shape[0]
    return pd.DataFrame(
        {
            "epoch": np.repeat(np.arange(1, k + 1), rows),
            "label": np.tile(y.astype(np.int64), k),
            "score": np.concatenate(scores),
        }
    )


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6, help="validation rows per epoch")
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn")
    parser.add_argument("--no-page", action="store_true", help="skip the page's model.build")
    args = parser.parse_args(argv)
    rows, k = int(args.rows), args.epochs

    y, scores = _data(rows, k)
    s_long = np.concatenate(scores)
    y_long = np.tile(y, k)
    codes = np.repeat(np.arange(k, dtype=np.uint8), rows)
    shuffle = np.random.default_rng(SEED + 1).permutation(rows * k)
    y_shuf, s_shuf, c_shuf = y_long[shuffle], s_long[shuffle], codes[shuffle]
    del shuffle

    results: list[tuple[str, list[float]]] = []
    floor = _time(lambda: [np.sort(s) for s in scores], args.repeats)
    results.append(("np.sort of each epoch's scores (floor)", floor))
    curves_rows = [
        (
            "epoch_curves, long, rows in epoch order",
            lambda: epoch_curves(y_long, s_long, codes, k, probabilities=True),
        ),
        (
            "epoch_curves, long, rows shuffled",
            lambda: epoch_curves(y_shuf, s_shuf, c_shuf, k, probabilities=True),
        ),
        (
            "epoch_curves_wide, one column per epoch",
            lambda: epoch_curves_wide(y, scores, probabilities=True),
        ),
    ]
    for name, fn in curves_rows:
        results.append((name, _time(fn, args.repeats)))
    curves = epoch_curves(y_long, s_long, codes, k, probabilities=True)
    results.append(
        (
            "threshold move: every epoch's metrics",
            _time(lambda: curves.at(0.37), max(args.repeats, 5)),
        )
    )
    if not args.no_page:
        frame = _frame(y, scores)
        layout = model.layout_of(frame)
        assert layout is not None
        page = _time(
            lambda: model.build(frame, layout, label="label", positive=1, score="score"),
            args.repeats,
        )
        results.append(("page first load from the table (model.build)", page))
        del frame
    sk_time = None
    if not args.no_sklearn:

        def sk() -> None:
            for s in scores:
                roc_auc_score(y, s)
                average_precision_score(y, s)
                log_loss(y, s)

        sk_time = _time(sk, 1)[0]
        results.append(("scikit-learn per epoch: AUC + AP + log loss", [sk_time]))
        # The same numbers, to be sure the timed work is the same work.
        for e in (0, k - 1):
            assert abs(curves.roc_auc[e] - roc_auc_score(y, scores[e])) < 1e-12
            assert abs(curves.average_precision[e] - average_precision_score(y, scores[e])) < 1e-12
            assert abs(curves.log_loss[e] - log_loss(y, scores[e])) < 1e-9

    print(
        f"## Per-epoch curves: {rows:,} rows x {k} epochs ({rows * k:,} scores)\n\n"
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs "
        f"(curves in up to {_WORKERS} threads), numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}; medians of {args.repeats} (scikit-learn: one run), load "
        f"average {os.getloadavg()[0]:.1f} at the end.\n"
    )
    floor_t = statistics.median(floor)
    print("| step | median (s) | range (s) | x floor | x scikit-learn |")
    print("|---|---:|---:|---:|---:|")
    for name, times in results:
        t = statistics.median(times)
        spread = f"{min(times):.3f}-{max(times):.3f}" if len(times) > 1 else ""
        vs_sk = f"{t / sk_time:.3f}" if sk_time else ""
        print(f"| {name} | {t:.3f} | {spread} | {t / floor_t:.2f} | {vs_sk} |")
    worst = max(statistics.median(results[i][1]) for i in (1, 2, 3))
    verdict = "PASS" if worst <= TARGET_S else "FAIL"
    print(
        f"\nVerdict: {verdict}: slowest first load of the curves {worst:.2f} s (target <= "
        f"{TARGET_S:g} s; the np.sort floor alone is {floor_t:.2f} s). The page caches the "
        "result per file."
    )


if __name__ == "__main__":
    main()
