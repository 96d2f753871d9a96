"""What the multiclass page writes, as values: cards, tables, sentences and CSV files.

Every number goes through :mod:`metrics_app.shared.format`; undefined values (NaN) read
"undefined" on screen and are empty cells in the CSV files. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from metrics_app.multiclass.model import (
    MulticlassAnalysis,
    MulticlassData,
    Outcome,
    Ranking,
    Rule,
    total_cost,
)
from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card

__all__ = [
    "AVERAGE_HELP",
    "UNDECIDED",
    "confused_pairs",
    "cost_cards",
    "data_cards",
    "matrix_csv",
    "ranking_cards",
    "ranking_table",
    "report_csv",
    "report_tables",
    "rule_cards",
    "rule_sentence",
    "score_cards",
    "scores_sentence",
    "undecided_name",
]

#: Name of the matrix column of rows left undecided.
UNDECIDED = "(undecided)"

#: What each average of the report means (the averages table's tooltips).
AVERAGE_HELP = {
    "accuracy": "Micro average: every row counts once, pooled over all classes. With one "
    "label per row, micro precision, recall and F1 all equal the accuracy.",
    "micro avg": "Pooled over all classes: every row counts once. Undecided rows are "
    "predicted as no class, so micro precision (right among decided rows) and micro recall "
    "(right among all rows) differ.",
    "macro avg": "The plain mean over the classes: every class counts the same, however "
    "rare. Classes where a score is undefined are left out of its mean.",
    "weighted avg": "The mean over the classes weighted by their support (rows of each "
    "class): frequent classes count more, so it sits near the micro average.",
}

_KIND_TEXT = {
    "probability": "probabilities",
    "score": "scores, not probabilities",
    "none": "predicted classes only",
}


def undecided_name(names: Sequence[str]) -> str:
    """:data:`UNDECIDED`, made distinct from every class name."""
    name = UNDECIDED
    while name in names:
        name += "*"
    return name


def data_cards(data: MulticlassData) -> list[Card]:
    """Rows used and excluded, the number of classes and what the scores are."""
    return [
        Card("Rows used", fmt.count(data.n_used)),
        Card(
            "Rows excluded",
            fmt.count(data.n_excluded),
            help="Rows with a missing label, a missing or infinite score in any score column, "
            "or a missing predicted class are left out and counted here.",
        ),
        Card("Classes", fmt.count(data.k)),
        Card("Scores", _KIND_TEXT[data.kind]),
    ]


def scores_sentence(data: MulticlassData) -> str:
    """What the score columns hold and what was done to them, in one or two sentences."""
    lo, hi = data.row_sums
    if data.kind == "none":
        return (
            "Only predicted classes: the confusion matrix, report and agreement scores are "
            "shown; curves, top-k accuracy, log loss and the other decision rules need one "
            "score column per class."
        )
    if data.transform == "softmax":
        return (
            f"The columns hold scores (row sums from {fmt.significant(lo)} to "
            f"{fmt.significant(hi)}); a softmax of each row turned them into probabilities, "
            "as asked."
        )
    if data.kind == "score":
        return (
            f"Rows sum from {fmt.significant(lo)} to {fmt.significant(hi)}, not to 1: these "
            "are scores or logits, not probabilities. Log loss, one-vs-one AUC and expected "
            "costs need probabilities; turn on the softmax to get them."
        )
    if data.transform == "normalised":
        return (
            f"Probabilities: rows sum to 1 up to rounding (from {fmt.significant(lo, 8)} to "
            f"{fmt.significant(hi, 8)}), so each row was divided by its sum."
        )
    return "Probabilities: every row sums to 1, as predict_proba's do."


def rule_sentence(rule: Rule, data: MulticlassData) -> str:
    """The decision rule and its settings in one Markdown sentence (names escaped).

    Per-class thresholds are listed with their classes; a cost matrix is only named
    (it is a table of its own).
    """
    md = fmt.escape_markdown
    if rule.kind == "column":
        return f"Each row gets the class written in **{md(data.prediction)}**, as in the file."
    if rule.kind == "argmax":
        return "Each row gets its class of highest score (the lowest class on a tie)."
    if rule.kind == "thresholds":
        cuts = ", ".join(
            f"{md(name)} ≥ {fmt.threshold(t)}"
            for name, t in zip(data.names, rule.thresholds, strict=True)
        )
        rest = "get their class of highest score" if rule.fallback == "argmax" else "stay undecided"
        return (
            "Each row gets the class of highest score among those whose score reaches "
            f"their own threshold ({cuts}); rows that reach none {rest}."
        )
    if rule.kind == "cost":
        return (
            "Each row gets the class of least expected cost under its probabilities and "
            "the cost matrix below (rows: true class, columns: predicted class)."
        )
    if rule.kind == "abstain":
        return (
            "Each row gets its class of highest score, unless that score is below "
            f"{fmt.threshold(rule.min_top)}: then it stays undecided."
        )
    raise ValueError(f"Unknown rule {rule.kind!r}.")


def rule_cards(result: Outcome) -> list[Card]:
    """Accuracy, balanced accuracy, Cohen's kappa, MCC, macro and weighted F1, undecided."""
    report = result.report
    cards = [
        Card(
            "Accuracy",
            fmt.metric_value(result.accuracy, percent=True),
            "Share of all rows whose predicted class is the true one (an undecided row "
            "counts as wrong).",
        ),
        Card(
            "Balanced accuracy",
            fmt.metric_value(result.balanced_accuracy, percent=True),
            "The mean recall over the classes: every class counts the same, however rare.",
        ),
        Card(
            "Cohen's κ",
            fmt.decimal(result.kappa),
            "Agreement between predicted and true classes beyond what chance would give "
            "with the same class frequencies: 1 is perfect, 0 is chance.",
        ),
        Card(
            "MCC",
            fmt.decimal(result.mcc),
            "Matthews correlation of the whole matrix (Gorodkin's multiclass form): 1 is "
            "perfect, 0 no better than chance.",
        ),
        Card(
            "Macro F1",
            fmt.decimal(report["macro avg"]["f1-score"]),
            "The mean F1 over the classes, each class counting the same.",
        ),
        Card(
            "Weighted F1",
            fmt.decimal(report["weighted avg"]["f1-score"]),
            "The mean F1 over the classes, weighted by their numbers of rows.",
        ),
    ]
    undecided = result.n_undecided
    cards.append(
        Card(
            "Undecided",
            f"{fmt.count(undecided)} ({fmt.share(undecided / result.n_rows)})",
            "Rows the rule leaves without a class. They stay in every count: each is a miss "
            "of its true class.",
        )
    )
    if undecided:
        cards.append(
            Card(
                "Accuracy when decided",
                fmt.metric_value(result.decided_accuracy, percent=True),
                "Share of the decided rows whose predicted class is the true one.",
            )
        )
    return cards


