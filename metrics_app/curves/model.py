"""Display data for the Curves page: decimated curves, summaries and the threshold table.

Two kinds of work, kept apart for speed at 1e7 rows:

* **Once per analysis** (:func:`build_curve_data`, cached by
  :func:`metrics_app.curves.state.curve_data`): the summaries over *all* thresholds (ROC
  AUC, average precision, KS) and, for every curve, the indices of at most ~1,000 sweep
  points that trace it (:func:`metrics_core.decimate`).
* **On every rerun** (the ``*_frame`` functions): small frames built from those indices
  plus the point at the current threshold, so the line always passes exactly through the
  operating-point marker. This costs well under a millisecond per curve, whatever the
  size of the data.

Every number comes from :mod:`metrics_core`: the frames are metrics of a *sub-sweep*, a
:class:`~metrics_core.Sweep` holding only the chosen thresholds with the full data's class
totals, so each value is exactly the full sweep's value at that threshold.

The probit transform of the DET curve lives here (scipy's ``ndtri``), not in
:mod:`metrics_core`, which stays numpy-only. No Streamlit here: the caches and the
chart-click callback live in :mod:`metrics_app.curves.state`. The few sentences built
here are those whose wording depends on a number (the metric cards and their tooltips,
the threshold table's captions, the download's label); every number in them is written
by :mod:`metrics_app.shared.format`.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
from scipy.special import ndtri

from metrics_app.data.guess import numeric_columns
from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.cards import Card
from metrics_core import (
    CalibrationBins,
    OperatingPoint,
    Sweep,
    brier_score_loss,
    calibration_bins,
    decimate,
    gains_curve,
    ks_statistic,
    lift_curve,
    log_loss,
    sweep_average_precision,
    sweep_roc_auc,
)

#: Most points drawn per curve and model.
MAX_POINTS = 1000


#: The curves that get their own decimation, by name.
CURVES = ("roc", "pr", "gains", "lift", "dist", "det")


#: Most rows in the downloadable threshold table (see :func:`csv_plan`).
CSV_MAX_ROWS = 1_000_000


# Above this many thresholds, decimate a thinned candidate set instead of every point:
# decimate() costs ~0.8 s per curve at 1e7 points and ~15 ms at 2e5. The candidates are
# the first _HEAD thresholds (where precision and lift jump around on a handful of rows)
# and points spread evenly along the ROC curve's length (TPR + FPR, which only grows), so
# between two candidates TPR and FPR move by at most ~1e-5: far below a pixel.
_THIN_ABOVE = 200_000


_HEAD = 2_000


# DET axes: the smallest rate drawn (zero rates have no probit; they are drawn here).
_DET_FLOOR = 1e-7


_DET_CEIL = 1e-3


@dataclass(frozen=True, eq=False)
class CurveData:
    """Summaries over all thresholds and decimated curve indices of one analysis.

    Attributes
    ----------
    model : str
        The score column.
    n_thresholds : int
        Number of distinct scores (rows of the full threshold table).
    roc_auc, average_precision : float
        Over every threshold; ``nan`` when undefined.
    ks, ks_threshold : float
        The Kolmogorov-Smirnov statistic and where it occurs (``nan`` if undefined).
    prevalence : float
        Share of positives (of total weight for weighted data).
    det_floor : float
        Rates below this are drawn at it on the DET chart's probit axes.
    indices : Mapping[str, numpy.ndarray]
        For each name in :data:`CURVES`, sorted indices into the sweep (decreasing
        threshold) of the points that trace that curve.
    """

    model: str
    n_thresholds: int
    roc_auc: float
    average_precision: float
    ks: float
    ks_threshold: float
    prevalence: float
    det_floor: float
    indices: Mapping[str, np.ndarray]


def sub_sweep(sw: Sweep, idx: np.ndarray) -> Sweep:
    """The sweep restricted to thresholds ``idx``, with the full data's class totals."""
    return Sweep(
        thresholds=sw.thresholds[idx], tp=sw.tp[idx], fp=sw.fp[idx], n_pos=sw.n_pos, n_neg=sw.n_neg
    )


