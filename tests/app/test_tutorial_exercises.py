"""The Tutorial's exercises through AppTest: every one takes a right and a wrong answer,
each with its own explanation, and the session's score counts them."""

import math

import pytest
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from metrics_app.tutorial import exercises, paradox, roc_pr
from tests.app.test_tutorial import SECTIONS, rerun, tutorial

TABS = dict(zip(exercises.SECTIONS, SECTIONS, strict=True))


def _answer(at, ex: exercises.Exercise, given) -> None:
    if ex.is_choice:
        at.radio(key=f"answer_{ex.key}").set_value(given)
    else:
        at.number_input(key=f"answer_{ex.key}").set_value(given)
    at.button(key=f"check_{ex.key}").click()
    rerun(at)


def _wrong(ex: exercises.Exercise):
    if ex.is_choice:
        return next(o.text for o in ex.options if not o.right)
    return ex.answer + ex.tolerance + 7


def _right(ex: exercises.Exercise):
    if ex.is_choice:
        return next(o.text for o in ex.options if o.right)
    return ex.answer


def _score(at) -> str:
    texts = [c.value for c in at.caption if c.value.startswith("Your score this session")]
    assert len(set(texts)) == 1, texts
    return texts[0]


@pytest.mark.parametrize("section", exercises.SECTIONS)
def test_every_exercise_gives_feedback_and_counts(section: str) -> None:
    at = tutorial(TABS[section])
    shown = exercises.section_exercises(section)
    assert shown, section
    assert _score(at) == "Your score this session: 0 of 0 exercises answered right."
    assert not at.success
    assert not at.error
    for n, ex in enumerate(shown, start=1):
        # Exactly one right option, and an explanation for every one.
        if ex.is_choice:
            assert sum(o.right for o in ex.options) == 1
            assert all(o.why for o in ex.options)
            assert at.radio(key=f"answer_{ex.key}").options == list(ex.choices)
        else:
            assert not math.isnan(ex.answer)
        wrong = _wrong(ex)
        _answer(at, ex, wrong)
        why = ex.check(wrong)[1]
        assert why.startswith("Not quite.")
        assert why in [e.value for e in at.error]
        noun = "exercise" if n == 1 else "exercises"
        assert _score(at) == f"Your score this session: {n - 1} of {n} {noun} answered right."
        _answer(at, ex, _right(ex))
        why = ex.check(_right(ex))[1]
        assert why.startswith("Right")
        assert why in [s.value for s in at.success]
        assert ex.check(wrong)[1] not in [e.value for e in at.error]
        assert _score(at) == f"Your score this session: {n} of {n} {noun} answered right."


def test_wrong_option_explanations_differ_and_feedback_clears_on_change() -> None:
    at = tutorial(TABS["f1"])
    ex = exercises.section_exercises("f1")[0]
    whys = [o.why for o in ex.options]
    assert len(set(whys)) == len(whys)
    _answer(at, ex, _wrong(ex))
    assert len(at.error) == 1
    # A different answer, not yet checked: no stale feedback.
    at.radio(key=f"answer_{ex.key}").set_value(_right(ex))
    rerun(at)
    assert not at.error
    assert not at.success


def test_the_score_follows_the_session_across_tabs() -> None:
    at = tutorial(TABS["paradox"])
    ex = exercises.section_exercises("paradox")[1]
    _answer(at, ex, _right(ex))
    at.session_state["section"] = TABS["quiz"]
    rerun(at)
    assert _score(at) == "Your score this session: 1 of 1 exercise answered right."


def test_transfer_items_and_seed_self_check_numbers() -> None:
    by_key = {ex.key: ex for s in exercises.SECTIONS for ex in exercises.section_exercises(s)}
    t = by_key["paradox_transfer"]
    assert "99.5% accuracy" in t.question
    assert "0.5% of payments" in t.question
    assert "20% recall" in t.question
    assert "500 frauds" in t.question
    assert t.answer == 400  # 20% of 500 caught, 400 missed
    flag = by_key["f1_flag_everything"]
    right = next(o.text for o in flag.options if o.right)
    assert right == "Recall 100.0%, precision 2.0%"  # precision = the prevalence
    seed = by_key["quiz_ready"]
    lab = paradox.build_paradox_model().labelled
    missed = (lab.y & ~lab.pred).sum()
    assert "98% accuracy but 12% recall" in seed.question
    assert f"misses {missed} of {lab.y.sum()}" in next(o.why for o in seed.options if o.right)
    assert missed / lab.y.sum() == pytest.approx(0.88)
    # Rescaling: squaring every score leaves ROC AUC exactly as it was.
    bal = roc_pr.imbalanced_set(roc_pr.BALANCED)
    assert roc_auc_score(bal.y, bal.scores**2) == roc_auc_score(bal.y, bal.scores)
    r = by_key["roc_predict"]
    rare = roc_pr.imbalanced_set(0.01)
    drop = precision_score(rare.y, rare.scores >= 0.5) < precision_score(bal.y, bal.scores >= 0.5)
    assert drop
    assert next(o.text for o in r.options if o.right) == "It falls sharply"
    assert recall_score(rare.y, rare.scores >= 0.5) == recall_score(bal.y, bal.scores >= 0.5)


def test_seed_self_check_said_where_the_model_is_built() -> None:
    at = tutorial(SECTIONS[0])
    text = " ".join(m.value for m in at.markdown)
    assert "it misses 88% of the fraud" in text
