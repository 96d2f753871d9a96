"""Choosing an operating point: costs, capacity, base rate, uncertainty, comparisons.

Everything here works from a :class:`~metrics_core.Sweep` (or from the four
cell counts at one threshold), so after the one sort every answer costs a
few vectorised passes over the distinct thresholds. Rule used everywhere:
predicted positive when ``score >= threshold``.

Candidates for a threshold are the sweep's distinct scores plus one
threshold just above the highest score, which flags nothing: when every
flag costs more than it saves, flagging nothing is the honest answer.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from functools import cached_property
from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from metrics_core import metrics as _m
from metrics_core._sweep import Sweep, _check_threshold
from metrics_core.gains import sweep_average_precision, sweep_roc_auc

__all__ = [
    "CostBreakdown",
    "CostCurve",
    "Costs",
    "Interval",
    "Transition",
    "at_prevalence",
    "average_precision_interval",
    "bootstrap_intervals",
    "compare_thresholds",
    "cost_curve",
    "roc_auc_delong",
    "roc_auc_interval",
    "sum_below",
]


# --- costs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Costs:
    """What each cell of the confusion matrix costs or gains, per row.

    Attributes
    ----------
    fp : float, default=1.0
        Cost of each false positive (a false alarm: a review, an annoyed customer).
    fn : float, default=1.0
        Cost of each false negative (a miss). With per-row amounts (see
        :func:`cost_curve`) this is added to the row's amount.
    tp : float, default=0.0
        Gain from each true positive.
    tn : float, default=0.0
        Gain from each true negative.

    All four must be finite and >= 0; a gain is entered as a gain, not as a
    negative cost.
    """

    fp: float = 1.0
    fn: float = 1.0
    tp: float = 0.0
    tn: float = 0.0

    def __post_init__(self) -> None:
        names = {"fp": "false positive", "fn": "false negative"}
        names |= {"tp": "true positive", "tn": "true negative"}
        for key, what in names.items():
            value = getattr(self, key)
            kind = "gain" if key in ("tp", "tn") else "cost"
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"The {kind} of a {what} must be a number; got {value!r}.")
            number = float(value)
            if not math.isfinite(number) or number < 0:
                hint = " Enter gains as gains, not as negative costs." if number < 0 else ""
                raise ValueError(
                    f"The {kind} of a {what} must be a finite number >= 0; got {value!r}.{hint}"
                )
            object.__setattr__(self, key, number)

    def net(
        self,
        tp: ArrayLike,
        fp: ArrayLike,
        fn: ArrayLike,
        tn: ArrayLike,
        missed_amount: ArrayLike = 0.0,
    ) -> float | np.ndarray:
        """Net cost: ``fp·c_fp + fn·c_fn + missed_amount − tp·g_tp − tn·g_tn``.

        Works on scalars or on whole sweeps; lower is better.
        """
        out = (
            np.multiply(self.fp, fp, dtype=np.float64)
            + np.multiply(self.fn, fn, dtype=np.float64)
            + np.asarray(missed_amount, dtype=np.float64)
            - np.multiply(self.tp, tp, dtype=np.float64)
            - np.multiply(self.tn, tn, dtype=np.float64)
        )
        return out[()] if out.ndim == 0 else out


@dataclass(frozen=True)
class CostBreakdown:
    """The cost at one threshold, cell by cell.

    Attributes
    ----------
    threshold : float
        Predict positive when ``score >= threshold``.
    tp, fp, fn, tn : float
        The counts (or weight sums) at the threshold.
    missed_amount : float
        Sum of the per-row amounts of the missed positives (0 without amounts).
    fp_cost, fn_cost, tp_gain, tn_gain : float
        Each cell's count times its cost or gain.
    total : float
        ``fp_cost + fn_cost + missed_amount − tp_gain − tn_gain``.
    """

    threshold: float
    tp: float
    fp: float
    fn: float
    tn: float
    missed_amount: float
    fp_cost: float
    fn_cost: float
    tp_gain: float
    tn_gain: float
    total: float

    @property
    def flags_nothing(self) -> bool:
        """True when no row is flagged positive at this threshold."""
        return self.tp + self.fp == 0


@dataclass(frozen=True, eq=False)
class CostCurve:
    """Net cost at every candidate threshold (see :func:`cost_curve`).

    Attributes
    ----------
    thresholds : ndarray
        Decreasing: first a threshold just above the highest score (flags
        nothing), then the sweep's distinct scores.
    tp, fp, fn, tn : ndarray
        Counts at each threshold.
    missed_amount : ndarray
        Amount lost to missed positives at each threshold (zeros without amounts).
    cost : ndarray
        Net cost at each threshold.
    costs : Costs
        The costs used.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray
    missed_amount: np.ndarray
    cost: np.ndarray
    costs: Costs
    _best: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Ties (within rounding of the largest term) go to the highest
        # threshold: the same cost for fewer flags. max |cost| is taken as
        # max(max, -min): the same number, without an array of |cost|.
        best = float(np.min(self.cost))
        scale = max(float(np.max(self.cost)), -best, 1.0)
        object.__setattr__(self, "_best", int(np.argmax(self.cost <= best + 1e-12 * scale)))

    def with_costs(self, costs: Costs) -> CostCurve:
        """The same candidates priced with other ``costs``.

        The thresholds, the counts and the missed amounts do not depend on the costs, so
        the new curve shares those read-only arrays with this one, and its cheapest
        threshold is found among a few candidates: within a run of thresholds with the
        same true positives and missed amount, only false alarms are added, so the run's
        first threshold is its cheapest and its last the costliest. The first call
        indexes those runs (one pass); each call then prices only the runs' ends. The net
        cost at every threshold (:attr:`cost`) is computed when it is first read. Every
        number is the one :func:`cost_curve` gives for ``costs``: the same operations,
        in the same order, on the same values.

        Parameters
        ----------
        costs : Costs
            The new costs and gains.

        Returns
        -------
        CostCurve

        Examples
        --------
        >>> from metrics_core import sweep
        >>> c = cost_curve(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), Costs(fp=1, fn=5))
        >>> c.with_costs(Costs(fp=10, fn=1)).best.threshold > c.best.threshold
        True
        """
        return _Repriced(self, costs)

    @cached_property
    def _runs(self) -> _Runs:
        return _Runs.of(self)

    def _total(self, i: int) -> float:
        return float(self.cost[i])

    def cost_at(self, indices: np.ndarray) -> np.ndarray:
        """Net cost at some candidates only.

        Parameters
        ----------
        indices : ndarray of int
            Positions in :attr:`thresholds`.

        Returns
        -------
        ndarray
            ``cost[indices]``: the same floats, computed for those candidates alone when
            the curve was repriced (:meth:`with_costs`) and its whole cost not yet read.
        """
        return self.cost[indices]

    def __len__(self) -> int:
        return self.thresholds.shape[0]

    @property
    def best_index(self) -> int:
        """Index of the cheapest threshold (the highest among equal costs)."""
        return self._best

    @property
    def best(self) -> CostBreakdown:
        """The cheapest threshold and its cost breakdown."""
        return self.breakdown(self._best)

    def index(self, threshold: float) -> int:
        """Index of the candidate whose counts equal those at ``threshold``."""
        # thresholds[k] is the lowest candidate >= threshold when searching the
        # ascending copy; below every score, the lowest candidate applies.
        asc = self.thresholds[::-1]
        k = int(np.searchsorted(asc, _check_threshold(threshold), side="left"))
        return max(len(self) - 1 - k, 0) if k < len(self) else 0

    def breakdown(self, i: int) -> CostBreakdown:
        """The cost at candidate ``i``, cell by cell."""
        c = self.costs
        tp, fp, fn, tn = (float(a[i]) for a in (self.tp, self.fp, self.fn, self.tn))
        return CostBreakdown(
            threshold=float(self.thresholds[i]),
            tp=tp,
            fp=fp,
            fn=fn,
            tn=tn,
            missed_amount=float(self.missed_amount[i]),
            fp_cost=c.fp * fp,
            fn_cost=c.fn * fn,
            tp_gain=c.tp * tp,
            tn_gain=c.tn * tn,
            total=self._total(i),
        )

    def at(self, threshold: float) -> CostBreakdown:
        """The cost breakdown at any threshold (``score >= threshold`` is positive)."""
        b = self.breakdown(self.index(threshold))
        return CostBreakdown(**{**b.__dict__, "threshold": float(threshold)})


