"""Operating point: turn a threshold into a decision you can defend.

Costs, constraints, the deployment base rate, uncertainty and a comparison of
two thresholds, all around the threshold shared with the other pages.
"""

import functools
import math

import pandas as pd
import streamlit as st

from metrics_app.data import DataError
from metrics_app.operating_point import card as cards
from metrics_app.operating_point import charts as decision_charts
from metrics_app.operating_point import model as decision
from metrics_app.operating_point import state as ds
from metrics_app.shared import format as fmt
from metrics_app.shared import frame, session
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown
from metrics_app.shared.format import metric_value as format_value
from metrics_core import CostCurve, Costs, compare_thresholds

frame.run_inside_frame()

st.title("Choose an operating point", anchor=False)
an = session.current_analysis()

_PCT = st.column_config.NumberColumn(format="%.2f%%")


def _fmt(x: float, digits: int = 4) -> str:
    return "undefined" if math.isnan(x) else f"{x:.{digits}f}"


def defaults(an: Analysis) -> dict[str, object]:
    """Inputs on a first visit; the capacity and base rate start from this file's figures."""
    values = {key: spec.default for key, spec in cards.SETTINGS.items()}
    values["capacity_rows"] = float(max(1, round(an.prepared.n_used * 0.01)))
    values["deploy_prev"] = round(max(min(an.prepared.prevalence * 100, 99.999), 0.001), 3)
    return values


