"""What the epochs page shows, as values: epoch files, per-epoch metrics, training histories.

Three layouts are recognised (no Streamlit here; the page lays the values out):

- **Long**: a column named ``epoch``, ``step`` or ``checkpoint`` (or ``ckpt``,
  ``iteration``, ``global_step``) beside the label and one score column; each
  row is one validation example at one epoch.
- **Wide**: one score column per epoch, named with the epoch's number:
  ``score_epoch_3``, ``p_e10``, ``epoch_5``, ``step_200``, ``ckpt3``.
- **Training history**: Keras ``CSVLogger`` / ``History`` layout, ``epoch,
  loss, val_loss, accuracy, val_accuracy, ...``: every metric ``x`` with its
  validation twin ``val_x``, one row per epoch, and no label column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from metrics_app.data import DataError, prepare, score_kind
from metrics_app.data.errors import quote
from metrics_app.data.guess import normalize_name
from metrics_app.data.prepare import numeric_column
from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import SliderRange, slider_range
from metrics_app.shared.cards import Card
from metrics_core import EpochCurves, OperatingPoint, Sweep, best_epoch, sweep_sample
from metrics_core import epoch_curves as _epoch_curves
from metrics_core import epoch_curves_wide as _epoch_curves_wide

__all__ = [
    "BEST_METRICS",
    "EPOCH_COLUMNS",
    "GAP_RUN",
    "NEEDS",
    "BestMetric",
    "EpochData",
    "History",
    "Layout",
    "Overfitting",
    "best_metric_options",
    "best_of",
    "best_sentence",
    "build",
    "chart_order",
    "detect",
    "epoch_cards",
    "epoch_point",
    "epoch_table",
    "exclusion_note",
    "history_frame",
    "history_pairs",
    "history_table",
    "is_history",
    "layout_of",
    "lines_frame",
    "loss_frame",
    "lower_is_better",
    "marked_epochs",
    "metric_label",
    "model_name",
    "overfitting",
    "overfitting_sentences",
    "pr_frame",
    "prevalence",
    "read_history",
    "roc_frame",
    "signal_metric",
    "threshold_range",
    "values_of",
    "wide_columns",
]

#: Column names (after lower-casing and snake_casing) that hold the epoch of a long-format row.
EPOCH_COLUMNS = ("epoch", "step", "checkpoint", "ckpt", "iteration", "global_step", "epochs")

# A score column named for its epoch: a word for epoch, step or checkpoint, then the number,
# at the end of the name ("score_epoch_3", "p_e10", "epoch_5", "ckpt3", "val_step-200"); the
# word starts the name or follows a separator, so "feature_1" is no epoch ("featur" + "e").
_WIDE_RE = re.compile(
    r"^(?P<stem>|.*?[_\-\s.])(?P<word>epoch|ep|e|step|checkpoint|ckpt|iter|iteration)"
    r"[_\-\s.]?(?P<n>\d+)$",
    re.IGNORECASE,
)

# History columns that are neither a metric nor its validation twin.
_HISTORY_EXTRA = frozenset(
    {"epoch", "epochs", "step", "lr", "learning_rate", "time", "wall_time", "duration"}
)

#: What the page asks for when the data holds no epochs.
NEEDS = (
    "This page needs validation scores at several epochs (or checkpoints). Upload either\n\n"
    "- a **long** file: a column named `epoch`, `step` or `checkpoint`, the label column and "
    "one score column, one row per validation example and epoch (what "
    "`metrics_app.epochs.log.append_epoch` writes during training);\n"
    "- a **wide** file: the label column and one score column per epoch, named with its "
    "number (`score_epoch_1`, `score_epoch_2`, … or `p_e1`, `p_e2`, …);\n"
    "- or a **training history**: Keras `CSVLogger` output (`epoch, loss, val_loss, "
    "accuracy, val_accuracy, …`), for train-against-validation curves."
)


@dataclass(frozen=True)
class Layout:
    """Where the epochs are in a table.

    Attributes
    ----------
    kind : {"long", "wide"}
        One row per example and epoch, or one score column per epoch.
    epoch_column : str or None
        The long format's epoch column.
    score_columns : tuple of str
        Wide: one per epoch, in epoch order. Long: empty (the score column is chosen).
    epoch_numbers : tuple of int
        Wide: each column's epoch number, increasing. Long: empty.
    """

    kind: Literal["long", "wide"]
    epoch_column: str | None = None
    score_columns: tuple[str, ...] = ()
    epoch_numbers: tuple[int, ...] = ()


def _epoch_column(frame: pd.DataFrame) -> str | None:
    for c in frame.columns:
        if normalize_name(c)[0] in EPOCH_COLUMNS:
            return str(c)
    return None


def wide_columns(frame: pd.DataFrame) -> list[tuple[int, str]]:
    """Score columns named per epoch, ``(epoch number, column)`` by increasing epoch.

    Columns are grouped by their name less the number (``score_epoch_``); the largest
    group of at least two numeric columns with distinct numbers wins (ties: the first).

    >>> wide_columns(pd.DataFrame({"y": [1], "p_e10": [0.2], "p_e2": [0.1], "x": [3]}))
    [(2, 'p_e2'), (10, 'p_e10')]
    """
    groups: dict[str, dict[int, str]] = {}
    for c in frame.columns:
        m = _WIDE_RE.match(str(c))
        if m is None or not pd.api.types.is_numeric_dtype(frame[c].dtype):
            continue
        if pd.api.types.is_bool_dtype(frame[c].dtype):
            continue
        stem = (m["stem"] + m["word"]).lower()
        groups.setdefault(stem, {}).setdefault(int(m["n"]), str(c))
    best: dict[int, str] = {}
    for members in groups.values():
        if len(members) >= 2 and len(members) > len(best):
            best = members
    return sorted(best.items())


def history_pairs(frame: pd.DataFrame) -> list[str]:
    """Metrics ``x`` with a numeric validation twin ``val_x``, in column order."""
    names = {str(c) for c in frame.columns}
    numeric = {
        str(c)
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
    }
    return [
        str(c)
        for c in frame.columns
        if not str(c).startswith("val_") and f"val_{c}" in names and {str(c), f"val_{c}"} <= numeric
    ]


def is_history(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a training history: pairs ``x`` / ``val_x``, nothing else.

    Every column must be a metric, its ``val_`` twin, or one of ``epoch``, ``step``,
    ``lr``, ``learning_rate``, ``time``: a table with a label column is not a history.

    >>> is_history(pd.DataFrame({"epoch": [0, 1], "loss": [0.7, 0.5], "val_loss": [0.8, 0.6]}))
    True
    >>> is_history(pd.DataFrame({"label": [0, 1], "loss": [0.7, 0.5], "val_loss": [0.8, 0.6]}))
    False
    """
    pairs = history_pairs(frame)
    if not pairs:
        return False
    known = set(pairs) | {f"val_{p}" for p in pairs}
    return all(str(c) in known or normalize_name(c)[0] in _HISTORY_EXTRA for c in frame.columns)


