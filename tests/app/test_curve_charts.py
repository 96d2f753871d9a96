"""Curves page building blocks: display frames (metrics_app.curves) and chart specs
(metrics_app.curve_charts, through ``to_dict()``), with scikit-learn as the oracle."""

from __future__ import annotations

import ast
import io
import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri
from sklearn import metrics as skm

from metrics_app.curves import charts as cc
from metrics_app.curves import model as curves
from metrics_app.curves import state as curves_state
from metrics_app.shared.analysis import analyse

ROOT = Path(__file__).resolve().parents[2]
ODD_NAME = "sc\"o're <b>**x**</b> {datum.x}"  # quotes, HTML, Markdown, a Vega-looking string


# --- helpers --------------------------------------------------------------------------------------


def _table(
    n: int = 3000, seed: int = 0, *, logits: bool = False, ties: bool = False
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.2
    z = np.where(y, rng.normal(1.2, 1.0, n), rng.normal(-0.5, 1.0, n))
    other = z + rng.normal(0, 1.5, n)
    s = z if logits else 1 / (1 + np.exp(-z))
    if ties:
        s = np.round(s, 2)
    return pd.DataFrame(
        {"label": np.where(y, "pos", "neg"), "score": s, ODD_NAME: 1 / (1 + np.exp(-other))}
    )


def _model(frame: pd.DataFrame, score: str = "score", key: str = "t") -> curves.Model:
    an = analyse(frame, key=f"{key}|{score}", label="label", score=score, positive="pos")
    return curves.Model(an, curves.build_curve_data(an))


@pytest.fixture(scope="module")
def model() -> curves.Model:
    return _model(_table())


@pytest.fixture(scope="module")
def other() -> curves.Model:
    return _model(_table(), ODD_NAME)


def _yscore(m: curves.Model) -> tuple[np.ndarray, np.ndarray]:
    return m.an.prepared.y, m.an.prepared.scores


def _units(spec: dict) -> list[dict]:
    """Every unit spec of a layered / concatenated Vega-Lite dict, depth first."""
    out = []
    for key in ("layer", "vconcat", "hconcat"):
        for sub in spec.get(key, []):
            out += _units(sub)
    if "mark" in spec:
        out.append(spec)
    return out


def _unit(spec: dict, name: str) -> dict:
    # Altair suffixes "_<i>" to named layers inside a concatenation.
    found = [u for u in _units(spec) if re.fullmatch(rf"{name}(_\d+)?", u.get("name", ""))]
    assert len(found) == 1, f"expected one layer named {name!r}"
    return found[0]


def _values(spec: dict, unit: dict) -> list[dict]:
    """The inline rows of a layer (Altair moves them to the top-level ``datasets``)."""
    data = unit["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def _mark(unit: dict) -> str:
    m = unit["mark"]
    return m if isinstance(m, str) else m["type"]


def _expressions(spec: object) -> list[str]:
    """Every Vega expression string in a spec (calculate, filter strings, labelExpr…)."""
    found: list[str] = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in ("calculate", "labelExpr", "expr") or (k == "filter" and isinstance(v, str)):
                found.append(v)
            else:
                found += _expressions(v)
    elif isinstance(spec, list):
        for v in spec:
            found += _expressions(v)
    return found


# --- display frames against scikit-learn ----------------------------------------------------------


def test_summaries_use_every_threshold(model: curves.Model) -> None:
    y, s = _yscore(model)
    cd = model.cd
    assert cd.roc_auc == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    assert cd.average_precision == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)
    fpr, tpr, thr = skm.roc_curve(y, s, drop_intermediate=False)
    assert cd.ks == pytest.approx(np.max(tpr - fpr), abs=1e-12)
    assert cd.ks_threshold == thr[np.argmax(tpr - fpr)]
    assert cd.prevalence == pytest.approx(y.mean())
    assert cd.n_thresholds == np.unique(s).size


def test_roc_frame_points_lie_on_sklearns_curve_and_include_the_operating_point(
    model: curves.Model,
) -> None:
    y, s = _yscore(model)
    t = float(np.quantile(s, 0.83)) + 1e-9  # between two scores
    frame = curves.roc_frame([model], t)
    assert list(frame.columns) == ["model", "step", "threshold", "fpr", "tpr"]
    assert frame["step"].tolist() == list(range(len(frame)))
    assert len(frame) <= curves.MAX_POINTS + 2
    assert frame.iloc[0][["fpr", "tpr"]].tolist() == [0.0, 0.0]
    assert math.isnan(frame.iloc[0]["threshold"])
    fpr, tpr, thr = skm.roc_curve(y, s, drop_intermediate=False)
    by_t = dict(zip(thr, zip(fpr, tpr, strict=True), strict=True))
    for row in frame.iloc[1:].itertuples():
        assert (row.fpr, row.tpr) == pytest.approx(by_t[row.threshold], abs=1e-12)
    point = model.an.at(t)
    hit = frame[(frame.fpr == point.fpr) & (frame.tpr == point.recall)]
    assert len(hit) == 1, "the line passes through the operating point"


def test_frames_are_decimated_on_big_data_but_keep_the_ends() -> None:
    m = _model(_table(60_000, seed=1), key="big")
    assert m.cd.n_thresholds > 50_000
    for build in (curves.roc_frame, curves.pr_frame, curves.gains_frame, curves.det_frame):
        frame = build([m], 0.5)
        assert len(frame) <= curves.MAX_POINTS + 2, build.__name__
    pr = curves.pr_frame([m])
    assert pr["threshold"].iloc[0] == m.an.sweep.thresholds[0]  # highest threshold
    assert pr["recall"].iloc[-1] == 1.0  # lowest threshold: everything flagged
    dist = curves.distribution_frame(m)
    assert len(dist) <= 2 * (curves.MAX_POINTS + 1)


def test_thinning_above_the_limit_keeps_the_head_and_the_end(monkeypatch) -> None:
    monkeypatch.setattr(curves, "_THIN_ABOVE", 5_000)
    monkeypatch.setattr(curves, "_HEAD", 500)
    m = _model(_table(20_000, seed=2), key="thin")
    n = m.cd.n_thresholds
    for name, idx in m.cd.indices.items():
        assert idx[0] == 0, name
        assert idx[-1] == n - 1, name
        assert np.all(np.diff(idx) > 0), name
    # Statistics still use every threshold.
    y, s = _yscore(m)
    assert m.cd.roc_auc == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)


