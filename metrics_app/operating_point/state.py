"""Streamlit state of the operating-point page: cached curves, kept inputs, cards.

The page's inputs are widgets with fixed keys. Streamlit forgets a widget's
value when a run does not draw it (on another page), so the values are also
kept in one plain dict and put back before the widgets are drawn again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics_app.data import DataError, label_counts, read_amounts
from metrics_app.data.guess import numeric_columns
from metrics_app.operating_point.card import SETTINGS, Card, page_settings, parse_card
from metrics_app.operating_point.model import (
    Constraint,
    ConstraintLevels,
    MissAmounts,
    constraint_results,
    cost_frame,
    miss_amounts,
    threshold_b_start,
)
from metrics_app.operating_point.model import ranking_intervals as model_ranking_intervals
from metrics_app.shared import format as fmt
from metrics_app.shared import session
from metrics_app.shared.analysis import Analysis
from metrics_core import (
    CostCurve,
    Costs,
    Interval,
    ThresholdSearch,
    cost_curve,
    roc_auc_delong,
    sweep_average_precision,
)

KEPT = "decision_settings"  # the page's inputs, kept across pages
CARD_UPLOAD = "card_upload"
CARD_MESSAGE = "card_message"  # (kind, text) about the last card
_RERUN = "card_rerun"  # a restored card changed the columns: rerun the whole app


def amount_options(frame: pd.DataFrame, used: tuple[str | None, ...]) -> list[str]:
    """``""`` (no amounts), then the columns that can hold amounts: numeric, not in use.

    ``""`` rather than ``None``: a selectbox whose value is ``None`` shows a placeholder.
    A kept choice that is no longer among them (another file, or a column now in use)
    goes back to ``""`` before the selectbox is drawn.
    """
    options = ["", *numeric_columns(frame, exclude=used)]
    if st.session_state.get("amount_col") not in options:
        st.session_state["amount_col"] = ""
    return options


def keep_settings(an: Analysis) -> None:
    """Put back the inputs' values before the widgets are drawn.

    On a first visit each input gets its default; the capacity and the deployment base
    rate start from this file's figures (see
    :func:`~metrics_app.operating_point.model.first_values`).
    """
    state = st.session_state
    kept = state.setdefault(KEPT, {})
    for key, default in page_settings(an, {}).items():
        if key not in state:
            state[key] = kept.get(key, default)


def save_settings() -> dict[str, object]:
    """Remember the inputs' current values; returns them."""
    state = st.session_state
    kept = {key: state[key] for key in SETTINGS if key in state}
    state[KEPT] = kept
    return kept


@session.cached(2)
def _amounts(key: str, column: str, _frame: pd.DataFrame, _an: Analysis) -> MissAmounts:
    amounts, n_missing = read_amounts(_frame, _an.prepared, column)
    return miss_amounts(_an.prepared, amounts, n_missing)


def amounts_for(an: Analysis, frame: pd.DataFrame, column: str) -> MissAmounts:
    """What each positive loses when missed, read once per data set and column.

    Raises
    ------
    DataError
        When the column cannot be used as amounts (not cached: the next run tries again).
    """
    return _amounts(an.key, column, frame, an)


@session.cached(2)
def _first_curve(
    key: str, column: str | None, _costs: Costs, _lost: MissAmounts | None, _an: Analysis
) -> CostCurve:
    # Keyed without the costs: the thresholds, counts and missed amounts are the same for
    # every cost, so later costs reuse these arrays (CostCurve.with_costs).
    if _lost is None:
        curve = cost_curve(_an.sweep, _costs)
    else:
        curve = cost_curve(_an.sweep, _costs, scores=_lost.scores, amounts=_lost.amounts)
    # Repriced at once: the index of runs it builds is then ready for the first change of
    # a cost, and the page reads costs at a few candidates, never the whole array.
    return curve.with_costs(_costs)


@session.cached(4)
def _curve(
    key: str, costs: Costs, column: str | None, _lost: MissAmounts | None, _an: Analysis
) -> tuple[CostCurve, pd.DataFrame]:
    first = _first_curve(key, column, costs, _lost, _an)
    curve = first if first.costs == costs else first.with_costs(costs)
    return curve, cost_frame(curve, _an.sweep)


