"""The multiclass report and decision card, against scikit-learn and the page.

The multiclass page's report, charts and JSON card are downloaded through AppTest (the
deferred downloads run as the server runs them); the binary pages' report of a file with
three or more classes carries the multiclass page's rule. Numbers are checked against
scikit-learn on the raw labels, undecided rows written as a value that is no class.
"""

from __future__ import annotations

import json
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.data.demo import load_demo
from metrics_app.multiclass import card as mc_card
from metrics_app.multiclass import model
from metrics_app.multiclass.model import Rule
from metrics_app.report.content import Text
from metrics_app.report.html import render_html
from metrics_app.report.multiclass import MAX_TABLE_CLASSES, build_multiclass_report
from metrics_app.report.pdf import render_pdf
from metrics_app.report.state import multiclass_now
from metrics_app.shared import session
from tests.app.report_reader import (
    catch_downloads,
    need_poppler,
    parse_report,
    pdf_pages,
    pdf_text,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
MULTICLASS = "pages/multiclass.py"
NO_CLASS = "__no class__"  # how an undecided row is written for scikit-learn


def _tickets():
    """The tickets demo (three teams, predict_proba columns) and its analysis."""
    frame = load_demo("tickets")
    classes = model.class_values(frame, "team")
    m = model.guess_matching(frame, "team", classes)
    an = model.analyse_multiclass(
        frame,
        key="t",
        label="team",
        columns=dict(zip(classes, m.columns, strict=True)),
        prediction=m.prediction,
    )
    return frame, an


def _report(an, rule: Rule):
    result = model.outcome(an, rule)
    report = build_multiclass_report(
        an,
        result,
        data_name="tickets",
        fingerprint="f" * 64,
        label="team",
        argmax=model.outcome(an, Rule()),
        ranking=model.rank(an),
    )
    return result, report, parse_report(render_html(report))


def _sklearn_predictions(an, result) -> tuple[np.ndarray, np.ndarray]:
    """True and predicted class names of every row, as scikit-learn is given them."""
    names = np.asarray(an.data.names, dtype=object)
    pred = model.predict(an, result.rule)
    return names[an.data.y], np.where(pred < 0, NO_CLASS, names[np.maximum(pred, 0)])


RULES = [
    Rule("argmax"),
    Rule("thresholds", thresholds=(0.5, 0.4, 0.6), fallback="abstain"),
    Rule("abstain", min_top=0.7),
    Rule("cost", costs=((0, 1, 5), (1, 0, 1), (10, 1, 0))),
    Rule("column"),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.kind)
def test_matrix_and_report_equal_sklearn(rule) -> None:
    _, an = _tickets()
    result, _, parsed = _report(an, rule)
    y, p = _sklearn_predictions(an, result)
    names = list(an.data.names)
    undecided = (p == NO_CLASS).any()
    labels = [*names, NO_CLASS] if undecided else names
    expected = skm.confusion_matrix(y, p, labels=labels)[: len(names)]
    matrix = parsed.tables["mc_matrix"]
    head, *rows = matrix
    assert len(head) == len(labels) + 1
    got = np.array([[value for _, value in row[1:]] for row in rows])
    np.testing.assert_array_equal(got, expected)
    theirs = skm.classification_report(y, p, labels=names, output_dict=True, zero_division=np.nan)
    for column, field in (("Precision", "precision"), ("Recall", "recall"), ("F1", "f1-score")):
        shown = parsed.column("mc_report", column)
        for name in names:
            assert shown[name][0] == f"{theirs[name][field]:.3f}", (name, column)
    macro = parsed.column("mc_averages", "F1")["macro avg"][0]
    assert macro == f"{theirs['macro avg']['f1-score']:.3f}"
    accuracy = parsed.facts["Accuracy"][0]
    assert accuracy == f"{skm.accuracy_score(y, p):.1%}"
    assert parsed.facts["Cohen's κ"][0] == f"{skm.cohen_kappa_score(y, p):.3f}"


def test_the_rule_and_its_settings_are_stated() -> None:
    _, an = _tickets()
    _, _, parsed = _report(an, RULES[1])
    assert "account ≥ 0.5, billing ≥ 0.4, technical ≥ 0.6" in parsed.text
    assert "rows that reach none stay undecided" in parsed.text
    _, _, parsed = _report(an, RULES[2])
    assert "unless that score is below 0.7" in parsed.text
    _, _, parsed = _report(an, RULES[3])
    costs = parsed.tables["mc_costs"]
    assert [v for _, v in costs[3][1:]] == [10.0, 1.0, 0.0]  # technical row, as given
    assert "Total cost" in parsed.facts
    assert "Saved" in parsed.facts
    _, _, parsed = _report(an, RULES[4])
    assert "predicted_team" in parsed.text


def test_ranking_section_equals_sklearn() -> None:
    _, an = _tickets()
    _, _, parsed = _report(an, RULES[0])
    y, s = an.data.y, an.data.scores
    shown = parsed.column("mc_ranking", "ROC AUC")
    for j, name in enumerate(an.data.names):
        assert shown[name][0] == f"{skm.roc_auc_score(y == j, s[:, j]):.4f}"
    macro = skm.roc_auc_score(y, s, multi_class="ovr", average="macro")
    assert parsed.facts["ROC AUC, macro"][0] == f"{macro:.4f}"
    top2 = skm.top_k_accuracy_score(y, s, k=2, labels=an.labels)
    assert parsed.facts["Top-2 accuracy"][0] == f"{top2:.1%}"


def test_html_needs_no_network_and_embeds_the_matrix() -> None:
    _, an = _tickets()
    _, report, parsed = _report(an, RULES[1])
    html = render_html(report)
    assert parsed.tags["script"] == 0
    assert parsed.tags["img"] == 0
    assert "http://" not in html
    assert "https://" not in html
    assert parsed.charts == ["mc_confusion_matrix"]
    assert parsed.sections == ["mc_decision", "data", "mc_matrix", "mc_report", "mc_ranking"]


def test_many_classes_are_drawn_not_tabled() -> None:
    rng = np.random.default_rng(1)
    k = MAX_TABLE_CLASSES + 1
    y = rng.integers(0, k, 2000)
    p = rng.dirichlet(np.ones(k), 2000)
    frame = pd.DataFrame({"y": y, **{f"p_{j}": p[:, j] for j in range(k)}})
    an = model.analyse_multiclass(
        frame, key="k", label="y", columns={j: f"p_{j}" for j in range(k)}
    )
    _, _, parsed = _report(an, Rule())
    assert "mc_matrix" not in parsed.tables
    assert "the matrix is drawn, not tabled" in parsed.text
    assert parsed.charts == ["mc_confusion_matrix"]


def test_pdf_has_the_sections_and_numbers(tmp_path) -> None:
    need_poppler()
    _, an = _tickets()
    result, report, _ = _report(an, RULES[1])
    pdf = render_pdf(report)
    assert pdf_pages(pdf, tmp_path) == 3  # title, decision and data; matrix and report; areas
    text = pdf_text(pdf, tmp_path)
    for heading in ("The multiclass decision", "Per-class report", "Multiclass confusion matrix"):
        assert heading in text
    assert f"{result.accuracy:.1%}" in text


# --- the decision card ----------------------------------------------------------------------


def test_card_holds_rule_matrix_and_report_as_sklearn_has_them() -> None:
    _, an = _tickets()
    rule = RULES[1]
    result = model.outcome(an, rule)
    card = json.loads(
        mc_card.card_bytes(
            mc_card.make_card(
                an, result, data_name="tickets", fingerprint="abc", label="team",
                ranking=model.rank(an), k=2,
            )
        )
    )  # fmt: skip
    y, p = _sklearn_predictions(an, result)
    names = list(an.data.names)
    assert card["kind"] == mc_card.CARD_KIND
    assert card["rule"]["thresholds"] == dict(zip(names, rule.thresholds, strict=True))
    assert card["rule"]["rows_reaching_no_threshold"] == "undecided"
    assert card["matrix"]["columns"][-1] == "(undecided)"
    expected = skm.confusion_matrix(y, p, labels=[*names, NO_CLASS])[: len(names)]
    assert card["matrix"]["counts"] == expected.tolist()
    theirs = skm.classification_report(y, p, labels=names, output_dict=True, zero_division=np.nan)
    for name in names:
        for field in ("precision", "recall", "f1-score", "support"):
            assert card["report"][name][field] == pytest.approx(theirs[name][field], rel=1e-12)
    assert card["metrics"]["matthews_corrcoef"] == pytest.approx(skm.matthews_corrcoef(y, p))
    assert card["ranking"]["top_k_accuracy"] == {
        "k": 2,
        "value": pytest.approx(skm.top_k_accuracy_score(an.data.y, an.data.scores, k=2)),
    }
    assert card["columns"]["scores"] == dict(zip(names, an.data.columns, strict=True))


def test_card_writes_undefined_as_null() -> None:
    # Class "c" is never predicted: its precision is undefined (NaN in scikit-learn).
    frame = pd.DataFrame(
        {"y": ["a", "b", "c", "a"], "p_a": [0.8, 0.1, 0.5, 0.7], "p_b": [0.1, 0.8, 0.3, 0.2],
         "p_c": [0.1, 0.1, 0.2, 0.1]}
    )  # fmt: skip
    an = model.analyse_multiclass(
        frame, key="n", label="y", columns={"a": "p_a", "b": "p_b", "c": "p_c"}
    )
    result = model.outcome(an, Rule())
    raw = mc_card.card_bytes(
        mc_card.make_card(an, result, data_name="n", fingerprint="", label="y")
    )
    assert b"NaN" not in raw
    assert json.loads(raw)["report"]["c"]["precision"] is None


# --- from the pages -------------------------------------------------------------------------


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _widget(widgets, prefix: str):
    """The one widget whose key starts with ``prefix`` (keys carry the data's identity)."""
    (found,) = [w for w in widgets if w.key and w.key.startswith(prefix)]
    return found


@pytest.fixture(scope="module")
def tickets_page():
    """The multiclass page on the tickets demo, with the rule "abstain when unsure"."""
    with pytest.MonkeyPatch.context() as mp:
        caught = catch_downloads(mp)
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state["demo"] = "tickets"
        _run(at)
        at.switch_page(MULTICLASS)
        _run(at)
        _widget(at.segmented_control, "mc_rule::").set_value("abstain")
        _run(at)
        yield caught, at


def test_the_page_offers_report_charts_and_card_made_on_click(tickets_page) -> None:
    caught, at = tickets_page
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    for label in (
        "Report (HTML)",
        "Report (PDF)",
        "Charts (PNG and SVG, ZIP)",
        "Decision card (JSON)",
    ):
        assert label in buttons, list(buttons)
        assert buttons[label].deferred_file_id  # made when clicked, not with the page
    card = json.loads(caught.get(at, "Decision card"))
    assert card["rule"]["kind"] == "abstain"
    cards = {m.label: m.value for m in at.metric}
    parsed = parse_report(caught.get(at, "Report (HTML)").decode())
    for name in ("Accuracy", "Balanced accuracy", "Cohen's κ", "MCC", "Undecided"):
        assert parsed.facts[name][0] == cards[name], name
    assert card["metrics"]["undecided"] == int(cards["Undecided"].split()[0].replace(",", ""))
    with zipfile.ZipFile(BytesIO(caught.get(at, "Charts"))) as archive:
        assert sorted(archive.namelist()) == ["mc_confusion_matrix.png", "mc_confusion_matrix.svg"]


def test_the_binary_report_carries_the_multiclass_rule(tickets_page) -> None:
    caught, at = tickets_page
    at.switch_page("pages/explore.py")
    _run(at)
    parsed = parse_report(caught.get(at, "Report (HTML)").decode())
    assert parsed.sections[-4:] == ["mc_decision", "mc_matrix", "mc_report", "mc_ranking"]
    assert "Decision rule: Abstain when unsure." in parsed.text
    assert "metrics" in parsed.sections  # the binary part is all there too


def test_a_two_class_report_has_no_multiclass_part() -> None:
    with pytest.MonkeyPatch.context() as mp:
        caught = catch_downloads(mp)
        at = AppTest.from_file(APP, default_timeout=120)
        _run(at)
        parsed = parse_report(caught.get(at, "Report (HTML)").decode())
    assert not [s for s in parsed.sections if s.startswith("mc_")]


def test_the_binary_report_says_the_multiclass_part_ignores_weights() -> None:
    source = session.Source(id="t", name="tickets", frame=load_demo("tickets").assign(w=2.0))
    weighted = session.Selection(label="team", positive="billing", score="p_billing", weight="w")
    first = multiclass_now({}, source, weighted)[0]
    notes = [b.markdown for b in first.blocks if isinstance(b, Text) and b.tone == "note"]
    assert any("**w** is not used in the multiclass part" in n for n in notes), notes
    plain = session.Selection(label="team", positive="billing", score="p_billing")
    first = multiclass_now({}, source, plain)[0]
    assert not any("is not used" in getattr(b, "markdown", "") for b in first.blocks)
