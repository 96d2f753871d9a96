"""One classifier, many groups: per-group sweeps, operating points, thresholds and gaps.

Rows carry an integer group code ``0 .. n_groups - 1``. The rows are put in
(group, score) order once, then split into one :class:`~metrics_core.Sweep`
per group, so every per-group question afterwards costs one binary search per
group. Rule used everywhere: predicted positive when ``score >= threshold``.

The gaps are the ones fairness work reports: the recall difference (equal
opportunity), the false positive rate difference, the flag-rate ratio (the
four-fifths rule of thumb: a ratio below 0.8 is a warning sign) and the
precision difference, each with the pair of groups furthest apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._sweep import (
    OperatingPoint,
    Sweep,
    _check_threshold,
    _CountMetrics,
    empty_sweep,
    sweep_clean,
)
from metrics_core._threads import WORKERS, in_threads
from metrics_core.decision import Costs, cost_curve

__all__ = [
    "FOUR_FIFTHS",
    "RULES",
    "Gap",
    "GroupPoints",
    "GroupThresholds",
    "group_blocks",
    "group_gaps",
    "group_points",
    "group_sweeps",
    "group_thresholds",
]

#: The four-fifths rule: a group flagged at under 80% of the most-flagged group's rate.
FOUR_FIFTHS = 0.8

#: Ways to pick each group's threshold, by name (see :func:`group_thresholds`).
RULES: dict[str, str] = {
    "single": "one threshold for all",
    "equal_recall": "equal recall",
    "equal_fpr": "equal false positive rate",
    "equal_flag_rate": "equal flag rate",
    "cheapest": "each group's cheapest",
}


def group_sweeps(
    y: np.ndarray, s: np.ndarray, codes: np.ndarray, n_groups: int, w: np.ndarray | None = None
) -> tuple[Sweep, ...]:
    """One :class:`Sweep` per group, from one ordering of the rows by (group, score).

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class.
    s : ndarray of float, shape (n,)
        Finite scores.
    codes : ndarray of int, shape (n,)
        Each row's group, in ``0 .. n_groups - 1``.
    n_groups : int
        Number of groups; a group without rows gets an empty sweep.
    w : ndarray of float, shape (n,), optional
        Non-negative sample weights; zero-weight rows add no threshold.

    Returns
    -------
    tuple of Sweep
        ``sweeps[g]`` equals ``sweep(y[codes == g], s[codes == g])`` exactly (with the
        group's weights, when given).

    Notes
    -----
    The rows are put in group order once (no sort when they already are, as in a file
    written one group or epoch after another; else one stable sort of the small integer
    codes, a radix sort in numpy); each group's block is then swept on its own, which is
    the one sort by (group, score).
    """
    return tuple(
        sweep_clean(yb, sb, wb) if yb.shape[0] else empty_sweep()
        for yb, sb, wb in group_blocks(y, s, codes, n_groups, w)
    )


def group_blocks(
    y: np.ndarray, s: np.ndarray, codes: np.ndarray, n_groups: int, w: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
    """Each group's labels, scores and weights, as slices of one group-ordered copy (or views).

    Rows keep their order within each group (a stable partition), so per-group sums run
    over the rows in file order. Scores of ``-0.0`` become ``0.0``, so the two are one
    threshold, as in :func:`sweep`.
    """
    s = np.asarray(s, dtype=np.float64)
    c = _small_codes(np.asarray(codes), n_groups)
    if c.shape[0] > 1 and bool(np.any(c[1:] < c[:-1])):
        arrays = [y, s] if w is None else [y, s, w]
        if c.dtype == np.uint8 and c.shape[0] > _chunk(n_groups):
            arrays, counts = _partition(c, arrays, _chunk(n_groups), WORKERS)
        else:
            counts = np.bincount(c, minlength=n_groups)
            order = np.argsort(c, kind="stable")
            arrays = [a[order] for a in arrays]
        y, s = arrays[0], arrays[1]
        w = None if w is None else arrays[2]
        # Codes past n_groups sort last: the first n_groups bounds leave them out.
        bounds = np.concatenate(([0], np.cumsum(counts)))[: n_groups + 1]
    else:
        bounds = _sorted_bounds(c, n_groups)
    s = _positive_zero(s)
    spans = zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    return [(y[lo:hi], s[lo:hi], None if w is None else w[lo:hi]) for lo, hi in spans]


def _small_codes(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """The codes in the smallest unsigned type that holds them (numpy radix-sorts those)."""
    small = np.uint8 if n_codes <= 256 else (np.uint16 if n_codes <= 65536 else np.int64)
    return codes.astype(small, copy=False)


def _sorted_bounds(c: np.ndarray, n_codes: int) -> np.ndarray:
    """Where each code's run starts in the sorted codes ``c``, and the end of the last run.

    The codes searched for have the dtype of ``c``: searching for int64 values would
    convert all of ``c`` to int64 first (8 bytes a row, most of the search's time).
    """
    top = np.iinfo(c.dtype).max
    inner = np.searchsorted(c, np.arange(min(n_codes + 1, top + 1), dtype=c.dtype))
    # Codes past the dtype's range cannot occur: their runs start at the end.
    ends = np.full(n_codes + 1 - inner.shape[0], c.shape[0], dtype=inner.dtype)
    return np.concatenate((inner, ends))


def _positive_zero(s: np.ndarray) -> np.ndarray:
    """``s`` with ``-0.0`` turned into ``0.0``; ``s`` itself when it holds no ``-0.0``.

    Looking for a negative zero costs one comparison per row; the copy it avoids is the
    largest temporary of a grouping (8 bytes a row).
    """
    zero = s == 0
    if zero.any() and bool(np.signbit(s[zero]).any()):
        return s + 0.0
    return s


def _chunk(n_codes: int) -> int:
    """Rows per chunk of :func:`_partition`: cache-sized, and many rows per code."""
    return max(_CHUNK_ROWS, _CHUNK_ROWS_PER_CODE * n_codes)


# Rows per chunk of the chunked partition: a chunk's scores (512 KiB) stay in cache, and
# with many codes each code's run stays long enough that copying it is no per-row loop.
# Module constants, so that tests can shrink them.
_CHUNK_ROWS = 1 << 16
_CHUNK_ROWS_PER_CODE = 1024


def _partition(
    c: np.ndarray, arrays: list[np.ndarray], chunk: int, workers: int = 1
) -> tuple[list[np.ndarray], np.ndarray]:
    """Stable partition of ``arrays`` by the uint8 codes ``c``, one chunk of rows at a time.

    Returns ``[a[np.argsort(c, kind="stable")] for a in arrays]`` and the rows per code
    (256 counts). One argsort of all rows gathers through an index spread over the whole
    arrays; measured at 5e7 rows and 50 codes, that took twice as long as sorting each
    chunk's codes and gathering within the chunk (both stay in cache), then copying each
    code's run of the chunk to its place. Each chunk's places are known from the counts
    per chunk, so the chunks are independent and shared among ``workers`` threads.
    """
    starts = range(0, c.shape[0], chunk)
    per_chunk = np.stack([np.bincount(c[lo : lo + chunk], minlength=256) for lo in starts])
    counts = per_chunk.sum(axis=0)
    # Chunk i's rows of code g go after the rows of g in the chunks before i.
    place = (np.cumsum(counts) - counts) + (np.cumsum(per_chunk, axis=0) - per_chunk)
    out = [np.empty_like(a) for a in arrays]

    def run(first: int, step: int) -> None:
        for i in range(first, len(starts), step):
            lo = starts[i]
            order = np.argsort(c[lo : lo + chunk], kind="stable")
            parts = [a[lo : lo + chunk][order] for a in arrays]
            at = 0
            for g in np.flatnonzero(per_chunk[i]).tolist():
                m, dst = int(per_chunk[i, g]), int(place[i, g])
                for o, p in zip(out, parts, strict=True):
                    o[dst : dst + m] = p[at : at + m]
                at += m

    in_threads(run, len(starts), workers)
    return out, counts


@dataclass(frozen=True, eq=False)
class GroupPoints(_CountMetrics):
    """Confusion counts of every group at its threshold, as arrays (one entry per group).

    Every name in :data:`metrics_core.metrics.METRICS` is an attribute giving
    that metric per group (``nan`` where undefined), e.g. ``points.recall``.

    Attributes
    ----------
    thresholds : ndarray of shape (n_groups,)
        Each group's threshold.
    tp, fp, fn, tn : ndarray of shape (n_groups,)
        Counts (float64; sums of weights when weighted).
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray

    def __len__(self) -> int:
        return self.tp.shape[0]

    @property
    def size(self) -> np.ndarray:
        """Rows (or total weight) of each group."""
        return self.tp + self.fp + self.fn + self.tn

    @property
    def flag_rate(self) -> np.ndarray:
        """Share of each group flagged positive."""
        return self.predicted_positive_rate

    def overall(self) -> OperatingPoint:
        """The counts of all groups together (the groups split the rows).

        Its ``threshold`` is the groups' one threshold when they share one, else ``nan``.
        """
        ts = np.unique(self.thresholds)
        t = float(ts[0]) if ts.shape[0] == 1 else math.nan
        return OperatingPoint(
            threshold=t,
            tp=float(self.tp.sum()),
            fp=float(self.fp.sum()),
            fn=float(self.fn.sum()),
            tn=float(self.tn.sum()),
        )


def group_points(sweeps: tuple[Sweep, ...], thresholds: ArrayLike) -> GroupPoints:
    """Every group's counts at its threshold: one binary search per group.

    Parameters
    ----------
    sweeps : tuple of Sweep
        From :func:`group_sweeps`.
    thresholds : float or array-like of shape (n_groups,)
        One threshold for all groups, or one per group.

    Returns
    -------
    GroupPoints
    """
    k = len(sweeps)
    ts = np.broadcast_to(np.asarray(thresholds, dtype=np.float64), (k,)).copy()
    cells = np.zeros((4, k), dtype=np.float64)
    for g, sw in enumerate(sweeps):
        t = _check_threshold(ts[g])
        i = sw.index(t) if len(sw) else 0
        tp = float(sw.tp[i - 1]) if i else 0.0
        fp = float(sw.fp[i - 1]) if i else 0.0
        cells[:, g] = (tp, fp, sw.n_pos - tp, sw.n_neg - fp)
    return GroupPoints(ts, *cells)


@dataclass(frozen=True)
class Gap:
    """How far apart the groups are on one metric, and which two groups are furthest apart.

    Attributes
    ----------
    metric : str
        ``"recall"``, ``"fpr"``, ``"predicted_positive_rate"`` or
        ``"precision"``.
    kind : {"difference", "ratio"}
        ``highest - lowest``, or ``lowest / highest`` (the flag-rate ratio).
    value : float
        The gap; ``nan`` when fewer than two groups have the metric defined.
    low, high : int
        The groups with the lowest and the highest value (-1 when undefined).
    """

    metric: str
    kind: str
    value: float
    low: int
    high: int

    @property
    def passes_four_fifths(self) -> bool | None:
        """For a ratio: whether it is at least 0.8 (``None`` for a difference or undefined)."""
        if self.kind != "ratio" or math.isnan(self.value):
            return None
        return self.value >= FOUR_FIFTHS


#: The gaps reported, in order: (metric, kind).
GAPS: tuple[tuple[str, str], ...] = (
    ("recall", "difference"),
    ("fpr", "difference"),
    ("predicted_positive_rate", "ratio"),
    ("precision", "difference"),
)


def _gap(values: np.ndarray, metric: str, kind: str) -> Gap:
    ok = np.flatnonzero(~np.isnan(values))
    if ok.shape[0] < 2:
        return Gap(metric, kind, math.nan, -1, -1)
    lo = int(ok[np.argmin(values[ok])])
    hi = int(ok[np.argmax(values[ok])])
    if kind == "ratio":
        value = float(values[lo] / values[hi]) if values[hi] > 0 else math.nan
    else:
        value = float(values[hi] - values[lo])
    return Gap(metric, kind, value, lo, hi)


def group_gaps(points: GroupPoints, *, include: ArrayLike | None = None) -> list[Gap]:
    """The fairness gaps between groups at their thresholds.

    Parameters
    ----------
    points : GroupPoints
        Every group's counts.
    include : array-like of bool, shape (n_groups,), optional
        Groups to compare (e.g. those large enough); all by default. The
        groups named in a :class:`Gap` are positions in ``points``.

    Returns
    -------
    list of Gap
        Recall difference (equal opportunity), false positive rate
        difference, flag-rate ratio (lowest over highest: the four-fifths
        rule), precision difference. Groups where a metric is undefined are
        left out of that gap.
    """
    mask = np.ones(len(points), dtype=bool) if include is None else np.asarray(include, bool)
    out = []
    for metric, kind in GAPS:
        values = np.asarray(getattr(points, metric), dtype=np.float64).copy()
        values[~mask] = np.nan
        out.append(_gap(values, metric, kind))
    return out


@dataclass(frozen=True)
class GroupThresholds:
    """Each group's threshold under one rule, and the counts it gives.

    Attributes
    ----------
    rule : str
        A key of :data:`RULES`.
    target : float
        The overall value each group was brought close to (recall, false
        positive rate or flag rate at the one threshold); ``nan`` for the
        other rules.
    points : GroupPoints
        Every group's threshold and counts under the rule.
    """

    rule: str
    target: float
    points: GroupPoints


def _candidates(sw: Sweep) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Thresholds a group can take (one above the top flags nothing) and their counts."""
    if len(sw) == 0:
        return np.array([math.inf]), np.zeros(1), np.zeros(1)
    nothing = float(np.nextafter(sw.thresholds[0], np.inf))
    ts = np.concatenate(([nothing], sw.thresholds))
    tp = np.concatenate(([0.0], sw.tp.astype(np.float64)))
    fp = np.concatenate(([0.0], sw.fp.astype(np.float64)))
    return ts, tp, fp


def group_thresholds(
    sweeps: tuple[Sweep, ...],
    rule: str,
    threshold: float,
    *,
    costs: Costs | None = None,
) -> GroupThresholds:
    """Every group's threshold under ``rule``.

    Parameters
    ----------
    sweeps : tuple of Sweep
        From :func:`group_sweeps`.
    rule : str
        ``"single"``: ``threshold`` for every group. ``"equal_recall"``,
        ``"equal_fpr"``, ``"equal_flag_rate"``: each group's threshold is the
        candidate whose recall (false positive rate, flag rate) is closest to
        that of all rows at ``threshold``; among equally close candidates the
        highest threshold (fewest flags). ``"cheapest"``: each group's
        cheapest threshold under ``costs`` (:func:`~metrics_core.cost_curve`).
        A group's candidates are its distinct scores and one threshold above
        its highest score, which flags nothing.
    threshold : float
        The one threshold the targets are read at.
    costs : Costs, optional
        Needed for ``"cheapest"``.

    Returns
    -------
    GroupThresholds

    Raises
    ------
    ValueError
        For an unknown rule, or ``"cheapest"`` without costs.
    """
    if rule not in RULES:
        raise ValueError(f"Unknown rule {rule!r}; choose from {sorted(RULES)}.")
    one = group_points(sweeps, threshold)
    if rule == "single":
        return GroupThresholds(rule, math.nan, one)
    if rule == "cheapest":
        if costs is None:
            raise ValueError("The rule 'cheapest' needs costs: pass costs=Costs(...).")
        ts = [cost_curve(sw, costs).best.threshold if len(sw) else math.inf for sw in sweeps]
        return GroupThresholds(rule, math.nan, group_points(sweeps, ts))
    all_rows = one.overall()
    metric = {
        "equal_recall": "recall",
        "equal_fpr": "fpr",
        "equal_flag_rate": "predicted_positive_rate",
    }[rule]
    target = float(getattr(all_rows, metric))
    ts = np.full(len(sweeps), float(threshold))
    if not math.isnan(target):
        for g, sw in enumerate(sweeps):
            cand, tp, fp = _candidates(sw)
            if metric == "recall":
                num, den = tp, sw.n_pos
            elif metric == "fpr":
                num, den = fp, sw.n_neg
            else:
                num, den = tp + fp, sw.n_pos + sw.n_neg
            if den > 0:  # otherwise the metric is undefined in the group: keep the one threshold
                # argmin takes the first of equal distances: the highest threshold.
                ts[g] = cand[int(np.argmin(np.abs(num / den - target)))]
    return GroupThresholds(rule, target, group_points(sweeps, ts))
