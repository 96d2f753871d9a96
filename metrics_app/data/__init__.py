"""The data boundary: read uploaded bytes, guess the columns, prepare clean arrays, demo data.

Everything that can be wrong with a user's file is raised here as a `DataError` with a message
for the user; `metrics_core` then receives clean arrays only. No Streamlit here.
"""

from metrics_app.data.errors import DataError
from metrics_app.data.guess import ColumnGuess, guess_columns, guess_positive
from metrics_app.data.prepare import (
    MAX_LABEL_CLASSES,
    Prepared,
    label_counts,
    prepare,
    read_amounts,
    row_positions,
    score_kind,
)
from metrics_app.data.read import MAX_DECOMPRESSED_BYTES, frame_fingerprint, read_table

__all__ = [
    "MAX_DECOMPRESSED_BYTES",
    "MAX_LABEL_CLASSES",
    "ColumnGuess",
    "DataError",
    "Prepared",
    "frame_fingerprint",
    "guess_columns",
    "guess_positive",
    "label_counts",
    "prepare",
    "read_amounts",
    "read_table",
    "row_positions",
    "score_kind",
]
