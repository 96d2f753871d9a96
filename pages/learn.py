"""Tutorial: what the usual classification metrics say, and where they mislead.

Layout and wording only. Every number shown comes from metrics_core, applied to
data that metrics_app.tutorial generates from a scenario's parameters; the caches
and widget callbacks are in metrics_app.tutorial.state.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import streamlit as st

from metrics_app.data.demo import DEMOS
from metrics_app.shared import charts, frame, widgets
from metrics_app.shared import format as fmt
from metrics_app.tutorial import charts as tch
from metrics_app.tutorial import exercises as exs
from metrics_app.tutorial import (
    f1,
    formulas,
    multiclass,
    paradox,
    pitfalls,
    roc_pr,
    state,
    strip,
    trade_off,
)

frame.run_inside_frame()

SECTION_KEY = "section"  # the tabs; also the URL parameter ?section=


def section(fn: Callable[[], None]) -> Callable[[], None]:
    """Run ``fn`` as a fragment: its widgets rerun only this section."""

    @functools.wraps(fn)
    def body() -> None:
        state.follow_pending_link()
        fn()

    return st.fragment(body)


state.follow_pending_link()


def explorer_link(slot: str, key: str, what: str) -> None:
    """'Try it on the explorer' button that opens demo ``key`` there; ``slot`` keeps keys unique."""
    # A button, not st.page_link: see state.open_demo.
    title = DEMOS[key].title
    st.button(
        f"Try it on the explorer: {what}",
        key=f"explore_{slot}_{key}",
        icon=":material/arrow_forward:",
        type="tertiary",
        on_click=state.open_demo,
        args=(key,),
        help=f"Opens the threshold explorer with the built-in demo '{title}'.",
        # In a narrow column (section 2) a long label wraps instead of ending in "…".
        wrap=True,
    )


def exercise(ex) -> None:
    """One exercise: the question, an answer widget, a Check button and its feedback."""
    with st.container(border=True):
        st.markdown(f"**Exercise.** {ex.question}")
        key = state.answer_key(ex)
        if ex.is_choice:
            st.radio("Your answer", ex.choices, index=None, key=key)
        else:
            st.number_input(ex.unit, value=None, key=key, placeholder="Your answer")
        st.button("Check", key=f"check_{ex.key}", on_click=state.check_answer, args=(ex,))
        result = state.feedback(ex)
        if result is not None:
            right, why = result
            if right:
                st.success(why)
            else:
                st.error(why)


def exercises(section_name: str) -> None:
    """Every exercise of ``section_name``, then the session's running score."""
    for ex in state.section_exercises(section_name):
        exercise(ex)
    st.caption(exs.score_text(*state.score()))


def examples_strip(slot: str, default: float = 0.5) -> float:
    """Sixty patients as dots, cut by a threshold slider of their own; returns the threshold."""
    t = st.slider(
        "Threshold for the sixty patients: flag when score ≥ threshold",
        min_value=0.0,
        max_value=1.0,
        value=default,
        step=0.05,
        key=f"strip_threshold_{slot}",
    )
    data = state.strip_patients()
    p = data.sweep.at(t)
    cells = strip.cell_frame(p)
    left, right = st.columns([2, 1], vertical_alignment="center")
    with left:
        widgets.altair_chart(tch.strip_chart(strip.strip_frame(data, t), cells, t), width="stretch")
    with right:
        widgets.altair_chart(tch.cells_chart(cells), width="stretch")
    st.caption(
        "Each dot is one patient at its test score: ill above the line, healthy below. The "
        "dashed threshold cuts both rows into the four cells of the matrix. Count them: "
        f"{strip.count_sentence(p)}"
    )
    return t


def confusion(point, positive: str, negative: str) -> None:
    cells = charts.confusion_frame(point, positive, negative)
    # As wide as its column, as on the explorer: at its own width it would spill over the
    # cards beside it in a narrow window.
    widgets.altair_chart(charts.confusion_chart(cells), width="stretch")


# --- 1. the accuracy paradox --------------------------------------------------------------


@section
def section_paradox() -> None:
    st.header("The accuracy paradox", anchor=False)
    st.markdown(
        "Accuracy is the share of predictions that are right. It sounds like the obvious "
        "score for a model. When one class is rare, it can be close to perfect for a model "
        "that is of no use at all."
    )
    _never_fraud()
    _built_on_screen()
    exercises("paradox")
    explorer_link("paradox", "fraud", "card fraud demo")


