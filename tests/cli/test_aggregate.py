"""``threshold-lab aggregate`` with DuckDB: exact counts, binning, metadata, bad input.

The oracles are a pandas groupby on the same rows and :func:`metrics_core.sweep` (plus
:func:`metrics_core.sweep_from_counts`) on the usable rows: cumulative sums of the counts
file, taken in its order (decreasing score), must be the sweep's true and false positives
at the sweep's thresholds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from metrics_app.aggregate import FORMAT, METADATA_PREFIX, read_counts, read_metadata
from metrics_app.cli import main
from metrics_core import sweep, sweep_from_counts
from tests.cli.helpers import N_ROWS, Data, make_data, write_csv, write_parquet

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".venv" / "bin" / "threshold-lab"


# --- oracles ---------------------------------------------------------------------------


def expected_counts(data: Data, *, group: bool = False, weighted: bool = False) -> pd.DataFrame:
    """The counts file a correct exact aggregation writes, by pandas groupby."""
    w = data.w if weighted else np.ones(data.y.size, dtype=np.int64)
    frame = pd.DataFrame(
        {
            "score": data.s + 0.0,  # one zero: -0.0 + 0.0 is 0.0
            "n_pos": np.where(data.y, w, 0),
            "n_neg": np.where(data.y, 0, w),
        }
    )
    keys = ["score"]
    if group:
        frame.insert(0, "g", data.g)
        keys = ["g", "score"]
    out = frame.groupby(keys, sort=False)[["n_pos", "n_neg"]].sum().reset_index()
    if weighted:  # scores whose rows all weigh 0 add no threshold
        out = out[(out.n_pos + out.n_neg) > 0]
    ascending = [True] * (len(keys) - 1) + [False]
    return out.sort_values(keys, ascending=ascending, ignore_index=True)


def assert_matches_sweep(table: pd.DataFrame, y: np.ndarray, s: np.ndarray, w=None) -> None:
    """Cumulative counts down the file are the sweep's tp/fp at its thresholds."""
    score = table["score"].to_numpy()
    assert np.all(np.diff(score) < 0), "scores must be strictly decreasing within a group"
    reference = sweep(y, s, sample_weight=w)
    np.testing.assert_array_equal(score, reference.thresholds)
    np.testing.assert_array_equal(np.cumsum(table["n_pos"]), reference.tp)
    np.testing.assert_array_equal(np.cumsum(table["n_neg"]), reference.fp)
    from_counts = sweep_from_counts(score, table["n_pos"], table["n_neg"])
    np.testing.assert_array_equal(from_counts.thresholds, reference.thresholds)
    np.testing.assert_array_equal(from_counts.tp, reference.tp)
    np.testing.assert_array_equal(from_counts.fp, reference.fp)
    assert (from_counts.n_pos, from_counts.n_neg) == (reference.n_pos, reference.n_neg)


def opts(text: str) -> list[str]:
    """Command-line words, written as one string for legibility."""
    return text.split()


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(["aggregate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def aggregate_frame(args: list[str], tmp_path, capsys) -> tuple[pd.DataFrame, object, str]:
    """Run ``aggregate args -o ...`` in process; the counts, their metadata and stdout."""
    out = tmp_path / "counts.parquet"
    code, stdout, stderr = run([*args, "-o", str(out)], capsys)
    assert code == 0, stderr
    table, meta = read_counts(out)
    return table.to_pandas(), meta, stdout


def run_script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )


# --- data (written once per module) ----------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, tuple[Data, Path]]:
    root = tmp_path_factory.mktemp("inputs")
    out = {}
    for labels in ("int", "str", "bool"):
        data = make_data(labels=labels, weighted=True, seed=len(labels))
        out[labels] = (data, write_parquet(data, root / labels))
    data = out["str"][0]
    out["csv"] = (data, write_csv(data, root / "csv"))
    return out


# --- exact counts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "positive"), [("int", None), ("str", "yes"), ("bool", None), ("int", "1.0")]
)
def test_exact_counts_equal_groupby_and_sweep(files, tmp_path, capsys, labels, positive):
    _, folder = files[labels]
    extra = ["--positive", positive] if positive else []
    # The files have a weight column, unused here: its exclusions must not apply either.
    code, stdout, stderr = run(
        [str(folder), *opts("--label y --score p -o"), str(tmp_path / "c"), *extra], capsys
    )
    assert code == 0, stderr
    table, meta = read_counts(tmp_path / "c")
    assert table.schema.field("score").type == pa.float64()
    assert table.schema.field("n_pos").type == pa.int64()
    frame = table.to_pandas()
    unweighted = make_data(labels=labels, weighted=False, seed=len(labels))
    expected = expected_counts(unweighted)
    pd.testing.assert_frame_equal(frame, expected)
    assert_matches_sweep(frame, unweighted.y, unweighted.s)
    assert meta.rows_read == N_ROWS
    assert meta.rows_excluded == unweighted.excluded
    assert meta.rows_used == unweighted.y.size
    assert meta.max_count_error == 0
    assert meta.positive_guessed is (positive is None)
    assert f"Read {N_ROWS:,} rows" in stdout