def _candidates(sw: Sweep) -> np.ndarray:
    """Sweep indices worth decimating: all of them, or a thinned set for big sweeps."""
    n = len(sw)
    if n <= _THIN_ABOVE:
        return np.arange(n)
    length = np.nan_to_num(sw.recall) + np.nan_to_num(sw.fpr)  # non-decreasing
    targets = np.linspace(length[0], length[-1], _THIN_ABOVE - _HEAD)
    picked = np.searchsorted(length, targets).clip(0, n - 1)
    return np.unique(np.r_[np.arange(_HEAD), picked, n - 1])


def probit(p: np.ndarray | float, floor: float = _DET_FLOOR) -> np.ndarray:
    """Normal deviates of probabilities, ``Φ⁻¹(p)``, with 0 and 1 clipped to finite values.

    Parameters
    ----------
    p : array-like
        Probabilities (rates) in [0, 1]; ``nan`` stays ``nan``.
    floor : float, default=1e-7
        ``p`` is clipped to ``[floor, 1 - floor]`` first, so 0 and 1 land on the edges
        of the chart instead of at ``∓inf``.

    Returns
    -------
    numpy.ndarray
        ``scipy.special.ndtri`` of the clipped values.

    Examples
    --------
    >>> probit([0.5, 0.975]).round(3).tolist()
    [0.0, 1.96]
    >>> bool(np.isfinite(probit([0.0, 1.0])).all())
    True
    """
    return ndtri(np.clip(np.asarray(p, dtype=np.float64), floor, 1 - floor))


