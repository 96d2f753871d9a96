"""Streamlit state shared by every page: the data source, the column choice, the threshold.

Caches are keyed by short strings (a demo key, an upload's ``file_id``),
never by hashing frames or bytes on a rerun. Heavy objects are held with
``st.cache_resource``: the same read-only object on every hit, no copy. Every cache of
the app is made by :func:`cached`, bounded in entries and in age.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, TypeVar

import pandas as pd
import streamlit as st

from metrics_app.data import DataError, counts, frame_fingerprint, label_counts, read_table
from metrics_app.data.counts import CountsInfo
from metrics_app.data.demo import DEFAULT_DEMO, DEMOS, Demo, load_demo
from metrics_app.data.guess import numeric_columns
from metrics_app.launch import DATA_ENV, ServerData, find_data
from metrics_app.shared import notices
from metrics_app.shared.analysis import Analysis, analyse, one_click_thresholds

# Session-state keys (non-widget keys hold derived data; widget keys are
# owned by their widgets).
SOURCE = "source"  # the current Source
SELECTION = "selection"  # the current Selection
THRESHOLD = "threshold"  # the explorer's slider; also the URL parameter
CURRENT = "current_threshold"  # the threshold every page uses
SCOPE = "threshold_scope"  # Analysis.key the current threshold belongs to
EXACT = "threshold_exact"  # the exact-number input
SOURCE_ERROR = "source_error"  # why the last upload could not be read
SERVER_ERROR = "server_error"  # why the server's data could not be read
SERVER_DATA = "server_data"  # token of the server's data set this session shows ("" for none)
SERVER_LINK_GONE = "server_link_gone"  # the link named a data set the server no longer has
SELECTION_ERROR = "selection_error"  # why the chosen label column cannot be used
_PAGE = "page"  # the page of the last full run
_SEEDED = "threshold_widgets_seeded"  # threshold widgets seeded since entering the page
_RESET = "threshold_reset"  # (scope, threshold, why) of the last move to a default
_CHOICE = "threshold_choice"  # (source id, Selection) the current threshold belongs to
_FRESH = "threshold_fresh"  # the threshold moved to a default in this run
_PENDING = "threshold_pending"  # a slider value to put back before the slider is drawn
LIVE = "live_threshold"  # whether the explorer draws the live threshold control
_LIVE_SWITCH = "live_threshold_switch"  # the switch that sets LIVE


#: How long a cached object lives, however often it is used: a server that sees many uploads
#: over days frees each one's tables and sweeps at the latest this long after they were made
#: (a session still showing the data recomputes them on its next run).
CACHE_TTL = datetime.timedelta(hours=2)

_F = TypeVar("_F", bound=Callable[..., Any])


def cached(max_entries: int) -> Callable[[_F], _F]:
    """The app's one cache: one shared, read-only object per key, for every session.

    ``st.cache_resource`` returns the very object it holds (no copy, no pickling); at
    most ``max_entries`` are kept per function, the least recently used going first,
    and none older than :data:`CACHE_TTL`.
    """
    return st.cache_resource(max_entries=max_entries, ttl=CACHE_TTL, show_spinner=False)


@dataclass(frozen=True, eq=False)
class Source:
    """A table to analyse: a built-in demo, an uploaded file or the server's data."""

    id: str
    name: str
    frame: pd.DataFrame
    demo: Demo | None = None
    fingerprint: str = ""
    counts: CountsInfo | None = None  # set for a score, n_pos, n_neg counts file
    server: ServerData | None = None  # set for data the server was started on


@dataclass(frozen=True)
class Selection:
    """Which columns hold labels, scores and weights, the positive class, and the sign.

    ``negate`` scores with minus the column (a model whose scores point the other way);
    ``counts`` says the weight column holds whole-number counts of examples.
    """

    label: str
    score: str
    positive: object
    weight: str | None = None
    negate: bool = False
    counts: bool = False


@cached(len(DEMOS))
def demo_frame(key: str) -> pd.DataFrame:
    """A built-in demo table, generated once per server."""
    return load_demo(key)


@cached(len(DEMOS))
def demo_fingerprint(key: str) -> str:
    """SHA-256 of a demo table's content, computed once per server."""
    return frame_fingerprint(demo_frame(key))


@cached(4)
def upload_frame(
    file_id: str, name: str, _upload: BinaryIO
) -> tuple[pd.DataFrame, str, CountsInfo | None]:
    """An uploaded table, the SHA-256 of its bytes, and what a counts file says of itself.

    Keyed by the upload's ``file_id``, never by its bytes; the digest is taken
    here, once (about 60 ms for 80 MB), for operating-point cards. A
    ``score, n_pos, n_neg`` counts file comes back in the long layout
    (``score, label, count``), which every page reads like any labelled table.
    """
    return _table(_upload.getvalue(), name)


