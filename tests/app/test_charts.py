"""Tests for metrics_app.charts: frames against scikit-learn, chart specs via ``to_dict()``."""

import ast
import math
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from metrics_app.explorer.charts import score_distribution_chart, threshold_curve_chart
from metrics_app.shared import charts
from metrics_app.shared.charts import CELL_COLOURS, confusion_chart, confusion_frame
from metrics_app.shared.format import count as fmt_count
from metrics_app.shared.format import share as fmt_share
from metrics_app.shared.frames import score_hist_frame, threshold_curve_frame
from metrics_core import Sweep, sweep

ROOT = Path(__file__).resolve().parents[2]
POS, NEG = "fraud", "legit"
HTML_NAME = "<b>x</b>"
QUOTED = 'it\'s "legit"'  # both quote characters


# --- helpers ------------------------------------------------------------------------------


def _data(n=400, prevalence=0.2, seed=0, *, logits=False):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < prevalence
    s = np.where(y, rng.normal(1.0, 1.0, n), rng.normal(-1.0, 1.0, n))
    if not logits:
        s = 1 / (1 + np.exp(-s))
    return y, np.round(s, 3)  # rounding makes ties, exercising the >= rule


def _layers(spec):
    """Every unit spec in a (possibly layered) Vega-Lite dict, depth first."""
    if "layer" in spec:
        for sub in spec["layer"]:
            yield from _layers(sub)
    elif "spec" in spec:
        yield from _layers(spec["spec"])
    else:
        yield spec


def _mark(unit):
    m = unit["mark"]
    return m if isinstance(m, str) else m["type"]


def _rows(spec, unit=None):
    """The data rows a unit draws (its own named dataset, else the top level's)."""
    data = (unit or {}).get("data") or spec.get("data")
    return spec["datasets"][data["name"]]


def _rules(spec):
    return [u for u in _layers(spec) if _mark(u) == "rule"]


def _as_frame(rows):
    return pd.DataFrame(rows)


# --- formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (0, "0"),
        (7, "7"),
        (1234, "1,234"),
        (1234567.0, "1,234,567"),
        (np.int32(42), "42"),
        (1234.5, "1,234.5"),
        (0.25, "0.25"),
        (2.499, "2.5"),
        (0.004, "<0.01"),
        (float("nan"), "undefined"),
    ],
)
def test_fmt_count(x, text):
    assert fmt_count(x) == text


@pytest.mark.parametrize(
    ("p", "text"),
    [(0.0, "0.0%"), (0.1234, "12.3%"), (0.0002, "<0.1%"), (0.99996, ">99.9%"), (1.0, "100.0%")],
)
def test_fmt_share(p, text):
    assert fmt_share(p) == text


# --- confusion matrix ---------------------------------------------------------------------


@pytest.mark.parametrize("t", [0.5, 0.731, 0.0, 1.0, -3.0, 7.0])
def test_confusion_frame_matches_sklearn(t):
    y, s = _data()
    if t == 0.731:
        t = float(s[7])  # exactly a score: ties count as positive
    point = sweep(y, s).at(t)
    frame = confusion_frame(point, POS, NEG).set_index("cell")
    cm = sk_confusion_matrix(y, s >= t, labels=[True, False])  # [[TP, FN], [FP, TN]]
    expected = {"TP": cm[0, 0], "FN": cm[0, 1], "FP": cm[1, 0], "TN": cm[1, 1]}
    for cell, count in expected.items():
        assert frame.loc[cell, "count"] == count
        assert frame.loc[cell, "share"] == pytest.approx(count / len(y))
    row_sums = cm.sum(axis=1)
    assert frame.loc["TP", "rate"] == pytest.approx(cm[0, 0] / row_sums[0])
    assert frame.loc["FN", "rate"] == pytest.approx(cm[0, 1] / row_sums[0])
    assert frame.loc["FP", "rate"] == pytest.approx(cm[1, 0] / row_sums[1])
    assert frame.loc["TN", "rate"] == pytest.approx(cm[1, 1] / row_sums[1])
    assert list(frame["rate_name"]) == ["TPR", "FNR", "FPR", "TNR"]
    assert frame.loc["TP", "actual"] == POS
    assert frame.loc["TP", "predicted"] == POS
    assert frame.loc["FN", "actual"] == POS
    assert frame.loc["FN", "predicted"] == NEG
    assert frame.loc["FP", "actual"] == NEG
    assert frame.loc["FP", "predicted"] == POS


