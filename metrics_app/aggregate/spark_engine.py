r"""The Spark engine: the same aggregation, where the data already lives.

It runs exactly the SQL text the DuckDB engine runs (:mod:`metrics_app.aggregate.sql`),
through Spark SQL, so both engines give identical counts. Only built-in Spark SQL
functions are used, no Python UDFs: the executors need nothing of this project installed.
PySpark is an optional extra: ``pip install "threshold-lab[spark]"`` (Spark also needs
Java 17 or newer).

On one machine ``threshold-lab aggregate ... --engine spark`` starts Spark in local mode
(``local[*]``, driver memory from ``--memory-limit``, spill folder from ``--temp-dir``).

On a cluster, submit the command-line module itself with ``spark-submit``; the master,
memory and executors then come from ``spark-submit`` and the cluster, not from this
module. Use client deploy mode so that the counts file is written on the machine you run
the command on, and give the inputs as URIs the cluster can read::

    spark-submit --master yarn --deploy-mode client \
        "$(python -c 'import metrics_app.cli as m; print(m.__file__)')" \
        aggregate 'hdfs:///data/scores/*.parquet' --label y --score p \
        --engine spark -o counts.parquet

URIs (``hdfs://``, ``s3a://``, ``gs://``, ...) are passed to Spark as they are, globs
included; a URI without a ``.csv`` suffix is read as Parquet. Local CSV files are read
with every column as text, as in the DuckDB engine, one read per distinct header, joined
by column name, so files whose columns come in another order still line up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyarrow as pa

from metrics_app.aggregate.inputs import InputSet
from metrics_app.aggregate.spec import AggregateSpec, EngineUnavailable
from metrics_app.aggregate.sql import SOURCE, SPARK
from metrics_app.data.errors import DataError, detail

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["SparkEngine", "java_available", "spark_kind"]

MSG_NO_PYSPARK = (
    "The Spark engine needs PySpark, which is not installed. Install it with: "
    'pip install "threshold-lab[spark]" (or pip install pyspark), or use --engine duckdb.'
)
MSG_NO_JAVA = (
    "The Spark engine needs Java 17 or newer, and no 'java' was found (on PATH or in "
    "JAVA_HOME). Install a Java runtime (on Debian or Ubuntu: apt-get install "
    "default-jre-headless), or use --engine duckdb."
)


def java_available() -> bool:
    """True when Spark can find a ``java`` to start (``JAVA_HOME`` first, then ``PATH``)."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return True
    return shutil.which("java") is not None


def spark_kind(data_type: object) -> str:
    """The kind of values a Spark SQL type holds: number, text, boolean, null or its name."""
    from pyspark.sql import types as t

    if isinstance(data_type, t.NumericType):
        return "number"
    if isinstance(data_type, t.BooleanType):
        return "boolean"
    if isinstance(data_type, t.StringType | getattr(t, "VarcharType", t.StringType)):
        return "text"
    if isinstance(data_type, t.NullType):
        return "null"
    return data_type.simpleString()  # type: ignore[attr-defined]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Keep PySpark's notice about untested pandas versions off the user's terminal."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*PySpark does not yet fully support")
        yield


@contextlib.contextmanager
def _spark_calls(what: str) -> Iterator[None]:
    """Turn Spark's errors into messages for the user."""
    with _quiet():
        try:
            yield
        except DataError:
            raise
        except Exception as err:  # Py4J and PySpark errors share no base class worth naming
            raise DataError(f"Spark could not {what}{detail(err)}. Check the input.") from err