def _table(raw: bytes, name: str) -> tuple[pd.DataFrame, str, CountsInfo | None]:
    frame = read_table(raw, name)
    info = None
    if counts.is_wide_counts(frame):
        info = counts.counts_info(frame, raw)
        frame = counts.to_long(frame, info.positive, info.negative)
    return frame, hashlib.sha256(raw).hexdigest(), info


# --- data the server was started on (threshold-lab app, explore) ---------------------


@cached(64)
def _server_entry(folder: str, token: str) -> ServerData | None:
    return find_data(folder, token)


def server_data() -> ServerData | None:
    """The server's data set this session shows, or ``None`` when it was started on none.

    The launcher names the data folder in the environment (never the browser). A session
    picks its data set once, on its first run: the one its link names (``?data=<token>``),
    else the newest; later data sets (another ``explore()`` call) get links of their own,
    so the data never changes under an open page.
    """
    folder = os.environ.get(DATA_ENV)
    if not folder:
        return None
    state = st.session_state
    if SERVER_DATA not in state:
        wanted = st.query_params.get("data")
        entry = _server_entry(folder, wanted) if wanted else None
        state[SERVER_LINK_GONE] = bool(wanted) and entry is None
        entry = entry or find_data(folder)
        state[SERVER_DATA] = entry.token if entry else ""
    token = state[SERVER_DATA]
    return _server_entry(folder, token) if token else None


@cached(4)
def server_frame(token: str, path: str, name: str) -> tuple[pd.DataFrame, str, CountsInfo | None]:
    """The server's data set ``token``, read as an upload of the same file would be.

    Raises
    ------
    metrics_app.data.DataError
        When the file cannot be read (the message says why).
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as err:
        raise DataError(
            f"The server cannot read its data file {name} any more ({err.strerror or err}). "
            "Restart the app on a readable file, or choose a demo or an upload."
        ) from err
    return _table(raw, name)


def server_source(entry: ServerData) -> Source:
    """The server's data set ``entry`` as a source.

    Raises
    ------
    metrics_app.data.DataError
        When the file cannot be read (the message says why).
    """
    frame, digest, info = server_frame(entry.token, entry.path, entry.name)
    return Source(
        id=f"server:{entry.token}",
        name=entry.name,
        frame=frame,
        fingerprint=digest,
        counts=info,
        server=entry,
    )


@cached(16)
def _analysis(
    source_id: str,
    label: str,
    score: str,
    positive: object,
    weight: str | None,
    negate: bool,
    counts: bool,
    _frame: pd.DataFrame,
) -> Analysis:
    key = analysis_key(source_id, Selection(label, score, positive, weight, negate, counts))
    return analyse(
        _frame,
        key=key,
        label=label,
        score=score,
        positive=positive,
        weight=weight,
        negate=negate,
        counts=counts,
    )


def analysis_key(source_id: str, selection: Selection) -> str:
    """The :attr:`Analysis.key` of ``selection`` on a source (also the threshold's scope)."""
    sel = selection
    sign = "-" if sel.negate else ""
    weight = f"#{sel.weight}" if sel.counts else sel.weight
    return f"{source_id}|{sel.label}|{sign}{sel.score}|{sel.positive!r}|{weight}"


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
        selection.negate,
        selection.counts,
        source.frame,
    )


def positive_key(source_id: str, label: str) -> str:
    """Widget key of the sidebar's positive-class choice."""
    return f"positive::{source_id}::{label}"


def score_key(source_id: str) -> str:
    """Widget key of the sidebar's score-column choice."""
    return f"score::{source_id}"


def negate_key(source_id: str, score: str) -> str:
    """Widget key of the sidebar's "negate the scores" box."""
    return f"negate::{source_id}::{score}"


def apply_action(action: notices.Action) -> None:
    """Carry out a notice's one-click fix on the sidebar's choices (a button callback)."""
    source: Source | None = st.session_state.get(SOURCE)
    selection: Selection | None = st.session_state.get(SELECTION)
    if source is None or selection is None:
        return
    if action.kind == "positive":
        st.session_state[positive_key(source.id, selection.label)] = action.value
    elif action.kind == "score":
        st.session_state[score_key(source.id)] = action.value
    else:
        st.session_state[negate_key(source.id, selection.score)] = bool(action.value)