def _never_fraud() -> None:
    st.subheader("A model that never says “fraud”", anchor=False)
    st.markdown(
        "Take card payments, where a few are fraud. The laziest possible model calls every "
        "payment legitimate and never raises an alarm. Move the slider to change how common "
        "fraud is, and watch its scores."
    )
    prev_pct = st.select_slider(
        "Share of payments that are fraud",
        options=paradox.PARADOX_PREVALENCES_PERCENT,
        value=1.0,
        format_func=paradox.percent_label,
        key="paradox_prevalence",
    )
    lazy = state.always_legit(paradox.from_percent(prev_pct))
    p = lazy.point
    widgets.card_row(paradox.lazy_cards(lazy))
    chart = tch.majority_chart(state.majority_frame(), p.prevalence, p.accuracy)
    widgets.altair_chart(chart, width="stretch")
    st.caption(
        f"{fmt.count(p.total)} payments, generated with exactly this share of fraud. The rarer "
        "fraud is, the more accurate a model that catches none of it looks."
    )


def _built_on_screen() -> None:
    model = state.paradox_model()
    s, mp = model.scenario, model.labelled.point
    base = state.always_legit(s.prevalence).point  # the same payments, nothing flagged
    st.subheader(
        f"A model with {fmt.percent(s.accuracy, 0)} accuracy and {fmt.percent(s.recall, 0)} "
        "recall, built on screen",
        anchor=False,
    )
    st.markdown(
        "Now a real model on a fixed scenario. We only choose its targets, then build its "
        "confusion matrix one step at a time:"
    )
    st.markdown(
        f"1. **{fmt.count(s.n)}** payments, **{fmt.percent(s.prevalence, 0)}** of them fraud: "
        f"**{fmt.count(model.n_pos)}** fraud cases and **{fmt.count(model.n_neg)}** legitimate "
        "ones.\n"
        f"2. Recall {fmt.percent(s.recall, 0)} means it catches **{fmt.count(model.tp)}** fraud "
        f"cases (TP) and misses **{fmt.count(model.fn)}** (FN): it misses "
        f"{fmt.percent(1 - s.recall, 0)} of the fraud.\n"
        f"3. Accuracy {fmt.percent(s.accuracy, 0)} allows **{fmt.count(model.errors)}** "
        f"mistakes in all. {fmt.count(model.fn)} of them are the misses, so "
        f"**{fmt.count(model.fp)}** are false alarms (FP).\n"
        "4. Every other legitimate payment is correctly let through: "
        f"**{fmt.count(model.tn)}** (TN)."
    )
    left, right = st.columns([2, 3])
    with left:
        confusion(mp, "fraud", "legit")
    with right:
        st.markdown("Measured on the predictions this matrix describes:")
        widgets.card_row(paradox.construction_cards(model, base.accuracy))
    _not_ready(model, base.accuracy)


def _not_ready(model: paradox.Construction, base_accuracy: float) -> None:
    s, mp = model.scenario, model.labelled.point
    st.markdown("**Is it ready for production?** No:")
    st.markdown(
        f"- It lets **{fmt.count(model.fn)} of {fmt.count(model.n_pos)}** fraud cases through. "
        "Those are the payments the model exists to stop.\n"
        f"- Its accuracy ({fmt.percent(mp.accuracy)}) is no better than that of the model that "
        f"never flags anything ({fmt.percent(base_accuracy)}). Accuracy cannot tell them apart, "
        "because legitimate payments outnumber fraud so heavily that they fill almost the "
        "whole score.\n"
        f"- It is not worthless: {fmt.percent(mp.precision, 0)} of its alarms are real fraud, "
        f"against {fmt.percent(s.prevalence, 0)} for a random pick. But at this threshold it "
        "finds too little to matter. Look at recall, precision and the confusion matrix, never "
        "at accuracy alone."
    )


# --- 2. precision or recall? --------------------------------------------------------------

_COST_TEXT = {
    "spam": (
        "Spam filter",
        "A **false alarm** puts a real email in the spam folder, where it may never be read: "
        "a missed invoice or job offer. A **miss** lets one spam into the inbox; it takes a "
        "second to delete. False alarms hurt more, so **precision** (the share of flagged "
        "mail that really is spam) is the number to protect.",
        "Scores here are logits (any real number), not probabilities.",
        "a real email hidden",
        "a spam let through",
    ),
    "screening": (
        "Medical screening test",
        "A **miss** sends a sick patient home believing they are well. A **false alarm** "
        "costs a follow-up test and a worrying week. Misses hurt more, so **recall** (the "
        "share of sick patients the test catches) is the number to protect.",
        "Scores are between 0 and 1; about 5% of the patients are ill.",
        "a follow-up test for a healthy patient",
        "a sick patient sent home",
    ),
}


