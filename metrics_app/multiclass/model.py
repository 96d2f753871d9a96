"""What the multiclass page computes, as values: clean inputs, decision rules, their outcomes.

A multiclass evaluation file has a label column with K classes and either K score columns,
one per class (``predict_proba``'s columns, or logits), or a column of predicted classes, or
both. :func:`prepare_multiclass` is the validation boundary: everything that can be wrong
with those columns is raised there as a :class:`~metrics_app.data.DataError` whose message
says what is wrong and how to fix it, and :mod:`metrics_core` then receives clean arrays:
class indices ``0..K-1`` (the classes in sorted order) and a finite ``(n, K)`` float matrix.

Three kinds of work, cached apart by :mod:`metrics_app.multiclass.state`:

* **Once per input** (:func:`analyse_multiclass`): the clean arrays, the argmax prediction
  and the log loss.
* **Once per decision rule** (:func:`outcome`): the predicted class of every row (one
  vectorised pass in :mod:`metrics_core.multiclass_decision`) and its confusion matrix.
  Every label metric (the report, accuracy, balanced accuracy, Cohen's kappa, MCC) is a
  function of that matrix alone, so they are computed from its K x (K + 1) non-zero cells,
  each passed once with its count as an integer sample weight: the same numbers as on the
  rows themselves, at a cost that does not grow with the rows.
* **Once per input, on demand** (:func:`rank`, :func:`abstention`): one-vs-rest sweeps
  (one sort per class), areas and averages, decimated curves; the coverage-accuracy curve.

No Streamlit here.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import softmax as _softmax
from threadpoolctl import ThreadpoolController

from metrics_app.curves.model import sub_sweep
from metrics_app.data import DataError, label_counts
from metrics_app.data.errors import MSG_HEADER_ONLY, quote
from metrics_app.data.guess import column_of_class, numeric_columns
from metrics_app.data.labels import is_missing, label_key, sorted_values
from metrics_app.data.prepare import (
    check_label_cardinality,
    factorize_labels,
    numeric_column,
    require_columns,
)
from metrics_core import (
    ABSTAIN,
    Sweep,
    abstention_curve,
    accuracy_score,
    balanced_accuracy_score,
    classification_report,
    cohen_kappa_score,
    confusion_matrix,
    decimate,
    matthews_corrcoef,
    micro_sweep,
    multiclass_log_loss,
    multiclass_roc_auc_score,
    ovr_sweeps,
    predict_argmax,
    predict_min_expected_cost,
    predict_with_thresholds,
    sweep_average_precision,
    sweep_roc_auc,
    sweep_sample,
    top_k_accuracy_score,
)
from metrics_core.multiclass_ranking import average_class_scores

__all__ = [
    "CHART_POINTS",
    "DEFAULT_COVERAGE",
    "MAX_CLASSES",
    "REPORT_AVERAGES",
    "RULES",
    "SUM_TOLERANCE",
    "TOP_K_DEFAULT",
    "Abstention",
    "Matching",
    "MulticlassAnalysis",
    "MulticlassData",
    "Outcome",
    "Ranking",
    "Rule",
    "abstention",
    "analyse_multiclass",
    "class_values",
    "cost_matrix",
    "cost_table",
    "default_costs",
    "guess_matching",
    "label_outcome",
    "matching_table",
    "outcome",
    "predict",
    "prepare_multiclass",
    "rank",
    "rule_problem",
    "table_columns",
    "top_k",
    "total_cost",
]

#: Most classes the page handles: a K x K matrix and K curves stay readable up to here, and
#: a label column with more values is more likely an id or a score than a class.
MAX_CLASSES = 50

#: Rows of probabilities may sum to 1 within this (a file that rounds each probability to a
#: few decimals); further from 1 they are not probabilities.
SUM_TOLERANCE = 0.01

#: Rows of the report that are not classes (a class may not be named like one).
REPORT_AVERAGES = ("accuracy", "micro avg", "macro avg", "weighted avg")

#: The decision rules, by key, with their names on the page.
RULES: Mapping[str, str] = {
    "column": "Predicted-class column",
    "argmax": "Highest score",
    "thresholds": "Per-class thresholds",
    "cost": "Cost matrix",
    "abstain": "Abstain when unsure",
}

#: The k of top-k accuracy shown first.
TOP_K_DEFAULT = 3

#: Share of rows the abstention rule decides at its starting cut.
DEFAULT_COVERAGE = 0.9

#: Most points drawn per chart (shared by the classes' curves).
CHART_POINTS = 4000

# Points per class curve: at least this many, at most the other, within CHART_POINTS.
_CLASS_POINTS = (60, 500)

# Relative tolerance of a row sum of exactly 1: scikit-learn's log loss check (sqrt of eps).
_SUM_RTOL = math.sqrt(np.finfo(np.float64).eps)

# Name parts of a predicted-class column: pred, predicted, prediction, y_pred, yhat, y_hat.
_PREDICTION_NAME = re.compile(r"pred|hat", re.IGNORECASE)


# --- input: which column scores which class -------------------------------------------------


def class_values(frame: pd.DataFrame, label: str) -> list[object]:
    """The distinct values of the label column, sorted (the classes, in column order).

    Raises
    ------
    DataError
        If the column is missing or has too many distinct values.
    """
    return sorted_values(list(label_counts(frame, label)))


@dataclass(frozen=True)
class Matching:
    """The score column guessed for each class, and what the user can choose from.

    Attributes
    ----------
    classes : tuple
        The classes, sorted.
    columns : tuple of (str or None)
        The column whose name says it scores each class (``p_cat``, ``prob_2``,
        ``cat_proba``...), or ``None``.
    options : tuple of str
        Numeric columns other than the label: the possible score columns.
    prediction : str or None
        A column that looks like predicted classes (named like ``pred`` and holding class
        values), or ``None``.
    prediction_options : tuple of str
        Every column other than the label.
    """

    classes: tuple[object, ...]
    columns: tuple[str | None, ...]
    options: tuple[str, ...]
    prediction: str | None
    prediction_options: tuple[str, ...]


def guess_matching(frame: pd.DataFrame, label: str, classes: Sequence[object]) -> Matching:
    """Match score columns to classes by name, and guess a predicted-class column.

    >>> f = pd.DataFrame({"y": ["a", "b", "c"], "p_a": [0.5, 0.2, 0.1], "b": [0.3, 0.6, 0.2],
    ...                   "c_proba": [0.2, 0.2, 0.7], "pred": ["a", "b", "c"]})
    >>> m = guess_matching(f, "y", ["a", "b", "c"])
    >>> m.columns, m.prediction
    (('p_a', 'b', 'c_proba'), 'pred')
    """
    options = numeric_columns(frame, exclude=(label,))
    columns = tuple(column_of_class(c, options, list(classes)) for c in classes)
    others = [str(c) for c in frame.columns if str(c) != label]
    taken = {c for c in columns if c is not None}
    keys = {label_key(c) for c in classes}
    prediction = next(
        (
            c
            for c in others
            if c not in taken
            and _PREDICTION_NAME.search(c)
            and _holds_classes(frame[c].iloc[:1000], keys)
        ),
        None,
    )
    return Matching(tuple(classes), columns, tuple(options), prediction, tuple(others))


def matching_table(m: Matching) -> pd.DataFrame:
    """The matching as an editable table: ``Class`` (text) and ``Score column``."""
    return pd.DataFrame({"Class": [str(c) for c in m.classes], "Score column": list(m.columns)})


def table_columns(table: pd.DataFrame) -> tuple[str | None, ...]:
    """The score column of each class from an edited :func:`matching_table`."""
    return tuple(c if isinstance(c, str) and c else None for c in table["Score column"])


def _holds_classes(values: pd.Series, keys: set[str]) -> bool:
    present = [v for v in pd.unique(values) if not is_missing(v)]
    return bool(present) and all(label_key(v) in keys for v in present)


# --- the validation boundary ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MulticlassData:
    """Clean arrays of a multiclass evaluation, and what was excluded and why.

    The arrays are read-only: one instance is shared by every session through a cache.

    Attributes
    ----------
    classes : tuple
        The classes as they occur in the label column (Python scalars), sorted; class ``k``
        is column ``k`` of :attr:`scores`.
    names : tuple of str
        Their display names, ``str(class)``.
    y : numpy.ndarray
        int64 class index of every used row.
    scores : numpy.ndarray or None
        float64 ``(n, K)`` scores as used (after the softmax or the row normalisation of
        :attr:`transform`), or ``None`` without score columns.
    columns : tuple of str or None
        The score column of each class.
    predicted : numpy.ndarray or None
        int64 class index from the predicted-class column, or ``None``.
    prediction : str or None
        The predicted-class column.
    kind : {"probability", "score", "none"}
        Whether :attr:`scores` are probabilities (rows in [0, 1] summing to 1), other real
        scores, or absent.
    transform : {"none", "softmax", "normalised"}
        What was done to the columns' values: nothing, a softmax of each row (asked for),
        or each row divided by its sum (probabilities summing to 1 within
        :data:`SUM_TOLERANCE` only, as rounded in a file).
    row_sums : tuple of float
        Smallest and largest row sum of the columns as read (NaN without scores).
    n_rows_read : int
        Rows of the table.
    excluded : dict of str to int
        Rows left out by reason, each counted under the first reason that applies.
    """

    classes: tuple[object, ...]
    names: tuple[str, ...]
    y: np.ndarray
    scores: np.ndarray | None
    columns: tuple[str, ...] | None
    predicted: np.ndarray | None
    prediction: str | None
    kind: Literal["probability", "score", "none"]
    transform: Literal["none", "softmax", "normalised"]
    row_sums: tuple[float, float]
    n_rows_read: int
    excluded: dict[str, int]
    support: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        support = np.bincount(self.y, minlength=len(self.classes))
        object.__setattr__(self, "support", support)
        for array in (self.y, self.scores, self.predicted, support):
            if array is not None:
                array.flags.writeable = False

    @property
    def k(self) -> int:
        """Number of classes."""
        return len(self.classes)

    @property
    def n_used(self) -> int:
        """Rows used."""
        return int(self.y.shape[0])

    @property
    def default_threshold(self) -> float:
        """A per-class threshold to start from: 0.5 for probabilities, 0 for other scores."""
        return 0.5 if self.kind == "probability" else 0.0

    @property
    def top_k_range(self) -> tuple[int, int]:
        """The largest useful ``k`` of top-k accuracy (``K - 1``) and the one to start from."""
        return self.k - 1, min(TOP_K_DEFAULT, self.k - 1)

    @property
    def n_excluded(self) -> int:
        """Rows excluded, over all reasons."""
        return sum(self.excluded.values())


def _by_key(columns: Mapping[object, str | None], classes: Sequence[object]) -> list[str | None]:
    """The column of each class; keys are compared as label text, so 1, 1.0 and "1" agree."""
    wanted = {label_key(c): c for c in classes}
    unknown = [k for k in columns if label_key(k) not in wanted]
    if unknown:
        shown = ", ".join(quote(k) for k in unknown[:5])
        raise DataError(
            f"The matching names classes that are not in the label column ({shown}). Match "
            "each score column to a class of the label column."
        )
    given = {label_key(k): v for k, v in columns.items()}
    return [given.get(label_key(c)) or None for c in classes]


def _check_columns(
    cols: list[str | None], names: Sequence[str], label: str, prediction: str | None
) -> None:
    """Every class has its own score column, or none has (hard predictions only)."""
    given = [c for c in cols if c is not None]
    k = len(names)
    if not given:
        if prediction is None:
            raise DataError(
                "No score column is matched to any class, and no predicted-class column is "
                f"chosen. Give each of the {k} classes its score column (one column per class, "
                "as predict_proba returns), or choose the column of predicted classes."
            )
        return
    if len(given) == 1:
        raise DataError(
            f"Only one score column ({quote(given[0])}) is matched, but the label column has "
            f"{k} classes. The multiclass views need one score column per class (for example "
            "predict_proba's columns p_0, p_1, ...), or a predicted-class column for the "
            "matrix and report alone. To study one class against the rest with a single "
            "score column, use the threshold explorer."
        )
    missing = [n for n, c in zip(names, cols, strict=True) if c is None]
    if missing:
        shown = ", ".join(quote(n) for n in missing[:8]) + (", ..." if len(missing) > 8 else "")
        raise DataError(
            f"{len(missing)} of the {k} classes have no score column: {shown}. Pick each "
            "class's score column in the matching table (a column named like p_<class> or "
            "<class>_proba is matched by itself), or clear every score column to analyse the "
            "predicted-class column alone."
        )
    seen: dict[str, str] = {}
    for name, c in zip(names, cols, strict=True):
        if c in seen:
            raise DataError(
                f"The column {quote(c)} is matched to two classes, {quote(seen[c])} and "
                f"{quote(name)}. Each class needs its own score column."
            )
        if c in (label, prediction):
            role = "label" if c == label else "predicted-class"
            raise DataError(
                f"The {role} column {quote(c)} is also matched as the score column of "
                f"{quote(name)}. Pick the column that holds that class's scores."
            )
        seen[c] = name


def _prediction_codes(
    series: pd.Series, column: str, classes: Sequence[object]
) -> tuple[np.ndarray, np.ndarray]:
    """Class index of every row's predicted class, and a mask of missing predictions."""
    codes, values = factorize_labels(series)
    index = {label_key(c): i for i, c in enumerate(classes)}
    unknown = [v for v in values if label_key(v) not in index]
    if unknown:
        shown = ", ".join(quote(v) for v in unknown[:5])
        raise DataError(
            f"The predicted-class column {quote(column)} holds values that are not classes of "
            f"the label column (for example {shown}). Choose the column of predicted classes, "
            "written like the labels."
        )
    lookup = np.array([index[label_key(v)] for v in values] + [-1], dtype=np.int64)
    return lookup[codes], codes < 0


