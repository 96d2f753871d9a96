"""The aggregation as SQL text, written once for every engine.

DuckDB and Spark SQL run the same queries, built here; a small :class:`Dialect` covers the
few places where they spell things differently (identifier quotes, string escapes, regular
expressions). One text for both engines is what makes their counts identical: the same
predicates exclude the same rows, the same float64 operations bin the same scores.

Rules the queries follow (all engines):

- NaN compares greater than every number in both engines, so every comparison on a score
  or weight is guarded by an explicit finiteness test; NaN and NULL scores are counted as
  excluded, never silently dropped.
- ``-0.0`` is written as ``0.0``, so that the two zeros are one score everywhere.
- Text columns (all CSV columns are read as text) are numbers only when the whole cell is
  a plain decimal number, ``inf``/``infinity`` or ``nan`` (any case, optional sign and
  surrounding spaces); anything else is a bad value, reported as an error. Both engines
  then parse the same strings to the same float64.
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from dataclasses import dataclass

from metrics_app.aggregate.spec import AggregateSpec
from metrics_app.data.errors import DataError, quote

__all__ = [
    "DUCKDB",
    "SOURCE",
    "SPARK",
    "Dialect",
    "Plan",
    "bad_value_sql",
    "counts_sql",
    "label_stats_sql",
    "order_by",
]

#: The name under which an engine registers its input table.
SOURCE = "threshold_lab_source"

# A text cell that is a number: plain decimal notation, or inf / infinity / nan, with an
# optional sign and spaces or tabs around. The same pattern means the same in RE2 (DuckDB)
# and java.util.regex (Spark).
NUMBER_PATTERN = (
    r"^[ \t]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[ \t]*$"
    r"|^[ \t]*[-+]?(?i:inf|infinity|nan)[ \t]*$"
)
_INF = "CAST('Infinity' AS DOUBLE)"
_ZERO = "CAST(0 AS DOUBLE)"
# 2**52: below this magnitude a float64 still has a fractional bit, so floor() is exact and
# a bin index computed in float64 is off by at most one step (then corrected).
_EXACT_INTEGERS = "CAST('4503599627370496' AS DOUBLE)"


@dataclass(frozen=True)
class Dialect:
    """How one engine spells identifiers, strings and regular-expression matches."""

    name: str
    identifier_quote: str
    backslash_escapes: bool

    def ident(self, name: str) -> str:
        """A quoted identifier."""
        q = self.identifier_quote
        return q + name.replace(q, q + q) + q

    def string(self, text: str) -> str:
        """A string literal."""
        if self.backslash_escapes:
            return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + text.replace("'", "''") + "'"

    def double(self, value: float) -> str:
        """A float64 literal that round-trips exactly."""
        return f"CAST({self.string(repr(float(value)))} AS DOUBLE)"

    def matches(self, expr: str, pattern: str) -> str:
        """True where ``expr`` matches the regular expression (which carries its anchors)."""
        if self.name == "duckdb":
            return f"regexp_matches({expr}, {self.string(pattern)})"
        return f"({expr} RLIKE {self.string(pattern)})"

    def literal(self, value: object) -> str:
        """A label value as a literal of its own type.

        Raises
        ------
        DataError
            If labels of this type cannot be compared (dates, lists, ...).
        """
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return self.double(value)
        if isinstance(value, decimal.Decimal):
            return str(value)
        if isinstance(value, str):
            return self.string(value)
        raise DataError(
            f"Labels like {quote(value)} ({type(value).__name__}) cannot be used as classes. "
            "Choose a label column of numbers, text or true/false."
        )


DUCKDB = Dialect("duckdb", identifier_quote='"', backslash_escapes=False)
SPARK = Dialect("spark", identifier_quote="`", backslash_escapes=True)


@dataclass(frozen=True)
class Plan:
    """What the first pass over the data decided, for the counting pass.

    Attributes
    ----------
    positive, negative : tuple
        Label values counted as positive, and as negative; rows with any other label
        value (missing or blank) are excluded.
    lo, width : float or None
        With ``--bins``: the lowest usable score and the bin width (0 when every usable
        score is the same).
    """

    positive: tuple[object, ...]
    negative: tuple[object, ...]
    lo: float | None = None
    width: float | None = None


def _missing(x: str) -> str:
    return f"({x} IS NULL OR isnan({x}))"


def _infinite(x: str) -> str:
    return f"(abs({x}) = {_INF})"


def _finite(x: str) -> str:
    return f"({x} IS NOT NULL AND NOT isnan({x}) AND abs({x}) <> {_INF})"


def _valid(weighted: bool) -> str:
    rule = _finite("s")
    if weighted:
        rule += f" AND {_finite('w')} AND w >= 0"
    return rule


def _number(d: Dialect, column: str, kind: str) -> str:
    """A column as float64: a cast for numbers, a checked parse for text."""
    ident = d.ident(column)
    if kind == "number":
        return f"CAST({ident} AS DOUBLE)"
    return (
        f"CASE WHEN {d.matches(ident, NUMBER_PATTERN)} THEN TRY_CAST(trim({ident}) AS DOUBLE) END"
    )


def _bad(raw: str, parsed: str) -> str:
    """A text cell that is neither empty nor a number."""
    return f"({raw} IS NOT NULL AND trim({raw}) <> '' AND {parsed} IS NULL)"


def _base(
    d: Dialect, spec: AggregateSpec, kinds: dict[str, str], *, groups: bool, raw: bool = False
) -> str:
    """The first CTE: groups ``g0...``, label ``y``, score ``s``, weight ``w``.

    With ``raw``, also the score and weight cells as read, ``rs`` and ``rw``.
    """
    columns = [f"{d.ident(g)} AS g{i}" for i, g in enumerate(spec.group)] if groups else []
    columns.append(f"{d.ident(spec.label)} AS y")
    columns.append(f"{_number(d, spec.score, kinds[spec.score])} AS s")
    if raw:
        columns.append(f"{d.ident(spec.score)} AS rs")
    if spec.weight is not None:
        columns.append(f"{_number(d, spec.weight, kinds[spec.weight])} AS w")
        if raw:
            columns.append(f"{d.ident(spec.weight)} AS rw")
    return f"SELECT {', '.join(columns)} FROM {d.ident(SOURCE)}"


def label_stats_sql(d: Dialect, spec: AggregateSpec, kinds: dict[str, str], limit: int) -> str:
    """First pass: per label value, its rows, its exclusions by reason, its score range.

    Columns: ``y, n_rows, missing_score, inf_score[, missing_weight, inf_weight,
    negative_weight], bad_score, bad_weight, lo, hi``. ``bad_*`` count text cells that are
    not numbers (0 for numeric columns). At most ``limit`` label values are returned.
    """
    weighted = spec.weight is not None
    parts = [
        "count(*) AS n_rows",
        f"count(*) FILTER (WHERE {_missing('s')}) AS missing_score",
        f"count(*) FILTER (WHERE {_infinite('s')}) AS inf_score",
    ]
    if weighted:
        parts += [
            f"count(*) FILTER (WHERE {_finite('s')} AND {_missing('w')}) AS missing_weight",
            f"count(*) FILTER (WHERE {_finite('s')} AND {_infinite('w')}) AS inf_weight",
            f"count(*) FILTER (WHERE {_finite('s')} AND {_finite('w')} AND w < 0) "
            "AS negative_weight",
        ]
    for role, column, alias in (("score", spec.score, "s"), ("weight", spec.weight, "w")):
        if column is not None and kinds[column] == "text":
            bad = _bad(f"r{alias}", alias)
            parts.append(f"count(*) FILTER (WHERE {bad}) AS bad_{role}")
        else:
            parts.append(f"CAST(0 AS BIGINT) AS bad_{role}")
    parts += [
        f"min(s) FILTER (WHERE {_valid(weighted)}) AS lo",
        f"max(s) FILTER (WHERE {_valid(weighted)}) AS hi",
    ]
    base = _base(d, spec, kinds, groups=False, raw=True)
    return f"WITH t AS ({base}) SELECT y, {', '.join(parts)} FROM t GROUP BY y LIMIT {int(limit)}"


def bad_value_sql(d: Dialect, column: str) -> str:
    """One text cell of ``column`` that is not a number (for the error message)."""
    ident = d.ident(column)
    bad = _bad(ident, _number(d, column, "text"))
    return f"SELECT {ident} FROM {d.ident(SOURCE)} WHERE {bad} LIMIT 1"


def _in(d: Dialect, values: Sequence[object]) -> str:
    return "y IN (" + ", ".join(d.literal(v) for v in values) + ")"


def _representative(d: Dialect, spec: AggregateSpec, plan: Plan) -> list[str]:
    """Steps (``SELECT *, ... FROM previous``) that end with the bin's lowest score ``r``."""
    binning = spec.binning
    if binning.kind == "round":
        p = d.double(10.0**binning.digits)
        return [
            f"CASE WHEN abs(s) * {p} < {_EXACT_INTEGERS} THEN floor(s * {p}) END AS k0",
            # float64 rounding can put floor(s * p) one step off: move to the grid value
            # k / p that is the largest one <= s.
            f"CASE WHEN s < k0 / {p} THEN k0 - 1 WHEN s >= (k0 + 1) / {p} THEN k0 + 1 "
            "ELSE k0 END AS k",
            f"CASE WHEN k IS NULL THEN s ELSE k / {p} END AS r0",
        ]
    if binning.kind == "bins":
        assert plan.lo is not None
        assert plan.width is not None
        lo = d.double(plan.lo)
        if plan.width == 0:
            return [f"{lo} AS r0"]
        w = d.double(plan.width)
        last = binning.n_bins - 1
        return [
            f"least(greatest(floor((s - {lo}) / {w}), 0), {last}) AS k0",
            f"CASE WHEN s < {lo} + k0 * {w} THEN k0 - 1 "
            f"WHEN k0 < {last} AND s >= {lo} + (k0 + 1) * {w} THEN k0 + 1 ELSE k0 END AS k",
            f"{lo} + k * {w} AS r0",
        ]
    return ["s AS r0"]


