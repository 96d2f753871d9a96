"""JSON records of a decision (the cards): numbers and scalars as JSON has them.

A card's undefined values (NaN, infinities) are ``null``, numpy scalars are plain Python
numbers, and the file is UTF-8 JSON that refuses NaN, so a card never holds a value a
strict JSON reader rejects. No Streamlit here.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import numpy as np

__all__ = ["json_bytes", "json_number", "json_scalar"]


def json_number(x: object) -> float | None:
    """``x`` as a float, or ``None`` when it is not finite (undefined)."""
    value = float(x)  # type: ignore[arg-type]
    return value if math.isfinite(value) else None


def json_scalar(x: object) -> object:
    """A numpy scalar as a Python one; a non-finite float as ``None``; anything else as is."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def json_bytes(record: Mapping[str, object]) -> bytes:
    """``record`` as indented UTF-8 JSON (NaN is refused: undefined values are null)."""
    return json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8")
