"""Every cache of the app is bounded in entries and in age, and made in one place.

A server that sees many uploads over days must not grow without bound: each cached
function keeps at most a stated number of entries, none older than
:data:`metrics_app.shared.session.CACHE_TTL`, and all are made by
:func:`metrics_app.shared.session.cached` (the README states both bounds).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from streamlit.runtime.caching.cache_utils import CachedFunc

import metrics_app
from metrics_app.shared import session

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "metrics_app").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]
SOURCES.append(ROOT / "app.py")
HOME = ROOT / "metrics_app" / "shared" / "session.py"


def _cache_calls(path: Path) -> list[int]:
    """Lines where ``path`` names ``st.cache_resource`` or ``st.cache_data`` itself."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr in {"cache_resource", "cache_data"}
    ]


def test_only_session_cached_makes_caches() -> None:
    found = {str(p.relative_to(ROOT)): _cache_calls(p) for p in SOURCES if p != HOME}
    assert {p: lines for p, lines in found.items() if lines} == {}
    assert len(_cache_calls(HOME)) == 1  # inside cached()


def _cached_functions() -> dict[str, CachedFunc]:
    out = {}
    for info in pkgutil.walk_packages(metrics_app.__path__, "metrics_app."):
        if info.name.endswith(("cli", "__main__")):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, CachedFunc) and value._info.func.__module__ == info.name:
                out[f"{info.name}.{name}"] = value
    return out


def test_every_cache_is_bounded_in_entries_and_age() -> None:
    functions = _cached_functions()
    assert len(functions) >= 40  # the sweep, tables, curves, pages' results…
    for name, func in functions.items():
        assert isinstance(func._info.max_entries, int), name
        assert 1 <= func._info.max_entries <= 64, name
        assert func._info.ttl == session.CACHE_TTL, name


def test_the_readme_states_the_bounds() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    hours = int(session.CACHE_TTL.total_seconds() // 3600)
    assert f"at most {hours} hours" in readme
    assert "at most 64 entries" in readme
