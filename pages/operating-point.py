"""Operating point: turn a threshold into a decision you can defend.

Costs, constraints, the deployment base rate, uncertainty and a comparison of
two thresholds, all around the threshold shared with the other pages.
"""

import functools

import pandas as pd
import streamlit as st

from metrics_app.data import DataError
from metrics_app.operating_point import card as cards
from metrics_app.operating_point import charts as decision_charts
from metrics_app.operating_point import model as decision
from metrics_app.operating_point import state as ds
from metrics_app.report import state as report
from metrics_app.shared import format as fmt
from metrics_app.shared import frame, session, widgets
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown
from metrics_core import CostCurve, Costs, compare_thresholds

frame.run_inside_frame()

st.title("Choose an operating point", anchor=False)
an = session.current_analysis()

COST_INPUTS = (
    ("cost_fp", "Cost of a false positive", "Per false alarm, e.g. the cost of a review."),
    ("cost_fn", "Cost of a false negative", "Per miss, e.g. a fraud that goes through."),
    ("gain_tp", "Gain of a true positive", "Per positive caught (optional)."),
    ("gain_tn", "Gain of a true negative", "Per negative cleared (optional)."),
)


def cost_inputs(source: session.Source, sel: session.Selection) -> Costs | None:
    """The costs, the gains and the amount column; None (with a warning) while one is empty."""
    st.markdown(
        "What does each kind of error cost you? Enter a cost per **false alarm** (a flagged "
        "negative: a review, an annoyed customer) and per **miss** (an unflagged positive), and "
        "optionally a gain per correct decision. The cheapest threshold minimises the total."
    )
    for col, (key, label, tip) in zip(st.columns(4), COST_INPUTS, strict=True):
        col.number_input(label, min_value=0.0, step=1.0, format="%.4g", key=key, help=tip)
    st.selectbox(
        "Per-row amount lost on a miss (optional)",
        ds.amount_options(source.frame, (sel.label, sel.score, sel.weight)),
        key="amount_col",
        format_func=lambda c: c or "none: every miss costs the same",
        help="A column such as a transaction's value: each missed positive also loses its own "
        "amount, on top of the fixed cost above.",
    )
    values = {key: st.session_state[key] for key, *_ in COST_INPUTS}
    empty = [label for key, label, _ in COST_INPUTS if values[key] is None]
    if empty:
        st.warning(
            f"Enter a number for: {', '.join(empty)} (0 if it does not apply).",
            icon=":material/edit:",
        )
        return None
    return Costs(
        fp=values["cost_fp"], fn=values["cost_fn"], tp=values["gain_tp"], tn=values["gain_tn"]
    )


def amounts_input(an: Analysis, source: session.Source, column: str) -> decision.MissAmounts | None:
    """The amount column's values, with a note on missing ones; None (with why) if unusable."""
    try:
        amounts = ds.amounts_for(an, source.frame, column)
    except DataError as err:
        st.error(str(err), icon=":material/error:")
        return None
    if amounts.n_missing:
        st.warning(
            f"{fmt.count(amounts.n_missing)} of the rows used have no amount in "
            f"{escape_markdown(column)}; they count as 0 when missed.",
            icon=":material/warning:",
        )
    return amounts


def cost_summary(s: decision.CostSummary) -> None:
    """The cost here and at the cheapest threshold, and the button to switch."""
    widgets.card_row(decision.cost_cards(s))
    st.button(
        "Use the cheapest threshold",
        on_click=session.set_threshold,
        args=(s.best.threshold,),
        icon=":material/savings:",
        disabled=s.here.total == s.best.total,
        key="use_cheapest",
    )


def cost_chart(s: decision.CostSummary, drawn: pd.DataFrame, t: float) -> None:
    """Net cost against threshold; says so when the axis stops below the highest cost."""
    here, best = s.here, s.best
    widgets.altair_chart(
        decision_charts.cost_chart(
            drawn,
            t,
            current_cost=here.total,
            best_threshold=best.threshold,
            best_cost=best.total,
        ),
        width="stretch",
    )
    top = decision_charts.cost_axis_top(drawn, here.total)
    worst_threshold, worst_cost = decision.highest_cost(drawn)
    if worst_cost > top:
        st.caption(
            f"The cost axis stops at {fmt.money(top)} so that the region near the "
            "cheapest threshold stays readable; the highest net cost is "
            f"{fmt.money(worst_cost)}, at threshold {fmt.threshold(worst_threshold)}."
        )


