"""The multiclass page's values against scikit-learn and brute force, without Streamlit.

Label metrics are compared with scikit-learn on the raw labels (string and integer classes,
undecided rows written as a value that is no class); decision rules with a loop over rows;
one-vs-rest areas and averages with scikit-learn's own calls. NaN-ness is compared too.
"""

from __future__ import annotations

import json
import math
import warnings
from io import StringIO

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import softmax
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from metrics_app.data import DataError
from metrics_app.data.demo import load_demo
from metrics_app.multiclass import charts, model, report
from metrics_app.multiclass.model import Rule

prop = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
NO_CLASS = "__no class__"  # how an undecided row is written for scikit-learn


def _same(ours: float, theirs: float, rtol: float = 1e-12) -> None:
    """Equal to floating-point precision, NaN where scikit-learn has NaN."""
    assert math.isnan(ours) == math.isnan(theirs), (ours, theirs)
    if not math.isnan(theirs):
        assert ours == pytest.approx(theirs, rel=rtol, abs=1e-15)


def _same_report(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for key, value in theirs.items():
        if isinstance(value, dict):
            for field, v in value.items():
                _same(ours[key][field], v)
        else:
            _same(ours[key], value)


def _frame(n: int = 300, k: int = 4, seed: int = 0, names: list | None = None) -> pd.DataFrame:
    """Labels and predict_proba-like columns ``p_<class>`` of a noisy model."""
    rng = np.random.default_rng(seed)
    classes = names or [f"c{i}" for i in range(k)]
    y = rng.integers(0, len(classes), n)
    logits = rng.normal(size=(n, len(classes)))
    logits[np.arange(n), y] += 1.2
    p = softmax(logits, axis=1)
    frame = pd.DataFrame({"label": np.asarray(classes, dtype=object)[y]})
    for j, c in enumerate(classes):
        frame[f"p_{c}"] = p[:, j]
    return frame


def _columns(frame: pd.DataFrame, classes: list) -> dict:
    return {c: f"p_{c}" for c in classes}


def _analyse(frame: pd.DataFrame, classes: list, **kw) -> model.MulticlassAnalysis:
    return model.analyse_multiclass(
        frame, key="test", label="label", columns=_columns(frame, classes), **kw
    )


# --- matching by name ---------------------------------------------------------------------


def test_score_columns_are_matched_by_name() -> None:
    frame = pd.DataFrame(
        {
            "y": ["cat", "dog", "fox", "2"],
            "p_cat": [0.1] * 4,
            "score_dog": [0.1] * 4,
            "fox_proba": [0.1] * 4,
            "prob_2": [0.1] * 4,
            "weight_kg": [1.0] * 4,
            "y_pred": ["cat", "dog", "fox", "2"],
        }
    )
    m = model.guess_matching(frame, "y", ["2", "cat", "dog", "fox"])
    assert m.columns == ("prob_2", "p_cat", "score_dog", "fox_proba")
    assert m.prediction == "y_pred"
    assert "weight_kg" in m.options
    assert "y_pred" not in m.options


def test_bare_class_names_and_numbers_are_matched() -> None:
    frame = pd.DataFrame({"label": [0, 1, 2], "0": [0.5] * 3, "1": [0.3] * 3, "2": [0.2] * 3})
    assert model.guess_matching(frame, "label", [0, 1, 2]).columns == ("0", "1", "2")
    frame = pd.DataFrame({"label": ["a", "b", "c"], "a": [1.0] * 3, "b": [0.0] * 3})
    assert model.guess_matching(frame, "label", ["a", "b", "c"]).columns == ("a", "b", None)


def test_a_prediction_column_must_hold_classes() -> None:
    frame = pd.DataFrame({"label": [0, 1, 2], "pred_score": [0.1, 0.7, 0.3]})
    assert model.guess_matching(frame, "label", [0, 1, 2]).prediction is None


# --- the validation boundary --------------------------------------------------------------


def test_prepare_keeps_classes_sorted_and_scores_as_given() -> None:
    frame = _frame(names=["fox", "cat", "dog"])
    data = model.prepare_multiclass(frame, "label", _columns(frame, ["fox", "cat", "dog"]))
    assert data.classes == ("cat", "dog", "fox")
    assert data.kind == "probability"
    assert data.transform == "none"
    assert_array_equal(data.scores, frame[["p_cat", "p_dog", "p_fox"]].to_numpy())
    assert_array_equal(np.asarray(data.classes)[data.y], frame["label"].to_numpy())
    assert not data.y.flags.writeable
    assert not data.scores.flags.writeable


def test_rows_with_missing_values_are_excluded_and_counted() -> None:
    frame = _frame(n=40, k=3)
    frame.loc[0, "label"] = None
    frame.loc[1, "label"] = "  "
    frame.loc[2, "p_c1"] = np.nan
    frame.loc[3, "p_c2"] = np.inf
    frame.loc[[0, 4], "p_c0"] = np.nan  # row 0 counts once, under its first reason
    frame["pred"] = frame["label"].fillna("c0").replace("  ", "c0")
    frame.loc[5, "pred"] = None
    data = model.prepare_multiclass(
        frame, "label", _columns(frame, ["c0", "c1", "c2"]), prediction="pred"
    )
    assert data.excluded == {
        "missing label": 2,
        "missing score": 2,
        "non-finite score (inf)": 1,
        "missing prediction": 1,
    }
    assert data.n_used == 34
    assert data.n_rows_read == 40
    assert data.n_excluded == 6


@pytest.mark.parametrize(
    ("change", "kw", "message"),
    [
        (lambda f, c: c.update(c0=None), {}, r"1 of the 3 classes have no score column: 'c0'"),
        (lambda f, c: c.update(c1="p_c0"), {}, r"matched to two classes"),
        (lambda f, c: c.update(c0="label"), {}, r"label column 'label' is also matched"),
        (lambda f, c: c.update(c0=None, c1=None), {}, r"Only one score column \('p_c2'\)"),
        (lambda f, c: c.update(nope="p_c0"), {}, r"classes that are not in the label column"),
        (lambda f, c: c.clear(), {}, r"No score column is matched to any class"),
        (lambda f, c: f.__setitem__("p_c0", "x"), {}, r"not numeric"),
        (
            lambda f, c: f.__setitem__("p_c0", f["p_c0"] - 0.5),
            {"kind": "probability"},
            r"values are negative .* If these are scores or logits",
        ),
        (
            lambda f, c: f.__setitem__("p_c0", f["p_c0"] + 1),
            {"kind": "probability"},
            r"values are above 1",
        ),
        (
            lambda f, c: f.__setitem__("p_c0", f["p_c0"] / 2),
            {"kind": "probability"},
            r"rows do not sum to 1 \(row sums range",
        ),
        (lambda f, c: None, {"softmax": True}, r"already hold probabilities"),
        (lambda f, c: None, {"prediction": "nope"}, r"prediction column 'nope' is not in the file"),
        (
            lambda f, c: f.__setitem__("pred", "zebra"),
            {"prediction": "pred"},
            r"not classes of the label column \(for example 'zebra'\)",
        ),
        (lambda f, c: f.__setitem__("p_c0", np.nan), {}, r"No usable rows: all 30 rows"),
    ],
)
def test_bad_inputs_say_what_is_wrong_and_how_to_fix_it(change, kw, message) -> None:
    frame = _frame(n=30, k=3)
    columns = _columns(frame, ["c0", "c1", "c2"])
    change(frame, columns)
    with pytest.raises(DataError, match=message):
        model.prepare_multiclass(frame, "label", columns, **kw)


def test_too_many_or_too_few_classes() -> None:
    many = pd.DataFrame({"label": np.arange(60), "s": 0.5})
    with pytest.raises(DataError, match=r"has 60 classes; this page handles at most 50"):
        model.prepare_multiclass(many, "label", {0: "s"})
    two = pd.DataFrame({"label": ["a", "b"], "p_a": [0.4, 0.7], "p_b": [0.6, 0.3]})
    with pytest.raises(DataError, match=r"2 class\(es\).*threshold explorer"):
        model.prepare_multiclass(two, "label", {"a": "p_a", "b": "p_b"})
    clash = pd.DataFrame({"label": ["a", "b", "macro avg"], "pred": ["a", "a", "b"]})
    with pytest.raises(DataError, match=r"named 'macro avg'"):
        model.prepare_multiclass(clash, "label", {}, prediction="pred")


def test_one_class_left_after_exclusions() -> None:
    frame = _frame(n=30, k=3)
    frame.loc[frame["label"] != "c0", "p_c1"] = np.nan
    with pytest.raises(DataError, match=r"Only one class is left"):
        model.prepare_multiclass(frame, "label", _columns(frame, ["c0", "c1", "c2"]))


def test_detection_softmax_and_rounded_probabilities() -> None:
    frame = _frame(n=50, k=3)
    cols = _columns(frame, ["c0", "c1", "c2"])
    raw = frame[list(cols.values())].to_numpy()
    logits = frame.copy()
    logits[list(cols.values())] = np.log(raw) + 3.0  # rows no longer sum to 1
    data = model.prepare_multiclass(logits, "label", cols)
    assert data.kind == "score"
    assert data.transform == "none"
    soft = model.prepare_multiclass(logits, "label", cols, softmax=True)
    assert soft.kind == "probability"
    assert soft.transform == "softmax"
    assert_allclose(soft.scores, raw, rtol=1e-12)
    rounded = frame.round({c: 4 for c in cols.values()})
    data = model.prepare_multiclass(rounded, "label", cols)
    assert data.kind == "probability"
    assert data.transform == "normalised"
    assert_allclose(data.scores.sum(axis=1), 1.0, rtol=1e-15)
    assert "divided by its sum" in report.scores_sentence(data)
    forced = model.prepare_multiclass(frame, "label", cols, kind="score")
    assert forced.kind == "score"


def test_integer_labels_match_text_keys() -> None:
    frame = load_demo("digits")
    columns = {str(d): f"p_{d}" for d in range(10)}  # "3" names the class 3
    data = model.prepare_multiclass(frame, "digit", columns, prediction="predicted")
    assert data.classes == tuple(range(10))
    assert_array_equal(data.predicted, frame["predicted"].to_numpy())


# --- label metrics against scikit-learn ---------------------------------------------------


@st.composite
def labellings(draw):
    k = draw(st.integers(3, 12))
    n = draw(st.integers(2, 60))
    text = draw(st.booleans())
    y = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    pred = draw(st.lists(st.integers(-1, k - 1), min_size=n, max_size=n))
    if len(set(y)) < 2:
        y[0], y[1] = 0, 1
    names = [f"class {i}" for i in range(k)] if text else [str(i) for i in range(k)]
    return np.array(y), np.array(pred), names, text


@prop
@given(case=labellings())
def test_label_metrics_equal_sklearn(case) -> None:
    y, pred, names, text = case
    k = len(names)
    result = model.label_outcome(y, pred, names)
    classes = np.array(names, dtype=object) if text else np.arange(k)
    y_raw = classes[y]
    no_class = NO_CLASS if text else -1
    p_raw = np.array([classes[p] if p >= 0 else no_class for p in pred], dtype=classes.dtype)
    labels = list(classes)
    expected = skm.classification_report(
        y_raw, p_raw, labels=labels, target_names=names, output_dict=True,
        zero_division=np.nan,
    )  # fmt: skip
    _same_report(result.report, expected)
    assert_array_equal(result.matrix[:, :k], skm.confusion_matrix(y_raw, p_raw, labels=labels))
    assert_array_equal(result.matrix[:, k], np.bincount(y[pred < 0], minlength=k))
    _same(result.accuracy, skm.accuracy_score(y_raw, p_raw))
    _same(result.kappa, skm.cohen_kappa_score(y_raw, p_raw))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        balanced = skm.balanced_accuracy_score(y_raw, p_raw)
        mcc = skm.matthews_corrcoef(y_raw, p_raw)
    _same(result.balanced_accuracy, balanced)
    # scikit-learn writes an undefined MCC (one predicted class) as 0; ours is NaN.
    if len(set(p_raw.tolist())) > 1:
        _same(result.mcc, mcc)
    else:
        assert math.isnan(result.mcc)
    decided = pred >= 0
    if decided.any():
        _same(result.decided_accuracy, skm.accuracy_score(y_raw[decided], p_raw[decided]))
    for how in ("true", "pred", "all"):
        full = skm.confusion_matrix(y_raw, p_raw, labels=[*labels, no_class], normalize=how)
        assert_allclose(result.normalised(how), full[:k], rtol=1e-12)


# --- decision rules against brute force ---------------------------------------------------

GRID = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 1.0])


