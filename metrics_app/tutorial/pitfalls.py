"""Lesson 6, three pitfalls demonstrated: data leakage, overfitting, metrics averaged over batches.

Each study trains or cuts its data once, from fixed seeds, and hands out the
counts and scores :mod:`metrics_core` makes of it; the page only picks which
model, depth or batch size to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
from metrics_app.tutorial.model import point_from_predictions, read_only
from metrics_core import OperatingPoint, best_threshold, roc_auc_score, sweep
from metrics_core import metrics as mc

__all__ = [
    "BATCH_METRICS",
    "BATCH_SIZES",
    "BATCH_SOURCE",
    "Batches",
    "Evaluation",
    "LeakageStudy",
    "OverfitStudy",
    "batch_cards",
    "batch_curve",
    "batch_metrics",
    "batch_table",
    "leakage_bars",
    "leakage_cards",
    "leakage_study",
    "one_sided_models",
    "one_sided_table",
    "overfitting_cards",
    "overfitting_study",
    "training_points",
]


# --- 6a. data leakage ---------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Evaluation:
    """A model's scores on one data split, and what metrics_core makes of them."""

    y: np.ndarray
    scores: np.ndarray
    roc_auc: float
    point: OperatingPoint  # at the threshold chosen on the validation rows


@dataclass(frozen=True, eq=False)
class LeakageStudy:
    """Section 6: a leaky and an honest fraud model, on validation and on fresh data.

    Each model's threshold is the one with the best F1 on the validation rows,
    as a team would pick it before going live. ``results[(model, split)]``
    with model "leaky" or "honest" and split "validation" or "fresh".
    """

    results: dict[tuple[str, str], Evaluation]
    thresholds: dict[str, float]  # model -> threshold of best F1 on the validation rows
    features: tuple[str, ...]
    leaked: str
    prevalence: float


def _leak_table(rng: np.random.Generator, n: int, prevalence: float, *, after: bool):
    fraud = rng.random(n) < prevalence
    amount = rng.normal(np.where(fraud, 0.8, 0.0), 1.0)
    night = rng.random(n) < np.where(fraud, 0.45, 0.2)
    new_device = rng.random(n) < np.where(fraud, 0.5, 0.15)
    # A chargeback is filed by the cardholder weeks *after* a fraud: the historical export
    # has it, the live system at payment time does not (every fresh row reads 0).
    if after:
        chargeback = np.where(fraud, rng.random(n) < 0.92, rng.random(n) < 0.004)
    else:
        chargeback = np.zeros(n, dtype=bool)
    x = np.column_stack([amount, night, new_device, chargeback]).astype(np.float64)
    return x, fraud


def leakage_study(prevalence: float = 0.05, seed: int = 31) -> LeakageStudy:
    """Train a fraud model with and without a leaked column; score both on two kinds of data.

    The historical table is split at random into training and validation
    rows: the leaked column ``chargeback_filed`` is there in both. Fresh data
    is what the model meets at payment time, where no chargeback exists yet.
    """
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    x_hist, y_hist = _leak_table(rng, 6_000, prevalence, after=True)
    x_fresh, y_fresh = _leak_table(rng, 4_000, prevalence, after=False)
    train = np.arange(6_000) < 4_000
    results: dict[tuple[str, str], Evaluation] = {}
    thresholds: dict[str, float] = {}
    for model, cols in (("leaky", [0, 1, 2, 3]), ("honest", [0, 1, 2])):
        clf = LogisticRegression(max_iter=1_000).fit(x_hist[train][:, cols], y_hist[train])
        for split, x, y in (
            ("validation", x_hist[~train], y_hist[~train]),
            ("fresh", x_fresh, y_fresh),
        ):
            s = clf.predict_proba(x[:, cols])[:, 1]
            yy = y.copy()
            read_only(yy, s)
            sw = sweep(yy, s)
            if split == "validation":  # the threshold is chosen here, then kept
                thresholds[model] = best_threshold(sw, "f1").threshold
            results[(model, split)] = Evaluation(
                y=yy, scores=s, roc_auc=roc_auc_score(yy, s), point=sw.at(thresholds[model])
            )
    return LeakageStudy(
        results=results,
        thresholds=thresholds,
        features=("amount", "night_time", "new_device", "chargeback_filed"),
        leaked="chargeback_filed",
        prevalence=prevalence,
    )


