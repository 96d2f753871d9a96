"""Each sentence of the Tutorial that says how numbers compare is checked against the numbers
the page computes, and the page's text is checked to say it."""

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
)

from metrics_app.tutorial import f1 as f1_lesson
from metrics_app.tutorial import model as tut
from metrics_app.tutorial import paradox, pitfalls, roc_pr
from tests.app.test_tutorial import SECTIONS, _sk, dec, pct, rerun, tutorial


def _text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_imbalanced_sets_share_positives_and_negatives_so_recall_is_identical() -> None:
    bal, rare = roc_pr.imbalanced_set(roc_pr.BALANCED), roc_pr.imbalanced_set(0.01)
    n = roc_pr.IMBALANCE.n_pos
    # The same positives, and every negative of the balanced set is in the rarer one.
    assert np.array_equal(bal.scores[:n], rare.scores[:n])
    assert np.array_equal(bal.scores[bal.y == 0], rare.scores[n : 2 * n])
    for t in (0.2, 0.5, 0.8):
        assert recall_score(bal.y, bal.scores >= t) == recall_score(rare.y, rare.scores >= t)
        fpr_b = 1 - recall_score(~bal.y, bal.scores < t)
        fpr_r = 1 - recall_score(~rare.y, rare.scores < t)
        assert fpr_b != fpr_r
        assert abs(fpr_b - fpr_r) < 0.05  # "only a little"
    at = tutorial(SECTIONS[5])
    text = _text(at)
    assert "keeps every negative of the balanced one and adds more" in text
    assert "recall is identical in both" in text
    assert "drawn separately" not in text
    # One way to write a prevalence: the slider's "1%", not "1.0%".
    assert list(at.dataframe[0].value["Data"]) == ["50% positives", "1% positives"]


def test_accuracy_barely_separates_the_baselines_balanced_accuracy_and_mcc_do() -> None:
    lab = paradox.build_paradox_model().labelled
    base = f1_lesson.baselines(lab.point)
    m, maj, rnd = base["model"], base["majority"], base["random"]
    never = np.zeros_like(lab.y)
    assert accuracy_score(lab.y, lab.pred) == accuracy_score(lab.y, never) == m.accuracy
    assert 0 < maj.accuracy - rnd.accuracy < 0.01  # separates, slightly
    assert balanced_accuracy_score(lab.y, lab.pred) == pytest.approx(m.balanced_accuracy)
    assert m.balanced_accuracy > 0.55 > maj.balanced_accuracy == pytest.approx(0.5)
    assert rnd.balanced_accuracy == pytest.approx(0.5)
    assert matthews_corrcoef(lab.y, lab.pred) == pytest.approx(m.mcc)
    assert m.mcc > 0.2
    assert rnd.mcc == pytest.approx(0)
    text = _text(tutorial(SECTIONS[4]))
    assert "Accuracy cannot separate the three rows" not in text
    assert (
        f"the model and the majority class both score {pct(m.accuracy)}, random flags "
        f"{pct(rnd.accuracy)}"
    ) in text
    assert f"({pct(m.balanced_accuracy)} against 50.0% and 50.0%)" in text
    assert f"MCC ({dec(m.mcc)} against undefined and {dec(rnd.mcc)})" in text


def test_low_f1_claim_is_shown_with_the_baseline() -> None:
    lab = paradox.build_paradox_model().labelled
    rnd = f1_lesson.baselines(lab.point)["random"]
    model_f1 = f1_score(lab.y, lab.pred)
    assert model_f1 < 0.3
    assert model_f1 > 10 * rnd.f1  # far above random flags at the same rate
    text = _text(tutorial(SECTIONS[4]))
    assert "an F1 of 0.3 can be excellent" not in text
    assert f"has F1 {model_f1:.2f}, while random flags at its rate reach {rnd.f1:.3f}" in text


def _batch_means(y, flagged, b, score):
    per = [
        _sk(score, y[i : i + b], flagged[i : i + b], zero_division=np.nan)
        for i in range(0, y.size, b)
    ]
    return float(np.nanmean(per))


def test_batch_averages_accuracy_equal_sizes_and_where_f1_breaks() -> None:
    key, score, t = pitfalls.BATCH_SOURCE
    d = tut.demo_scores(key, score)
    flagged = d.scores >= t
    whole_acc = accuracy_score(d.y, flagged)
    right = d.y == flagged
    for b in pitfalls.BATCH_SIZES:
        accs = [right[i : i + b].mean() for i in range(0, d.y.size, b)]
        if d.y.size % b == 0:  # equal batches: the mean is the whole-set accuracy
            assert np.mean(accs) == pytest.approx(whole_acc, abs=1e-12)
        else:
            assert np.mean(accs) != pytest.approx(whole_acc, abs=1e-12)
        # Precision and recall, undefined batches left out, stay close to the whole set.
        r = pitfalls.batch_metrics(d.y, d.scores, b, t)
        for name in ("precision", "recall"):
            assert abs(r.mean_defined(name) - getattr(r.whole, name)) < 0.02
    for fn in (precision_score, recall_score):  # the same, by scikit-learn, at one size
        assert abs(_batch_means(d.y, flagged, 256, fn) - fn(d.y, flagged)) < 0.02
    assert d.y.size % 64 != 0  # the slider offers unequal batches too
    r = pitfalls.batch_metrics(d.y, d.scores, 32, t)
    assert r.whole.f1 - r.mean_defined("f1") > 0.1  # F1 is where it breaks
    assert r.mean_zero("f1") < r.mean_defined("f1")
    for name in pitfalls.BATCH_METRICS:  # counting undefined as 0 drags every mean down
        assert r.mean_zero(name) < getattr(r.whole, name) - 0.1
    at = tutorial(SECTIONS[6])
    text = _text(at)
    assert "For accuracy that is harmless" not in text
    assert "equals the whole-set value only when every batch has the same size" in text
    assert (
        f"mean precision ({dec(r.mean_defined('precision'))}) and recall "
        f"({dec(r.mean_defined('recall'))}) stay close to the whole-set values "
        f"({dec(r.whole.precision)} and {dec(r.whole.recall)})"
    ) in text
    assert f"({dec(r.mean_defined('f1'))} against {dec(r.whole.f1)})" in text
    # A batch with fraud but no alarm has F1 0 while its precision is undefined.
    yb, pb = np.array([1, 0, 0], bool), np.zeros(3, bool)
    assert _sk(f1_score, yb, pb, zero_division=np.nan) == 0
    assert np.isnan(_sk(precision_score, yb, pb, zero_division=np.nan))


def test_intro_no_longer_promises_a_slider_in_every_tab() -> None:
    at = tutorial()
    intro = at.markdown[0].value
    assert "Each has a slider or a switch" not in intro
    assert "Most have sliders or switches" in intro
    rerun(at)
    at.session_state["section"] = SECTIONS[8]
    rerun(at)
    assert not at.main.slider
    assert not at.main.select_slider
    assert not at.main.toggle
    assert at.main.radio  # the self-check has exercises instead
