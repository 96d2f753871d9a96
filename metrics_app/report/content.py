"""What an operating-point report states, gathered from the helpers the pages use.

A :class:`Report` is plain values: sections made of sentences (the little Markdown the
pages write, see :mod:`metrics_app.report.markup`), lists of facts, tables of formatted
text and static chart specs. Every number is computed by the same functions as the
explorer and the operating-point page and written by :mod:`metrics_app.shared.format`;
the sentences about the data are the pages' own (notices, direction, exclusions, the
cost's reason). :mod:`metrics_app.report.html` and :mod:`metrics_app.report.pdf` render
one Report, so the two files say the same. No Streamlit here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd

from metrics_app.curves import charts as curve_charts
from metrics_app.curves import model as curves
from metrics_app.data import DataError, label_counts, read_amounts
from metrics_app.data.guess import numeric_columns
from metrics_app.explorer.model import exclusion_warning, metric_cards, summary_cards
from metrics_app.operating_point import charts as decision_charts
from metrics_app.operating_point import model as decision
from metrics_app.operating_point.card import page_settings
from metrics_app.report.charts import static_spec
from metrics_app.shared import charts as shared_charts
from metrics_app.shared import format as fmt
from metrics_app.shared import notices as data_notices
from metrics_app.shared.analysis import Analysis
from metrics_app.shared.cards import Card
from metrics_app.shared.glossary import CARDS, describe_score_kind
from metrics_core import (
    CostCurve,
    Costs,
    Interval,
    OperatingPoint,
    cost_curve,
)

__all__ = [
    "TIE_RULE",
    "Cell",
    "Chart",
    "Compared",
    "Facts",
    "Report",
    "Section",
    "Table",
    "Text",
    "build_report",
]

md = fmt.escape_markdown

#: The tie rule, in words, as every page states it.
TIE_RULE = "predicted positive when score ≥ threshold"

#: Text of a table cell that has no value (a metric without an interval).
NONE = "—"


# --- the report as values ------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell or a fact: its text, and the exact number behind it, if any."""

    text: str
    value: float | None = None


@dataclass(frozen=True)
class Text:
    """A paragraph in the pages' Markdown; ``tone`` marks warnings and notes."""

    markdown: str
    tone: Literal["plain", "note", "info", "warning"] = "plain"


@dataclass(frozen=True)
class Facts:
    """Label-value pairs (labels in the pages' Markdown, values as plain text)."""

    items: tuple[tuple[str, Cell], ...]


@dataclass(frozen=True)
class Table:
    """A table of plain text; ``numeric`` columns are right-aligned.

    ``key`` names the table (``"metrics"``, ``"counts"``, ...) for readers of the HTML.
    """

    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: tuple[bool, ...]
    caption: str | None = None


@dataclass(frozen=True)
class Chart:
    """A static chart: its file stem, title, Vega-Lite spec and caption (Markdown)."""

    key: str
    title: str
    spec: dict[str, Any]
    caption: str | None = None


Block = Text | Facts | Table | Chart


@dataclass(frozen=True)
class Section:
    """A titled part of the report; the PDF starts one with ``new_page`` on a new page."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    new_page: bool = False


@dataclass(frozen=True)
class Compared:
    """One value of a card against the same value recomputed now.

    ``inside`` is whether ``value`` lies in the card's interval ``[low, high]``; None
    when either is undefined or the value has no interval (counts, costs).
    """

    name: str
    card_text: str
    text: str
    interval_text: str
    inside: bool | None


@dataclass(frozen=True)
class Report:
    """Everything a report states, in reading order."""

    title: str
    subtitle: str
    created: datetime
    sections: tuple[Section, ...]
    compared: tuple[Compared, ...] = field(default=())

    @property
    def charts(self) -> list[Chart]:
        """Every chart, in reading order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def section(self, key: str) -> Section:
        """The section named ``key`` (a KeyError when there is none)."""
        return {s.key: s for s in self.sections}[key]

    def table(self, key: str) -> Table:
        """The table named ``key`` (a KeyError when there is none)."""
        tables = {b.key: b for s in self.sections for b in s.blocks if isinstance(b, Table)}
        return tables[key]


