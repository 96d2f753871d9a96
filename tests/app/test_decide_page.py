"""The operating-point page driven through AppTest, numbers checked by brute force and sklearn.

References are computed independently of metrics_core: confusion counts from
scikit-learn at every distinct score, DeLong from the pairwise matrix, base
rates from sklearn with class weights.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.data.demo import DEMOS, load_demo
from metrics_app.operating_point import card as cards
from metrics_app.operating_point import model as decision
from metrics_app.operating_point import state as ds
from metrics_app.shared import session

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/operating-point.py"


def _open(**state: object) -> AppTest:
    """The app on the operating-point page (fraud demo), after one run on the explorer."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _fraud() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = DEMOS["fraud"]
    frame = load_demo("fraud")
    return (
        (frame[d.label] == d.positive).to_numpy(),
        frame[d.scores[0]].to_numpy(),
        frame["amount"].to_numpy(),
    )


def _counts(y: np.ndarray, s: np.ndarray, t: float) -> tuple[int, int, int, int]:
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= t, labels=[False, True]).ravel()
    return int(tp), int(fp), int(fn), int(tn)


def _brute_cost(y, s, t, c_fp, c_fn, amount=None) -> float:
    _tp, fp, fn, _tn = _counts(y, s, t)
    missed = 0.0 if amount is None else float(amount[y & (s < t)].sum())
    return c_fp * fp + c_fn * fn + missed


def _brute_cheapest(y, s, c_fp, c_fn, amount=None) -> tuple[float, float]:
    """(threshold, cost) over every distinct score and flag-nothing; ties to the highest."""
    candidates = np.r_[np.nextafter(s.max(), np.inf), np.unique(s)[::-1]]
    # Counts at every candidate from one sort, checked against sklearn at the winner below.
    order = np.argsort(-s, kind="stable")
    costs = []
    for t in candidates[:1]:
        costs.append(_brute_cost(y, s, t, c_fp, c_fn, amount))
    ss, yy = s[order], y[order]
    tp = np.cumsum(yy)
    fp = np.cumsum(~yy)
    last = np.r_[np.flatnonzero(ss[1:] != ss[:-1]), len(ss) - 1]
    tp, fp = tp[last], fp[last]
    fn = y.sum() - tp
    missed = 0.0
    if amount is not None:
        pos_amount = np.cumsum(np.where(yy, amount[order], 0.0))[last]
        missed = amount[y].sum() - pos_amount
    costs.extend(c_fp * fp + c_fn * fn + missed)
    costs = np.asarray(costs)
    i = int(np.flatnonzero(costs <= costs.min() + 1e-9 * max(1.0, abs(costs).max()))[0])
    return float(candidates[i]), float(costs[i])


# --- costs ------------------------------------------------------------------------------


def test_cost_of_the_current_and_cheapest_thresholds_match_brute_force() -> None:
    y, s, _ = _fraud()
    at = _open()
    m = _metrics(at)
    assert m["Net cost at the current threshold"] == f"{_brute_cost(y, s, 0.5, 1, 10):,.2f}"
    t_best, c_best = _brute_cheapest(y, s, 1, 10)
    assert m["Cheapest threshold"] == f"{t_best:.6g}"
    assert m["Net cost there"] == f"{c_best:,.2f}"
    assert _brute_cost(y, s, t_best, 1, 10) == pytest.approx(c_best)
    breakdown = _frame(at, "net cost")
    assert breakdown["net cost"].tolist()[:2] == pytest.approx(
        [_brute_cost(y, s, 0.5, 1, 10), c_best]
    )
    assert any("Why it is cheapest" in md.value for md in at.markdown)


def test_changing_a_cost_moves_the_cheapest_threshold_and_the_chart() -> None:
    y, s, _ = _fraud()
    at = _open()
    before = _metrics(at)["Cheapest threshold"]
    chart_before = at.get("vega_lite_chart")[0].proto.spec
    at.number_input(key="cost_fn").set_value(200.0)
    _run(at)
    t_best, c_best = _brute_cheapest(y, s, 1, 200)
    m = _metrics(at)
    assert m["Cheapest threshold"] == f"{t_best:.6g}" != before
    assert m["Net cost there"] == f"{c_best:,.2f}"
    assert at.get("vega_lite_chart")[0].proto.spec != chart_before
    at.number_input(key="cost_fp").set_value(50.0)
    _run(at)
    t_best, _ = _brute_cheapest(y, s, 50, 200)
    assert _metrics(at)["Cheapest threshold"] == f"{t_best:.6g}"