def _cost_panel(key: str) -> None:
    c = trade_off.COST_SCENARIOS[key]
    title, why, note, fp_word, fn_word = _COST_TEXT[key]
    data = state.demo_data(key, c.score)
    st.subheader(title, anchor=False)
    st.markdown(why)
    st.caption(note)
    slider_key = f"{key}_threshold"
    t = st.slider(
        "Threshold: flag when score ≥ threshold",
        min_value=c.lo,
        max_value=c.hi,
        value=c.default,
        step=c.step,
        key=slider_key,
    )
    p = data.sweep.at(t)
    widgets.card_row(trade_off.panel_cards(p))
    confusion(p, data.positive_name, data.negative_name)
    costs = state.slider_costs(key)
    fp_cost, fn_cost = fmt.significant(c.cost_fp), fmt.significant(c.cost_fn)
    st.markdown(
        f"**Cost of errors.** Say one false alarm ({fp_word}) costs **{fp_cost}** and one "
        f"miss ({fn_word}) costs **{fn_cost}**. At this threshold: "
        f"{fmt.count(p.fp)} × {fp_cost} + {fmt.count(p.fn)} × {fn_cost} = "
        f"**{fmt.count(costs.cost_at(t))}**."
    )
    chart = tch.cost_chart(costs.frame, t, costs.best_threshold, lo=c.lo, hi=c.hi)
    widgets.altair_chart(chart, width="stretch")
    st.caption(
        f"Cheapest threshold on this slider: **{fmt.threshold(costs.best_threshold)}** "
        f"(total cost {fmt.count(costs.best_cost)}, dotted green line). Dashed: your threshold."
    )
    st.button(
        "Move to the cheapest threshold",
        key=f"{key}_cheapest",
        on_click=state.set_widget,
        args=(slider_key, costs.best_threshold),
    )
    explorer_link("trade_off", key, f"{title.lower()} demo")


@section
def section_trade_off() -> None:
    st.header("Precision or recall?", anchor=False)
    st.markdown(
        "Raising the threshold flags fewer items: fewer false alarms, more misses. Lowering "
        "it does the opposite. No threshold removes both kinds of error, so the question is "
        "which one costs more. First, count it on sixty patients of a screening test:"
    )
    st.subheader("Sixty patients, one threshold", anchor=False)
    examples_strip("trade_off")
    st.markdown(
        "Move the threshold right: dots leave the flagged side, TP and FP shrink, FN grows. "
        "Two jobs with opposite answers to “which error costs more”:"
    )
    left, right = st.columns(2, gap="large")
    with left:
        _cost_panel("spam")
    with right:
        _cost_panel("screening")
    exercises("trade_off")


# --- 3. formulas with the numbers in them -------------------------------------------------

_FORMULA_DATA = {
    "fraud": ("Card fraud", "model_score", 0.0, 1.0, 0.01, 0.5),
    "spam": ("Spam filter", "spam_logit", -6.0, 6.0, 0.1, 0.0),
    "screening": ("Screening test", "test_score", 0.0, 1.0, 0.01, 0.5),
}


@section
def section_formulas() -> None:
    st.header("Formulas with the numbers in them", anchor=False)
    st.markdown(
        "Every metric here is a ratio of the four counts of the confusion matrix. "
        "Pick a dataset and a threshold: the counts go into the formulas as you move it."
    )
    st.subheader("Count the cells yourself", anchor=False)
    examples_strip("formulas")
    st.markdown(
        "- **TP** (true positives): flagged, and really positive.\n"
        "- **FP** (false positives): flagged, but really negative (false alarms).\n"
        "- **FN** (false negatives): not flagged, but really positive (misses).\n"
        "- **TN** (true negatives): not flagged, and really negative."
    )
    st.subheader("The formulas on a full data set", anchor=False)
    key = st.radio(
        "Data",
        list(_FORMULA_DATA),
        format_func=lambda k: _FORMULA_DATA[k][0],
        horizontal=True,
        key="formula_data",
    )
    name, score, lo, hi, step, default = _FORMULA_DATA[key]
    t = st.slider(
        "Threshold: flag when score ≥ threshold",
        min_value=lo,
        max_value=hi,
        value=default,
        step=step,
        key=f"formula_threshold_{key}",
    )
    data = state.demo_data(key, score)
    p = data.sweep.at(t)
    # The matrix above the formulas: beside them, the long ones would be cut at 1024 px.
    left, _ = st.columns([2, 3])
    with left:
        confusion(p, data.positive_name, data.negative_name)
    for latex in formulas.formula_latex(p).values():
        st.latex(latex)
    st.caption(
        "A ratio whose bottom is zero is undefined, not zero. Try card fraud at threshold "
        "1.00: nothing is flagged, TP + FP = 0, and precision becomes undefined."
    )
    exercises("formulas")
    explorer_link("formulas", key, f"{name.lower()} demo")


# --- 4. F1 and balance --------------------------------------------------------------------

_BETAS = (0.25, 0.5, 1.0, 2.0, 4.0)


