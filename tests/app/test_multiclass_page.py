"""The multiclass page driven through AppTest, every number checked against scikit-learn.

Data come from the built-in demos (chosen through session state before the first run) or
from uploads of ``predict_proba``-style files. AppTest cannot click a chart or edit a
table cell: the confusion matrix is read from the chart's data, and the cost table is
seeded with an edit state, as the browser would send it.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy.special import softmax
from sklearn import metrics as skm
from streamlit.testing.v1 import AppTest

from metrics_app.data.demo import load_demo
from metrics_app.multiclass import report
from metrics_app.shared import format as fmt
from metrics_app.shared import session

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGE = "pages/multiclass.py"
TABS = ("Decisions, matrix and report", "Curves and ranking", "One class against the rest")


# --- helpers ------------------------------------------------------------------------------


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _open(demo: str) -> AppTest:
    """The app on the multiclass page with a demo, after one run on the explorer."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["demo"] = demo
    _ok(at.run())
    at.switch_page(PAGE)
    return _ok(at.run())


def _upload(frame: pd.DataFrame, name: str = "model.csv") -> AppTest:
    """The multiclass page with ``frame`` uploaded as CSV (every digit of every float)."""
    at = AppTest.from_file(APP, default_timeout=120)
    _ok(at.run())
    at.radio(key="source_mode").set_value("Upload a file").run()
    data = frame.to_csv(index=False, float_format="%.17g").encode()
    _ok(at.file_uploader(key="upload").set_value((name, data, "text/csv")).run())
    at.switch_page(PAGE)
    return _ok(at.run())


def _tab(at: AppTest, name: str) -> AppTest:
    at.session_state["mc_tab"] = name
    return _ok(at.run())


def _widget(widgets, prefix: str):
    """The one widget whose key starts with ``prefix`` (keys carry the data's identity)."""
    (found,) = [w for w in widgets if w.key and w.key.startswith(prefix)]
    return found


def _rule(at: AppTest, kind: str) -> AppTest:
    return _ok(_widget(at.segmented_control, "mc_rule::").set_value(kind).run())


def _cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(at: AppTest) -> list[str]:
    return [m.value for m in (*at.markdown, *at.caption, *at.error, *at.info, *at.warning)]


def _said(at: AppTest, text: str) -> bool:
    """Whether some text element says ``text`` (Markdown escapes removed)."""
    return any(text in t.replace("\\", "") for t in _texts(at))


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _matrix(at: AppTest, names: list[str]) -> pd.DataFrame:
    """The counts drawn in the confusion-matrix chart: actual x predicted."""
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        if spec.get("layer", [{}])[0].get("mark", {}).get("type") != "rect":
            continue
        (ds,) = [d for d in el.proto.datasets if d.name == spec["data"]["name"]]
        cells = pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
        table = cells.pivot(index="actual", columns="predicted", values="count")
        return table.loc[names, [c for c in cells["predicted"].unique()]]
    raise AssertionError("no confusion matrix on the page")


def _cells(at: AppTest) -> pd.DataFrame:
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        if spec.get("layer", [{}])[0].get("mark", {}).get("type") == "rect":
            (ds,) = [d for d in el.proto.datasets if d.name == spec["data"]["name"]]
            return pa.ipc.open_stream(ds.data.data).read_all().to_pandas()
    raise AssertionError("no confusion matrix on the page")


