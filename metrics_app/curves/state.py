"""Streamlit state of the Curves page: caches, comparison models and the chart-click callback.

Caches are keyed by the analysis key (a short string) and bounded; the analysis itself is
passed unhashed, so a rerun never hashes arrays.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from metrics_app.curves.model import (
    CurveData,
    Model,
    ProbabilityScores,
    build_curve_data,
    compute_calibration,
    compute_probability_scores,
    other_score_columns,
    threshold_from_event,
)
from metrics_app.shared import session
from metrics_app.shared.analysis import Analysis


@session.cached(16)
def _curve_data(key: str, _an: Analysis) -> CurveData:
    return build_curve_data(_an)


def curve_data(an: Analysis) -> CurveData:
    """The cached :class:`CurveData` of ``an`` (keyed by ``an.key``, shared read-only)."""
    return _curve_data(an.key, an)


def model(an: Analysis) -> Model:
    """``an`` with its cached curve data, ready to draw."""
    return Model(an, curve_data(an))


@session.cached(16)
def _probability_scores_cached(key: str, _an: Analysis) -> ProbabilityScores:
    return compute_probability_scores(_an)


def probability_scores(an: Analysis) -> ProbabilityScores | None:
    """Brier score and log loss of ``an``; ``None`` unless its scores are probabilities."""
    if an.kind != "probability":
        return None
    return _probability_scores_cached(an.key, an)


def probability_scores_by_key(models: Sequence[Model]) -> dict[str, ProbabilityScores | None]:
    """:func:`probability_scores` of every model, by analysis key (for ``summary_frame``)."""
    return {m.an.key: probability_scores(m.an) for m in models}


@session.cached(32)
def _calibration_cached(key: str, n_bins: int, strategy: str, _an: Analysis) -> pd.DataFrame:
    return compute_calibration(_an, n_bins, strategy)


def calibration_frame(an: Analysis, n_bins: int, strategy: str) -> pd.DataFrame | None:
    """Reliability-diagram bins of ``an`` (cached); ``None`` unless scores are probabilities.

    Columns ``model, bin_start, bin_end, mean_predicted, observed, count``; empty bins
    are left out. Treat the frame as read-only: it is shared.
    """
    if an.kind != "probability":
        return None
    return _calibration_cached(an.key, int(n_bins), strategy, an)


def calibration_frames(
    models: Sequence[Model], n_bins: int, strategy: str
) -> tuple[pd.DataFrame | None, list[str]]:
    """Reliability bins of every model whose scores are probabilities, stacked.

    Returns
    -------
    (pandas.DataFrame or None, list of str)
        The bins (``None`` if no model has probabilities) and the names of the models
        left out because their scores are not probabilities.
    """
    frames, skipped = [], []
    for m in models:
        frame = calibration_frame(m.an, n_bins, strategy)
        if frame is None:
            skipped.append(m.name)
        else:
            frames.append(frame)
    if not frames:
        return None, skipped
    return (frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)), skipped


def comparable_columns(source: session.Source, selection: session.Selection) -> list[str]:
    """Score columns of ``source`` that can be overlaid on the sidebar's score column."""
    return other_score_columns(
        source.frame,
        label=selection.label,
        score=selection.score,
        weight=selection.weight,
        demo_scores=source.demo.scores if source.demo else (),
    )


def compare_key(source: session.Source, selection: session.Selection) -> str:
    """Widget key of the comparison picker: one choice per dataset and score column."""
    return f"compare::{source.id}::{selection.score}"


def other_model(source: session.Source, selection: session.Selection, score: str) -> Model:
    """The model of score column ``score``, with the sidebar's labels, class and weights.

    Raises
    ------
    metrics_app.data.DataError
        When that column cannot be used (the message says why).
    """
    other = session.analysis_for(source, dataclasses.replace(selection, score=score))
    return model(other)


def _apply_pick(key: str, name: str) -> None:
    value = threshold_from_event(st.session_state.get(key), name)
    if value is not None:
        session.set_threshold(value)


def pick_callback(key: str, name: str) -> Callable[[], None]:
    """An ``on_select`` callback making the clicked point's threshold the current one.

    It runs before the rerun, and only when that chart's selection changes, so a
    selection left over from an earlier click never overrides a threshold set since
    (for example on the other chart or in the explorer).
    """
    return functools.partial(_apply_pick, key, name)