def test_pr_gains_lift_and_det_frames_match_sklearn(model: curves.Model) -> None:
    y, s = _yscore(model)
    precision, recall, thr = skm.precision_recall_curve(y, s)
    by_t = {t: (p, r) for p, r, t in zip(precision, recall, thr, strict=False)}
    pr = curves.pr_frame([model], 0.5)
    for row in pr.itertuples():
        assert (row.precision, row.recall) == pytest.approx(by_t[row.threshold], abs=1e-12)
    gains = curves.gains_frame([model], 0.5)
    assert gains.iloc[0][["flagged", "captured"]].tolist() == [0.0, 0.0]
    for row in gains.iloc[1:].itertuples():
        flagged = s >= row.threshold
        assert row.flagged == pytest.approx(flagged.mean())
        assert row.captured == pytest.approx(skm.recall_score(y, flagged))
        assert row.lift == pytest.approx(skm.precision_score(y, flagged) / y.mean())
    det = curves.det_frame([model], 0.5)
    for row in det.itertuples():
        flagged = s >= row.threshold
        tn, fp, fn, tp = skm.confusion_matrix(y, flagged).ravel()
        assert row.fpr == pytest.approx(fp / (fp + tn))
        assert row.fnr == pytest.approx(fn / (fn + tp))
        floor = model.cd.det_floor
        assert row.x == pytest.approx(ndtri(min(max(row.fpr, floor), 1 - floor)))
    assert np.isfinite(det[["x", "y"]].to_numpy()).all()


def test_distribution_frame_gap_is_tpr_minus_fpr(model: curves.Model) -> None:
    dist = curves.distribution_frame(model)
    pos = dist[dist["class"] == "pos"].set_index("threshold")["share_below"]
    neg = dist[dist["class"] == "neg"].set_index("threshold")["share_below"]
    gap = (neg - pos).max()
    assert gap == pytest.approx(model.cd.ks, abs=1e-12)


