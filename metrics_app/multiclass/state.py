"""Streamlit state of the multiclass page: caches, widget keys and the drill-down callback.

Caches are keyed by short strings (the source id, the label column and a digest of the
column choice, or a rule's digest) and bounded; frames and analyses are passed unhashed
(``_frame``, ``_an``), so a rerun never hashes arrays. Widget keys carry the source and the
label column (or the analysis key), so each dataset keeps its own choices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import streamlit as st

from metrics_app.multiclass import model
from metrics_app.multiclass.model import (
    Abstention,
    Matching,
    MulticlassAnalysis,
    Outcome,
    Ranking,
    Rule,
)
from metrics_app.shared import session

__all__ = [
    "CHOSEN",
    "TAB_KEY",
    "Chosen",
    "Spec",
    "abstention",
    "analysis",
    "argmax_outcome",
    "classes",
    "current_input",
    "drill_down",
    "key",
    "matching",
    "outcome",
    "ranking",
    "remember",
    "spec_key",
    "top_k",
]

#: Widget key of the page's tabs.
TAB_KEY = "mc_tab"

#: Session key of the last column choice and rule drawn on the page (a :class:`Chosen`).
CHOSEN = "mc_chosen"


@dataclass(frozen=True)
class Spec:
    """The column choice of the matching panel: everything the analysis depends on."""

    columns: tuple[str | None, ...]
    prediction: str | None = None
    kind: Literal["detect", "probability", "score"] = "detect"
    softmax: bool = False


@dataclass(frozen=True)
class Chosen:
    """The page's column choice and decision rule for one source and label column.

    The binary pages' report reads it, so that a file with three or more classes is
    reported with the rule the multiclass page shows.
    """

    source_id: str
    label: str
    spec: Spec
    rule: Rule


def remember(source_id: str, label: str, spec: Spec, rule: Rule) -> None:
    """Keep the column choice and rule drawn now (see :class:`Chosen`)."""
    st.session_state[CHOSEN] = Chosen(source_id, label, spec, rule)


def key(kind: str, *parts: object) -> str:
    """A widget key of this page: ``mc_<kind>::<part>::...``."""
    return "::".join([f"mc_{kind}", *(str(p) for p in parts)])


def current_input() -> tuple[session.Source, session.Selection] | None:
    """The sidebar's data and column choice, or ``None`` (with the reason shown)."""
    source: session.Source | None = st.session_state.get(session.SOURCE)
    selection: session.Selection | None = st.session_state.get(session.SELECTION)
    if source is None:
        error = st.session_state.get(session.SOURCE_ERROR)
        if error:
            st.error(f"The uploaded file could not be used. {error}", icon=":material/error:")
        else:
            st.info("Choose a demo dataset or upload a file in the sidebar to begin.")
        return None
    if selection is None:
        error = st.session_state.get(session.SELECTION_ERROR)
        st.error(error or "Choose the label column in the sidebar.", icon=":material/error:")
        return None
    return source, selection


@session.cached(8)
def _classes(source_id: str, label: str, _frame: pd.DataFrame) -> list[object]:
    return model.class_values(_frame, label)


def classes(source: session.Source, label: str) -> list[object]:
    """The sorted classes of the label column (cached).

    Raises
    ------
    metrics_app.data.DataError
        If the column cannot hold classes.
    """
    return _classes(source.id, label, source.frame)


@session.cached(8)
def _matching(source_id: str, label: str, _frame: pd.DataFrame, _classes: list) -> Matching:
    return model.guess_matching(_frame, label, _classes)


def matching(source: session.Source, label: str, class_list: Sequence[object]) -> Matching:
    """The score column guessed for each class by name (cached)."""
    return _matching(source.id, label, source.frame, list(class_list))


def spec_key(source_id: str, label: str, spec: Spec) -> str:
    """The :attr:`MulticlassAnalysis.key` of ``spec``: short, whatever the number of classes."""
    digest = hashlib.sha256(repr(spec).encode()).hexdigest()[:16]
    return f"{source_id}|{label}|{digest}"


# Each analysis holds its (n, K) score matrix: 80 MB at 1e6 rows and 10 classes.
@session.cached(4)
def _analysis(
    key_: str, _frame: pd.DataFrame, _label: str, _classes: tuple, _spec: Spec
) -> MulticlassAnalysis:
    return model.analyse_multiclass(
        _frame,
        key=key_,
        label=_label,
        columns=dict(zip(_classes, _spec.columns, strict=True)),
        prediction=_spec.prediction,
        kind=_spec.kind,
        softmax=_spec.softmax,
    )


def analysis(
    source: session.Source, label: str, class_list: Sequence[object], spec: Spec
) -> MulticlassAnalysis:
    """The cached analysis of ``spec`` on ``source`` (one per source, label and choice).

    Raises
    ------
    metrics_app.data.DataError
        When the columns cannot be used (the message says why and what to do).
    """
    return _analysis(spec_key(source.id, label, spec), source.frame, label, tuple(class_list), spec)


@session.cached(8)
def _ranking(key_: str, _an: MulticlassAnalysis) -> Ranking:
    return model.rank(_an)


def ranking(an: MulticlassAnalysis) -> Ranking:
    """Per-class sweeps, areas and curves of ``an`` (cached; needs score columns)."""
    return _ranking(an.key, an)


@session.cached(8)
def _abstention(key_: str, _an: MulticlassAnalysis) -> Abstention:
    return model.abstention(_an)


def abstention(an: MulticlassAnalysis) -> Abstention:
    """The coverage-accuracy curve of ``an`` (cached; needs score columns)."""
    return _abstention(an.key, an)


@session.cached(64)
def _top_k(key_: str, k: int, _an: MulticlassAnalysis) -> float:
    return model.top_k(_an, k)


def top_k(an: MulticlassAnalysis, k: int) -> float:
    """Top-``k`` accuracy of ``an`` (cached per ``k``)."""
    return _top_k(an.key, int(k), an)


@session.cached(32)
def _outcome(key_: str, rule_key: str, _an: MulticlassAnalysis, _rule: Rule) -> Outcome:
    return model.outcome(_an, _rule)


def outcome(an: MulticlassAnalysis, rule: Rule) -> Outcome:
    """The predictions and label metrics of ``rule`` on ``an`` (cached per rule)."""
    return _outcome(an.key, rule.key, an, rule)


def argmax_outcome(an: MulticlassAnalysis) -> Outcome:
    """The default rule's outcome: the highest score, else the predicted-class column."""
    return outcome(an, Rule("argmax" if an.data.scores is not None else "column"))


def drill_down(source_id: str, label: str, value: object, column: str | None) -> None:
    """Make ``value`` the sidebar's positive class, scored by its own column (a callback).

    Every binary page then analyses that class against the rest.
    """
    st.session_state[session.positive_key(source_id, label)] = value
    if column is not None:
        st.session_state[session.score_key(source_id)] = column
        st.session_state[session.negate_key(source_id, column)] = False
