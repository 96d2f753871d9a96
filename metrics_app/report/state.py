"""Streamlit side of the report: the "Download report" buttons of the explorer and operating point.

The files are made only when a button is pressed (``data=`` a callable), on a thread of
the server outside the page's script run, so nothing is computed while the page draws.
The threshold and the operating-point inputs are read from the session *at that moment*:
the pages change them inside fragments, which rerun without redrawing these buttons, so
values taken when the buttons were drawn could be stale. The session's state object is
safe to read from another thread (Streamlit guards it with a lock); ``st.session_state``
itself only works inside a script run, so the object is taken from the run's context.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import zipfile
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics_app.curves.model import safe_file_stem
from metrics_app.data import DataError
from metrics_app.multiclass import card as mc_card
from metrics_app.multiclass import model as mc_model
from metrics_app.multiclass import state as mc
from metrics_app.multiclass.model import MulticlassAnalysis, Outcome, Rule
from metrics_app.operating_point.state import KEPT
from metrics_app.report import images
from metrics_app.report.content import Report, Section, Text, build_report
from metrics_app.report.html import render_html
from metrics_app.report.multiclass import build_multiclass_report, multiclass_sections
from metrics_app.report.pdf import render_pdf
from metrics_app.shared import session
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown

__all__ = [
    "charts_zip",
    "download_multiclass",
    "download_report",
    "multiclass_now",
    "report_now",
]


def _live_state() -> Any:
    """The session's state object, readable after the run (see the module docstring)."""
    ctx = get_script_run_ctx()
    return ctx.session_state if ctx is not None else st.session_state


def _get(state: Any, key: str, default: object = None) -> object:
    # Not state.get(): Streamlit's state object outside st.session_state has no get().
    return state[key] if key in state else default  # noqa: SIM401


def multiclass_now(
    state: Any, source: session.Source, selection: session.Selection
) -> tuple[Section, ...]:
    """The multiclass part of the binary report of a file with three or more classes.

    It reports the rule and columns last drawn on the multiclass page for this data and
    label column; the columns matched by name and the default rule when the page was not
    opened. Nothing for two classes.
    """
    label = selection.label
    try:
        classes = mc_model.class_values(source.frame, label)
    except DataError:
        return ()  # not classes at all: the binary report's notices say so
    if len(classes) < 3:
        return ()
    chosen = _get(state, mc.CHOSEN)
    rule: Rule | None = None
    if isinstance(chosen, mc.Chosen) and (chosen.source_id, chosen.label) == (source.id, label):
        spec, rule = chosen.spec, chosen.rule
    else:
        m = mc_model.guess_matching(source.frame, label, classes)
        spec = mc.Spec(columns=m.columns, prediction=m.prediction)
    try:
        an = mc_model.analyse_multiclass(
            source.frame,
            key=mc.spec_key(source.id, label, spec),
            label=label,
            columns=dict(zip(classes, spec.columns, strict=True)),
            prediction=spec.prediction,
            kind=spec.kind,
            softmax=spec.softmax,
        )
    except DataError as err:
        text = Text(
            "The multiclass view of this file could not be made: " + escape_markdown(err),
            "warning",
        )
        return (Section("mc_decision", "The multiclass decision", (text,), new_page=True),)
    argmax = _argmax(an)
    result = argmax if rule is None else mc_model.outcome(an, rule)
    ranking = mc_model.rank(an) if an.data.scores is not None else None
    sections = multiclass_sections(an, result, label=label, argmax=argmax, ranking=ranking)
    if selection.weight is None:
        return sections
    # As the multiclass page says: its counts are rows, whatever the binary part weighs.
    note = Text(
        f"The weight column **{escape_markdown(selection.weight)}** is not used in the "
        "multiclass part: every row counts once.",
        "note",
    )
    first = sections[0]
    return (dataclasses.replace(first, blocks=(*first.blocks, note)), *sections[1:])


def _argmax(an: MulticlassAnalysis) -> Outcome:
    return mc_model.outcome(an, Rule("argmax" if an.data.scores is not None else "column"))


def report_now(
    state: Any, source: session.Source, selection: session.Selection, an: Analysis
) -> Report:
    """The report of what the pages show now: the current threshold and the page's inputs.

    Parameters
    ----------
    state : session state
        Read when called: the shared threshold and the operating-point page's kept inputs
        (defaults for a page never opened).
    source, selection, an : the data, the column choice and their analysis.
    """
    threshold = _get(state, session.CURRENT)
    if threshold is None or _get(state, session.SCOPE) != an.key:
        threshold = an.slider.default  # the threshold belongs to other data: not drawn yet
    kept = _get(state, KEPT) or {}
    return build_report(
        source.frame,
        an,
        data_name=source.name,
        fingerprint=source.fingerprint,
        label=selection.label,
        weight=selection.weight,
        threshold=float(threshold),  # type: ignore[arg-type]
        settings=dict(kept),  # type: ignore[call-overload]
        extra=multiclass_now(state, source, selection),
    )


