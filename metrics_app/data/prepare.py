"""Turn the chosen columns into clean arrays: the validation boundary before `metrics_core`.

The core assumes clean, finite, correctly typed arrays. Everything that can go wrong with the
user's columns is raised here as a `DataError` whose message is shown to the user verbatim.
`prepare` returns a `Prepared` with read-only arrays plus a count of the rows it had to
exclude, by reason. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from metrics_app.data.errors import MSG_HEADER_ONLY, DataError, quote
from metrics_app.data.labels import is_missing, label_key, python_value, sorted_values

#: A label column with more distinct values than this is almost certainly a wrongly chosen
#: column (an id or a score), and listing its values as classes would swamp the UI.
MAX_LABEL_CLASSES = 1000


def score_kind(scores: np.ndarray) -> Literal["probability", "real"]:
    """Classify scores as probabilities or real-valued scores.

    Parameters
    ----------
    scores : numpy.ndarray
        Scores; NaN and infinite values are ignored.

    Returns
    -------
    {"probability", "real"}
        ``"probability"`` when every finite score lies in [0, 1] (also when there are no
        finite scores), else ``"real"`` (logits, decision-function values, any real score).
    """
    values = np.asarray(scores, dtype=np.float64)
    finite = np.isfinite(values)
    low = np.min(values, where=finite, initial=np.inf)
    high = np.max(values, where=finite, initial=-np.inf)
    if low > high:  # no finite value at all
        return "probability"
    return "probability" if low >= 0.0 and high <= 1.0 else "real"


@dataclass(frozen=True, eq=False)
class Prepared:
    """Clean arrays for the numeric core, plus what was excluded and why.

    The arrays are made read-only on construction because one instance is shared between
    sessions by a cache: an accidental in-place edit in one session must fail loudly rather
    than corrupt another user's results. Instances compare by identity.

    Attributes
    ----------
    y : numpy.ndarray
        Boolean, True for the positive class.
    scores : numpy.ndarray
        float64 scores, all finite.
    weights : numpy.ndarray or None
        float64 sample weights, finite and >= 0, or None for unweighted data.
    positive : object
        The positive label value as it occurs in the data (a Python scalar).
    negative_labels : tuple
        The other label values present in the used rows (all count as negative).
    n_rows_read : int
        Rows in the table before exclusions.
    excluded : dict of str to int
        Number of excluded rows by reason, in the order the reasons are checked, nonzero
        reasons only. A row is counted once, under the first reason that applies.
    kept : numpy.ndarray or None
        Boolean mask over the table's rows, True where the row was used; None when every
        row was used. Maps the arrays back to the table's rows (e.g. to export some of them).
    counts : bool
        Whether ``weights`` are whole-number counts: each row stands for that many examples,
        and ``n_used``, ``n_pos``, ``n_neg`` count examples, not rows. ``n_rows_read`` and
        ``excluded`` still count rows of the table.
    """

    y: np.ndarray
    scores: np.ndarray
    weights: np.ndarray | None
    positive: object
    negative_labels: tuple[object, ...]
    n_rows_read: int
    excluded: dict[str, int]
    kept: np.ndarray | None = None
    counts: bool = False

    def __post_init__(self) -> None:
        if self.y.dtype != np.bool_ or self.y.ndim != 1:
            raise ValueError("y must be a 1-D boolean array")
        if self.scores.dtype != np.float64 or self.scores.shape != self.y.shape:
            raise ValueError("scores must be a float64 array with the same length as y")
        if self.weights is not None and (
            self.weights.dtype != np.float64 or self.weights.shape != self.y.shape
        ):
            raise ValueError("weights must be a float64 array with the same length as y")
        for array in (self.y, self.scores, self.weights, self.kept):
            if array is not None:
                array.flags.writeable = False

    @property
    def n_used(self) -> int:
        """Number of rows kept (of examples, for counts)."""
        if self.counts and self.weights is not None:
            return int(self.weights.sum())
        return int(self.y.size)

    @property
    def n_excluded(self) -> int:
        """Number of rows excluded, over all reasons."""
        return sum(self.excluded.values())

    @property
    def n_pos(self) -> int:
        """Number of kept rows of the positive class (unweighted; examples, for counts)."""
        if self.counts and self.weights is not None:
            return int(self.weights[self.y].sum())
        return int(np.count_nonzero(self.y))

    @property
    def n_neg(self) -> int:
        """Number of kept rows of the negative class (unweighted)."""
        return self.n_used - self.n_pos

    @property
    def prevalence(self) -> float:
        """Share of kept rows that are positive (unweighted); NaN when no rows are kept."""
        return self.n_pos / self.n_used if self.n_used else math.nan


def require_columns(df: pd.DataFrame, **roles: str | None) -> None:
    """Check that the chosen columns exist and are distinct."""
    available = ", ".join(quote(c) for c in list(df.columns)[:20])
    chosen: dict[str, str] = {}
    for role, column in roles.items():
        if column is None:
            continue
        if column not in df.columns:
            raise DataError(
                f"The {role} column {quote(column)} is not in the file. Choose one of: {available}."
            )
        if column in chosen:
            raise DataError(
                f"The same column {quote(column)} is chosen as the {chosen[column]} and as "
                f"the {role}. Choose a different column for the {role}."
            )
        chosen[column] = role


def numeric_column(series: pd.Series, column: str, role: str) -> np.ndarray:
    """Return a column as float64 (NaN where missing), or explain why it is not numeric."""
    dtype = series.dtype
    if pd.api.types.is_complex_dtype(dtype):
        raise DataError(
            f"The {role} column {quote(column)} holds complex numbers. Choose a column of "
            "real numbers."
        )
    if pd.api.types.is_numeric_dtype(dtype):  # includes bool and nullable Int64/Float64
        return series.to_numpy(dtype=np.float64, na_value=np.nan)

    def fail(bad: pd.Series) -> DataError:
        examples = ", ".join(quote(v) for v in bad.drop_duplicates().head(3))
        return DataError(
            f"The {role} column {quote(column)} is not numeric: some values are not numbers "
            f"(for example {examples}). Choose a numeric {role} column, or fix those cells in "
            "the file and upload it again."
        )

    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise fail(series.dropna())

    def convert(part: pd.Series) -> tuple[pd.Series, pd.Series]:
        try:
            numbers = pd.to_numeric(part, errors="coerce")
        except (TypeError, ValueError):  # e.g. categorical or nested values
            numbers = pd.Series(np.nan, index=part.index)
        present = part.notna()
        if pd.api.types.is_string_dtype(part.dtype) or part.dtype == object:
            present &= part.astype(str).str.strip() != ""
        return numbers, part[present & numbers.isna()]

    # Look at the first rows first, so a text column (the common mistake) fails fast even
    # with millions of rows; the full conversion only runs when those rows were fine.
    _, bad = convert(series.iloc[:1000])
    if len(bad):
        raise fail(bad)
    numbers, bad = convert(series)
    if len(bad):
        raise fail(bad)
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def factorize_labels(series: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Return integer codes (-1 = missing or blank) and the distinct values as Python scalars."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [python_value(v) for v in uniques]
    blank = [i for i, v in enumerate(values) if isinstance(v, str) and not v.strip()]
    if blank:
        codes = np.where(np.isin(codes, blank), -1, codes)
    return np.asarray(codes, dtype=np.int64), values


# Rows handled at once by the chunked loops below: numpy turns small integer indices and
# bincount inputs into 8-byte integers, so whole-column calls would make 8 B/row temporaries.
_CHUNK = 1 << 16


def label_codes(series: pd.Series) -> tuple[np.ndarray, list[object]]:
    """:func:`factorize_labels` with the codes in the narrowest signed integer type.

    The same codes and values (first appearance order). A one-byte column (0/1 labels read
    as int8, bool, uint8) is coded through a 256-entry table, chunk by chunk, instead of
    ``pandas.factorize``, whose int64 copy of the values and int64 codes peak near
    27 B/row: one byte per row is all the codes take, and a server prepares several
    uploads at once.
    """
    dtype = series.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "biu" and dtype.itemsize == 1:
        return _byte_codes(series.to_numpy())
    codes, values = factorize_labels(series)
    return codes.astype(_code_type(len(values)), copy=False), values


def _code_type(n_values: int) -> np.dtype:
    """The narrowest signed type holding every code from -1 to ``n_values - 1``."""
    return np.min_scalar_type(-max(n_values, 1))


def _byte_codes(raw: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Codes of a one-byte numpy array (no missing values), as ``pandas.factorize``."""
    view = raw.view(np.uint8)
    present = np.zeros(256, dtype=bool)
    for start in range(0, view.size, _CHUNK):
        present[np.unique(view[start : start + _CHUNK])] = True
    first: dict[int, int] = {}  # byte -> row of its first appearance
    wanted = int(np.count_nonzero(present))
    for start in range(0, view.size, _CHUNK):
        found, rows = np.unique(view[start : start + _CHUNK], return_index=True)
        for byte, row in zip(found.tolist(), rows.tolist(), strict=True):
            first.setdefault(byte, start + row)
        if len(first) == wanted:
            break
    order = sorted(first, key=first.__getitem__)
    table = np.full(256, -1, dtype=_code_type(len(order)))
    table[order] = np.arange(len(order))
    codes = np.empty(view.size, dtype=table.dtype)
    for start in range(0, view.size, _CHUNK):
        np.take(table, view[start : start + _CHUNK], out=codes[start : start + _CHUNK])
    return codes, [python_value(raw[first[byte]]) for byte in order]