@section
def section_f1() -> None:
    st.header("F1 and F-beta", anchor=False)
    st.markdown(
        "F1 squeezes precision and recall into one number. It is their *harmonic* mean, "
        "which stays close to the smaller of the two: a model cannot buy a good F1 with "
        "one excellent number and one poor one."
    )
    a, b = st.columns(2)
    precision = a.slider(
        "Precision", min_value=0.05, max_value=1.0, value=0.95, step=0.05, key="f1_precision"
    )
    recall = b.slider(
        "Recall", min_value=0.05, max_value=1.0, value=0.10, step=0.05, key="f1_recall"
    )
    p = f1.counts_for(precision, recall)
    st.markdown(
        f"Smallest counts with exactly these values (at least 1,000 positives): "
        f"**TP {fmt.count(p.tp)}**, **FP {fmt.count(p.fp)}**, **FN {fmt.count(p.fn)}**."
    )
    st.latex(formulas.f1_latex(p))
    st.markdown(
        f"F1 is **{fmt.decimal(p.f1, 2)}**; the plain average of the two would be "
        f"{fmt.decimal(f1.plain_average(p), 2)}. The harmonic mean sits near the lower number, "
        "so a model that misses most positives, or raises mostly false alarms, cannot hide it."
    )
    _f_beta(p, precision, recall)
    exercises("f1")
    explorer_link("f1", "fraud", "card fraud demo")


@section
def section_baselines() -> None:
    st.header("Baselines, balanced metrics and kappa", anchor=False)
    _baselines()
    exercises("baselines")
    explorer_link("baselines", "fraud", "card fraud demo")


def _f_beta(p, precision: float, recall: float) -> None:
    beta = st.select_slider(
        "β for F-beta: above 1 favours recall, below 1 precision",
        options=_BETAS,
        value=2.0,
        format_func=fmt.significant,
        key="f1_beta",
    )
    st.latex(formulas.f1_latex(p, beta))
    widgets.card_row(f1.f_cards(p, beta))
    chart = tch.f1_chart(f1.f1_recall_frame(precision, beta), recall, f1.f_scores(p, beta))
    widgets.altair_chart(chart, width="stretch")
    st.caption(
        "Precision held at the slider's value while recall runs from 0 to 100%. The dashed "
        "line is the plain average of precision and recall, which would flatter a lopsided model."
    )
    st.markdown(
        "**F-beta** adds a dial to F1. β = 2 treats recall as twice as important as "
        "precision: use it where a miss is worse than a false alarm (screening). β = 0.5 "
        "does the opposite (spam). Choose β before looking at results, from the costs."
    )


def _baselines() -> None:
    st.subheader("Is this value good? Compare with what you get for free", anchor=False)
    model = state.paradox_model()
    base = f1.baselines(model.labelled.point)
    st.markdown(
        "There is no fixed line above which a score is “good”. An accuracy of "
        f"{fmt.percent(base['model'].accuracy, 0)} can be worthless, and an F1 far below 1 "
        f"can still be worth having: the model of section 1 has F1 "
        f"{fmt.decimal(base['model'].f1, 2)}, while random flags at its rate reach "
        f"{fmt.decimal(base['random'].f1, 3)}. Always set a score beside two baselines "
        "computed on the same data: the **majority class** (always predict the common class) "
        "and **random flags at the same rate** as the model."
    )
    st.markdown(
        "Two summaries keep their meaning when one class is rare. **Balanced accuracy** is "
        "the mean of recall and specificity, as if both classes were equally common: 50% "
        "is chance. **MCC** (Matthews correlation) uses all four counts; 0 is chance, 1 "
        "perfect."
    )
    names = {
        "model": f"the model of section 1 ({fmt.percent(model.scenario.accuracy, 0)} accurate)",
        "majority": "majority class: always “legitimate”",
        "random": "random flags at the model's rate (expected)",
    }
    table = f1.baselines_table(model.labelled.point, names)
    st.dataframe(table, hide_index=True, width="stretch")
    m, maj, rnd = base["model"], base["majority"], base["random"]
    st.caption(
        "MCC of the majority model is undefined: it never predicts fraud, so one column "
        "of its confusion matrix is empty (scikit-learn reports 0 there)."
    )
    st.markdown(
        f"Accuracy barely separates the three rows: the model and the majority class both "
        f"score {fmt.percent(m.accuracy)}, random flags {fmt.percent(rnd.accuracy)}, and "
        "nothing says which of the first two finds fraud. Balanced accuracy "
        f"({fmt.percent(m.balanced_accuracy)} against {fmt.percent(maj.balanced_accuracy)} "
        f"and {fmt.percent(rnd.balanced_accuracy)}) and MCC ({fmt.decimal(m.mcc)} against "
        f"{fmt.decimal(maj.mcc)} and {fmt.decimal(rnd.mcc)}) give each class its own say, "
        "so they show the model above chance and both baselines at it."
    )
    _kappa(base)


def _kappa(base) -> None:
    st.subheader("Cohen's kappa: agreement beyond chance", anchor=False)
    st.markdown(
        "Kappa asks how much better than chance the predictions agree with the truth. "
        "**p_o** is the observed agreement (the accuracy); **p_e** is the agreement a model "
        "would reach by chance if it flagged the same share of payments at random. Kappa "
        "rescales the gap: 0 is chance, 1 is perfect, below 0 is worse than chance."
    )
    st.latex(formulas.kappa_latex(*f1.kappa_parts(base["model"])))
    short = {"model": "the model", "majority": "majority class", "random": "random flags"}
    widgets.card_row(f1.kappa_cards(base, short))
    st.caption(
        "Both baselines sit at 0: their agreement is exactly what chance gives. The model's "
        f"{fmt.percent(base['model'].accuracy, 0)} accuracy is mostly chance agreement on "
        "legitimate payments; kappa keeps only the part beyond it."
    )


