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

import contextlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from metrics_core import metrics as _m
from metrics_core._validation import check_binary_target, check_inputs, check_scores, column

__all__ = ["OperatingPoint", "Sweep", "sweep", "sweep_from_counts", "sweep_from_label_counts"]


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

    Build it with :func:`sweep` (one row per sample) or
    :func:`sweep_from_counts` (rows of counts). ``tp[i]`` and ``fp[i]`` count the positives
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

    def at_each(self, thresholds: ArrayLike) -> Sweep:
        """Counts at each of ``thresholds``, as a sweep over those thresholds.

        The vectorised :meth:`at`: one binary search per threshold, so a slider's
        every position costs microseconds however many rows were counted.

        Parameters
        ----------
        thresholds : array-like of shape (k,)
            Strictly decreasing real thresholds (``±inf`` allowed).

        Returns
        -------
        Sweep
            ``tp[j]`` and ``fp[j]`` count the samples with ``score >= thresholds[j]``;
            every metric is an array over the ``k`` thresholds.

        Examples
        --------
        >>> from metrics_core import sweep
        >>> s = sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
        >>> grid = s.at_each([0.9, 0.5, 0.35, 0.0])
        >>> grid.tp.tolist(), grid.fp.tolist()
        ([0, 1, 2, 2], [0, 0, 1, 2])
        """
        t = np.asarray(thresholds, dtype=np.float64)
        if t.ndim != 1 or np.isnan(t).any():
            raise ValueError("thresholds must be a 1-d array of real numbers (±inf allowed).")
        if t.shape[0] > 1 and not (np.diff(t) < 0).all():
            raise ValueError("thresholds must be strictly decreasing.")
        k = len(self) - np.searchsorted(self.thresholds[::-1], t, side="left")
        # k == 0: nothing is flagged; index 0 is only a placeholder there.
        last = np.maximum(k - 1, 0)
        none = k == 0
        if len(self) == 0:
            tp, fp = np.zeros(t.shape, self.tp.dtype), np.zeros(t.shape, self.fp.dtype)
        else:
            tp = np.where(none, self.tp.dtype.type(0), self.tp[last])
            fp = np.where(none, self.fp.dtype.type(0), self.fp[last])
        return Sweep(thresholds=t, tp=tp, fp=fp, n_pos=self.n_pos, n_neg=self.n_neg)

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


# --- pre-aggregated rows: counts per score ------------------------------------------


def _check_counts(values: ArrayLike, name: str, n: int) -> np.ndarray:
    """Counts as int64 (integers) or float64 (weight sums), finite and non-negative."""
    arr = column(values, name)
    if arr.shape[0] != n:
        raise ValueError(
            f"{name} has {arr.shape[0]} values but score has {n}: pass one {name} per score."
        )
    if arr.dtype.kind == "O":
        with contextlib.suppress(TypeError, ValueError):
            arr = arr.astype(np.float64)
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold numbers (how many samples, or their total weight); got "
            f"values of type {arr.dtype}. Convert the column to numbers."
        )
    if arr.dtype.kind == "f":
        arr = arr.astype(np.float64, copy=False)
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or inf: every count must be a finite number.")
    negative = int(np.count_nonzero(arr < 0))
    if negative:
        raise ValueError(f"{name} contains {negative} negative value(s): counts must be >= 0.")
    if arr.dtype.kind != "f":
        # Checked in float64, which cannot overflow: int64 sums would wrap.
        if float(arr.sum(dtype=np.float64)) >= 2**62:
            raise ValueError(
                f"{name} adds up to more than 2**62 samples; pass the counts as floats "
                "(a weighted sweep) instead."
            )
        arr = arr.astype(np.int64, copy=False)
    return arr


