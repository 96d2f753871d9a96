"""The Spark fixture and marker for the command-line tests.

The Spark tests need PySpark and Java. Without them they are skipped with the reason,
except when the environment variable ``CI`` is ``"true"``: there they fail, so CI cannot
go green without running them.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

from metrics_app.aggregate.spark_engine import java_available

SPARK_MISSING = (
    "PySpark and Java are needed for the Spark engine tests: "
    '.venv/bin/pip install -e ".[test,spark]" and a Java 17+ runtime '
    "(Debian: apt-get install default-jre-headless)."
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() == "true"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spark: needs PySpark and Java (runs Spark locally)")


@pytest.fixture(scope="module")
def spark_session():
    """One local SparkSession per test module; skips (fails under ``CI=true``) without Spark."""
    if importlib.util.find_spec("pyspark") is None or not java_available():
        if _in_ci():
            pytest.fail(SPARK_MISSING, pytrace=False)
        pytest.skip(SPARK_MISSING)
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("threshold-lab tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
