"""The multiclass decision card: a JSON record of the rule, the matrix and the report.

It holds what someone approving a multiclass decision needs to check it later: the data's
fingerprint and columns, the rule with every setting (per-class thresholds by class, the
cost matrix, the abstention cut), the K x K matrix of counts (with the undecided rows),
scikit-learn's classification report and the agreement and ranking scores. Undefined
values are ``null``. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from metrics_app.multiclass.model import RULES, MulticlassAnalysis, Outcome, Ranking, top_k
from metrics_app.multiclass.report import undecided_name
from metrics_app.shared.records import json_bytes, json_number, json_scalar

__all__ = ["CARD_KIND", "CARD_VERSION", "card_bytes", "make_card"]

CARD_KIND = "Threshold Lab multiclass decision"

CARD_VERSION = 1


def _report_entry(value: object) -> object:
    """One entry of scikit-learn's report dict (a class's scores, or accuracy) as JSON."""
    if isinstance(value, Mapping):
        return {field: json_scalar(v) for field, v in value.items()}
    return json_scalar(value)


def _rule(result: Outcome, names: tuple[str, ...]) -> dict[str, object]:
    rule = result.rule
    out: dict[str, object] = {"kind": rule.kind, "name": RULES[rule.kind]}
    if rule.kind == "thresholds":
        out["thresholds"] = dict(zip(names, rule.thresholds, strict=True))
        out["tie_rule"] = "a class is a candidate when its score >= its threshold"
        out["rows_reaching_no_threshold"] = (
            "class of highest score" if rule.fallback == "argmax" else "undecided"
        )
    elif rule.kind == "cost":
        out["costs"] = {"rows": "true class", "columns": "predicted class", "classes": list(names),
                        "values": [list(row) for row in rule.costs]}  # fmt: skip
    elif rule.kind == "abstain":
        out["undecided_below"] = rule.min_top
    return out


def make_card(
    an: MulticlassAnalysis,
    result: Outcome,
    *,
    data_name: str,
    fingerprint: str,
    label: str,
    ranking: Ranking | None = None,
    k: int | None = None,
    created: datetime | None = None,
) -> dict[str, object]:
    """The decision card of rule ``result.rule`` on ``an``, as a JSON-ready dict.

    Parameters
    ----------
    an : MulticlassAnalysis
        The classes, score columns and their clean arrays.
    result : Outcome
        The rule's predictions and metrics.
    data_name, fingerprint, label : str
        The data's name, its SHA-256 fingerprint and the label column.
    ranking : Ranking, optional
        Per-class areas (added as ``"ranking"`` when given).
    k : int, optional
        The k of top-k accuracy (added with the ranking; the page's first value if omitted).
    created : datetime, optional
        When the card is made; now (UTC) by default.

    Returns
    -------
    dict
        Serialise it with :func:`card_bytes`.
    """
    data = an.data
    names = data.names
    created = created or datetime.now(UTC)
    columns = [*names, undecided_name(names)]
    card: dict[str, object] = {
        "kind": CARD_KIND,
        "version": CARD_VERSION,
        "created": created.astimezone(UTC).isoformat(timespec="seconds"),
        "data": {
            "name": data_name,
            "fingerprint": fingerprint,
            "rows_read": data.n_rows_read,
            "rows_used": data.n_used,
            "rows_excluded": dict(data.excluded),
        },
        "columns": {
            "label": label,
            "classes": [json_scalar(c) for c in data.classes],
            "scores": None if data.columns is None else dict(zip(names, data.columns, strict=True)),
            "predicted_class": data.prediction,
            "scores_are": data.kind,
            "transform": data.transform,
        },
        "rule": _rule(result, names),
        "matrix": {
            "rows": "true class",
            "columns": columns,
            "classes": list(names),
            "counts": result.matrix.tolist(),
        },
        "report": {key: _report_entry(value) for key, value in result.report.items()},
        "metrics": {
            "accuracy": json_number(result.accuracy),
            "balanced_accuracy": json_number(result.balanced_accuracy),
            "cohen_kappa": json_number(result.kappa),
            "matthews_corrcoef": json_number(result.mcc),
            "undecided": result.n_undecided,
            "accuracy_when_decided": json_number(result.decided_accuracy),
            "log_loss": json_number(an.log_loss),
        },
    }
    if ranking is not None and data.scores is not None:
        k = data.top_k_range[1] if k is None else int(k)
        per_class = ranking.per_class
        card["ranking"] = {
            "averages": {key: json_number(v) for key, v in ranking.averages.items()},
            "per_class": {
                name: {"roc_auc": json_number(auc), "average_precision": json_number(ap)}
                for name, auc, ap in zip(
                    per_class["class"],
                    per_class["roc_auc"],
                    per_class["average_precision"],
                    strict=True,
                )
            },
            "top_k_accuracy": {"k": k, "value": json_number(top_k(an, k))},
        }
    return card


def card_bytes(card: Mapping[str, object]) -> bytes:
    """``card`` as UTF-8 JSON, indented (NaN is refused: undefined values are null)."""
    return json_bytes(card)