def _value_counts(codes: np.ndarray, n_values: int) -> np.ndarray:
    """Rows per code (missing, -1, not counted), chunk by chunk."""
    counts = np.zeros(n_values, dtype=np.int64)
    for start in range(0, codes.size, _CHUNK):
        part = codes[start : start + _CHUNK]
        counts += np.bincount(part[part >= 0], minlength=n_values)
    return counts


def check_label_cardinality(column: str, n_values: int) -> None:
    """Refuse a label column with more than :data:`MAX_LABEL_CLASSES` distinct values."""
    if n_values > MAX_LABEL_CLASSES:
        raise DataError(
            f"The label column {quote(column)} has {n_values:,} different values, which is "
            "too many for class labels (is it a score or an id?). Choose the column that "
            "holds the true classes, such as 0/1 or yes/no."
        )


def label_counts(df: pd.DataFrame, label: str) -> dict[object, int]:
    """Count the distinct values of a label column, for a positive-class picker.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    label : str
        The label column.

    Returns
    -------
    dict
        Value (as a Python scalar) to number of rows, most frequent first. Missing and blank
        labels are not counted.

    Raises
    ------
    DataError
        If the column is missing or has more than `MAX_LABEL_CLASSES` distinct values.
    """
    require_columns(df, label=label)
    codes, values = label_codes(df[label])
    check_label_cardinality(label, len(values))
    counts = _value_counts(codes, len(values))
    order = np.argsort(-counts, kind="stable")
    return {values[i]: int(counts[i]) for i in order if counts[i] > 0}


