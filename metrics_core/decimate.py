"""Reduce a curve to a drawable number of points, keeping its shape.

Only for display: statistics (AUC, AP, KS, tables) always use every point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._sweep import Sweep

__all__ = ["decimate", "sweep_sample"]


def decimate(
    x: ArrayLike, y: ArrayLike, max_points: int = 1000, *, keep: ArrayLike | None = None
) -> np.ndarray:
    """Indices of at most ``max_points`` points that trace the curve ``(x, y)``.

    Points are spread evenly along the curve's length (in units of each
    axis's range, so both axes count alike), which keeps corners and steep
    parts that an even spread over the index would lose. The first and last
    points and every index in ``keep`` (e.g. the operating point) are always
    included.

    Parameters
    ----------
    x, y : array-like of shape (n,)
        The curve, in drawing order. Non-finite coordinates (e.g. a
        threshold of ``inf``) are treated as zero-length steps.
    max_points : int, default=1000
        Upper bound on the number of indices returned (at least 2, and at
        least ``len(keep) + 2``).
    keep : array-like of int, default=None
        Indices that must be kept.

    Returns
    -------
    ndarray of int
        Sorted, unique indices into ``x`` and ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from metrics_core import decimate
    >>> x = np.linspace(0, 1, 10_001)
    >>> idx = decimate(x, x**2, max_points=50, keep=[1234])
    >>> len(idx) <= 50, int(idx[0]), int(idx[-1]), 1234 in idx
    (True, 0, 10000, True)
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be one-dimensional and of the same length.")
    n = x.shape[0]
    forced = np.unique(np.asarray([] if keep is None else keep, dtype=np.int64))
    if forced.size and (forced[0] < 0 or forced[-1] >= n):
        raise ValueError(f"keep holds indices outside 0..{n - 1}.")
    if max_points < 2 or max_points < forced.size + 2:
        raise ValueError(
            f"max_points={max_points} leaves no room for the end points and {forced.size} "
            "kept point(s)."
        )
    if n <= max_points:
        return np.arange(n)
    step = np.hypot(_scaled_diff(x), _scaled_diff(y))
    length = np.concatenate([[0.0], np.cumsum(step)])
    budget = max_points - forced.size - 2
    # Take one more sample than the budget and trim after de-duplication, so
    # the result never exceeds max_points.
    targets = np.linspace(0.0, length[-1], budget + 2)[1:-1]
    picked = np.searchsorted(length, targets).clip(0, n - 1)
    idx = np.unique(np.concatenate([[0, n - 1], forced, picked]))
    return idx


def _scaled_diff(v: np.ndarray) -> np.ndarray:
    """Steps of ``v`` in units of its finite range; steps to or from ±inf count as 0."""
    finite = np.isfinite(v)
    if finite.all():
        span = float(v.max() - v.min())
        d = np.diff(v)
    else:
        span = float(v[finite].max() - v[finite].min()) if finite.any() else 0.0
        d = np.nan_to_num(np.diff(np.where(finite, v, np.nan)), nan=0.0)
    return d / span if span > 0 else np.zeros(max(v.shape[0] - 1, 0))


def sweep_sample(sweep: Sweep, n_points: int = 1000) -> np.ndarray:
    """Indices of a sweep's thresholds spread evenly in every direction a chart uses.

    Picks about ``n_points`` thresholds evenly by rank, by threshold value, by
    true positive count and by false positive count (each a binary search),
    so any curve drawn from the sweep (a metric against the threshold, ROC,
    precision-recall) keeps its shape, while only these few points ever need
    a metric computed. The first and last thresholds are always included.

    Parameters
    ----------
    sweep : Sweep
        The sweep to sample.
    n_points : int, default=1000
        Points per direction; the union holds at most ``4 * n_points``.

    Returns
    -------
    ndarray of int
        Sorted, unique indices into ``sweep.thresholds`` (and its counts).
    """
    d = len(sweep)
    if d <= n_points:
        return np.arange(d)
    asc = sweep.thresholds[::-1]  # contiguous ascending view
    by_value = d - 1 - np.searchsorted(asc, np.linspace(asc[0], asc[-1], n_points))
    picks = [
        np.linspace(0, d - 1, n_points).round().astype(np.intp),
        by_value.clip(0, d - 1),
        _first_at_least(sweep.tp, n_points).clip(0, d - 1),
        _first_at_least(sweep.fp, n_points).clip(0, d - 1),
    ]
    return np.unique(np.concatenate(picks))


def _first_at_least(counts: np.ndarray, n_points: int) -> np.ndarray:
    """For ``n_points`` levels from 0 to ``counts[-1]``, the first index reaching each.

    Integer counts are searched with integer levels (the ceiling of each, which selects
    the same index): float levels would make NumPy cast the whole count array to float64
    first, a copy of every threshold's count for a thousand binary searches.
    """
    levels = np.linspace(0, counts[-1], n_points)
    if counts.dtype.kind in "iu":
        levels = np.ceil(levels).astype(counts.dtype)
    return np.searchsorted(counts, levels)
