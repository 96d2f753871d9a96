"""Tests for metrics_app.data: reading uploads, guessing columns, preparing clean arrays."""

import gzip
import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import metrics_app.data.read as read_module
from metrics_app.data import (
    ColumnGuess,
    DataError,
    Prepared,
    guess_columns,
    guess_positive,
    label_counts,
    prepare,
    read_table,
    score_kind,
)
from metrics_app.shared.glossary import describe_score_kind

# Every user-facing message must tell the user what to do, not only what is wrong.
FIX_VERB = re.compile(
    r"\b(Upload|upload|Save|Choose|choose|Fix|fix|Export|Check|Compress|Decompress|Open|Make)\b"
)


def assert_actionable(exc: DataError) -> str:
    message = str(exc)
    assert FIX_VERB.search(message), message
    assert "Traceback" not in message
    return message


def parquet_bytes(table: pa.Table | pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    if isinstance(table, pd.DataFrame):
        table.to_parquet(buffer)
    else:
        pq.write_table(table, buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# read_table: formats
# --------------------------------------------------------------------------------------------


def test_reads_plain_csv():
    df = read_table(b"label,score\n1,0.83\n0,0.12\n", "scores.csv")
    assert list(df.columns) == ["label", "score"]
    assert df["label"].tolist() == [1, 0]
    assert df["score"].tolist() == [0.83, 0.12]
    assert df["score"].dtype == np.float64
    assert isinstance(df.index, pd.RangeIndex)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("label\tscore\n1\t0.83\n0\t0.12\n", "scores.tsv"),
        ("label\tscore\n1\t0.83\n0\t0.12\n", "scores.csv"),  # content wins over the name
        ("label;score\n1;0.83\n0;0.12\n", "scores.csv"),
        ("label|score\n1|0.83\n0|0.12\n", "scores.txt"),
        ("label,score\r\n1,0.83\r\n0,0.12\r\n", "windows.csv"),
    ],
)
def test_sniffs_delimiter(text, name):
    df = read_table(text.encode(), name)
    assert list(df.columns) == ["label", "score"]
    assert df["score"].tolist() == [0.83, 0.12]


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_decimal_comma_is_detected(sep):
    text = sep.join(["label", "score", "amount"]) + "\n"
    text += sep.join(["1", "0,83", "1200"]) + "\n" + sep.join(["0", "-1,5e-1", "3"]) + "\n"
    df = read_table(text.encode(), "european.csv")
    assert df["score"].dtype == np.float64
    assert df["score"].tolist() == [0.83, -0.15]
    assert df["amount"].tolist() == [1200, 3]


def test_decimal_comma_mixed_with_dots_and_spaces_is_converted():
    # Not detectable from a clean sample: the reader sees strings and converts them.
    df = read_table(b"y;p\n1; 0,5\n0;0.25\n1;\n", "mixed.csv")
    assert df["p"].dtype == np.float64
    assert df["p"].tolist()[:2] == [0.5, 0.25]
    assert np.isnan(df["p"].iloc[2])


def test_decimal_comma_beyond_the_sniffed_sample():
    rows = "".join(f"{i % 2};{i % 7}\n" for i in range(20_000))  # > 64 KiB of integer scores
    df = read_table(("y;p\n" + rows + "1;0,5\n").encode(), "late.csv")
    assert len(df) == 20_001
    assert df["p"].dtype == np.float64
    assert df["p"].iloc[-1] == 0.5


def test_quoted_comma_numbers_in_comma_csv_stay_text():
    # With a comma delimiter "1,234" is more likely a thousands separator: no guessing.
    df = read_table(b'label,score\n1,"0,5"\n0,"1,234"\n', "quoted.csv")
    assert df["score"].tolist() == ["0,5", "1,234"]


@pytest.mark.parametrize("name", ["scores.csv.gz", "scores.csv", "upload"])
def test_reads_gzip_by_magic_bytes(name):
    df = read_table(gzip.compress(b"label\tscore\n1\t0.9\n0\t0.1\n"), name)
    assert df["score"].tolist() == [0.9, 0.1]


def test_reads_multi_member_gzip():
    data = gzip.compress(b"label,score\n1,0.9\n") + gzip.compress(b"0,0.1\n")
    assert read_table(data, "x.gz")["label"].tolist() == [1, 0]


