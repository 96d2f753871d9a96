"""What the Compare page shows, as values: the two models' rows, tests and cards.

No Streamlit here: :mod:`metrics_app.compare.state` caches these, the page lays them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.data import Prepared
from metrics_app.data.prepare import row_positions
from metrics_app.groups.model import sweep_curve
from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
from metrics_core import (
    DelongResult,
    Interval,
    McNemarResult,
    Sweep,
    average_precision_difference,
    average_precision_score,
    delong_test,
    mcnemar_test,
    sweep_clean,
)

__all__ = [
    "ALPHA",
    "BOOTSTRAP_AT_ONCE_ROWS",
    "N_BOOT",
    "Pair",
    "PairTests",
    "ap_cards",
    "ap_verdict",
    "auc_cards",
    "bootstrap_at_once",
    "disagreements",
    "mcnemar_cards",
    "mcnemar_for",
    "mcnemar_verdict",
    "pair_curves",
    "pair_rows",
    "pair_sweeps",
    "pair_tests",
    "verdict",
]

#: Replicates of the paired bootstrap of average precision.
N_BOOT = 500
#: Up to this many rows the paired bootstrap runs at once; above, when asked for.
BOOTSTRAP_AT_ONCE_ROWS = 100_000
#: Significance level the verdicts are stated at.
ALPHA = 0.05


@dataclass(frozen=True, eq=False)
class Pair:
    """Two models' scores on the rows both can use.

    Attributes
    ----------
    name_a, name_b : str
        The score columns as shown.
    y : numpy.ndarray
        True for the positive class.
    s_a, s_b : numpy.ndarray
        The two models' scores of the same rows.
    positions : numpy.ndarray
        Positions of these rows in the table.
    n_dropped : int
        Rows one model could use and the other could not.
    """

    name_a: str
    name_b: str
    y: np.ndarray
    s_a: np.ndarray
    s_b: np.ndarray
    positions: np.ndarray
    n_dropped: int


def pair_rows(a: Prepared, b: Prepared, name_a: str, name_b: str) -> Pair:
    """The rows both prepared score columns kept (same labels: same label column)."""
    pos_a, pos_b = row_positions(a), row_positions(b)
    common = np.intersect1d(pos_a, pos_b, assume_unique=True)
    ia = np.searchsorted(pos_a, common)
    ib = np.searchsorted(pos_b, common)
    dropped = pos_a.shape[0] + pos_b.shape[0] - 2 * common.shape[0]
    return Pair(name_a, name_b, a.y[ia], a.scores[ia], b.scores[ib], common, int(dropped))


@dataclass(frozen=True)
class PairTests:
    """DeLong's test of the ROC AUCs and the paired bootstrap of average precision.

    ``ap_difference`` is ``None`` while the bootstrap has not been run (large tables).
    """

    delong: DelongResult
    ap_a: float
    ap_b: float
    ap_difference: Interval | None


def bootstrap_at_once(pair: Pair) -> bool:
    """Whether the paired bootstrap is quick enough to run without being asked.

    Its cost grows with rows × replicates (about 3 s for 100,000 rows × 500).
    """
    return pair.y.shape[0] <= BOOTSTRAP_AT_ONCE_ROWS


def pair_tests(pair: Pair, *, bootstrap: bool, level: float = 0.95, seed: int = 0) -> PairTests:
    """DeLong's test of ``pair``, and the paired AP bootstrap when ``bootstrap``."""
    delong = delong_test(pair.y, pair.s_a, pair.s_b, level=level)
    if not bootstrap:
        ap_a, ap_b = (average_precision_score(pair.y, s) for s in (pair.s_a, pair.s_b))
        return PairTests(delong, float(ap_a), float(ap_b), None)
    ap_a, ap_b, diff = average_precision_difference(
        pair.y, pair.s_a, pair.s_b, level=level, n_boot=N_BOOT, seed=seed
    )
    return PairTests(delong, ap_a, ap_b, diff)


def _p_text(p: float) -> str:
    if math.isnan(p):
        return fmt.UNDEFINED
    return "< 0.0001" if p < 1e-4 else fmt.significant(p, 2)


def _p_clause(p: float) -> str:
    """``"p = 0.012"``, or ``"p < 0.0001"`` for tiny values."""
    return f"p {_p_text(p)}" if p < 1e-4 else f"p = {_p_text(p)}"


def verdict(
    p: float, what: str, name_a: str, name_b: str, difference: float, better: str = ""
) -> str:
    """A sentence on whether ``what`` differs between the models, at :data:`ALPHA`.

    ``difference`` is B minus A, positive when B is better; ``better`` says what the
    better model does ("is better on ROC AUC" by default).
    """
    if math.isnan(p):
        return f"The test of {what} is undefined here (too few rows of a class, or equal scores)."
    if p >= ALPHA:
        return (
            f"The difference in {what} could be noise ({_p_clause(p)}, not below {ALPHA}): "
            "these rows do not show either model to be better."
        )
    winner = name_b if difference > 0 else name_a
    return f"{winner} {better or f'is better on {what}'} ({_p_clause(p)}, below {ALPHA})."


def _interval_text(iv: Interval, digits: int = 3) -> str:
    if not iv.defined:
        return fmt.UNDEFINED
    return f"{fmt.decimal(iv.low, digits)} to {fmt.decimal(iv.high, digits)}"