def build_curve_data(an: Analysis, max_points: int = MAX_POINTS) -> CurveData:
    """Summaries and decimated curve indices of ``an`` (the heavy, once-per-analysis part).

    Parameters
    ----------
    an : Analysis
        The analysis.
    max_points : int, default=1000
        Most points per curve.

    Returns
    -------
    CurveData
        Summaries from every threshold, and per-curve indices.
    """
    sw = an.sweep
    n = len(sw)
    ks, ks_t = ks_statistic(sw)
    cand = _candidates(sw)
    keep: list[int] = []
    if not math.isnan(ks_t):
        # The KS threshold is drawn on the distributions chart: its lines must pass
        # through both ends of the gap.
        ks_i = sw.index(ks_t) - 1
        cand = np.union1d(cand, [ks_i])
        keep = [int(np.searchsorted(cand, ks_i))]
    sub = sub_sweep(sw, cand)
    fpr, tpr, precision = sub.fpr, sub.recall, sub.precision
    flagged, _, _ = gains_curve(sub)
    _, lift, _ = lift_curve(sub)
    fnr = sub.fnr
    floor = _det_floor(sw)
    curves = {
        "roc": (fpr, tpr),
        "pr": (tpr, precision),
        "gains": (flagged[1:], tpr),
        "lift": (flagged[1:], lift),
        "det": (probit(fpr, floor), probit(fnr, floor)),
    }
    indices = {name: cand[decimate(x, y, max_points)] for name, (x, y) in curves.items()}
    # The KS chart draws two curves against the threshold (positives' and negatives'
    # shares below it): half the budget for each, merged.
    half = max(2 + len(keep), max_points // 2)
    indices["dist"] = cand[
        np.union1d(
            decimate(sub.thresholds, fnr, half, keep=keep),
            decimate(sub.thresholds, sub.specificity, half, keep=keep),
        )
    ]
    return CurveData(
        model=an.score_name,
        n_thresholds=n,
        roc_auc=sweep_roc_auc(sw),
        average_precision=sweep_average_precision(sw),
        ks=ks,
        ks_threshold=ks_t,
        prevalence=float(sw.at(math.inf).prevalence),
        det_floor=floor,
        indices=indices,
    )


def _det_floor(sw: Sweep) -> float:
    """Half the smallest non-zero error rate on either DET axis, within [1e-7, 1e-3].

    The upper bound keeps tiny data (where the smallest rate may be 1) on sensible axes.
    """
    smallest = []
    if sw.n_neg > 0:
        fp = sw.fp[sw.fp > 0]
        if fp.size:
            smallest.append(float(fp[0]) / float(sw.n_neg))
    if sw.n_pos > 0:
        fn = np.asarray(sw.n_pos - sw.tp)
        fn = fn[fn > 0]
        if fn.size:
            smallest.append(float(fn[-1]) / float(sw.n_pos))
    return min(_DET_CEIL, max(_DET_FLOOR, 0.5 * min(smallest))) if smallest else _DET_FLOOR


@dataclass(frozen=True, eq=False)
class Model:
    """One score column to draw: its analysis and its cached curve data."""

    an: Analysis
    cd: CurveData

    @property
    def name(self) -> str:
        """The score column."""
        return self.an.score_name


def different_row_counts(models: Sequence[Model]) -> bool:
    """Whether the models were scored on different numbers of rows.

    Each score column leaves out its own rows with a missing or non-finite score.
    """
    return len({m.an.prepared.n_used for m in models}) > 1


def score_range(an: Analysis) -> tuple[float, float]:
    """The lowest and highest score of ``an``: its last and first (decreasing) thresholds."""
    thresholds = an.sweep.thresholds
    return float(thresholds[-1]), float(thresholds[0])


def nothing_flagged(point: OperatingPoint) -> bool:
    """Whether no row is flagged at ``point`` (precision is then 0/0, undefined)."""
    return point.n_flagged == 0


def _with_current(idx: np.ndarray, sw: Sweep, threshold: float | None) -> np.ndarray:
    """``idx`` plus the sweep point of the current threshold (if anything is flagged)."""
    if threshold is None:
        return idx
    k = sw.index(threshold)
    if k == 0 or k - 1 in idx:  # k == 0: nothing flagged, the curves' origin
        return idx
    return np.insert(idx, np.searchsorted(idx, k - 1), k - 1)


def _stack(
    models: Sequence[Model],
    threshold: float | None,
    curve: str,
    columns: Callable[[Sweep], dict[str, np.ndarray]],
    origin: dict[str, float] | None,
) -> pd.DataFrame:
    """One long frame of ``curve`` for every model; the first (primary) gets ``threshold``."""
    if not models:
        raise ValueError("No model to draw.")
    frames = []
    for i, m in enumerate(models):
        sw = m.an.sweep
        sub = sub_sweep(sw, _with_current(m.cd.indices[curve], sw, threshold if i == 0 else None))
        data = {k: np.asarray(v, dtype=np.float64) for k, v in columns(sub).items()}
        if origin is not None:
            data = {k: np.r_[origin[k], v] for k, v in data.items()}
        frame = pd.DataFrame(data)
        frame.insert(0, "model", m.name)
        # Drawing order of the line (thresholds decreasing), independent of x.
        frame.insert(1, "step", np.arange(len(frame)))
        frames.append(frame)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def roc_frame(models: Sequence[Model], threshold: float | None = None) -> pd.DataFrame:
    """ROC points to draw: ``model, step, threshold, fpr, tpr``, each model from the origin.

    A model's first row is the origin (nothing flagged, ``threshold`` NaN); the others
    are sweep points by decreasing threshold. The primary model (first) includes the
    point at ``threshold``, so its line passes exactly through the operating point.
    """
    return _stack(
        models,
        threshold,
        "roc",
        lambda sub: {"threshold": sub.thresholds, "fpr": sub.fpr, "tpr": sub.recall},
        {"threshold": math.nan, "fpr": 0.0, "tpr": 0.0},
    )


def pr_frame(models: Sequence[Model], threshold: float | None = None) -> pd.DataFrame:
    """Precision-recall points to draw: ``model, step, threshold, recall, precision``.

    Only real operating points (each flags at least one row): scikit-learn's extra end
    point (recall 0, precision 1) is a convention for the area, not a threshold.
    """
    return _stack(
        models,
        threshold,
        "pr",
        lambda sub: {"threshold": sub.thresholds, "recall": sub.recall, "precision": sub.precision},
        None,
    )


def _gains_columns(sub: Sweep) -> dict[str, np.ndarray]:
    flagged, captured, thresholds = gains_curve(sub)
    _, lift, _ = lift_curve(sub)
    return {
        "threshold": thresholds[1:],
        "flagged": flagged[1:],
        "captured": captured[1:],
        "lift": lift,
    }


def gains_frame(models: Sequence[Model], threshold: float | None = None) -> pd.DataFrame:
    """Cumulative-gains points: ``model, step, threshold, flagged, captured, lift``.

    Each model starts at the origin (nothing flagged: ``lift`` undefined, NaN).
    """
    origin = {"threshold": math.nan, "flagged": 0.0, "captured": 0.0, "lift": math.nan}
    return _stack(models, threshold, "gains", _gains_columns, origin)


def lift_frame(models: Sequence[Model], threshold: float | None = None) -> pd.DataFrame:
    """Lift points: ``model, step, threshold, flagged, captured, lift`` (no origin)."""
    return _stack(models, threshold, "lift", _gains_columns, None)


def det_frame(models: Sequence[Model], threshold: float | None = None) -> pd.DataFrame:
    """DET points: ``model, step, threshold, fpr, fnr`` and their probits ``x, y``.

    Rates of 0 or 1 are drawn at the primary model's ``det_floor`` from the edge (see
    :func:`probit`), so every model shares the axes.
    """
    floor = models[0].cd.det_floor if models else _DET_FLOOR

    def columns(sub: Sweep) -> dict[str, np.ndarray]:
        fpr, fnr = sub.fpr, sub.fnr
        return {
            "threshold": sub.thresholds,
            "fpr": fpr,
            "fnr": fnr,
            "x": probit(fpr, floor),
            "y": probit(fnr, floor),
        }

    return _stack(models, threshold, "det", columns, None)


def det_marker(point: OperatingPoint, cd: CurveData) -> tuple[float, float]:
    """Where ``point`` sits on the DET chart: the probits of its FPR and FNR.

    Clipped at ``cd.det_floor`` like the curve (see :func:`probit`), so the marker lies
    on the line even where a rate is 0.
    """
    x, y = probit([point.fpr, point.fnr], cd.det_floor)
    return float(x), float(y)


def distribution_frame(model: Model, threshold: float | None = None) -> pd.DataFrame:
    """Both classes' cumulative score distributions: ``threshold, class, share_below``.

    For each threshold, the share of each class scoring *below* it: the false negative
    rate for the positive class, the specificity for the negative class. Their gap is
    TPR − FPR, whose maximum is the KS statistic. Long format, positive class first.
    """
    an = model.an
    sub = sub_sweep(an.sweep, _with_current(model.cd.indices["dist"], an.sweep, threshold))
    thresholds = np.asarray(sub.thresholds, dtype=np.float64)
    n = thresholds.shape[0]
    return pd.DataFrame(
        {
            "threshold": np.r_[thresholds, thresholds],
            "class": np.repeat([an.positive_name, an.negative_name], n),
            "share_below": np.r_[sub.fnr, sub.specificity].astype(np.float64),
        }
    )


def headline_cards(cd: CurveData, threshold: float) -> list[Card]:
    """The current threshold and the ROC AUC, average precision and KS of ``cd``.

    A statistic that is undefined (one class missing) reads "undefined" with the reason
    as its note.
    """

    def statistic(label: str, text: str, tip: str) -> Card:
        note = "undefined: needs both classes" if text == fmt.UNDEFINED else None
        return Card(label, text, tip, note)

    return [
        Card(
            "Current threshold",
            fmt.threshold(threshold),
            "Rows with score ≥ threshold are flagged positive. Click a point on the ROC or "
            "precision-recall curve to change it, or use the explorer.",
        ),
        statistic(
            "ROC AUC",
            fmt.decimal(cd.roc_auc, 4),
            "Area under the ROC curve: the chance that a random positive scores above a random "
            "negative. 0.5 is chance, 1 is perfect.",
        ),
        statistic(
            "Average precision",
            fmt.decimal(cd.average_precision, 4),
            "Precision averaged over recall levels (step-wise area under the PR curve). Chance "
            f"level is the prevalence, {fmt.percent(cd.prevalence, 2)}.",
        ),
        statistic(
            "KS statistic",
            fmt.decimal(cd.ks, 3),
            "Kolmogorov-Smirnov: the widest gap between the two classes' cumulative score "
            "distributions, the largest TPR − FPR (at threshold "
            f"{fmt.significant(cd.ks_threshold)}).",
        ),
    ]


@dataclass(frozen=True)
class ProbabilityScores:
    """Proper scoring rules of probability scores (lower is better).

    Attributes
    ----------
    brier : float
        Brier score.
    log_loss : float
        Log loss (natural log), with scikit-learn's clipping.
    brier_baseline, log_loss_baseline : float
        The same scores for a constant prediction of the prevalence: the bar to beat.
    """

    brier: float
    log_loss: float
    brier_baseline: float
    log_loss_baseline: float


def compute_probability_scores(an: Analysis) -> ProbabilityScores:
    """Brier score and log loss of probability scores, with the predict-the-prevalence baseline."""
    prep = an.prepared
    y, p, w = prep.y, prep.scores, prep.weights
    prevalence = float(an.sweep.at(math.inf).prevalence)
    constant = np.full(2, prevalence)
    both = np.array([False, True])
    class_weight = np.array([an.sweep.n_neg, an.sweep.n_pos], dtype=np.float64)
    return ProbabilityScores(
        brier=brier_score_loss(y, p, sample_weight=w),
        log_loss=log_loss(y, p, sample_weight=w, labels=[False, True]),
        # A constant prediction needs one row per class, weighted by class size.
        brier_baseline=brier_score_loss(both, constant, sample_weight=class_weight),
        log_loss_baseline=log_loss(both, constant, sample_weight=class_weight),
    )


def probability_cards(prob: ProbabilityScores) -> list[Card]:
    """Brier score and log loss, each with the predict-the-prevalence baseline in its tooltip."""
    return [
        Card(
            "Brier score",
            fmt.decimal(prob.brier, 4),
            "Mean squared difference between predicted probability and outcome "
            "(0 or 1). Lower is better. Predicting the prevalence for every row "
            f"scores {fmt.decimal(prob.brier_baseline, 4)}.",
        ),
        Card(
            "Log loss",
            fmt.decimal(prob.log_loss, 4),
            "Mean negative log-likelihood of the outcomes (natural log); punishes "
            "confident mistakes hard. Lower is better. Predicting the prevalence for "
            f"every row scores {fmt.decimal(prob.log_loss_baseline, 4)}.",
        ),
    ]


def summary_frame(
    models: Sequence[Model], probability: Mapping[str, ProbabilityScores | None]
) -> pd.DataFrame:
    """One row per model: its threshold-free statistics, as text ready to show.

    Parameters
    ----------
    models : sequence of Model
        The models, primary first.
    probability : Mapping[str, ProbabilityScores or None]
        Each model's Brier score and log loss by analysis key (``model.an.key``);
        ``None`` for a model whose scores are not probabilities.

    Returns
    -------
    pandas.DataFrame
        Columns ``Model, ROC AUC, Average precision, KS, Brier score, Log loss, Rows
        used``. Values are formatted (undefined statistics read "undefined"; the
        probability scores read "not probabilities" for other scores), so the table never
        shows a bare NaN.
    """
    rows = []
    for m in models:
        prob = probability[m.an.key]
        rows.append(
            {
                "Model": m.name,
                "ROC AUC": fmt.decimal(m.cd.roc_auc, 4),
                "Average precision": fmt.decimal(m.cd.average_precision, 4),
                "KS": fmt.decimal(m.cd.ks, 3),
                "Brier score": fmt.decimal(prob.brier, 4) if prob else "not probabilities",
                "Log loss": fmt.decimal(prob.log_loss, 4) if prob else "not probabilities",
                "Rows used": fmt.count(m.an.prepared.n_used),
            }
        )
    return pd.DataFrame(rows)


def calibration_table(bins: CalibrationBins) -> pd.DataFrame:
    """Non-empty calibration bins as a frame to draw.

    Columns ``bin_start, bin_end, mean_predicted, observed, count``.
    """
    keep = bins.nonempty
    return pd.DataFrame(
        {
            "bin_start": bins.edges[:-1][keep],
            "bin_end": bins.edges[1:][keep],
            "mean_predicted": bins.prob_pred[keep],
            "observed": bins.prob_true[keep],
            "count": bins.count[keep],
        }
    )


def compute_calibration(an: Analysis, n_bins: int, strategy: str) -> pd.DataFrame:
    """The calibration table of one analysis (see :func:`calibration_table`)."""
    prep = an.prepared
    bins = calibration_bins(
        prep.y, prep.scores, n_bins=n_bins, strategy=strategy, sample_weight=prep.weights
    )
    frame = calibration_table(bins)
    frame.insert(0, "model", an.score_name)
    return frame


#: Columns of the threshold table: (column, Sweep attribute, display name).
TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("threshold", "thresholds", "Threshold"),
    ("tp", "tp", "TP"),
    ("fp", "fp", "FP"),
    ("fn", "fn", "FN"),
    ("tn", "tn", "TN"),
    ("flagged", "predicted_positive_rate", "Flagged"),
    ("precision", "precision", "Precision"),
    ("recall", "recall", "Recall (TPR)"),
    ("f1", "f1", "F1"),
    ("fpr", "fpr", "FPR"),
    ("specificity", "specificity", "Specificity"),
    ("npv", "npv", "NPV"),
    ("accuracy", "accuracy", "Accuracy"),
    ("balanced_accuracy", "balanced_accuracy", "Balanced accuracy"),
    ("mcc", "mcc", "MCC"),
)

