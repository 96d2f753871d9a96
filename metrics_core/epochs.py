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

from metrics_core._sweep import Sweep, sweep_clean
from metrics_core.gains import sweep_average_precision, sweep_roc_auc
from metrics_core.groups import GroupPoints, _empty_sweep, group_blocks, group_points, group_sweeps

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


def _row_losses(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    # As scikit-learn: the chosen class's probability, clipped to [eps, 1 - eps]
    # after forming 1 - p (the negative class's probability is clip(1 - p)).
    if p.shape[0] and not (float(p.min()) >= 0 and float(p.max()) <= 1):
        raise ValueError(
            "Log loss needs probabilities in [0, 1]; these scores leave that range. "
            "Pass probabilities (e.g. predict_proba(X)[:, 1]) or leave log loss out."
        )
    eps = np.finfo(p.dtype).eps
    chosen = np.where(y, p, p.dtype.type(1) - p)
    return -np.log(np.clip(chosen, eps, 1 - eps))


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


def _curves(blocks: Sequence[tuple[np.ndarray, np.ndarray]], probabilities: bool) -> EpochCurves:
    """Sweep, AUC, AP and log loss of each epoch, one epoch's block at a time.

    Working per block keeps every temporary one epoch long (cache-sized), and sums each
    epoch's losses over its own rows in row order, as scikit-learn does.
    """
    sweeps = tuple(sweep_clean(yb, sb) if yb.shape[0] else _empty_sweep() for yb, sb in blocks)
    loss = np.full(len(sweeps), np.nan)
    if probabilities:
        for e, (yb, sb) in enumerate(blocks):
            if yb.shape[0]:
                loss[e] = float(np.mean(_row_losses(yb, sb)))
    return EpochCurves(
        sweeps=sweeps,
        roc_auc=np.array([sweep_roc_auc(sw) for sw in sweeps], dtype=np.float64),
        average_precision=np.array(
            [sweep_average_precision(sw) if len(sw) else np.nan for sw in sweeps],
            dtype=np.float64,
        ),
        log_loss=loss,
    )


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
