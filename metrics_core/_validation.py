"""Validation at the public boundary.

Public functions call these checks once; everything behind them trusts
clean arrays: ``y`` as bool (True = positive class), scores as finite
float64, weights as finite non-negative float64 or ``None``.
"""

from __future__ import annotations

import contextlib

import numpy as np
from numpy.typing import ArrayLike


def column(values: ArrayLike, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D array, accepting shape ``(n,)`` or ``(n, 1)``."""
    arr = np.asarray(values)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per sample); got an array of "
            f"shape {arr.shape}. For a binary problem pass the scores of the positive "
            "class only, e.g. predict_proba(X)[:, 1]."
        )
    return arr


def check_scores(y_score: ArrayLike, name: str = "y_score") -> np.ndarray:
    """Return scores as a 1-D float64 array, rejecting NaN, inf and non-numbers."""
    arr = column(y_score, name)
    if arr.size == 0:
        raise ValueError(f"{name} is empty: pass at least one sample.")
    if arr.dtype.kind == "O":
        with contextlib.suppress(TypeError, ValueError):
            arr = arr.astype(np.float64)
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold numbers (probabilities, logits or any real-valued "
            f"score); got values of type {arr.dtype}. Convert the column to numbers."
        )
    # float32 stays float32: it converts to float64 exactly, later, and sorts faster.
    if arr.dtype != np.float32:
        arr = arr.astype(np.float64, copy=False)
    finite = np.isfinite(arr)
    if not finite.all():
        bad = arr[~finite]
        kinds = ", ".join(sorted({"NaN" if np.isnan(v) else repr(float(v)) for v in bad[:1000]}))
        raise ValueError(
            f"{name} contains {bad.size} non-finite value(s) ({kinds}). Remove those "
            "samples or replace them with real numbers before computing metrics."
        )
    return arr


def check_weights(sample_weight: ArrayLike | None, n: int) -> np.ndarray | None:
    """Return sample weights as finite, non-negative float64, or ``None``."""
    if sample_weight is None:
        return None
    w = column(sample_weight, "sample_weight")
    if w.dtype.kind not in "biuf":
        raise ValueError(f"sample_weight must hold numbers; got values of type {w.dtype}.")
    w = w.astype(np.float64, copy=False)
    if w.shape[0] != n:
        raise ValueError(
            f"sample_weight has {w.shape[0]} values but there are {n} samples: "
            "pass one weight per sample."
        )
    if not np.isfinite(w).all():
        raise ValueError("sample_weight contains NaN or inf: every weight must be a real number.")
    if (w < 0).any():
        raise ValueError(
            f"sample_weight contains {(w < 0).sum()} negative value(s): weights must be >= 0."
        )
    if not (w > 0).any():
        raise ValueError("sample_weight is zero everywhere: at least one weight must be > 0.")
    return w


def _is_label_like(arr: np.ndarray) -> bool:
    if arr.dtype.kind == "f":
        return bool(np.isfinite(arr).all() and (arr == np.round(arr)).all())
    return True


def _classes(y: np.ndarray) -> np.ndarray:
    """Sorted distinct labels, without sorting ``y`` when it is bool or small ints.

    Rejects NaN labels and labels of mixed types with a clear message.
    """
    if y.size and y.dtype.kind == "b":
        return np.flatnonzero([(~y).any(), y.any()]).astype(bool)
    if y.size and y.dtype.kind in "iu":
        lo, hi = int(y.min()), int(y.max())
        if hi - lo < 4096:  # counting is linear; np.unique would sort
            present = np.bincount((y - lo).astype(np.intp, copy=False), minlength=hi - lo + 1)
            return (np.flatnonzero(present) + lo).astype(y.dtype)
    try:
        classes = np.unique(y)
    except TypeError as err:
        raise ValueError(
            "y_true mixes labels of different types (e.g. numbers and strings); "
            "use one type for all labels."
        ) from err
    if y.dtype.kind == "f" and np.isnan(classes).any():
        raise ValueError("y_true contains NaN: every sample needs a label.")
    return classes


def check_binary_target(
    y_true: ArrayLike, n: int, pos_label: object = None
) -> tuple[np.ndarray, object]:
    """Turn ``y_true`` into a bool mask of the positive class.

    Follows scikit-learn's rule: without ``pos_label`` the labels must be
    {0, 1} or {-1, 1} (or one of those values alone, bools included) and the
    positive class is 1. With ``pos_label`` any labels work and every other
    value is negative; ``pos_label`` must then occur in ``y_true`` unless
    ``y_true`` holds a single class.

    Returns
    -------
    y : ndarray of bool, shape (n,)
        True where the sample belongs to the positive class.
    pos_label : object
        The positive label actually used.
    """
    y = column(y_true, "y_true")
    if y.shape[0] != n:
        raise ValueError(
            f"y_true and y_score have different lengths ({y.shape[0]} and {n}): "
            "pass exactly one label per score."
        )
    classes = _classes(y)
    if pos_label is None:
        numeric = y.dtype.kind in "biuf" and _is_label_like(classes)
        allowed = ([0, 1], [-1, 1], [0], [1], [-1])
        if not numeric or not any(
            classes.shape[0] == len(a) and np.array_equal(classes, a) for a in allowed
        ):
            shown = ", ".join(repr(c) for c in classes[:10].tolist())
            more = ", ..." if classes.shape[0] > 10 else ""
            raise ValueError(
                f"y_true takes values {{{shown}{more}}} and pos_label is not given: "
                "either use labels in {0, 1} or {-1, 1}, or pass pos_label= the "
                "positive class."
            )
        pos_label = 1
    else:
        if y.dtype.kind == "f" and not _is_label_like(classes):
            raise ValueError(
                "y_true holds continuous values, not class labels: pass the true "
                "class of each sample."
            )
        present = bool(np.any(classes == pos_label)) if classes.size else False
        if not present and classes.shape[0] >= 2:
            shown = ", ".join(repr(c) for c in classes[:10].tolist())
            raise ValueError(
                f"pos_label={pos_label!r} is not a label in y_true (labels: {shown}). "
                "Pass one of those values as pos_label."
            )
    with np.errstate(all="ignore"):
        mask = np.asarray(y == pos_label, dtype=bool)
    if mask.shape != y.shape:  # comparison of incompatible types
        mask = np.zeros(y.shape, dtype=bool)
    return mask, pos_label


def check_inputs(
    y_true: ArrayLike,
    y_score: ArrayLike,
    pos_label: object = None,
    sample_weight: ArrayLike | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate a binary problem: ``(y_bool, scores_float64, weights_or_None)``."""
    s = check_scores(y_score)
    y, _ = check_binary_target(y_true, s.shape[0], pos_label)
    w = check_weights(sample_weight, s.shape[0])
    return y, s, w
