"""Trainer pages for briefing sessions: 研修の準備, 進み具合 (the projector board), 説明用の表示,
配布資料.

Thin screens over plan_builder.training (every read and write goes through TrainingService with
the acting user). Participant and session names are user text: they reach HTML only through
html.escape and Markdown only through md_escape. Pages are built per call (`pages()`): a shared
st.Page would leak navigation state between sessions.
"""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from plan_builder.errors import PermissionDeniedError, PlanBuilderError
from plan_builder.guide import Guide, get_guide, get_guides
from plan_builder.plan import today_jst
from plan_builder.training import START_LABELS, STATUS_LABELS, Board, SessionInfo, TrainingService
from plan_builder.ui import state
from plan_builder.ui.render import md_escape

K_SESSION = "tr_session_id"  # the session the trainer works on (the one last created, by default)
K_FLASH = "tr_flash"
K_SLIDE = "tr_slide"
BOARD_EVERY = timedelta(seconds=5)
IDLE_MINUTES = 5
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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


def _session_picker(svc: TrainingService, key: str, where: str = "「研修の準備」") -> SessionInfo | None:
    """The session this page shows; `where` names the place to create one when there is none."""
    sessions = svc.sessions()
    if not sessions:
        st.info(f"まだ研修がありません。{where}で研修を作成してください。")
        return None
    ids = [s.id for s in sessions]
    by_id = {s.id: s for s in sessions}
    current = st.session_state.get(K_SESSION)
    chosen = st.selectbox(
        "研修",
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda i: f"{by_id[i].name}（{STATUS_LABELS[by_id[i].status]}・{by_id[i].seats}席）",
        key=f"{key}_pick",
    )
    st.session_state[K_SESSION] = chosen
    return by_id[chosen]


def join_url(code: str) -> str:
    """The address participants open (the QR code): this server, with the code filled in."""
    try:
        parts = urlsplit(str(st.context.url or ""))
    except Exception:  # outside a browser session (tests)
        parts = urlsplit("")
    base = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"
    return f"{base}?join={code}"


def qr_png(text: str) -> bytes:
    """A QR code drawn here (segno, no network), large enough for the back of the room."""
    import segno  # lazy: only the setup page needs it

    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=10, border=2)
    return buf.getvalue()


# 研修の準備 ------------------------------------------------------------------------------------
def setup_page() -> None:
    svc = _service()
    st.title("研修の準備")
    st.caption(
        "研修を作ると参加コードが発行されます。参加者は自分のパソコンでコードと表示名を入力して参加し、"
        "研修用の架空の団体（研修県・研修市）の練習用の計画を1人1つ使います。練習用の計画は審査や集計に含まれません。"
    )
    _flash()
    with st.expander("新しい研修を作る", expanded=not svc.sessions()):
        with st.form("tr_setup"):
            name = st.text_input(
                "研修名", max_chars=40, placeholder="例：令和8年度 第1回 説明会", key="tr_name"
            )
            guide = _guide_picker("tr_guide")
            start = st.radio("開始時の内容", list(START_LABELS), format_func=START_LABELS.get, key="tr_start")
            submitted = st.form_submit_button("研修を作成する", type="primary")
        if submitted:
            try:
                info = svc.create_session(name, guide.id, start=start)
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
            else:
                st.session_state[K_SESSION] = info.id
                st.session_state[K_FLASH] = (
                    f"研修「{info.name}」を作成しました。参加コードは {info.join_code} です。"
                )
                st.rerun()
    info = _session_picker(svc, "tr_setup", where="上の「新しい研修を作る」")
    if info is None:
        return
    _join_panel(info)
    _seat_actions(svc, info)


def _join_panel(info: SessionInfo) -> None:
    if not info.is_open:
        st.warning("この研修は終了しています。参加者の計画は閲覧だけができます。")
        return
    url = join_url(info.join_code)
    c1, c2 = st.columns([2, 1])
    with c1:
        st.markdown("参加コード")
        st.html(_CODE_CSS)
        with st.container(key="tr_code"):
            st.markdown(" ".join(info.join_code))
        st.markdown(
            f"参加の手順：ブラウザで `{url}` を開き、「研修に参加する」に参加コードと表示名を入力します。"
        )
    c2.image(qr_png(url), caption="QRコードからも参加できます", width=260)


