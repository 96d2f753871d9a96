"""Read an uploaded file and turn the chosen columns into clean arrays.

This module is the validation boundary between whatever a user uploads and the numeric core
(`metrics_core`), which assumes clean, finite, correctly typed arrays. Everything that can go
wrong with the user's data is raised here as a `DataError` whose message is meant to be shown to
the user verbatim: it says what is wrong and what to do about it.

The flow is:

1. `read_table` turns raw bytes (CSV/TSV/semicolon/pipe text, decimal-comma text, gzip, Parquet)
   into a `pandas.DataFrame` without dropping any row.
2. `guess_columns` and `guess_positive` propose sensible defaults for the column pickers.
3. `prepare` validates the chosen columns and returns a `Prepared` with read-only arrays plus a
   count of the rows it had to exclude, by reason.

Pure pandas/numpy/pyarrow: no Streamlit here, so this is testable without a UI and the caching
wrappers can live elsewhere.
"""

import contextlib
import csv
import hashlib
import io
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

__all__ = [
    "MAX_DECOMPRESSED_BYTES",
    "MAX_LABEL_CLASSES",
    "ColumnGuess",
    "DataError",
    "Prepared",
    "describe_score_kind",
    "guess_columns",
    "guess_positive",
    "label_counts",
    "prepare",
    "read_table",
    "score_kind",
]

#: Refuse to inflate a gzip upload beyond this many bytes. The upload limit bounds the
#: compressed size only; a small "gzip bomb" could otherwise exhaust the server's memory.
MAX_DECOMPRESSED_BYTES = 1 << 30

#: A label column with more distinct values than this is almost certainly a wrongly chosen
#: column (an id or a score), and listing its values as classes would swamp the UI.
MAX_LABEL_CLASSES = 1000

# How much of the text is inspected to detect the delimiter, header and decimal comma.
_SNIFF_BYTES = 64 * 1024
_SNIFF_ROWS = 50
# Column guessing looks at this many leading rows only: it is a default for a picker, not a
# validation, and distinct-value counts over 1e7 rows would cost ~100 ms per column.
_GUESS_ROWS = 200_000

_GZIP_MAGIC = b"\x1f\x8b"
_PARQUET_MAGIC = b"PAR1"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# Formats people upload by mistake. Recognising them gives a precise fix instead of a
# generic "binary file" message.
_KNOWN_BINARY = (
    (
        b"PK\x03\x04",
        "This looks like a ZIP archive or an Excel/OpenDocument workbook, not a CSV file. "
        "Open it in your spreadsheet program, save the sheet as 'CSV UTF-8', "
        "and upload that file.",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "This looks like an old Excel workbook (.xls), not a CSV file. Open it in your "
        "spreadsheet program, save the sheet as 'CSV UTF-8', and upload that file.",
    ),
    (
        b"BZh",
        "This file is compressed with bzip2, which is not supported. Decompress it, or "
        "compress it with gzip (.gz) instead, and upload it again.",
    ),
    (
        b"\xfd7zXZ\x00",
        "This file is compressed with xz, which is not supported. Decompress it, or "
        "compress it with gzip (.gz) instead, and upload it again.",
    ),
    (
        b"\x28\xb5\x2f\xfd",
        "This file is compressed with zstd, which is not supported. Decompress it, or "
        "compress it with gzip (.gz) instead, and upload it again.",
    ),
)

_MSG_EMPTY = (
    "The file is empty. Upload a CSV or Parquet file with a header row and at least one row "
    "of labels and scores."
)
_MSG_HEADER_ONLY = (
    "The file has a header but no data rows. Upload a file with at least one row of labels "
    "and scores."
)
_MSG_BINARY = (
    "The file does not look like a CSV, TSV or Parquet file (it contains binary data). "
    "Upload a plain-text CSV/TSV file (optionally gzip-compressed) or a Parquet file."
)
_MSG_ENCODING = (
    "The file's text encoding is not recognised (it is neither UTF-8 nor Windows-1252/"
    "Latin-1). Save the file as 'CSV UTF-8' in your spreadsheet program and upload it again."
)
_MSG_ONE_COLUMN = (
    "Only one column was found. The file needs at least two columns (true labels and "
    "scores) separated by commas, tabs, semicolons or '|'. Check the separator, or add the "
    "missing column, and upload the file again."
)

# A number as people write it in CSV files: optional sign, digits with '.' or ',' as the
# decimal mark, optional exponent, or inf/nan. RE2 syntax (used by pyarrow.compute).
_NUMBER_RE2 = (
    r"^(?:[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?|(?i:[-+]?(?:inf|infinity|nan)))$"
)
_DOT_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_DOT_DECIMAL_RE = re.compile(r"[-+]?\d*\.\d+(?:[eE][-+]?\d+)?")
_COMMA_DECIMAL_RE = re.compile(r"[-+]?\d*,\d+(?:[eE][-+]?\d+)?")
_SEP_LINE_RE = re.compile(r"sep=(.)\s*", re.IGNORECASE)
_ROW_ERROR_RE = re.compile(r"Row #(\d+): Expected (\d+) columns, got (\d+): ?(.*)", re.DOTALL)
_COUNT_ERROR_RE = re.compile(r"Expected (\d+) columns, got (\d+)")
# C0/C1 control characters other than tab, newline, carriage return and form feed. Text files
# practically never contain them; binary files and wrongly decoded text do.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

_DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "'|'"}


class DataError(ValueError):
    """A problem with the user's data, explained for the user.

    The message is shown verbatim in the app. It always says what is wrong and what to do
    about it, in plain words, and never consists of internal exception text (a short
    technical detail may be appended in parentheses).
    """


