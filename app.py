"""Entry point: `streamlit run app.py`. Everything else lives in plan_builder.ui."""

import streamlit as st

from plan_builder.ui import (
    auth_pages,
    browser_warmup,
    chrome_ja,
    common,
    host_guard,
    leave_guard,
    nav,
    state,
    warmup,
)

with warmup.page_run():  # the background warm-up waits while any session's script runs
    # The icon as a shortcode, not the emoji itself: for a non-ASCII icon Streamlit loads its
    # whole emoji catalogue (0.5 s of CPU on the first page); the browser draws the same 📘.
    st.set_page_config(page_title="官民データ活用推進計画 作成支援", page_icon=":blue_book:", layout="wide")
    host_guard.guard()
    chrome_ja.install()  # also on the sign-in screen
    state.begin_run()
    try:
        acting = state.actor()
        auth_pages.remember()
        leave_guard.install(state.has_unsaved())
        if acting.read_only:  # once per page, above it (a closed briefing session)
            st.info(state.CLOSED_NOTICE, icon=":material/lock:")
        nav.run(acting)
        common.conflicts_elsewhere()  # under the page's header: conflicts of fields not on this page
    except state.STORAGE_ERRORS as exc:
        message = state.outage_message(exc)
        if message is None:
            raise
        st.error(state.page_outage_message(message), icon=":material/cloud_off:")
    browser_warmup.install()  # after the page: the browser loads chart and table code when idle
warmup.start()  # once per process, after the page is drawn: modules and chart browser for later pages