def cost_cards(result: Outcome, argmax: Outcome, costs: Sequence[Sequence[float]]) -> list[Card]:
    """Total and mean cost of the cost rule on this data, against the highest-score rule."""
    mine, theirs = total_cost(result, costs), total_cost(argmax, costs)
    n = result.n_rows
    return [
        Card("Total cost", fmt.money(mine), "Sum over the rows of the cost of each decision."),
        Card("Cost per row", fmt.money(mine / n)),
        Card(
            "Total cost, highest score",
            fmt.money(theirs),
            "The same costs, had every row been given its class of highest score.",
        ),
        Card("Saved", fmt.money(theirs - mine), "Highest-score cost minus this rule's cost."),
    ]


def score_cards(an: MulticlassAnalysis, k: int, top_k: float) -> list[Card]:
    """Top-k accuracy and log loss (threshold-free: they do not depend on the rule)."""
    return [
        Card(
            f"Top-{k} accuracy",
            fmt.metric_value(top_k, percent=True),
            f"Share of rows whose true class is among their {k} highest scores.",
        ),
        Card(
            "Log loss",
            fmt.decimal(an.log_loss, 4),
            "Mean of −log(probability given to the true class): lower is better; it punishes "
            "confident mistakes. Undefined unless the scores are probabilities.",
        ),
    ]


def ranking_cards(r: Ranking) -> list[Card]:
    """ROC AUC (one-vs-rest macro and micro, one-vs-one macro) and average precision."""
    a = r.averages
    return [
        Card(
            "ROC AUC, macro",
            fmt.decimal(a["roc_macro"], 4),
            "The mean over the classes of each class's ROC AUC against the rest.",
        ),
        Card(
            "ROC AUC, weighted",
            fmt.decimal(a["roc_weighted"], 4),
            "Each class's ROC AUC against the rest, weighted by its number of rows.",
        ),
        Card(
            "ROC AUC, micro",
            fmt.decimal(a["roc_micro"], 4),
            "ROC AUC of every (row, class) pair pooled into one binary problem.",
        ),
        Card(
            "ROC AUC, one-vs-one",
            fmt.decimal(a["ovo_macro"], 4),
            "The mean over every pair of classes of how well the scores tell the two apart "
            "(Hand and Till). Needs probabilities.",
        ),
        Card(
            "AP, macro",
            fmt.decimal(a["ap_macro"], 4),
            "The mean over the classes of each class's average precision against the rest.",
        ),
        Card(
            "AP, micro",
            fmt.decimal(a["ap_micro"], 4),
            "Average precision of every (row, class) pair pooled into one binary problem.",
        ),
    ]