def leakage_bars(study: LeakageStudy, model: str, groups: Sequence[str]) -> pd.DataFrame:
    """ROC AUC, F1 and recall of ``model`` on its validation rows and on fresh data, for bars.

    ``groups`` names the two splits, validation first. Long form: ``group``, ``measure``
    ("ROC AUC", "F1", "Recall"), ``value`` (NaN where undefined).
    """
    rows = []
    for group, split in zip(groups, ("validation", "fresh"), strict=True):
        e = study.results[(model, split)]
        rows += [
            {"group": group, "measure": "ROC AUC", "value": e.roc_auc},
            {"group": group, "measure": "F1", "value": e.point.f1},
            {"group": group, "measure": "Recall", "value": e.point.recall},
        ]
    return pd.DataFrame(rows)


def leakage_cards(study: LeakageStudy, model: str) -> list[Card]:
    """ROC AUC and F1 of ``model`` ("leaky" or "honest") on validation and on fresh data.

    F1 is at the threshold with the best validation F1, which the tooltips give.
    """
    v, f = study.results[(model, "validation")], study.results[(model, "fresh")]
    at = f"at the threshold with the best validation F1 ({fmt.decimal(study.thresholds[model])})"
    return [
        Card("Validation ROC AUC", fmt.decimal(v.roc_auc)),
        Card("Fresh-data ROC AUC", fmt.decimal(f.roc_auc)),
        Card("Validation F1", fmt.decimal(v.point.f1), f"F1 {at}"),
        Card("Fresh-data F1", fmt.decimal(f.point.f1), f"F1 {at}"),
    ]


# --- 6b. overfitting ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class OverfitStudy:
    """Decision trees of growing depth on the two-circles data."""

    depths: tuple[int, ...]
    scores: pd.DataFrame  # depth, split ("train"/"test"), accuracy, f1
    points: dict[int, dict[str, OperatingPoint]]  # depth -> split -> counts
    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    predictions: dict[int, dict[str, np.ndarray]]  # depth -> split -> predicted labels
    grid: pd.DataFrame  # x1, x2 and one column "d<depth>" of predictions per depth

    @property
    def max_depth(self) -> int:
        """The deepest tree grown."""
        return max(self.depths)

    @property
    def n_train(self) -> int:
        """Number of training points."""
        return int(self.train_y.size)

    @property
    def n_test(self) -> int:
        """Number of test points."""
        return int(self.test_y.size)


def overfitting_study(max_depth: int = 15, seed: int = 3) -> OverfitStudy:
    """Fit trees of depth 1..max_depth on 300 noisy points; measure on them and on 2,000 new."""
    from sklearn.datasets import make_circles
    from sklearn.tree import DecisionTreeClassifier

    x_tr, y_tr = make_circles(300, noise=0.25, factor=0.5, random_state=seed)
    x_te, y_te = make_circles(2_000, noise=0.25, factor=0.5, random_state=seed + 1)
    y_tr, y_te = y_tr.astype(bool), y_te.astype(bool)
    g = np.linspace(-1.6, 1.6, 64)
    gx, gy = np.meshgrid(g, g)
    grid_x = np.column_stack([gx.ravel(), gy.ravel()])
    grid = {"x1": grid_x[:, 0], "x2": grid_x[:, 1]}
    rows, points, predictions = [], {}, {}
    depths = tuple(range(1, max_depth + 1))
    for d in depths:
        tree = DecisionTreeClassifier(max_depth=d, random_state=seed).fit(x_tr, y_tr)
        points[d], predictions[d] = {}, {}
        for split, x, y in (("train", x_tr, y_tr), ("test", x_te, y_te)):
            pred = tree.predict(x).astype(bool)
            read_only(pred)
            p = point_from_predictions(y, pred)
            points[d][split], predictions[d][split] = p, pred
            rows.append({"depth": d, "split": split, "accuracy": p.accuracy, "f1": p.f1})
        grid[f"d{d}"] = tree.predict(grid_x).astype(bool)
    read_only(x_tr, y_tr, x_te, y_te)
    return OverfitStudy(
        depths=depths,
        scores=pd.DataFrame(rows),
        points=points,
        train_x=x_tr,
        train_y=y_tr,
        test_x=x_te,
        test_y=y_te,
        predictions=predictions,
        grid=pd.DataFrame(grid),
    )


