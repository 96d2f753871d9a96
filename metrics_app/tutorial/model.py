"""Scenarios of the Tutorial page: the data each section generates, and the numbers it shows.

Every number on the page comes from here, and every number here comes from
:mod:`metrics_core` applied to data generated from a handful of scenario
parameters (sizes, rates, costs, seeds). Nothing is typed in by hand: the
"98% accurate model" of section 1, for instance, is *constructed* from its
parameters, and its accuracy is then *measured* from the labels and
predictions it produced.

Deterministic (fixed seeds), UI-free (no Streamlit), so the page can cache
each builder by its small arguments and the tests can rebuild the same data
and check it against scikit-learn. Arrays handed out are read-only.

Sections
--------
1. accuracy paradox: :func:`fraud_labels`, :func:`always_legitimate`,
   :func:`majority_accuracy_frame`, :func:`build_paradox_model`
2. precision or recall: :func:`demo_scores`, :data:`COST_SCENARIOS`, :func:`cost_curve`
3. formulas: :func:`formula_latex`
4. F1 and balance: :func:`counts_for`, :func:`f1_recall_frame`, :func:`baselines`
5. ROC or PR under imbalance: :func:`imbalanced_set`
6. pitfalls: :func:`leakage_study`, :func:`overfitting_study`, :func:`batch_metrics`,
   :func:`batch_curve`
7. multiclass averaging: :func:`ticket_predictions`, :func:`multiclass_report`
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from metrics_core import (
    OperatingPoint,
    Sweep,
    average_precision_score,
    best_threshold,
    confusion_matrix,
    decimate,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
    sweep,
)
from metrics_core import metrics as mc

__all__ = [
    "BATCH_SIZES",
    "BATCH_SOURCE",
    "COST_SCENARIOS",
    "IMBALANCE",
    "PARADOX",
    "PARADOX_PREVALENCES_PERCENT",
    "PREVALENCE_OPTIONS",
    "TICKETS",
    "Batches",
    "Construction",
    "CostCurve",
    "CostScenario",
    "ImbalanceScenario",
    "ImbalancedSet",
    "Labelled",
    "LeakageStudy",
    "OverfitStudy",
    "ParadoxScenario",
    "Scored",
    "TicketScenario",
    "always_legitimate",
    "baselines",
    "batch_curve",
    "batch_metrics",
    "build_paradox_model",
    "cost_curve",
    "counts_for",
    "demo_scores",
    "f1_latex",
    "f1_recall_frame",
    "formula_latex",
    "fraud_labels",
    "imbalanced_set",
    "leakage_study",
    "majority_accuracy_frame",
    "multiclass_averages_frame",
    "multiclass_report",
    "overfitting_study",
    "plain_average",
    "point_from_predictions",
    "ticket_predictions",
]


def _readonly(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.flags.writeable = False


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))


def point_from_predictions(y_true: np.ndarray, y_pred: np.ndarray) -> OperatingPoint:
    """Counts and metrics of hard yes/no predictions, via :func:`metrics_core.confusion_matrix`.

    ``threshold`` of the returned point is NaN: hard predictions have none.
    """
    (tn, fp), (fn, tp) = confusion_matrix(
        np.asarray(y_true, dtype=bool), np.asarray(y_pred, dtype=bool), labels=[False, True]
    )
    return OperatingPoint(threshold=float("nan"), tp=int(tp), fp=int(fp), fn=int(fn), tn=int(tn))


@dataclass(frozen=True, eq=False)
class Labelled:
    """True labels and hard predictions (bool arrays, True = positive), with their counts."""

    y: np.ndarray
    pred: np.ndarray
    point: OperatingPoint

    @property
    def n_pos(self) -> int:
        """Number of positives."""
        return int(self.point.tp + self.point.fn)

    @classmethod
    def of(cls, y: np.ndarray, pred: np.ndarray) -> Labelled:
        """Wrap ``y`` and ``pred`` (made read-only) and count them."""
        _readonly(y, pred)
        return cls(y=y, pred=pred, point=point_from_predictions(y, pred))


# --- 1. the accuracy paradox -------------------------------------------------------------


@dataclass(frozen=True)
class ParadoxScenario:
    """Parameters of the fraud scenario of section 1.

    ``accuracy`` and ``recall`` are *targets*: :func:`build_paradox_model`
    turns them into counts, and the page shows what :mod:`metrics_core`
    measures on the resulting predictions.
    """

    n: int = 10_000  # transactions
    prevalence: float = 0.02  # share of them that are fraud
    accuracy: float = 0.98  # the model's target accuracy
    recall: float = 0.12  # the model's target recall on fraud
    seed: int = 2024


PARADOX = ParadoxScenario()

#: Range of the prevalence slider of section 1, in percent.
PREVALENCE_RANGE_PERCENT = (0.1, 50.0)

#: Stops of that slider (percent): closer together where fraud is rare.
PARADOX_PREVALENCES_PERCENT = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0)


def fraud_labels(n: int, prevalence: float, seed: int = PARADOX.seed) -> np.ndarray:
    """``n`` transactions, exactly ``round(n * prevalence)`` of them fraud, in random order."""
    if not 0 <= prevalence <= 1:
        raise ValueError(f"prevalence must be in [0, 1]; got {prevalence!r}.")
    n_pos = round(n * prevalence)
    y = np.zeros(n, dtype=bool)
    y[np.random.default_rng(seed).permutation(n)[:n_pos]] = True
    _readonly(y)
    return y


def always_legitimate(prevalence: float, n: int = PARADOX.n) -> Labelled:
    """The model that calls every transaction legitimate, on ``fraud_labels(n, prevalence)``."""
    y = fraud_labels(n, prevalence)
    return Labelled.of(y, np.zeros(n, dtype=bool))


def majority_accuracy_frame(n: int = PARADOX.n, points: int = 200) -> pd.DataFrame:
    """Accuracy and recall of "always legitimate" across prevalences from 0.1% to 50%.

    Columns ``prevalence`` (a fraction), ``accuracy``, ``recall``; the counts
    at each prevalence are those of :func:`always_legitimate` (no fraud
    flagged), and the metrics are :mod:`metrics_core`'s formulas over them.
    """
    lo, hi = (p / 100 for p in PREVALENCE_RANGE_PERCENT)
    prevalence = np.geomspace(lo, hi, points)
    fn = np.round(n * prevalence)
    zero = np.zeros_like(fn)
    tn = n - fn
    return pd.DataFrame(
        {
            "prevalence": fn / n,
            "accuracy": mc.accuracy(zero, zero, fn, tn),
            "recall": mc.recall(zero, zero, fn, tn),
        }
    )


@dataclass(frozen=True, eq=False)
class Construction:
    """How the model of section 1 was built, step by step, and what it predicts."""

    scenario: ParadoxScenario
    n_pos: int  # fraud cases in the data
    n_neg: int  # legitimate transactions
    tp: int  # fraud caught: recall target x fraud cases
    fn: int  # fraud missed
    errors: int  # mistakes allowed by the accuracy target
    fp: int  # false alarms: the mistakes left once the misses are counted
    tn: int
    labelled: Labelled  # labels and predictions with exactly these counts


def build_paradox_model(s: ParadoxScenario = PARADOX) -> Construction:
    """Construct a model with the accuracy and recall that ``s`` asks for.

    Fraud cases ``n_pos = n * prevalence``; caught ``tp = recall * n_pos``;
    missed ``fn = n_pos - tp``; mistakes allowed ``errors = n * (1 -
    accuracy)``; the rest of those mistakes are false alarms ``fp = errors -
    fn``. Then labels and predictions with exactly those counts are drawn
    (which transactions, at random with the scenario's seed).

    Raises
    ------
    ValueError
        If the targets contradict each other (more misses than mistakes).
    """
    y = fraud_labels(s.n, s.prevalence, s.seed)
    n_pos = int(y.sum())
    n_neg = s.n - n_pos
    tp = round(s.recall * n_pos)
    fn = n_pos - tp
    errors = round(s.n * (1 - s.accuracy))
    fp = errors - fn
    if not 0 <= fp <= n_neg:
        raise ValueError(
            f"No model has accuracy {s.accuracy} and recall {s.recall} at prevalence "
            f"{s.prevalence}: {fn} misses alone exceed the {errors} mistakes allowed."
        )
    rng = np.random.default_rng(s.seed + 1)
    pred = np.zeros(s.n, dtype=bool)
    pred[rng.choice(np.flatnonzero(y), tp, replace=False)] = True
    pred[rng.choice(np.flatnonzero(~y), fp, replace=False)] = True
    return Construction(
        scenario=s,
        n_pos=n_pos,
        n_neg=n_neg,
        tp=tp,
        fn=fn,
        errors=errors,
        fp=fp,
        tn=n_neg - fp,
        labelled=Labelled.of(y, pred),
    )


# --- 2. scored demo data, and the cost of errors -----------------------------------------


@dataclass(frozen=True, eq=False)
class Scored:
    """Labels (True = positive) and scores of one demo column, with their sweep."""

    key: str
    score_name: str
    y: np.ndarray
    scores: np.ndarray
    sweep: Sweep
    positive_name: str
    negative_name: str

    @property
    def prevalence(self) -> float:
        """Share of positives."""
        return self.sweep.n_pos / self.sweep.total


_NEGATIVE_NAMES = {"fraud": "legit", "spam": "ham", "screening": "healthy", "circles": "outer"}


def demo_scores(key: str, score: str | None = None, frame: pd.DataFrame | None = None) -> Scored:
    """A built-in demo (``metrics_app.demo``) as clean arrays and a sweep.

    Parameters
    ----------
    key : str
        Demo key ("fraud", "spam", "screening", "circles").
    score : str, optional
        Score column; the demo's first by default.
    frame : pandas.DataFrame, optional
        The demo's table if the caller already has it (the app's cache);
        generated with :func:`metrics_app.demo.load_demo` otherwise.
    """
    from metrics_app.data.demo import DEMOS, load_demo

    demo = DEMOS[key]
    frame = load_demo(key) if frame is None else frame
    score = score or demo.scores[0]
    y = (frame[demo.label] == demo.positive).to_numpy(dtype=bool, copy=True)
    s = frame[score].to_numpy(dtype=np.float64, copy=True)
    _readonly(y, s)
    return Scored(
        key=key,
        score_name=score,
        y=y,
        scores=s,
        sweep=sweep(y, s),
        positive_name=str(demo.positive),
        negative_name=_NEGATIVE_NAMES.get(key, f"not {demo.positive}"),
    )


@dataclass(frozen=True)
class CostScenario:
    """Section 2: a demo, what each error means there, and what it costs."""

    key: str  # demo key
    score: str  # score column
    cost_fp: float  # cost of one false positive (false alarm)
    cost_fn: float  # cost of one false negative (miss)
    lo: float  # threshold slider range and step
    hi: float
    step: float
    default: float


COST_SCENARIOS: dict[str, CostScenario] = {
    # A real email lost in the spam folder may be an invoice or a job offer; a spam in the
    # inbox costs a second to delete.
    "spam": CostScenario(
        "spam", "spam_logit", cost_fp=20.0, cost_fn=1.0, lo=-6.0, hi=6.0, step=0.1, default=0.0
    ),
    # A missed patient goes home sick; a false alarm costs a follow-up test and a worried week.
    "screening": CostScenario(
        "screening", "test_score", cost_fp=1.0, cost_fn=30.0, lo=0.0, hi=1.0, step=0.01, default=0.5
    ),
}


@dataclass(frozen=True, eq=False)
class CostCurve:
    """Total cost of errors at every threshold, and the cheapest threshold."""

    frame: pd.DataFrame  # columns threshold, cost (decimated for drawing)
    best_threshold: float
    best_cost: float


def cost_of(point: OperatingPoint, cost_fp: float, cost_fn: float) -> float:
    """Total cost of the errors at ``point``: ``FP x cost_fp + FN x cost_fn``."""
    return float(point.fp * cost_fp + point.fn * cost_fn)


def cost_curve(
    data: Scored,
    cost_fp: float,
    cost_fn: float,
    lo: float,
    hi: float,
    step: float,
    max_points: int = 400,
) -> CostCurve:
    """Cost ``FP x cost_fp + FN x cost_fn`` at every distinct score within ``[lo, hi]``.

    The curve uses every distinct score (decimated for drawing); the cheapest
    threshold is searched on the slider's grid ``lo, lo + step, ..., hi``, so
    the slider can be set to it exactly. ``score >= threshold`` is flagged.
    """
    sw = data.sweep
    t = np.asarray(sw.thresholds)
    cost = cost_fp * np.asarray(sw.fp, dtype=np.float64) + cost_fn * np.asarray(
        sw.fn, dtype=np.float64
    )
    inside = np.flatnonzero((t >= lo) & (t <= hi))
    keep = inside[decimate(t[inside], cost[inside], max_points)]
    grid = np.round(np.arange(round((hi - lo) / step) + 1) * step + lo, 10)
    grid_cost = np.array([cost_of(sw.at(g), cost_fp, cost_fn) for g in grid])
    best = int(np.argmin(grid_cost))
    return CostCurve(
        frame=pd.DataFrame({"threshold": t[keep], "cost": cost[keep]}),
        best_threshold=float(grid[best]),
        best_cost=float(grid_cost[best]),
    )


# --- 3. formulas with the numbers in them ------------------------------------------------


def _tex_count(x: float) -> str:
    text = f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"
    return text.replace(",", "{,}")


def _tex_value(v: float) -> str:
    return r"\text{undefined}" if math.isnan(v) else f"{v:.3f}"


def _frac(top: str, bottom: str) -> str:
    return r"\frac{" + top + "}{" + bottom + "}"


def formula_latex(point: OperatingPoint) -> dict[str, str]:
    """LaTeX of precision, recall, F1, specificity and accuracy with the counts filled in.

    Each value on the right is the metric :mod:`metrics_core` computed for
    ``point`` ("undefined" when it divides by zero), so formula and result
    cannot disagree.
    """
    tp, fp, fn, tn = (_tex_count(c) for c in (point.tp, point.fp, point.fn, point.tn))
    s_tp, s_fp, s_fn, s_tn = (r"\text{" + name + "}" for name in ("TP", "FP", "FN", "TN"))
    times, thin = r" \times ", r"\,"
    rows = {
        "precision": (
            (s_tp, f"{s_tp} + {s_fp}"),
            (tp, f"{tp} + {fp}"),
            point.precision,
        ),
        "recall": ((s_tp, f"{s_tp} + {s_fn}"), (tp, f"{tp} + {fn}"), point.recall),
        "f1": (
            ("2" + thin + s_tp, f"2{thin}{s_tp} + {s_fp} + {s_fn}"),
            ("2" + times + tp, f"2{times}{tp} + {fp} + {fn}"),
            point.f1,
        ),
        "specificity": ((s_tn, f"{s_tn} + {s_fp}"), (tn, f"{tn} + {fp}"), point.specificity),
        "accuracy": (
            (f"{s_tp} + {s_tn}", f"{s_tp} + {s_fp} + {s_fn} + {s_tn}"),
            (f"{tp} + {tn}", f"{tp} + {fp} + {fn} + {tn}"),
            point.accuracy,
        ),
    }
    out = {}
    for key, (symbols, numbers, value) in rows.items():
        name = "F_1" if key == "f1" else r"\text{" + key + "}"
        out[key] = " = ".join([name, _frac(*symbols), _frac(*numbers), _tex_value(value)])
    return out


def f1_latex(point: OperatingPoint, beta: float = 1.0) -> str:
    """F1 (or F-beta) as a mean of precision and recall, with their values filled in.

    The result on the right is :mod:`metrics_core`'s F-beta of ``point``'s
    counts, which equals the harmonic form whenever it is defined.
    """
    p, r = _tex_value(point.precision), _tex_value(point.recall)
    if beta == 1:
        return (
            r"F_1 = \frac{2 \cdot P \cdot R}{P + R} = "
            rf"\frac{{2 \times {p} \times {r}}}{{{p} + {r}}} = {_tex_value(point.f1)}"
        )
    b2 = f"{beta:g}^2"
    return (
        r"F_\beta = \frac{(1 + \beta^2)\, P \cdot R}{\beta^2 P + R} = "
        rf"\frac{{(1 + {b2}) \times {p} \times {r}}}{{{b2} \times {p} + {r}}} = "
        rf"{_tex_value(point.fbeta(beta))}"
    )


# --- 4. F1, F-beta and baselines -----------------------------------------------------------


def counts_for(
    precision: float, recall: float, *, min_positives: int = 1000, n: int = 20_000
) -> OperatingPoint:
    """The smallest confusion counts with exactly this precision and recall.

    With ``precision = a/b`` and ``recall = c/d`` in lowest terms, ``tp`` is
    a multiple of ``a`` and of ``c`` (so that ``fp = tp (b - a) / a`` and
    ``n_pos = tp d / c`` are whole), scaled up until there are at least
    ``min_positives`` positives. The remaining rows up to ``n`` are true
    negatives (more rows if the positives and false alarms need them).

    Examples
    --------
    >>> p = counts_for(0.95, 0.10)
    >>> p.tp, p.fp, p.fn
    (114, 6, 1026)
    """
    p = Fraction(precision).limit_denominator(1000)
    r = Fraction(recall).limit_denominator(1000)
    if not (0 < p <= 1 and 0 < r <= 1):
        raise ValueError("precision and recall must be in (0, 1].")
    unit = math.lcm(p.numerator, r.numerator)
    n_pos_unit = unit * r.denominator // r.numerator
    k = max(1, math.ceil(min_positives / n_pos_unit))
    tp = unit * k
    fp = tp * (p.denominator - p.numerator) // p.numerator
    n_pos = n_pos_unit * k
    tn = max(n - n_pos - fp, 0)
    return OperatingPoint(threshold=float("nan"), tp=tp, fp=fp, fn=n_pos - tp, tn=tn)


def f1_recall_frame(precision: float, beta: float = 1.0, points: int = 199) -> pd.DataFrame:
    """F1, F-beta and the plain average of precision and recall as recall goes 0.005 to 1.

    Precision stays at ``precision``. Uses :mod:`metrics_core` formulas on
    counts per unit of positives (``tp = recall``, ``fn = 1 - recall``,
    ``fp = tp (1 - precision) / precision``). Long form: ``recall``,
    ``measure`` ("F1", "F-beta", "Average"), ``value``.
    """
    r = np.linspace(0.005, 1.0, points)
    tp, fn = r, 1 - r
    fp = tp * (1 - precision) / precision
    tn = np.zeros_like(r)
    parts = [
        ("F1", mc.f1(tp, fp, fn, tn)),
        (f"F{beta:g}", mc.fbeta(tp, fp, fn, tn, beta=beta)),
        ("Average", (mc.precision(tp, fp, fn, tn) + mc.recall(tp, fp, fn, tn)) / 2),
    ]
    if beta == 1:
        parts.pop(1)
    return pd.concat(
        [pd.DataFrame({"recall": r, "measure": name, "value": v}) for name, v in parts],
        ignore_index=True,
    )


def baselines(model: OperatingPoint) -> dict[str, OperatingPoint]:
    """The model and the two baselines any model must beat, on the same data.

    - "majority": always predicts the majority class (flags nothing when
      positives are the minority);
    - "random": flags the same share of rows as the model, at random. Its
      counts are the expected ones (``tp = rate x positives``), so they may
      be fractional.
    """
    n_pos, n_neg = model.tp + model.fn, model.fp + model.tn
    rate = (model.tp + model.fp) / (n_pos + n_neg)
    if n_pos <= n_neg:
        majority = OperatingPoint(float("nan"), tp=0, fp=0, fn=n_pos, tn=n_neg)
    else:
        majority = OperatingPoint(float("nan"), tp=n_pos, fp=n_neg, fn=0, tn=0)
    random = OperatingPoint(
        float("nan"),
        tp=rate * n_pos,
        fp=rate * n_neg,
        fn=(1 - rate) * n_pos,
        tn=(1 - rate) * n_neg,
    )
    return {"model": model, "majority": majority, "random": random}


def plain_average(point: OperatingPoint) -> float:
    """The arithmetic mean of precision and recall (what F1 is *not*)."""
    return float((point.precision + point.recall) / 2)


# --- 5. ROC and PR under imbalance ---------------------------------------------------------


@dataclass(frozen=True)
class ImbalanceScenario:
    """One model's scores: positives and negatives each from a fixed distribution.

    Changing the prevalence changes only how many negatives there are, never
    how the model scores a positive or a negative.
    """

    n_pos: int = 500
    shift: float = 1.8  # how far positives score above negatives (in standard deviations)
    seed: int = 5


IMBALANCE = ImbalanceScenario()

#: Prevalences offered in section 5.
PREVALENCE_OPTIONS = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)


@dataclass(frozen=True, eq=False)
class ImbalancedSet:
    """The model's scores at one prevalence, with curves and threshold-free scores."""

    prevalence: float
    y: np.ndarray
    scores: np.ndarray
    sweep: Sweep
    roc_auc: float
    average_precision: float
    roc: pd.DataFrame  # fpr, tpr (decimated)
    pr: pd.DataFrame  # recall, precision (decimated)