def test_gains_lower_the_net_cost() -> None:
    y, s, _ = _fraud()
    at = _open()
    at.number_input(key="gain_tp").set_value(3.0)
    _run(at)
    tp, fp, fn, _tn = _counts(y, s, 0.5)
    expected = fp * 1 + fn * 10 - 3 * tp
    assert _metrics(at)["Net cost at the current threshold"] == f"{expected:,.2f}"
    assert "gains (TP, TN)" in _frame(at, "net cost").columns


def test_amount_column_adds_the_missed_amounts() -> None:
    y, s, amount = _fraud()
    at = _open()
    at.selectbox(key="amount_col").set_value("amount")
    _run(at)
    m = _metrics(at)
    assert m["Net cost at the current threshold"] == f"{_brute_cost(y, s, 0.5, 1, 10, amount):,.2f}"
    t_best, c_best = _brute_cheapest(y, s, 1, 10, amount)
    assert m["Cheapest threshold"] == f"{t_best:.6g}"
    assert m["Net cost there"] == f"{c_best:,.2f}"
    assert "amount lost on misses" in _frame(at, "net cost").columns


def test_cost_changes_after_the_amount_column_match_brute_force() -> None:
    """Later costs reprice the first curve's arrays; each still matches brute force."""
    y, s, amount = _fraud()
    at = _open()
    at.selectbox(key="amount_col").set_value("amount")
    _run(at)
    for c_fp, c_fn in ((1, 40), (7, 40), (3, 2)):
        at.number_input(key="cost_fp").set_value(float(c_fp))
        at.number_input(key="cost_fn").set_value(float(c_fn))
        _run(at)
        m = _metrics(at)
        here = _brute_cost(y, s, 0.5, c_fp, c_fn, amount)
        assert m["Net cost at the current threshold"] == f"{here:,.2f}"
        t_best, c_best = _brute_cheapest(y, s, c_fp, c_fn, amount)
        assert m["Cheapest threshold"] == f"{t_best:.6g}"
        assert m["Net cost there"] == f"{c_best:,.2f}"


def test_constraints_through_the_search_equal_the_plain_functions() -> None:
    """The page's binary searches give the answers (and messages) of metrics_core's finders."""
    from metrics_app.shared.analysis import analyse

    d = DEMOS["fraud"]
    frame = load_demo("fraud")
    an = analyse(frame, key="c", label=d.label, score=d.scores[0], positive=d.positive)
    for level in (0.0, 0.05, 0.3, 0.5, 0.9, 0.999, 1.0):
        for capacity in (0.0, 10.0, 500.0, 1e9):
            levels = decision.ConstraintLevels(level, level, level, capacity)
            plain = decision.constraint_results(
                an.sweep,
                min_precision=level,
                min_recall=level,
                max_fpr=level,
                capacity=capacity,
            )
            assert ds.constraints_for(an, levels) == plain


def test_use_the_cheapest_threshold_sets_it_for_every_page() -> None:
    y, s, _ = _fraud()
    at = _open()
    t_best, _ = _brute_cheapest(y, s, 1, 10)
    at.button(key="use_cheapest").click()
    _run(at)
    assert at.session_state[session.CURRENT] == t_best
    assert _metrics(at)["Threshold A (current)"] == f"{t_best:.6g}"
    at.switch_page("pages/explore.py")
    _run(at)
    precision = next(m.value for m in at.metric if m.label == "Precision")
    tp, fp, _, _ = _counts(y, s, t_best)
    assert precision == f"{tp / (tp + fp):.1%}"


# --- constraints ------------------------------------------------------------------------