def _check_probabilities(scores: np.ndarray, cols: Sequence[str], sums: np.ndarray) -> None:
    """Values in [0, 1] and rows summing to 1 (within :data:`SUM_TOLERANCE`)."""
    lo, hi = scores.min(axis=0), scores.max(axis=0)
    fix = (
        " If these are scores or logits, say so above (they can then be turned into "
        "probabilities with a softmax)."
    )
    if (lo < 0).any():
        k = int(np.argmin(lo))
        n = int(np.count_nonzero(scores < 0))
        raise DataError(
            f"The columns are said to hold probabilities, but {n:,} values are negative (down "
            f"to {lo[k]:.6g} in {quote(cols[k])}). Probabilities lie between 0 and 1." + fix
        )
    if (hi > 1).any():
        k = int(np.argmax(hi))
        n = int(np.count_nonzero(scores > 1))
        raise DataError(
            f"The columns are said to hold probabilities, but {n:,} values are above 1 (up to "
            f"{hi[k]:.6g} in {quote(cols[k])}). Probabilities lie between 0 and 1." + fix
        )
    far = np.abs(sums - 1) > SUM_TOLERANCE
    if far.any():
        raise DataError(
            f"The columns are said to hold probabilities, but {int(far.sum()):,} rows do not "
            f"sum to 1 (row sums range from {sums.min():.6g} to {sums.max():.6g}). Check that "
            "every class's column is matched, each once." + fix
        )


