"""Preview: the whole plan as the document will read, in the app.

The page shows the HTML export itself in a frame of its own (a data: URL: an opaque origin,
and the page's Content-Security-Policy allows no script and no request), so the preview has the
documents' tables and the app's own page never takes HTML built from planner text.
"""

from __future__ import annotations

import base64

import streamlit as st
import streamlit.components.v1 as components

from plan_builder.ui import common, preview_text
from plan_builder.ui.render import md_escape

HEIGHT = 900


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "プレビュー")
    page, problem = preview_text.document(op.plan, op.guide)
    if problem:
        st.error(md_escape(problem))
        return
    st.caption("出力する文書と同じ内容です（グラフは出力するときに作成します）。")
    src = "data:text/html;charset=utf-8;base64," + base64.b64encode(page.encode("utf-8")).decode("ascii")
    components.iframe(src, height=HEIGHT, scrolling=True)


if __name__ == "__main__":
    render()