def test_reads_gzipped_parquet():
    data = gzip.compress(parquet_bytes(pa.table({"y": [0, 1], "s": [0.2, 0.7]})))
    assert read_table(data, "x.parquet.gz")["s"].tolist() == [0.2, 0.7]


@pytest.mark.parametrize("name", ["scores.parquet", "scores.csv", "blob"])
def test_reads_parquet_by_magic_bytes(name):
    table = pa.table({"label": ["fraud", "legit", None], "score": [0.9, 0.1, np.nan]})
    df = read_table(parquet_bytes(table), name)
    assert list(df.columns) == ["label", "score"]
    assert df["label"].isna().tolist() == [False, False, True]
    assert df["score"].dtype == np.float64
    assert len(df) == 3  # no row dropped


def test_parquet_keeps_pandas_index_as_column_and_casts_decimals():
    frame = pd.DataFrame({"y": [0, 1]}, index=pd.Index([10, 20], name="row_key"))
    df = read_table(parquet_bytes(frame), "x.parquet")
    assert list(df.columns) == ["row_key", "y"]
    assert isinstance(df.index, pd.RangeIndex)

    from decimal import Decimal

    table = pa.table(
        {"y": [0, 1], "s": pa.array([Decimal("0.25"), Decimal("0.75")], pa.decimal128(5, 2))}
    )
    df = read_table(parquet_bytes(table), "d.parquet")
    assert df["s"].dtype == np.float64
    assert df["s"].tolist() == [0.25, 0.75]


def test_reads_utf8_with_bom():
    df = read_table("\ufefflabel,score\nja,0.5\nnein,0.25\n".encode(), "bom.csv")
    assert list(df.columns) == ["label", "score"]


def test_falls_back_to_cp1252():
    data = "label;score;note\nmalade;0,9;fièvre €\nsain;0,1;ok\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    df = read_table(data, "windows.csv")
    assert df["note"].tolist() == ["fièvre €", "ok"]
    assert df["score"].tolist() == [0.9, 0.1]


def test_reads_utf16_with_bom():
    df = read_table("label\tscore\nja\t0,5\nnein\t0,25\n".encode("utf-16"), "excel.txt")
    assert df["score"].tolist() == [0.5, 0.25]


def test_column_names_are_stripped_and_made_unique():
    df = read_table(b" score ,score,,label\n0.1,0.2,0.3,1\n0.4,0.5,0.6,0\n", "dup.csv")
    assert list(df.columns) == ["score", "score (2)", "column 3", "label"]


@pytest.mark.parametrize("sep", [",", "\t"])
def test_unnamed_index_column_from_pandas(sep):
    # pandas' to_csv writes the index under an empty name; for TSV the header starts with a tab.
    text = pd.DataFrame({"label": [1, 0], "score": [0.5, 0.25]}).to_csv(sep=sep)
    df = read_table(text.encode(), "pandas.tsv" if sep == "\t" else "pandas.csv")
    assert list(df.columns) == ["column 1", "label", "score"]
    assert df["score"].tolist() == [0.5, 0.25]
    assert guess_columns(df) == ColumnGuess(label="label", scores=("score",), weight=None)


def test_trailing_delimiter_column_is_dropped_but_not_rows():
    df = read_table(b"label,score,\n1,0.5,\n0,,\n,0.25,\n", "trailing.csv")
    assert list(df.columns) == ["label", "score"]
    assert len(df) == 3
    assert df["label"].isna().sum() == 1
    assert df["score"].isna().sum() == 1


def test_cells_are_stripped_and_blank_text_is_missing():
    df = read_table(b"label,score\n yes ,0.5\n   , 0.25 \nno,0.75\n", "spaces.csv")
    assert df["label"].iloc[0] == "yes"
    assert pd.isna(df["label"].iloc[1])
    assert df["score"].tolist() == [0.5, 0.25, 0.75]


def test_headerless_numeric_file_keeps_its_first_row():
    df = read_table(b"1,0.83\n0,0.12\n", "noheader.csv")
    assert list(df.columns) == ["column 1", "column 2"]
    assert len(df) == 2


def test_excel_sep_line_and_leading_blank_lines():
    df = read_table(b"\n\nsep=;\r\nlabel;score\r\n1;0,5\r\n", "excel.csv")
    assert df["score"].tolist() == [0.5]