def sweep_from_counts(score: ArrayLike, n_pos: ArrayLike, n_neg: ArrayLike) -> Sweep:
    """Confusion counts at every distinct score, from pre-aggregated rows.

    Row ``i`` stands for ``n_pos[i]`` positive and ``n_neg[i]`` negative
    samples that all have the score ``score[i]``. With integer counts the
    result equals :func:`sweep` on those samples written out one by one,
    without making them: the cost depends on the number of rows, not of
    samples. With float counts (sums of sample weights) it equals
    :func:`sweep` of each row's positives and negatives as two weighted
    samples, to rounding: weights are added per score first.

    Parameters
    ----------
    score : array-like of shape (n_rows,)
        Finite scores; a score may repeat (its rows are added up).
    n_pos, n_neg : array-like of shape (n_rows,)
        Number of positive and of negative samples with that score:
        non-negative integers, or non-negative float sums of sample
        weights. Rows where both are zero add no threshold, like
        zero-weight samples.

    Returns
    -------
    Sweep
        An integer-count sweep (int32 counts, int64 from 2**31 samples on)
        when ``n_pos`` and ``n_neg`` both hold integers, otherwise a weighted
        sweep (float64 sums).

    Raises
    ------
    ValueError
        If the arrays are empty or differ in length, a score is NaN or
        infinite, a count is negative, NaN or infinite, or every count is
        zero.

    See Also
    --------
    sweep_from_label_counts : the same from ``score, label, count`` rows.

    Examples
    --------
    >>> from metrics_core import sweep_from_counts
    >>> s = sweep_from_counts([0.8, 0.4, 0.35, 0.1, 0.8], [1, 0, 2, 0, 1], [0, 3, 0, 1, 0])
    >>> s.thresholds
    array([0.8 , 0.4 , 0.35, 0.1 ])
    >>> s.tp.tolist(), s.fp.tolist(), s.n_pos, s.n_neg
    ([2, 2, 4, 4], [0, 3, 3, 4], 4, 4)
    """
    s = check_scores(score, "score")
    n = s.shape[0]
    pos = _check_counts(n_pos, "n_pos", n)
    neg = _check_counts(n_neg, "n_neg", n)
    return _sweep_counts(s, pos, neg)


def sweep_from_label_counts(
    score: ArrayLike, label: ArrayLike, count: ArrayLike, *, pos_label: object = None
) -> Sweep:
    """Confusion counts at every distinct score, from ``score, label, count`` rows.

    Row ``i`` stands for ``count[i]`` samples with label ``label[i]`` and
    score ``score[i]``; a (score, label) pair may repeat. Equals
    :func:`sweep` on those samples written out one by one (float counts:
    ``sweep(label, score, sample_weight=count)``, to rounding).

    Parameters
    ----------
    score : array-like of shape (n_rows,)
        Finite scores.
    label : array-like of shape (n_rows,)
        True labels, as for :func:`sweep`: without ``pos_label`` they must be
        in {0, 1} or {-1, 1} (bools work) and 1 is positive.
    count : array-like of shape (n_rows,)
        How many samples the row stands for: non-negative integers, or
        non-negative float sums of sample weights (a weighted sweep).
    pos_label : int, float, bool or str, default=None
        The positive class; every other label is negative.

    Returns
    -------
    Sweep
        Integer counts for integer ``count``, float64 sums for float ``count``.

    Raises
    ------
    ValueError
        As :func:`sweep_from_counts`, and for labels that need an explicit
        ``pos_label``.

    Examples
    --------
    >>> from metrics_core import sweep_from_label_counts
    >>> s = sweep_from_label_counts(
    ...     [0.9, 0.9, 0.2], ["fraud", "legit", "legit"], [3, 1, 5], pos_label="fraud"
    ... )
    >>> s.thresholds.tolist(), s.tp.tolist(), s.fp.tolist()
    ([0.9, 0.2], [3, 3], [1, 6])
    """
    s = check_scores(score, "score")
    n = s.shape[0]
    labels = column(label, "label")
    if labels.shape[0] != n:
        raise ValueError(
            f"label has {labels.shape[0]} values but score has {n}: pass one label per score."
        )
    c = _check_counts(count, "count", n)
    positive, _ = check_binary_target(labels, n, pos_label)
    zero = c.dtype.type(0)
    return _sweep_counts(s, np.where(positive, c, zero), np.where(positive, zero, c))