def charts_zip(report: Report) -> bytes:
    """Every chart of ``report`` as ``<name>.svg`` and ``<name>.png``, in one ZIP file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for chart in report.charts:
            archive.writestr(f"{chart.key}.svg", images.svg(chart.spec))
            archive.writestr(f"{chart.key}.png", images.png(chart.spec))
    return buffer.getvalue()


def _html(make: Callable[[], Report]) -> bytes:
    return render_html(make()).encode("utf-8")


def _pdf(make: Callable[[], Report]) -> bytes:
    return render_pdf(make())


def _zip(make: Callable[[], Report]) -> bytes:
    return charts_zip(make())


def _download_row(
    make: Callable[[], Report],
    stem: str,
    caption: str,
    *,
    prefix: str = "report",
    card: Callable[[], bytes] | None = None,
) -> None:
    """The "Download report" heading and its buttons; each file is made when clicked."""
    st.divider()
    st.markdown("**Download report**")
    st.caption(caption)
    buttons = [
        ("Report (HTML)", functools.partial(_html, make), f"{stem}_report.html", "text/html",
         "html"),
        ("Report (PDF)", functools.partial(_pdf, make), f"{stem}_report.pdf", "application/pdf",
         "pdf"),
        ("Charts (PNG and SVG, ZIP)", functools.partial(_zip, make), f"{stem}_charts.zip",
         "application/zip", "zip"),
    ]  # fmt: skip
    if card is not None:
        buttons.append(
            ("Decision card (JSON)", card, f"{stem}_card.json", "application/json", "card")
        )
    with st.container(horizontal=True, wrap=True, gap="small"):
        for label, data, name, mime, key in buttons:
            st.download_button(
                label,
                data=data,
                file_name=name,
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                key=f"{prefix}_{key}",
            )


def download_report(an: Analysis | None) -> None:
    """A "Download report" row: the report as HTML and PDF, and its charts as PNG and SVG.

    Draws nothing without an analysis. Call once, at the end of a page.
    """
    source: session.Source | None = st.session_state.get(session.SOURCE)
    selection: session.Selection | None = st.session_state.get(session.SELECTION)
    if an is None or source is None or selection is None:
        return
    make = functools.partial(report_now, _live_state(), source, selection, an)
    _download_row(
        make,
        safe_file_stem(source.name),
        "One file for the people who approve this threshold and will not run the app: the "
        "data's fingerprint and columns, the threshold and its tie rule, the confusion "
        "matrix, every metric with its interval, the curves, costs, constraints and base "
        "rate, with the operating-point page's settings (and, for three or more classes, "
        "the multiclass page's rule, matrix and report). It opens offline, in any browser.",
    )


def download_multiclass(an: MulticlassAnalysis, result: Outcome) -> None:
    """The multiclass page's "Download report" row: report, charts and a JSON card.

    The files describe ``result`` (the rule drawn now): the row is drawn inside the
    page's fragment, so it is redrawn with every change of the rule.
    """
    source: session.Source | None = st.session_state.get(session.SOURCE)
    selection: session.Selection | None = st.session_state.get(session.SELECTION)
    if source is None or selection is None:
        return
    common = {"data_name": source.name, "fingerprint": source.fingerprint, "label": selection.label}
    make = functools.partial(_multiclass_report, an, result, common)
    card = functools.partial(_card, an, result, common)
    _download_row(
        make,
        safe_file_stem(source.name) + "_multiclass",
        "The decision rule with its settings, the confusion matrix, the per-class report "
        "and the ranking scores, for people who will not run the app; the JSON card holds "
        "the rule, the matrix and the report as numbers. They open offline.",
        prefix="mc_report",
        card=card,
    )


def _ranking(an: MulticlassAnalysis) -> mc_model.Ranking | None:
    # Computed when a file is asked for, on the thread that makes it: drawing the page
    # never waits for the areas of every class.
    return mc_model.rank(an) if an.data.scores is not None else None


def _multiclass_report(an: MulticlassAnalysis, result: Outcome, common: dict[str, Any]) -> Report:
    argmax = _argmax(an) if result.rule.kind == "cost" else None
    return build_multiclass_report(an, result, argmax=argmax, ranking=_ranking(an), **common)


def _card(an: MulticlassAnalysis, result: Outcome, common: dict[str, Any]) -> bytes:
    return mc_card.card_bytes(mc_card.make_card(an, result, ranking=_ranking(an), **common))
