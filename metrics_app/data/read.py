"""Read uploaded bytes into a table without dropping a row.

`read_table` turns raw bytes (CSV/TSV/semicolon/pipe text, decimal-comma text, gzip, Parquet)
into a `pandas.DataFrame`. Every problem is raised as a `DataError` whose message says what is
wrong and how to fix it. No Streamlit here.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from metrics_app.data.errors import MSG_HEADER_ONLY, DataError, detail, quote
from metrics_app.data.labels import DOT_NUMBER_RE

#: Refuse to inflate a gzip upload beyond this many bytes. The upload limit bounds the
#: compressed size only; a small "gzip bomb" could otherwise exhaust the server's memory.
MAX_DECOMPRESSED_BYTES = 1 << 30


# How much of the text is inspected to detect the delimiter, header and decimal comma.
_SNIFF_BYTES = 64 * 1024


_SNIFF_ROWS = 50


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
        One column per file column, string column names, a default ``RangeIndex``. In
        text files, integer columns whose values all lie in [-128, 127] (0/1 labels,
        class numbers) are int8 and other integer columns int64.

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
                "file again (or upload it uncompressed)." + detail(exc)
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
            "file." + detail(exc)
        ) from exc

    # Decimal columns would arrive as Python Decimal objects (slow, not "numeric" to pandas);
    # float64 is what the numeric core wants anyway.
    for i, field in enumerate(table.schema):
        if pa.types.is_decimal(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.float64()))

    if table.num_columns < 2:
        raise DataError(_MSG_ONE_COLUMN)
    if table.num_rows == 0:
        raise DataError(MSG_HEADER_ONLY)
    try:
        # split_blocks/self_destruct avoid consolidating columns into 2-D blocks, which would
        # copy every column once more (measured ~2x slower at 1e7 rows).
        df = table.to_pandas(split_blocks=True, self_destruct=True)
    except (pa.ArrowException, ValueError, TypeError) as exc:
        raise DataError(
            "The Parquet file uses column types this app cannot read. Save the labels and "
            "scores as plain numbers or text (or as CSV) and upload the file again." + detail(exc)
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
        raise DataError(MSG_HEADER_ONLY)

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
        raise DataError(MSG_HEADER_ONLY)

    # A trailing delimiter on every line gives an unnamed, entirely empty last column.
    for column_name in [n for n in names if n in empty_named]:
        column = table.column(column_name)
        if column.null_count == len(column):
            table = table.drop_columns([column_name])
    if table.num_columns < 2:
        raise DataError(_MSG_ONE_COLUMN)

    table = _tidy_strings(table, allow_decimal_comma=dialect.delimiter != ",")
    table = _narrow_integers(table)
    return table.to_pandas(split_blocks=True, self_destruct=True)


def _narrow_integers(table: pa.Table) -> pa.Table:
    """Store int64 columns whose values all lie in [-128, 127] as int8.

    The CSV reader types every integer column int64, and labels are mostly 0/1 or a few
    class numbers: one byte per row holds them exactly, where eight are kept for as long
    as the upload is (1e6 rows: 8 MB against 1 MB). Every consumer converts a column
    before computing with it (scores and weights to float64, labels to codes), as it
    must for the int8 columns Parquet files already bring. Columns with missing cells
    are left alone: they become float64 in pandas anyway.
    """
    for i, field in enumerate(table.schema):
        if not pa.types.is_int64(field.type):
            continue
        column = table.column(i)
        if column.null_count or len(column) == 0:
            continue
        bounds = pc.min_max(column)
        if bounds["min"].as_py() >= -128 and bounds["max"].as_py() <= 127:
            table = table.set_column(i, field.name, column.cast(pa.int8()))
    return table


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
        DOT_NUMBER_RE.fullmatch(f) or _COMMA_DECIMAL_RE.fullmatch(f) for f in first
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
        raise DataError(MSG_HEADER_ONLY) from error

    delimiter_name = _DELIMITER_NAMES[dialect.delimiter]
    match = _ROW_ERROR_RE.search(message)
    if match:
        line = int(match.group(1)) + line_offset
        expected, got = int(match.group(2)), int(match.group(3))
        content = match.group(4).strip()
        raise DataError(
            f"Line {line} has {got} values but the header has {expected} columns "
            f"({delimiter_name}-separated): {quote(content, 60)}. Fix that line (remove or "
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
        + detail(error)
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