# --- 5. ROC or PR under imbalance ---------------------------------------------------------


def _roc_strip() -> None:
    st.subheader("Every threshold is one point on the curves", anchor=False)
    st.markdown(
        "Back to the sixty patients. At each threshold, recall (TP among the ill) and the "
        "false positive rate (FP among the healthy) make one point of the ROC curve; recall "
        "and precision make one point of the PR curve. Move the threshold and watch the "
        "points trace the curves."
    )
    t_strip = examples_strip("roc_pr")
    few = roc_pr.compare({"sixty patients": state.strip_patients()}, t_strip)
    left, right = st.columns(2)
    with left:
        widgets.altair_chart(tch.roc_chart(few.roc, few.points), width="stretch")
    with right:
        widgets.altair_chart(tch.pr_chart(few.pr, few.points, few.chance), width="stretch")


def _auc_meaning() -> None:
    st.subheader("What ROC AUC means: a positive outranks a negative", anchor=False)
    st.markdown(
        "ROC AUC is the area under the ROC curve, and it has a plain meaning: **the chance "
        "that a random positive scores higher than a random negative** (a tie counts half). "
        "Pull the two classes apart and watch the overlap, the curve and the AUC."
    )
    shift = st.select_slider(
        "How far apart the classes score (in standard deviations)",
        options=roc_pr.SEPARATIONS,
        value=1.5,
        format_func=fmt.significant,
        key="auc_separation",
    )
    data = state.separation(shift)
    shown = roc_pr.compare({f"ROC AUC {fmt.decimal(data.roc_auc)}": data}, 0.5)
    left, right = st.columns(2)
    with left:
        chart = tch.separation_chart(roc_pr.score_histogram(data))
        widgets.altair_chart(chart, width="stretch")
    with right:
        widgets.altair_chart(tch.roc_chart(shown.roc, height=280), width="stretch")
    st.markdown(
        "**Check it by drawing pairs.** Each draw takes one random positive and one random "
        "negative and asks which scored higher. The share the positive wins settles on the AUC."
    )
    with st.container(horizontal=True):
        st.button(
            "Draw 100 random pairs",
            key="auc_draw",
            on_click=state.draw_more_pairs,
            args=(100,),
            icon=":material/casino:",
        )
        st.button("Start again", key="auc_reset", on_click=state.reset_pairs, type="tertiary")
    n = state.pairs_drawn()
    if n:
        draws = roc_pr.draw_pairs(data, n)
        widgets.card_row(roc_pr.pair_cards(draws, data.roc_auc))
        widgets.altair_chart(tch.pairs_chart(draws.running, data.roc_auc), width="stretch")
        st.caption(
            "The win rate wanders at first and settles on the ROC AUC as pairs add up; "
            "about 19 times in 20 it sits within two standard errors of it."
        )


def _roc_gallery() -> None:
    st.subheader("A gallery of ROC shapes", anchor=False)
    shapes = state.roc_gallery()
    # Two a row: four side by side would be too narrow to read at 1024 px.
    for col, curve in zip(itertools.cycle(st.columns(2)), shapes.values()):
        with col:
            widgets.altair_chart(tch.roc_chart(curve, height=260), width="stretch")
    st.markdown(
        "- **Perfect**: every positive outranks every negative; the curve hugs the top left.\n"
        "- **Good**: most pairs are ranked right; the curve bows towards the top left.\n"
        "- **Random**: scores carry no information; the curve follows the diagonal, AUC "
        "about 0.5.\n"
        "- **Inverted**: the scores point the wrong way; AUC below 0.5. Flipping the scores "
        "(1 − score) would turn it into a good model."
    )