def cost_details(an: Analysis, curve: CostCurve, t: float) -> None:
    """Why the cheapest threshold is cheapest, and the cost cell by cell."""
    st.markdown("**Why it is cheapest.** " + decision.cost_reason(curve))
    breakdown = decision.cost_breakdown_frame(curve, t)
    st.dataframe(
        breakdown,
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="localized")
            for c in breakdown.columns
            if c not in ("", "threshold")
        },
    )
    if an.sweep.weighted:
        st.caption("Counts are sums of the weight column, so costs are weighted too.")


def costs_tab(
    an: Analysis, source: session.Source, sel: session.Selection, t: float
) -> CostCurve | None:
    """Expected cost against the threshold, the cheapest threshold, and why."""
    costs = cost_inputs(source, sel)
    if costs is None:
        return None
    column = st.session_state["amount_col"] or None
    amounts = None
    if column is not None:
        amounts = amounts_input(an, source, column)
        if amounts is None:
            return None
    if costs == Costs(0, 0, 0, 0) and column is None:
        st.info("Every cost and gain is 0: every threshold costs nothing.")
    curve, drawn = ds.cost_curve_for(an, costs, column, amounts)
    summary = decision.cost_summary(curve, t)
    cost_summary(summary)
    cost_chart(summary, drawn, t)
    cost_details(an, curve, t)
    return curve


def constraint_inputs(an: Analysis) -> decision.ConstraintLevels | None:
    """The precision, recall, false-positive-rate and capacity inputs; None while one is empty."""
    c1, c2, c3 = st.columns(3)
    c1.number_input("Precision at least (%)", 0.0, 100.0, step=1.0, key="min_precision")
    c2.number_input("Recall at least (%)", 0.0, 100.0, step=1.0, key="min_recall")
    c3.number_input("False positive rate at most (%)", 0.0, 100.0, step=0.5, key="max_fpr")
    c4, c5 = st.columns([1, 2], vertical_alignment="bottom")
    mode = c4.radio("Capacity", ("rows", "percent of rows"), key="capacity_mode", horizontal=True)
    if mode == "rows":
        c5.number_input(
            "Rows that can be flagged", min_value=0.0, step=10.0, key="capacity_rows", format="%.0f"
        )
    else:
        c5.number_input(
            "Share of rows that can be flagged (%)", 0.0, 100.0, step=0.5, key="capacity_pct"
        )
    state = st.session_state
    return decision.constraint_levels(
        an.sweep,
        min_precision=state["min_precision"],
        min_recall=state["min_recall"],
        max_fpr=state["max_fpr"],
        capacity_rows=state.get("capacity_rows"),
        capacity_pct=state.get("capacity_pct"),
        by_share=mode != "rows",
    )


def constraint_result(i: int, r: decision.Constraint, t: float) -> None:
    """One rule's threshold with its button, or why no threshold meets it."""
    with st.container(border=True):
        left, right = st.columns([4, 1], vertical_alignment="center")
        if r.choice is None:
            left.markdown(f"**{escape_markdown(r.name)}**: no threshold meets it.")
            left.caption(escape_markdown(r.message))
            return
        left.markdown(
            f"**{escape_markdown(r.name)}** → threshold **{fmt.threshold(r.choice.threshold)}** "
            f"({escape_markdown(r.goal)} under the rule)"
        )
        left.caption(escape_markdown(r.message))
        right.button(
            "Use it",
            key=f"use_constraint_{i}",
            on_click=session.set_threshold,
            args=(r.choice.threshold,),
            disabled=r.choice.threshold == t,
            width="stretch",
        )


def constraints_tab(an: Analysis, t: float) -> list[decision.Constraint]:
    """Thresholds meeting a precision, recall, false-positive-rate or capacity requirement."""
    st.markdown(
        "Requirements often come as rules: *precision at least 90%*, *catch 80% of "
        "positives*, *at most 5% false alarms among negatives*, *we can review 1,000 cases "
        "a day*. Each rule below gives the threshold that does best under it, or says that "
        "none meets it."
    )
    levels = constraint_inputs(an)
    if levels is None:
        st.warning("Enter a number in every field above.", icon=":material/edit:")
        return []
    results = ds.constraints_for(an, levels)
    for i, r in enumerate(results):
        constraint_result(i, r, t)
    if an.sweep.weighted:
        st.caption("With a weight column, capacity counts weight, not rows.")
    return results


