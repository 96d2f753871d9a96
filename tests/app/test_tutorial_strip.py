"""The countable examples strip: its dots, its 2x2 matrix and its caption give the same four
counts, which equal scikit-learn's confusion matrix; it is reused in three lessons."""

import numpy as np
import pyarrow as pa
import pytest
from sklearn.metrics import confusion_matrix, roc_auc_score

from metrics_app.tutorial import strip
from tests.app.test_tutorial import SECTIONS, rerun, tutorial


def _sk_cells(t: float) -> dict[str, int]:
    d = strip.patients()
    (tn, fp), (fn, tp) = confusion_matrix(d.y, d.scores >= t, labels=[False, True])
    return {"TP": int(tp), "FP": int(fp), "FN": int(fn), "TN": int(tn)}


def test_sixty_patients_and_auc() -> None:
    d = strip.patients()
    assert d.y.size == 60
    assert d.roc_auc == pytest.approx(roc_auc_score(d.y, d.scores))
    assert not d.scores.flags.writeable


@pytest.mark.parametrize("t", [0.0, 0.35, 0.5, 0.75, 1.0])
def test_dots_and_matrix_count_the_same_cells(t: float) -> None:
    d = strip.patients()
    dots = strip.strip_frame(d, t)
    cells = strip.cell_frame(d.sweep.at(t)).set_index("cell")
    want = _sk_cells(t)
    assert dots["cell"].value_counts().reindex(list(want), fill_value=0).to_dict() == want
    assert cells["count"].to_dict() == want
    # Ill patients sit above the line, healthy below; no two dots share a place.
    assert (dots.loc[d.y, "level"] > 0).all()
    assert (dots.loc[~d.y, "level"] < 0).all()
    assert not dots.duplicated(["score", "level"]).any()
    # Dots right of the threshold are exactly the flagged cells.
    right = dots["score"] >= t
    assert set(dots.loc[right, "cell"]) <= {"TP", "FP"}
    assert set(dots.loc[~right, "cell"]) <= {"FN", "TN"}


def _chart_frames(at):
    """Every data set of every chart on the page, as sent to the browser (Arrow)."""
    for el in at.get("vega_lite_chart"):
        for ds in el.proto.datasets:
            yield pa.ipc.open_stream(ds.data.data).read_pandas()


def _shown_counts(at) -> tuple[dict[str, int], dict[str, int]]:
    """The counts the 2x2 matrix shows, and the cells of the dots drawn on the strip."""
    matrix, dots = {}, {}
    for df in _chart_frames(at):
        if {"cell", "truth", "flag", "count"} <= set(df.columns):
            matrix = dict(zip(df["cell"], df["count"].astype(int), strict=True))
        if {"cell", "score", "level"} <= set(df.columns):
            dots = df["cell"].value_counts().to_dict()
    return matrix, dots


@pytest.mark.parametrize(("section", "slot"), [(1, "trade_off"), (2, "formulas"), (5, "roc_pr")])
def test_the_strip_in_each_lesson_follows_its_slider(section: int, slot: str) -> None:
    at = tutorial(SECTIONS[section])
    for t in (0.5, 0.3):
        at.slider(key=f"strip_threshold_{slot}").set_value(t)
        rerun(at)
        want = _sk_cells(t)
        point = strip.patients().sweep.at(t)
        captions = " ".join(c.value for c in at.caption)
        assert strip.count_sentence(point) in captions
        assert (
            f"{want['TP']} ill patients flagged (TP), {want['FN']} ill sent home (FN), "
            f"{want['FP']} healthy flagged (FP), {want['TN']} healthy sent home (TN)."
        ) in captions
        matrix, dots = _shown_counts(at)
        assert matrix == want
        assert {c: dots.get(c, 0) for c in want} == want


def test_roc_point_of_the_strip_traces_the_curve() -> None:
    from metrics_app.tutorial import roc_pr

    d = strip.patients()
    seen = set()
    for t in np.arange(0.0, 1.01, 0.05):
        pts = roc_pr.compare({"sixty patients": d}, float(t)).points.iloc[0]
        want = _sk_cells(float(t))
        assert pts["tpr"] == want["TP"] / 15
        assert pts["fpr"] == want["FP"] / 45
        seen.add((pts["fpr"], pts["tpr"]))
    assert len(seen) > 8
