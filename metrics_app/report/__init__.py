"""A self-contained report of an operating point, as HTML or PDF, from the app or the CLI.

:mod:`~metrics_app.report.content` gathers what the report states from the helpers the
pages use; :mod:`~metrics_app.report.html` and :mod:`~metrics_app.report.pdf` render it
offline; :mod:`~metrics_app.report.images` turns its charts into SVG and PNG. Only
:mod:`~metrics_app.report.state` imports Streamlit.
"""