def test_several_models_stack_with_the_primary_first(model, other) -> None:
    frame = curves.roc_frame([model, other], 0.5)
    assert list(pd.unique(frame["model"])) == ["score", ODD_NAME]
    for name, part in frame.groupby("model"):
        assert part["step"].tolist() == list(range(len(part))), name


def test_calibration_frame_and_probability_scores_match_sklearn(model: curves.Model) -> None:
    from sklearn.calibration import calibration_curve

    y, s = _yscore(model)
    bins = curves.compute_calibration(model.an, 10, "quantile")
    prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy="quantile")
    np.testing.assert_allclose(bins["observed"], prob_true, rtol=1e-12)
    np.testing.assert_allclose(bins["mean_predicted"], prob_pred, rtol=1e-12)
    assert bins["count"].sum() == len(y)
    scores = curves.compute_probability_scores(model.an)
    assert scores.brier == pytest.approx(skm.brier_score_loss(y, s), rel=1e-12)
    assert scores.log_loss == pytest.approx(skm.log_loss(y, s), rel=1e-12)
    prevalence = y.mean()
    assert scores.brier_baseline == pytest.approx(prevalence * (1 - prevalence))
    assert scores.log_loss_baseline == pytest.approx(
        skm.log_loss(y, np.full(len(y), prevalence)), rel=1e-9
    )


def test_threshold_table_and_current_row(model: curves.Model) -> None:
    y, s = _yscore(model)
    t = 0.4
    table, shown = curves.table_frame(model, t)
    assert shown == len(table) <= curves.MAX_POINTS + 1
    assert table["current"].sum() == 1
    row = table[table["current"]].iloc[0]
    tn, fp, fn, tp = skm.confusion_matrix(y, s >= t).ravel()
    assert (row.tp, row.fp, row.fn, row.tn) == (tp, fp, fn, tn)
    assert row.precision == pytest.approx(skm.precision_score(y, s >= t))
    assert row.mcc == pytest.approx(skm.matthews_corrcoef(y, s >= t))
    assert table["threshold"].is_monotonic_decreasing


def test_csv_has_every_threshold_or_says_how_it_was_thinned(model: curves.Model) -> None:
    sw = model.an.sweep
    text = curves.threshold_csv(sw).decode()
    full = pd.read_csv(io.StringIO(text))
    assert list(full.columns) == [c for c, _, _ in curves.TABLE_COLUMNS]
    assert len(full) == len(sw) == curves.csv_plan(len(sw))[1]
    np.testing.assert_array_equal(full["threshold"], sw.thresholds)  # exact round trip
    np.testing.assert_array_equal(full["tp"], sw.tp)
    assert full["precision"].iloc[-1] == pytest.approx(model.cd.prevalence, abs=1e-6)
    step, rows = curves.csv_plan(len(sw), max_rows=100)
    thinned = pd.read_csv(io.StringIO(curves.threshold_csv(sw, max_rows=100).decode()))
    assert step > 1
    assert len(thinned) == rows <= 101
    assert thinned["threshold"].iloc[-1] == sw.thresholds[-1]
    assert curves.csv_plan(10, 10) == (1, 10)
    assert curves.csv_plan(11, 10) == (2, 6)  # 0, 2, 4, 6, 8, 10: the last is on the grid
    assert curves.csv_plan(12, 10) == (2, 7)  # 0, 2, 4, 6, 8, 10 and the last (11)


def test_summary_frame_takes_the_probability_scores_it_is_given(model, other) -> None:
    y, s = _yscore(model)
    logits = _model(_table(logits=True), key="logits")
    models = [model, other, logits]
    probability = {m.an.key: curves.compute_probability_scores(m.an) for m in (model, other)}
    frame = curves.summary_frame(models, {**probability, logits.an.key: None})
    assert frame["Model"].tolist() == ["score", ODD_NAME, "score"]
    first = frame.iloc[0]
    assert first["ROC AUC"] == f"{skm.roc_auc_score(y, s):.4f}"
    assert first["Average precision"] == f"{skm.average_precision_score(y, s):.4f}"
    fpr, tpr, _ = skm.roc_curve(y, s)
    assert first["KS"] == f"{np.max(tpr - fpr):.3f}"
    assert first["Brier score"] == f"{skm.brier_score_loss(y, s):.4f}"
    assert first["Log loss"] == f"{skm.log_loss(y, s):.4f}"
    assert first["Rows used"] == f"{len(y):,}"
    assert frame.iloc[2][["Brier score", "Log loss"]].tolist() == ["not probabilities"] * 2
    with pytest.raises(KeyError):
        curves.summary_frame([logits], probability)  # a missing entry is an error, not a guess