@dataclass(frozen=True, eq=False)
class _Runs:
    """Where a curve's lowest and highest net costs can lie, for any costs.

    A run is a stretch of candidates with the same true positives and missed amount
    (bitwise): along it only false positives are added (true negatives removed), and
    every term of the net cost is monotone in those, rounding included. So the first
    candidate of a run costs the least in it, the last the most: the lowest cost, the
    first candidate within any tolerance of it, and the highest cost are all found
    among the runs' ends. ``starts`` and ``ends`` hold their indices; ``cells_*`` the
    counts and missed amounts there, as :func:`_net_cost` takes them.
    """

    starts: np.ndarray
    ends: np.ndarray
    cells_start: tuple[np.ndarray, ...]
    cells_end: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, curve: CostCurve) -> _Runs:
        tp, missed = curve.tp, curve.missed_amount
        n = tp.shape[0]
        change = np.flatnonzero((tp[1:] != tp[:-1]) | (missed[1:] != missed[:-1]))
        starts = np.concatenate(([0], change + 1))
        ends = np.concatenate((change, [n - 1]))
        arrays = (curve.tp, curve.fp, curve.fn, curve.tn, curve.missed_amount)
        return cls(
            starts,
            ends,
            tuple(a[starts] for a in arrays),
            tuple(a[ends] for a in arrays),
        )

    def best(self, costs: Costs) -> int:
        """The index ``CostCurve.__post_init__`` picks for ``costs``, from the runs' ends."""
        low = _net_cost(costs, *self.cells_start)
        best = float(np.min(low))
        scale = max(float(np.max(_net_cost(costs, *self.cells_end))), -best, 1.0)
        return int(self.starts[int(np.argmax(low <= best + 1e-12 * scale))])


