"""The ``threshold-lab`` command line.

Subcommands:

- ``aggregate``: count positives and negatives per distinct score (optionally per group)
  in CSV or Parquet files of any size, with DuckDB (default) or Spark, into a Parquet
  counts file (see :mod:`metrics_app.aggregate`).
- ``app``: start the app on a file, folder or glob on this machine (see
  :mod:`metrics_app.launch`); large inputs are counted with DuckDB first.
- ``report``: the operating-point report of a card (see :mod:`metrics_app.report.cli`).

Exit codes: 0 success; 1 a problem with the input data (the message says what and how to
fix it); 2 a problem with the command line, or an engine that is not installed; 130
interrupted. Messages go to stderr, the summary to stdout; no traceback for bad input.

This file also runs as a script, which is how ``spark-submit`` starts it on a cluster
(see :mod:`metrics_app.aggregate.spark_engine`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics_app import launch
from metrics_app.aggregate import (
    ENGINES,
    AggregateResult,
    AggregateSpec,
    Binning,
    EngineUnavailable,
    aggregate,
    parse_memory,
)
from metrics_app.aggregate.inputs import InputSet, resolve_inputs
from metrics_app.aggregate.spec import MAX_BINS, MAX_ROUND_DIGITS
from metrics_app.data import guess_columns, label_counts, read_table
from metrics_app.data.counts import is_wide_counts
from metrics_app.data.errors import DataError, quote
from metrics_app.data.prepare import match_positive
from metrics_app.report.cli import add_report_parser
from metrics_app.shared.format import count

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_parser", "main"]

PROG = "threshold-lab"

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_AGGREGATE_EPILOG = """\
Scores: exact by default (one row per distinct score). --round DIGITS rounds every score
down to DIGITS decimals; --bins N makes N equal-width bins over [min, max] of the usable
scores. Either way a row stands for its bin's LOWEST score, so with the tie rule "positive
when score >= threshold" the counts are exact at every bin edge, and a threshold inside a
bin is off by at most that bin's rows (reported as max_count_error).

Rows with a missing label, a missing (empty or NaN) or infinite score, or a missing,
infinite or negative weight are excluded and counted by reason in the file's metadata.

examples:
  threshold-lab aggregate scores.parquet --label y --score p -o counts.parquet
  threshold-lab aggregate 'data/**/*.csv' --label is_fraud --score model_v2 \\
      --positive yes --group country --bins 10000 --memory-limit 8GB -o counts.parquet
"""


_APP_EPILOG = """\
PATH is a CSV or Parquet file, a folder or glob of them, or a counts file written by
"threshold-lab aggregate", on the machine that runs the server; people using the app in
a browser never name a file. The data appears in the sidebar under its file name, beside
the demos and the upload box, which stay available.

A file no larger than the app's upload limit (Streamlit's server.maxUploadSize) opens as
if it had been uploaded; --label, --score and --positive then choose the first columns
shown. A larger file, a folder or a glob is first counted per score with DuckDB into a
temporary counts file (this needs --label and --score), which the app then opens; every
exact threshold metric works from the counts. Stop the server with Ctrl+C.

examples:
  threshold-lab app scores.csv
  threshold-lab app 'data/*.parquet' --label is_fraud --score p --positive yes --port 8502
