"""The threshold sweep: confusion counts at every distinct score, built once.

Rule used everywhere: a sample is **predicted positive when its score is
greater than or equal to the threshold** (``score >= threshold``), as in
scikit-learn's curve functions.

The sweep sorts the scores once and keeps cumulative true and false positive
counts at each distinct score. Any threshold then maps to counts by one
binary search (:meth:`Sweep.at`), and any metric over the whole sweep is one
vectorised formula over its arrays.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from metrics_core import metrics as _m
from metrics_core._validation import check_inputs

__all__ = ["OperatingPoint", "Sweep", "sweep"]


class _CountMetrics:
    """Every point metric as an attribute, computed from ``tp, fp, fn, tn``.

    Shared by :class:`Sweep` (arrays over all thresholds) and
    :class:`OperatingPoint` (scalars at one threshold), so each formula
    exists once, in :mod:`metrics_core.metrics`.
    """

    tp: ArrayLike
    fp: ArrayLike
    fn: ArrayLike
    tn: ArrayLike

    def _metric(self, name: str) -> float | np.ndarray:
        return _m.METRICS[name](self.tp, self.fp, self.fn, self.tn)

    def fbeta(self, beta: float) -> float | np.ndarray:
        """F-beta score; ``beta > 1`` favours recall, ``beta < 1`` precision."""
        return _m.fbeta(self.tp, self.fp, self.fn, self.tn, beta=beta)

    def metrics(self) -> dict[str, float | np.ndarray]:
        """All point metrics by name (see :data:`metrics_core.metrics.METRICS`)."""
        return {name: self._metric(name) for name in _m.METRICS}


def _metric_property(name: str) -> property:
    func = _m.METRICS[name]
    return property(lambda self: self._metric(name), doc=func.__doc__)


for _name in _m.METRICS:
    setattr(_CountMetrics, _name, _metric_property(_name))
# Common synonyms, so that code written with either vocabulary reads naturally.
for _alias, _name in {
    "tpr": "recall",
    "sensitivity": "recall",
    "tnr": "specificity",
    "ppv": "precision",
    "youden_j": "informedness",
    "for_": "false_omission_rate",
}.items():
    setattr(_CountMetrics, _alias, _metric_property(_name))


@dataclass(frozen=True)
class OperatingPoint(_CountMetrics):
    """Confusion counts at one threshold, with every point metric as an attribute.

    Attributes
    ----------
    threshold : float
        The threshold asked for; samples with ``score >= threshold`` are
        predicted positive.
    tp, fp, fn, tn : float or int
        True positives, false positives, false negatives, true negatives
        (sums of weights when the sweep is weighted).

    Every name in :data:`metrics_core.metrics.METRICS` (``precision``,
    ``recall``, ``f1``, ``mcc``, ...) is available as an attribute; undefined
    values are ``nan``.
    """

    threshold: float
    tp: float
    fp: float
    fn: float
    tn: float

    @property
    def n_flagged(self) -> float:
        """Number (or weight) of samples predicted positive."""
        return self.tp + self.fp

    @property
    def total(self) -> float:
        """Number (or weight) of all samples."""
        return self.tp + self.fp + self.fn + self.tn


@dataclass(frozen=True, eq=False)
class Sweep(_CountMetrics):
    """Cumulative confusion counts at every distinct score, in decreasing order.

    Build it with :func:`sweep`. ``tp[i]`` and ``fp[i]`` count the positives
    and negatives with ``score >= thresholds[i]``; thresholds are the distinct
    scores, strictly decreasing. All arrays are read-only.

    Attributes
    ----------
    thresholds : ndarray of shape (n_thresholds,)
        Distinct scores in decreasing order (float64).
    tp, fp : ndarray of shape (n_thresholds,)
        Cumulative true and false positives (int32 counts, int64 from 2**31
        samples on, or float64 sums of weights for a weighted sweep).
    n_pos, n_neg : float or int
        Number (or total weight) of positive and negative samples.

    Every name in :data:`metrics_core.metrics.METRICS` is also an attribute
    giving that metric at every threshold, e.g. ``sweep.precision``.
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    n_pos: float
    n_neg: float

    def __post_init__(self) -> None:
        for arr in (self.thresholds, self.tp, self.fp):
            arr.flags.writeable = False

    def __len__(self) -> int:
        return self.thresholds.shape[0]

    def __repr__(self) -> str:
        return (
            f"Sweep(n_thresholds={len(self)}, n_pos={self.n_pos!r}, n_neg={self.n_neg!r}, "
            f"weighted={self.weighted})"
        )

    @property
    def weighted(self) -> bool:
        """True when counts are sums of sample weights."""
        return self.tp.dtype.kind == "f"

    @property
    def total(self) -> float:
        """Number (or total weight) of all samples."""
        return self.n_pos + self.n_neg

    @cached_property
    def fn(self) -> np.ndarray:
        """False negatives at every threshold: ``n_pos - tp``."""
        return _readonly(self.n_pos - self.tp)

    @cached_property
    def tn(self) -> np.ndarray:
        """True negatives at every threshold: ``n_neg - fp``."""
        return _readonly(self.n_neg - self.fp)

    def index(self, threshold: float) -> int:
        """Number of distinct thresholds ``>= threshold`` (binary search).

        ``index(t) - 1`` is the position in :attr:`thresholds` of the lowest
        distinct score still flagged positive at ``t``; 0 means nothing is.
        """
        t = _check_threshold(threshold)
        # thresholds[::-1] is the ascending array the sweep was built from,
        # contiguous, so this is a plain O(log n) search.
        return len(self) - int(np.searchsorted(self.thresholds[::-1], t, side="left"))

    def at(self, threshold: float) -> OperatingPoint:
        """Counts and metrics at ``threshold``, in O(log n).

        Samples with ``score >= threshold`` are predicted positive. Any real
        threshold works, including ones between or beyond the scores and
        ``±inf``.

        Parameters
        ----------
        threshold : float
            The decision threshold.

        Returns
        -------
        OperatingPoint
            ``tp, fp, fn, tn`` and every point metric as attributes.

        Examples
        --------
        >>> from metrics_core import sweep
        >>> s = sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> p = s.at(0.35)
        >>> p.tp, p.fp, p.fn, p.tn
        (2, 1, 0, 1)
        >>> print(round(p.precision, 4))
        0.6667
        """
        k = self.index(threshold)
        if k == 0:
            tp = fp = self.tp.dtype.type(0)
        else:
            tp, fp = self.tp[k - 1], self.fp[k - 1]
        return OperatingPoint(
            threshold=float(threshold),
            tp=tp.item(),
            fp=fp.item(),
            fn=(self.n_pos - tp).item(),
            tn=(self.n_neg - fp).item(),
        )

    def point(self, i: int) -> OperatingPoint:
        """The operating point at ``thresholds[i]``."""
        return self.at(float(self.thresholds[i]))