def test_weighted_counts_equal_groupby_and_sweep(files, tmp_path, capsys):
    data, folder = files["int"]
    out = tmp_path / "counts.parquet"
    code, _, stderr = run(
        [str(folder), *opts("--label y --score p --weight w -o"), str(out)], capsys
    )
    assert code == 0, stderr
    table, meta = read_counts(out)
    assert table.schema.field("n_neg").type == pa.float64()
    frame = table.to_pandas()
    pd.testing.assert_frame_equal(frame, expected_counts(data, weighted=True))
    assert_matches_sweep(frame, data.y, data.s, data.w)
    assert meta.rows_excluded == data.excluded
    assert {"missing weight", "negative weight"} <= set(meta.rows_excluded)
    assert meta.n_pos == data.w[data.y].sum()


def test_groups_are_counted_each_on_their_own(files, tmp_path, capsys):
    data, folder = files["str"]
    args = opts("--label y --score p --positive yes --weight w --group g")
    frame, _, stdout = aggregate_frame([str(folder), *args], tmp_path, capsys)
    assert list(frame.columns) == ["g", "score", "n_pos", "n_neg"]
    pd.testing.assert_frame_equal(frame, expected_counts(data, group=True, weighted=True))
    for name, block in frame.groupby("g"):
        rows = data.g == name
        assert_matches_sweep(block.reset_index(drop=True), data.y[rows], data.s[rows], data.w[rows])
    assert "in 3 groups" in stdout


def test_csv_gives_the_same_counts_as_parquet(files, tmp_path, capsys):
    data, csv_folder = files["csv"]
    _, parquet_folder = files["str"]
    args = ["--label", "y", "--score", "p", "--positive", "yes", "--weight", "w", "--group", "g"]
    tables = []
    for folder in (csv_folder, parquet_folder):
        out = tmp_path / f"{folder.name}.parquet"
        code, _, stderr = run([str(folder), *args, "-o", str(out)], capsys)
        assert code == 0, stderr
        tables.append(read_counts(out))
    (csv_table, csv_meta), (parquet_table, parquet_meta) = tables
    assert csv_table.equals(parquet_table)
    assert csv_meta.rows_excluded == parquet_meta.rows_excluded == data.excluded
    assert csv_meta.n_files == 2


def test_labels_with_spaces_and_case_match_positive(tmp_path, capsys):
    path = tmp_path / "a.csv"
    path.write_text("y,p\nYes,0.9\n no ,0.1\nyes,0.5\nNo,0.5\n,0.2\n")
    args = [str(path), *opts("--label y --score p --positive YES")]
    frame, meta, _ = aggregate_frame(args, tmp_path, capsys)
    assert sorted(meta.positive_labels) == ["Yes", "yes"]
    assert frame.to_dict("list") == {
        "score": [0.9, 0.5, 0.1],
        "n_pos": [1, 1, 0],
        "n_neg": [0, 1, 1],
    }
    assert meta.rows_excluded == {"missing label": 1}