# --- inputs --------------------------------------------------------------------------------


def _costs(settings: Mapping[str, object]) -> Costs | None:
    values = [settings.get(k) for k in ("cost_fp", "cost_fn", "gain_tp", "gain_tn")]
    if any(v is None for v in values):
        return None
    fp, fn, tp, tn = (float(v) for v in values)  # type: ignore[arg-type]
    return Costs(fp=fp, fn=fn, tp=tp, tn=tn)


# --- small formatting helpers (every number through fmt) ------------------------------------


def _metric_text(key: str, x: float | None) -> str:
    """A metric as its card writes it: a percentage for rates, three decimals otherwise."""
    percent = next((info.percent for info in CARDS if info.key == key), False)
    if x is None:
        return fmt.UNDEFINED
    return fmt.metric_value(x, percent=percent)


def _number(x: object) -> float | None:
    if x is None:
        return None
    try:
        value = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _facts(cards: Sequence[Card]) -> Facts:
    """Metric cards as facts: the card's label, and its text with its note."""
    items = []
    for c in cards:
        text = c.text if not c.note else f"{c.text} ({c.note})"
        items.append((c.label, Cell(text)))
    return Facts(tuple(items))


def _frame_table(
    key: str,
    frame: pd.DataFrame,
    formats: Mapping[str, Any],
    caption: str | None = None,
) -> Table:
    """A small frame as a table; each column written by its formatter (text as it is)."""
    columns = [str(c) for c in frame.columns]
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for name, value in zip(columns, record, strict=True):
            writer = formats.get(name)
            if writer is None:
                cells.append(Cell(str(value)))
            else:
                cells.append(Cell(writer(value), _number(value)))
        rows.append(tuple(cells))
    numeric = tuple(name in formats for name in columns)
    return Table(key, tuple(columns), tuple(rows), numeric, caption)


# --- sections ------------------------------------------------------------------------------


def _decision(an: Analysis, point: OperatingPoint, level: float, cost_here: str | None) -> Section:
    t = point.threshold
    cards = {c.label: c.text for c in metric_cards(point)}
    lead = (
        f"Flag a row as **{md(an.positive_name)}** when its score in "
        f"**{md(an.score_label)}** is at least **{fmt.threshold(t)}**. At this threshold "
        f"precision is {cards['Precision']}, recall {cards['Recall']} and the false "
        f"positive rate {cards['FPR']}."
    )
    items = [
        ("Threshold", Cell(fmt.threshold(t), t)),
        ("Tie rule", Cell(TIE_RULE)),
        (
            "Rows flagged",
            Cell(
                f"{fmt.count(point.n_flagged)} of {fmt.count(point.total)} "
                f"({fmt.share(point.predicted_positive_rate)})",
                float(point.n_flagged),
            ),
        ),
        ("Confidence level of the intervals", Cell(fmt.percent(level, 0), level)),
    ]
    if cost_here is not None:
        items.append(("Net cost at this threshold", Cell(cost_here)))
    return Section("decision", "The decision", (Text(lead), Facts(tuple(items))))


def _data(
    an: Analysis,
    frame: pd.DataFrame,
    *,
    data_name: str,
    fingerprint: str,
    label: str,
    weight: str | None,
) -> Section:
    prep = an.prepared
    blocks: list[Block] = []
    items: list[tuple[str, Cell]] = [
        ("Data", Cell(data_name)),
        ("Fingerprint (SHA-256)", Cell(fingerprint or NONE)),
        ("Rows read", Cell(fmt.count(prep.n_rows_read), float(prep.n_rows_read))),
    ]
    items += [(c.label, Cell(c.text)) for c in summary_cards(prep, an.positive_name)]
    items += [
        ("Label column", Cell(label)),
        ("Positive class", Cell(an.positive_name)),
        ("Negative class", Cell(an.negative_name)),
        ("Score column", Cell(an.score_label)),
        (
            "Scores negated",
            Cell(
                "yes: scores and thresholds are minus the column's values" if an.negated else "no"
            ),
        ),
        ("Weight column", Cell(weight or "none: every row counts once")),
    ]
    blocks.append(Facts(tuple(items)))
    blocks.append(
        Text(md(describe_score_kind(an.kind)) + " " + data_notices.direction_sentence(an))
    )
    warning = exclusion_warning(prep)
    if warning:
        blocks.append(Text(md(warning), "warning"))
    if an.sweep.weighted:
        blocks.append(Text("Counts are sums of the weight column, not numbers of rows.", "note"))
    found = data_notices.notices(
        an,
        label=label,
        score=an.score_name,
        label_counts=label_counts(frame, label),
        score_columns=numeric_columns(frame, exclude=(label,)),
    )
    for notice in found:
        blocks.append(Text(notice.text, "warning" if notice.level == "warning" else "info"))
    return Section("data", "The data", tuple(blocks))


