"""Multiclass: K classes, one score column per class, or a column of predicted classes.

Same data as the other pages (the sidebar's file and label column). The score columns are
matched to the classes by name and can be corrected; a decision rule turns each row's
scores into one class (or none), and the matrix and report follow it.
"""

import functools

import streamlit as st

from metrics_app.data import DataError
from metrics_app.explorer.model import exclusion_warning
from metrics_app.multiclass import charts as mc_charts
from metrics_app.multiclass import model, report
from metrics_app.multiclass import state as mc
from metrics_app.multiclass.model import MulticlassAnalysis, Outcome, Rule
from metrics_app.report import state as report_state
from metrics_app.shared import format as fmt
from metrics_app.shared import frame, session, widgets
from metrics_app.shared.format import escape_markdown

frame.run_inside_frame()

TABS = ("Decisions, matrix and report", "Curves and ranking", "One class against the rest")
KINDS = {
    "detect": "Detect from the values",
    "probability": "Probabilities",
    "score": "Scores or logits",
}
GRID = 4  # selectboxes or number inputs per row
MAX_SELECTBOXES = 20  # more classes than this get one table instead of a selectbox each
DRILL_WIDTH = 360  # pixels: the class picker of the drill-down tab
PAIRS_WIDTH = 340  # pixels: the most-confused-pairs table, whole at any window width

st.title("Multiclass", anchor=False)


def binary_pages() -> None:
    """Links to the pages of one class against the rest."""
    with st.container(horizontal=True, wrap=True, gap="small"):
        st.page_link("pages/explore.py", label="Threshold explorer", icon=":material/tune:")
        st.page_link("pages/roc-pr.py", label="Curves", icon=":material/show_chart:")
        st.page_link("pages/operating-point.py", label="Operating point", icon=":material/gavel:")


def score_columns(source: session.Source, label: str, m: model.Matching) -> tuple:
    """One score-column choice per class: selectboxes up to 20 classes, a table beyond."""
    options = [None, *m.options]
    if len(m.classes) <= MAX_SELECTBOXES:
        picked = []
        grid = st.columns(GRID)
        for i, value in enumerate(m.classes):
            with grid[i % GRID]:
                picked.append(
                    st.selectbox(
                        f"Scores of **{escape_markdown(value)}**",
                        options,
                        index=options.index(m.columns[i]),
                        format_func=lambda c: "(no score column)" if c is None else c,
                        key=mc.key("col", source.id, label, i),
                        persist_state="session",
                    )
                )
        return tuple(picked)
    table = st.data_editor(
        model.matching_table(m),
        column_config={
            "Class": st.column_config.TextColumn("Class", disabled=True),
            "Score column": st.column_config.SelectboxColumn("Score column", options=m.options),
        },
        hide_index=True,
        key=mc.key("cols", source.id, label),
    )
    return model.table_columns(table)


def column_choice(source: session.Source, label: str, m: model.Matching) -> mc.Spec:
    """The matching panel: a score column per class, predicted classes, what scores are."""
    unmatched = sum(c is None for c in m.columns)
    with st.expander(
        "Score columns and predicted classes", expanded=source.demo is None or unmatched > 0
    ):
        st.caption(
            "Each class's score column, matched by name (p_cat, prob_2, cat_proba, cat, "
            "...); correct any that is wrong. Clear them all to evaluate predicted classes "
            "alone."
        )
        if unmatched:
            st.caption(f"{fmt.count(unmatched)} class(es) have no column matched by name.")
        columns = score_columns(source, label, m)
        left, middle, right = st.columns(3)
        prediction = left.selectbox(
            "Predicted-class column (optional)",
            [None, *m.prediction_options],
            index=[None, *m.prediction_options].index(m.prediction),
            format_func=lambda c: "none" if c is None else c,
            key=mc.key("pred", source.id, label),
            persist_state="session",
            help="The model's predicted class of each row (hard predictions), written like "
            "the labels. With scores too, it becomes one more decision rule.",
        )
        kind = middle.radio(
            "The score columns hold",
            list(KINDS),
            format_func=KINDS.get,
            key=mc.key("kind", source.id, label),
            persist_state="session",
            help="Probabilities are checked: between 0 and 1, each row summing to 1.",
        )
        softmax = right.toggle(
            "Apply a softmax",
            key=mc.key("softmax", source.id, label),
            persist_state="session",
            help="Turns scores or logits (rows not summing to 1) into probabilities: "
            "exp(score) divided by the row's sum of exp. Never applied unless you ask.",
        )
    return mc.Spec(columns=columns, prediction=prediction, kind=kind, softmax=softmax)