@section
def section_roc_pr() -> None:
    st.header("ROC or PR when positives are rare?", anchor=False)
    _roc_strip()
    _auc_meaning()
    _roc_gallery()
    st.subheader("One model, two prevalences", anchor=False)
    st.markdown(
        "Here is one model, tested twice. Both data sets hold the same "
        f"{fmt.count(roc_pr.IMBALANCE.n_pos)} positives with the same scores; the rarer set "
        "keeps every negative of the balanced one and adds more, drawn from the same "
        "distribution. So at any threshold recall is identical in both, and the false "
        "positive rate differs only a little, through the added negatives. The blue data is "
        "balanced (50% positives). Choose how rare the positives are in the orange data."
    )
    a, b = st.columns(2)
    prevalence = a.select_slider(
        "Positives in the second dataset",
        options=roc_pr.SECOND_PREVALENCES,
        value=0.01,
        format_func=functools.partial(fmt.significant_percent, digits=6),
        key="imbalance_prevalence",
    )
    t = b.slider(
        "Threshold: flag when score ≥ threshold",
        min_value=0.01,
        max_value=0.99,
        value=0.5,
        step=0.01,
        key="imbalance_threshold",
    )
    sets = {
        f"{fmt.significant_percent(roc_pr.BALANCED, 6)} positives": state.imbalanced(
            roc_pr.BALANCED
        ),
        f"{fmt.significant_percent(prevalence, 6)} positives": state.imbalanced(prevalence),
    }
    both = roc_pr.compare(sets, t)
    left, right = st.columns(2)
    with left:
        st.markdown("**ROC curve**: recall against false positive rate")
        widgets.altair_chart(tch.roc_chart(both.roc, both.points), width="stretch")
    with right:
        st.markdown("**Precision-recall curve**")
        widgets.altair_chart(tch.pr_chart(both.pr, both.points, both.chance), width="stretch")
    st.dataframe(both.table, hide_index=True, width="stretch")
    st.markdown(
        "The ROC curves lie almost on top of each other. Both of its axes are shares *within* "
        "one class (recall among positives, false alarms among negatives), so adding "
        "negatives does not move them. Precision mixes the two classes: when negatives "
        "far outnumber positives, even a small false positive rate produces more false "
        "alarms than true hits, and precision collapses. The points mark your threshold. "
        "The dashed lines in the PR chart are each data set's chance line: flagging at "
        "random gives a precision equal to the share of positives, so a PR curve must be "
        "read against its own prevalence."
    )
    st.markdown(
        "**Rule of thumb:** when positives are rare and you care about the flagged items, "
        "read the PR curve and precision. A high ROC AUC alone does not promise usable alarms."
    )
    exercises("roc_pr")
    explorer_link("roc_pr", "fraud", "card fraud demo (1% fraud)")


# --- 6. pitfalls --------------------------------------------------------------------------

_LEAK_GROUPS = ("validation rows of the export", "fresh payments, as they happen")


@section
def pitfall_leakage() -> None:
    st.subheader("Data leakage: a perfect score that cannot last", anchor=False)
    study = state.leakage()
    st.markdown(
        "A fraud model is trained on a historical export. One column, "
        f"`{study.leaked}`, records whether the cardholder later disputed the payment. It "
        "is almost a copy of the answer, and it is only known *weeks after* the payment. "
        "At the moment the model must decide, it does not exist yet."
    )
    include = st.toggle(f"Train with `{study.leaked}`", value=True, key="leak_include")
    model = "leaky" if include else "honest"
    v, f = study.results[(model, "validation")], study.results[(model, "fresh")]
    widgets.card_row(pitfalls.leakage_cards(study, model))
    bars = pitfalls.leakage_bars(study, model, _LEAK_GROUPS)
    widgets.altair_chart(tch.bars_chart(bars, groups=_LEAK_GROUPS), width="stretch")
    if include:
        st.markdown(
            f"Validation looks superb (ROC AUC {fmt.decimal(v.roc_auc)}, F1 "
            f"{fmt.decimal(v.point.f1, 2)}), because the validation rows come from the same "
            "export and carry the leaked column too. On fresh payments the column is always "
            "empty: at the chosen threshold the model catches "
            f"{fmt.percent(f.point.recall, 0)} of the fraud. The ranking that survives (ROC AUC "
            f"{fmt.decimal(f.roc_auc, 2)}) is all the honest columns were ever worth. Switch "
            "the leaked column off to see."
        )
    else:
        st.markdown(
            f"Without the leak, validation is honest (ROC AUC {fmt.decimal(v.roc_auc)}, F1 "
            f"{fmt.decimal(v.point.f1, 2)}) and fresh payments score about the same "
            f"({fmt.decimal(f.roc_auc)}, F1 {fmt.decimal(f.point.f1, 2)}). A worse-looking "
            "number that tells the truth."
        )
    st.caption(
        "Warning signs: a score that seems too good, one feature that does almost all the "
        "work, or a feature that is only filled in after the outcome. Check when each column "
        "becomes known, and validate on data from *after* the training period."
    )


@section
def pitfall_overfitting() -> None:
    st.subheader("Overfitting: the model learns the training data by heart", anchor=False)
    study = state.overfitting()
    st.markdown(
        "Decision trees learn to tell two noisy rings of points apart. A deeper tree can "
        f"draw a more detailed boundary. Each tree learns from {fmt.count(study.n_train)} "
        f"points and is tested on {fmt.count(study.n_test)} new ones."
    )
    depth = st.slider(
        "Tree depth", min_value=1, max_value=study.max_depth, value=4, key="overfit_depth"
    )
    widgets.card_row(pitfalls.overfitting_cards(study, depth))
    left, right = st.columns(2)
    with left:
        widgets.altair_chart(tch.fit_chart(study.scores, depth, "f1", "F1"), width="stretch")
    with right:
        regions = tch.regions_chart(study.grid, depth, pitfalls.training_points(study))
        widgets.altair_chart(regions, width="content")
        st.caption("Shaded: where this tree says “inner ring”. Dots: its training points.")
    st.markdown(
        "Training F1 climbs to a perfect score as the tree grows: in the end it has a rule for "
        "every training point, noise included. Test F1 stops improving early and then slips. "
        "The gap between the two lines is overfitting. Only the test score says how the model "
        "will do on data it has not seen; pick the model size there."
    )


