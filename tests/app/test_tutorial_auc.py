"""What ROC AUC means, through AppTest: the separation control moves the AUC, and the win rate
of random (positive, negative) pairs, ties counted half, converges to it."""

import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from metrics_app.tutorial import roc_pr
from tests.app.test_tutorial import SECTIONS, dec, rerun, tutorial


def _card(at, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, (label, values)
    return values[0]


@pytest.mark.parametrize("shift", roc_pr.SEPARATIONS)
def test_separation_sets_match_sklearn_and_pairs_converge(shift: float) -> None:
    s = roc_pr.separation_set(shift)
    auc = roc_auc_score(s.y, s.scores)
    assert s.roc_auc == pytest.approx(auc)
    d = roc_pr.draw_pairs(s, 4_000)
    # The pairs' outcome is 0, 1/2 or 1 with mean AUC: within 4 standard errors.
    assert abs(d.win_rate - auc) <= 4 * math.sqrt(auc * (1 - auc) / d.n) + 1e-12
    # The same pairs by hand, ties counted half.
    pos, neg = s.scores[s.y], s.scores[~s.y]
    idx = np.random.default_rng(99).integers(0, [pos.size, neg.size], size=(4_000, 2))
    p, q = pos[idx[:, 0]], neg[idx[:, 1]]
    assert d.win_rate == pytest.approx(np.mean((p > q) + 0.5 * (p == q)))


def test_separation_moves_the_auc_up_and_ties_exist() -> None:
    aucs = [roc_pr.separation_set(s).roc_auc for s in roc_pr.SEPARATIONS]
    assert aucs == sorted(aucs)
    assert aucs[0] == pytest.approx(0.5, abs=0.06)
    assert aucs[-1] > 0.99
    assert roc_pr.draw_pairs(roc_pr.separation_set(1.5), 2_000).ties > 0  # rounded scores tie


def test_more_pairs_extend_the_pairs_drawn() -> None:
    s = roc_pr.separation_set(1.0)
    few, more = roc_pr.draw_pairs(s, 100), roc_pr.draw_pairs(s, 300)
    assert more.running["win_rate"].iloc[99] == pytest.approx(few.win_rate)


def test_gallery_shapes() -> None:
    g = roc_pr.gallery()
    assert list(g) == ["perfect", "good", "random", "inverted"]
    aucs = {k: float(v["data"].iloc[0].rsplit(" ", 1)[1]) for k, v in g.items()}
    assert aucs["perfect"] == 1.0
    assert abs(aucs["random"] - 0.5) < 0.06
    assert aucs["inverted"] < 0.5 < aucs["good"] < 1


def test_pr_chance_line_is_the_prevalence() -> None:
    sets = {"a": roc_pr.imbalanced_set(0.5), "b": roc_pr.imbalanced_set(0.01)}
    c = roc_pr.compare(sets, 0.5).chance.set_index("data")["precision"]
    for label, s in sets.items():
        assert c[label] == s.y.mean()


def test_drawing_pairs_on_the_page() -> None:
    at = tutorial(SECTIONS[5])
    assert not [m for m in at.metric if m.label == "Win rate, ties half"]
    at.select_slider(key="auc_separation").set_value(1.0)
    rerun(at)
    s = roc_pr.separation_set(1.0)
    auc = roc_auc_score(s.y, s.scores)
    for _ in range(10):
        at.button(key="auc_draw").click()
        rerun(at)
    assert _card(at, "Pairs drawn") == "1,000"
    assert _card(at, "ROC AUC") == dec(auc)
    rate = float(_card(at, "Win rate, ties half"))
    assert rate == pytest.approx(roc_pr.draw_pairs(s, 1_000).win_rate, abs=5e-4)
    assert abs(rate - auc) <= 3 * math.sqrt(auc * (1 - auc) / 1_000)
    at.button(key="auc_reset").click()
    rerun(at)
    assert not [m for m in at.metric if m.label == "Pairs drawn"]
