"""metrics_core stays a numpy-only layer, and its docstring examples run."""

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import metrics_core

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(
    f"metrics_core.{info.name}" for info in pkgutil.iter_modules(metrics_core.__path__)
)


def modules_loaded_by(statement: str) -> set[str]:
    """Top-level packages in sys.modules after running ``statement`` in a fresh interpreter."""
    code = f"{statement}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return {name.split(".")[0] for name in result.stdout.split()}


@pytest.fixture(scope="module")
def loaded_by_metrics_core() -> set[str]:
    return modules_loaded_by("import metrics_core")


@pytest.mark.parametrize("ui_package", ["streamlit", "altair", "pandas"])
def test_importing_metrics_core_does_not_import_ui_packages(loaded_by_metrics_core, ui_package):
    assert "metrics_core" in loaded_by_metrics_core
    assert ui_package not in loaded_by_metrics_core


@pytest.mark.parametrize("heavy_package", ["sklearn", "scipy", "pyarrow"])
def test_importing_metrics_core_needs_nothing_but_numpy(loaded_by_metrics_core, heavy_package):
    assert "numpy" in loaded_by_metrics_core
    assert heavy_package not in loaded_by_metrics_core


def test_every_module_is_found():
    assert {"metrics_core._sweep", "metrics_core.ranking", "metrics_core.metrics"} <= set(MODULES)


@pytest.mark.parametrize("module_name", MODULES)
def test_doctests_pass(module_name):
    module = importlib.import_module(module_name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, module_name):
        runner.run(test, out=report.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "".join(report)


def test_the_documented_examples_exist():
    # Guard against a finder that silently finds nothing.
    attempted = 0
    for name in ("metrics_core._sweep", "metrics_core.ranking", "metrics_core.decimate"):
        module = importlib.import_module(name)
        attempted += sum(len(t.examples) for t in doctest.DocTestFinder().find(module, name))
    assert attempted >= 20


# The app side: only the state modules (caches and widget state) talk to Streamlit; data,
# model, chart and formatting modules return plain values and Altair charts.
STREAMLIT_MODULES = {
    "metrics_app.shared.frame",
    "metrics_app.shared.live_slider",
    "metrics_app.shared.session",
    "metrics_app.shared.sidebar",
    "metrics_app.shared.widgets",
}
APP_MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for path in (ROOT / "metrics_app").rglob("*.py")
    if path.name != "__init__.py"
)
STREAMLIT_FREE = [m for m in APP_MODULES if m not in STREAMLIT_MODULES and not m.endswith(".state")]


def test_the_app_side_is_found():
    assert {"metrics_app.data.read", "metrics_app.curves.charts"} <= set(STREAMLIT_FREE)
    assert "metrics_app.curves.state" not in STREAMLIT_FREE


def test_data_model_and_chart_modules_do_not_import_streamlit():
    loaded = modules_loaded_by("; ".join(f"import {m}" for m in STREAMLIT_FREE))
    assert "metrics_app" in loaded
    assert "streamlit" not in loaded