def _seat_actions(svc: TrainingService, info: SessionInfo) -> None:
    seats = svc.seats(info.id)
    st.subheader(f"席（{len(seats)}席）")
    if seats:
        st.dataframe(
            pd.DataFrame([{"席": s.number, "参加者": s.participant, "計画ID": s.plan_id} for s in seats]),
            hide_index=True,
            width="stretch",
        )
    st.subheader("研修全体の操作")
    if info.is_open and seats:
        labels = {s.id: f"{s.number:02d} {s.participant}" for s in seats}
        chosen = st.multiselect(
            "初期状態に戻す席（空欄なら全員）", list(labels), format_func=labels.get, key="tr_reset_pick"
        )
        sure = st.checkbox("選んだ席（空欄なら全員）を初期状態に戻すことを確認しました", key="tr_reset_sure")
        if st.button("初期状態に戻す", key="tr_reset", disabled=not sure):
            try:
                done = svc.reset(info.id, chosen or None)
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
            else:
                st.session_state[K_FLASH] = (
                    f"{len(done)}席を初期状態に戻しました（それまでの内容は変更履歴に残ります）。"
                )
                st.rerun()
    c1, c2, c3 = st.columns(3)
    if info.is_open:  # asked first: a stray click would freeze thirty people's work mid-session
        with c1.popover("研修を終了する"):
            st.caption("終了すると、参加者の計画は閲覧だけになり、新しく参加することもできなくなります。")
            if st.button("終了する", key="tr_close", type="primary"):
                svc.close(info.id)
                st.session_state[K_FLASH] = (
                    f"研修「{info.name}」を終了しました。参加者の計画は閲覧だけができます。"
                )
                st.rerun()
    if seats:
        c2.download_button(
            "全員の計画をWord（zip）で保存",
            lambda: svc.export_zip(info.id),
            file_name=f"研修_{info.id}_{today_jst():%Y%m%d}.zip",
            mime="application/zip",
            key="tr_zip",
        )
    with c3.popover("研修を削除する"):
        st.caption("研修と参加者の練習用の計画をすべて削除します。元に戻せません（操作記録に残ります）。")
        typed = st.text_input("確認のため研修名を入力", key="tr_delete_name")
        if st.button("削除する", key="tr_delete", type="primary", disabled=typed.strip() != info.name):
            n = svc.delete(info.id)
            st.session_state.pop(K_SESSION, None)
            st.session_state[K_FLASH] = f"研修「{info.name}」と練習用の計画{n}件を削除しました。"
            st.rerun()


# 進み具合（プロジェクター用） ---------------------------------------------------------------------
_CODE_CSS = """<style>
.st-key-tr_code p {font-size:5rem; font-weight:700; line-height:1.2;}
</style>"""
# Cards are containers keyed tr_card_N (tr_idle_N when idle); the style sheet is a constant and
# every text inside is Markdown through md_escape, so no user text ever becomes HTML.
_BOARD_CSS = """<style>
[class*="st-key-tr_card_"], [class*="st-key-tr_idle_"] {border:1px solid #c8c8c8; border-radius:6px;
  padding:6px 8px; min-height:112px; gap:0.15rem;}
[class*="st-key-tr_idle_"] {background:#fff4e5; border-color:#e8a33d;}
[class*="st-key-tr_card_"] p, [class*="st-key-tr_idle_"] p {font-size:15px; line-height:1.45; margin:0;}
.st-key-tr_lag p {font-size:15px; line-height:1.4;}
</style>"""
COLUMNS = 6  # 30 seats = 5 rows of 6 on 1920×1080


def card_lines(seat, idle_minutes: int) -> list[str]:
    """The Markdown of one seat's card (user text escaped)."""
    lines = [
        f"**{seat.number:02d} {md_escape(seat.participant or '（未参加）')}**",
        md_escape(seat.chapter or "まだ変更なし"),
        f"変更した設問 **{seat.changed}** / {seat.total}",
    ]
    if seat.idle:
        lines.append(f"**{idle_minutes}分以上保存なし**")
    return lines


def draw_board(board: Board, idle_minutes: int) -> None:
    """All seats in a 6-column grid, then the questions most participants have not reached."""
    st.html(_BOARD_CSS)
    for row in range(0, len(board.seats), COLUMNS):
        cols = st.columns(COLUMNS, gap="small")
        for col, seat in zip(cols, board.seats[row : row + COLUMNS], strict=False):
            key = f"tr_{'idle' if seat.idle else 'card'}_{seat.number}"
            col.container(key=key).markdown("  \n".join(card_lines(seat, idle_minutes)))  # one element
    lag = "、".join(f"{md_escape(n.label)}（{n.count}人）" for n in board.not_reached[:8])
    if lag:
        with st.container(key="tr_lag"):
            st.markdown(f"多くの人がまだ手を付けていない設問：{lag}")


