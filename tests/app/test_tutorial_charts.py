"""The tutorial's line charts name their lines at the end and fit their axes to the data.

Each spec is read back from ``to_dict()`` (which also validates it against the Vega-Lite
schema): the label layer's rows are checked against the frame the chart was drawn from,
and each axis domain against that frame's values.
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pandas as pd
import pytest

from metrics_app.tutorial import charts as tch
from metrics_app.tutorial import f1 as f1_lesson
from metrics_app.tutorial import model as tut
from metrics_app.tutorial import pitfalls, trade_off

# A label's height in the charts' own unit, and the plots' heights: two labels closer
# than one label height on the y axis would overlap.
LABEL_PX = tch._LABEL_PX


def _rows(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", spec.get("data"))
    if "values" in data:
        return data["values"]
    return spec["datasets"][data["name"]]


def _label_layers(spec: dict) -> list[dict]:
    """Text layers that write a field named ``label``: the end labels."""
    return [
        layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "text"
        and layer["encoding"].get("text", {}).get("field") == "label"
    ]


def _line_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == "line")


def _text_values(spec: dict) -> dict[str, dict]:
    """Text layers with a constant text (the rules' names), by their text."""
    return {
        layer["encoding"]["text"]["value"]: layer
        for layer in spec["layer"]
        if layer["mark"]["type"] == "text" and "value" in layer["encoding"].get("text", {})
    }


def _check_end_labels(
    spec: dict,
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    plot_height: int,
    names: dict[str, str] | None = None,
) -> bool:
    """One label per line, at its last point, in its colour, spread apart; returns collide."""
    (layer,) = _label_layers(spec)
    rows = _rows(spec, layer)
    line = _line_layer(spec)
    # The label's colour is the line's: the same field on the same scale.
    assert layer["encoding"]["color"]["field"] == line["encoding"]["color"]["field"] == series
    assert layer["encoding"]["color"]["scale"] == line["encoding"]["color"]["scale"]
    assert layer["mark"]["align"] == "left"
    assert layer["mark"]["dx"] > 0
    lo, hi = line["encoding"]["y"]["scale"]["domain"]
    gap = (hi - lo) * LABEL_PX / plot_height
    ends = {}
    for name, part in frame.dropna(subset=[y]).groupby(series):
        last = part.sort_values(x).iloc[-1]
        ends[name] = (float(last[x]), float(last[y]))
    assert sorted(r[series] for r in rows) == sorted(ends)
    for r in rows:
        assert r[x] == pytest.approx(ends[r[series]][0])
        assert r["label"] == (names or {}).get(r[series], r[series])
        assert lo <= r[y] <= hi
    true = sorted((v for _, v in ends.values()), reverse=True)
    collide = any(a - b < gap for a, b in itertools.pairwise(true))
    placed = sorted((r[y] for r in rows), reverse=True)
    # Labels never overlap, and each stays on its line unless they had to be spread.
    assert all(a - b >= gap - 1e-9 for a, b in itertools.pairwise(placed))
    if not collide:
        for r in rows:
            assert r[y] == pytest.approx(ends[r[series]][1])
    # The legend stays only when the labels had to move off their lines.
    legend = line["encoding"]["color"].get("legend")
    assert (legend is not None) == collide
    return collide


def _domains(spec: dict) -> tuple[list[float], list[float]]:
    enc = _line_layer(spec)["encoding"]
    assert enc["x"]["scale"]["nice"] is False
    assert enc["y"]["scale"]["nice"] is False
    return enc["x"]["scale"]["domain"], enc["y"]["scale"]["domain"]


@pytest.mark.parametrize(
    ("precision", "beta"), [(0.95, 2.0), (0.3, 2.0), (0.6, 0.5), (0.05, 4.0), (0.5, 1.0)]
)
def test_f1_chart_names_each_line_at_its_end_on_rate_axes(precision: float, beta: float) -> None:
    frame = f1_lesson.f1_recall_frame(precision, beta)
    spec = tch.f1_chart(frame, 0.4, {"F1": 0.5}).to_dict()
    collide = _check_end_labels(
        spec, frame, x="recall", y="value", series="measure", plot_height=tch._PLOT_HEIGHT
    )
    x_dom, y_dom = _domains(spec)
    assert x_dom == [0, 1]
    assert y_dom == [0, 1]
    assert frame["recall"].between(*x_dom).all()
    assert frame["value"].between(*y_dom).all()
    assert spec["height"] == tch._PLOT_HEIGHT
    assert spec["autosize"]["type"] == "fit-x"
    if (precision, beta) == (0.95, 2.0):  # the three ends meet near 1: labels spread apart
        assert collide


def test_f1_chart_without_collisions_has_no_legend() -> None:
    # Precision 0.2, beta 4: F1, F4 and the average end at 0.33, 0.81 and 0.6.
    frame = f1_lesson.f1_recall_frame(0.2, 4.0)
    spec = tch.f1_chart(frame, 0.4, {"F1": 0.3}).to_dict()
    assert not _check_end_labels(
        spec, frame, x="recall", y="value", series="measure", plot_height=tch._PLOT_HEIGHT
    )


def test_overfitting_chart_names_training_and_test_at_the_deepest_tree() -> None:
    study = pitfalls.overfitting_study()
    spec = tch.fit_chart(study.scores, 4, "f1", "F1").to_dict()
    collide = _check_end_labels(
        spec,
        study.scores,
        x="depth",
        y="f1",
        series="split",
        plot_height=tch._FIT_HEIGHT,
        names={"train": "training data", "test": "test data"},
    )
    assert not collide  # training F1 reaches 1, test F1 stays near 0.8
    x_dom, y_dom = _domains(spec)
    assert x_dom == [min(study.depths), max(study.depths)]  # no depth left out, none added
    assert y_dom == [0, 1]
    assert study.scores["f1"].between(*y_dom).all()
    enc = _line_layer(spec)["encoding"]
    assert enc["y"]["title"] == "F1 (0 to 1)"


@pytest.mark.parametrize("key", list(trade_off.COST_SCENARIOS))
@pytest.mark.parametrize("which", ["default", "lo", "hi"])
def test_cost_chart_axes_fit_the_costs_with_round_ends(key: str, which: str) -> None:
    c = trade_off.COST_SCENARIOS[key]
    costs = trade_off.slider_costs(tut.demo_scores(key, c.score), c)
    t = {"default": c.default, "lo": c.lo, "hi": c.hi}[which]
    spec = tch.cost_chart(costs.frame, t, costs.best_threshold, lo=c.lo, hi=c.hi).to_dict()
    frame = costs.frame.assign(line="total cost")
    _check_end_labels(
        spec, frame, x="threshold", y="cost", series="line", plot_height=tch._PLOT_HEIGHT
    )
    x_dom, (bottom, top) = _domains(spec)
    assert x_dom == [c.lo, c.hi]  # the slider's range
    assert frame["threshold"].between(*x_dom).all()
    # Costs from the data, widened to round multiples of a round step, by less than a step.
    axis = _line_layer(spec)["encoding"]["y"]["axis"]
    ticks = axis["values"]
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    assert ticks[0] == bottom
    assert ticks[-1] == pytest.approx(top)
    assert np.allclose(np.diff(ticks), step)
    assert bottom <= frame["cost"].min() < bottom + step
    assert top - step < frame["cost"].max() <= top
    assert math.isclose(bottom / step, round(bottom / step))
    assert len(ticks) - 1 <= 6
    # No wasted space: no smaller round step covers the costs in six steps or fewer.
    lo, hi = frame["cost"].min(), frame["cost"].max()
    for smaller in _round_steps_below(step):
        assert math.ceil(hi / smaller) - math.floor(lo / smaller) > 6, smaller
    # Plain numbers on the axis: thousands separators, no SI prefix or exponent.
    assert re.fullmatch(r",\.\d+f", axis["format"])
    # Both rules are named, at their own x, in rows of their own.
    names = _text_values(spec)
    assert names["your threshold"]["encoding"]["x"]["datum"] == t
    assert names["cheapest"]["encoding"]["x"]["datum"] == costs.best_threshold
    assert names["your threshold"]["mark"]["dy"] != names["cheapest"]["mark"]["dy"]
    for layer in names.values():
        assert layer["encoding"]["y"]["datum"] == top


def _round_steps_below(step: float) -> list[float]:
    """1, 2, 2.5 and 5 times powers of ten, from a thousandth of ``step`` up to below it."""
    k = math.floor(math.log10(step))
    steps = [m * 10.0**e for e in range(k - 3, k + 1) for m in (1, 2, 2.5, 5)]
    return [s for s in steps if s < step * (1 - 1e-9)]


def test_nice_bounds_widen_by_less_than_one_step() -> None:
    rng = np.random.default_rng(0)
    for _ in range(2000):
        lo = float(rng.uniform(-1e4, 1e5))
        hi = lo + float(rng.exponential()) * 10 ** float(rng.uniform(-2, 5))
        bottom, top, step = tch._nice_bounds(lo, hi)
        assert bottom <= lo < bottom + step
        assert top - step < hi <= top
        assert (top - bottom) / step <= 6 + 1e-6
    bottom, top, _ = tch._nice_bounds(5.0, 5.0)  # one value: a range around it
    assert bottom < 5.0 < top
    assert tch._axis_format(0.25) == ",.2f"
