"""``explore()``: arrays from Python opened in a local app server, reused, then stopped.

The server test runs in a plain Python subprocess, as a notebook would: it calls
``explore`` twice (the second call must reuse the server), checks the health endpoint,
calls ``stop()`` and checks that the port is closed and the data folder gone.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from metrics_app import explore

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, socket, urllib.request
import numpy as np
from metrics_app import explore, stop

rng = np.random.default_rng(0)
y = rng.random(300) < 0.3
s = rng.random(300)

def health(port):
    url = f"http://127.0.0.1:{port}/_stcore/health"
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with direct.open(url, timeout=5) as response:
        return response.read().decode()

def open_port(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False

first = explore(y, s)
again = explore(y.astype(int), s, sample_weight=np.ones(300), names=("truth", "model", "w"))
out = {
    "urls": [first.url, again.url],
    "ports": [first.port, again.port],
    "health": health(first.port),
    "repr": repr(first),
    "folder": str(first._server.folder),
}
stop()
out.update(open_after=open_port(first.port), running_after=first.running)
print(json.dumps(out))
"""


def test_explore_serves_reuses_and_stops() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *printed, last = result.stdout.strip().splitlines()
    out = json.loads(last)
    first, again = out["urls"]
    port = out["ports"][0]
    assert out["ports"] == [port, port], "the second call must reuse the running server"
    assert first.startswith(f"http://127.0.0.1:{port}/?data=")
    assert again.startswith(f"http://127.0.0.1:{port}/?data=")
    assert first != again, "each call links to its own data"
    assert printed == [first, again]
    assert out["health"] == "ok"
    assert first in out["repr"]
    assert not out["open_after"], "stop() must close the port"
    assert not out["running_after"]
    assert not Path(out["folder"]).exists()


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([0, 1, 1], [0.2, 0.5]), {}, "y_true has 3, y_score has 2 values"),
        (([0, 1], [[0.2, 0.8], [0.6, 0.4]]), {}, r"y_score must be one-dimensional.*proba\[:, 1\]"),
        (([], []), {}, "The arrays are empty"),
        (([0, 1], ["a", "b"]), {}, "y_score must hold numbers"),
        (([0, 1], [0.2, 0.5]), {"sample_weight": [1.0]}, "sample_weight has 1 values"),
        (([0, 1], [0.2, 0.5]), {"names": ("y",)}, r"names must be 2 column names \(label, score\)"),
        (([0, 1], [0.2, 0.5]), {"names": ("y", "y")}, "distinct"),
        (([0, 1], [0.2, 0.5]), {"port": 70000}, "port must be a whole number"),
        ((np.array([0, "a"], dtype=object), [0.2, 0.5]), {}, "labels of one type"),
    ],
)
def test_explore_refuses_bad_input_before_starting_anything(args, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        explore(*args, **kwargs)
