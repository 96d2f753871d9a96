"""Start the app on data chosen by whoever starts the server: ``threshold-lab app`` and ``explore``.

The browser never names a file. The launcher writes a small *data folder*: one JSON entry per
data set (the file the app reads, the name shown in the sidebar, one line on how the server
opened it, optional column choices), and passes the folder to the Streamlit process in the
environment variable :data:`DATA_ENV`. The app (``metrics_app.shared.session``) reads the
entries with :func:`find_data`; a link may pick one by its random token (``?data=<token>``),
never by a path.

- :func:`serve` runs ``streamlit run app.py`` in the foreground for ``threshold-lab app``
  and stops it cleanly on Ctrl+C or SIGTERM.
- :func:`explore` writes arrays from a notebook to a Parquet file and opens them in a local
  server that it starts, or reuses while it is alive; :func:`stop` stops every such server.

No Streamlit here: the app runs in its own process.
"""

from __future__ import annotations

import atexit
import html
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import webbrowser
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "DATA_ENV",
    "AppHandle",
    "ServerData",
    "add_arrays",
    "add_data",
    "app_script",
    "explore",
    "find_data",
    "serve",
    "stop",
    "upload_limit_bytes",
]

#: The environment variable that names the server's data folder (set by the launcher only).
DATA_ENV = "THRESHOLD_LAB_SERVER_DATA"

#: How long :func:`explore` waits for a new server to answer its health check.
START_TIMEOUT = 90.0

_TOKEN_RE = re.compile(r"[0-9a-f]{16}")
_HEALTH = "/_stcore/health"
_STOP_GRACE = 10.0  # seconds a server gets to shut down before it is killed
_LOOPBACK = "127.0.0.1"


def project_root() -> Path:
    """The project folder: the one holding ``app.py`` next to the ``metrics_app`` package."""
    return Path(__file__).resolve().parent.parent


def app_script() -> Path:
    """The app's entry script, ``app.py`` in the project folder.

    Raises
    ------
    FileNotFoundError
        If the package was installed without the project folder (``app.py`` and ``pages/``
        are not part of the package); the message says how to fix it.
    """
    script = project_root() / "app.py"
    if not script.is_file() or not (project_root() / "pages").is_dir():
        raise FileNotFoundError(
            f"The app's script {script} is missing: the app runs from the project folder. "
            "Install the project from its folder with `pip install -e .` and run it from there."
        )
    return script


# --- the data folder ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerData:
    """One data set the server's owner opened, as the app's sidebar shows it.

    Attributes
    ----------
    token : str
        16 random hex digits: the entry's file name and the ``?data=`` value of its link.
    path : str
        The absolute path of the file the app reads (a table, or a counts file).
    name : str
        The data source's name in the sidebar (the file's or folder's name).
    note : str
        One line of plain text: how the server opened the data.
    label, score, weight : str or None
        Columns to choose first (the user can change them).
    positive : str or None
        The positive class as typed, matched to the label values as text or number.
    created : int
        When the entry was written (ns since the epoch); the newest one opens by default.
    """

    token: str
    path: str
    name: str
    note: str
    label: str | None = None
    score: str | None = None
    weight: str | None = None
    positive: str | None = None
    created: int = 0


