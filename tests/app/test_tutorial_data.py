"""The Tutorial's scenarios (metrics_app.tutorial) against scikit-learn, and their lessons."""

import math
import warnings
from dataclasses import replace
from functools import cache

import altair as alt
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
)

from metrics_app.tutorial import charts as tch
from metrics_app.tutorial import f1 as f1_lesson
from metrics_app.tutorial import formulas, multiclass, paradox, pitfalls, roc_pr, strip, trade_off
from metrics_app.tutorial import model as tut
from metrics_core import OperatingPoint


def _sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _arrays(p: OperatingPoint) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions with exactly the counts of ``p``."""
    y = np.r_[np.ones(p.tp + p.fn, bool), np.zeros(p.fp + p.tn, bool)]
    pred = np.r_[
        np.ones(p.tp, bool), np.zeros(p.fn, bool), np.ones(p.fp, bool), np.zeros(p.tn, bool)
    ]
    return y, pred


@cache
def _demo(key: str, score: str) -> tut.Scored:
    return tut.demo_scores(key, score)


def _cost(p: OperatingPoint, c: trade_off.CostScenario) -> float:
    """The cost of the errors at ``p``, written out: FP x cost_fp + FN x cost_fn."""
    return p.fp * c.cost_fp + p.fn * c.cost_fn


# --- 1. the accuracy paradox ---------------------------------------------------------------------


def test_paradox_model_really_has_the_asked_for_metrics() -> None:
    c = paradox.build_paradox_model()
    s, lab = c.scenario, c.labelled
    assert accuracy_score(lab.y, lab.pred) == pytest.approx(s.accuracy)
    assert recall_score(lab.y, lab.pred) == pytest.approx(s.recall)
    assert lab.point.accuracy == pytest.approx(accuracy_score(lab.y, lab.pred), abs=1e-15)
    assert lab.point.recall == pytest.approx(recall_score(lab.y, lab.pred), abs=1e-15)
    assert lab.point.precision == pytest.approx(precision_score(lab.y, lab.pred), abs=1e-15)
    # The construction's steps are consistent with the counts measured.
    assert (c.tp, c.fn, c.fp, c.tn) == (lab.point.tp, lab.point.fn, lab.point.fp, lab.point.tn)
    assert c.n_pos == round(s.n * s.prevalence)
    assert c.fn + c.fp == c.errors == round(s.n * (1 - s.accuracy))
    # Same payments as the "always legitimate" baseline, which is as accurate.
    base = paradox.always_legitimate(s.prevalence)
    np.testing.assert_array_equal(base.y, lab.y)
    assert base.point.accuracy == pytest.approx(lab.point.accuracy)


def test_paradox_rejects_contradictory_targets() -> None:
    with pytest.raises(ValueError, match="mistakes"):
        paradox.build_paradox_model(
            paradox.ParadoxScenario(prevalence=0.1, accuracy=0.99, recall=0.1)
        )


@pytest.mark.parametrize("percent", paradox.PARADOX_PREVALENCES_PERCENT)
def test_always_legitimate_matches_sklearn(percent: float) -> None:
    lab = paradox.always_legitimate(percent / 100)
    assert lab.y.sum() == round(paradox.PARADOX.n * percent / 100)
    assert lab.point.accuracy == pytest.approx(accuracy_score(lab.y, lab.pred))
    assert lab.point.accuracy == pytest.approx(1 - percent / 100)
    assert lab.point.recall == 0.0
    assert math.isnan(lab.point.precision)  # nothing flagged: undefined, never 0
    assert math.isnan(_sk(precision_score, lab.y, lab.pred, zero_division=np.nan))


def test_majority_frame_covers_the_slider() -> None:
    f = paradox.majority_accuracy_frame()
    assert f["prevalence"].min() == pytest.approx(0.001)
    assert f["prevalence"].max() == pytest.approx(0.5)
    np.testing.assert_allclose(f["accuracy"], 1 - f["prevalence"])
    assert (f["recall"] == 0).all()


# --- 2. costs ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(trade_off.COST_SCENARIOS))
def test_cost_scenarios(key: str) -> None:
    c = trade_off.COST_SCENARIOS[key]
    d = _demo(key, c.score)
    t = c.default
    p = d.sweep.at(t)
    flagged = d.scores >= t
    assert p.precision == pytest.approx(precision_score(d.y, flagged))
    assert p.recall == pytest.approx(recall_score(d.y, flagged))
    curve = trade_off.slider_costs(d, c)
    grid = np.arange(c.lo, c.hi + c.step / 2, c.step)
    costs = [_cost(d.sweep.at(g), c) for g in grid]
    assert curve.best_cost == pytest.approx(min(costs))
    assert curve.best_cost == _cost(d.sweep.at(curve.best_threshold), c)
    # The core's cost curve, read at a threshold, is the cost written out.
    assert [curve.cost_at(g) for g in grid] == costs
    fp = int((flagged & ~d.y).sum())
    fn = int((~flagged & d.y).sum())
    assert curve.cost_at(t) == fp * c.cost_fp + fn * c.cost_fn


def test_costs_pull_thresholds_opposite_ways() -> None:
    spam = replace(trade_off.COST_SCENARIOS["spam"], cost_fp=20, cost_fn=1)
    scr = replace(trade_off.COST_SCENARIOS["screening"], cost_fp=1, cost_fn=30)
    best_spam = trade_off.slider_costs(_demo("spam", spam.score), spam)
    best_scr = trade_off.slider_costs(_demo("screening", scr.score), scr)
    # Costly false alarms push the threshold up (precision), costly misses down (recall).
    assert best_spam.best_threshold > spam.default
    assert best_scr.best_threshold < scr.default


# --- 3. formulas ---------------------------------------------------------------------------


def test_formula_latex_shows_counts_and_sklearn_values() -> None:
    d = _demo("screening", "test_score")
    flagged = d.scores >= 0.5
    latex = formulas.formula_latex(d.sweep.at(0.5))
    tp = int((flagged & d.y).sum())
    expected = {
        "precision": precision_score(d.y, flagged),
        "recall": recall_score(d.y, flagged),
        "f1": f1_score(d.y, flagged),
        "specificity": recall_score(~d.y, ~flagged),
        "accuracy": accuracy_score(d.y, flagged),
        "fpr": 1 - recall_score(~d.y, ~flagged),
    }
    for name, value in expected.items():
        assert latex[name].endswith(f"= {value:.3f}"), name
        assert (
            f"{{{tp}}}" in latex[name] or f"{tp} +" in latex[name] or name in ("specificity", "fpr")
        )


def test_formula_latex_undefined() -> None:
    latex = formulas.formula_latex(OperatingPoint(1.0, tp=0, fp=0, fn=5, tn=1234))
    assert latex["precision"].endswith(r"\frac{0}{0 + 0} = \text{undefined}")
    assert r"1{,}234" in latex["accuracy"]


# --- 4. F1 and baselines -------------------------------------------------------------------


def test_f1_of_95_precision_and_10_recall_is_about_018() -> None:
    p = f1_lesson.counts_for(0.95, 0.10)
    y, pred = _arrays(p)
    assert precision_score(y, pred) == pytest.approx(0.95)
    assert recall_score(y, pred) == pytest.approx(0.10)
    assert p.f1 == pytest.approx(f1_score(y, pred))
    assert round(p.f1, 2) == 0.18
    assert f1_lesson.plain_average(p) == pytest.approx(0.525)
    assert formulas.f1_latex(p).endswith(f"= {f1_score(y, pred):.3f}")
    assert formulas.f1_latex(p, 2.0).endswith(f"= {fbeta_score(y, pred, beta=2):.3f}")


@pytest.mark.parametrize("precision", [0.05, 0.35, 0.55, 0.95, 1.0])
@pytest.mark.parametrize("recall", [0.05, 0.45, 0.85, 1.0])
def test_counts_for_is_exact(precision: float, recall: float) -> None:
    p = f1_lesson.counts_for(precision, recall)
    assert p.precision == pytest.approx(precision, abs=1e-12)
    assert p.recall == pytest.approx(recall, abs=1e-12)
    assert p.tp + p.fn >= 1000
    assert min(p.tp, p.fp, p.fn, p.tn) >= 0


def test_f1_recall_frame_uses_the_harmonic_mean() -> None:
    f = f1_lesson.f1_recall_frame(0.6, beta=2.0)
    f1 = f[f["measure"] == "F1"]
    r = f1["recall"].to_numpy()
    np.testing.assert_allclose(f1["value"], 2 * 0.6 * r / (0.6 + r))
    assert set(f["measure"]) == {"F1", "F2", "Average"}


def test_baselines_against_sklearn() -> None:
    model = paradox.build_paradox_model().labelled
    b = f1_lesson.baselines(model.point)
    maj = b["majority"]
    y, pred = model.y, np.zeros_like(model.y)
    assert maj.accuracy == pytest.approx(accuracy_score(y, pred))
    assert maj.balanced_accuracy == pytest.approx(balanced_accuracy_score(y, pred))
    assert math.isnan(maj.mcc)  # sklearn reports 0 where MCC is undefined
    assert _sk(matthews_corrcoef, y, pred) == 0.0
    assert model.point.mcc == pytest.approx(matthews_corrcoef(model.y, model.pred))
    assert model.point.balanced_accuracy == pytest.approx(
        balanced_accuracy_score(model.y, model.pred)
    )
    rnd = b["random"]
    assert rnd.balanced_accuracy == pytest.approx(0.5)
    assert rnd.mcc == pytest.approx(0.0, abs=1e-12)
    assert rnd.precision == pytest.approx(paradox.PARADOX.prevalence)
    assert rnd.tp + rnd.fp == pytest.approx(model.point.tp + model.point.fp)


# --- 5. ROC and PR under imbalance ----------------------------------------------------------


@pytest.mark.parametrize("prevalence", roc_pr.PREVALENCE_OPTIONS)
def test_imbalanced_sets_match_sklearn(prevalence: float) -> None:
    s = roc_pr.imbalanced_set(prevalence)
    assert s.y.sum() == roc_pr.IMBALANCE.n_pos
    assert s.prevalence == pytest.approx(prevalence, rel=0.01)
    assert s.roc_auc == pytest.approx(roc_auc_score(s.y, s.scores), abs=1e-12)
    assert s.average_precision == pytest.approx(average_precision_score(s.y, s.scores), abs=1e-12)
    flagged = s.scores >= 0.5
    assert s.sweep.at(0.5).precision == pytest.approx(precision_score(s.y, flagged))


def test_roc_barely_moves_while_precision_collapses() -> None:
    bal, rare = roc_pr.imbalanced_set(0.5), roc_pr.imbalanced_set(0.01)
    assert abs(bal.roc_auc - rare.roc_auc) < 0.02
    assert bal.average_precision - rare.average_precision > 0.5
    assert bal.sweep.at(0.5).precision > 0.75
    assert rare.sweep.at(0.5).precision < 0.1
    # The same positives: recall at any threshold is identical.
    assert bal.sweep.at(0.5).recall == rare.sweep.at(0.5).recall


# --- 6. pitfalls -----------------------------------------------------------------------------


def test_leakage_collapses_on_fresh_data() -> None:
    study = pitfalls.leakage_study()
    r = study.results
    for e in r.values():
        assert e.roc_auc == pytest.approx(roc_auc_score(e.y, e.scores), abs=1e-12)
        flagged = e.scores >= e.point.threshold
        assert e.point.f1 == pytest.approx(_sk(f1_score, e.y, flagged, zero_division=0.0))
    leaky_val, leaky_fresh = r[("leaky", "validation")], r[("leaky", "fresh")]
    honest_val, honest_fresh = r[("honest", "validation")], r[("honest", "fresh")]
    assert leaky_val.roc_auc > 0.97
    assert leaky_val.point.f1 > 0.9
    assert leaky_fresh.roc_auc < leaky_val.roc_auc - 0.15
    assert leaky_fresh.point.recall < 0.05  # the threshold chosen on validation flags ~nothing
    # The honest model is worse on validation but tells the truth about fresh data.
    assert honest_val.roc_auc < leaky_val.roc_auc
    assert abs(honest_val.roc_auc - honest_fresh.roc_auc) < 0.05
    assert honest_fresh.point.f1 > leaky_fresh.point.f1


def test_overfitting_gap_grows() -> None:
    study = pitfalls.overfitting_study()
    f1 = study.scores.pivot(index="depth", columns="split", values="f1")
    gap = f1["train"] - f1["test"]
    assert f1.loc[max(study.depths), "train"] == 1.0
    assert gap.loc[max(study.depths)] > gap.loc[2] + 0.1
    assert f1["test"].idxmax() < max(study.depths)
    for d in (1, 4, 15):
        for split, y in (("train", study.train_y), ("test", study.test_y)):
            pred = study.predictions[d][split]
            p = study.points[d][split]
            assert p.f1 == pytest.approx(f1_score(y, pred))
            assert p.accuracy == pytest.approx(accuracy_score(y, pred))


def _sk_batch_f1(y: np.ndarray, flagged: np.ndarray, b: int) -> np.ndarray:
    return np.array(
        [
            _sk(f1_score, y[i : i + b], flagged[i : i + b], zero_division=np.nan)
            for i in range(0, y.size, b)
        ]
    )


@pytest.mark.parametrize("batch_size", [64, 1024])
def test_batch_metrics_match_sklearn(batch_size: int) -> None:
    key, score, t = pitfalls.BATCH_SOURCE
    d = _demo(key, score)
    # sklearn batch by batch is slow: check the first 120 batches (all rows for big batches).
    n = min(d.y.size, 120 * batch_size)
    y, s = d.y[:n], d.scores[:n]
    r = pitfalls.batch_metrics(y, s, batch_size, t)
    flagged = s >= t
    assert r.whole.f1 == pytest.approx(f1_score(y, flagged))
    per = _sk_batch_f1(y, flagged, batch_size)
    np.testing.assert_allclose(r.per_batch["f1"], per, equal_nan=True)
    assert r.n_batches == per.size
    assert r.undefined("f1") == int(np.isnan(per).sum())
    assert r.mean_defined("f1") == pytest.approx(np.nanmean(per))
    assert r.mean_zero("f1") == pytest.approx(np.nan_to_num(per).mean())
    if batch_size == 64:
        assert r.undefined("f1") > 0  # the case this test is about


def test_batch_gap_shrinks_with_batch_size() -> None:
    key, score, t = pitfalls.BATCH_SOURCE
    d = _demo(key, score)
    small = pitfalls.batch_metrics(d.y, d.scores, 16, t)
    big = pitfalls.batch_metrics(d.y, d.scores, 4096, t)
    assert small.whole.f1 == big.whole.f1
    assert small.whole.f1 - small.mean_defined("f1") > 0.1
    assert small.whole.f1 - small.mean_zero("f1") > 0.3
    assert small.undefined("f1") > small.n_batches / 2
    assert abs(big.whole.f1 - big.mean_defined("f1")) < 0.01
    assert big.undefined("f1") == 0
    curve = pitfalls.batch_curve(d.y, d.scores, t)
    assert set(curve["batch_size"]) == set(pitfalls.BATCH_SIZES)


# --- 7. multiclass ----------------------------------------------------------------------------


@pytest.mark.parametrize("rare_recall", [0.0, 0.3, 1.0])
def test_multiclass_report_matches_sklearn(rare_recall: float) -> None:
    y, pred = multiclass.ticket_predictions(rare_recall)
    labels = list(multiclass.TICKETS.classes)
    assert [int((y == c).sum()) for c in labels] == list(multiclass.TICKETS.sizes)
    rare = labels[-1]
    assert recall_score(y == rare, pred == rare) == pytest.approx(rare_recall)
    per_class, averages, cm = multiclass.multiclass_report(y, pred)
    p, r, f, s = _sk(precision_recall_fscore_support, y, pred, labels=labels, zero_division=np.nan)
    np.testing.assert_allclose(per_class["precision"], p, equal_nan=True)
    np.testing.assert_allclose(per_class["recall"], r)
    np.testing.assert_allclose(per_class["f1"], f, equal_nan=True)
    np.testing.assert_array_equal(per_class["support"], s)
    for avg in ("macro", "micro", "weighted"):
        row = averages.set_index("average").loc[avg]
        ap, ar, af, _ = _sk(
            precision_recall_fscore_support,
            y,
            pred,
            labels=labels,
            average=avg,
            zero_division=np.nan,
        )
        assert row["precision"] == pytest.approx(ap)
        assert row["recall"] == pytest.approx(ar)
        assert row["f1"] == pytest.approx(af)
    assert cm.sum() == y.size


def test_macro_reacts_to_the_rare_class_micro_barely() -> None:
    f = multiclass.multiclass_averages_frame().pivot(
        index="rare_recall", columns="average", values="f1"
    )
    assert f["macro"].iloc[-1] - f["macro"].iloc[0] > 0.2
    assert f["micro"].iloc[-1] - f["micro"].iloc[0] < 0.06
    assert (f.loc[0.0, "micro"] - f.loc[0.0, "macro"]) > 0.2


# --- structure -----------------------------------------------------------------------------------


def test_arrays_are_read_only() -> None:
    lab = paradox.build_paradox_model().labelled
    with pytest.raises(ValueError, match="read-only"):
        lab.y[0] = True
    s = roc_pr.imbalanced_set(0.5)
    with pytest.raises(ValueError, match="read-only"):
        s.scores[0] = 0.0


def test_chart_builders_give_valid_specs() -> None:
    c = paradox.build_paradox_model()
    study = pitfalls.overfitting_study()
    s1, s2 = roc_pr.imbalanced_set(0.5), roc_pr.imbalanced_set(0.01)
    curves = pd.concat([s1.roc.assign(data="a"), s2.roc.assign(data="b")])
    prs = pd.concat([s1.pr.assign(data="a"), s2.pr.assign(data="b")])
    pts = pd.DataFrame(
        {
            "data": ["a", "b"],
            "fpr": [0.1, 0.2],
            "tpr": [0.5, 0.6],
            "recall": [0.5, 0.6],
            "precision": [0.9, float("nan")],
        }
    )
    y, pred = multiclass.ticket_predictions(0.3)
    _, _, cm = multiclass.multiclass_report(y, pred)
    spam = trade_off.COST_SCENARIOS["spam"]
    curve = trade_off.slider_costs(_demo("spam", spam.score), replace(spam, cost_fp=20, cost_fn=1))
    key, score, t = pitfalls.BATCH_SOURCE
    d = _demo(key, score)
    patients = strip.patients()
    strip_frame = strip.strip_frame(patients, 0.5)
    cells = strip.cell_frame(patients.sweep.at(0.5))
    sep = roc_pr.separation_set(1.5)
    charts = [
        tch.majority_chart(paradox.majority_accuracy_frame(), 0.01, 0.99),
        tch.cost_chart(curve.frame, 0.0, curve.best_threshold, lo=spam.lo, hi=spam.hi),
        tch.f1_chart(f1_lesson.f1_recall_frame(0.95, 2.0), 0.1, {"F1": c.labelled.point.f1}),
        tch.roc_chart(curves, pts),
        tch.pr_chart(prs, pts),
        tch.bars_chart(
            pd.DataFrame({"group": ["a", "b"], "measure": ["F1", "F1"], "value": [0.9, np.nan]}),
            groups=["a", "b"],
        ),
        tch.fit_chart(study.scores, 4, "f1", "F1"),
        tch.regions_chart(
            study.grid,
            4,
            pd.DataFrame(
                {"x1": study.train_x[:, 0], "x2": study.train_x[:, 1], "label": study.train_y}
            ),
        ),
        tch.batch_chart(pitfalls.batch_curve(d.y, d.scores, t), 32),
        tch.averages_chart(multiclass.multiclass_averages_frame(), 0.3),
        tch.multiclass_confusion_chart(cm, multiclass.TICKETS.classes),
        tch.pr_chart(prs, pts, pd.DataFrame({"data": ["a", "b"], "precision": [0.5, 0.01]})),
        tch.roc_chart(curves, height=200),
        tch.strip_chart(strip_frame, cells, 0.5),
        tch.cells_chart(cells),
        tch.separation_chart(roc_pr.score_histogram(sep)),
        tch.pairs_chart(roc_pr.draw_pairs(sep, 500).running, sep.roc_auc),
    ]
    for chart in charts:
        assert isinstance(chart, alt.TopLevelMixin)
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert "NaN" not in str(spec)
