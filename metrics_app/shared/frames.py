"""Per-dataset display frames: histogram bins and decimated metric curves (no Altair, no Streamlit).

Computed once per dataset and cached with its analysis; a chart then only adds a rule or a
point to them. Statistics use the sweep itself, never these frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from metrics_core import METRICS, Sweep, decimate, sweep_sample

# (Sweep / OperatingPoint attribute, display name) of the metrics on the threshold chart.
CURVE_METRICS = (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1"))


def check_names(positive_name: str, negative_name: str) -> tuple[str, str]:
    """The two class display names as text; refused when they are equal."""
    pos, neg = str(positive_name), str(negative_name)
    if pos == neg:
        raise ValueError(f"The two classes need different display names; both are {pos!r}.")
    return pos, neg


def score_hist_frame(
    y: ArrayLike,
    scores: ArrayLike,
    bins: int = 60,
    weights: ArrayLike | None = None,
    *,
    positive_name: str = "positive",
    negative_name: str = "negative",
) -> pd.DataFrame:
    """Histogram of the scores of each class over common, equal-width bins.

    The bins span the smallest to the largest score (any range: probabilities or logits);
    both classes use the same edges, so their bars line up. Computed once per dataset.

    Parameters
    ----------
    y : array-like of bool of shape (n_samples,)
        True for the positive class (0/1 integers are accepted too).
    scores : array-like of shape (n_samples,)
        Finite scores.
    bins : int, default=60
        Number of bins.
    weights : array-like of shape (n_samples,), optional
        Non-negative sample weights; counts are then sums of weights.
    positive_name, negative_name : str
        Display names of the classes, stored in the ``class`` column.

    Returns
    -------
    pandas.DataFrame
        ``2 * bins`` rows, the positive class first, with columns ``bin_start``, ``bin_end``,
        ``bin_mid``, ``count`` (int64, or float64 sums of weights), ``class`` (the display
        name) and ``positive`` (bool). As in :func:`numpy.histogram`, the last bin includes
        its right edge, so the counts of a class sum to its size (or total weight).

    Raises
    ------
    ValueError
        On mismatched lengths, non-finite scores, labels other than 0/1, fewer than one
        bin, or equal display names.

    Examples
    --------
    >>> h = score_hist_frame([True, False, False], [0.9, 0.1, 0.4], bins=2)
    >>> h["bin_start"].tolist(), h["count"].tolist(), h["class"].tolist()
    ([0.1, 0.5, 0.1, 0.5], [0, 1, 2, 0], ['positive', 'positive', 'negative', 'negative'])
    """
    pos_name, neg_name = check_names(positive_name, negative_name)
    if int(bins) < 1:
        raise ValueError(f"bins must be at least 1; got {bins!r}.")
    bins = int(bins)
    y = np.asarray(y)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or s.ndim != 1:
        raise ValueError("y and scores must be one-dimensional and of the same length.")
    if s.size == 0:
        raise ValueError("No scores to draw.")
    if y.dtype != np.bool_:
        if not np.isin(y, (0, 1)).all():
            raise ValueError("y must be boolean (True = positive) or 0/1.")
        y = y.astype(bool)
    if not np.isfinite(s).all():
        raise ValueError("scores must be finite.")
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if w is not None and w.shape != s.shape:
        raise ValueError("weights must have the same length as scores.")
    span = (float(s.min()), float(s.max()))
    parts = []
    for is_pos, name in ((True, pos_name), (False, neg_name)):
        mask = y if is_pos else ~y
        counts, edges = np.histogram(
            s[mask], bins=bins, range=span, weights=None if w is None else w[mask]
        )
        parts.append(
            pd.DataFrame(
                {
                    "bin_start": edges[:-1],
                    "bin_end": edges[1:],
                    "bin_mid": (edges[:-1] + edges[1:]) / 2,
                    "count": counts,
                    "class": name,
                    "positive": is_pos,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def threshold_curve_frame(sweep: Sweep, max_points: int = 1000) -> pd.DataFrame:
    """Precision, recall and F1 at every threshold of ``sweep``, decimated for drawing.

    Each metric's curve is reduced on its own with :func:`metrics_core.decimate` to at most
    ``max_points`` points spread along the drawn curve (threshold, value), keeping the first
    and last point, so steep parts survive and a 1e7-row sweep becomes a few thousand rows.
    Undefined (NaN) values are dropped before decimating, never drawn as 0. Computed once
    per dataset; statistics must use the sweep itself, not this frame.

    Parameters
    ----------
    sweep : Sweep
        The threshold sweep.
    max_points : int, default=1000
        Upper bound on the points kept per metric (at least 2).

    Returns
    -------
    pandas.DataFrame
        Long form with columns ``threshold`` (float64), ``metric`` ("Precision", "Recall" or
        "F1") and ``value`` (float64), metric by metric, thresholds decreasing within each;
        at most ``3 * max_points`` rows.
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2; got {max_points!r}.")
    # Compute metrics only at a few thousand well-spread thresholds, not all of them:
    # a 1e7-row sweep then costs milliseconds here.
    idx = sweep_sample(sweep, max_points)
    thresholds = np.asarray(sweep.thresholds[idx], dtype=np.float64)
    tp, fp = sweep.tp[idx], sweep.fp[idx]
    fn, tn = sweep.n_pos - tp, sweep.n_neg - fp
    parts = []
    for attr, name in CURVE_METRICS:
        values = np.asarray(METRICS[attr](tp, fp, fn, tn), dtype=np.float64)
        ok = np.flatnonzero(~np.isnan(values))
        if ok.size > max_points:
            ok = ok[decimate(thresholds[ok], values[ok], max_points)]
        parts.append(
            pd.DataFrame({"threshold": thresholds[ok], "metric": name, "value": values[ok]})
        )
    return pd.concat(parts, ignore_index=True)
