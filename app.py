"""Threshold Lab: pick a decision threshold and see every metric move.

The frame of the app: page setup, navigation and the data sidebar shared by
every page. Run with ``streamlit run app.py``.
"""

import streamlit as st

from metrics_app.data.memory import return_large_frees_to_os
from metrics_app.shared import session
from metrics_app.shared.sidebar import data_sidebar

# A server setting, made once per process before any upload is read: every session's large
# temporaries go back to the operating system when freed (see metrics_app.data.memory).
return_large_frees_to_os()

st.set_page_config(page_title="Threshold Lab", page_icon=":material/tune:", layout="wide")

# Each page file is named as its URL on purpose: the first request after a
# server start runs that file alone, and its first line reruns it inside this
# frame (why: metrics_app.shared.frame.run_inside_frame).
page = st.navigation(
    [
        st.Page(
            "pages/explore.py",
            title="Threshold explorer",
            icon=":material/tune:",
            url_path="explore",
            default=True,
        ),
        st.Page("pages/roc-pr.py", title="Curves", icon=":material/show_chart:", url_path="roc-pr"),
        st.Page(
            "pages/multiclass.py",
            title="Multiclass",
            icon=":material/category:",
            url_path="multiclass",
        ),
        st.Page(
            "pages/operating-point.py",
            title="Operating point",
            icon=":material/gavel:",
            url_path="operating-point",
        ),
        st.Page("pages/groups.py", title="Groups", icon=":material/groups:", url_path="groups"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:", url_path="compare"),
        st.Page("pages/learn.py", title="Tutorial", icon=":material/school:", url_path="learn"),
        st.Page("pages/epochs.py", title="Epochs", icon=":material/timeline:", url_path="epochs"),
    ]
)
session.enter_page(page.url_path)
data_sidebar()
page.run()
