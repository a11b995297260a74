"""Trainer pages for briefing sessions: 研修の準備, 進み具合, 配布資料.

Thin screens over plan_builder.training (every read and write goes through TrainingService with
the acting user). Participant and session names are user text: they are shown in data tables,
through `md_escape`, or with plotly's markup characters replaced, never as HTML.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plan_builder.errors import PermissionDeniedError, PlanBuilderError
from plan_builder.guide import Guide, get_guide, get_guides
from plan_builder.plan.clock import today_jst
from plan_builder.training import MAX_PARTICIPANTS, SeatProgress, TrainingService, parse_title
from plan_builder.ui import state
from plan_builder.ui.charts import PLOTLY_CONFIG
from plan_builder.ui.render import md_escape

K_SESSION = "tr_session"  # the session shown on the board (the one last created, by default)
K_CONFIRM = "tr_confirm_reset"  # plan id waiting for the reset confirmation
K_FLASH = "tr_flash"
START_LABELS = {
    "sample": "記入例（架空の団体の完成した計画）から始める",
    "blank": "白紙（計画期間と名称だけ）から始める",
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Noto Sans CJK JP, Hiragino Sans, Meiryo, sans-serif"


def _service() -> TrainingService:
    """The service for this user; other roles get a message instead of the page (a bookmark)."""
    try:
        return TrainingService(state.get_store(), state.actor())
    except PermissionDeniedError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
        raise  # st.stop() ends the run


def _flash() -> None:
    msg = st.session_state.pop(K_FLASH, None)
    if msg:
        st.success(md_escape(msg))


def _guide_picker(key: str) -> Guide:
    guides = get_guides()
    ids = sorted(guides, key=lambda g: (guides[g].variant != "municipality", g))
    gid = st.selectbox("手引", ids, format_func=lambda g: guides[g].title, key=key)
    return guides[gid]


def _plotly_safe(text: str) -> str:
    """Plotly reads a little HTML in labels (<a>, <b>, <br>): show user text as typed instead."""
    return text.replace("<", "＜").replace(">", "＞")


def board_frame(seats: list[SeatProgress], guide: Guide) -> pd.DataFrame:
    """The progress board as a table: one row per participant, percentages per chapter."""
    rows = []
    for s in seats:
        row = {
            "参加者": s.participant,
            "計画ID": s.plan_id,
            "版": s.version,
            "最終保存": state.saved_label(s.updated_at),
            "全体（%）": round(s.completeness * 100),
            "要対応": s.errors,
        }
        row.update({f"第{c.number}章（%）": round(s.chapters.get(c.key, 0.0) * 100) for c in guide.chapters})
        rows.append(row)
    return pd.DataFrame(rows)


def board_heatmap(seats: list[SeatProgress], guide: Guide) -> go.Figure:
    """Participants (rows) × chapters, 0–100 %: who is stuck where, at a glance."""
    x = [f"第{c.number}章" for c in guide.chapters]  # short ticks; the chapter title is in the hover
    y = [f"{_plotly_safe(s.participant)}" for s in seats]
    z = [[round(s.chapters.get(c.key, 0.0) * 100) for c in guide.chapters] for s in seats]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=y,
            zmin=0,
            zmax=100,
            colorscale=[[0, "#d7301f"], [0.5, "#fdcc8a"], [1, "#1a9850"]],
            text=z,
            texttemplate="%{text}",
            customdata=[[c.title for c in guide.chapters] for _ in seats],
            hovertemplate="%{y}<br>%{x} %{customdata}<br>充足率：%{z}％<extra></extra>",
            colorbar={"title": {"text": "充足率（%）"}},
        )
    )
    fig.update_layout(
        font={"family": FONT},
        height=max(300, 28 * len(seats) + 180),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top"},
    )
    return fig


# 研修の準備 ------------------------------------------------------------------------------------
def setup_page() -> None:
    svc = _service()
    st.title("研修の準備")
    st.caption(
        "説明会の参加者ごとに練習用の計画（研修用）を作ります。練習用の計画は審査や公表の対象になりません。"
    )
    _flash()
    with st.form("tr_setup"):
        session = st.text_input(
            "研修名", max_chars=40, placeholder="例：令和8年度 第1回 説明会", key="tr_name"
        )
        people = st.text_area(f"参加者名（1行に1人、{MAX_PARTICIPANTS}人まで）", height=160, key="tr_people")
        guide = _guide_picker("tr_guide")
        start = st.radio("開始時の内容", list(START_LABELS), format_func=START_LABELS.get, key="tr_start")
        submitted = st.form_submit_button("練習用の計画を作成する", type="primary")
    if submitted:
        names = [line for line in people.splitlines() if line.strip()]
        try:
            created = svc.create_sandboxes(session, names, guide.id, start=start)
        except PlanBuilderError as exc:
            st.error(md_escape(str(exc)))
        else:
            parsed = parse_title(created[0].plan.title)
            st.session_state[K_SESSION] = parsed[0] if parsed else None
            st.session_state[K_FLASH] = f"{len(created)}人分の練習用の計画を作成しました。"
            st.rerun()
    chosen = st.session_state.get(K_SESSION)
    if chosen and chosen in svc.sessions():
        st.subheader(f"研修「{md_escape(chosen)}」の練習用の計画")
        seats = svc.board(chosen)
        table = pd.DataFrame([{"参加者": s.participant, "計画ID": s.plan_id, "版": s.version} for s in seats])
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption("参加者には、ホームの一覧から自分の名前の計画を開いてもらいます。")


# 進み具合 --------------------------------------------------------------------------------------
def board_page() -> None:
    svc = _service()
    st.title("進み具合")
    _flash()
    sessions = svc.sessions()
    if not sessions:
        st.info("まだ研修がありません。「研修の準備」で練習用の計画を作成してください。")
        return
    c1, c2 = st.columns([4, 1])
    current = st.session_state.get(K_SESSION)
    session = c1.selectbox(
        "研修", sessions, index=sessions.index(current) if current in sessions else 0, key="tr_board_session"
    )
    st.session_state[K_SESSION] = session
    c2.button("最新の状態に更新", key="tr_refresh", icon=":material/refresh:")
    seats = svc.board(session)
    if not seats:
        st.info("この研修の練習用の計画はありません。")
        return
    guide = get_guide(svc.plans.get(seats[0].plan_id).plan.guide_id)
    st.caption(f"{len(seats)}人　更新：{state.saved_label(max(s.updated_at for s in seats))}（最新の保存）")
    st.dataframe(board_frame(seats, guide), hide_index=True, width="stretch")
    st.plotly_chart(board_heatmap(seats, guide), key="tr_heatmap", config=PLOTLY_CONFIG, width="stretch")
    _reset_section(svc, seats)


def _reset_section(svc: TrainingService, seats: list[SeatProgress]) -> None:
    st.subheader("初期状態に戻す")
    st.caption("参加者の計画を作成した時の内容に戻します。それまでの内容は変更履歴に残ります。")
    pending = st.session_state.get(K_CONFIRM)
    for s in seats:
        c1, c2, c3 = st.columns([3, 1, 2])
        c1.markdown(md_escape(s.participant))
        c2.markdown(f"{round(s.completeness * 100)}％")
        if pending != s.plan_id:
            if c3.button("初期状態に戻す", key=f"tr_reset_{s.plan_id}"):
                st.session_state[K_CONFIRM] = s.plan_id
                st.rerun()
            continue
        c3.warning(f"{md_escape(s.participant)}さんの計画を初期状態に戻しますか。")
        b1, b2 = c3.columns(2)
        if b1.button("戻す", key=f"tr_reset_yes_{s.plan_id}", type="primary"):
            st.session_state.pop(K_CONFIRM, None)
            try:
                stored = svc.reset(s.plan_id)
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
            else:
                st.session_state[K_FLASH] = (
                    f"{s.participant}さんの計画を初期状態に戻しました（版 {stored.version}）。"
                )
                st.rerun()
        if b2.button("やめる", key=f"tr_reset_no_{s.plan_id}"):
            st.session_state.pop(K_CONFIRM, None)
            st.rerun()


# 配布資料 --------------------------------------------------------------------------------------
def handout_page() -> None:
    svc = _service()
    st.title("配布資料")
    st.caption("手引の設問ごとに、記入の要否と根拠、記入のポイント、記載例、出典をまとめた資料です。")
    guide = _guide_picker("tr_handout_guide")
    stamp = today_jst().strftime("%Y%m%d")
    c1, c2 = st.columns(2)
    c1.download_button(
        "Word形式（.docx）で保存",
        lambda: svc.handout(guide, "docx"),
        file_name=f"研修配布資料_{guide.id}_{stamp}.docx",
        mime=DOCX_MIME,
        key="tr_handout_docx",
    )
    c2.download_button(
        "Markdown形式（.md）で保存",
        lambda: svc.handout(guide, "md"),
        file_name=f"研修配布資料_{guide.id}_{stamp}.md",
        mime="text/markdown",
        key="tr_handout_md",
    )
    with st.expander("内容の確認（Markdown）"):
        st.code(svc.handout(guide, "md").decode("utf-8"), language="markdown")


def pages() -> list[st.Page]:
    """New page objects on every call (a shared st.Page leaks navigation state between sessions)."""
    return [
        st.Page(setup_page, title="研修の準備", icon=":material/school:", url_path="training-setup"),
        st.Page(board_page, title="進み具合", icon=":material/monitoring:", url_path="training-board"),
        st.Page(handout_page, title="配布資料", icon=":material/description:", url_path="training-handout"),
    ]