def test_constraints_match_brute_force_and_their_buttons_set_the_threshold() -> None:
    at = _open()
    at.number_input(key="min_precision").set_value(50.0)
    at.number_input(key="min_recall").set_value(60.0)
    at.number_input(key="max_fpr").set_value(2.0)
    at.number_input(key="capacity_rows").set_value(500.0)
    _run(at)
    y, s, _ = _fraud()
    # sklearn at each of ~100k distinct thresholds would take minutes: count with a plain
    # argsort and cumsum instead, and confirm each winner with sklearn.
    texts = [md.value for md in at.markdown if "→ threshold" in md.value]
    assert len(texts) == 4
    got = [float(t.split("threshold **")[1].split("**")[0]) for t in texts]
    order = np.argsort(-s, kind="stable")
    ys, ss = y[order], s[order]
    last = np.r_[np.flatnonzero(ss[1:] != ss[:-1]), len(ss) - 1]
    tp = np.cumsum(ys)[last].astype(float)
    fp = np.cumsum(~ys)[last].astype(float)
    th = ss[last]
    P, N = y.sum(), (~y).sum()
    prec, rec, fpr = tp / (tp + fp), tp / P, fp / N
    expected = []
    for ok, goal in (
        (prec >= 0.5, rec),
        (rec >= 0.6, prec),
        (fpr <= 0.02, rec),
        (tp + fp <= 500, tp + fp),
    ):
        masked = np.where(ok, goal, -np.inf)
        expected.append(float(th[int(np.argmax(masked))]))
    assert got == [float(f"{e:.6g}") for e in expected]
    for t in expected:
        assert t in s
    # The precision winner really has precision >= 50% per sklearn.
    assert skm.precision_score(y, s >= expected[0]) >= 0.5
    assert skm.recall_score(y, s >= expected[1]) >= 0.6
    # "Use it" makes the constraint's threshold the current one.
    at.button(key="use_constraint_3").click()
    _run(at)
    assert at.session_state[session.CURRENT] == expected[3]


def test_an_impossible_constraint_says_so() -> None:
    at = _open()
    at.number_input(key="capacity_rows").set_value(0.0)
    at.number_input(key="max_fpr").set_value(0.0)
    _run(at)
    texts = [md.value for md in at.markdown if "no threshold meets it" in md.value]
    assert len(texts) >= 1
    captions = " ".join(c.value for c in at.caption)
    assert "no threshold flags so few" in captions


def test_capacity_as_a_share_of_rows() -> None:
    y, s, _ = _fraud()
    at = _open()
    at.radio(key="capacity_mode").set_value("percent of rows")
    _run(at)
    at.number_input(key="capacity_pct").set_value(2.0)
    _run(at)
    k = math.floor(0.02 * len(y))
    text = next(md.value for md in at.markdown if "flag at most" in md.value)
    assert f"flag at most {k:,}" in text.replace("\\", "")
    t = float(text.split("threshold **")[1].split("**")[0])
    assert (s >= t).sum() <= k


# --- base rate --------------------------------------------------------------------------


def test_deployment_base_rate_reweights_precision_like_sklearn() -> None:
    y, s, _ = _fraud()
    at = _open()
    at.toggle(key="deploy_on").set_value(True)
    _run(at)
    at.number_input(key="deploy_prev").set_value(10.0)
    _run(at)
    table = next(
        df.value
        for df in at.dataframe
        if "metric" in df.value.columns
        and any(c.startswith("deployment") for c in df.value.columns)
    )
    dep = next(c for c in table.columns if c.startswith("deployment"))
    w = np.where(y, 0.10 / y.sum(), 0.90 / (~y).sum())
    pred = s >= 0.5
    row = table.set_index("metric")[dep]
    assert row["Precision"] == pytest.approx(
        skm.precision_score(y, pred, sample_weight=w), rel=1e-9
    )
    assert row["Accuracy"] == pytest.approx(skm.accuracy_score(y, pred, sample_weight=w), rel=1e-9)
    assert row["F1"] == pytest.approx(skm.f1_score(y, pred, sample_weight=w), rel=1e-9)
    assert row["Recall"] == pytest.approx(skm.recall_score(y, pred), rel=1e-12)
    assert len(at.get("vega_lite_chart")) == 2  # cost chart and the PR chart
    assert any("Assumption" in c.value for c in at.caption)


