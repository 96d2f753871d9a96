"""Threshold explorer: move the threshold, watch every metric follow."""

import streamlit as st

from metrics_app.explorer import charts as explorer_charts
from metrics_app.shared import charts, frame, session
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown
from metrics_app.shared.format import metric_value as format_value
from metrics_app.shared.glossary import CARDS, describe_score_kind

frame.run_inside_frame()

st.title("Threshold explorer", anchor=False)
an = session.current_analysis()


@st.fragment
def threshold_panel(an: Analysis) -> None:
    """Everything that depends on the threshold reruns here, alone."""
    t = session.threshold_controls(an)
    point = an.at(t)
    per_row = 6
    for start in range(0, len(CARDS), per_row):
        for col, info in zip(st.columns(per_row), CARDS[start : start + per_row], strict=False):
            value = getattr(point, info.key)
            text = format_value(value, percent=info.percent)
            col.metric(
                info.label,
                text,
                help=info.help,
                border=True,
                delta=f"undefined: {info.undefined_when}" if text == "undefined" else None,
                delta_color="off",
                delta_arrow="off",
            )
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Confusion matrix**")
        frame = charts.confusion_frame(point, an.positive_name, an.negative_name)
        st.altair_chart(charts.confusion_chart(frame), width="stretch")
    with right:
        st.markdown("**Score distribution of each class**")
        log_y = st.toggle("Log scale", value=an.prepared.prevalence < 0.1, key="hist_log")
        st.altair_chart(
            explorer_charts.score_distribution_chart(
                an.hist,
                t,
                positive_name=an.positive_name,
                negative_name=an.negative_name,
                log_y=log_y,
            ),
            width="stretch",
        )
    st.markdown("**Precision, recall and F1 at every threshold**")
    st.altair_chart(
        explorer_charts.threshold_curve_chart(an.curve, t, point=point), width="stretch"
    )


def data_summary(an: Analysis, source: session.Source) -> None:
    """Rows used and excluded, positives and prevalence."""
    prep = an.prepared
    st.caption(
        f"**{escape_markdown(source.name)}** · score column **{escape_markdown(an.score_name)}** · "
        f"positive class **{escape_markdown(an.positive_name)}**. "
        + escape_markdown(describe_score_kind(an.kind))
    )

    rows, excluded, positives, prevalence = st.columns(4)
    rows.metric("Rows used", f"{prep.n_used:,}", border=True)
    excluded.metric(
        "Rows excluded",
        f"{prep.n_excluded:,}",
        border=True,
        help="Rows with a missing label, a missing or non-finite score, or a missing or "
        "negative weight are left out and counted here.",
    )
    positives.metric(
        f"Positives ({escape_markdown(an.positive_name)})", f"{prep.n_pos:,}", border=True
    )
    prevalence.metric("Prevalence", f"{prep.prevalence:.2%}", border=True)
    if prep.n_excluded:
        reasons = ", ".join(f"{n:,} with {why}" for why, n in prep.excluded.items())
        st.warning(f"{prep.n_excluded:,} of {prep.n_rows_read:,} rows were excluded: {reasons}.")
    if an.sweep.weighted:
        st.caption("Counts below are sums of the weight column, not numbers of rows.")


if an is not None:
    source: session.Source = st.session_state[session.SOURCE]
    data_summary(an, source)
    threshold_panel(an)
    with st.expander("First rows of the data, as read"):
        st.dataframe(source.frame.head(20), hide_index=True)
