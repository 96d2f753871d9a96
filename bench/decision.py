"""Benchmark of the decision tools (costs, capacity, base rate, intervals, comparisons).

Prints a Markdown table (medians over repeats) of, for each size and share of
positives, the time of each control on a sweep that is already built (and
cached, as the app holds it):

- (a) ``cost_curve`` over every candidate threshold, with its cheapest one;
- (b) the same with per-row amounts: ``cost_curve(scores=..., amounts=...)``
  with the positives' scores and amounts in row order, which sorts them and
  sums them below every candidate (``sum_below``); (b') the same with the
  positives already in score order, as the app caches them per amount column
  (the sort then meets sorted data); (a') what a change of cost costs the page: the
  curve it caches per amount column repriced with ``CostCurve.with_costs``;
- (c) ``threshold_for_fpr``, ``threshold_for_capacity``, ``threshold_for_precision``;
  (c') what a change of constraint costs the page: all four rules from the
  ``ThresholdSearch`` it caches per data set;
- (d) ``at_prevalence`` over the whole sweep, then precision at every threshold;
- (e) ``bootstrap_intervals`` for every metric at one threshold, ``n_boot=2000``;
- (f) ``roc_auc_interval`` + ``average_precision_interval``; (f') what a change of
  confidence level costs the page: ``roc_auc_interval`` with ``roc_auc_delong``'s part
  cached;
- (g) ``compare_thresholds`` between two thresholds;

each as a ratio to ``np.sort`` of the same scores, measured in the same run,
and against scikit-learn doing the equivalent naive work where there is one.

Run::

    .venv/bin/python -m bench.decision                 # 1e5 and 1e6, ~1 min
    .venv/bin/python -m bench.decision --big           # also 1e7
    .venv/bin/python -m bench.decision --repeats 9

This is a benchmark, not a test: it asserts nothing and exits 0; the verdict
states PASS/MISS for the goals at n = 1e6: every control under 50 ms once the
sweep is cached, and the intervals under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    precision_recall_curve,
    precision_score,
    roc_auc_score,
    roc_curve,
)

from bench.core import fmt_n, fmt_num, fmt_x, markdown_header, median, timed
from metrics_core import (
    Costs,
    ThresholdSearch,
    at_prevalence,
    average_precision_interval,
    bootstrap_intervals,
    compare_thresholds,
    cost_curve,
    roc_auc_delong,
    roc_auc_interval,
    sweep,
    threshold_for_capacity,
    threshold_for_fpr,
    threshold_for_precision,
)
from metrics_core.metrics import precision

SEED = 20_240_601
DEFAULT_SIZES = (10**5, 10**6)
BIG = 10**7
PREVALENCES = (0.01, 0.5)
GOAL_N = 10**6
CONTROL_MS = 50.0  # every control, sweep cached, at 1e6 rows
INTERVAL_MS = 1000.0  # every interval at 1e6 rows
N_BOOT = 2000
SK_BOOT_REPLICATES = 5  # row-level bootstrap replicates timed, then scaled to N_BOOT
COSTS = Costs(fp=5.0, fn=100.0, tp=0.0, tn=0.0)
COSTS_CHANGED = Costs(fp=5.0, fn=120.0, tp=0.0, tn=0.0)
DEPLOY_PREVALENCE = 0.001


@dataclass(frozen=True)
class Case:
    n: int
    prevalence: float


@dataclass
class Data:
    """The rows, and what the app keeps cached once they are loaded."""

    y: np.ndarray
    s: np.ndarray
    amount: np.ndarray
    sw: object
    pos_scores: np.ndarray  # the positives in row order
    pos_amounts: np.ndarray
    sorted_scores: np.ndarray  # the positives in score order, cached as the app does
    sorted_amounts: np.ndarray
    t: float  # a working threshold: the top 2% of rows flagged
    t2: float  # another: the top 5%
    capacity: int
    priced: object  # the first cost curve with amounts, repriced, as the app caches it
    search: object  # the constraints' index, cached per data set as the app does
    delong: tuple[float, float]  # the level-free part of the ROC AUC interval, cached


def make_data(case: Case) -> Data:
    """Float64 probabilities, informative for the labels, and per-row amounts."""
    rng = np.random.default_rng([SEED, case.n, round(case.prevalence * 1000)])
    y = rng.random(case.n) < case.prevalence
    s = 1 / (1 + np.exp(-(rng.standard_normal(case.n) + 1.5 * y - 2.0)))
    amount = rng.lognormal(3.0, 1.0, case.n)
    sw = sweep(y, s)
    _ = sw.fn, sw.tn  # cached properties: part of the cached sweep
    ordered = np.sort(s)[::-1]
    by_score = np.argsort(s[y], kind="stable")
    return Data(
        y=y,
        s=s,
        amount=amount,
        sw=sw,
        pos_scores=s[y],
        pos_amounts=amount[y],
        sorted_scores=s[y][by_score],
        sorted_amounts=amount[y][by_score],
        t=float(ordered[case.n // 50]),
        t2=float(ordered[case.n // 20]),
        capacity=case.n // 100,
        priced=cost_curve(sw, COSTS, scores=s[y][by_score], amounts=amount[y][by_score]).with_costs(
            COSTS
        ),
        search=ThresholdSearch(sw),
        delong=roc_auc_delong(sw),
    )


# --- what is timed ----------------------------------------------------------------------


def ours_cost(d: Data):
    return cost_curve(d.sw, COSTS).best


def ours_cost_amounts(d: Data):
    return cost_curve(d.sw, COSTS, scores=d.pos_scores, amounts=d.pos_amounts).best


def ours_cost_cached_amounts(d: Data):
    return cost_curve(d.sw, COSTS, scores=d.sorted_scores, amounts=d.sorted_amounts).best


def ours_repriced(d: Data):
    """A change of cost on the page: the cached curve repriced, its cheapest threshold."""
    return d.priced.with_costs(COSTS_CHANGED).best


def ours_searched(d: Data):
    """A change of constraint on the page: the four rules from the cached index."""
    s = d.search
    return s.for_precision(0.5), s.for_recall(0.8), s.for_fpr(0.01), s.for_capacity(d.capacity)


def ours_areas_level(d: Data):
    """A change of confidence level on the page: DeLong's part cached, AP given."""
    return roc_auc_interval(d.sw, 0.9, delong=d.delong)


