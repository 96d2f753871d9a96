"""Metric cards as values: what a card says, and how wide a row of cards must be to say it.

No Streamlit here; :func:`metrics_app.shared.widgets.card_row` draws them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Card", "card_width"]

# Widths in pixels, measured on Streamlit 1.67's default font with the metric value at the
# size set in .streamlit/config.toml (theme.metricValueFontSize = 1.75rem, 28 px): a value
# digit is 14 px wide and "%" 23 px, so 15 px a character keeps "100.00%" whole; a label or
# note character is 5.6-6.6 px on average, so 7 for labels and 6.5 for the smaller notes; a
# bordered card adds 32 px of padding, a help icon 22 px.
_VALUE_CHAR = 15
_LABEL_CHAR = 7
_NOTE_CHAR = 6.5
_PADDING = 32
_HELP_ICON = 22
MIN_WIDTH = 120


@dataclass(frozen=True)
class Card:
    """One metric card: its label, value text, tooltip and an optional greyed note."""

    label: str
    text: str
    help: str | None = None
    note: str | None = None


def card_width(cards: Sequence[Card]) -> int:
    """A width in pixels at which every card of ``cards`` shows its label and value whole.

    One width for a whole row keeps the cards aligned; a narrow window wraps the row
    instead of cutting values short.

    >>> card_width([Card("Precision", "61.2%", help="..."), Card("Rows used", "100,000")])
    137
    """
    widest = 0
    for card in cards:
        label = len(card.label) * _LABEL_CHAR + (_HELP_ICON if card.help else 0)
        note = len(card.note) * _NOTE_CHAR + 16 if card.note else 0
        widest = max(widest, label, note, len(card.text) * _VALUE_CHAR)
    return max(MIN_WIDTH, math.ceil(widest) + _PADDING)
