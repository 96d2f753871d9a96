"""Lesson 2, precision or recall: what each error costs in two jobs, and the cheapest threshold.

The cost of errors is :func:`metrics_core.cost_curve` (``FP x cost_fp +
FN x cost_fn`` at every distinct score); this module only reads that curve
on the page's threshold slider.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card
from metrics_app.tutorial.model import Scored, undefined_note
from metrics_core import CostCurve, Costs, OperatingPoint, cost_curve, decimate

__all__ = ["COST_SCENARIOS", "CostScenario", "SliderCosts", "panel_cards", "slider_costs"]


@dataclass(frozen=True)
class CostScenario:
    """Section 2: a demo, what each error means there, and what it costs."""

    key: str  # demo key
    score: str  # score column
    cost_fp: float  # cost of one false positive (false alarm)
    cost_fn: float  # cost of one false negative (miss)
    lo: float  # threshold slider range and step
    hi: float
    step: float
    default: float

    @property
    def costs(self) -> Costs:
        """The scenario's costs, as :func:`metrics_core.cost_curve` takes them."""
        return Costs(fp=self.cost_fp, fn=self.cost_fn)


COST_SCENARIOS: dict[str, CostScenario] = {
    # A real email lost in the spam folder may be an invoice or a job offer; a spam in the
    # inbox costs a second to delete.
    "spam": CostScenario(
        "spam", "spam_logit", cost_fp=20.0, cost_fn=1.0, lo=-6.0, hi=6.0, step=0.1, default=0.0
    ),
    # A missed patient goes home sick; a false alarm costs a follow-up test and a worried week.
    "screening": CostScenario(
        "screening", "test_score", cost_fp=1.0, cost_fn=30.0, lo=0.0, hi=1.0, step=0.01, default=0.5
    ),
}


@dataclass(frozen=True, eq=False)
class SliderCosts:
    """The core's cost curve of one scenario, read on its threshold slider."""

    curve: CostCurve  # metrics_core's: the cost at every candidate threshold
    frame: pd.DataFrame  # columns threshold, cost within the slider's range (decimated)
    best_threshold: float  # the cheapest stop of the slider
    best_cost: float

    def cost_at(self, threshold: float) -> float:
        """Total cost of the errors at ``threshold`` (``score >= threshold`` is flagged).

        The core curve's value at the candidate with the same counts as ``threshold``.
        """
        return float(self.curve.cost[self.curve.index(threshold)])


def slider_costs(data: Scored, scenario: CostScenario, max_points: int = 400) -> SliderCosts:
    """Cost ``FP x cost_fp + FN x cost_fn`` at every distinct score within the slider's range.

    The curve uses every distinct score (decimated for drawing); the cheapest
    threshold is searched on the slider's grid ``lo, lo + step, ..., hi``, so
    the slider can be set to it exactly (the lowest stop among equal costs).

    Parameters
    ----------
    data : Scored
        The scenario's demo scores.
    scenario : CostScenario
        Costs of each error and the slider's range and step.
    max_points : int, default=400
        Points kept for drawing the curve.

    Returns
    -------
    SliderCosts
    """
    s = scenario
    curve = cost_curve(data.sweep, s.costs)
    # Candidate 0 flags nothing (a threshold above every score); the chart, like the
    # slider, starts at the distinct scores.
    t, cost = curve.thresholds[1:], curve.cost[1:]
    inside = np.flatnonzero((t >= s.lo) & (t <= s.hi))
    keep = inside[decimate(t[inside], cost[inside], max_points)]
    grid = np.round(np.arange(round((s.hi - s.lo) / s.step) + 1) * s.step + s.lo, 10)
    grid_cost = curve.cost[[curve.index(g) for g in grid]]
    best = int(np.argmin(grid_cost))
    return SliderCosts(
        curve=curve,
        frame=pd.DataFrame({"threshold": t[keep], "cost": cost[keep]}),
        best_threshold=float(grid[best]),
        best_cost=float(grid_cost[best]),
    )


def panel_cards(point: OperatingPoint) -> list[Card]:
    """Precision and recall at a panel's threshold; precision notes when it is undefined."""
    return [
        Card(
            "Precision",
            fmt.percent(point.precision),
            note=undefined_note(point.precision, "nothing flagged"),
        ),
        Card("Recall", fmt.percent(point.recall)),
    ]