def ours_prevalence(d: Data):
    sw = d.sw
    return precision(*at_prevalence(sw.tp, sw.fp, sw.fn, sw.tn, DEPLOY_PREVALENCE))


def ours_bootstrap(d: Data):
    p = d.sw.at(d.t)
    return bootstrap_intervals(p.tp, p.fp, p.fn, p.tn, n_boot=N_BOOT)


def ours_areas(d: Data):
    return roc_auc_interval(d.sw), average_precision_interval(d.sw)


def sk_one_cost(d: Data):
    """One cost evaluation, the naive way: counts at one threshold with sklearn."""
    tn, fp, fn, tp = confusion_matrix(d.y, d.s >= d.t).ravel()
    return COSTS.fp * fp + COSTS.fn * fn - COSTS.tp * tp - COSTS.tn * tn


def sk_one_cost_amounts(d: Data):
    missed = d.amount[d.y & (d.s < d.t)].sum()
    return sk_one_cost(d) + missed


def sk_fpr(d: Data):
    fpr, tpr, thr = roc_curve(d.y, d.s)
    ok = np.flatnonzero(fpr <= 0.01)
    return thr[ok[np.argmax(tpr[ok])]]


def sk_precision(d: Data):
    prec, rec, thr = precision_recall_curve(d.y, d.s)
    ok = np.flatnonzero(prec[:-1] >= 0.5)
    return thr[ok[np.argmax(rec[:-1][ok])]] if ok.size else None


