"""One aggregation from start to end, the same for every engine.

1. Find and check the input files (:mod:`metrics_app.aggregate.inputs`).
2. First pass (one query): rows, exclusions by reason and score range per label value.
   The label values decide the classes (``--positive``, or the app's guess for two
   values) and the range decides the ``--bins`` edges.
3. Second pass (one query): counts per group and score (or bin), in file order, streamed
   into a temporary Parquet file while the writer sums the totals and finds the largest
   bin (the error bound); the file is renamed into place only when everything succeeded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from metrics_app.aggregate.inputs import InputSet, resolve_inputs
from metrics_app.aggregate.metadata import CountsMetadata, CountsWriter
from metrics_app.aggregate.spec import REASONS, AggregateSpec, bin_width
from metrics_app.aggregate.sql import (
    Dialect,
    Plan,
    bad_value_sql,
    counts_sql,
    label_stats_sql,
)
from metrics_app.data.errors import DataError, quote
from metrics_app.data.guess import guess_positive
from metrics_app.data.labels import is_missing, sorted_values
from metrics_app.data.prepare import MAX_LABEL_CLASSES, match_positive

__all__ = ["AggregateResult", "Engine", "aggregate", "make_engine"]

_SHOWN_LABELS = 10
_KINDS_ALLOWED = {"label": ("number", "text", "boolean"), "score": ("number", "text")}


class Engine(Protocol):
    """What :func:`aggregate` needs from a query engine.

    The engine registers the input as the table :data:`metrics_app.aggregate.sql.SOURCE`,
    runs the SQL it is given, and streams the counts back as Arrow.
    """

    name: str
    version: str
    dialect: Dialect

    def open(self, inputs: InputSet, spec: AggregateSpec) -> None:
        """Register the input files as the source table."""

    def column_kinds(self) -> dict[str, tuple[str, str]]:
        """Each source column's kind (number, text, boolean, ...) and the engine's type."""

    def rows(self, sql: str) -> list[tuple]:
        """Run a query with a small result."""

    def counts(self, sql: str) -> pa.RecordBatchReader:
        """Run the counting query and stream its (ordered) result."""

    def close(self) -> None:
        """Release everything the engine holds."""


@dataclass(frozen=True)
class AggregateResult:
    """A finished aggregation: the file written, its metadata, and warnings for the user."""

    output: Path
    metadata: CountsMetadata
    n_groups: int
    warnings: tuple[str, ...]


@dataclass
class _Labels:
    """The first pass, summed up."""

    values: list[object]
    counts: list[int]
    rows_read: int
    excluded: dict[str, int]
    lo: float | None
    hi: float | None
    bad: dict[str, int]

    @property
    def rows_used(self) -> int:
        return self.rows_read - sum(self.excluded.values())


def _is_blank(value: object) -> bool:
    return is_missing(value) or (isinstance(value, str) and not value.strip())


def _summarize(rows: list[tuple], spec: AggregateSpec) -> _Labels:
    names = ["y", "n_rows", "missing_score", "inf_score"]
    if spec.weighted:
        names += ["missing_weight", "inf_weight", "negative_weight"]
    names += ["bad_score", "bad_weight", "lo", "hi"]
    reason_of = {
        "missing_score": REASONS[1],
        "inf_score": REASONS[2],
        "missing_weight": REASONS[3],
        "inf_weight": REASONS[4],
        "negative_weight": REASONS[5],
    }
    excluded = dict.fromkeys(REASONS, 0)
    labels = _Labels([], [], 0, excluded, None, None, {"score": 0, "weight": 0})
    for row in rows:
        r = dict(zip(names, row, strict=True))
        labels.rows_read += r["n_rows"]
        labels.bad["score"] += r["bad_score"]
        labels.bad["weight"] += r["bad_weight"]
        if _is_blank(r["y"]):
            excluded[REASONS[0]] += r["n_rows"]
            continue
        labels.values.append(r["y"])
        labels.counts.append(r["n_rows"])
        for key, reason in reason_of.items():
            excluded[reason] += r.get(key, 0)
        for bound, pick in (("lo", min), ("hi", max)):
            if r[bound] is not None:
                old = getattr(labels, bound)
                # + 0.0 folds -0.0 into 0.0, as the counting query does.
                new = float(r[bound]) + 0.0
                setattr(labels, bound, new if old is None else pick(old, new))
    labels.excluded = {k: v for k, v in excluded.items() if v}
    # Engines return groups in any order; sorted values make the guess and the metadata
    # the same whichever engine ran.
    count_of = dict(zip(labels.values, labels.counts, strict=True))
    labels.values = sorted_values(labels.values)
    labels.counts = [count_of[v] for v in labels.values]
    return labels


def _listing(values: list[object]) -> str:
    shown = ", ".join(quote(v) for v in sorted_values(values)[:_SHOWN_LABELS])
    more = f" and {len(values) - _SHOWN_LABELS:,} more" if len(values) > _SHOWN_LABELS else ""
    return shown + more


def _classes(labels: _Labels, spec: AggregateSpec) -> tuple[list[object], list[object], bool]:
    """Positive and negative label values, and whether the positive one was guessed."""
    values = labels.values
    if spec.positive is not None:
        matches = match_positive(values, spec.positive)
        if not matches:
            raise DataError(
                f"The positive class {quote(spec.positive)} does not occur in the label "
                f"column {quote(spec.label)}. Choose one of its values: {_listing(values)}."
            )
        positive = [values[i] for i in matches]
        return positive, [v for i, v in enumerate(values) if i not in matches], False
    if len(values) == 1:
        raise DataError(
            f"The label column {quote(spec.label)} has only one value, {quote(values[0])}. "
            "Metrics need both classes: pass --positive VALUE to say which class is positive, "
            "or choose the column that holds the true classes."
        )
    if len(values) > 2:
        raise DataError(
            f"The label column {quote(spec.label)} has {len(values):,} different values "
            f"({_listing(values)}), so the positive class cannot be guessed. Pass "
            "--positive VALUE: that value is positive and all others count as negative."
        )
    chosen = guess_positive(values, labels.counts)
    index = next(i for i, v in enumerate(values) if v is chosen)
    return [chosen], [values[1 - index]], True


def _check_kinds(kinds: dict[str, tuple[str, str]], spec: AggregateSpec) -> dict[str, str]:
    available = list(kinds)
    roles = {spec.label: "label", spec.score: "score"}
    if spec.weight is not None:
        roles[spec.weight] = "weight"
    roles.update({g: "group" for g in spec.group})
    for column, role in roles.items():
        if column not in kinds:
            shown = ", ".join(quote(c) for c in available[:12])
            raise DataError(
                f"The {role} column {quote(column)} is not in the input. Choose one of: {shown}."
            )
        kind, engine_type = kinds[column]
        allowed = _KINDS_ALLOWED.get("score" if role == "weight" else role)
        if allowed is not None and kind not in allowed and kind != "null":
            what = "numbers" if role in ("score", "weight") else "numbers, text or true/false"
            raise DataError(
                f"The {role} column {quote(column)} holds {engine_type} values; it must hold "
                f"{what}. Choose another column, or convert this one."
            )
    return {c: kinds[c][0] for c in roles}


def _bad_values(engine: Engine, labels: _Labels, spec: AggregateSpec) -> None:
    for role, column in (("score", spec.score), ("weight", spec.weight)):
        n_bad = labels.bad[role]
        if n_bad and column is not None:
            example = engine.rows(bad_value_sql(engine.dialect, column))
            shown = quote(example[0][0]) if example else "?"
            raise DataError(
                f"The {role} column {quote(column)} has {n_bad:,} cells that are not numbers, "
                f"such as {shown}. Fix those cells (a number with a dot as decimal mark, or "
                "empty for a missing value), or choose another column."
            )


def _no_rows(labels: _Labels) -> DataError:
    reasons = ", ".join(f"{reason}: {n:,}" for reason, n in labels.excluded.items())
    if labels.rows_read == 0:
        return DataError("The input has no data rows. Check the files: they hold only headers.")
    return DataError(
        f"No usable rows: all {labels.rows_read:,} rows were excluded ({reasons}). Fix those "
        "cells, or choose other label/score columns."
    )


def _check_output(output: Path) -> None:
    if output.is_dir():
        raise DataError(f"The output {quote(output, 200)} is a folder. Name a file to write.")
    parent = output.parent
    if not parent.is_dir():
        raise DataError(
            f"The folder {quote(parent, 200)} for the output does not exist. Create it first."
        )
    if not os.access(parent, os.W_OK):
        raise DataError(f"Cannot write into {quote(parent, 200)}. Choose another output folder.")


def make_engine(spec: AggregateSpec, spill_dir: str) -> Engine:
    """Start the engine ``spec.engine`` names, spilling to ``spill_dir``.

    Raises
    ------
    EngineUnavailable
        If the engine's package (or, for Spark, Java) is not installed.
    """
    if spec.engine == "spark":
        from metrics_app.aggregate.spark_engine import SparkEngine

        return SparkEngine(memory_limit=spec.memory_limit, spill_dir=spill_dir)
    from metrics_app.aggregate.duckdb_engine import DuckDBEngine

    return DuckDBEngine(memory_limit=spec.memory_limit, spill_dir=spill_dir)


def aggregate(spec: AggregateSpec, output: str | os.PathLike[str]) -> AggregateResult:
    """Count positives and negatives per distinct score (and group) into a counts file.

    Parameters
    ----------
    spec : AggregateSpec
        The validated request.
    output : path-like
        The Parquet counts file to write; it appears only when the whole run succeeded.

    Returns
    -------
    AggregateResult
        The output path, its metadata and warnings.

    Raises
    ------
    DataError
        For every problem with the input or the request, with a message for the user.
    EngineUnavailable
        If the engine cannot run here.
    """
    output = Path(output)
    _check_output(output)
    roles = {spec.label: "label", spec.score: "score"}
    if spec.weight is not None:
        roles[spec.weight] = "weight"
    roles.update({g: "group" for g in spec.group})
    inputs = resolve_inputs(spec.inputs, roles)
    if str(output.resolve()) in inputs.paths:
        raise DataError(
            f"The output {quote(output, 200)} is also an input. Choose another output file."
        )
    if spec.temp_dir is not None and not os.path.isdir(spec.temp_dir):
        raise DataError(
            f"The temp folder {quote(spec.temp_dir, 200)} does not exist. Create it, or leave "
            "out --temp-dir to use the system's temp folder."
        )
    spill = tempfile.mkdtemp(prefix="threshold-lab-", dir=spec.temp_dir)
    try:
        with contextlib.closing(make_engine(spec, spill)) as engine:
            return _run(spec, output, engine, inputs)
    finally:
        shutil.rmtree(spill, ignore_errors=True)


def _run(spec: AggregateSpec, output: Path, engine: Engine, inputs: InputSet) -> AggregateResult:
    d = engine.dialect
    engine.open(inputs, spec)
    kinds = _check_kinds(engine.column_kinds(), spec)

    # Two extra rows for the missing-label groups (NULL, NaN); blank strings are rare.
    limit = MAX_LABEL_CLASSES + 3
    rows = engine.rows(label_stats_sql(d, spec, kinds, limit))
    labels = _summarize(rows, spec)
    _bad_values(engine, labels, spec)
    if len(rows) >= limit or len(labels.values) > MAX_LABEL_CLASSES:
        raise DataError(
            f"The label column {quote(spec.label)} has more than {MAX_LABEL_CLASSES:,} "
            "different values, which is too many for class labels (is it a score or an id?). "
            "Choose the column that holds the true classes, such as 0/1 or yes/no."
        )
    if not labels.values:
        raise _no_rows(labels)
    positive, negative, guessed = _classes(labels, spec)
    if labels.rows_used == 0:
        raise _no_rows(labels)

    binning = spec.binning
    plan = Plan(positive=tuple(positive), negative=tuple(negative))
    if binning.kind == "bins":
        assert labels.lo is not None
        assert labels.hi is not None
        width = bin_width(labels.lo, labels.hi, binning.n_bins)
        plan = Plan(plan.positive, plan.negative, lo=labels.lo, width=width)

    with CountsWriter(output, list(spec.group), spec.weighted) as writer:
        writer.write(engine.counts(counts_sql(d, spec, kinds, plan)))
        stats = writer.stats
        if not spec.weighted and stats.n_pos + stats.n_neg != labels.rows_used:
            raise RuntimeError(
                f"internal error: {stats.n_pos + stats.n_neg:,} rows counted but "
                f"{labels.rows_used:,} rows usable"
            )
        if stats.n_rows == 0:
            raise DataError(
                f"Every usable row has weight 0 in the weight column {quote(spec.weight)}, so "
                "there is nothing to count. Check the weight column, or leave out --weight."
            )
        metadata = CountsMetadata(
            label=spec.label,
            score=spec.score,
            weight=spec.weight,
            group=list(spec.group),
            positive=positive[0],
            positive_labels=positive,
            negative_labels=negative,
            positive_guessed=guessed,
            engine=engine.name,
            engine_version=engine.version,
            binning=binning.kind,
            round_digits=binning.digits,
            bins=binning.n_bins,
            bin_lo=plan.lo,
            bin_width=plan.width,
            rows_read=labels.rows_read,
            rows_used=labels.rows_used,
            rows_excluded=labels.excluded,
            n_rows=stats.n_rows,
            n_pos=stats.n_pos,
            n_neg=stats.n_neg,
            max_count_error=0 if binning.exact else stats.max_bin_total,
            inputs=list(spec.inputs),
            n_files=len(inputs.paths),
        )
        writer.finish(metadata)
    return AggregateResult(output, metadata, stats.n_groups, tuple(_warnings(metadata, spec)))


def _warnings(metadata: CountsMetadata, spec: AggregateSpec) -> Iterator[str]:
    for name, total in (("positive", metadata.n_pos), ("negative", metadata.n_neg)):
        if total == 0:
            what = "weight" if spec.weighted else "rows"
            yield (
                f"No usable {name} {what}: metrics that need both classes will be undefined. "
                "Check --positive and the label column."
            )