# --- uncertainty ------------------------------------------------------------------------


def test_intervals_match_delong_and_contain_the_values() -> None:
    y, s, _ = _fraud()
    at = _open()
    m = _metrics(at)
    auc = skm.roc_auc_score(y, s)
    assert m["ROC AUC"] == f"{auc:.4f}"
    assert m["Average precision"] == f"{skm.average_precision_score(y, s):.4f}"
    # DeLong through the Mann-Whitney placements, from ranks (an independent route).
    pos, neg = s[y], s[~y]
    ranks = pd.Series(np.r_[pos, neg]).rank().to_numpy()
    v10 = (pd.Series(pos).rank().to_numpy() * -1 + ranks[: len(pos)]) / len(neg)
    neg_ranks = pd.Series(neg).rank().to_numpy()
    v01 = 1 - (ranks[len(pos) :] - neg_ranks) / len(pos)
    se = math.sqrt(v10.var(ddof=1) / len(pos) + v01.var(ddof=1) / len(neg))
    z = NormalDist().inv_cdf(0.975)
    delta = next(mm for mm in at.metric if mm.label == "ROC AUC").proto.delta
    assert delta == f"95% CI {auc - z * se:.4f} – {auc + z * se:.4f}"
    table = _frame(at, "low")
    assert (table["low"] <= table["value"]).all()
    assert (table["value"] <= table["high"]).all()
    p = table.set_index("metric").loc["Precision"]
    assert p["value"] == pytest.approx(skm.precision_score(y, s >= 0.5), rel=1e-12)


def test_the_confidence_level_widens_the_intervals() -> None:
    at = _open()
    narrow = _frame(at, "low").set_index("metric")
    at.radio(key="ci_level").set_value(99)
    _run(at)
    wide = _frame(at, "low").set_index("metric")
    assert (wide["high"] - wide["low"]).loc["Recall"] > (narrow["high"] - narrow["low"]).loc[
        "Recall"
    ]


# --- two thresholds ---------------------------------------------------------------------


def test_comparing_two_thresholds_counts_the_rows_that_move() -> None:
    y, s, _ = _fraud()
    at = _open()
    at.number_input(key="threshold_b").set_value(0.2)
    _run(at)
    moves = _frame(at, "to (at B)")
    between = (s >= 0.2) & (s < 0.5)
    expected = {
        ("missed (FN)", "caught (TP)"): int((between & y).sum()),
        ("cleared (TN)", "false alarm (FP)"): int((between & ~y).sum()),
    }
    got = {(r["from (at A)"], r["to (at B)"]): r["rows"] for _, r in moves.iterrows()}
    assert got == expected
    labels = [b.label for b in at.get("download_button")]
    assert any(f"{int(between.sum()):,}" in lb for lb in labels)


def test_changed_rows_csv_holds_exactly_the_rows_between_and_is_spreadsheet_safe() -> None:
    frame = pd.DataFrame(
        {
            "label": [1, 0, 1, 0, 0],
            "score": [0.9, 0.6, 0.4, 0.3, np.nan],
            "note": ["=HYPERLINK(1)", "+1", "@x", "-2", "ok"],
            "=cmd": [-1.5, 2.0, 3.0, 4.0, 5.0],
        }
    )
    from metrics_app.shared.analysis import analyse

    an = analyse(frame, key="t", label="label", score="score", positive=1)
    out = pd.read_csv(
        __import__("io").BytesIO(decision.changed_rows_csv(frame, an, 0.7, 0.35)),
        keep_default_na=False,
    )
    assert out["score"].tolist() == [0.6, 0.4]
    assert out["note"].tolist() == ["'+1", "'@x"]
    assert out["'=cmd"].tolist() == [2.0, 3.0]  # numbers stay numbers
    assert out["cell at A"].tolist() == ["TN", "FN"]
    assert out["cell at B"].tolist() == ["FP", "TP"]