def _sweep_counts(s: np.ndarray, pos: np.ndarray, neg: np.ndarray) -> Sweep:
    """The sweep of validated counts: one sort of the rows, then sums per score."""
    live = (pos != 0) | (neg != 0)
    if not live.all():
        if not live.any():
            raise ValueError(
                "Every count is zero, so there are no samples: at least one row needs a count > 0."
            )
        s, pos, neg = s[live], pos[live], neg[live]
    weighted = pos.dtype.kind == "f" or neg.dtype.kind == "f"
    if weighted:
        pos, neg = pos.astype(np.float64, copy=False), neg.astype(np.float64, copy=False)
    values = s.astype(np.float64)  # a copy; float32 converts exactly
    values += 0.0  # -0.0 and 0.0 are one threshold
    order = np.argsort(values)
    values = values[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    thresholds = values[starts]  # ascending
    # Samples at or above each threshold: suffix sums of the per-score sums.
    tp = np.cumsum(np.add.reduceat(pos[order], starts)[::-1])
    fp = np.cumsum(np.add.reduceat(neg[order], starts)[::-1])
    if weighted:
        n_pos, n_neg = float(tp[-1]), float(fp[-1])
    else:
        n_pos, n_neg = int(tp[-1]), int(fp[-1])
        count = _count_dtype(n_pos + n_neg)
        tp, fp = tp.astype(count), fp.astype(count)
    # The reversed view gives the documented decreasing order without a copy,
    # and keeps the ascending array contiguous for at().
    return Sweep(thresholds=thresholds[::-1], tp=tp, fp=fp, n_pos=n_pos, n_neg=n_neg)


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

_ALL_ONES = np.uint64(2**64 - 1)


def _descending_keys(s: np.ndarray) -> tuple[np.ndarray, int]:
    """uint64 keys that order like ``-score``, from 0 up, and the largest key.

    A float's bits, sign bit cleared, order like its magnitude, so for
    non-negative scores ``bits(max) - bits(score)`` is such a key (clearing
    the sign bit also turns ``-0.0`` into ``+0.0``: equal scores, one key).
    With negative scores, flipping every bit but the sign bit of the
    non-negative ones and keeping the negative ones as they are orders like
    ``-score`` (non-negative first, largest first; then negative, largest
    magnitude last); the smallest key is then subtracted. float32 scores
    get 32-bit keys, widened.
    """
    f32 = s.dtype == np.float32
    uint = np.uint32 if f32 else np.uint64
    magnitude = uint(2**31 - 1 if f32 else 2**63 - 1)
    ends = np.array([s.max(), s.min()], dtype=s.dtype)
    if ends[1] >= 0:  # -0.0 >= 0 too
        top, bottom = ends.view(uint) & magnitude
        keys = s.view(uint) & magnitude
        np.subtract(top, keys, out=keys)
        span = int(top - bottom)
    else:
        ends += s.dtype.type(0)
        bits = s + s.dtype.type(0)  # -0.0 becomes +0.0
        keys = bits.view(uint)
        for k in (keys, ends.view(uint)):
            flip = k >> uint(8 * k.itemsize - 1)
            flip -= uint(1)
            flip >>= uint(1)  # 0x7f..f where non-negative, 0 where negative
            k ^= flip
            del flip
        lo, hi = ends.view(uint)
        keys -= lo
        span = int(hi - lo)
    return (keys.astype(np.uint64) if f32 else keys), span


def _stable_descending_order(
    y: np.ndarray, s: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of non-zero weight by decreasing score, ties in row order.

    Returns the row indices, their scores and their labels, in the order of
    ``np.argsort(-s, kind="stable")``: the order scikit-learn sums in. It
    comes from one ``np.sort`` of uint64 keys instead of a stable argsort,
    which is several times slower: a key holds the row index and the label
    in its low ``b`` bits and as much of the score's order as fits above
    them. When the whole key fits (float32 scores, or a narrow range of
    scores) the sort is exact at once. Otherwise rows whose scores differ
    only in the dropped bits share a key prefix and come out in row order;
    only those runs are re-sorted, by their full scores (:func:`_sort_runs`,
    one more sort of the rows in them). Zero-weight rows
    get the all-ones key, which no row index reaches: they sort last and
    are cut off.
    """
    n = s.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.int64), s[:0], y[:0]
    b = n.bit_length() + 1  # row indices (< 2**(b-1) - 1), then the label bit
    low = np.uint64(2**b - 1)
    keys, span = _descending_keys(s)
    shift = max(0, span.bit_length() - (64 - b))  # low score bits that do not fit
    if shift > b:
        keys >>= np.uint64(shift - b)
    elif shift < b:
        keys <<= np.uint64(b - shift)
    if shift:
        keys &= ~low
    keys |= y
    keys |= np.arange(0, 2 * n, 2, dtype=np.uint64)
    zero = w == 0
    n_keep = n - int(np.count_nonzero(zero))
    if n_keep < n:
        np.putmask(keys, zero, _ALL_ONES)
    del zero
    keys.sort()
    keys = keys[:n_keep]
    # The label is each key's lowest bit: read the low byte of each key.
    if np.little_endian:
        labels = (keys.view(np.uint8)[::8] & 1).view(bool)
    else:
        labels = (keys & _ONE).astype(bool)
    if shift == 0:  # exact keys: the order is final
        keys >>= _ONE
        keys &= low >> _ONE
        order = keys.view(np.int64)
        return order, np.take(s, order), labels
    order = (keys >> _ONE).view(np.int64)
    order &= int(low >> _ONE)
    values = np.take(s, order)
    # In a run of equal key prefixes rows are in row order. Runs whose scores
    # do not already decrease are sorted by full score (stably, so equal
    # scores stay in row order). Prefixes grow with the position, so each
    # run is one contiguous block, found by binary search on the keys.
    wrong = np.flatnonzero(values[1:] > values[:-1])
    if wrong.shape[0]:
        prefix = keys[wrong] & ~low
        start = np.searchsorted(keys, prefix, side="left")
        stop = np.searchsorted(keys, prefix | low, side="right")
        first = np.r_[True, start[1:] != start[:-1]]
        start, stop = start[first], stop[first]
        del keys, prefix, first
        size = stop - start
        # Positions of all rows of those runs, in order.
        rows = np.arange(int(size.sum())) + np.repeat(start - (np.cumsum(size) - size), size)
        by_score = rows[_sort_runs(values[rows], size, shift)]
        order[rows] = order[by_score]
        values[rows] = values[by_score]
        labels[rows] = labels[by_score]
    return order, values, labels


def _sort_runs(values: np.ndarray, size: np.ndarray, shift: int) -> np.ndarray:
    """Stable order by decreasing score within each run of ``values`` (runs of ``size``).

    Within a run the scores' keys differ only in their low ``shift`` bits,
    so a key of (run number, key less the run's smallest key, position)
    fits in 64 bits unless there are very many runs and rows, and one
    ``np.sort`` does it; otherwise a stable argsort does.
    """
    m = values.shape[0]
    position_bits = m.bit_length()
    run_bits = (size.shape[0] - 1).bit_length()
    if run_bits + shift + position_bits > 64:
        return np.argsort(-values, kind="stable")
    keys, _ = _descending_keys(values)
    first = np.cumsum(size) - size
    keys -= np.repeat(np.minimum.reduceat(keys, first), size)  # < 2**shift
    keys <<= np.uint64(position_bits)
    keys |= np.repeat(np.arange(size.shape[0], dtype=np.uint64), size) << np.uint64(
        shift + position_bits
    )
    keys |= np.arange(m, dtype=np.uint64)
    keys.sort()
    keys &= np.uint64(2**position_bits - 1)
    return keys.view(np.int64)


def _sweep_weighted(y: np.ndarray, s: np.ndarray, w: np.ndarray) -> Sweep:
    # Zero-weight samples would add thresholds with no effect on any count;
    # scikit-learn drops them, and so do we. Float sums depend on their
    # order: summing in the order scikit-learn does (stable, by decreasing
    # score) gives the same bits, so curves and their dropped points match
    # exactly.
    order, values, y = _stable_descending_order(y, s, w)
    n = order.shape[0]
    w = np.take(w, order)
    del order
    tp = w * y  # y * w and (1 - y) * w, as scikit-learn computes them
    w -= tp  # w - w is 0 and w - 0 is w, exactly
    del y
    np.cumsum(tp, out=tp)
    fp = np.cumsum(w, out=w)
    thresholds = values.astype(np.float64, copy=False)
    del values
    thresholds += 0.0  # -0.0 and 0.0 are one threshold; show it as 0.0
    new = thresholds[1:] != thresholds[:-1]
    if int(np.count_nonzero(new)) < n - 1:  # ties: keep the last row of each score
        last = np.flatnonzero(np.r_[new, True])
        del new
        # One at a time, so that each n-long array is freed before the next copy.
        thresholds = thresholds[last]
        tp = tp[last]
        fp = fp[last]
    n_pos = float(tp[-1]) if n else 0.0
    n_neg = float(fp[-1]) if n else 0.0
    return Sweep(thresholds=thresholds, tp=tp, fp=fp, n_pos=n_pos, n_neg=n_neg)


def empty_sweep() -> Sweep:
    """A sweep of no rows (a group or epoch without any)."""
    empty = np.empty(0, dtype=np.float64)
    return Sweep(
        thresholds=empty, tp=np.empty(0, np.int32), fp=np.empty(0, np.int32), n_pos=0, n_neg=0
    )