def add_data(
    folder: str | os.PathLike[str],
    path: str | os.PathLike[str],
    name: str,
    note: str,
    *,
    label: str | None = None,
    score: str | None = None,
    weight: str | None = None,
    positive: str | None = None,
) -> ServerData:
    """Write a data set's entry into ``folder`` (created if needed) and return it.

    The entry is written to a temporary name and renamed into place, so the app never
    reads half an entry.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entry = ServerData(
        token=secrets.token_hex(8),
        path=str(Path(path).resolve()),
        name=name,
        note=note,
        label=label,
        score=score,
        weight=weight,
        positive=positive,
        created=time.time_ns(),
    )
    target = folder / f"{entry.token}.json"
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(entry)), encoding="utf-8")
    os.replace(partial, target)
    return entry


def _read_entry(file: Path) -> ServerData | None:
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
        entry = ServerData(**raw)
    except (OSError, ValueError, TypeError):  # unreadable or not written by add_data
        return None
    return entry if entry.token == file.stem else None


def find_data(folder: str | os.PathLike[str], token: str | None = None) -> ServerData | None:
    """The entry ``token`` of ``folder``, or the newest entry when ``token`` is ``None``.

    ``token`` may come from a link, so it is only ever used as 16 hex digits; anything
    else finds nothing. Returns ``None`` when there is no such entry.
    """
    folder = Path(folder)
    if token is not None:
        if not _TOKEN_RE.fullmatch(token):
            return None
        return _read_entry(folder / f"{token}.json")
    try:
        files = list(folder.glob("*.json"))
    except OSError:
        return None
    entries = [e for e in map(_read_entry, files) if e is not None]
    return max(entries, key=lambda e: e.created, default=None)


# --- Streamlit's configuration and command line ---------------------------------------------


def upload_limit_bytes() -> int:
    """The app's upload limit in bytes: Streamlit's ``server.maxUploadSize`` for this project.

    Streamlit is asked in a separate interpreter, started in the project folder as the app
    is, so that it reads the same configuration files; this module never imports Streamlit.
    """
    code = "from streamlit import config; print(config.get_option('server.maxUploadSize'))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project_root(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(float(result.stdout.strip().splitlines()[-1]) * 1024 * 1024)  # megabytes


def streamlit_command(
    *, port: int | None = None, address: str | None = None, headless: bool = False
) -> list[str]:
    """``streamlit run app.py`` with this Python and the given server options."""
    command = [sys.executable, "-m", "streamlit", "run", str(app_script())]
    if port is not None:
        command += ["--server.port", str(port)]
    if address is not None:
        command += ["--server.address", address]
    if headless:
        command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    return command


def _environment(folder: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop(DATA_ENV, None)
    if folder is not None:
        env[DATA_ENV] = str(folder)
    return env


def _end(process: subprocess.Popen, grace: float = _STOP_GRACE) -> int:
    """Stop ``process``: SIGTERM (Streamlit then shuts down cleanly), SIGKILL after ``grace``."""
    if process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def serve(folder: Path | None, *, port: int | None = None) -> int:
    """Run the app in the foreground on the data folder ``folder`` until it stops.

    Ctrl+C, SIGTERM and SIGHUP stop the server cleanly. Returns 0 when it was stopped that
    way, else Streamlit's exit code (for example when the port is taken).
    """
    process = subprocess.Popen(
        streamlit_command(port=port), cwd=project_root(), env=_environment(folder)
    )
    stopping = False

    def forward(signum: int, frame: Any) -> None:
        nonlocal stopping
        stopping = True
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)

    names = ("SIGTERM", "SIGHUP")
    before = {n: signal.signal(getattr(signal, n), forward) for n in names if hasattr(signal, n)}
    try:
        while True:
            try:
                code = process.wait()
                break
            except KeyboardInterrupt:
                # Ctrl+C in a terminal reaches Streamlit too (same process group); give it
                # the time to stop on its own, as a second SIGINT would force it down.
                stopping = True
                try:
                    code = process.wait(timeout=_STOP_GRACE)
                    break
                except (subprocess.TimeoutExpired, KeyboardInterrupt):
                    code = _end(process)
                    break
    finally:
        if process.poll() is None:
            _end(process)
        for n, handler in before.items():
            signal.signal(getattr(signal, n), handler)
    return 0 if stopping else code


# --- explore(): arrays from a notebook --------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((_LOOPBACK, 0))
        return int(sock.getsockname()[1])


# No proxy: a proxy from the environment would be asked for 127.0.0.1 and never reach it.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _healthy(base: str) -> bool:
    try:
        with _DIRECT.open(base + _HEALTH, timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (OSError, urllib.error.URLError, ValueError):
        return False


class _Server:
    """One app server started by :func:`explore`, with its data folder and log."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port = port
        self.pid = os.getpid()
        self.folder = Path(tempfile.mkdtemp(prefix="threshold-lab-explore-"))
        self.log = self.folder / "server.log"
        self.base = f"http://{_LOOPBACK}:{port}"
        command = streamlit_command(port=port, address=_LOOPBACK, headless=True)
        with open(self.log, "wb") as log:
            # A session of its own: Ctrl+C in a terminal interrupts Python, not the server.
            self.process = subprocess.Popen(
                command,
                cwd=project_root(),
                env=_environment(self.folder),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while not _healthy(self.base):
            if self.process.poll() is not None or time.monotonic() > deadline:
                why = "stopped" if self.process.poll() is not None else "did not answer"
                tail = self._log_tail()
                self.stop()
                raise RuntimeError(
                    f"The app server on port {port} {why} within {timeout:.0f} s. "
                    f"Its last output:\n{tail}"
                )
            time.sleep(0.2)

    def _log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no output)"
        return "\n".join(text.strip().splitlines()[-lines:]) or "(no output)"

    def alive(self) -> bool:
        return self.pid == os.getpid() and self.process.poll() is None

    def stop(self) -> None:
        _end(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)
        with _LOCK:
            if self in _SERVERS:
                _SERVERS.remove(self)