def sk_prevalence(d: Data):
    """Precision at one threshold with rows re-weighted to the deployment base rate."""
    n_pos = np.count_nonzero(d.y)
    w = np.where(d.y, DEPLOY_PREVALENCE / n_pos, (1 - DEPLOY_PREVALENCE) / (d.y.size - n_pos))
    return precision_score(d.y, d.s >= d.t, sample_weight=w, zero_division=np.nan)


def sk_bootstrap_replicate(d: Data, rng: np.random.Generator, pred: np.ndarray):
    """One row-level bootstrap replicate: resample rows, then sklearn's counts."""
    idx = rng.integers(0, d.y.size, d.y.size)
    return confusion_matrix(d.y[idx], pred[idx])


def sk_areas(d: Data):
    return roc_auc_score(d.y, d.s), average_precision_score(d.y, d.s)


def sk_compare(d: Data):
    """Cell of every row at both thresholds, cross-tabulated by sklearn."""
    a = 2 * d.y + (d.s >= d.t)
    b = 2 * d.y + (d.s >= d.t2)
    return confusion_matrix(a, b, labels=[0, 1, 2, 3])


@dataclass(frozen=True)
class Op:
    key: str
    label: str
    kind: str  # "control" or "interval"
    ours: Callable[[Data], object]
    sk_label: str = ""
    sk: Callable[[Data], object] | None = None


OPS = (
    Op("a", "(a) cost_curve + best", "control", ours_cost, "1 cost: confusion_matrix", sk_one_cost),
    Op(
        "b",
        "(b) cost_curve with amounts",
        "control",
        ours_cost_amounts,
        "1 cost: confusion_matrix + amounts",
        sk_one_cost_amounts,
    ),
    Op(
        "b2",
        "(b') cost_curve, amounts in score order",
        "control",
        ours_cost_cached_amounts,
        "1 cost: confusion_matrix + amounts",
        sk_one_cost_amounts,
    ),
    Op(
        "a2",
        "(a') a new cost: cached curve repriced (with_costs)",
        "control",
        ours_repriced,
        "1 cost: confusion_matrix + amounts",
        sk_one_cost_amounts,
    ),
    Op(
        "c1",
        "(c) threshold_for_fpr(0.01)",
        "control",
        lambda d: threshold_for_fpr(d.sw, 0.01),
        "roc_curve + pick",
        sk_fpr,
    ),
    Op(
        "c2",
        "(c) threshold_for_capacity(1%)",
        "control",
        lambda d: threshold_for_capacity(d.sw, d.capacity),
    ),
    Op(
        "c3",
        "(c) threshold_for_precision(0.5)",
        "control",
        lambda d: threshold_for_precision(d.sw, 0.5),
        "precision_recall_curve + pick",
        sk_precision,
    ),
    Op(
        "c4",
        "(c') four constraints, cached ThresholdSearch",
        "control",
        ours_searched,
        "precision_recall_curve + pick",
        sk_precision,
    ),
    Op(
        "d",
        "(d) at_prevalence + precision (sweep)",
        "control",
        ours_prevalence,
        "1 threshold: precision_score reweighted",
        sk_prevalence,
    ),
    Op(
        "e",
        f"(e) bootstrap_intervals all, n_boot={N_BOOT}",
        "interval",
        ours_bootstrap,
        f"row bootstrap x{N_BOOT} (extrapolated)",
        None,  # timed per replicate, see run_case
    ),
    Op(
        "f",
        "(f) roc_auc_ + average_precision_interval",
        "interval",
        ours_areas,
        "roc_auc_score + average_precision_score",
        sk_areas,
    ),
    Op(
        "f2",
        "(f') ROC AUC interval at another level, DeLong cached",
        "control",
        ours_areas_level,
        "roc_auc_score",
        lambda d: roc_auc_score(d.y, d.s),
    ),
    Op(
        "g",
        "(g) compare_thresholds",
        "control",
        lambda d: compare_thresholds(d.sw, d.t, d.t2),
        "confusion_matrix of cells at a vs b",
        sk_compare,
    ),
)


