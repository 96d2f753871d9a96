"""One classifier, many epochs (or checkpoints): a sweep per epoch and its summaries.

Rows carry an integer epoch code ``0 .. n_epochs - 1`` (long format: one row
per validation example and epoch), or each epoch is its own score column over
the same rows (wide format). Either way every epoch gets one
:class:`~metrics_core.Sweep`, so the metrics at any threshold cost one binary
search per epoch, and ROC AUC and average precision are read off the sweeps
without sorting again. Rule used everywhere: predicted positive when
``score >= threshold``; a 0/0 is ``nan``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from metrics_core._sweep import Sweep, empty_sweep, sweep_clean
from metrics_core._threads import WORKERS, in_threads
from metrics_core.gains import sweep_rank_scores
from metrics_core.groups import (
    GroupPoints,
    group_blocks,
    group_points,
    group_sweeps,
)

__all__ = [
    "EpochCurves",
    "best_epoch",
    "epoch_curves",
    "epoch_curves_wide",
    "epoch_sweeps",
]


def epoch_sweeps(
    y: np.ndarray, s: np.ndarray, codes: np.ndarray, n_epochs: int
) -> tuple[Sweep, ...]:
    """One :class:`Sweep` per epoch of long-format rows, from one grouping of the rows.

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class.
    s : ndarray of float, shape (n,)
        Finite scores.
    codes : ndarray of int, shape (n,)
        Each row's epoch, in ``0 .. n_epochs - 1``.
    n_epochs : int
        Number of epochs; an epoch without rows gets an empty sweep.

    Returns
    -------
    tuple of Sweep
        ``sweeps[e]`` equals ``sweep(y[codes == e], s[codes == e])`` exactly.

    Notes
    -----
    The rows are put in epoch order once (no sort when they already are, as
    in a file appended to epoch after epoch); each epoch's block is then
    sorted by score on its own, which is the one sort by (epoch, score).
    """
    return group_sweeps(y, s, codes, n_epochs)


def _blocks(
    y: np.ndarray, s: np.ndarray, codes: np.ndarray, n_epochs: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each epoch's labels and scores (the groups of :func:`metrics_core.groups.group_blocks`)."""
    return [(yb, sb) for yb, sb, _ in group_blocks(y, s, codes, n_epochs)]


def _mean_log_loss(y: np.ndarray, p: np.ndarray, work: np.ndarray, negative: np.ndarray) -> float:
    """Binary log loss of one epoch's rows, as scikit-learn computes it.

    The chosen class's probability (``p`` for a positive, ``1 - p`` formed first for a
    negative) is clipped to ``[eps, 1 - eps]``, and the losses are averaged in row order.
    ``work`` (float64) and ``negative`` (bool), at least as long as ``p``, hold the
    temporaries, reused from epoch to epoch: fresh memory costs more to touch than the
    logarithms.
    """
    n = p.shape[0]
    if n and not (float(p.min()) >= 0 and float(p.max()) <= 1):
        raise ValueError(
            "Log loss needs probabilities in [0, 1]; these scores leave that range. "
            "Pass probabilities (e.g. predict_proba(X)[:, 1]) or leave log loss out."
        )
    eps = np.finfo(p.dtype).eps
    # |[negative] - p| is p for a positive (|0 - p|) and 1 - p for a negative, bit for bit
    # the values np.where(y, p, 1 - p) picks, without its branch per row or its new array.
    flip = np.logical_not(y, out=negative[:n])
    # In the scores' own precision, as scikit-learn (float32 scores get a float32 array).
    out = work[:n] if p.dtype == work.dtype else np.empty(n, dtype=p.dtype)
    chosen = np.subtract(flip, p, out=out, dtype=p.dtype)
    np.abs(chosen, out=chosen)
    np.clip(chosen, eps, 1 - eps, out=chosen)
    np.log(chosen, out=chosen)
    # -mean(log) is bit for bit mean(-log): negation is exact and rounding is symmetric.
    return -float(np.mean(chosen))


def best_epoch(values: np.ndarray, *, lower_is_better: bool = False) -> int:
    """The epoch with the best value: the earliest one on ties, ``-1`` when all are ``nan``.

    Parameters
    ----------
    values : ndarray of shape (n_epochs,)
        One value per epoch; ``nan`` (undefined) never wins.
    lower_is_better : bool, default=False
        True for losses and error rates.

    Returns
    -------
    int
        Position of the best epoch.

    Examples
    --------
    >>> import numpy as np
    >>> best_epoch(np.array([0.7, np.nan, 0.9, 0.9]))
    2
    >>> best_epoch(np.array([0.5, 0.3, 0.4]), lower_is_better=True)
    1
    """
    v = np.asarray(values, dtype=np.float64)
    if v.shape[0] == 0 or np.isnan(v).all():
        return -1
    return int(np.nanargmin(v) if lower_is_better else np.nanargmax(v))