def test_confusion_frame_weighted_counts_and_text():
    y, s = _data(seed=3)
    w = np.random.default_rng(3).uniform(0.5, 2.0, y.size)
    point = sweep(y, s, sample_weight=w).at(0.5)
    frame = confusion_frame(point, POS, NEG).set_index("cell")
    cm = sk_confusion_matrix(y, s >= 0.5, labels=[True, False], sample_weight=w)
    assert frame.loc["TP", "count"] == pytest.approx(cm[0, 0])
    assert frame.loc["TN", "count"] == pytest.approx(cm[1, 1])
    assert frame.loc["TP", "count_text"] == fmt_count(cm[0, 0])
    assert frame.loc["TP", "headline"] == f"TP {fmt_count(cm[0, 0])}"


def test_confusion_frame_text_lines():
    point = sweep([1, 1, 1, 0, 0, 0, 0, 0], [0.9, 0.8, 0.1, 0.7, 0.2, 0.2, 0.1, 0.1]).at(0.5)
    row = confusion_frame(point, POS, NEG).set_index("cell").loc["TP"]
    assert row["headline"] == "TP 2"
    assert row["detail"] == "25.0% of all\nTPR 66.7%"
    assert "recall" in row["rate_text"]


def test_confusion_frame_undefined_rate_when_a_class_is_absent():
    point = sweep([0, 0, 0], [0.1, 0.5, 0.9]).at(0.5)  # no positives at all
    frame = confusion_frame(point, POS, NEG).set_index("cell")
    assert math.isnan(frame.loc["TP", "rate"])
    assert math.isnan(frame.loc["FN", "rate"])
    assert "undefined" in frame.loc["TP", "detail"]
    assert frame.loc["FP", "rate"] == pytest.approx(2 / 3)  # 0.5 and 0.9 are flagged
    confusion_chart(frame.reset_index()).to_dict()  # still draws


def test_confusion_text_contrasts_with_fill():
    # Every possible fill strength of every cell colour, not only the ones a dataset hits.
    for colour in CELL_COLOURS.values():
        for strength in np.linspace(0, 1, 201):
            fill = charts.tint(colour, float(strength))
            assert charts._contrast(fill, charts.ink(fill)) >= 4.5


def test_confusion_fill_follows_rate_and_kind():
    y, s = _data(seed=1)
    frame = confusion_frame(sweep(y, s).at(0.5), POS, NEG).set_index("cell")
    for cell in CELL_COLOURS:
        rate = frame.loc[cell, "rate"]
        expected = charts.tint(CELL_COLOURS[cell], 0.12 + 0.88 * rate)
        assert frame.loc[cell, "fill"] == expected
    # Correct and error cells use different hues even at the same rate.
    assert charts.tint(CELL_COLOURS["TP"], 0.5) != charts.tint(CELL_COLOURS["FN"], 0.5)


def test_confusion_chart_spec():
    y, s = _data()
    frame = confusion_frame(sweep(y, s).at(0.5), POS, NEG)
    chart = confusion_chart(frame)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert (spec["width"], spec["height"]) == (320, 240)
    enc = spec["encoding"]
    assert enc["x"]["field"] == "predicted"
    assert enc["x"]["type"] == "nominal"
    assert enc["y"]["field"] == "actual"
    assert enc["y"]["type"] == "nominal"
    assert enc["x"]["title"] == "Predicted"
    assert enc["y"]["title"] == "Actual"
    assert enc["x"]["sort"] == [POS, NEG]
    assert enc["y"]["sort"] == [POS, NEG]
    assert {t["field"] for t in enc["tooltip"]} >= {"count_text", "share_text", "rate_text"}
    units = list(_layers(spec))
    assert [_mark(u) for u in units] == ["rect", "text", "text"]
    assert units[0]["encoding"]["color"] == {"field": "fill", "type": "nominal", "scale": None}
    assert {u["encoding"]["text"]["field"] for u in units[1:]} == {"headline", "detail"}
    assert all(u["encoding"]["color"]["field"] == "ink" for u in units[1:])
    rows = _as_frame(_rows(spec))
    assert rows["count"].tolist() == frame["count"].tolist()


