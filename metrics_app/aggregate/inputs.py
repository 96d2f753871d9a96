"""Find the input files and check them before an engine reads a byte of data.

An input is a file, a folder (every CSV or Parquet file below it, skipping names that start
with ``.`` or ``_`` such as Spark's ``_SUCCESS``), a glob (``data/*.parquet``,
``data/**/*.csv``) or a URI (``s3://...``, ``hdfs://...``), which is handed to the engine
as it is. Local files are checked here, cheaply: a Parquet file by its footer (schema
only), a CSV file by its header line. Every file must have the chosen columns, Parquet
columns must hold the same kind of values in every file, all files must be of one format,
and CSV files must share one delimiter.
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyarrow as pa
import pyarrow.parquet as pq

from metrics_app.data.errors import DataError, detail, quote

__all__ = ["InputSet", "arrow_kind", "resolve_inputs"]

_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB_CHARS = re.compile(r"[*?\[]")
_PARQUET_MAGIC = b"PAR1"
_GZIP_MAGIC = b"\x1f\x8b"
# The delimiters a CSV header is tried with, in order of preference on a tie.
_DELIMITERS = (",", "\t", ";", "|")
_HEADER_BYTES = 1 << 20
_SHOWN = 12  # column names listed in a message

Format = Literal["csv", "parquet"]


@dataclass(frozen=True)
class InputSet:
    """The files to read, all of one format.

    Attributes
    ----------
    format : {"csv", "parquet"}
        The format of every file.
    paths : tuple of str
        Local files (absolute paths, in a stable order) and URIs, as the engine reads them.
    delimiter : str
        The CSV delimiter (``","`` for Parquet, unused).
    headers : dict of str to tuple of str
        Each local CSV file's header, so that files whose columns come in another order
        can be read by name.
    n_local : int
        How many of ``paths`` are local files (checked here).
    """

    format: Format
    paths: tuple[str, ...]
    delimiter: str = ","
    headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    n_local: int = 0


def arrow_kind(type_: pa.DataType) -> str:
    """The kind of values an Arrow type holds: number, text, boolean, null or its name."""
    if pa.types.is_dictionary(type_):
        type_ = type_.value_type
    if pa.types.is_integer(type_) or pa.types.is_floating(type_) or pa.types.is_decimal(type_):
        return "number"
    if pa.types.is_boolean(type_):
        return "boolean"
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        return "text"
    if getattr(pa.types, "is_string_view", lambda _: False)(type_):
        return "text"
    if pa.types.is_null(type_):
        return "null"
    return str(type_)


def _is_uri(text: str) -> bool:
    return bool(_URI_RE.match(text))


def _suffix_format(name: str) -> Format | None:
    lower = name.lower()
    if lower.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_CSV_SUFFIXES):
        return "csv"
    return None


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _folder_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _hidden(d))
        found += [Path(root, f) for f in sorted(files) if not _hidden(f) and _suffix_format(f)]
    return found


def _expand(item: str) -> list[str]:
    """The files (or the URI) one command-line input stands for."""
    if _is_uri(item):
        return [item]
    path = Path(item).expanduser()
    if path.is_dir():
        files = _folder_files(path)
        if not files:
            raise DataError(
                f"The folder {quote(item, 200)} holds no CSV or Parquet files (names ending "
                "in .csv, .csv.gz, .tsv or .parquet). Check the path, or name the files."
            )
        return [str(f.resolve()) for f in files]
    if path.is_file():
        return [str(path.resolve())]
    if _GLOB_CHARS.search(item):
        matches = sorted(glob.glob(os.path.expanduser(item), recursive=True))
        files: list[str] = []
        for match in matches:
            if os.path.isdir(match):
                files += [str(f.resolve()) for f in _folder_files(Path(match))]
            elif os.path.isfile(match):
                files.append(str(Path(match).resolve()))
        if not files:
            raise DataError(
                f"The pattern {quote(item, 200)} matches no files. Check the folder and the "
                "pattern (quote it so that the shell does not expand it first)."
            )
        return files
    if path.exists():
        raise DataError(f"{quote(item, 200)} is neither a file nor a folder. Name a data file.")
    raise DataError(f"There is no file or folder {quote(item, 200)}. Check the path.")


def _open_head(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEADER_BYTES)
    except OSError as err:
        raise DataError(
            f"Cannot read {quote(path, 200)}: {err.strerror or err}. Check that the file "
            "exists and that you may read it."
        ) from err
    if head[:2] == _GZIP_MAGIC:
        try:
            with gzip.open(path, "rb") as handle:
                head = handle.read(_HEADER_BYTES)
        except (OSError, EOFError) as err:
            raise DataError(
                f"{quote(path, 200)} is not a readable gzip file{detail(err)}. Check the file."
            ) from err
    return head


def _sniff_format(path: str) -> Format:
    by_name = _suffix_format(path)
    if by_name is not None:
        return by_name
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
    except OSError as err:
        raise DataError(
            f"Cannot read {quote(path, 200)}: {err.strerror or err}. Check that the file "
            "exists and that you may read it."
        ) from err
    return "parquet" if magic == _PARQUET_MAGIC else "csv"


def _csv_header(path: str, columns: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """The delimiter and header of a CSV file.

    The delimiter is the one that splits the first record into the most fields among those
    splits that contain every chosen column (or into the most fields, if none does).
    """
    head = _open_head(path)
    text = head.decode("utf-8-sig", errors="replace")
    best: tuple[tuple[bool, int, int], str, tuple[str, ...]] | None = None
    for order, delimiter in enumerate(_DELIMITERS):
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        try:
            record = next((r for r in reader if any(f.strip() for f in r)), None)
        except csv.Error:
            record = None
        if not record:
            continue
        fields = tuple(record)
        key = (all(c in fields for c in columns), len(fields), -order)
        if best is None or key > best[0]:
            best = (key, delimiter, fields)
    if best is None:
        raise DataError(
            f"{quote(path, 200)} is empty. Give CSV files with a header row and data rows."
        )
    return best[1], best[2]


def _missing_message(
    column: str, role: str, path: str, available: Sequence[str], n_missing: int, n_files: int
) -> str:
    shown = ", ".join(quote(c) for c in list(available)[:_SHOWN])
    more = f" and {len(available) - _SHOWN} more" if len(available) > _SHOWN else ""
    folded = [c for c in available if c.casefold() == column.casefold()]
    hint = f" Did you mean {quote(folded[0])}? Names are case-sensitive." if folded else ""
    if n_missing < n_files:
        return (
            f"The files have mixed schemas: the {role} column {quote(column)} is missing from "
            f"{n_missing:,} of {n_files:,} files, e.g. {quote(path, 200)} (its columns: "
            f"{shown}{more}).{hint} Fix those files or leave them out."
        )
    where = quote(path, 200) if n_files == 1 else f"any of the {n_files:,} files"
    return (
        f"The {role} column {quote(column)} is not in {where}. Choose one of: {shown}{more}.{hint}"
    )


def _check_columns(schemas: dict[str, Sequence[str]], roles: dict[str, str], n_files: int) -> None:
    for column, role in roles.items():
        lacking = [p for p, cols in schemas.items() if column not in cols]
        if lacking:
            first = lacking[0]
            raise DataError(
                _missing_message(column, role, first, schemas[first], len(lacking), n_files)
            )


def _parquet_schemas(paths: Sequence[str], roles: dict[str, str]) -> None:
    schemas: dict[str, pa.Schema] = {}
    for path in paths:
        try:
            schemas[path] = pq.read_schema(path)
        except (OSError, pa.ArrowException) as err:
            raise DataError(
                f"{quote(path, 200)} is not a readable Parquet file{detail(err)}. Check the "
                "file, or leave it out."
            ) from err
    _check_columns({p: s.names for p, s in schemas.items()}, roles, len(paths))
    for column, role in roles.items():
        seen: dict[str, str] = {}
        for path, schema in schemas.items():
            kind = arrow_kind(schema.field(column).type)
            if kind == "null":  # an all-empty column fits any other kind
                continue
            if seen and kind not in seen:
                ((other_kind, other_path),) = seen.items()
                raise DataError(
                    f"The files have mixed schemas: the {role} column {quote(column)} holds "
                    f"{other_kind} values in {quote(other_path, 200)} but {kind} values in "
                    f"{quote(path, 200)}. Write every file with the same column types."
                )
            seen.setdefault(kind, path)


def resolve_inputs(inputs: Sequence[str], roles: dict[str, str]) -> InputSet:
    """Expand and check the inputs of one aggregation.

    Parameters
    ----------
    inputs : sequence of str
        Files, folders, globs or URIs.
    roles : dict of str to str
        Each chosen column and its role (``label``, ``score``, ...), for messages.

    Returns
    -------
    InputSet
        The files, their format and, for CSV, their delimiter and headers.

    Raises
    ------
    DataError
        If an input matches nothing, a file cannot be read, the formats are mixed, a column
        is missing from some file, or the files' schemas disagree.
    """
    paths: list[str] = []
    for item in inputs:
        for path in _expand(item):
            if path not in paths:
                paths.append(path)
    local = [p for p in paths if not _is_uri(p)]
    formats = {p: _sniff_format(p) if p in local else _suffix_format(p) or "parquet" for p in paths}
    if len(set(formats.values())) > 1:
        csv_file = next(p for p, f in formats.items() if f == "csv")
        parquet_file = next(p for p, f in formats.items() if f == "parquet")
        raise DataError(
            f"The inputs mix CSV ({quote(csv_file, 200)}) and Parquet ({quote(parquet_file, 200)}) "
            "files. Aggregate one format at a time, or convert the files to one format."
        )
    fmt: Format = next(iter(formats.values()))
    if fmt == "parquet":
        _parquet_schemas(local, roles)
        return InputSet(format=fmt, paths=tuple(paths), n_local=len(local))

    headers: dict[str, tuple[str, ...]] = {}
    delimiters: dict[str, str] = {}
    for path in local:
        delimiters[path], headers[path] = _csv_header(path, list(roles))
    _check_columns(headers, roles, len(local))
    if len(set(delimiters.values())) > 1:
        names = {",": "commas", "\t": "tabs", ";": "semicolons", "|": "'|'"}
        (a, da), (b, db) = list({d: p for p, d in delimiters.items()}.items())[:2]
        raise DataError(
            f"The CSV files use different delimiters: {names[a]} in {quote(da, 200)} but "
            f"{names[b]} in {quote(db, 200)}. Write every file with the same delimiter."
        )
    delimiter = next(iter(delimiters.values()), ",")
    return InputSet(
        format=fmt, paths=tuple(paths), delimiter=delimiter, headers=headers, n_local=len(local)
    )
