"""``threshold-lab report``: the app's report, from a card, without a browser.

A CSV is uploaded to the app (AppTest), a card and the report are downloaded from the
operating-point page, and the command line must write the same report from the same
file and card, refuse a card made for other data, and on new data say how each metric
moved against the card's interval (checked with scikit-learn).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics as skm

from metrics_app.cli import main
from metrics_app.data.demo import DEMOS, load_demo
from tests.app.report_reader import catch_downloads, parse_report
from tests.app.test_report import DECIDE, _open, _run


@dataclass(frozen=True)
class FromApp:
    csv: Path
    card: Path
    html: str


def _fraud_csv() -> bytes:
    return load_demo("fraud").to_csv(index=False).encode()


@pytest.fixture(scope="module")
def from_app(tmp_path_factory) -> FromApp:
    """A CSV uploaded to the app, and the card and report of a decision made on it."""
    folder = tmp_path_factory.mktemp("app")
    data = _fraud_csv()
    with pytest.MonkeyPatch.context() as mp:
        caught = catch_downloads(mp)
        at = _open()
        at.radio(key="source_mode").set_value("Upload a file")
        _run(at)
        at.file_uploader(key="upload").set_value(("fraud.csv", data, "text/csv"))
        _run(at)
        at.switch_page(DECIDE)
        _run(at)
        at.number_input(key="cost_fp").set_value(2.0)
        at.number_input(key="min_recall").set_value(60.0)
        at.toggle(key="deploy_on").set_value(True)
        at.number_input(key="threshold_exact").set_value(0.2)
        _run(at)
        card = caught.get(at, "Download the operating-point card")
        html = caught.get(at, "Report (HTML)").decode("utf-8")
    (folder / "fraud.csv").write_bytes(data)
    (folder / "card.json").write_bytes(card)
    return FromApp(folder / "fraud.csv", folder / "card.json", html)


def _sections(document: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="(\w+)"[^>]*>(.*?)</section>', document, re.S))


def test_the_cli_writes_the_apps_report_from_its_card(from_app, tmp_path, capsys) -> None:
    out = tmp_path / "report.html"
    code = main(["report", str(from_app.csv), "--card", str(from_app.card), "-o", str(out)])
    assert code == 0, capsys.readouterr().err
    cli = out.read_text(encoding="utf-8")
    app, ours = _sections(from_app.html), _sections(cli)
    assert set(ours) == {*app, "compared"}
    for key, body in app.items():
        assert ours[key] == body, key  # section by section, byte for byte
    assert re.search("<h1>(.*?)</h1>", cli).group(1) == re.search(
        "<h1>(.*?)</h1>", from_app.html
    ).group(1)
    # Same data: every recomputed metric equals the card's, inside its interval.
    compared = parse_report(cli).tables["compared"][1:]
    assert len(compared) == 17  # 10 metrics, ROC AUC, AP, the 4 counts, the net cost
    assert all(now == card for _, (card, _), (now, _), _, _ in compared)
    assert "12 of 12 metrics inside" in capsys.readouterr().out


def test_a_card_for_other_data_is_refused_and_nothing_is_written(
    from_app, tmp_path, capsys
) -> None:
    other = tmp_path / "fraud.csv"
    other.write_bytes(from_app.csv.read_bytes().replace(b"\n", b"\r\n", 1))  # one byte differs
    out = tmp_path / "report.html"
    code = main(["report", str(other), "--card", str(from_app.card), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "was made for other data" in err
    assert "--new-data" in err
    assert "No report was written" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [other]  # no temporary file left either


def test_new_data_is_compared_with_the_cards_intervals(from_app, tmp_path, capsys) -> None:
    frame = load_demo("fraud").sample(frac=0.3, random_state=3)
    new = tmp_path / "this_week.parquet"
    frame.to_parquet(new, index=False)
    out = tmp_path / "check.html"
    args = ["report", str(new), "--card", str(from_app.card), "-o", str(out), "--new-data"]
    assert main(args) == 0, capsys.readouterr().err
    stdout = capsys.readouterr().out
    assert "of new data" in stdout
    card = json.loads(from_app.card.read_text())
    parsed = parse_report(out.read_text(encoding="utf-8"))
    assert parsed.sections[:3] == ["decision", "compared", "data"]
    assert parsed.facts["Data"][0] == "this_week.parquet"
    d = DEMOS["fraud"]
    y, s = (frame[d.label] == d.positive).to_numpy(), frame[d.scores[0]].to_numpy()
    t = card["threshold"]
    pred = s >= t
    now = {
        "Precision": skm.precision_score(y, pred, zero_division=np.nan),
        "Recall": skm.recall_score(y, pred, zero_division=np.nan),
        "MCC": skm.matthews_corrcoef(y, pred),
        "ROC AUC": skm.roc_auc_score(y, s),
    }
    keys = {"Precision": "precision", "Recall": "recall", "MCC": "mcc", "ROC AUC": "roc_auc"}
    values = parsed.column("metrics", "Value") | parsed.column("ranking", "Value")
    inside = parsed.column("compared", "Inside")
    for name, expected in now.items():
        assert values[name][1] == pytest.approx(expected, rel=1e-12), name
        recorded = {**card["metrics"], **card["ranking"]}[keys[name]]
        within = recorded["low"] <= values[name][1] <= recorded["high"]
        assert inside[name][0] == ("yes" if within else "no"), name
    tp = int(np.sum(y & pred))
    assert parsed.column("compared", "Now")["TP"][0] == f"{tp:,}"
    assert parsed.column("compared", "On the card")["TP"][0] == f"{card['counts']['tp']:,}"


def test_pdf_by_suffix_and_charts_as_files(from_app, tmp_path, capsys) -> None:
    out = tmp_path / "report.pdf"
    charts = tmp_path / "charts"
    args = ["report", str(from_app.csv), "--card", str(from_app.card), "-o", str(out)]
    assert main([*args, "--charts", str(charts)]) == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF-")
    names = sorted(p.name for p in charts.iterdir())
    stems = ["base_rate", "confusion_matrix", "cost_curve", "pr_curve", "roc_curve"]
    assert names == sorted(f"{s}.{e}" for s in stems for e in ("png", "svg"))
    if shutil.which("pdfinfo") is None:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail("poppler-utils is needed: apt-get install poppler-utils", pytrace=False)
        pytest.skip("poppler-utils is needed to count the PDF's pages")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    # The decision and the data, the comparison, metrics, curves, costs, constraints.
    assert re.search(r"^Pages:\s+6$", info.stdout, re.M), info.stdout


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("suffix", 2, "must end in .html or .pdf"),
        ("missing", 1, "could not read"),
        ("not-json", 1, "not valid JSON"),
        ("column", 1, "does not have"),
    ],
)
def test_bad_input_gets_a_message_and_no_file(
    from_app, tmp_path, capsys, case, code, message
) -> None:
    data, card, out = from_app.csv, from_app.card, tmp_path / "r.html"
    if case == "suffix":
        out = tmp_path / "r.docx"
    elif case == "missing":
        data = tmp_path / "nope.csv"
    elif case == "not-json":
        card = tmp_path / "card.json"
        card.write_bytes(b"\x00 not json")
    elif case == "column":
        edited = json.loads(from_app.card.read_text())
        edited["columns"]["score"] = "nope"
        card = tmp_path / "card.json"
        card.write_text(json.dumps(edited))
    assert main(["report", str(data), "--card", str(card), "-o", str(out)]) == code
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err
    assert not out.exists()


def test_the_report_command_is_listed_in_the_help(capsys) -> None:
    assert main(["--help"]) == 0
    assert "report" in capsys.readouterr().out
    assert main(["report", "--help"]) == 0
    assert "--new-data" in capsys.readouterr().out


def test_an_unreadable_table_is_a_data_error(tmp_path, from_app, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    assert (
        main(["report", str(bad), "--card", str(from_app.card), "-o", str(tmp_path / "r.html")])
        == 1
    )
    assert "empty" in capsys.readouterr().err


def test_a_card_of_a_built_in_demo_matches_an_export_of_it(tmp_path, capsys) -> None:
    """The app fingerprints a demo by its table; a CSV or Parquet export has the same table."""
    from metrics_app.data import frame_fingerprint

    demo = load_demo("fraud")
    card = {
        "kind": "Threshold Lab operating point",
        "version": 1,
        "data": {"name": "Card fraud", "fingerprint": frame_fingerprint(demo)},
        "columns": {"label": "is_fraud", "score": "model_score", "positive_label": "fraud"},
        "threshold": 0.5,
        "settings": {},
    }
    (tmp_path / "card.json").write_text(json.dumps(card))
    path = tmp_path / "fraud.parquet"
    demo.to_parquet(path, index=False)
    out = tmp_path / "r.html"
    assert main(["report", str(path), "--card", str(tmp_path / "card.json"), "-o", str(out)]) == 0
    assert "of new data" not in capsys.readouterr().out
    assert parse_report(out.read_text(encoding="utf-8")).facts["Data"][0] == "Card fraud"
