"""Label values as people write them: comparison keys, missing values, a stable order."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

# A plain number with a dot as decimal mark, as it appears in text files.
DOT_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def label_key(value: object) -> str:
    """Canonical text of a label value, so 1, 1.0, "1", True and "true" compare equal."""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isfinite(number) and number == int(number):
            return str(int(number))
        return repr(number)
    text = str(value).strip().casefold()
    if text in {"true", "false"}:
        return "1" if text == "true" else "0"
    if DOT_NUMBER_RE.fullmatch(text):
        return label_key(float(text))
    return text


def python_value(value: object) -> object:
    """Turn a numpy scalar into the equivalent Python scalar (hashable, JSON-friendly)."""
    return value.item() if isinstance(value, np.generic) else value


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA; False for anything pandas cannot test."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def sorted_values(values: Sequence[object]) -> list[object]:
    """Sort label values; mixed types are ordered by type name, then text."""
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=lambda v: (type(v).__name__, str(v)))
