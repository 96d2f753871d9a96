"""Every bad input is a ValueError at the boundary, naming the parameter and the fix."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import metrics_core as mc

Y = [0, 1, 1, 0]
S = [0.1, 0.8, 0.35, 0.4]

# Every public function that takes (y_true, y_score).
SCORED = {
    "sweep": mc.sweep,
    "roc_curve": mc.roc_curve,
    "precision_recall_curve": mc.precision_recall_curve,
    "det_curve": mc.det_curve,
    "average_precision_score": mc.average_precision_score,
    "roc_auc_score": mc.roc_auc_score,
}
# Those that take pos_label and validate y_true through it.
WITH_POS_LABEL = ["sweep", "roc_curve", "precision_recall_curve", "det_curve"]


all_scored = pytest.mark.parametrize("func", list(SCORED.values()), ids=list(SCORED))
with_pos_label = pytest.mark.parametrize(
    "func", [SCORED[n] for n in WITH_POS_LABEL], ids=WITH_POS_LABEL
)


# --- scores -------------------------------------------------------------------------


@all_scored
@pytest.mark.parametrize(
    ("bad", "shown"), [(np.nan, r"\(NaN\)"), (np.inf, r"\(inf\)"), (-np.inf, r"\(-inf\)")]
)
def test_non_finite_scores(func, bad, shown):
    scores = [0.1, bad, 0.35, 0.4]
    with pytest.raises(ValueError, match=r"y_score contains 1 non-finite value\(s\) " + shown):
        func(Y, scores)
    with pytest.raises(ValueError, match="Remove those samples or replace them with real numbers"):
        func(Y, scores)


@all_scored
def test_scores_and_labels_of_different_lengths(func):
    with pytest.raises(
        ValueError,
        match=r"y_true and y_score have different lengths \(4 and 3\): "
        "pass exactly one label per score",
    ):
        func(Y, S[:3])


@all_scored
def test_empty_input(func):
    with pytest.raises(ValueError, match="y_score is empty: pass at least one sample"):
        func([], [])


@all_scored
@pytest.mark.parametrize(
    "scores",
    [["a", "b", "c", "d"], np.array([0.1, "x", 0.3, 0.4], dtype=object), [1j, 2j, 3j, 4j]],
    ids=["strings", "objects", "complex"],
)
def test_non_numeric_scores(func, scores):
    with pytest.raises(
        ValueError, match=r"y_score must hold numbers.*Convert the column to numbers"
    ):
        func(Y, scores)


@all_scored
def test_two_column_scores_are_rejected_with_the_predict_proba_hint(func):
    proba = np.column_stack([1 - np.array(S), S])
    with pytest.raises(
        ValueError,
        match=r"y_score must be one-dimensional.*shape \(4, 2\).*predict_proba\(X\)\[:, 1\]",
    ):
        func(Y, proba)


@pytest.mark.parametrize("func", [mc.roc_curve, mc.precision_recall_curve, mc.det_curve])
def test_single_column_inputs_are_accepted(func):
    column = np.array(S)[:, None]
    flat = func(Y, S, sample_weight=[1, 2, 1, 1])
    as_columns = func(np.array(Y)[:, None], column, sample_weight=[[1], [2], [1], [1]])
    for a, b in zip(flat, as_columns, strict=True):
        assert_array_equal(a, b)
    assert mc.roc_auc_score(Y, column) == mc.roc_auc_score(Y, S)
    assert mc.average_precision_score(Y, column) == mc.average_precision_score(Y, S)
    assert_array_equal(mc.sweep(Y, column).tp, mc.sweep(Y, S).tp)


def test_object_scores_that_are_numbers_are_accepted():
    scores = np.array(S, dtype=object)
    assert_array_equal(mc.sweep(Y, scores).thresholds, mc.sweep(Y, S).thresholds)


# --- labels -------------------------------------------------------------------------


@with_pos_label
def test_string_labels_need_pos_label(func):
    labels = ["legit", "fraud", "fraud", "legit"]
    with pytest.raises(
        ValueError,
        match=r"y_true takes values \{'fraud', 'legit'\} and pos_label is not given: "
        r"either use labels in \{0, 1\} or \{-1, 1\}, or pass pos_label= the positive class",
    ):
        func(labels, S)
    func(labels, S, pos_label="fraud")  # the fix works


@with_pos_label
def test_pos_label_must_be_a_label_of_a_two_class_target(func):
    with pytest.raises(
        ValueError,
        match=r"pos_label='spam' is not a label in y_true \(labels: 'fraud', 'legit'\)\. "
        "Pass one of those values as pos_label",
    ):
        func(["legit", "fraud", "fraud", "legit"], S, pos_label="spam")


def test_average_precision_names_its_default_pos_label():
    with pytest.raises(ValueError, match=r"pos_label=1 is not a label in y_true"):
        mc.average_precision_score(["legit", "fraud", "fraud", "legit"], S)


def test_pos_label_may_be_absent_from_a_one_class_target():
    sw = mc.sweep(["legit"] * 4, S, pos_label="fraud")
    assert (sw.n_pos, sw.n_neg) == (0, 4)


@with_pos_label
@pytest.mark.parametrize("labels", [[0, 1, 2, 1], [0, 2, 2, 0], [1, 2, 2, 1]])
def test_other_numeric_labels_need_pos_label(func, labels):
    with pytest.raises(ValueError, match=r"y_true takes values .* pos_label is not given"):
        func(labels, S)


def test_more_than_two_classes_in_the_scores_without_pos_label():
    with pytest.raises(ValueError, match=r"y_true has 3 classes.*Binarise the labels"):
        mc.roc_auc_score([0, 1, 2, 1], S)
    with pytest.raises(ValueError, match=r"y_true has more than two classes.*Binarise the labels"):
        mc.average_precision_score([0, 1, 2, 1], S)


@with_pos_label
def test_continuous_targets_are_rejected(func):
    with pytest.raises(ValueError, match="y_true holds continuous values, not class labels"):
        func([0.2, 0.7, 0.9, 0.1], S, pos_label=0.7)


def test_continuous_targets_are_rejected_by_roc_auc():
    with pytest.raises(ValueError, match="y_true holds continuous values, not class labels"):
        mc.roc_auc_score([0.2, 0.7, 0.2, 0.7], S)  # two classes, neither of them a label


@with_pos_label
def test_continuous_targets_without_pos_label_ask_for_labels(func):
    with pytest.raises(ValueError, match=r"y_true takes values \{0.1, 0.2, 0.7, 0.9\}"):
        func([0.2, 0.7, 0.9, 0.1], S)


def test_float_labels_that_are_whole_numbers_are_fine():
    assert_array_equal(mc.sweep([0.0, 1.0, 1.0, 0.0], S).tp, mc.sweep(Y, S).tp)
    assert_array_equal(mc.sweep([-1.0, 1.0, 1.0, -1.0], S).tp, mc.sweep(Y, S).tp)


@with_pos_label
@pytest.mark.parametrize("pos_label", [None, 1])
def test_mixed_type_labels(func, pos_label):
    labels = np.array([0, "fraud", 1, "legit"], dtype=object)
    with pytest.raises(ValueError, match="y_true mixes labels of different types"):
        func(labels, S, pos_label=pos_label)


@pytest.mark.parametrize("func", [mc.roc_auc_score, mc.average_precision_score])
def test_mixed_type_labels_in_the_scores(func):
    labels = np.array([0, "fraud", 1, "legit"], dtype=object)
    with pytest.raises(ValueError, match="y_true mixes labels of different types"):
        func(labels, S)


@with_pos_label
def test_nan_labels(func):
    with pytest.raises(ValueError, match="y_true contains NaN: every sample needs a label"):
        func([0.0, np.nan, 1.0, 0.0], S, pos_label=1.0)


# --- weights ------------------------------------------------------------------------


@all_scored
@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, -2, 1, 1], r"sample_weight contains 1 negative value\(s\): weights must be >= 0"),
        (
            [1, np.nan, 1, 1],
            "sample_weight contains NaN or inf: every weight must be a real number",
        ),
        ([1, np.inf, 1, 1], "sample_weight contains NaN or inf"),
        ([0, 0, 0, 0], "sample_weight is zero everywhere: at least one weight must be > 0"),
        (
            [1, 1, 1],
            "sample_weight has 3 values but there are 4 samples: pass one weight per sample",
        ),
        (["a", "b", "c", "d"], "sample_weight must hold numbers"),
    ],
    ids=["negative", "nan", "inf", "all-zero", "length", "strings"],
)
def test_bad_weights(func, weights, message):
    with pytest.raises(ValueError, match=message):
        func(Y, S, sample_weight=weights)


@pytest.mark.parametrize(
    ("scores", "kwargs", "message"),
    [
        (S[:3], {}, "different lengths"),
        (S, {"sample_weight": [1, -2, 1, 1]}, "sample_weight contains 1 negative"),
    ],
    ids=["length", "negative-weight"],
)
def test_one_class_roc_auc_still_validates_its_inputs(scores, kwargs, message):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mc.UndefinedMetricWarning)
        with pytest.raises(ValueError, match=message):
            mc.roc_auc_score([1, 1, 1, 1], scores, **kwargs)


# --- other arguments ----------------------------------------------------------------


@pytest.mark.parametrize("max_fpr", [0, -0.5, 1.5])
def test_roc_auc_max_fpr_must_be_in_zero_one(max_fpr):
    with pytest.raises(ValueError, match=r"max_fpr must be in \(0, 1\]"):
        mc.roc_auc_score(Y, S, max_fpr=max_fpr)


def test_roc_auc_and_average_precision_reject_unknown_options():
    with pytest.raises(ValueError, match="average='median' is not one of"):
        mc.roc_auc_score(Y, S, average="median")
    with pytest.raises(ValueError, match="average='median' is not one of"):
        mc.average_precision_score(Y, S, average="median")
    with pytest.raises(ValueError, match="multi_class='auto' is not one of"):
        mc.roc_auc_score(Y, S, multi_class="auto")


@pytest.mark.parametrize(
    ("x", "y", "message"),
    [
        ([0, 1, 2], [0, 1], r"x and y have different lengths \(3 and 2\)"),
        ([0.5], [1.0], "At least 2 points are needed"),
        ([0, 1, 0.5], [0, 1, 1], "x is neither increasing nor decreasing: sort the points by x"),
    ],
)
def test_auc_errors(x, y, message):
    with pytest.raises(ValueError, match=message):
        mc.auc(x, y)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "message"),
    [
        ([0, 1], [0.2, 0.9], {}, "y_pred holds continuous values.*Threshold scores first"),
        ([0.5, 1], [0, 1], {}, "y_true holds continuous values"),
        ([0, np.nan], [0, 1], {}, "y_true contains NaN or inf"),
        ([0, 1, 1], [0, 1], {}, r"y_true and y_pred have different lengths \(3 and 2\)"),
        (["a", "b"], [0, 1], {}, "y_true and y_pred mix strings and numbers"),
        ([0, 1], [0, 1], {"normalize": "rows"}, "normalize must be 'true', 'pred', 'all' or None"),
        ([0, 1], [0, 1], {"labels": []}, "'labels' should contain at least one label"),
        ([0, 1], [0, 1], {"labels": [2, 3]}, "At least one label specified in 'labels'"),
        ([0, 1], [0, 1], {"sample_weight": [1, -1]}, "sample_weight contains 1 negative"),
    ],
)
def test_confusion_matrix_errors(y_true, y_pred, kwargs, message):
    with pytest.raises(ValueError, match=message):
        mc.confusion_matrix(y_true, y_pred, **kwargs)