@st.composite
def scored(draw):
    k = draw(st.integers(3, 8))
    n = draw(st.integers(k, 40))
    raw = np.array(draw(st.lists(st.lists(GRID, min_size=k, max_size=k), min_size=n,
                                 max_size=n))) + 0.01  # fmt: skip
    p = raw / raw.sum(axis=1, keepdims=True)
    y = np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)))
    y[:k] = np.arange(k)  # every class has a row
    frame = pd.DataFrame({"label": y})
    for j in range(k):
        frame[f"p_{j}"] = p[:, j]
    an = model.analyse_multiclass(
        frame, key="x", label="label", columns={j: f"p_{j}" for j in range(k)}
    )
    return an, p, y


def _brute(p: np.ndarray, choose) -> np.ndarray:
    return np.array([choose(row) for row in p])


def _argmax(row) -> int:
    return max(range(len(row)), key=lambda j: (row[j], -j))


@prop
@given(case=scored(), data=st.data(), fallback=st.sampled_from(["argmax", "abstain"]))
def test_per_class_thresholds_brute_force(case, data, fallback) -> None:
    an, p, _y = case
    k = p.shape[1]
    t = tuple(data.draw(st.lists(GRID, min_size=k, max_size=k)))

    def choose(row):
        ok = [j for j in range(k) if row[j] >= t[j]]
        if ok:
            return max(ok, key=lambda j: (row[j], -j))
        return _argmax(row) if fallback == "argmax" else -1

    rule = Rule("thresholds", thresholds=t, fallback=fallback)
    expected = _brute(an.data.scores, choose)
    assert_array_equal(model.predict(an, rule), expected)
    result = model.outcome(an, rule)
    assert result.n_undecided == int((expected < 0).sum())