_SERVERS: list[_Server] = []
_LOCK = threading.RLock()


class AppHandle:
    """A running app on data from :func:`explore`.

    Attributes
    ----------
    url : str
        The app's address on this machine, opened on this data.
    port : int
        The server's port on 127.0.0.1.
    """

    def __init__(self, server: _Server, url: str) -> None:
        self._server = server
        self.url = url
        self.port = server.port

    @property
    def running(self) -> bool:
        """Whether the server still runs."""
        return self._server.alive()

    def stop(self) -> None:
        """Stop the server (and so every link :func:`explore` gave for it)."""
        self._server.stop()

    def __repr__(self) -> str:
        state = "" if self.running else " (stopped)"
        return f"Threshold Lab{state}: {self.url}"

    def _repr_html_(self) -> str:
        url = html.escape(self.url, quote=True)
        if not self.running:
            return f"Threshold Lab (stopped): {url}"
        return f'Threshold Lab: <a href="{url}" target="_blank">{url}</a>'


def _as_vector(name: str, values: object) -> np.ndarray:
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one value per row), not of shape {array.shape}. "
            "Pass a 1-D array, list or Series; for predict_proba output take one column, "
            "e.g. proba[:, 1]."
        )
    return array


def _numeric(name: str, array: np.ndarray) -> np.ndarray:
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{name} must hold numbers, not {array.dtype} values.")
    if np.iscomplexobj(array):
        raise ValueError(f"{name} must hold real numbers, not complex ones.")
    return array


def _column_names(names: Sequence[str] | None, weighted: bool) -> list[str]:
    wanted = 3 if weighted else 2
    if names is None:
        return ["label", "score", "weight"][:wanted]
    if isinstance(names, str) or len(names) != wanted:
        what = "(label, score, weight)" if weighted else "(label, score)"
        raise ValueError(f"names must be {wanted} column names {what}, not {names!r}.")
    out = [str(n) for n in names]
    if any(not n.strip() for n in out) or len(set(out)) != len(out):
        raise ValueError(f"names must be distinct, non-empty column names, not {names!r}.")
    return out


def _arrow_table(y_true: Any, y_score: Any, sample_weight: Any, names: Sequence[str] | None) -> Any:
    """The arrays as a ``pyarrow.Table``, validated; ValueError says what is wrong."""
    # pyarrow is imported here so that importing this module stays light.
    import pyarrow as pa

    arrays = {
        "y_true": _as_vector("y_true", y_true),
        "y_score": _numeric("y_score", _as_vector("y_score", y_score)),
    }
    if sample_weight is not None:
        weight = _as_vector("sample_weight", sample_weight)
        arrays["sample_weight"] = _numeric("sample_weight", weight)
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) != 1:
        shown = ", ".join(f"{name} has {n:,}" for name, n in lengths.items())
        raise ValueError(f"The arrays must have one value per row, but {shown} values.")
    if lengths["y_true"] == 0:
        raise ValueError("The arrays are empty: pass at least one row of labels and scores.")
    columns = _column_names(names, sample_weight is not None)
    try:
        return pa.table({c: pa.array(a) for c, a in zip(columns, arrays.values(), strict=True)})
    except (pa.ArrowException, TypeError, ValueError) as err:
        raise ValueError(
            "y_true cannot be stored as one column: pass labels of one type (numbers, "
            f"booleans or strings). ({err})"
        ) from err


def _add_table(folder: Path, table: Any, note: str) -> ServerData:
    import pyarrow.parquet as pq

    file = folder / f"data-{secrets.token_hex(4)}.parquet"
    pq.write_table(table, file)
    names = table.column_names
    return add_data(
        folder,
        file,
        name=f"Python arrays ({table.num_rows:,} rows)",
        note=note,
        label=names[0],
        score=names[1],
        weight=names[2] if len(names) == 3 else None,
    )