def test_quoted_newlines_in_values():
    df = read_table(b'note,label,score\n"two\nlines",1,0.5\nplain,0,0.25\n', "q.csv")
    assert df["note"].tolist() == ["two\nlines", "plain"]


def test_non_string_header_values_become_strings():
    df = read_table(parquet_bytes(pd.DataFrame({"0": [1, 0], "1": [0.5, 0.25]})), "p")
    assert all(isinstance(c, str) for c in df.columns)


# --------------------------------------------------------------------------------------------
# read_table: errors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"\n \r\n", "empty"),
        (b"label,score\n", "no data rows"),
        (b"label,score", "no data rows"),
        (b"label\n1\n0\n", "one column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel"),
        (b"BZh91AY&SY", "bzip2"),
        (b"\x1f\x8b\x08\x00garbage-not-deflate", "damaged"),
        (b"PAR1 not really parquet PAR1", "Parquet"),
        (b"PAR1\x15\x04\x15\x10", "Parquet"),
    ],
)
def test_read_errors_are_actionable(data, expected):
    with pytest.raises(DataError, match=expected) as info:
        read_table(data, "upload.csv")
    assert_actionable(info.value)


def test_random_bytes_are_rejected_as_binary():
    data = np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes()
    data = b"\x00\x01" + data[2:]  # never accidentally gzip/Parquet magic
    with pytest.raises(DataError, match="binary") as info:
        read_table(data, "noise.bin")
    assert_actionable(info.value)


def test_binary_named_parquet_says_parquet():
    with pytest.raises(DataError, match="Parquet"):
        read_table(b"\x00\x01\x02garbage", "model.parquet")


def test_unrecognised_encoding():
    # 0x81 is undefined in cp1252 and a control character in Latin-1.
    with pytest.raises(DataError, match="encoding") as info:
        read_table(b"label,score\nfoo\x81,0.5\nbar,0.25\n", "odd.csv")
    assert "UTF-8" in assert_actionable(info.value)


def test_truncated_gzip():
    data = gzip.compress(b"label,score\n" + b"1,0.5\n" * 1000)[:-20]
    with pytest.raises(DataError, match="incomplete") as info:
        read_table(data, "x.csv.gz")
    assert_actionable(info.value)


def test_gzip_that_contains_nothing():
    with pytest.raises(DataError, match="contains nothing"):
        read_table(gzip.compress(b""), "x.gz")


def test_gzip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_DECOMPRESSED_BYTES", 1000)
    with pytest.raises(DataError, match="too large") as info:
        read_table(gzip.compress(b"label,score\n" + b"1,0.5\n" * 1000), "big.gz")
    assert_actionable(info.value)


