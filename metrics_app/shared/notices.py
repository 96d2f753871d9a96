"""What a file might not be: checks that say on screen when an analysis would mislead.

A silently wrong analysis is the worst thing this app can show. Each check here looks at a
prepared analysis and, when the data are not what they seem (scores that point the other
way, a score column named for the other class, an id column chosen as scores, labels that
look like scores, more than two classes, too few rows of a class), returns a
:class:`Notice` that says so in plain words, with one-click fixes where there are any. The
numbers are still shown; nothing changes until the user chooses. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from metrics_app.data.guess import class_of_column, column_of_class
from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import Analysis

__all__ = ["Action", "Notice", "direction_sentence", "notices"]

#: Fewer rows than this in a class make every rate of that class too noisy to trust.
MIN_CLASS_ROWS = 5

#: A label column with more distinct numeric values than this looks like a score.
MAX_NUMERIC_CLASSES = 20

#: An id check needs this many rows before "all distinct and increasing" means anything.
MIN_ID_ROWS = 10

md = fmt.escape_markdown


@dataclass(frozen=True)
class Action:
    """A one-click fix: make ``value`` the positive class, score with a column, or negate."""

    label: str
    kind: Literal["positive", "score", "negate"]
    value: object = None


@dataclass(frozen=True)
class Notice:
    """One message about the data: a stable ``key``, a level, Markdown text and fixes."""

    key: str
    level: Literal["warning", "info"]
    text: str
    actions: tuple[Action, ...] = ()


def _auc(x: float) -> str:
    return fmt.decimal(x, 3)


def direction_sentence(an: Analysis) -> str:
    """Which way the scores point, in plain words, for the data summary.

    E.g. "Higher scores mean more likely **fraud** (ROC AUC 0.970)."
    """
    d = an.direction
    sign = " (the column's values negated)" if an.negated else ""
    if np.isnan(d.roc_auc):
        return f"Higher scores{sign} are taken to mean more likely **{md(an.positive_name)}**."
    if d.inverted:
        return (
            f"Higher scores{sign} mean *less* likely **{md(an.positive_name)}** "
            f"(ROC AUC {_auc(d.roc_auc)})."
        )
    return (
        f"Higher scores{sign} mean more likely **{md(an.positive_name)}** "
        f"(ROC AUC {_auc(d.roc_auc)})."
    )


def _other_class(an: Analysis) -> object | None:
    others = an.prepared.negative_labels
    return others[0] if len(others) == 1 else None


def notices(
    an: Analysis,
    *,
    label: str,
    score: str,
    label_counts: Mapping[object, int],
    score_columns: Sequence[str],
) -> list[Notice]:
    """Every notice that applies to ``an``, most important first.

    Parameters
    ----------
    an : Analysis
        The analysis shown.
    label, score : str
        The label and score columns.
    label_counts : mapping
        Rows per label value of the label column (all of them, before exclusions).
    score_columns : sequence of str
        The columns the user could choose as scores (for "use the column of the
        positive class" fixes).
    """
    classes = list(label_counts)
    found = [
        _direction_or_mismatch(an, score, classes, score_columns),
        _labels_like_scores(an, label, label_counts),
        _many_classes(an, label, label_counts),
        _identical_scores(an, score),
        _id_like_scores(an, score),
        _few_rows(an),
    ]
    return [n for n in found if n is not None]


def _direction_or_mismatch(
    an: Analysis, score: str, classes: Sequence[object], score_columns: Sequence[str]
) -> Notice | None:
    d = an.direction
    positive = an.prepared.positive
    named_for = class_of_column(score, classes)
    mismatch = named_for is not None and named_for != positive and not an.negated
    if not (d.inverted or mismatch):
        return None
    parts: list[str] = []
    actions: list[Action] = []
    own = column_of_class(positive, score_columns, classes)
    if mismatch:
        parts.append(
            f"**The score column {md(score)} is named as the score of {md(named_for)}, but the "
            f"positive class is {md(an.positive_name)}.**"
        )
        if own is not None and own != score:
            actions.append(Action(f"Score with {own}", "score", own))
        if named_for in an.prepared.negative_labels:
            actions.append(Action(f"Make {named_for} the positive class", "positive", named_for))
    if d.inverted:
        lead = "Its" if mismatch else "**The scores point the other way:**"
        parts.append(
            f"{lead} higher scores mean *less* likely **{md(an.positive_name)}**: ROC AUC is "
            f"{_auc(d.roc_auc)} as the scores stand and {_auc(1 - d.roc_auc)} the other way "
            f"round, far beyond chance with {fmt.count(an.prepared.n_pos)} positive and "
            f"{fmt.count(an.prepared.n_neg)} negative rows."
        )
        if not mismatch:
            if own is not None and own != score:
                actions.append(Action(f"Score with {own}", "score", own))
            other = _other_class(an)
            if other is not None:
                actions.append(Action(f"Make {other} the positive class", "positive", other))
        actions.append(Action("Negate the scores", "negate", not an.negated))
    else:
        parts.append(f"Its ROC AUC for {md(an.positive_name)} is {_auc(d.roc_auc)}.")
    parts.append("Nothing has been changed.")
    return Notice("direction", "warning", " ".join(parts), tuple(actions))


def _labels_like_scores(
    an: Analysis, label: str, label_counts: Mapping[object, int]
) -> Notice | None:
    values = list(label_counts)
    numeric = all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        for v in values
    )
    if not numeric or len(values) <= MAX_NUMERIC_CLASSES:
        return None
    return Notice(
        "labels_like_scores",
        "warning",
        f"**The label column {md(label)} has {fmt.count(len(values))} distinct numeric "
        "values, so it looks like a score or a measurement, not true classes.** Here "
        f"{md(an.positive_name)} is the positive class and every other value counts as "
        "negative. Choose the column that holds the true labels in the sidebar.",
    )


def _many_classes(an: Analysis, label: str, label_counts: Mapping[object, int]) -> Notice | None:
    others = an.prepared.negative_labels
    if len(others) < 2 or len(label_counts) > MAX_NUMERIC_CLASSES:
        return None
    shown = ", ".join(md(v) for v in others[:8]) + (", …" if len(others) > 8 else "")
    return Notice(
        "many_classes",
        "info",
        f"**{md(label)} has {fmt.count(len(others) + 1)} classes.** These pages analyse "
        f"**{md(an.positive_name)}** against the other {fmt.count(len(others))} together "
        f"({shown}), scored by {md(an.score_label)}. Choose another positive class in the "
        "sidebar to look at another class.",
    )


def _identical_scores(an: Analysis, score: str) -> Notice | None:
    if len(an.sweep) != 1:
        return None
    value = fmt.threshold(float(an.sweep.thresholds[0]))
    return Notice(
        "identical_scores",
        "warning",
        f"**Every row has the same score ({value}) in {md(score)}, so the scores rank "
        "nothing.** Any threshold flags all rows or none, and ROC AUC is 0.5 by construction. "
        "Check that this is the model's score column.",
    )


def _id_like_scores(an: Analysis, score: str) -> Notice | None:
    s = an.prepared.scores
    if an.prepared.counts:  # a counts file lists its scores in order, by construction
        return None
    if s.shape[0] < MIN_ID_ROWS or not np.array_equal(s, np.round(s)):
        return None
    steps = np.diff(s)
    if not ((steps > 0).all() or (steps < 0).all()):
        return None
    return Notice(
        "id_like_scores",
        "warning",
        f"**{md(score)} holds distinct whole numbers that only "
        f"{'increase' if steps[0] > 0 else 'decrease'} down the file: it looks like a row "
        "number or an id, not a model's score.** The numbers below rank rows by their place "
        "in the file. Choose the model's score column in the sidebar.",
    )


def _few_rows(an: Analysis) -> Notice | None:
    prep = an.prepared
    small = [
        (n, name, what)
        for n, name, what in (
            (prep.n_pos, an.positive_name, "recall, precision and F1"),
            (prep.n_neg, an.negative_name, "specificity, the false positive rate and precision"),
        )
        if n < MIN_CLASS_ROWS
    ]
    if not small:
        return None
    n, name, what = small[0]
    rows = "row is" if n == 1 else "rows are"
    return Notice(
        "few_rows",
        "warning",
        f"**Only {fmt.count(n)} {rows} {md(name)}**, so each one moves {what} by "
        f"{fmt.percent(1 / n, 0)} of that class: these numbers are very noisy, and any "
        "interval around them is wide. Collect more examples before trusting them.",
    )
