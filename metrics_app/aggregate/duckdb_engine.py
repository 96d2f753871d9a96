"""The default engine: DuckDB, in this process, on data larger than memory.

DuckDB streams the input files (Parquet column by column, CSV in parallel chunks), runs
the aggregation with at most ``memory_limit`` bytes and spills the rest of a large
``GROUP BY`` to a temporary folder on disk. Settings: ``SET memory_limit``,
``SET temp_directory`` (a fresh folder, removed afterwards) and
``SET preserve_insertion_order = false``, which lets large results stream without
being buffered in input order (the counts are sorted explicitly anyway).

CSV files are read with every column as text (``all_varchar``), the same as the Spark
engine, so that both parse scores with the same rule (see :mod:`metrics_app.aggregate.sql`);
columns are matched by name across files (``union_by_name``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa

from metrics_app.aggregate.inputs import InputSet
from metrics_app.aggregate.spec import AggregateSpec, EngineUnavailable
from metrics_app.aggregate.sql import DUCKDB, SOURCE
from metrics_app.data.errors import DataError, detail, quote

__all__ = ["DuckDBEngine", "duckdb_kind"]

_BATCH_ROWS = 1 << 20

_NUMBER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
)


def duckdb_kind(type_name: str) -> str:
    """The kind of values a DuckDB type holds: number, text, boolean, null or its name."""
    name = type_name.upper()
    if name.startswith(_NUMBER_TYPES):
        return "number"
    if name == "BOOLEAN":
        return "boolean"
    if name == "VARCHAR":
        return "text"
    if name == '"NULL"' or name == "NULL":
        return "null"
    return type_name


class DuckDBEngine:
    """Aggregation with DuckDB, in process.

    Parameters
    ----------
    memory_limit : int
        Bytes DuckDB may use; beyond them it spills to ``spill_dir``.
    spill_dir : str
        An empty folder for DuckDB's temporary files.

    Raises
    ------
    EngineUnavailable
        If the ``duckdb`` package is not installed.
    """

    name = "duckdb"
    dialect = DUCKDB

    def __init__(self, *, memory_limit: int, spill_dir: str) -> None:
        try:
            import duckdb
        except ImportError as err:
            raise EngineUnavailable(
                "The DuckDB engine needs the duckdb package, which is not installed. Install "
                "it with: pip install duckdb (it is a dependency of threshold-lab, so "
                "reinstalling the project also brings it)."
            ) from err
        self._duckdb = duckdb
        self.version = duckdb.__version__
        self._con = duckdb.connect(":memory:")
        # Bytes, written in KiB so that DuckDB takes the number as it is.
        self._con.execute(f"SET memory_limit = '{max(1, memory_limit // 1024)}KiB'")
        self._con.execute(f"SET temp_directory = {DUCKDB.string(spill_dir)}")
        self._con.execute("SET preserve_insertion_order = false")
        # Parquet min/max statistics leave NaN out, as the format prescribes, and recent
        # DuckDB by default reads them as "no NaN here" and folds isnan() to false: NaN
        # scores written by pyarrow would then be counted as scores. Make every scan
        # assume NaN may be present (older DuckDB always did and lacks the setting).
        settings = self._con.execute(
            "SELECT count(*) FROM duckdb_settings() WHERE name = 'parquet_can_have_nan'"
        ).fetchall()
        if settings[0][0]:
            self._con.execute("SET parquet_can_have_nan = true")

    def _run(self, sql: str) -> object:
        try:
            return self._con.execute(sql)
        except self._duckdb.Error as err:
            raise _data_error(err) from err

    def open(self, inputs: InputSet, spec: AggregateSpec) -> None:
        """Register the input files as the source view."""
        files = "[" + ", ".join(DUCKDB.string(p) for p in inputs.paths) + "]"
        if inputs.format == "parquet":
            reader = f"read_parquet({files}, union_by_name = true)"
        else:
            reader = (
                f"read_csv({files}, delim = {DUCKDB.string(inputs.delimiter)}, header = true, "
                "quote = '\"', escape = '\"', all_varchar = true, union_by_name = true)"
            )
        self._run(f"CREATE TEMP VIEW {DUCKDB.ident(SOURCE)} AS SELECT * FROM {reader}")

    def column_kinds(self) -> dict[str, tuple[str, str]]:
        """Each source column's kind and DuckDB type."""
        try:
            relation = self._con.sql(f"SELECT * FROM {DUCKDB.ident(SOURCE)} LIMIT 0")
            pairs = zip(relation.columns, relation.types, strict=True)
        except self._duckdb.Error as err:
            raise _data_error(err) from err
        return {name: (duckdb_kind(str(t)), str(t)) for name, t in pairs}

    def rows(self, sql: str) -> list[tuple]:
        """Run a query with a small result."""
        return self._run(sql).fetchall()  # type: ignore[attr-defined]

    def counts(self, sql: str) -> pa.RecordBatchReader:
        """Stream the counting query's result as Arrow batches (sorted with spilling)."""
        try:
            relation = self._con.sql(sql)
            # DuckDB 2 streams with to_arrow_reader; 1.x names it fetch_record_batch.
            stream = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
            reader = stream(_BATCH_ROWS)
        except self._duckdb.Error as err:
            raise _data_error(err) from err
        return pa.RecordBatchReader.from_batches(reader.schema, self._batches(reader))

    def _batches(self, reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
        # The query runs while it is read: an input or memory error can come mid-stream.
        try:
            yield from reader
        except (self._duckdb.Error, pa.ArrowException, OSError) as err:
            raise _data_error(err) from err

    def close(self) -> None:
        """Close the connection (DuckDB removes its temporary files)."""
        self._con.close()


_SNIFF_RE = re.compile(r'Error when sniffing file "([^"]*)"')
_LINE_RE = re.compile(r"CSV Error on Line: (\d+)")
_FIELDS_RE = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_FILE_RE = re.compile(r"^\s*file = (.+)$", re.MULTILINE)


def _data_error(err: Exception) -> DataError:
    """DuckDB's error about the input, for the user."""
    text = str(err).strip()
    if "Out of Memory" in text or "OutOfMemory" in type(err).__name__:
        return DataError(
            "DuckDB ran out of memory" + detail(err) + ". Raise --memory-limit, or give a "
            "--temp-dir on a disk with more free space."
        )
    sniff = _SNIFF_RE.search(text)
    if sniff:
        return DataError(
            f"{quote(sniff.group(1), 200)} could not be parsed as CSV. Check that every row "
            "has as many fields as the header, and that fields holding the delimiter are in "
            "double quotes."
        )
    line, fields, file = _LINE_RE.search(text), _FIELDS_RE.search(text), _FILE_RE.search(text)
    if line and fields:
        where = f" of {quote(file.group(1).strip(), 200)}" if file else ""
        return DataError(
            f"Line {int(line.group(1)):,}{where} has {fields.group(2)} fields, but the header "
            f"has {fields.group(1)}. Fix that row (quote a field that holds the delimiter)."
        )
    if text.startswith(("IO Error", "Invalid Input Error", "Conversion Error")):
        return DataError(
            "DuckDB could not read the input" + detail(err) + ". Check the files named there."
        )
    return DataError("DuckDB could not run the aggregation" + detail(err) + ". Check the input.")