def test_truncated_parquet():
    data = parquet_bytes(pa.table({"y": [0, 1], "s": [0.1, 0.9]}))
    with pytest.raises(DataError, match="Parquet") as info:
        read_table(data[: len(data) // 2], "cut.parquet")
    assert_actionable(info.value)


def test_parquet_single_column_and_no_rows():
    with pytest.raises(DataError, match="one column"):
        read_table(parquet_bytes(pa.table({"s": [0.1, 0.9]})), "one.parquet")
    empty = pa.table({"y": pa.array([], pa.int64()), "s": pa.array([], pa.float64())})
    with pytest.raises(DataError, match="no data rows"):
        read_table(parquet_bytes(empty), "empty.parquet")


def test_ragged_row_names_the_line():
    with pytest.raises(DataError, match=r"Line 4 has 3 values") as info:
        read_table(b"label,score\n1,0.5\n0,0.25\n1,0.5,oops\n0,0.1\n", "ragged.csv")
    message = assert_actionable(info.value)
    assert "1,0.5,oops" in message


def test_ragged_row_line_counts_the_sep_line():
    with pytest.raises(DataError, match=r"Line 4 "):
        read_table(b"sep=;\nlabel;score\n1;0,5\n0;0,2;9\n", "ragged.csv")


def test_ragged_row_far_beyond_the_sample():
    data = b"label,score\n" + b"1,0.5\n" * 30_000 + b"1,0.5,extra\n"
    with pytest.raises(DataError, match=r"Line 30002 has 3 values"):
        read_table(data, "late.csv")


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


# --------------------------------------------------------------------------------------------
# guess_columns
# --------------------------------------------------------------------------------------------


def csv_frame(text: str) -> pd.DataFrame:
    return read_table(text.encode(), "guess.csv")


def test_guess_fraud_table_with_id_and_feature():
    df = csv_frame(
        "id,is_fraud,amount,model_score\n"
        "1,0,12.5,0.1\n2,1,830.0,0.93\n3,0,7.25,0.2\n4,0,99.0,0.05\n5,1,15.0,0.71\n"
    )
    assert guess_columns(df) == ColumnGuess(label="is_fraud", scores=("model_score",), weight=None)


def test_guess_sklearn_style_names():
    df = csv_frame("y_true,y_score\n0,0.1\n1,0.8\n1,0.35\n0,0.4\n")
    assert guess_columns(df) == ColumnGuess(label="y_true", scores=("y_score",), weight=None)


def test_guess_logits_and_weight():
    df = csv_frame(
        "label,logit_a,logit_b,weight\n1,2.5,1.5,1.0\n0,-1.25,-0.5,2.0\n0,0.5,-2.0,1.0\n"
        "1,3.0,0.25,0.5\n"
    )
    assert guess_columns(df) == ColumnGuess(
        label="label", scores=("logit_a", "logit_b"), weight="weight"
    )


def test_guess_without_name_hints_uses_values():
    # Index column from pandas' to_csv, a two-valued column, a continuous column.
    df = csv_frame("Unnamed: 0,a,b\n0,x,0.1\n1,y,0.7\n2,x,0.3\n3,y,0.9\n")
    assert guess_columns(df) == ColumnGuess(label="a", scores=("b",), weight=None)


def test_guess_camel_case_and_increasing_integer_ids():
    df = csv_frame(
        "rowNumber,isFraud,modelScore,sampleWeight\n10,0,0.1,1\n11,1,0.9,2\n12,0,0.4,1\n"
        "13,0,0.2,1\n"
    )
    guess = guess_columns(df)
    assert guess.label == "isFraud"
    assert guess.scores == ("modelScore",)
    assert guess.weight == "sampleWeight"


def test_guess_label_token_but_not_a_score_named_column():
    df = csv_frame("customer_id,churn_flag,churn_probability\n7,yes,0.91\n3,no,0.12\n9,no,0.33\n")
    guess = guess_columns(df)
    assert guess.label == "churn_flag"
    assert guess.scores == ("churn_probability",)


def test_guess_body_weight_is_a_feature_not_a_sample_weight():
    df = csv_frame(
        "age,weight_kg,diagnosis,risk_score\n61,80.5,M,0.8\n45,62.0,B,0.1\n"
        "50,70.1,B,0.3\n38,90.2,M,0.6\n"
    )
    guess = guess_columns(df)
    assert guess.weight is None
    assert guess.label == "diagnosis"
    assert guess.scores == ("risk_score",)


def test_guess_nothing_fits():
    df = pd.DataFrame({"a": ["x", "y", "z"], "b": ["p", "q", "r"]})
    assert guess_columns(df) == ColumnGuess(label=None, scores=(), weight=None)


# --------------------------------------------------------------------------------------------
# guess_positive
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["legit", "fraud"], "fraud"),
        (["ham", "spam"], "spam"),
        ([0, 1], 1),
        ([1, 0], 1),
        ([0.0, 1.0], 1.0),
        ([-1, 1], 1),
        (["0", "1"], "1"),
        ([False, True], True),
        (["no", "yes"], "yes"),
        (["No", "Yes"], "Yes"),
        (["stayed", "Churned"], "Churned"),
        (["benign", "cancer"], "cancer"),  # the other one of a known negative
        (["normal", "attack", "probe"], "attack"),
        (["a", None, "b"], "b"),  # missing ignored, last in sorted order
    ],
)
def test_guess_positive(values, expected):
    result = guess_positive(values)
    assert result == expected
    assert type(result) is type(expected)


def test_guess_positive_uses_counts_when_names_do_not_help():
    # Breast-cancer style: B (benign, 357) and M (malignant, 212): the rarer class.
    assert guess_positive(["B", "M"], counts=[357, 212]) == "M"
    assert guess_positive(["M", "B"], counts=[212, 357]) == "M"
    assert guess_positive(["cat", "dog"], counts=[10, 90]) == "cat"
    # Ties go to the last in sorted order, like the no-counts rule.
    assert guess_positive(["b", "a"], counts=[5, 5]) == "b"
    assert guess_positive(["B", "M"]) == "M"