def _detail(exc: BaseException) -> str:
    """Return a short parenthesised detail from an internal exception, for the curious."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if len(text) > 160:
        text = text[:157] + "..."
    return f" (Details: {text})"


def _quote(value: object, limit: int = 40) -> str:
    """Quote a user value for a message, shortened so one odd cell cannot flood the UI."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"'{text}'"


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def frame_fingerprint(df: pd.DataFrame) -> str:
    """SHA-256 of a table's column names and values (for tables that have no file bytes)."""
    digest = hashlib.sha256("\x1f".join(map(str, df.columns)).encode())
    digest.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def read_table(data: bytes, name: str) -> pd.DataFrame:
    """Read an uploaded file into a DataFrame.

    The format is detected from the content, not trusted from the name: gzip by its magic
    bytes ``1f 8b`` (decompressed first, whatever it contains), Parquet by its ``PAR1``
    magic, and anything else is read as delimited text. For text, the delimiter (comma, tab,
    semicolon or ``|``) is sniffed from the first 64 KiB, as is a decimal comma (``0,83``)
    when the delimiter is not a comma; an Excel ``sep=;`` first line is honoured; a file
    whose first row is all numbers is read as having no header. Text is UTF-8 (with or
    without BOM), UTF-16 with a BOM, or, failing that, Windows-1252 when it decodes cleanly.

    Column names are stripped of surrounding whitespace and made unique (``score``,
    ``score (2)``); an empty name becomes ``column <position>``. Columns with an empty name
    and no values at all (the artefact of a trailing delimiter) are dropped. String cells
    are stripped of surrounding whitespace (whitespace-only cells become missing) and
    text columns that hold only numbers are converted to float. No rows are dropped.

    Parameters
    ----------
    data : bytes
        The file's content, e.g. ``UploadedFile.getvalue()``.
    name : str
        The file's name as uploaded. Only a hint (it breaks ties when sniffing the delimiter
        and improves one error message); never used as a path.

    Returns
    -------
    pandas.DataFrame
        One column per file column, string column names, a default ``RangeIndex``.

    Raises
    ------
    DataError
        For an empty or header-only file, a binary or unrecognised file, an unknown text
        encoding, a single column, a corrupt gzip or Parquet file, or a CSV whose rows have
        different numbers of fields. The message says what to do.
    """
    name = (name or "").strip().lower()
    if not data:
        raise DataError(_MSG_EMPTY)
    data = bytes(data)

    if data[:2] == _GZIP_MAGIC:
        data = _gunzip(data)
        if not data:
            raise DataError(
                "The compressed file contains nothing. Upload a gzip file that contains a CSV "
                "with a header row and at least one row of labels and scores."
            )
        name = name.removesuffix(".gz")

    if data[:4] == _PARQUET_MAGIC:
        return _read_parquet(data)

    for magic, message in _KNOWN_BINARY:
        if data.startswith(magic):
            raise DataError(message)

    buffer = _to_utf8(data, name)
    return _read_delimited(buffer, name)


def _gunzip(data: bytes) -> bytes:
    """Decompress every gzip member of `data`, refusing output beyond the size cap."""
    parts: list[bytes] = []
    total = 0
    rest = data
    while rest:
        # wbits=31: gzip container only. One decompressobj per member because concatenated
        # members (`cat a.gz b.gz`) are valid gzip and some tools write them.
        decompressor = zlib.decompressobj(wbits=31)
        try:
            chunk = decompressor.decompress(rest, MAX_DECOMPRESSED_BYTES - total + 1)
        except zlib.error as exc:
            raise DataError(
                "The gzip file is damaged and cannot be decompressed. Compress the original "
                "file again (or upload it uncompressed)." + _detail(exc)
            ) from exc
        total += len(chunk)
        if total > MAX_DECOMPRESSED_BYTES or decompressor.unconsumed_tail:
            raise DataError(
                f"The compressed file expands to more than {MAX_DECOMPRESSED_BYTES >> 20} MB, "
                "which is too large to analyse here. Upload a smaller sample of the rows."
            )
        if not decompressor.eof:
            raise DataError(
                "The gzip file is incomplete (it ends too early), probably from an interrupted "
                "download or copy. Compress the original file again and upload it."
            )
        parts.append(chunk)
        rest = decompressor.unused_data
        # Some tools pad gzip output with zero bytes; gzip itself ignores such padding.
        if not rest.strip(b"\x00"):
            break
        if rest[:2] != _GZIP_MAGIC:
            raise DataError(
                "The gzip file has unexpected data after its end and may be damaged. Compress "
                "the original file again and upload it."
            )
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _read_parquet(data: bytes) -> pd.DataFrame:
    """Read a Parquet file (already recognised by its magic bytes)."""
    if len(data) < 12 or data[-4:] != _PARQUET_MAGIC:
        raise DataError(
            "The Parquet file is incomplete or damaged (its footer is missing). Export it "
            "again, or save the data as CSV, and upload the new file."
        )
    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(
            "The Parquet file could not be read; it may be damaged or written by an "
            "incompatible tool. Export it again, or save the data as CSV, and upload the new "
            "file." + _detail(exc)
        ) from exc

    # Decimal columns would arrive as Python Decimal objects (slow, not "numeric" to pandas);
    # float64 is what the numeric core wants anyway.
    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.float64()))

    if table.num_columns < 2:
        raise DataError(_MSG_ONE_COLUMN)
    if table.num_rows == 0:
        raise DataError(_MSG_HEADER_ONLY)
    try:
        # split_blocks/self_destruct avoid consolidating columns into 2-D blocks, which would
        # copy every column once more (measured ~2x slower at 1e7 rows).
        df = table.to_pandas(split_blocks=True, self_destruct=True)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise DataError(
            "The Parquet file uses column types this app cannot read. Save the labels and "
            "scores as plain numbers or text (or as CSV) and upload the file again." + _detail(exc)
        ) from exc
    del table

    # pandas stores a non-trivial index as a hidden column; keep it as a visible column
    # rather than silently losing it (it may be the row id a user wants to see).
    if not (isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1):
        df = df.reset_index()
    df.columns = _unique_names(df.columns)
    return df