@dataclass
class Row:
    case: Case
    label: str
    ms: float
    sort_ms: float
    sk_label: str = ""
    sk_ms: float = float("nan")
    kind: str = ""  # "control", "interval" or "" (context rows)

    @property
    def goal_ms(self) -> float:
        return {"control": CONTROL_MS, "interval": INTERVAL_MS}.get(self.kind, float("nan"))

    @property
    def passed(self) -> bool:
        return self.ms < self.goal_ms


def sk_repeats(n: int, repeats: int) -> int:
    """scikit-learn's naive work is slow at large n: fewer repeats there."""
    if n >= BIG:
        return 1
    if n >= GOAL_N:
        return min(repeats, 3)
    return repeats


def run_case(case: Case, repeats: int) -> list[Row]:
    d = make_data(case)
    sk_reps = sk_repeats(case.n, repeats)
    sort_t: list[float] = []
    sweep_t: list[float] = []
    ours_t: dict[str, list[float]] = {op.key: [] for op in OPS}
    sk_t: dict[str, list[float]] = {op.key: [] for op in OPS}
    # Interleave everything so a change of machine load hits all columns alike.
    for r in range(repeats):
        sort_t.append(timed(lambda: np.sort(d.s)))
        sweep_t.append(timed(lambda: sweep(d.y, d.s)))
        for op in OPS:
            ours_t[op.key].append(timed(lambda op=op: op.ours(d)))
            if r < sk_reps and op.sk is not None:
                sk_t[op.key].append(timed(lambda op=op: op.sk(d)))
    # The row-level bootstrap: a few replicates timed one by one, scaled to N_BOOT.
    rng = np.random.default_rng([SEED, case.n, 7])
    pred = d.s >= d.t
    n_rep = SK_BOOT_REPLICATES if case.n < BIG else 2
    per_rep = [timed(lambda: sk_bootstrap_replicate(d, rng, pred)) for _ in range(n_rep)]
    sk_t["e"] = [median(per_rep) * N_BOOT]

    sort_ms = median(sort_t) * 1e3
    rows = [
        Row(case, "np.sort of the scores (floor)", sort_ms, sort_ms),
        Row(case, "sweep build (once; cached after)", median(sweep_t) * 1e3, sort_ms),
    ]
    for op in OPS:
        rows.append(
            Row(
                case,
                op.label,
                median(ours_t[op.key]) * 1e3,
                sort_ms,
                op.sk_label,
                median(sk_t[op.key]) * 1e3,
                op.kind,
            )
        )
    return rows


# --- output --------------------------------------------------------------------------------

COLUMNS = (
    ("n", "r"),
    ("prev", "r"),
    ("operation", "l"),
    ("ms", "r"),
    ("x np.sort", "r"),
    ("scikit-learn equivalent", "l"),
    ("sklearn ms", "r"),
    ("sklearn / ours", "r"),
    ("goal", "r"),
    ("verdict", "l"),
)


def table_header() -> str:
    return markdown_header(COLUMNS)


def table_row(r: Row) -> str:
    has_sk = bool(r.sk_label) and np.isfinite(r.sk_ms)
    approx = "~" if "extrapolated" in r.sk_label else ""
    cells = (
        fmt_n(r.case.n),
        f"{r.case.prevalence:.0%}",
        r.label,
        fmt_num(r.ms),
        fmt_x(r.ms / r.sort_ms),
        r.sk_label or "—",
        approx + fmt_num(r.sk_ms) if has_sk else "—",
        approx + fmt_x(r.sk_ms / r.ms) if has_sk else "—",
        f"< {r.goal_ms:,.0f} ms" if r.kind else "—",
        ("PASS" if r.passed else "MISS") if r.kind else "—",
    )
    return "| " + " | ".join(cells) + " |"


