"""Compare: is one model really better than another on the same rows?"""

import streamlit as st

from metrics_app.compare import charts as compare_charts
from metrics_app.compare import model
from metrics_app.compare import state as compare_state
from metrics_app.data import DataError
from metrics_app.shared import format as fmt
from metrics_app.shared import frame, session, widgets

frame.run_inside_frame()

st.title("Compare two models", anchor=False)
an = session.current_analysis()

if an is not None:
    source: session.Source = st.session_state[session.SOURCE]
    selection: session.Selection = st.session_state[session.SELECTION]
    choices = compare_state.options(source, selection)
    if not choices:
        st.info(
            "This table has one score column only. To compare two models, add a second "
            "numeric column with the other model's scores of the same rows, and upload it again."
        )
        st.stop()
    compare_state.default_model_b(choices)
    st.markdown(
        f"Model A is the sidebar's score column, **{fmt.escape_markdown(an.score_label)}**."
    )
    name_b = st.selectbox("Model B: score column", choices, key=compare_state.MODEL_B)
    try:
        an_b = compare_state.analysis_b(source, selection, name_b)
    except DataError as err:
        st.error(f"Column {fmt.escape_markdown(name_b)} cannot be used: {err}")
        st.stop()
    pair = compare_state.pair_for(an, an_b)
    if pair.n_dropped:
        st.info(
            f"{fmt.count(pair.n_dropped)} rows one model can use and the other cannot (a "
            "missing score) are left out: both models are compared on the same "
            f"{fmt.count(pair.y.shape[0])} rows."
        )
    if an.sweep.weighted:
        st.caption("The tests count rows: the weight column is not used on this page.")

    with st.spinner("Testing the difference on the same rows…"):
        tests = compare_state.tests_for(an, an_b, pair)
    st.subheader("Ranking: ROC AUC", anchor=False)
    widgets.card_row(model.auc_cards(pair, tests))
    st.markdown(
        fmt.escape_markdown(
            model.verdict(
                tests.delong.p_value,
                "ROC AUC",
                pair.name_a,
                pair.name_b,
                tests.delong.difference.estimate,
            )
        )
    )
    st.subheader("Ranking of the positives: average precision", anchor=False)
    widgets.card_row(model.ap_cards(pair, tests))
    st.markdown(fmt.escape_markdown(model.ap_verdict(pair, tests)))
    if tests.ap_difference is None:
        st.button(
            "Compute the paired bootstrap interval",
            on_click=compare_state.request_bootstrap,
            args=(an, an_b),
            icon=":material/calculate:",
        )

    st.subheader("Decisions: McNemar's test at each model's threshold", anchor=False)
    compare_state.default_thresholds(an, an_b)
    key_a, key_b = compare_state.threshold_keys(an, an_b)
    left, right = st.columns(2)
    with left:
        t_a = st.number_input(
            f"Threshold of {pair.name_a}", key=key_a, format="%.6g", help="Starts at its best F1."
        )
    with right:
        t_b = st.number_input(
            f"Threshold of {pair.name_b}", key=key_b, format="%.6g", help="Starts at its best F1."
        )
    result, differ = model.mcnemar_for(pair, t_a, t_b)
    widgets.card_row(model.mcnemar_cards(pair, result))
    st.markdown(fmt.escape_markdown(model.mcnemar_verdict(pair, result)))
    rows = model.disagreements(source.frame, pair, differ, t_a, t_b)
    st.download_button(
        f"Download the {fmt.count(len(rows))} rows they classify differently (CSV)",
        rows.to_csv(index=False).encode(),
        file_name="rows_classified_differently.csv",
        mime="text/csv",
        disabled=rows.empty,
        icon=":material/download:",
    )

    sweeps = compare_state.sweeps_for(an, an_b, pair)
    curves, points = model.pair_curves(pair, sweeps, t_a, t_b)
    # Side by side at a fixed size, wrapping one under the other in a narrow window.
    with st.container(horizontal=True, wrap=True):
        widgets.altair_chart(compare_charts.pair_roc_chart(curves, points, pair), width="content")
        widgets.altair_chart(compare_charts.pair_pr_chart(curves, points, pair), width="content")