def _looks_like_probabilities(scores: np.ndarray, sums: np.ndarray) -> bool:
    return bool(
        scores.min() >= 0 and scores.max() <= 1 and np.all(np.abs(sums - 1) <= SUM_TOLERANCE)
    )


def _excluded(checks: list[tuple[str, np.ndarray]], n: int) -> tuple[dict[str, int], np.ndarray]:
    """Rows to drop, counted once each under the first reason that applies."""
    excluded: dict[str, int] = {}
    drop = np.zeros(n, dtype=bool)
    for reason, mask in checks:
        new = mask & ~drop
        if (count := int(np.count_nonzero(new))) > 0:
            excluded[reason] = count
            drop |= new
    return excluded, drop


def _classes_of(frame: pd.DataFrame, label: str) -> tuple[np.ndarray, list[object], np.ndarray]:
    """Row codes of the label column, its present values sorted, and each code's class."""
    codes, values = factorize_labels(frame[label])
    check_label_cardinality(label, len(values))
    present = np.bincount(codes[codes >= 0], minlength=len(values)) > 0
    classes = sorted_values([v for v, p in zip(values, present, strict=True) if p])
    position = {id(v): i for i, v in enumerate(classes)}
    lookup = np.array([position.get(id(v), -1) for v in values] + [-1], dtype=np.int64)
    return codes, classes, lookup


