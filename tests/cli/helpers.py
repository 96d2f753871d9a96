"""Test data for the aggregation tests: rows with every kind of trouble, and their truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

N_ROWS = 100_000


@dataclass(frozen=True)
class Data:
    """Rows as written to the files, and what a correct aggregation must make of them."""

    table: pa.Table  # the rows as written: y (label), p (score), g (group)[, w (weight)]
    y: np.ndarray  # bool, usable rows only
    s: np.ndarray  # float64, usable rows only
    w: np.ndarray | None  # float64, usable rows only
    g: np.ndarray  # group values, usable rows only
    excluded: dict[str, int]


def make_data(
    n: int = N_ROWS,
    *,
    seed: int = 0,
    labels: str = "int",
    weighted: bool = False,
) -> Data:
    """Heavily tied scores of both signs (with -0.0), NaN, null and inf scores, missing and
    blank labels, and optionally dyadic weights (so that every sum is exact in any order)
    with zero, negative and NaN ones. Weights are drawn last, so the same seed gives the
    same rows with and without them."""
    rng = np.random.default_rng(seed)
    score = np.round(rng.normal(size=n), 2)  # about 800 distinct values, -0.0 among them
    score[rng.random(n) < 0.01] = np.nan  # NaN values, not nulls: Parquet keeps them apart
    score[rng.random(n) < 0.002] = np.inf
    score_null = rng.random(n) < 0.003
    odds = np.exp(-2 * np.nan_to_num(score, posinf=5))
    positive = rng.random(n) < 1 / (1 + odds)
    label_missing = rng.random(n) < 0.005
    if labels == "int":
        label = pa.array(np.where(positive, 1, 0), mask=label_missing)
    elif labels == "str":
        text = np.where(positive, "yes", "no").astype(object)
        text[label_missing & (rng.random(n) < 0.5)] = "  "  # blank counts as missing
        text[label_missing & (text != "  ")] = None
        label = pa.array(text, type=pa.string())
    elif labels == "bool":
        label = pa.array(positive, mask=label_missing)
    else:
        raise ValueError(labels)
    group = rng.choice(["north", "south", "east"], n)
    columns = {"y": label, "p": pa.array(score, mask=score_null), "g": pa.array(group)}
    w = None
    if weighted:
        w = rng.integers(0, 17, n) / 8.0
        w[rng.random(n) < 0.003] = -0.5
        w[rng.random(n) < 0.003] = np.nan
        columns["w"] = pa.array(w)

    reasons = {
        "missing label": label_missing,
        "missing score": np.isnan(score) | score_null,
        "non-finite score (inf)": np.isinf(score) & ~score_null,
    }
    if weighted:
        reasons["missing weight"] = np.isnan(w)
        reasons["negative weight"] = w < 0
    drop = np.zeros(n, bool)
    excluded = {}
    for reason, mask in reasons.items():
        new = mask & ~drop
        if new.any():
            excluded[reason] = int(new.sum())
        drop |= new
    keep = ~drop
    return Data(
        table=pa.table(columns),
        y=positive[keep],
        s=score[keep],
        w=None if w is None else w[keep],
        g=group[keep],
        excluded=excluded,
    )


def write_parquet(data: Data, folder: Path, parts: int = 3) -> Path:
    """The rows as ``parts`` Parquet files in ``folder``, with several row groups each."""
    folder.mkdir(parents=True, exist_ok=True)
    step = -(-data.table.num_rows // parts)
    for i in range(parts):
        part = data.table.slice(i * step, step)
        pq.write_table(part, folder / f"part-{i}.parquet", row_group_size=20_000)
    return folder


def write_csv(data: Data, folder: Path, parts: int = 2) -> Path:
    """The rows as ``parts`` CSV files in ``folder``, each with its columns in another
    order. pyarrow writes the shortest text that reads back to the same float64, ``nan``
    for NaN and an empty cell for null."""
    folder.mkdir(parents=True, exist_ok=True)
    step = -(-data.table.num_rows // parts)
    names = data.table.column_names
    for i in range(parts):
        order = names[i % len(names) :] + names[: i % len(names)]
        part = data.table.slice(i * step, step).select(order)
        pacsv.write_csv(part, folder / f"part-{i}.csv")
    return folder
