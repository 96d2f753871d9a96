"""Groups: does the model work equally well for every group of rows?"""

import streamlit as st

from metrics_app.groups import charts as group_charts
from metrics_app.groups import model
from metrics_app.groups import state as groups_state
from metrics_app.shared import frame, session, widgets
from metrics_app.shared.format import escape_markdown
from metrics_core import RULES

frame.run_inside_frame()

st.title("Groups", anchor=False)
an = session.current_analysis()

if an is not None:
    source: session.Source = st.session_state[session.SOURCE]
    selection: session.Selection = st.session_state[session.SELECTION]
    used = (selection.label, selection.score, selection.weight)
    options = groups_state.column_options(source, used)
    if not options:
        st.info(
            "This table has no column to group by. A group column holds text, categories, "
            f"booleans or integers with at most {model.MAX_GROUPS} distinct values (a region, "
            "a device, an age band): add one to the file and upload it again."
        )
        st.stop()
    groups_state.default_columns(options)
    columns = st.multiselect(
        "Group columns",
        options,
        key=groups_state.COLUMNS,
        help="Rows are split by the values of these columns (several columns: every "
        "combination present). Missing values form their own group, "
        f"{model.MISSING}.",
    )
    if not columns:
        st.info("Pick one or more group columns above.")
        st.stop()
    groups = groups_state.groups_for(source, an, tuple(columns))
    if len(groups) < 2:
        st.warning(
            f"Every row falls in one group ({escape_markdown(groups.names[0])}), so there is "
            "nothing to compare. Pick a column with at least two values."
        )
        st.stop()
    t = session.sync_threshold(an)
    st.caption(
        f"{len(groups)} groups by **{escape_markdown(' · '.join(columns))}**, at the threshold "
        f"**{an.threshold_text(t)}** (move it on the Threshold explorer page)."
    )
    for notice in (model.small_group_notice(groups), model.one_class_notice(groups)):
        if notice:
            st.info(escape_markdown(notice), icon=":material/info:")

    points, intervals = groups_state.points_and_intervals(an, groups, t)
    st.subheader("Each group at this threshold", anchor=False)
    st.caption("Metrics with 95% bootstrap intervals of each group's own rows.")
    st.table(model.group_table(groups, points, intervals), hide_index=True)
    st.markdown("**Gaps between groups**")
    st.table(model.gap_frame(model.gaps_of(groups, points), groups, points), hide_index=True)

    st.subheader("Curves of each group", anchor=False)
    curves = groups_state.curves_for(an, groups)
    dots = model.point_frame(groups, points)
    # Side by side at a fixed size, wrapping one under the other in a narrow window.
    with st.container(horizontal=True, wrap=True):
        widgets.altair_chart(
            group_charts.group_roc_chart(curves, dots, groups.names), width="content"
        )
        widgets.altair_chart(
            group_charts.group_pr_chart(curves, dots, groups.names), width="content"
        )

    st.subheader("A threshold per group", anchor=False)
    groups_state.default_costs()
    rule_col, fp_col, fn_col = st.columns([2, 1, 1])
    with rule_col:
        rule = st.selectbox(
            "Rule",
            list(RULES),
            format_func=lambda key: RULES[key].capitalize(),
            key=groups_state.RULE,
            help="Equal recall, FPR or flag rate: each group's threshold brings its rate "
            "closest to that of all rows at the current threshold. Cheapest: each group's "
            "threshold with the lowest net cost under the costs here.",
        )
    with fp_col:
        st.number_input("Cost of a false positive", min_value=0.0, key=groups_state.COST_FP)
    with fn_col:
        st.number_input("Cost of a false negative", min_value=0.0, key=groups_state.COST_FN)
    costs = groups_state.costs()
    result = groups_state.rule_result(an, groups, rule, t, costs)
    st.table(model.rule_frame(groups, result), hide_index=True)
    st.markdown("**Gaps under this rule**")
    st.table(
        model.gap_frame(model.gaps_of(groups, result.points), groups, result.points),
        hide_index=True,
    )
    st.markdown("**What the rule costs, over all rows**")
    st.table(model.rule_comparison(points, result, costs), hide_index=True)
    st.markdown(escape_markdown(model.rule_cost_sentence(points, result, costs)))
