"""What the operating-point page shows: costs, constraints, base rate, intervals, cards.

Every number comes from :mod:`metrics_core` over the cached sweep; this
module turns the page's inputs into arguments for it and shapes its answers
into small frames, messages and metric cards. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.data import Prepared, row_positions
from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.cards import Card
from metrics_core import (
    METRICS,
    CostBreakdown,
    CostCurve,
    Interval,
    OperatingPoint,
    Sweep,
    ThresholdChoice,
    ThresholdSearch,
    Transition,
    at_prevalence,
    average_precision_interval,
    bootstrap_intervals,
    roc_auc_interval,
    sweep_average_precision,
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


def from_percent(value: float) -> float:
    """A percentage typed into an input (``5`` for 5%) as a share in [0, 1]."""
    return value / 100


def first_values(an: Analysis) -> dict[str, float]:
    """The inputs whose value on a first visit comes from the data.

    A capacity of 1% of the rows used (at least one row), and a deployment
    share of positives equal to this file's, in percent with three decimals
    and within the input's bounds (0.001 to 99.999).
    """
    prep = an.prepared
    return {
        "capacity_rows": float(max(1, round(prep.n_used * 0.01))),
        "deploy_prev": round(max(min(prep.prevalence * 100, 99.999), 0.001), 3),
    }


# --- costs ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MissAmounts:
    """What each positive row loses when it is missed, ready for :func:`metrics_core.cost_curve`.

    Attributes
    ----------
    scores : ndarray
        The positives' scores, increasing.
    amounts : ndarray
        Each one's amount (times its weight, with a weight column), in the same order.
    n_missing : int
        Used rows that had no amount (counted as 0).
    """

    scores: np.ndarray
    amounts: np.ndarray
    n_missing: int


def miss_amounts(prep: Prepared, amounts: np.ndarray, n_missing: int) -> MissAmounts:
    """The positives' scores and amounts from one amount per used row.

    ``amounts`` comes from :func:`metrics_app.data.read_amounts`; with a weight
    column each row's amount counts ``weight`` times. The rows are put in
    increasing score order once here, so the sort that
    :func:`metrics_core.cost_curve` runs at every change of a cost meets sorted
    data (a linear pass) and adds up in the same order.
    """
    values = amounts if prep.weights is None else amounts * prep.weights
    scores, values = prep.scores[prep.y], values[prep.y]
    order = np.argsort(scores, kind="stable")
    scores, values = scores[order], values[order]
    # Shared between sessions by a cache: an edit in place must fail loudly.
    scores.flags.writeable = False
    values.flags.writeable = False
    return MissAmounts(scores, values, n_missing)


def cost_frame(curve: CostCurve, sw: Sweep, max_points: int = 1000) -> pd.DataFrame:
    """Net cost against threshold for drawing: a sample of the candidates, the cheapest kept.

    The net cost is linear in the counts, so the sweep's sample spread by rank,
    threshold, tp and fp (:func:`metrics_core.sweep_sample`) traces it; the
    flag-nothing point and the cheapest point are always included. Threshold
    independent, so it is computed once per cost curve.
    """
    idx = np.unique(np.r_[0, sweep_sample(sw, max_points) + 1, curve.best_index])
    return pd.DataFrame({"threshold": curve.thresholds[idx], "cost": curve.cost_at(idx)})


def _row(name: str, b: CostBreakdown, has_amount: bool, has_gains: bool) -> dict[str, object]:
    row: dict[str, object] = {
        "": name,
        # Text, so that the flag-nothing threshold (just above the top score) reads as such.
        "threshold": f"above {fmt.threshold(np.nextafter(b.threshold, -np.inf))}"
        if b.flags_nothing and name == "Flag nothing"
        else fmt.threshold(b.threshold),
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
    # Flagging nothing misses every positive: its missed amount is the sum of all the
    # amounts, which are >= 0 (read_amounts), so it is 0 only when every amount is. One
    # element instead of a pass over every threshold at each rerun.
    has_amount = bool(curve.missed_amount[0] != 0)
    has_gains = curve.costs.tp > 0 or curve.costs.tn > 0
    rows = [
        _row("Current threshold", curve.at(threshold), has_amount, has_gains),
        _row("Cheapest threshold", curve.best, has_amount, has_gains),
        _row("Flag nothing", curve.breakdown(0), has_amount, has_gains),
        _row("Flag everything", curve.breakdown(len(curve) - 1), has_amount, has_gains),
    ]
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CostSummary:
    """The cost at the current threshold against the cheapest.

    Attributes
    ----------
    here, best : CostBreakdown
        At the current threshold, and at the cheapest one.
    saving : float
        Net cost here minus the lowest net cost (>= 0).
    """

    here: CostBreakdown
    best: CostBreakdown
    saving: float


def cost_summary(curve: CostCurve, threshold: float) -> CostSummary:
    """The cost at ``threshold``, the cheapest threshold, and what switching saves."""
    here, best = curve.at(threshold), curve.best
    return CostSummary(here, best, here.total - best.total)


def cost_cards(s: CostSummary) -> list[Card]:
    """The net cost here, the cheapest threshold, the net cost there and the saving."""
    best = s.best
    return [
        Card("Net cost at the current threshold", fmt.money(s.here.total)),
        Card(
            "Cheapest threshold",
            "flag nothing" if best.flags_nothing else fmt.threshold(best.threshold),
            "The highest threshold among those with the lowest net cost.",
        ),
        Card("Net cost there", fmt.money(best.total)),
        Card(
            "Saving if you switch",
            fmt.money(s.saving),
            "Net cost at the current threshold minus the lowest net cost.",
        ),
    ]


def highest_cost(frame: pd.DataFrame) -> tuple[float, float]:
    """``(threshold, cost)`` of the costliest point of a :func:`cost_frame` (the first if tied)."""
    i = int(np.argmax(frame["cost"].to_numpy()))
    return float(frame["threshold"].iloc[i]), float(frame["cost"].iloc[i])


def capacity_from_share(percent: float, total: float) -> float:
    """Rows that fit a capacity given as a percentage of ``total`` (rounded down).

    The small tolerance keeps 1% of 100,000 at 1,000 despite ``0.01 * 100_000``
    rounding to 999.9999999999999.
    """
    return float(math.floor(percent / 100 * total + 1e-9))


@dataclass(frozen=True)
class ConstraintLevels:
    """The constraints as :func:`constraint_results` takes them.

    Attributes
    ----------
    min_precision, min_recall, max_fpr : float
        Shares in [0, 1].
    capacity : float
        Rows (or weight, for weighted data) that can be flagged.
    """

    min_precision: float
    min_recall: float
    max_fpr: float
    capacity: float


def constraint_levels(
    sw: Sweep,
    *,
    min_precision: float | None,
    min_recall: float | None,
    max_fpr: float | None,
    capacity_rows: float | None,
    capacity_pct: float | None,
    by_share: bool,
) -> ConstraintLevels | None:
    """The constraint inputs as levels, or None while a field in use is empty.

    The levels are percentages; the capacity is ``capacity_rows``, or
    ``capacity_pct`` percent of the rows (of the weight) when ``by_share``.
    """
    if by_share:
        total = float(sw.total)
        capacity = None if capacity_pct is None else capacity_from_share(capacity_pct, total)
    else:
        capacity = capacity_rows
    percents = (min_precision, min_recall, max_fpr)
    if capacity is None or any(p is None for p in percents):
        return None
    shares = [from_percent(p) for p in percents]
    return ConstraintLevels(*shares, capacity=capacity)


def cost_reason(curve: CostCurve) -> str:
    """Why the cheapest threshold is cheapest, in words: what one step either way would do."""
    i = curve.best_index
    best = curve.best
    parts = [
        f"Net cost **{fmt.money(best.total)}** at threshold **{fmt.threshold(best.threshold)}**"
    ]
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
        step = "flagging nothing" if j == 0 else f"threshold {fmt.threshold(other.threshold)}"
        parts.append(
            f"one step {direction} ({step}) flags "
            f"{fmt.count(abs(d_flag))} {what} {rows}: false alarms "
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
        f"{fmt.rate(p.fpr)}; flags {fmt.count(p.n_flagged)} rows."
    )


def constraint_results(
    sw: Sweep,
    *,
    min_precision: float | None = None,
    min_recall: float | None = None,
    max_fpr: float | None = None,
    capacity: float | None = None,
    search: ThresholdSearch | None = None,
) -> list[Constraint]:
    """The threshold meeting each given constraint, or a plain reason there is none.

    Levels are shares in [0, 1]; ``capacity`` is a number of rows (or of
    weight, for a weighted sweep) that can be flagged. ``search``, a
    :class:`metrics_core.ThresholdSearch` of ``sw`` kept between calls, finds the same
    thresholds by binary search instead of passes over the whole sweep.
    """
    out: list[Constraint] = []
    if min_precision is not None:
        if search is None:
            c = threshold_for_precision(sw, min_precision)
            best = float(np.nanmax(sw.precision))
        else:
            c, best = search.for_precision(min_precision), search.best_precision
        why = (
            f"No threshold reaches precision {fmt.percent(min_precision, 2)}: the best is "
            f"{fmt.rate(best)}."
            if c is None
            else _at(c)
        )
        out.append(
            Constraint(f"precision ≥ {fmt.percent(min_precision, 2)}", "highest recall", c, why)
        )
    if min_recall is not None:
        c = (
            threshold_for_recall(sw, min_recall)
            if search is None
            else search.for_recall(min_recall)
        )
        why = "No threshold reaches that recall: there are no positives." if c is None else _at(c)
        out.append(
            Constraint(f"recall ≥ {fmt.percent(min_recall, 2)}", "highest precision", c, why)
        )
    if max_fpr is not None:
        if search is None:
            c = threshold_for_fpr(sw, max_fpr)
            lowest = float(np.nanmin(sw.fpr)) if sw.n_neg else math.nan
        else:
            c, lowest = search.for_fpr(max_fpr), search.lowest_fpr
        why = (
            f"Every threshold that flags anything has a false positive rate above "
            f"{fmt.percent(max_fpr, 2)} (the lowest is {fmt.rate(lowest)}, with the top score "
            "alone)."
            if c is None
            else _at(c)
        )
        out.append(
            Constraint(f"false positive rate ≤ {fmt.percent(max_fpr, 2)}", "highest recall", c, why)
        )
    if capacity is not None:
        c = (
            threshold_for_capacity(sw, capacity)
            if search is None
            else search.for_capacity(capacity)
        )
        top = float(sw.tp[0] + sw.fp[0])
        if c is None:
            why = (
                f"Even the highest score is shared by {fmt.count(top)} rows, more than "
                f"{fmt.count(capacity)}: no threshold flags so few."
            )
        else:
            why = _at(c)
            short = capacity - c.value
            if short >= 1 and c.threshold != sw.thresholds[-1]:
                why += (
                    f" {fmt.count(short)} below capacity: the next score is shared by more rows "
                    "than fit."
                )
        out.append(
            Constraint(f"flag at most {fmt.count(capacity)} rows", "most rows flagged", c, why)
        )
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


def positive_share(sw: Sweep) -> float:
    """The file's share of positives (of the weight, with a weight column)."""
    return float(sw.n_pos / sw.total)


