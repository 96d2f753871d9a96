"""Shared test setup."""

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def _navigation_not_legacy_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run AppTest the way the server runs after its first script run.

    A folder named ``pages/`` makes Streamlit start in its legacy multipage
    mode until ``st.navigation`` is first called, after which the server
    stays in navigation mode for good. AppTest resets that flag before every
    run, so every run would start in legacy mode; pin it to navigation mode.
    """
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
