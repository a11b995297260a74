"""Entry point: `streamlit run app.py`. Everything else lives in plan_builder.ui."""

import streamlit as st

from plan_builder.ui import nav, state

st.set_page_config(page_title="官民データ活用推進計画 作成支援", page_icon="📘", layout="wide")
nav.run(state.actor())
