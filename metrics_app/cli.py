"""The ``threshold-lab`` command line.

Subcommands:

- ``aggregate``: count positives and negatives per distinct score (optionally per group)
  in CSV or Parquet files of any size, with DuckDB (default) or Spark, into a Parquet
  counts file (see :mod:`metrics_app.aggregate`).

Exit codes: 0 success; 1 a problem with the input data (the message says what and how to
fix it); 2 a problem with the command line, or an engine that is not installed; 130
interrupted. Messages go to stderr, the summary to stdout; no traceback for bad input.

This file also runs as a script, which is how ``spark-submit`` starts it on a cluster
(see :mod:`metrics_app.aggregate.spark_engine`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from metrics_app.aggregate import (
    ENGINES,
    AggregateResult,
    AggregateSpec,
    Binning,
    EngineUnavailable,
    aggregate,
    parse_memory,
)
from metrics_app.aggregate.spec import MAX_BINS, MAX_ROUND_DIGITS
from metrics_app.data.errors import DataError
from metrics_app.report.cli import add_report_parser
from metrics_app.shared.format import count

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
    add_report_parser(commands)
    return parser


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