def detect(frame: pd.DataFrame) -> Literal["history", "long", "wide"] | None:
    """Which layout ``frame`` has: a training history, long or wide epochs, or none.

    >>> detect(pd.DataFrame({"epoch": [1, 1, 2], "label": [0, 1, 1], "score": [.2, .7, .9]}))
    'long'
    >>> detect(pd.DataFrame({"label": [0, 1], "p_epoch_1": [.2, .7], "p_epoch_2": [.1, .9]}))
    'wide'
    >>> detect(pd.DataFrame({"label": [0, 1], "score": [.2, .7]})) is None
    True
    """
    if is_history(frame):
        return "history"
    if _epoch_column(frame) is not None:
        return "long"
    if wide_columns(frame):
        return "wide"
    return None


def layout_of(frame: pd.DataFrame) -> Layout | None:
    """The :class:`Layout` of an epochs table (``None`` for a history or no epochs)."""
    kind = detect(frame)
    if kind == "long":
        return Layout("long", epoch_column=_epoch_column(frame))
    if kind == "wide":
        cols = wide_columns(frame)
        return Layout(
            "wide",
            score_columns=tuple(c for _, c in cols),
            epoch_numbers=tuple(n for n, _ in cols),
        )
    return None


# --- an epochs table, ready for the core -------------------------------------------------