def _check_classes(label: str, classes: Sequence[object]) -> tuple[str, ...]:
    k = len(classes)
    if k > MAX_CLASSES:
        raise DataError(
            f"The label column {quote(label)} has {k:,} classes; this page handles at most "
            f"{MAX_CLASSES}. Choose the column that holds the true classes, or group rare "
            "classes together before uploading."
        )
    if k < 3:
        raise DataError(
            f"The label column {quote(label)} has {k} class(es): the multiclass page needs at "
            "least three. For two classes, the threshold explorer, curves and operating-point "
            "pages are the place."
        )
    names = tuple(str(c) for c in classes)
    if len(set(names)) < k:
        raise DataError(
            f"Two classes of {quote(label)} read the same as text (for example 1 and '1'). "
            "Write every label the same way in the file."
        )
    clash = [n for n in names if n in REPORT_AVERAGES]
    if clash:
        raise DataError(
            f"A class is named {quote(clash[0])}, like a row of the report's averages. "
            "Rename that class in the file."
        )
    return names


def prepare_multiclass(
    frame: pd.DataFrame,
    label: str,
    columns: Mapping[object, str | None],
    *,
    prediction: str | None = None,
    kind: Literal["detect", "probability", "score"] = "detect",
    softmax: bool = False,
) -> MulticlassData:
    """Validate a multiclass evaluation table and return clean arrays for the core.

    Rows are excluded, and counted under the first reason that applies, in this order:
    ``missing label``, ``missing score`` (in any score column), ``non-finite score (inf)``,
    ``missing prediction``. Nothing else is dropped.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    label : str
        The column of true classes (3 to :data:`MAX_CLASSES` distinct values).
    columns : mapping of class to str or None
        The score column of each class (keys compared as label text, so ``1`` and ``"1"``
        name the same class). Every class needs one, or none does (hard predictions).
    prediction : str, optional
        A column of predicted classes (hard predictions), written like the labels.
    kind : {"detect", "probability", "score"}, default="detect"
        What the score columns hold. ``"probability"`` is checked: values in [0, 1], rows
        summing to 1 within :data:`SUM_TOLERANCE` (rows off by rounding are divided by
        their sum, and :attr:`MulticlassData.transform` says so). ``"detect"`` takes the
        columns for probabilities when they pass that check, else for scores.
    softmax : bool, default=False
        Turn scores (not probabilities) into probabilities with a softmax of each row.

    Returns
    -------
    MulticlassData
        Read-only arrays and the exclusion report.

    Raises
    ------
    DataError
        With a message saying what is wrong and how to fix it: a missing or doubly used
        column, too few or too many classes, a class without a score column (or a single
        score column for K classes), non-numeric scores, negative or too large
        "probabilities", rows far from summing to 1, predicted classes that are not
        classes, a softmax of probabilities, no usable row.

    Examples
    --------
    >>> f = pd.DataFrame({"y": ["a", "b", "c", "a"], "p_a": [0.7, 0.2, 0.1, 0.5],
    ...                   "p_b": [0.2, 0.5, 0.3, 0.4], "p_c": [0.1, 0.3, 0.6, None]})
    >>> d = prepare_multiclass(f, "y", {"a": "p_a", "b": "p_b", "c": "p_c"})
    >>> d.kind, d.y.tolist(), d.excluded
    ('probability', [0, 1, 2], {'missing score': 1})
    """
    require_columns(frame, label=label, prediction=prediction)
    if len(frame) == 0:
        raise DataError(MSG_HEADER_ONLY)
    codes, classes, lookup = _classes_of(frame, label)
    names = _check_classes(label, classes)
    cols = _by_key(columns, classes)
    _check_columns(cols, names, label, prediction)
    n = len(frame)
    checks: list[tuple[str, np.ndarray]] = [("missing label", codes < 0)]
    scores = None
    if cols[0] is not None:
        scores = np.column_stack([numeric_column(frame[c], c, "score") for c in cols])
        checks += [
            ("missing score", np.isnan(scores).any(axis=1)),
            ("non-finite score (inf)", np.isinf(scores).any(axis=1)),
        ]
    predicted = None
    if prediction is not None:
        predicted, missing = _prediction_codes(frame[prediction], prediction, classes)
        checks.append(("missing prediction", missing))
    excluded, drop = _excluded(checks, n)
    keep = ~drop if excluded else slice(None)
    y = lookup[codes][keep]
    if y.shape[0] == 0:
        reasons = ", ".join(f"{why}: {count:,}" for why, count in excluded.items())
        raise DataError(
            f"No usable rows: all {n:,} rows were excluded ({reasons}). Fix those cells, or "
            "choose other columns."
        )
    if np.count_nonzero(np.bincount(y, minlength=len(classes))) < 2:
        raise DataError(
            "Only one class is left in the usable rows, so nothing can be confused with "
            "anything. Fix the missing cells, or choose another label column."
        )
    predicted = None if predicted is None else predicted[keep].copy()
    if scores is None:
        return MulticlassData(
            tuple(classes), names, y.copy(), None, None, predicted, prediction, "none", "none",
            (math.nan, math.nan), n, excluded,
        )  # fmt: skip
    scores = np.ascontiguousarray(scores[keep])
    score_kind, transform, sums = _score_kind(scores, cols, kind, softmax)
    if transform == "softmax":
        scores = _softmax(scores, axis=1)
    elif transform == "normalised":
        scores /= sums[:, None]
    return MulticlassData(
        tuple(classes), names, y.copy(), scores, tuple(cols), predicted, prediction,
        score_kind, transform, (float(sums.min()), float(sums.max())), n, excluded,
    )  # fmt: skip