@dataclass(frozen=True, eq=False)
class BaseRateView:
    """The metrics at one threshold in this file and at a deployment share of positives.

    Attributes
    ----------
    labels : tuple of str
        Names of the two base rates, e.g. ``("this file (1.23%)", "deployment (10%)")``.
    table : pandas.DataFrame
        ``metric`` and one column per label (see :func:`base_rate_table`).
    curves, points : pandas.DataFrame
        Both precision-recall curves and the threshold's point on each (see
        :func:`pr_prevalence_frame` and :func:`base_rate_frame`).
    """

    labels: tuple[str, str]
    table: pd.DataFrame
    curves: pd.DataFrame
    points: pd.DataFrame


def base_rate_view(sw: Sweep, point: OperatingPoint, deploy_percent: float) -> BaseRateView:
    """Everything the base-rate tab shows, for a deployment share given in percent."""
    prevalence = from_percent(deploy_percent)
    labels = (
        f"this file ({fmt.significant_percent(positive_share(sw))})",
        f"deployment ({fmt.significant_percent(prevalence)})",
    )
    table = base_rate_table(point, prevalence)
    return BaseRateView(
        labels=labels,
        table=table.rename(columns={"file": labels[0], "deployment": labels[1]}),
        curves=pr_prevalence_frame(sw, prevalence, labels),
        points=base_rate_frame(point, prevalence, labels),
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


#: A confusion cell with fewer rows than this makes the bootstrap intervals rough.
FEW_ROWS = 5


def thin_cell(point: OperatingPoint) -> float | None:
    """The smallest of the four cell counts at ``point`` when below :data:`FEW_ROWS`, else None."""
    few = min(point.tp, point.fp, point.fn, point.tn)
    return few if few < FEW_ROWS else None


def interval_frame(intervals: Mapping[str, Interval]) -> pd.DataFrame:
    """One row per metric: value and interval bounds, and a note when something is undefined.

    The ``note`` column is left out when no metric needs one.
    """
    rows = []
    for key, iv in intervals.items():
        note = ""
        if math.isnan(iv.estimate):
            note = "undefined at this threshold"
        elif not iv.defined:
            note = "interval undefined"
        elif iv.undefined_share > 0:
            note = f"undefined in {fmt.percent(iv.undefined_share, 1)} of resamples (left out)"
        rows.append(
            {
                "metric": INTERVAL_METRICS.get(key, key),
                "value": iv.estimate,
                "low": iv.low,
                "high": iv.high,
                "note": note,
            }
        )
    frame = pd.DataFrame(rows)
    return frame if frame["note"].any() else frame.drop(columns="note")


#: Ranking metrics given an interval on the uncertainty tab: key, name and tooltip.
RANKING_METRICS: tuple[tuple[str, str, str], ...] = (
    (
        "roc_auc",
        "ROC AUC",
        "DeLong's interval, computed exactly from the counts at every distinct score.",
    ),
    (
        "average_precision",
        "Average precision",
        "Logit interval (Boyd, Eng and Page, 2013); undefined when AP is exactly 0 or 1.",
    ),
)


def ranking_cards(ranking: Mapping[str, Interval], level: float) -> list[Card]:
    """ROC AUC and average precision, each with its ``level`` interval as the note."""
    cards = []
    for key, name, tip in RANKING_METRICS:
        iv = ranking[key]
        note = (
            f"{fmt.percent(level, 0)} CI {fmt.decimal(iv.low, 4)} – {fmt.decimal(iv.high, 4)}"
            if iv.defined
            else "CI undefined"
        )
        cards.append(Card(name, fmt.decimal(iv.estimate, 4), tip, note))
    return cards


def threshold_b_start(an: Analysis) -> float:
    """Where threshold B starts: the best-F1 threshold, else the slider's default."""
    return float(an.best_f1.threshold if an.best_f1 is not None else an.slider.default)


def compare_cards(threshold: float) -> list[Card]:
    """The card of threshold A, the current one, beside the input of threshold B."""
    return [Card("Threshold A (current)", fmt.threshold(threshold))]


#: Rows of the comparison table: attribute of the point, name, and how it is written.
_COMPARED = (
    ("n_flagged", "Flagged", "count"),
    ("tp", "TP", "count"),
    ("fp", "FP", "count"),
    ("fn", "FN", "count"),
    ("tn", "TN", "count"),
    ("precision", "Precision", "rate"),
    ("recall", "Recall", "rate"),
    ("f1", "F1", "value"),
    ("fpr", "FPR", "rate"),
)


def _compared(value: float, kind: str) -> str:
    if kind == "count":
        return fmt.count(value)
    return fmt.metric_value(value, percent=kind == "rate")


def compare_frame(a: OperatingPoint, b: OperatingPoint) -> pd.DataFrame:
    """Counts and metrics at thresholds A and B side by side, as text."""
    rows = []
    for key, name, kind in _COMPARED:
        va, vb = float(getattr(a, key)), float(getattr(b, key))
        rows.append({"": name, "A": _compared(va, kind), "B": _compared(vb, kind)})
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


def ranking_intervals(
    an: Analysis,
    level: float,
    *,
    delong: tuple[float, float] | None = None,
    average_precision: float | None = None,
) -> dict[str, Interval]:
    """ROC AUC (DeLong) and average precision (logit) with their ``level`` intervals.

    ``delong`` (:func:`metrics_core.roc_auc_delong`) and ``average_precision``, when
    given, are the level-free parts already computed for this sweep.
    """
    sw = an.sweep
    ap = sweep_average_precision(sw) if average_precision is None else average_precision
    return {
        "roc_auc": roc_auc_interval(sw, level, delong=delong),
        "average_precision": average_precision_interval(sw, level, average_precision=ap),
    }
