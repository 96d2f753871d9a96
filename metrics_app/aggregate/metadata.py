"""The counts file: its columns, its key-value metadata, and writing it atomically.

A counts file is Parquet with one row per (group, score): ``[group columns...,] score
(float64), n_pos, n_neg`` (int64 counts, or float64 sums of weights), sorted by group and
then by decreasing score, the order of a threshold sweep: the cumulative sums of ``n_pos``
and ``n_neg`` down the file are the true and false positives at each score, under the tie
rule "positive when score >= threshold".

The file's key-value metadata holds a :class:`CountsMetadata`, one key per field under
the prefix ``threshold_lab.``, each value JSON. :func:`read_counts` reads both back.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from metrics_app.aggregate.spec import OUTPUT_COLUMNS

__all__ = [
    "FORMAT",
    "METADATA_PREFIX",
    "CountsMetadata",
    "CountsWriter",
    "WriteStats",
    "counts_schema",
    "read_counts",
    "read_metadata",
]

#: Written as ``threshold_lab.format``; a reader checks it before trusting the columns.
FORMAT = "threshold-lab counts v1"
#: Prefix of every key this project writes into a counts file's metadata.
METADATA_PREFIX = "threshold_lab."


@dataclass(frozen=True)
class CountsMetadata:
    """Where a counts file came from and how exact it is.

    Attributes
    ----------
    label, score : str
        The label and score columns of the input.
    weight : str or None
        The weight column; counts are sums of weights when set.
    group : list of str
        The group columns, which come first in the file.
    positive : object
        The positive label value as it occurs in the data.
    positive_labels, negative_labels : list
        Every label value counted as positive, and as negative.
    positive_guessed : bool
        True when no ``--positive`` was given and the positive class was guessed.
    engine, engine_version : str
        The engine that aggregated (``duckdb`` or ``spark``) and its version.
    binning : str
        ``exact``, ``round`` or ``bins``.
    round_digits, bins : int or None
        The ``--round`` decimals or the ``--bins`` count.
    bin_lo, bin_width : float or None
        With ``--bins``: the first bin's lower edge and the bins' width; bin ``k``
        is ``[bin_lo + k * bin_width, bin_lo + (k + 1) * bin_width)``, the last one closed.
    tie_rule : str
        Always ``"score >= threshold"``: each row of the file stands for its bin's lowest
        score, so counts at every bin edge (and every threshold, for exact counts) are exact.
    rows_read, rows_used : int
        Rows in the input, and rows counted.
    rows_excluded : dict of str to int
        Rows left out, by reason (the first reason that applies), nonzero reasons only.
    n_rows : int
        Rows of the counts file.
    n_pos, n_neg : int or float
        Total positives and negatives (sums of weights when weighted).
    max_count_error : int or float
        The largest error binning can cause in any count at any threshold: the most rows
        (or weight) in one bin, over all groups together; 0 for exact counts.
    inputs : list of str
        The inputs as given on the command line.
    n_files : int
        Files read.
    """

    label: str
    score: str
    weight: str | None
    group: list[str]
    positive: object
    positive_labels: list[object]
    negative_labels: list[object]
    positive_guessed: bool
    engine: str
    engine_version: str
    binning: str
    round_digits: int | None
    bins: int | None
    bin_lo: float | None
    bin_width: float | None
    rows_read: int
    rows_used: int
    rows_excluded: dict[str, int]
    n_rows: int
    n_pos: float
    n_neg: float
    max_count_error: float
    inputs: list[str]
    n_files: int
    tie_rule: str = "score >= threshold"
    format: str = field(default=FORMAT)

    def to_parquet(self) -> dict[str, str]:
        """The metadata as Parquet key-value pairs (JSON values)."""
        return {METADATA_PREFIX + k: json.dumps(v, default=str) for k, v in asdict(self).items()}

    @classmethod
    def from_parquet(cls, pairs: dict[bytes, bytes] | dict[str, str]) -> CountsMetadata:
        """Read the metadata back from Parquet key-value pairs.

        Raises
        ------
        ValueError
            If the pairs are not from a counts file of this format.
        """
        text = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in pairs.items()
        }
        if json.loads(text.get(METADATA_PREFIX + "format", "null")) != FORMAT:
            raise ValueError("not a threshold-lab counts file (no counts metadata)")
        values = {}
        for f in fields(cls):
            key = METADATA_PREFIX + f.name
            if key in text:
                values[f.name] = json.loads(text[key])
        return cls(**values)


def read_metadata(path: str | os.PathLike[str]) -> CountsMetadata:
    """The :class:`CountsMetadata` of a counts file (reads the footer only)."""
    return CountsMetadata.from_parquet(pq.read_metadata(path).metadata or {})


def read_counts(path: str | os.PathLike[str]) -> tuple[pa.Table, CountsMetadata]:
    """A counts file's table and metadata."""
    with pq.ParquetFile(path) as handle:
        # Key-value pairs added after the data live in the file's footer, not in the
        # schema that read() attaches to the table.
        metadata = CountsMetadata.from_parquet(handle.metadata.metadata or {})
        return handle.read(), metadata


