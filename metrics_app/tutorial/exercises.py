"""The Tutorial's exercises as data: question, options, which is right, why each option is.

No Streamlit here. Every number in a question or an explanation is computed from the
lessons' own data (or, for a transfer item, from the counts the question states) with
:mod:`metrics_core` and written by :mod:`metrics_app.shared.format`; the page draws an
exercise, :mod:`metrics_app.tutorial.state` keeps the answers and the session's score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from metrics_app.shared import format as fmt
from metrics_app.tutorial import f1, multiclass, paradox, pitfalls, roc_pr, trade_off
from metrics_app.tutorial.model import demo_scores
from metrics_core import OperatingPoint, roc_auc_score

__all__ = [
    "SECTIONS",
    "Exercise",
    "Option",
    "score_text",
    "section_exercises",
]

#: The lessons that carry exercises, in page order ("quiz" is the check-yourself tab).
SECTIONS = (
    "paradox",
    "trade_off",
    "formulas",
    "f1",
    "baselines",
    "roc_pr",
    "pitfalls",
    "multiclass",
    "quiz",
)


@dataclass(frozen=True)
class Option:
    """One answer of a multiple-choice exercise, and why it is right or wrong."""

    text: str
    right: bool
    why: str


@dataclass(frozen=True)
class Exercise:
    """A multiple-choice exercise (``options``) or a number answer (``answer``).

    A number is right within ``tolerance`` of ``answer``; ``right_why`` and
    ``wrong_why`` explain it either way.
    """

    key: str
    question: str
    options: tuple[Option, ...] = ()
    answer: float = math.nan
    tolerance: float = 0.0
    unit: str = ""
    right_why: str = ""
    wrong_why: str = ""

    @property
    def is_choice(self) -> bool:
        """True for a multiple-choice exercise, False for a number answer."""
        return bool(self.options)

    @property
    def choices(self) -> tuple[str, ...]:
        """The options' texts in the order shown: rotated by the key, so the right one moves.

        >>> Exercise("ab", "?", (Option("x", True, ""), Option("y", False, ""))).choices
        ('y', 'x')
        """
        texts = tuple(o.text for o in self.options)
        k = sum(map(ord, self.key)) % len(texts) if texts else 0
        return texts[k:] + texts[:k]

    def check(self, given: object) -> tuple[bool, str]:
        """Whether ``given`` (an option's text, or a number) is right, and why.

        >>> ex = Exercise("k", "2 + 2?", answer=4, right_why="yes", wrong_why="no")
        >>> ex.check(4.0), ex.check(5)
        ((True, 'yes'), (False, 'Not quite. no'))
        """
        if self.is_choice:
            option = next(o for o in self.options if o.text == given)
            right, why = option.right, option.why
        else:
            right = abs(float(given) - self.answer) <= self.tolerance  # type: ignore[arg-type]
            why = self.right_why if right else self.wrong_why
        # Every right explanation opens with "Right"; a wrong one gets its opening here.
        return right, why if right else f"Not quite. {why}"


def score_text(right: int, answered: int) -> str:
    """The running score of the session.

    >>> score_text(2, 3)
    'Your score this session: 2 of 3 exercises answered right.'
    """
    noun = "exercise" if answered == 1 else "exercises"
    done = f"{fmt.count(right)} of {fmt.count(answered)} {noun}"
    return f"Your score this session: {done} answered right."


def _point(tp: float, fp: float, fn: float, tn: float) -> OperatingPoint:
    return OperatingPoint(threshold=float("nan"), tp=tp, fp=fp, fn=fn, tn=tn)


# --- 1. the accuracy paradox --------------------------------------------------------------


def _paradox() -> tuple[Exercise, ...]:
    ten = paradox.always_legitimate(0.1).point
    # Transfer item: 500 frauds at 0.5% of payments, recall 20%, accuracy 99.5%.
    n_pos, recall, prevalence = 500, 0.2, 0.005
    n = round(n_pos / prevalence)
    tp = round(recall * n_pos)
    fn = n_pos - tp
    fp = round(n * (1 - 0.995)) - fn
    q = _point(tp, fp, fn, n - n_pos - fp)
    never = _point(0, 0, n_pos, n - n_pos)
    return (
        Exercise(
            "paradox_predict",
            "Predict, then move the slider: with 10% of payments fraud, what accuracy (in %) "
            "does the model that never says “fraud” reach?",
            answer=ten.accuracy * 100,
            tolerance=0.05,
            unit="Accuracy, in %",
            right_why=f"Right: {fmt.percent(ten.accuracy)}. It is right on every legitimate "
            "payment and wrong on every fraud, so its accuracy is 100% minus the share of fraud.",
            wrong_why=f"It reaches {fmt.percent(ten.accuracy)}: it is right on every legitimate "
            "payment (90% of them) and wrong on every fraud. Set the slider to 10% and look.",
        ),
        Exercise(
            "paradox_transfer",
            f"Another fraud model: {fmt.percent(q.accuracy)} accuracy, "
            f"{fmt.significant_percent(prevalence)} of payments are fraud, "
            f"{fmt.percent(q.recall, 0)} recall. Of {fmt.count(n_pos)} frauds, how many does "
            "it miss?",
            answer=q.fn,
            unit="Frauds missed",
            right_why=f"Right: {fmt.count(q.fn)}. Recall {fmt.percent(q.recall, 0)} catches "
            f"{fmt.count(q.tp)} of {fmt.count(n_pos)}; the rest are misses (FN). Its accuracy "
            f"equals that of flagging nothing ({fmt.percent(never.accuracy)}).",
            wrong_why=f"Recall is the share of fraud caught: {fmt.percent(q.recall, 0)} of "
            f"{fmt.count(n_pos)} is {fmt.count(q.tp)} caught, so {fmt.count(q.fn)} are missed. "
            "Accuracy plays no part in it.",
        ),
    )


# --- 2. precision or recall ---------------------------------------------------------------


def _trade_off() -> tuple[Exercise, ...]:
    d = demo_scores("spam", "spam_logit")
    lo, hi = d.sweep.at(0.0), d.sweep.at(3.0)
    moved = (
        f"At 0 precision is {fmt.percent(lo.precision)} and recall {fmt.percent(lo.recall)}; "
        f"at 3 they are {fmt.percent(hi.precision)} and {fmt.percent(hi.recall)}."
    )
    return (
        Exercise(
            "trade_off_predict",
            "Predict, then move the spam filter's slider from 0 to 3: what happens to "
            "precision and recall?",
            options=(
                Option(
                    "Precision rises, recall falls",
                    True,
                    f"Right. A higher threshold flags fewer emails: fewer false alarms, more "
                    f"misses. {moved}",
                ),
                Option(
                    "Both rise",
                    False,
                    f"Recall can only fall when fewer emails are flagged: none of the "
                    f"unflagged spam is caught any more. {moved}",
                ),
                Option(
                    "Precision falls, recall rises",
                    False,
                    f"That is what lowering the threshold does. {moved}",
                ),
            ),
        ),
        Exercise(
            "trade_off_screening",
            "In the screening test a miss costs 30 and a false alarm 1. Which number does "
            "the cheapest threshold protect?",
            options=(
                Option(
                    "Recall",
                    True,
                    "Right. A miss costs thirty false alarms, so the cheapest threshold is low: "
                    "it flags many healthy patients to miss few sick ones.",
                ),
                Option(
                    "Precision",
                    False,
                    "Protecting precision means flagging fewer patients, so missing more sick "
                    "ones, each costing 30. That is the spam filter's choice, not this one.",
                ),
                Option(
                    "Accuracy",
                    False,
                    "Accuracy counts a miss and a false alarm alike, but here one costs thirty "
                    "times the other.",
                ),
            ),
        ),
    )


# --- 3. formulas --------------------------------------------------------------------------


def _formulas() -> tuple[Exercise, ...]:
    c = (40, 10, 20, 930)  # tp, fp, fn, tn of the transfer item
    p = _point(*c)
    counts = (
        f"TP {fmt.count(c[0])}, FP {fmt.count(c[1])}, FN {fmt.count(c[2])}, TN {fmt.count(c[3])}"
    )
    return (
        Exercise(
            "formulas_precision",
            f"A screening test gives {counts}. What is its precision, in %?",
            answer=p.precision * 100,
            tolerance=0.05,
            unit="Precision, in %",
            right_why=f"Right: TP / (TP + FP) = {c[0]} / {c[0] + c[1]} = "
            f"{fmt.percent(p.precision)}.",
            wrong_why=f"Precision is TP / (TP + FP), the flagged cases that are ill: "
            f"{c[0]} / {c[0] + c[1]} = {fmt.percent(p.precision)}. Recall would be "
            f"TP / (TP + FN) = {fmt.percent(p.recall)}.",
        ),
        Exercise(
            "formulas_fpr",
            f"Same test ({counts}). What is its false positive rate, in %?",
            answer=p.fpr * 100,
            tolerance=0.05,
            unit="False positive rate, in %",
            right_why=f"Right: FP / (FP + TN) = {c[1]} / {c[1] + c[3]} = {fmt.percent(p.fpr)}.",
            wrong_why=f"The false positive rate is FP / (FP + TN), the share of healthy "
            f"patients flagged: {c[1]} / {c[1] + c[3]} = {fmt.percent(p.fpr)}. It is "
            "1 − specificity.",
        ),
    )


# --- 4. F1 and baselines ------------------------------------------------------------------


def _f1() -> tuple[Exercise, ...]:
    s = paradox.PARADOX
    n_pos = round(s.n * s.prevalence)
    everything = _point(n_pos, s.n - n_pos, 0, 0)
    p = f1.counts_for(0.95, 0.10)
    rec, prec = fmt.percent(everything.recall), fmt.percent(everything.precision)
    return (
        Exercise(
            "f1_flag_everything",
            f"A model flags every payment, on data with {fmt.percent(s.prevalence, 0)} fraud. "
            "What are its recall and precision?",
            options=(
                Option(
                    f"Recall {rec}, precision {prec}",
                    True,
                    f"Right. It catches every fraud (recall {rec}), and its alarms are right as "
                    f"often as fraud occurs: precision equals the prevalence. Reading recall "
                    "alone rewards it; read precision beside it.",
                ),
                Option(
                    f"Recall {rec}, precision {fmt.percent(1.0)}",
                    False,
                    f"Every legitimate payment is a false alarm, so only {prec} of its alarms "
                    "are fraud.",
                ),
                Option(
                    f"Recall {prec}, precision {fmt.percent(1.0)}",
                    False,
                    f"Recall is the share of fraud caught, and it catches all of it: {rec}. "
                    f"Precision is the share of alarms that are fraud: {prec}.",
                ),
            ),
        ),
        Exercise(
            "f1_number",
            f"Precision {fmt.percent(p.precision, 0)}, recall {fmt.percent(p.recall, 0)}. "
            "What is F1 (a decimal, two places)?",
            answer=p.f1,
            tolerance=0.005,
            unit="F1",
            right_why=f"Right: 2 × P × R / (P + R) = {fmt.decimal(p.f1, 2)}, close to the "
            "smaller number.",
            wrong_why=f"F1 is the harmonic mean 2 × P × R / (P + R) = {fmt.decimal(p.f1, 2)}, "
            f"not the plain average {fmt.decimal(f1.plain_average(p), 2)}.",
        ),
    )


def _baselines() -> tuple[Exercise, ...]:
    p_o, p_e = 0.90, 0.60  # transfer item: observed and chance agreement
    kappa = (p_o - p_e) / (1 - p_e)
    model = paradox.build_paradox_model()
    base = f1.baselines(model.labelled.point)
    m, maj = base["model"], base["majority"]
    return (
        Exercise(
            "baselines_kappa",
            f"Two raters agree on {fmt.percent(p_o, 0)} of cases; by chance alone, given how "
            f"often each says “yes”, they would agree on {fmt.percent(p_e, 0)}. What is "
            "Cohen's kappa (a decimal, two places)?",
            answer=kappa,
            tolerance=0.005,
            unit="Kappa",
            right_why=f"Right: (p_o − p_e) / (1 − p_e) = ({fmt.decimal(p_o, 2)} − "
            f"{fmt.decimal(p_e, 2)}) / (1 − {fmt.decimal(p_e, 2)}) = {fmt.decimal(kappa, 2)}.",
            wrong_why=f"Kappa keeps the agreement beyond chance, as a share of what was left "
            f"to gain: ({fmt.decimal(p_o, 2)} − {fmt.decimal(p_e, 2)}) / (1 − "
            f"{fmt.decimal(p_e, 2)}) = {fmt.decimal(kappa, 2)}.",
        ),
        Exercise(
            "baselines_which",
            f"The model and the majority class both have {fmt.percent(m.accuracy)} accuracy. "
            "Which number shows that only the model finds fraud?",
            options=(
                Option(
                    "Balanced accuracy",
                    True,
                    f"Right: {fmt.percent(m.balanced_accuracy)} against "
                    f"{fmt.percent(maj.balanced_accuracy)}. It averages recall on each class, "
                    "so a class that is never found pulls it to 50%.",
                ),
                Option(
                    "Accuracy",
                    False,
                    f"Both have {fmt.percent(m.accuracy)}: accuracy mostly counts the "
                    "legitimate payments.",
                ),
                Option(
                    "The number of payments",
                    False,
                    "Both are scored on the same payments; look at balanced accuracy "
                    f"({fmt.percent(m.balanced_accuracy)} against "
                    f"{fmt.percent(maj.balanced_accuracy)}) or MCC.",
                ),
            ),
        ),
    )


# --- 5. ROC and PR ------------------------------------------------------------------------


def _roc_pr() -> tuple[Exercise, ...]:
    bal, rare = roc_pr.imbalanced_set(roc_pr.BALANCED), roc_pr.imbalanced_set(0.01)
    squared = roc_auc_score(bal.y, bal.scores**2)
    qb, qr = bal.sweep.at(0.5), rare.sweep.at(0.5)
    auc = fmt.decimal(bal.roc_auc)
    return (
        Exercise(
            "roc_rescale",
            f"The model's ROC AUC is {auc} on the balanced data. Every score is squared "
            "(each stays in 0 to 1, in the same order). What is the ROC AUC now?",
            options=(
                Option(
                    f"Still {auc}",
                    True,
                    f"Right: {fmt.decimal(squared)}. ROC AUC only compares scores with each "
                    "other (does a positive outrank a negative?), and squaring keeps the order.",
                ),
                Option(
                    "Lower",
                    False,
                    f"It stays {fmt.decimal(squared)}: every positive that outranked a negative "
                    "still does. Only the order of the scores counts.",
                ),
                Option(
                    "Higher",
                    False,
                    f"It stays {fmt.decimal(squared)}: squaring moves the scores but no pair "
                    "swaps places.",
                ),
            ),
        ),
        Exercise(
            "roc_predict",
            "Predict, then move the prevalence slider to 1%: at threshold 0.5, what happens "
            "to precision compared with the balanced data?",
            options=(
                Option(
                    "It falls sharply",
                    True,
                    f"Right: {fmt.percent(qb.precision)} on balanced data, "
                    f"{fmt.percent(qr.precision)} at 1%. The false positive rate stays about "
                    "the same, but there are 99 negatives per positive to raise false alarms.",
                ),
                Option(
                    "It stays about the same",
                    False,
                    f"That holds for recall ({fmt.percent(qb.recall)} both times), not "
                    f"precision: {fmt.percent(qb.precision)} against "
                    f"{fmt.percent(qr.precision)}.",
                ),
                Option(
                    "It rises",
                    False,
                    f"More negatives mean more false alarms for the same hits: "
                    f"{fmt.percent(qb.precision)} falls to {fmt.percent(qr.precision)}.",
                ),
            ),
        ),
    )


# --- 6. pitfalls --------------------------------------------------------------------------


def _pitfalls() -> tuple[Exercise, ...]:
    study = pitfalls.overfitting_study()
    test = study.scores[study.scores["split"] == "test"]
    best = int(test.loc[test["f1"].idxmax(), "depth"])
    deepest = study.max_depth
    f_best = study.points[best]["test"].f1
    tr, te = study.points[deepest]["train"].f1, study.points[deepest]["test"].f1
    return (
        Exercise(
            "pitfalls_depth",
            "Predict, then move the tree-depth slider: which depth should you ship?",
            options=(
                Option(
                    f"Depth {best}, where test F1 peaks",
                    True,
                    f"Right: test F1 is highest there ({fmt.decimal(f_best)}). Deeper trees "
                    "learn the training noise by heart.",
                ),
                Option(
                    f"Depth {deepest}, where training F1 is highest",
                    False,
                    f"Training F1 {fmt.decimal(tr)} there, but test F1 only "
                    f"{fmt.decimal(te)}: the tree remembers its training points.",
                ),
                Option(
                    "Depth 1, the simplest",
                    False,
                    f"Too simple to draw a ring: its test F1 is "
                    f"{fmt.decimal(study.points[1]['test'].f1)}, against {fmt.decimal(f_best)} "
                    f"at depth {best}.",
                ),
            ),
        ),
    )


# --- 7. multiclass ------------------------------------------------------------------------


def _multiclass() -> tuple[Exercise, ...]:
    _, averages, _ = multiclass.multiclass_report(*multiclass.ticket_predictions(0.0))
    f = {a: fmt.decimal(multiclass.average_f1(averages, a)) for a in multiclass.AVERAGES}
    rare = multiclass.TICKETS.rare
    shown = f"At 0: macro {f['macro']}, micro {f['micro']}, weighted {f['weighted']}."
    return (
        Exercise(
            "multiclass_predict",
            f"Predict, then move the slider to 0 (no {rare} ticket routed right): which "
            "average F1 falls the most?",
            options=(
                Option(
                    "Macro",
                    True,
                    f"Right. Macro gives the {rare} class a third of the say. {shown}",
                ),
                Option(
                    "Micro",
                    False,
                    f"Micro pools every ticket, and {rare} tickets are few. {shown}",
                ),
                Option(
                    "Weighted",
                    False,
                    f"Weighted gives each class its share of tickets, small for {rare}. {shown}",
                ),
            ),
        ),
    )


# --- 8. check yourself --------------------------------------------------------------------


def _quiz() -> tuple[Exercise, ...]:
    return (*_quiz_reading(), _quiz_spam(), _quiz_rare_auc(), *_quiz_pitfalls())


def _quiz_spam() -> Exercise:
    sc = trade_off.COST_SCENARIOS["spam"]
    d = demo_scores("spam", sc.score)
    best = trade_off.slider_costs(d, sc).best_threshold
    q = d.sweep.at(best)
    numbers = (
        f"In section 2, with a false alarm costing {fmt.significant(sc.cost_fp)} and a miss "
        f"{fmt.significant(sc.cost_fn)}, the cheapest threshold ({fmt.threshold(best)}) gives "
        f"precision {fmt.percent(q.precision)} and recall {fmt.percent(q.recall)}."
    )
    return Exercise(
        "quiz_spam",
        "For a spam filter, which do you protect: precision or recall?",
        options=(
            Option(
                "Precision",
                True,
                "Right. A false positive hides a real email; a false negative is one more spam "
                f"to delete. {numbers}",
            ),
            Option(
                "Recall",
                False,
                "Recall counts the spam caught; a spam let through costs a second to delete, "
                f"while a real email lost in the spam folder may cost a job offer. {numbers}",
            ),
        ),
    )


def _quiz_rare_auc() -> Exercise:
    rare, bal = roc_pr.imbalanced_set(0.01), roc_pr.imbalanced_set(roc_pr.BALANCED)
    qr, qb = rare.sweep.at(0.5), bal.sweep.at(0.5)
    numbers = (
        f"In section 6 that very model, at threshold 0.5, is right in "
        f"{fmt.percent(qb.precision, 0)} of its alarms on balanced data but only "
        f"{fmt.percent(qr.precision, 0)} at 1% positives."
    )
    return Exercise(
        "quiz_rare_auc",
        f"A model has ROC AUC {fmt.decimal(rare.roc_auc, 2)} on data with 1% positives. Will "
        "most of its alarms be right?",
        options=(
            Option(
                "Not necessarily",
                True,
                f"Right. {numbers} Check precision or the PR curve at the prevalence you "
                "will meet.",
            ),
            Option(
                "Yes: a high ROC AUC means accurate alarms",
                False,
                f"ROC AUC does not see how many negatives there are. {numbers}",
            ),
        ),
    )


def _quiz_reading() -> tuple[Exercise, ...]:
    model = paradox.build_paradox_model()
    s, mp = model.scenario, model.labelled.point
    base = paradox.always_legitimate(s.prevalence).point
    missed = f"{fmt.count(mp.fn)} of {fmt.count(model.n_pos)}"
    p = f1.counts_for(0.95, 0.10)
    return (
        Exercise(
            "quiz_ready",
            f"A fraud model has {fmt.percent(s.accuracy, 0)} accuracy but "
            f"{fmt.percent(s.recall, 0)} recall on fraud. Is it ready for production?",
            options=(
                Option(
                    f"No: it misses {fmt.percent(1 - mp.recall, 0)} of the fraud",
                    True,
                    f"Right. In the scenario of section 1 it misses {missed} fraud cases, and a "
                    f"model that flags nothing reaches the same accuracy "
                    f"({fmt.percent(base.accuracy)}). Judge it by recall, precision and cost, "
                    "against baselines.",
                ),
                Option(
                    f"Yes: {fmt.percent(mp.accuracy, 0)} of its predictions are right",
                    False,
                    f"With {fmt.percent(s.prevalence, 0)} fraud, accuracy mostly counts "
                    f"legitimate payments: flagging nothing also scores "
                    f"{fmt.percent(base.accuracy)}. It misses {missed} fraud cases.",
                ),
                Option(
                    "Cannot tell without its ROC AUC",
                    False,
                    f"Recall already answers it: at this threshold it lets {missed} fraud cases "
                    "through. ROC AUC ranks scores over all thresholds, not this one.",
                ),
            ),
        ),
        Exercise(
            "quiz_f1",
            f"Precision is {fmt.percent(p.precision, 0)} and recall {fmt.percent(p.recall, 0)}. "
            "Is the F1 about 0.5?",
            options=(
                Option(
                    f"No, it is {fmt.decimal(p.f1, 2)}",
                    True,
                    "Right. F1 is a harmonic mean, which stays near the smaller number. 0.5 "
                    "would be the plain average, which hides that the model misses nine "
                    "positives in ten.",
                ),
                Option(
                    f"Yes, it is {fmt.decimal(f1.plain_average(p), 2)}",
                    False,
                    f"That is the plain average. F1 = 2 × P × R / (P + R) = "
                    f"{fmt.decimal(p.f1, 2)}.",
                ),
            ),
        ),
    )


def _quiz_pitfalls() -> tuple[Exercise, ...]:
    key, score, t = pitfalls.BATCH_SOURCE
    d = demo_scores(key, score)
    r = pitfalls.batch_metrics(d.y, d.scores, 32, t)
    whole, left, zero = (
        fmt.decimal(v) for v in (r.whole.f1, r.mean_defined("f1"), r.mean_zero("f1"))
    )
    s = paradox.PARADOX
    n_pos = round(s.n * s.prevalence)
    everything = _point(n_pos, s.n - n_pos, 0, 0)
    return (
        Exercise(
            "quiz_batches",
            "Your training loop averages F1 over batches of 32. Is that the model's F1?",
            options=(
                Option(
                    "No: compute F1 once from the total counts",
                    True,
                    f"Right. On the fraud demo the whole-set F1 is {whole}; the mean of batch F1 "
                    f"is {left} or {zero}, depending on how the "
                    f"{fmt.count(r.undefined('f1'))} undefined batches are treated.",
                ),
                Option(
                    "Yes, if no batch is undefined",
                    False,
                    f"Even over the defined batches the mean is {left}, against {whole} on the "
                    "whole set: the mean of ratios is not the ratio of the totals.",
                ),
            ),
        ),
        Exercise(
            "quiz_flag_everything",
            f"A model flags everything, with {fmt.percent(s.prevalence, 0)} positives. Its "
            "recall is 100%. Is it a good model?",
            options=(
                Option(
                    f"No: its precision is only {fmt.percent(everything.precision)}",
                    True,
                    "Right. Flagging everything catches every positive, so recall alone "
                    "rewards it; its precision equals the prevalence. Never read one of the "
                    "two without the other.",
                ),
                Option(
                    "Yes: it misses nothing",
                    False,
                    f"It misses nothing by raising an alarm on every row: "
                    f"{fmt.percent(1 - everything.precision)} of its alarms are false.",
                ),
            ),
        ),
        _quiz_leakage(),
        _quiz_micro_macro(),
    )


def _quiz_leakage() -> Exercise:
    leak = pitfalls.leakage_study()
    v, f = leak.results[("leaky", "validation")], leak.results[("leaky", "fresh")]
    return Exercise(
        "quiz_leakage",
        f"Your first fraud model scores ROC AUC {fmt.decimal(v.roc_auc, 2)} on validation. "
        "What do you check first?",
        options=(
            Option(
                "Leakage: a feature known only after the outcome",
                True,
                "Right. Look for a feature that is only known after the outcome, or computed "
                "from the label, and for rows shared between training and validation. In "
                f"section 7 such a model falls to ROC AUC {fmt.decimal(f.roc_auc, 2)} on fresh "
                "payments.",
            ),
            Option(
                "Nothing: ship it",
                False,
                f"A score that seems too good usually is. The leaky model of section 7 drops "
                f"to ROC AUC {fmt.decimal(f.roc_auc, 2)} on fresh payments.",
            ),
            Option(
                "The threshold",
                False,
                "ROC AUC does not depend on the threshold: it ranks every score. Look for a "
                "leaked feature first.",
            ),
        ),
    )


def _quiz_micro_macro() -> Exercise:
    _, averages, _ = multiclass.multiclass_report(*multiclass.ticket_predictions(0.0))
    micro = fmt.decimal(multiclass.average_f1(averages, "micro"), 2)
    macro = fmt.decimal(multiclass.average_f1(averages, "macro"), 2)
    rare = multiclass.TICKETS.rare
    return Exercise(
        "quiz_micro_macro",
        f"Micro F1 is {micro} but macro F1 only {macro}. What is going on?",
        options=(
            Option(
                "A class is failing, probably a small one",
                True,
                "Right. Micro F1 follows the big classes; macro gives each class an equal say. "
                f"In section 8 with the slider at 0, the {rare} tickets are all misrouted. "
                "Read the per-class table.",
            ),
            Option(
                "The model is fine: micro is the one to trust",
                False,
                f"Micro hides a small class: the {rare} tickets are all misrouted while micro "
                f"F1 stays {micro}.",
            ),
        ),
    )


_BUILDERS = {
    "paradox": _paradox,
    "trade_off": _trade_off,
    "formulas": _formulas,
    "f1": _f1,
    "baselines": _baselines,
    "roc_pr": _roc_pr,
    "pitfalls": _pitfalls,
    "multiclass": _multiclass,
    "quiz": _quiz,
}


def section_exercises(section: str) -> tuple[Exercise, ...]:
    """The exercises of one lesson of :data:`SECTIONS`, with their numbers computed.

    >>> [e.key for e in section_exercises("formulas")]
    ['formulas_precision', 'formulas_fpr']
    """
    return _BUILDERS[section]()
