"""The multiclass part of a report: the decision rule, the K x K matrix and the report.

The same :class:`~metrics_app.report.content.Section` values as the binary report, made
from the multiclass page's own helpers (:mod:`metrics_app.multiclass.report` for cards,
tables and sentences, :mod:`metrics_app.multiclass.charts` for the heatmap), so the file
says what the page shows. :func:`multiclass_sections` is appended to the binary report
of a file with three or more classes; :func:`build_multiclass_report` is the report of
the multiclass page alone. No Streamlit here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from metrics_app.explorer.model import exclusion_warning
from metrics_app.multiclass import charts as mc_charts
from metrics_app.multiclass import model
from metrics_app.multiclass import report as mc_report
from metrics_app.multiclass.model import MulticlassAnalysis, Outcome, Ranking
from metrics_app.report.charts import static_spec
from metrics_app.report.content import (
    NONE,
    Block,
    Cell,
    Chart,
    Facts,
    Report,
    Section,
    Table,
    Text,
)
from metrics_app.shared import format as fmt
from metrics_app.shared.cards import Card

__all__ = ["MAX_TABLE_CLASSES", "build_multiclass_report", "multiclass_sections"]

#: Most classes a K x K table is written out for: wider, it no longer fits a page (the
#: heatmap still shows every cell, and the JSON card and CSV files hold the numbers).
MAX_TABLE_CLASSES = 12

md = fmt.escape_markdown


def _facts(cards: list[Card]) -> Facts:
    return Facts(
        tuple((c.label, Cell(c.text if not c.note else f"{c.text} ({c.note})")) for c in cards)
    )


def _text_table(
    key: str, frame: pd.DataFrame, numeric_from: int, caption: str | None = None
) -> Table:
    """A frame of text (as the page's tables are) as a report table."""
    rows = tuple(tuple(Cell(str(v)) for v in record) for record in frame.itertuples(index=False))
    columns = tuple(str(c) for c in frame.columns)
    numeric = tuple(i >= numeric_from for i in range(len(columns)))
    return Table(key, columns, rows, numeric, caption)


def _square(
    key: str,
    values: np.ndarray | Sequence[Sequence[float]],
    names: Sequence[str],
    columns: Sequence[str],
    writer: Callable[[float], str],
    caption: str,
) -> Table:
    """A K x (K or K + 1) table: one row per true class, each cell with its exact value."""
    rows = tuple(
        (Cell(name), *(Cell(writer(v), float(v)) for v in row))
        for name, row in zip(names, values, strict=True)
    )
    return Table(
        key, ("Actual \\ predicted", *columns), rows, (False, *([True] * len(columns))), caption
    )


def _decision(
    an: MulticlassAnalysis, result: Outcome, label: str, argmax: Outcome | None
) -> Section:
    data, rule = an.data, result.rule
    lead = Text(
        f"The label column **{md(label)}** has **{fmt.count(data.k)}** classes. Decision rule: "
        f"**{md(model.RULES[rule.kind])}**. " + mc_report.rule_sentence(rule, data)
    )
    blocks: list[Block] = [lead, _facts(mc_report.rule_cards(result))]
    if rule.kind == "cost":
        names = list(data.names)
        if data.k <= MAX_TABLE_CLASSES:
            blocks.append(
                _square(
                    "mc_costs",
                    rule.costs,
                    names,
                    names,
                    fmt.significant,
                    "Cost of each answer: rows are the true class, columns the predicted one.",
                )
            )
        else:
            blocks.append(Text("The cost matrix is in the JSON decision card.", "note"))
        if argmax is not None:
            blocks.append(_facts(mc_report.cost_cards(result, argmax, rule.costs)))
    return Section("mc_decision", "The multiclass decision", tuple(blocks), new_page=True)


def _matrix(result: Outcome, names: list[str]) -> Section:
    cells = mc_charts.confusion_frame(result, names, "none")
    blocks: list[Block] = [
        Chart(
            "mc_confusion_matrix",
            "Actual against predicted class",
            static_spec(mc_charts.confusion_chart(cells, names)),
            "Rows are the actual class, columns the predicted one; each cell gives its count, "
            "and its colour its share of the actual class."
            + (" The last column holds the rows left undecided." if result.n_undecided else ""),
        )
    ]
    if len(names) <= MAX_TABLE_CLASSES:
        columns = [*names, mc_report.undecided_name(names)] if result.n_undecided else names
        counts = result.matrix if result.n_undecided else result.matrix[:, : len(names)]
        blocks.append(_square("mc_matrix", counts, names, columns, fmt.count, "Rows of each cell."))
    else:
        blocks.append(
            Text(
                f"With {fmt.count(len(names))} classes the matrix is drawn, not tabled; the "
                "JSON decision card and the matrix CSV hold every count.",
                "note",
            )
        )
    pairs = mc_report.confused_pairs(result, names)
    if pairs.empty:
        blocks.append(Text("No row is predicted as another class.", "note"))
    else:
        blocks.append(_text_table("mc_pairs", pairs, 2, "The most confused pairs."))
    return Section("mc_matrix", "Multiclass confusion matrix", tuple(blocks), new_page=True)


def _report(result: Outcome, names: list[str]) -> Section:
    per_class, averages = mc_report.report_tables(result, names)
    return Section(
        "mc_report",
        "Per-class report",
        (
            _text_table("mc_report", per_class, 1, "As scikit-learn's classification report."),
            _text_table("mc_averages", averages, 1),
            Facts(
                tuple(
                    (name, Cell(text))
                    for name, text in mc_report.AVERAGE_HELP.items()
                    if name in result.report  # "accuracy", or "micro avg" with undecided rows
                )
            ),
        ),
    )


def _ranking(an: MulticlassAnalysis, ranking: Ranking, k: int, top_k: float) -> Section:
    blocks: list[Block] = [
        Text("Threshold-free scores: they judge the score columns, whatever the decision rule."),
        _facts(mc_report.ranking_cards(ranking)),
        _facts(mc_report.score_cards(an, k, top_k)),
        _text_table(
            "mc_ranking", mc_report.ranking_table(ranking), 1, "Each class against the rest."
        ),
    ]
    return Section("mc_ranking", "Ranking quality of the score columns", tuple(blocks))


def multiclass_sections(
    an: MulticlassAnalysis,
    result: Outcome,
    *,
    label: str,
    argmax: Outcome | None = None,
    ranking: Ranking | None = None,
    k: int | None = None,
) -> tuple[Section, ...]:
    """The decision rule with its cards, the matrix, the per-class report and the areas.

    Parameters
    ----------
    an : MulticlassAnalysis
        The classes and their score columns.
    result : Outcome
        The predictions of the rule to report (its :attr:`~Outcome.rule`).
    label : str
        The label column.
    argmax : Outcome, optional
        The highest-score rule's outcome, against which a cost rule's saving is given.
    ranking : Ranking, optional
        Per-class areas; without it (or without score columns) there is no ranking part.
    k : int, optional
        The k of top-k accuracy; the page's first value when omitted.

    Returns
    -------
    tuple of Section
    """
    names = list(an.data.names)
    sections = [
        _decision(an, result, label, argmax),
        _matrix(result, names),
        _report(result, names),
    ]
    if ranking is not None and an.data.scores is not None:
        k = an.data.top_k_range[1] if k is None else int(k)
        sections.append(_ranking(an, ranking, k, model.top_k(an, k)))
    return tuple(sections)


def _data(an: MulticlassAnalysis, *, data_name: str, fingerprint: str, label: str) -> Section:
    data = an.data
    items = [
        ("Data", Cell(data_name)),
        ("Fingerprint (SHA-256)", Cell(fingerprint or NONE)),
        ("Rows read", Cell(fmt.count(data.n_rows_read), float(data.n_rows_read))),
        *((c.label, Cell(c.text)) for c in mc_report.data_cards(data)),
        ("Label column", Cell(label)),
        ("Predicted-class column", Cell(data.prediction or "none")),
    ]
    blocks: list[Block] = [Facts(tuple(items)), Text(md(mc_report.scores_sentence(data)))]
    if data.columns is not None:
        frame = pd.DataFrame(
            {
                "Class": list(data.names),
                "Score column": list(data.columns),
                "Rows": [fmt.count(s) for s in data.support],
            }
        )
        blocks.append(_text_table("mc_columns", frame, 2, "The score column of each class."))
    warning = exclusion_warning(data)
    if warning:
        blocks.append(Text(md(warning), "warning"))
    return Section("data", "The data", tuple(blocks))


def build_multiclass_report(
    an: MulticlassAnalysis,
    result: Outcome,
    *,
    data_name: str,
    fingerprint: str,
    label: str,
    argmax: Outcome | None = None,
    ranking: Ranking | None = None,
    k: int | None = None,
    created: datetime | None = None,
) -> Report:
    """The report of the multiclass page: the data, the rule, the matrix, report and areas.

    Parameters are those of :func:`multiclass_sections`, plus the data's name and SHA-256
    ``fingerprint`` and when the report is made (now, UTC, by default).

    Returns
    -------
    Report
    """
    created = created or datetime.now(UTC)
    rule_name = model.RULES[result.rule.kind]
    sections = multiclass_sections(an, result, label=label, argmax=argmax, ranking=ranking, k=k)
    return Report(
        title=f"Multiclass decision on {data_name}",
        subtitle=(
            f"{fmt.count(an.data.k)} classes · rule: {rule_name} · made "
            f"{created.astimezone(UTC):%Y-%m-%d %H:%M} UTC with Threshold Lab"
        ),
        created=created,
        sections=(
            dataclasses.replace(sections[0], new_page=False),  # right under the title
            _data(an, data_name=data_name, fingerprint=fingerprint, label=label),
            *sections[1:],
        ),
    )