def _normal_type(type_: pa.DataType) -> pa.DataType:
    """One Arrow type per kind of group value, so both engines write the same schema."""
    if pa.types.is_dictionary(type_):
        type_ = type_.value_type
    if pa.types.is_integer(type_):
        return pa.int64()
    if pa.types.is_floating(type_):
        return pa.float64()
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return pa.string()
    if getattr(pa.types, "is_string_view", lambda _: False)(type_):
        return pa.string()
    return type_


def counts_schema(source: pa.Schema, group: list[str], weighted: bool) -> pa.Schema:
    """The counts file's schema, from an engine's result schema."""
    count = pa.float64() if weighted else pa.int64()
    columns = [pa.field(g, _normal_type(source.field(g).type)) for g in group]
    columns.append(pa.field("score", pa.float64(), nullable=False))
    columns += [pa.field(c, count, nullable=False) for c in OUTPUT_COLUMNS[1:]]
    return pa.schema(columns)


@dataclass
class WriteStats:
    """What went into a counts file.

    Attributes
    ----------
    n_rows : int
        Rows written.
    n_pos, n_neg : int or float
        Total positives and negatives.
    n_groups : int
        Distinct combinations of group values (1 without groups).
    max_bin_total : int or float
        The most rows (or weight) at one score, summed over all groups.
    """

    n_rows: int = 0
    n_pos: float = 0
    n_neg: float = 0
    n_groups: int = 1
    max_bin_total: float = 0


class CountsWriter:
    """Write a counts file to a temporary file beside ``path``; rename it on success.

    Use as a context manager: on any exception the temporary file is removed and
    ``path`` is left as it was, so a failed run never leaves a partial counts file.

    Parameters
    ----------
    path : path-like
        The counts file to create (replaced if it exists).
    group : list of str
        Group columns, in order.
    weighted : bool
        True for float64 sums of weights, False for int64 counts.
    """

    def __init__(self, path: str | os.PathLike[str], group: list[str], weighted: bool) -> None:
        self.path = Path(path)
        self.group = group
        self.weighted = weighted
        self.stats = WriteStats()
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._tmp: str | None = None
        self._finished = False

    def __enter__(self) -> CountsWriter:
        fd, self._tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(fd)
        # mkstemp makes the file private (0600); give it the mode a new file would get.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self._tmp, 0o666 & ~umask)
        return self

    def write(self, reader: pa.RecordBatchReader) -> None:
        """Write an engine's result (any Arrow types it gives), already in file order."""
        self._schema = counts_schema(reader.schema, self.group, self.weighted)
        assert self._tmp is not None
        self._writer = pq.ParquetWriter(self._tmp, self._schema)
        groups: set[tuple] = set()
        scores: list[np.ndarray] = []  # with groups, one score's rows are spread out
        totals: list[np.ndarray] = []
        stats = self.stats
        for batch in reader:
            table = pa.Table.from_batches([batch]).select(self._schema.names)
            table = table.cast(self._schema)
            self._writer.write_table(table)
            n_pos = table.column("n_pos").to_numpy()
            n_neg = table.column("n_neg").to_numpy()
            stats.n_rows += table.num_rows
            stats.n_pos += n_pos.sum().item()
            stats.n_neg += n_neg.sum().item()
            if self.group:
                keys = table.select(self.group).group_by(self.group).aggregate([])
                groups.update(tuple(row.values()) for row in keys.to_pylist())
                scores.append(table.column("score").to_numpy())
                totals.append(n_pos + n_neg)
            elif table.num_rows:
                stats.max_bin_total = max(stats.max_bin_total, (n_pos + n_neg).max().item())
        if self.group:
            stats.n_groups = len(groups)
            if stats.n_rows:
                _, where = np.unique(np.concatenate(scores), return_inverse=True)
                per_score = np.zeros(where.max() + 1, dtype=totals[0].dtype)
                np.add.at(per_score, where, np.concatenate(totals))
                stats.max_bin_total = per_score.max().item()

    def finish(self, metadata: CountsMetadata) -> None:
        """Store ``metadata`` and close the file (renamed into place on leaving the block)."""
        if self._writer is None:
            raise RuntimeError("write() must come before finish()")
        self._writer.add_key_value_metadata(metadata.to_parquet())
        self._writer.close()
        self._writer = None
        self._finished = True

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        assert self._tmp is not None
        if exc_type is None and self._finished:
            os.replace(self._tmp, self.path)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