def cost_curve_for(
    an: Analysis, costs: Costs, column: str | None, amounts: MissAmounts | None
) -> tuple[CostCurve, pd.DataFrame]:
    """The cost curve for these costs and its frame for drawing.

    ``amounts`` are those of ``column`` (from :func:`amounts_for`), or None without an
    amount column. Recomputed only when a cost or the amount column changes, not on a
    threshold move; a change of cost recomputes only the net cost, sharing the
    thresholds, counts and missed amounts of the data set's first curve.
    """
    return _curve(an.key, costs, column, amounts, an)


@session.cached(8)
def _search(key: str, _an: Analysis) -> ThresholdSearch:
    return ThresholdSearch(_an.sweep)


def constraints_for(an: Analysis, levels: ConstraintLevels) -> list[Constraint]:
    """Each constraint's threshold, by binary search in an index built once per data set."""
    return constraint_results(
        an.sweep,
        min_precision=levels.min_precision,
        min_recall=levels.min_recall,
        max_fpr=levels.max_fpr,
        capacity=levels.capacity,
        search=_search(an.key, an),
    )


@session.cached(8)
def _ranking_parts(key: str, _an: Analysis) -> tuple[tuple[float, float], float]:
    # The level-free parts: DeLong's (AUC, se) and AP; a level only rescales them.
    return roc_auc_delong(_an.sweep), sweep_average_precision(_an.sweep)


@session.cached(8)
def _ranking(key: str, level: float, _an: Analysis) -> dict[str, Interval]:
    delong, ap = _ranking_parts(key, _an)
    return model_ranking_intervals(_an, level, delong=delong, average_precision=ap)


def ranking_intervals(an: Analysis, level: float) -> dict[str, Interval]:
    """ROC AUC (DeLong) and average precision (logit) intervals at ``level``.

    The passes over the sweep run once per data set; another level only rescales them.
    """
    return _ranking(an.key, level, an)


def start_threshold_b(an: Analysis) -> None:
    """Give threshold B its starting value while it has none (before its input is drawn)."""
    if st.session_state.get("threshold_b") is None:
        st.session_state["threshold_b"] = threshold_b_start(an)


# --- cards ---------------------------------------------------------------------------


def _match(values: list[object], wanted: object) -> object:
    for v in values:
        if v == wanted:
            return v
    for v in values:
        if str(v) == str(wanted):
            return v
    raise DataError(
        f"The card's positive class {wanted!r} does not occur in its label column. Nothing "
        "was changed."
    )


def _apply(card: Card, source: session.Source) -> None:
    state = st.session_state
    counts = label_counts(source.frame, card.label)
    positive = _match(list(counts), card.positive)
    selection = session.Selection(card.label, card.score, positive, card.weight, card.negate)
    old: session.Selection | None = state.get(session.SELECTION)
    state[f"label::{source.id}"] = card.label
    state[session.positive_key(source.id, card.label)] = positive
    state[session.score_key(source.id)] = card.score
    state[session.negate_key(source.id, card.score)] = card.negate
    state[f"weight::{source.id}"] = card.weight
    # The threshold belongs to the analysis the card describes: claim that scope so the
    # new column choice does not reset it to the column's default.
    state[session.SCOPE] = session.analysis_key(source.id, selection)
    state[session.CURRENT] = card.threshold
    state[session.EXACT] = card.threshold
    for key, value in card.settings.items():
        state[key] = int(value) if key == "ci_level" else value
    state[KEPT] = {**state.get(KEPT, {}), **card.settings}
    if old != selection:
        state[_RERUN] = True


def restore_card() -> None:
    """Widget callback of the card uploader: check the card, then restore its view."""
    state = st.session_state
    upload = state.get(CARD_UPLOAD)
    if upload is None:
        return
    source: session.Source | None = state.get(session.SOURCE)
    if source is None:
        state[CARD_MESSAGE] = ("error", "Load the card's data in the sidebar first.")
        return
    try:
        card = parse_card(
            upload.getvalue(),
            fingerprint=source.fingerprint,
            columns=[str(c) for c in source.frame.columns],
        )
        _apply(card, source)
    except DataError as err:
        state[CARD_MESSAGE] = ("error", str(err))
        return
    state[CARD_MESSAGE] = (
        "success",
        f"Restored the operating point of {card.data_name!r}: score column {card.score!r}, "
        f"threshold {fmt.threshold(card.threshold)}, with its costs, constraints and settings.",
    )


def rerun_if_card_changed_columns() -> None:
    """Inside the page's fragment: a card that changed the columns needs a full rerun."""
    if st.session_state.pop(_RERUN, False):
        st.rerun(scope="app")
