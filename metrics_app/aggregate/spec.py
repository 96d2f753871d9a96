"""What to aggregate: the validated request, score binning, exclusion reasons, errors.

Everything here is plain Python: the engines (DuckDB, Spark) read a :class:`AggregateSpec`
and the SQL builders in :mod:`metrics_app.aggregate.sql` turn it into queries.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Literal

from metrics_app.data.errors import DataError, quote

__all__ = [
    "ENGINES",
    "MAX_BINS",
    "MAX_ROUND_DIGITS",
    "OUTPUT_COLUMNS",
    "REASONS",
    "AggregateSpec",
    "Binning",
    "EngineUnavailable",
    "bin_width",
    "parse_memory",
]

#: The engines ``threshold-lab aggregate --engine`` knows, the default first.
ENGINES = ("duckdb", "spark")

#: The counts file's own columns; group columns come before them.
OUTPUT_COLUMNS = ("score", "n_pos", "n_neg")

#: Why rows are excluded, in the order they are checked: a row is counted once, under the
#: first reason that applies. The wording is the app's (``metrics_app.data.prepare``), so a
#: counts file and an uploaded table report the same exclusions the same way.
REASONS = (
    "missing label",
    "missing score",
    "non-finite score (inf)",
    "missing weight",
    "non-finite weight (inf)",
    "negative weight",
)

#: ``--round DIGITS`` accepts 0..15: beyond 15 decimals a float64 has no digits left to cut.
MAX_ROUND_DIGITS = 15

#: ``--bins N`` accepts 1..MAX_BINS.
MAX_BINS = 1 << 30

_MEMORY_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)\s*", re.IGNORECASE)
_MEMORY_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "ki": 1024,
    "kib": 1024,
    "mi": 1024**2,
    "mib": 1024**2,
    "gi": 1024**3,
    "gib": 1024**3,
    "ti": 1024**4,
    "tib": 1024**4,
}


class EngineUnavailable(RuntimeError):
    """The chosen engine cannot run here (package or Java missing); the message says how."""


def parse_memory(text: str) -> int:
    """Parse a memory size such as ``4GB``, ``512MiB`` or ``2g`` into bytes.

    ``KB``/``MB``/``GB``/``TB`` are powers of 1000 and ``KiB``/``MiB``/``GiB``/``TiB``
    powers of 1024, as in DuckDB's ``memory_limit``; a bare number is bytes.

    Parameters
    ----------
    text : str
        The size as typed on the command line.

    Returns
    -------
    int
        The size in bytes.

    Raises
    ------
    DataError
        If the text is not a size, or is below 16 MB (no engine runs in less).

    Examples
    --------
    >>> parse_memory("4GB"), parse_memory("1.5 GiB"), parse_memory("512m")
    (4000000000, 1610612736, 512000000)
    """
    match = _MEMORY_RE.fullmatch(text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _MEMORY_UNITS:
        raise DataError(
            f"The memory limit {quote(text)} is not a size. Write it as a number with a unit, "
            "such as 4GB, 512MB or 2GiB."
        )
    size = int(float(match.group(1)) * _MEMORY_UNITS[unit])
    if size < 16 * 1000**2:
        raise DataError(
            f"The memory limit {quote(text)} is too small to run a query engine. Give at least "
            "16MB, for example 1GB."
        )
    return size


@dataclass(frozen=True)
class Binning:
    """How scores are turned into the ``score`` column of the counts file.

    Every bin is represented by its **lowest** score, so that the tie rule "positive when
    ``score >= threshold``" gives exact counts at every bin edge: a row lies in the bin
    ``[edge_k, edge_k+1)`` and is flagged at threshold ``t = edge_j`` exactly when
    ``k >= j``, both for the original score and for its representative. Only a threshold
    strictly inside a bin can be off, by at most the rows (or weight) of that one bin.

    Attributes
    ----------
    kind : {"exact", "round", "bins"}
        ``exact``: one row per distinct score (exact ``GROUP BY score``). ``round``: scores
        are rounded *down* to ``digits`` decimals (the largest multiple of ``10**-digits``
        that is ``<=`` the score). ``bins``: ``n_bins`` equal-width bins over
        ``[min, max]`` of the usable scores; the last bin includes ``max``.
    digits : int or None
        Decimals kept by ``round``.
    n_bins : int or None
        Number of bins for ``bins``.
    """

    kind: Literal["exact", "round", "bins"] = "exact"
    digits: int | None = None
    n_bins: int | None = None

    def __post_init__(self) -> None:
        if self.kind == "round":
            if self.digits is None or not 0 <= self.digits <= MAX_ROUND_DIGITS:
                raise DataError(
                    f"--round takes a number of decimals from 0 to {MAX_ROUND_DIGITS}, not "
                    f"{self.digits}. Choose, for example, --round 6."
                )
        elif self.kind == "bins":
            if self.n_bins is None or not 1 <= self.n_bins <= MAX_BINS:
                raise DataError(
                    f"--bins takes a number of bins from 1 to {MAX_BINS:,}, not {self.n_bins}. "
                    "Choose, for example, --bins 10000."
                )
        elif self.kind != "exact":
            raise ValueError(f"unknown binning {self.kind!r}")

    @property
    def exact(self) -> bool:
        """True when every distinct score keeps its own row (no error from binning)."""
        return self.kind == "exact"

    def describe(self) -> str:
        """The binning as the command line wrote it."""
        if self.kind == "round":
            return f"--round {self.digits}"
        if self.kind == "bins":
            return f"--bins {self.n_bins}"
        return "exact"


def bin_width(lo: float, hi: float, n_bins: int) -> float:
    """Width of ``n_bins`` equal bins over ``[lo, hi]``, refusing bins finer than float64.

    Each bin must span at least 4 float64 steps at the scores' magnitude: then a score's bin
    index computed in floating point is off by at most one, which the SQL corrects exactly.

    Raises
    ------
    DataError
        If the range overflows or the bins are narrower than the scores' precision.
    """
    width = (hi - lo) / n_bins
    if not math.isfinite(width):
        raise DataError(
            f"The scores span [{lo!r}, {hi!r}], too wide a range for equal-width bins. "
            "Use --round DIGITS instead of --bins, or rescale the scores."
        )
    if hi > lo and width < 4 * math.ulp(max(abs(lo), abs(hi))):
        most = max(1, int((hi - lo) / (4 * math.ulp(max(abs(lo), abs(hi))))))
        raise DataError(
            f"{n_bins:,} bins over [{lo!r}, {hi!r}] are finer than the scores' float64 "
            f"precision. Choose at most --bins {most:,}, or omit --bins for exact counts."
        )
    return width


@dataclass(frozen=True)
class AggregateSpec:
    """One ``threshold-lab aggregate`` request, validated.

    Attributes
    ----------
    inputs : tuple of str
        Files, folders, globs or URIs as given on the command line.
    label, score : str
        The label and score columns.
    positive : str or None
        The positive class as typed; compared with the label values as text or number
        (``1``, ``1.0``, ``"1"`` and ``true`` all pick the label value 1). ``None``: the
        label must have exactly two values, and the positive one is guessed as in the app.
    weight : str or None
        A column of non-negative sample weights; counts become sums of weights.
    group : tuple of str
        Columns to count separately by (one block of counts per combination of values).
    binning : Binning
        Exact, rounded or binned scores.
    engine : str
        ``duckdb`` or ``spark``.
    memory_limit : int
        Bytes the engine may use before spilling to disk.
    temp_dir : str or None
        Where the engine spills; ``None`` for a fresh folder in the system's temp dir.
    """

    inputs: tuple[str, ...]
    label: str
    score: str
    positive: str | None = None
    weight: str | None = None
    group: tuple[str, ...] = ()
    binning: Binning = field(default_factory=Binning)
    engine: str = "duckdb"
    memory_limit: int = 4 * 1000**3
    temp_dir: str | None = None

    def __post_init__(self) -> None:
        if not self.inputs:
            raise DataError("No input given. Name at least one CSV or Parquet file or folder.")
        if self.engine not in ENGINES:
            raise DataError(
                f"Unknown engine {quote(self.engine)}. Choose one of: {', '.join(ENGINES)}."
            )
        chosen: dict[str, str] = {}
        roles = [("label", self.label), ("score", self.score), ("weight", self.weight)]
        roles += [("group", g) for g in self.group]
        for role, column in roles:
            if column is None:
                continue
            if not column:
                raise DataError(f"The {role} column name is empty. Give a column name.")
            if column in chosen:
                raise DataError(
                    f"The same column {quote(column)} is chosen as the {chosen[column]} and "
                    f"as the {role}. Choose a different column for the {role}."
                )
            chosen[column] = role
        for column in self.group:
            if column in OUTPUT_COLUMNS:
                raise DataError(
                    f"A group column may not be named {quote(column)}: the counts file has "
                    f"its own columns {', '.join(OUTPUT_COLUMNS)}. Rename the column first."
                )

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column the aggregation reads, label and score first."""
        extra = (self.weight,) if self.weight is not None else ()
        return (self.label, self.score, *extra, *self.group)

    @property
    def weighted(self) -> bool:
        """True when counts are sums of weights."""
        return self.weight is not None