@prop
@given(case=scored(), data=st.data())
def test_cost_rule_brute_force(case, data) -> None:
    an, p, y = case
    k = p.shape[1]
    costs = tuple(
        tuple(0.0 if i == j else float(data.draw(st.integers(1, 9))) for j in range(k))
        for i in range(k)
    )
    s = an.data.scores

    def choose(row):
        expected = [sum(row[i] * costs[i][j] for i in range(k)) for j in range(k)]
        return min(range(k), key=lambda j: (round(expected[j], 12), j))

    pred = model.predict(an, Rule("cost", costs=costs))
    brute = _brute(s, choose)
    # Expected costs equal up to rounding may break either way; compare the costs instead.
    chosen = np.einsum("ni,ij->nj", s, np.asarray(costs))
    assert_allclose(chosen[np.arange(len(s)), pred], chosen[np.arange(len(s)), brute], atol=1e-12)
    result = model.outcome(an, Rule("cost", costs=costs))
    by_row = sum(costs[t][q] for t, q in zip(y, pred, strict=True))
    assert model.total_cost(result, costs) == pytest.approx(by_row)


@prop
@given(case=scored(), t=GRID)
def test_abstention_rule_and_curve_brute_force(case, t) -> None:
    an, _p, y = case
    s = an.data.scores

    def choose(row):
        j = _argmax(row)
        return j if row[j] >= t else -1

    expected = _brute(s, choose)
    assert_array_equal(model.predict(an, Rule("abstain", min_top=t)), expected)
    assert_array_equal(model.predict(an, Rule("argmax")), _brute(s, _argmax))
    curve = model.abstention(an).curve
    for _, point in curve.iterrows():
        decided = s.max(axis=1) >= point["threshold"]
        assert point["coverage"] == pytest.approx(decided.mean())
        right = _brute(s[decided], _argmax) == y[decided]
        assert point["accuracy"] == pytest.approx(right.mean())


