"""The wizard: one step per guide chapter, with progress per chapter and overall.

Open reviewer comments are shown where they apply: at their question, or at the top of the
chapter for a comment on the chapter as a whole; the chapter list counts them per chapter.
"""

from __future__ import annotations

import streamlit as st

from plan_builder.guide import Guide
from plan_builder.plan import PlanStatus
from plan_builder.review import Comment
from plan_builder.ui import adoption, common, nav, progress, questions, review_pages, scroll, state
from plan_builder.ui.render import md_escape

FOCUS = "pb_focus"
RADIO = "pb_chapter_radio"
CHAPTERS = "pb_chapters"  # the chapter selector's container (its CSS class is st-key-pb_chapters)
QP_CHAPTER = "chapter"  # in the URL too, so a reload reopens the chapter the user was in
ZWSP = "\u200b"


def _is_kana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def phrased(title: str) -> str:
    """The title with a zero-width space after each phrase (a hiragana particle or ending before
    a kanji or katakana word: 「施策の／基本的な／方針」). chrome_ja's CSS lets the chapter list break
    lines only there and at spaces; Chromium's own auto-phrase broke 「方／針」 at 1280 px."""
    out = []
    for ch, nxt in zip(title, title[1:] + " ", strict=True):
        out.append(ch)
        if _is_kana(ch) and not _is_kana(nxt) and not nxt.isspace() and nxt.isalnum():
            out.append(ZWSP)
    return "".join(out)


def _goto(chapter_key: str) -> None:
    st.session_state[state.K_CHAPTER] = chapter_key
    st.session_state.pop(FOCUS, None)
    scroll.request(scroll.TOP)  # a new chapter starts at its heading, not where the last one ended


def open_question(chapter_key: str, question_key: str | None) -> None:
    """Open a chapter at one question (点検's 「修正する」): it is scrolled to and highlighted."""
    st.session_state[state.K_CHAPTER] = chapter_key
    if question_key:
        st.session_state[FOCUS] = question_key
        scroll.request(scroll.FOCUSED)
    else:
        st.session_state.pop(FOCUS, None)
        scroll.request(scroll.TOP)


def _picked() -> None:
    _goto(st.session_state[RADIO])


def place_comments(guide: Guide, open_by_key: dict[str, list[Comment]]) -> dict[str, list[Comment]]:
    """Where each open comment is shown: its question, else the top of its chapter (also for a
    question the guide no longer has), else the top of the first chapter (an unknown chapter)."""
    questions_known = {q.key for q in guide.questions()}
    chapters_known = {c.key for c in guide.chapters}
    out: dict[str, list[Comment]] = {}
    for key, comments in open_by_key.items():
        for c in comments:
            if key in questions_known or key in chapters_known:
                where = key
            elif c.chapter_key in chapters_known:
                where = c.chapter_key
            else:
                where = guide.chapters[0].key
            out.setdefault(where, []).append(c)
    return out


def chapter_counts(guide: Guide, placed: dict[str, list[Comment]]) -> dict[str, int]:
    """Open comments shown in each chapter step."""
    counts: dict[str, int] = {}
    for ch in guide.chapters:
        keys = {ch.key, *(q.key for q in ch.questions)}
        counts[ch.key] = sum(len(v) for k, v in placed.items() if k in keys)
    return counts


def _review_banner(status: PlanStatus, n_open: int) -> None:
    if not n_open and status is not PlanStatus.RETURNED:
        return
    with st.container(border=True):
        text = f"審査担当者からの未解決のコメントが{n_open}件あります。該当する設問に表示しています。"
        if status is PlanStatus.RETURNED:
            text = "この計画は差し戻されています。" + (text if n_open else "")
            text += "修正が終わったら、「点検」の画面で内容を確かめてから再提出してください。"
        st.warning(text, icon=":material/rate_review:")
        if not state.read_only():  # a closed session offers no 点検 page
            st.page_link(nav.page("check"), label="点検・提出の画面へ", icon=":material/fact_check:")


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    guide, plan = op.guide, op.plan
    common.header(op, "計画の入力")
    rep = progress.report(op)
    keys = [c.key for c in guide.chapters]
    current = common.url_pick(state.K_CHAPTER, QP_CHAPTER, keys, keys[0])
    st.progress(rep.completeness, text=f"全体の記入率（必須・推奨の設問）：{progress.pct(rep.completeness)}")
    svc = state.service()
    placed = place_comments(guide, review_pages.open_comments(svc, op.id))
    counts = chapter_counts(guide, placed)
    _review_banner(plan.status, sum(counts.values()))

    nav_col, main = st.columns([1, 3.2], gap="medium")
    with nav_col:
        labels = {}
        for ch in guide.chapters:
            done = rep.chapter_completeness(ch.key)
            mark = "✓" if done >= 1 else ("◐" if done > 0 else "○")
            # zero-width spaces let the title break between phrases only (「現状及び／課題」, never
            # 「現状及／び課題」: chrome_ja's CSS keeps the rest together) and the share go as a whole
            labels[ch.key] = f"{mark} 第{ch.number}章 {phrased(ch.title)}{ZWSP}（{progress.pct(done)}）"
            if counts.get(ch.key):
                labels[ch.key] += f"　:orange-badge[指摘{counts[ch.key]}件]"
        st.session_state[RADIO] = current
        with st.container(key=CHAPTERS):  # chrome_ja's CSS: phrase wrapping; above the chapter when narrow
            st.radio("章を選ぶ", keys, key=RADIO, format_func=labels.get, on_change=_picked)
    chapter = guide.chapter(current)
    idx = keys.index(current)
    with main:
        st.markdown(f"##### 第{chapter.number}章 {md_escape(chapter.title)}")
        done = rep.chapter_completeness(chapter.key)
        st.progress(done, text=f"この章の記入率：{progress.pct(done)}")
        if chapter.intro:
            st.caption(md_escape(chapter.intro.strip()))
        if placed.get(chapter.key):
            st.markdown("**この章全体へのコメント**")
            review_pages.comments_at_question(svc, op.id, chapter.key, comments=placed[chapter.key])
        focus = st.session_state.get(FOCUS)
        if focus:  # the question is scrolled to and carries the badge: said once, there
            scroll.highlight_style()
        for q in chapter.questions:
            focused = q.key == focus
            with st.container(border=True, key=scroll.FOCUSED if focused else None):
                if focused:
                    st.markdown(":blue-badge[:material/search: 点検で指摘された設問]")
                if placed.get(q.key):
                    review_pages.comments_at_question(svc, op.id, q.key, comments=placed[q.key])
                questions.render_question(plan, guide, q)
        if chapter.key == "positioning":  # 策定年月 and 改定履歴 (issue 12)
            adoption.render(op)
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
    scroll.apply()


if __name__ == "__main__":
    render()
