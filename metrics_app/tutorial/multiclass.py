"""Lesson 7, more than two classes: per-class scores and their macro, micro and weighted means.

Support tickets routed to three teams, one of them rare; how well the rare
class is routed is the one thing the page's slider changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
from metrics_app.tutorial.model import read_only
from metrics_core import confusion_matrix, precision_recall_fscore_support, top_k_accuracy_score

__all__ = [
    "AVERAGES",
    "PHOTOS",
    "TICKETS",
    "PhotoScenario",
    "TicketScenario",
    "average_f1",
    "example_photos",
    "multiclass_averages_frame",
    "multiclass_report",
    "photo_scores",
    "shown_tables",
    "ticket_predictions",
    "top_k_cards",
    "top_k_frame",
]

#: The three ways to average per-class scores, in the order the page shows them.
AVERAGES = ("macro", "micro", "weighted")


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

    @property
    def rare(self) -> str:
        """The rare class, whose routing the slider sets (the last)."""
        return self.classes[-1]


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
    read_only(y_arr, pred_arr)
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
    for avg in AVERAGES:
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
        for avg in AVERAGES:
            f = precision_recall_fscore_support(y, pred, labels=list(s.classes), average=avg)[2]
            rows.append({"rare_recall": float(r), "average": avg, "f1": f})
    return pd.DataFrame(rows)


def shown_tables(
    per_class: pd.DataFrame, averages: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`multiclass_report`'s two tables as text, with capitalised column names.

    Scores read with three decimals ("undefined" where 0/0), supports as counts.
    """
    shown_class = per_class.assign(
        precision=per_class["precision"].map(fmt.decimal),
        recall=per_class["recall"].map(fmt.decimal),
        f1=per_class["f1"].map(fmt.decimal),
        support=per_class["support"].map(fmt.count),
    ).rename(columns=str.capitalize)
    shown_averages = averages.assign(
        precision=averages["precision"].map(fmt.decimal),
        recall=averages["recall"].map(fmt.decimal),
        f1=averages["f1"].map(fmt.decimal),
    ).rename(columns=str.capitalize)
    return shown_class, shown_averages


def average_f1(averages: pd.DataFrame, average: str) -> float:
    """The F1 of one of :data:`AVERAGES` in :func:`multiclass_report`'s averages table."""
    return float(averages.set_index("average").loc[average, "f1"])


# --- top-k accuracy: a model that scores every class ------------------------------------------


@dataclass(frozen=True)
class PhotoScenario:
    """Wildlife photos sorted into five species by a model that scores every species."""

    classes: tuple[str, ...] = ("cat", "dog", "fox", "lynx", "wolf")  # sorted: score columns
    n: int = 500
    skill: float = 1.4  # how far the true species' score stands out, in noise SDs
    seed: int = 8


PHOTOS = PhotoScenario()


def photo_scores(s: PhotoScenario = PHOTOS) -> tuple[np.ndarray, np.ndarray]:
    """True species of each photo, and the model's scores (one column a species, rows sum to 1)."""
    rng = np.random.default_rng(s.seed)
    k = len(s.classes)
    true = rng.integers(0, k, s.n)
    latent = rng.normal(0.0, 1.0, (s.n, k))
    latent[np.arange(s.n), true] += s.skill
    scores = np.exp(latent - latent.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    y = np.asarray(s.classes)[true]
    read_only(y, scores)
    return y, scores


def top_k_frame(s: PhotoScenario = PHOTOS) -> pd.DataFrame:
    """Top-k accuracy of the photo model for every k: ``k``, ``accuracy``.

    :func:`metrics_core.top_k_accuracy_score`, for k below the number of classes (at k
    equal to it every photo is a hit, which says nothing).
    """
    y, scores = photo_scores(s)
    ks = range(1, len(s.classes))
    acc = [top_k_accuracy_score(y, scores, k=k, labels=list(s.classes)) for k in ks]
    return pd.DataFrame({"k": list(ks), "accuracy": acc})


def top_k_cards(frame: pd.DataFrame, k: int) -> list[Card]:
    """Top-1 accuracy (plain accuracy) beside top-``k`` accuracy."""
    acc = frame.set_index("k")["accuracy"]
    return [
        Card("Top-1 accuracy", fmt.percent(acc[1]), "The highest score is the true species"),
        Card(
            f"Top-{k} accuracy",
            fmt.percent(acc[k]),
            f"The true species is among the {k} highest scores",
        ),
    ]


def example_photos(s: PhotoScenario = PHOTOS, rows: int = 5) -> pd.DataFrame:
    """The first ``rows`` photos: true species, the model's three best guesses, as text."""
    y, scores = photo_scores(s)
    order = np.argsort(-scores[:rows], axis=1, kind="stable")
    names = np.asarray(s.classes)
    out = []
    for i in range(rows):
        guesses = [f"{names[j]} ({fmt.percent(scores[i, j], 0)})" for j in order[i, :3]]
        rank = int(np.flatnonzero(names[order[i]] == y[i])[0]) + 1
        out.append(
            {"True species": y[i], "Best guesses": ", ".join(guesses), "Rank": fmt.count(rank)}
        )
    return pd.DataFrame(out)
