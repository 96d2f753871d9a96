"""Open a page of the app on an uploaded table, through AppTest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(table: pd.DataFrame, page: str, name: str, **state: object) -> AppTest:
    """Upload ``table`` as the CSV file ``name``, set ``state``, then switch to ``page``."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.radio(key="source_mode").set_value("Upload a file").run()
    data = table.to_csv(index=False).encode()
    at.file_uploader(key="upload").set_value((name, data, "text/csv")).run()
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at