def training_points(study: OverfitStudy) -> pd.DataFrame:
    """The training points to draw over a tree's regions: ``x1``, ``x2``, ``label`` (bool)."""
    return pd.DataFrame(
        {"x1": study.train_x[:, 0], "x2": study.train_x[:, 1], "label": study.train_y}
    )


def overfitting_cards(study: OverfitStudy, depth: int) -> list[Card]:
    """F1 and accuracy of the tree of ``depth`` on its training points and on new ones."""
    tr, te = study.points[depth]["train"], study.points[depth]["test"]
    return [
        Card("Train F1", fmt.decimal(tr.f1)),
        Card("Test F1", fmt.decimal(te.f1)),
        Card("Train accuracy", fmt.percent(tr.accuracy)),
        Card("Test accuracy", fmt.percent(te.accuracy)),
    ]


# --- 6c. metrics averaged over batches ---------------------------------------------------

#: Batch sizes offered by the slider.
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)

#: Metrics a batch average gets wrong, with their display names.
BATCH_METRICS = {"precision": "Precision", "recall": "Recall", "f1": "F1"}

#: Data of the batch example: the fraud demo's second model, flagged at 0.5 (as Keras did).
BATCH_SOURCE = ("fraud", "model_v2_score", 0.5)


@dataclass(frozen=True, eq=False)
class Batches:
    """Per-batch precision, recall and F1 against the same metrics on the whole set."""

    batch_size: int
    n_batches: int
    whole: OperatingPoint
    tp: np.ndarray  # per batch
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray
    per_batch: dict[str, np.ndarray]  # metric -> value per batch (NaN = undefined)

    def undefined(self, metric: str) -> int:
        """Batches where ``metric`` is undefined (0/0)."""
        return int(np.isnan(self.per_batch[metric]).sum())

    def mean_defined(self, metric: str) -> float:
        """Mean over the batches where ``metric`` is defined (undefined ones left out)."""
        v = self.per_batch[metric]
        return float(np.mean(v[~np.isnan(v)])) if (~np.isnan(v)).any() else float("nan")

    def mean_zero(self, metric: str) -> float:
        """Mean over all batches, undefined ones counted as 0 (as a small epsilon does)."""
        return float(np.mean(np.nan_to_num(self.per_batch[metric], nan=0.0)))