# --- binning ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fine_scores(tmp_path_factory) -> tuple[np.ndarray, np.ndarray, Path]:
    """Full-precision scores (plus values right on and next to the 0.01 grid)."""
    rng = np.random.default_rng(7)
    s = rng.normal(0.3, 0.2, N_ROWS)
    grid = np.round(rng.uniform(-0.5, 1, 3000), 2)
    s[:3000] = grid
    s[3000:6000] = np.nextafter(grid, -np.inf)
    s[6000:9000] = np.nextafter(grid, np.inf)
    y = rng.random(N_ROWS) < np.clip(s, 0, 1)
    path = tmp_path_factory.mktemp("fine") / "fine.parquet"
    pq.write_table(pa.table({"y": y, "s": s}), path)
    return y, s, path


def assert_exact_at_edges(frame: pd.DataFrame, y: np.ndarray, s: np.ndarray) -> None:
    """At every representative score (a bin's lowest edge) the counts are exact."""
    reference = sweep(y, s)
    tp, fp = np.cumsum(frame["n_pos"]), np.cumsum(frame["n_neg"])
    for i, edge in enumerate(frame["score"]):
        point = reference.at(edge)
        assert (tp[i], fp[i]) == (point.tp, point.fp), f"counts off at the bin edge {edge!r}"


@pytest.mark.parametrize("digits", [0, 1, 2, 3])
def test_round_is_exact_on_the_grid(fine_scores, tmp_path, capsys, digits):
    y, s, path = fine_scores
    args = [str(path), "--label", "y", "--score", "s", "--round", str(digits)]
    frame, meta, stdout = aggregate_frame(args, tmp_path, capsys)
    steps = np.round(frame["score"].to_numpy() * 10.0**digits)
    np.testing.assert_array_equal(frame["score"], steps / 10.0**digits)  # grid values
    assert_exact_at_edges(frame, y, s)
    totals = frame["n_pos"] + frame["n_neg"]
    assert meta.max_count_error == totals.max()
    assert meta.binning == "round"
    assert meta.round_digits == digits
    assert f"--round {digits}" in stdout


@pytest.mark.parametrize("n_bins", [1, 37, 1000])
def test_bins_are_exact_at_every_edge(fine_scores, tmp_path, capsys, n_bins):
    y, s, path = fine_scores
    args = [str(path), "--label", "y", "--score", "s", "--bins", str(n_bins)]
    frame, meta, _ = aggregate_frame(args, tmp_path, capsys)
    assert meta.bin_lo == s.min()
    assert meta.bin_width == (s.max() - s.min()) / n_bins
    k = np.round((frame["score"] - meta.bin_lo) / meta.bin_width).astype(int)
    np.testing.assert_array_equal(frame["score"], meta.bin_lo + k * meta.bin_width)
    assert k.min() >= 0
    assert k.max() <= n_bins - 1
    assert_exact_at_edges(frame, y, s)
    assert meta.max_count_error == (frame["n_pos"] + frame["n_neg"]).max()
    # A threshold inside a bin is off by at most the bound.
    reference = sweep(y, s)
    tp = np.concatenate([[0], np.cumsum(frame["n_pos"])])
    edges = frame["score"].to_numpy()
    for t in (edges[:-1] + edges[1:]) / 2:
        flagged = tp[np.searchsorted(-edges, -t, side="right")]
        assert abs(reference.at(t).tp - flagged) <= meta.max_count_error


def test_bins_over_groups_bound_the_error_by_the_bin_total(files, tmp_path, capsys):
    _, folder = files["int"]
    args = [str(folder), *opts("--label y --score p --bins 20 --group g")]
    frame, meta, _ = aggregate_frame(args, tmp_path, capsys)
    rows = frame.n_pos + frame.n_neg
    assert meta.max_count_error == rows.groupby(frame.score).sum().max()
    assert meta.max_count_error > rows.max()  # the bound is over all groups together


def test_bins_with_one_distinct_score(tmp_path, capsys):
    path = tmp_path / "one.parquet"
    pq.write_table(pa.table({"y": [0, 1, 1], "s": [0.5, 0.5, 0.5]}), path)
    frame, _, _ = aggregate_frame(
        [str(path), *opts("--label y --score s --bins 10")], tmp_path, capsys
    )
    assert frame.to_dict("list") == {"score": [0.5], "n_pos": [2], "n_neg": [1]}