@section
def pitfall_batches() -> None:
    st.subheader("Metrics averaged over batches", anchor=False)
    threshold = pitfalls.BATCH_SOURCE[2]
    st.markdown(
        "Training loops often report a metric per batch and average the results. For "
        "accuracy the mean of the batches equals the whole-set value only when every batch "
        "has the same size (a smaller last batch shifts it a little). Precision, recall and "
        "F1 are ratios whose bottom changes from batch to batch, and the mean of ratios is "
        "not the ratio of the totals. Small batches of rare positives make it worse: many "
        "batches hold no positive at all."
    )
    size = st.select_slider("Batch size", options=pitfalls.BATCH_SIZES, value=32, key="batch_size")
    r = state.batches(size)
    widgets.card_row(pitfalls.batch_cards(r))
    widgets.altair_chart(tch.batch_chart(state.batch_curve(), size), width="stretch")
    st.dataframe(pitfalls.batch_table(r), hide_index=True, width="stretch")
    st.markdown(
        f"Data: the card fraud demo's second model ({fmt.count(r.whole.total)} payments, about "
        f"1% fraud), flagged at {fmt.threshold(threshold)}, cut into batches in file order."
    )
    r = state.batches(32)  # the claim below is about batches of 32, whatever the slider says
    st.markdown(
        "Where it really breaks, in batches of 32: with undefined batches left out, mean "
        f"precision ({fmt.decimal(r.mean_defined('precision'))}) and recall "
        f"({fmt.decimal(r.mean_defined('recall'))}) stay close to the whole-set values "
        f"({fmt.decimal(r.whole.precision)} and {fmt.decimal(r.whole.recall)}). **F1** does "
        f"not ({fmt.decimal(r.mean_defined('f1'))} against {fmt.decimal(r.whole.f1)}): a batch "
        "with fraud but no alarm, or an alarm but no fraud, has F1 0, while its undefined "
        "precision or recall is left out. And **counting undefined batches as 0** (what an "
        "epsilon in the denominator does) drags every mean down: a batch's F1 is undefined "
        "when it has no fraud and flags none (0/0). Neither is the real F1."
    )
    st.info(
        "This is why Keras 2.0 removed its batch-wise precision, recall and F-measure metrics: "
        "averaged over batches they only approximated the real values, and could be far off. "
        "Compute these metrics once, on the whole validation set, from the total counts.",
        icon=":material/lightbulb:",
    )


@section
def pitfall_one_sided() -> None:
    st.subheader("Ignoring precision or recall", anchor=False)
    st.markdown(
        "Each of the two numbers alone can be gamed. On the card fraud demo, a model that "
        "flags every payment reaches 100% recall, and its precision is simply the share of "
        "fraud. A model that flags only its single surest payment can reach 100% "
        "precision and catch almost nothing. Always read the two together (or F1)."
    )
    names = {
        "everything": "flag every payment",
        "surest": "flag only the highest score",
    }
    st.dataframe(pitfalls.one_sided_table(state.one_sided(), names), hide_index=True)


@section
def pitfall_exercises() -> None:
    exercises("pitfalls")


def section_pitfalls() -> None:
    st.header("Four pitfalls, demonstrated", anchor=False)
    st.markdown(
        "Each of these produces a convincing number that is wrong. Each is easy to avoid once "
        "you have seen it."
    )
    pitfall_leakage()
    st.divider()
    pitfall_overfitting()
    explorer_link("overfitting", "circles", "two circles demo")
    st.divider()
    pitfall_batches()
    explorer_link("batches", "fraud", "card fraud demo")
    st.divider()
    pitfall_one_sided()
    st.divider()
    pitfall_exercises()


# --- 7. multiclass ------------------------------------------------------------------------


