"""The Tutorial page through AppTest: each section runs, its widgets move its numbers, and the
numbers shown equal scikit-learn's on the same generated data."""

import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    fbeta_score,
    matthews_corrcoef,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
    roc_auc_score,
)
from streamlit.testing.v1 import AppTest

from metrics_app.tutorial import f1 as f1_lesson
from metrics_app.tutorial import formulas, multiclass, paradox, pitfalls, roc_pr, trade_off
from metrics_app.tutorial import model as tut

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SECTIONS = (
    "1 · Accuracy paradox",
    "2 · Precision or recall?",
    "3 · Formulas",
    "4 · F1 and F-beta",
    "5 · Baselines",
    "6 · ROC or PR?",
    "7 · Pitfalls",
    "8 · Multiclass",
    "9 · Check yourself",
)


HEADERS = dict(
    zip(
        SECTIONS,
        (
            "The accuracy paradox",
            "Precision or recall?",
            "Formulas with the numbers in them",
            "F1 and F-beta",
            "Baselines, balanced metrics and kappa",
            "ROC or PR when positives are rare?",
            "Four pitfalls, demonstrated",
            "More than two classes: averaging",
            "Check yourself",
        ),
        strict=True,
    )
)


def _sk(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def pct(v: float, digits: int = 1) -> str:
    return f"{v:.{digits}%}"


def dec(v: float) -> str:
    return f"{round(v, 3) + 0.0:.3f}"


def tutorial(section: str | None = None) -> AppTest:
    """The app, switched to the Tutorial with ``section`` open (the first by default).

    Setting the tabs' key before their first run saves a run. (In AppTest, later
    assignments to that key are then ignored: use :func:`show` on a fresh app instead.)
    """
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/learn.py")
    if section is not None:
        at.session_state["section"] = section
    rerun(at)
    assert [h.value for h in at.header] == [HEADERS[section or SECTIONS[0]]]
    return at


def show(at: AppTest, section: str) -> None:
    at.session_state["section"] = section
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["section"] == section


def metrics(at: AppTest, label: str) -> list[str]:
    """Values of every metric card called ``label``, in page order."""
    return [m.value for m in at.metric if m.label == label]


def frame(at: AppTest, column: str):
    """The first data frame on the page that has ``column``."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no data frame with a {column!r} column")


def rerun(at: AppTest) -> None:
    at.run()
    assert not at.exception, [e.value for e in at.exception]


# --- every section ------------------------------------------------------------------------


def test_every_section_runs_and_only_the_open_one_is_drawn() -> None:
    at = tutorial()
    assert [t.label for t in at.tabs] == list(SECTIONS)
    for section in SECTIONS:
        show(at, section)
        # One section's header per run: the other tabs are not computed.
        assert [h.value for h in at.header] == [HEADERS[section]]
        assert any(b.key and b.key.startswith("explore_") for b in at.button), section


def test_next_button_opens_the_next_section() -> None:
    at = tutorial()
    at.button(key="next_0").click()
    rerun(at)
    assert at.session_state["section"] == SECTIONS[1]
    assert [h.value for h in at.header] == ["Precision or recall?"]


# --- 1. accuracy paradox ------------------------------------------------------------------


def test_paradox_slider_and_constructed_model_equal_sklearn() -> None:
    at = tutorial(SECTIONS[0])
    seen = []
    for percent in (1.0, 10.0, 0.1):
        at.select_slider(key="paradox_prevalence").set_value(percent)
        rerun(at)
        y = paradox.fraud_labels(paradox.PARADOX.n, percent / 100)
        pred = np.zeros_like(y)
        lazy_accuracy = metrics(at, "Accuracy")[0]
        assert lazy_accuracy == pct(accuracy_score(y, pred))
        assert metrics(at, "Recall on fraud")[0] == pct(recall_score(y, pred))
        assert metrics(at, "Fraud missed") == [f"{y.sum():,} of {y.sum():,}"]
        assert metrics(at, "Precision")[0] == "undefined"
        seen.append(lazy_accuracy)
    assert len(set(seen)) == 3
    # The constructed model below does not depend on the slider.
    lab = paradox.build_paradox_model().labelled
    assert metrics(at, "Accuracy")[1] == pct(accuracy_score(lab.y, lab.pred)) == "98.0%"
    assert metrics(at, "Recall on fraud")[1] == pct(recall_score(lab.y, lab.pred)) == "12.0%"
    assert metrics(at, "Precision")[1] == pct(precision_score(lab.y, lab.pred))
    never = np.zeros_like(lab.y)
    assert metrics(at, "Accuracy of “never fraud”") == [pct(accuracy_score(lab.y, never))]
    text = " ".join(m.value for m in at.markdown)
    assert f"**{lab.pred[lab.y].sum()}** fraud cases (TP)" in text
    assert f"**{(~lab.pred & lab.y).sum()} of {lab.y.sum()}**" in text


# --- 2. precision or recall ---------------------------------------------------------------


@pytest.mark.parametrize(("key", "index", "threshold"), [("spam", 0, 2.5), ("screening", 1, 0.2)])
def test_trade_off_sliders(key: str, index: int, threshold: float) -> None:
    at = tutorial(SECTIONS[1])
    c = trade_off.COST_SCENARIOS[key]
    d = tut.demo_scores(key, c.score)
    before = metrics(at, "Precision")[index], metrics(at, "Recall")[index]
    at.slider(key=f"{key}_threshold").set_value(threshold)
    rerun(at)
    flagged = d.scores >= threshold
    after = metrics(at, "Precision")[index], metrics(at, "Recall")[index]
    assert after == (pct(precision_score(d.y, flagged)), pct(recall_score(d.y, flagged)))
    assert after != before
    fp, fn = int((flagged & ~d.y).sum()), int((~flagged & d.y).sum())
    cost = fp * c.cost_fp + fn * c.cost_fn
    text = " ".join(m.value for m in at.markdown)
    assert f"= **{cost:,.0f}**" in text
    # The shortcut button moves the slider to the cheapest threshold.
    at.button(key=f"{key}_cheapest").click()
    rerun(at)
    best = trade_off.slider_costs(d, c).best_threshold
    assert at.slider(key=f"{key}_threshold").value == pytest.approx(best)


# --- 3. formulas --------------------------------------------------------------------------


def _matrix_counts(at) -> dict[str, int]:
    """Counts of the confusion matrix chart on the page, from the data sent to the browser."""
    import pyarrow as pa

    for el in at.get("vega_lite_chart"):
        for ds in el.proto.datasets:
            df = pa.ipc.open_stream(ds.data.data).read_pandas()
            if {"cell", "actual", "predicted", "count"} <= set(df.columns):
                return dict(zip(df["cell"], df["count"].astype(int), strict=True))
    raise AssertionError("no confusion matrix chart")


def test_formulas_follow_the_slider_and_equal_sklearn() -> None:
    at = tutorial(SECTIONS[2])
    d = tut.demo_scores("fraud", "model_score")
    shown = []
    for t in (0.5, 0.2):
        at.slider(key="formula_threshold_fraud").set_value(t)
        rerun(at)
        flagged = d.scores >= t
        latex = [el.value.removeprefix("$$\n").removesuffix("\n$$") for el in at.latex]
        assert latex == list(formulas.formula_latex(d.sweep.at(t)).values())
        assert latex[0].endswith(f"= {precision_score(d.y, flagged):.3f}")
        assert latex[1].endswith(f"= {recall_score(d.y, flagged):.3f}")
        assert latex[2].endswith(f"= {f1_score(d.y, flagged):.3f}")
        assert latex[4].endswith(f"= {accuracy_score(d.y, flagged):.3f}")
        # The counts are shown as a 2x2 matrix (its chart's data), not as cards.
        assert _matrix_counts(at) == {
            "TP": int((flagged & d.y).sum()),
            "FP": int((flagged & ~d.y).sum()),
            "FN": int((~flagged & d.y).sum()),
            "TN": int((~flagged & ~d.y).sum()),
        }
        shown.append(latex)
    assert shown[0] != shown[1]
    # Nothing flagged: precision is undefined, not 0.
    at.slider(key="formula_threshold_fraud").set_value(1.0)
    rerun(at)
    assert at.latex[0].value.removesuffix("\n$$").endswith(r"= \text{undefined}")
    # Another dataset brings its own slider.
    at.radio(key="formula_data").set_value("spam")
    rerun(at)
    assert at.slider(key="formula_threshold_spam").value == 0.0


# --- 4. F1 and baselines ------------------------------------------------------------------


def test_f1_sliders_and_sklearn() -> None:
    at = tutorial(SECTIONS[3])
    assert metrics(at, "F1") == ["0.181"]
    for precision, recall, beta in ((0.95, 0.10, 2.0), (0.5, 0.8, 0.5), (0.3, 0.3, 1.0)):
        at.slider(key="f1_precision").set_value(precision)
        at.slider(key="f1_recall").set_value(recall)
        at.select_slider(key="f1_beta").set_value(beta)
        rerun(at)
        p = f1_lesson.counts_for(precision, recall)
        y = np.r_[np.ones(p.tp + p.fn, bool), np.zeros(p.fp + p.tn, bool)]
        pred = np.r_[
            np.ones(p.tp, bool), np.zeros(p.fn, bool), np.ones(p.fp, bool), np.zeros(p.tn, bool)
        ]
        assert metrics(at, "Precision") == [dec(precision_score(y, pred))]
        assert metrics(at, "Recall") == [dec(recall_score(y, pred))]
        assert metrics(at, "F1") == [dec(f1_score(y, pred))]
        assert metrics(at, f"F-beta, β = {beta:g}") == [dec(fbeta_score(y, pred, beta=beta))]


def test_baselines_table_equals_sklearn() -> None:
    at = tutorial(SECTIONS[4])
    table = frame(at, "MCC")
    lab = paradox.build_paradox_model().labelled
    model, majority, rand = (table.iloc[i] for i in range(3))
    assert model["MCC"] == dec(matthews_corrcoef(lab.y, lab.pred))
    assert model["F1"] == dec(f1_score(lab.y, lab.pred))
    assert model["Accuracy"] == majority["Accuracy"] == "98.0%"
    assert majority["MCC"] == "undefined"
    assert majority["F1"] == dec(_sk(f1_score, lab.y, np.zeros_like(lab.y)))
    assert rand["MCC"] == "0.000"
    assert rand["Balanced accuracy"] == "50.0%"


# --- 5. ROC and PR ------------------------------------------------------------------------


def test_roc_pr_table_follows_widgets_and_equals_sklearn() -> None:
    at = tutorial(SECTIONS[5])
    for prevalence, t in ((0.01, 0.5), (0.1, 0.3)):
        at.select_slider(key="imbalance_prevalence").set_value(prevalence)
        at.slider(key="imbalance_threshold").set_value(t)
        rerun(at)
        table = frame(at, "ROC AUC")
        for row, prev in zip(table.itertuples(index=False), (0.5, prevalence), strict=True):
            s = roc_pr.imbalanced_set(prev)
            flagged = s.scores >= t
            assert row[table.columns.get_loc("ROC AUC")] == dec(roc_auc_score(s.y, s.scores))
            got = row[table.columns.get_loc("Precision at threshold")]
            assert got == pct(precision_score(s.y, flagged))
            assert row[table.columns.get_loc("Rows")] == f"{s.y.size:,}"
    # The lesson itself: ROC AUC barely moves, precision collapses.
    rare = roc_pr.imbalanced_set(0.01)
    bal = roc_pr.imbalanced_set(0.5)
    assert abs(roc_auc_score(rare.y, rare.scores) - roc_auc_score(bal.y, bal.scores)) < 0.02


# --- 6. pitfalls --------------------------------------------------------------------------


def test_leakage_toggle() -> None:
    at = tutorial(SECTIONS[6])
    study = pitfalls.leakage_study()
    for include, model in ((True, "leaky"), (False, "honest")):
        at.toggle(key="leak_include").set_value(include)
        rerun(at)
        v, f = study.results[(model, "validation")], study.results[(model, "fresh")]
        assert metrics(at, "Validation ROC AUC") == [dec(roc_auc_score(v.y, v.scores))]
        assert metrics(at, "Fresh-data ROC AUC") == [dec(roc_auc_score(f.y, f.scores))]
        flagged = f.scores >= study.thresholds[model]
        assert metrics(at, "Fresh-data F1") == [dec(_sk(f1_score, f.y, flagged, zero_division=0))]
    assert metrics(at, "Validation ROC AUC") != [
        dec(study.results[("leaky", "validation")].roc_auc)
    ]


def test_overfitting_slider() -> None:
    at = tutorial(SECTIONS[6])
    study = pitfalls.overfitting_study()
    seen = []
    for depth in (2, 12):
        at.slider(key="overfit_depth").set_value(depth)
        rerun(at)
        tr, te = study.predictions[depth]["train"], study.predictions[depth]["test"]
        assert metrics(at, "Train F1") == [dec(f1_score(study.train_y, tr))]
        assert metrics(at, "Test F1") == [dec(f1_score(study.test_y, te))]
        assert metrics(at, "Test accuracy") == [pct(accuracy_score(study.test_y, te))]
        seen.append(metrics(at, "Train F1"))
    assert seen[0] != seen[1]


def test_batch_size_slider_equals_sklearn_per_batch() -> None:
    at = tutorial(SECTIONS[6])
    key, score, t = pitfalls.BATCH_SOURCE
    d = tut.demo_scores(key, score)
    flagged = d.scores >= t
    whole = dec(f1_score(d.y, flagged))
    before = metrics(at, "Mean of batch F1, undefined left out")
    b = 1024
    at.select_slider(key="batch_size").set_value(b)
    rerun(at)
    per = np.array(
        [
            _sk(f1_score, d.y[i : i + b], flagged[i : i + b], zero_division=np.nan)
            for i in range(0, d.y.size, b)
        ]
    )
    assert metrics(at, "F1 of the whole set") == [whole]
    assert metrics(at, "Mean of batch F1, undefined left out") == [dec(np.nanmean(per))]
    assert metrics(at, "Mean of batch F1, undefined as 0") == [dec(np.nan_to_num(per).mean())]
    assert metrics(at, "Mean of batch F1, undefined left out") != before


# --- 7. multiclass ------------------------------------------------------------------------


def test_multiclass_slider_and_sklearn() -> None:
    at = tutorial(SECTIONS[7])
    labels = list(multiclass.TICKETS.classes)
    macro_seen = []
    for r in (0.3, 0.0):
        at.slider(key="rare_recall").set_value(r)
        rerun(at)
        y, pred = multiclass.ticket_predictions(r)
        per_class = frame(at, "Support")
        _, rec, f, s = _sk(
            precision_recall_fscore_support, y, pred, labels=labels, zero_division=np.nan
        )
        assert list(per_class["Class"]) == labels
        assert list(per_class["Recall"]) == [dec(v) for v in rec]
        assert list(per_class["F1"]) == [dec(v) for v in f]
        assert list(per_class["Support"]) == [f"{v:,}" for v in s]
        averages = frame(at, "Average").set_index("Average")
        for avg in ("macro", "micro", "weighted"):
            ap, _, af, _ = _sk(
                precision_recall_fscore_support,
                y,
                pred,
                labels=labels,
                average=avg,
                zero_division=np.nan,
            )
            assert averages.loc[avg, "F1"] == dec(af)
            assert averages.loc[avg, "Precision"] == dec(ap)
        macro_seen.append(averages.loc["macro", "F1"])
    assert macro_seen[0] != macro_seen[1]


# --- 8. self-check ------------------------------------------------------------------------


def test_quiz_answers_are_hidden_and_computed() -> None:
    # The self-check asks with an answer widget and a Check button; nothing is explained
    # before an answer is checked.
    at = tutorial(SECTIONS[8])
    assert len(at.main.radio) == 8
    assert not at.success
    assert not at.error
    lab = paradox.build_paradox_model().labelled
    ready = at.radio(key="answer_quiz_ready")
    assert "98% accuracy but 12% recall" in " ".join(m.value for m in at.markdown)
    right = next(o for o in ready.options if o.startswith("No"))
    ready.set_value(right)
    at.button(key="check_quiz_ready").click()
    rerun(at)
    answer = " ".join(s.value for s in at.success)
    assert f"misses {(lab.y & ~lab.pred).sum()} of {lab.y.sum()}" in answer
    p = f1_lesson.counts_for(0.95, 0.10)
    assert f"No, it is {p.f1:.2f}" in at.radio(key="answer_quiz_f1").options


# --- links to the explorer ----------------------------------------------------------------


def test_explorer_link_opens_the_demo_even_from_upload_mode() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.radio(key="source_mode").set_value("Upload a file")
    at.run()
    at.switch_page("pages/learn.py")
    at.session_state["section"] = SECTIONS[1]
    rerun(at)
    at.button(key="explore_trade_off_screening").click()
    rerun(at)
    # The callback put the sidebar on the demo, and the page switched to the explorer.
    # After an st.switch_page inside a run, AppTest shows no sidebar and its explorer run
    # does not see the new demo (a real browser does), so the explorer's content is checked
    # by test_explorer_link_in_a_browser below.
    assert at.session_state["source_mode"] == "Demo data"
    assert at.session_state["demo"] == "screening"
    assert [t.value for t in at.title] == ["Threshold explorer"]


# --- in a real browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_tutorial_in_a_browser() -> None:
    """Screenshots of every section, a fragment slider, and a link opened from upload mode.

    Saves ``artifacts/tutorial_<n>.png``. Skipped without Chromium (fails under CI=true).
    """
    import os
    import re
    from urllib.parse import quote_plus

    from tests.browser import harness

    exe = harness.find_chromium()
    if exe is None:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(harness.CHROMIUM_MISSING, pytrace=False)
        pytest.skip(harness.CHROMIUM_MISSING)
    from playwright.sync_api import expect, sync_playwright

    with harness.StreamlitServer() as server, sync_playwright() as pw:
        browser = harness.launch_chromium(pw, exe)
        page = browser.new_page(viewport=dict(harness.VIEWPORT))
        page.set_default_timeout(30_000)
        try:
            # The entry page first, as a visitor would.
            page.goto(f"{server.url}/")
            harness.wait_for_app(page)
            page.goto(f"{server.url}/learn")
            harness.wait_for_app(page)
            for n, section in enumerate(SECTIONS, start=1):
                page.get_by_role("tab", name=section).click()
                heading = page.get_by_role("heading", name=HEADERS[section], exact=True)
                expect(heading).to_be_visible(timeout=60_000)
                harness.wait_for_run(page)
                expect(page).to_have_url(re.compile(r"section=") if n > 1 else re.compile("."))
                harness.screenshot(page, f"tutorial_{n}.png")

            # Section 1 again: its prevalence slider lives in a fragment.
            page.goto(f"{server.url}/learn")
            harness.wait_for_app(page)
            accuracy = harness.metric_value(page, "Accuracy").first
            expect(accuracy).to_have_text("99.0%")
            page.get_by_test_id("stMain").get_by_role("slider").first.focus()
            page.keyboard.press("ArrowRight")  # 1% -> 2% fraud
            expect(accuracy).to_have_text("98.0%")

            # From "Upload a file", a section 2 link still opens its demo on the explorer.
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_text("Upload a file", exact=True).click()
            page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached")
            harness.wait_for_run(page)
            page.goto(f"{server.url}/learn?section={quote_plus(SECTIONS[1])}")
            harness.wait_for_app(page)
            page.get_by_role("button", name="Try it on the explorer: spam filter demo").click()
            expect(page.get_by_role("heading", name="Threshold explorer")).to_be_visible()
            caption = page.get_by_test_id("stMain").get_by_test_id("stCaptionContainer").first
            expect(caption).to_contain_text("Spam filter")
            expect(sidebar.get_by_role("radio", name="Demo data")).to_be_checked()
        except Exception:
            harness.screenshot(page, "failed_tutorial.png")
            print(server.log_tail())
            raise
        finally:
            browser.close()
