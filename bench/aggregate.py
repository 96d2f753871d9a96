"""Benchmark of ``threshold-lab aggregate``: DuckDB (and optionally Spark) against np.sort.

Writes Parquet files with pyarrow, in chunks of one million rows (float32 scores, 10%
positives, int8 labels), then prints a Markdown table of medians over repeats:

- ``np.sort`` of the same float32 scores, loaded in memory: the floor any exact
  per-score count pays on one machine, measured in the same run;
- DuckDB with exact scores (``GROUP BY score``) and with ``--round 6``, from the Parquet
  file to the counts file, and its ratio to that floor;
- the peak resident memory of the process running the aggregation, above the same
  process idle after its imports (DuckDB allocates outside Python, so tracemalloc cannot
  see it);
- the time from the counts file to the first metrics in the app: the file opened as
  ``threshold-lab app counts.parquet`` opens it, then the explorer's first run through
  AppTest, after a run on a demo has imported what a running server has (reading the
  counts, the sweep, the page; an upper bound, since AppTest also compiles the scripts);
- with ``--spark``, Spark in local mode on the largest size, beside DuckDB (the time of
  the aggregation in a started session; the JVM's start is printed apart).

Each measurement runs in a fresh child process (``--child``), so memory peaks do not
carry over from one case to the next. Run::

    .venv/bin/python -m bench.aggregate                      # 1e6 and 1e7 rows
    .venv/bin/python -m bench.aggregate --rows 1e6 1e7 1e8   # add 1e8 (about 1 GB on disk)
    .venv/bin/python -m bench.aggregate --spark              # add Spark at the largest size

This is a benchmark, not a test: it asserts nothing and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20_241_201
CHUNK = 1_000_000
DEFAULT_ROWS = (10**6, 10**7)
PREVALENCE = 0.1


@dataclass(frozen=True)
class Case:
    engine: str
    binning: tuple[str, ...]  # extra command-line arguments

    @property
    def label(self) -> str:
        scores = "exact" if not self.binning else " ".join(self.binning)
        return f"{self.engine}, {scores}"


CASES = (Case("duckdb", ()), Case("duckdb", ("--round", "6")))
SPARK_CASE = Case("spark", ())


# --- data ------------------------------------------------------------------------------


def write_data(path: Path, n: int) -> None:
    """``n`` rows of (y int8, p float32) written chunk by chunk, never all in memory."""
    rng = np.random.default_rng([SEED, n])
    schema = pa.schema([("y", pa.int8()), ("p", pa.float32())])
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, n, CHUNK):
            m = min(CHUNK, n - start)
            y = rng.random(m) < PREVALENCE
            # Positives score higher on average; float32 scores in (0, 1).
            p = rng.beta(np.where(y, 4.0, 2.0), np.where(y, 2.0, 4.0)).astype(np.float32)
            writer.write_table(pa.table({"y": y.astype(np.int8), "p": p}, schema=schema))


def sort_seconds(path: Path, repeats: int) -> list[float]:
    scores = pq.read_table(path, columns=["p"]).column("p").to_numpy()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.sort(scores)
        times.append(time.perf_counter() - t0)
    return times


# --- one measurement in a child process ----------------------------------------------


def child(args: argparse.Namespace) -> int:
    """Run one aggregation (or nothing, for the idle baseline) and print its timings."""
    from metrics_app.aggregate import AggregateSpec, Binning, aggregate

    report: dict[str, float] = {}
    if args.child == "idle":
        print(json.dumps(report))
        return 0
    if args.child == "app":
        report["seconds"] = first_metrics_seconds(Path(args.input))
        print(json.dumps(report))
        return 0
    engine, *binning = args.child.split()
    if engine == "spark":
        t0 = time.perf_counter()
        from pyspark.sql import SparkSession

        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        session = (
            SparkSession.builder.master("local[*]")
            .config("spark.driver.memory", "8g")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(4 * (os.cpu_count() or 2)))
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        report["start_s"] = time.perf_counter() - t0
    spec_binning = Binning("round", digits=int(binning[1])) if binning else Binning()
    spec = AggregateSpec(
        inputs=(args.input,),
        label="y",
        score="p",
        binning=spec_binning,
        engine=engine,
        memory_limit=args.memory_limit,
    )
    t0 = time.perf_counter()
    result = aggregate(spec, args.output)
    report["seconds"] = time.perf_counter() - t0
    report["n_scores"] = result.metadata.n_rows
    print(json.dumps(report))
    return 0


def first_metrics_seconds(counts_file: Path) -> float:
    """Seconds of the explorer's first run on ``counts_file``, opened as the server opens it."""
    import warnings

    from streamlit.testing.v1 import AppTest

    from metrics_app import launch
    from metrics_app.cli import add_app_data

    warnings.filterwarnings("ignore")
    folder = counts_file.parent / "server"
    if add_app_data(folder, str(counts_file)) != 0:
        raise RuntimeError(f"threshold-lab app refused {counts_file}")
    app = str(Path(__file__).resolve().parents[1] / "app.py")
    # A first run on a demo imports what a running server has imported already.
    AppTest.from_file(app, default_timeout=600).run()
    os.environ[launch.DATA_ENV] = str(folder)
    at = AppTest.from_file(app, default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - t0
    if at.exception or not any(m.label == "Precision" for m in at.metric):
        raise RuntimeError(f"the app showed no metrics: {[e.message for e in at.exception]}")
    return seconds


def run_child(mode: str, data: Path, out: Path, memory_limit: int) -> tuple[dict, int]:
    """Run ``mode`` in a fresh interpreter; its report and peak resident bytes."""
    command = [sys.executable, "-m", "bench.aggregate", "--child", mode, "--input", str(data)]
    command += ["--output", str(out), "--memory-limit-bytes", str(memory_limit)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        stdout = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} failed with exit code {proc.returncode}")
    return json.loads(stdout.decode().strip().splitlines()[-1]), usage.ru_maxrss * 1024


# --- the table -------------------------------------------------------------------------


def fmt_rows(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else f"{n:,}"


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def parse_rows(text: str) -> int:
    value = int(float(text))
    if value < 10:
        raise argparse.ArgumentTypeError(f"rows must be at least 10, not {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=parse_rows, nargs="+", default=list(DEFAULT_ROWS))
    parser.add_argument("--repeats", type=int, default=3, help="repeats per DuckDB case")
    parser.add_argument("--spark", action="store_true", help="add Spark at the largest size")
    parser.add_argument("--spark-repeats", type=int, default=1)
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB's memory limit")
    parser.add_argument("--workdir", help="where the Parquet files go (default: a temp dir)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--memory-limit-bytes", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        args.memory_limit = args.memory_limit_bytes
        return child(args)

    from metrics_app.aggregate import parse_memory

    memory_limit = parse_memory(args.memory_limit)
    import duckdb

    print(
        f"DuckDB {duckdb.__version__}, NumPy {np.__version__}, pyarrow {pa.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}; "
        f"DuckDB memory limit {args.memory_limit}; medians of {args.repeats} runs."
    )
    print()
    print(
        "| rows | case | distinct scores | time | np.sort | × np.sort | peak RSS above idle "
        "| counts → first metrics |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        folder = Path(tmp)
        out = folder / "counts.parquet"
        idle = [run_child("idle", folder, out, memory_limit)[1] for _ in range(2)]
        baseline = min(idle)
        for n in args.rows:
            data = folder / f"scores_{n}.parquet"
            write_data(data, n)
            floor = float(np.median(sort_seconds(data, args.repeats)))
            cases = list(CASES)
            if args.spark and n == max(args.rows):
                cases.append(SPARK_CASE)
            for case in cases:
                repeats = args.spark_repeats if case.engine == "spark" else args.repeats
                mode = " ".join((case.engine, *case.binning))
                runs = [run_child(mode, data, out, memory_limit) for _ in range(repeats)]
                seconds = float(np.median([r["seconds"] for r, _ in runs]))
                n_scores = runs[0][0]["n_scores"]
                if case.engine == "spark":
                    peak = "n/a (JVM)"
                    start_s = float(np.median([r["start_s"] for r, _ in runs]))
                    label = f"{case.label} (JVM start {fmt_s(start_s)} not included)"
                else:
                    extra = max(0, float(np.median([p for _, p in runs])) - baseline)
                    peak = f"{extra / 2**20:,.0f} MiB ({extra / n:.0f} B/row)"
                    label = case.label
                first = ""
                if case.engine == "duckdb":
                    app = [run_child("app", out, out, memory_limit)[0] for _ in range(2)]
                    first = fmt_s(min(r["seconds"] for r in app))
                print(
                    f"| {fmt_rows(n)} | {label} | {n_scores:,} | {fmt_s(seconds)} | "
                    f"{fmt_s(floor)} | {seconds / floor:.1f}× | {peak} | {first} |",
                    flush=True,
                )
            data.unlink()
    print()
    print(
        f"Idle child process: {baseline / 2**20:,.0f} MiB resident (subtracted above). "
        f"Total runtime: {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
