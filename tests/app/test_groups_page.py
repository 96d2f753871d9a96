"""The Groups page driven through AppTest, on an uploaded table with a ``region`` column.

Every number is recomputed with scikit-learn on each group's own rows, and the
per-group thresholds of a rule by trying every candidate.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk
from streamlit.testing.v1 import AppTest

from tests.app.uploaded import open_page


def _table() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 2000
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.4, 0.3, 0.2, 0.1])
    y = rng.random(n) < np.where(region == "north", 0.35, 0.15)
    score = 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1.2, n) + (region == "west"))))
    frame = pd.DataFrame(
        {
            "label": y.astype(int),
            "score": score.round(4),
            "region": region.astype(object),
            "device": rng.choice(["phone", "desktop"], n),
            "site": "main",
        }
    )
    frame.loc[:9, "region"] = None  # ten rows with no region: their own group
    # A tiny group holding negatives only.
    frame.loc[10:14, "region"] = "island"
    frame.loc[10:14, "label"] = 0
    return frame


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return _table()


def _open(table: pd.DataFrame, **state: object) -> AppTest:
    return open_page(table, "pages/groups.py", "regions.csv", **state)


def _frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.table]


def _pct(x: float) -> str:
    return "undefined" if math.isnan(x) else f"{x:.1%}"


def _rows(table: pd.DataFrame, group: str) -> tuple[np.ndarray, np.ndarray]:
    region = table["region"].fillna("(missing)")
    rows = region == group
    return (table["label"][rows] == 1).to_numpy(), table["score"][rows].to_numpy()


def test_per_group_table_equals_scikit_learn_on_each_subset(table) -> None:
    at = _open(table)
    per_group = _frames(at)[0].set_index("Group")
    assert sorted(per_group.index) == sorted(table["region"].fillna("(missing)").unique())
    for group, row in per_group.iterrows():
        y, s = _rows(table, group)
        pred = s >= 0.5
        assert row["Rows"] == f"{len(y):,}"
        assert row["Prevalence"] == _pct(y.mean())
        expected = {
            "Precision": _pct(sk.precision_score(y, pred, zero_division=np.nan)),
            "Recall": _pct(sk.recall_score(y, pred, zero_division=np.nan)),
            "Flag rate": _pct(pred.mean()),
        }
        tn, fp, _, _ = sk.confusion_matrix(y, pred, labels=[False, True]).ravel()
        expected["FPR"] = _pct(fp / (fp + tn)) if fp + tn else "undefined"
        for column, value in expected.items():
            # The interval follows the value in brackets.
            assert row[column].split(" (")[0] == value, (group, column, row[column], value)
        f1 = sk.f1_score(y, pred, zero_division=np.nan)
        assert row["F1"].split(" (")[0] == ("undefined" if math.isnan(f1) else f"{f1:.3f}")


def test_gaps_compare_groups_of_thirty_rows_and_name_the_worst_pair(table) -> None:
    at = _open(table)
    gaps = _frames(at)[1].set_index("Gap")
    big = ["north", "south", "east", "west"]  # "(missing)" and "island" are below 30 rows
    recall = {g: sk.recall_score(*(lambda y, s: (y, s >= 0.5))(*_rows(table, g))) for g in big}
    lo, hi = min(recall, key=recall.get), max(recall, key=recall.get)
    row = gaps.loc["Recall difference (equal opportunity)"]
    assert row["Value"] == _pct(recall[hi] - recall[lo])
    assert row["Lowest group"].startswith(lo)
    assert row["Highest group"].startswith(hi)
    flag = {g: (_rows(table, g)[1] >= 0.5).mean() for g in big}
    ratio = min(flag.values()) / max(flag.values())
    row = gaps.loc["Flag-rate ratio (four-fifths rule)"]
    assert row["Value"] == f"{ratio:.2f}"
    assert ("passes" if ratio >= 0.8 else "fails") in row["Reading"]
    notices = " ".join(i.value for i in at.info)
    assert "fewer than 30 rows" in notices
    assert "island" in notices
    assert "no positives in island" in notices


def test_equal_recall_rule_matches_brute_force(table) -> None:
    at = _open(table, group_rule="equal_recall")
    y_all = (table["label"] == 1).to_numpy()
    target = (table["score"].to_numpy()[y_all] >= 0.5).mean()
    rule = _frames(at)[2].set_index("Group")
    for group in ["north", "south", "east", "west"]:
        y, s = _rows(table, group)
        cands = sorted(set(s.tolist()), reverse=True)
        cands = [float(np.nextafter(cands[0], np.inf)), *cands]
        dist = [abs((s[y] >= c).mean() - target) for c in cands]
        best = cands[int(np.argmin(dist))]
        assert float(rule.loc[group, "Threshold"]) == pytest.approx(best, rel=1e-6)
        assert rule.loc[group, "Recall"] == _pct((s[y] >= best).mean())
    summary = _frames(at)[4].set_index("Thresholds")
    assert list(summary.index) == ["One threshold for all", "Equal recall"]


def test_cheapest_rule_net_cost_against_one_threshold(table) -> None:
    at = _open(table, group_rule="cheapest", group_cost_fp=1.0, group_cost_fn=5.0)
    summary = _frames(at)[4].set_index("Thresholds")
    y, s = (table["label"] == 1).to_numpy(), table["score"].to_numpy()
    one = 1.0 * np.sum(~y & (s >= 0.5)) + 5.0 * np.sum(y & (s < 0.5))
    assert summary.loc["One threshold for all", "Net cost"] == f"{one:,.2f}"
    region = table["region"].fillna("(missing)").to_numpy()
    total = 0.0
    for group in np.unique(region):
        rows = region == group
        yy, ss = y[rows], s[rows]
        cands = sorted(set(ss.tolist()), reverse=True)
        cands = [float(np.nextafter(cands[0], np.inf)), *cands]
        total += min(1.0 * np.sum(~yy & (ss >= c)) + 5.0 * np.sum(yy & (ss < c)) for c in cands)
    assert summary.loc["Each group's cheapest", "Net cost"] == f"{total:,.2f}"
    sentence = next(m.value for m in at.markdown if "than one threshold" in m.value)
    assert f"{abs(one - total):,.2f}".replace(".", "\\.") in sentence


def test_two_columns_make_every_combination(table) -> None:
    at = _open(table, group_columns=["region", "device"])
    groups = set(_frames(at)[0]["Group"])
    expected = {
        f"{r} · {d}"
        for r, d in zip(table["region"].fillna("(missing)"), table["device"], strict=True)
    }
    assert groups == expected


def test_a_column_with_one_group_says_so(table) -> None:
    at = _open(table, group_columns=["site"])
    assert any("nothing to compare" in w.value for w in at.warning)
    assert not at.table


def test_a_table_without_group_columns_says_what_to_add() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"label": rng.integers(0, 2, 100), "score": rng.random(100)})
    at = _open(frame)
    assert any("no column to group by" in i.value for i in at.info)
