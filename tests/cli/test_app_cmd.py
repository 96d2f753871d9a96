"""``threshold-lab app PATH``: the server starts on the data, answers, and stops cleanly.

What the app shows of the server's data is tested through AppTest in
``tests/app/test_server_source.py``; here the real command starts a real server: its
health check must answer "ok", SIGTERM must stop it (exit code 0, port closed, temporary
files removed). Bad input must fail before any server starts, with a message and exit
code 1 (the data) or 2 (the command line).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics_app import launch
from metrics_app.cli import add_app_data, main

SCRIPT = Path(sys.executable).parent / "threshold-lab"
START_TIMEOUT = 90  # seconds; a loaded 2-core machine can take long to import Streamlit


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Straight to 127.0.0.1, whatever proxy the environment names.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _health(port: int) -> str | None:
    try:
        url = f"http://127.0.0.1:{port}/_stcore/health"
        with _DIRECT.open(url, timeout=2) as response:
            return response.read().decode()
    except (OSError, urllib.error.URLError):
        return None


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    y = rng.random(300) < 0.4
    return pd.DataFrame({"y": y.astype(int), "p": np.clip(rng.normal(0.3 + 0.4 * y, 0.2), 0, 1)})


def _serve(args: list[str], tmp_path: Path) -> str:
    """Run ``threshold-lab app ARGS``, wait for health, stop it with SIGTERM; its stdout."""
    port = _free_port()
    temp = tmp_path / "tmp"
    temp.mkdir()
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        process = subprocess.Popen(
            [str(SCRIPT), "app", *args, "--port", str(port)],
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, "TMPDIR": str(temp)},
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while (answer := _health(port)) is None:
            assert process.poll() is None, f"exited with {process.returncode}: {err.read_text()}"
            assert time.monotonic() < deadline, f"no health answer: {err.read_text()}"
            time.sleep(0.2)
        assert answer == "ok"
        # The data folder the launcher handed to Streamlit exists while it serves.
        assert any(p.name.startswith("threshold-lab-app-") for p in temp.iterdir())
        process.terminate()
        assert process.wait(timeout=30) == 0, err.read_text()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert not _port_open(port), "the Streamlit server outlived the command"
    assert not [p for p in temp.iterdir() if p.name.startswith("threshold-lab-app-")]
    return out.read_text()


def test_a_small_csv_file_is_served_and_stopped_cleanly(rows, tmp_path) -> None:
    rows.to_csv(tmp_path / "scores.csv", index=False)
    stdout = _serve([str(tmp_path / "scores.csv")], tmp_path)
    assert "Opening scores.csv as if uploaded: a table of 300 rows" in stdout


def test_a_folder_is_counted_first_then_served(rows, tmp_path) -> None:
    parts = tmp_path / "parts"
    parts.mkdir()
    rows.iloc[:100].to_parquet(parts / "a.parquet")
    rows.iloc[100:].to_parquet(parts / "b.parquet")
    stdout = _serve([str(parts), "--label", "y", "--score", "p"], tmp_path)
    assert "Counting positives and negatives per score in 2 Parquet files with DuckDB" in stdout
    assert "Used 300 rows" in stdout
    assert "Counted in " in stdout


# --- bad input: no server starts --------------------------------------------------------


def _run(args: list[str], capsys) -> tuple[int, str]:
    code = main(["app", *args])
    return code, capsys.readouterr().err


def test_a_path_that_does_not_exist_is_refused(tmp_path, capsys) -> None:
    code, err = _run([str(tmp_path / "nothing.csv")], capsys)
    assert code == 1
    assert "There is no file or folder" in err
    assert "Traceback" not in err


def test_a_glob_that_matches_nothing_is_refused(tmp_path, capsys) -> None:
    code, err = _run([str(tmp_path / "*.parquet")], capsys)
    assert code == 1
    assert "matches no files" in err


def test_a_folder_needs_the_label_and_score_columns(rows, tmp_path, capsys) -> None:
    rows.to_parquet(tmp_path / "a.parquet")
    code, err = _run([str(tmp_path), "--score", "p"], capsys)
    assert code == 2
    assert "stands for 1 Parquet file" in err
    assert "add --label COL." in err


def test_a_missing_column_of_a_small_file_is_named(rows, tmp_path, capsys) -> None:
    rows.to_csv(tmp_path / "scores.csv", index=False)
    code, err = _run([str(tmp_path / "scores.csv"), "--score", "model"], capsys)
    assert code == 1
    assert "The score column 'model' is not in 'scores.csv'. Choose one of: 'y', 'p'." in err


def test_an_unreadable_file_is_refused(tmp_path, capsys) -> None:
    (tmp_path / "scores.csv").write_bytes(b"PK\x03\x04 not a csv")
    code, err = _run([str(tmp_path / "scores.csv")], capsys)
    assert code == 1
    assert "ZIP archive" in err


def test_a_file_over_the_upload_limit_is_counted(rows, tmp_path, monkeypatch, capsys) -> None:
    rows.to_csv(tmp_path / "scores.csv", index=False)
    monkeypatch.setattr(launch, "upload_limit_bytes", lambda: 1024)
    folder = tmp_path / "server"
    assert add_app_data(folder, str(tmp_path / "scores.csv")) == 2
    assert "more than the app's upload limit of 0.0 MB" in capsys.readouterr().err

    assert add_app_data(folder, str(tmp_path / "scores.csv"), label="y", score="p") == 0
    assert "Counting positives and negatives" in capsys.readouterr().out
    entry = launch.find_data(folder)
    assert entry is not None
    assert entry.name == "scores.csv"
    assert Path(entry.path).parent == folder.resolve()


def test_the_upload_limit_is_read_from_streamlit_config() -> None:
    # The project's .streamlit/config.toml sets maxUploadSize = 200 (megabytes).
    assert launch.upload_limit_bytes() == 200 * 1024 * 1024
