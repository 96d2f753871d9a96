"""Benchmark of the multiclass page: first analysis and each change of decision rule.

A table of ``n`` rows and K classes (labels ``0..K-1``, a noisy model's ``predict_proba``
columns ``p_0..p_{K-1}``) is analysed as the page does, and each control is changed in
turn, timing the server-side work it causes (model level, no Streamlit):

- **first analysis**: validation and clean arrays (:func:`prepare_multiclass`), the argmax
  and log loss, then the default rule's matrix and report;
- **ranking**: the curves tab, once per input: one sort per class and one of the pooled
  (micro) problem, the areas, one-vs-one AUC, the decimated curves;
- **rule**: per-class thresholds with argmax fallback, from scratch;
- **threshold**: one class's threshold moved;
- **cost**: one cell of the cost matrix changed (least expected cost);
- **abstain**: the abstention cut moved.

Each change is the time to predict every row and compute the matrix and every label metric
(:func:`metrics_app.multiclass.model.outcome`), against scikit-learn's
``classification_report(output_dict=True)`` + ``confusion_matrix`` on the same predictions
(scikit-learn predicts nothing, so its column is its metrics alone), measured in the same
run; the ranking against ``roc_auc_score`` (one-vs-rest macro and micro, one-vs-one) and
``average_precision_score`` (macro and micro) of the same scores. With ``--page`` the page's
rerun after a change of threshold is also timed through AppTest (the whole script, sidebar
included: an upper bound on a fragment rerun), once as AppTest runs it (compiling the scripts
at every run) and once with the scripts compiled once, as a server runs them.

Run::

    .venv/bin/python -m bench.multiclass                     # 1e6 rows, K = 10
    .venv/bin/python -m bench.multiclass --rows 1e5 --classes 20 --repeats 9
    .venv/bin/python -m bench.multiclass --page

Not a test: it asserts nothing and exits 0; the verdict line compares the medians with the
targets (first analysis <= 2 s, a change <= 100 ms, a page rerun <= 300 ms).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from scipy.special import softmax
from sklearn.metrics import (
    average_precision_score,
    classification_report,
    confusion_matrix,
    roc_auc_score,
)
from sklearn.preprocessing import label_binarize

from bench.core import timed
from metrics_app.multiclass import model
from metrics_app.multiclass.model import Rule

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SEED = 20_250_101
TARGETS_MS = {"first analysis": 2000.0, "change": 100.0, "page": 300.0}


def make_frame(n: int, k: int, seed: int = SEED) -> pd.DataFrame:
    """``n`` rows of labels ``0..k-1`` and predict_proba-like columns of a noisy model."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    logits = rng.normal(size=(n, k)).astype(np.float64)
    logits[np.arange(n), y] += 1.5
    p = softmax(logits, axis=1)
    frame = pd.DataFrame({"label": y})
    for j in range(k):
        frame[f"p_{j}"] = p[:, j]
    return frame


def _ms(func: Callable[[], object], repeats: int) -> float:
    return statistics.median(timed(func) for _ in range(repeats)) * 1000


def _sklearn(y: np.ndarray, pred: np.ndarray, k: int) -> Callable[[], object]:
    labels = list(range(k))

    def run() -> object:
        return (
            classification_report(y, pred, labels=labels, output_dict=True, zero_division=np.nan),
            confusion_matrix(y, pred, labels=labels),
        )

    return run


def _sklearn_ranking(y: np.ndarray, s: np.ndarray, k: int) -> Callable[[], object]:
    """scikit-learn's calls for the same areas (no curves).

    One-vs-rest macro and micro ROC AUC, one-vs-one ROC AUC, macro and micro average
    precision.
    """
    indicator = label_binarize(y, classes=list(range(k)))

    def run() -> object:
        return (
            roc_auc_score(y, s, multi_class="ovr"),
            roc_auc_score(y, s, multi_class="ovr", average="micro"),
            roc_auc_score(y, s, multi_class="ovo"),
            average_precision_score(indicator, s),
            average_precision_score(indicator, s, average="micro"),
        )

    return run


