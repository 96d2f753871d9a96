"""Reduce a curve to a drawable number of points, keeping its shape.

Only for display: statistics (AUC, AP, KS, tables) always use every point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["decimate"]


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
    >>> len(idx) <= 50, idx[0], idx[-1], 1234 in idx
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
    d = np.diff(np.where(np.isfinite(v), v, np.nan))
    finite = v[np.isfinite(v)]
    span = float(finite.max() - finite.min()) if finite.size else 0.0
    d = np.nan_to_num(d, nan=0.0)
    return d / span if span > 0 else np.zeros_like(d)