# --- cards ------------------------------------------------------------------------------


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every in-memory media store AppTest makes, to read what a download button serves."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores: list = []
    original = MemoryMediaFileStorage.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        stores.append(self)

    monkeypatch.setattr(MemoryMediaFileStorage, "__init__", init)
    return stores


def _card_bytes(at: AppTest, media: list) -> bytes:
    button = next(b for b in at.get("download_button") if "card" in b.proto.label)
    file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
    return media[-1].get_file(file_id).content


def test_card_records_the_operating_point(media) -> None:
    y, s, _ = _fraud()
    at = _open()
    at.number_input(key="cost_fn").set_value(25.0)
    at.number_input(key="threshold_exact").set_value(0.3)
    _run(at)
    card = json.loads(_card_bytes(at, media))
    assert card["kind"] == cards.CARD_KIND
    assert card["rule"] == "predicted positive when score >= threshold"
    assert card["threshold"] == 0.3
    assert card["columns"] == {
        "label": "is_fraud",
        "score": DEMOS["fraud"].scores[0],
        "positive_label": card["columns"]["positive_label"],
        "weight": None,
        "negated": False,
    }
    assert card["data"]["fingerprint"] == at.session_state[session.SOURCE].fingerprint
    tp, fp, fn, tn = _counts(y, s, 0.3)
    assert card["counts"] == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    assert card["metrics"]["precision"]["value"] == pytest.approx(tp / (tp + fp), rel=1e-12)
    assert card["metrics"]["precision"]["low"] < card["metrics"]["precision"]["value"]
    assert card["ranking"]["roc_auc"]["value"] == pytest.approx(skm.roc_auc_score(y, s))
    assert card["settings"]["cost_fn"] == 25.0
    rules = {c["rule"]: c["threshold"] for c in card["constraints"]}
    assert len(rules) == 4
    assert rules["precision ≥ 90.00%"] is None or rules["precision ≥ 90.00%"] in s
    assert card["cost"]["net_cost_at_threshold"] == pytest.approx(_brute_cost(y, s, 0.3, 1, 25))


def test_uploading_a_card_restores_the_view_in_a_new_session(media) -> None:
    at = _open()
    at.number_input(key="cost_fp").set_value(3.0)
    at.number_input(key="min_precision").set_value(40.0)
    at.toggle(key="deploy_on").set_value(True)
    at.number_input(key="threshold_exact").set_value(0.25)
    _run(at)
    data = _card_bytes(at, media)
    fresh = _open()
    assert fresh.session_state[session.CURRENT] == 0.5
    fresh.file_uploader(key=ds.CARD_UPLOAD).set_value(("card.json", data, "application/json"))
    _run(fresh)
    assert fresh.session_state[session.CURRENT] == 0.25
    assert fresh.number_input(key="cost_fp").value == 3.0
    assert fresh.number_input(key="min_precision").value == 40.0
    assert fresh.toggle(key="deploy_on").value is True
    assert any("Restored the operating point" in x.value for x in fresh.success)
    assert _metrics(fresh)["Threshold A (current)"] == "0.25"


def test_a_card_can_switch_the_score_column(media) -> None:
    at = _open()
    at.selectbox(key="score::demo:fraud").set_value("model_v2_score")
    _run(at)
    at.number_input(key="threshold_exact").set_value(0.4)
    _run(at)
    data = _card_bytes(at, media)
    assert json.loads(data)["columns"]["score"] == "model_v2_score"
    fresh = _open()
    fresh.file_uploader(key=ds.CARD_UPLOAD).set_value(("card.json", data, "application/json"))
    _run(fresh)
    _run(fresh)
    assert fresh.session_state[session.SELECTION].score == "model_v2_score"
    assert fresh.session_state[session.CURRENT] == 0.4