def board_page() -> None:
    svc = _service()
    c1, c2 = st.columns([3, 1])
    with c1:
        info = _session_picker(svc, "tr_board")
    if info is None:
        return
    idle = c2.number_input("保存なしの目安（分）", 1, 60, IDLE_MINUTES, key="tr_idle")
    _board_fragment(svc, info, int(idle))


@st.fragment(run_every=BOARD_EVERY)
def _board_fragment(svc: TrainingService, info: SessionInfo, idle: int) -> None:
    """Redrawn by itself every few seconds: the projector needs no click."""
    try:
        board = svc.board(info.id, idle_minutes=idle)
    except PlanBuilderError as exc:  # deleted meanwhile
        st.warning(md_escape(str(exc)))
        return
    waiting = sum(s.idle for s in board.seats)
    latest = state.saved_label(max(s.last_saved for s in board.seats)) if board.seats else "－"
    st.markdown(
        f"**{md_escape(info.name)}**　参加コード **{info.join_code}**　{len(board.seats)}人　"
        f"{waiting}人が{idle}分以上保存なし　最新の保存 {latest}"
    )
    if not board.seats:
        st.info("まだ参加者がいません。参加コードを案内してください。")
        return
    draw_board(board, idle)


# 説明用の表示（プレゼンテーション） ------------------------------------------------------------
_SLIDE_CSS = """<style>
.st-key-tr_slide h1 {font-size:3.2rem;} .st-key-tr_slide p, .st-key-tr_slide li {font-size:1.9rem; line-height:1.6;}
</style>"""


def _move_slide(step: int, n: int) -> None:
    """A button callback: runs before the page is drawn, so both buttons show the new chapter."""
    st.session_state[K_SLIDE] = max(0, min(n - 1, st.session_state.get(K_SLIDE, 0) + step))


def presentation_page() -> None:
    _service()
    guide = _guide_picker("tr_present_guide")
    n = len(guide.chapters)
    i = min(st.session_state.get(K_SLIDE, 0), n - 1)
    c1, c2, c3 = st.columns([1, 4, 1])
    c1.button("← 前の章", key="tr_prev", shortcut="Left", disabled=i == 0, on_click=_move_slide, args=(-1, n))
    c3.button(
        "次の章 →", key="tr_next", shortcut="Right", disabled=i == n - 1, on_click=_move_slide, args=(1, n)
    )
    c2.caption(f"{i + 1} / {n}　キーボードの ← → で移動します")
    ch = guide.chapters[i]
    st.html(_SLIDE_CSS)
    with st.container(key="tr_slide"):
        st.markdown(f"# 第{ch.number}章　{md_escape(ch.title)}")
        if ch.intro:
            st.markdown(md_escape("".join(line.strip() for line in ch.intro.splitlines())))
        st.markdown("\n".join(f"- {md_escape(q.label)}（{q.required.label}）" for q in ch.questions))


# 配布資料 --------------------------------------------------------------------------------------
def handout_page() -> None:
    svc = _service()
    st.title("配布資料")
    st.caption(
        "研修名と参加のしかた、手引の章ごとの設問（区分・根拠・記入のポイント・記載例・出典）、章ごとの演習を"
        "ページ番号付きでまとめた資料です。"
    )
    info = _session_picker(svc, "tr_handout")
    guide = get_guide(info.guide_id) if info else _guide_picker("tr_handout_guide")
    url = join_url(info.join_code) if info else ""
    sid = info.id if info else None
    stamp = today_jst().strftime("%Y%m%d")
    c1, c2 = st.columns(2)
    c1.download_button(
        "Word形式（.docx）で保存",
        lambda: svc.handout(sid, guide.id, "docx", url),
        file_name=f"研修配布資料_{guide.id}_{stamp}.docx",
        mime=DOCX_MIME,
        key="tr_handout_docx",
    )
    c2.download_button(
        "Markdown形式（.md）で保存",
        lambda: svc.handout(sid, guide.id, "md", url),
        file_name=f"研修配布資料_{guide.id}_{stamp}.md",
        mime="text/markdown",
        key="tr_handout_md",
    )
    with st.expander("内容の確認（Markdown）"):
        st.code(svc.handout(sid, guide.id, "md", url).decode("utf-8"), language="markdown")


def pages() -> list[st.Page]:
    """New page objects for each run (never shared between sessions)."""
    return [
        st.Page(setup_page, title="研修の準備", icon=":material/school:", url_path="training-setup"),
        st.Page(board_page, title="進み具合", icon=":material/monitoring:", url_path="training-board"),
        st.Page(
            presentation_page, title="説明用の表示", icon=":material/slideshow:", url_path="training-present"
        ),
        st.Page(handout_page, title="配布資料", icon=":material/description:", url_path="training-handout"),
    ]
