"""The Streamlit user interface. Only this package and app.py import streamlit."""