def test_a_card_of_negated_scores_restores_the_negation(media) -> None:
    at = _open()
    at.checkbox(key="negate::demo:fraud::model_score").check()
    _run(at)
    at.number_input(key="threshold_exact").set_value(-0.4)
    _run(at)
    data = _card_bytes(at, media)
    assert json.loads(data)["columns"]["negated"] is True
    fresh = _open()
    fresh.file_uploader(key=ds.CARD_UPLOAD).set_value(("card.json", data, "application/json"))
    _run(fresh)
    _run(fresh)
    assert fresh.session_state[session.SELECTION].negate is True
    assert fresh.session_state[session.CURRENT] == -0.4
    y, s, _ = _fraud()
    point = session.analysis_for(
        fresh.session_state[session.SOURCE], fresh.session_state[session.SELECTION]
    ).at(-0.4)
    assert point.tp == int(np.sum(y & (-s >= -0.4)))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c["data"].update(fingerprint="0" * 64), "made for other data"),
        (lambda c: c["settings"].update(cost_fp=-5), "must be a number from 0"),
        (lambda c: c["settings"].update(cost_fn=None), "must be a number from 0"),
        (lambda c: c["settings"].update(min_precision=150), "from 0 to 100"),
        (lambda c: c["columns"].update(score="nope"), "does not have"),
        (lambda c: c.update(threshold="high"), "incomplete or damaged"),
        (lambda c: c.update(kind="something else"), "not an operating-point card"),
    ],
    ids=["other-file", "negative-cost", "missing-cost", "bad-level", "column", "threshold", "kind"],
)
def test_a_bad_card_changes_nothing_and_says_why(media, edit, message) -> None:
    at = _open()
    card = json.loads(_card_bytes(at, media))
    edit(card)
    at.number_input(key="cost_fp").set_value(7.0)
    at.number_input(key="threshold_exact").set_value(0.6)
    _run(at)
    data = json.dumps(card).encode()
    at.file_uploader(key=ds.CARD_UPLOAD).set_value(("card.json", data, "application/json"))
    _run(at)
    assert any(message in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert at.session_state[session.CURRENT] == 0.6
    assert at.number_input(key="cost_fp").value == 7.0


def test_a_file_that_is_not_json_is_refused() -> None:
    at = _open()
    at.file_uploader(key=ds.CARD_UPLOAD).set_value(
        ("card.json", b"\x00\x01 not json", "application/json")
    )
    _run(at)
    assert any("not valid JSON" in e.value for e in at.error)
    assert at.session_state[session.CURRENT] == 0.5


# --- across pages -----------------------------------------------------------------------


def test_inputs_survive_a_visit_to_another_page() -> None:
    at = _open()
    at.number_input(key="cost_fn").set_value(42.0)
    at.radio(key="ci_level").set_value(90)
    _run(at)
    at.switch_page("pages/explore.py")
    _run(at)
    at.switch_page(PAGE)
    _run(at)
    assert at.number_input(key="cost_fn").value == 42.0
    assert at.radio(key="ci_level").value == 90


def test_user_text_is_shown_as_text(monkeypatch) -> None:
    from metrics_app.data.demo import Demo

    frame = pd.DataFrame(
        {
            "<b>label</b>": ["**yes**", "no"] * 50,
            "[x](javascript:alert(1))": np.linspace(0, 1, 100),
        }
    )
    spec = dict(
        title="t",
        summary="Test data.",
        weight=None,
        label="<b>label</b>",
        scores=("[x](javascript:alert(1))",),
        positive="**yes**",
    )
    monkeypatch.setitem(DEMOS, "markup", Demo(key="markup", build=lambda: frame.copy(), **spec))
    at = _open(demo="markup")
    assert not at.exception
    for md in [*at.markdown, *at.caption]:
        assert "<b>" not in md.value
        assert "](javascript" not in md.value


# --- page helpers -----------------------------------------------------------------------


def test_weighted_amounts_reach_the_cost_curve_like_a_loop_over_rows() -> None:
    """Each missed positive loses amount × weight; brute force over rows at every candidate."""
    from metrics_app.data import read_amounts
    from metrics_app.shared.analysis import analyse
    from metrics_core import Costs, cost_curve

    rng = np.random.default_rng(7)
    n = 60
    frame = pd.DataFrame(
        {
            "label": rng.integers(0, 2, n),
            "score": rng.integers(0, 12, n) / 10,  # ties
            "w": rng.integers(0, 4, n).astype(float),
            "amount": np.where(rng.random(n) < 0.2, np.nan, rng.uniform(0, 500, n)),
        }
    )
    frame.loc[0, ["label", "w"]] = [1, 2.0]
    frame.loc[1, ["label", "w"]] = [0, 1.0]
    an = analyse(frame, key="w", label="label", score="score", positive=1, weight="w")
    lost = decision.miss_amounts(an.prepared, *read_amounts(frame, an.prepared, "amount"))
    assert lost.n_missing == int(frame["amount"].isna().sum())
    assert (np.diff(lost.scores) >= 0).all()
    costs = Costs(fp=2, fn=3, tp=0.5)
    curve = cost_curve(an.sweep, costs, scores=lost.scores, amounts=lost.amounts)
    y, s, w = (frame["label"] == 1).to_numpy(), frame["score"].to_numpy(), frame["w"].to_numpy()
    a = frame["amount"].fillna(0).to_numpy()
    for t, got in zip(curve.thresholds, curve.cost, strict=True):
        _tn, fp, fn, tp = skm.confusion_matrix(
            y, s >= t, labels=[False, True], sample_weight=w
        ).ravel()
        missed = sum(ai * wi for yi, si, ai, wi in zip(y, s, a, w, strict=True) if yi and si < t)
        assert got == pytest.approx(2 * fp + 3 * fn + missed - 0.5 * tp, rel=1e-12, abs=1e-9)


def test_first_values_come_from_the_file() -> None:
    """Capacity: 1% of the rows (at least 1); deployment base rate: the file's, in %."""
    from metrics_app.shared.analysis import analyse

    frame = pd.DataFrame({"label": [1] + [0] * 49, "score": np.linspace(0, 1, 50)})
    an = analyse(frame, key="f", label="label", score="score", positive=1)
    assert decision.first_values(an) == {"capacity_rows": 1.0, "deploy_prev": 2.0}
    assert decision.positive_share(an.sweep) == 0.02


# --- chart builders ---------------------------------------------------------------------


def test_cost_chart_marks_both_points_and_cuts_the_axis_above_the_useful_region() -> None:
    from metrics_app.operating_point import charts as decision_charts

    frame = pd.DataFrame(
        {"threshold": [0.95, 0.8, 0.5, 0.2, 0.0], "cost": [100.0, 60.0, 40.0, 90.0, 5000.0]}
    )
    spec = decision_charts.cost_chart(
        frame, 0.6, current_cost=60.0, best_threshold=0.5, best_cost=40.0
    ).to_dict()
    top = spec["layer"][0]["encoding"]["y"]["scale"]["domain"][1]
    assert top == decision_charts.cost_axis_top(frame, 60.0)
    assert 100.0 < top < 5000.0
    (marks,) = [layer for layer in spec["layer"] if "which" in str(layer.get("encoding"))]
    rows = spec["datasets"][marks["data"]["name"]]
    points = {row["which"]: (row["threshold"], row["cost"]) for row in rows}
    assert points == {"current threshold": (0.6, 60.0), "cheapest threshold": (0.5, 40.0)}


def test_pr_base_rate_chart_draws_one_curve_per_base_rate() -> None:
    from metrics_app.operating_point import charts as decision_charts
    from metrics_core import sweep

    sw = sweep([0, 1, 0, 1, 1, 0], [0.1, 0.9, 0.4, 0.6, 0.3, 0.2])
    labels = ("file", "deployment")
    curves = decision.pr_prevalence_frame(sw, 0.1, labels)
    assert set(curves["base rate"]) == set(labels)
    points = decision.base_rate_frame(sw.at(0.5), 0.1, labels)
    spec = decision_charts.pr_base_rate_chart(curves, points).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == list(labels)
    y = np.array([0, 1, 0, 1, 1, 0], bool)
    s = np.array([0.1, 0.9, 0.4, 0.6, 0.3, 0.2])
    w = np.where(y, 0.1 / 3, 0.9 / 3)
    dep = points.set_index("base rate").loc["deployment"]
    assert dep["precision"] == pytest.approx(skm.precision_score(y, s >= 0.5, sample_weight=w))