def _confusion(an: Analysis, point: OperatingPoint) -> list[Block]:
    cells = shared_charts.confusion_frame(point, an.positive_name, an.negative_name)
    chart = Chart(
        "confusion_matrix",
        "Confusion matrix",
        static_spec(shared_charts.confusion_chart(cells)),
        "Rows are the actual class, columns the predicted one. Each cell gives its count, "
        "its share of all rows and its rate within the actual class.",
    )
    rows = tuple(
        (
            Cell(str(r.outcome)),
            Cell(str(r.actual)),
            Cell(str(r.predicted)),
            Cell(str(r.count_text), float(r.count)),
            Cell(fmt.share(r.share), float(r.share)),
        )
        for r in cells.itertuples(index=False)
    )
    table = Table(
        "counts",
        ("Cell", "Actual", "Predicted", "Count", "Share of all"),
        rows,
        (False, False, False, True, True),
    )
    return [chart, table]


def _interval_text(key: str, iv: Interval | None) -> str:
    if iv is None:
        return NONE
    if not iv.defined:
        return fmt.UNDEFINED
    return f"{_metric_text(key, iv.low)} – {_metric_text(key, iv.high)}"


def _metrics(
    an: Analysis,
    point: OperatingPoint,
    level: float,
    intervals: Mapping[str, Interval],
    ranking: Mapping[str, Interval],
    cd: curves.CurveData,
) -> Section:
    frame = decision.interval_frame(intervals)
    notes = dict(zip(intervals, frame["note"], strict=True)) if "note" in frame else {}
    rows = []
    for info, card in zip(CARDS, metric_cards(point), strict=True):
        value = float(getattr(point, info.key))
        iv = intervals.get(info.key)
        note = card.note or notes.get(info.key, "")
        rows.append(
            (
                Cell(info.label),
                Cell(card.text, value),
                Cell(_interval_text(info.key, iv)),
                Cell(info.formula),
                Cell(note),
            )
        )
    pct = fmt.percent(level, 0)
    columns = ("Metric", "Value", f"{pct} interval", "Formula", "Note")
    numeric = (False, True, True, False, False)
    if not any(row[-1].text for row in rows):  # a column of nothing but blanks
        columns, numeric, rows = columns[:-1], numeric[:-1], [row[:-1] for row in rows]
    blocks: list[Block] = [
        *_confusion(an, point),
        Table(
            "metrics",
            columns,
            tuple(rows),
            numeric,
            "Intervals: percentile bootstrap of the four cell counts (2,000 resamples). A "
            "metric without an interval is a share of rows fixed by the threshold.",
        ),
    ]
    ranked = []
    for (key, _name, tip), card in zip(
        decision.RANKING_METRICS, decision.ranking_cards(ranking, level), strict=True
    ):
        iv = ranking[key]
        bounds = (
            f"{fmt.decimal(iv.low, 4)} – {fmt.decimal(iv.high, 4)}" if iv.defined else fmt.UNDEFINED
        )
        ranked.append((Cell(card.label), Cell(card.text, iv.estimate), Cell(bounds), Cell(tip)))
    ks = next(c for c in curves.headline_cards(cd, point.threshold) if c.label == "KS statistic")
    ranked.append((Cell(ks.label), Cell(ks.text, cd.ks), Cell(NONE), Cell(ks.help or "")))
    blocks.append(
        Table(
            "ranking",
            ("Over all thresholds", "Value", f"{pct} interval", "How"),
            tuple(ranked),
            (False, True, True, False),
        )
    )
    few = decision.thin_cell(point)
    if few is not None:
        blocks.append(
            Text(
                f"A cell of the confusion matrix holds only {fmt.count(few)} rows: intervals "
                "from so few cases are rough, and a cell of 0 stays 0 in every resample.",
                "warning",
            )
        )
    return Section("metrics", "Confusion matrix and metrics", tuple(blocks), new_page=True)