def _to_utf8(data: bytes, name: str) -> pa.Buffer:
    """Return the text as UTF-8 bytes without BOM, or raise a DataError explaining why not."""
    if data.startswith(_UTF8_BOM):
        # A zero-copy slice: uploads can be hundreds of MB.
        buffer = pa.py_buffer(data).slice(len(_UTF8_BOM))
    elif data.startswith(_UTF16_BOMS):
        # Excel's "Unicode Text" export is UTF-16 with a BOM; transcode it once.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(_MSG_ENCODING) from exc
        _check_text_sample(text[:_SNIFF_BYTES], name)
        return pa.py_buffer(text.encode("utf-8"))
    else:
        buffer = pa.py_buffer(data)

    head = buffer[:_SNIFF_BYTES].to_pybytes()
    if b"\x00" in head:
        raise DataError(_binary_message(name))

    if _is_utf8(buffer):
        _check_text_sample(head.decode("utf-8", errors="ignore"), name)
        return buffer

    # Not UTF-8: most likely a spreadsheet's "CSV" export on Windows. cp1252 is tried before
    # Latin-1 because it is a superset for printable text. Latin-1 decodes *any* byte
    # sequence, so a result only counts when it contains no control characters; otherwise
    # random bytes would be "decoded" into garbage labels.
    raw = buffer.to_pybytes()
    for encoding in ("cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL_RE.search(text):
            continue
        return pa.py_buffer(text.encode("utf-8"))
    raise DataError(_MSG_ENCODING)


def _is_utf8(buffer: pa.Buffer) -> bool:
    """Validate UTF-8 with Arrow's SIMD validator, without copying the buffer."""
    offsets = pa.py_buffer(np.array([0, buffer.size], dtype=np.int64))
    blob = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, buffer])
    try:
        blob.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _check_text_sample(text: str, name: str) -> None:
    """Reject text that is mostly control characters (binary data that happens to decode)."""
    if not text:
        return
    controls = len(_CONTROL_RE.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 100):
        raise DataError(_binary_message(name))


def _binary_message(name: str) -> str:
    """Explain a binary upload, with a Parquet-specific fix when the name says Parquet."""
    if name.endswith((".parquet", ".pq", ".parq")):
        return (
            "The file is named like a Parquet file but is not valid Parquet (it lacks the "
            "Parquet signature). Export it again as Parquet or CSV and upload the new file."
        )
    return _MSG_BINARY


@dataclass(frozen=True)
class _Dialect:
    delimiter: str
    header: list[str] | None  # None: the file has no header row
    n_fields: int
    decimal_comma: bool
    newlines_in_values: bool


def _read_delimited(buffer: pa.Buffer, name: str) -> pd.DataFrame:
    """Sniff and read delimited text (UTF-8, no BOM) with pyarrow."""
    head = buffer[:_SNIFF_BYTES].to_pybytes()

    # Leading blank lines and an Excel "sep=;" line are removed physically (zero-copy slice),
    # which keeps pyarrow's skip_rows simple; line_offset keeps error line numbers true to
    # the file the user has. Whole lines only: a TSV header can start with a tab (an unnamed
    # index column), which must not be stripped.
    start = _skip_blank_lines(head, 0)
    forced_delimiter = None
    first_line_end = head.find(b"\n", start)
    first_line = head[start : first_line_end if first_line_end >= 0 else len(head)]
    sep = _SEP_LINE_RE.fullmatch(first_line.decode("utf-8", errors="ignore").strip())
    if sep:
        forced_delimiter = sep.group(1)
        start = _skip_blank_lines(head, first_line_end + 1 if first_line_end >= 0 else len(head))
    line_offset = head[:start].count(b"\n")
    if start:
        buffer = buffer.slice(start)
        head = head[start:]

    if not head.strip():
        raise DataError(_MSG_EMPTY)

    truncated = buffer.size > len(head)
    text = head.decode("utf-8", errors="ignore")
    if truncated and "\n" in text:
        # Only complete lines: a half line would look like a ragged row.
        text = text[: text.rindex("\n") + 1]

    dialect = _sniff(text, name, forced_delimiter)
    rows_in_sample = _records(text, dialect.delimiter, 2)
    if dialect.header is not None and len(rows_in_sample) < 2 and not truncated:
        raise DataError(_MSG_HEADER_ONLY)

    if dialect.header is None:
        names = [f"column {i + 1}" for i in range(dialect.n_fields)]
        skip = 0
    else:
        names = _unique_names(dialect.header)
        skip = 1
    empty_named = {
        new for new, raw in zip(names, dialect.header or [], strict=False) if not raw.strip()
    }

    table = _arrow_read_csv(buffer, dialect, names, skip, line_offset)
    if table.num_rows == 0:
        raise DataError(_MSG_HEADER_ONLY)

    # A trailing delimiter on every line gives an unnamed, entirely empty last column.
    for column_name in [n for n in names if n in empty_named]:
        column = table.column(column_name)
        if column.null_count == len(column):
            table = table.drop_columns([column_name])
    if table.num_columns < 2:
        raise DataError(_MSG_ONE_COLUMN)

    table = _tidy_strings(table, allow_decimal_comma=dialect.delimiter != ",")
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _skip_blank_lines(head: bytes, start: int) -> int:
    """Return the offset of the first line at or after `start` that is not blank."""
    while True:
        end = head.find(b"\n", start)
        if end < 0 or head[start:end].strip():
            return start
        start = end + 1


def _records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    """Parse up to `limit` non-blank records from `text` with the csv module."""
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        strict=False,
    )
    rows: list[list[str]] = []
    try:
        for row in reader:
            if not row or not any(field.strip() for field in row):
                continue
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        # A sample cut inside a quoted field, or a field over csv's size limit: what was
        # parsed so far is still evidence.
        pass
    return rows