def test_page_values(model, other) -> None:
    assert not curves.different_row_counts([model, other])
    fewer = _model(_table().iloc[:100])
    assert curves.different_row_counts([model, fewer])
    _, s = _yscore(model)
    assert curves.score_range(model.an) == (s.min(), s.max())
    point = model.an.at(0.5)
    floor = model.cd.det_floor
    assert curves.det_marker(point, model.cd) == pytest.approx((ndtri(point.fpr), ndtri(point.fnr)))
    assert not curves.nothing_flagged(point)
    assert curves.nothing_flagged(model.an.at(np.inf))
    assert curves.det_marker(model.an.at(np.inf), model.cd) == (ndtri(floor), ndtri(1 - floor))


def test_threshold_table_wording() -> None:
    assert curves.table_caption(1001, 5000).startswith("Showing 1,001 of 5,000 distinct")
    assert curves.table_caption(999, 999).startswith("All 999 distinct thresholds")
    every = curves.csv_download(1234, ODD_NAME)
    assert every.label == "Download all 1,234 thresholds (CSV)"
    assert every.note.startswith("Every distinct threshold")
    assert every.file_name == f"thresholds_{curves.safe_file_stem(ODD_NAME)}.csv"
    step, rows = curves.csv_plan(12_345_678)
    thinned = curves.csv_download(12_345_678, "score")
    assert thinned.label == f"Download {rows:,} of 12,345,678 thresholds (CSV)"
    assert f"1 in every {step} (and the lowest): {rows:,} rows." in thinned.note
    assert [c for c, _ in curves.RATE_COLUMNS] == [c for c, _, _ in curves.TABLE_COLUMNS[5:]]


def test_safe_file_stem() -> None:
    assert curves.safe_file_stem("model score/v2.csv") == "model_score_v2_csv"
    assert curves.safe_file_stem("../..") == "scores"
    assert curves.safe_file_stem(ODD_NAME) == "sc_o_re_b_x_b_datum_x"


def test_probit_clips_to_finite_values() -> None:
    out = curves.probit(np.array([0.0, 0.5, 1.0]), 1e-4)
    assert out[1] == 0.0
    assert out[0] == pytest.approx(ndtri(1e-4))
    assert out[2] == pytest.approx(-ndtri(1e-4))


def test_other_score_columns() -> None:
    frame = pd.DataFrame(
        {
            "y": [0, 1],
            "a": [0.1, 0.2],
            "b": [1, 2],
            "w": [1.0, 2.0],
            "txt": ["x", "y"],
            "f": [True, False],
        }
    )
    assert curves.other_score_columns(frame, label="y", score="a", weight="w", demo_scores=()) == [
        "b"
    ]
    assert curves.other_score_columns(
        frame, label="y", score="a", weight=None, demo_scores=("a", "b")
    ) == ["b"]


# --- threshold_from_event -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"pick": [{"threshold": 0.25}]}}, 0.25),
        (SimpleNamespace(selection={"pick": [{"threshold": 3}]}), 3.0),
        ({"selection": {"pick": [{"threshold": 0.1}, {"threshold": 0.9}]}}, 0.9),
        ({"selection": {"pick": {"threshold": -1.5}}}, -1.5),
        ({"selection": {"pick": [{"threshold": 0.2, "vgsid": 4}]}}, 0.2),
        ({"selection": {"pick": []}}, None),
        ({"selection": {"pick": {}}}, None),
        ({"selection": {}}, None),
        ({"selection": {"other": [{"threshold": 0.3}]}}, None),
        ({"selection": {"pick": [{"vgsid": 3}]}}, None),
        ({"selection": {"pick": [{"threshold": None}]}}, None),
        ({"selection": {"pick": [{"threshold": "0.3"}]}}, None),
        ({"selection": {"pick": [{"threshold": True}]}}, None),
        ({"selection": {"pick": [{"threshold": math.nan}]}}, None),
        ({"selection": {"pick": [{"threshold": math.inf}]}}, None),
        ({"selection": {"pick": "threshold"}}, None),
        ({"selection": None}, None),
        ({}, None),
        (None, None),
        ("nonsense", None),
    ],
)
def test_threshold_from_event(event: object, expected: float | None) -> None:
    assert curves.threshold_from_event(event, "pick") == expected