"""


def _int_in(name: str, low: int, high: int) -> type[int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{name} takes a whole number from {low} to {high:,}, not {text!r}"
            )
        return value

    parse.__name__ = name  # argparse names the type in its messages
    return parse  # type: ignore[return-value]


def _memory(text: str) -> int:
    try:
        return parse_memory(text)
    except DataError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def build_parser() -> argparse.ArgumentParser:
    """The ``threshold-lab`` argument parser, one subparser per subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Threshold Lab: understand a binary classifier's scores.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    agg = commands.add_parser(
        "aggregate",
        help="count positives and negatives per score in large CSV/Parquet files",
        description=(
            "Count positives and negatives per distinct score (and group) in CSV or Parquet "
            "files, folders or globs of any size, and write them to a Parquet counts file. "
            "Every exact threshold metric can be computed from these counts."
        ),
        epilog=_AGGREGATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    agg.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="CSV/Parquet file, folder, glob or URI"
    )
    agg.add_argument("--label", required=True, metavar="COL", help="column of true classes")
    agg.add_argument("--score", required=True, metavar="COL", help="column of model scores")
    agg.add_argument(
        "--positive",
        metavar="VALUE",
        help="the positive class (matched as text or number: 1, 1.0, true, yes...); "
        "required when the label has more than two values",
    )
    agg.add_argument("--weight", metavar="COL", help="column of non-negative sample weights")
    agg.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="COL",
        help="count separately per value of COL (repeat for several columns)",
    )
    agg.add_argument(
        "--engine", choices=ENGINES, default=ENGINES[0], help="query engine (default: duckdb)"
    )
    binning = agg.add_mutually_exclusive_group()
    binning.add_argument(
        "--round",
        type=_int_in("--round", 0, MAX_ROUND_DIGITS),
        metavar="DIGITS",
        help="round scores down to DIGITS decimals",
    )
    binning.add_argument(
        "--bins",
        type=_int_in("--bins", 1, MAX_BINS),
        metavar="N",
        help="N equal-width score bins over [min, max]",
    )
    agg.add_argument(
        "--memory-limit",
        type=_memory,
        default="4GB",
        metavar="SIZE",
        help="memory the engine may use before spilling to disk (default: 4GB)",
    )
    agg.add_argument(
        "--temp-dir", metavar="DIR", help="folder for spilling (default: the system temp dir)"
    )
    agg.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the Parquet counts file to write"
    )
    agg.set_defaults(run=_run_aggregate)
    _add_app_parser(commands)
    add_report_parser(commands)
    return parser


def _add_app_parser(commands: Any) -> None:
    app = commands.add_parser(
        "app",
        help="start the app on a file, folder or glob on this machine",
        description=(
            "Start Threshold Lab on data chosen by whoever starts the server: a CSV or "
            "Parquet file, a folder or glob of them, or a counts file."
        ),
        epilog=_APP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    app.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="CSV/Parquet file, folder, glob or counts file (default: none, the demos only)",
    )
    app.add_argument("--label", metavar="COL", help="column of true classes")
    app.add_argument("--score", metavar="COL", help="column of model scores")
    app.add_argument(
        "--positive",
        metavar="VALUE",
        help="the positive class (matched as text or number: 1, 1.0, true, yes...)",
    )
    app.add_argument(
        "--port",
        type=_int_in("--port", 1, 65535),
        metavar="N",
        help="the server's port (default: Streamlit's, 8501)",
    )
    app.set_defaults(run=_run_app)


def _error(command: str, message: str) -> None:
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)


def _run_aggregate(args: argparse.Namespace) -> int:
    if args.round is not None:
        binning = Binning("round", digits=args.round)
    elif args.bins is not None:
        binning = Binning("bins", n_bins=args.bins)
    else:
        binning = Binning()
    try:
        spec = AggregateSpec(
            inputs=tuple(args.inputs),
            label=args.label,
            score=args.score,
            positive=args.positive,
            weight=args.weight,
            group=tuple(args.group),
            binning=binning,
            engine=args.engine,
            memory_limit=args.memory_limit,
            temp_dir=args.temp_dir,
        )
    except DataError as err:
        _error("aggregate", str(err))
        return EXIT_USAGE
    try:
        result = aggregate(spec, args.output)
    except EngineUnavailable as err:
        _error("aggregate", str(err))
        return EXIT_USAGE
    except DataError as err:
        _error("aggregate", str(err))
        return EXIT_DATA
    except OSError as err:  # e.g. the disk filled up while writing
        _error("aggregate", f"could not write {args.output!r}: {err.strerror or err}.")
        return EXIT_DATA
    for warning in result.warnings:
        print(f"{PROG} aggregate: warning: {warning}", file=sys.stderr)
    print(summary(result))
    return EXIT_OK


def _megabytes(size: float) -> str:
    # Streamlit's maxUploadSize counts megabytes of 1024 * 1024 bytes; so does this.
    return f"{size / (1024 * 1024):,.1f} MB"