#: The threshold table's rate columns (after the threshold and four counts): (column, title).
RATE_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (col, title) for col, _, title in TABLE_COLUMNS[5:]
)


def threshold_table(sw: Sweep, idx: np.ndarray | None = None) -> pd.DataFrame:
    """Counts and metrics at thresholds ``idx`` of ``sw`` (all of them by default).

    One row per threshold, decreasing; columns as in :data:`TABLE_COLUMNS`. Undefined
    metrics are NaN.
    """
    sub = sw if idx is None else sub_sweep(sw, idx)
    return pd.DataFrame({col: np.asarray(getattr(sub, attr)) for col, attr, _ in TABLE_COLUMNS})


def csv_plan(n_thresholds: int, max_rows: int = CSV_MAX_ROWS) -> tuple[int, int]:
    """How the CSV samples a table of ``n_thresholds`` rows: ``(step, rows)``.

    ``step`` 1 means every threshold; otherwise every ``step``-th one is kept, plus the
    last (lowest), ``rows`` in all.
    """
    step = max(1, -(-n_thresholds // max_rows))
    rows = -(-n_thresholds // step) + (1 if (n_thresholds - 1) % step else 0)
    return step, rows


def threshold_csv(sw: Sweep, *, max_rows: int = CSV_MAX_ROWS) -> bytes:
    """The threshold table as UTF-8 CSV: every distinct threshold, up to ``max_rows``.

    Above ``max_rows`` thresholds, every k-th one is kept (``k = csv_plan(...)``), always
    with the first and last. Thresholds and counts are exact; rates are rounded to 6
    decimals to keep the file small (recompute them from the counts for more). An empty
    cell is an undefined rate (0/0).
    """
    n = len(sw)
    step, _ = csv_plan(n, max_rows)
    idx = None if step == 1 else np.unique(np.r_[np.arange(0, n, step), n - 1])
    table = threshold_table(sw, idx)
    rates = [col for col, _ in RATE_COLUMNS]
    table[rates] = table[rates].round(6)
    # Arrow's writer: ~7x faster than DataFrame.to_csv (1.7 s against 11 s for 1e6 rows
    # here), same text, floats written to round-trip exactly.
    sink = io.BytesIO()
    # Arrow quotes header names whatever the quoting style; ours are plain words.
    sink.write((",".join(table.columns) + "\n").encode())
    pa_csv.write_csv(
        pa.Table.from_pandas(table, preserve_index=False),
        sink,
        write_options=pa_csv.WriteOptions(include_header=False, quoting_style="none"),
    )
    return sink.getvalue()


def table_caption(shown: int, n_thresholds: int) -> str:
    """What the threshold table shows: every threshold, or ``shown`` of ``n_thresholds``."""
    if shown < n_thresholds:
        return (
            f"Showing {fmt.count(shown)} of {fmt.count(n_thresholds)} distinct thresholds, "
            "spread along the ROC curve, with the current one ticked. Empty cells are undefined "
            "(0/0, e.g. precision when nothing is flagged)."
        )
    return (
        f"All {fmt.count(n_thresholds)} distinct thresholds, with the current one ticked. "
        "Empty cells are undefined (0/0, e.g. precision when nothing is flagged)."
    )


@dataclass(frozen=True)
class CsvDownload:
    """The threshold table's download button: its label, a note on the file, its file name."""

    label: str
    note: str
    file_name: str


def csv_download(n_thresholds: int, score_name: str, max_rows: int = CSV_MAX_ROWS) -> CsvDownload:
    """Label, note and file name of the CSV of ``n_thresholds`` thresholds (see :func:`csv_plan`).

    Examples
    --------
    >>> csv_download(1234, "p(fraud)").label
    'Download all 1,234 thresholds (CSV)'
    >>> csv_download(25, "p", max_rows=10).note.split(": ")[-1]
    '9 rows. Counts exact, rates rounded to 6 decimals.'
    """
    step, rows = csv_plan(n_thresholds, max_rows)
    total = fmt.count(n_thresholds)
    if step == 1:
        label = f"Download all {total} thresholds (CSV)"
        note = "Every distinct threshold; counts exact, rates rounded to 6 decimals."
    else:
        label = f"Download {fmt.count(rows)} of {total} thresholds (CSV)"
        note = (
            f"All {total} thresholds would make a file of over a gigabyte, so the CSV keeps "
            f"1 in every {fmt.count(step)} (and the lowest): {fmt.count(rows)} rows. Counts exact, "
            "rates rounded to 6 decimals."
        )
    return CsvDownload(label, note, f"thresholds_{safe_file_stem(score_name)}.csv")


def safe_file_stem(name: str) -> str:
    """``name`` reduced to letters, digits, ``-`` and ``_``, for a download's file name."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_")
    return stem[:60] or "scores"


def ks_point(model: Model) -> OperatingPoint | None:
    """Counts at the KS threshold of ``model``; ``None`` when KS is undefined."""
    t = model.cd.ks_threshold
    return None if math.isnan(t) else model.an.at(t)


def table_frame(model: Model, threshold: float) -> tuple[pd.DataFrame, int]:
    """The threshold table to show: the ROC curve's points plus the current threshold.

    Returns
    -------
    (pandas.DataFrame, int)
        :func:`threshold_table` of those thresholds with a leading boolean ``current``
        column (the row in force at ``threshold``), and the number of rows.
    """
    sw = model.an.sweep
    idx = _with_current(model.cd.indices["roc"], sw, threshold)
    table = threshold_table(sw, idx)
    k = sw.index(threshold)
    table.insert(0, "current", idx == k - 1)
    return table, len(table)


def other_score_columns(
    frame: pd.DataFrame, *, label: str, score: str, weight: str | None, demo_scores: Sequence[str]
) -> list[str]:
    """Columns that can be compared with ``score``: numeric, not the label or weight.

    For a demo, its declared score columns; for an upload, every numeric column (an id
    column may show up; comparing it is harmless and obviously useless).
    """
    if demo_scores:
        return [c for c in demo_scores if c != score]
    return numeric_columns(frame, exclude=(label, score, weight))


def threshold_from_event(event: object, name: str) -> float | None:
    """The threshold picked by a click on a chart, or ``None``.

    Parameters
    ----------
    event : object
        What ``st.altair_chart(..., on_select=...)`` returns or stores under its key: an
        object with a ``selection`` attribute or key, mapping selection names to the
        selected points, e.g. ``{"selection": {"roc_pick": [{"threshold": 0.37}]}}``.
    name : str
        The selection parameter's name.

    Returns
    -------
    float or None
        The ``threshold`` of the last selected point, if it is a finite number; ``None``
        for no event, an empty or cleared selection, or anything malformed.

    Examples
    --------
    >>> threshold_from_event({"selection": {"pick": [{"threshold": 0.25}]}}, "pick")
    0.25
    >>> threshold_from_event({"selection": {"pick": []}}, "pick") is None
    True
    """
    if event is None:
        return None
    selection = getattr(event, "selection", None)
    if selection is None and isinstance(event, Mapping):
        selection = event.get("selection")
    if not isinstance(selection, Mapping):
        return None
    points = selection.get(name)
    if isinstance(points, Mapping):  # a single point rather than a list of them
        points = [points]
    if not isinstance(points, Sequence) or isinstance(points, str) or not points:
        return None
    last = points[-1]
    if not isinstance(last, Mapping):
        return None
    value = last.get("threshold")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None
