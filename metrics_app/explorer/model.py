"""What the threshold explorer shows, as values: metric cards and the data summary.

No Streamlit here: the page script lays these out.
"""

from __future__ import annotations

from metrics_app.data import Prepared
from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.cards import Card
from metrics_app.shared.glossary import CARDS
from metrics_core import OperatingPoint

__all__ = [
    "exclusion_warning",
    "log_scale_by_default",
    "metric_cards",
    "summary_cards",
]

#: Below this share of positives the histogram opens on a log scale, so the rare class shows.
LOG_SCALE_BELOW = 0.1


def metric_cards(point: OperatingPoint) -> list[Card]:
    """Every point metric of :data:`~metrics_app.shared.glossary.CARDS` at ``point``.

    An undefined metric reads "undefined" with the reason as its note.
    """
    cards = []
    for info in CARDS:
        text = fmt.metric_value(getattr(point, info.key), percent=info.percent)
        note = f"undefined: {info.undefined_when}" if text == fmt.UNDEFINED else None
        cards.append(Card(info.label, text, info.help, note))
    return cards


def summary_cards(prep: Prepared, positive_name: str) -> list[Card]:
    """Rows used and excluded, positives and prevalence (examples, for a counts file)."""
    if prep.counts:
        used = Card(
            "Examples counted",
            fmt.count(prep.n_used),
            help="The sum of the count column over the rows used: each row of a counts "
            "file stands for that many examples.",
        )
    else:
        used = Card("Rows used", fmt.count(prep.n_used))
    return [
        used,
        Card(
            "Rows excluded",
            fmt.count(prep.n_excluded),
            help="Rows with a missing label, a missing or non-finite score, or a missing or "
            "negative weight are left out and counted here.",
        ),
        Card(f"Positives ({fmt.escape_markdown(positive_name)})", fmt.count(prep.n_pos)),
        Card("Prevalence", fmt.percent(prep.prevalence, 2)),
    ]


def exclusion_warning(prep: Prepared) -> str | None:
    """How many rows were excluded and why, or ``None`` when none were."""
    if not prep.n_excluded:
        return None
    reasons = ", ".join(f"{fmt.count(n)} with {why}" for why, n in prep.excluded.items())
    return (
        f"{fmt.count(prep.n_excluded)} of {fmt.count(prep.n_rows_read)} rows were excluded: "
        f"{reasons}."
    )


def log_scale_by_default(an: Analysis) -> bool:
    """Whether the score histogram opens on a log scale (when positives are rare)."""
    return an.prepared.prevalence < LOG_SCALE_BELOW