def test_predicted_column_rule_and_unusable_rules() -> None:
    frame = load_demo("tickets")
    hard = model.analyse_multiclass(
        frame, key="h", label="team", columns={}, prediction="predicted_team"
    )
    assert hard.data.kind == "none"
    result = model.outcome(hard, Rule("column"))
    assert result.accuracy == pytest.approx(
        skm.accuracy_score(frame["team"], frame["predicted_team"])
    )
    for kind in ("argmax", "thresholds", "cost", "abstain"):
        assert "needs one score column per class" in model.rule_problem(hard, kind)
    frame = _frame(n=60, k=3)
    scores = frame.assign(**{c: np.log(frame[c]) for c in ("p_c0", "p_c1", "p_c2")})
    an = _analyse(scores, ["c0", "c1", "c2"])
    assert "softmax" in model.rule_problem(an, "cost")
    assert "predicted-class column" in model.rule_problem(an, "column")
    with pytest.raises(ValueError, match="softmax"):
        model.predict(an, Rule("cost", costs=model.default_costs(3)))


def test_cost_matrix_from_an_edited_table() -> None:
    names = ["a", "b", "c"]
    table = model.cost_table(names)
    assert model.cost_matrix(table, names) == model.default_costs(3)
    table.loc["b", "c"] = 5
    assert model.cost_matrix(table, names)[1][2] == 5.0
    table.loc["a", "b"] = None
    with pytest.raises(DataError, match=r"predicting 'b' for a row of 'a' is empty"):
        model.cost_matrix(table, names)


