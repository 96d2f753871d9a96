"""The Compare page driven through AppTest, on an uploaded table with two score columns.

AUCs and AP come from scikit-learn, DeLong's variance from the full pairwise
matrix, McNemar's counts from a direct count and its p-value from scipy.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from tests.app.uploaded import open_page


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 600
    y = rng.random(n) < 0.3
    a = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1.0, n))))
    b = 1 / (1 + np.exp(-(1.6 * y - 0.8 + rng.normal(0, 1.0, n))))
    region = rng.choice(["north", "south"], n)
    return pd.DataFrame(
        {"label": y.astype(int), "model_a": a.round(3), "model_b": b.round(3), "region": region}
    )


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return _table()


def _open(table: pd.DataFrame, **state: object) -> AppTest:
    return open_page(table, "pages/compare.py", "models.csv", **state)


def _cards(at: AppTest) -> list[tuple[str, str, str]]:
    return [(m.label, m.value, m.proto.delta) for m in at.metric]


def _best_f1_threshold(y: np.ndarray, s: np.ndarray) -> float:
    p, r, t = sk.precision_recall_curve(y, s)
    with np.errstate(invalid="ignore"):
        f1 = 2 * p[:-1] * r[:-1] / (p[:-1] + r[:-1])
    return float(t[np.nanargmax(f1)])


def test_auc_difference_and_delong_p_value(table) -> None:
    at = _open(table)
    y = table["label"].to_numpy() == 1
    a, b = table["model_a"].to_numpy(), table["model_b"].to_numpy()
    cards = _cards(at)
    assert cards[0][1] == f"{sk.roc_auc_score(y, a):.3f}"
    assert cards[1][1] == f"{sk.roc_auc_score(y, b):.3f}"
    # DeLong from the full matrix of (positive, negative) pairs.
    v10, v01 = [], []
    for s in (a, b):
        psi = (s[y][:, None] > s[~y][None, :]) + 0.5 * (s[y][:, None] == s[~y][None, :])
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
    cov = np.cov(v10) / y.sum() + np.cov(v01) / (~y).sum()
    diff = sk.roc_auc_score(y, b) - sk.roc_auc_score(y, a)
    se = math.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    p = 2 * stats.norm.sf(abs(diff / se))
    assert cards[2][1] == f"{round(diff, 3) + 0.0:.3f}"
    assert cards[2][2] == f"95% interval {diff - 1.959964 * se:.3f} to {diff + 1.959964 * se:.3f}"
    assert cards[3][1] == ("< 0.0001" if p < 1e-4 else f"{p:.2g}")


def test_average_precision_of_each_model(table) -> None:
    at = _open(table)
    y = table["label"].to_numpy() == 1
    cards = _cards(at)
    assert cards[4][1] == f"{sk.average_precision_score(y, table['model_a']):.3f}"
    assert cards[5][1] == f"{sk.average_precision_score(y, table['model_b']):.3f}"
    low, high = (float(x) for x in cards[6][2].removeprefix("95% interval ").split(" to "))
    assert low <= float(cards[6][1]) <= high


def test_mcnemar_at_each_models_best_f1_threshold(table) -> None:
    at = _open(table)
    y = table["label"].to_numpy() == 1
    a, b = table["model_a"].to_numpy(), table["model_b"].to_numpy()
    ta, tb = _best_f1_threshold(y, a), _best_f1_threshold(y, b)
    numbers = [n for n in at.number_input if n.key.startswith("compare_t_")]
    assert [n.value for n in numbers] == pytest.approx([ta, tb])
    right_a, right_b = (a >= ta) == y, (b >= tb) == y
    only_a, only_b = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
    cards = dict((label, value) for label, value, _ in _cards(at))
    assert cards["Only model\\_a right"] == f"{only_a:,}"
    assert cards["Only model\\_b right"] == f"{only_b:,}"
    assert cards["Both right"] == f"{int(np.sum(right_a & right_b)):,}"
    chi2 = (abs(only_a - only_b) - 1) ** 2 / (only_a + only_b)
    p = stats.chi2.sf(chi2, 1)
    assert cards["p-value (McNemar)"] == ("< 0.0001" if p < 1e-4 else f"{p:.2g}")
    # The download holds exactly the rows the two predictions differ on.
    button = at.get("download_button")[0]
    assert f"{int(np.sum((a >= ta) != (b >= tb))):,} rows" in button.proto.label


def test_edited_thresholds_give_the_exact_test_for_few_discordant_rows(table) -> None:
    at = _open(table)
    numbers = [n for n in at.number_input if n.key.startswith("compare_t_")]
    numbers[0].set_value(0.9).run()
    numbers = [n for n in at.number_input if n.key.startswith("compare_t_")]
    numbers[1].set_value(0.9).run()
    y = table["label"].to_numpy() == 1
    a, b = table["model_a"].to_numpy(), table["model_b"].to_numpy()
    right_a, right_b = (a >= 0.9) == y, (b >= 0.9) == y
    only_a, only_b = int(np.sum(right_a & ~right_b)), int(np.sum(~right_a & right_b))
    cards = {label: (value, note) for label, value, note in _cards(at)}
    d = only_a + only_b
    expected = stats.binomtest(min(only_a, only_b), d, 0.5).pvalue if d < 25 else None
    if expected is not None:
        assert cards["p-value (McNemar)"] == (f"{expected:.2g}", "exact binomial")
    assert cards["Only model\\_a right"][0] == f"{only_a:,}"


def test_rows_missing_in_one_model_are_left_out_of_both(table) -> None:
    frame = table.copy()
    frame.loc[:19, "model_b"] = np.nan
    at = _open(frame)
    assert any("20 rows" in i.value and "580 rows" in i.value for i in at.info)
    y = frame["label"].to_numpy()[20:] == 1
    assert _cards(at)[0][1] == f"{sk.roc_auc_score(y, frame['model_a'][20:]):.3f}"


def test_one_score_column_says_what_to_add() -> None:
    at = _open(_table()[["label", "model_a", "region"]])
    assert any("one score column only" in i.value for i in at.info)
    assert not at.metric


def test_an_unusable_second_column_says_why(table) -> None:
    frame = table.copy()
    frame["model_b"] = np.inf  # a numeric column without one finite score
    at = _open(frame)
    assert at.error
    assert "model\\_b" in at.error[0].value
    assert not at.metric


def test_the_download_holds_the_rows_classified_differently(table) -> None:
    from metrics_app.compare import model
    from metrics_app.data import prepare

    frame = table.copy()
    frame.loc[:4, "model_a"] = np.nan
    pa = prepare(frame, label="label", score="model_a", positive=1)
    pb = prepare(frame, label="label", score="model_b", positive=1)
    pair = model.pair_rows(pa, pb, "model_a", "model_b")
    _, differ = model.mcnemar_for(pair, 0.5, 0.4)
    rows = model.disagreements(frame, pair, differ, 0.5, 0.4)
    used = frame.iloc[5:]
    expected = used[(used["model_a"] >= 0.5) != (used["model_b"] >= 0.4)]
    pd.testing.assert_frame_equal(rows[list(frame.columns)], expected)
    assert (rows["flagged_by_model_a"] == (expected["model_a"] >= 0.5)).all()
    assert (rows["flagged_by_model_b"] != rows["flagged_by_model_a"]).all()


def test_a_large_table_computes_the_bootstrap_when_asked(table, monkeypatch) -> None:
    from metrics_app.compare import model

    monkeypatch.setattr(model, "BOOTSTRAP_AT_ONCE_ROWS", 100)
    at = _open(table)
    y = table["label"].to_numpy() == 1
    ap_a = sk.average_precision_score(y, table["model_a"])
    ap_b = sk.average_precision_score(y, table["model_b"])
    cards = _cards(at)
    assert cards[4][1] == f"{ap_a:.3f}"
    assert cards[6][1] == f"{round(ap_b - ap_a, 3) + 0.0:.3f}"
    assert cards[6][2] == "interval not computed yet"
    next(b for b in at.button if b.label.startswith("Compute the paired")).click().run()
    assert _cards(at)[6][2].startswith("95% interval ")
    assert not [b for b in at.button if b.label.startswith("Compute the paired")]
