"""Streamlit state of the Groups page: cached groups, tables and rules; widget state.

Caches are keyed by the analysis key, the group columns and the threshold
(cheap strings and numbers); the frame and the analysis are passed unhashed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics_app.groups import model
from metrics_app.operating_point.card import SETTINGS
from metrics_app.operating_point.state import KEPT
from metrics_app.shared import session
from metrics_app.shared.analysis import Analysis
from metrics_core import Costs, GroupPoints, GroupThresholds, group_points, group_thresholds

COLUMNS = "group_columns"  # the multiselect of group columns
RULE = "group_rule"  # the rule selectbox
COST_FP = "group_cost_fp"
COST_FN = "group_cost_fn"


@session.cached(8)
def _options(source_id: str, used: tuple[str | None, ...], _frame: pd.DataFrame) -> list[str]:
    return model.group_column_options(_frame, exclude=used)


def column_options(source: session.Source, used: tuple[str | None, ...]) -> list[str]:
    """Columns that can split the rows into groups, found once per table and column choice."""
    return _options(source.id, used, source.frame)


@session.cached(8)
def _curves(key: str, columns: tuple[str, ...], _groups: model.Groups) -> pd.DataFrame:
    return model.curve_frame(_groups)


def curves_for(an: Analysis, groups: model.Groups) -> pd.DataFrame:
    """Every group's thinned ROC and PR points, built once per group choice."""
    return _curves(an.key, groups.columns, groups)


@session.cached(8)
def _groups(
    key: str, columns: tuple[str, ...], _frame: pd.DataFrame, _an: Analysis
) -> model.Groups:
    return model.build_groups(_frame, _an.prepared, columns)


def groups_for(source: session.Source, an: Analysis, columns: tuple[str, ...]) -> model.Groups:
    """The rows of ``an`` split by ``columns``, sorted and swept once per choice."""
    return _groups(an.key, columns, source.frame, an)


@session.cached(32)
def _table(
    key: str, columns: tuple[str, ...], threshold: float, _groups: model.Groups
) -> tuple[GroupPoints, list]:
    points = group_points(_groups.sweeps, threshold)
    return points, model.group_intervals(points, _groups)


def points_and_intervals(
    an: Analysis, groups: model.Groups, threshold: float
) -> tuple[GroupPoints, list]:
    """Every group's counts at ``threshold`` and the bootstrap intervals of its metrics."""
    return _table(an.key, groups.columns, float(threshold), groups)


@session.cached(32)
def _rule(
    key: str,
    columns: tuple[str, ...],
    rule: str,
    threshold: float,
    cost_fp: float,
    cost_fn: float,
    _groups: model.Groups,
) -> GroupThresholds:
    costs = Costs(fp=cost_fp, fn=cost_fn)
    return group_thresholds(_groups.sweeps, rule, threshold, costs=costs)


def rule_result(
    an: Analysis, groups: model.Groups, rule: str, threshold: float, costs: Costs
) -> GroupThresholds:
    """Each group's threshold under ``rule``."""
    return _rule(an.key, groups.columns, rule, float(threshold), costs.fp, costs.fn, groups)


def default_columns(options: list[str]) -> None:
    """Start the group-column picker on the first guessed column; drop stale choices."""
    state = st.session_state
    if COLUMNS in state:
        kept = [c for c in state[COLUMNS] if c in options]
        if kept != state[COLUMNS]:
            # Another table: keep the columns it shares, else guess again.
            state[COLUMNS] = kept or options[:1]
    else:
        state[COLUMNS] = options[:1]


def default_costs() -> None:
    """Start the cost inputs from the operating-point page's costs (or its defaults)."""
    kept = st.session_state.get(KEPT, {})
    for key, setting in ((COST_FP, "cost_fp"), (COST_FN, "cost_fn")):
        if key not in st.session_state:
            st.session_state[key] = float(kept.get(setting, SETTINGS[setting].default))


def costs() -> Costs:
    """The costs entered on the page."""
    return Costs(fp=float(st.session_state[COST_FP]), fn=float(st.session_state[COST_FN]))
