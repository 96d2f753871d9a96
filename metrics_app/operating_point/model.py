"""What the operating-point page shows: costs, constraints, base rate, intervals, cards.

Every number comes from :mod:`metrics_core` over the cached sweep; this
module shapes it into small frames and messages. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.data import row_positions
from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import Analysis
from metrics_core import (
    METRICS,
    CostBreakdown,
    CostCurve,
    Costs,
    Interval,
    OperatingPoint,
    Sweep,
    ThresholdChoice,
    Transition,
    at_prevalence,
    bootstrap_intervals,
    cost_curve,
    sum_below,
    sweep_sample,
    threshold_for_capacity,
    threshold_for_fpr,
    threshold_for_precision,
    threshold_for_recall,
)

#: Metrics given a confidence interval, with their display names.
INTERVAL_METRICS: dict[str, str] = {
    "precision": "Precision",
    "recall": "Recall",
    "f1": "F1",
    "accuracy": "Accuracy",
    "specificity": "Specificity",
    "fpr": "FPR",
    "npv": "NPV",
    "balanced_accuracy": "Balanced acc.",
    "mcc": "MCC",
    "cohen_kappa": "Cohen's κ",
}


def _candidates(sw: Sweep) -> np.ndarray:
    """Candidate thresholds of a cost curve: flag nothing, then every distinct score."""
    return np.concatenate(([np.nextafter(float(sw.thresholds[0]), np.inf)], sw.thresholds))


def missed_amounts(an: Analysis, amounts: np.ndarray) -> np.ndarray:
    """Amount lost to missed positives at every cost-curve candidate threshold.

    ``amounts`` is one value per used row (see :func:`metrics_app.io.read_amounts`);
    with a weight column each row's amount counts ``weight`` times.
    """
    prep = an.prepared
    values = amounts if prep.weights is None else amounts * prep.weights
    return sum_below(prep.scores[prep.y], values[prep.y], _candidates(an.sweep))


def costs_curve(an: Analysis, costs: Costs, missed: np.ndarray | None = None) -> CostCurve:
    """The net cost at every candidate threshold of ``an``."""
    return cost_curve(an.sweep, costs, missed_amount=missed)


def cost_frame(curve: CostCurve, sw: Sweep, max_points: int = 1000) -> pd.DataFrame:
    """Net cost against threshold for drawing: a sample of the candidates, the cheapest kept.

    The net cost is linear in the counts, so the sweep's sample spread by rank,
    threshold, tp and fp (:func:`metrics_core.sweep_sample`) traces it; the
    flag-nothing point and the cheapest point are always included. Threshold
    independent, so it is computed once per cost curve.
    """
    idx = np.unique(np.r_[0, sweep_sample(sw, max_points) + 1, curve.best_index])
    return pd.DataFrame({"threshold": curve.thresholds[idx], "cost": curve.cost[idx]})


def _row(name: str, b: CostBreakdown, has_amount: bool, has_gains: bool) -> dict[str, object]:
    row: dict[str, object] = {
        "": name,
        # Text, so that the flag-nothing threshold (just above the top score) reads as such.
        "threshold": f"above {np.nextafter(b.threshold, -np.inf):.6g}"
        if b.flags_nothing and name == "Flag nothing"
        else f"{b.threshold:.6g}",
        "flagged": b.tp + b.fp,
        "false alarms (FP)": b.fp,
        "misses (FN)": b.fn,
        "cost of false alarms": b.fp_cost,
        "cost of misses": b.fn_cost,
    }
    if has_amount:
        row["amount lost on misses"] = b.missed_amount
    if has_gains:
        row["gains (TP, TN)"] = b.tp_gain + b.tn_gain
    row["net cost"] = b.total
    return row


def cost_breakdown_frame(curve: CostCurve, threshold: float) -> pd.DataFrame:
    """Cell-by-cell costs at the current and cheapest thresholds and the two extremes."""
    has_amount = bool(np.any(curve.missed_amount))
    has_gains = curve.costs.tp > 0 or curve.costs.tn > 0
    rows = [
        _row("Current threshold", curve.at(threshold), has_amount, has_gains),
        _row("Cheapest threshold", curve.best, has_amount, has_gains),
        _row("Flag nothing", curve.breakdown(0), has_amount, has_gains),
        _row("Flag everything", curve.breakdown(len(curve) - 1), has_amount, has_gains),
    ]
    return pd.DataFrame(rows)


def capacity_from_share(percent: float, total: float) -> float:
    """Rows that fit a capacity given as a percentage of ``total`` (rounded down).

    The small tolerance keeps 1% of 100,000 at 1,000 despite ``0.01 * 100_000``
    rounding to 999.9999999999999.
    """
    return float(math.floor(percent / 100 * total + 1e-9))


def cost_reason(curve: CostCurve) -> str:
    """Why the cheapest threshold is cheapest, in words: what one step either way would do."""
    i = curve.best_index
    best = curve.best
    parts = [f"Net cost **{fmt.money(best.total)}** at threshold **{best.threshold:.6g}**"]
    if best.flags_nothing:
        parts[0] += " (flag nothing)"
    for j, direction in ((i - 1, "higher"), (i + 1, "lower")):
        if not 0 <= j < len(curve):
            continue
        other = curve.breakdown(j)
        d_flag = (other.tp + other.fp) - (best.tp + best.fp)
        saved_fp = best.fp_cost - other.fp_cost
        added = other.total - best.total
        what = "fewer" if d_flag < 0 else "more"
        rows = "row" if abs(d_flag) == 1 else "rows"
        misses = other.fn_cost + other.missed_amount - best.fn_cost - best.missed_amount
        step = "flagging nothing" if j == 0 else f"threshold {other.threshold:.6g}"
        parts.append(
            f"one step {direction} ({step}) flags "
            f"{abs(d_flag):,.6g} {what} {rows}: false alarms "
            f"{'save' if saved_fp >= 0 else 'cost'} {fmt.money(abs(saved_fp))}, misses "
            f"{'cost' if misses >= 0 else 'save'} {fmt.money(abs(misses))} "
            f"({'+' if added >= 0 else '−'}{fmt.money(abs(added))} net)"
        )
    return "; ".join(parts) + "."


@dataclass(frozen=True)
class Constraint:
    """One constraint's answer: a threshold, or why there is none.

    Attributes
    ----------
    name : str
        The constraint in words, e.g. "precision ≥ 0.9".
    goal : str
        What is maximised under it.
    choice : ThresholdChoice or None
        The threshold meeting it, or None.
    message : str
        What the choice means, or why no threshold meets the constraint.
    """

    name: str
    goal: str
    choice: ThresholdChoice | None
    message: str


def _at(c: ThresholdChoice) -> str:
    p = c.point
    return (
        f"Precision {fmt.rate(p.precision)}, recall {fmt.rate(p.recall)}, false positive rate "
        f"{fmt.rate(p.fpr)}; flags {p.n_flagged:,.6g} rows."
    )


def constraint_results(
    sw: Sweep,
    *,
    min_precision: float | None = None,
    min_recall: float | None = None,
    max_fpr: float | None = None,
    capacity: float | None = None,
) -> list[Constraint]:
    """The threshold meeting each given constraint, or a plain reason there is none.

    Levels are shares in [0, 1]; ``capacity`` is a number of rows (or of
    weight, for a weighted sweep) that can be flagged.
    """
    out: list[Constraint] = []
    if min_precision is not None:
        c = threshold_for_precision(sw, min_precision)
        best = float(np.nanmax(sw.precision))
        why = (
            f"No threshold reaches precision {min_precision:.2%}: the best is {fmt.rate(best)}."
            if c is None
            else _at(c)
        )
        out.append(Constraint(f"precision ≥ {min_precision:.2%}", "highest recall", c, why))
    if min_recall is not None:
        c = threshold_for_recall(sw, min_recall)
        why = "No threshold reaches that recall: there are no positives." if c is None else _at(c)
        out.append(Constraint(f"recall ≥ {min_recall:.2%}", "highest precision", c, why))
    if max_fpr is not None:
        c = threshold_for_fpr(sw, max_fpr)
        lowest = float(np.nanmin(sw.fpr)) if sw.n_neg else math.nan
        why = (
            f"Every threshold that flags anything has a false positive rate above "
            f"{max_fpr:.2%} (the lowest is {fmt.rate(lowest)}, with the top score alone)."
            if c is None
            else _at(c)
        )
        out.append(Constraint(f"false positive rate ≤ {max_fpr:.2%}", "highest recall", c, why))
    if capacity is not None:
        c = threshold_for_capacity(sw, capacity)
        top = float(sw.tp[0] + sw.fp[0])
        if c is None:
            why = (
                f"Even the highest score is shared by {top:,.6g} rows, more than "
                f"{capacity:,.6g}: no threshold flags so few."
            )
        else:
            why = _at(c)
            short = capacity - c.value
            if short >= 1 and c.threshold != sw.thresholds[-1]:
                why += (
                    f" {short:,.6g} below capacity: the next score is shared by more rows than fit."
                )
        out.append(Constraint(f"flag at most {capacity:,.6g} rows", "most rows flagged", c, why))
    return out


_BASE_RATE_METRICS = (
    ("precision", "Precision"),
    ("npv", "NPV"),
    ("accuracy", "Accuracy"),
    ("f1", "F1"),
    ("mcc", "MCC"),
    ("recall", "Recall"),
    ("specificity", "Specificity"),
)


def base_rate_table(point: OperatingPoint, prevalence: float) -> pd.DataFrame:
    """Metrics at ``point`` in the file and re-weighted to a deployment ``prevalence``."""
    here = (point.tp, point.fp, point.fn, point.tn)
    there = at_prevalence(*here, prevalence)
    rows = []
    for key, name in _BASE_RATE_METRICS:
        f = METRICS[key]
        rows.append({"metric": name, "file": float(f(*here)), "deployment": float(f(*there))})
    return pd.DataFrame(rows)


def pr_prevalence_frame(
    sw: Sweep, prevalence: float, labels: tuple[str, str], max_points: int = 1000
) -> pd.DataFrame:
    """Precision-recall points in the file and at a deployment ``prevalence`` (long form)."""
    idx = sweep_sample(sw, max_points)
    tp, fp = sw.tp[idx].astype(np.float64), sw.fp[idx].astype(np.float64)
    fn, tn = sw.n_pos - tp, sw.n_neg - fp
    parts = []
    for label, counts in (
        (labels[0], (tp, fp, fn, tn)),
        (labels[1], at_prevalence(tp, fp, fn, tn, prevalence)),
    ):
        parts.append(
            pd.DataFrame(
                {
                    "threshold": sw.thresholds[idx],
                    "recall": METRICS["recall"](*counts),
                    "precision": METRICS["precision"](*counts),
                    "base rate": label,
                }
            )
        )
    return pd.concat(parts, ignore_index=True).dropna()


def base_rate_frame(
    point: OperatingPoint, prevalence: float, labels: tuple[str, str]
) -> pd.DataFrame:
    """The current operating point on both PR curves (for markers)."""
    here = (point.tp, point.fp, point.fn, point.tn)
    rows = []
    for label, counts in ((labels[0], here), (labels[1], at_prevalence(*here, prevalence))):
        rows.append(
            {
                "threshold": point.threshold,
                "recall": float(METRICS["recall"](*counts)),
                "precision": float(METRICS["precision"](*counts)),
                "base rate": label,
            }
        )
    return pd.DataFrame(rows).dropna()


def point_intervals(an: Analysis, point: OperatingPoint, level: float) -> dict[str, Interval]:
    """Bootstrap intervals of the card metrics at ``point`` (resampling the four cells)."""
    n_rows = an.prepared.n_used if an.sweep.weighted else None
    return bootstrap_intervals(
        point.tp, point.fp, point.fn, point.tn, tuple(INTERVAL_METRICS), level=level, n_rows=n_rows
    )


def interval_frame(intervals: Mapping[str, Interval]) -> pd.DataFrame:
    """One row per metric: value, interval bounds and a note when something is undefined."""
    rows = []
    for key, iv in intervals.items():
        note = ""
        if math.isnan(iv.estimate):
            note = "undefined at this threshold"
        elif not iv.defined:
            note = "interval undefined"
        elif iv.undefined_share > 0:
            note = f"undefined in {iv.undefined_share:.1%} of resamples (left out)"
        rows.append(
            {
                "metric": INTERVAL_METRICS.get(key, key),
                "value": iv.estimate,
                "low": iv.low,
                "high": iv.high,
                "note": note,
            }
        )
    return pd.DataFrame(rows)


_CELL_NAMES = {
    "TP": "caught (TP)",
    "FP": "false alarm (FP)",
    "FN": "missed (FN)",
    "TN": "cleared (TN)",
}


def transition_frame(tr: Transition) -> pd.DataFrame:
    """The non-zero moves between cells, as rows ``from``, ``to``, ``rows``."""
    rows = [
        {"from (at A)": _CELL_NAMES[a], "to (at B)": _CELL_NAMES[b], "rows": n}
        for (a, b), n in tr.moves.items()
        if n > 0
    ]
    return pd.DataFrame(rows, columns=["from (at A)", "to (at B)", "rows"])


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutral(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy safe to open in a spreadsheet: text starting with = + - @ (or tab, CR) gets a '.

    Only text cells and column names change; numbers stay numbers (a negative
    number is not a formula).
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            out[col] = s.map(_neutral)
    out.columns = [_neutral(str(c)) for c in out.columns]
    return out


def changed_rows_csv(
    frame: pd.DataFrame, an: Analysis, a: float, b: float, positive_name: str | None = None
) -> bytes:
    """CSV of the table's rows whose predicted class differs between thresholds ``a`` and ``b``.

    Two columns are added: the row's cell at A and at B. Spreadsheet formulas
    are neutralised (see :func:`neutralise`).
    """
    prep = an.prepared
    lo, hi = min(a, b), max(a, b)
    changed = (prep.scores >= lo) & (prep.scores < hi)
    rows = frame.iloc[row_positions(prep)[changed]].copy()
    y = prep.y[changed]
    at_a = prep.scores[changed] >= a
    at_b = ~at_a
    rows["cell at A"] = _cells(y, at_a)
    rows["cell at B"] = _cells(y, at_b)
    return neutralise(rows).to_csv(index=False).encode("utf-8")


def _cells(y: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    return np.where(flagged, np.where(y, "TP", "FP"), np.where(y, "FN", "TN"))
