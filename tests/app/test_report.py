"""The downloadable report: self-contained HTML and PDF with the pages' numbers.

The report is downloaded from the pages through AppTest (the deferred download is run
as the server would run it), parsed with ``html.parser``, and its numbers checked
against what the pages show and against scikit-learn. The PDF is checked with Debian's
poppler-utils (page count, text) and its first page is rendered to
``artifacts/report_pdf-1.png`` to look at.
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.data.demo import DEMOS, load_demo
from metrics_app.report import charts as report_charts
from metrics_app.report import markup
from metrics_app.report.content import build_report
from metrics_app.report.html import render_html
from metrics_app.report.pdf import render_pdf
from metrics_app.shared import session
from metrics_app.shared.analysis import analyse
from metrics_app.shared.glossary import CARDS
from tests.app.report_reader import (
    Downloads,
    ParsedReport,
    catch_downloads,
    need_poppler,
    parse_report,
    pdf_pages,
    pdf_text,
)

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
EXPLORE = "pages/explore.py"
DECIDE = "pages/operating-point.py"
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    return catch_downloads(monkeypatch)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _open(page: str = EXPLORE, **state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in state.items():
        at.session_state[key] = value
    _run(at)
    if page != EXPLORE:
        at.switch_page(page)
        _run(at)
    return at


def _fraud() -> tuple[np.ndarray, np.ndarray]:
    frame = load_demo("fraud")
    d = DEMOS["fraud"]
    return (frame[d.label] == d.positive).to_numpy(), frame[d.scores[0]].to_numpy()


def _fraud_report(threshold: float, **columns: object):
    """The report of the fraud demo at ``threshold``, built directly (no page)."""
    frame = load_demo("fraud")
    d = DEMOS["fraud"]
    if columns.get("weight"):
        frame = frame.assign(**{columns["weight"]: 2.0})
    an = analyse(frame, key="t", label=d.label, score=d.scores[0], positive=d.positive, **columns)
    return build_report(
        frame,
        an,
        data_name="d",
        fingerprint="f",
        label=d.label,
        weight=columns.get("weight"),
        threshold=threshold,
        settings={},
    )


@dataclass
class Explorer:
    at: AppTest
    html: str
    pdf: bytes
    zip: bytes
    parsed: ParsedReport


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    """The explorer at threshold 0.3, and its report as HTML, PDF and charts."""
    with pytest.MonkeyPatch.context() as mp:
        caught = catch_downloads(mp)
        at = _open()
        at.number_input(key="threshold_exact").set_value(0.3)
        _run(at)
        html = caught.get(at, "Report (HTML)").decode("utf-8")
        pdf = caught.get(at, "Report (PDF)")
        charts = caught.get(at, "Charts")
    return Explorer(at, html, pdf, charts, parse_report(html))


# --- the download action -------------------------------------------------------------------


@pytest.mark.parametrize("page", [EXPLORE, DECIDE])
def test_the_pages_offer_the_report_built_only_when_asked(page) -> None:
    at = _open(page)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    for label in ("Report (HTML)", "Report (PDF)", "Charts (PNG and SVG, ZIP)"):
        assert label in buttons, list(buttons)
        assert buttons[label].deferred_file_id  # data= a callable: made on click
        assert buttons[label].ignore_rerun  # on_click="ignore": no rerun


def test_the_report_takes_the_threshold_when_it_is_downloaded(downloads) -> None:
    """A fragment rerun moves the threshold without redrawing the button: read it on click."""
    at = _open()
    at.session_state[session.CURRENT] = 0.42  # as a fragment run would leave it
    parsed = parse_report(downloads.get(at, "Report (HTML)").decode())
    assert parsed.facts["Threshold"] == ("0.42", 0.42)


# --- the HTML ------------------------------------------------------------------------------


def test_html_parses_and_needs_no_network(explorer) -> None:
    p = explorer.parsed
    assert p.tags["html"] == p.tags["head"] == p.tags["body"] == 1
    assert p.tags["style"] == 1  # CSS inline
    for tag in ("script", "link", "img", "iframe", "object", "embed"):
        assert p.tags[tag] == 0, tag
    assert all(u.startswith("#") for u in p.urls), p.urls
    # Stronger than "no external src/href/url()": no URL at all, not even an SVG namespace.
    assert "http://" not in explorer.html
    assert "https://" not in explorer.html
    assert "@import" not in explorer.html
    assert "@font-face" not in explorer.html
    # Every internal reference (clip paths of the charts) names one element of the page.
    assert len(p.ids) == len(set(p.ids))
    assert {u.strip("'\"").lstrip("#") for u in p.urls} <= set(p.ids) | set(p.sections)
    assert p.sections == [
        "decision",
        "data",
        "metrics",
        "curves",
        "cost",
        "constraints",
        "base_rate",
    ]


def test_html_embeds_every_chart_as_svg(explorer) -> None:
    charts = ["confusion_matrix", "roc_curve", "pr_curve", "cost_curve"]
    assert explorer.parsed.charts == charts  # deployment base rate not set: no chart
    assert explorer.html.count("<svg") == len(charts)
    assert explorer.parsed.tags["svg"] == len(charts)


def test_report_numbers_equal_the_page_and_sklearn(explorer) -> None:
    y, s = _fraud()
    t = 0.3
    pred = s >= t
    page = {m.label: m.value for m in explorer.at.metric}
    values = explorer.parsed.column("metrics", "Value")
    oracle = {
        "precision": skm.precision_score(y, pred, zero_division=np.nan),
        "recall": skm.recall_score(y, pred, zero_division=np.nan),
        "f1": skm.f1_score(y, pred, zero_division=np.nan),
        "accuracy": skm.accuracy_score(y, pred),
        "specificity": skm.recall_score(~y, ~pred, zero_division=np.nan),
        "fpr": 1 - skm.recall_score(~y, ~pred, zero_division=np.nan),
        "npv": skm.precision_score(~y, ~pred, zero_division=np.nan),
        "balanced_accuracy": skm.balanced_accuracy_score(y, pred),
        "mcc": skm.matthews_corrcoef(y, pred),
        "cohen_kappa": skm.cohen_kappa_score(y, pred),
        "predicted_positive_rate": pred.mean(),
    }
    assert {info.key for info in CARDS} == set(oracle)
    for info in CARDS:
        text, value = values[info.label]
        assert text == page[info.label], info.label  # the page's own text
        assert value == pytest.approx(oracle[info.key], rel=1e-12, abs=1e-15), info.key
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[False, True]).ravel()
    counts = explorer.parsed.column("counts", "Count")
    assert [v for _, v in counts.values()] == [tp, fn, fp, tn]
    ranking = explorer.parsed.column("ranking", "Value")
    assert ranking["ROC AUC"][1] == pytest.approx(skm.roc_auc_score(y, s), rel=1e-12)
    assert ranking["Average precision"][1] == pytest.approx(
        skm.average_precision_score(y, s), rel=1e-12
    )
    assert explorer.parsed.facts["Threshold"] == ("0.3", 0.3)
    assert explorer.parsed.facts["Tie rule"][0] == "predicted positive when score ≥ threshold"
    assert explorer.parsed.facts["Rows used"][0] == f"{len(y):,}"


def test_an_undefined_metric_reads_undefined_like_sklearn() -> None:
    y, s = _fraud()
    t = float(s.max()) + 1  # nothing flagged: precision is 0/0
    report = _fraud_report(t)
    values = parse_report(render_html(report)).column("metrics", "Value")
    pred = s >= t
    precision = skm.precision_score(y, pred, zero_division=np.nan)
    assert math.isnan(precision)
    assert math.isnan(values["Precision"][1])
    assert values["Precision"][0] == "undefined"
    assert values["Recall"][1] == skm.recall_score(y, pred) == 0.0


def test_the_operating_point_page_and_its_report_agree(downloads) -> None:
    at = _open(DECIDE)
    at.number_input(key="cost_fn").set_value(25.0)
    at.number_input(key="threshold_exact").set_value(0.25)
    at.toggle(key="deploy_on").set_value(True)
    _run(at)
    at.number_input(key="deploy_prev").set_value(5.0)
    _run(at)
    page = {m.label: m.value for m in at.metric}
    parsed = parse_report(downloads.get(at, "Report (HTML)").decode())
    for label in ("Net cost at the current threshold", "Cheapest threshold", "Net cost there"):
        assert parsed.facts[label][0] == page[label], label
    assert parsed.facts["Cost of a false negative"] == ("25.00", 25.0)
    card = json.loads(downloads.get(at, "Download the operating-point card"))
    rules = parsed.column("constraints", "Best threshold under it")
    for rule in card["constraints"]:
        expected = rule["threshold"]
        assert rules[rule["rule"]][1] == expected, rule
    page_table = next(df.value for df in at.dataframe if "metric" in df.value.columns)
    report_table = parsed.column("base_rate", page_table.columns[2])
    for name, value in zip(page_table["metric"], page_table.iloc[:, 2], strict=True):
        assert report_table[name][1] == pytest.approx(value, rel=1e-12, nan_ok=True)
    assert parsed.charts[-1] == "base_rate"
    y, s = _fraud()
    pred = s >= 0.25
    met = parsed.column("constraints", "Met here")
    precision = skm.precision_score(y, pred)
    recall = skm.recall_score(y, pred)
    fpr = 1 - skm.recall_score(~y, ~pred)
    assert met["precision ≥ 90.00%"][0] == ("yes" if precision >= 0.9 else "no")
    assert met["recall ≥ 80.00%"][0] == ("yes" if recall >= 0.8 else "no")
    assert met["false positive rate ≤ 5.00%"][0] == ("yes" if fpr <= 0.05 else "no")
    assert met["flag at most 1,000 rows"][0] == ("yes" if pred.sum() <= 1000 else "no")
    _, fp, fn, _ = skm.confusion_matrix(y, pred, labels=[False, True]).ravel()
    assert parsed.facts["Net cost at this threshold"][0] == f"{1 * fp + 25 * fn:,.2f}"


# --- the PDF -------------------------------------------------------------------------------


def test_pdf_has_the_expected_pages_and_numbers(explorer, tmp_path) -> None:
    need_poppler()
    assert explorer.pdf.startswith(b"%PDF-")
    # One page for the decision and the data, then one per section that starts a page:
    # metrics, curves, costs, constraints (with the base rate).
    assert pdf_pages(explorer.pdf, tmp_path) == 5
    text = pdf_text(explorer.pdf, tmp_path)
    values = explorer.parsed.column("metrics", "Value")
    for label in ("Precision", "Recall", "MCC"):
        assert re.search(rf"{re.escape(label)}\s+{re.escape(values[label][0])}", text), label
    assert "predicted positive when score ≥" in text  # the tie rule, in the Unicode font
    ARTIFACTS.mkdir(exist_ok=True)
    path = tmp_path / "report.pdf"
    path.write_bytes(explorer.pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "2",
            str(path),
            str(ARTIFACTS / "report_pdf"),
        ],
        check=True,
    )
    page1 = next(ARTIFACTS.glob("report_pdf-*1.png"))
    assert page1.stat().st_size > 20_000  # text and a chart, not a blank page


def test_pdf_without_a_unicode_font_spells_out_what_helvetica_lacks(tmp_path) -> None:
    need_poppler()
    report = _fraud_report(0.3)
    text = pdf_text(render_pdf(report, font_dirs=()), tmp_path)
    assert "predicted positive when score >=" in text
    assert "≥" not in text


def test_a_font_without_italics_is_set_upright(tmp_path) -> None:
    from metrics_app.report.pdf import FONT_DIRS, find_font

    found = find_font(FONT_DIRS)
    if found is None:
        pytest.skip("no Unicode font on this machine (the Helvetica fallback is tested above)")
    (tmp_path / "DejaVuSans.ttf").write_bytes(found.regular.read_bytes())
    (tmp_path / "DejaVuSans-Bold.ttf").write_bytes(found.bold.read_bytes())
    font = find_font([tmp_path])
    assert font is not None
    assert font.italic == font.regular == tmp_path / "DejaVuSans.ttf"
    assert font.bold_italic == font.bold
    assert find_font([tmp_path / "empty"]) is None


# --- charts --------------------------------------------------------------------------------


def test_every_chart_downloads_as_png_and_svg(explorer) -> None:
    with zipfile.ZipFile(io.BytesIO(explorer.zip)) as archive:
        names = sorted(archive.namelist())
        expected = sorted(f"{c}.{ext}" for c in explorer.parsed.charts for ext in ("png", "svg"))
        assert names == expected
        for name in names:
            data = archive.read(name)
            if name.endswith(".png"):
                assert data.startswith(b"\x89PNG\r\n\x1a\n")
            else:
                assert data.lstrip().startswith(b"<svg")
                assert data.rstrip().endswith(b"</svg>")


def test_static_specs_drop_interaction_and_leave_the_chart_alone() -> None:
    from metrics_app.curves import charts as curve_charts
    from metrics_app.curves import model as curves

    frame = load_demo("fraud")
    d = DEMOS["fraud"]
    an = analyse(frame, key="t", label=d.label, score=d.scores[0], positive=d.positive)
    m = curves.Model(an, curves.build_curve_data(an))
    chart = curve_charts.roc_chart(curves.roc_frame([m], 0.5), an.at(0.5), primary=m.name)
    before = chart.to_dict()
    spec = report_charts.static_spec(chart, width=400)
    assert "params" in before
    assert "params" not in spec
    assert spec["width"] == 400
    assert not [layer for layer in spec["layer"] if layer.get("mark", {}).get("opacity") == 0]
    assert chart.to_dict() == before


# --- user text and column choices ----------------------------------------------------------


def test_user_text_is_text_in_the_html() -> None:
    frame = pd.DataFrame(
        {
            "<b>label</b>": ["<script>alert(1)</script>", "no"] * 50,
            "**score**": np.linspace(0, 1, 100),
        }
    )
    an = analyse(
        frame,
        key="t",
        label="<b>label</b>",
        score="**score**",
        positive="<script>alert(1)</script>",
    )
    report = build_report(
        frame,
        an,
        data_name='<img src="http://x/y.png">',
        fingerprint="f",
        label="<b>label</b>",
        weight=None,
        threshold=0.5,
        settings={},
    )
    html = render_html(report)
    parsed = parse_report(html)
    assert parsed.tags["script"] == parsed.tags["img"] == parsed.tags["b"] == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert parsed.facts["Label column"][0] == "<b>label</b>"
    assert parsed.facts["Score column"][0] == "**score**"
    assert parsed.facts["Data"][0] == '<img src="http://x/y.png">'
    assert "<script>alert(1)</script> when its score in **score**" in parsed.text


def test_negated_and_weighted_scores_are_stated() -> None:
    d = DEMOS["fraud"]
    report = _fraud_report(-0.5, weight="w", negate=True)
    parsed = parse_report(render_html(report))
    assert parsed.facts["Score column"][0] == f"−{d.scores[0]}"
    assert parsed.facts["Scores negated"][0].startswith("yes")
    assert parsed.facts["Weight column"][0] == "w"
    assert "Counts are sums of the weight column" in parsed.text
    y, s = _fraud()
    counts = parsed.column("counts", "Count")
    assert counts["TP: true positive"][1] == 2 * np.sum(y & (-s >= -0.5))


def test_markup_reads_the_pages_markdown_as_text() -> None:
    runs = markup.runs(r"**3 rows are \*fraud\*** and *one* \<b\>")
    assert [(r.text, r.bold, r.italic) for r in runs] == [
        ("3 rows are *fraud*", True, False),
        (" and ", False, False),
        ("one", False, True),
        (" <b>", False, False),
    ]
    assert markup.plain("**unclosed") == "unclosed"
