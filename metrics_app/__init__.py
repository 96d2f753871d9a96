"""Streamlit side of Threshold Lab: reading data, demo sets, charts, caching and widgets."""
