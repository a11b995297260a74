"""Pieces every plan page shows: the plan header, the last-saved time and the stale-tab banner."""

from __future__ import annotations

import streamlit as st

from plan_builder.ui import state
from plan_builder.ui.state import OpenPlan

STALE_MESSAGE = (
    "別のタブで更新されています。この画面の内容は古いため、変更は保存されていません。"
    "最新の内容を読み込んでから、必要な変更をもう一度入力してください。"
)


def show_flash() -> None:
    flashed = state.pop_flash()
    if flashed:
        kind, msg = flashed
        (st.success if kind == "success" else st.warning)(msg)


def stale_banner() -> None:
    if state.is_stale():
        with st.container(border=True):
            st.error(STALE_MESSAGE, icon=":material/warning:")
            st.button("最新の内容を読み込む", key="reload_stale", on_click=state.reload_plan, type="primary")


def saved_caption(op: OpenPlan) -> None:
    saved = state.saved_label(st.session_state.get(state.K_SAVED))
    st.caption(f"最終保存: {saved}（版 {op.version}）　入力内容は自動で保存されます。")


def header(op: OpenPlan, title: str) -> None:
    """Page title with the plan's name; the caption carries the autosave time."""
    st.markdown(f"#### {title}")
    st.caption(f"{op.plan.lg_name}／{op.plan.title}／{op.guide.title}（{op.guide.variant_label}）")
    saved_caption(op)
    stale_banner()
    show_flash()


def require_plan() -> OpenPlan | None:
    """The open plan, or a hint to open one on the home page."""
    state.check_fresh()
    op = state.current()
    if op is None:
        show_flash()
        st.info("計画が開かれていません。ホームで計画を作成するか、一覧から開いてください。")
        from plan_builder.ui import nav

        st.page_link(nav.page("home"), label="ホームへ", icon=":material/home:")
    return op