def test_class_names_are_literal_data():
    y, s = _data()
    point = sweep(y, s).at(0.5)
    spec = confusion_chart(confusion_frame(point, HTML_NAME, QUOTED)).to_dict()
    rows = _as_frame(_rows(spec))
    assert set(rows["actual"]) == {HTML_NAME, QUOTED}
    assert spec["encoding"]["y"]["sort"] == [HTML_NAME, QUOTED]
    hist = score_hist_frame(y, s, positive_name=HTML_NAME, negative_name=QUOTED)
    dist = score_distribution_chart(
        hist, 0.5, positive_name=HTML_NAME, negative_name=QUOTED
    ).to_dict()
    assert set(_as_frame(_rows(dist))["class"]) == {HTML_NAME, QUOTED}
    titles = [u["encoding"]["y"]["axis"]["title"] for u in _layers(dist) if _mark(u) == "rect"]
    assert titles == [f"Actual class: {HTML_NAME} · count", f"Actual class: {QUOTED} · count"]
    # User text never becomes part of a Vega expression.
    assert HTML_NAME not in _expression_text(spec) + _expression_text(dist)


def _expression_text(obj):
    """All strings under keys that Vega evaluates as expressions."""
    out = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("labelExpr", "expr", "test", "calculate", "filter") and isinstance(
                value, str
            ):
                out.append(value)
            else:
                out.append(_expression_text(value))
    elif isinstance(obj, list):
        out.extend(_expression_text(v) for v in obj)
    return "".join(out)


def test_equal_class_names_are_rejected():
    point = sweep([0, 1], [0.1, 0.9]).at(0.5)
    with pytest.raises(ValueError, match="different"):
        confusion_frame(point, "a", "a")
    with pytest.raises(ValueError, match="different"):
        score_hist_frame([0, 1], [0.1, 0.9], positive_name="a", negative_name="a")


# --- score distributions ------------------------------------------------------------------


def test_score_hist_frame_counts_sum_to_class_sizes():
    y, s = _data(n=1000, prevalence=0.05, logits=True)
    hist = score_hist_frame(y, s, bins=30, positive_name=POS, negative_name=NEG)
    assert {"bin_start", "bin_end", "count", "class"} <= set(hist.columns)
    assert len(hist) == 60
    by_class = hist.groupby("class")["count"].sum()
    assert by_class[POS] == y.sum()
    assert by_class[NEG] == (~y).sum()
    pos, neg = hist[hist["class"] == POS], hist[hist["class"] == NEG]
    np.testing.assert_array_equal(pos["bin_start"].to_numpy(), neg["bin_start"].to_numpy())
    assert hist["bin_start"].min() == s.min()
    assert hist["bin_end"].max() == s.max()
    assert hist["positive"].tolist() == [True] * 30 + [False] * 30
    # Same counts as numpy over the common edges.
    edges = np.histogram_bin_edges(s, bins=30)
    np.testing.assert_array_equal(pos["count"].to_numpy(), np.histogram(s[y], edges)[0])