def _curves(point: OperatingPoint, model: curves.Model) -> Section:
    cd = model.cd
    t = point.threshold
    roc = curve_charts.roc_chart(curves.roc_frame([model], t), point, primary=model.name, pick=None)
    pr = curve_charts.pr_chart(
        curves.pr_frame([model], t), point, primary=model.name, prevalence=cd.prevalence, pick=None
    )
    no_dot = (
        " Precision is undefined at this threshold (nothing is flagged), so no dot is drawn."
        if curves.nothing_flagged(point)
        else ""
    )
    return Section(
        "curves",
        "ROC and precision-recall curves",
        (
            Chart(
                "roc_curve",
                f"ROC curve · AUC {fmt.decimal(cd.roc_auc, 4)}",
                static_spec(roc, width=400),
                "Each point is a threshold: the share of positives caught (TPR) against the "
                "share of negatives wrongly flagged (FPR). The dashed diagonal is a random "
                f"ranking; the dark dot is threshold {fmt.threshold(t)}.",
            ),
            Chart(
                "pr_curve",
                f"Precision-recall curve · AP {fmt.decimal(cd.average_precision, 4)}",
                static_spec(pr, width=400),
                "Precision against recall at every threshold. The dashed line is the "
                f"precision of a random ranking ({fmt.percent(cd.prevalence, 2)}), the dotted "
                f"curves are levels of F1; the dark dot is threshold {fmt.threshold(t)}." + no_dot,
            ),
        ),
        new_page=True,
    )


def _money_columns(frame: pd.DataFrame) -> dict[str, Any]:
    counts = {"flagged", "false alarms (FP)", "misses (FN)"}
    return {
        c: (fmt.count if c in counts else fmt.money)
        for c in frame.columns
        if c not in ("", "threshold")
    }


def _cost(
    an: Analysis,
    frame: pd.DataFrame,
    point: OperatingPoint,
    settings: Mapping[str, object],
) -> tuple[Section, CostCurve | None]:
    t = point.threshold
    costs = _costs(settings)
    title = "Costs"
    if costs is None:
        text = Text(
            "No costs were set: a cost or a gain on the operating-point page is empty.",
            "note",
        )
        return Section("cost", title, (text,), new_page=True), None
    column = str(settings.get("amount_col") or "") or None
    items = [
        ("Cost of a false positive", Cell(fmt.money(costs.fp), costs.fp)),
        ("Cost of a false negative", Cell(fmt.money(costs.fn), costs.fn)),
        ("Gain of a true positive", Cell(fmt.money(costs.tp), costs.tp)),
        ("Gain of a true negative", Cell(fmt.money(costs.tn), costs.tn)),
        ("Amount lost on a miss", Cell(f"column {column}" if column else "none")),
    ]
    blocks: list[Block] = [Facts(tuple(items))]
    if column is None:
        curve = cost_curve(an.sweep, costs)
    else:
        try:
            amounts, n_missing = read_amounts(frame, an.prepared, column)
        except DataError as err:
            blocks.append(Text(md(str(err)), "warning"))
            return Section("cost", title, tuple(blocks), new_page=True), None
        lost = decision.miss_amounts(an.prepared, amounts, n_missing)
        if lost.n_missing:
            blocks.append(
                Text(
                    f"{fmt.count(lost.n_missing)} of the rows used have no amount in "
                    f"{md(column)}; they count as 0 when missed.",
                    "warning",
                )
            )
        curve = cost_curve(an.sweep, costs, scores=lost.scores, amounts=lost.amounts)
    drawn = decision.cost_frame(curve, an.sweep)
    summary = decision.cost_summary(curve, t)
    blocks.append(_facts(decision.cost_cards(summary)))
    caption = None
    top = decision_charts.cost_axis_top(drawn, summary.here.total)
    worst_threshold, worst_cost = decision.highest_cost(drawn)
    if worst_cost > top:
        caption = (
            f"The cost axis stops at {fmt.money(top)} so that the region near the cheapest "
            f"threshold stays readable; the highest net cost is {fmt.money(worst_cost)}, at "
            f"threshold {fmt.threshold(worst_threshold)}."
        )
    chart = decision_charts.cost_chart(
        drawn,
        t,
        current_cost=summary.here.total,
        best_threshold=summary.best.threshold,
        best_cost=summary.best.total,
    )
    blocks.append(
        Chart("cost_curve", "Net cost against threshold", static_spec(chart, 640), caption)
    )
    blocks.append(Text("**Why it is cheapest.** " + decision.cost_reason(curve)))
    breakdown = decision.cost_breakdown_frame(curve, t)
    blocks.append(
        _frame_table(
            "cost_breakdown",
            breakdown,
            _money_columns(breakdown),
            "Counts are sums of the weight column, so costs are weighted too."
            if an.sweep.weighted
            else None,
        )
    )
    return Section("cost", title, tuple(blocks), new_page=True), curve