def test_guess_positive_bad_input():
    with pytest.raises(DataError, match="Choose"):
        guess_positive([None, np.nan])
    with pytest.raises(ValueError, match="counts"):
        guess_positive([0, 1], counts=[3])


# --------------------------------------------------------------------------------------------
# score_kind
# --------------------------------------------------------------------------------------------


def test_score_kind():
    assert score_kind(np.array([0.0, 0.5, 1.0])) == "probability"
    assert score_kind(np.array([0.2, np.nan, np.inf, -np.inf])) == "probability"
    assert score_kind(np.array([-0.1, 0.5])) == "real"
    assert score_kind(np.array([0.5, 1.0001])) == "real"
    assert score_kind(np.array([], dtype=float)) == "probability"
    assert score_kind([3, 4]) == "real"


def test_describe_score_kind():
    assert "probabilities" in describe_score_kind("probability")
    assert "logits" in describe_score_kind("real")
    assert "same units" in describe_score_kind("real")
    with pytest.raises(ValueError, match="unknown"):
        describe_score_kind("percent")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# prepare
# --------------------------------------------------------------------------------------------


def test_prepare_basic_and_properties():
    df = pd.DataFrame({"y": ["fraud", "legit", "legit", "fraud"], "s": [0.9, 0.2, 0.4, 0.6]})
    p = prepare(df, label="y", score="s", positive="fraud")
    assert p.y.tolist() == [True, False, False, True]
    assert p.y.dtype == np.bool_
    assert p.scores.dtype == np.float64
    assert p.weights is None
    assert p.positive == "fraud"
    assert p.negative_labels == ("legit",)
    assert (p.n_rows_read, p.n_used, p.n_excluded) == (4, 4, 0)
    assert (p.n_pos, p.n_neg, p.prevalence) == (2, 2, 0.5)
    assert p.excluded == {}


def test_prepare_counts_each_excluded_row_once_in_order():
    df = pd.DataFrame(
        {
            "label": [1, 0, None, None, 1, 0, 1, 0, 1, 0, 1, 0],
            "score": [0.9, 0.1, 0.5, np.nan, np.nan, np.inf, -np.inf, 0.3, 0.2, 0.4, 0.8, 0.7],
            "w": [1.0, 1.0, 1.0, 1.0, 1.0, np.nan, 1.0, np.nan, -1.0, np.inf, 0.0, 2.0],
        }
    )
    p = prepare(df, label="label", score="score", positive=1, weight="w")
    # Row 3 has a missing label and score: counted as missing label only. Row 5 has an
    # infinite score and a missing weight: counted under the score.
    assert p.excluded == {
        "missing label": 2,
        "missing score": 1,
        "non-finite score (inf)": 2,
        "missing weight": 1,
        "non-finite weight (inf)": 1,
        "negative weight": 1,
    }
    assert list(p.excluded) == [
        "missing label",
        "missing score",
        "non-finite score (inf)",
        "missing weight",
        "non-finite weight (inf)",
        "negative weight",
    ]
    assert p.n_excluded == 8
    assert p.n_used == 4
    assert p.scores.tolist() == [0.9, 0.1, 0.8, 0.7]
    assert p.weights.tolist() == [1.0, 1.0, 0.0, 2.0]
    assert p.y.tolist() == [True, False, True, False]
    assert np.isfinite(p.scores).all()


def test_prepare_blank_string_labels_are_missing():
    df = pd.DataFrame({"y": ["a", " ", "b", ""], "s": [0.1, 0.2, 0.3, 0.4]}, dtype=object)
    df["s"] = df["s"].astype(float)
    p = prepare(df, label="y", score="s", positive="b")
    assert p.excluded == {"missing label": 2}


def test_prepare_arrays_are_read_only_and_do_not_alias_the_frame():
    df = pd.DataFrame({"y": [0, 1, 0, 1], "s": [0.1, 0.9, 0.2, 0.8], "w": [1.0, 2.0, 1.0, 1.0]})
    p = prepare(df, label="y", score="s", positive=1, weight="w")
    for array in (p.y, p.scores, p.weights):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[1]
    df.loc[0, "s"] = 123.0
    assert p.scores[0] == 0.1


