"""Default choices for the column and class pickers, guessed from names and values."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.data.errors import DataError
from metrics_app.data.labels import DOT_NUMBER_RE, is_missing, label_key, sorted_values

# Column guessing looks at this many leading rows only: it is a default for a picker, not a
# validation, and distinct-value counts over 1e7 rows would cost ~100 ms per column.
_GUESS_ROWS = 200_000


@dataclass(frozen=True)
class ColumnGuess:
    """Default choices for the column pickers, guessed from names and values.

    Attributes
    ----------
    label : str or None
        The most likely true-label column, or None when nothing looks like one.
    scores : tuple of str
        Candidate score columns, best first (possibly empty).
    weight : str or None
        A sample-weight column, or None.
    """

    label: str | None
    scores: tuple[str, ...]
    weight: str | None


def _words(text: str) -> tuple[str, ...]:
    """Split a space-separated list of hint words (easier to read than one word per line)."""
    return tuple(text.split())


_LABEL_EXACT = _words(
    "label y_true ground_truth true_label target y truth actual class outcome "
    "is_fraud fraud is_spam spam churn churned diagnosis malignant labels y_test "
    "ytrue gt"
)


_LABEL_TOKENS = frozenset(
    _words(
        "label labels target truth actual outcome class fraud spam churn churned "
        "diagnosis malignant default defaulted"
    )
)


_SCORE_PREFIXES = _words("score prob pred logit margin decision model yhat confidence risk output")


# Whole names only: a token match would turn a feature such as "weight_kg" (a patient's body
# weight) into sample weights and silently skew every metric.
_WEIGHT_EXACT = frozenset(
    _words(
        "w wt wgt weight weights sample_weight sample_weights instance_weight case_weight "
        "row_weight obs_weight"
    )
)


_ID_NAME_RE = re.compile(
    r"(?:.*_)?id|id_.*|ids|index|idx|row|row_?(?:num|number|no)|unnamed(?:_\d+)?"
)


# A label picked by a name token must look categorical, not like a feature ("class_size").
_MAX_TOKEN_LABEL_DISTINCT = 20


def normalize_name(name: object) -> tuple[str, tuple[str, ...]]:
    """Lower-case a column name into snake_case and split it into tokens."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name).strip())
    text = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return text, tuple(t for t in text.split("_") if t)