def _score_kind(
    scores: np.ndarray, cols: Sequence[str], kind: str, softmax: bool
) -> tuple[Literal["probability", "score"], Literal["none", "softmax", "normalised"], np.ndarray]:
    """What the scores are and what to do to them, checking a claim of probabilities."""
    if kind not in ("detect", "probability", "score"):
        raise ValueError(f"kind must be 'detect', 'probability' or 'score'; got {kind!r}.")
    sums = scores.sum(axis=1)
    if kind == "probability":
        _check_probabilities(scores, cols, sums)
    probabilities = kind == "probability" or (
        kind == "detect" and _looks_like_probabilities(scores, sums)
    )
    if probabilities:
        if softmax:
            raise DataError(
                "A softmax turns scores into probabilities, but these columns already hold "
                "probabilities (each row sums to 1). Turn the softmax off."
            )
        # Rows off by rounding are rescaled to sum to 1 within log loss's tolerance, the
        # strictest of scikit-learn's checks (ROC AUC's np.allclose is looser).
        normalised = not np.isclose(sums, 1, rtol=_SUM_RTOL, atol=1e-8).all()
        return "probability", "normalised" if normalised else "none", sums
    return ("probability", "softmax", sums) if softmax else ("score", "none", sums)


# --- the analysis of one input ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class MulticlassAnalysis:
    """One multiclass input, ready to explore.

    Attributes
    ----------
    key : str
        Identifies the data and column choice (a cache key).
    data : MulticlassData
        The clean arrays.
    argmax : numpy.ndarray or None
        The class of highest score of every row (lowest index on ties), or ``None``
        without scores.
    top_score : numpy.ndarray or None
        That highest score of every row, or ``None`` without scores.
    log_loss : float
        Log loss of the probabilities; NaN when the scores are not probabilities.
    """

    key: str
    data: MulticlassData
    argmax: np.ndarray | None
    top_score: np.ndarray | None
    log_loss: float

    @property
    def labels(self) -> np.ndarray:
        """The class indices ``0..K-1``: the labels every core function is given."""
        return np.arange(self.data.k)


def analyse_multiclass(
    frame: pd.DataFrame,
    *,
    key: str,
    label: str,
    columns: Mapping[object, str | None],
    prediction: str | None = None,
    kind: Literal["detect", "probability", "score"] = "detect",
    softmax: bool = False,
) -> MulticlassAnalysis:
    """Validate the columns (:func:`prepare_multiclass`) and compute the argmax and log loss.

    Raises
    ------
    DataError
        When the columns cannot be used (the message says why and what to do).
    """
    data = prepare_multiclass(
        frame, label, columns, prediction=prediction, kind=kind, softmax=softmax
    )
    argmax = top = None
    if data.scores is not None:
        argmax = predict_argmax(data.scores)
        top = np.take_along_axis(data.scores, argmax[:, None], axis=1)[:, 0]
        argmax.flags.writeable = top.flags.writeable = False
    loss = math.nan
    if data.kind == "probability":
        loss = multiclass_log_loss(data.y, data.scores, labels=np.arange(data.k))
    return MulticlassAnalysis(key=key, data=data, argmax=argmax, log_loss=loss, top_score=top)


def top_k(an: MulticlassAnalysis, k: int) -> float:
    """Share of rows whose true class is among the ``k`` highest scores (NaN without scores).

    ``k`` must be below the number of classes (at ``k = K`` every row is a hit).
    """
    if an.data.scores is None:
        return math.nan
    return top_k_accuracy_score(an.data.y, an.data.scores, k=k, labels=an.labels)