class _Repriced(CostCurve):
    """A :class:`CostCurve` sharing another's arrays, with other costs (see ``with_costs``).

    Its net cost at every candidate is computed when first read; a breakdown or a few
    candidates' costs are computed on their own.
    """

    def __init__(self, base: CostCurve, costs: Costs) -> None:
        for name in ("thresholds", "tp", "fp", "fn", "tn", "missed_amount"):
            object.__setattr__(self, name, getattr(base, name))
        object.__setattr__(self, "costs", costs)
        runs = base._runs
        self.__dict__["_runs"] = runs  # shared: the runs do not depend on the costs
        object.__setattr__(self, "_best", runs.best(costs))

    @cached_property
    def cost(self) -> np.ndarray:  # type: ignore[override]
        """Net cost at each threshold (computed on first use)."""
        cost = _net_cost(self.costs, self.tp, self.fp, self.fn, self.tn, self.missed_amount)
        cost.flags.writeable = False
        return cost

    def cost_at(self, indices: np.ndarray) -> np.ndarray:
        """Net cost at the candidates ``indices``, without the whole array."""
        if "cost" in self.__dict__:
            return self.cost[indices]
        cells = (self.tp, self.fp, self.fn, self.tn, self.missed_amount)
        return _net_cost(self.costs, *(a[indices] for a in cells))

    def _total(self, i: int) -> float:
        return float(self.cost_at(np.array([i]))[0])


def sum_below(scores: np.ndarray, values: np.ndarray, thresholds: ArrayLike) -> np.ndarray:
    """Sum of ``values`` over the samples with ``score < t``, for every ``t``.

    One sort of ``scores``, one cumulative sum, one binary search per
    threshold. Used for per-row amounts: the amount lost to positives a
    threshold misses is ``sum_below(pos_scores, pos_amounts, thresholds)``, which
    is what :func:`cost_curve` adds up when given amounts.

    Parameters
    ----------
    scores : ndarray of shape (n,)
        Finite scores.
    values : ndarray of shape (n,)
        Finite values to add up.
    thresholds : array-like
        Thresholds to evaluate at.

    Returns
    -------
    ndarray
        One sum per threshold.

    Examples
    --------
    >>> sum_below(np.array([0.2, 0.9, 0.5]), np.array([10.0, 30.0, 20.0]), [0.5, 1.0])
    array([10., 60.])
    """
    order = np.argsort(scores, kind="stable")
    prefix = np.concatenate(([0.0], np.cumsum(np.asarray(values, dtype=np.float64)[order])))
    idx = np.searchsorted(scores[order], np.asarray(thresholds, dtype=np.float64), side="left")
    return prefix[idx]