def _expect_labels(at: AppTest, y, pred, labels: list, names: list[str]) -> None:
    """Cards, matrix and report equal scikit-learn's on the raw labels."""
    cards = _cards(at)
    assert cards["Accuracy"] == fmt.metric_value(skm.accuracy_score(y, pred), percent=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undecided rows: "y_pred contains classes not in y_true"
        balanced = skm.balanced_accuracy_score(y, pred)
    assert cards["Balanced accuracy"] == fmt.metric_value(balanced, percent=True)
    assert cards["Cohen's κ"] == fmt.decimal(skm.cohen_kappa_score(y, pred))
    assert cards["MCC"] == fmt.decimal(skm.matthews_corrcoef(y, pred))
    expected = skm.confusion_matrix(y, pred, labels=labels)
    matrix = _matrix(at, names)
    np.testing.assert_array_equal(matrix[names].to_numpy(), expected)
    sk = skm.classification_report(
        y, pred, labels=labels, target_names=names, output_dict=True, zero_division=np.nan
    )
    table = _table(at, "Undecided")
    assert list(table["Class"]) == names
    for name, (_, row) in zip(names, table.iterrows(), strict=True):
        assert row["Precision"] == fmt.decimal(sk[name]["precision"])
        assert row["Recall"] == fmt.decimal(sk[name]["recall"])
        assert row["F1"] == fmt.decimal(sk[name]["f1-score"])
        assert row["Support"] == fmt.count(sk[name]["support"])
    averages = _table(at, "Average").set_index("Average")
    for heading in ("macro avg", "weighted avg"):
        assert averages.loc[heading, "F1"] == fmt.decimal(sk[heading]["f1-score"])
        assert averages.loc[heading, "Precision"] == fmt.decimal(sk[heading]["precision"])
    if "accuracy" in sk:
        assert averages.loc["accuracy", "F1"] == fmt.decimal(sk["accuracy"])
    else:
        assert averages.loc["micro avg", "Recall"] == fmt.decimal(sk["micro avg"]["recall"])


def _expect_ranking(at: AppTest, y, s: np.ndarray, labels: list) -> None:
    _tab(at, TABS[1])
    cards = _cards(at)
    assert cards["ROC AUC, macro"] == fmt.decimal(skm.roc_auc_score(y, s, multi_class="ovr"), 4)
    weighted = skm.roc_auc_score(y, s, multi_class="ovr", average="weighted")
    assert cards["ROC AUC, weighted"] == fmt.decimal(weighted, 4)
    micro = skm.roc_auc_score(y, s, multi_class="ovr", average="micro")
    assert cards["ROC AUC, micro"] == fmt.decimal(micro, 4)
    assert cards["ROC AUC, one-vs-one"] == fmt.decimal(
        skm.roc_auc_score(y, s, multi_class="ovo"), 4
    )
    indicator = np.asarray(y)[:, None] == np.asarray(labels)[None, :]
    for average in ("macro", "micro"):
        ap = skm.average_precision_score(indicator, s, average=average)
        assert cards[f"AP, {average}"] == fmt.decimal(ap, 4)
    assert cards["Log loss"] == fmt.decimal(skm.log_loss(y, s, labels=labels), 4)
    for k in range(1, len(labels)):
        _ok(_widget(at.number_input, "mc_topk::").set_value(k).run())
        top = skm.top_k_accuracy_score(y, s, k=k, labels=labels)
        assert _cards(at)[f"Top-{k} accuracy"] == fmt.metric_value(top, percent=True)
    per_class = _table(at, "ROC AUC")
    for j, label in enumerate(labels):
        auc = skm.roc_auc_score(np.asarray(y) == label, s[:, j])
        assert per_class["ROC AUC"].iloc[j] == fmt.decimal(auc, 4)
    _tab(at, TABS[0])


def _animals(n: int = 300, seed: int = 1) -> pd.DataFrame:
    """A predict_proba-style file with string classes and three naming styles."""
    rng = np.random.default_rng(seed)
    classes = np.array(["cat", "dog", "fox"])
    y = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    logits = rng.normal(size=(n, 3))
    logits[np.arange(n), y] += 1.3
    logits[:, 2] += 0.4 * (y == 1)  # dogs often look like foxes
    p = softmax(logits, axis=1)
    return pd.DataFrame(
        {"y_true": classes[y], "p_cat": p[:, 0], "dog_proba": p[:, 1], "score_fox": p[:, 2]}
    )


ANIMALS = ["cat", "dog", "fox"]
ANIMAL_COLUMNS = ["p_cat", "dog_proba", "score_fox"]


# --- the numbers ----------------------------------------------------------------------------


def test_digits_demo_equals_sklearn() -> None:
    frame = load_demo("digits")
    y = frame["digit"].to_numpy()
    s = frame[[f"p_{d}" for d in range(10)]].to_numpy()
    at = _open("digits")
    cards = _cards(at)
    assert cards["Rows used"] == "899"
    assert cards["Classes"] == "10"
    assert cards["Scores"] == "probabilities"
    labels = list(range(10))
    names = [str(d) for d in labels]
    _expect_labels(at, y, s.argmax(axis=1), labels, names)
    _expect_ranking(at, y, s, labels)
    pairs = _table(at, "Predicted as")
    assert list(pairs.iloc[0][["Actual", "Predicted as"]]) == ["8", "1"]


def test_uploaded_predict_proba_with_string_classes_equals_sklearn() -> None:
    frame = _animals()
    at = _upload(frame)
    picked = {s.label: s.value for s in at.selectbox}
    assert [picked[f"Scores of **{c}**"] for c in ANIMALS] == ANIMAL_COLUMNS
    y, s = frame["y_true"].to_numpy(), frame[ANIMAL_COLUMNS].to_numpy()
    assert _said(at, "Probabilities: every row sums to 1")
    _expect_labels(at, y, np.array(ANIMALS)[s.argmax(axis=1)], ANIMALS, ANIMALS)
    _expect_ranking(at, y, s, ANIMALS)


def test_normalised_matrix_equals_sklearn() -> None:
    frame = load_demo("tickets")
    y, pred = frame["team"], frame["predicted_team"]
    names = ["account", "billing", "technical"]
    at = _open("tickets")
    for how in ("true", "pred", "all"):
        _ok(at.segmented_control(key="mc_normalise").set_value(how).run())
        cells = _cells(at).pivot(index="actual", columns="predicted", values="value")
        expected = skm.confusion_matrix(y, pred, labels=names, normalize=how)
        np.testing.assert_allclose(cells.loc[names, names].to_numpy(), expected, rtol=1e-12)


# --- decision rules against brute force -----------------------------------------------------


def _tickets() -> tuple[np.ndarray, np.ndarray, list[str]]:
    frame = load_demo("tickets")
    names = ["account", "billing", "technical"]
    return frame["team"].to_numpy(), frame[[f"p_{n}" for n in names]].to_numpy(), names


def _with_undecided(names: list[str], index: list[int]) -> np.ndarray:
    return np.array([names[i] if i >= 0 else "(no class)" for i in index], dtype=object)


def test_per_class_thresholds_against_brute_force() -> None:
    y, s, names = _tickets()
    at = _rule(_open("tickets"), "thresholds")
    thresholds = [0.3, 0.9, 0.6]
    for i, t in enumerate(thresholds):
        (box,) = [w for w in at.number_input if w.key.startswith("mc_thr::") and
                  w.key.endswith(f"::{i}")]  # fmt: skip
        _ok(box.set_value(t).run())
    _ok(_widget(at.radio, "mc_fallback::").set_value("abstain").run())
    brute = []
    for row in s:
        ok = [j for j in range(3) if row[j] >= thresholds[j]]
        brute.append(max(ok, key=lambda j: (row[j], -j)) if ok else -1)
    pred = _with_undecided(names, brute)
    _expect_labels(at, y, pred, names, names)
    undecided = sum(b < 0 for b in brute)
    assert undecided > 0
    assert _cards(at)["Undecided"] == f"{fmt.count(undecided)} ({fmt.share(undecided / len(y))})"
    assert list(_matrix(at, names)[report.UNDECIDED]) == [
        int(sum(1 for t, b in zip(y, brute, strict=True) if b < 0 and t == n)) for n in names
    ]


def test_cost_matrix_against_brute_force() -> None:
    y, s, names = _tickets()
    at = _rule(_open("tickets"), "cost")
    editor = _widget(at.data_editor, "mc_cost::")
    # Calling an account ticket "technical" costs 5: account wins more of the doubtful rows.
    at.session_state[editor.key] = {
        "edited_rows": {0: {"technical": 5.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    _ok(at.run())
    costs = np.array([[0, 1, 5], [1, 0, 1], [1, 1, 0]], dtype=float)
    brute = [min(range(3), key=lambda j: (sum(row[i] * costs[i, j] for i in range(3)), j))
             for row in s]  # fmt: skip
    pred = np.array(names)[brute]
    _expect_labels(at, y, pred, names, names)
    total = sum(costs[names.index(t), b] for t, b in zip(y, brute, strict=True))
    argmax = sum(costs[names.index(t), b] for t, b in zip(y, s.argmax(axis=1), strict=True))
    cards = _cards(at)
    assert cards["Total cost"] == fmt.money(total)
    assert cards["Total cost, highest score"] == fmt.money(argmax)
    assert total < argmax
    assert _said(at, "calibrated")


def test_abstention_against_brute_force() -> None:
    y, s, names = _tickets()
    at = _rule(_open("tickets"), "abstain")
    _ok(_widget(at.slider, "mc_abstain::").set_value(0.7).run())
    brute = [int(np.argmax(row)) if row.max() >= 0.7 else -1 for row in s]
    _expect_labels(at, y, _with_undecided(names, brute), names, names)
    decided = np.array(brute) >= 0
    right = (np.array(names)[s.argmax(axis=1)] == y)[decided].mean()
    assert _cards(at)["Accuracy when decided"] == fmt.metric_value(right, percent=True)
    charts = [json.loads(el.proto.spec) for el in at.get("vega_lite_chart")]
    assert any("coverage" in json.dumps(c) for c in charts)


def test_predicted_class_column_rule() -> None:
    frame = load_demo("tickets")
    names = ["account", "billing", "technical"]
    at = _rule(_open("tickets"), "column")
    _expect_labels(at, frame["team"], frame["predicted_team"], names, names)


# --- inputs that need a message, and only a message ------------------------------------------


def _error(at: AppTest) -> str:
    """The page's one error message, Markdown escapes removed (it quotes user text)."""
    (error,) = [e.value for e in at.error]
    return error.replace("\\", "")


def test_one_score_column_for_three_classes() -> None:
    frame = _animals()[["y_true", "p_cat"]]
    assert "Only one score column ('p_cat')" in _error(_upload(frame))


def test_a_class_without_a_score_column() -> None:
    frame = _animals().rename(columns={"score_fox": "model_3"})
    error = _error(_upload(frame))
    assert "1 of the 3 classes have no score column: 'fox'" in error
    assert "matching table" in error


def test_probabilities_claimed_for_logits() -> None:
    frame = _animals()
    frame[ANIMAL_COLUMNS] = np.log(frame[ANIMAL_COLUMNS])
    at = _upload(frame)
    assert _cards(at)["Scores"] == "scores, not probabilities"
    assert _said(at, "not to 1: these are scores or logits")
    # Scores keep every rule but the cost matrix: abstain on the logits' own scale.
    _rule(at, "abstain")
    cut = _widget(at.slider, "mc_abstain::").value
    s = frame[ANIMAL_COLUMNS].to_numpy()
    undecided = int((s.max(axis=1) < cut).sum())
    assert _cards(at)["Undecided"].startswith(f"{fmt.count(undecided)} (")
    _rule(at, "argmax")
    _ok(_widget(at.radio, "mc_kind::").set_value("probability").run())
    assert "values are negative" in _error(at)
    frame = _animals()
    frame[ANIMAL_COLUMNS] = frame[ANIMAL_COLUMNS] * 0.5
    at = _upload(frame)
    _ok(_widget(at.radio, "mc_kind::").set_value("probability").run())
    assert "rows do not sum to 1" in _error(at)


def test_softmax_is_offered_and_applied_only_when_asked() -> None:
    frame = _animals()
    logits = frame.copy()
    logits[ANIMAL_COLUMNS] = np.log(frame[ANIMAL_COLUMNS]) + 2.0
    at = _upload(logits)
    _tab(at, TABS[1])
    assert _cards(at)["Log loss"] == fmt.UNDEFINED
    _tab(at, TABS[0])
    _rule(at, "cost")
    assert _said(at, "Turn on the softmax")
    _ok(_widget(at.toggle, "mc_softmax::").set_value(True).run())
    assert _cards(at)["Scores"] == "probabilities"
    y = frame["y_true"].to_numpy()
    s = softmax(logits[ANIMAL_COLUMNS].to_numpy(), axis=1)
    _tab(at, TABS[1])
    assert _cards(at)["Log loss"] == fmt.decimal(skm.log_loss(y, s, labels=ANIMALS), 4)


def test_too_many_and_two_classes() -> None:
    rng = np.random.default_rng(0)
    many = pd.DataFrame({"label": np.arange(120) % 60, "score": rng.random(120)})
    assert "has 60 classes; this page handles at most 50" in _error(_upload(many))
    two = pd.DataFrame({"label": ["a", "b"] * 20, "p_a": rng.random(40)})
    at = _upload(two)
    assert any("two classes: the binary pages are the place" in m.value for m in at.info)
    assert [link.label for link in at.get("page_link")][:1] == ["Threshold explorer"]


def test_missing_cells_are_excluded_and_counted() -> None:
    frame = _animals()
    frame.loc[[0, 1], "dog_proba"] = np.nan
    frame.loc[2, "y_true"] = None
    at = _upload(frame)
    assert _cards(at)["Rows excluded"] == "3"
    (warning,) = [w.value for w in at.warning]
    assert "3 of 300 rows were excluded: 1 with missing label, 2 with missing score" in warning
    kept = frame.dropna()
    pred = np.array(ANIMALS)[kept[ANIMAL_COLUMNS].to_numpy().argmax(axis=1)]
    _expect_labels(at, kept["y_true"], pred, ANIMALS, ANIMALS)


def test_hard_predictions_only() -> None:
    frame = load_demo("tickets")[["team", "predicted_team"]].rename(
        columns={"predicted_team": "routed_to"}  # not named like a prediction: not guessed
    )
    at = _upload(frame)
    assert "no predicted-class column is chosen" in _error(at)
    _ok(_widget(at.selectbox, "mc_pred::").set_value("routed_to").run())
    assert _cards(at)["Scores"] == "predicted classes only"
    names = ["account", "billing", "technical"]
    _expect_labels(at, frame["team"], frame["routed_to"], names, names)
    _rule(at, "thresholds")
    assert any("needs one score column per class" in m.value for m in at.info)
    _tab(at, TABS[1])
    assert any("need one score column per class" in m.value for m in at.info)


def test_user_text_is_shown_as_text() -> None:
    frame = _animals().replace({"y_true": {"cat": "<b>x</b>", "dog": "a*b_c"}})
    frame = frame.rename(columns={"p_cat": "p_<b>x</b>", "dog_proba": "score_a*b_c"})
    at = _upload(frame)
    _ok(at)
    for text in _texts(at):
        assert "<b>" not in text, text
    labels = [s.label for s in at.selectbox if s.label.startswith("Scores of")]
    assert "Scores of **\\<b\\>x\\</b\\>**" in labels
    table = _table(at, "Undecided")
    assert "<b>x</b>" in set(table["Class"])
    assert "a*b_c" in set(table["Class"])
    assert not [m for m in at.markdown if m.proto.allow_html]


# --- drill-down -------------------------------------------------------------------------------


def test_pick_a_class_for_the_binary_pages() -> None:
    at = _tab(_open("tickets"), TABS[2])
    _ok(_widget(at.selectbox, "mc_drill::").set_value(1).run())  # billing
    _ok(at.button(key="mc_drill_go").click().run())
    assert at.session_state[session.positive_key("demo:tickets", "team")] == "billing"
    assert at.session_state[session.score_key("demo:tickets")] == "p_billing"
    assert any("now analyse **billing**" in t and "**p\\_billing**" in t for t in _texts(at))
    assert {"Threshold explorer", "Curves", "Operating point"} <= {
        link.label for link in at.get("page_link")
    }
    at.switch_page("pages/explore.py")
    _ok(at.run())
    frame = load_demo("tickets")
    positives = (frame["team"] == "billing").sum()
    assert _cards(at)["Positives (billing)"] == f"{positives:,}"
    assert not math.isnan(float(_cards(at)["F1"]))


def test_many_classes_are_matched_in_one_table() -> None:
    rng = np.random.default_rng(4)
    names = [f"k{i:02d}" for i in range(25)]
    y = rng.integers(0, 25, 2_000)
    logits = rng.normal(size=(2_000, 25))
    logits[np.arange(2_000), y] += 2.0
    p = softmax(logits, axis=1)
    frame = pd.DataFrame({"label": np.array(names)[y]})
    for j, name in enumerate(names):
        frame[f"{name}_proba"] = p[:, j]
    at = _upload(frame)
    editor = _widget(at.data_editor, "mc_cols::")
    assert list(editor.value["Score column"]) == [f"{n}_proba" for n in names]
    _expect_labels(at, frame["label"], np.array(names)[p.argmax(axis=1)], names, names)
    at.session_state[editor.key] = {
        "edited_rows": {3: {"Score column": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    _ok(at.run())
    assert "1 of the 25 classes have no score column: 'k03'" in _error(at)


@pytest.mark.parametrize(
    ("demo", "notice"),
    [("digits", "has 10 classes"), ("tickets", "has 3 classes")],
)
@pytest.mark.parametrize(
    "page", ["pages/explore.py", "pages/roc-pr.py", "pages/operating-point.py"]
)
def test_binary_pages_show_one_class_against_the_rest(demo: str, notice: str, page: str) -> None:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["demo"] = demo
    _ok(at.run())
    at.switch_page(page)
    _ok(at.run())
    assert _said(at, notice)
    assert _said(at, "against the other")
