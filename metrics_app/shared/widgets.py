"""Layout pieces every page draws the same way: rows of metric cards and of buttons.

Streamlit code, so it sits with the other Streamlit modules of ``shared/``.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from metrics_app.shared.cards import Card, card_width


def card_row(cards: Sequence[Card], *, width: int | None = None) -> None:
    """Bordered metric cards side by side, wrapping onto new lines in a narrow window.

    Every card gets the same width, wide enough for the longest label and value
    (:func:`~metrics_app.shared.cards.card_width`), so nothing is cut short with an
    ellipsis at any window width.
    """
    w = width or card_width(cards)
    with st.container(horizontal=True, wrap=True, gap="xsmall"):
        for card in cards:
            st.metric(
                card.label,
                card.text,
                help=card.help,
                border=True,
                delta=card.note,
                delta_color="off",
                delta_arrow="off",
                width=w,
            )