def batch_metrics(y: np.ndarray, scores: np.ndarray, batch_size: int, threshold: float) -> Batches:
    """Cut the rows, in order, into batches of ``batch_size`` (the last may be smaller).

    Counts per batch come from one ``np.bincount`` each; metrics are
    :mod:`metrics_core` formulas over those counts, NaN where undefined.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    flagged = scores >= threshold
    idx = np.arange(y.shape[0]) // batch_size
    n_batches = int(idx[-1]) + 1

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(idx, weights=mask, minlength=n_batches).astype(np.int64)

    tp, fp = count(y & flagged), count(~y & flagged)
    fn, tn = count(y & ~flagged), count(~y & ~flagged)
    per_batch = {name: mc.METRICS[name](tp, fp, fn, tn) for name in BATCH_METRICS}
    whole = OperatingPoint(
        threshold=float(threshold),
        tp=int(tp.sum()),
        fp=int(fp.sum()),
        fn=int(fn.sum()),
        tn=int(tn.sum()),
    )
    return Batches(batch_size, n_batches, whole, tp, fp, fn, tn, per_batch)


def batch_cards(r: Batches) -> list[Card]:
    """F1 of the whole set beside the two means of batch F1 (undefined left out, or as 0)."""
    return [
        Card("F1 of the whole set", fmt.decimal(r.whole.f1)),
        Card(
            "Mean of batch F1, undefined left out",
            fmt.decimal(r.mean_defined("f1")),
            note=f"{fmt.count(r.undefined('f1'))} of {fmt.count(r.n_batches)} batches left out",
        ),
        Card(
            "Mean of batch F1, undefined as 0",
            fmt.decimal(r.mean_zero("f1")),
            note="what an epsilon in the denominator does",
        ),
    ]


def batch_curve(y: np.ndarray, scores: np.ndarray, threshold: float) -> pd.DataFrame:
    """Mean per-batch F1 (both treatments of undefined batches) at every size in BATCH_SIZES.

    Long form: ``batch_size``, ``measure``, ``value``.
    """
    rows = []
    for b in BATCH_SIZES:
        r = batch_metrics(y, scores, b, threshold)
        rows += [
            {
                "batch_size": b,
                "measure": "mean of batch F1, undefined left out",
                "value": r.mean_defined("f1"),
            },
            {
                "batch_size": b,
                "measure": "mean of batch F1, undefined as 0",
                "value": r.mean_zero("f1"),
            },
            {"batch_size": b, "measure": "F1 of the whole set", "value": r.whole.f1},
        ]
    return pd.DataFrame(rows)


def batch_table(r: Batches) -> pd.DataFrame:
    """Each of :data:`BATCH_METRICS` on the whole set beside its two batch means, as text.

    Columns ``Metric, Whole set, Mean of batches (undefined left out), Mean of batches
    (undefined as 0), Undefined batches``; undefined values read "undefined".
    """
    return pd.DataFrame(
        [
            {
                "Metric": title,
                "Whole set": fmt.decimal(getattr(r.whole, name)),
                "Mean of batches (undefined left out)": fmt.decimal(r.mean_defined(name)),
                "Mean of batches (undefined as 0)": fmt.decimal(r.mean_zero(name)),
                "Undefined batches": (
                    f"{fmt.count(r.undefined(name))} of {fmt.count(r.n_batches)}"
                ),
            }
            for name, title in BATCH_METRICS.items()
        ]
    )


# --- 6d. ignoring precision or recall ----------------------------------------------------


def one_sided_models(y: np.ndarray, scores: np.ndarray) -> dict[str, OperatingPoint]:
    """Two models that each game one number: flag everything, or flag only the surest case.

    "everything" flags every row: recall 100%, precision = the prevalence.
    "surest" flags the single highest score: precision 100% if it is a positive,
    recall one positive's worth.
    """
    everything = point_from_predictions(y, np.ones_like(y))
    surest = np.zeros_like(y)
    surest[int(np.argmax(scores))] = True
    return {"everything": everything, "surest": point_from_predictions(y, surest)}


def one_sided_table(models: dict[str, OperatingPoint], names: dict[str, str]) -> pd.DataFrame:
    """Recall, precision and F1 of :func:`one_sided_models`, as text."""
    return pd.DataFrame(
        [
            {
                "Model": names[key],
                "Flagged": fmt.count(p.tp + p.fp),
                "Recall": fmt.percent(p.recall),
                "Precision": fmt.percent(p.precision),
                "F1": fmt.decimal(p.f1),
            }
            for key, p in models.items()
        ]
    )