#: Candidates per block of :func:`_net_cost`: a block's temporaries stay in the CPU cache.
_BLOCK = 1 << 16


def _net_cost(
    costs: Costs,
    tp: np.ndarray,
    fp: np.ndarray,
    fn: np.ndarray,
    tn: np.ndarray,
    missed: np.ndarray,
) -> np.ndarray:
    """:meth:`Costs.net` of whole curves, block by block, into one new array.

    The same operations in the same order, so the same floats; a term whose cost is 0
    is left out where that changes no bit (``x - 0.0`` is ``x``; the sums before the
    missed amounts are never ``-0.0``). Made by blocks because at millions of
    candidates a temporary array per term costs more than the arithmetic.
    """
    n = tp.shape[0]
    out = np.empty(n, dtype=np.float64)
    scratch = np.empty(min(n, _BLOCK), dtype=np.float64)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        acc, tmp = out[start:stop], scratch[: stop - start]
        if costs.fp or not costs.fn:
            np.multiply(fp[start:stop], costs.fp, out=acc)
            if costs.fn:
                acc += np.multiply(fn[start:stop], costs.fn, out=tmp)
        else:
            np.multiply(fn[start:stop], costs.fn, out=acc)
        acc += missed[start:stop]
        if costs.tp:
            acc -= np.multiply(tp[start:stop], costs.tp, out=tmp)
        if costs.tn:
            acc -= np.multiply(tn[start:stop], costs.tn, out=tmp)
    return out


def _sum_below_decreasing(
    scores: np.ndarray, values: np.ndarray, thresholds: np.ndarray
) -> np.ndarray:
    """:func:`sum_below` for strictly decreasing ``thresholds``, the same floats.

    With many more thresholds than scores (every distinct score of a sweep against the
    positives alone), counting beats searching: each score is placed among the
    thresholds (one binary search per score), and the number of scores below every
    threshold follows from one cumulative count. The sums are then read from the same
    prefix sums as :func:`sum_below` reads.
    """
    m = thresholds.shape[0]
    if m <= 4 * scores.shape[0]:
        return sum_below(scores, values, thresholds)
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    prefix = np.concatenate(([0.0], np.cumsum(np.asarray(values, dtype=np.float64)[order])))
    # Thresholds above each score: indices 0 .. above - 1 of the decreasing thresholds.
    above = m - np.searchsorted(thresholds[::-1], ordered, side="right")
    # Scores below threshold j are those with above > j: all but the cumulative count.
    below = np.bincount(above, minlength=m + 1)[:m]
    np.cumsum(below, out=below)  # in place: one array of m counts, not three
    np.subtract(ordered.shape[0], below, out=below)
    return prefix[below]


