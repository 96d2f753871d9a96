"""Layout pieces every page draws the same way: metric cards, buttons and charts.

Streamlit code, so it sits with the other Streamlit modules of ``shared/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
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


class _Prevalidated:
    """An Altair chart whose ``to_dict`` skips the Vega-Lite schema check.

    Checking a chart's spec against the schema (jsonschema, on every draw) took about
    two thirds of a threshold move's server time. The page's charts are built by the
    same code on every run, and the tests convert each kind with ``to_dict()``, which
    does check them; so at run time the check is skipped.
    """

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self._chart = chart

    def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("validate", False)
        return self._chart.to_dict(*args, **kwargs)


def altair_chart(chart: alt.TopLevelMixin, **kwargs: Any) -> Any:
    """``st.altair_chart(chart, **kwargs)`` without the run-time schema check."""
    return st.altair_chart(_Prevalidated(chart), **kwargs)
