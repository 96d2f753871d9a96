"""``threshold-lab report``: the operating-point report from a card, without a browser.

For re-checks of a deployed threshold: read the data (CSV or Parquet, as the app reads
an upload) and an operating-point card, check that the card was made for this data,
recompute everything at the card's threshold with the card's settings, and write the
same report the app downloads, with a section "Compared with the card": each metric's
value on the card, its value now, and whether it lies inside the card's interval.

On new data (a scheduled re-check) the fingerprint differs by design; ``--new-data``
allows that as long as the card's columns are in the table, and the comparison is then
the point of the report. Without it, a card for other data is refused with a message
and nothing is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["add_report_parser", "run_report"]

_EPILOG = """\
The output's format follows its suffix: .html (one self-contained file) or .pdf.
The data must be the file the card was made from (same SHA-256 fingerprint), or, with
--new-data, any table with the card's columns: the report then says how each metric
differs from the card's value and whether it lies inside the card's interval.

examples:
  threshold-lab report scores.csv --card operating_point_0.42.json -o report.html
  threshold-lab report this_week.parquet --card deployed.json --new-data -o check.pdf
"""

_FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def add_report_parser(commands: Any) -> None:
    """Add the ``report`` subcommand to ``commands`` (``ArgumentParser.add_subparsers()``)."""
    rep = commands.add_parser(
        "report",
        help="write the operating-point report (HTML or PDF) of a card, on its data or new data",
        description=(
            "Write the self-contained operating-point report of an operating-point card: the "
            "data's fingerprint and columns, the threshold and its tie rule, the confusion "
            "matrix, every metric with its interval, the curves, costs, constraints and base "
            "rate, compared with the card's values."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument("data", metavar="DATA", help="the CSV or Parquet file of labels and scores")
    rep.add_argument(
        "--card", required=True, metavar="CARD", help="the operating-point card (JSON)"
    )
    rep.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the report to write (.html or .pdf)"
    )
    rep.add_argument(
        "--new-data",
        action="store_true",
        help="allow data other than the card's (a re-check on new data with the same columns)",
    )
    rep.add_argument(
        "--charts",
        metavar="DIR",
        help="also write every chart as DIR/<name>.svg and DIR/<name>.png",
    )
    rep.set_defaults(run=run_report)


def _recorded_fingerprint(card: bytes) -> str | None:
    """The card's data fingerprint, or None when the file cannot say (parsing will)."""
    try:
        data = json.loads(card.decode("utf-8-sig"))["data"]["fingerprint"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, str) else None


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all (no half-written report)."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_report(args: argparse.Namespace) -> int:
    """Run ``threshold-lab report`` with parsed ``args``; returns the exit code."""
    # The main CLI module imports this one to register the subcommand, so its exit codes
    # are read here, at run time; the heavy modules (charts, PDF) load only when needed.
    from metrics_app import cli

    def fail(message: str, code: int) -> int:
        print(f"{cli.PROG} report: error: {message}", file=sys.stderr)
        return code

    output = Path(args.output)
    kind = _FORMATS.get(output.suffix.lower())
    if kind is None:
        return fail(
            f"the output {str(output)!r} must end in .html or .pdf (the suffix picks the format).",
            cli.EXIT_USAGE,
        )
    data_path, card_path = Path(args.data), Path(args.card)
    try:
        raw = data_path.read_bytes()
        card_bytes = card_path.read_bytes()
    except OSError as err:
        return fail(f"could not read {err.filename!r}: {err.strerror or err}.", cli.EXIT_DATA)

    from metrics_app.data import DataError, frame_fingerprint, read_table
    from metrics_app.operating_point.card import parse_card
    from metrics_app.shared import format as fmt
    from metrics_app.shared.analysis import analyse

    try:
        frame = read_table(raw, data_path.name)
    except DataError as err:
        return fail(f"{data_path}: {err}", cli.EXIT_DATA)
    digest = hashlib.sha256(raw).hexdigest()
    recorded = _recorded_fingerprint(card_bytes)
    # The app fingerprints an upload by its bytes and a built-in demo by its table.
    same = recorded is not None and recorded in (digest, frame_fingerprint(frame))
    if recorded is not None and not same and not args.new_data:
        return fail(
            f"the card {str(card_path)!r} was made for other data (fingerprint "
            f"{recorded[:12]}…), while {str(data_path)!r} has fingerprint {digest[:12]}…. A "
            "fingerprint changes with any change to the file. Pass the file the card was made "
            "from, or add --new-data to re-check the card's threshold on new data with the same "
            "columns. No report was written.",
            cli.EXIT_DATA,
        )
    try:
        card = parse_card(
            card_bytes,
            fingerprint=recorded if recorded is not None else digest,
            columns=[str(c) for c in frame.columns],
        )
        an = analyse(
            frame,
            key=f"cli|{digest}",
            label=card.label,
            score=card.score,
            positive=card.positive,
            weight=card.weight,
            negate=card.negate,
        )
    except DataError as err:
        return fail(f"{card_path}: {err}", cli.EXIT_DATA)

    from metrics_app.report import images
    from metrics_app.report.content import build_report

    report = build_report(
        frame,
        an,
        data_name=card.data_name if same else data_path.name,
        fingerprint=recorded if same and recorded is not None else digest,
        label=card.label,
        weight=card.weight,
        threshold=card.threshold,
        settings=card.settings,
        card=json.loads(card_bytes.decode("utf-8-sig")),
        same_data=same,
    )
    if kind == "html":
        from metrics_app.report.html import render_html

        content = render_html(report).encode("utf-8")
    else:
        from metrics_app.report.pdf import render_pdf

        content = render_pdf(report)
    try:
        _write_atomically(output, content)
        if args.charts:
            folder = Path(args.charts)
            folder.mkdir(parents=True, exist_ok=True)
            for chart in report.charts:
                (folder / f"{chart.key}.svg").write_text(images.svg(chart.spec), encoding="utf-8")
                (folder / f"{chart.key}.png").write_bytes(images.png(chart.spec))
    except OSError as err:
        return fail(f"could not write {err.filename!r}: {err.strerror or err}.", cli.EXIT_DATA)

    checked = [c for c in report.compared if c.inside is not None]
    outside = [c for c in checked if not c.inside]
    print(
        f"Wrote {output}: threshold {fmt.threshold(card.threshold)} on {an.score_label}, "
        f"{fmt.count(an.prepared.n_used)} rows" + ("" if same else " of new data") + "."
    )
    print(
        f"Compared with the card: {fmt.count(len(checked) - len(outside))} of "
        f"{fmt.count(len(checked))} metrics inside the card's intervals."
    )
    for c in outside:
        print(f"  outside: {c.name} {c.text} (card {c.card_text}, interval {c.interval_text})")
    return cli.EXIT_OK