def summary(an: MulticlassAnalysis, selection: session.Selection) -> None:
    """Rows used and excluded, the classes, what the scores are."""
    data = an.data
    st.caption(escape_markdown(report.scores_sentence(data)))
    widgets.card_row(report.data_cards(data))
    warning = exclusion_warning(data)
    if warning:
        st.warning(warning)
    if selection.weight is not None:
        st.caption(
            f"The weight column **{escape_markdown(selection.weight)}** is not used on this "
            "page: every row counts once."
        )


def threshold_rule(an: MulticlassAnalysis) -> Rule:
    """One threshold per class, and what rows that reach none of them get."""
    data = an.data
    st.caption(
        "A row gets the class of highest score among those whose score reaches their own "
        "threshold (score ≥ threshold)."
    )
    grid = st.columns(GRID)
    values = []
    for i, name in enumerate(data.names):
        with grid[i % GRID]:
            values.append(
                st.number_input(
                    f"Threshold of **{escape_markdown(name)}**",
                    value=data.default_threshold,
                    step=0.01,
                    format="%.4g",
                    key=mc.key("thr", an.key, i),
                    persist_state="session",
                )
            )
    fallback = st.radio(
        "Rows that reach no threshold",
        ["argmax", "abstain"],
        format_func={"argmax": "get their highest score", "abstain": "stay undecided"}.get,
        horizontal=True,
        key=mc.key("fallback", an.key),
        persist_state="session",
    )
    return Rule("thresholds", thresholds=tuple(float(v) for v in values), fallback=fallback)


def cost_rule(an: MulticlassAnalysis) -> Rule | None:
    """A K x K cost matrix to edit; ``None`` (with the reason shown) if a cell is unusable."""
    names = list(an.data.names)
    st.caption(
        "Cost of each answer: rows are the true class, columns the predicted class (0 on "
        "the diagonal for a right answer; a gain is a negative cost). Each row gets the "
        "class of least expected cost under its probabilities, which is the best choice "
        "only if the probabilities are calibrated."
    )
    table = st.data_editor(model.cost_table(names), key=mc.key("cost", an.key))
    try:
        costs = model.cost_matrix(table, names)
    except DataError as err:
        st.error(escape_markdown(err), icon=":material/error:")
        return None
    return Rule("cost", costs=costs)


def abstain_rule(an: MulticlassAnalysis) -> Rule:
    """The highest score, unless it is below a cut: then the row stays undecided."""
    ab = mc.abstention(an)
    lo, hi, step = ab.slider
    t = st.slider(
        "Leave a row undecided when its highest score is below",
        min_value=lo,
        max_value=hi,
        value=ab.default,
        step=step,
        format="%.3f",
        key=mc.key("abstain", an.key),
        persist_state="session",
    )
    return Rule("abstain", min_top=float(t))


def rule_choice(an: MulticlassAnalysis) -> Rule | None:
    """The decision rule and its settings; ``None`` (with the reason) when it can't be used."""
    default = "argmax" if an.data.scores is not None else "column"
    kind = st.segmented_control(
        "Decision rule",
        list(model.RULES),
        default=default,
        required=True,
        format_func=model.RULES.get,
        key=mc.key("rule", an.key),
        persist_state="session",
        help="How each row's scores become one class. The matrix, report and cards below "
        "follow the rule.",
    )
    problem = model.rule_problem(an, kind)
    if problem is not None:
        st.info(problem, icon=":material/info:")
        return None
    if kind == "thresholds":
        return threshold_rule(an)
    if kind == "cost":
        return cost_rule(an)
    if kind == "abstain":
        return abstain_rule(an)
    if kind == "column":
        st.caption(f"The classes of **{escape_markdown(an.data.prediction)}**, as in the file.")
    else:
        st.caption("Each row gets its class of highest score (the lowest class on a tie).")
    return Rule(kind)