def _met(
    c: decision.Constraint, point: OperatingPoint, lv: decision.ConstraintLevels
) -> bool | None:
    """Whether ``point`` meets the rule ``c`` (an undefined metric never does).

    The rule is recognised by the start of its name, as
    :func:`~metrics_app.operating_point.model.constraint_results` words it; a rule it
    words otherwise is reported as not checked (None) rather than guessed at.
    """
    checks = {
        "precision": lambda: point.precision >= lv.min_precision,
        "recall": lambda: point.recall >= lv.min_recall,
        "false positive rate": lambda: point.fpr <= lv.max_fpr,
        "flag at most": lambda: point.n_flagged <= lv.capacity,
    }
    for start, check in checks.items():
        if c.name.startswith(start):
            return bool(check())  # comparisons with NaN are False
    return None


def _constraints(an: Analysis, point: OperatingPoint, settings: Mapping[str, object]) -> Section:
    title = "Constraints"
    levels = decision.constraint_levels(
        an.sweep,
        min_precision=_number(settings.get("min_precision")),
        min_recall=_number(settings.get("min_recall")),
        max_fpr=_number(settings.get("max_fpr")),
        capacity_rows=_number(settings.get("capacity_rows")),
        capacity_pct=_number(settings.get("capacity_pct")),
        by_share=settings.get("capacity_mode") != "rows",
    )
    if levels is None:
        text = Text(
            "No constraints were set: a field on the operating-point page is empty.", "note"
        )
        return Section("constraints", title, (text,), new_page=True)
    results = decision.constraint_results(
        an.sweep,
        min_precision=levels.min_precision,
        min_recall=levels.min_recall,
        max_fpr=levels.max_fpr,
        capacity=levels.capacity,
    )
    rows = []
    met = 0
    for c in results:
        ok = _met(c, point, levels)
        met += bool(ok)
        best = (
            Cell("none meets it")
            if c.choice is None
            else Cell(fmt.threshold(c.choice.threshold), c.choice.threshold)
        )
        rows.append(
            (
                Cell(c.name),
                Cell(NONE if ok is None else ("yes" if ok else "no")),
                best,
                Cell(c.goal),
                Cell(c.message),
            )
        )
    lead = Text(
        f"At threshold **{fmt.threshold(point.threshold)}**, {fmt.count(met)} of "
        f"{fmt.count(len(results))} rules are met. For each rule, the threshold that does best "
        "under it is given, or the reason none meets it."
    )
    table = Table(
        "constraints",
        ("Rule", "Met here", "Best threshold under it", "Which maximises", "There"),
        tuple(rows),
        (False, False, True, False, False),
        "With a weight column, capacity counts weight, not rows." if an.sweep.weighted else None,
    )
    return Section("constraints", title, (lead, table), new_page=True)


