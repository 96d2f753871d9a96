"""Counts files: rows that each stand for many examples with the same score and class.

Every exact threshold metric depends on the data only through the counts per distinct score
and class, so a table of ``score, n_pos, n_neg`` (as ``threshold-lab aggregate`` writes it)
or of ``score, label, count`` is as good as the rows it counts. This module recognises such
a table, turns the wide layout into the long one (one row per score and class, with a
``count`` column), and reads what a counts file says about itself. No Streamlit here.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from metrics_app.shared import format as fmt

__all__ = ["COUNT", "CountsInfo", "counts_column", "counts_info", "is_wide_counts", "to_long"]

#: The long layout's count column.
COUNT = "count"
#: Names of a column of counts in a long ``score, label, count`` table.
COUNT_NAMES = frozenset({"count", "counts", "n", "freq", "frequency", "n_rows", "rows"})
#: The key prefix of the metadata ``threshold-lab aggregate`` writes into a counts file.
_META_PREFIX = b"threshold_lab."


@dataclass(frozen=True)
class CountsInfo:
    """What a counts file says about itself, for the data summary.

    Attributes
    ----------
    positive, negative : str
        The class names given to the ``n_pos`` and ``n_neg`` columns.
    rows_counted : float
        Examples the file counts (sum of all counts).
    note : str
        One Markdown sentence: how the counts were made and how exact they are.
    """

    positive: str
    negative: str
    rows_counted: float
    note: str


def _names(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c).strip().lower(): str(c) for c in frame.columns}


def is_wide_counts(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a ``score, n_pos, n_neg`` counts table (other columns: groups).

    >>> is_wide_counts(pd.DataFrame({"score": [0.1], "n_pos": [2], "n_neg": [5]}))
    True
    """
    names = _names(frame)
    return {"score", "n_pos", "n_neg"} <= set(names) and all(
        pd.api.types.is_numeric_dtype(frame[names[c]]) for c in ("score", "n_pos", "n_neg")
    )


def counts_column(frame: pd.DataFrame) -> str | None:
    """The column of a long table that holds whole-number counts by its name, or ``None``.

    >>> counts_column(pd.DataFrame({"score": [0.1], "label": [1], "count": [3]}))
    'count'
    """
    for key, column in _names(frame).items():
        if key in COUNT_NAMES and pd.api.types.is_integer_dtype(frame[column].dtype):
            return column
    return None


def to_long(frame: pd.DataFrame, positive: str, negative: str) -> pd.DataFrame:
    """The long layout of a wide counts table: ``[groups...,] score, label, count``.

    One row per score and class with a nonzero count; the label is ``positive`` for the
    ``n_pos`` counts and ``negative`` for the ``n_neg`` ones.

    >>> wide = pd.DataFrame({"score": [0.9, 0.2], "n_pos": [3, 0], "n_neg": [1, 5]})
    >>> to_long(wide, "fraud", "legit").to_dict("list")
    {'score': [0.9, 0.9, 0.2], 'label': ['fraud', 'legit', 'legit'], 'count': [3, 1, 5]}
    """
    names = _names(frame)
    score, n_pos, n_neg = names["score"], names["n_pos"], names["n_neg"]
    others = [c for c in frame.columns if c not in (score, n_pos, n_neg)]
    parts = []
    for column, name in ((n_pos, positive), (n_neg, negative)):
        part = frame[[*others, score]].copy()
        part.columns = [*map(str, others), "score"]
        part["label"] = name
        part[COUNT] = frame[column].to_numpy()
        parts.append(part)
    both = pd.concat(parts, ignore_index=True)
    # Interleave so each score's two rows sit together, in the file's order.
    order = np.argsort(np.r_[np.arange(len(frame)), np.arange(len(frame))], kind="stable")
    both = both.iloc[order]
    return both[both[COUNT].fillna(1) != 0].reset_index(drop=True)


def _metadata(data: bytes) -> dict[str, object]:
    try:
        pairs = pq.read_metadata(io.BytesIO(data)).metadata or {}
    except Exception:  # not Parquet, or no metadata: a counts table made some other way
        return {}
    out: dict[str, object] = {}
    for key, value in pairs.items():
        if key.startswith(_META_PREFIX):
            try:
                out[key[len(_META_PREFIX) :].decode()] = json.loads(value)
            except (UnicodeDecodeError, ValueError):
                continue
    return out


def counts_info(frame: pd.DataFrame, data: bytes) -> CountsInfo:
    """What the wide counts table ``frame`` (read from the bytes ``data``) says about itself."""
    meta = _metadata(data)
    names = _names(frame)
    total = float(frame[names["n_pos"]].sum() + frame[names["n_neg"]].sum())
    positive = str(meta.get("positive", "positive"))
    negatives = meta.get("negative_labels") or []
    negative = str(negatives[0]) if len(negatives) == 1 else f"not {positive}"
    if positive == negative:
        negative = f"not {positive}"
    parts = [
        f"A counts file: {fmt.count(len(frame))} rows count {fmt.count(total)} examples by "
        "score and class."
    ]
    if meta:
        binning = meta.get("binning", "exact")
        error = float(meta.get("max_count_error", 0) or 0)
        excluded = meta.get("rows_excluded") or {}
        if binning == "exact" or error == 0:
            parts.append("Scores were grouped exactly, so every count at every threshold is exact.")
        else:
            parts.append(
                f"Scores were grouped into bins ({binning}), so a count at a threshold inside a "
                f"bin can be off by up to {fmt.count(error)} examples; at bin edges it is exact."
            )
        if excluded:
            reasons = ", ".join(f"{fmt.count(n)} with {why}" for why, n in excluded.items())
            parts.append(f"When the file was made, rows were left out: {reasons}.")
    return CountsInfo(positive, negative, total, " ".join(parts))
