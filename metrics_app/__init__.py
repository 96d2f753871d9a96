"""Streamlit side of Threshold Lab: reading data, demo sets, charts, caching and widgets.

From Python (a notebook, a script), :func:`explore` opens labels and scores in the app,
served on this machine, and :func:`stop` stops the servers it started::

    from metrics_app import explore

    app = explore(y_true, y_score)  # prints and returns the link
    app.stop()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metrics_app.launch import explore, stop

__all__ = ["explore", "stop"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, so that importing any other part of the app does not load the
    # launcher (subprocess, sockets, HTTP) it has no use for.
    if name in __all__:
        from metrics_app import launch

        return getattr(launch, name)
    raise AttributeError(f"module 'metrics_app' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
