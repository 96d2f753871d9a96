"""The data layer's memory savings change no value: narrow label codes, int8 columns."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from metrics_app.data import prepare, read_table
from metrics_app.data.memory import return_large_frees_to_os
from metrics_app.data.prepare import factorize_labels, label_codes, label_counts


@pytest.mark.parametrize(
    "values",
    [
        np.random.default_rng(0).integers(-128, 128, 200_000).astype(np.int8),
        np.random.default_rng(1).integers(0, 256, 150_000).astype(np.uint8),
        np.random.default_rng(2).random(100_000) < 0.3,
        np.array([1, 0, 1, 2], dtype=np.int8),
        np.array([7], dtype=np.int8),
        np.array([], dtype=np.int8),
        # A value first seen far beyond the first chunk keeps its place in the order.
        np.r_[np.zeros(300_000, np.int8), np.int8(-5), np.ones(10, np.int8)],
    ],
)
def test_byte_label_codes_equal_pandas_factorize(values):
    series = pd.Series(values)
    codes, found = label_codes(series)
    want_codes, want = factorize_labels(series)
    assert codes.dtype.itemsize <= 2
    assert found == want
    assert [type(v) for v in found] == [type(v) for v in want]
    np.testing.assert_array_equal(codes, want_codes)


def test_other_label_codes_are_narrowed_factorize():
    series = pd.Series(["b", None, "a", " ", "b"], dtype=object)
    codes, found = label_codes(series)
    want_codes, want = factorize_labels(series)
    assert codes.dtype == np.int8
    assert found == want
    np.testing.assert_array_equal(codes, want_codes)


def test_small_csv_integers_are_int8_and_others_keep_their_type():
    text = "y,small,big,gap,s\n0,-128,128,1,0.5\n1,127,3,,0.25\n1,5,4,2,0.75\n"
    df = read_table(text.encode(), "f.csv")
    assert df["y"].dtype == np.int8
    assert df["small"].dtype == np.int8
    assert df["big"].dtype == np.int64
    assert df["gap"].dtype == np.float64  # a missing cell: float64 with NaN, as before
    assert df["y"].tolist() == [0, 1, 1]


def test_prepare_on_int8_labels_matches_int64_labels():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 50_000)
    s = rng.random(50_000)
    wide = pd.DataFrame({"y": y.astype(np.int64), "s": s})
    narrow = pd.DataFrame({"y": y.astype(np.int8), "s": s})
    for positive in (1, 2):
        a = prepare(wide, label="y", score="s", positive=positive)
        b = prepare(narrow, label="y", score="s", positive=positive)
        np.testing.assert_array_equal(a.y, b.y)
        np.testing.assert_array_equal(a.scores, b.scores)
        assert (a.positive, a.negative_labels) == (b.positive, b.negative_labels)
        assert type(b.positive) is int
    assert label_counts(wide, "y") == label_counts(narrow, "y")


def test_mmap_threshold_is_set_on_glibc_only():
    applied = return_large_frees_to_os()
    assert isinstance(applied, bool)
    if not sys.platform.startswith("linux"):
        assert not applied