def _run_app(args: argparse.Namespace) -> int:
    try:
        launch.app_script()
    except FileNotFoundError as err:
        _error("app", str(err))
        return EXIT_USAGE
    folder = Path(tempfile.mkdtemp(prefix="threshold-lab-app-"))
    try:
        if args.path is not None:
            code = _open_for_app(args, folder)
            if code != EXIT_OK:
                return code
        print("Starting Threshold Lab; press Ctrl+C to stop it.", flush=True)
        return launch.serve(folder if args.path is not None else None, port=args.port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def add_app_data(
    folder: Path,
    path: str,
    *,
    label: str | None = None,
    score: str | None = None,
    positive: str | None = None,
) -> int:
    """Check ``path`` and add it to the server's data folder ``folder``, as ``app`` does.

    A file within the upload limit is read once to check it and is opened as it is; a
    larger file, a folder or a glob is counted with DuckDB into a counts file in
    ``folder`` first. Progress goes to stdout, problems to stderr.

    Returns
    -------
    int
        The exit code: 0 when the data was added (see the module docstring).
    """
    Path(folder).mkdir(parents=True, exist_ok=True)
    args = argparse.Namespace(path=path, label=label, score=score, positive=positive)
    return _open_for_app(args, Path(folder))


def _open_for_app(args: argparse.Namespace, folder: Path) -> int:
    try:
        inputs = resolve_inputs([args.path], {})
    except DataError as err:
        _error("app", str(err))
        return EXIT_DATA
    path = Path(args.path).expanduser()
    if path.is_file():
        try:
            limit = launch.upload_limit_bytes()
        except (OSError, subprocess.SubprocessError, ValueError) as err:
            _error("app", f"Streamlit could not tell its upload limit ({err}). Check that it runs.")
            return EXIT_USAGE
        size = path.stat().st_size
        if size <= limit:
            return _open_file(args, path, folder)
        name = path.name
        why = (
            f"{quote(args.path, 200)} is {_megabytes(size)}, more than the app's upload limit "
            f"of {_megabytes(limit)} (Streamlit's server.maxUploadSize)"
        )
    else:
        name = f"{path.resolve().name}/" if path.is_dir() else args.path
        why = f"{quote(args.path, 200)} stands for {_files(inputs)}"
    missing = [f"--{role} COL" for role in ("label", "score") if getattr(args, role) is None]
    if missing:
        _error(
            "app",
            f"{why}, so it is counted per score with DuckDB before the app starts, which "
            f"needs the label and score columns: add {' and '.join(missing)}.",
        )
        return EXIT_USAGE
    return _aggregate_for_app(args, inputs, name, folder)


def _files(inputs: InputSet) -> str:
    n = len(inputs.paths)
    return f"{n:,} {'CSV' if inputs.format == 'csv' else 'Parquet'} file" + ("s" if n != 1 else "")


def _open_file(args: argparse.Namespace, path: Path, folder: Path) -> int:
    """Read a small file as an upload would be read, so that the app cannot fail on it."""
    start = time.perf_counter()
    try:
        raw = path.read_bytes()
    except OSError as err:
        _error(
            "app",
            f"Cannot read {quote(args.path, 200)}: {err.strerror or err}. Check that the file "
            "exists and that you may read it.",
        )
        return EXIT_DATA
    label = args.label
    try:
        frame = read_table(raw, path.name)
        if is_wide_counts(frame):
            if args.label or args.score or args.positive:
                print(
                    f"{PROG} app: warning: {path.name} is a counts file; --label, --score and "
                    "--positive do not apply to it.",
                    file=sys.stderr,
                )
            label = None
        else:
            label = _check_columns(frame, path.name, args)
    except DataError as err:
        _error("app", str(err))
        return EXIT_DATA
    counted = is_wide_counts(frame)
    launch.add_data(
        folder,
        path,
        path.name,
        note="Opened by the server (threshold-lab app); nothing was uploaded.",
        label=label,
        score=None if counted else args.score,
        positive=None if counted else args.positive,
    )
    kind = "a counts file" if counted else "a table"
    print(
        f"Opening {path.name} as if uploaded: {kind} of {count(len(frame))} rows and "
        f"{frame.shape[1]:,} columns, read in {time.perf_counter() - start:.1f} s."
    )
    return EXIT_OK


def _check_columns(frame: pd.DataFrame, name: str, args: argparse.Namespace) -> str | None:
    """The label column to choose first; DataError if a chosen column or class is missing."""
    columns = [str(c) for c in frame.columns]
    for role in ("label", "score"):
        column = getattr(args, role)
        if column is not None and column not in columns:
            shown = ", ".join(quote(c) for c in columns[:12])
            raise DataError(
                f"The {role} column {quote(column)} is not in {quote(name, 200)}. Choose one "
                f"of: {shown}."
            )
    label = args.label
    if args.positive is not None:
        label = label or guess_columns(frame).label
        if label is None:
            raise DataError(
                f"No column of {quote(name, 200)} looks like labels, so --positive has nothing "
                "to apply to. Add --label COL."
            )
        values = list(label_counts(frame, label))
        if not match_positive(values, args.positive):
            shown = ", ".join(quote(v) for v in values[:10])
            raise DataError(
                f"The positive class {quote(args.positive)} does not occur in the label column "
                f"{quote(label)}. Choose one of its values: {shown}."
            )
    return label


def _aggregate_for_app(args: argparse.Namespace, inputs: InputSet, name: str, folder: Path) -> int:
    try:
        spec = AggregateSpec(
            inputs=(args.path,), label=args.label, score=args.score, positive=args.positive
        )
    except DataError as err:
        _error("app", str(err))
        return EXIT_USAGE
    try:  # the columns, checked cheaply (schemas, headers) before any row is read
        resolve_inputs(spec.inputs, {spec.label: "label", spec.score: "score"})
    except DataError as err:
        _error("app", str(err))
        return EXIT_DATA
    files = _files(inputs)
    print(
        f"Counting positives and negatives per score in {files} with DuckDB before the app "
        "starts (every row is read once)...",
        flush=True,
    )
    start = time.perf_counter()
    try:
        result = aggregate(spec, folder / "counts.parquet")
    except EngineUnavailable as err:
        _error("app", str(err))
        return EXIT_USAGE
    except DataError as err:
        _error("app", str(err))
        return EXIT_DATA
    except OSError as err:  # e.g. the temp folder's disk filled up
        _error("app", f"could not write the counts file: {err.strerror or err}.")
        return EXIT_DATA
    seconds = time.perf_counter() - start
    for warning in result.warnings:
        print(f"{PROG} app: warning: {warning}", file=sys.stderr)
    print(summary(result))
    print(f"Counted in {seconds:.1f} s.")
    launch.add_data(
        folder,
        result.output,
        name,
        note=(
            f"Opened by the server: {files} counted per score with DuckDB in {seconds:.1f} s; "
            "nothing was uploaded."
        ),
    )
    return EXIT_OK


def _label_list(values: Sequence[object]) -> str:
    return ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values)