# --- decision rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How a row's scores become one predicted class (or none).

    Attributes
    ----------
    kind : str
        One of :data:`RULES`: the predicted-class column, the highest score, per-class
        thresholds, the least expected cost, or the highest score unless it is below
        :attr:`min_top` (abstain).
    thresholds : tuple of float
        One threshold per class (``"thresholds"``): the class of highest score among those
        whose score is ``>=`` its own threshold.
    fallback : {"argmax", "abstain"}
        For rows where no class reaches its threshold.
    costs : tuple of tuple of float
        ``costs[i][j]``: cost of predicting class ``j`` for a row of class ``i``
        (``"cost"``).
    min_top : float
        Rows whose highest score is below this are left undecided (``"abstain"``).
    """

    kind: str = "argmax"
    thresholds: tuple[float, ...] = ()
    fallback: Literal["argmax", "abstain"] = "argmax"
    costs: tuple[tuple[float, ...], ...] = ()
    min_top: float = 0.5

    @property
    def key(self) -> str:
        """A short string naming the rule and its settings (a cache key)."""
        digest = hashlib.sha256(repr(self).encode()).hexdigest()[:16]
        return f"{self.kind}:{digest}"


def rule_problem(an: MulticlassAnalysis, kind: str) -> str | None:
    """Why rule ``kind`` cannot be used on ``an``, or ``None`` when it can."""
    data = an.data
    if kind == "column":
        if data.predicted is None:
            return "This rule reads the file's predicted classes: choose a predicted-class column."
        return None
    if data.scores is None:
        return (
            "This rule needs one score column per class; with predicted classes alone only "
            "the file's own predictions can be evaluated."
        )
    if kind == "cost" and data.kind != "probability":
        return (
            "Expected costs need probabilities, and these scores are not probabilities. "
            "Turn on the softmax above to use them as probabilities."
        )
    return None


def predict(an: MulticlassAnalysis, rule: Rule) -> np.ndarray:
    """The predicted class index of every row under ``rule``; ``ABSTAIN`` (-1) if undecided.

    Raises
    ------
    ValueError
        If the rule cannot be used on ``an`` (see :func:`rule_problem`).
    """
    problem = rule_problem(an, rule.kind)
    if problem is not None:
        raise ValueError(problem)
    s = an.data.scores
    if rule.kind == "column":
        return an.data.predicted
    if rule.kind == "argmax":
        return an.argmax
    if rule.kind == "thresholds":
        return _with_thresholds(an, np.asarray(rule.thresholds, dtype=np.float64), rule.fallback)
    if rule.kind == "cost":
        # An (n, K) @ (K, K) product: BLAS threads only add contention on a shared server
        # (about 8x slower at 1e6 rows on a busy 2-CPU box); one thread does it in ~50 ms.
        with _blas().limit(limits=1, user_api="blas"):
            return predict_min_expected_cost(s, np.asarray(rule.costs, dtype=np.float64))
    if rule.kind == "abstain":
        # One cut for every class: the top class reaches it, or no class does.
        return np.where(an.top_score >= rule.min_top, an.argmax, ABSTAIN)
    raise ValueError(f"Unknown rule {rule.kind!r}: use one of {', '.join(RULES)}.")


def _with_thresholds(an: MulticlassAnalysis, cuts: np.ndarray, fallback: str) -> np.ndarray:
    """:func:`~metrics_core.predict_with_thresholds`, passing over the easy rows once.

    A row whose class of highest score reaches its own threshold gets that class: it is
    the highest among the eligible classes too, and the lowest index among equal highest
    scores, as the core's argmax picks. Only the other rows need a pass over every class,
    so a change of threshold costs a few passes over the rows instead of several over the
    whole score matrix.
    """
    top = an.argmax
    easy = an.top_score >= cuts[top]
    pred = top.copy()
    hard = np.flatnonzero(~easy)
    if hard.size:
        pred[hard] = predict_with_thresholds(an.data.scores[hard], cuts, fallback=fallback)
    return pred


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def default_costs(k: int) -> tuple[tuple[float, ...], ...]:
    """The 0-1 cost matrix: every mistake costs 1 (its decisions are the argmax's)."""
    return tuple(tuple(0.0 if i == j else 1.0 for j in range(k)) for i in range(k))


def cost_table(names: Sequence[str]) -> pd.DataFrame:
    """The 0-1 costs as an editable table: index the true classes, columns the predicted."""
    return pd.DataFrame(default_costs(len(names)), index=list(names), columns=list(names))


def cost_matrix(table: pd.DataFrame, names: Sequence[str]) -> tuple[tuple[float, ...], ...]:
    """The K x K costs of an edited table (rows: true class, columns: predicted class).

    Raises
    ------
    DataError
        If a cell is empty or not a finite number.
    """
    values = table.reindex(columns=list(names)).apply(pd.to_numeric, errors="coerce")
    arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
    if arr.shape != (len(names), len(names)):
        raise DataError(f"The cost matrix must be {len(names)} x {len(names)}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise DataError(
            f"The cost of predicting {quote(names[j])} for a row of {quote(names[i])} is empty "
            "or not a number. Give every cell a number (0 for a correct answer)."
        )
    return tuple(tuple(float(v) for v in row) for row in arr)


@dataclass(frozen=True, eq=False)
class Outcome:
    """The predictions of one rule and every label metric of them.

    Undecided rows (abstentions) are predicted as no class: they count in each class's
    support and as misses for its recall, never as a prediction of any class, and as
    wrong for accuracy over all rows.

    Attributes
    ----------
    rule : Rule
        The rule.
    matrix : numpy.ndarray
        int64 ``(K, K + 1)`` counts: ``matrix[i, j]`` rows of class ``i`` predicted as
        class ``j``; the last column counts undecided rows.
    pairs : tuple of numpy.ndarray
        ``(true, predicted, count)`` of every non-zero cell (predicted ``-1`` for
        undecided): the rows, one per cell, with their counts as weights.
    report : dict
        ``classification_report(output_dict=True, zero_division=np.nan)`` (an
        ``"accuracy"`` entry, or ``"micro avg"`` when rows are undecided).
    accuracy, balanced_accuracy, kappa, mcc : float
        Over all rows (undecided rows are wrong).
    decided_accuracy : float
        Accuracy over the decided rows (NaN when none is).
    """

    rule: Rule
    matrix: np.ndarray
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray]
    report: dict
    accuracy: float
    balanced_accuracy: float
    kappa: float
    mcc: float
    decided_accuracy: float

    @property
    def n_undecided(self) -> int:
        """Rows left undecided."""
        return int(self.matrix[:, -1].sum())

    @property
    def n_rows(self) -> int:
        """All rows."""
        return int(self.matrix.sum())

    @property
    def coverage(self) -> float:
        """Share of rows decided."""
        return 1.0 - self.n_undecided / self.n_rows

    def normalised(self, how: Literal["true", "pred", "all"] | None) -> np.ndarray:
        """The ``(K, K + 1)`` matrix divided by its row sums, column sums or total.

        scikit-learn's ``normalize`` (an empty row or column reads 0), from
        :func:`metrics_core.confusion_matrix` over :attr:`pairs`.
        """
        k = self.matrix.shape[0]
        if how is None:
            return self.matrix.astype(np.float64)
        t, p, w = self.pairs
        cm = confusion_matrix(t, p, labels=[*range(k), ABSTAIN], sample_weight=w, normalize=how)
        return cm[:k]


