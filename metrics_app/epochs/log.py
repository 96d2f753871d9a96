"""Log each epoch's validation labels and scores during training, for the epochs page.

Framework-free: call :func:`append_epoch` at the end of every epoch from any training loop
(scikit-learn's ``partial_fit``, a PyTorch loop, a Keras callback) with plain arrays or
lists; it needs numpy only for CSV files, and pyarrow for Parquet files. The file it
writes is the long format the epochs page reads: ``epoch, label, score``, one row per
validation example and epoch, epochs one after another.

Example
-------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "val_scores.csv"
>>> append_epoch(path, 1, [0, 1, 1], [0.2, 0.6, 0.4])
>>> append_epoch(path, 2, [0, 1, 1], [0.1, 0.8, 0.7])
>>> print(path.read_text().splitlines()[:3])
['epoch,label,score', '1,0,0.2', '1,1,0.6']
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["COLUMNS", "append_epoch"]

#: The columns written, in order.
COLUMNS = ("epoch", "label", "score")

_PARQUET = (".parquet", ".pq")


def _arrays(y_true: ArrayLike, y_score: ArrayLike) -> tuple[list[object], np.ndarray]:
    labels = np.asarray(y_true)
    scores = np.asarray(y_score, dtype=np.float64)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if labels.ndim != 1 or scores.ndim != 1:
        raise ValueError(
            "y_true and y_score must be one-dimensional, one value per validation example; "
            f"got shapes {labels.shape} and {scores.shape}. For a binary classifier pass the "
            "positive class's scores, e.g. predict_proba(X)[:, 1]."
        )
    if labels.shape[0] != scores.shape[0]:
        raise ValueError(
            f"y_true has {labels.shape[0]} values but y_score has {scores.shape[0]}: pass "
            "one score per label."
        )
    if labels.shape[0] == 0:
        raise ValueError("No validation examples: pass at least one label and score.")
    if not np.isfinite(scores).all():
        raise ValueError(
            "y_score holds NaN or infinite values: the model diverged, or the scores were "
            "taken before the forward pass. Log finite scores."
        )
    if labels.dtype == np.bool_:
        labels = labels.astype(np.int8)  # 1/0 reads back as the same classes everywhere
    return labels.tolist(), scores


def _epoch_text(epoch: int | float | str) -> str:
    if isinstance(epoch, str):
        if not epoch or any(ch in epoch for ch in ',"\n\r'):
            raise ValueError(
                f"epoch {epoch!r} cannot be written as one CSV field: use a name without "
                "commas, quotes or line breaks."
            )
        return epoch
    value = float(epoch)
    if not math.isfinite(value):
        raise ValueError(f"epoch must be a finite number or a name; got {epoch!r}.")
    return str(int(value)) if value.is_integer() else repr(value)


def _append_csv(path: Path, epoch: str, labels: Sequence[object], scores: np.ndarray) -> None:
    header = ",".join(COLUMNS)
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        with path.open("r", encoding="utf-8") as f:
            first = f.readline().strip()
        if first != header:
            raise ValueError(
                f"{path} does not start with the header {header!r} (it starts with "
                f"{first[:60]!r}): append to a file written by append_epoch, or choose a "
                "new file."
            )
    for label in labels:
        text = str(label)
        if any(ch in text for ch in ',"\n\r'):
            raise ValueError(
                f"The label {text!r} cannot be written as one CSV field; use labels without "
                "commas, quotes or line breaks (or a .parquet file)."
            )
    # repr() of a float is the shortest text that reads back as the same number.
    lines = "".join(
        f"{epoch},{label},{score!r}\n" for label, score in zip(labels, scores.tolist(), strict=True)
    )
    with path.open("a", encoding="utf-8", newline="") as f:
        if not exists:
            f.write(header + "\n")
        f.write(lines)
        f.flush()
        os.fsync(f.fileno())  # a run killed mid-training keeps every finished epoch


def _append_parquet(
    path: Path, epoch: int | float | str, labels: Sequence[object], scores: np.ndarray
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    epoch_value = epoch if isinstance(epoch, str) else float(epoch)
    if not isinstance(epoch_value, str) and epoch_value.is_integer():
        epoch_value = int(epoch_value)
    new = pa.table(
        {
            "epoch": pa.array([epoch_value] * len(labels)),
            "label": pa.array(labels),
            "score": pa.array(scores, type=pa.float64()),
        }
    )
    if path.exists():
        old = pq.read_table(path)
        if old.column_names != list(COLUMNS):
            raise ValueError(
                f"{path} has the columns {old.column_names}, not {list(COLUMNS)}: append to a "
                "file written by append_epoch, or choose a new file."
            )
        new = pa.concat_tables([old, new.cast(old.schema)])
    # Parquet files cannot grow in place: write the whole table beside the file, then
    # replace it in one step, so a crash never leaves half a file.
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(new, tmp)
    os.replace(tmp, path)


def append_epoch(
    path: str | os.PathLike[str],
    epoch: int | float | str,
    y_true: ArrayLike,
    y_score: ArrayLike,
) -> None:
    """Append one epoch's validation labels and scores to a long-format file.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` file (created with its header on the first call), or a ``.parquet`` /
        ``.pq`` file (rewritten with the new rows each call).
    epoch : int, float or str
        The epoch, step or checkpoint name; epochs should be appended in training order.
    y_true : array-like of shape (n_examples,)
        True labels of the validation examples (0/1, booleans or class names).
    y_score : array-like of shape (n_examples,)
        The model's scores for the positive class (``predict_proba(X)[:, 1]``,
        ``decision_function(X)`` or logits), finite.

    Raises
    ------
    ValueError
        If the arrays are empty, not one-dimensional, of different lengths, hold
        non-finite scores, or the file exists with other columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scores.csv"
    >>> append_epoch(path, 0, [True, False], [0.9, 0.3])
    >>> path.read_text().splitlines()
    ['epoch,label,score', '0,1,0.9', '0,0,0.3']
    """
    target = Path(path)
    labels, scores = _arrays(y_true, y_score)
    if target.suffix.lower() in _PARQUET:
        _append_parquet(target, epoch, labels, scores)
    else:
        _append_csv(target, _epoch_text(epoch), labels, scores)