@section
def section_multiclass() -> None:
    st.header("More than two classes: averaging", anchor=False)
    sc = multiclass.TICKETS
    sizes = ", ".join(
        f"{fmt.count(n)} {name}" for name, n in zip(sc.classes, sc.sizes, strict=True)
    )
    st.markdown(
        f"A model routes support tickets to three teams: {sizes}. Each class gets its own "
        "precision, recall and F1 by treating it as “positive” and the two others as "
        "“negative”. Then one number for the whole model needs an average, and there are "
        "three ways to take it."
    )
    rare = sc.rare
    r = st.slider(
        f"Share of {rare} tickets the model routes correctly",
        min_value=0.0,
        max_value=1.0,
        value=0.3,
        step=0.05,
        key="rare_recall",
    )
    per_class, averages, cm = state.tickets(r)
    st.markdown(
        f"Below: who got which tickets, each class's scores, and the three averages. The "
        f"chart shows the averages for every share of {rare} tickets routed correctly."
    )
    # The matrix above the tables, not beside them: at 1024 px the two do not fit side by side.
    widgets.altair_chart(tch.multiclass_confusion_chart(cm, sc.classes), width="content")
    shown_class, shown_averages = multiclass.shown_tables(per_class, averages)
    left, right = st.columns(2)
    left.dataframe(shown_class, hide_index=True, width="stretch")
    right.dataframe(shown_averages, hide_index=True, width="stretch")
    widgets.altair_chart(tch.averages_chart(state.averages_frame(), r), width="stretch")
    st.markdown(
        "- **Macro**: the plain mean over classes; each class counts once, whatever its size. "
        f"It drops sharply when the small {rare} class fails. It can mislead the other way "
        "too: a tiny class with a lucky score lifts it.\n"
        "- **Micro**: pool every ticket's outcome first. With one label per ticket, micro "
        "precision, recall and F1 all equal accuracy, so the big class dominates and the "
        f"{rare} class barely shows.\n"
        "- **Weighted**: the mean weighted by class size. Close to micro, and it hides a small "
        "class just as well.\n\n"
        f"Move the slider to 0: the {rare} team gets nothing right, micro and weighted F1 "
        "stay high, macro F1 falls. Report the per-class table, or macro beside micro, "
        "whenever a small class matters."
    )
    exercises("multiclass")
    _top_k()
    explorer_link("multiclass", "spam", "spam filter demo (one class against the rest)")


def _top_k() -> None:
    st.subheader("Top-k accuracy: is the right answer among the first guesses?", anchor=False)
    sc = multiclass.PHOTOS
    st.markdown(
        f"Another model scores every one of {len(sc.classes)} species for each of "
        f"{fmt.count(sc.n)} wildlife photos. Plain accuracy asks whether the highest score "
        "is the true species. **Top-k accuracy** asks whether the true species is among the "
        "k highest: the right measure when a person picks from a short list of suggestions."
    )
    frame_k, photos = state.top_k()
    k = st.slider("k", min_value=1, max_value=len(sc.classes) - 1, value=2, key="top_k")
    widgets.card_row(multiclass.top_k_cards(frame_k, k))
    st.dataframe(photos, hide_index=True, width="stretch")
    st.caption(
        "The first photos with the model's three best guesses. A photo whose true species "
        "has rank 2 counts for top-2 accuracy but not for plain accuracy. With k equal to "
        "the number of species every photo would count, so the slider stops one short."
    )


# --- 8. self-check ------------------------------------------------------------------------


@section
def section_quiz() -> None:
    st.header("Check yourself", anchor=False)
    st.markdown(
        "Questions on every lesson, with the numbers of this page. Pick an answer, then "
        "press Check: each answer, right or wrong, comes with its explanation."
    )
    exercises("quiz")
    explorer_link("quiz", "fraud", "card fraud demo")


# --- the page -----------------------------------------------------------------------------

SECTIONS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("1 · Accuracy paradox", section_paradox),
    ("2 · Precision or recall?", section_trade_off),
    ("3 · Formulas", section_formulas),
    ("4 · F1 and F-beta", section_f1),
    ("5 · Baselines", section_baselines),
    ("6 · ROC or PR?", section_roc_pr),
    ("7 · Pitfalls", section_pitfalls),
    ("8 · Multiclass", section_multiclass),
    ("9 · Check yourself", section_quiz),
)
LABELS = tuple(label for label, _ in SECTIONS)
NEXT = dict(itertools.pairwise(LABELS))  # each tab's successor; the last has none

st.title("Tutorial: reading a classifier's scores", anchor=False)
st.markdown(
    "Nine short lessons on the numbers used to judge a yes/no classifier, and on where they "
    "mislead. Most have sliders or switches to play with; every tab has exercises that tell "
    "you whether your answer is right, and the last one is a self-check. Every number is "
    "computed live from data generated on this page. Start at 1, or jump to any tab."
)
tabs = st.tabs(LABELS, key=SECTION_KEY, bind="query-params")
for i, (tab, (label, draw)) in enumerate(zip(tabs, SECTIONS, strict=True)):
    # The tabs track their state, so only the open one is computed and drawn.
    if tab.open is False:
        continue
    with tab:
        draw()
        if label in NEXT:
            st.divider()
            st.button(
                f"Next: {NEXT[label]}",
                key=f"next_{i}",
                icon=":material/arrow_forward:",
                on_click=state.set_widget,
                args=(SECTION_KEY, NEXT[label]),
            )
