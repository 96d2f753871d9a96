"""Decision rules for a multiclass score matrix: which class each row gets.

A model scores every row against each of ``K`` classes; a rule turns that
``(n_samples, K)`` matrix into one predicted column index per row, in one
vectorised pass (no loop over rows or thresholds).

Tie rule, everywhere here: on equal scores (or equal expected costs) the
class of **lowest column index** wins, as with ``np.argmax`` and
``np.argmin``. A row left undecided gets the index :data:`ABSTAIN` (``-1``).
Map indices to labels with ``classes[index]`` after masking ``index ==
ABSTAIN``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from metrics_core._sweep import sweep_clean
from metrics_core._validation import check_weights, column
from metrics_core.multiclass_ranking import _score_matrix

__all__ = [
    "ABSTAIN",
    "abstention_curve",
    "expected_costs",
    "predict_argmax",
    "predict_min_expected_cost",
    "predict_with_thresholds",
]

#: Index given to a row left undecided by :func:`predict_with_thresholds`.
ABSTAIN = -1


def predict_argmax(scores: ArrayLike, classes: ArrayLike | None = None) -> np.ndarray:
    """The class with the highest score in each row.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_classes)
        One column of scores per class (probabilities, logits, any real value).
    classes : array-like of shape (n_classes,), default=None
        The class of each column. Without it, column indices are returned.

    Returns
    -------
    ndarray of shape (n_samples,)
        The predicted class (or column index) of each row; on equal scores
        the lowest column index wins.

    Examples
    --------
    >>> from metrics_core import predict_argmax
    >>> predict_argmax([[0.2, 0.5, 0.3], [0.4, 0.2, 0.4]], ["cat", "dog", "fox"]).tolist()
    ['dog', 'cat']
    """
    s = _score_matrix(scores, "scores")
    index = np.argmax(s, axis=1)
    if classes is None:
        return index
    return _column_labels(classes, s.shape[1])[index]


def _column_labels(classes: ArrayLike, n_columns: int) -> np.ndarray:
    labels = column(classes, "classes")
    if labels.shape[0] != n_columns:
        raise ValueError(
            f"classes has {labels.shape[0]} labels but scores has {n_columns} columns: "
            "name each column once, in order."
        )
    return labels


def predict_with_thresholds(
    scores: ArrayLike, thresholds: ArrayLike, *, fallback: str = "argmax"
) -> np.ndarray:
    """Predict among the classes whose score reaches their own threshold.

    Class ``k`` is eligible for a row when ``scores[:, k] >= thresholds[k]``
    (the package's rule: a score equal to the threshold passes). The row
    gets the eligible class with the highest score (lowest index on ties);
    a row with no eligible class gets the ``fallback``.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    thresholds : array-like of shape (n_classes,)
        One threshold per class; ``-inf`` makes a class always eligible,
        ``inf`` never.
    fallback : {"argmax", "abstain"}, default="argmax"
        For rows with no eligible class: the highest-scoring class overall,
        or :data:`ABSTAIN` (``-1``).

    Returns
    -------
    ndarray of int of shape (n_samples,)
        Column index of the predicted class, or ``-1`` for an abstention.

    Examples
    --------
    >>> from metrics_core import predict_with_thresholds
    >>> p = [[0.5, 0.3, 0.2], [0.4, 0.35, 0.25], [0.2, 0.2, 0.6]]
    >>> predict_with_thresholds(p, [0.6, 0.3, 0.5], fallback="abstain").tolist()
    [1, 1, 2]
    >>> predict_with_thresholds(p, [0.6, 0.4, 0.7], fallback="abstain").tolist()
    [-1, -1, -1]
    """
    if fallback not in ("argmax", "abstain"):
        raise ValueError(f"fallback must be 'argmax' or 'abstain'; got fallback={fallback!r}.")
    s = _score_matrix(scores, "scores")
    t = np.asarray(thresholds)
    if t.shape != (s.shape[1],):
        raise ValueError(
            f"thresholds must hold one value per class ({s.shape[1]}); got shape {t.shape}."
        )
    if t.dtype.kind not in "biuf" or np.isnan(t).any():
        raise ValueError("thresholds must be real numbers (±inf allowed), not NaN.")
    # Scores are finite, so -inf marks exactly the ineligible cells, and a row whose
    # highest cell is -inf has no eligible class (one pass fewer than eligible.any()).
    masked = np.where(s >= t, s, -np.inf)
    index = np.argmax(masked, axis=1)
    undecided = np.take_along_axis(masked, index[:, None], axis=1)[:, 0] == -np.inf
    if undecided.any():
        index[undecided] = np.argmax(s[undecided], axis=1) if fallback == "argmax" else ABSTAIN
    return index


def _probability_matrix(probabilities: ArrayLike) -> np.ndarray:
    p = _score_matrix(probabilities, "probabilities")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            "probabilities must lie in [0, 1]: pass class probabilities (e.g. a softmax of "
            "the scores), not raw scores."
        )
    return p


def expected_costs(probabilities: ArrayLike, cost_matrix: ArrayLike) -> np.ndarray:
    """Expected cost of predicting each class for each row.

    ``E[:, j] = Σ_i p_i · C[i, j]`` with ``C[true, predicted]``: the average
    cost of answering ``j`` if the true class follows the row's
    probabilities.

    Parameters
    ----------
    probabilities : array-like of shape (n_samples, n_classes)
        Class probabilities, in [0, 1].
    cost_matrix : array-like of shape (n_classes, n_classes)
        ``C[i, j]``: cost of predicting class ``j`` when the truth is class
        ``i`` (gains are negative costs).

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        ``probabilities @ cost_matrix``.

    Examples
    --------
    >>> from metrics_core import expected_costs
    >>> expected_costs([[0.7, 0.3]], [[0, 1], [5, 0]]).tolist()
    [[1.5, 0.7]]
    """
    p = _probability_matrix(probabilities)
    c = np.asarray(cost_matrix)
    k = p.shape[1]
    if c.shape != (k, k):
        raise ValueError(
            f"cost_matrix must be {k} x {k} (rows: true class, columns: predicted class); "
            f"got shape {c.shape}."
        )
    if c.dtype.kind not in "biuf" or not np.isfinite(c).all():
        raise ValueError("cost_matrix must hold finite numbers.")
    return p @ c.astype(np.float64)


def predict_min_expected_cost(probabilities: ArrayLike, cost_matrix: ArrayLike) -> np.ndarray:
    """The class of least expected cost in each row (Bayes decision).

    With the 0-1 cost matrix (0 on the diagonal, 1 elsewhere) this is the
    argmax of the probabilities. Scaling a row of probabilities does not
    change its decision, so rows need not sum exactly to 1.

    Parameters
    ----------
    probabilities : array-like of shape (n_samples, n_classes)
        Class probabilities, in [0, 1].
    cost_matrix : array-like of shape (n_classes, n_classes)
        ``C[true, predicted]``.

    Returns
    -------
    ndarray of int of shape (n_samples,)
        Column index of the cheapest class; on equal expected costs the
        lowest index wins.

    Examples
    --------
    >>> from metrics_core import predict_min_expected_cost
    >>> predict_min_expected_cost([[0.7, 0.3], [0.9, 0.1]], [[0, 1], [5, 0]]).tolist()
    [1, 0]
    """
    return np.argmin(expected_costs(probabilities, cost_matrix), axis=1)


def abstention_curve(
    y_true_idx: ArrayLike, scores: ArrayLike, *, sample_weight: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coverage against accuracy when rows with a low top score are left undecided.

    Each row is predicted by its highest score (lowest index on ties) if
    that top score is ``>= t``, else left undecided. At every distinct top
    score ``t`` (one sort), ``coverage`` is the share of rows decided and
    ``accuracy`` the share of those decided correctly.

    Parameters
    ----------
    y_true_idx : array-like of int of shape (n_samples,)
        Column index of each row's true class.
    scores : array-like of shape (n_samples, n_classes)
        One column of scores per class.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights (shares become shares of weight; rows of
        weight zero add no threshold).

    Returns
    -------
    coverage : ndarray of shape (n_thresholds,)
        Share of rows decided, increasing to 1.
    accuracy : ndarray of shape (n_thresholds,)
        Accuracy among the decided rows.
    thresholds : ndarray of shape (n_thresholds,)
        Distinct top scores, decreasing.

    Examples
    --------
    >>> from metrics_core import abstention_curve
    >>> p = [[0.9, 0.1], [0.6, 0.4], [0.3, 0.7], [0.55, 0.45]]
    >>> cov, acc, thr = abstention_curve([0, 1, 1, 0], p)
    >>> cov.tolist(), acc.round(3).tolist(), thr.tolist()
    ([0.25, 0.5, 0.75, 1.0], [1.0, 1.0, 0.667, 0.75], [0.9, 0.7, 0.6, 0.55])
    """
    s = _score_matrix(scores, "scores")
    y = column(y_true_idx, "y_true_idx")
    if y.shape[0] != s.shape[0]:
        raise ValueError(
            f"y_true_idx and scores have different lengths ({y.shape[0]} and {s.shape[0]})."
        )
    if y.dtype.kind not in "biu" or (y.size and (y.min() < 0 or y.max() >= s.shape[1])):
        raise ValueError(
            f"y_true_idx must hold column indices, integers in [0, {s.shape[1] - 1}]; map "
            "labels to their column first."
        )
    w = check_weights(sample_weight, s.shape[0])
    index = np.argmax(s, axis=1)
    top = s[np.arange(s.shape[0]), index]
    # A sweep with "correct" as the positive class and the top score as the
    # score: decided rows are the flagged ones, accuracy is their precision.
    sw = sweep_clean(index == y, top, w)
    return sw.predicted_positive_rate, sw.precision, sw.thresholds.copy()