# --- ranking against scikit-learn ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["probability", "score"])
def test_ranking_equals_sklearn(kind: str) -> None:
    frame = _frame(n=400, k=5, seed=3)
    classes = [f"c{i}" for i in range(5)]
    if kind == "score":
        frame = frame.assign(**{f"p_{c}": 2 * np.log(frame[f"p_{c}"]) for c in classes})
    an = _analyse(frame, classes)
    r = model.rank(an)
    y = frame["label"].to_numpy()
    s = frame[[f"p_{c}" for c in classes]].to_numpy()
    indicator = label_binarize(y, classes=classes)
    for j, c in enumerate(classes):
        _same(r.per_class["roc_auc"][j], skm.roc_auc_score(y == c, s[:, j]))
        _same(r.per_class["average_precision"][j], skm.average_precision_score(y == c, s[:, j]))
    for average in ("macro", "weighted", "micro"):
        _same(r.averages[f"roc_{average}"], skm.roc_auc_score(indicator, s, average=average))
        _same(
            r.averages[f"ap_{average}"],
            skm.average_precision_score(indicator, s, average=average),
        )
    if kind == "probability":
        for average in ("macro", "weighted"):
            ovr = skm.roc_auc_score(y, s, multi_class="ovr", average=average)
            _same(r.averages[f"roc_{average}"], ovr)
        _same(r.averages["ovo_macro"], skm.roc_auc_score(y, s, multi_class="ovo"))
        _same(an.log_loss, skm.log_loss(y, s, labels=classes))
    else:
        assert math.isnan(r.averages["ovo_macro"])
        assert math.isnan(an.log_loss)
    for k in (1, 2, 4):
        _same(model.top_k(an, k), skm.top_k_accuracy_score(y, s, k=k, labels=classes))
    # Curves: every drawn point is a point of scikit-learn's curve for that class.
    fpr, tpr, _ = skm.roc_curve(y == "c2", s[:, 2], drop_intermediate=False)
    drawn = r.roc[r.roc["class"] == "c2"]
    pairs = set(zip(np.round(fpr, 12), np.round(tpr, 12), strict=True))
    assert all(
        (round(a, 12), round(b, 12)) in pairs
        for a, b in zip(drawn["fpr"], drawn["tpr"], strict=True)
    )
    assert len(r.roc) <= model.CHART_POINTS + 5 * 2


# --- what the page writes -----------------------------------------------------------------


