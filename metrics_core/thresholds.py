"""Threshold finders over a sweep: best metric, or the best under a constraint.

Candidates are the sweep's distinct scores: every threshold between two
neighbouring scores gives the same counts as the higher of the two. Ties in
the objective go to the highest threshold (the fewest samples flagged).

Equal values reached from different counts can differ in their last bits (J =
1/6 from 1/2 - 1/3 and from 2/3 - 1/2, say), so values within ``TIE_TOLERANCE``
of the best count as ties. Every objective here lies in [-1, 1], so an
absolute tolerance of a few ulps of 1 is safe: two genuinely different F1
values at ten million rows still differ by more than 1e-15.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from metrics_core import metrics as _m
from metrics_core._sweep import OperatingPoint, Sweep

__all__ = [
    "ThresholdChoice",
    "ThresholdSearch",
    "best_threshold",
    "threshold_for_capacity",
    "threshold_for_fpr",
    "threshold_for_precision",
    "threshold_for_recall",
]

TIE_TOLERANCE = 8 * np.finfo(np.float64).eps

_OBJECTIVES = {
    "f1": lambda s, beta: s.f1,
    "fbeta": lambda s, beta: s.fbeta(beta),
    "youden": lambda s, beta: s.informedness,
    "mcc": lambda s, beta: s.mcc,
}


@dataclass(frozen=True)
class ThresholdChoice:
    """A chosen threshold, the counts there and what it was chosen for.

    Attributes
    ----------
    threshold : float
        Predict positive when ``score >= threshold``.
    point : OperatingPoint
        Counts and every metric at ``threshold``.
    objective : str
        What the threshold optimises, e.g. ``"f1"`` or ``"recall | precision >= 0.9"``.
    value : float
        The optimised quantity at ``threshold``.
    """

    threshold: float
    point: OperatingPoint
    objective: str
    value: float

    @property
    def tp(self) -> float:
        """True positives at the threshold."""
        return self.point.tp

    @property
    def fp(self) -> float:
        """False positives at the threshold."""
        return self.point.fp

    @property
    def fn(self) -> float:
        """False negatives at the threshold."""
        return self.point.fn

    @property
    def tn(self) -> float:
        """True negatives at the threshold."""
        return self.point.tn


def _choice(sweep: Sweep, i: int, objective: str, value: float) -> ThresholdChoice:
    t = float(sweep.thresholds[i])
    return ThresholdChoice(threshold=t, point=sweep.at(t), objective=objective, value=float(value))


def best_threshold(sweep: Sweep, metric: str = "f1", *, beta: float = 1.0) -> ThresholdChoice:
    """The threshold that maximises a metric over all distinct scores.

    Parameters
    ----------
    sweep : Sweep
        The sweep to search.
    metric : {"f1", "fbeta", "youden", "mcc"}, default="f1"
        ``"youden"`` is Youden's J (informedness, ``recall + specificity - 1``).
    beta : float, default=1.0
        Used by ``"fbeta"``.

    Returns
    -------
    ThresholdChoice
        The highest threshold among those with the maximal value (values
        within ``TIE_TOLERANCE`` of it count as equal).

    Raises
    ------
    ValueError
        If ``metric`` is unknown, or the metric is undefined at every
        threshold (e.g. Youden's J or MCC with one class only).

    Examples
    --------
    >>> from metrics_core import sweep, best_threshold
    >>> c = best_threshold(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), "f1")
    >>> c.threshold, round(c.value, 3)
    (0.35, 0.8)
    """
    if metric not in _OBJECTIVES:
        raise ValueError(f"metric must be one of {sorted(_OBJECTIVES)}; got {metric!r}.")
    values = np.asarray(_OBJECTIVES[metric](sweep, beta), dtype=np.float64)
    if values.size == 0 or np.isnan(values).all():
        raise ValueError(
            f"{metric} is undefined at every threshold (it needs both positives and "
            "negatives): check that the data holds both classes."
        )
    best = np.nanmax(values)
    # First index within rounding noise of the maximum = highest threshold.
    i = int(np.argmax(values >= best - TIE_TOLERANCE))
    name = f"f{beta:g}" if metric == "fbeta" else metric
    return _choice(sweep, i, name, values[i])


def _best_under(
    sweep: Sweep, goal: np.ndarray, bound: np.ndarray, minimum: float, objective: str
) -> ThresholdChoice | None:
    # NaN (undefined) never satisfies a constraint, nor wins as the goal.
    ok = (bound >= minimum) & ~np.isnan(goal)
    if not ok.any():
        return None
    masked = np.where(ok, goal, -np.inf)
    i = int(np.argmax(masked))  # first maximum = highest threshold
    return _choice(sweep, i, objective, goal[i])


def _check_level(value: float, name: str) -> float:
    if not 0 <= value <= 1:  # also rejects NaN
        raise ValueError(f"{name} must be between 0 and 1; got {value!r}.")
    return float(value)


def threshold_for_precision(sweep: Sweep, min_precision: float) -> ThresholdChoice | None:
    """Highest recall among thresholds with ``precision >= min_precision``.

    Parameters
    ----------
    sweep : Sweep
        The sweep to search.
    min_precision : float in [0, 1]
        The precision to reach.

    Returns
    -------
    ThresholdChoice or None
        ``None`` when no threshold reaches the precision, or recall is
        undefined (no positives). Among equal recall, the highest threshold
        (best precision) wins.
    """
    p = _check_level(min_precision, "min_precision")
    return _best_under(sweep, sweep.recall, sweep.precision, p, f"recall | precision >= {p:g}")


def threshold_for_recall(sweep: Sweep, min_recall: float) -> ThresholdChoice | None:
    """Highest precision among thresholds with ``recall >= min_recall``.

    Parameters
    ----------
    sweep : Sweep
        The sweep to search.
    min_recall : float in [0, 1]
        The recall to reach.

    Returns
    -------
    ThresholdChoice or None
        ``None`` when no threshold reaches the recall (no positives). Among
        equal precision, the highest threshold wins.
    """
    r = _check_level(min_recall, "min_recall")
    return _best_under(sweep, sweep.precision, sweep.recall, r, f"precision | recall >= {r:g}")


def threshold_for_fpr(sweep: Sweep, max_fpr: float) -> ThresholdChoice | None:
    """Highest recall among thresholds with ``false positive rate <= max_fpr``.

    Parameters
    ----------
    sweep : Sweep
        The sweep to search.
    max_fpr : float in [0, 1]
        The largest acceptable share of negatives flagged.

    Returns
    -------
    ThresholdChoice or None
        ``None`` when no threshold that flags anything keeps the false
        positive rate that low, or there are no negatives or no positives.
        Among equal recall, the highest threshold wins.
    """
    f = _check_level(max_fpr, "max_fpr")
    return _best_under(sweep, sweep.recall, -sweep.fpr, -f, f"recall | FPR <= {f:g}")


def threshold_for_capacity(sweep: Sweep, max_flagged: float) -> ThresholdChoice | None:
    """The lowest threshold that flags at most ``max_flagged`` rows.

    For a team that can review ``k`` cases: flag as many as fit, never more.
    Rows tied at a score are flagged together, so the count can fall short of
    ``max_flagged`` when the next score is shared by several rows.

    Parameters
    ----------
    sweep : Sweep
        The sweep to search.
    max_flagged : float
        How many rows (sums of weights for a weighted sweep) can be flagged.

    Returns
    -------
    ThresholdChoice or None
        ``value`` is the number flagged. ``None`` when even the highest score
        is shared by more than ``max_flagged`` rows.

    Examples
    --------
    >>> from metrics_core import sweep
    >>> c = threshold_for_capacity(sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 2)
    >>> c.threshold, c.value
    (0.4, 2.0)
    """
    try:
        k = float(max_flagged)
    except (TypeError, ValueError):
        raise ValueError(f"max_flagged must be a number; got {max_flagged!r}.") from None
    if not k >= 0:
        raise ValueError(f"max_flagged must be a number >= 0; got {max_flagged!r}.")
    flagged = sweep.tp + sweep.fp  # strictly increasing along the sweep
    i = int(np.searchsorted(flagged, k, side="right")) - 1
    if i < 0:
        return None
    return _choice(sweep, i, f"flagged <= {k:g}", flagged[i])


class ThresholdSearch:
    """The constraint finders of this module, each answered by binary search.

    :func:`threshold_for_precision`, :func:`threshold_for_recall`,
    :func:`threshold_for_fpr` and :func:`threshold_for_capacity` form metric arrays over
    the whole sweep at every call. Recall, the false positive rate and the number
    flagged never decrease along a sweep, so a level is found by bisection, reading each
    metric at a handful of thresholds; precision, which goes up and down, is read through
    one index built here (for every threshold, the first one at or after it holding the
    highest precision from there on). Each method gives the same choice as its function.

    Parameters
    ----------
    sweep : Sweep
        The sweep to search. Building takes a few passes over it; the index holds one
        integer per threshold.

    Examples
    --------
    >>> from metrics_core import sweep
    >>> sw = sweep([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.7, 0.9])
    >>> search = ThresholdSearch(sw)
    >>> search.for_precision(0.7) == threshold_for_precision(sw, 0.7)
    True
    """

    def __init__(self, sweep: Sweep) -> None:
        self.sweep = sweep
        n = len(sweep)
        # Integer counts make recall tp / n_pos and FPR fp / n_neg, monotone as floats;
        # sums of weights are checked (their rounding could break it by an ulp).
        self._monotone = not sweep.weighted or (
            bool(np.all(np.diff(np.asarray(sweep.recall)) >= 0))
            and bool(np.all(np.diff(np.asarray(sweep.fpr)) >= 0))
        )
        if not self._monotone or n == 0:
            self._best_from = np.zeros(0, dtype=np.intp)
            return
        precision = np.asarray(sweep.precision, dtype=np.float64)
        np.nan_to_num(precision, copy=False, nan=-np.inf)
        # Highest precision at or after each threshold; a threshold starts a new best
        # when it is at least the best after it (>=: the first of equals wins).
        after = np.empty(n)
        np.maximum.accumulate(precision[:0:-1], out=after[-2::-1])
        after[-1] = -np.inf
        starts = precision >= after
        dtype = np.int32 if n < 2**31 else np.intp
        index = np.where(starts, np.arange(n, dtype=dtype), dtype(n))
        self._best_from = np.minimum.accumulate(index[::-1])[::-1].copy()

    def _metric(self, name: str, i: int) -> float:
        """``name`` at threshold ``i``: the same float as ``sweep.<name>[i]``."""
        sw = self.sweep
        tp, fp = sw.tp[i : i + 1], sw.fp[i : i + 1]
        return float(_m.METRICS[name](tp, fp, sw.n_pos - tp, sw.n_neg - fp)[0])

    def _leading(self, holds: Callable[[int], bool]) -> int:
        """How many thresholds from the first satisfy ``holds(i)`` (true, then false)."""
        lo, hi = 0, len(self.sweep)
        while lo < hi:
            mid = (lo + hi) // 2
            if holds(mid):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _first_with_recall(self, j: int) -> int:
        """The first threshold whose recall equals that at ``j`` (recall never decreases)."""
        target = self._metric("recall", j)
        return self._leading(lambda i: self._metric("recall", i) < target)

    def _best_precision_from(self, k: int) -> tuple[int, float]:
        i = int(self._best_from[k])
        return i, self._metric("precision", i)

    def for_precision(self, min_precision: float) -> ThresholdChoice | None:
        """Highest recall among thresholds with ``precision >= min_precision``.

        Parameters
        ----------
        min_precision : float in [0, 1]
            The precision to reach.

        Returns
        -------
        ThresholdChoice or None
            What :func:`threshold_for_precision` returns.
        """
        sw = self.sweep
        if not self._monotone:
            return threshold_for_precision(sw, min_precision)
        p = _check_level(min_precision, "min_precision")
        if len(sw) == 0 or not sw.n_pos > 0:  # no recall without positives
            return None
        # The last threshold with precision >= p: the best precision from there on
        # never increases, so it is found by bisection.
        j = self._leading(lambda k: self._best_precision_from(k)[1] >= p) - 1
        if j < 0:
            return None
        # Among the thresholds with the same (highest) recall, the first meeting the level.
        i = self._first_with_recall(j)
        while not self._metric("precision", i) >= p:  # NaN never meets it
            i += 1
        return _choice(sw, i, f"recall | precision >= {p:g}", self._metric("recall", i))

    def for_recall(self, min_recall: float) -> ThresholdChoice | None:
        """Highest precision among thresholds with ``recall >= min_recall``.

        Parameters
        ----------
        min_recall : float in [0, 1]
            The recall to reach.

        Returns
        -------
        ThresholdChoice or None
            What :func:`threshold_for_recall` returns.
        """
        sw = self.sweep
        if not self._monotone:
            return threshold_for_recall(sw, min_recall)
        r = _check_level(min_recall, "min_recall")
        if len(sw) == 0 or not sw.n_pos > 0:
            return None
        k = self._leading(lambda i: self._metric("recall", i) < r)
        if k == len(sw):
            return None
        i, value = self._best_precision_from(k)
        if np.isnan(value):  # precision undefined at every threshold from k on
            return None
        return _choice(sw, i, f"precision | recall >= {r:g}", value)

    def for_fpr(self, max_fpr: float) -> ThresholdChoice | None:
        """Highest recall among thresholds with ``false positive rate <= max_fpr``.

        Parameters
        ----------
        max_fpr : float in [0, 1]
            The largest acceptable share of negatives flagged.

        Returns
        -------
        ThresholdChoice or None
            What :func:`threshold_for_fpr` returns.
        """
        sw = self.sweep
        if not self._monotone:
            return threshold_for_fpr(sw, max_fpr)
        f = _check_level(max_fpr, "max_fpr")
        if len(sw) == 0 or not (sw.n_pos > 0 and sw.n_neg > 0):
            return None
        k = self._leading(lambda i: self._metric("fpr", i) <= f)
        if k == 0:
            return None
        i = self._first_with_recall(k - 1)
        return _choice(sw, i, f"recall | FPR <= {f:g}", self._metric("recall", i))

    def for_capacity(self, max_flagged: float) -> ThresholdChoice | None:
        """The lowest threshold that flags at most ``max_flagged`` rows.

        Parameters
        ----------
        max_flagged : float
            How many rows (sums of weights for a weighted sweep) can be flagged.

        Returns
        -------
        ThresholdChoice or None
            What :func:`threshold_for_capacity` returns.
        """
        sw = self.sweep
        try:
            k = float(max_flagged)
        except (TypeError, ValueError):
            raise ValueError(f"max_flagged must be a number; got {max_flagged!r}.") from None
        if not k >= 0:
            raise ValueError(f"max_flagged must be a number >= 0; got {max_flagged!r}.")
        tp, fp = sw.tp, sw.fp
        i = self._leading(lambda j: tp[j] + fp[j] <= k) - 1
        if i < 0:
            return None
        return _choice(sw, i, f"flagged <= {k:g}", tp[i] + fp[i])

    @property
    def best_precision(self) -> float:
        """The highest precision at any threshold (``nan`` when it is never defined)."""
        if not self._monotone:
            values = np.asarray(self.sweep.precision)
            return float(np.nanmax(values)) if (~np.isnan(values)).any() else float("nan")
        if len(self.sweep) == 0:
            return float("nan")
        return self._best_precision_from(0)[1]

    @property
    def lowest_fpr(self) -> float:
        """The lowest false positive rate at any threshold (``nan`` without negatives)."""
        sw = self.sweep
        if len(sw) == 0 or not sw.n_neg > 0:
            return float("nan")
        if not self._monotone:
            return float(np.nanmin(sw.fpr))
        return self._metric("fpr", 0)