@dataclass(frozen=True, eq=False)
class EpochData:
    """Every epoch's curves and what the page needs to label them.

    Attributes
    ----------
    layout : Layout
        Where the epochs were found.
    score_name : str
        The long format's score column, or the wide format's columns as one phrase.
    epochs : tuple
        Epoch labels in training order, as in the file (numbers or checkpoint names).
    curves : EpochCurves
        Sweeps, ROC AUC, average precision and log loss per epoch.
    kind : {"probability", "real"}
        Whether every score lies in [0, 1].
    rows : numpy.ndarray
        Rows used per epoch.
    excluded : dict of str to int
        Rows left out, by reason.
    positive_name, negative_name : str
        How the classes read on charts.
    """

    layout: Layout
    score_name: str
    epochs: tuple[object, ...]
    curves: EpochCurves
    kind: Literal["probability", "real"]
    rows: np.ndarray
    excluded: dict[str, int] = field(default_factory=dict)
    positive_name: str = "positive"
    negative_name: str = "negative"

    def __len__(self) -> int:
        return len(self.epochs)

    def epoch_text(self, i: int) -> str:
        """Epoch ``i``'s label as text."""
        value = self.epochs[i]
        return fmt.threshold(value) if isinstance(value, float) else str(value)


def _negative_name(negatives: Sequence[object]) -> str:
    return str(negatives[0]) if len(negatives) == 1 else "negative"


# Whole-number epochs spanning at most this many values are coded through a table (one
# count and one gather per row); pandas' hash factorisation took over a second at 5e7 rows.
_MAX_EPOCH_SPAN = 1 << 20