def match_positive(values: list[object], positive: object) -> list[int]:
    """Find the label values equal to `positive`, exactly or else by canonical text."""
    if is_missing(positive):
        return []
    exact = []
    for i, v in enumerate(values):
        try:
            same = bool(v == positive)  # 1 == 1.0 == True; "1" != 1 (handled below)
        except (TypeError, ValueError):
            same = False
        if same:
            exact.append(i)
    if exact:
        return exact
    key = label_key(positive)
    return [i for i, v in enumerate(values) if label_key(v) == key]


def prepare(
    df: pd.DataFrame,
    *,
    label: str,
    score: str,
    positive: object,
    weight: str | None = None,
    negate: bool = False,
    counts: bool = False,
) -> Prepared:
    """Validate the chosen columns and return clean arrays for the numeric core.

    Rows are excluded, and counted under the first reason that applies, in this order:
    ``missing label`` (empty or blank), ``missing score`` (empty or NaN),
    ``non-finite score (inf)``, ``missing weight``, ``non-finite weight (inf)``,
    ``negative weight``. Labels are compared robustly: ``1``, ``1.0``, ``"1"`` and ``True``
    all select the label value 1 (or "1", or True) of the column.

    Parameters
    ----------
    df : pandas.DataFrame
        A table from `read_table`.
    label : str
        The column with the true classes. Any number of classes: values other than
        `positive` all count as negative (one-vs-rest).
    score : str
        The column with the model's scores (higher means more likely positive).
    positive : object
        The label value of the positive class; must occur in the label column.
    weight : str, optional
        A column of non-negative sample weights.
    negate : bool, default=False
        Use minus the scores, for a model whose higher scores mean the *other* class.
        Negation is exact, so thresholds are the original scores with their sign flipped.
    counts : bool, default=False
        The weight column holds counts: whole numbers of examples per row.

    Returns
    -------
    Prepared
        Read-only arrays and the exclusion report.

    Raises
    ------
    DataError
        If a column is missing or chosen twice, the score or weight column is not numeric,
        the label column has too many distinct values, `positive` is not a label value,
        no row is left, only one class is left, or the weights sum to zero within a class.
    """
    require_columns(df, label=label, score=score, weight=weight)
    n_rows = len(df)
    if n_rows == 0:
        raise DataError(MSG_HEADER_ONLY)
    scores = numeric_column(df[score], score, "score")
    weights = numeric_column(df[weight], weight, "weight") if weight is not None else None
    # Narrow codes: one byte per row instead of eight while the other arrays are made.
    codes, values = label_codes(df[label])
    check_label_cardinality(label, len(values))

    # Each mask only counts rows not already excluded, so a row is counted once, under the
    # first reason that applies. Masks are made one at a time (not all held at once).
    checks: list[tuple[str, Callable[[], np.ndarray]]] = [
        ("missing label", lambda: codes < 0),
        ("missing score", lambda: np.isnan(scores)),
        ("non-finite score (inf)", lambda: np.isinf(scores)),
    ]
    if weights is not None:
        w = weights
        checks += [
            ("missing weight", lambda: np.isnan(w)),
            ("non-finite weight (inf)", lambda: np.isinf(w)),
            ("negative weight", lambda: w < 0),  # NaN compares False: already counted above
        ]
    excluded: dict[str, int] = {}
    drop = np.zeros(n_rows, dtype=bool)
    for reason, make_mask in checks:
        new = make_mask()
        new &= ~drop
        n_new = int(np.count_nonzero(new))
        if n_new:
            excluded[reason] = n_new
            drop |= new

    keep = None
    if excluded:
        keep = ~drop
        codes, scores = codes[keep], scores[keep]
        weights = weights[keep] if weights is not None else None
    else:
        # Nothing dropped: still copy, so the read-only arrays never alias the DataFrame.
        scores = scores.copy()
        weights = weights.copy() if weights is not None else None
    if negate:
        np.negative(scores, out=scores)

    if codes.size == 0:
        reasons = ", ".join(f"{reason}: {n:,}" for reason, n in excluded.items())
        raise DataError(
            f"No usable rows: all {n_rows:,} rows were excluded ({reasons}). Fix those cells, "
            "or choose other label/score columns."
        )

    matches = match_positive(values, positive)
    if not matches:
        shown = ", ".join(quote(v) for v in sorted_values(values)[:10])
        raise DataError(
            f"The positive class {quote(positive)} does not occur in the label column "
            f"{quote(label)}. Choose one of its values: {shown}."
        )

    per_value = _value_counts(codes, len(values))
    y = np.isin(codes, matches) if len(matches) > 1 else codes == matches[0]
    positive_value = values[matches[0]]
    negatives = tuple(v for i, v in enumerate(values) if per_value[i] > 0 and i not in matches)
    n_pos = int(np.count_nonzero(y))
    if n_pos == 0 or n_pos == y.size:
        present = quote(positive_value) if n_pos else ", ".join(quote(v) for v in negatives)
        raise DataError(
            f"Only one class is present in the usable rows ({present}). Precision, recall "
            "and the other metrics need both positive and negative examples. Upload data "
            "with both classes, or choose another positive class or label column."
        )
    if weights is not None:
        positive_weight = float(weights[y].sum())
        negative_weight = float(weights[~y].sum())
        if positive_weight == 0.0 or negative_weight == 0.0:
            which = "positive" if positive_weight == 0.0 else "negative"
            raise DataError(
                f"All {which} rows have weight 0, so the weighted metrics are undefined. "
                "Check the weight column, or analyse without weights."
            )

    return Prepared(
        y=y,
        scores=scores,
        weights=weights,
        positive=positive_value,
        negative_labels=negatives,
        n_rows_read=n_rows,
        excluded=excluded,
        kept=keep,
        counts=counts and weights is not None and _whole_numbers(weights),
    )


