"""Pieces every plan page shows: the plan header, the last-saved time and the stale-tab banner."""

from __future__ import annotations

import streamlit as st

from plan_builder.auth import Role
from plan_builder.ui import questions, state
from plan_builder.ui.render import md_escape
from plan_builder.ui.state import OpenPlan

STALE_MESSAGE = (
    "別のタブで更新されています。この画面で入力した内容は、保存するときに相手の変更と自動で合わせます"
    "（同じ欄が変更されていた場合は、その欄で両方の内容を示して選んでいただきます）。"
    "最新の内容を表示するには「最新の内容を表示する」を押してください。入力中の内容は失われません。"
)
K_CONFLICT_SLOT = "pb_conflict_slot"  # this run's place for conflicts of fields on other pages
SEAT_MISSING = "練習用の計画を開けませんでした。画面を再読み込みしても開けない場合は、講師にお尋ねください。"


def show_flash() -> None:
    """The one-off message from the last run, escaped here (callers pass plain text)."""
    flashed = state.pop_flash()
    if flashed:
        kind, msg = flashed
        (st.success if kind == "success" else st.warning)(md_escape(msg))


def show_error(field: str) -> None:
    """The validation message kept for a field; escaped, since it often quotes what was typed."""
    msg = state.error(field)
    if msg:
        st.error(md_escape(msg), icon=":material/error:")


def stale_banner() -> None:
    if state.outage():
        st.error(state.outage(), icon=":material/cloud_off:")
    if state.is_stale():
        with st.container(border=True):
            st.info(STALE_MESSAGE, icon=":material/sync:")
            st.button("最新の内容を表示する", key="reload_stale", on_click=state.reload_plan)


def saved_caption(op: OpenPlan) -> None:
    saved = state.saved_label(st.session_state.get(state.K_SAVED))
    after = "閲覧のみです。" if state.read_only() else "入力内容は自動で保存されます。"
    st.caption(f"最終保存: {saved}（版 {op.version}）　{after}")


def header(op: OpenPlan, title: str) -> None:
    """Page title with the plan's name; the caption carries the autosave time."""
    st.markdown(f"#### {title}")
    st.caption(
        f"{md_escape(op.plan.lg_name)}／{md_escape(op.plan.title)}／"
        f"{md_escape(op.guide.title)}（{md_escape(op.guide.variant_label)}）"
    )
    saved_caption(op)
    stale_banner()
    show_flash()
    state.per_run(K_CONFLICT_SLOT, st.container)  # filled by conflicts_elsewhere, after the page


def conflicts_elsewhere() -> None:
    """Under the page's header, the conflicts whose field this page did not show (the user typed
    and went on to another page, the walk-through lost such text 3 of 3 times: no sign of it)."""
    if not state.conflicts():
        return
    slot = state.per_run(K_CONFLICT_SLOT, lambda: None)
    op = state.current() if slot is not None else None  # no slot: a page without the plan header
    if op is None:
        return
    elsewhere = state.conflicts_not_shown()
    here = [questions.conflict_label(path, op.guide) for path in state.conflicts() if path not in elsewhere]
    if here:  # their boxes are at the fields, perhaps below the fold (a tester missed one)
        slot.warning(
            "別の画面でも変更された項目があります："
            + "、".join(f"「{md_escape(label)}」" for label in here)
            + "。この下の項目の所で、どちらの内容を残すか選んでください。",
            icon=":material/call_split:",
        )
    for path in elsewhere:
        name = path.removeprefix("answers.") if path.startswith("answers.") else ""
        with slot:
            questions.conflict_box(path, [], name, label=questions.conflict_label(path, op.guide))


def require_plan() -> OpenPlan | None:
    """The open plan, or a hint: open one on the home page (a briefing participant, whose seat
    opens by itself, is told to ask the trainer). Saves text kept during an outage."""
    state.check_fresh()
    op = state.current()
    if op is None and (only := _only_plan()) is not None:
        state.open_plan(only)
        op = state.current()
    if op is not None and state.has_unsaved():
        state.retry_unsaved()
        op = state.current()
    if op is None:
        show_flash()
        if state.actor().seat_plan_id is not None:  # a briefing participant creates no plans
            st.info(SEAT_MISSING)
            return None
        st.info("計画が開かれていません。ホームで計画を作成するか、一覧から開いてください。")
        from plan_builder.ui import nav

        st.page_link(nav.page("home"), label="ホームへ", icon=":material/home:")
    return op


def _only_plan() -> int | None:
    """The plan to open when none is: the user's only one. A town has one plan, and a tester
    signed in, chose 計画の入力 and was told that no plan was open (home → 開く first)."""
    acting = state.actor()
    if acting.read_only or acting.role is Role.REVIEWER or acting.seat_plan_id is not None:
        return None
    plans = state.service().list_plans(training=False, limit=2)
    return plans[0].id if len(plans) == 1 else None


def url_pick(session_key: str, param: str, options: list[str], default: str) -> str:
    """The item a page edits (a KPI, a measure), also kept in the URL (?param=key) so a reload or
    the page's address opened again reopens it; a key that names no option is ignored."""
    ss = st.session_state
    current = ss.get(session_key)
    if current not in options:
        current = st.query_params.get(param)
    if current not in options:
        current = default
    ss[session_key] = current
    if st.query_params.get(param) != current:
        st.query_params[param] = current
    return current