def costs_tab(
    an: Analysis, source: session.Source, sel: session.Selection, t: float
) -> CostCurve | None:
    """Expected cost against the threshold, the cheapest threshold, and why."""
    st.markdown(
        "What does each kind of error cost you? Enter a cost per **false alarm** (a flagged "
        "negative: a review, an annoyed customer) and per **miss** (an unflagged positive), and "
        "optionally a gain per correct decision. The cheapest threshold minimises the total."
    )
    cols = st.columns(4)
    inputs = (
        ("cost_fp", "Cost of a false positive", "Per false alarm, e.g. the cost of a review."),
        ("cost_fn", "Cost of a false negative", "Per miss, e.g. a fraud that goes through."),
        ("gain_tp", "Gain of a true positive", "Per positive caught (optional)."),
        ("gain_tn", "Gain of a true negative", "Per negative cleared (optional)."),
    )
    for col, (key, label, tip) in zip(cols, inputs, strict=True):
        col.number_input(label, min_value=0.0, step=1.0, format="%.4g", key=key, help=tip)
    options = ds.amount_options(source.frame, (sel.label, sel.score, sel.weight))
    if st.session_state.get("amount_col") not in options:
        st.session_state["amount_col"] = ""
    st.selectbox(
        "Per-row amount lost on a miss (optional)",
        options,
        key="amount_col",
        format_func=lambda c: c or "none: every miss costs the same",
        help="A column such as a transaction's value: each missed positive also loses its own "
        "amount, on top of the fixed cost above.",
    )
    values = {k: st.session_state[k] for k, *_ in inputs}
    empty = [label for key, label, _ in inputs if values[key] is None]
    if empty:
        st.warning(
            f"Enter a number for: {', '.join(empty)} (0 if it does not apply).",
            icon=":material/edit:",
        )
        return None
    costs = Costs(
        fp=values["cost_fp"], fn=values["cost_fn"], tp=values["gain_tp"], tn=values["gain_tn"]
    )
    column = st.session_state["amount_col"] or None
    missed = None
    if column is not None:
        try:
            missed, n_missing = ds.missed(an, source.frame, column)
        except DataError as err:
            st.error(str(err), icon=":material/error:")
            return None
        if n_missing:
            st.warning(
                f"{n_missing:,} of the rows used have no amount in {escape_markdown(column)}; "
                "they count as 0 when missed.",
                icon=":material/warning:",
            )
    if costs == Costs(0, 0, 0, 0) and column is None:
        st.info("Every cost and gain is 0: every threshold costs nothing.")
    curve, drawn = ds.cost_curve_for(an, costs, column, missed)
    here, best = curve.at(t), curve.best
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Net cost at the current threshold", fmt.money(here.total), border=True)
    c2.metric(
        "Cheapest threshold",
        "flag nothing" if best.flags_nothing else f"{best.threshold:.6g}",
        border=True,
        help="The highest threshold among those with the lowest net cost.",
    )
    c3.metric("Net cost there", fmt.money(best.total), border=True)
    c4.metric(
        "Saving if you switch",
        fmt.money(here.total - best.total),
        border=True,
        help="Net cost at the current threshold minus the lowest net cost.",
    )
    st.button(
        "Use the cheapest threshold",
        on_click=session.set_threshold,
        args=(best.threshold,),
        icon=":material/savings:",
        disabled=here.total == best.total,
        key="use_cheapest",
    )
    st.altair_chart(
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
    worst = drawn.loc[drawn["cost"].idxmax()]
    if worst["cost"] > top:
        st.caption(
            f"The cost axis stops at {fmt.money(top)} so that the region near the "
            "cheapest threshold stays readable; the highest net cost is "
            f"{fmt.money(worst['cost'])}, at threshold {worst['threshold']:.6g}."
        )
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
    return curve


def constraints_tab(an: Analysis, t: float) -> list[decision.Constraint]:
    """Thresholds meeting a precision, recall, false-positive-rate or capacity requirement."""
    st.markdown(
        "Requirements often come as rules: *precision at least 90%*, *catch 80% of "
        "positives*, *at most 5% false alarms among negatives*, *we can review 1,000 cases "
        "a day*. Each rule below gives the threshold that does best under it, or says that "
        "none meets it."
    )
    c1, c2, c3 = st.columns(3)
    c1.number_input("Precision at least (%)", 0.0, 100.0, step=1.0, key="min_precision")
    c2.number_input("Recall at least (%)", 0.0, 100.0, step=1.0, key="min_recall")
    c3.number_input("False positive rate at most (%)", 0.0, 100.0, step=0.5, key="max_fpr")
    c4, c5 = st.columns([1, 2], vertical_alignment="bottom")
    mode = c4.radio("Capacity", ("rows", "percent of rows"), key="capacity_mode", horizontal=True)
    total = float(an.sweep.total)
    if mode == "rows":
        c5.number_input(
            "Rows that can be flagged", min_value=0.0, step=10.0, key="capacity_rows", format="%.0f"
        )
        capacity = st.session_state["capacity_rows"]
    else:
        c5.number_input(
            "Share of rows that can be flagged (%)", 0.0, 100.0, step=0.5, key="capacity_pct"
        )
        pct = st.session_state["capacity_pct"]
        capacity = None if pct is None else decision.capacity_from_share(pct, total)
    levels = {k: st.session_state[k] for k in ("min_precision", "min_recall", "max_fpr")}
    if any(v is None for v in levels.values()) or capacity is None:
        st.warning("Enter a number in every field above.", icon=":material/edit:")
        return []
    results = ds.constraints_for(
        an,
        min_precision=levels["min_precision"] / 100,
        min_recall=levels["min_recall"] / 100,
        max_fpr=levels["max_fpr"] / 100,
        capacity=capacity,
    )
    for i, r in enumerate(results):
        with st.container(border=True):
            left, right = st.columns([4, 1], vertical_alignment="center")
            if r.choice is None:
                left.markdown(f"**{escape_markdown(r.name)}**: no threshold meets it.")
                left.caption(escape_markdown(r.message))
                continue
            left.markdown(
                f"**{escape_markdown(r.name)}** → threshold **{r.choice.threshold:.6g}** "
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
    if an.sweep.weighted:
        st.caption("With a weight column, capacity counts weight, not rows.")
    return results


def base_rate_tab(an: Analysis, t: float) -> None:
    """Metrics re-weighted to the share of positives expected in deployment."""
    file_prev = float(an.sweep.n_pos / an.sweep.total)
    st.markdown(
        f"This file has **{file_prev * 100:.3g}%** positives. If production will see a "
        "different share, precision, NPV, accuracy and F1 change even though the model does "
        "not. Recall and specificity stay the same."
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
    prev = st.session_state["deploy_prev"]
    if prev is None:
        st.warning("Enter the expected share of positives.", icon=":material/edit:")
        return
    prev /= 100
    point = an.at(t)
    labels = (f"this file ({file_prev * 100:.3g}%)", f"deployment ({prev * 100:.3g}%)")
    table = decision.base_rate_table(point, prev)
    table = table.rename(columns={"file": labels[0], "deployment": labels[1]})
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**At threshold {t:.6g}**")
        st.dataframe(
            table,
            hide_index=True,
            column_config={c: st.column_config.NumberColumn(format="%.4f") for c in labels},
        )
    with right:
        st.altair_chart(
            decision_charts.pr_base_rate_chart(
                decision.pr_prevalence_frame(an.sweep, prev, labels),
                decision.base_rate_frame(point, prev, labels),
            ),
            width="stretch",
        )
    st.caption(
        "Assumption: within each class the scores are distributed as in this file (the model "
        "and the kind of cases are unchanged); only the mix of classes differs. Re-weighting "
        "cannot fix a model whose scores drift in production."
    )


def uncertainty_tab(an: Analysis, t: float) -> dict:
    """Confidence intervals of the metrics at the threshold, and of ROC AUC and AP."""
    level = (
        st.radio(
            "Confidence level",
            (80, 90, 95, 99),
            key="ci_level",
            format_func=lambda v: f"{v}%",
            horizontal=True,
            help="How sure the interval should be to contain the value on new data like this.",
        )
        / 100
    )
    point = an.at(t)
    intervals = decision.point_intervals(an, point, level)
    ranking = ds.ranking_intervals(an, level)
    frame = decision.interval_frame(intervals)
    st.markdown(
        f"**Metrics at threshold {t:.6g}**, with {level:.0%} intervals: how much each could "
        "move on another sample of the same size."
    )
    if not frame["note"].any():
        frame = frame.drop(columns="note")
    st.dataframe(
        frame,
        hide_index=True,
        column_config={
            "value": st.column_config.NumberColumn(format="%.4f"),
            "low": st.column_config.NumberColumn(f"{level:.0%} low", format="%.4f"),
            "high": st.column_config.NumberColumn(f"{level:.0%} high", format="%.4f"),
        },
    )
    auc, ap = ranking["roc_auc"], ranking["average_precision"]
    c1, c2 = st.columns(2)
    c1.metric(
        "ROC AUC",
        _fmt(auc.estimate),
        delta=f"{level:.0%} CI {_fmt(auc.low)} – {_fmt(auc.high)}"
        if auc.defined
        else "CI undefined",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="DeLong's interval, computed exactly from the counts at every distinct score.",
    )
    c2.metric(
        "Average precision",
        _fmt(ap.estimate),
        delta=f"{level:.0%} CI {_fmt(ap.low)} – {_fmt(ap.high)}" if ap.defined else "CI undefined",
        delta_color="off",
        delta_arrow="off",
        border=True,
        help="Logit interval (Boyd, Eng and Page, 2013); undefined when AP is exactly 0 or 1.",
    )
    few = min(point.tp, point.fp, point.fn, point.tn)
    if few < 5:
        st.warning(
            f"A cell of the confusion matrix holds only {few:,.6g} rows: intervals from so few "
            "cases are rough, and a cell of 0 stays 0 in every resample.",
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


def compare_tab(an: Analysis, frame: pd.DataFrame, t: float) -> None:
    """What changes between the current threshold (A) and another one (B)."""
    if st.session_state.get("threshold_b") is None:
        default = an.best_f1.threshold if an.best_f1 is not None else an.slider.default
        st.session_state["threshold_b"] = float(default)
    c1, c2 = st.columns(2)
    c1.metric("Threshold A (current)", f"{t:.6g}", border=True)
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
    tr = compare_thresholds(an.sweep, t, b)
    pa, pb = an.at(t), an.at(b)
    rows = []
    for key, name, pct in (
        ("n_flagged", "Flagged", False),
        ("tp", "TP", False),
        ("fp", "FP", False),
        ("fn", "FN", False),
        ("tn", "TN", False),
        ("precision", "Precision", True),
        ("recall", "Recall", True),
        ("f1", "F1", False),
        ("fpr", "FPR", True),
    ):
        va, vb = float(getattr(pa, key)), float(getattr(pb, key))
        if pct or key == "f1":
            rows.append(
                {"": name, "A": format_value(va, percent=pct), "B": format_value(vb, percent=pct)}
            )
        else:
            rows.append(
                {
                    "": name,
                    "A": f"{va:,.6g}",
                    "B": f"{vb:,.6g}",
                }
            )
    left, right = st.columns(2)
    left.dataframe(pd.DataFrame(rows), hide_index=True)
    with right:
        n = tr.n_changed
        if n == 0:
            st.info("No row changes cell between A and B: no score lies between them.")
            return
        direction = "flags" if b < t else "unflags"
        st.markdown(f"Going from A to B {direction} **{n:,.6g}** rows:")
        st.dataframe(decision.transition_frame(tr), hide_index=True)
        st.download_button(
            f"Download the {n:,.6g} rows that change (CSV)",
            data=functools.partial(decision.changed_rows_csv, frame, an, t, b),
            file_name="rows_between_thresholds.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key="changed_rows_csv",
        )
        st.caption(
            "The rows as read, with each row's cell at A and at B. Text that a spreadsheet "
            "would run as a formula (starting with = + - @) is prefixed with an apostrophe."
        )


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
        file_name=f"operating_point_{t:.6g}.json",
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
    ds.keep_settings(defaults(an))
    body(an, source, selection)