def _base_rate(an: Analysis, point: OperatingPoint, settings: Mapping[str, object]) -> Section:
    title = "Deployment base rate"
    here = fmt.significant_percent(decision.positive_share(an.sweep))
    percent = _number(settings.get("deploy_prev"))
    if not settings.get("deploy_on") or percent is None:
        text = Text(
            f"Not set: the metrics above assume that deployment sees this file's share of "
            f"positives, **{here}**."
        )
        return Section("base_rate", title, (text,))
    view = decision.base_rate_view(an.sweep, point, percent)
    lead = Text(
        f"This file has **{here}** positives; deployment is expected to have "
        f"**{fmt.significant_percent(decision.from_percent(percent))}**. Precision, NPV, "
        "accuracy and F1 change with the share of positives even though the model does not; "
        "recall and specificity stay the same."
    )
    table = _frame_table(
        "base_rate", view.table, {label: lambda x: fmt.decimal(x, 4) for label in view.labels}
    )
    chart = Chart(
        "base_rate",
        "Precision-recall in the file and in deployment",
        static_spec(decision_charts.pr_base_rate_chart(view.curves, view.points), 480),
        f"The dots are threshold {fmt.threshold(point.threshold)} on each curve.",
    )
    note = Text(
        "Assumption: within each class the scores are distributed as in this file (the model "
        "and the kind of cases are unchanged); only the mix of classes differs.",
        "note",
    )
    return Section("base_rate", title, (lead, table, chart, note))


# --- compared with a card ------------------------------------------------------------------


def _inside(value: float | None, low: float | None, high: float | None) -> bool | None:
    if value is None or low is None or high is None:
        return None
    return low <= value <= high


def _compared(
    card: Mapping[str, Any],
    point: OperatingPoint,
    intervals: Mapping[str, Interval],
    ranking: Mapping[str, Interval],
    curve: CostCurve | None,
) -> list[Compared]:
    out = []
    now = {**intervals, **ranking}
    names = {**decision.INTERVAL_METRICS, **{k: n for k, n, _ in decision.RANKING_METRICS}}
    recorded = {**(card.get("metrics") or {}), **(card.get("ranking") or {})}
    for key, rec in recorded.items():
        if key not in now or not isinstance(rec, Mapping):
            continue
        value = _number(now[key].estimate)
        low, high = _number(rec.get("low")), _number(rec.get("high"))
        writer = (
            (lambda x, k=key: _metric_text(k, x))
            if key in decision.INTERVAL_METRICS
            else (lambda x: fmt.decimal(x, 4))
        )
        interval = NONE if low is None or high is None else f"{writer(low)} – {writer(high)}"
        out.append(
            Compared(
                names.get(key, key),
                writer(_number(rec.get("value"))),
                writer(value),
                interval,
                _inside(value, low, high),
            )
        )
    counts = card.get("counts") or {}
    for key in ("tp", "fp", "fn", "tn"):
        if key in counts:
            old = _number(counts[key])
            out.append(
                Compared(
                    key.upper(),
                    fmt.UNDEFINED if old is None else fmt.count(old),
                    fmt.count(getattr(point, key)),
                    NONE,
                    None,
                )
            )
    cost = card.get("cost")
    if isinstance(cost, Mapping) and curve is not None:
        old = _number(cost.get("net_cost_at_threshold"))
        out.append(
            Compared(
                "Net cost at the threshold",
                fmt.UNDEFINED if old is None else fmt.money(old),
                fmt.money(curve.at(point.threshold).total),
                NONE,
                None,
            )
        )
    return out


