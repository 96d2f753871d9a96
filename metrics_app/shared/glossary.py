"""Plain-language names, explanations and formulas of the point metrics.

Wording shared by the pages; the numbers always come from ``metrics_core``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CARDS", "MetricInfo", "describe_score_kind"]


@dataclass(frozen=True)
class MetricInfo:
    """How a point metric is shown on a card."""

    key: str  # attribute on metrics_core.OperatingPoint
    label: str
    meaning: str
    formula: str
    undefined_when: str
    percent: bool = True

    @property
    def help(self) -> str:
        """Tooltip text: what it means, its formula, when it is undefined."""
        return f"{self.meaning}\n\n**{self.formula}**\n\nUndefined when {self.undefined_when}."


CARDS: tuple[MetricInfo, ...] = (
    MetricInfo(
        "precision",
        "Precision",
        "Of the rows flagged positive, the share that really are positive.",
        "TP / (TP + FP)",
        "nothing is flagged positive",
    ),
    MetricInfo(
        "recall",
        "Recall",
        "Of the real positives, the share the model flags (true positive rate, sensitivity).",
        "TP / (TP + FN)",
        "the data holds no positives",
    ),
    MetricInfo(
        "f1",
        "F1",
        "Harmonic mean of precision and recall: high only when both are.",
        "2·TP / (2·TP + FP + FN)",
        "there are no positives and nothing is flagged",
        percent=False,
    ),
    MetricInfo(
        "accuracy",
        "Accuracy",
        "Share of all rows classified correctly. Misleading when one class is rare.",
        "(TP + TN) / all rows",
        "there are no rows",
    ),
    MetricInfo(
        "specificity",
        "Specificity",
        "Of the real negatives, the share correctly left unflagged (true negative rate).",
        "TN / (TN + FP)",
        "the data holds no negatives",
    ),
    MetricInfo(
        "fpr",
        "FPR",
        "False positive rate: of the real negatives, the share wrongly flagged (false alarms).",
        "FP / (FP + TN)",
        "the data holds no negatives",
    ),
    MetricInfo(
        "npv",
        "NPV",
        "Negative predictive value: of the rows left unflagged, the share that really "
        "are negative.",
        "TN / (TN + FN)",
        "every row is flagged positive",
    ),
    MetricInfo(
        "balanced_accuracy",
        "Balanced acc.",
        "Balanced accuracy: the mean of recall and specificity, i.e. accuracy as if "
        "both classes were equally common.",
        "(TPR + TNR) / 2",
        "either class is missing from the data",
    ),
    MetricInfo(
        "mcc",
        "MCC",
        "Matthews correlation between predictions and truth, from −1 to 1; "
        "0 is no better than chance. Robust to class imbalance.",
        "(TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))",
        "a row or column of the confusion matrix is empty",
        percent=False,
    ),
    MetricInfo(
        "cohen_kappa",
        "Cohen's κ",
        "Cohen's kappa: agreement between predictions and truth beyond what chance "
        "alone would give; 0 is chance level, 1 is perfect.",
        "2(TP·TN − FN·FP) / ((TP+FP)(FP+TN) + (TP+FN)(FN+TN))",
        "chance agreement is already perfect",
        percent=False,
    ),
    MetricInfo(
        "predicted_positive_rate",
        "Flagged",
        "Share of all rows flagged positive at this threshold (the review workload).",
        "(TP + FP) / all rows",
        "there are no rows",
    ),
)

_KIND_TEXT = {
    "probability": "Scores lie between 0 and 1, so they look like probabilities.",
    "real": (
        "Scores go outside [0, 1], so they look like logits or decision-function values; "
        "thresholds are in the same units."
    ),
}


def describe_score_kind(kind: Literal["probability", "real"]) -> str:
    """Return one plain sentence about the score kind, for the UI.

    Parameters
    ----------
    kind : {"probability", "real"}
        A result of :func:`metrics_app.data.score_kind`.

    Returns
    -------
    str
        The sentence.

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    try:
        return _KIND_TEXT[kind]
    except KeyError:
        raise ValueError(f"unknown score kind: {kind!r}") from None


#: Why a default threshold is the default, by kind of scores (a clause).
DEFAULT_REASONS = {
    "probability": "the usual cut for probabilities",
    "negated": "the usual cut of 0.5 for probabilities, negated",
    "decision": "the rule of a decision function or logits: positive when the score is at least 0",
    "middle": "the middle of the scores' range (they do not straddle 0)",
}