def base_rate_tab(an: Analysis, t: float) -> None:
    """Metrics re-weighted to the share of positives expected in deployment."""
    st.markdown(
        f"This file has **{fmt.significant_percent(decision.positive_share(an.sweep))}** "
        "positives. If production will see a different share, precision, NPV, accuracy and F1 "
        "change even though the model does not. Recall and specificity stay the same."
    )
    st.toggle("Deployment has a different share of positives", key="deploy_on")
    if not st.session_state["deploy_on"]:
        return
    st.columns([1, 2])[0].number_input(
        "Expected share of positives in deployment (%)",
        min_value=0.001,
        max_value=99.999,
        step=0.1,
        format="%.3f",
        key="deploy_prev",
    )
    percent = st.session_state["deploy_prev"]
    if percent is None:
        st.warning("Enter the expected share of positives.", icon=":material/edit:")
        return
    view = decision.base_rate_view(an.sweep, an.at(t), percent)
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**At threshold {fmt.threshold(t)}**")
        st.dataframe(
            view.table,
            hide_index=True,
            column_config={c: st.column_config.NumberColumn(format="%.4f") for c in view.labels},
        )
    with right:
        widgets.altair_chart(
            decision_charts.pr_base_rate_chart(view.curves, view.points), width="stretch"
        )
    st.caption(
        "Assumption: within each class the scores are distributed as in this file (the model "
        "and the kind of cases are unchanged); only the mix of classes differs. Re-weighting "
        "cannot fix a model whose scores drift in production."
    )


def uncertainty_tab(an: Analysis, t: float) -> dict:
    """Confidence intervals of the metrics at the threshold, and of ROC AUC and AP."""
    choice = st.radio(
        "Confidence level",
        (80, 90, 95, 99),
        key="ci_level",
        format_func=lambda v: f"{v}%",
        horizontal=True,
        help="How sure the interval should be to contain the value on new data like this.",
    )
    level = decision.from_percent(choice)
    point = an.at(t)
    intervals = decision.point_intervals(an, point, level)
    ranking = ds.ranking_intervals(an, level)
    st.markdown(
        f"**Metrics at threshold {fmt.threshold(t)}**, with {fmt.percent(level, 0)} intervals: "
        "how much each could move on another sample of the same size."
    )
    st.dataframe(
        decision.interval_frame(intervals),
        hide_index=True,
        column_config={
            "value": st.column_config.NumberColumn(format="%.4f"),
            "low": st.column_config.NumberColumn(f"{fmt.percent(level, 0)} low", format="%.4f"),
            "high": st.column_config.NumberColumn(f"{fmt.percent(level, 0)} high", format="%.4f"),
        },
    )
    widgets.card_row(decision.ranking_cards(ranking, level))
    few = decision.thin_cell(point)
    if few is not None:
        st.warning(
            f"A cell of the confusion matrix holds only {fmt.count(few)} rows: intervals from so "
            "few cases are rough, and a cell of 0 stays 0 in every resample.",
            icon=":material/warning:",
        )
    st.caption(
        "Metric intervals: percentile bootstrap with 2,000 resamples. At a fixed threshold a "
        "metric depends only on the four cell counts, so resampling the rows is a multinomial "
        "draw of those counts, which is what is done (exact, and fast at any size)."
        + (
            " With weights, rows are resampled and counts scaled to the weighted total."
            if an.sweep.weighted
            else ""
        )
    )
    return {"intervals": intervals, "ranking": ranking}


