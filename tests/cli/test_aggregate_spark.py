"""``--engine spark`` gives the same counts file as DuckDB (one local SparkSession here).

DuckDB's counts are checked against pandas and :func:`metrics_core.sweep` in
``test_aggregate.py``; equality of the two files carries those checks over to Spark.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest

from metrics_app.aggregate import read_counts
from metrics_app.cli import main
from tests.cli.helpers import N_ROWS, make_data, write_csv, write_parquet

pytestmark = pytest.mark.spark


def both_engines(args: list[str], tmp_path, capsys) -> tuple:
    results = []
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.parquet"
        code = main(["aggregate", *args, "--engine", engine, "-o", str(out)])
        _, err = capsys.readouterr()
        assert code == 0, err
        results.append(read_counts(out))
    return tuple(results)


def assert_same(duck, spark) -> None:
    (duck_table, duck_meta), (spark_table, spark_meta) = duck, spark
    assert spark_table.schema == duck_table.schema
    assert spark_table.equals(duck_table)
    assert (spark_meta.engine, duck_meta.engine) == ("spark", "duckdb")
    differ = {"engine", "engine_version"}
    assert {k: v for k, v in asdict(spark_meta).items() if k not in differ} == {
        k: v for k, v in asdict(duck_meta).items() if k not in differ
    }


@pytest.mark.parametrize("binning", [[], ["--bins", "50"]])
def test_spark_equals_duckdb_on_parquet(spark_session, tmp_path, capsys, binning):
    data = make_data(labels="str", weighted=True, seed=3)
    folder = write_parquet(data, tmp_path / "in")
    args = [str(folder), "--label", "y", "--score", "p", "--positive", "yes", "--weight", "w"]
    duck, spark = both_engines([*args, "--group", "g", *binning], tmp_path, capsys)
    assert_same(duck, spark)
    assert spark[1].rows_read == N_ROWS
    assert spark[1].rows_excluded == data.excluded


def test_spark_equals_duckdb_on_csv(spark_session, tmp_path, capsys):
    data = make_data(labels="int", seed=4)
    folder = write_csv(data, tmp_path / "in")  # two files, columns in different orders
    args = [str(folder), "--label", "y", "--score", "p", "--round", "1"]
    duck, spark = both_engines(args, tmp_path, capsys)
    assert_same(duck, spark)
    assert spark[1].positive_labels == ["1"]  # CSV cells are text in both engines
    assert spark[1].rows_excluded == data.excluded