def cost_curve(
    sweep: Sweep,
    costs: Costs,
    *,
    scores: ArrayLike | None = None,
    amounts: ArrayLike | None = None,
) -> CostCurve:
    """Net cost at every candidate threshold, and the cheapest one.

    The candidates are a threshold just above the highest score (flags
    nothing), then ``sweep.thresholds``. With per-row amounts, each missed
    positive also loses its own amount: at every candidate the amounts of the
    positives scoring below it are added up (:func:`sum_below`: one sort of
    ``scores``, one binary search per candidate) and added to the cost of the
    false negatives.

    Parameters
    ----------
    sweep : Sweep
        The sweep of the scores.
    costs : Costs
        Cost of each false positive and false negative, gain of each true
        positive and true negative.
    scores : array-like of shape (n_pos,), optional
        The scores of the positive rows, given together with ``amounts``.
    amounts : array-like of shape (n_pos,), optional
        What each of those positives loses when it is missed (``score <
        threshold``), e.g. a transaction's value; with sample weights, the
        amount times the row's weight. Finite numbers.

    Returns
    -------
    CostCurve
        Cost at each candidate; ``.best`` is the cheapest threshold (the
        highest among equal costs). Without amounts ``missed_amount`` is zeros.

    Raises
    ------
    ValueError
        If only one of ``scores`` and ``amounts`` is given, if they differ in
        length or are not 1-D, or if either holds NaN or inf.

    Examples
    --------
    >>> from metrics_core import sweep
    >>> sw = sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> c = cost_curve(sw, Costs(fp=1, fn=5))
    >>> c.best.threshold, c.best.total
    (0.35, 1.0)

    The positive scored 0.35 is a payment of 100, the one scored 0.8 of 20:
    missing either also loses its amount.

    >>> c = cost_curve(sw, Costs(fp=1, fn=5), scores=[0.35, 0.8], amounts=[100.0, 20.0])
    >>> c.missed_amount.tolist()
    [120.0, 100.0, 100.0, 0.0, 0.0]
    >>> c.cost.tolist()
    [130.0, 105.0, 106.0, 1.0, 2.0]
    """
    top = float(sweep.thresholds[0])
    nothing = float(np.nextafter(top, np.inf))
    thresholds = np.concatenate(([nothing], sweep.thresholds))
    tp, fp = _after_zero(sweep.tp), _after_zero(sweep.fp)
    fn = sweep.n_pos - tp
    tn = sweep.n_neg - fp
    if scores is None and amounts is None:
        missed = np.zeros_like(tp)
    else:
        missed = _sum_below_decreasing(*_check_amounts(scores, amounts), thresholds)
    cost = _net_cost(costs, tp, fp, fn, tn, missed)
    for arr in (thresholds, tp, fp, fn, tn, missed, cost):
        arr.flags.writeable = False
    return CostCurve(thresholds, tp, fp, fn, tn, missed, cost, costs)


def _after_zero(counts: np.ndarray) -> np.ndarray:
    """``counts`` as float64 after a leading 0 (flag nothing), in one new array."""
    out = np.empty(counts.shape[0] + 1, dtype=np.float64)
    out[0] = 0.0
    out[1:] = counts
    return out


def _check_amounts(scores: ArrayLike | None, amounts: ArrayLike | None) -> tuple[np.ndarray, ...]:
    """The positives' scores and amounts as float64 arrays, or a ValueError saying what is wrong."""
    if scores is None or amounts is None:
        given, missing = ("scores", "amounts") if amounts is None else ("amounts", "scores")
        raise ValueError(
            f"{given} was given without {missing}: pass both (the positives' scores and the "
            "amount each loses when missed), or neither."
        )
    s = np.asarray(scores, dtype=np.float64)
    a = np.asarray(amounts, dtype=np.float64)
    if s.ndim != 1 or a.ndim != 1:
        raise ValueError(
            f"scores and amounts must be 1-D, one value per positive row; got shapes {s.shape} "
            f"and {a.shape}."
        )
    if a.shape != s.shape:
        raise ValueError(
            f"amounts has {a.shape[0]} values but scores has {s.shape[0]}; pass one amount per "
            "positive row's score, in the same order."
        )
    for name, values in (("scores", s), ("amounts", a)):
        if not np.isfinite(values).all():
            raise ValueError(
                f"{name} contains NaN or inf: every {name[:-1]} must be a finite number."
            )
    return s, a


# --- deployment base rate ------------------------------------------------------------