def _check_threshold(threshold: float) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(f"threshold must be a number; got {threshold!r}.") from None
    if np.isnan(t):
        raise ValueError("threshold is NaN: pass a real number (±inf is allowed).")
    return t


def _readonly(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


def sweep(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
) -> Sweep:
    """Confusion counts at every distinct score, sorted once.

    A sample is predicted positive when ``score >= threshold``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels. Without ``pos_label`` they must be in {0, 1} or {-1, 1}
        (bools work) and 1 is positive.
    y_score : array-like of shape (n_samples,)
        Scores of the positive class: probabilities, logits or any real
        value; higher means more likely positive. Must be finite.
    pos_label : int, float, bool or str, default=None
        The positive class; every other label is negative.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights. Samples of weight zero are ignored entirely
        (they add no threshold), as in scikit-learn.

    Returns
    -------
    Sweep
        Distinct thresholds in decreasing order with cumulative ``tp`` and
        ``fp``; ``sweep.at(t)`` gives counts and metrics at any threshold.

    Raises
    ------
    ValueError
        If inputs are empty, differ in length, hold NaN or inf scores,
        negative weights, or labels that need an explicit ``pos_label``.

    Examples
    --------
    >>> from metrics_core import sweep
    >>> s = sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> s.thresholds
    array([0.8 , 0.4 , 0.35, 0.1 ])
    >>> s.tp.tolist(), s.fp.tolist()
    ([1, 1, 2, 2], [0, 1, 1, 2])
    """
    y, s, w = check_inputs(y_true, y_score, pos_label, sample_weight)
    return sweep_clean(y, s, w)


def sweep_clean(y: np.ndarray, s: np.ndarray, w: np.ndarray | None = None) -> Sweep:
    """Build a :class:`Sweep` from arrays that were already validated.

    ``y`` is bool (True = positive), ``s`` finite float64 or float32 scores,
    ``w`` finite non-negative float64 weights or ``None``. No checks are made:
    use :func:`sweep` for anything that did not pass the boundary.
    """
    if w is not None:
        return _sweep_weighted(y, s, w)
    return _sweep_unweighted(y, s)


# --- unweighted: one sort of exact (score, label) keys ----------------------------

_ONE = np.uint64(1)


def _count_dtype(n: int) -> type:
    # int32 counts halve the memory a cached sweep holds; metric formulas
    # work in float64, so no product of counts can overflow.
    return np.int32 if n < 2**31 else np.int64


def _sorted_keys(s: np.ndarray, y: np.ndarray, *, own: bool = False) -> tuple[np.ndarray, int]:
    """Sort (score, label) pairs as one uint64 key each: score bits, then the label.

    The label goes into the lowest bit of a key whose other bits order
    exactly like the score, so one ``np.sort`` (SIMD, no argsort) gives the
    scores in ascending order with each sample's label beside it. No score
    bit is lost: a non-negative float64 has a zero sign bit to spare, and
    scores with both signs are split by sign and each part is sorted on its
    own; the sorted parts follow each other in order. Returns the keys and
    the length of the negative part. With ``own=True`` the memory of ``s``
    may be reused for the keys.
    """
    label = y.view(np.uint8)
    if s.min() >= 0:  # Shifting out the sign bit also folds -0.0 into +0.0.
        keys = s.view(np.uint64) if own else s.view(np.uint64).copy()
    else:
        # Both signs. Invert every bit of a negative score (a larger magnitude
        # is a smaller score; the sign bit becomes 0), keep a non-negative one,
        # add the label, then split by sign: each part sorts on its own.
        # (-0.0 is not negative: its sign bit is shifted out like +0.0's.)
        neg = s < 0
        n_lo = int(np.count_nonzero(neg))
        k = neg.astype(np.int64)
        np.negative(k, out=k)  # all ones where negative
        k = k.view(np.uint64)
        k ^= s.view(np.uint64)
        k <<= _ONE
        k |= label
        keys = np.empty_like(k)
        np.compress(neg, k, out=keys[:n_lo])
        np.compress(~neg, k, out=keys[n_lo:])
        del k
        keys[:n_lo].sort()
        keys[n_lo:].sort()
        return keys, n_lo
    keys <<= _ONE
    keys |= label
    keys.sort()
    return keys, 0


def _decode_in_place(keys: np.ndarray, n_lo: int) -> np.ndarray:
    """Float64 scores of keys made by :func:`_sorted_keys`, reusing their memory."""
    keys >>= _ONE
    np.invert(keys[:n_lo], out=keys[:n_lo])
    return keys.view(np.float64)


def _sweep_unweighted(y: np.ndarray, s: np.ndarray) -> Sweep:
    n = s.shape[0]
    n_pos = int(np.count_nonzero(y))
    count = _count_dtype(n)
    if s.dtype == np.float32:
        # float32 converts to float64 exactly, into memory the keys can reuse.
        keys, n_lo = _sorted_keys(s.astype(np.float64), y, own=True)
    else:
        keys, n_lo = _sorted_keys(s, y)
    runs = keys[1:] != keys[:-1]
    if 0 < n_lo < n:
        runs[n_lo - 1] = True  # the two sign parts encode keys differently
    n_runs = 1 + int(np.count_nonzero(runs))
    if n_runs <= n // 8:
        # Heavily tied scores: work per run of equal (score, label) keys
        # instead of per sample.
        starts = np.flatnonzero(np.concatenate(([True], runs)))
        del runs
        run_keys = keys[starts]
        del keys
        is_pos = (run_keys & _ONE).astype(bool)
        values = _decode_in_place(run_keys, int(np.searchsorted(starts, n_lo)))
        sizes = np.diff(starts, append=n)
        # Positives at or above each run, as a suffix sum.
        pos_above = np.cumsum(np.where(is_pos, sizes, 0)[::-1])[::-1]
        # A score's negative run sorts before its positive run: keep the first.
        first = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        thresholds = values[first]
        tp = pos_above[first].astype(count)
        fp = (n - starts[first]).astype(count)
    else:
        del runs
        # The label is each key's lowest bit: read the low byte of each key
        # rather than make an 8-byte-per-row temporary.
        if np.little_endian:
            labels = keys.view(np.uint8)[::8] & 1
        else:
            labels = (keys & _ONE).astype(np.uint8)
        values = _decode_in_place(keys, n_lo)
        del keys
        # below[i] = positives among the i smallest scores.
        below = np.empty(n + 1, dtype=count)
        below[0] = 0
        np.cumsum(labels, out=below[1:])
        del labels
        new_value = values[1:] != values[:-1]
        n_distinct = 1 + int(np.count_nonzero(new_value))
        if n_distinct == n:  # no ties: every sample is its own threshold
            del new_value
            thresholds = values
            tp = below[:-1]
            np.subtract(n_pos, tp, out=tp)
            fp = np.arange(n, 0, -1, dtype=count)
        else:
            starts = np.flatnonzero(np.concatenate(([True], new_value)))
            del new_value
            # Free each n-long array as soon as its distinct values are out:
            # peak memory stays near 30 bytes per row even with many ties.
            thresholds = values[starts]
            del values
            tp = below[starts]
            del below
            np.subtract(n_pos, tp, out=tp)
            np.subtract(n, starts, out=starts)
            fp = starts.astype(count)
            del starts
    fp -= tp  # samples at or above each threshold, less the positives among them
    # Built ascending; the reversed views give the documented decreasing
    # order without a copy, and keep the ascending array contiguous for at().
    return Sweep(
        thresholds=thresholds[::-1], tp=tp[::-1], fp=fp[::-1], n_pos=n_pos, n_neg=n - n_pos
    )


# --- weighted: scikit-learn's order of summation ------------------------------------


def _sweep_weighted(y: np.ndarray, s: np.ndarray, w: np.ndarray) -> Sweep:
    # Zero-weight samples would add thresholds with no effect on any count;
    # scikit-learn drops them, and so do we.
    keep = w != 0
    if not keep.all():
        y, s, w = y[keep], s[keep], w[keep]
    s = s.astype(np.float64, copy=False)
    # Float sums depend on their order. Summing in the order scikit-learn
    # does (stable, by decreasing score) gives the same bits, so curves and
    # their dropped points match exactly. Negation is exact.
    order = np.argsort(-s, kind="stable")
    s = s[order]
    yw = y[order].astype(np.float64)
    w = w[order]
    tp = np.cumsum(yw * w)
    fp = np.cumsum((1 - yw) * w)
    if s.shape[0]:
        last = np.flatnonzero(np.r_[s[1:] != s[:-1], True])
    else:
        last = np.empty(0, dtype=np.intp)
    n_pos = float(tp[-1]) if tp.shape[0] else 0.0
    n_neg = float(fp[-1]) if fp.shape[0] else 0.0
    return Sweep(thresholds=s[last], tp=tp[last], fp=fp[last], n_pos=n_pos, n_neg=n_neg)