def summary(result: AggregateResult) -> str:
    """A few lines for stdout: rows read, excluded, used, distinct scores, error bound."""
    m = result.metadata
    unit = "weight" if m.weight is not None else "rows"
    files = f"{m.n_files:,} file" + ("s" if m.n_files != 1 else "")
    lines = [f"Read {count(m.rows_read)} rows from {files} with {m.engine} {m.engine_version}."]
    excluded = sum(m.rows_excluded.values())
    if excluded:
        reasons = ", ".join(f"{reason} {count(n)}" for reason, n in m.rows_excluded.items())
        lines.append(f"Excluded {count(excluded)} rows: {reasons}.")
    else:
        lines.append("Excluded 0 rows.")
    how = "guessed; pass --positive to choose" if m.positive_guessed else "from --positive"
    lines.append(
        f"Positive class: {_label_list(m.positive_labels)} ({how}); "
        f"negative: {_label_list(m.negative_labels) or 'none'}."
    )
    lines.append(
        f"Used {count(m.rows_used)} rows: {count(m.n_pos)} positive and {count(m.n_neg)} "
        f"negative {unit}."
    )
    scores = "distinct scores" if m.binning == "exact" else "score bins"
    groups = f" in {result.n_groups:,} groups" if m.group else ""
    lines.append(f"Wrote {count(m.n_rows)} rows ({scores}{groups}) to {result.output}.")
    if m.binning == "exact":
        lines.append("Max count error: 0 (exact counts at every threshold).")
    else:
        how = f"--round {m.round_digits}" if m.binning == "round" else f"--bins {m.bins}"
        lines.append(
            f"Max count error: {count(m.max_count_error)} {unit} at a threshold inside a bin "
            f"({how}); counts at every bin edge are exact."
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``threshold-lab`` with ``argv`` (default: the process's arguments).

    Returns
    -------
    int
        The exit code (see the module docstring).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # usage errors and --help; argparse printed the message
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    try:
        return args.run(args)
    except KeyboardInterrupt:
        _error(args.command, "interrupted.")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