def _sniff(text: str, name: str, forced: str | None) -> _Dialect:
    """Pick the delimiter that splits the sampled lines into a consistent number of fields.

    csv.Sniffer is not used: it guesses from character frequencies and is easily fooled by a
    decimal comma (``1;0,83`` has as many commas as semicolons). Instead each candidate
    splits the sample with a real CSV parser (so quoted delimiters do not count), and the
    winner is the one for which the most rows have as many fields as the header, with at
    least two fields; ties go to more fields, then to the file extension's delimiter, then
    to the order comma, tab, semicolon, pipe.
    """
    stem = name.removesuffix(".gz")
    preferred = {".tsv": "\t", ".tab": "\t", ".psv": "|"}.get(stem[stem.rfind(".") :], ",")
    candidates = (forced,) if forced else _DELIMITERS
    best: tuple[tuple[float, int, int], str, list[list[str]]] | None = None
    for order, delimiter in enumerate(candidates):
        rows = _records(text, delimiter, _SNIFF_ROWS)
        if not rows:
            raise DataError(_MSG_EMPTY)
        width = len(rows[0])
        if width < 2:
            continue
        body = rows[1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        key = (consistency, width, 1 if delimiter == preferred else -order)
        if best is None or key > best[0]:
            best = (key, delimiter, rows)
    if best is None:
        raise DataError(_MSG_ONE_COLUMN)
    _, delimiter, rows = best

    first = [field.strip() for field in rows[0]]
    # A first row made only of numbers is data, not a header: treating it as a header would
    # silently lose a row and produce column names like "0.83".
    has_header = not all(
        _DOT_NUMBER_RE.fullmatch(f) or _COMMA_DECIMAL_RE.fullmatch(f) for f in first
    )
    body = rows[1:] if has_header else rows
    fields = [f.strip() for row in body for f in row]
    decimal_comma = (
        delimiter != ","
        and any(_COMMA_DECIMAL_RE.fullmatch(f) for f in fields)
        and not any(_DOT_DECIMAL_RE.fullmatch(f) for f in fields)
    )
    newlines = any("\n" in f or "\r" in f for row in rows for f in row)
    return _Dialect(
        delimiter=delimiter,
        header=rows[0] if has_header else None,
        n_fields=len(rows[0]),
        decimal_comma=decimal_comma,
        newlines_in_values=newlines,
    )


def _arrow_read_csv(
    buffer: pa.Buffer, dialect: _Dialect, names: list[str], skip: int, line_offset: int
) -> pa.Table:
    """Run pyarrow's CSV reader, turning its errors into DataErrors that name the line."""

    def attempt(newlines_in_values: bool, use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(buffer),
            read_options=pacsv.ReadOptions(
                use_threads=use_threads, column_names=names, skip_rows=skip
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=dialect.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=newlines_in_values,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                decimal_point="," if dialect.decimal_comma else ".",
                # Empty cells are missing values, also in text columns (labels).
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )

    try:
        return attempt(dialect.newlines_in_values, use_threads=True)
    except pa.ArrowInvalid as first_error:
        error: pa.ArrowInvalid = first_error
    # Retry once, single-threaded and quote-aware across lines: a quoted newline beyond the
    # sniffed sample can make the parallel reader split a record, and only the serial reader
    # reports row numbers. This path runs only for files that failed.
    try:
        return attempt(True, use_threads=False)
    except pa.ArrowInvalid as second_error:
        error = second_error
    message = str(error)
    if "Empty CSV" in message:
        raise DataError(_MSG_HEADER_ONLY) from error

    delimiter_name = _DELIMITER_NAMES[dialect.delimiter]
    match = _ROW_ERROR_RE.search(message)
    if match:
        line = int(match.group(1)) + line_offset
        expected, got = int(match.group(2)), int(match.group(3))
        content = match.group(4).strip()
        raise DataError(
            f"Line {line} has {got} values but the header has {expected} columns "
            f"({delimiter_name}-separated): {_quote(content, 60)}. Fix that line (remove or "
            f"add a {delimiter_name}, or put quotes around values that contain one) and "
            "upload the file again."
        ) from error
    counts = _COUNT_ERROR_RE.search(message)
    if counts:
        raise DataError(
            f"Some rows have {counts.group(2)} values but the header has {counts.group(1)} "
            f"columns ({delimiter_name}-separated). Make every row have the same number of "
            "values (quote values that contain the separator) and upload the file again."
        ) from error
    raise DataError(
        "The file could not be read as CSV. Check that it is a plain CSV/TSV file with one "
        "header row and the same number of values on every line, then upload it again."
        + _detail(error)
    ) from error


def _tidy_strings(table: pa.Table, *, allow_decimal_comma: bool) -> pa.Table:
    """Strip string cells and turn text columns that only hold numbers into float columns.

    This catches what type inference cannot: a decimal comma that the sniffed sample did not
    reveal, or a column mixing ``0.5`` and ``0,5``. With a comma delimiter a quoted ``"1,234"``
    is more likely a thousands separator than a decimal comma, so commas are only accepted as
    decimal marks when the delimiter is not a comma.
    """
    for i, field in enumerate(table.schema):
        if not (pa.types.is_string(field.type) or pa.types.is_large_string(field.type)):
            continue
        column = pc.utf8_trim_whitespace(table.column(i))
        column = pc.if_else(pc.equal(column, ""), pa.scalar(None, field.type), column)
        if column.null_count < len(column) and _all_numbers(column, allow_decimal_comma):
            normalized = pc.replace_substring(column, ",", ".") if allow_decimal_comma else column
            # An exponent out of range (1e400) fails the cast: the column then stays text
            # and prepare() explains which cells are not numbers.
            with contextlib.suppress(pa.ArrowInvalid):
                column = pc.cast(normalized, pa.float64())
        table = table.set_column(i, field.name, column)
    return table


def _all_numbers(column: pa.ChunkedArray, allow_decimal_comma: bool) -> bool:
    """Return True when every non-null cell of a string column is a number."""
    pattern = _NUMBER_RE2 if allow_decimal_comma else _NUMBER_RE2.replace("[.,]", r"\.")
    # Most text columns (class names) fail on the first cells; skip the full scan for them.
    head = column.slice(0, 1000)
    if pc.all(pc.match_substring_regex(head, pattern)).as_py() is False:
        return False
    return pc.all(pc.match_substring_regex(column, pattern)).as_py() is not False


def _unique_names(raw: Sequence[object]) -> list[str]:
    """Strip names, name empty ones by position, and suffix duplicates with " (2)", " (3)"."""
    names = [str(n).strip() if n is not None else "" for n in raw]
    names = [n or f"column {i + 1}" for i, n in enumerate(names)]
    taken: set[str] = set()
    result: list[str] = []
    for n in names:
        candidate, k = n, 2
        while candidate in taken:
            candidate = f"{n} ({k})"
            k += 1
        taken.add(candidate)
        result.append(candidate)
    return result


# --------------------------------------------------------------------------------------------
# Guessing defaults for the column and class pickers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnGuess:
    """Default choices for the column pickers, guessed from names and values.

    Attributes
    ----------
    label : str or None
        The most likely true-label column, or None when nothing looks like one.
    scores : tuple of str
        Candidate score columns, best first (possibly empty).
    weight : str or None
        A sample-weight column, or None.
    """

    label: str | None
    scores: tuple[str, ...]
    weight: str | None


def _words(text: str) -> tuple[str, ...]:
    """Split a space-separated list of hint words (easier to read than one word per line)."""
    return tuple(text.split())


_LABEL_EXACT = _words(
    "label y_true ground_truth true_label target y truth actual class outcome "
    "is_fraud fraud is_spam spam churn churned diagnosis malignant labels y_test "
    "ytrue gt"
)
_LABEL_TOKENS = frozenset(
    _words(
        "label labels target truth actual outcome class fraud spam churn churned "
        "diagnosis malignant default defaulted"
    )
)
_SCORE_PREFIXES = _words("score prob pred logit margin decision model yhat confidence risk output")
# Whole names only: a token match would turn a feature such as "weight_kg" (a patient's body
# weight) into sample weights and silently skew every metric.
_WEIGHT_EXACT = frozenset(
    _words(
        "w wt wgt weight weights sample_weight sample_weights instance_weight case_weight "
        "row_weight obs_weight"
    )
)
_ID_NAME_RE = re.compile(
    r"(?:.*_)?id|id_.*|ids|index|idx|row|row_?(?:num|number|no)|unnamed(?:_\d+)?"
)
# A label picked by a name token must look categorical, not like a feature ("class_size").
_MAX_TOKEN_LABEL_DISTINCT = 20


def _normalize(name: object) -> tuple[str, tuple[str, ...]]:
    """Lower-case a column name into snake_case and split it into tokens."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name).strip())
    text = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
    return text, tuple(t for t in text.split("_") if t)


def _is_number_dtype(dtype: object) -> bool:
    """Numeric for scoring purposes: numbers, but not booleans."""
    return pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)


def _distinct(series: pd.Series) -> int:
    """Count distinct non-null values, or a large number when values are unhashable."""
    try:
        return int(series.nunique(dropna=True))
    except TypeError:
        return 1 << 30


def guess_columns(df: pd.DataFrame) -> ColumnGuess:
    """Guess the label, score and weight columns of a table.

    Rules, applied to the names (case-, separator- and camelCase-insensitive) and to the
    values of the first 200,000 rows:

    - **Id-like** columns are never scores: names ``id``, ``*_id``, ``index``, ``row``,
      ``Unnamed: 0``, or integer columns that are strictly increasing.
    - **Weight**: a numeric column whose whole name is ``weight``, ``weights``,
      ``sample_weight``, ``w`` or similar (not ``weight_kg``, which is a feature).
    - **Label**: the first column whose whole name is a label hint (``label``, ``y_true``,
      ``target``, ``y``, ``class``, ``actual``, ``is_fraud``, ``diagnosis``...), in hint
      order; else a column with a label token in its name (``true_label``, ``is_churned``)
      and at most 20 distinct values, unless the name also hints a score; else the first
      column with exactly two distinct non-null values.
    - **Scores**: numeric, non-boolean columns other than the label, weight and id columns.
      Columns with more than two distinct values whose names hint a score (``score``,
      ``prob``, ``pred``, ``logit``, ``margin``, ``decision``, ``model``...) come first and,
      when there are any, are the only ones returned; otherwise all numeric columns with
      more than two distinct values; otherwise score-named columns with fewer values.

    Parameters
    ----------
    df : pandas.DataFrame
        A table from `read_table`.

    Returns
    -------
    ColumnGuess
        Guessed columns; fields are None or empty when nothing fits.
    """
    sample = df.iloc[:_GUESS_ROWS]
    columns = [c for c in df.columns if isinstance(c, str)]
    norm = {c: _normalize(c) for c in columns}
    numeric = {c: _is_number_dtype(df[c].dtype) for c in columns}
    distinct = {c: _distinct(sample[c]) for c in columns}

    def score_named(c: str) -> bool:
        text, tokens = norm[c]
        return text in {"p", "y_score", "y_prob", "y_pred", "y_hat"} or any(
            t.startswith(_SCORE_PREFIXES) for t in tokens
        )

    def id_like(c: str) -> bool:
        if _ID_NAME_RE.fullmatch(norm[c][0]):
            return True
        column = sample[c]
        if pd.api.types.is_integer_dtype(column.dtype) and len(column) > 2 and not column.hasnans:
            values = column.to_numpy(dtype=np.int64)
            return bool(np.all(values[1:] > values[:-1]))
        return False

    ids = {c for c in columns if id_like(c)}

    weight = next(
        (c for c in columns if numeric[c] and c not in ids and norm[c][0] in _WEIGHT_EXACT),
        None,
    )
    others = [c for c in columns if c not in ids and c != weight]

    label = None
    for hint in _LABEL_EXACT:
        label = next((c for c in others if norm[c][0] == hint), None)
        if label is not None:
            break
    if label is None:
        label = next(
            (
                c
                for c in others
                if _LABEL_TOKENS & set(norm[c][1])
                and not score_named(c)
                and 1 <= distinct[c] <= _MAX_TOKEN_LABEL_DISTINCT
            ),
            None,
        )
    if label is None:
        two_valued = [c for c in others if distinct[c] == 2]
        label = next((c for c in two_valued if not score_named(c)), None) or next(
            iter(two_valued), None
        )

    candidates = [c for c in others if numeric[c] and c != label and distinct[c] >= 1]
    many = [c for c in candidates if distinct[c] > 2]
    scores = (
        [c for c in many if score_named(c)] or many or [c for c in candidates if score_named(c)]
    )
    return ColumnGuess(label=label, scores=tuple(scores), weight=weight)


# Positive-class names, in priority order (an earlier entry wins if several values match).
_POSITIVE_NAMES = _words(
    "1 true yes y positive pos fraud fraudulent spam churn churned malignant sick "
    "disease diseased default defaulted anomaly anomalous attack fail failure "
    "failed bad"
)
# Names of a negative class: when one of two values is one of these, the other is positive
# (so "ham"/"junk" or "benign"/"cancer" work without listing every positive name).
_NEGATIVE_NAMES = frozenset(
    _words(
        "0 -1 false no n negative neg legit legitimate genuine ham benign healthy "
        "normal good ok pass passed stay stayed retained paid none"
    )
)


def _label_key(value: object) -> str:
    """Canonical text of a label value, so 1, 1.0, "1", True and "true" compare equal."""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return str(int(number))
        return repr(number)
    text = str(value).strip().casefold()
    if text in {"true", "false"}:
        return "1" if text == "true" else "0"
    if _DOT_NUMBER_RE.fullmatch(text):
        return _label_key(float(text))
    return text


def _py(value: object) -> object:
    """Turn a numpy scalar into the equivalent Python scalar (hashable, JSON-friendly)."""
    return value.item() if isinstance(value, np.generic) else value


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _sorted(values: Sequence[object]) -> list[object]:
    """Sort label values; mixed types are ordered by type name, then text."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def guess_positive(values: Sequence[object], counts: Sequence[int] | None = None) -> object:
    """Guess which label value is the positive class.

    The rule, in order:

    1. A value whose text, ignoring case and surrounding spaces, is a positive name:
       ``1`` (also ``1.0`` and ``True``), ``true``, ``yes``, ``y``, ``positive``, ``pos``,
       then ``fraud``, ``fraudulent``, ``spam``, ``churn``, ``churned``, ``malignant``,
       ``sick``, ``disease``, ``default``, ``defaulted``, ``anomaly``, ``attack``, ``fail``,
       ``failure``, ``bad`` and a few inflections. If several values match, the earlier
       name in this list wins.
    2. With exactly two values, if one is a negative name (``0``, ``false``, ``no``,
       ``negative``, ``legit``, ``ham``, ``benign``, ``healthy``, ``normal``, ``good``...),
       the other one.
    3. If `counts` is given, the least frequent value (the positive class is usually the
       rare one); ties go to the later value in sorted order.
    4. Otherwise the last value in sorted order.

    Parameters
    ----------
    values : sequence
        The distinct label values of the chosen column. Missing values are ignored.
    counts : sequence of int, optional
        How often each value occurs, aligned with `values`.

    Returns
    -------
    object
        One of `values`, unchanged.

    Raises
    ------
    DataError
        If there are no non-missing values.
    ValueError
        If `counts` is given with a different length from `values`.
    """
    values = list(values)
    if counts is not None:
        counts = list(counts)
        if len(counts) != len(values):
            raise ValueError("counts must have one entry per value")
        pairs = [(v, c) for v, c in zip(values, counts, strict=True) if not _is_missing(v)]
    else:
        pairs = [(v, 0) for v in values if not _is_missing(v)]
    if not pairs:
        raise DataError(
            "The label column has no values. Choose a column that holds the true classes."
        )

    keys = [_label_key(v) for v, _ in pairs]
    for name in _POSITIVE_NAMES:
        if name in keys:
            return pairs[keys.index(name)][0]
    if len(pairs) == 2:
        negatives = [k in _NEGATIVE_NAMES for k in keys]
        if negatives.count(True) == 1:
            return pairs[negatives.index(False)][0]

    ordered = _sorted([v for v, _ in pairs])
    if counts is None:
        return ordered[-1]
    rank = {id(v): i for i, v in enumerate(ordered)}
    return min(pairs, key=lambda p: (p[1], -rank[id(p[0])]))[0]


# --------------------------------------------------------------------------------------------
# Score kind
# --------------------------------------------------------------------------------------------


def score_kind(scores: np.ndarray) -> Literal["probability", "real"]:
    """Classify scores as probabilities or real-valued scores.

    Parameters
    ----------
    scores : numpy.ndarray
        Scores; NaN and infinite values are ignored.

    Returns
    -------
    {"probability", "real"}
        ``"probability"`` when every finite score lies in [0, 1] (also when there are no
        finite scores), else ``"real"`` (logits, decision-function values, any real score).
    """
    values = np.asarray(scores, dtype=np.float64)
    finite = np.isfinite(values)
    low = np.min(values, where=finite, initial=np.inf)
    high = np.max(values, where=finite, initial=-np.inf)
    if low > high:  # no finite value at all
        return "probability"
    return "probability" if low >= 0.0 and high <= 1.0 else "real"


_KIND_TEXT = {
    "probability": "Scores lie between 0 and 1, so they look like probabilities.",
    "real": (
        "Scores go outside [0, 1], so they look like logits or decision-function values; "
        "thresholds are in the same units."
    ),
}


def describe_score_kind(kind: Literal["probability", "real"]) -> str:
    """Return one plain sentence about the score kind, for the UI.

    Parameters
    ----------
    kind : {"probability", "real"}
        A result of `score_kind`.

    Returns
    -------
    str
        The sentence.

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    try:
        return _KIND_TEXT[kind]
    except KeyError:
        raise ValueError(f"unknown score kind: {kind!r}") from None


# --------------------------------------------------------------------------------------------
# Preparing clean arrays
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Prepared:
    """Clean arrays for the numeric core, plus what was excluded and why.

    The arrays are made read-only on construction because one instance is shared between
    sessions by a cache: an accidental in-place edit in one session must fail loudly rather
    than corrupt another user's results. Instances compare by identity.

    Attributes
    ----------
    y : numpy.ndarray
        Boolean, True for the positive class.
    scores : numpy.ndarray
        float64 scores, all finite.
    weights : numpy.ndarray or None
        float64 sample weights, finite and >= 0, or None for unweighted data.
    positive : object
        The positive label value as it occurs in the data (a Python scalar).
    negative_labels : tuple
        The other label values present in the used rows (all count as negative).
    n_rows_read : int
        Rows in the table before exclusions.
    excluded : dict of str to int
        Number of excluded rows by reason, in the order the reasons are checked, nonzero
        reasons only. A row is counted once, under the first reason that applies.
    kept : numpy.ndarray or None
        Boolean mask over the table's rows, True where the row was used; None when every
        row was used. Maps the arrays back to the table's rows (e.g. to export some of them).
    """

    y: np.ndarray
    scores: np.ndarray
    weights: np.ndarray | None
    positive: object
    negative_labels: tuple[object, ...]
    n_rows_read: int
    excluded: dict[str, int]
    kept: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.y.dtype != np.bool_ or self.y.ndim != 1:
            raise ValueError("y must be a 1-D boolean array")
        if self.scores.dtype != np.float64 or self.scores.shape != self.y.shape:
            raise ValueError("scores must be a float64 array with the same length as y")
        if self.weights is not None and (
            self.weights.dtype != np.float64 or self.weights.shape != self.y.shape
        ):
            raise ValueError("weights must be a float64 array with the same length as y")
        for array in (self.y, self.scores, self.weights, self.kept):
            if array is not None:
                array.flags.writeable = False

    @property
    def n_used(self) -> int:
        """Number of rows kept."""
        return int(self.y.size)

    @property
    def n_excluded(self) -> int:
        """Number of rows excluded, over all reasons."""
        return sum(self.excluded.values())

    @property
    def n_pos(self) -> int:
        """Number of kept rows of the positive class (unweighted)."""
        return int(np.count_nonzero(self.y))

    @property
    def n_neg(self) -> int:
        """Number of kept rows of the negative class (unweighted)."""
        return self.n_used - self.n_pos

    @property
    def prevalence(self) -> float:
        """Share of kept rows that are positive (unweighted); NaN when no rows are kept."""
        return self.n_pos / self.n_used if self.n_used else math.nan


def _require_columns(df: pd.DataFrame, **roles: str | None) -> None:
    """Check that the chosen columns exist and are distinct."""
    available = ", ".join(_quote(c) for c in list(df.columns)[:20])
    chosen: dict[str, str] = {}
    for role, column in roles.items():
        if column is None:
            continue
        if column not in df.columns:
            raise DataError(
                f"The {role} column {_quote(column)} is not in the file. Choose one of: "
                f"{available}."
            )
        if column in chosen:
            raise DataError(
                f"The same column {_quote(column)} is chosen as the {chosen[column]} and as "
                f"the {role}. Choose a different column for the {role}."
            )
        chosen[column] = role


def _numeric_column(series: pd.Series, column: str, role: str) -> np.ndarray:
    """Return a column as float64 (NaN where missing), or explain why it is not numeric."""
    dtype = series.dtype
    if pd.api.types.is_complex_dtype(dtype):
        raise DataError(
            f"The {role} column {_quote(column)} holds complex numbers. Choose a column of "
            "real numbers."
        )
    if pd.api.types.is_numeric_dtype(dtype):  # includes bool and nullable Int64/Float64
        return series.to_numpy(dtype=np.float64, na_value=np.nan)

    def fail(bad: pd.Series) -> DataError:
        examples = ", ".join(_quote(v) for v in bad.drop_duplicates().head(3))
        return DataError(
            f"The {role} column {_quote(column)} is not numeric: some values are not numbers "
            f"(for example {examples}). Choose a numeric {role} column, or fix those cells in "
            "the file and upload it again."
        )

    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        raise fail(series.dropna())

    def convert(part: pd.Series) -> tuple[pd.Series, pd.Series]:
        try:
            numbers = pd.to_numeric(part, errors="coerce")
        except (TypeError, ValueError):  # e.g. categorical or nested values
            numbers = pd.Series(np.nan, index=part.index)
        present = part.notna()
        if pd.api.types.is_string_dtype(part.dtype) or part.dtype == object:
            present &= part.astype(str).str.strip() != ""
        return numbers, part[present & numbers.isna()]

    # Look at the first rows first, so a text column (the common mistake) fails fast even
    # with millions of rows; the full conversion only runs when those rows were fine.
    _, bad = convert(series.iloc[:1000])
    if len(bad):
        raise fail(bad)
    numbers, bad = convert(series)
    if len(bad):
        raise fail(bad)
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _factorize_labels(series: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Return integer codes (-1 = missing or blank) and the distinct values as Python scalars."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = [_py(v) for v in uniques]
    blank = [i for i, v in enumerate(values) if isinstance(v, str) and not v.strip()]
    if blank:
        codes = np.where(np.isin(codes, blank), -1, codes)
    return np.asarray(codes, dtype=np.int64), values


def _check_label_cardinality(column: str, n_values: int) -> None:
    if n_values > MAX_LABEL_CLASSES:
        raise DataError(
            f"The label column {_quote(column)} has {n_values:,} different values, which is "
            "too many for class labels (is it a score or an id?). Choose the column that "
            "holds the true classes, such as 0/1 or yes/no."
        )


def label_counts(df: pd.DataFrame, label: str) -> dict[object, int]:
    """Count the distinct values of a label column, for a positive-class picker.

    Parameters
    ----------
    df : pandas.DataFrame
        The table.
    label : str
        The label column.

    Returns
    -------
    dict
        Value (as a Python scalar) to number of rows, most frequent first. Missing and blank
        labels are not counted.

    Raises
    ------
    DataError
        If the column is missing or has more than `MAX_LABEL_CLASSES` distinct values.
    """
    _require_columns(df, label=label)
    codes, values = _factorize_labels(df[label])
    _check_label_cardinality(label, len(values))
    counts = np.bincount(codes[codes >= 0], minlength=len(values))
    order = np.argsort(-counts, kind="stable")
    return {values[i]: int(counts[i]) for i in order if counts[i] > 0}


def _match_positive(values: list[object], positive: object) -> list[int]:
    """Find the label values equal to `positive`, exactly or else by canonical text."""
    if _is_missing(positive):
        return []
    exact = []
    for i, v in enumerate(values):
        try:
            same = bool(v == positive)  # 1 == 1.0 == True; "1" != 1 (handled below)
        except (TypeError, ValueError):
            same = False
        if same:
            exact.append(i)
    if exact:
        return exact
    key = _label_key(positive)
    return [i for i, v in enumerate(values) if _label_key(v) == key]


def prepare(
    df: pd.DataFrame,
    *,
    label: str,
    score: str,
    positive: object,
    weight: str | None = None,
) -> Prepared:
    """Validate the chosen columns and return clean arrays for the numeric core.

    Rows are excluded, and counted under the first reason that applies, in this order:
    ``missing label`` (empty or blank), ``missing score`` (empty or NaN),
    ``non-finite score (inf)``, ``missing weight``, ``non-finite weight (inf)``,
    ``negative weight``. Labels are compared robustly: ``1``, ``1.0``, ``"1"`` and ``True``
    all select the label value 1 (or "1", or True) of the column.

    Parameters
    ----------
    df : pandas.DataFrame
        A table from `read_table`.
    label : str
        The column with the true classes. Any number of classes: values other than
        `positive` all count as negative (one-vs-rest).
    score : str
        The column with the model's scores (higher means more likely positive).
    positive : object
        The label value of the positive class; must occur in the label column.
    weight : str, optional
        A column of non-negative sample weights.

    Returns
    -------
    Prepared
        Read-only arrays and the exclusion report.

    Raises
    ------
    DataError
        If a column is missing or chosen twice, the score or weight column is not numeric,
        the label column has too many distinct values, `positive` is not a label value,
        no row is left, only one class is left, or the weights sum to zero within a class.
    """
    _require_columns(df, label=label, score=score, weight=weight)
    n_rows = len(df)
    if n_rows == 0:
        raise DataError(_MSG_HEADER_ONLY)
    scores = _numeric_column(df[score], score, "score")
    weights = _numeric_column(df[weight], weight, "weight") if weight is not None else None
    codes, values = _factorize_labels(df[label])
    _check_label_cardinality(label, len(values))

    # Each mask only counts rows not already excluded, so a row is counted once, under the
    # first reason that applies.
    checks: list[tuple[str, np.ndarray]] = [
        ("missing label", codes < 0),
        ("missing score", np.isnan(scores)),
        ("non-finite score (inf)", np.isinf(scores)),
    ]
    if weights is not None:
        checks += [
            ("missing weight", np.isnan(weights)),
            ("non-finite weight (inf)", np.isinf(weights)),
            ("negative weight", weights < 0),  # NaN compares False: already counted above
        ]
    excluded: dict[str, int] = {}
    drop = np.zeros(n_rows, dtype=bool)
    for reason, mask in checks:
        new = mask & ~drop
        n_new = int(np.count_nonzero(new))
        if n_new:
            excluded[reason] = n_new
            drop |= new

    keep = None
    if excluded:
        keep = ~drop
        codes, scores = codes[keep], scores[keep]
        weights = weights[keep] if weights is not None else None
    else:
        # Nothing dropped: still copy, so the read-only arrays never alias the DataFrame.
        scores = scores.copy()
        weights = weights.copy() if weights is not None else None

    if codes.size == 0:
        reasons = ", ".join(f"{reason}: {n:,}" for reason, n in excluded.items())
        raise DataError(
            f"No usable rows: all {n_rows:,} rows were excluded ({reasons}). Fix those cells, "
            "or choose other label/score columns."
        )

    matches = _match_positive(values, positive)
    if not matches:
        shown = ", ".join(_quote(v) for v in _sorted(values)[:10])
        raise DataError(
            f"The positive class {_quote(positive)} does not occur in the label column "
            f"{_quote(label)}. Choose one of its values: {shown}."
        )

    counts = np.bincount(codes, minlength=len(values))
    y = np.isin(codes, matches) if len(matches) > 1 else codes == matches[0]
    positive_value = values[matches[0]]
    negatives = tuple(v for i, v in enumerate(values) if counts[i] > 0 and i not in matches)
    n_pos = int(np.count_nonzero(y))
    if n_pos == 0 or n_pos == y.size:
        present = _quote(positive_value) if n_pos else ", ".join(_quote(v) for v in negatives)
        raise DataError(
            f"Only one class is present in the usable rows ({present}). Precision, recall "
            "and the other metrics need both positive and negative examples. Upload data "
            "with both classes, or choose another positive class or label column."
        )
    if weights is not None:
        positive_weight = float(weights[y].sum())
        negative_weight = float(weights[~y].sum())
        if positive_weight == 0.0 or negative_weight == 0.0:
            which = "positive" if positive_weight == 0.0 else "negative"
            raise DataError(
                f"All {which} rows have weight 0, so the weighted metrics are undefined. "
                "Check the weight column, or analyse without weights."
            )

    return Prepared(
        y=y,
        scores=scores,
        weights=weights,
        positive=positive_value,
        negative_labels=negatives,
        n_rows_read=n_rows,
        excluded=excluded,
        kept=keep,
    )


def row_positions(prepared: Prepared) -> np.ndarray:
    """Positions in the table of the rows behind ``prepared``'s arrays, in array order."""
    if prepared.kept is None:
        return np.arange(prepared.n_used)
    return np.flatnonzero(prepared.kept)


def read_amounts(df: pd.DataFrame, prepared: Prepared, column: str) -> tuple[np.ndarray, int]:
    """A column of per-row amounts (e.g. transaction values) aligned with ``prepared``'s rows.

    Parameters
    ----------
    df : pandas.DataFrame
        The table ``prepared`` was made from.
    prepared : Prepared
        The rows in use.
    column : str
        The amount column.

    Returns
    -------
    amounts : numpy.ndarray
        float64, one per used row, >= 0; missing amounts are 0 (and counted).
    n_missing : int
        How many used rows had no amount.

    Raises
    ------
    DataError
        If the column is missing, not numeric, or holds infinite or negative amounts.
    """
    _require_columns(df, amount=column)
    values = _numeric_column(df[column], column, "amount")
    if prepared.kept is not None:
        values = values[prepared.kept]
    missing = np.isnan(values)
    if np.isinf(values).any():
        raise DataError(
            f"The amount column {_quote(column)} holds {int(np.isinf(values).sum()):,} "
            "infinite value(s). Fix those cells, or choose another amount column."
        )
    negative = int(np.count_nonzero(values < 0))
    if negative:
        raise DataError(
            f"The amount column {_quote(column)} holds {negative:,} negative amount(s). "
            "A missed positive's amount is a loss, so amounts must be >= 0: fix those cells, "
            "or choose another amount column."
        )
    return np.where(missing, 0.0, values), int(np.count_nonzero(missing))
