"""Streamlit state of the epochs page: caches and its own threshold and epoch controls.

Caches are keyed by short strings (the source id and the column choice), with the frame
passed unhashed, and bounded: a rerun never hashes a table.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics_app.epochs import model
from metrics_app.shared import session

_THRESHOLD = "epochs_threshold"  # widget key prefix: one threshold per epochs table
_EPOCH = "epochs_epoch"  # widget key prefix: the epoch shown in detail
BEST = "epochs_best"  # widget key: the metric the best epoch is chosen by


@session.cached(8)
def _detect(source_id: str, _frame: pd.DataFrame) -> tuple[str | None, model.Layout | None]:
    return model.detect(_frame), model.layout_of(_frame)


def detect(source: session.Source) -> tuple[str | None, model.Layout | None]:
    """The source's layout kind (``"history"``, ``"long"``, ``"wide"`` or ``None``) and layout."""
    return _detect(source.id, source.frame)


@session.cached(8)
def _history(source_id: str, _frame: pd.DataFrame) -> model.History:
    return model.read_history(_frame)


def history(source: session.Source) -> model.History:
    """The source's training history (cached; raises ``DataError`` when unreadable)."""
    return _history(source.id, source.frame)


def data_key(source: session.Source, label: str, positive: object, score: str | None) -> str:
    """A short key for one column choice on one source."""
    return f"{source.id}|{label}|{positive!r}|{score}"


def _score(layout: model.Layout, selection: session.Selection) -> str | None:
    # The wide format's scores are its per-epoch columns, whatever the sidebar picked.
    return selection.score if layout.kind == "long" else None


def choice_key(source: session.Source, layout: model.Layout, selection: session.Selection) -> str:
    """The key of the page's controls for this table and column choice."""
    return data_key(source, selection.label, selection.positive, _score(layout, selection))


@session.cached(4)
def _epoch_data(
    key: str,
    label: str,
    positive: object,
    score: str | None,
    _frame: pd.DataFrame,
    _layout: model.Layout,
) -> model.EpochData:
    return model.build(_frame, _layout, label=label, positive=positive, score=score)


def epoch_data(
    source: session.Source, layout: model.Layout, selection: session.Selection
) -> model.EpochData:
    """Every epoch's curves for the sidebar's label, positive class and score (cached).

    Raises
    ------
    metrics_app.data.DataError
        When the columns cannot be used (the message says why).
    """
    score = _score(layout, selection)
    key = data_key(source, selection.label, selection.positive, score)
    return _epoch_data(key, selection.label, selection.positive, score, source.frame, layout)


def threshold_control(data: model.EpochData, key: str) -> float:
    """The epochs page's threshold slider (one per epochs table); returns the threshold."""
    rng = model.threshold_range(data)
    value = st.slider(
        "Threshold: rows with score ≥ threshold are flagged positive, at every epoch",
        min_value=rng.lo,
        max_value=rng.hi,
        value=rng.default,
        step=rng.step,
        key=f"{_THRESHOLD}::{key}",
        format="%.3f" if data.kind == "probability" else "%.4g",
    )
    return float(value)


def _show_epoch(widget: str, i: int) -> None:
    st.session_state[widget] = i


def epoch_control(data: model.EpochData, key: str, best: int) -> int:
    """The epoch to show in detail: starts at the best epoch; a button goes back to it."""
    widget = f"{_EPOCH}::{key}"
    if widget not in st.session_state or not 0 <= st.session_state[widget] < len(data):
        st.session_state[widget] = max(best, 0)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        i = st.select_slider(
            "Epoch to show",
            options=list(range(len(data))),
            format_func=data.epoch_text,
            key=widget,
        )
    with right:
        st.button(
            "Best epoch",
            help="Show the best epoch by the chosen metric.",
            on_click=_show_epoch,
            args=(widget, max(best, 0)),
            disabled=best < 0 or best == i,
            width="stretch",
        )
    return int(i)