def test_tables_cards_and_csv_files() -> None:
    frame = load_demo("tickets")
    an = model.analyse_multiclass(
        frame,
        key="t",
        label="team",
        columns={t: f"p_{t}" for t in ("billing", "technical", "account")},
    )
    names = list(an.data.names)
    result = model.outcome(an, Rule("abstain", min_top=0.6))
    per_class, averages = report.report_tables(result, names)
    assert list(per_class["Class"]) == ["account", "billing", "technical"]
    assert list(averages["Average"]) == ["micro avg", "macro avg", "weighted avg"]
    exported = pd.read_csv(StringIO(report.report_csv(result, names)))
    for _, row in exported.iterrows():
        source = result.report[row["row"]]
        _same(row["precision"], source["precision"])
        _same(row["f1-score"], source["f1-score"])
    matrix = pd.read_csv(StringIO(report.matrix_csv(result, names)))
    assert list(matrix.columns) == ["true class \\ predicted", *names, report.UNDECIDED]
    assert_array_equal(matrix[[*names, report.UNDECIDED]].to_numpy(), result.matrix)
    pairs = report.confused_pairs(result, names)
    assert list(pairs.iloc[0][["Actual", "Predicted as"]]) == ["account", "technical"]
    cards = {c.label: c.text for c in report.rule_cards(result)}
    assert cards["Undecided"].startswith(f"{result.n_undecided:,} (")
    assert "Accuracy when decided" in cards


def test_confusion_frame_and_charts_keep_user_text_as_data() -> None:
    names = ["<b>x</b>", "a*b", "c"]
    y = np.array([0, 0, 1, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, -1, 2, 2, 0])
    result = model.label_outcome(y, pred, names)
    cells = charts.confusion_frame(result, names, "true")
    assert set(cells["actual"]) == set(names)
    assert report.UNDECIDED in set(cells["predicted"])
    assert len(cells) == 3 * 4
    one = cells[(cells["actual"] == "<b>x</b>") & (cells["predicted"] == "a*b")].iloc[0]
    assert one["count"] == 1
    assert one["text"] == "1\n50.0%"
    spec = json.dumps(charts.confusion_chart(cells, names).to_dict())
    assert "<b>x</b>" in spec  # as a data value, drawn as text by Vega
    frame = pd.DataFrame({"label": np.array(names)[y], **{
        f"s{j}": np.eye(3)[y][:, j] * 0.5 + 0.25 for j in range(3)}})  # fmt: skip
    an = model.analyse_multiclass(
        frame, key="u", label="label", columns={n: f"s{j}" for j, n in enumerate(names)}
    )
    r = model.rank(an)
    for chart in (charts.roc_chart(r.roc, r.micro_roc, an.data.names),
                  charts.pr_chart(r.pr, r.micro_pr, an.data.names)):  # fmt: skip
        d = chart.to_dict()
        assert d["params"][0]["bind"] == "legend"
        assert d["params"][0]["select"]["fields"] == ["class"]
    ab = model.abstention(an)
    charts.abstention_chart(ab.curve, 0.9, 0.8).to_dict()


# --- the multiclass demos -------------------------------------------------------------------


def test_digits_demo_is_what_its_summary_says() -> None:
    frame = load_demo("digits")
    p = frame[[f"p_{d}" for d in range(10)]].to_numpy()
    assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(frame["predicted"], p.argmax(axis=1))
    accuracy = skm.accuracy_score(frame["digit"], frame["predicted"])
    assert 0.9 <= accuracy <= 0.94  # "about 92% right"
    cm = skm.confusion_matrix(frame["digit"], frame["predicted"])
    np.fill_diagonal(cm, 0)
    assert np.unravel_index(np.argmax(cm), cm.shape) == (8, 1)  # "an 8 is often read as a 1"


def test_tickets_demo_confuses_technical_and_account() -> None:
    frame = load_demo("tickets")
    names = ["account", "billing", "technical"]
    p = frame[[f"p_{n}" for n in names]].to_numpy()
    assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(frame["predicted_team"], np.array(names)[p.argmax(axis=1)])
    cm = skm.confusion_matrix(frame["team"], frame["predicted_team"], labels=names)
    np.fill_diagonal(cm, 0)
    two = {tuple(np.unravel_index(i, cm.shape)) for i in np.argsort(-cm, axis=None)[:2]}
    assert two == {(0, 2), (2, 0)}  # account <-> technical
    recall = skm.recall_score(frame["team"], frame["predicted_team"], labels=names, average=None)
    assert recall[1] > 0.95  # billing is easy to tell apart


def test_docstring_examples_run() -> None:
    import doctest

    attempted = 0
    for module in (model, report, charts):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted >= 4
