"""Threshold Lab: pick a decision threshold and see every metric move.

The frame of the app: page setup, navigation and the data sidebar shared by
every page. Run with ``streamlit run app.py``.
"""

import streamlit as st

from metrics_app.sidebar import data_sidebar

st.set_page_config(page_title="Threshold Lab", page_icon=":material/tune:", layout="wide")

page = st.navigation(
    [
        st.Page(
            "pages/explorer.py", title="Threshold explorer", icon=":material/tune:", default=True
        ),
    ]
)
data_sidebar()
page.run()
