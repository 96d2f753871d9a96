"""Streamlit state of the Tutorial page: the lessons' caches, and the widget callbacks.

Every cache is keyed by a small scenario parameter (a demo key, a prevalence, a batch
size) and bounded by the number of values its widget offers; the data it holds is
read-only and shared by every session.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from metrics_app.shared import session
from metrics_app.tutorial import (
    exercises,
    multiclass,
    paradox,
    pitfalls,
    roc_pr,
    strip,
    trade_off,
)
from metrics_app.tutorial.model import Labelled, Scored, demo_scores

__all__ = [
    "always_legit",
    "answer_key",
    "averages_frame",
    "batch_curve",
    "batches",
    "check_answer",
    "demo_data",
    "draw_more_pairs",
    "feedback",
    "follow_pending_link",
    "imbalanced",
    "leakage",
    "majority_frame",
    "one_sided",
    "open_demo",
    "overfitting",
    "pairs_drawn",
    "paradox_model",
    "reset_pairs",
    "roc_gallery",
    "score",
    "section_exercises",
    "separation",
    "set_widget",
    "slider_costs",
    "strip_patients",
    "tickets",
    "top_k",
]

_GOTO = "tutorial_goto_demo"  # a demo the explorer should open on the next run
_SOURCE_MODE = "source_mode"  # sidebar radio (metrics_app.shared.sidebar)
_DEMO_MODE = "Demo data"
_DEMO = "demo"  # sidebar demo selectbox (metrics_app.shared.sidebar)


# --- widget callbacks ---------------------------------------------------------------------


def set_widget(key: str, value: Any) -> None:
    """``on_click`` callback: set widget ``key`` to ``value`` before the rerun draws it."""
    st.session_state[key] = value


def open_demo(key: str) -> None:
    """``on_click`` callback of a 'try it' button: open demo ``key`` on the explorer.

    It sets the sidebar's two widgets itself ("Demo data" and the demo), then
    :func:`follow_pending_link` switches page. A page link could only pass ``?demo=<key>``
    and rely on the sidebar noticing a *changed* URL value; when the URL already names
    that demo (say the user then switched to "Upload a file"), the link would open the
    upload instead.
    """
    st.session_state[_SOURCE_MODE] = _DEMO_MODE
    st.session_state[_DEMO] = key
    st.session_state[_GOTO] = key


def follow_pending_link() -> None:
    """Switch to the explorer if a 'try it' button was just clicked.

    Called at the top of the page and of every fragment: a click inside a fragment reruns
    only that fragment.
    """
    if st.session_state.pop(_GOTO, None) is not None:
        # An empty mapping, not None: the sidebar writes ?demo= itself, and None (clear all)
        # raises if a widget is bound to a query parameter, as the demo selectbox once was.
        st.switch_page("pages/explore.py", query_params={})


# --- cached data (keyed by small scenario parameters) -------------------------------------


@session.cached(4)
def demo_data(key: str, score: str) -> Scored:
    """Demo ``key``'s labels and ``score`` column, with their sweep."""
    return demo_scores(key, score, frame=session.demo_frame(key))


@session.cached(1)
def paradox_model() -> paradox.Construction:
    """The model of section 1, built from its target accuracy and recall."""
    return paradox.build_paradox_model()


@session.cached(64)
def always_legit(prevalence: float) -> Labelled:
    """The model that never says fraud, on payments with ``prevalence`` fraud."""
    return paradox.always_legitimate(prevalence)


@session.cached(1)
def majority_frame() -> pd.DataFrame:
    """Accuracy and recall of "never fraud" across the slider's prevalences."""
    return paradox.majority_accuracy_frame()


@session.cached(len(trade_off.COST_SCENARIOS))
def slider_costs(key: str) -> trade_off.SliderCosts:
    """The cost of errors of cost scenario ``key`` on its threshold slider."""
    c = trade_off.COST_SCENARIOS[key]
    return trade_off.slider_costs(demo_data(key, c.score), c)


@session.cached(len(roc_pr.PREVALENCE_OPTIONS))
def imbalanced(prevalence: float) -> roc_pr.ImbalancedSet:
    """The model of section 6 on data with ``prevalence`` positives."""
    return roc_pr.imbalanced_set(prevalence)


@session.cached(1)
def leakage() -> pitfalls.LeakageStudy:
    """The leaky and the honest fraud model, on validation and fresh data."""
    return pitfalls.leakage_study()


