"""Operating-point cards: a JSON record of a decision, and reading one back safely.

A card holds the data's fingerprint, the columns, the tie rule, the threshold, counts,
metrics with intervals, constraints, costs and every setting. Parsing refuses a card made
for other data or holding out-of-range settings. No Streamlit here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from metrics_app.data import DataError
from metrics_app.operating_point.model import Constraint, first_values
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.records import json_bytes, json_number, json_scalar
from metrics_core import (
    CostBreakdown,
    Interval,
)

CARD_KIND = "Threshold Lab operating point"


CARD_VERSION = 1


@dataclass(frozen=True)
class Card:
    """What a card restores: the columns, the threshold and every setting of the page."""

    fingerprint: str
    data_name: str
    label: str
    score: str
    positive: object
    weight: str | None
    threshold: float
    settings: dict[str, object] = field(default_factory=dict)
    negate: bool = False


def make_card(
    *,
    data_name: str,
    fingerprint: str,
    an: Analysis,
    label: str,
    weight: str | None,
    threshold: float,
    intervals: Mapping[str, Interval],
    ranking: Mapping[str, Interval],
    settings: Mapping[str, object],
    cost: CostBreakdown | None = None,
    cheapest: CostBreakdown | None = None,
    constraints: Sequence[Constraint] = (),
) -> dict[str, object]:
    """The operating-point card as a JSON-ready dict.

    Undefined values are ``null``. ``settings`` holds the page's inputs
    (costs, constraints, deployment base rate, interval level), restored as is.
    """
    point = an.at(threshold)
    prep = an.prepared

    def iv(x: Interval) -> dict[str, object]:
        return {
            "value": json_number(x.estimate),
            "low": json_number(x.low),
            "high": json_number(x.high),
        }

    card: dict[str, object] = {
        "kind": CARD_KIND,
        "version": CARD_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "name": data_name,
            "fingerprint": fingerprint,
            "rows_used": prep.n_used,
            "rows_excluded": prep.n_excluded,
            "positives": prep.n_pos,
            "prevalence": json_number(prep.prevalence),
        },
        "columns": {
            "label": label,
            "score": an.score_name,
            "positive_label": json_scalar(prep.positive),
            "weight": weight,
            # The threshold is in the units of minus the column when the scores were negated.
            "negated": an.negated,
        },
        "rule": "predicted positive when score >= threshold",
        "threshold": threshold,
        "counts": {k: json_scalar(getattr(point, k)) for k in ("tp", "fp", "fn", "tn")},
        "metrics": {k: iv(v) for k, v in intervals.items()},
        "ranking": {k: iv(v) for k, v in ranking.items()},
        "intervals": {
            "level": next(iter(intervals.values())).level if intervals else None,
            "metrics": "percentile bootstrap of the four cell counts (2,000 resamples)",
            "roc_auc": "DeLong",
            "average_precision": "logit interval",
        },
        "settings": dict(settings),
    }
    card["constraints"] = [
        {
            "rule": c.name,
            "maximises": c.goal,
            "threshold": None if c.choice is None else json_number(c.choice.threshold),
        }
        for c in constraints
    ]
    if cost is not None and cheapest is not None:
        card["cost"] = {
            "net_cost_at_threshold": json_number(cost.total),
            "cheapest_threshold": json_number(cheapest.threshold),
            "net_cost_at_cheapest": json_number(cheapest.total),
        }
    return card


def card_bytes(card: Mapping[str, object]) -> bytes:
    """The card as indented JSON (strictly valid: no NaN or Infinity)."""
    return json_bytes(card)


@dataclass(frozen=True)
class Setting:
    """One input of the page: its default and the values a card may give it."""

    default: object
    lo: float = -math.inf
    hi: float = math.inf
    choices: tuple[object, ...] | None = None
    text: bool = False  # a column name, or "" for none

    def check(self, key: str, value: object) -> object:
        """``value`` if allowed for this setting, else a :class:`DataError`."""
        if self.text:
            if value is None:
                return ""
            if isinstance(value, str):
                return value
        elif self.choices is not None:
            if value in self.choices:
                return value
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int | float) and self.lo <= value <= self.hi:
            return float(value)
        allowed = (
            "a column name or an empty string"
            if self.text
            else f"one of {list(self.choices)}"
            if self.choices is not None
            else f"a number from {self.lo:g} to {self.hi:g}"
        )
        raise DataError(
            f"The card's setting {key!r} is {value!r}, but it must be {allowed}. Nothing was "
            "changed."
        )


#: Every input of the operating-point page, by session-state key.
SETTINGS: dict[str, Setting] = {
    "cost_fp": Setting(1.0, 0.0),
    "cost_fn": Setting(10.0, 0.0),
    "gain_tp": Setting(0.0, 0.0),
    "gain_tn": Setting(0.0, 0.0),
    "amount_col": Setting("", text=True),  # "" for none
    "min_precision": Setting(90.0, 0.0, 100.0),
    "min_recall": Setting(80.0, 0.0, 100.0),
    "max_fpr": Setting(5.0, 0.0, 100.0),
    "capacity_mode": Setting("rows", choices=("rows", "percent of rows")),
    "capacity_rows": Setting(100.0, 0.0),
    "capacity_pct": Setting(1.0, 0.0, 100.0),
    "deploy_on": Setting(False, choices=(True, False)),
    "deploy_prev": Setting(1.0, 0.001, 99.999),
    "ci_level": Setting(95, choices=(80, 90, 95, 99)),
    "threshold_b": Setting(None),
}


def parse_card(data: bytes, *, fingerprint: str, columns: list[str]) -> Card:
    """Read an operating-point card made for the data with ``fingerprint``.

    Raises
    ------
    DataError
        When the file is not a card, was made for other data, names columns
        the table lacks, or holds an invalid threshold or cost. The message
        says what to do; nothing has been changed when it is raised.
    """
    try:
        card = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DataError(
            "This file is not an operating-point card: it is not valid JSON. Upload a .json "
            "card downloaded from this page."
        ) from None
    if not isinstance(card, dict) or card.get("kind") != CARD_KIND:
        raise DataError(
            "This JSON file is not an operating-point card. Upload a card downloaded from "
            "this page."
        )
    if card.get("version") != CARD_VERSION:
        raise DataError(
            f"This card has version {card.get('version')!r}; this version of the app reads "
            f"version {CARD_VERSION} cards only."
        )
    try:
        data_part, cols = card["data"], card["columns"]
        made_for = str(data_part["fingerprint"])
        name = str(data_part.get("name", "another file"))
        label, score = str(cols["label"]), str(cols["score"])
        weight = cols.get("weight")
        positive = cols["positive_label"]
        negate = cols.get("negated", False)
        if not isinstance(negate, bool):
            raise TypeError("negated must be true or false")
        threshold = float(card["threshold"])
        settings = dict(card.get("settings") or {})
    except (KeyError, TypeError, ValueError):
        raise DataError(
            "This card is incomplete or damaged (a field is missing or has the wrong type). "
            "Download a new card from this page."
        ) from None
    if made_for != fingerprint:
        raise DataError(
            f"This card was made for other data: {name!r} with fingerprint {made_for[:12]}…, "
            f"while the data loaded now has fingerprint {fingerprint[:12]}… (a fingerprint "
            "changes with any change to the file's contents). Load the exact file the card "
            "was made from in the sidebar, then upload the card again. Nothing was changed."
        )
    missing = [c for c in (label, score, weight) if c is not None and c not in columns]
    if missing:
        raise DataError(
            f"The card names column(s) {', '.join(map(repr, missing))} that the table does not "
            "have. Nothing was changed."
        )
    if not math.isfinite(threshold):
        raise DataError("The card's threshold is not a finite number. Nothing was changed.")
    checked: dict[str, object] = {}
    for key, value in settings.items():
        spec = SETTINGS.get(key)
        if spec is None:
            continue  # from a newer page: ignored, never guessed at
        if key == "threshold_b" and value is None:
            checked[key] = None
            continue
        checked[key] = spec.check(key, value)
    amount = checked.get("amount_col")
    if amount and amount not in columns:
        raise DataError(
            f"The card's amount column {amount!r} is not in the table. Nothing was changed."
        )
    settings = checked
    return Card(
        fingerprint=made_for,
        data_name=name,
        label=label,
        score=score,
        positive=positive,
        weight=None if weight is None else str(weight),
        threshold=threshold,
        settings=settings,
        negate=negate,
    )


def page_settings(an: Analysis, given: Mapping[str, object]) -> dict[str, object]:
    """Every input of the operating-point page: ``given`` over the values of a first visit.

    A first visit starts each input at its default, and the capacity and deployment
    share from the file (:func:`~metrics_app.operating_point.model.first_values`), so a
    report from the explorer, before the operating-point page was opened, states what
    that page would show. Keys that are not inputs of the page are ignored.
    """
    base: dict[str, object] = {key: spec.default for key, spec in SETTINGS.items()}
    base |= first_values(an)
    return base | {key: value for key, value in given.items() if key in SETTINGS}