@pytest.mark.parametrize("positive", [1, 1.0, "1", True, np.int64(1), " 1 "])
def test_prepare_matches_int_labels_robustly(positive):
    df = pd.DataFrame({"y": np.array([0, 1, 1, 0], dtype=np.int64), "s": [0.1, 0.9, 0.8, 0.3]})
    p = prepare(df, label="y", score="s", positive=positive)
    assert p.y.tolist() == [False, True, True, False]
    assert p.positive == 1
    assert type(p.positive) is int
    assert p.negative_labels == (0,)


@pytest.mark.parametrize(
    ("labels", "positive", "expected_positive"),
    [
        (["0", "1", "1"], 1, "1"),
        ([0.0, 1.0, np.nan], "1", 1.0),
        ([True, False, True], "true", True),
        ([True, False, True], 1, True),
        (pd.array([0, 1, None], dtype="Int64"), 1, 1),
        (pd.Categorical(["spam", "ham", "spam"]), "SPAM", "spam"),
        (["yes", "no", "yes"], "yes", "yes"),
    ],
)
def test_prepare_label_dtypes(labels, positive, expected_positive):
    df = pd.DataFrame({"y": labels, "s": [0.9, 0.2, 0.7]})
    p = prepare(df, label="y", score="s", positive=positive)
    assert p.positive == expected_positive
    assert p.n_pos >= 1
    assert p.n_neg == 1


def test_prepare_multiclass_is_one_vs_rest():
    df = pd.DataFrame({"y": ["cat", "dog", "bird", "dog"], "s": [0.1, 0.9, 0.5, 0.7]})
    p = prepare(df, label="y", score="s", positive="dog")
    assert p.y.tolist() == [False, True, False, True]
    assert set(p.negative_labels) == {"cat", "bird"}


def test_prepare_accepts_numbers_stored_as_text_and_bool_scores():
    df = pd.DataFrame({"y": [0, 1, 1], "s": ["0.25", " 0.75", None], "b": [False, True, True]})
    p = prepare(df, label="y", score="s", positive=1)
    assert p.scores.tolist() == [0.25, 0.75]
    assert p.excluded == {"missing score": 1}
    assert prepare(df, label="y", score="b", positive=1).scores.tolist() == [0.0, 1.0, 1.0]


def test_prepare_nullable_and_categorical_scores():
    df = pd.DataFrame(
        {
            "y": [0, 1, 1, 0],
            "b": pd.array([True, None, False, True], dtype="boolean"),
            "f": pd.array([0.1, None, 0.5, np.nan], dtype="Float64"),
            "c": pd.Categorical([0.1, 0.2, 0.3, 0.1]),
        }
    )
    assert prepare(df, label="y", score="b", positive=1).scores.tolist() == [1.0, 0.0, 1.0]
    p = prepare(df, label="y", score="f", positive=1)
    assert p.scores.tolist() == [0.1, 0.5]
    assert p.excluded == {"missing score": 2}
    assert prepare(df, label="y", score="c", positive=1).scores.tolist() == [0.1, 0.2, 0.3, 0.1]


def test_prepare_non_numeric_score_quotes_examples():
    df = pd.DataFrame(
        {"y": [0, 1, 1, 0, 1], "s": ["0.5", "high", "n/a", "0,7", "high"], "t": ["a"] * 5}
    )
    with pytest.raises(DataError) as info:
        prepare(df, label="y", score="s", positive=1)
    message = assert_actionable(info.value)
    assert "'s'" in message
    assert "'high', 'n/a', '0,7'" in message
    assert "numeric" in message


def test_prepare_non_numeric_weight_and_dates():
    df = pd.DataFrame(
        {
            "y": [0, 1],
            "s": [0.1, 0.9],
            "w": ["heavy", "light"],
            "d": pd.to_datetime(["2024-01-01", "2024-01-02"]),
        }
    )
    with pytest.raises(DataError, match="weight column 'w'"):
        prepare(df, label="y", score="s", positive=1, weight="w")
    with pytest.raises(DataError, match="score column 'd'"):
        prepare(df, label="y", score="d", positive=1)


def test_prepare_positive_must_be_present():
    df = pd.DataFrame({"y": ["fraud", "legit"], "s": [0.9, 0.1]})
    with pytest.raises(DataError, match="does not occur") as info:
        prepare(df, label="y", score="s", positive="spam")
    message = assert_actionable(info.value)
    assert "'fraud', 'legit'" in message


