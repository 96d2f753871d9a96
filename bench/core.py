"""Benchmark of the threshold sweep against np.sort and scikit-learn.

Prints a Markdown table (medians over repeats) of, for each size and kind of
scores:

- ``np.sort`` of the same scores: the floor any exact sweep must pay;
- ``metrics_core.sweep`` build time and its ratio to that floor;
- one ``Sweep.at(t)`` lookup, the cost of one slider move with a sweep;
- scikit-learn's ``roc_curve`` + ``precision_recall_curve`` on the same data;
- the "naive slider move": ``precision_score``, ``recall_score``,
  ``f1_score`` and ``confusion_matrix`` on ``scores >= t`` for one threshold;
- peak extra memory (``tracemalloc``) of the sweep build and of the two
  scikit-learn curves, in bytes per row.

Run::

    .venv/bin/python -m bench.core                     # 1e4 .. 1e7, ~10 min
    .venv/bin/python -m bench.core --quick             # 1e4, 1e5, 3 repeats
    .venv/bin/python -m bench.core --sizes 1e6 --repeats 7

This is a benchmark, not a test: it asserts nothing and exits 0; the verdict
line states PASS/FAIL for the performance targets at n = 1e7.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import platform
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sklearn
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_curve,
)

from metrics_core import sweep

SEED = 20_240_601
DEFAULT_SIZES = (10**4, 10**5, 10**6, 10**7)
QUICK_SIZES = (10**4, 10**5)
KINDS = ("float64", "logit", "float32", "tied")
PREVALENCES = (0.01, 0.5)
N_AT = 10_000  # thresholds timed one by one for at()
BIG = 10**7  # from this size on, slow scikit-learn cases get fewer repeats

# Targets at n = 1e7.
TARGET_X_SORT = 3.0
TARGET_WEIGHTED_X_SORT = 6.0
TARGET_AT_US = 50.0
TARGET_B_PER_ROW = 40.0


@dataclass(frozen=True)
class Case:
    n: int
    kind: str
    prevalence: float
    weighted: bool = False

    @property
    def label(self) -> str:
        return f"{self.kind} +w" if self.weighted else self.kind


@dataclass
class Result:
    case: Case
    sort_ms: float
    sweep_ms: float
    at_us: float
    sk_ms: float
    naive_ms: float
    sweep_bpr: float
    sk_bpr: float
    reps: dict[str, int] = field(default_factory=dict)

    @property
    def x_sort(self) -> float:
        return self.sweep_ms / self.sort_ms

    @property
    def sk_x_sort(self) -> float:
        return self.sk_ms / self.sort_ms

    @property
    def naive_x_at(self) -> float:
        return self.naive_ms * 1e3 / self.at_us


# --- data ---------------------------------------------------------------------------


def make_data(case: Case) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Labels (bool), scores and optional weights, reproducible per case."""
    kind_id = KINDS.index(case.kind)
    rng = np.random.default_rng(
        [SEED, case.n, kind_id, round(case.prevalence * 1000), int(case.weighted)]
    )
    y = rng.random(case.n) < case.prevalence
    if case.kind == "float64":
        s = rng.random(case.n)
    elif case.kind == "logit":
        s = rng.standard_normal(case.n) * 2.0
    elif case.kind == "float32":
        s = rng.random(case.n, dtype=np.float32)
    elif case.kind == "tied":
        s = np.round(rng.random(case.n), 2)
    else:
        raise ValueError(case.kind)
    w = rng.uniform(0.1, 10.0, case.n) if case.weighted else None
    return y, s, w


# --- timing helpers -----------------------------------------------------------------


def timed(func: Callable[[], object]) -> float:
    """Seconds taken by one call, with the garbage collector off."""
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        out = func()
        elapsed = time.perf_counter() - t0
    finally:
        gc.enable()
    del out
    return elapsed