def outcome(an: MulticlassAnalysis, rule: Rule) -> Outcome:
    """Predict with ``rule`` and compute its confusion matrix, report and agreement scores."""
    pred = predict(an, rule)
    return label_outcome(an.data.y, pred, an.data.names, rule)


def label_outcome(
    y: np.ndarray, pred: np.ndarray, names: Sequence[str], rule: Rule = Rule()
) -> Outcome:
    """Every label metric of class indices ``pred`` (``-1``: undecided) against ``y``.

    One :func:`~metrics_core.confusion_matrix` over the rows; every other metric over its
    non-zero cells, weighted by their counts (the same numbers as over the rows).
    """
    k = len(names)
    labels = [*range(k), ABSTAIN]
    matrix = confusion_matrix(y, pred, labels=labels)[:k]
    t, p = np.nonzero(matrix)
    w = matrix[t, p]
    p = np.where(p == k, ABSTAIN, p)
    report = classification_report(
        t, p, labels=np.arange(k), target_names=list(names), sample_weight=w,
        output_dict=True, zero_division=np.nan,
    )  # fmt: skip
    with warnings.catch_warnings():
        # Undecided rows are "predicted" as no class of y_true: balanced accuracy warns
        # about that prediction, then counts those rows as misses, as intended here.
        warnings.simplefilter("ignore", UserWarning)
        balanced = balanced_accuracy_score(t, p, sample_weight=w)
    decided = p != ABSTAIN
    decided_accuracy = (
        accuracy_score(t[decided], p[decided], sample_weight=w[decided])
        if decided.any()
        else math.nan
    )
    for array in (matrix, t, p, w):
        array.flags.writeable = False
    return Outcome(
        rule=rule,
        matrix=matrix,
        pairs=(t, p, w),
        report=report,
        accuracy=accuracy_score(t, p, sample_weight=w),
        balanced_accuracy=balanced,
        kappa=cohen_kappa_score(t, p, sample_weight=w),
        mcc=matthews_corrcoef(t, p, sample_weight=w),
        decided_accuracy=decided_accuracy,
    )


def total_cost(result: Outcome, costs: Sequence[Sequence[float]]) -> float:
    """Total cost of ``result``'s decided rows under ``costs[true][predicted]``."""
    k = result.matrix.shape[0]
    return float(np.sum(result.matrix[:, :k] * np.asarray(costs, dtype=np.float64)))


# --- ranking: one class against the rest ------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Ranking:
    """Threshold-free scores of every class against the rest, and curves to draw.

    Attributes
    ----------
    per_class : pandas.DataFrame
        ``class, support, roc_auc, average_precision`` (one row per class; an area is NaN
        for a class with no rows).
    averages : dict of str to float
        ``roc_macro, roc_weighted, roc_micro, ap_macro, ap_weighted, ap_micro`` (one class
        against the rest, as scikit-learn averages them) and ``ovo_macro`` (the mean over
        each pair of classes, Hand and Till; NaN unless the scores are probabilities).
    roc, pr : pandas.DataFrame
        Decimated curves of every class: ``class, step, threshold, fpr, tpr`` and
        ``class, step, threshold, recall, precision``; each ROC curve starts at the origin.
    micro_roc, micro_pr : pandas.DataFrame
        The micro-averaged curves (every (row, class) pair as one binary problem).
    """

    per_class: pd.DataFrame
    averages: dict[str, float]
    roc: pd.DataFrame
    pr: pd.DataFrame
    micro_roc: pd.DataFrame
    micro_pr: pd.DataFrame


