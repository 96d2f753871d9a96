"""Curves: ROC, precision-recall, gains and lift, KS, DET and calibration.

Same dataset and threshold as the explorer. Clicking a point on the ROC or
precision-recall curve makes its threshold the current one on every page.
"""

import dataclasses
import functools

import streamlit as st

from metrics_app.curves import charts as curve_charts
from metrics_app.curves import model as curves
from metrics_app.curves import state as curves_state
from metrics_app.data import DataError
from metrics_app.shared import format as fmt
from metrics_app.shared import frame, session
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown

frame.run_inside_frame()

# Chart keys and their selection names (a browser test clicks these).
ROC_KEY, ROC_PICK = "curves_roc", "roc_pick"
PR_KEY, PR_PICK = "curves_pr", "pr_pick"
TABS = ("ROC and PR", "Gains and lift", "KS and DET", "Calibration", "Threshold table")

st.title("Curves", anchor=False)
an = session.current_analysis()


def render(an: Analysis) -> None:
    """The whole page for one analysis."""

    t = session.sync_threshold(an)
    source: session.Source = st.session_state[session.SOURCE]
    selection: session.Selection = st.session_state[session.SELECTION]
    with st.spinner("Tracing the curves…"):
        primary = curves_state.model(an)
    cd = primary.cd
    point = an.at(t)
    name = escape_markdown(an.score_name)

    st.caption(
        f"**{escape_markdown(source.name)}** · score column **{name}** · positive class "
        f"**{escape_markdown(an.positive_name)}**. Same data and threshold as the explorer; "
        "every statistic here uses all distinct thresholds, the charts at most "
        f"{curves.MAX_POINTS:,} points per curve."
    )

    undefined = "undefined: needs both classes"
    cols = st.columns(4)
    cols[0].metric(
        "Current threshold",
        f"{t:.6g}",
        border=True,
        help="Rows with score ≥ threshold are flagged positive. Click a point on the ROC or "
        "precision-recall curve to change it, or use the explorer.",
    )
    for col, label, value, tip in (
        (
            cols[1],
            "ROC AUC",
            fmt.decimal(cd.roc_auc, 4),
            "Area under the ROC curve: the chance that a random positive scores above a random "
            "negative. 0.5 is chance, 1 is perfect.",
        ),
        (
            cols[2],
            "Average precision",
            fmt.decimal(cd.average_precision, 4),
            "Precision averaged over recall levels (step-wise area under the PR curve). Chance "
            f"level is the prevalence, {cd.prevalence:.2%}.",
        ),
        (
            cols[3],
            "KS statistic",
            fmt.decimal(cd.ks, 3),
            "Kolmogorov-Smirnov: the widest gap between the two classes' cumulative score "
            f"distributions, the largest TPR − FPR (at threshold {cd.ks_threshold:.4g}).",
        ),
    ):
        col.metric(
            label,
            value,
            border=True,
            help=tip,
            delta=undefined if value == "undefined" else None,
            delta_color="off",
            delta_arrow="off",
        )
    st.page_link(
        "pages/explore.py", label="Move the threshold in the explorer", icon=":material/tune:"
    )

    # --- other models ------------------------------------------------------------------------
    options = curves.other_score_columns(
        source.frame,
        label=selection.label,
        score=selection.score,
        weight=selection.weight,
        demo_scores=source.demo.scores if source.demo else (),
    )
    models = [primary]
    if options:
        others = st.multiselect(
            "Compare with other score columns",
            options,
            key=f"compare::{source.id}::{selection.score}",
            max_selections=len(curve_charts.MODEL_COLOURS) - 1,
            persist_state="session",
            placeholder="Choose score columns to overlay",
            help="Each column is scored with the same labels, positive class and weights. "
            "The operating point is marked for the sidebar's score column only.",
        )
        for other in others:
            try:
                with st.spinner(f"Sorting the scores of {other}…"):
                    other_an = session.analysis_for(
                        source, dataclasses.replace(selection, score=other)
                    )
                    models.append(curves_state.model(other_an))
            except DataError as err:
                st.warning(
                    f"**{escape_markdown(other)}** can't be compared: {escape_markdown(err)}",
                    icon=":material/warning:",
                )
    st.dataframe(curves_state.summary_frame(models), hide_index=True, key="curves_summary")
    if len({m.an.prepared.n_used for m in models}) > 1:
        st.caption(
            "The models use different numbers of rows: rows with a missing or non-finite score "
            "in a column are left out of that column's statistics."
        )

    tabs = st.tabs(TABS, key="curves_tab", on_change="rerun")
    roc_tab, gains_tab, ks_tab, calibration_tab, table_tab = tabs

    # --- ROC and precision-recall -------------------------------------------------------------
    if roc_tab.open:
        with roc_tab:
            left, right = st.columns(2)
            with left:
                st.markdown(f"**ROC curve** · AUC {fmt.decimal(cd.roc_auc, 4)}")
                st.altair_chart(
                    curve_charts.roc_chart(
                        curves.roc_frame(models, t), point, primary=an.score_name, pick=ROC_PICK
                    ),
                    key=ROC_KEY,
                    on_select=curves_state.pick_callback(ROC_KEY, ROC_PICK),
                    selection_mode=ROC_PICK,
                    width="stretch",
                )
                st.caption(
                    "Each point is a threshold: the share of positives caught (TPR) against the "
                    "share of negatives wrongly flagged (FPR). Up and to the left is better; the "
                    "dashed diagonal is a random ranking. The dark dot is the current threshold. "
                    "Hover for a point's threshold; **click to make it the current threshold**."
                )
            with right:
                st.markdown(
                    f"**Precision-recall curve** · AP {fmt.decimal(cd.average_precision, 4)}"
                )
                st.altair_chart(
                    curve_charts.pr_chart(
                        curves.pr_frame(models, t),
                        point,
                        primary=an.score_name,
                        prevalence=cd.prevalence,
                        pick=PR_PICK,
                    ),
                    key=PR_KEY,
                    on_select=curves_state.pick_callback(PR_KEY, PR_PICK),
                    selection_mode=PR_PICK,
                    width="stretch",
                )
                note = (
                    " Precision is undefined at the current threshold (nothing is flagged), so "
                    "no dot is drawn."
                    if point.n_flagged == 0
                    else ""
                )
                st.caption(
                    "Precision (how many flagged rows are positive) against recall (how many "
                    "positives are flagged). The dashed line is chance: precision equal to the "
                    f"prevalence, {cd.prevalence:.2%}. Dotted curves join points of equal F1. "
                    "Useful when positives are rare. **Click a point to use its threshold.**" + note
                )

    # --- gains and lift -----------------------------------------------------------------------
    if gains_tab.open:
        with gains_tab:
            left, right = st.columns(2)
            with left:
                st.markdown("**Cumulative gains**")
                st.altair_chart(
                    curve_charts.gains_chart(
                        curves.gains_frame(models, t),
                        point,
                        primary=an.score_name,
                        prevalence=cd.prevalence,
                    ),
                    width="stretch",
                )
                st.caption(
                    "Flag rows from the highest score down: the x axis is the share of rows "
                    "flagged, the y axis the share of all positives caught. The diagonal is a "
                    "random order; the dashed bend is a perfect model, which catches every "
                    f"positive once {cd.prevalence:.2%} of rows are flagged."
                )
            with right:
                st.markdown("**Lift**")
                st.altair_chart(
                    curve_charts.lift_chart(
                        curves.lift_frame(models, t),
                        point,
                        primary=an.score_name,
                        prevalence=cd.prevalence,
                    ),
                    width="stretch",
                )
                st.caption(
                    "How many times richer in positives the flagged rows are than a random pick "
                    "of the same size (precision ÷ prevalence). 1 is no better than random; "
                    "flagging every row always gives 1."
                )

    # --- KS and DET ---------------------------------------------------------------------------
    if ks_tab.open:
        with ks_tab:
            left, right = st.columns(2)
            with left:
                st.markdown(f"**Score distributions and KS** · KS {fmt.decimal(cd.ks, 3)}")
                st.altair_chart(
                    curve_charts.ks_chart(
                        curves.distribution_frame(primary, t),
                        threshold=t,
                        ks=cd.ks,
                        ks_point=curves.ks_point(primary),
                        positive_name=an.positive_name,
                        negative_name=an.negative_name,
                    ),
                    width="stretch",
                )
                st.caption(
                    "For each threshold, the share of each class scoring below it. The vertical "
                    "bar is the widest gap, the Kolmogorov-Smirnov statistic (equal to the "
                    f"largest TPR − FPR), at threshold {cd.ks_threshold:.4g}; the dashed line is "
                    f"the current threshold. Drawn for {name} only; the table above lists each "
                    "model's KS."
                )
            with right:
                st.markdown("**Detection error trade-off (DET)**")
                det = curves.det_frame(models, t)
                marker = curves.probit([point.fpr, point.fnr], cd.det_floor)
                st.altair_chart(
                    curve_charts.det_chart(
                        det,
                        point,
                        primary=an.score_name,
                        marker=(float(marker[0]), float(marker[1])),
                        floor=cd.det_floor,
                    ),
                    width="stretch",
                )
                st.caption(
                    "Both kinds of error on normal-deviate (probit) axes: misses (FNR) against "
                    "false alarms (FPR). Scores that are roughly normal in each class give "
                    "straight lines, so models are easy to compare; lower left is better. "
                    f"Rates of 0 are drawn at the edge ({cd.det_floor:.1g})."
                )

    # --- calibration --------------------------------------------------------------------------
    if calibration_tab.open:
        with calibration_tab:
            if an.kind != "probability":
                lo, hi = float(an.sweep.thresholds[-1]), float(an.sweep.thresholds[0])
                st.info(
                    f"**No calibration diagram for {name}: these scores are not probabilities.** "
                    f"They range from {lo:.4g} to {hi:.4g}, outside [0, 1], so there is no "
                    "predicted probability to compare with how often rows are really positive, "
                    "and the Brier score and log loss are undefined. Calibrate the scores first, "
                    "for example with a sigmoid fitted on held-out data (Platt scaling) or "
                    "isotonic regression, and upload the calibrated column.",
                    icon=":material/info:",
                )
            else:
                prob = curves_state.probability_scores(an)
                controls, stats = st.columns([2, 3], vertical_alignment="bottom")
                with controls:
                    n_bins = st.slider(
                        "Bins", 5, 50, 10, key="calibration_bins", persist_state="session"
                    )
                    strategy = st.segmented_control(
                        "Bin edges",
                        ["uniform", "quantile"],
                        default="uniform",
                        format_func=lambda s: {"uniform": "Equal width", "quantile": "Equal size"}[
                            s
                        ],
                        key="calibration_strategy",
                        persist_state="session",
                        help="Equal width: bins of the same width over [0, 1]. Equal size: each "
                        "bin holds about the same number of rows.",
                    )
                with stats:
                    brier, logloss = st.columns(2)
                    brier.metric(
                        "Brier score",
                        fmt.decimal(prob.brier, 4),
                        border=True,
                        help="Mean squared difference between predicted probability and outcome "
                        "(0 or 1). Lower is better. Predicting the prevalence for every row "
                        f"scores {prob.brier_baseline:.4f}.",
                    )
                    logloss.metric(
                        "Log loss",
                        fmt.decimal(prob.log_loss, 4),
                        border=True,
                        help="Mean negative log-likelihood of the outcomes (natural log); punishes "
                        "confident mistakes hard. Lower is better. Predicting the prevalence for "
                        f"every row scores {prob.log_loss_baseline:.4f}.",
                    )
                bins, skipped = curves_state.calibration_frames(
                    models, n_bins, strategy or "uniform"
                )
                st.altair_chart(
                    curve_charts.calibration_chart(bins, primary=an.score_name), width="stretch"
                )
                st.altair_chart(
                    curve_charts.calibration_histogram(bins, primary=an.score_name), width="stretch"
                )
                st.caption(
                    "Rows are grouped by predicted probability; each dot is a group, placed at its "
                    "mean prediction (x) and the share of it that is really positive (y), sized by "
                    "its number of rows. On the diagonal, a predicted 30% means 30% positive. "
                    "Below the diagonal the model predicts too high (over-confident about "
                    f"positives); above it, too low. The bars show how many rows of {name} fall "
                    "in each bin."
                )
                if skipped:
                    st.caption(
                        "Not drawn (scores are not probabilities): "
                        + ", ".join(f"**{escape_markdown(s)}**" for s in skipped)
                        + "."
                    )

    # --- threshold table ----------------------------------------------------------------------
    if table_tab.open:
        with table_tab:
            table, shown = curves.table_frame(primary, t)
            step, rows = curves.csv_plan(cd.n_thresholds)
            rate_columns = {
                col: st.column_config.NumberColumn(title, format="%.4f")
                for col, _, title in curves.TABLE_COLUMNS[5:]
            }
            st.dataframe(
                table,
                hide_index=True,
                key="curves_table",
                column_config={
                    "current": st.column_config.CheckboxColumn("Current", width="small"),
                    "threshold": st.column_config.NumberColumn("Threshold", format="%.6g"),
                    "tp": st.column_config.NumberColumn("TP", format="localized"),
                    "fp": st.column_config.NumberColumn("FP", format="localized"),
                    "fn": st.column_config.NumberColumn("FN", format="localized"),
                    "tn": st.column_config.NumberColumn("TN", format="localized"),
                    **rate_columns,
                },
            )
            if shown < cd.n_thresholds:
                st.caption(
                    f"Showing {shown:,} of {cd.n_thresholds:,} distinct thresholds, spread along "
                    "the ROC curve, with the current one ticked. Empty cells are undefined "
                    "(0/0, e.g. precision when nothing is flagged)."
                )
            else:
                st.caption(
                    f"All {cd.n_thresholds:,} distinct thresholds, with the current one ticked. "
                    "Empty cells are undefined (0/0, e.g. precision when nothing is flagged)."
                )
            if step == 1:
                label = f"Download all {cd.n_thresholds:,} thresholds (CSV)"
                note = "Every distinct threshold; counts exact, rates rounded to 6 decimals."
            else:
                label = f"Download {rows:,} of {cd.n_thresholds:,} thresholds (CSV)"
                note = (
                    f"All {cd.n_thresholds:,} thresholds would make a file of over a "
                    "gigabyte, so the "
                    f"CSV keeps 1 in every {step} (and the lowest): {rows:,} rows. Counts exact, "
                    "rates rounded to 6 decimals."
                )
            st.download_button(
                label,
                data=functools.partial(curves.threshold_csv, an.sweep),
                file_name=f"thresholds_{curves.safe_file_stem(an.score_name)}.csv",
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
                key="curves_csv",
            )
            st.caption(note + " Empty cells are undefined. The file is built when you click.")

    st.caption(
        "Charts: hover a chart and use its toolbar to download it as PNG, show its data or view "
        "it full screen."
    )


if an is not None:
    render(an)
