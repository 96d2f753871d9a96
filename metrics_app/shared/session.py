"""Streamlit state shared by every page: the data source, the column choice, the threshold.

Caches are keyed by short strings (a demo key, an upload's ``file_id``),
never by hashing frames or bytes on a rerun. Heavy objects are held with
``st.cache_resource``: the same read-only object on every hit, no copy.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import BinaryIO

import pandas as pd
import streamlit as st

from metrics_app.data import DataError, frame_fingerprint, read_table
from metrics_app.data.demo import DEFAULT_DEMO, DEMOS, Demo, load_demo
from metrics_app.shared.analysis import Analysis, analyse

# Session-state keys (non-widget keys hold derived data; widget keys are
# owned by their widgets).
SOURCE = "source"  # the current Source
SELECTION = "selection"  # the current Selection
THRESHOLD = "threshold"  # the explorer's slider; also the URL parameter
CURRENT = "current_threshold"  # the threshold every page uses
SCOPE = "threshold_scope"  # Analysis.key the current threshold belongs to
EXACT = "threshold_exact"  # the exact-number input
SOURCE_ERROR = "source_error"  # why the last upload could not be read
_PAGE = "page"  # the page of the last full run
_SEEDED = "threshold_widgets_seeded"  # threshold widgets seeded since entering the page


@dataclass(frozen=True, eq=False)
class Source:
    """A table to analyse: a built-in demo or an uploaded file."""

    id: str
    name: str
    frame: pd.DataFrame
    demo: Demo | None = None
    fingerprint: str = ""


@dataclass(frozen=True)
class Selection:
    """Which columns hold labels, scores and weights, and the positive class."""

    label: str
    score: str
    positive: object
    weight: str | None = None


@st.cache_resource(max_entries=len(DEMOS), show_spinner=False)
def demo_frame(key: str) -> pd.DataFrame:
    """A built-in demo table, generated once per server."""
    return load_demo(key)


@st.cache_resource(max_entries=len(DEMOS), show_spinner=False)
def demo_fingerprint(key: str) -> str:
    """SHA-256 of a demo table's content, computed once per server."""
    return frame_fingerprint(demo_frame(key))


@st.cache_resource(max_entries=4, show_spinner=False)
def upload_frame(file_id: str, name: str, _upload: BinaryIO) -> tuple[pd.DataFrame, str]:
    """An uploaded table and the SHA-256 of its bytes, read once per upload.

    Keyed by the upload's ``file_id``, never by its bytes; the digest is taken
    here, once (about 60 ms for 80 MB), for operating-point cards.
    """
    raw = _upload.getvalue()
    return read_table(raw, name), hashlib.sha256(raw).hexdigest()


@st.cache_resource(max_entries=16, show_spinner=False)
def _analysis(
    source_id: str,
    label: str,
    score: str,
    positive: object,
    weight: str | None,
    _frame: pd.DataFrame,
) -> Analysis:
    key = analysis_key(source_id, Selection(label, score, positive, weight))
    return analyse(_frame, key=key, label=label, score=score, positive=positive, weight=weight)


def analysis_key(source_id: str, selection: Selection) -> str:
    """The :attr:`Analysis.key` of ``selection`` on a source (also the threshold's scope)."""
    sel = selection
    return f"{source_id}|{sel.label}|{sel.score}|{sel.positive!r}|{sel.weight}"


def analysis_for(source: Source, selection: Selection) -> Analysis:
    """The cached :class:`Analysis` of ``selection`` on ``source``.

    Raises
    ------
    metrics_app.io.DataError
        When the chosen columns cannot be used (the message says why).
    """
    return _analysis(
        source.id,
        selection.label,
        selection.score,
        selection.positive,
        selection.weight,
        source.frame,
    )


def current_analysis() -> Analysis | None:
    """The analysis the sidebar selected, or ``None`` (with an error shown) if unusable."""
    source: Source | None = st.session_state.get(SOURCE)
    selection: Selection | None = st.session_state.get(SELECTION)
    if source is None or selection is None:
        error = st.session_state.get(SOURCE_ERROR) if source is None else None
        if error:
            st.error(f"The uploaded file could not be used. {error}", icon=":material/error:")
        else:
            st.info("Choose a demo dataset or upload a file in the sidebar to begin.")
        return None
    try:
        with st.spinner("Sorting scores and counting at every threshold…"):
            return analysis_for(source, selection)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        return None


