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

import functools
import io
import zipfile
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from metrics_app.curves.model import safe_file_stem
from metrics_app.operating_point.state import KEPT
from metrics_app.report import images
from metrics_app.report.content import Report, build_report
from metrics_app.report.html import render_html
from metrics_app.report.pdf import render_pdf
from metrics_app.shared import session
from metrics_app.shared.analysis import Analysis

__all__ = ["charts_zip", "download_report", "report_now"]


def _live_state() -> Any:
    """The session's state object, readable after the run (see the module docstring)."""
    ctx = get_script_run_ctx()
    return ctx.session_state if ctx is not None else st.session_state


def _get(state: Any, key: str, default: object = None) -> object:
    # Not state.get(): Streamlit's state object outside st.session_state has no get().
    return state[key] if key in state else default  # noqa: SIM401


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


def download_report(an: Analysis | None) -> None:
    """A "Download report" row: the report as HTML and PDF, and its charts as PNG and SVG.

    Draws nothing without an analysis. Call once, at the end of a page.
    """
    source: session.Source | None = st.session_state.get(session.SOURCE)
    selection: session.Selection | None = st.session_state.get(session.SELECTION)
    if an is None or source is None or selection is None:
        return
    make = functools.partial(report_now, _live_state(), source, selection, an)
    stem = safe_file_stem(source.name)
    st.divider()
    st.markdown("**Download report**")
    st.caption(
        "One file for the people who approve this threshold and will not run the app: the "
        "data's fingerprint and columns, the threshold and its tie rule, the confusion "
        "matrix, every metric with its interval, the curves, costs, constraints and base "
        "rate, with the operating-point page's settings. It opens offline, in any browser."
    )
    buttons = (
        ("Report (HTML)", _html, f"{stem}_report.html", "text/html", "report_html"),
        ("Report (PDF)", _pdf, f"{stem}_report.pdf", "application/pdf", "report_pdf"),
        ("Charts (PNG and SVG, ZIP)", _zip, f"{stem}_charts.zip", "application/zip", "report_zip"),
    )
    with st.container(horizontal=True, wrap=True, gap="small"):
        for label, render, name, mime, key in buttons:
            st.download_button(
                label,
                data=functools.partial(render, make),
                file_name=name,
                mime=mime,
                on_click="ignore",
                icon=":material/download:",
                key=key,
            )
