"""Charts as image files, rendered offline by vl-convert (no Streamlit or Altair here).

vl-convert runs Vega-Lite and Vega from JavaScript bundled inside the package, so
rendering needs neither a browser nor the network; ``allowed_base_urls=[]`` forbids any
data request, so a chart that tried to load data from a URL would fail instead of
reaching out. PNG text is drawn with the machine's fonts; SVG leaves it to the viewer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import vl_convert

__all__ = ["PNG_SCALE", "png", "svg"]

#: Pixels per unit of the chart's size in PNG: sharp on paper and on high-density screens.
PNG_SCALE = 2.0


def svg(spec: Mapping[str, Any]) -> str:
    """The chart as a standalone SVG document (Vega escapes every text it draws)."""
    return vl_convert.vegalite_to_svg(dict(spec), allowed_base_urls=[])


def png(spec: Mapping[str, Any], scale: float = PNG_SCALE) -> bytes:
    """The chart as a PNG image, ``scale`` pixels per unit of its size."""
    return vl_convert.vegalite_to_png(dict(spec), scale=scale, allowed_base_urls=[])