class SparkEngine:
    """Aggregation with Spark SQL (local mode unless run under ``spark-submit``).

    Parameters
    ----------
    memory_limit : int
        Driver memory in local mode, in bytes.
    spill_dir : str
        ``spark.local.dir`` in local mode.

    Raises
    ------
    EngineUnavailable
        If PySpark or Java is missing, or Spark does not start.
    """

    name = "spark"
    dialect = SPARK

    def __init__(self, *, memory_limit: int, spill_dir: str) -> None:
        try:
            import pyspark
            from pyspark.sql import SparkSession
        except ImportError as err:
            raise EngineUnavailable(MSG_NO_PYSPARK) from err
        self.version = pyspark.__version__
        session = SparkSession.getActiveSession()
        self._own = session is None
        if session is None:
            if not java_available():
                raise EngineUnavailable(MSG_NO_JAVA)
            builder = SparkSession.builder.appName("threshold-lab aggregate")
            # spark-submit starts the JVM first and hands this process its gateway; then
            # the cluster's settings apply and none of the local-mode ones below.
            if "PYSPARK_GATEWAY_PORT" not in os.environ:
                cores = os.cpu_count() or 2
                # One machine: keep the driver on loopback (and Spark from guessing a
                # network address and warning about it).
                os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
                builder = (
                    builder.master("local[*]")
                    .config("spark.driver.memory", f"{max(256, memory_limit // 2**20)}m")
                    .config("spark.local.dir", spill_dir)
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.sql.shuffle.partitions", str(4 * cores))
                )
            try:
                with _quiet():
                    session = builder.getOrCreate()
                    session.sparkContext.setLogLevel("ERROR")
            except Exception as err:  # the JVM did not come up: PySpark's own error types
                raise EngineUnavailable(
                    f"Spark did not start{detail(err)}. Check the Java installation (Java 17 "
                    "or newer), or use --engine duckdb."
                ) from err
        self._spark = session

    def open(self, inputs: InputSet, spec: AggregateSpec) -> None:
        """Register the input files as the source view."""
        with _spark_calls("read the input"):
            reader = self._spark.read
            if inputs.format == "parquet":
                frame = reader.parquet(*inputs.paths)
            else:
                frame = self._read_csv(inputs, spec)
            frame.createOrReplaceTempView(SOURCE)

    def _read_csv(self, inputs: InputSet, spec: AggregateSpec) -> DataFrame:
        options = {
            "header": True,
            "sep": inputs.delimiter,
            "quote": '"',
            "escape": '"',
            "mode": "FAILFAST",
            "inferSchema": False,
        }
        # Spark takes column names from the first file of a read, by position: read each
        # distinct header on its own and join the parts by name.
        by_header: dict[tuple[str, ...] | None, list[str]] = {}
        for path in inputs.paths:
            by_header.setdefault(inputs.headers.get(path), []).append(path)
        columns = [SPARK.ident(c) for c in spec.columns]
        frames = [
            self._spark.read.options(**options).csv(paths).select(*columns)
            for paths in by_header.values()
        ]
        frame = frames[0]
        for other in frames[1:]:
            frame = frame.unionByName(other)
        return frame

    def column_kinds(self) -> dict[str, tuple[str, str]]:
        """Each source column's kind and Spark type."""
        with _spark_calls("read the input's columns"):
            schema = self._spark.table(SOURCE).schema
            return {f.name: (spark_kind(f.dataType), f.dataType.simpleString()) for f in schema}

    def rows(self, sql: str) -> list[tuple]:
        """Run a query with a small result."""
        with _spark_calls("run the aggregation"):
            return [tuple(row) for row in self._spark.sql(sql).collect()]

    def counts(self, sql: str) -> pa.RecordBatchReader:
        """Run the counting query and collect its result to the driver as Arrow."""
        with _spark_calls("count"):
            frame = self._spark.sql(sql)
            if hasattr(frame, "toArrow"):  # Spark 4
                table = frame.toArrow()
            else:  # Spark 3.5: through pandas, with Arrow doing the transfer
                self._spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
                table = pa.Table.from_pandas(frame.toPandas(), preserve_index=False)
        return table.to_reader()

    def close(self) -> None:
        """Drop the source view; stop Spark if this engine started it."""
        with contextlib.suppress(Exception):
            self._spark.catalog.dropTempView(SOURCE)
        if self._own:
            with contextlib.suppress(Exception):
                self._spark.stop()
