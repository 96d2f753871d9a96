"""The sidebar: where the data comes from and which columns mean what.

Drawn by ``app.py`` on every page, so it stays put across pages; it leaves
the chosen :class:`~metrics_app.session.Source` and
:class:`~metrics_app.session.Selection` in session state for the pages.
When the server was started on data (``threshold-lab app PATH``, ``explore()``),
that data is one more source, first and chosen, beside the demos and the upload.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics_app.data import ColumnGuess, DataError, guess_columns, guess_positive, label_counts
from metrics_app.data.counts import counts_column
from metrics_app.data.demo import DEFAULT_DEMO, DEMOS
from metrics_app.data.guess import column_of_class
from metrics_app.data.prepare import match_positive
from metrics_app.launch import ServerData
from metrics_app.shared import session
from metrics_app.shared.format import escape_markdown

_UPLOADED = "uploaded_source"  # the last upload, kept while the uploader is not drawn
_MODES = ("Demo data", "Upload a file")
_SERVER_MODE = "Server data"  # shown as the data set's name
_DEMO_IN_URL = "demo_in_url"  # the ?demo= value last seen or written


@session.cached(8)
def _guess(source_id: str, _frame: pd.DataFrame) -> ColumnGuess:
    return guess_columns(_frame)


@session.cached(16)
def _label_counts(source_id: str, label: str, _frame: pd.DataFrame) -> dict[object, int]:
    return label_counts(_frame, label)


def _demo_from_url() -> None:
    """Follow ``?demo=<key>`` when the URL changes it (a shared link, a tutorial link)."""
    wanted = st.query_params.get("demo")
    if wanted != st.session_state.get(_DEMO_IN_URL) and wanted in DEMOS:
        st.session_state["source_mode"] = _MODES[0]
        st.session_state["demo"] = wanted
    st.session_state[_DEMO_IN_URL] = wanted


def _demo_source() -> session.Source:
    keys = list(DEMOS)
    key = st.selectbox(
        "Demo dataset",
        keys,
        index=keys.index(DEFAULT_DEMO),
        format_func=lambda k: DEMOS[k].title,
        key="demo",
    )
    # Keep the URL shareable: ?demo=spam rather than the displayed title.
    if key == DEFAULT_DEMO:
        st.query_params.pop("demo", None)
        st.session_state[_DEMO_IN_URL] = None
    else:
        st.query_params["demo"] = key
        st.session_state[_DEMO_IN_URL] = key
    st.caption(DEMOS[key].summary)
    with st.spinner("Generating the demo data…"):
        return session.demo_source(key)


def _upload_source() -> session.Source | None:
    upload = st.file_uploader(
        "Labels and scores: CSV, TSV, semicolon CSV, .gz or Parquet",
        key="upload",
        help="One row per example: a column of true labels and one or more score columns.",
    )
    if upload is None:
        kept: session.Source | None = st.session_state.get(_UPLOADED)
        if kept is None:
            st.info("Upload a file, or switch to the demo data.", icon=":material/upload:")
            return None
        st.caption(f"Using **{escape_markdown(kept.name)}**, uploaded earlier.")
        if st.button("Forget this file", icon=":material/delete:"):
            del st.session_state[_UPLOADED]
            st.rerun()
        return kept
    try:
        with st.spinner("Reading the file…"):
            frame, digest, info = session.upload_frame(upload.file_id, upload.name, upload)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        st.session_state[session.SOURCE_ERROR] = str(err)
        return None
    st.session_state.pop(session.SOURCE_ERROR, None)
    source = session.Source(
        id=f"upload:{upload.file_id}",
        name=upload.name,
        frame=frame,
        fingerprint=digest,
        counts=info,
    )
    st.session_state[_UPLOADED] = source
    return source


def _server_source(entry: ServerData) -> session.Source | None:
    st.caption(f":material/dns: {escape_markdown(entry.note)}")
    if st.session_state.get(session.SERVER_LINK_GONE):
        st.warning(
            "The link named data this server no longer has; its newest data is shown instead.",
            icon=":material/link_off:",
        )
    try:
        with st.spinner("Reading the server's data…"):
            source = session.server_source(entry)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        st.session_state[session.SERVER_ERROR] = str(err)
        return None
    st.session_state.pop(session.SERVER_ERROR, None)
    return source


def _index(options: list, value: object, key: str) -> int:
    """The default's position; 0 (no default) once the widget's key holds a value.

    A notice's fix sets the positive class or score column through session state, and
    Streamlit warns about a widget given both a default (an index other than 0) and a
    session-state value. The session-state value wins either way.
    """
    if key in st.session_state and st.session_state[key] in options:
        return 0
    return options.index(value) if value in options else 0


def _follow_positive(positive_key: str, score_key: str, own: dict[object, str]) -> None:
    """A new positive class brings its own score column along, when one is named for it."""
    column = own.get(st.session_state[positive_key])
    if column is not None:
        st.session_state[score_key] = column


def _selection(source: session.Source) -> session.Selection | None:
    frame = source.frame
    columns = [str(c) for c in frame.columns]
    demo = source.demo
    preset = source.server  # columns chosen by whoever started the server, if any
    guess = _guess(source.id, frame)
    default_label = demo.label if demo else ("label" if source.counts else guess.label)
    if preset and preset.label and not source.counts:
        default_label = preset.label
    label = st.selectbox(
        "Label column (the truth)",
        columns,
        index=_index(columns, default_label, f"label::{source.id}"),
        key=f"label::{source.id}",
    )
    try:
        counts = _label_counts(source.id, label, frame)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        st.session_state[session.SELECTION_ERROR] = str(err)
        return None
    st.session_state.pop(session.SELECTION_ERROR, None)
    values = list(counts)
    if not values:
        st.error("The label column is empty: choose the column that holds the true classes.")
        return None
    score_options = [c for c in columns if c != label]
    own = {v: c for v in values if (c := column_of_class(v, score_options, values)) is not None}
    if demo:
        default_pos = demo.positive
    elif source.counts:
        default_pos = source.counts.positive
    else:
        default_pos = guess_positive(values, list(counts.values()))
    if preset and preset.positive is not None and label == preset.label and not source.counts:
        matched = match_positive(values, preset.positive)
        default_pos = values[matched[0]] if matched else default_pos
    positive_key, score_key = session.positive_key(source.id, label), session.score_key(source.id)
    positive = st.selectbox(
        "Positive class",
        values,
        index=_index(values, default_pos, positive_key),
        format_func=lambda v: f"{v}  ({counts[v]:,} rows)",
        key=positive_key,
        on_change=_follow_positive,
        args=(positive_key, score_key, own),
        help="The class the model is trying to find (fraud, spam, disease…). "
        "Every other label counts as negative.",
    )
    if demo:
        default_score = demo.scores[0]
    elif preset and preset.score and not source.counts:
        default_score = preset.score
    else:
        default_score = own.get(positive) or (guess.scores[0] if guess.scores else None)
    score = st.selectbox(
        "Score column (the model's output)",
        score_options,
        index=_index(score_options, default_score, score_key),
        key=score_key,
        help="Higher scores mean 'more likely positive'. Probabilities, logits or any real number.",
    )
    if own.get(positive) == score and len(own) > 1:
        st.caption(
            f"**{escape_markdown(score)}** is the score of **{escape_markdown(positive)}**, "
            "matched by name; it follows the positive class."
        )
    negate = st.checkbox(
        "Negate the scores",
        key=session.negate_key(source.id, score),
        help="Use minus the scores, for a model whose higher scores mean the other class "
        "(for example a column that scores the negative class). Thresholds change sign too.",
    )
    weight_options: list[str | None] = [None, *(c for c in score_options if c != score)]
    counted = counts_column(frame)
    default_weight = demo.weight if demo else (guess.weight or counted)
    if preset and preset.weight and not source.counts:
        default_weight = preset.weight
    weight = st.selectbox(
        "Weight column (optional)",
        weight_options,
        index=_index(weight_options, default_weight, f"weight::{source.id}"),
        format_func=lambda c: _weight_text(c, counted),
        key=f"weight::{source.id}",
        help="A column of sample weights, or of counts: each row then stands for that many "
        "examples with its score and class.",
    )
    return session.Selection(
        label=label,
        score=score,
        positive=positive,
        weight=weight,
        negate=negate,
        counts=weight is not None and weight == counted,
    )


def _weight_text(column: str | None, counted: str | None) -> str:
    if column is None:
        return "none: every row counts once"
    if column == counted:
        return f"{column}: counts (a row stands for that many examples)"
    return column


def data_sidebar() -> None:
    """Draw the data source and column choices into the sidebar."""
    with st.sidebar:
        st.subheader("Data", anchor=False)
        entry = session.server_data()
        _demo_from_url()
        modes = (_SERVER_MODE, *_MODES) if entry else _MODES
        if st.session_state.get("source_mode", modes[0]) not in modes:
            del st.session_state["source_mode"]  # the server's data is gone: back to the default
        mode = st.radio(
            "Source",
            modes,
            key="source_mode",
            horizontal=True,
            format_func=lambda m: escape_markdown(entry.name) if m == _SERVER_MODE and entry else m,
        )
        if mode == _SERVER_MODE and entry:
            source = _server_source(entry)
        elif mode == _MODES[0]:
            source = _demo_source()
        else:
            source = _upload_source()
        st.session_state[session.SOURCE] = source
        if source is None:
            st.session_state[session.SELECTION] = None
            return
        with st.expander("Columns", expanded=source.demo is None):
            st.session_state[session.SELECTION] = _selection(source)