def auc_cards(pair: Pair, tests: PairTests) -> list[Card]:
    """ROC AUC of each model, the difference with its interval, and DeLong's p-value."""
    d = tests.delong
    level = fmt.percent(d.difference.level, 0)
    return [
        Card(f"ROC AUC, {fmt.escape_markdown(pair.name_a)}", fmt.decimal(d.auc_a)),
        Card(f"ROC AUC, {fmt.escape_markdown(pair.name_b)}", fmt.decimal(d.auc_b)),
        Card(
            "Difference (B − A)",
            fmt.decimal(d.difference.estimate),
            help="DeLong's test for two correlated AUCs: both models ranked the same rows.",
            note=f"{level} interval {_interval_text(d.difference)}",
        ),
        Card("p-value (DeLong)", _p_text(d.p_value)),
    ]


def ap_cards(pair: Pair, tests: PairTests) -> list[Card]:
    """Average precision of each model and the difference with its paired bootstrap interval."""
    iv = tests.ap_difference
    note = (
        "interval not computed yet"
        if iv is None
        else (f"{fmt.percent(iv.level, 0)} interval {_interval_text(iv)}")
    )
    return [
        Card(f"AP, {fmt.escape_markdown(pair.name_a)}", fmt.decimal(tests.ap_a)),
        Card(f"AP, {fmt.escape_markdown(pair.name_b)}", fmt.decimal(tests.ap_b)),
        Card(
            "Difference (B − A)",
            fmt.decimal(tests.ap_b - tests.ap_a),
            help=f"Paired bootstrap: {fmt.count(N_BOOT)} resamples of the rows, both models "
            "scored on each.",
            note=note,
        ),
    ]


def ap_verdict(pair: Pair, tests: PairTests) -> str:
    """Whether the AP interval excludes zero, as a sentence."""
    iv = tests.ap_difference
    if iv is None:
        return (
            f"With {fmt.count(pair.y.shape[0])} rows the paired bootstrap of the difference "
            "takes a while: compute it with the button below."
        )
    if not iv.defined:
        return "The interval of the AP difference is undefined here (no positives)."
    if iv.low > 0 or iv.high < 0:
        better = pair.name_b if iv.estimate > 0 else pair.name_a
        return f"{better} has the higher average precision: the interval excludes 0."
    return "The interval of the AP difference includes 0: it could be noise."


def mcnemar_for(pair: Pair, t_a: float, t_b: float) -> tuple[McNemarResult, np.ndarray]:
    """McNemar's test at each model's threshold, and where the two predictions differ."""
    pred_a, pred_b = pair.s_a >= t_a, pair.s_b >= t_b
    return mcnemar_test(pair.y, pred_a, pred_b), pred_a != pred_b


def mcnemar_cards(pair: Pair, result: McNemarResult) -> list[Card]:
    """The discordant counts and the p-value."""
    method = "exact binomial" if result.exact else "chi-square, continuity-corrected"
    return [
        Card(f"Only {fmt.escape_markdown(pair.name_a)} right", fmt.count(result.only_a_right)),
        Card(f"Only {fmt.escape_markdown(pair.name_b)} right", fmt.count(result.only_b_right)),
        Card("Both right", fmt.count(result.both_right)),
        Card("Both wrong", fmt.count(result.both_wrong)),
        Card("p-value (McNemar)", _p_text(result.p_value), note=method),
    ]


def mcnemar_verdict(pair: Pair, result: McNemarResult) -> str:
    """Whether one model makes fewer errors at these thresholds, as a sentence."""
    if result.n_discordant == 0:
        return "The two models classify every row the same way at these thresholds."
    return verdict(
        result.p_value,
        "errors at these thresholds",
        pair.name_a,
        pair.name_b,
        result.only_b_right - result.only_a_right,
        better="makes fewer errors at these thresholds",
    )


def disagreements(
    frame: pd.DataFrame, pair: Pair, differ: np.ndarray, t_a: float, t_b: float
) -> pd.DataFrame:
    """The table's rows the two models classify differently, with both predictions."""
    rows = frame.iloc[pair.positions[differ]].copy()
    rows[f"flagged_by_{pair.name_a}"] = pair.s_a[differ] >= t_a
    rows[f"flagged_by_{pair.name_b}"] = pair.s_b[differ] >= t_b
    return rows


def pair_sweeps(pair: Pair) -> tuple[Sweep, Sweep]:
    """Each model's sweep over the shared rows."""
    return sweep_clean(pair.y, pair.s_a), sweep_clean(pair.y, pair.s_b)


def pair_curves(
    pair: Pair, sweeps: tuple[Sweep, Sweep], t_a: float, t_b: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both models' thinned ROC / PR points and each model's point at its threshold.

    Columns ``group, threshold, fpr, tpr, precision``, where ``group`` is the model.
    """
    curves, points = [], []
    for name, sw, t in zip((pair.name_a, pair.name_b), sweeps, (t_a, t_b), strict=True):
        curves.append(sweep_curve(name, sw, 400))
        p = sw.at(t)
        points.append(
            {"group": name, "threshold": t, "fpr": p.fpr, "tpr": p.recall, "precision": p.precision}
        )
    return pd.concat(curves, ignore_index=True), pd.DataFrame(points)
