"""What the live threshold control draws while it is dragged: exact values at every step.

The control moves on the slider's grid, ``lo, lo + step, ..., hi`` (about a thousand
positions: as fine as a pointer can point). For every grid threshold the counts are looked up
in the sweep (one binary search each) and written out here, in the app's own formats, so the
browser draws each frame by looking up a row: it does no arithmetic and no formatting, and
every number shown while dragging is the exact value at the threshold shown beside it. The
table depends on the rows only through the sweep, so a 1e7-row dataset sends the same ~100 KB
as a small one, once per dataset.

No Streamlit here: :mod:`metrics_app.shared.live_slider` sends this to the browser.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from metrics_app.shared import format as fmt
from metrics_app.shared.analysis import SliderRange
from metrics_app.shared.charts import METRIC_COLOURS
from metrics_app.shared.glossary import CARDS
from metrics_core import OperatingPoint, Sweep

__all__ = ["COLUMNS", "LINES", "grid", "live_table", "readout"]

#: The metrics drawn as lines above the track and read out beside it, with their colours.
LINES: Mapping[str, str] = {
    "precision": METRIC_COLOURS["Precision"],
    "recall": METRIC_COLOURS["Recall"],
    "f1": METRIC_COLOURS["F1"],
}
#: What each row of the table holds, in order: the threshold, then ``LINES``, then counts.
COLUMNS: tuple[str, ...] = ("threshold", *LINES, "tp", "fp", "fn", "tn")
_COUNTS = ("tp", "fp", "fn", "tn")

_INFO = {info.key: info for info in CARDS}
#: Refuse a grid far finer than any slider makes (a guard on what is sent to the browser).
MAX_STEPS = 20_000


def grid(rng: SliderRange) -> np.ndarray:
    """The slider's positions ``lo + i * step``, rounded to the step's decimals, descending.

    Rounding makes each position the very number its label shows (``0.3``, not
    ``0.30000000000000004``), so a score of exactly 0.3 is flagged at 0.3 as the tie
    rule promises.
    """
    steps = round((rng.hi - rng.lo) / rng.step)
    if not 0 < steps <= MAX_STEPS:
        raise ValueError(f"a slider of {steps} steps cannot be drawn live.")
    values = np.round(rng.lo + np.arange(steps + 1) * rng.step, fmt.step_decimals(rng.step))
    values = np.unique(np.clip(values, rng.lo, rng.hi))
    return values[::-1].copy()


def _row(threshold: float, step: float, value: Mapping[str, float]) -> list[str]:
    """One row of :data:`COLUMNS`, as the control shows it."""
    metrics = (fmt.metric_value(value[k], percent=_INFO[k].percent) for k in LINES)
    return [
        fmt.threshold_on_grid(threshold, step),
        *metrics,
        *(fmt.count(value[k]) for k in _COUNTS),
    ]


def _line(values: np.ndarray) -> list[float | None]:
    """A metric line for drawing only: 4 decimals, ``None`` (a gap) where undefined."""
    return [None if math.isnan(v) else v for v in np.round(values, 4).tolist()]


def live_table(sw: Sweep, rng: SliderRange) -> dict[str, Any]:
    """Everything the control needs for one dataset, JSON-ready (finite numbers only).

    Returns
    -------
    dict
        ``lo``, ``hi``, ``step``; ``columns`` (:data:`COLUMNS`); ``thresholds``
        (ascending grid positions, exact floats); ``cells`` (one row of texts per
        position);
        ``lines`` (metric → values for drawing, ``None`` where undefined);
        ``colours`` and ``labels`` of the lines.
    """
    at = sw.at_each(grid(rng))
    order = slice(None, None, -1)  # ascending, the way the track runs
    values = {key: np.asarray(getattr(at, key))[order].tolist() for key in COLUMNS[1:]}
    thresholds = at.thresholds[order].tolist()
    cells = [
        _row(t, rng.step, {key: values[key][j] for key in COLUMNS[1:]})
        for j, t in enumerate(thresholds)
    ]
    return {
        "lo": thresholds[0],
        "hi": thresholds[-1],
        "step": rng.step,
        "columns": list(COLUMNS),
        "thresholds": thresholds,
        "cells": cells,
        "lines": {key: _line(np.asarray(values[key], dtype=float)) for key in LINES},
        "colours": dict(LINES),
        "labels": {key: _INFO[key].label for key in LINES},
    }


def readout(point: OperatingPoint, rng: SliderRange) -> list[str]:
    """One row of :data:`COLUMNS` for any threshold, on the grid or not (the current one)."""
    return _row(point.threshold, rng.step, {key: getattr(point, key) for key in COLUMNS[1:]})