def test_too_many_bins_for_float_precision(tmp_path, capsys):
    path = tmp_path / "narrow.parquet"
    pq.write_table(pa.table({"y": [0, 1], "s": [1.0, np.nextafter(1.0, 2.0)]}), path)
    args = [str(path), *opts("--label y --score s --bins 1000 -o"), str(tmp_path / "c")]
    code, _, stderr = run(args, capsys)
    assert code == 1
    assert "finer than the scores' float64 precision" in stderr


# --- metadata --------------------------------------------------------------------------


def test_metadata_is_recorded_in_the_parquet_footer(files, tmp_path, capsys):
    _, folder = files["int"]
    out = tmp_path / "counts.parquet"
    args = [str(folder), *opts("--label y --score p --weight w --round 1 -o"), str(out)]
    assert run(args, capsys)[0] == 0
    raw = pq.read_metadata(out).metadata
    assert raw[f"{METADATA_PREFIX}format".encode()] == f'"{FORMAT}"'.encode()
    meta = read_metadata(out)
    assert (meta.label, meta.score, meta.weight, meta.group) == ("y", "p", "w", [])
    assert (meta.positive, meta.positive_labels, meta.negative_labels) == (1, [1], [0])
    assert meta.engine == "duckdb"
    assert meta.engine_version
    assert meta.tie_rule == "score >= threshold"
    assert meta.n_files == 3
    assert meta.inputs == [str(folder)]
    assert meta.n_rows == pq.read_metadata(out).num_rows
    assert meta.rows_used + sum(meta.rows_excluded.values()) == meta.rows_read == N_ROWS