@dataclass(frozen=True, eq=False)
class EpochCurves:
    """Every epoch's sweep and its threshold-free summaries.

    Attributes
    ----------
    sweeps : tuple of Sweep
        One per epoch, in epoch order.
    roc_auc, average_precision : ndarray of shape (n_epochs,)
        Over every threshold of each epoch; ``nan`` where undefined (one class only).
    log_loss : ndarray of shape (n_epochs,)
        Each epoch's binary log loss; all ``nan`` when the scores are not probabilities.
    """

    sweeps: tuple[Sweep, ...]
    roc_auc: np.ndarray
    average_precision: np.ndarray
    log_loss: np.ndarray

    def __len__(self) -> int:
        return len(self.sweeps)

    def at(self, threshold: float) -> GroupPoints:
        """Every epoch's counts and point metrics at one threshold (a binary search each).

        Parameters
        ----------
        threshold : float
            Rows with ``score >= threshold`` are predicted positive.

        Returns
        -------
        GroupPoints
            One entry per epoch: ``tp, fp, fn, tn`` and every point metric as arrays.
        """
        return group_points(self.sweeps, threshold)


#: Below this many rows in all, the epochs are swept in the calling thread only.
_THREADED_ROWS = 200_000


def _curves(blocks: Sequence[tuple[np.ndarray, np.ndarray]], probabilities: bool) -> EpochCurves:
    """Sweep, AUC, AP and log loss of each epoch, one epoch's block at a time.

    Everything about one epoch is computed while its block is in cache, with one set of
    work arrays per thread, reused from epoch to epoch; each epoch's losses are summed over
    its own rows in row order, as scikit-learn does. Epochs are independent, so large
    inputs are shared among a few threads (epoch ``e`` goes to thread ``e % workers``);
    the results do not depend on the number of threads.
    """
    k = len(blocks)
    sizes = [yb.shape[0] for yb, _ in blocks]
    m = max(sizes, default=0)
    sweeps: list[Sweep] = [empty_sweep()] * k
    auc, ap, loss = np.full(k, np.nan), np.full(k, np.nan), np.full(k, np.nan)
    workers = WORKERS if sum(sizes) >= _THREADED_ROWS else 1

    def run(first: int, step: int) -> None:
        work, negative = np.empty((4, m)), np.empty(m, dtype=bool)
        for e in range(first, k, step):
            yb, sb = blocks[e]
            if not yb.shape[0]:
                continue
            sw = sweep_clean(yb, sb)
            sweeps[e] = sw
            auc[e], ap[e] = sweep_rank_scores(sw, work)
            if probabilities:
                loss[e] = _mean_log_loss(yb, sb, work[0], negative)

    in_threads(run, k, workers)
    return EpochCurves(sweeps=tuple(sweeps), roc_auc=auc, average_precision=ap, log_loss=loss)


def epoch_curves(
    y: np.ndarray, s: np.ndarray, codes: np.ndarray, n_epochs: int, *, probabilities: bool
) -> EpochCurves:
    """Sweeps, ROC AUC, average precision and log loss of every epoch, long format.

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class.
    s : ndarray of float, shape (n,)
        Finite scores.
    codes : ndarray of int, shape (n,)
        Each row's epoch, in ``0 .. n_epochs - 1``.
    n_epochs : int
        Number of epochs.
    probabilities : bool
        Whether the scores are probabilities; log loss is ``nan`` otherwise.

    Returns
    -------
    EpochCurves
        ``roc_auc[e]`` equals :func:`~metrics_core.roc_auc_score` on epoch
        ``e``'s rows, and likewise average precision and log loss.
    """
    return _curves(_blocks(y, s, codes, n_epochs), probabilities)


def epoch_curves_wide(
    y: np.ndarray, scores: Sequence[np.ndarray], *, probabilities: bool
) -> EpochCurves:
    """Sweeps and summaries of every epoch, wide format: one score column per epoch.

    Parameters
    ----------
    y : ndarray of bool, shape (n,)
        True for the positive class, the same rows at every epoch.
    scores : sequence of ndarray of shape (n,)
        Each epoch's finite scores, in epoch order.
    probabilities : bool
        Whether the scores are probabilities; log loss is ``nan`` otherwise.

    Returns
    -------
    EpochCurves
        As :func:`epoch_curves` with epoch ``e``'s scores ``scores[e]``.
    """
    return _curves([(y, s) for s in scores], probabilities)
