"""Threshold explorer: move the threshold, watch every metric follow."""

import streamlit as st

from metrics_app.explorer import charts as explorer_charts
from metrics_app.explorer import model
from metrics_app.report import state as report
from metrics_app.shared import charts, frame, notices, session, widgets
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.format import escape_markdown
from metrics_app.shared.glossary import describe_score_kind

frame.run_inside_frame()

st.title("Threshold explorer", anchor=False)
an = session.current_analysis()


@st.fragment
def threshold_panel(an: Analysis) -> None:
    """Everything that depends on the threshold reruns here, alone."""
    t = session.threshold_controls(an, live=True)
    point = an.at(t)
    widgets.card_row(model.metric_cards(point))
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**Confusion matrix**")
        cells = charts.confusion_frame(point, an.positive_name, an.negative_name)
        widgets.altair_chart(charts.confusion_chart(cells), width="stretch")
    with right:
        st.markdown("**Score distribution of each class**")
        log_y = st.toggle("Log scale", value=model.log_scale_by_default(an), key="hist_log")
        widgets.altair_chart(
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
    widgets.altair_chart(
        explorer_charts.threshold_curve_chart(an.curve, t, point=point), width="stretch"
    )


def data_summary(an: Analysis, source: session.Source) -> None:
    """Rows used and excluded, positives and prevalence."""
    st.caption(
        f"**{escape_markdown(source.name)}** · "
        f"score column **{escape_markdown(an.score_label)}** · "
        f"positive class **{escape_markdown(an.positive_name)}**. "
        + escape_markdown(describe_score_kind(an.kind))
        + " "
        + notices.direction_sentence(an)
    )
    widgets.card_row(model.summary_cards(an.prepared, an.positive_name))
    warning = model.exclusion_warning(an.prepared)
    if warning:
        st.warning(warning)
    if source.counts:
        st.caption(source.counts.note)
    if an.sweep.weighted:
        st.caption("Counts below are sums of the weight column, not numbers of rows.")


if an is not None:
    source: session.Source = st.session_state[session.SOURCE]
    data_summary(an, source)
    threshold_panel(an)
    with st.expander("First rows of the data, as read"):
        st.dataframe(source.frame.head(20), hide_index=True)

report.download_report(an)