def counts_sql(d: Dialect, spec: AggregateSpec, kinds: dict[str, str], plan: Plan) -> str:
    """Second pass: ``[groups...,] score, n_pos, n_neg`` per group and (binned) score.

    Rows come in the counts file's order (:func:`order_by`).

    Weighted counts are float64 sums of weights; a score whose rows all have weight 0 is
    left out (it adds no threshold, as in scikit-learn and :func:`metrics_core.sweep`).
    """
    weighted = spec.weight is not None
    steps = [
        f"SELECT *, {_in(d, plan.positive)} AS p FROM t "
        f"WHERE {_in(d, plan.positive + plan.negative)} AND {_valid(weighted)}"
    ]
    steps += [
        f"SELECT *, {step} FROM v{i}" for i, step in enumerate(_representative(d, spec, plan))
    ]
    steps.append(f"SELECT *, CASE WHEN r0 = 0 THEN {_ZERO} ELSE r0 END AS r FROM v{len(steps) - 1}")
    ctes = [f"t AS ({_base(d, spec, kinds, groups=True)})"]
    ctes += [f"v{i} AS ({step})" for i, step in enumerate(steps)]
    keys = [f"g{i}" for i in range(len(spec.group))]
    out = [f"g{i} AS {d.ident(g)}" for i, g in enumerate(spec.group)] + ["r AS score"]
    if weighted:
        out += [
            f"coalesce(sum(w) FILTER (WHERE p), {_ZERO}) AS n_pos",
            f"coalesce(sum(w) FILTER (WHERE NOT p), {_ZERO}) AS n_neg",
        ]
        having = " HAVING sum(w) > 0"
    else:
        out += [
            "count(*) FILTER (WHERE p) AS n_pos",
            "count(*) FILTER (WHERE NOT p) AS n_neg",
        ]
        having = ""
    return (
        f"WITH {', '.join(ctes)} SELECT {', '.join(out)} FROM v{len(steps) - 1} "
        f"GROUP BY {', '.join([*keys, 'r'])}{having} {order_by(d, spec)}"
    )


def order_by(d: Dialect, spec: AggregateSpec) -> str:
    """The counts file's order: by group (nulls last), then by decreasing score."""
    keys = [f"{d.ident(g)} ASC NULLS LAST" for g in spec.group] + ["score DESC"]
    return "ORDER BY " + ", ".join(keys)