def at_prevalence(
    tp: ArrayLike, fp: ArrayLike, fn: ArrayLike, tn: ArrayLike, prevalence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Counts re-weighted to another share of positives.

    Keeps each class's score distribution (so recall, specificity and every
    rate within a class) and changes only how many of each class there are.
    The result is a population of size 1: ``tp + fn == prevalence`` and
    ``fp + tn == 1 − prevalence``. Any point metric of the result is that
    metric at the new base rate, e.g. ``precision(*at_prevalence(...))``.

    Parameters
    ----------
    tp, fp, fn, tn : array-like
        Counts at one threshold or along a sweep.
    prevalence : float in (0, 1)
        The share of positives expected in deployment.

    Returns
    -------
    tuple of four ndarrays
        Re-weighted ``tp, fp, fn, tn``; ``nan`` where a class is absent.

    Examples
    --------
    >>> from metrics_core.metrics import precision
    >>> round(float(precision(*at_prevalence(90, 10, 10, 90, 0.01))), 4)
    0.0833
    """
    try:
        pi = float(prevalence)
    except (TypeError, ValueError):
        raise ValueError(f"prevalence must be a number; got {prevalence!r}.") from None
    if not 0 < pi < 1:
        raise ValueError(
            f"prevalence must be strictly between 0 and 1 (a share of positives); got {pi!r}."
        )
    tp, fp, fn, tn = (np.asarray(c, dtype=np.float64) for c in (tp, fp, fn, tn))
    pos = _m._divide(pi, tp + fn)
    neg = _m._divide(1 - pi, fp + tn)
    return tp * pos, fp * neg, fn * pos, tn * neg


# --- uncertainty ---------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A confidence interval around an estimate.

    Attributes
    ----------
    estimate : float
        The value on the data as given.
    low, high : float
        Interval bounds; ``nan`` when the interval is undefined.
    level : float
        Coverage, e.g. 0.95.
    method : str
        How the interval was made.
    undefined_share : float
        Share of bootstrap replicates where the metric was undefined (0/0),
        left out of the interval (0 for analytic intervals).
    """

    estimate: float
    low: float
    high: float
    level: float
    method: str
    undefined_share: float = 0.0

    @property
    def defined(self) -> bool:
        """True when both bounds are numbers."""
        return not (math.isnan(self.low) or math.isnan(self.high))


def _check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95); got {level!r}.")
    return float(level)


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def bootstrap_intervals(
    tp: float,
    fp: float,
    fn: float,
    tn: float,
    metrics: tuple[str, ...] | None = None,
    *,
    level: float = 0.95,
    n_boot: int = 2000,
    n_rows: int | None = None,
    seed: int = 0,
) -> dict[str, Interval]:
    """Percentile bootstrap intervals for point metrics at one threshold.

    At a fixed threshold a metric depends on the rows only through the four
    cell counts, so resampling ``n`` rows with replacement is the same as one
    multinomial draw of the cells with probabilities ``cell / n``. That draw
    is all this does: ``n_boot`` multinomial draws, then each metric's
    formula over the replicate counts at once.

    Parameters
    ----------
    tp, fp, fn, tn : float
        Counts at the threshold (sums of weights for weighted data).
    metrics : tuple of str, optional
        Names from :data:`metrics_core.metrics.METRICS`; all of them by default.
    level : float, default=0.95
        Coverage of the intervals.
    n_boot : int, default=2000
        Number of bootstrap replicates.
    n_rows : int, optional
        Rows resampled per replicate. Defaults to the total count; for
        weighted counts pass the number of rows, and replicate cells are
        scaled back to the weighted total.
    seed : int, default=0
        Seed of the random generator, so the same data gives the same interval.

    Returns
    -------
    dict of str to Interval
        One interval per metric. Replicates where the metric is undefined are
        left out and their share reported; an undefined estimate gives an
        undefined interval.
    """
    level = _check_level(level)
    cells = np.array([tp, fp, fn, tn], dtype=np.float64)
    if not np.isfinite(cells).all() or (cells < 0).any():
        raise ValueError(f"counts must be finite and >= 0; got {cells.tolist()}.")
    total = float(cells.sum())
    if total <= 0:
        raise ValueError("counts are all zero: there is nothing to resample.")
    n = round(total) if n_rows is None else int(n_rows)
    if n < 1:
        raise ValueError(f"n_rows must be at least 1; got {n_rows!r}.")
    if n_boot < 1:
        raise ValueError(f"n_boot must be at least 1; got {n_boot!r}.")
    names = tuple(_m.METRICS) if metrics is None else metrics
    unknown = [m for m in names if m not in _m.METRICS]
    if unknown:
        raise ValueError(f"Unknown metric(s) {unknown}; choose from {sorted(_m.METRICS)}.")
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, cells / total, size=n_boot).astype(np.float64)
    if n != total:
        draws *= total / n
    rtp, rfp, rfn, rtn = draws.T
    alpha = (1 - level) / 2
    out: dict[str, Interval] = {}
    for name in names:
        func = _m.METRICS[name]
        estimate = float(func(tp, fp, fn, tn))
        values = np.asarray(func(rtp, rfp, rfn, rtn))
        ok = ~np.isnan(values)
        share = float(np.mean(~ok))
        if math.isnan(estimate) or not ok.any():
            low = high = math.nan
        else:
            low, high = (float(v) for v in np.quantile(values[ok], [alpha, 1 - alpha]))
        out[name] = Interval(estimate, low, high, level, "bootstrap of the cell counts", share)
    return out