@session.cached(1)
def overfitting() -> pitfalls.OverfitStudy:
    """Trees of every depth on the two-circles data."""
    return pitfalls.overfitting_study()


@session.cached(len(pitfalls.BATCH_SIZES))
def batches(batch_size: int) -> pitfalls.Batches:
    """The batch example's metrics, cut into batches of ``batch_size``."""
    key, score, t = pitfalls.BATCH_SOURCE
    d = demo_data(key, score)
    return pitfalls.batch_metrics(d.y, d.scores, batch_size, t)


@session.cached(1)
def batch_curve() -> pd.DataFrame:
    """Mean per-batch F1 at every batch size of the slider."""
    key, score, t = pitfalls.BATCH_SOURCE
    d = demo_data(key, score)
    return pitfalls.batch_curve(d.y, d.scores, t)


@session.cached(1)
def averages_frame() -> pd.DataFrame:
    """Macro, micro and weighted F1 as the rare class's recall goes from 0 to 1."""
    return multiclass.multiclass_averages_frame()


@session.cached(32)
def tickets(rare_recall: float) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Per-class table, averages table and confusion matrix at ``rare_recall``."""
    y, pred = multiclass.ticket_predictions(rare_recall)
    return multiclass.multiclass_report(y, pred)


# --- exercises ----------------------------------------------------------------------------

_ANSWERS = "tutorial_answers"  # exercise key -> (answer last checked, whether it is right)


def answer_key(ex: exercises.Exercise) -> str:
    """Widget key of the answer of ``ex``."""
    return f"answer_{ex.key}"


@session.cached(len(exercises.SECTIONS))
def section_exercises(section: str) -> tuple[exercises.Exercise, ...]:
    """The exercises of ``section``, with their numbers computed (shared by every session)."""
    return exercises.section_exercises(section)


def check_answer(ex: exercises.Exercise) -> None:
    """``on_click`` callback of an exercise's Check button: keep the answer given."""
    given = st.session_state.get(answer_key(ex))
    answers = st.session_state.setdefault(_ANSWERS, {})
    if given is None:
        answers.pop(ex.key, None)
    else:
        answers[ex.key] = (given, ex.check(given)[0])


def feedback(ex: exercises.Exercise) -> tuple[bool, str] | None:
    """Whether the checked answer of ``ex`` is right and why; None if none is checked.

    An answer changed since it was checked shows no feedback until checked again.
    """
    given, _ = st.session_state.get(_ANSWERS, {}).get(ex.key, (None, False))
    if given is None or given != st.session_state.get(answer_key(ex)):
        return None
    return ex.check(given)


def score() -> tuple[int, int]:
    """Exercises answered right, and answered, in this session (the last answer checked)."""
    answers = st.session_state.get(_ANSWERS, {})
    return sum(right for _, right in answers.values()), len(answers)


@session.cached(1)
def strip_patients() -> roc_pr.ImbalancedSet:
    """The sixty patients of the countable examples strip."""
    return strip.patients()


# --- what ROC AUC means -------------------------------------------------------------------

_PAIRS = "auc_pairs"  # random pairs drawn so far in this session


@session.cached(len(roc_pr.SEPARATIONS))
def separation(shift: float) -> roc_pr.ImbalancedSet:
    """Balanced data whose positives score ``shift`` standard deviations higher."""
    return roc_pr.separation_set(shift)


@session.cached(1)
def roc_gallery() -> dict[str, pd.DataFrame]:
    """The ROC curves of the gallery of shapes."""
    return roc_pr.gallery()


def pairs_drawn() -> int:
    """How many random pairs this session has drawn."""
    return int(st.session_state.get(_PAIRS, 0))


def draw_more_pairs(n: int) -> None:
    """``on_click`` callback: draw ``n`` more random pairs."""
    st.session_state[_PAIRS] = pairs_drawn() + n


def reset_pairs() -> None:
    """``on_click`` callback: forget the pairs drawn."""
    st.session_state[_PAIRS] = 0


# --- top-k accuracy and one-sided models --------------------------------------------------


@session.cached(1)
def top_k() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Top-k accuracy of the photo model for every k, and its first photos as text."""
    return multiclass.top_k_frame(), multiclass.example_photos()


@session.cached(1)
def one_sided() -> dict:
    """The flag-everything and flag-the-surest models on the card fraud demo."""
    d = demo_data("fraud", "model_score")
    return pitfalls.one_sided_models(d.y, d.scores)
