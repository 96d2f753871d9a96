"""Curves: ROC, precision-recall, gains and lift, KS, DET and calibration.

Same dataset and threshold as the explorer. Clicking a point on the ROC or
precision-recall curve makes its threshold the current one on every page.
"""

import functools
from collections.abc import Sequence

import streamlit as st

from metrics_app.curves import charts as curve_charts
from metrics_app.curves import model as curves
from metrics_app.curves import state as curves_state
from metrics_app.curves.model import Model
from metrics_app.data import DataError
from metrics_app.shared import format as fmt
from metrics_app.shared import frame, session, widgets
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown
from metrics_core import OperatingPoint

frame.run_inside_frame()

# Chart keys and their selection names (a browser test clicks these).
ROC_KEY, ROC_PICK = "curves_roc", "roc_pick"
PR_KEY, PR_PICK = "curves_pr", "pr_pick"
TABS = ("ROC and PR", "Gains and lift", "KS and DET", "Calibration", "Threshold table")
BIN_EDGES = {"uniform": "Equal width", "quantile": "Equal size"}

st.title("Curves", anchor=False)
an = session.current_analysis()


def data_caption(an: Analysis, source: session.Source) -> None:
    """Which data, score column and positive class the curves are of."""
    st.caption(
        f"**{escape_markdown(source.name)}** · score column **{escape_markdown(an.score_name)}** "
        f"· positive class **{escape_markdown(an.positive_name)}**. Same data and threshold as "
        "the explorer; every statistic here uses all distinct thresholds, the charts at most "
        f"{fmt.count(curves.MAX_POINTS)} points per curve."
    )


def compared_models(
    primary: Model, source: session.Source, selection: session.Selection
) -> list[Model]:
    """The primary model and the other score columns the user picks to overlay on it."""
    options = curves_state.comparable_columns(source, selection)
    models = [primary]
    if not options:
        return models
    others = st.multiselect(
        "Compare with other score columns",
        options,
        key=curves_state.compare_key(source, selection),
        max_selections=curve_charts.MAX_COMPARED,
        persist_state="session",
        placeholder="Choose score columns to overlay",
        help="Each column is scored with the same labels, positive class and weights. "
        "The operating point is marked for the sidebar's score column only.",
    )
    for other in others:
        try:
            with st.spinner(f"Sorting the scores of {other}…"):
                models.append(curves_state.other_model(source, selection, other))
        except DataError as err:
            st.warning(
                f"**{escape_markdown(other)}** can't be compared: {escape_markdown(err)}",
                icon=":material/warning:",
            )
    return models


def models_table(models: Sequence[Model]) -> None:
    """Each model's threshold-free statistics, one row per model."""
    summary = curves.summary_frame(models, curves_state.probability_scores_by_key(models))
    st.dataframe(summary, hide_index=True, key="curves_summary")
    if curves.different_row_counts(models):
        st.caption(
            "The models use different numbers of rows: rows with a missing or non-finite score "
            "in a column are left out of that column's statistics."
        )


