"""The live threshold control: a slider whose readout follows the knob on every frame.

A Streamlit custom component (``st.components.v2``) whose HTML, CSS and JavaScript ship in
``metrics_app/shared/assets/`` and are served by the app itself: no CDN, no network. While
the knob is dragged (or moved with the keyboard) the browser shows the exact precision,
recall, F1 and confusion counts at the threshold under the knob, and moves a marker along
their curves, from :func:`metrics_app.shared.live.live_table` (sent once per dataset and
session). On release the threshold comes back here and every view is recomputed exactly.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import streamlit as st

from metrics_app.shared import live, session
from metrics_app.shared.analysis import Analysis

__all__ = ["KEY", "available", "live_threshold"]

KEY = "threshold_live"  # the component's widget key
_SENT = "threshold_live_sent"  # the dataset whose table this session's browser was sent
_ASSETS = Path(__file__).with_name("assets")


def _component() -> Any:
    components = getattr(getattr(st, "components", None), "v2", None)
    if components is None:  # a Streamlit without custom components v2
        return None
    return components.component(
        "threshold_lab_live_threshold",
        html=(
            '<div class="tl-fallback">Loading the live threshold control… If it does not '
            "appear, turn off “Live drag preview” below for the plain slider, or type a "
            "threshold in “Exact threshold”.</div>"
        ),
        css=(_ASSETS / "live_threshold.css").read_text(encoding="utf-8"),
        js=(_ASSETS / "live_threshold.js").read_text(encoding="utf-8"),
        isolate_styles=True,
    )


_MOUNT = _component()


def available() -> bool:
    """Whether this Streamlit can draw the live control (else the plain slider is used)."""
    return _MOUNT is not None


@session.cached(16)
def _table(key: str, _an: Analysis) -> dict[str, Any]:
    return live.live_table(_an.sweep, _an.slider)


def _on_release() -> None:
    value = st.session_state[KEY].get("released")
    if isinstance(value, int | float) and math.isfinite(value):
        session.set_threshold(float(value))


def _on_need() -> None:
    # The browser has no table for this dataset (say, a reload while the script ran):
    # send it again on this run.
    st.session_state.pop(_SENT, None)


def live_threshold(an: Analysis, t: float, label: str) -> None:
    """Draw the live control at threshold ``t``; a release calls ``session.set_threshold``.

    The table of exact values at every slider step goes to the browser only when this
    session has not sent it for ``an`` yet; the browser keeps it (per tab) by ``an.key``.
    """
    rng = an.slider
    send = st.session_state.get(_SENT) != an.key
    finite = math.isfinite(t)
    position = rng.clamp(t) if finite else (rng.hi if t > 0 else rng.lo)
    data = {
        "key": an.key,
        "table": _table(an.key, an) if send else None,
        "value": t if finite else None,
        "position": position,
        "current": live.readout(an.at(t), rng),
        "label": label,
    }
    _MOUNT(
        key=KEY,
        data=data,
        on_released_change=_on_release,
        on_need_change=_on_need,
    )
    st.session_state[_SENT] = an.key
