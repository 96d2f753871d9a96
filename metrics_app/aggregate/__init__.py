"""Count positives and negatives per distinct score where the data lives.

Every exact threshold metric depends on the data only through, for each distinct score,
the number (or weight) of positive and negative rows. This package computes those counts
with a query engine that reads files larger than memory (DuckDB in this process, or
Spark), and writes them to a small Parquet *counts file* that the app can work on.

Use it from Python as::

    from metrics_app.aggregate import AggregateSpec, aggregate, read_counts

    spec = AggregateSpec(inputs=("scores/",), label="y", score="p")
    result = aggregate(spec, "counts.parquet")  # result.metadata.rows_used, ...
    table, metadata = read_counts("counts.parquet")

No Streamlit here; :mod:`metrics_app.cli` is the command line around it.
"""

from metrics_app.aggregate.metadata import (
    FORMAT,
    METADATA_PREFIX,
    CountsMetadata,
    read_counts,
    read_metadata,
)
from metrics_app.aggregate.run import AggregateResult, aggregate, make_engine
from metrics_app.aggregate.spec import (
    ENGINES,
    REASONS,
    AggregateSpec,
    Binning,
    EngineUnavailable,
    parse_memory,
)

__all__ = [
    "ENGINES",
    "FORMAT",
    "METADATA_PREFIX",
    "REASONS",
    "AggregateResult",
    "AggregateSpec",
    "Binning",
    "CountsMetadata",
    "EngineUnavailable",
    "aggregate",
    "make_engine",
    "parse_memory",
    "read_counts",
    "read_metadata",
]