def roc_auc_interval(
    sweep: Sweep, level: float = 0.95, *, delong: tuple[float, float] | None = None
) -> Interval:
    """ROC AUC with DeLong's confidence interval, from the sweep alone.

    DeLong's variance needs, for each positive, the share of negatives it
    outranks (ties count half), and for each negative the share of positives
    that outrank it. Samples with the same score share those values, so one
    pass over the sweep's distinct scores gives them all: no pairwise
    comparisons, no second sort. Weights act as frequency weights.

    Parameters
    ----------
    sweep : Sweep
        The sweep of the scores.
    level : float, default=0.95
        Coverage of the interval.
    delong : tuple of float, optional
        ``(roc_auc, se)`` if already computed (:func:`roc_auc_delong`).

    Returns
    -------
    Interval
        ``estimate`` equals ``roc_auc_score``; bounds are ``AUC ± z·se``
        clipped to [0, 1], undefined with fewer than two samples of a class.

    References
    ----------
    DeLong, DeLong and Clarke-Pearson (1988), Comparing the areas under two or
    more correlated receiver operating characteristic curves: a nonparametric
    approach. Biometrics 44(3), 837-845.
    """
    level = _check_level(level)
    auc, se = roc_auc_delong(sweep) if delong is None else delong
    if math.isnan(se):
        return Interval(auc, math.nan, math.nan, level, "DeLong")
    z = _z(level)
    return Interval(auc, max(0.0, auc - z * se), min(1.0, auc + z * se), level, "DeLong")


def roc_auc_delong(sweep: Sweep) -> tuple[float, float]:
    """ROC AUC and DeLong's standard error of it, from the sweep alone.

    The part of :func:`roc_auc_interval` that does not depend on the level: compute it
    once and pass it as ``delong=`` to get the interval at any level without another
    pass over the sweep.

    Parameters
    ----------
    sweep : Sweep
        The sweep of the scores.

    Returns
    -------
    roc_auc, se : float
        ``roc_auc`` equals ``roc_auc_score`` (``nan`` with one class only); ``se`` is
        ``nan`` with fewer than two samples of a class.

    Examples
    --------
    >>> from metrics_core import sweep
    >>> auc, se = roc_auc_delong(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]))
    >>> auc, round(se, 4)
    (0.75, 0.3536)
    """
    n_pos, n_neg = float(sweep.n_pos), float(sweep.n_neg)
    if n_pos == 0 or n_neg == 0:
        return math.nan, math.nan
    tp = sweep.tp.astype(np.float64)
    fp = sweep.fp.astype(np.float64)
    d_tp = np.diff(tp, prepend=0.0)
    d_fp = np.diff(fp, prepend=0.0)
    # Negatives strictly below, plus half of those tied, over all negatives.
    v10 = (n_neg - fp + 0.5 * d_fp) / n_neg
    # Positives strictly above, plus half of those tied, over all positives.
    v01 = (tp - 0.5 * d_tp) / n_pos
    mean = float(np.dot(d_tp, v10) / n_pos)  # the AUC as a Mann-Whitney mean
    # The estimate is the trapezoid, as roc_auc_score computes it (equal up to rounding).
    auc = sweep_roc_auc(sweep)
    if n_pos < 2 or n_neg < 2:
        return auc, math.nan
    s10 = float(np.dot(d_tp, (v10 - mean) ** 2) / (n_pos - 1))
    s01 = float(np.dot(d_fp, (v01 - mean) ** 2) / (n_neg - 1))
    return auc, math.sqrt(s10 / n_pos + s01 / n_neg)