def _class_rows(result: Outcome, names: Sequence[str]) -> list[dict]:
    k = len(names)
    undecided = result.matrix[:, k]
    return [
        {
            "class": name,
            **{key: result.report[name][key] for key in ("precision", "recall", "f1-score")},
            "support": result.report[name]["support"],
            "undecided": float(undecided[i]),
        }
        for i, name in enumerate(names)
    ]


def _average_rows(result: Outcome) -> list[dict]:
    rows = []
    for heading, value in result.report.items():
        if heading not in AVERAGE_HELP:
            continue
        if heading == "accuracy":
            total = result.report["macro avg"]["support"]
            rows.append({"average": heading, "precision": math.nan, "recall": math.nan,
                         "f1-score": value, "support": total})  # fmt: skip
        else:
            rows.append({"average": heading, **value})
    return rows


def report_tables(result: Outcome, names: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-class report and its averages, as text (three decimals, counts, undefined).

    Per class: ``Class, Precision, Recall, F1, Support, Undecided``. Averages: ``Average,
    Precision, Recall, F1, Support`` (accuracy has an F1 only, as scikit-learn prints it).
    """
    per_class = pd.DataFrame(
        [
            {
                "Class": row["class"],
                "Precision": fmt.decimal(row["precision"]),
                "Recall": fmt.decimal(row["recall"]),
                "F1": fmt.decimal(row["f1-score"]),
                "Support": fmt.count(row["support"]),
                "Undecided": fmt.count(row["undecided"]),
            }
            for row in _class_rows(result, names)
        ]
    )
    averages = pd.DataFrame([_average_text(row) for row in _average_rows(result)])
    return per_class, averages


def _average_text(row: dict) -> dict[str, str]:
    # scikit-learn prints accuracy as one number, in the F1 column.
    only_f1 = row["average"] == "accuracy"
    return {
        "Average": row["average"],
        "Precision": "" if only_f1 else fmt.decimal(row["precision"]),
        "Recall": "" if only_f1 else fmt.decimal(row["recall"]),
        "F1": fmt.decimal(row["f1-score"]),
        "Support": fmt.count(row["support"]),
    }


def report_csv(result: Outcome, names: Sequence[str]) -> str:
    """The report as CSV: one row per class, then the averages; full precision, empty = NaN."""
    rows = [{"row": r.pop("class"), **r} for r in _class_rows(result, names)]
    rows += [{"row": r.pop("average"), **r} for r in _average_rows(result)]
    frame = pd.DataFrame(rows, columns=["row", "precision", "recall", "f1-score", "support",
                                        "undecided"])  # fmt: skip
    return frame.to_csv(index=False, float_format="%.17g")


def matrix_csv(result: Outcome, names: Sequence[str]) -> str:
    """The confusion matrix as CSV: rows true classes, columns predicted (and undecided)."""
    columns = [*names, undecided_name(names)]
    frame = pd.DataFrame(result.matrix, columns=columns)
    frame.insert(0, "true class \\ predicted", list(names))
    return frame.to_csv(index=False)


def confused_pairs(result: Outcome, names: Sequence[str], n: int = 8) -> pd.DataFrame:
    """The ``n`` largest off-diagonal cells: ``Actual, Predicted as, Rows, Share of actual``.

    Ties keep the matrix order (actual class, then predicted class).
    """
    k = len(names)
    cells = result.matrix[:, :k].astype(np.float64)
    np.fill_diagonal(cells, 0.0)
    flat = np.argsort(-cells, axis=None, kind="stable")[:n]
    rows = []
    support = result.matrix.sum(axis=1)
    for i, j in zip(*np.unravel_index(flat, cells.shape), strict=True):
        if cells[i, j] <= 0:
            break
        rows.append(
            {
                "Actual": names[i],
                "Predicted as": names[j],
                "Rows": fmt.count(cells[i, j]),
                "Share of actual": fmt.share(cells[i, j] / support[i]),
            }
        )
    return pd.DataFrame(rows, columns=["Actual", "Predicted as", "Rows", "Share of actual"])


def ranking_table(r: Ranking) -> pd.DataFrame:
    """Each class against the rest: ``Class, Rows, ROC AUC, Average precision`` as text."""
    pc = r.per_class
    return pd.DataFrame(
        {
            "Class": pc["class"],
            "Rows": pc["support"].map(fmt.count),
            "ROC AUC": pc["roc_auc"].map(lambda v: fmt.decimal(v, 4)),
            "Average precision": pc["average_precision"].map(lambda v: fmt.decimal(v, 4)),
        }
    )
