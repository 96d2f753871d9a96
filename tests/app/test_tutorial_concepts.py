"""Cohen's kappa, top-k accuracy and the one-sided models on the Tutorial page, against
scikit-learn on the same data."""

import warnings

import numpy as np
import pytest
from sklearn.metrics import (
    cohen_kappa_score,
    f1_score,
    precision_score,
    recall_score,
    top_k_accuracy_score,
)

from metrics_app.tutorial import f1 as f1_lesson
from metrics_app.tutorial import formulas, multiclass, paradox, pitfalls
from metrics_app.tutorial import model as tut
from metrics_core import cohen_kappa_score as core_kappa
from tests.app.test_tutorial import SECTIONS, dec, frame, metrics, pct, rerun, tutorial


def test_kappa_parts_equal_sklearn_and_the_core() -> None:
    lab = paradox.build_paradox_model().labelled
    p_o, p_e, kappa = f1_lesson.kappa_parts(lab.point)
    assert kappa == pytest.approx(cohen_kappa_score(lab.y, lab.pred))
    assert kappa == pytest.approx(core_kappa(lab.y, lab.pred))
    assert p_o == pytest.approx(lab.point.accuracy)
    assert p_e == pytest.approx(
        lab.y.mean() * lab.pred.mean() + (1 - lab.y.mean()) * (1 - lab.pred.mean())
    )
    never = np.zeros_like(lab.y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cohen_kappa_score(lab.y, never) == 0
    base = f1_lesson.baselines(lab.point)
    assert f1_lesson.kappa_parts(base["majority"])[2] == 0
    assert f1_lesson.kappa_parts(base["random"])[2] == pytest.approx(0, abs=1e-12)


def test_kappa_on_the_page() -> None:
    at = tutorial(SECTIONS[4])
    lab = paradox.build_paradox_model().labelled
    shown = [m for m in at.metric if m.label.startswith("Kappa: ")]
    assert [m.value for m in shown] == [dec(cohen_kappa_score(lab.y, lab.pred)), "0.000", "0.000"]
    latex = [el.value for el in at.latex]
    want = formulas.kappa_latex(*f1_lesson.kappa_parts(lab.point))
    assert any(want in v for v in latex)


def test_top_k_on_the_page_equals_sklearn() -> None:
    at = tutorial(SECTIONS[7])
    y, scores = multiclass.photo_scores()
    labels = list(multiclass.PHOTOS.classes)
    assert labels == sorted(labels)
    seen = []
    for k in (1, 2, 4):
        at.slider(key="top_k").set_value(k)
        rerun(at)
        want = top_k_accuracy_score(y, scores, k=k, labels=labels)
        assert metrics(at, f"Top-{k} accuracy")[-1] == pct(want)
        assert metrics(at, "Top-1 accuracy")[0] == pct(top_k_accuracy_score(y, scores, k=1))
        seen.append(want)
    assert seen == sorted(seen)
    assert seen[0] < seen[-1]
    photos = frame(at, "Best guesses")
    order = np.argsort(-scores[:5], axis=1)
    for i, row in photos.iterrows():
        rank = int(np.flatnonzero(np.asarray(labels)[order[i]] == y[i])[0]) + 1
        assert row["Rank"] == str(rank)
        assert row["True species"] == y[i]


def test_flag_everything_pitfall_equals_sklearn() -> None:
    at = tutorial(SECTIONS[6])
    d = tut.demo_scores("fraud", "model_score")
    table = frame(at, "Flagged").set_index("Model")
    every = np.ones_like(d.y)
    row = table.loc["flag every payment"]
    assert row["Recall"] == "100.0%"
    assert row["Precision"] == pct(precision_score(d.y, every)) == pct(d.y.mean())
    assert row["F1"] == dec(f1_score(d.y, every))
    surest = np.zeros_like(d.y)
    surest[np.argmax(d.scores)] = True
    row = table.loc["flag only the highest score"]
    assert row["Precision"] == pct(precision_score(d.y, surest)) == "100.0%"
    assert row["Recall"] == pct(recall_score(d.y, surest))
    models = pitfalls.one_sided_models(d.y, d.scores)
    assert models["everything"].recall == 1
