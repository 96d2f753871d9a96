"""The frame every page runs in: ``app.py`` first, then the page script.

Streamlit code (this module reruns the script), so it sits with the other state modules.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def run_inside_frame() -> None:
    """Rerun through ``app.py`` when Streamlit has run this page script on its own.

    Until ``st.navigation`` first runs in a server process, Streamlit (1.67) takes a folder
    named ``pages/`` beside the main script for a legacy multipage app: the very first request
    after a server start runs the page script whose file name matches the URL alone, without
    ``app.py`` (so without the sidebar and its data), and a URL that matches no file name gets
    a "Page not found" dialog over the page. The page files are therefore named as their URLs
    (``pages/roc-pr.py`` serves ``/roc-pr``), so that first request finds its script, and this
    call, the first line of every page script, turns that legacy run into a normal one: it
    switches legacy mode off, as ``st.navigation`` itself does on its first call, and reruns,
    which runs ``app.py`` and then this page inside it. Later runs pass straight through.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