def matrix_section(result: Outcome, names: list[str]) -> None:
    """The K x K heatmap with its normalisation switch, and the most confused pairs."""
    how = st.segmented_control(
        "Show",
        list(mc_charts.NORMALISATIONS),
        default="none",
        required=True,
        format_func=mc_charts.NORMALISATIONS.get,
        key=mc.key("normalise"),
        persist_state="session",
        help="Rows: each row's cells as shares of that actual class (the diagonal is "
        "recall). Columns: shares of each predicted class (the diagonal is precision). "
        "All rows: shares of the total.",
    )
    # Side by side when the window is wide enough, the pairs below the matrix otherwise.
    with st.container(horizontal=True, wrap=True, gap="large"):
        cells = mc_charts.confusion_frame(result, names, how)
        widgets.altair_chart(mc_charts.confusion_chart(cells, names), width="content")
        with st.container(width=PAIRS_WIDTH):
            st.markdown("**Most confused pairs**")
            pairs = report.confused_pairs(result, names)
            if pairs.empty:
                st.caption("No row is predicted as another class.")
            else:
                st.dataframe(pairs, hide_index=True, key=mc.key("pairs"))


def report_section(result: Outcome, names: list[str]) -> None:
    """scikit-learn's classification report, per class and averaged, and the CSV files."""
    per_class, averages = report.report_tables(result, names)
    st.markdown("**Per-class report**")
    st.dataframe(per_class, hide_index=True, key=mc.key("report"))
    help_text = " ".join(f"{name}: {text}" for name, text in report.AVERAGE_HELP.items())
    st.dataframe(
        averages,
        hide_index=True,
        key=mc.key("averages"),
        column_config={"Average": st.column_config.TextColumn("Average", help=help_text)},
    )
    st.caption(
        "Precision: the share of rows predicted as a class that are of it. Recall: the share "
        "of a class's rows predicted as it. Undefined where nothing is predicted as the "
        "class (precision) or it has no rows (recall); averages leave those out. Hover the "
        "Average column's header for what each average means."
    )
    files = (
        ("Report as CSV", report.report_csv, "classification_report.csv"),
        ("Confusion matrix as CSV", report.matrix_csv, "confusion_matrix.csv"),
    )
    with st.container(horizontal=True, wrap=True, gap="small"):
        for label, build, file_name in files:
            st.download_button(
                label,
                data=functools.partial(build, result, names),  # built when clicked
                file_name=file_name,
                mime="text/csv",
                on_click="ignore",
                icon=":material/download:",
                key=mc.key("csv", file_name),
            )


def abstention_section(an: MulticlassAnalysis, result: Outcome) -> None:
    """Coverage against accuracy, with the current cut marked."""
    ab = mc.abstention(an)
    st.markdown("**Coverage against accuracy**")
    widgets.altair_chart(
        mc_charts.abstention_chart(ab.curve, result.coverage, result.decided_accuracy),
        width="stretch",
    )
    st.caption(
        "Raising the cut leaves more rows undecided (left) and the decided ones more often "
        "right (up), if the scores rank confidence well. Undecided rows stay in the matrix, "
        "in their own column."
    )


@st.fragment
def decisions(an: MulticlassAnalysis, source: session.Source, label: str, spec: mc.Spec) -> None:
    """The rule, its cards, matrix, report and downloads: rerun alone when the rule changes."""
    rule = rule_choice(an)
    if rule is None:
        return
    mc.remember(source.id, label, spec, rule)  # the binary pages' report follows this rule
    names = list(an.data.names)
    with st.spinner("Predicting every row…"):
        result = mc.outcome(an, rule)
    widgets.card_row(report.rule_cards(result))
    if rule.kind == "cost":
        widgets.card_row(report.cost_cards(result, mc.argmax_outcome(an), rule.costs))
    if rule.kind == "abstain":
        abstention_section(an, result)
    matrix_section(result, names)
    report_section(result, names)
    report_state.download_multiclass(an, result)


