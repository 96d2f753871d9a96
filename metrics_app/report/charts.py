"""The pages' Altair charts as static Vega-Lite specs for a report (no Streamlit here).

A report draws the very charts the pages draw, built by the pages' chart modules; only
what a file cannot use is taken out (see :func:`static_spec`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd
from altair.utils.data import to_values

__all__ = ["static_spec"]


def _inline(chart: Any) -> None:
    """Give every frame of ``chart`` (and its layers) to the spec as inline values.

    ``to_dict()`` would pass frames through Altair's global data transformer, which
    refuses more than 5,000 rows and which Streamlit switches, under its own lock, while
    it draws a chart in the app's script thread; a report is made on another thread, so it
    converts its frames itself and leaves the global setting alone.
    """
    data = getattr(chart, "data", alt.Undefined)
    if isinstance(data, pd.DataFrame):
        chart.data = alt.InlineData(values=to_values(data)["values"])
    for layer in getattr(chart, "layer", None) or ():
        _inline(layer)


def _invisible(layer: Mapping[str, Any]) -> bool:
    mark = layer.get("mark")
    return isinstance(mark, Mapping) and mark.get("opacity") == 0


def _strip(spec: dict[str, Any]) -> None:
    """Drop what only an interactive chart needs: selections and invisible hover targets."""
    spec.pop("params", None)
    layers = spec.get("layer")
    if isinstance(layers, list):
        spec["layer"] = [layer for layer in layers if not _invisible(layer)]
        for layer in spec["layer"]:
            _strip(layer)


def static_spec(chart: alt.TopLevelMixin, width: int | None = None) -> dict[str, Any]:
    """A chart's Vega-Lite spec for a static image: fixed width, no interaction, white ground.

    The pages' charts stretch to their container (``width="container"``), which a file
    has not; invisible hover points (thousands on a curve) and click selections serve
    only a browser, so they are left out. ``chart`` itself is not changed.

    Parameters
    ----------
    chart : Altair chart
        A chart of the pages' chart modules.
    width : int, optional
        Width of the plotting area in pixels; the chart's own width when omitted.

    Returns
    -------
    dict
        A JSON-ready Vega-Lite specification with its data inline.
    """
    chart = chart.copy(deep=True)
    _inline(chart)
    spec = chart.to_dict()
    _strip(spec)
    if width is not None:
        spec["width"] = width
    spec["background"] = "white"
    return spec