def demo_source(key: str = DEFAULT_DEMO) -> Source:
    """The built-in demo ``key`` as a source."""
    demo = DEMOS[key]
    return Source(
        id=f"demo:{key}",
        name=demo.title,
        frame=demo_frame(key),
        demo=demo,
        fingerprint=demo_fingerprint(key),
    )


# --- the threshold shared by every page --------------------------------------------


def _parse(value: object) -> float | None:
    try:
        t = float(str(value))
    except ValueError:
        return None
    return t if math.isfinite(t) else None


def sync_threshold(an: Analysis) -> float:
    """The current threshold for ``an``; call once per run before threshold widgets.

    A new dataset or score column starts from the URL's ``?threshold=`` on
    first load, else from the column's default (0.5 for probabilities).
    The widget callbacks keep the slider, the exact input and the shared
    value equal, so a slider move writes no widget key here: writing them on
    every run would push stale values back into a slider moved quickly.
    """
    state = st.session_state
    if state.get(SCOPE) != an.key:
        first_load = SCOPE not in state
        from_url = _parse(st.query_params.get(THRESHOLD)) if first_load else None
        state[SCOPE] = an.key
        state[CURRENT] = from_url if from_url is not None else an.slider.default
        state[THRESHOLD] = an.slider.clamp(state[CURRENT])
        state[EXACT] = state[CURRENT]
    t = state[CURRENT]
    # Callbacks keep these equal, so normally nothing is written here.
    if state.get(THRESHOLD) != an.slider.clamp(t):
        state[THRESHOLD] = an.slider.clamp(t)
    if EXACT not in state:
        state[EXACT] = t
    return t


def set_threshold(value: float) -> None:
    """Make ``value`` the threshold of every page (use as a widget callback)."""
    value = float(value)
    st.session_state[CURRENT] = value
    st.session_state[EXACT] = value


def _from_slider() -> None:
    value = float(st.session_state[THRESHOLD])
    st.session_state[CURRENT] = value
    st.session_state[EXACT] = value


def _from_exact() -> None:
    value = st.session_state[EXACT]
    if value is not None and math.isfinite(value):
        st.session_state[CURRENT] = float(value)


def enter_page(name: str) -> None:
    """Note the page about to run (``app.py`` calls this on every full run)."""
    state = st.session_state
    if state.get(_PAGE) != name:
        state[_PAGE] = name
        state.pop(_SEEDED, None)


def threshold_controls(an: Analysis) -> float:
    """Slider, exact number and one-click choices; returns the current threshold.

    Pages draw these widgets under the same keys, but Streamlit forgets or
    mixes up a widget's value once a run on another page has not drawn it. So
    the first run after entering a page seeds them from the shared threshold,
    or they would start from their defaults.
    """
    t = sync_threshold(an)
    rng = an.slider
    if not st.session_state.get(_SEEDED):
        st.session_state[_SEEDED] = True
        st.session_state[THRESHOLD] = rng.clamp(t)
        st.session_state[EXACT] = t
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    with left:
        st.slider(
            "Threshold: rows with score ≥ threshold are flagged positive",
            min_value=rng.lo,
            max_value=rng.hi,
            step=rng.step,
            key=THRESHOLD,
            on_change=_from_slider,
            bind="query-params",
            format="%.3f" if an.kind == "probability" else "%.4g",
        )
    # A URL-bound slider drawn for the first time takes the URL's value over
    # the one set above; follow it so slider and metrics agree.
    shown = float(st.session_state[THRESHOLD])
    if shown != rng.clamp(t):
        t = shown
        st.session_state[CURRENT] = t
        st.session_state[EXACT] = t
    with right:
        st.number_input(
            "Exact threshold",
            key=EXACT,
            step=rng.step,
            format="%.6g",
            on_change=_from_exact,
            help="Any real number; it need not lie on the slider's grid.",
        )
    choices: list[tuple[str, float, str]] = []
    if an.kind == "probability":
        choices.append(("0.5 (default)", 0.5, "The usual default cut for probabilities."))
    if an.best_f1 is not None:
        c = an.best_f1
        choices.append((f"Best F1 ({c.threshold:.4g})", c.threshold, f"F1 = {c.value:.3f}"))
    if an.youden is not None:
        c = an.youden
        choices.append(
            (
                f"Youden's J ({c.threshold:.4g})",
                c.threshold,
                f"recall + specificity − 1 = {c.value:.3f}",
            )
        )
    cols = st.columns(len(choices) + 1) if choices else []
    for col, (label, value, tip) in zip(cols, choices, strict=False):
        col.button(label, on_click=set_threshold, args=(value,), help=tip, width="stretch")
    return t