def roc_and_pr(models: Sequence[Model], t: float, point: OperatingPoint) -> None:
    """The ROC and precision-recall curves, side by side; a click picks a threshold."""
    primary = models[0]
    cd = primary.cd
    left, right = st.columns(2)
    with left:
        st.markdown(f"**ROC curve** · AUC {fmt.decimal(cd.roc_auc, 4)}")
        widgets.altair_chart(
            curve_charts.roc_chart(
                curves.roc_frame(models, t), point, primary=primary.name, pick=ROC_PICK
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
        st.markdown(f"**Precision-recall curve** · AP {fmt.decimal(cd.average_precision, 4)}")
        widgets.altair_chart(
            curve_charts.pr_chart(
                curves.pr_frame(models, t),
                point,
                primary=primary.name,
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
            if curves.nothing_flagged(point)
            else ""
        )
        st.caption(
            "Precision (how many flagged rows are positive) against recall (how many "
            "positives are flagged). The dashed line is chance: precision equal to the "
            f"prevalence, {fmt.percent(cd.prevalence, 2)}. Dotted curves join points of equal "
            "F1. Useful when positives are rare. **Click a point to use its threshold.**" + note
        )


def gains_and_lift(models: Sequence[Model], t: float, point: OperatingPoint) -> None:
    """Cumulative gains and lift, side by side."""
    primary = models[0]
    prevalence = primary.cd.prevalence
    left, right = st.columns(2)
    with left:
        st.markdown("**Cumulative gains**")
        widgets.altair_chart(
            curve_charts.gains_chart(
                curves.gains_frame(models, t), point, primary=primary.name, prevalence=prevalence
            ),
            width="stretch",
        )
        st.caption(
            "Flag rows from the highest score down: the x axis is the share of rows "
            "flagged, the y axis the share of all positives caught. The diagonal is a "
            "random order; the dashed bend is a perfect model, which catches every "
            f"positive once {fmt.percent(prevalence, 2)} of rows are flagged."
        )
    with right:
        st.markdown("**Lift**")
        widgets.altair_chart(
            curve_charts.lift_chart(
                curves.lift_frame(models, t), point, primary=primary.name, prevalence=prevalence
            ),
            width="stretch",
        )
        st.caption(
            "How many times richer in positives the flagged rows are than a random pick "
            "of the same size (precision ÷ prevalence). 1 is no better than random; "
            "flagging every row always gives 1."
        )


def ks_and_det(models: Sequence[Model], t: float, point: OperatingPoint) -> None:
    """The primary model's class score distributions with KS, and every model's DET curve."""
    primary = models[0]
    an, cd = primary.an, primary.cd
    left, right = st.columns(2)
    with left:
        st.markdown(f"**Score distributions and KS** · KS {fmt.decimal(cd.ks, 3)}")
        widgets.altair_chart(
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
            f"largest TPR − FPR), at threshold {fmt.significant(cd.ks_threshold)}; the dashed "
            f"line is the current threshold. Drawn for {escape_markdown(primary.name)} only; "
            "the table above lists each model's KS."
        )
    with right:
        st.markdown("**Detection error trade-off (DET)**")
        widgets.altair_chart(
            curve_charts.det_chart(
                curves.det_frame(models, t),
                point,
                primary=primary.name,
                marker=curves.det_marker(point, cd),
                floor=cd.det_floor,
            ),
            width="stretch",
        )
        st.caption(
            "Both kinds of error on normal-deviate (probit) axes: misses (FNR) against "
            "false alarms (FPR). Scores that are roughly normal in each class give "
            "straight lines, so models are easy to compare; lower left is better. "
            f"Rates of 0 are drawn at the edge ({fmt.significant(cd.det_floor, 1)})."
        )


def not_probabilities(an: Analysis) -> None:
    """Why scores outside [0, 1] get no calibration diagram, and what to do about it."""
    lo, hi = curves.score_range(an)
    st.info(
        f"**No calibration diagram for {escape_markdown(an.score_name)}: these scores are not "
        f"probabilities.** They range from {fmt.significant(lo)} to {fmt.significant(hi)}, "
        "outside [0, 1], so there is no predicted probability to compare with how often rows "
        "are really positive, and the Brier score and log loss are undefined. Calibrate the "
        "scores first, for example with a sigmoid fitted on held-out data (Platt scaling) or "
        "isotonic regression, and upload the calibrated column.",
        icon=":material/info:",
    )


def calibration_controls() -> tuple[int, str]:
    """The number of bins and how their edges are placed."""
    n_bins = st.slider("Bins", 5, 50, 10, key="calibration_bins", persist_state="session")
    strategy = st.segmented_control(
        "Bin edges",
        list(BIN_EDGES),
        default="uniform",
        format_func=BIN_EDGES.__getitem__,
        key="calibration_strategy",
        persist_state="session",
        help="Equal width: bins of the same width over [0, 1]. Equal size: each "
        "bin holds about the same number of rows.",
    )
    return n_bins, strategy or "uniform"


def calibration(models: Sequence[Model]) -> None:
    """The reliability diagram and bin histogram of every model with probability scores."""
    an = models[0].an
    prob = curves_state.probability_scores(an)
    if prob is None:
        not_probabilities(an)
        return
    controls, stats = st.columns([2, 3], vertical_alignment="bottom")
    with controls:
        n_bins, strategy = calibration_controls()
    with stats:
        widgets.card_row(curves.probability_cards(prob))
    bins, skipped = curves_state.calibration_frames(models, n_bins, strategy)
    widgets.altair_chart(
        curve_charts.calibration_chart(bins, primary=an.score_name), width="stretch"
    )
    widgets.altair_chart(
        curve_charts.calibration_histogram(bins, primary=an.score_name), width="stretch"
    )
    st.caption(
        "Rows are grouped by predicted probability; each dot is a group, placed at its "
        "mean prediction (x) and the share of it that is really positive (y), sized by "
        "its number of rows. On the diagonal, a predicted 30% means 30% positive. "
        "Below the diagonal the model predicts too high (over-confident about "
        f"positives); above it, too low. The bars show how many rows of "
        f"{escape_markdown(an.score_name)} fall in each bin."
    )
    if skipped:
        st.caption(
            "Not drawn (scores are not probabilities): "
            + ", ".join(f"**{escape_markdown(s)}**" for s in skipped)
            + "."
        )


def threshold_table(primary: Model, t: float) -> None:
    """Counts and metrics at the ROC curve's thresholds, and the full table as CSV."""
    an, cd = primary.an, primary.cd
    table, shown = curves.table_frame(primary, t)
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
            **{
                col: st.column_config.NumberColumn(title, format="%.4f")
                for col, title in curves.RATE_COLUMNS
            },
        },
    )
    st.caption(curves.table_caption(shown, cd.n_thresholds))
    download = curves.csv_download(cd.n_thresholds, an.score_name)
    st.download_button(
        download.label,
        data=functools.partial(curves.threshold_csv, an.sweep),
        file_name=download.file_name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="curves_csv",
    )
    st.caption(download.note + " Empty cells are undefined. The file is built when you click.")


def render(an: Analysis) -> None:
    """The whole page for one analysis: headline numbers, model table, one tab per curve."""
    t = session.sync_threshold(an)
    source: session.Source = st.session_state[session.SOURCE]
    selection: session.Selection = st.session_state[session.SELECTION]
    with st.spinner("Tracing the curves…"):
        primary = curves_state.model(an)
    point = an.at(t)
    data_caption(an, source)
    widgets.card_row(curves.headline_cards(primary.cd, t))
    st.page_link(
        "pages/explore.py", label="Move the threshold in the explorer", icon=":material/tune:"
    )
    models = compared_models(primary, source, selection)
    models_table(models)
    roc_tab, gains_tab, ks_tab, calibration_tab, table_tab = st.tabs(
        TABS, key="curves_tab", on_change="rerun"
    )
    # Only the open tab is drawn: a closed tab costs nothing on a rerun.
    if roc_tab.open:
        with roc_tab:
            roc_and_pr(models, t, point)
    if gains_tab.open:
        with gains_tab:
            gains_and_lift(models, t, point)
    if ks_tab.open:
        with ks_tab:
            ks_and_det(models, t, point)
    if calibration_tab.open:
        with calibration_tab:
            calibration(models)
    if table_tab.open:
        with table_tab:
            threshold_table(primary, t)
    st.caption(
        "Charts: hover a chart and use its toolbar to download it as PNG, show its data or view "
        "it full screen."
    )


if an is not None:
    render(an)