def _scenario_scores(s: ImbalanceScenario, n_neg: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(s.seed)
    pos = rng.normal(s.shift, 1.0, s.n_pos)
    # Negatives come from their own stream, so a larger set extends a smaller one.
    neg = np.random.default_rng(s.seed + 1).normal(0.0, 1.0, n_neg)
    return pos, neg


def imbalanced_set(prevalence: float, s: ImbalanceScenario = IMBALANCE) -> ImbalancedSet:
    """The model of ``s`` on data with ``prevalence`` positives (the same positives always)."""
    if not 0 < prevalence < 1:
        raise ValueError(f"prevalence must be in (0, 1); got {prevalence!r}.")
    n_neg = round(s.n_pos * (1 - prevalence) / prevalence)
    pos, neg = _scenario_scores(s, n_neg)
    # Scores in (0, 1): a logistic squashing of the latent value; 0.5 sits between the classes.
    scores = _sigmoid(np.concatenate([pos, neg]) - s.shift / 2)
    y = np.concatenate([np.ones(s.n_pos, bool), np.zeros(n_neg, bool)])
    _readonly(y, scores)
    fpr, tpr, _ = roc_curve(y, scores)
    precision, recall, _ = precision_recall_curve(y, scores)
    ri = decimate(fpr, tpr, 400)
    pi = decimate(recall, precision, 400)
    return ImbalancedSet(
        prevalence=s.n_pos / (s.n_pos + n_neg),
        y=y,
        scores=scores,
        sweep=sweep(y, scores),
        roc_auc=roc_auc_score(y, scores),
        average_precision=average_precision_score(y, scores),
        roc=pd.DataFrame({"fpr": fpr[ri], "tpr": tpr[ri]}),
        pr=pd.DataFrame({"recall": recall[pi], "precision": precision[pi]}),
    )


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
            _readonly(yy, s)
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
            _readonly(pred)
            p = point_from_predictions(y, pred)
            points[d][split], predictions[d][split] = p, pred
            rows.append({"depth": d, "split": split, "accuracy": p.accuracy, "f1": p.f1})
        grid[f"d{d}"] = tree.predict(grid_x).astype(bool)
    _readonly(x_tr, y_tr, x_te, y_te)
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


# --- 6c. metrics averaged over batches ---------------------------------------------------

#: Batch sizes offered by the slider.
BATCH_SIZES = (16, 32, 64, 128, 256, 512, 1024, 2048, 4096)

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
    per_batch = {name: mc.METRICS[name](tp, fp, fn, tn) for name in ("precision", "recall", "f1")}
    whole = OperatingPoint(
        threshold=float(threshold),
        tp=int(tp.sum()),
        fp=int(fp.sum()),
        fn=int(fn.sum()),
        tn=int(tn.sum()),
    )
    return Batches(batch_size, n_batches, whole, tp, fp, fn, tn, per_batch)


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


# --- 7. multiclass averaging ------------------------------------------------------------------


@dataclass(frozen=True)
class TicketScenario:
    """Support tickets routed to three teams by a model; one team's tickets are rare."""

    classes: tuple[str, ...] = ("billing", "technical", "legal")
    sizes: tuple[int, ...] = (700, 250, 50)
    # Share of each class's tickets sent to each team (rows: true class). The rare class's
    # row is set by the slider: its right share, the rest split 60/40 over the others.
    confusion: tuple[tuple[float, ...], ...] = field(
        default=((0.92, 0.06, 0.02), (0.10, 0.86, 0.04), (0.0, 0.0, 0.0))
    )
    rare_split: tuple[float, float] = (0.6, 0.4)


TICKETS = TicketScenario()


def _largest_remainder(total: int, shares: np.ndarray) -> np.ndarray:
    raw = total * shares / shares.sum()
    out = np.floor(raw).astype(np.int64)
    out[np.argsort(-(raw - out), kind="stable")[: total - out.sum()]] += 1
    return out


def ticket_predictions(
    rare_recall: float, s: TicketScenario = TICKETS
) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted teams of every ticket (string arrays), for a given rare-class recall.

    Each class's tickets are sent to the teams in the scenario's shares
    (rounded to whole tickets, largest remainder first); the rare class (the
    last) goes to its own team in share ``rare_recall``.
    """
    rows = [np.asarray(r, dtype=np.float64) for r in s.confusion[:-1]]
    a, b = s.rare_split
    rows.append(np.array([(1 - rare_recall) * a, (1 - rare_recall) * b, rare_recall]))
    names = np.asarray(s.classes)
    y, pred = [], []
    for k, (size, share) in enumerate(zip(s.sizes, rows, strict=True)):
        counts = _largest_remainder(size, share)
        y.append(np.full(size, names[k]))
        pred.append(np.repeat(names, counts))
    y_arr, pred_arr = np.concatenate(y), np.concatenate(pred)
    _readonly(y_arr, pred_arr)
    return y_arr, pred_arr


def multiclass_report(
    y: np.ndarray, pred: np.ndarray, classes: tuple[str, ...] = TICKETS.classes
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Per-class table, averages table and confusion matrix (rows true, columns predicted).

    Per class: ``class``, ``precision``, ``recall``, ``f1``, ``support``.
    Averages: ``average`` ("macro", "micro", "weighted"), ``precision``,
    ``recall``, ``f1``. All from :func:`metrics_core.precision_recall_fscore_support`.
    """
    labels = list(classes)
    p, r, f, support = precision_recall_fscore_support(y, pred, labels=labels)
    per_class = pd.DataFrame(
        {"class": labels, "precision": p, "recall": r, "f1": f, "support": support}
    )
    rows = []
    for avg in ("macro", "micro", "weighted"):
        ap, ar, af, _ = precision_recall_fscore_support(y, pred, labels=labels, average=avg)
        rows.append({"average": avg, "precision": ap, "recall": ar, "f1": af})
    cm = confusion_matrix(y, pred, labels=labels)
    return per_class, pd.DataFrame(rows), cm


def multiclass_averages_frame(steps: int = 21, s: TicketScenario = TICKETS) -> pd.DataFrame:
    """Macro, micro and weighted F1 as the rare class's recall goes from 0 to 1.

    Long form: ``rare_recall``, ``average``, ``f1``.
    """
    rows = []
    for r in np.linspace(0.0, 1.0, steps):
        y, pred = ticket_predictions(float(r), s)
        for avg in ("macro", "micro", "weighted"):
            f = precision_recall_fscore_support(y, pred, labels=list(s.classes), average=avg)[2]
            rows.append({"rare_recall": float(r), "average": avg, "f1": f})
    return pd.DataFrame(rows)