def average_precision_interval(
    sweep: Sweep, level: float = 0.95, *, average_precision: float | None = None
) -> Interval:
    """Average precision with a logit confidence interval.

    ``logit(AP) ± z / sqrt(n_pos · AP · (1 − AP))``, mapped back to [0, 1]:
    the interval Boyd, Eng and Page (2013) found to cover well across sample
    sizes and skews. Undefined when AP is exactly 0 or 1, or there are no
    positives.

    Parameters
    ----------
    sweep : Sweep
        The sweep of the scores.
    level : float, default=0.95
        Coverage of the interval.
    average_precision : float, optional
        AP if already computed (``sweep_average_precision(sweep)``).

    Returns
    -------
    Interval

    References
    ----------
    Boyd, Eng and Page (2013), Area under the precision-recall curve: point
    estimates and confidence intervals. ECML PKDD, LNCS 8190, 451-466.
    """
    level = _check_level(level)
    ap = sweep_average_precision(sweep) if average_precision is None else float(average_precision)
    n_pos = float(sweep.n_pos)
    # A perfect ranking (every positive above every negative) has AP = 1 exactly,
    # which the float sum can round to 1 - 1e-16: test it on the counts.
    perfect = n_pos > 0 and sweep.fp[int(np.argmax(sweep.tp >= sweep.n_pos))] == 0
    if math.isnan(ap) or n_pos == 0 or not 0 < ap < 1 or perfect:
        return Interval(ap, math.nan, math.nan, level, "logit")
    eta = math.log(ap / (1 - ap))
    tau = 1 / math.sqrt(n_pos * ap * (1 - ap))
    z = _z(level)

    def expit(x: float) -> float:
        # Never exp() of a large positive number: no OverflowError far in the tails.
        if x >= 0:
            return 1 / (1 + math.exp(-x))
        e = math.exp(x)
        return e / (1 + e)

    return Interval(ap, expit(eta - z * tau), expit(eta + z * tau), level, "logit")


# --- two thresholds compared -----------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """How rows move between the confusion cells when the threshold goes from ``a`` to ``b``.

    Lowering the threshold flags more rows: missed positives become caught
    (FN → TP) and true negatives become false alarms (TN → FP). Raising it
    does the reverse. Nothing else can move.

    Attributes
    ----------
    a, b : float
        The two thresholds.
    moves : dict of (str, str) to float
        Count (or weight) of rows moving from one cell to another, e.g.
        ``moves[("FN", "TP")]``; zero entries included.
    """

    a: float
    b: float
    moves: dict[tuple[str, str], float]

    @property
    def n_changed(self) -> float:
        """Rows whose predicted class differs between the two thresholds."""
        return sum(self.moves.values())


def compare_thresholds(sweep: Sweep, a: float, b: float) -> Transition:
    """Rows moving between cells when the threshold goes from ``a`` to ``b``.

    Parameters
    ----------
    sweep : Sweep
        The sweep of the scores.
    a, b : float
        The thresholds before and after.

    Returns
    -------
    Transition

    Examples
    --------
    >>> from metrics_core import sweep
    >>> t = compare_thresholds(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 0.5, 0.3)
    >>> t.moves[("FN", "TP")], t.moves[("TN", "FP")]
    (1.0, 1.0)
    """
    pa, pb = sweep.at(a), sweep.at(b)
    d_tp = float(pb.tp - pa.tp)  # > 0 when b flags more positives
    d_fp = float(pb.fp - pa.fp)
    moves = {
        ("FN", "TP"): max(d_tp, 0.0),
        ("TN", "FP"): max(d_fp, 0.0),
        ("TP", "FN"): max(-d_tp, 0.0),
        ("FP", "TN"): max(-d_fp, 0.0),
    }
    return Transition(float(a), float(b), moves)