def test_score_hist_frame_weighted_and_degenerate():
    y, s = _data(n=300)
    w = np.random.default_rng(5).uniform(0, 3, y.size)
    hist = score_hist_frame(y, s, bins=10, weights=w, positive_name=POS, negative_name=NEG)
    by_class = hist.groupby("class")["count"].sum()
    assert by_class[POS] == pytest.approx(w[y].sum())
    assert by_class[NEG] == pytest.approx(w[~y].sum())
    # A single distinct score, and a class that is absent, still give a frame.
    flat = score_hist_frame(np.zeros(5, bool), np.full(5, 0.3), bins=4)
    assert flat["count"].sum() == 5
    assert flat[flat["positive"]]["count"].sum() == 0
    for log_y in (False, True):  # an empty band still draws
        score_distribution_chart(
            flat, 0.3, positive_name="positive", negative_name="negative", log_y=log_y
        ).to_dict()
    with pytest.raises(ValueError, match="finite"):
        score_hist_frame([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="boolean"):
        score_hist_frame([0, 2], [0.1, 0.2])


def _outcome_by_bin(spec):
    rows = _as_frame(_rows(spec))
    return rows.set_index(["class", "bin_start"])["outcome"]


def _bands(spec):
    """The two bar layers of a distribution chart: positive band first."""
    bars = [u for u in _layers(spec) if _mark(u) == "rect"]
    assert [u["transform"] for u in bars] == [
        [{"filter": "datum.positive"}],
        [{"filter": "!datum.positive"}],
    ]
    return bars


def test_distribution_chart_spec_and_rule():
    y, s = _data()
    hist = score_hist_frame(y, s, bins=20, positive_name=POS, negative_name=NEG)
    chart = score_distribution_chart(hist, 0.42, positive_name=POS, negative_name=NEG)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert spec["width"] == "container"
    assert spec["resolve"]["scale"]["y"] == "independent"
    top, bottom = _bands(spec)
    for bars in (top, bottom):
        enc = bars["encoding"]
        assert (enc["x"]["field"], enc["x"]["type"]) == ("bin_start", "quantitative")
        assert enc["x"]["title"] == "Score"
        assert enc["x2"]["field"] == "bin_end"
        assert (enc["y"]["field"], enc["y"]["type"]) == ("count", "quantitative")
        assert enc["y"]["scale"]["type"] == "linear"
        assert enc["y2"] == {"datum": 0.0}
        assert enc["color"]["field"] == "outcome"
        assert enc["color"]["scale"] == {
            "domain": list(CELL_COLOURS),
            "range": list(CELL_COLOURS.values()),
        }
    # The positive band sits above the negative one: disjoint pixel ranges.
    assert top["encoding"]["y"]["scale"]["range"][1] == 0
    assert bottom["encoding"]["y"]["scale"]["range"][0] == {"expr": "height"}
    titles = [u["encoding"]["y"]["axis"]["title"] for u in (top, bottom)]
    assert titles == [f"Actual class: {POS} · count", f"Actual class: {NEG} · count"]
    assert [_mark(u) for u in _layers(spec)] == ["rect", "rect", "rule"]
    (rule,) = _rules(spec)
    assert rule["encoding"]["x"]["datum"] == 0.42


def test_distribution_regions_follow_threshold():
    y, s = _data()
    hist = score_hist_frame(y, s, bins=20, positive_name=POS, negative_name=NEG)
    mids = hist.set_index(["class", "bin_start"])["bin_mid"]

    def outcomes(t):
        spec = score_distribution_chart(hist, t, positive_name=POS, negative_name=NEG).to_dict()
        return _outcome_by_bin(spec)

    low, high = outcomes(0.3), outcomes(0.7)
    for (cls, start), outcome in low.items():
        flagged = mids[(cls, start)] >= 0.3
        assert outcome == {(POS, True): "TP", (POS, False): "FN", (NEG, True): "FP"}.get(
            (cls, flagged), "TN"
        )
    moved = [k for k in low.index if mids[k] >= 0.3 and mids[k] < 0.7]
    assert moved, "some bins lie between the two thresholds"
    for key in moved:
        assert (low[key], high[key]) in {("TP", "FN"), ("FP", "TN")}
    # Only bins with a count are drawn.
    assert len(low) == int((hist["count"] > 0).sum())


def test_distribution_log_scale():
    y, s = _data(n=2000, prevalence=0.01)
    hist = score_hist_frame(y, s, positive_name=POS, negative_name=NEG)
    spec = score_distribution_chart(
        hist, 0.5, positive_name=POS, negative_name=NEG, log_y=True
    ).to_dict()
    for bars in _bands(spec):
        y_enc = bars["encoding"]["y"]
        assert y_enc["scale"]["type"] == "log"
        values = y_enc["axis"]["values"]
        assert y_enc["scale"]["domain"] == [values[0], values[-1]]
        assert bars["encoding"]["y2"] == {"datum": values[0]}  # a finite baseline
        assert all(math.log10(v).is_integer() for v in values)
    assert all(row["count"] > 0 for row in _rows(spec))


def test_distribution_chart_refuses_names_of_another_frame():
    y, s = _data()
    hist = score_hist_frame(y, s, positive_name=POS, negative_name=NEG)
    with pytest.raises(ValueError, match="built with"):
        score_distribution_chart(hist, 0.5, positive_name=NEG, negative_name=POS)


@pytest.mark.parametrize("t", [-50.0, 50.0, 1.5, float("inf"), float("-inf")])
def test_threshold_outside_scores(t):
    y, s = _data()
    sw = sweep(y, s)
    hist = score_hist_frame(y, s, positive_name=POS, negative_name=NEG)
    dist = score_distribution_chart(hist, t, positive_name=POS, negative_name=NEG).to_dict()
    curve = threshold_curve_chart(threshold_curve_frame(sw), t, point=sw.at(t)).to_dict()
    for spec in (dist, curve):
        (rule,) = _rules(spec)
        x = next(u for u in _layers(spec) if _mark(u) != "rule")["encoding"]["x"]
        lo, hi = x["scale"]["domain"]
        if math.isfinite(t):
            assert rule["encoding"]["x"]["datum"] == t
            assert lo <= t <= hi
        else:
            assert rule["encoding"]["x"]["datum"] == (hi if t > 0 else lo)
    outcomes = set(_outcome_by_bin(dist))
    if t > s.max():
        assert outcomes <= {"FN", "TN"}
    if t < s.min():
        assert outcomes <= {"TP", "FP"}


def test_nan_threshold_is_refused():
    y, s = _data()
    hist = score_hist_frame(y, s, positive_name=POS, negative_name=NEG)
    with pytest.raises(ValueError, match="NaN"):
        score_distribution_chart(hist, float("nan"), positive_name=POS, negative_name=NEG)


# --- metrics against threshold ------------------------------------------------------------


def test_threshold_curve_frame_small_sweep_is_exact():
    y, s = _data(n=200)
    sw = sweep(y, s)
    frame = threshold_curve_frame(sw)
    assert list(frame.columns) == ["threshold", "metric", "value"]
    assert set(frame["metric"]) == {"Precision", "Recall", "F1"}
    for attr, name in (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1")):
        part = frame[frame["metric"] == name]
        np.testing.assert_array_equal(part["threshold"].to_numpy(), sw.thresholds)
        np.testing.assert_allclose(part["value"].to_numpy(), getattr(sw, attr))


def test_threshold_curve_frame_drops_nan():
    # A hand-built sweep whose top threshold flags nothing: precision is 0/0 there.
    sw = Sweep(
        thresholds=np.array([0.9, 0.5, 0.1]),
        tp=np.array([0, 1, 2]),
        fp=np.array([0, 1, 2]),
        n_pos=2,
        n_neg=2,
    )
    assert math.isnan(sw.precision[0])
    frame = threshold_curve_frame(sw)
    assert not frame["value"].isna().any()
    precision = frame[frame["metric"] == "Precision"]
    assert precision["threshold"].tolist() == [0.5, 0.1]
    assert len(frame[frame["metric"] == "Recall"]) == 3
    # No positives at all: recall is undefined everywhere and has no rows.
    frame = threshold_curve_frame(sweep([0, 0, 0], [0.1, 0.2, 0.3]))
    assert "Recall" not in set(frame["metric"])
    assert not frame["value"].isna().any()


def test_threshold_curve_frame_decimates_large_sweep():
    rng = np.random.default_rng(0)
    n = 100_000
    y = rng.random(n) < 0.1
    s = rng.normal(size=n) + y
    sw = sweep(y, s)
    assert len(sw) == n
    frame = threshold_curve_frame(sw, max_points=1000)
    assert len(frame) <= 3 * 1000
    for attr, name in (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1")):
        part = frame[frame["metric"] == name]
        assert 300 <= len(part) <= 1000  # duplicates of the even spread are merged
        # First and last thresholds kept; every kept value is the sweep's own.
        assert part["threshold"].iat[0] == sw.thresholds[0]
        assert part["threshold"].iat[-1] == sw.thresholds[-1]
        idx = len(sw) - np.searchsorted(sw.thresholds[::-1], part["threshold"].to_numpy()) - 1
        np.testing.assert_array_equal(part["value"].to_numpy(), getattr(sw, attr)[idx])
    with pytest.raises(ValueError, match="max_points"):
        threshold_curve_frame(sw, max_points=1)


def test_threshold_curve_chart_spec():
    y, s = _data()
    sw = sweep(y, s)
    t = 0.6
    point = sw.at(t)
    chart = threshold_curve_chart(threshold_curve_frame(sw), t, point=point)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert spec["width"] == "container"
    units = list(_layers(spec))
    line = next(u for u in units if _mark(u) == "line")
    enc = line["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"]) == ("threshold", "quantitative")
    assert (enc["y"]["field"], enc["y"]["type"]) == ("value", "quantitative")
    assert (enc["color"]["field"], enc["color"]["type"]) == ("metric", "nominal")
    assert enc["x"]["title"] == "Threshold"
    (rule,) = _rules(spec)
    assert rule["encoding"]["x"]["datum"] == t
    # Markers sit at the exact current values, not at a decimated point.
    markers = next(u for u in units if _mark(u) == "point" and u["mark"].get("opacity") == 1)
    rows = {r["metric"]: r for r in _rows(spec, markers)}
    assert rows["Precision"]["value"] == point.precision
    assert rows["Recall"]["value"] == point.recall
    assert rows["F1"]["value"] == point.f1
    assert all(r["threshold"] == t for r in rows.values())
    tips = {tip["field"]: tip.get("format") for tip in markers["encoding"]["tooltip"]}
    assert tips == {"metric": None, "threshold": ".4g", "value": ".3f"}


def test_threshold_curve_chart_skips_undefined_markers():
    sw = sweep([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    point = sw.at(0.95)  # nothing flagged: precision undefined
    assert math.isnan(point.precision)
    spec = threshold_curve_chart(threshold_curve_frame(sw), 0.95, point=point).to_dict()
    markers = next(
        u for u in _layers(spec) if _mark(u) == "point" and u["mark"].get("opacity") == 1
    )
    assert {r["metric"] for r in _rows(spec, markers)} == {"Recall", "F1"}


# --- module hygiene -----------------------------------------------------------------------


CHANNELS = {"X", "Y", "X2", "Y2", "Color", "Text", "Tooltip", "Row", "Opacity", "Size"}


@pytest.mark.parametrize(
    "path", sorted((ROOT / "metrics_app").rglob("charts.py")), ids=lambda p: p.parent.name
)
def test_encodings_use_channel_objects_not_shorthand(path):
    """Shorthand strings cost ~10 ms per channel in Altair 6.3 on every rebuild."""
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr in {"encode", "facet"}:
            for kw in node.keywords:
                assert not _is_shorthand(kw.value), ast.unparse(node)
        if node.func.attr in CHANNELS and node.args:
            assert not _is_shorthand(node.args[0]), ast.unparse(node)


def _is_shorthand(node):
    if isinstance(node, ast.List):
        return any(_is_shorthand(item) for item in node.elts)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)
