"""Preview: the whole plan as the document will read, in the app."""

from __future__ import annotations

import streamlit as st

from plan_builder.ui import common, html_out, preview_text
from plan_builder.ui.render import md_escape


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "プレビュー")
    page, problem = preview_text.document_html(op.plan, op.guide)
    if problem:
        st.error(md_escape(problem))
        return
    st.caption("出力する文書と同じ内容です（グラフは出力するときに作成します）。")
    with st.container(border=True):
        html_out.show(page)


if __name__ == "__main__":
    render()
