"""The wizard: one step per guide chapter, with progress per chapter and overall."""

from __future__ import annotations

import contextlib

import streamlit as st

from plan_builder.ui import common, progress, questions, state
from plan_builder.ui.render import md_escape

FOCUS = "pb_focus"
RADIO = "pb_chapter_radio"


def _goto(chapter_key: str) -> None:
    st.session_state[state.K_CHAPTER] = chapter_key
    st.session_state.pop(FOCUS, None)


def _picked() -> None:
    _goto(st.session_state[RADIO])


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    guide, plan = op.guide, op.plan
    common.header(op, "計画の入力")
    rep = progress.report(op)
    keys = [c.key for c in guide.chapters]
    current = st.session_state.get(state.K_CHAPTER)
    if current not in keys:
        current = keys[0]
        st.session_state[state.K_CHAPTER] = current
    st.progress(rep.completeness, text=f"全体の記入率（必須・推奨の設問）：{progress.pct(rep.completeness)}")

    nav_col, main = st.columns([1, 3.2], gap="medium")
    with nav_col:
        labels = {}
        for ch in guide.chapters:
            done = rep.chapter_completeness(ch.key)
            mark = "✓" if done >= 1 else ("◐" if done > 0 else "○")
            labels[ch.key] = f"{mark} 第{ch.number}章 {ch.title}（{progress.pct(done)}）"
        st.session_state[RADIO] = current
        st.radio("章を選ぶ", keys, key=RADIO, format_func=labels.get, on_change=_picked)
    chapter = guide.chapter(current)
    idx = keys.index(current)
    with main:
        st.markdown(f"##### 第{chapter.number}章 {md_escape(chapter.title)}")
        done = rep.chapter_completeness(chapter.key)
        st.progress(done, text=f"この章の記入率：{progress.pct(done)}")
        if chapter.intro:
            st.caption(md_escape(chapter.intro.strip()))
        focus = st.session_state.get(FOCUS)
        if focus and focus.startswith(chapter.key + "."):
            with contextlib.suppress(KeyError):
                st.info(f"点検で指摘された設問：{guide.question(focus).label}", icon=":material/search:")
        for q in chapter.questions:
            with st.container(border=True):
                questions.render_question(plan, guide, q)
        prev_col, _, next_col = st.columns([1, 2, 1])
        if idx > 0:
            prev_col.button(
                f"← 第{idx}章へ",
                key="chap_prev",
                on_click=_goto,
                args=(keys[idx - 1],),
                width="stretch",
            )
        if idx < len(keys) - 1:
            next_col.button(
                f"第{idx + 2}章へ →",
                key="chap_next",
                on_click=_goto,
                args=(keys[idx + 1],),
                type="primary",
                width="stretch",
            )


if __name__ == "__main__":
    render()
