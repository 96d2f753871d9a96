"""Threshold Lab: pick a decision threshold and see every metric move.

The frame of the app: page setup, navigation and the data sidebar shared by
every page. Run with ``streamlit run app.py``.
"""

import streamlit as st

from metrics_app.shared import session
from metrics_app.shared.sidebar import data_sidebar

st.set_page_config(page_title="Threshold Lab", page_icon=":material/tune:", layout="wide")

# Each url_path differs from its file's name on purpose: until st.navigation
# first runs, Streamlit treats a folder named pages/ as a legacy multipage
# app, and a first request for a URL equal to a file's name would run that
# page alone, without this frame. With distinct names it falls back to app.py.
page = st.navigation(
    [
        st.Page(
            "pages/explorer.py",
            title="Threshold explorer",
            icon=":material/tune:",
            url_path="explore",
            default=True,
        ),
        st.Page("pages/curves.py", title="Curves", icon=":material/show_chart:", url_path="roc-pr"),
        st.Page(
            "pages/decide.py",
            title="Operating point",
            icon=":material/gavel:",
            url_path="operating-point",
        ),
        st.Page("pages/tutorial.py", title="Tutorial", icon=":material/school:", url_path="learn"),
    ]
)
session.enter_page(page.url_path)
data_sidebar()
page.run()