def bench_model(n: int, k: int, repeats: int) -> list[tuple[str, float, float | None]]:
    """``(what, our median ms, scikit-learn's median ms or None)`` for every control."""
    frame = make_frame(n, k)
    columns = {j: f"p_{j}" for j in range(k)}

    def first() -> object:
        an = model.analyse_multiclass(frame, key="bench", label="label", columns=columns)
        return model.outcome(an, Rule("argmax"))

    rows: list[tuple[str, float, float | None]] = [
        ("first analysis", _ms(first, max(3, repeats // 2)), None)
    ]
    an = model.analyse_multiclass(frame, key="bench", label="label", columns=columns)
    y = an.data.y
    rows.append(
        (
            "ranking (curves tab, once)",
            _ms(lambda: model.rank(an), 3),
            _ms(_sklearn_ranking(y, an.data.scores, k), 3),
        )
    )
    rng = np.random.default_rng(1)
    base = np.full(k, 0.3)
    costs = np.ones((k, k)) - np.eye(k)

    def changes(kind: str) -> list[Rule]:
        rules = []
        for i in range(repeats):
            if kind == "rule":
                rules.append(Rule("thresholds", thresholds=tuple(base + 0.001 * i)))
            elif kind == "threshold":
                t = base.copy()
                t[i % k] = rng.uniform(0.1, 0.9)
                rules.append(Rule("thresholds", thresholds=tuple(t), fallback="abstain"))
            elif kind == "cost":
                c = costs.copy()
                c[i % k, (i + 1) % k] = 1 + i
                rules.append(Rule("cost", costs=tuple(map(tuple, c))))
            else:
                rules.append(Rule("abstain", min_top=0.2 + 0.05 * (i % 10)))
        return rules

    for kind in ("rule", "threshold", "cost", "abstain"):
        rules = changes(kind)
        ours = statistics.median(timed(lambda r=r: model.outcome(an, r)) for r in rules) * 1000
        preds = [model.predict(an, r) for r in rules[:3]]
        theirs = statistics.median(
            timed(_sklearn(y, p, k)) for p in preds for _ in range(max(1, repeats // 3))
        )
        rows.append((kind, ours, theirs * 1000))
    return rows


def bench_page(n: int, k: int, repeats: int, *, compiled: bool) -> tuple[float, float]:
    """Median wall ms of the page's first view and of a rerun after a threshold change.

    With ``compiled``, the scripts are compiled once, as a server does
    (:func:`bench.apptest.compiled_once`); else, as AppTest does, at every run.
    """
    from streamlit.testing.v1 import AppTest

    from bench.apptest import compiled_once, register_demo

    key = register_demo(f"bench_mc_{n}", n, lambda: make_frame(n, k), ("p_1",))
    with compiled_once() if compiled else contextlib.nullcontext():
        at = AppTest.from_file(APP, default_timeout=900)
        at.session_state["demo"] = key
        at.run()
        at.switch_page("pages/multiclass.py")
        t0 = time.perf_counter()
        at.run()
        first = (time.perf_counter() - t0) * 1000
        rule = next(w for w in at.segmented_control if w.key.startswith("mc_rule::"))
        rule.set_value("thresholds").run()
        walls = []
        for i in range(repeats):
            box = next(w for w in at.number_input if w.key.startswith("mc_thr::"))
            # Values not used before in this process: each rerun predicts every row anew.
            box.set_value(round((0.5 if compiled else 0.2) + 0.01 * i, 2))
            t0 = time.perf_counter()
            at.run()
            walls.append((time.perf_counter() - t0) * 1000)
            if at.exception:
                raise RuntimeError(f"the app raised: {[e.message for e in at.exception]}")
    return first, statistics.median(walls)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--page", action="store_true", help="also time the page with AppTest")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    n, k = int(args.rows), args.classes
    rows = bench_model(n, k, args.repeats)
    print(
        f"\nMulticlass page, {n:,} rows, K = {k} (median of {args.repeats}); Python "
        f"{platform.python_version()}, scikit-learn {sklearn.__version__}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| step | this app | scikit-learn, same work | ratio |")
    print("|---|---|---|---|")
    for what, ours, theirs in rows:
        sk = "" if theirs is None else f"{theirs:.0f} ms"
        ratio = "" if theirs is None else f"{ours / theirs:.2f}x"
        print(f"| {what} | {ours:.0f} ms | {sk} | {ratio} |")
    verdicts = [("first analysis", rows[0][1], TARGETS_MS["first analysis"])]
    slowest = max(rows[2:], key=lambda r: r[1])
    verdicts.append((f"slowest change ({slowest[0]})", slowest[1], TARGETS_MS["change"]))
    if args.page:
        first, rerun = bench_page(n, k, args.repeats, compiled=False)
        _, served = bench_page(n, k, args.repeats, compiled=True)
        print(f"| page, first view (AppTest) | {first:.0f} ms | | |")
        print(f"| page rerun, threshold (AppTest, compiling every run) | {rerun:.0f} ms | | |")
        print(f"| page rerun, threshold (compiled once, as served) | {served:.0f} ms | | |")
        verdicts.append(("page rerun (compiled once, as served)", served, TARGETS_MS["page"]))
    print()
    for what, ms, target in verdicts:
        verdict = "PASS" if ms <= target else "MISS"
        print(f"{verdict}: {what} {ms:.0f} ms, target <= {target:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