def _comparison(card: Mapping[str, Any], compared: Sequence[Compared], same_data: bool) -> Section:
    data = card.get("data") if isinstance(card.get("data"), Mapping) else {}
    level = _number((card.get("intervals") or {}).get("level"))
    with_interval = [c for c in compared if c.inside is not None]
    inside = sum(bool(c.inside) for c in with_interval)
    items = (
        ("Card made", Cell(str(card.get("created", NONE)))),
        ("Card's data", Cell(str(data.get("name", NONE)))),
        ("Card's fingerprint", Cell(str(data.get("fingerprint", NONE)))),
        (
            "Data now",
            Cell(
                "the same file (same fingerprint)"
                if same_data
                else "new data: another fingerprint, the same columns"
            ),
        ),
    )
    lead = (
        f"**{fmt.count(inside)} of {fmt.count(len(with_interval))}** metrics lie inside the "
        f"card's {fmt.percent(level, 0) if level is not None else ''} intervals."
    )
    if not same_data:
        lead += (
            " On new data a metric outside the card's interval moved more than resampling "
            "data of the card's size would explain: look for a change in the data or the model."
        )
    rows = tuple(
        (
            Cell(c.name),
            Cell(c.card_text),
            Cell(c.text),
            Cell(c.interval_text),
            Cell(NONE if c.inside is None else ("yes" if c.inside else "no")),
        )
        for c in compared
    )
    table = Table(
        "compared",
        ("Value", "On the card", "Now", "Card's interval", "Inside"),
        rows,
        (False, True, True, True, False),
    )
    return Section(
        "compared", "Compared with the card", (Text(lead), Facts(items), table), new_page=True
    )


# --- the report ----------------------------------------------------------------------------


def build_report(
    frame: pd.DataFrame,
    an: Analysis,
    *,
    data_name: str,
    fingerprint: str,
    label: str,
    weight: str | None,
    threshold: float,
    settings: Mapping[str, object],
    created: datetime | None = None,
    card: Mapping[str, Any] | None = None,
    same_data: bool = True,
    extra: Sequence[Section] = (),
) -> Report:
    """Everything the report states about the operating point ``threshold`` of ``an``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table ``an`` was made from (for the notices and an amount column).
    an : Analysis
        The data and the column choice.
    data_name, fingerprint : str
        The data's name and SHA-256 fingerprint, as on the operating-point card.
    label : str
        The label column.
    weight : str or None
        The weight column.
    threshold : float
        The threshold (``score >= threshold`` is positive).
    settings : mapping
        The operating-point page's inputs (costs, constraints, deployment share,
        confidence level); missing ones take the values of a first visit
        (:func:`page_settings`).
    created : datetime, optional
        When the report is made; now (UTC) by default.
    card : mapping, optional
        An operating-point card (as JSON) to compare with: adds "Compared with the card".
    same_data : bool, default=True
        Whether ``card`` was made from this very data (else: new data, same columns).
    extra : sequence of Section, optional
        Sections to end with (the multiclass page's rule, matrix and report, see
        :func:`metrics_app.report.multiclass.multiclass_sections`).

    Returns
    -------
    Report
    """
    settings = page_settings(an, settings)
    created = created or datetime.now(UTC)
    point = an.at(threshold)
    level = decision.from_percent(float(settings["ci_level"]))  # type: ignore[arg-type]
    intervals = decision.point_intervals(an, point, level)
    ranking = decision.ranking_intervals(an, level)
    model = curves.Model(an, curves.build_curve_data(an))
    cost, curve = _cost(an, frame, point, settings)
    cost_here = None if curve is None else fmt.money(curve.at(threshold).total)
    sections = [_decision(an, point, level, cost_here)]
    compared: list[Compared] = []
    if card is not None:
        compared = _compared(card, point, intervals, ranking, curve)
        sections.append(_comparison(card, compared, same_data))
    sections += [
        _data(an, frame, data_name=data_name, fingerprint=fingerprint, label=label, weight=weight),
        _metrics(an, point, level, intervals, ranking, model.cd),
        _curves(point, model),
        cost,
        _constraints(an, point, settings),
        _base_rate(an, point, settings),
        *extra,
    ]
    return Report(
        title=f"Operating point of {data_name}",
        subtitle=(
            f"Threshold {fmt.threshold(threshold)} on {an.score_label} · made "
            f"{created.astimezone(UTC):%Y-%m-%d %H:%M} UTC with Threshold Lab"
        ),
        created=created,
        sections=tuple(sections),
        compared=tuple(compared),
    )