def peak_bytes(func: Callable[[], object]) -> int:
    """Peak memory traced during ``func()`` above what was traced before it."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        out = func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del out
    gc.collect()
    return peak - before


def median(values: list[float]) -> float:
    return float(np.median(values)) if values else float("nan")


# --- the measured operations ---------------------------------------------------------


def sk_curves(y: np.ndarray, s: np.ndarray, w: np.ndarray | None) -> tuple:
    return (
        roc_curve(y, s, sample_weight=w),
        precision_recall_curve(y, s, sample_weight=w),
    )


def naive_move(y: np.ndarray, s: np.ndarray, w: np.ndarray | None, t: float) -> tuple:
    """What an app does with scikit-learn on every slider move."""
    pred = s >= t
    return (
        precision_score(y, pred, sample_weight=w, zero_division=0),
        recall_score(y, pred, sample_weight=w, zero_division=0),
        f1_score(y, pred, sample_weight=w, zero_division=0),
        confusion_matrix(y, pred, sample_weight=w),
    )


def time_at(sw, thresholds: list[float]) -> float:
    """Median microseconds of one ``sw.at(t)``, each call timed on its own."""
    at = sw.at
    clock = time.perf_counter_ns
    out = np.empty(len(thresholds))
    gc.collect()
    gc.disable()
    try:
        for i, t in enumerate(thresholds):
            t0 = clock()
            at(t)
            out[i] = clock() - t0
    finally:
        gc.enable()
    return float(np.median(out)) / 1e3


def repeats_for(n: int, repeats: int) -> dict[str, int]:
    """Repeats per column: the slow scikit-learn columns get fewer at large n.

    At 1e7 one scikit-learn curve pair takes 10-15 s and one naive move 7-9 s
    on 2 cores, so they are capped to keep the full run near 10 minutes.
    """
    if n >= BIG:
        return {"core": repeats, "sk": min(repeats, 2), "naive": 1}
    if n >= BIG // 10:
        return {"core": repeats, "sk": min(repeats, 3), "naive": min(repeats, 3)}
    return {"core": repeats, "sk": repeats, "naive": repeats}


def run_case(case: Case, repeats: int, n_at: int) -> Result:
    y, s, w = make_data(case)
    reps = repeats_for(case.n, repeats)
    rng = np.random.default_rng([SEED, case.n, 99])
    lo, hi = float(s.min()), float(s.max())
    move_thresholds = rng.uniform(lo, hi, reps["naive"]).tolist()

    # at() is timed on a sweep built beforehand, in one block of thresholds per
    # repeat; the reported value is the median of the block medians.
    sw = sweep(y, s, sample_weight=w)
    blocks = np.array_split(rng.uniform(lo, hi, n_at), reps["core"])
    sort_t: list[float] = []
    sweep_t: list[float] = []
    at_t: list[float] = []
    sk_t: list[float] = []
    naive_t: list[float] = []
    # Interleave the columns so a change of machine load hits all of them alike.
    for r in range(max(reps.values())):
        if r < reps["core"]:
            sort_t.append(timed(lambda: np.sort(s)))
            sweep_t.append(timed(lambda: sweep(y, s, sample_weight=w)))
            at_t.append(time_at(sw, blocks[r].tolist()))
        if r < reps["sk"]:
            sk_t.append(timed(lambda: sk_curves(y, s, w)))
        if r < reps["naive"]:
            t = move_thresholds[r]
            naive_t.append(timed(lambda t=t: naive_move(y, s, w, t)))
    del sw
    gc.collect()

    sweep_bpr = peak_bytes(lambda: sweep(y, s, sample_weight=w)) / case.n
    sk_bpr = peak_bytes(lambda: sk_curves(y, s, w)) / case.n
    # y, s and w are freed on return (the caller collects garbage between cases).
    return Result(
        case=case,
        sort_ms=median(sort_t) * 1e3,
        sweep_ms=median(sweep_t) * 1e3,
        at_us=median(at_t),
        sk_ms=median(sk_t) * 1e3,
        naive_ms=median(naive_t) * 1e3,
        sweep_bpr=sweep_bpr,
        sk_bpr=sk_bpr,
        reps=reps,
    )


def cases_for(n: int) -> list[Case]:
    out = [Case(n, kind, p) for kind in KINDS for p in PREVALENCES]
    out.append(Case(n, "float64", 0.01, weighted=True))
    return out


# --- output ---------------------------------------------------------------------------


def fmt_n(n: int) -> str:
    e = len(str(n)) - 1
    return f"1e{e}" if n == 10**e else f"{n:,}"


def fmt_num(v: float) -> str:
    """Three significant digits, no exponent for ordinary magnitudes."""
    if not np.isfinite(v):
        return "n/a"
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def fmt_x(v: float) -> str:
    if not np.isfinite(v):
        return "n/a"
    if v >= 100:
        return f"{v:,.0f}x"
    return f"{v:.1f}x" if v >= 10 else f"{v:.2f}x"


COLUMNS = (
    ("n", "r"),
    ("scores", "l"),
    ("prev", "r"),
    ("np.sort ms", "r"),
    ("sweep ms", "r"),
    ("x sort", "r"),
    ("at() µs", "r"),
    ("sklearn curves ms", "r"),
    ("x sort", "r"),
    ("naive move ms", "r"),
    ("x at()", "r"),
    ("sweep B/row", "r"),
    ("sklearn B/row", "r"),
)


def markdown_header(columns: tuple[tuple[str, str], ...]) -> str:
    """Header and rule of a Markdown table; each column is (name, "l" or "r")."""
    names = "| " + " | ".join(name for name, _ in columns) + " |"
    rule = "|" + "|".join("---:" if a == "r" else ":---" for _, a in columns) + "|"
    return names + "\n" + rule


def table_header() -> str:
    return markdown_header(COLUMNS)


def table_row(r: Result) -> str:
    c = r.case
    cells = (
        fmt_n(c.n),
        c.label,
        f"{c.prevalence:.0%}",
        fmt_num(r.sort_ms),
        fmt_num(r.sweep_ms),
        fmt_x(r.x_sort),
        fmt_num(r.at_us),
        fmt_num(r.sk_ms),
        fmt_x(r.sk_x_sort),
        fmt_num(r.naive_ms),
        fmt_x(r.naive_x_at),
        f"{r.sweep_bpr:.1f}",
        f"{r.sk_bpr:.1f}",
    )
    return "| " + " | ".join(cells) + " |"


def legend(repeats: int, sizes: list[int], n_at: int) -> str:
    reps = "; ".join(
        f"{fmt_n(n)}: " + "/".join(str(v) for v in repeats_for(n, repeats).values()) for n in sizes
    )
    return "\n".join(
        [
            "Legend (all times are medians; ratios are of medians):",
            "- scores: float64 = uniform probabilities in [0, 1); logit = float64 normal "
            "(sd 2, both signs); float32 = probabilities as float32; tied = probabilities "
            "rounded to 2 decimals (101 distinct values); +w = random weights in "
            "[0.1, 10) (weighted path). Labels are bool, independent of the scores; "
            "prev = share of positives.",
            "- np.sort ms: np.sort of the same scores (copy + sort), the floor; "
            "sweep ms: metrics_core.sweep(y, s[, sample_weight]) incl. input checks; "
            "x sort = sweep / np.sort.",
            "- at() µs: one Sweep.at(t) call (counts + OperatingPoint), each call timed on "
            f"its own; {n_at:,} uniform random thresholds in [min, max] of the scores, in "
            "one block per repeat; median of the block medians.",
            "- sklearn curves ms: sklearn.metrics.roc_curve + precision_recall_curve, "
            "default arguments (plus sample_weight for +w); x sort = that / np.sort.",
            "- naive move ms: one slider move done with scikit-learn: pred = scores >= t, "
            "then precision_score, recall_score, f1_score and confusion_matrix; "
            "x at() = naive move / at().",
            "- B/row: peak tracemalloc memory during the call above what was allocated "
            "before it, divided by n (includes the returned result; the inputs are not "
            "counted). sklearn = both curves computed and kept.",
            f"- repeats (sort+sweep / sklearn curves / naive move) per n: {reps}. "
            "Each B/row column comes from one extra, untimed run under tracemalloc. "
            "GC is collected before and disabled during each timed call; columns are "
            "interleaved within each case.",
        ]
    )


def verdict(results: list[Result]) -> str:
    if not results:
        return "Verdict: no results."
    n = max(r.case.n for r in results)
    at_n = [r for r in results if r.case.n == n]
    unweighted = [r for r in at_n if not r.case.weighted]
    note = "" if n == BIG else f" [targets are for n=1e7; largest n run here: {fmt_n(n)}]"

    def pf(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    def name(r: Result) -> str:
        return f"{r.case.label}/{r.case.prevalence:.0%}"

    def by_kind(kind: str) -> float:
        return max((r.sweep_bpr for r in unweighted if r.case.kind == kind), default=np.nan)

    main = [r for r in unweighted if r.case.kind in ("float64", "logit")]
    other = [r for r in unweighted if r.case.kind not in ("float64", "logit")]
    worst_main = max(r.x_sort for r in main)
    build = ", ".join(f"{r.case.kind}/{r.case.prevalence:.0%} {r.x_sort:.2f}x" for r in main)
    build_other = ", ".join(
        f"{r.case.kind}/{r.case.prevalence:.0%} {r.x_sort:.2f}x [{pf(r.x_sort <= TARGET_X_SORT)}]"
        for r in other
    )
    worst_at = max(at_n, key=lambda r: r.at_us)
    worst_mem = max(unweighted, key=lambda r: r.sweep_bpr)
    weighted = [r for r in at_n if r.case.weighted]
    w_info = (
        f"; weighted build <= {TARGET_WEIGHTED_X_SORT:g}x np.sort "
        f"{pf(weighted[0].x_sort <= TARGET_WEIGHTED_X_SORT)} ({weighted[0].x_sort:.2f}x, "
        f"{weighted[0].sweep_bpr:.1f} B/row)"
        if weighted
        else ""
    )
    return (
        f"Verdict at n={fmt_n(n)}{note}: "
        f"build <= {TARGET_X_SORT:g}x np.sort (float64, logit) "
        f"{pf(worst_main <= TARGET_X_SORT)} (worst {worst_main:.2f}x: {build}; "
        f"also float32/tied: {build_other}); "
        f"at() <= {TARGET_AT_US:g} µs {pf(worst_at.at_us <= TARGET_AT_US)} "
        f"(worst median {worst_at.at_us:.1f} µs, {name(worst_at)}); "
        f"peak memory <= {TARGET_B_PER_ROW:g} B/row "
        f"{pf(worst_mem.sweep_bpr <= TARGET_B_PER_ROW)} (worst unweighted "
        f"{worst_mem.sweep_bpr:.1f} B/row, {name(worst_mem)}; "
        f"float64 {by_kind('float64'):.1f}, logit {by_kind('logit'):.1f}, "
        f"float32 {by_kind('float32'):.1f}, tied {by_kind('tied'):.1f}){w_info}."
    )


# --- main -------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    sizes = [int(float(x)) for x in text.split(",") if x.strip()]
    if not sizes or any(n < 10 for n in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be integers >= 10; got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=None, help="comma list, default 1e4,1e5,1e6,1e7"
    )
    parser.add_argument("--repeats", type=int, default=None, help="default 5 (3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="sizes 1e4,1e5 and 3 repeats")
    parser.add_argument("--at-samples", type=int, default=N_AT, help="thresholds for at()")
    args = parser.parse_args(argv)
    sizes = args.sizes or list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    repeats = args.repeats or (3 if args.quick else 5)
    if repeats < 1:
        parser.error("--repeats must be >= 1")

    warnings.simplefilter("ignore")  # e.g. undefined precision at extreme thresholds
    start = time.perf_counter()
    # Warm up imports and first-call paths of every measured function.
    run_case(Case(2_000, "float64", 0.5, weighted=True), 1, 100)
    run_case(Case(2_000, "logit", 0.5), 1, 100)
    gc.collect()
    gc.freeze()  # long-lived objects (imports) out of the way: gc.collect() gets cheap

    print(
        f"# metrics_core.sweep benchmark — numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}, "
        f"{_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"repeats {repeats}, sizes {','.join(fmt_n(n) for n in sizes)}"
    )
    print()
    print(table_header(), flush=True)
    results: list[Result] = []
    for n in sizes:
        for case in cases_for(n):
            t0 = time.perf_counter()
            res = run_case(case, repeats, args.at_samples)
            results.append(res)
            print(table_row(res), flush=True)
            print(
                f"  [{fmt_n(n)} {case.label} {case.prevalence:.0%}: "
                f"{time.perf_counter() - t0:.1f} s]",
                file=sys.stderr,
                flush=True,
            )
            gc.collect()
    print()
    print(legend(repeats, sizes, args.at_samples))
    print()
    print(verdict(results))
    print()
    print(f"Total runtime: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