def curves_tab(an: MulticlassAnalysis) -> None:
    """Threshold-free scores and every class's ROC and precision-recall curve."""
    data = an.data
    if data.scores is None:
        st.info(
            "Curves, areas, top-k accuracy and log loss need one score column per class; "
            "predicted classes alone only give the matrix and the report.",
            icon=":material/info:",
        )
        return
    with st.spinner("Sorting each class's scores…"):
        r = mc.ranking(an)
    widgets.card_row(report.ranking_cards(r))
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    largest, start = data.top_k_range
    k = left.number_input(
        "k for top-k accuracy",
        min_value=1,
        max_value=largest,
        value=start,
        key=mc.key("topk", an.key),
        persist_state="session",
        help="A row is a hit when its true class is among its k highest scores.",
    )
    with right:
        widgets.card_row(report.score_cards(an, int(k), mc.top_k(an, int(k))))
    # Side by side in a wide window, one below the other in a narrow one.
    with st.container(horizontal=True, wrap=True, gap="large"):
        with st.container(width="content"):
            st.markdown("**ROC curves, one class against the rest**")
            widgets.altair_chart(
                mc_charts.roc_chart(r.roc, r.micro_roc, data.names), width="content"
            )
        with st.container(width="content"):
            st.markdown("**Precision-recall curves, one class against the rest**")
            widgets.altair_chart(mc_charts.pr_chart(r.pr, r.micro_pr, data.names), width="content")
    st.caption(
        "Each class's column against the rest; the dashed line pools every (row, class) "
        "pair (micro average). Click a class in the legend to show it alone, shift-click to "
        "add classes, double-click to show all again. Areas use every threshold; the charts "
        "draw at most "
        f"{fmt.count(model.CHART_POINTS)} points each."
    )
    st.dataframe(report.ranking_table(r), hide_index=True, key=mc.key("ranking"))


def drill_tab(an: MulticlassAnalysis, source: session.Source, selection: session.Selection) -> None:
    """Pick a class: the binary pages then analyse it against the rest, with its column."""
    data = an.data
    now = selection.positive
    i = st.selectbox(
        "Class",
        range(data.k),
        index=data.classes.index(now) if now in data.classes else 0,
        format_func=lambda j: data.names[j],
        key=mc.key("drill", source.id, selection.label),
        persist_state="session",
        width=DRILL_WIDTH,
    )
    column = data.columns[i] if data.columns else None
    st.button(
        f"Analyse {escape_markdown(data.names[i])} against the rest",
        on_click=mc.drill_down,
        args=(source.id, selection.label, data.classes[i], column),
        icon=":material/filter_center_focus:",
        key=mc.key("drill_go"),
    )
    st.markdown(
        f"The binary pages now analyse **{escape_markdown(now)}** against every other "
        f"class, scored by **{escape_markdown(selection.score)}**."
    )
    if column is None:
        st.caption("Without score columns, the binary pages use the sidebar's score column.")
    binary_pages()


def render(source: session.Source, selection: session.Selection) -> None:
    """The whole page for the sidebar's data and label column."""
    label = selection.label
    try:
        classes = mc.classes(source, label)
    except DataError as err:
        st.error(escape_markdown(err), icon=":material/error:")
        return
    st.caption(
        f"**{escape_markdown(source.name)}** · label column **{escape_markdown(label)}** · "
        f"{fmt.count(len(classes))} classes."
    )
    if len(classes) == 2:
        st.info(
            f"**{escape_markdown(label)}** has two classes: the binary pages are the place, "
            "with a threshold to move and every metric at it.",
            icon=":material/info:",
        )
        binary_pages()
        return
    spec = column_choice(source, label, mc.matching(source, label, classes))
    try:
        with st.spinner("Reading the score columns…"):
            an = mc.analysis(source, label, classes, spec)
    except DataError as err:
        st.error(escape_markdown(err), icon=":material/error:")
        return
    summary(an, selection)
    decide, curves, drill = st.tabs(TABS, key=mc.TAB_KEY, on_change="rerun")
    if decide.open:
        with decide:
            decisions(an, source, label, spec)
    if curves.open:
        with curves:
            curves_tab(an)
    if drill.open:
        with drill:
            drill_tab(an, source, selection)


chosen = mc.current_input()
if chosen is not None:
    render(*chosen)