@cached(16)
def _notices(key: str, label: str, score: str, _an: Analysis, _frame: pd.DataFrame) -> list:
    counts = label_counts(_frame, label)
    columns = numeric_columns(_frame, exclude=(label,))
    return notices.notices(
        _an, label=label, score=score, label_counts=counts, score_columns=columns
    )


def show_notices(an: Analysis, source: Source, selection: Selection) -> None:
    """Every notice about the data (see :mod:`metrics_app.shared.notices`), with its fixes.

    They sit in one container drawn on every run, notices or not, so that what follows
    keeps its place in the page when a fix makes a notice go: a fragment that moved
    could leave a stale copy of its old content on screen.
    """
    found = _notices(an.key, selection.label, selection.score, an, source.frame)
    with st.container():
        for notice in found:
            _show_notice(notice)


def _show_notice(notice: notices.Notice) -> None:
    box = st.warning if notice.level == "warning" else st.info
    icon = ":material/warning:" if notice.level == "warning" else ":material/info:"
    box(notice.text, icon=icon)
    if notice.actions:
        cols = st.columns(len(notice.actions) + 2)
        for i, (col, action) in enumerate(zip(cols, notice.actions, strict=False)):
            col.button(
                action.label,
                key=f"notice::{notice.key}::{i}",
                on_click=apply_action,
                args=(action,),
                width="stretch",
            )


def current_analysis() -> Analysis | None:
    """The analysis the sidebar selected, or ``None`` (with an error shown) if unusable.

    Every page starts with this, so every page shows the notices about the data.
    """
    source: Source | None = st.session_state.get(SOURCE)
    selection: Selection | None = st.session_state.get(SELECTION)
    if source is None or selection is None:
        if source is None and st.session_state.get(SERVER_ERROR):
            error = st.session_state[SERVER_ERROR]
            st.error(f"The server's data could not be used. {error}", icon=":material/error:")
        elif source is None and st.session_state.get(SOURCE_ERROR):
            error = st.session_state[SOURCE_ERROR]
            st.error(f"The uploaded file could not be used. {error}", icon=":material/error:")
        elif source is not None and st.session_state.get(SELECTION_ERROR):
            st.error(st.session_state[SELECTION_ERROR], icon=":material/error:")
        else:
            st.info("Choose a demo dataset or upload a file in the sidebar to begin.")
        return None
    try:
        with st.spinner("Sorting scores and counting at every threshold…"):
            an = analysis_for(source, selection)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        return None
    show_notices(an, source, selection)
    return an


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


def _what_changed(before: tuple[str, Selection] | None) -> str:
    """Why a threshold moved to a default: what differs from the choice it belonged to."""
    source: Source | None = st.session_state.get(SOURCE)
    selection: Selection | None = st.session_state.get(SELECTION)
    if before is None or source is None or selection is None or before[0] != source.id:
        return "new data was chosen"
    old = before[1]
    for field, words in (
        ("label", "the label column changed"),
        ("positive", "the positive class changed"),
        ("score", "the score column changed"),
        ("negate", "the scores were negated" if selection.negate else "the scores' sign changed"),
        ("weight", "the weight column changed"),
    ):
        if getattr(old, field) != getattr(selection, field):
            return words
    return "the data changed"


def sync_threshold(an: Analysis) -> float:
    """The current threshold for ``an``; call once per run before threshold widgets.

    A new dataset or column choice starts from the URL's ``?threshold=`` on
    first load, else from the scores' default (0.5 for probabilities, 0 for
    logits and decision-function values), and the controls say why it moved.
    The widget callbacks keep the slider, the exact input and the shared
    value equal, so a slider move writes no widget key here: writing them on
    every run would push stale values back into a slider moved quickly.
    """
    state = st.session_state
    if state.get(SCOPE) != an.key:
        first_load = SCOPE not in state
        from_url = _parse(st.query_params.get(THRESHOLD)) if first_load else None
        if not first_load:
            state[_RESET] = (an.key, an.slider.default, _what_changed(state.get(_CHOICE)))
            state[_FRESH] = True
        state[SCOPE] = an.key
        state[CURRENT] = from_url if from_url is not None else an.slider.default
        state[THRESHOLD] = an.slider.clamp(state[CURRENT])
        state[EXACT] = state[CURRENT]
    choice = (state[SOURCE].id, state[SELECTION]) if state.get(SOURCE) else None
    state[_CHOICE] = choice
    t = state[CURRENT]
    # Callbacks keep these equal, so normally nothing is written here.
    if state.get(THRESHOLD) != an.slider.clamp(t):
        state[THRESHOLD] = an.slider.clamp(t)
    if EXACT not in state:
        state[EXACT] = t
    return t