def test_threshold_from_a_real_vega_lite_state() -> None:
    from streamlit.elements.vega_charts import VegaLiteState
    from streamlit.util import AttributeDictionary

    state = AttributeDictionary(
        {"selection": AttributeDictionary({"roc_pick": [{"threshold": 0.37}]})}
    )
    assert isinstance(VegaLiteState.__annotations__, dict)
    assert curves.threshold_from_event(state, "roc_pick") == 0.37


def test_pick_callback_sets_the_shared_threshold(monkeypatch) -> None:
    import streamlit as st

    from metrics_app.shared import session

    state: dict = {"curves_roc": {"selection": {"roc_pick": [{"threshold": 0.42}]}}}
    monkeypatch.setattr(st, "session_state", state)
    curves_state.pick_callback("curves_roc", "roc_pick")()
    assert state[session.CURRENT] == 0.42
    state["curves_roc"] = {"selection": {"roc_pick": []}}  # cleared: nothing changes
    curves_state.pick_callback("curves_roc", "roc_pick")()
    assert state[session.CURRENT] == 0.42


# --- chart specs ----------------------------------------------------------------------------------


def _roc_spec(model, point, **kw) -> dict:
    return cc.roc_chart(
        curves.roc_frame([model], point.threshold), point, primary="score", **kw
    ).to_dict()


def test_roc_chart_is_clickable_with_a_threshold_selection(model: curves.Model) -> None:
    point = model.an.at(0.5)
    spec = _roc_spec(model, point)
    (param,) = spec["params"]
    assert param["name"] == "roc_pick"
    # The threshold, and the one in force when drawn (so a repeated click still reports).
    assert param["select"]["fields"] == ["threshold", "current"]
    assert param["select"]["on"] == "click"
    assert param["select"]["nearest"] is True
    assert param["views"] == ["points"]
    points = _unit(spec, "points")
    assert _mark(points) in ("point", "circle")
    assert points["encoding"]["x"] == {
        **points["encoding"]["x"],
        "field": "fpr",
        "type": "quantitative",
    }
    assert [t["field"] for t in points["encoding"]["tooltip"]] == ["threshold", "tpr", "fpr"]
    assert {"filter": {"field": "model", "equal": "score"}} in points["transform"]
    assert {"calculate": "0.5", "as": "current"} in points["transform"]
    read_only = cc.roc_chart(curves.roc_frame([model]), point, primary="score", pick=None).to_dict()
    assert "params" not in read_only


def test_roc_chart_marks_the_operating_point_and_the_chance_diagonal(model: curves.Model) -> None:
    point = model.an.at(0.37)
    spec = _roc_spec(model, point)
    marker = _unit(spec, "operating_point")
    assert _values(spec, marker) == [{"threshold": 0.37, "fpr": point.fpr, "tpr": point.recall}]
    y, s = _yscore(model)
    assert _values(spec, marker)[0]["tpr"] == pytest.approx(skm.recall_score(y, s >= 0.37))
    rules = [u for u in _units(spec) if _mark(u) == "rule"]
    enc = rules[0]["encoding"]
    assert (enc["x"]["datum"], enc["y"]["datum"], enc["x2"]["datum"], enc["y2"]["datum"]) == (
        0,
        0,
        1,
        1,
    )
    lines = [u for u in _units(spec) if _mark(u) == "line"]
    assert lines[0]["encoding"]["order"]["field"] == "step"
    assert "legend" in lines[0]["encoding"]["color"]  # one model: no legend
    assert lines[0]["encoding"]["color"]["legend"] is None


def test_no_marker_when_a_coordinate_is_undefined(model: curves.Model) -> None:
    above = model.an.at(10.0)  # nothing flagged: precision undefined
    pr = cc.pr_chart(
        curves.pr_frame([model], 10.0), above, primary="score", prevalence=0.2
    ).to_dict()
    assert not [u for u in _units(pr) if u.get("name") == "operating_point"]
    roc = _roc_spec(model, above)  # (0, 0) is a real ROC point
    assert _values(roc, _unit(roc, "operating_point"))[0]["fpr"] == 0.0


