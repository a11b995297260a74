"""Entry point: `streamlit run app.py`. Everything else lives in plan_builder.ui."""

import streamlit as st

from plan_builder.ui import host_guard, nav, state

st.set_page_config(page_title="官民データ活用推進計画 作成支援", page_icon="📘", layout="wide")
host_guard.guard()
state.begin_run()
try:
    nav.run(state.actor())
except state.STORAGE_ERRORS as exc:
    message = state.outage_message(exc)
    if message is None:
        raise
    st.error(state.page_outage_message(message), icon=":material/cloud_off:")