def _curves(sw: Sweep, points: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """ROC and PR points of one sweep: candidates spread by rank, then along each curve."""
    # Rates at the candidates only: a sub-sweep keeps the class totals (no full-length arrays).
    sub = sub_sweep(sw, sweep_sample(sw, 4 * points))
    thresholds, fpr, tpr, precision = sub.thresholds, sub.fpr, sub.recall, sub.precision
    roc = decimate(fpr, tpr, points)
    pr = decimate(tpr, precision, points)
    return (
        {
            "threshold": np.r_[math.nan, thresholds[roc]],
            "fpr": np.r_[0.0, fpr[roc]],
            "tpr": np.r_[0.0, tpr[roc]],
        },
        {"threshold": thresholds[pr], "recall": tpr[pr], "precision": precision[pr]},
    )


def _long(parts: list[tuple[str, dict[str, np.ndarray]]]) -> pd.DataFrame:
    frames = []
    for name, cols in parts:
        frame = pd.DataFrame(cols)
        frame.insert(0, "class", name)
        frame.insert(1, "step", np.arange(len(frame)))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def rank(an: MulticlassAnalysis) -> Ranking:
    """One-vs-rest sweeps of every class (one sort each), their areas, averages and curves.

    Per-class areas equal scikit-learn's ``roc_auc_score`` and ``average_precision_score``
    of that class against the rest; averages are scikit-learn's (``roc_auc_score`` of the
    label indicator matrix, or of the labels with ``multi_class="ovr"`` for probabilities;
    ``multi_class="ovo"`` for the one-vs-one ones).

    Raises
    ------
    ValueError
        Without score columns.
    """
    data = an.data
    if data.scores is None:
        raise ValueError("No score columns: curves need one score column per class.")
    s, y, k = data.scores, data.y, data.k
    sweeps = ovr_sweeps(y, s, an.labels)
    micro = micro_sweep(y, s, an.labels)
    aucs = np.array([sweep_roc_auc(sw) for sw in sweeps])
    aps = np.array([sweep_average_precision(sw) for sw in sweeps])
    support = data.support
    averages = {
        "roc_macro": average_class_scores(aucs, "macro", support),
        "roc_weighted": average_class_scores(aucs, "weighted", support),
        "roc_micro": sweep_roc_auc(micro),
        "ap_macro": average_class_scores(aps, "macro", support),
        "ap_weighted": average_class_scores(aps, "weighted", support),
        "ap_micro": sweep_average_precision(micro),
        "ovo_macro": math.nan,
    }
    if data.kind == "probability":
        # One call: each costs a sort of every column by class (the weighted one is not shown).
        averages["ovo_macro"] = multiclass_roc_auc_score(
            y, s, multi_class="ovo", average="macro", labels=an.labels
        )
    points = max(_CLASS_POINTS[0], min(_CLASS_POINTS[1], CHART_POINTS // (k + 1)))
    curves = [_curves(sw, points) for sw in sweeps]
    micro_roc, micro_pr = _curves(micro, 2 * points)
    return Ranking(
        per_class=pd.DataFrame(
            {"class": data.names, "support": support, "roc_auc": aucs, "average_precision": aps}
        ),
        averages={key: float(value) for key, value in averages.items()},
        roc=_long([(n, c[0]) for n, c in zip(data.names, curves, strict=True)]),
        pr=_long([(n, c[1]) for n, c in zip(data.names, curves, strict=True)]),
        micro_roc=pd.DataFrame(micro_roc),
        micro_pr=pd.DataFrame(micro_pr),
    )


@dataclass(frozen=True, eq=False)
class Abstention:
    """Coverage against accuracy as rows with a low top score are left undecided.

    Attributes
    ----------
    curve : pandas.DataFrame
        ``threshold, coverage, accuracy``, decimated for drawing (thresholds decreasing).
    lo, hi : float
        The lowest and highest top score: below ``lo`` nothing is undecided, above ``hi``
        everything is.
    default : float
        A starting cut: the highest top score that still decides at least
        :data:`DEFAULT_COVERAGE` of the rows.
    slider : tuple of float
        ``(low, high, step)`` of a control for the cut: [0, 1] by 0.01 for probabilities,
        the top scores' range in 500 steps otherwise.
    """

    curve: pd.DataFrame
    lo: float
    hi: float
    default: float
    slider: tuple[float, float, float]


def abstention(an: MulticlassAnalysis, max_points: int = 800) -> Abstention:
    """The coverage-accuracy curve of leaving rows with a low top score undecided.

    Raises
    ------
    ValueError
        Without score columns.
    """
    if an.data.scores is None:
        raise ValueError("No score columns: abstention needs one score column per class.")
    coverage, accuracy, thresholds = abstention_curve(an.data.y, an.data.scores)
    idx = decimate(coverage, accuracy, max_points)
    curve = pd.DataFrame(
        {"threshold": thresholds[idx], "coverage": coverage[idx], "accuracy": accuracy[idx]}
    )
    # Coverage grows as the threshold falls: the first threshold reaching the target.
    first = int(np.searchsorted(coverage, DEFAULT_COVERAGE - 1e-12))
    default = float(thresholds[min(first, thresholds.shape[0] - 1)])
    lo, hi = float(thresholds[-1]), float(thresholds[0])
    if an.data.kind == "probability":  # a round cut on the slider's 0.01 grid, just below
        default = math.floor(default * 100) / 100
        slider = (0.0, 1.0, 0.01)
    else:
        slider = (lo, hi, (hi - lo) / 500 or 0.01)
    return Abstention(curve=curve, lo=lo, hi=hi, default=default, slider=slider)