def reset_note(an: Analysis) -> str | None:
    """Why the threshold sits at its default, while it still does; else ``None``."""
    reset = st.session_state.get(_RESET)
    if reset is None or reset[0] != an.key or st.session_state.get(CURRENT) != reset[1]:
        return None
    return (
        f"Threshold set to {an.threshold_text(reset[1])}, {an.slider.reason}, because {reset[2]}."
    )


def set_threshold(value: float) -> None:
    """Make ``value`` the threshold of every page (use as a widget callback)."""
    value = float(value)
    st.session_state[CURRENT] = value
    st.session_state[EXACT] = value


def _from_slider() -> None:
    value = float(st.session_state[THRESHOLD])
    st.session_state[CURRENT] = value
    st.session_state[EXACT] = value


def _from_live_switch() -> None:
    st.session_state[LIVE] = bool(st.session_state[_LIVE_SWITCH])


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


_SLIDER_LABEL = "Threshold: rows with score ≥ threshold are flagged positive"


def threshold_controls(an: Analysis, *, live: bool = False) -> float:
    """Slider, exact number and one-click choices; returns the current threshold.

    Pages draw these widgets under the same keys, but Streamlit forgets or
    mixes up a widget's value once a run on another page has not drawn it. So
    the first run after entering a page seeds them from the shared threshold,
    or they would start from their defaults.

    With ``live``, the slider is the live control of
    :mod:`metrics_app.shared.live_slider` (its readout follows the knob while it is
    dragged), unless the user turned it off or this Streamlit cannot draw it.
    """
    # Imported here: live_slider caches through this module.
    from metrics_app.shared import live_slider

    t = sync_threshold(an)
    rng = an.slider
    can_live = live and live_slider.available()
    live = can_live and st.session_state.get(LIVE, True)
    if _PENDING in st.session_state:
        st.session_state[THRESHOLD] = st.session_state.pop(_PENDING)
    if not st.session_state.get(_SEEDED):
        st.session_state[_SEEDED] = True
        st.session_state[THRESHOLD] = rng.clamp(t)
        st.session_state[EXACT] = t
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    if live:
        st.session_state.pop(_FRESH, None)
        with left:
            live_slider.live_threshold(an, t, _SLIDER_LABEL)
        # The URL keeps the threshold, as the bound slider of the other pages does.
        text = str(rng.clamp(t))
        if st.query_params.get(THRESHOLD) != text:
            st.query_params[THRESHOLD] = text
    else:
        with left:
            st.slider(
                _SLIDER_LABEL,
                min_value=rng.lo,
                max_value=rng.hi,
                step=rng.step,
                key=THRESHOLD,
                on_change=_from_slider,
                bind="query-params",
                format="%.3f" if an.kind == "probability" else "%.4g",
            )
        # A URL-bound slider drawn for the first time takes the URL's value over
        # the one set above. On the first load that is what the URL asked for: follow
        # it. After a change of data it is the old threshold (a slider with a new
        # range is a new widget): put the new default back on the next run, since a
        # widget's value cannot be set once it is drawn.
        shown = float(st.session_state[THRESHOLD])
        fresh = st.session_state.pop(_FRESH, False)
        if shown != rng.clamp(t):
            if fresh:
                st.session_state[_PENDING] = rng.clamp(t)
                st.rerun()
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
    choices = one_click_thresholds(an)
    # Buttons as wide as their labels, wrapping in a narrow window: a threshold is never cut.
    with st.container(horizontal=True, wrap=True, gap="small"):
        for choice in choices:
            st.button(
                choice.label,
                on_click=set_threshold,
                args=(choice.threshold,),
                help=choice.help,
                width="content",
            )
    note = reset_note(an)
    if note:
        st.caption(f":material/restart_alt: {note}")
    if can_live:
        # The switch's own key is forgotten on pages that do not draw it; LIVE is not.
        if _LIVE_SWITCH not in st.session_state:
            st.session_state[_LIVE_SWITCH] = st.session_state.get(LIVE, True)
        st.toggle(
            "Live drag preview",
            key=_LIVE_SWITCH,
            on_change=_from_live_switch,
            help="While you drag the knob (or move it with the arrow keys), precision, "
            "recall, F1 and the four counts beside it follow on every frame: the exact "
            "values at each slider step. The cards and charts below update when you let "
            "go. Turn off for Streamlit's plain slider.",
        )
    return t