def legend(repeats: int, sizes: list[int]) -> str:
    sk = "; ".join(f"{fmt_n(n)}: {sk_repeats(n, repeats)}" for n in sizes)
    return "\n".join(
        [
            "Legend (all times are medians over repeats; ratios are of medians):",
            "- data: float64 scores = logistic(N(0,1) + 1.5·y − 2), all distinct; labels "
            "bool with the given share of positives (prev); amounts lognormal(3, 1) per row.",
            "- every control runs on a sweep built beforehand, with its fn/tn arrays "
            "already computed (the app caches it); sweep build is shown once for context.",
            "- (b) sorts the positives' scores (inside cost_curve, by sum_below) each call; "
            "(b') passes them already in score order, as the app caches them once per amount "
            "column, so that sort is a linear pass; "
            "(d) re-weights the whole sweep to 0.1% positives, then precision at every "
            "threshold; (e) bootstraps the counts at the threshold flagging the top 2% "
            "(all 19 metrics); (g) compares the top-2% and top-5% thresholds.",
            "- x np.sort = time / np.sort of the same scores (copy + sort), same run.",
            "- scikit-learn equivalent: the naive way to get the same answer. For (a), (b), "
            "(b') and (d) it is ONE threshold only (the full curve would repeat it at every "
            "distinct score); for (e) one row-level bootstrap replicate (resample rows, "
            f"confusion_matrix) is timed {SK_BOOT_REPLICATES} times and its median scaled "
            f"to {N_BOOT} replicates (~); for (f) sklearn gives point estimates only, no "
            "interval; (c) threshold_for_capacity has no scikit-learn counterpart.",
            f"- goal: controls < {CONTROL_MS:g} ms and intervals < {INTERVAL_MS:,.0f} ms "
            f"at n = {fmt_n(GOAL_N)} (PASS/MISS shown at every n for reference).",
            f"- repeats: {repeats} for metrics_core and np.sort; scikit-learn per n: {sk}. "
            "GC is collected before and disabled during each timed call; operations are "
            "interleaved within each case.",
        ]
    )


def verdict(rows: list[Row]) -> str:
    at_goal = [r for r in rows if r.case.n == GOAL_N and r.kind]
    if not at_goal:
        return f"Verdict: no run at n={fmt_n(GOAL_N)}; the goals are stated for that size."
    lines = [f"Verdict at n={fmt_n(GOAL_N)}:"]
    for kind, goal in (("control", CONTROL_MS), ("interval", INTERVAL_MS)):
        mine = [r for r in at_goal if r.kind == kind]
        worst = max(mine, key=lambda r: r.ms)
        missed = [
            f"{r.label} @ {r.case.prevalence:.0%} ({fmt_num(r.ms)} ms)"
            for r in mine
            if not r.passed
        ]
        lines.append(
            f"- every {kind} < {goal:,.0f} ms: {'PASS' if not missed else 'MISS'} "
            f"(worst {fmt_num(worst.ms)} ms: {worst.label} @ {worst.case.prevalence:.0%})"
            + (f"; missed: {', '.join(missed)}" if missed else "")
        )
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big", action="store_true", help="also n = 1e7")
    parser.add_argument("--repeats", type=int, default=7, help="default 7")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    sizes = [*DEFAULT_SIZES, BIG] if args.big else list(DEFAULT_SIZES)

    warnings.simplefilter("ignore")  # e.g. undefined metrics in bootstrap replicates
    start = time.perf_counter()
    run_case(Case(5_000, 0.5), 1)  # warm up imports and first-call paths
    gc.collect()
    gc.freeze()

    print(
        f"# metrics_core.decision benchmark — numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}, "
        f"{_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, "
        f"repeats {args.repeats}, sizes {','.join(fmt_n(n) for n in sizes)}"
    )
    print()
    print(table_header(), flush=True)
    rows: list[Row] = []
    for n in sizes:
        for p in PREVALENCES:
            t0 = time.perf_counter()
            case_rows = run_case(Case(n, p), args.repeats)
            rows.extend(case_rows)
            for r in case_rows:
                print(table_row(r), flush=True)
            print(
                f"  [{fmt_n(n)} {p:.0%}: {time.perf_counter() - t0:.1f} s]",
                file=sys.stderr,
                flush=True,
            )
            gc.collect()
    print()
    print(legend(args.repeats, sizes))
    print()
    print(verdict(rows))
    print()
    print(f"Total runtime: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