def test_pr_chart_has_the_prevalence_baseline_and_labelled_iso_f1_contours(model) -> None:
    point = model.an.at(0.5)
    prevalence = model.cd.prevalence
    spec = cc.pr_chart(
        curves.pr_frame([model], 0.5), point, primary="score", prevalence=prevalence
    ).to_dict()
    assert spec["params"][0]["name"] == "pr_pick"
    assert spec["params"][0]["select"]["fields"] == ["threshold", "current"]
    chance = _unit(spec, "chance")
    assert chance["encoding"]["y"]["datum"] == pytest.approx(prevalence)
    iso = _unit(spec, "iso_f1")
    calcs = [t.get("calculate") for t in iso["transform"]]
    assert "[0.2, 0.4, 0.6, 0.8]" in calcs
    assert "datum.f1 * datum.recall / (2 * datum.recall - datum.f1)" in calcs
    labels = [u for u in _units(spec) if _mark(u) == "text"]
    values = _values(spec, labels[0])
    assert [v["label"] for v in values] == ["F1 = 0.2", "F1 = 0.4", "F1 = 0.6", "F1 = 0.8"]
    for v in values:  # each label sits on its contour, at recall 1
        f = float(v["label"].split("= ")[1])
        assert 2 * v["precision"] * v["recall"] / (v["precision"] + v["recall"]) == pytest.approx(f)
    marker = _values(spec, _unit(spec, "operating_point"))[0]
    assert marker == {"threshold": 0.5, "recall": point.recall, "precision": point.precision}


def test_gains_and_lift_charts(model: curves.Model) -> None:
    point = model.an.at(0.5)
    prevalence = model.cd.prevalence
    gains = cc.gains_chart(
        curves.gains_frame([model], 0.5), point, primary="score", prevalence=prevalence
    ).to_dict()
    perfect = _values(gains, _unit(gains, "perfect"))
    assert perfect[1] == {"flagged": pytest.approx(prevalence), "captured": 1.0}
    marker = _values(gains, _unit(gains, "operating_point"))[0]
    assert marker["flagged"] == point.predicted_positive_rate
    assert marker["captured"] == point.recall
    assert "params" not in gains
    lift = cc.lift_chart(
        curves.lift_frame([model], 0.5), point, primary="score", prevalence=prevalence
    ).to_dict()
    assert _unit(lift, "random")["encoding"]["y"]["datum"] == 1.0
    marker = _values(lift, _unit(lift, "operating_point"))[0]
    assert marker["lift"] == pytest.approx(point.precision / prevalence)
    with pytest.raises(ValueError, match="prevalence"):
        cc.lift_chart(curves.lift_frame([model]), point, primary="score", prevalence=0.0)


def test_ks_chart_marks_the_widest_gap(model: curves.Model) -> None:
    ks_point = curves.ks_point(model)
    spec = cc.ks_chart(
        curves.distribution_frame(model, 0.5),
        threshold=0.5,
        ks=model.cd.ks,
        ks_point=ks_point,
        positive_name="pos",
        negative_name="neg",
    ).to_dict()
    gap = _values(spec, _unit(spec, "ks_gap"))[0]
    assert gap["threshold"] == model.cd.ks_threshold
    assert gap["share_below_neg"] - gap["share_below"] == pytest.approx(model.cd.ks)
    assert gap["label"].startswith(f"KS = {model.cd.ks:.3f}")
    assert _unit(spec, "current_threshold")["encoding"]["x"]["datum"] == 0.5
    far = cc.ks_chart(
        curves.distribution_frame(model),
        threshold=math.inf,
        ks=model.cd.ks,
        ks_point=ks_point,
        positive_name="pos",
        negative_name="neg",
    ).to_dict()
    drawn = _unit(far, "current_threshold")["encoding"]["x"]["datum"]
    assert drawn == float(model.an.sweep.thresholds[0])  # at the edge of the scores


def _label_of(expr: str, value: float) -> str:
    """Evaluate the DET axis' labelExpr (a chain of ``datum.value < c ? 's' : …``)."""
    while True:
        m = re.match(r"datum\.value < ([-\d.]+) \? '([^']*)' : (.*)$", expr)
        if not m:
            return ast.literal_eval(expr)
        if value < float(m.group(1)):
            return m.group(2)
        expr = m.group(3)