def _whole_numbers(values: np.ndarray) -> bool:
    """Whether every value is a whole number small enough to count exactly."""
    return bool(np.all(values == np.round(values)) and values.sum() < 2.0**53)


def row_positions(prepared: Prepared) -> np.ndarray:
    """Positions in the table of the rows behind ``prepared``'s arrays, in array order."""
    if prepared.kept is None:
        return np.arange(prepared.n_used)
    return np.flatnonzero(prepared.kept)


def read_amounts(df: pd.DataFrame, prepared: Prepared, column: str) -> tuple[np.ndarray, int]:
    """A column of per-row amounts (e.g. transaction values) aligned with ``prepared``'s rows.

    Parameters
    ----------
    df : pandas.DataFrame
        The table ``prepared`` was made from.
    prepared : Prepared
        The rows in use.
    column : str
        The amount column.

    Returns
    -------
    amounts : numpy.ndarray
        float64, one per used row, >= 0; missing amounts are 0 (and counted).
    n_missing : int
        How many used rows had no amount.

    Raises
    ------
    DataError
        If the column is missing, not numeric, or holds infinite or negative amounts.
    """
    require_columns(df, amount=column)
    values = numeric_column(df[column], column, "amount")
    if prepared.kept is not None:
        values = values[prepared.kept]
    missing = np.isnan(values)
    if np.isinf(values).any():
        raise DataError(
            f"The amount column {quote(column)} holds {int(np.isinf(values).sum()):,} "
            "infinite value(s). Fix those cells, or choose another amount column."
        )
    negative = int(np.count_nonzero(values < 0))
    if negative:
        raise DataError(
            f"The amount column {quote(column)} holds {negative:,} negative amount(s). "
            "A missed positive's amount is a loss, so amounts must be >= 0: fix those cells, "
            "or choose another amount column."
        )
    return np.where(missing, 0.0, values), int(np.count_nonzero(missing))