def changed_rows(an: Analysis, frame: pd.DataFrame, t: float, b: float) -> None:
    """The rows that change cell between A and B, and their download."""
    tr = compare_thresholds(an.sweep, t, b)
    n = tr.n_changed
    if n == 0:
        st.info("No row changes cell between A and B: no score lies between them.")
        return
    direction = "flags" if b < t else "unflags"
    st.markdown(f"Going from A to B {direction} **{fmt.count(n)}** rows:")
    st.dataframe(decision.transition_frame(tr), hide_index=True)
    st.download_button(
        f"Download the {fmt.count(n)} rows that change (CSV)",
        data=functools.partial(decision.changed_rows_csv, frame, an, t, b),
        file_name="rows_between_thresholds.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="changed_rows_csv",
        # Half the page wide: a long label wraps instead of ending in "…".
        wrap=True,
    )
    st.caption(
        "The rows as read, with each row's cell at A and at B. Text that a spreadsheet "
        "would run as a formula (starting with = + - @) is prefixed with an apostrophe."
    )


def compare_tab(an: Analysis, frame: pd.DataFrame, t: float) -> None:
    """What changes between the current threshold (A) and another one (B)."""
    ds.start_threshold_b(an)
    c1, c2 = st.columns(2)
    with c1:
        widgets.card_row(decision.compare_cards(t))
    with c2:
        st.number_input(
            "Threshold B",
            key="threshold_b",
            format="%.6g",
            step=an.slider.step,
            help="Starts at the best-F1 threshold; any real number works.",
        )
    b = st.session_state["threshold_b"]
    if b is None:
        st.warning("Enter threshold B.", icon=":material/edit:")
        return
    left, right = st.columns(2)
    left.dataframe(decision.compare_frame(an.at(t), an.at(b)), hide_index=True)
    with right:
        changed_rows(an, frame, t, b)


def card_tab(
    an: Analysis,
    source: session.Source,
    sel: session.Selection,
    t: float,
    curve: CostCurve | None,
    unc: dict,
    kept: dict,
    rules: list[decision.Constraint],
) -> None:
    """Download the operating point as JSON; upload one to restore its view."""
    st.markdown(
        "An **operating-point card** records this decision: the data's fingerprint, the "
        "columns, the tie rule, the threshold, the metrics with their intervals, and every "
        "setting on this page. Upload it later, on the same data, to restore this view."
    )
    card = cards.make_card(
        data_name=source.name,
        fingerprint=source.fingerprint,
        an=an,
        label=sel.label,
        weight=sel.weight,
        threshold=t,
        intervals=unc["intervals"],
        ranking=unc["ranking"],
        settings=kept,
        cost=curve.at(t) if curve is not None else None,
        cheapest=curve.best if curve is not None else None,
        constraints=rules,
    )
    st.download_button(
        "Download the operating-point card (JSON)",
        data=cards.card_bytes(card),
        file_name=f"operating_point_{fmt.threshold(t)}.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        key="card_download",
    )
    st.file_uploader(
        "Restore from a card (JSON)",
        type=["json"],
        key=ds.CARD_UPLOAD,
        on_change=ds.restore_card,
    )
    message = st.session_state.get(ds.CARD_MESSAGE)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(
            escape_markdown(text),
            icon=":material/check:" if kind == "success" else ":material/error:",
        )


@st.fragment
def body(an: Analysis, source: session.Source, sel: session.Selection) -> None:
    """Everything that depends on the threshold or the page's inputs reruns here, alone."""
    ds.rerun_if_card_changed_columns()
    t = session.threshold_controls(an)
    tabs = st.tabs(
        ["Costs", "Constraints", "Base rate", "Uncertainty", "Compare thresholds", "Card"]
    )
    with tabs[0]:
        curve = costs_tab(an, source, sel, t)
    with tabs[1]:
        rules = constraints_tab(an, t)
    with tabs[2]:
        base_rate_tab(an, t)
    with tabs[3]:
        unc = uncertainty_tab(an, t)
    with tabs[4]:
        compare_tab(an, source.frame, t)
    kept = ds.save_settings()
    with tabs[5]:
        card_tab(an, source, sel, t, curve, unc, kept, rules)


if an is not None:
    source: session.Source = st.session_state[session.SOURCE]
    selection: session.Selection = st.session_state[session.SELECTION]
    st.caption(
        f"**{escape_markdown(source.name)}** · score column **{escape_markdown(an.score_name)}** · "
        f"positive class **{escape_markdown(an.positive_name)}** · predicted positive when "
        "score ≥ threshold. Same data and threshold as the explorer."
    )
    ds.keep_settings(an)
    body(an, source, selection)

report.download_report(an)