def _table_codes(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's position among the distinct sorted values, and those values.

    For whole numbers spanning under :data:`_MAX_EPOCH_SPAN` values (the codes are
    ``uint8`` for up to 256 epochs); ``None`` for anything else.

    >>> codes, values = _table_codes(np.array([5, 3, 5, 9]))
    >>> codes.tolist(), values.tolist()
    ([1, 0, 1, 2], [3, 5, 9])
    """
    if numbers.shape[0] == 0:
        return None
    lo, hi = numbers.min().item(), numbers.max().item()  # Python numbers: no overflow
    if not hi - lo < _MAX_EPOCH_SPAN:
        return None
    if numbers.dtype.kind == "f":
        offsets = numbers - lo
        whole = offsets.astype(np.int64)
        if not np.array_equal(whole, offsets):
            return None
    elif lo >= 0 and hi < _MAX_EPOCH_SPAN:
        # Epochs counted from 0 or 1 index the table as they are: no offset array.
        whole, lo = numbers.astype(np.intp, copy=False), 0
    else:
        whole = numbers - lo
    present = np.bincount(whole) > 0
    values = np.flatnonzero(present) + lo
    small = np.uint8 if values.shape[0] <= 256 else np.int64
    table = (np.cumsum(present) - 1).astype(small)
    return table[whole], values


def _epoch_codes(values: pd.Series, column: str) -> tuple[np.ndarray, tuple[object, ...]]:
    """Integer epoch codes in training order, and the epoch labels."""
    if pd.api.types.is_integer_dtype(values.dtype):  # exact: no float64 rounding of big epochs
        numbers = values.to_numpy(dtype=np.int64)
    elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
        values.dtype
    ):
        numbers = values.to_numpy(dtype=np.float64)
        if not np.isfinite(numbers).all():
            raise DataError(
                f"The epoch column {quote(column)} holds infinite values. Write each row's "
                "epoch as a whole number (or a checkpoint name)."
            )
    else:
        # Checkpoint names: keep the order in which the file first lists them (training order).
        codes, uniques = pd.factorize(values.astype(str), sort=False)
        return np.asarray(codes, dtype=np.int64), tuple(str(u) for u in uniques)
    coded = _table_codes(numbers)
    if coded is None:
        codes, uniques = pd.factorize(numbers, sort=True)
        coded = np.asarray(codes, dtype=np.int64), np.asarray(uniques)
    codes, uniques = coded
    labels = tuple(int(u) if float(u).is_integer() else float(u) for u in uniques.tolist())
    return codes, labels


def _only_one_epoch(column: str, label: object) -> DataError:
    return DataError(
        f"The epoch column {quote(column)} holds one epoch only ({quote(label)}). Add the "
        "validation scores of the other epochs, one row per example and epoch."
    )


def build(
    frame: pd.DataFrame, layout: Layout, *, label: str, positive: object, score: str | None
) -> EpochData:
    """Clean arrays of every epoch and their curves.

    Rows with a missing label or score (any epoch's, in the wide format) or a missing epoch
    are left out and counted.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    layout : Layout
        From :func:`layout_of`.
    label : str
        The label column.
    positive : object
        The positive class.
    score : str or None
        The long format's score column (ignored for the wide format).

    Returns
    -------
    EpochData

    Raises
    ------
    DataError
        When a column is missing or not numeric, the positive class is absent, one class or
        one epoch only is left, or the epoch column is also the label or score column.
    """
    if layout.kind == "long":
        return _build_long(frame, layout, label=label, positive=positive, score=score)
    return _build_wide(frame, layout, label=label, positive=positive)


def _build_long(
    frame: pd.DataFrame, layout: Layout, *, label: str, positive: object, score: str | None
) -> EpochData:
    column = str(layout.epoch_column)
    if score is None or score == column:
        raise DataError(
            f"The score column is the epoch column {quote(column)}. Choose the column with "
            "the model's scores in the sidebar."
        )
    if label == column:
        raise DataError(
            f"The label column is the epoch column {quote(column)}. Choose the column with "
            "the true classes in the sidebar."
        )
    prep = prepare(frame, label=label, score=score, positive=positive)
    epochs = frame[column] if prep.kept is None else frame[column][prep.kept]
    excluded = dict(prep.excluded)
    missing = epochs.isna().to_numpy()
    y, s = prep.y, prep.scores
    if missing.any():
        excluded["missing epoch"] = int(missing.sum())
        epochs, y, s = epochs[~missing], y[~missing], s[~missing]
    if len(epochs) == 0:
        raise DataError(f"Every row's epoch ({quote(column)}) is missing: fill in the epochs.")
    codes, labels = _epoch_codes(epochs, column)
    if len(labels) < 2:
        raise _only_one_epoch(column, labels[0])
    kind = score_kind(s)
    curves = _epoch_curves(y, s, codes, len(labels), probabilities=kind == "probability")
    return EpochData(
        layout=layout,
        score_name=score,
        epochs=labels,
        curves=curves,
        kind=kind,
        rows=np.array([sw.n_pos + sw.n_neg for sw in curves.sweeps], dtype=np.int64),
        excluded=excluded,
        positive_name=str(prep.positive),
        negative_name=_negative_name(prep.negative_labels),
    )


def _build_wide(frame: pd.DataFrame, layout: Layout, *, label: str, positive: object) -> EpochData:
    columns = [c for c in layout.score_columns if c != label]
    if len(columns) < 2:
        raise DataError(
            "The label column is one of the per-epoch score columns. Choose the column with "
            "the true classes in the sidebar."
        )
    prep = prepare(frame, label=label, score=columns[0], positive=positive)
    excluded = dict(prep.excluded)
    scores = [prep.scores]
    for c in columns[1:]:
        values = numeric_column(frame[c], c, "score")
        scores.append(values if prep.kept is None else values[prep.kept])
    finite = np.logical_and.reduce([np.isfinite(v) for v in scores[1:]])
    y = prep.y
    if not finite.all():
        excluded["missing score at another epoch"] = int(np.count_nonzero(~finite))
        y = y[finite]
        scores = [v[finite] for v in scores]
    if y.size == 0 or y.all() or not y.any():
        raise DataError(
            "Too few usable rows: once rows with a missing score at any epoch are left out, "
            "one class or no row is left. Fill in the missing scores."
        )
    kinds = {score_kind(v) for v in scores}
    kind: Literal["probability", "real"] = "probability" if kinds == {"probability"} else "real"
    numbers = dict(zip(layout.score_columns, layout.epoch_numbers, strict=True))
    curves = _epoch_curves_wide(y, scores, probabilities=kind == "probability")
    return EpochData(
        layout=layout,
        score_name=f"{columns[0]} … {columns[-1]}",
        epochs=tuple(numbers[c] for c in columns),
        curves=curves,
        kind=kind,
        rows=np.full(len(columns), y.size),
        excluded=excluded,
        positive_name=str(prep.positive),
        negative_name=_negative_name(prep.negative_labels),
    )


def threshold_range(data: EpochData) -> SliderRange:
    """The threshold control's bounds and default, over every epoch's scores."""
    sweeps = [sw for sw in data.curves.sweeps if len(sw)]
    hi = max(float(sw.thresholds[0]) for sw in sweeps)
    lo = min(float(sw.thresholds[-1]) for sw in sweeps)
    # slider_range reads only the extreme thresholds of a real-valued sweep: two points do.
    ends = Sweep(
        thresholds=np.array([hi, lo]) if hi > lo else np.array([hi]),
        tp=np.zeros(2 if hi > lo else 1, np.int32),
        fp=np.zeros(2 if hi > lo else 1, np.int32),
        n_pos=0,
        n_neg=0,
    )
    return slider_range(ends, data.kind)


# --- per-epoch metrics -----------------------------------------------------------------


@dataclass(frozen=True)
class BestMetric:
    """A metric the best epoch can be chosen by."""

    key: str
    label: str
    lower_is_better: bool = False
    at_threshold: bool = True
    percent: bool = True


#: Metrics to choose the best epoch by, in menu order.
BEST_METRICS: tuple[BestMetric, ...] = (
    BestMetric("roc_auc", "ROC AUC", at_threshold=False, percent=False),
    BestMetric("average_precision", "Average precision", at_threshold=False, percent=False),
    BestMetric("log_loss", "Log loss", lower_is_better=True, at_threshold=False, percent=False),
    BestMetric("f1", "F1 at the threshold", percent=False),
    BestMetric("mcc", "MCC at the threshold", percent=False),
    BestMetric("balanced_accuracy", "Balanced accuracy at the threshold"),
    BestMetric("accuracy", "Accuracy at the threshold"),
    BestMetric("precision", "Precision at the threshold"),
    BestMetric("recall", "Recall at the threshold"),
)
_BY_KEY = {m.key: m for m in BEST_METRICS}

# Lines drawn per epoch: (key, legend label, chart); "rank" metrics share a 0-1 axis with
# the threshold metrics, log loss gets its own chart.
_LINES = (
    ("roc_auc", "ROC AUC"),
    ("average_precision", "Average precision"),
    ("precision", "Precision"),
    ("recall", "Recall"),
    ("f1", "F1"),
)


def best_metric_options(data: EpochData) -> list[str]:
    """Keys of :data:`BEST_METRICS` that apply (log loss only for probabilities)."""
    return [m.key for m in BEST_METRICS if m.key != "log_loss" or data.kind == "probability"]


def metric_label(key: str) -> str:
    """The menu label of a :data:`BEST_METRICS` key."""
    return _BY_KEY[key].label


def values_of(data: EpochData, key: str, threshold: float) -> np.ndarray:
    """One metric per epoch: a threshold-free summary or a point metric at ``threshold``."""
    if key in ("roc_auc", "average_precision", "log_loss"):
        return np.asarray(getattr(data.curves, key), dtype=np.float64)
    return np.asarray(getattr(data.curves.at(threshold), key), dtype=np.float64)


def best_of(data: EpochData, key: str, threshold: float) -> int:
    """Position of the best epoch by ``key`` (earliest on ties; -1 when all undefined)."""
    return best_epoch(values_of(data, key, threshold), lower_is_better=_BY_KEY[key].lower_is_better)


def best_sentence(data: EpochData, key: str, threshold: float) -> str:
    """Which epoch is best by ``key``, as a sentence, or why there is none."""
    i = best_of(data, key, threshold)
    info = _BY_KEY[key]
    if i < 0:
        return f"No best epoch by {info.label}: it is {fmt.UNDEFINED} at every epoch."
    value = values_of(data, key, threshold)[i]
    return (
        f"Best epoch by {info.label}: **{fmt.escape_markdown(data.epoch_text(i))}** "
        f"({fmt.metric_value(value, percent=info.percent)})."
    )


def lines_frame(data: EpochData, threshold: float) -> pd.DataFrame:
    """Long frame ``epoch, order, metric, value`` of the per-epoch lines on a 0-1 scale.

    Built once from arrays (one column each), not one frame per line then concatenated:
    it is rebuilt on every threshold move.
    """
    points = data.curves.at(threshold)
    n = len(data)
    values = [
        getattr(data.curves if key in ("roc_auc", "average_precision") else points, key)
        for key, _ in _LINES
    ]
    return pd.DataFrame(
        {
            "epoch": [data.epoch_text(i) for i in range(n)] * len(_LINES),
            "order": np.tile(np.arange(n), len(_LINES)),
            "metric": [label for _, label in _LINES for _ in range(n)],
            "value": np.concatenate([np.asarray(v, dtype=np.float64) for v in values]),
        }
    )


def loss_frame(data: EpochData) -> pd.DataFrame:
    """``epoch, order, metric, value`` of the log loss per epoch (empty unless probabilities)."""
    if data.kind != "probability":
        return pd.DataFrame(columns=["epoch", "order", "metric", "value"])
    return pd.DataFrame(
        {
            "epoch": [data.epoch_text(i) for i in range(len(data))],
            "order": np.arange(len(data)),
            "metric": "Log loss",
            "value": np.asarray(data.curves.log_loss, dtype=np.float64),
        }
    )


def epoch_table(data: EpochData, threshold: float) -> pd.DataFrame:
    """One row per epoch: rows, AUC, AP, log loss and the metrics at ``threshold``, as text."""
    points = data.curves.at(threshold)
    table = {
        "Epoch": [data.epoch_text(i) for i in range(len(data))],
        "Rows": [fmt.count(float(r)) for r in data.rows],
        "ROC AUC": [fmt.decimal(v) for v in data.curves.roc_auc],
        "Average precision": [fmt.decimal(v) for v in data.curves.average_precision],
    }
    if data.kind == "probability":
        table["Log loss"] = [fmt.decimal(v, 4) for v in data.curves.log_loss]
    for key, label, percent in (
        ("precision", "Precision", True),
        ("recall", "Recall", True),
        ("f1", "F1", False),
        ("predicted_positive_rate", "Flag rate", True),
    ):
        table[label] = [fmt.metric_value(v, percent=percent) for v in getattr(points, key)]
    return pd.DataFrame(table)


def epoch_point(data: EpochData, i: int, threshold: float) -> OperatingPoint:
    """Epoch ``i``'s counts and metrics at ``threshold``."""
    return data.curves.sweeps[i].at(threshold)


def epoch_cards(data: EpochData, i: int) -> list[Card]:
    """ROC AUC, average precision, log loss and rows of epoch ``i``."""
    cards = [
        Card("ROC AUC", fmt.decimal(data.curves.roc_auc[i])),
        Card("Average precision", fmt.decimal(data.curves.average_precision[i])),
    ]
    if data.kind == "probability":
        cards.append(
            Card(
                "Log loss",
                fmt.decimal(data.curves.log_loss[i], 4),
                help="Mean cross-entropy of the probabilities (natural log); lower is better.",
            )
        )
    cards.append(Card("Rows", fmt.count(float(data.rows[i]))))
    return cards


def _with_threshold(sw: Sweep, threshold: float, n_points: int) -> np.ndarray:
    idx = sweep_sample(sw, n_points)
    k = sw.index(threshold)
    if k and (k - 1) not in idx:
        idx = np.sort(np.r_[idx, k - 1])
    return idx


def roc_frame(data: EpochData, i: int, threshold: float, n_points: int = 400) -> pd.DataFrame:
    """Epoch ``i``'s ROC points ``model, step, threshold, fpr, tpr``, from the origin.

    The columns of :func:`metrics_app.curves.charts.roc_chart`; the line passes through the
    point at ``threshold``.
    """
    sw = data.curves.sweeps[i]
    idx = _with_threshold(sw, threshold, n_points)
    fpr = np.r_[0.0, np.asarray(sw.fpr, dtype=np.float64)[idx]]
    tpr = np.r_[0.0, np.asarray(sw.recall, dtype=np.float64)[idx]]
    return pd.DataFrame(
        {
            "model": _model_name(data, i),
            "step": np.arange(fpr.shape[0]),
            "threshold": np.r_[math.nan, sw.thresholds[idx]],
            "fpr": fpr,
            "tpr": tpr,
        }
    )


def pr_frame(data: EpochData, i: int, threshold: float, n_points: int = 400) -> pd.DataFrame:
    """Epoch ``i``'s precision-recall points ``model, step, threshold, recall, precision``."""
    sw = data.curves.sweeps[i]
    idx = _with_threshold(sw, threshold, n_points)
    return pd.DataFrame(
        {
            "model": _model_name(data, i),
            "step": np.arange(idx.shape[0]),
            "threshold": sw.thresholds[idx],
            "recall": np.asarray(sw.recall, dtype=np.float64)[idx],
            "precision": np.asarray(sw.precision, dtype=np.float64)[idx],
        }
    )


def _model_name(data: EpochData, i: int) -> str:
    return f"Epoch {data.epoch_text(i)}"


def model_name(data: EpochData, i: int) -> str:
    """The curve's name on the ROC and PR charts."""
    return _model_name(data, i)


def prevalence(data: EpochData, i: int) -> float:
    """Share of positives among epoch ``i``'s rows."""
    sw = data.curves.sweeps[i]
    total = sw.n_pos + sw.n_neg
    return float(sw.n_pos) / float(total) if total else math.nan


def exclusion_note(data: EpochData) -> str | None:
    """Which rows were left out and why, or ``None``."""
    if not data.excluded:
        return None
    parts = ", ".join(f"{reason}: {fmt.count(n)}" for reason, n in data.excluded.items())
    return f"Rows left out ({parts})."


# --- training histories ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class History:
    """A training history: every metric's training and validation value per epoch.

    Attributes
    ----------
    epochs : numpy.ndarray
        Epoch numbers (the file's ``epoch`` column, else 1, 2, ...).
    metrics : tuple of str
        Metric names ``x`` that have a ``val_x``, in column order.
    train, val : dict of str to numpy.ndarray
        Values per epoch (NaN where the file has none).
    """

    epochs: np.ndarray
    metrics: tuple[str, ...]
    train: dict[str, np.ndarray]
    val: dict[str, np.ndarray]

    def __len__(self) -> int:
        return self.epochs.shape[0]


def read_history(frame: pd.DataFrame) -> History:
    """The training history in ``frame`` (see :func:`is_history`).

    Raises
    ------
    DataError
        When it has no rows, or an epoch column that is not a number per row.
    """
    if len(frame) == 0:
        raise DataError(
            "The training history has a header but no epochs: it needs one row per epoch."
        )
    metrics = tuple(history_pairs(frame))
    epoch_col = next(
        (str(c) for c in frame.columns if normalize_name(c)[0] in ("epoch", "epochs")), None
    )
    if epoch_col is not None:
        epochs = numeric_column(frame[epoch_col], epoch_col, "epoch")
        if not np.isfinite(epochs).all():
            raise DataError(
                f"The epoch column {quote(epoch_col)} has missing values: every row of a "
                "training history needs its epoch number."
            )
    else:
        epochs = np.arange(1, len(frame) + 1, dtype=np.float64)
    order = np.argsort(epochs, kind="stable")

    def values(c: str) -> np.ndarray:
        return frame[c].to_numpy(dtype=np.float64, na_value=np.nan)[order]

    return History(
        epochs=epochs[order],
        metrics=metrics,
        train={m: values(m) for m in metrics},
        val={m: values(f"val_{m}") for m in metrics},
    )


#: Epochs in a row the gap ``val_loss - loss`` must grow for "the gap grows steadily".
GAP_RUN = 3


def lower_is_better(metric: str) -> bool:
    """Whether a history metric is a loss or an error (its name says so)."""
    tokens = set(normalize_name(metric)[1])
    return bool(
        tokens & {"loss", "error", "mse", "mae", "rmse", "mape", "crossentropy", "entropy", "hinge"}
    )


@dataclass(frozen=True)
class Overfitting:
    """Where a training history starts to overfit.

    Attributes
    ----------
    best : int
        Position of the lowest validation loss (earliest on ties), or -1 without one.
    gap_start : int or None
        Position of the epoch from which the gap ``val_loss - loss`` grows steadily (see
        :func:`overfitting`), or ``None`` when it never does.
    metric : str
        The loss the signal is read from (``"loss"``).
    """

    best: int
    gap_start: int | None
    metric: str


def _rounding(values: np.ndarray) -> float:
    # A "rise" must beat the rounding of a difference of two logged values: the gap
    # 0.6 - 0.8 and 0.5 - 0.7 differ in the last bits only, and that is no rise.
    return 1e-9 * max(1.0, float(np.max(np.abs(values))))


def overfitting(history: History, metric: str = "loss") -> Overfitting:
    """The overfitting signal of ``history``: validation-loss minimum and widening gap.

    Rules:

    - **Validation minimum**: the epoch with the lowest ``val_<metric>`` (the earliest on
      ties; epochs without a value are skipped).
    - **Gap starts to grow**: with ``gap = val_<metric> - <metric>`` per epoch, the first
      epoch ``e`` from which the gap grows at each of the next :data:`GAP_RUN` (3) epochs
      (``gap[e] < gap[e+1] < gap[e+2] < gap[e+3]``, each rise larger than rounding, 1e-9
      relative) and is still wider than ``gap[e]`` at
      the last epoch. Three rises in a row tell a trend from one noisy epoch; the last
      condition drops a widening that later closed again. ``None`` when no epoch qualifies
      (including histories shorter than four epochs, or a missing gap in the run).

    For a metric where higher is better (accuracy) the sign is flipped, so the gap is how
    far validation trails training.

    Parameters
    ----------
    history : History
        The training history.
    metric : str, default="loss"
        A metric with a ``val_`` twin.

    Returns
    -------
    Overfitting
    """
    if metric not in history.metrics:
        return Overfitting(-1, None, metric)
    train, val = history.train[metric], history.val[metric]
    sign = 1.0 if lower_is_better(metric) else -1.0
    best = best_epoch(val, lower_is_better=sign > 0)
    gap = sign * (val - train)
    n = gap.shape[0]
    start = None
    for e in range(n - GAP_RUN):
        run = gap[e : e + GAP_RUN + 1]
        if np.isnan(run).any():
            continue
        if np.all(np.diff(run) > _rounding(run)) and not math.isnan(gap[-1]) and gap[-1] > gap[e]:
            start = e
            break
    return Overfitting(best, start, metric)


def _epoch_text(history: History, i: int) -> str:
    return fmt.threshold(float(history.epochs[i]))


def overfitting_sentences(history: History, signal: Overfitting) -> list[str]:
    """The overfitting signal in words: the best validation value and where the gap grows."""
    m = fmt.escape_markdown(signal.metric)
    if signal.best < 0:
        return [f"No validation {m} to read an overfitting signal from."]
    word = "Lowest" if lower_is_better(signal.metric) else "Highest"
    val = fmt.significant(history.val[signal.metric][signal.best])
    at = _epoch_text(history, signal.best)
    if signal.best == len(history) - 1:
        first = (
            f"{word} validation {m}: **{val}** at the last epoch (**{at}**): no sign of "
            "overfitting yet; more epochs may still help."
        )
    else:
        first = (
            f"{word} validation {m}: **{val}** at epoch **{at}**; no later epoch does better "
            "on validation, so that is the checkpoint to keep."
        )
    if signal.gap_start is None:
        second = (
            f"The gap between validation and training {m} does not grow for {GAP_RUN} epochs "
            "in a row at any point."
        )
    else:
        second = (
            f"The gap between validation and training {m} grows steadily from epoch "
            f"**{_epoch_text(history, signal.gap_start)}** on ({GAP_RUN} rises in a row, still "
            "wider at the last epoch): from there the model fits the training data better "
            "than it generalises."
        )
    return [first, second]


def marked_epochs(history: History, metric: str) -> tuple[float | None, float | None]:
    """Epochs to mark on a metric's chart: its best validation value and the gap's start."""
    signal = overfitting(history, metric)
    best = None if signal.best < 0 else float(history.epochs[signal.best])
    start = None if signal.gap_start is None else float(history.epochs[signal.gap_start])
    return best, start


def chart_order(history: History) -> list[str]:
    """The history's metrics to chart, the overfitting signal's own first."""
    first = signal_metric(history)
    return [first, *(m for m in history.metrics if m != first)]


def signal_metric(history: History) -> str:
    """The metric the overfitting signal is read from: ``loss`` when present, else the first."""
    return "loss" if "loss" in history.metrics else history.metrics[0]


def history_frame(history: History, metric: str) -> pd.DataFrame:
    """Long frame ``epoch, series, value`` of one metric, training and validation."""
    n = len(history)
    return pd.DataFrame(
        {
            "epoch": np.r_[history.epochs, history.epochs],
            "series": ["Training"] * n + ["Validation"] * n,
            "value": np.r_[history.train[metric], history.val[metric]],
        }
    )


def history_table(history: History) -> pd.DataFrame:
    """Every metric per epoch, as text."""
    table: dict[str, list[str]] = {"Epoch": [_epoch_text(history, i) for i in range(len(history))]}
    for m in history.metrics:
        table[m] = [fmt.significant(v) for v in history.train[m]]
        table[f"val_{m}"] = [fmt.significant(v) for v in history.val[m]]
    return pd.DataFrame(table)
