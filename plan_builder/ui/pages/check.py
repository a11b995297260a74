"""Check: the completeness findings by chapter, each with a button to the step that fixes it; the
reviewers' open comments, and 提出・再提出 (the review engineer's submit panel)."""

from __future__ import annotations

import streamlit as st

from plan_builder.checks import Finding
from plan_builder.guide import Guide, QuestionType
from plan_builder.ui import common, nav, progress, review_pages, state
from plan_builder.ui.pages.wizard import open_question, place_comments
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
    goto = _comments(op)
    st.markdown("##### 点検の結果")
    if not rep.findings:
        st.success("点検による指摘はありません。")
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
    review_pages.submit_section(state.service(), op.id, op.plan.lg_code)
    if goto:
        dest, f = goto
        if dest == "wizard":
            open_question(f.chapter_key, f.question_key)  # scrolled to and highlighted there
        if dest == "kpis" and f.target:
            st.session_state["pb_kpi_selected"] = f.target
        st.switch_page(nav.page(dest))


def _comments(op) -> tuple[str, Finding] | None:
    """The open reviewer comments in guide order, each with a button to the step it concerns."""
    placed = place_comments(op.guide, review_pages.open_comments(state.service(), op.id))
    if not placed:
        return None
    n = sum(len(v) for v in placed.values())
    st.markdown(f"##### 審査担当者からのコメント（未解決 {n}件）")
    goto = None
    for ch in op.guide.chapters:
        for key, label in [(ch.key, "章全体"), *((q.key, q.label) for q in ch.questions)]:
            for c in placed.get(key, []):
                left, right = st.columns([5, 1], vertical_alignment="center")
                left.markdown(
                    f":orange-badge[コメント]　第{ch.number}章 {md_escape(label)}：{md_escape(c.body)}"
                )
                if right.button("修正する", key=f"fixc:{c.id}", help="計画の入力の画面を開きます"):
                    goto = ("wizard", Finding("warning", ch.key, key if key != ch.key else None, c.body))
    return goto


if __name__ == "__main__":
    render()
