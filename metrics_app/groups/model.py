"""What the Groups page shows, as values: groups from columns, tables, gaps, rules.

No Streamlit here: :mod:`metrics_app.groups.state` caches these, the page lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.data import Prepared
from metrics_app.shared import format as fmt
from metrics_core import (
    RULES,
    Costs,
    Gap,
    GroupPoints,
    GroupThresholds,
    Interval,
    Sweep,
    bootstrap_intervals,
    group_gaps,
    group_sweeps,
    sweep_sample,
)

__all__ = [
    "CURVE_COLUMNS",
    "GAP_TITLES",
    "MAX_GROUPS",
    "MIN_ROWS",
    "MISSING",
    "TABLE_METRICS",
    "Groups",
    "build_groups",
    "curve_frame",
    "gap_frame",
    "gaps_of",
    "group_column_options",
    "group_intervals",
    "group_table",
    "large_enough",
    "one_class_notice",
    "point_frame",
    "rule_comparison",
    "rule_cost_sentence",
    "rule_frame",
    "small_group_notice",
    "sweep_curve",
]

#: Groups with fewer rows than this get a notice: their rates swing with a few rows.
MIN_ROWS = 30
#: Columns with more distinct values than this are not offered as group columns.
MAX_GROUPS = 50
#: The name of the group of rows whose group value is missing.
MISSING = "(missing)"
#: Metrics of the per-group table, with their column titles.
TABLE_METRICS: dict[str, str] = {
    "precision": "Precision",
    "recall": "Recall",
    "fpr": "FPR",
    "predicted_positive_rate": "Flag rate",
    "f1": "F1",
}
GAP_TITLES: dict[str, str] = {
    "recall": "Recall difference (equal opportunity)",
    "fpr": "False positive rate difference",
    "predicted_positive_rate": "Flag-rate ratio (four-fifths rule)",
    "precision": "Precision difference",
}


def group_column_options(frame: pd.DataFrame, exclude: Sequence[object] = ()) -> list[str]:
    """Columns that can split the rows into groups: text, category, boolean or integer.

    At most :data:`MAX_GROUPS` distinct values; columns with two or more come first
    (a column with one value is offered, and the page says why it cannot compare).
    """
    taken = {str(c) for c in exclude if c is not None}
    many, one = [], []
    for c in frame.columns:
        name = str(c)
        if name in taken:
            continue
        dtype = frame[c].dtype
        usable = (
            pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_integer_dtype(dtype)
        )
        if not usable:
            continue
        try:
            distinct = int(frame[c].nunique(dropna=False))
        except TypeError:  # unhashable values
            continue
        if distinct > MAX_GROUPS:
            continue
        (many if distinct >= 2 else one).append(name)
    return many + one


@dataclass(frozen=True, eq=False)
class Groups:
    """The used rows split by the values of one or more columns.

    Attributes
    ----------
    columns : tuple of str
        The group columns.
    names : tuple of str
        Each group's name (values joined by " · "; missing values are "(missing)").
    codes : numpy.ndarray
        Each used row's group, in ``0 .. len(names) - 1``.
    rows : numpy.ndarray
        Number of rows of each group (unweighted).
    sweeps : tuple of Sweep
        Each group's sweep.
    """

    columns: tuple[str, ...]
    names: tuple[str, ...]
    codes: np.ndarray
    rows: np.ndarray
    sweeps: tuple[Sweep, ...]

    def __len__(self) -> int:
        return len(self.names)


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    names = [str(u) for u in uniques]
    if (codes < 0).any():
        codes = np.where(codes < 0, len(names), codes)
        names.append(MISSING)
    return codes.astype(np.int64), names


def build_groups(frame: pd.DataFrame, prepared: Prepared, columns: Sequence[str]) -> Groups:
    """Split the rows behind ``prepared`` by ``columns`` and sweep each group.

    Rows are those the analysis used (``prepared.kept``), in its order.
    """
    if not columns:
        raise ValueError("Pick at least one group column.")
    kept = prepared.kept
    combined = np.zeros(prepared.n_used, dtype=np.int64)
    parts: list[list[str]] = []
    for col in columns:
        series = frame[col] if kept is None else frame[col][kept]
        codes, names = _factorize(series.reset_index(drop=True))
        combined = combined * len(names) + codes
        parts.append(names)
    present, codes = np.unique(combined, return_inverse=True)
    names = []
    for value in present.tolist():
        labels = []
        for part in reversed(parts):
            value, i = divmod(value, len(part))
            labels.append(part[i])
        names.append(" · ".join(reversed(labels)))
    codes = codes.reshape(-1).astype(np.int64)
    k = len(names)
    sweeps = group_sweeps(prepared.y, prepared.scores, codes, k, prepared.weights)
    rows = np.bincount(codes, minlength=k)
    return Groups(tuple(columns), tuple(names), codes, rows, sweeps)


def group_intervals(
    points: GroupPoints, groups: Groups, *, level: float = 0.95, n_boot: int = 1000
) -> list[dict[str, Interval] | None]:
    """Bootstrap intervals of the table's metrics, per group (``None`` for an empty group).

    The cell bootstrap resamples each group's own rows (see
    :func:`metrics_core.bootstrap_intervals`).
    """
    out: list[dict[str, Interval] | None] = []
    for g in range(len(groups)):
        cells = (points.tp[g], points.fp[g], points.fn[g], points.tn[g])
        if sum(cells) <= 0:
            out.append(None)
            continue
        out.append(
            bootstrap_intervals(
                *cells,
                tuple(TABLE_METRICS),
                level=level,
                n_boot=n_boot,
                n_rows=int(groups.rows[g]),
                seed=g,
            )
        )
    return out


def _with_interval(value: float, interval: Interval | None, *, percent: bool) -> str:
    def one(x: float) -> str:
        return fmt.metric_value(x, percent=percent)

    text = one(value)
    if interval is None or not interval.defined or text == fmt.UNDEFINED:
        return text
    return f"{text} ({one(interval.low)} – {one(interval.high)})"


def group_table(
    groups: Groups,
    points: GroupPoints,
    intervals: Sequence[dict[str, Interval] | None] | None = None,
    *,
    show_threshold: bool = False,
) -> pd.DataFrame:
    """One row per group: size, prevalence, and each metric with its interval, as text."""
    table: dict[str, list[str]] = {"Group": list(groups.names)}
    if show_threshold:
        table["Threshold"] = [fmt.threshold(t) for t in points.thresholds]
    table["Rows"] = [fmt.count(r) for r in groups.rows]
    table["Prevalence"] = [fmt.percent(p) for p in points.prevalence]
    for key, title in TABLE_METRICS.items():
        values = getattr(points, key)
        table[title] = [
            _with_interval(
                float(values[g]),
                None if intervals is None or intervals[g] is None else intervals[g][key],
                percent=key != "f1",
            )
            for g in range(len(groups))
        ]
    return pd.DataFrame(table)


def _gap_text(gap: Gap) -> str:
    """A ratio to two decimals; a difference of rates in percentage points, as a percent."""
    return fmt.decimal(gap.value, 2) if gap.kind == "ratio" else fmt.percent(gap.value)


def _reading(gap: Gap) -> str:
    if math.isnan(gap.value):
        return "Undefined: fewer than two groups have this metric defined."
    if gap.kind == "ratio":
        verdict = "passes" if gap.passes_four_fifths else "fails"
        return f"{verdict} the four-fifths rule (a ratio of at least 0.80)"
    return "highest minus lowest group"


def gap_frame(gaps: Sequence[Gap], groups: Groups, points: GroupPoints) -> pd.DataFrame:
    """The gaps as text, each with the lowest and the highest group and their values."""
    rows = []
    for gap in gaps:
        values = getattr(points, gap.metric)
        named = gap.low >= 0
        rows.append(
            {
                "Gap": GAP_TITLES[gap.metric],
                "Value": _gap_text(gap),
                "Lowest group": (
                    f"{groups.names[gap.low]} ({fmt.percent(values[gap.low])})" if named else ""
                ),
                "Highest group": (
                    f"{groups.names[gap.high]} ({fmt.percent(values[gap.high])})" if named else ""
                ),
                "Reading": _reading(gap),
            }
        )
    return pd.DataFrame(rows)


def large_enough(groups: Groups) -> np.ndarray:
    """Groups with at least :data:`MIN_ROWS` rows: the ones the gaps compare."""
    return groups.rows >= MIN_ROWS


def gaps_of(groups: Groups, points: GroupPoints) -> list[Gap]:
    """The gaps between the groups large enough to compare (all groups if none is)."""
    mask = large_enough(groups)
    return group_gaps(points, include=mask if mask.sum() >= 2 else None)


def small_group_notice(groups: Groups) -> str | None:
    """Which groups are below :data:`MIN_ROWS` rows and are left out of the gaps, or ``None``."""
    small = [
        f"{n} ({fmt.count(r)})"
        for n, r in zip(groups.names, groups.rows, strict=True)
        if r < MIN_ROWS
    ]
    if not small:
        return None
    left_out = " They are left out of the gaps." if large_enough(groups).sum() >= 2 else ""
    return (
        f"{len(small)} group(s) have fewer than {MIN_ROWS} rows, so their rates swing with a "
        f"few rows and their intervals are wide: {', '.join(small)}.{left_out}"
    )


def one_class_notice(groups: Groups) -> str | None:
    """Which groups hold only one class (recall or FPR undefined there), or ``None``."""
    no_pos = [n for n, sw in zip(groups.names, groups.sweeps, strict=True) if sw.n_pos == 0]
    no_neg = [n for n, sw in zip(groups.names, groups.sweeps, strict=True) if sw.n_neg == 0]
    parts = []
    if no_pos:
        parts.append(f"no positives in {', '.join(no_pos)} (recall is undefined there)")
    if no_neg:
        parts.append(f"no negatives in {', '.join(no_neg)} (FPR is undefined there)")
    if not parts:
        return None
    return "Some groups hold one class only: " + "; ".join(parts) + "."


CURVE_COLUMNS = ["group", "threshold", "fpr", "tpr", "precision"]


def sweep_curve(name: str, sw: Sweep, max_points: int = 300) -> pd.DataFrame:
    """One sweep's ROC and PR points, thinned, from the origin (columns :data:`CURVE_COLUMNS`).

    Thinned to about ``max_points`` thresholds (:func:`metrics_core.sweep_sample`); the
    first row is the ROC origin (nothing flagged), whose threshold and precision are NaN.
    """
    idx = sweep_sample(sw, max_points)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame(
            {
                "group": name,
                "threshold": np.r_[np.nan, sw.thresholds[idx]],
                "fpr": np.r_[0.0, np.asarray(sw.fpr, dtype=np.float64)[idx]],
                "tpr": np.r_[0.0, np.asarray(sw.recall, dtype=np.float64)[idx]],
                "precision": np.r_[np.nan, np.asarray(sw.precision, dtype=np.float64)[idx]],
            }
        )


def curve_frame(groups: Groups, max_points: int = 300) -> pd.DataFrame:
    """Every group's ROC and PR points (:func:`sweep_curve`); groups without positives left out."""
    frames = [
        sweep_curve(name, sw, max_points)
        for name, sw in zip(groups.names, groups.sweeps, strict=True)
        if len(sw) and sw.n_pos
    ]
    if not frames:
        return pd.DataFrame(columns=CURVE_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def point_frame(groups: Groups, points: GroupPoints) -> pd.DataFrame:
    """Each group's operating point: ``group, threshold, fpr, tpr, precision``."""
    return pd.DataFrame(
        {
            "group": list(groups.names),
            "threshold": points.thresholds,
            "fpr": points.fpr,
            "tpr": points.recall,
            "precision": points.precision,
        }
    )


def rule_frame(groups: Groups, result: GroupThresholds) -> pd.DataFrame:
    """Each group's threshold under the rule and its metrics, as text."""
    return group_table(groups, result.points, show_threshold=True)


def rule_comparison(single: GroupPoints, rule: GroupThresholds, costs: Costs) -> pd.DataFrame:
    """All rows under one threshold and under the rule: metrics and net cost, as text."""
    compared = [("One threshold for all", single)]
    if rule.rule != "single":
        compared.append((RULES[rule.rule].capitalize(), rule.points))
    rows = []
    for title, points in compared:
        p = points.overall()
        rows.append(
            {
                "Thresholds": title,
                "Precision": fmt.percent(p.precision),
                "Recall": fmt.percent(p.recall),
                "FPR": fmt.percent(p.fpr),
                "Flag rate": fmt.percent(p.predicted_positive_rate),
                "F1": fmt.decimal(p.f1),
                "Net cost": fmt.money(float(costs.net(p.tp, p.fp, p.fn, p.tn))),
            }
        )
    return pd.DataFrame(rows)


def rule_cost_sentence(single: GroupPoints, rule: GroupThresholds, costs: Costs) -> str:
    """What the rule does to the net cost over all rows, against the one threshold."""
    if rule.rule == "single":
        return "Pick a rule above to compare it with one threshold for all."
    a, b = single.overall(), rule.points.overall()
    change = float(costs.net(b.tp, b.fp, b.fn, b.tn)) - float(costs.net(a.tp, a.fp, a.fn, a.tn))
    if change == 0:
        return f"{RULES[rule.rule].capitalize()} costs the same as one threshold for all."
    word = "more" if change > 0 else "less"
    return (
        f"{RULES[rule.rule].capitalize()} costs {fmt.money(abs(change))} {word} than one "
        "threshold for all, at the costs entered here."
    )
