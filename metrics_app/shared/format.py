"""The one family of number formatters: every number on screen is written by one of these.

One rule for undefined values: a metric that is 0/0 is NaN in :mod:`metrics_core`, and every
formatter here writes it as :data:`UNDEFINED`. No Streamlit here.

>>> count(1234.5), share(0.0002), percent(0.1234), decimal(-0.0001), money(8523)
('1,234.5', '<0.1%', '12.3%', '0.000', '8,523.00')
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "UNDEFINED",
    "count",
    "decimal",
    "escape_markdown",
    "metric_value",
    "money",
    "percent",
    "rate",
    "share",
    "significant",
    "significant_percent",
    "step_decimals",
    "threshold",
    "threshold_between",
    "threshold_on_grid",
]

#: How every undefined (0/0) value reads on screen.
UNDEFINED = "undefined"


def _undefined(x: float | None) -> bool:
    return x is None or math.isnan(x)


def count(x: float) -> str:
    """A count: thousands separators, and up to 2 decimals for non-integers.

    Counts are sums of weights when the data are weighted, so they need not be integers.

    Parameters
    ----------
    x : float
        A count or a sum of weights.

    Returns
    -------
    str
        E.g. ``"1,234"``, ``"1,234.5"``, ``"0.25"``; ``"<0.01"`` for a positive value that
        would round to zero, ``"undefined"`` for NaN.

    Examples
    --------
    >>> count(1234), count(1234.5), count(2.0), count(0.004)
    ('1,234', '1,234.5', '2', '<0.01')
    """
    x = float(x)
    if math.isnan(x):
        return UNDEFINED
    if x.is_integer():
        return f"{int(x):,}"
    if 0 < abs(x) < 0.005:
        return "<0.01" if x > 0 else "-<0.01"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def share(p: float) -> str:
    """A fraction in [0, 1] as a percentage with one decimal, never rounded to 0% or 100%.

    Parameters
    ----------
    p : float
        The fraction.

    Returns
    -------
    str
        E.g. ``"12.3%"``; ``"<0.1%"`` or ``">99.9%"`` when rounding would hide that the
        value is not exactly 0 or 1; ``"undefined"`` for NaN.

    Examples
    --------
    >>> share(0.1234), share(0.0002), share(0.99996), share(1.0)
    ('12.3%', '<0.1%', '>99.9%', '100.0%')
    """
    p = float(p)
    if math.isnan(p):
        return UNDEFINED
    if 0 < p < 0.0005:
        return "<0.1%"
    if 0.9995 <= p < 1:
        return ">99.9%"
    return f"{p:.1%}"


def percent(x: float | None, digits: int = 1) -> str:
    """A fraction as a percentage with ``digits`` decimals: ``"12.3%"``; NaN is undefined.

    >>> percent(0.5), percent(0.12345, 2), percent(float("nan"))
    ('50.0%', '12.35%', 'undefined')
    """
    return UNDEFINED if _undefined(x) else f"{x:.{digits}%}"


def rate(x: float) -> str:
    """A rate with two decimals, small ones with two significant digits (never ``0.00%``).

    >>> rate(0.1234), rate(0.000021), rate(0.0)
    ('12.34%', '0.0021%', '0.00%')
    """
    if _undefined(x):
        return UNDEFINED
    if 0 < abs(x) < 0.01:
        return f"{x * 100:.2g}%"
    return f"{x:.2%}"


def decimal(x: float | None, digits: int = 3) -> str:
    """A number with ``digits`` decimals, never ``"-0.000"``; NaN is undefined.

    >>> decimal(0.18149), decimal(-0.0001), decimal(0.5, 4), decimal(None)
    ('0.181', '0.000', '0.5000', 'undefined')
    """
    if _undefined(x):
        return UNDEFINED
    return f"{round(x, digits) + 0.0:.{digits}f}"


def metric_value(x: float, *, percent: bool) -> str:
    """A point metric on a card: ``"61.2%"`` for a rate, ``"0.734"`` otherwise.

    >>> metric_value(0.6123, percent=True), metric_value(0.7341, percent=False)
    ('61.2%', '0.734')
    """
    if _undefined(x):
        return UNDEFINED
    return f"{x:.1%}" if percent else decimal(x)


def money(x: float) -> str:
    """A cost or gain: ``"8,523.00"``.

    >>> money(8523), money(-0.5)
    ('8,523.00', '-0.50')
    """
    return f"{x:,.2f}"


def threshold(t: float, digits: int = 6) -> str:
    """A threshold in the score's own units, ``digits`` significant digits, never an exponent.

    >>> threshold(0.42), threshold(-1.2345678), threshold(7.236e-15, 4), threshold(2.5e7)
    ('0.42', '-1.23457', '0.000000000000007236', '25000000')
    """
    t = float(t)
    if not math.isfinite(t):
        return UNDEFINED if math.isnan(t) else ("∞" if t > 0 else "−∞")
    if t == 0:
        return "0"
    # Positional, rounded to ``digits`` significant digits, trailing zeros trimmed.
    return np.format_float_positional(t, precision=digits, unique=False, fractional=False, trim="-")


def step_decimals(step: float) -> int:
    """Decimals that write every multiple of ``step`` exactly (``0.001`` → 3, ``5`` → 0).

    >>> step_decimals(0.001), step_decimals(0.02), step_decimals(5.0), step_decimals(2e-5)
    (3, 2, 0, 5)
    """
    return max(0, -math.floor(math.log10(step) + 1e-9))


def threshold_on_grid(t: float, step: float) -> str:
    """A slider's threshold: the step's decimals on its grid, else :func:`threshold`.

    >>> threshold_on_grid(0.25, 0.001), threshold_on_grid(0.123456, 0.001)
    ('0.250', '0.123456')
    """
    decimals = step_decimals(step)
    if math.isfinite(t) and round(t, decimals) == t:
        return f"{t:.{decimals}f}"
    return threshold(t)


def threshold_between(
    t: float, below: float | None, above: float | None, min_digits: int = 3
) -> str:
    """``t`` with the fewest significant digits (at least ``min_digits``) that tell it apart.

    ``below`` and ``above`` are the neighbouring distinct thresholds (``None`` at an end), so
    two buttons or captions never show the same text for different thresholds.

    >>> threshold_between(0.500001, 0.5, 0.6), threshold_between(0.25, None, 0.3)
    ('0.500001', '0.25')
    """
    for digits in range(min_digits, 18):
        text = threshold(t, digits)
        if all(n is None or threshold(n, digits) != text for n in (below, above)):
            return text
    return threshold(t, 17)


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:")


def escape_markdown(text: object) -> str:
    r"""``text`` with Markdown (and HTML) syntax escaped, to show user data literally.

    >>> escape_markdown("**p_fraud** <b>")
    '\\*\\*p\\_fraud\\*\\* \\<b\\>'
    """
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIALS else ch for ch in str(text))


def significant(x: float, digits: int = 4) -> str:
    """A number to ``digits`` significant digits, for a score or a tiny rate: ``"0.4213"``.

    Trailing zeros are dropped and very large or small values switch to exponent form, as
    Python's ``g`` format does. NaN is undefined.

    >>> significant(0.421337), significant(-12.5), significant(0.0004, 1), significant(1e-7, 1)
    ('0.4213', '-12.5', '0.0004', '1e-07')
    """
    return UNDEFINED if _undefined(x) else f"{x:.{digits}g}"


def significant_percent(x: float, digits: int = 3) -> str:
    """A measured fraction as a percentage to ``digits`` significant digits: ``"1.23%"``.

    For a share that may be of any size (a base rate of 0.0123% or of 12.3%), where a fixed
    number of decimals would show too little or too much, and for round values chosen
    rather than measured (slider stops: ``significant_percent(0.005, 6)`` is ``"0.5%"``).
    NaN is undefined.

    >>> significant_percent(0.012345), significant_percent(0.000123), significant_percent(0.5)
    ('1.23%', '0.0123%', '50%')
    """
    return UNDEFINED if _undefined(x) else f"{significant(x * 100, digits)}%"