def add_arrays(
    folder: str | os.PathLike[str],
    y_true: Any,
    y_score: Any,
    *,
    sample_weight: Any = None,
    names: Sequence[str] | None = None,
) -> ServerData:
    """Write arrays to a Parquet file in the data folder ``folder`` and add its entry.

    This is what :func:`explore` does with its arrays, for a server started some other way;
    the parameters are :func:`explore`'s.

    Raises
    ------
    ValueError
        As :func:`explore` does.
    """
    table = _arrow_table(y_true, y_score, sample_weight, names)
    Path(folder).mkdir(parents=True, exist_ok=True)
    return _add_table(Path(folder), table, _EXPLORE_NOTE)


_EXPLORE_NOTE = "Opened by the server from explore() in Python; nothing was uploaded."


def _server_for(port: int | None, timeout: float) -> _Server:
    with _LOCK:
        for server in list(_SERVERS):
            if not server.alive():
                server.stop()
            elif port is None or server.port == port:
                return server
        for attempt in range(3):
            try:
                server = _Server(port if port is not None else _free_port(), timeout)
            except RuntimeError:
                # A free port can be taken between finding it and the server binding it.
                if port is not None or attempt == 2:
                    raise
                continue
            _SERVERS.append(server)
            return server
    raise AssertionError("unreachable")


def explore(
    y_true: Any,
    y_score: Any,
    *,
    sample_weight: Any = None,
    names: Sequence[str] | None = None,
    port: int | None = None,
    open_browser: bool = False,
) -> AppHandle:
    """Open labels and scores from Python in Threshold Lab, served on this machine.

    The arrays are written to a temporary Parquet file, which a local app server opens as
    its data. The server (127.0.0.1 only, headless, no usage statistics) is started on a
    free port on the first call and reused by later calls while it runs; each call gets a
    link of its own to its own data. Servers stop with :meth:`AppHandle.stop`, with
    :func:`stop`, or when this Python process exits.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True labels: 0/1, booleans, or any two (or more) class names.
    y_score : array-like of shape (n,)
        Scores, higher meaning more likely positive: probabilities, logits or any real
        numbers.
    sample_weight : array-like of shape (n,), optional
        Non-negative weight of each row.
    names : sequence of str, optional
        The columns' names in the app: ``(label, score)``, or ``(label, score, weight)``
        with ``sample_weight``. Default ``("label", "score", "weight")``.
    port : int, optional
        The port to serve on; by default a free one (and any running server is reused).
    open_browser : bool, default False
        Also open the link in this machine's web browser.

    Returns
    -------
    AppHandle
        ``.url`` is the link (also printed), ``.stop()`` stops the server.

    Raises
    ------
    ValueError
        If the arrays are not one-dimensional, differ in length, are empty, or the scores
        or weights are not numbers.
    RuntimeError
        If the server does not start (the message quotes its output).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from metrics_app import explore
    >>> X, y = make_classification(n_samples=2000, weights=[0.9], random_state=0)
    >>> clf = LogisticRegression().fit(X[:1000], y[:1000])
    >>> app = explore(y[1000:], clf.predict_proba(X[1000:])[:, 1])  # doctest: +SKIP
    http://127.0.0.1:.../?data=...
    >>> app.stop()  # doctest: +SKIP
    """
    table = _arrow_table(y_true, y_score, sample_weight, names)
    if port is not None and not (isinstance(port, int) and 1 <= port <= 65535):
        raise ValueError(f"port must be a whole number from 1 to 65535, not {port!r}.")
    server = _server_for(port, START_TIMEOUT)
    entry = _add_table(server.folder, table, _EXPLORE_NOTE)
    handle = AppHandle(server, f"{server.base}/?data={entry.token}")
    print(handle.url)
    if open_browser:
        webbrowser.open(handle.url)
    return handle


def stop() -> None:
    """Stop every app server :func:`explore` started in this process."""
    with _LOCK:
        servers = list(_SERVERS)
    for server in servers:
        if server.pid == os.getpid():
            server.stop()


# A notebook's servers end with its kernel rather than outliving it.
atexit.register(stop)
