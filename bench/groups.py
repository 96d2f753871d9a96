"""Benchmark of the Groups and Compare pages' core: per-group tables, gaps, rules, paired tests.

Prints a Markdown table (medians over repeats) on 1e6 rows split into 50 groups:

- building every group's sweep from one ordering of the rows (once per group column);
- per threshold move: every group's counts and metrics plus the four gaps, then the same
  with the page's bootstrap intervals (1,000 cell replicates per group);
- per rule: every group's threshold under equal recall, equal FPR, equal flag rate and
  each group's cheapest;
- the paired tests of the Compare page: DeLong's test and McNemar's on 1e6 rows, the
  paired AP bootstrap (500 replicates) on 1e5 rows;

each against scikit-learn doing the same per subset (a boolean mask per group, then its
metric functions or its curves), measured in the same run.

Run::

    .venv/bin/python -m bench.groups
    .venv/bin/python -m bench.groups --repeats 9

This is a benchmark, not a test: it asserts nothing and exits 0; the verdict states
PASS/MISS for the goals: table and gaps <= 100 ms per threshold move, thresholds by rule
<= 300 ms.
"""

from __future__ import annotations

import argparse
import platform
import sys
from collections.abc import Callable

import numpy as np
import sklearn
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from bench.core import fmt_num, markdown_header, median, timed
from metrics_core import (
    Costs,
    average_precision_difference,
    bootstrap_intervals,
    cost_curve,
    delong_test,
    group_gaps,
    group_points,
    group_sweeps,
    group_thresholds,
    mcnemar_test,
)

N, K = 1_000_000, 50
RULE_NAMES = ("equal_recall", "equal_fpr", "equal_flag_rate", "cheapest")
COSTS = Costs(fp=1.0, fn=10.0)


def make_data(n: int, k: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, k, n)
    y = rng.random(n) < 0.05 + 0.2 * codes / k
    s = 1 / (1 + np.exp(-(2.5 * y - 1.5 + rng.normal(0, 1, n) + 0.3 * (codes % 3))))
    s2 = 1 / (1 + np.exp(-(2.0 * y - 1.2 + rng.normal(0, 1, n))))
    return y, s, s2, codes


def _ours_table(sweeps, t: float, with_intervals: bool):
    points = group_points(sweeps, t)
    gaps = group_gaps(points)
    if with_intervals:
        metrics = ("precision", "recall", "fpr", "predicted_positive_rate", "f1")
        for g in range(len(points)):
            cells = (points.tp[g], points.fp[g], points.fn[g], points.tn[g])
            bootstrap_intervals(*cells, metrics, n_boot=1000, seed=g)
    return gaps


def _sk_table(y, s, codes, k: int, t: float):
    out = []
    for g in range(k):
        rows = codes == g
        yy, pred = y[rows], s[rows] >= t
        tn, fp, _fn, _tp = confusion_matrix(yy, pred, labels=[False, True]).ravel()
        out.append(
            (
                precision_score(yy, pred, zero_division=np.nan),
                recall_score(yy, pred, zero_division=np.nan),
                fp / (fp + tn),
                pred.mean(),
                f1_score(yy, pred, zero_division=np.nan),
            )
        )
    values = np.array(out)
    return np.nanmax(values, axis=0) - np.nanmin(values, axis=0)


def _ours_rules(sweeps, t: float):
    return [group_thresholds(sweeps, rule, t, costs=COSTS) for rule in RULE_NAMES]