def test_output_file_mode_follows_the_umask(files, tmp_path, capsys):
    _, folder = files["int"]
    out = tmp_path / "counts.parquet"
    assert run([str(folder), *opts("--label y --score p -o"), str(out)], capsys)[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


# --- inputs ----------------------------------------------------------------------------


def test_folder_skips_hidden_and_underscore_files(files, tmp_path, capsys):
    _, folder = files["int"]
    copy = tmp_path / "dataset"
    copy.mkdir()
    for part in folder.iterdir():
        (copy / part.name).write_bytes(part.read_bytes())
    (copy / "_SUCCESS").write_text("")
    (copy / ".part-0.parquet.crc").write_bytes(b"junk")
    (copy / "_temporary").mkdir()
    (copy / "_temporary" / "x.parquet").write_bytes(b"junk")
    _, meta, _ = aggregate_frame([str(copy), *opts("--label y --score p")], tmp_path, capsys)
    assert meta.n_files == 3


def test_glob_and_several_inputs(files, tmp_path, capsys):
    _, folder = files["int"]
    args = [str(folder / "part-0.parquet"), str(folder / "part-[12].parquet")]
    _, meta, _ = aggregate_frame([*args, *opts("--label y --score p")], tmp_path, capsys)
    assert (meta.rows_read, meta.n_files) == (N_ROWS, 3)


# --- bad input: clear message, non-zero exit, no output ----------------------------------


@pytest.fixture
def bad_inputs(tmp_path) -> Path:
    (tmp_path / "garbage.parquet").write_bytes(b"this is not parquet at all")
    pq.write_table(pa.table({"y": [0, 1], "s": [0.1, 0.9]}), tmp_path / "int_label.parquet")
    pq.write_table(pa.table({"y": ["a", "b"], "s": [0.2, 0.8]}), tmp_path / "str_label.parquet")
    pq.write_table(pa.table({"y": [0, 1], "q": [0.2, 0.8]}), tmp_path / "no_score.parquet")
    pq.write_table(pa.table({"y": [0, 1, 2], "s": [0.1, 0.5, 0.9]}), tmp_path / "three.parquet")
    pq.write_table(pa.table({"y": [1, 1], "s": [0.1, 0.5]}), tmp_path / "one_class.parquet")
    pq.write_table(
        pa.table(
            {"y": [0, 1], "s": [float("nan"), None]},
            schema=pa.schema([("y", pa.int64()), ("s", pa.float64())]),
        ),
        tmp_path / "no_scores.parquet",
    )
    (tmp_path / "bad_score.csv").write_text("y,s\n0,0.1\n1,high\n1,0.9\n")
    (tmp_path / "semicolon.csv").write_text("y;s\n0;0.1\n")
    (tmp_path / "comma.csv").write_text("y,s\n0,0.1\n")
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header_only.csv").write_text("y,s\n")
    (tmp_path / "ragged.csv").write_text("y,s\n0,0.1\n1,0.2,extra\n1,0.9\n")
    rows = "".join(f"{i % 2},0.{i}\n" for i in range(30_000))
    (tmp_path / "ragged_late.csv").write_text(f"y,s\n{rows}1,0.5,extra\n")
    return tmp_path


BAD_CASES = {
    "missing column": (["int_label.parquet", "--score", "nope"], 1, "score column 'nope' is not"),
    "case of a column": (["int_label.parquet", "--score", "S"], 1, "Did you mean 's'?"),
    "unreadable file": (["garbage.parquet"], 1, "not a readable Parquet file"),
    "glob matches nothing": (["nothing/*.parquet"], 1, "matches no files"),
    "no such file": (["missing.parquet"], 1, "There is no file or folder"),
    "mixed label types": (["int_label.parquet", "str_label.parquet"], 1, "mixed schemas"),
    "column missing from a file": (
        ["int_label.parquet", "no_score.parquet"],
        1,
        "missing from 1 of 2 files",
    ),
    "mixed formats": (["int_label.parquet", "comma.csv"], 1, "mix CSV"),
    "mixed delimiters": (["comma.csv", "semicolon.csv"], 1, "different delimiters"),
    "three labels": (["three.parquet"], 1, "--positive VALUE"),
    "one label": (["one_class.parquet"], 1, "only one value"),
    "positive not found": (["int_label.parquet", "--positive", "yes"], 1, "does not occur"),
    "no usable rows": (["no_scores.parquet"], 1, "No usable rows"),
    "text in the score column": (["bad_score.csv"], 1, "such as 'high'"),
    "empty csv": (["empty.csv"], 1, "is empty"),
    "header only": (["header_only.csv"], 1, "no data rows"),
    "ragged csv": (["ragged.csv"], 1, "could not be parsed as CSV"),
    "ragged row late in a csv": (["ragged_late.csv"], 1, "Line 30,002 of"),
    "round and bins": (["int_label.parquet", "--round", "2", "--bins", "5"], 2, "not allowed"),
    "round out of range": (["int_label.parquet", "--round", "40"], 2, "from 0 to 15"),
    "memory limit": (["int_label.parquet", "--memory-limit", "lots"], 2, "not a size"),
    "same column twice": (["int_label.parquet", "--group", "s"], 2, "same column 's'"),
    "group named score": (["int_label.parquet", "--group", "score"], 2, "may not be named"),
    "output is an input": (["int_label.parquet", "-o", "int_label.parquet"], 1, "also an input"),
    "output folder missing": (
        ["int_label.parquet", "-o", "no/such/dir/c.parquet"],
        1,
        "does not exist",
    ),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_gets_a_message_and_no_output(bad_inputs, capsys, monkeypatch, case):
    args, expected_code, phrase = BAD_CASES[case]
    monkeypatch.chdir(bad_inputs)
    argv = list(args)
    if "--score" not in argv:
        argv += ["--score", "s"]
    if "-o" not in argv:
        argv += ["-o", "out.parquet"]
    before = set(os.listdir(bad_inputs))
    code, stdout, stderr = run([*argv, "--label", "y"], capsys)
    assert code == expected_code, stderr
    assert phrase in stderr
    assert "Traceback" not in stderr + stdout
    assert set(os.listdir(bad_inputs)) == before  # no output, no temp file left behind


def test_failed_run_leaves_an_existing_output_untouched(bad_inputs, capsys):
    out = bad_inputs / "counts.parquet"
    out.write_bytes(b"previous counts")
    args = [str(bad_inputs / "three.parquet"), *opts("--label y --score s -o"), str(out)]
    code, _, _ = run(args, capsys)
    assert code == 1
    assert out.read_bytes() == b"previous counts"
    assert not [p for p in os.listdir(bad_inputs) if p.endswith(".tmp")]


def test_unreadable_data_found_while_counting_leaves_no_output(tmp_path, capsys):
    # The group column is read only by the counting pass: a damaged page there fails late.
    n = 200_000
    rng = np.random.default_rng(1)
    groups = pa.array([f"group-{i % 977}-" + "x" * 20 for i in range(n)])
    table = pa.table({"y": rng.integers(0, 2, n), "s": rng.random(n), "g": groups})
    path = tmp_path / "damaged.parquet"
    pq.write_table(table, path, compression="snappy", use_dictionary=False)
    start = pq.read_metadata(path).row_group(0).column(2).data_page_offset + 200
    raw = bytearray(path.read_bytes())
    raw[start : start + 2000] = b"\xab" * 2000
    path.write_bytes(bytes(raw))
    out = tmp_path / "counts.parquet"
    out.write_bytes(b"previous counts")
    code, _, stderr = run([str(path), *opts("--label y --score s --group g -o"), str(out)], capsys)
    assert code == 1
    assert "could not read the input" in stderr
    assert out.read_bytes() == b"previous counts"
    assert sorted(os.listdir(tmp_path)) == ["counts.parquet", "damaged.parquet"]


def test_spark_without_java_exits_2(bad_inputs, capsys, monkeypatch):
    from metrics_app.aggregate import spark_engine

    monkeypatch.setenv("PATH", str(bad_inputs))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    if spark_engine.java_available():
        pytest.fail("java is still found with an empty PATH and no JAVA_HOME")
    args = [str(bad_inputs / "int_label.parquet"), *opts("--label y --score s --engine spark -o")]
    code, _, stderr = run([*args, str(bad_inputs / "c.parquet")], capsys)
    assert code == 2
    assert "Java 17" in stderr or "PySpark" in stderr
    assert not (bad_inputs / "c.parquet").exists()


# --- the installed console script --------------------------------------------------------


def test_console_script_is_installed():
    assert SCRIPT.exists(), "run .venv/bin/pip install -e . to install the console script"


def test_console_script_aggregates(files, tmp_path):
    _, folder = files["str"]
    out = tmp_path / "counts.parquet"
    result = run_script(
        "aggregate",
        str(folder),
        "--label",
        "y",
        "--score",
        "p",
        "--positive",
        "yes",
        "--round",
        "1",
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Read {N_ROWS:,} rows from 3 files with duckdb")
    assert lines[1].startswith("Excluded ")
    assert "missing score" in lines[1]
    assert "Max count error" in lines[-1]
    assert read_metadata(out).binning == "round"


def test_console_script_usage_errors_exit_2(tmp_path):
    result = run_script("aggregate", "x.parquet", "--label", "y", "-o", str(tmp_path / "c"))
    assert result.returncode == 2
    assert "the following arguments are required: --score" in result.stderr
    help_ = run_script("--help")
    assert help_.returncode == 0
    assert "aggregate" in help_.stdout


def test_console_script_bad_input_has_no_traceback(bad_inputs):
    result = run_script(
        "aggregate",
        str(bad_inputs / "garbage.parquet"),
        "--label",
        "y",
        "--score",
        "s",
        "-o",
        str(bad_inputs / "c.parquet"),
    )
    assert result.returncode == 1
    assert result.stderr.startswith("threshold-lab aggregate: error: ")
    assert "Traceback" not in result.stderr


def test_console_script_spark_without_pyspark_exits_2(bad_inputs, tmp_path):
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "pyspark.py").write_text("raise ImportError('No module named pyspark')\n")
    result = run_script(
        "aggregate",
        str(bad_inputs / "int_label.parquet"),
        "--label",
        "y",
        "--score",
        "s",
        "--engine",
        "spark",
        "-o",
        str(bad_inputs / "c.parquet"),
        env={"PYTHONPATH": str(shim)},
    )
    assert result.returncode == 2, result.stderr
    assert "needs PySpark" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (bad_inputs / "c.parquet").exists()


def test_module_runs_as_a_script_for_spark_submit(bad_inputs):
    result = subprocess.run(
        [sys.executable, str(ROOT / "metrics_app" / "cli.py"), "aggregate", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=bad_inputs,
    )
    assert result.returncode == 0, result.stderr
    assert "--engine {duckdb,spark}" in result.stdout