def test_prepare_only_one_class_left():
    df = pd.DataFrame({"y": ["fraud", "legit", "legit"], "s": [np.nan, 0.1, 0.2]})
    with pytest.raises(DataError, match="Only one class") as info:
        prepare(df, label="y", score="s", positive="fraud")
    message = assert_actionable(info.value)
    assert "'legit'" in message
    assert "recall" in message


def test_prepare_no_rows_left():
    df = pd.DataFrame({"y": [None, 1.0, 0.0], "s": [0.5, np.nan, np.inf]})
    with pytest.raises(DataError, match="No usable rows") as info:
        prepare(df, label="y", score="s", positive=1)
    assert "missing label: 1" in assert_actionable(info.value)


def test_prepare_empty_frame():
    with pytest.raises(DataError, match="no data rows"):
        prepare(pd.DataFrame({"y": [], "s": []}), label="y", score="s", positive=1)


def test_prepare_column_problems():
    df = pd.DataFrame({"y": [0, 1], "s": [0.2, 0.8]})
    with pytest.raises(DataError, match="not in the file") as info:
        prepare(df, label="y", score="score", positive=1)
    assert "'s'" in assert_actionable(info.value)
    with pytest.raises(DataError, match="same column"):
        prepare(df, label="y", score="y", positive=1)


def test_prepare_too_many_label_values():
    df = pd.DataFrame({"y": np.arange(2000), "s": np.linspace(0, 1, 2000)})
    with pytest.raises(DataError, match="too many") as info:
        prepare(df, label="y", score="s", positive=1)
    assert_actionable(info.value)


def test_prepare_zero_weight_class():
    df = pd.DataFrame({"y": [0, 1, 1], "s": [0.2, 0.8, 0.6], "w": [1.0, 0.0, 0.0]})
    with pytest.raises(DataError, match="positive rows have weight 0"):
        prepare(df, label="y", score="s", positive=1, weight="w")


def test_prepared_validates_its_arrays():
    with pytest.raises(ValueError, match="boolean"):
        Prepared(np.array([1, 0]), np.array([0.1, 0.2]), None, 1, (0,), 2, {})
    with pytest.raises(ValueError, match="same length"):
        Prepared(np.array([True]), np.array([0.1, 0.2]), None, 1, (0,), 2, {})


def test_label_counts():
    df = pd.DataFrame({"y": ["b", "a", "b", None, "c", "b", "a"]})
    assert label_counts(df, "y") == {"b": 3, "a": 2, "c": 1}
    counts = label_counts(pd.DataFrame({"y": np.array([0, 1, 1])}), "y")
    assert counts == {1: 2, 0: 1}
    assert all(type(k) is int for k in counts)
    assert guess_positive(list(counts), counts=list(counts.values())) == 1


# --------------------------------------------------------------------------------------------
# Round trip and module hygiene
# --------------------------------------------------------------------------------------------


def test_round_trip_100k_rows_semicolon_decimal_comma_gzip():
    rng = np.random.default_rng(7)
    n = 100_000
    truth = rng.random(n) < 0.1
    scores = np.round(np.clip(rng.normal(0.3 + 0.4 * truth, 0.2), 0, 1), 6)
    frame = pd.DataFrame(
        {
            "transaction_id": np.arange(n),
            "class": np.where(truth, "fraud", "legit"),
            "fraud_probability": scores,
        }
    )
    frame.loc[::1000, "fraud_probability"] = np.nan
    frame.loc[5::5000, "class"] = None
    text = frame.to_csv(sep=";", decimal=",", index=False)
    df = read_table(gzip.compress(text.encode()), "export.csv.gz")
    assert len(df) == n

    guess = guess_columns(df)
    assert guess == ColumnGuess(label="class", scores=("fraud_probability",), weight=None)
    counts = label_counts(df, guess.label)
    positive = guess_positive(list(counts), counts=list(counts.values()))
    assert positive == "fraud"

    p = prepare(df, label=guess.label, score=guess.scores[0], positive=positive)
    keep = frame["class"].notna().to_numpy() & frame["fraud_probability"].notna().to_numpy()
    assert p.excluded == {"missing label": 20, "missing score": 100}
    assert p.n_used == int(keep.sum())
    np.testing.assert_array_equal(p.y, truth[keep])
    np.testing.assert_array_equal(p.scores, scores[keep])
    assert score_kind(p.scores) == "probability"