def test_det_chart_probit_axes_with_percent_ticks(model: curves.Model) -> None:
    point = model.an.at(0.5)
    floor = model.cd.det_floor
    marker = tuple(curves.probit([point.fpr, point.fnr], floor))
    spec = cc.det_chart(
        curves.det_frame([model], 0.5), point, primary="score", marker=marker, floor=floor
    ).to_dict()
    lines = next(u for u in _units(spec) if _mark(u) == "line")
    axis = lines["encoding"]["x"]["axis"]
    edge = ndtri(min(1e-3, max(floor, 1e-4)))  # the window's edge: 0.01% to 0.1%
    assert lines["encoding"]["x"]["scale"]["domain"] == pytest.approx([edge, -edge])
    labels = dict(cc.DET_TICKS)
    for value in axis["values"]:
        rate = float(0.5 * math.erfc(-value / math.sqrt(2)))
        (expected,) = [s for r, s in labels.items() if r == pytest.approx(rate, rel=1e-9)]
        assert _label_of(axis["labelExpr"], value) == expected
    assert "50%" in [_label_of(axis["labelExpr"], v) for v in axis["values"]]
    drawn = _values(spec, _unit(spec, "operating_point"))[0]
    assert (drawn["fpr"], drawn["fnr"]) == (point.fpr, point.fnr)
    assert drawn["x"] == pytest.approx(ndtri(point.fpr))


def test_calibration_chart(model, other) -> None:
    bins = pd.concat(
        [
            curves.compute_calibration(model.an, 10, "uniform"),
            curves.compute_calibration(other.an, 10, "uniform"),
        ]
    )
    spec = cc.calibration_chart(bins, primary="score").to_dict()
    dots = _unit(spec, "reliability")
    assert dots["encoding"]["size"]["field"] == "count"
    assert dots["encoding"]["color"]["scale"]["domain"] == ["score", ODD_NAME]
    diagonal = next(u for u in _units(spec) if _mark(u) == "rule")["encoding"]
    assert (diagonal["x"]["datum"], diagonal["y2"]["datum"]) == (0, 1)
    hist = cc.calibration_histogram(bins, primary="score").to_dict()
    assert {"filter": {"field": "model", "equal": "score"}} in hist["transform"]
    assert hist["encoding"]["y"]["field"] == "count"


def test_several_models_get_a_legend_and_one_colour_each(model, other) -> None:
    point = model.an.at(0.5)
    frame = curves.roc_frame([model, other], 0.5)
    spec = cc.roc_chart(frame, point, primary="score").to_dict()
    colour = next(u for u in _units(spec) if _mark(u) == "line")["encoding"]["color"]
    assert colour["scale"]["domain"] == ["score", ODD_NAME]
    assert colour["scale"]["range"] == list(cc.MODEL_COLOURS[:2])
    assert colour["legend"]["orient"] == "top"
    with pytest.raises(ValueError, match="At most"):
        cc._colour([str(i) for i in range(len(cc.MODEL_COLOURS) + 1)])


def test_user_text_never_reaches_a_vega_expression(model, other) -> None:
    point = model.an.at(0.5)
    charts = [
        cc.roc_chart(curves.roc_frame([other, model], 0.5), point, primary=ODD_NAME),
        cc.pr_chart(curves.pr_frame([other, model]), point, primary=ODD_NAME, prevalence=0.2),
        cc.gains_chart(curves.gains_frame([other]), point, primary=ODD_NAME, prevalence=0.2),
        cc.ks_chart(
            curves.distribution_frame(model),
            threshold=0.5,
            ks=0.5,
            ks_point=point,
            positive_name=ODD_NAME,
            negative_name="neg",
        ),
    ]
    for chart in charts:
        spec = chart.to_dict()
        for expr in _expressions(spec):
            assert ODD_NAME not in expr
            assert "<b>" not in expr


def test_specs_are_json_and_valid(model: curves.Model) -> None:
    point = model.an.at(0.5)
    spec = cc.roc_chart(curves.roc_frame([model], 0.5), point, primary="score").to_dict(
        validate=True
    )
    json.dumps(spec, allow_nan=False)  # no NaN leaks into the marker or reference layers