def _is_number_dtype(dtype: object) -> bool:
    """Numeric for scoring purposes: numbers, but not booleans."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _distinct(series: pd.Series) -> int:
    """Count distinct non-null values, or a large number when values are unhashable."""
    try:
        return int(series.nunique(dropna=True))
    except TypeError:
        return 1 << 30


def guess_columns(df: pd.DataFrame) -> ColumnGuess:
    """Guess the label, score and weight columns of a table.

    Rules, applied to the names (case-, separator- and camelCase-insensitive) and to the
    values of the first 200,000 rows:

    - **Id-like** columns are never scores: names ``id``, ``*_id``, ``index``, ``row``,
      ``Unnamed: 0``, or integer columns that are strictly increasing.
    - **Weight**: a numeric column whose whole name is ``weight``, ``weights``,
      ``sample_weight``, ``w`` or similar (not ``weight_kg``, which is a feature).
    - **Label**: the first column whose whole name is a label hint (``label``, ``y_true``,
      ``target``, ``y``, ``class``, ``actual``, ``is_fraud``, ``diagnosis``...), in hint
      order; else a column with a label token in its name (``true_label``, ``is_churned``)
      and at most 20 distinct values, unless the name also hints a score; else the first
      column with exactly two distinct non-null values.
    - **Scores**: numeric, non-boolean columns other than the label, weight and id columns.
      Columns with more than two distinct values whose names hint a score (``score``,
      ``prob``, ``pred``, ``logit``, ``margin``, ``decision``, ``model``...) come first and,
      when there are any, are the only ones returned; otherwise all numeric columns with
      more than two distinct values; otherwise score-named columns with fewer values.

    Parameters
    ----------
    df : pandas.DataFrame
        A table from `read_table`.

    Returns
    -------
    ColumnGuess
        Guessed columns; fields are None or empty when nothing fits.
    """
    sample = df.iloc[:_GUESS_ROWS]
    columns = [c for c in df.columns if isinstance(c, str)]
    norm = {c: normalize_name(c) for c in columns}
    numeric = {c: _is_number_dtype(df[c].dtype) for c in columns}
    distinct = {c: _distinct(sample[c]) for c in columns}

    def score_named(c: str) -> bool:
        text, tokens = norm[c]
        return text in {"p", "y_score", "y_prob", "y_pred", "y_hat"} or any(
            t.startswith(_SCORE_PREFIXES) for t in tokens
        )

    def id_like(c: str) -> bool:
        if _ID_NAME_RE.fullmatch(norm[c][0]):
            return True
        column = sample[c]
        if pd.api.types.is_integer_dtype(column.dtype) and len(column) > 2 and not column.hasnans:
            values = column.to_numpy(dtype=np.int64)
            return bool(np.all(values[1:] > values[:-1]))
        return False

    ids = {c for c in columns if id_like(c)}

    weight = next(
        (c for c in columns if numeric[c] and c not in ids and norm[c][0] in _WEIGHT_EXACT),
        None,
    )
    others = [c for c in columns if c not in ids and c != weight]

    label = None
    for hint in _LABEL_EXACT:
        label = next((c for c in others if norm[c][0] == hint), None)
        if label is not None:
            break
    if label is None:
        label = next(
            (
                c
                for c in others
                if _LABEL_TOKENS & set(norm[c][1])
                and not score_named(c)
                and 1 <= distinct[c] <= _MAX_TOKEN_LABEL_DISTINCT
            ),
            None,
        )
    if label is None:
        two_valued = [c for c in others if distinct[c] == 2]
        label = next((c for c in two_valued if not score_named(c)), None) or next(
            iter(two_valued), None
        )

    candidates = [c for c in others if numeric[c] and c != label and distinct[c] >= 1]
    many = [c for c in candidates if distinct[c] > 2]
    scores = (
        [c for c in many if score_named(c)] or many or [c for c in candidates if score_named(c)]
    )
    return ColumnGuess(label=label, scores=tuple(scores), weight=weight)


# Positive-class names, in priority order (an earlier entry wins if several values match).
_POSITIVE_NAMES = _words(
    "1 true yes y positive pos fraud fraudulent spam churn churned malignant sick "
    "disease diseased default defaulted anomaly anomalous attack fail failure "
    "failed bad"
)


# Names of a negative class: when one of two values is one of these, the other is positive
# (so "ham"/"junk" or "benign"/"cancer" work without listing every positive name).
_NEGATIVE_NAMES = frozenset(
    _words(
        "0 -1 false no n negative neg legit legitimate genuine ham benign healthy "
        "normal good ok pass passed stay stayed retained paid none"
    )
)


def guess_positive(values: Sequence[object], counts: Sequence[int] | None = None) -> object:
    """Guess which label value is the positive class.

    The rule, in order:

    1. A value whose text, ignoring case and surrounding spaces, is a positive name:
       ``1`` (also ``1.0`` and ``True``), ``true``, ``yes``, ``y``, ``positive``, ``pos``,
       then ``fraud``, ``fraudulent``, ``spam``, ``churn``, ``churned``, ``malignant``,
       ``sick``, ``disease``, ``default``, ``defaulted``, ``anomaly``, ``attack``, ``fail``,
       ``failure``, ``bad`` and a few inflections. If several values match, the earlier
       name in this list wins.
    2. With exactly two values, if one is a negative name (``0``, ``false``, ``no``,
       ``negative``, ``legit``, ``ham``, ``benign``, ``healthy``, ``normal``, ``good``...),
       the other one.
    3. If `counts` is given, the least frequent value (the positive class is usually the
       rare one); ties go to the later value in sorted order.
    4. Otherwise the last value in sorted order.

    Parameters
    ----------
    values : sequence
        The distinct label values of the chosen column. Missing values are ignored.
    counts : sequence of int, optional
        How often each value occurs, aligned with `values`.

    Returns
    -------
    object
        One of `values`, unchanged.

    Raises
    ------
    DataError
        If there are no non-missing values.
    ValueError
        If `counts` is given with a different length from `values`.
    """
    values = list(values)
    if counts is not None:
        counts = list(counts)
        if len(counts) != len(values):
            raise ValueError("counts must have one entry per value")
        pairs = [(v, c) for v, c in zip(values, counts, strict=True) if not is_missing(v)]
    else:
        pairs = [(v, 0) for v in values if not is_missing(v)]
    if not pairs:
        raise DataError(
            "The label column has no values. Choose a column that holds the true classes."
        )

    keys = [label_key(v) for v, _ in pairs]
    for name in _POSITIVE_NAMES:
        if name in keys:
            return pairs[keys.index(name)][0]
    if len(pairs) == 2:
        negatives = [k in _NEGATIVE_NAMES for k in keys]
        if negatives.count(True) == 1:
            return pairs[negatives.index(False)][0]

    ordered = sorted_values([v for v, _ in pairs])
    if counts is None:
        return ordered[-1]
    rank = {id(v): i for i, v in enumerate(ordered)}
    return min(pairs, key=lambda p: (p[1], -rank[id(p[0])]))[0]


def numeric_columns(frame: pd.DataFrame, *, exclude: Sequence[object] = ()) -> list[str]:
    """Columns that can hold scores or amounts: numeric, not boolean, not in ``exclude``.

    The one column picker behind "compare with other score columns" and "amount column".
    An id column may show up; choosing it is harmless and obviously useless.

    >>> numeric_columns(pd.DataFrame({"y": [1], "s": [0.5], "flag": [True], "name": ["a"]}),
    ...                 exclude=["y"])
    ['s']
    """
    taken = {str(c) for c in exclude if c is not None}
    return [
        str(c)
        for c in frame.columns
        if str(c) not in taken
        and pd.api.types.is_numeric_dtype(frame[c].dtype)
        and not pd.api.types.is_bool_dtype(frame[c].dtype)
    ]


# Name parts that say "the score of": p_fraud, prob_2, score_fraud, fraud_proba, predict_proba_1.
_SCORE_AFFIXES = frozenset(
    _words(
        "p prob probs proba probability probabilities score scores pred preds predict "
        "predicted prediction logit logits y yhat hat class cls label of for is"
    )
)


def _class_part(column: object) -> str:
    """What a column name says about its class: ``"p_fraud"`` -> ``"fraud"``, ``"2"`` -> ``"2"``."""
    _, tokens = normalize_name(column)
    kept = [t for t in tokens if t not in _SCORE_AFFIXES]
    return "_".join(kept)


def _class_name(value: object) -> str:
    """A class value in the form column names are compared with (``1.0`` -> ``"1"``)."""
    key = label_key(value)
    return key if DOT_NUMBER_RE.fullmatch(key) else normalize_name(key)[0]


def class_of_column(column: object, classes: Sequence[object]) -> object | None:
    """The class whose score ``column`` holds, judged by its name, or ``None``.

    A column belongs to a class when its name, less words such as ``p``, ``prob``,
    ``proba``, ``score`` or ``pred``, is the class's name: ``p_fraud``, ``fraud_proba``,
    ``score_fraud`` and ``fraud`` all score ``fraud``; ``prob_1`` and ``proba_1`` score ``1``
    (as do ``1`` and ``1.0`` as labels). A name that fits several classes, or none, gives
    ``None``.

    >>> class_of_column("p_fraud", ["legit", "fraud"]), class_of_column("proba_1", [0, 1])
    ('fraud', 1)
    >>> class_of_column("model_v2_score", ["legit", "fraud"]) is None
    True
    """
    part = _class_part(column)
    if not part:
        return None
    found = [c for c in classes if not is_missing(c) and _class_name(c) == part]
    return found[0] if len(found) == 1 else None


def column_of_class(
    value: object, columns: Sequence[object], classes: Sequence[object]
) -> str | None:
    """The one column among ``columns`` whose name says it scores class ``value``, or ``None``.

    >>> column_of_class("legit", ["p_fraud", "p_legit"], ["legit", "fraud"])
    'p_legit'
    """
    found = [str(c) for c in columns if class_of_column(c, classes) == value]
    return found[0] if len(found) == 1 else None
