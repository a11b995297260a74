"""Preview: the whole plan as the document will read, in the app."""

from __future__ import annotations

import streamlit as st

from plan_builder.ui import common, preview_text


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "プレビュー")
    text, note = preview_text.markdown(op.plan, op.guide)
    if note:
        st.caption(note)
    with st.container(border=True):
        st.markdown(text)


if __name__ == "__main__":
    render()
