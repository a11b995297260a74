"""Check: the completeness findings by chapter, each with a button to the step that fixes it."""

from __future__ import annotations

import streamlit as st

from plan_builder.checks import Finding
from plan_builder.guide.model import Guide, QuestionType
from plan_builder.ui import common, nav, progress, state
from plan_builder.ui.pages.wizard import FOCUS
from plan_builder.ui.render import md_escape

BADGES = {"error": ":red-badge[要対応]", "warning": ":orange-badge[確認]", "info": ":blue-badge[参考]"}


def destination(f: Finding, guide: Guide) -> str:
    """Which page fixes a finding: measures/KPIs/open data have their own editors."""
    if f.target and f.target.startswith("M"):
        return "measures"
    if f.target and f.target.startswith("K"):
        return "kpis"
    if f.question_key:
        try:
            q = guide.question(f.question_key)
        except KeyError:
            return "wizard"
        if q.type is QuestionType.MEASURES:
            return "measures"
        if q.type is QuestionType.KPIS:
            return "kpis"
        if q.options_from == "open_data_sets":
            return "open_data"
    return "wizard"


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "点検")
    rep = progress.report(op)
    a, b, c, d = st.columns(4)
    a.metric("記入率（必須・推奨）", progress.pct(rep.completeness))
    b.metric("要対応", rep.count("error"))
    c.metric("確認", rep.count("warning"))
    d.metric("参考", rep.count("info"))
    if not rep.findings:
        st.success("指摘はありません。")
    goto = None
    for chapter_key, findings in rep.by_chapter().items():
        try:
            ch = op.guide.chapter(chapter_key)
            title = f"第{ch.number}章 {ch.title}"
        except KeyError:
            title = chapter_key
        n_err = sum(1 for f in findings if f.severity != "info")
        label = f"{title}　{progress.pct(rep.chapter_completeness(chapter_key))}　指摘 {len(findings)}件"
        with st.expander(label, expanded=n_err > 0):
            if not findings:
                st.caption("指摘はありません。")
            for i, f in enumerate(findings):
                left, right = st.columns([5, 1], vertical_alignment="center")
                left.markdown(f"{BADGES[f.severity]}　{md_escape(f.message)}")
                dest = destination(f, op.guide)
                if right.button(
                    "修正する",
                    key=f"fix:{chapter_key}:{i}",
                    help=f"{nav.PLANNER_PAGES[dest][0]}の画面を開きます",
                ):
                    goto = (dest, f)
    if goto:
        dest, f = goto
        st.session_state[state.K_CHAPTER] = f.chapter_key
        if f.question_key:
            st.session_state[FOCUS] = f.question_key
        if dest == "kpis" and f.target:
            st.session_state["pb_kpi_selected"] = f.target
        st.switch_page(nav.page(dest))


if __name__ == "__main__":
    render()
