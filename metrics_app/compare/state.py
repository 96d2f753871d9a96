"""Streamlit state of the Compare page: the two models' rows and tests, cached; widgets.

Caches are keyed by the two analyses' keys (cheap strings); the analyses are
passed unhashed.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from metrics_app.compare import model
from metrics_app.curves import state as curves_state
from metrics_app.shared import session
from metrics_app.shared.analysis import Analysis
from metrics_core import Sweep

MODEL_B = "compare_model_b"  # the second score column
_THRESHOLDS = "compare_thresholds"  # {(analysis key, pair key): thresholds} kept across runs


def options(source: session.Source, selection: session.Selection) -> list[str]:
    """Score columns to compare with the sidebar's: numeric, not the label or the weight."""
    return curves_state.comparable_columns(source, selection)


def default_model_b(choices: list[str]) -> None:
    """Start the second-model picker on the first other score column; drop a stale one."""
    if st.session_state.get(MODEL_B) not in choices:
        st.session_state[MODEL_B] = choices[0]


def analysis_b(source: session.Source, selection: session.Selection, score: str) -> Analysis:
    """The cached analysis of score column ``score``, with the sidebar's labels and class.

    Its scores are the column as given (not negated, even when the sidebar's are).

    Raises
    ------
    metrics_app.data.DataError
        When that column cannot be used.
    """
    other = dataclasses.replace(selection, score=score, negate=False)
    return session.analysis_for(source, other)


@session.cached(8)
def _pair(key_a: str, key_b: str, _a: Analysis, _b: Analysis) -> model.Pair:
    return model.pair_rows(_a.prepared, _b.prepared, _a.score_label, _b.score_label)


def pair_for(a: Analysis, b: Analysis) -> model.Pair:
    """The rows both score columns can use."""
    return _pair(a.key, b.key, a, b)


@session.cached(8)
def _tests(key_a: str, key_b: str, bootstrap: bool, _pair: model.Pair) -> model.PairTests:
    return model.pair_tests(_pair, bootstrap=bootstrap)


@session.cached(8)
def _sweeps(key_a: str, key_b: str, _pair: model.Pair) -> tuple[Sweep, Sweep]:
    return model.pair_sweeps(_pair)


def sweeps_for(a: Analysis, b: Analysis, pair: model.Pair) -> tuple[Sweep, Sweep]:
    """Each model's sweep over the shared rows, built once per pair."""
    return _sweeps(a.key, b.key, pair)


def _boot_key(a: Analysis, b: Analysis) -> str:
    return f"compare_bootstrap::{a.key}::{b.key}"


def bootstrap_wanted(a: Analysis, b: Analysis, pair: model.Pair) -> bool:
    """Whether to run the paired bootstrap: at once for small tables, else once asked."""
    return model.bootstrap_at_once(pair) or bool(st.session_state.get(_boot_key(a, b)))


def request_bootstrap(a: Analysis, b: Analysis) -> None:
    """Ask for the paired bootstrap of this pair (a button's callback)."""
    st.session_state[_boot_key(a, b)] = True


def tests_for(a: Analysis, b: Analysis, pair: model.Pair) -> model.PairTests:
    """DeLong's test and (when wanted) the paired AP bootstrap, computed once per pair."""
    return _tests(a.key, b.key, bootstrap_wanted(a, b, pair), pair)


def threshold_keys(a: Analysis, b: Analysis) -> tuple[str, str]:
    """Widget keys of the two threshold inputs: one pair per pair of score columns."""
    return f"compare_t_a::{a.key}::{b.key}", f"compare_t_b::{a.key}::{b.key}"


def default_thresholds(a: Analysis, b: Analysis) -> None:
    """Start each model's threshold at its best-F1 threshold (else its slider default)."""
    for key, an in zip(threshold_keys(a, b), (a, b), strict=True):
        if key not in st.session_state:
            st.session_state[key] = (
                float(an.best_f1.threshold) if an.best_f1 is not None else an.slider.default
            )