def _sk_rules(y, s, codes, k: int, t: float):
    """Per subset: scikit-learn's ROC curve, then the closest rate (and the cheapest)."""
    pred = s >= t
    target_recall, target_fpr, target_flag = pred[y].mean(), pred[~y].mean(), pred.mean()
    out = []
    for g in range(k):
        rows = codes == g
        yy, ss = y[rows], s[rows]
        fpr, tpr, th = roc_curve(yy, ss, drop_intermediate=False)
        n_pos, n_neg = yy.sum(), (~yy).sum()
        flag = (tpr * n_pos + fpr * n_neg) / len(yy)
        cost = COSTS.fp * fpr * n_neg + COSTS.fn * (1 - tpr) * n_pos
        out.append(
            (
                th[np.argmin(np.abs(tpr - target_recall))],
                th[np.argmin(np.abs(fpr - target_fpr))],
                th[np.argmin(np.abs(flag - target_flag))],
                th[np.argmin(cost)],
            )
        )
    return out


def _sk_delong_auc(y, a, b):
    # scikit-learn has no paired test: its two AUCs are the naive baseline.
    return roc_auc_score(y, a), roc_auc_score(y, b)


def _row(name: str, ours: list[float], theirs: list[float] | None) -> str:
    m = median(ours)
    if theirs is None:
        return f"| {name} | {fmt_num(m * 1e3)} | – | – |"
    s = median(theirs)
    return f"| {name} | {fmt_num(m * 1e3)} | {fmt_num(s * 1e3)} | {s / m:.1f}× |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    r = args.repeats
    y, s, s2, codes = make_data(N, K)
    thresholds = np.linspace(0.2, 0.8, r)

    def runs(func: Callable[[float], object]) -> list[float]:
        return [timed(lambda t=t: func(float(t))) for t in thresholds]

    build = [timed(lambda: group_sweeps(y, s, codes, K)) for _ in range(r)]
    sweeps = group_sweeps(y, s, codes, K)
    table = runs(lambda t: _ours_table(sweeps, t, False))
    table_ci = runs(lambda t: _ours_table(sweeps, t, True))
    sk_table = runs(lambda t: _sk_table(y, s, codes, K, t))
    rules = runs(lambda t: _ours_rules(sweeps, t))
    sk_rules = runs(lambda t: _sk_rules(y, s, codes, K, t))
    cheapest = runs(lambda t: [cost_curve(sw, COSTS).best for sw in sweeps])
    delong = [timed(lambda: delong_test(y, s, s2)) for _ in range(r)]
    sk_auc = [timed(lambda: _sk_delong_auc(y, s, s2)) for _ in range(r)]
    pa, pb = s >= 0.5, s2 >= 0.5
    mcnemar = [timed(lambda: mcnemar_test(y, pa, pb)) for _ in range(r)]
    m = 100_000
    ap_boot = [
        timed(lambda: average_precision_difference(y[:m], s[:m], s2[:m], n_boot=500))
        for _ in range(max(1, r // 2))
    ]

    print(f"# Groups and paired tests, {N:,} rows, {K} groups (medians of {r} runs)\n")
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}, {platform.machine()}\n"
    )
    print(
        markdown_header(
            (("step", "l"), ("ours, ms", "r"), ("scikit-learn, ms", "r"), ("ratio", "r"))
        )
    )
    print(_row("group sweeps, one ordering (once per column)", build, None))
    print(_row("per threshold move: table + 4 gaps", table, sk_table))
    print(_row("per threshold move: same + bootstrap intervals", table_ci, sk_table))
    print(_row("thresholds by rule: 4 rules", rules, sk_rules))
    print(_row("  of which each group's cheapest", cheapest, None))
    print(_row("DeLong paired test (scikit-learn: two AUCs, no test)", delong, sk_auc))
    print(_row("McNemar at two thresholds", mcnemar, None))
    print(_row("paired AP bootstrap, 1e5 rows, 500 replicates", ap_boot, None))
    ok_table = median(table_ci) <= 0.100
    ok_rules = median(rules) <= 0.300
    print(
        f"\nVerdict: table and gaps with intervals per move "
        f"{'PASS' if ok_table else 'MISS'} (goal 100 ms), thresholds by rule "
        f"{'PASS' if ok_rules else 'MISS'} (goal 300 ms, all four rules together)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
