"""Joining a briefing session from the sign-in screen: code + display name, no account.

The secret `training.join` returns is kept in this browser session and in a signed, expiring
cookie (`login_cookie`, kind "participant", written by the same script as the sign-in cookie),
so a reload keeps the participant on their seat. Nothing secret goes into the address, the
history or a Referer. The identity is re-read from the database each run: closing the session
makes the seat read-only at once, deleting it ends the identity.
"""

from __future__ import annotations

import streamlit as st

from plan_builder.auth import Actor
from plan_builder.errors import PlanBuilderError
from plan_builder.store import Store
from plan_builder.training import join, participant_actor
from plan_builder.ui import login_cookie
from plan_builder.ui.render import md_escape

K_TOKEN = "pb_participant_token"  # the participant's secret (this browser session only)
K_COOKIE = "pb_participant_cookie"  # the signed cookie value that carries it across reloads
QP_LEGACY = "pt"  # older links carried the secret in the address: removed, never read
QP_JOIN = "join"  # ?join=123456 (the QR code on the projector) fills in the code


def _from_cookie() -> str | None:
    """The participant secret in this browser's signed cookie (a reload), if still valid."""
    try:
        value = st.context.cookies.get(login_cookie.PARTICIPANT_COOKIE)
    except Exception:  # no browser request behind this session (tests, bare mode)
        return None
    secret = login_cookie.read_token(value, kind=login_cookie.PARTICIPANT)
    if secret:
        st.session_state[K_COOKIE] = value
    return secret


def current_participant(store: Store) -> Actor | None:
    """The participant of this browser session, or None (then the sign-in screen is shown)."""
    ss = st.session_state
    if QP_LEGACY in st.query_params:
        st.query_params.pop(QP_LEGACY)
    token = ss.get(K_TOKEN) or _from_cookie()
    actor = participant_actor(store, token)
    if actor is None:
        ss.pop(K_TOKEN, None)
        ss.pop(K_COOKIE, None)
        return None
    ss[K_TOKEN] = token
    if actor.seat_plan_id is not None and not st.query_params.get("plan"):
        st.query_params["plan"] = str(actor.seat_plan_id)  # their seat opens by itself
    return actor


def join_form(store: Store) -> None:
    """The 「研修に参加する」 box under the sign-in form."""
    st.divider()
    st.subheader("研修に参加する")
    st.caption("説明会の参加者は、講師が示す参加コードと表示名を入力してください。アカウントは要りません。")
    with st.form("pb_join", clear_on_submit=False):
        code = st.text_input("参加コード（6桁）", value=st.query_params.get(QP_JOIN, ""), max_chars=20)
        name = st.text_input("表示名", max_chars=40, placeholder="例：山田")
        submitted = st.form_submit_button("参加する", type="primary")
    if not submitted:
        return
    try:
        token, actor = join(store, code, name)
    except PlanBuilderError as exc:
        st.error(md_escape(str(exc)))
        return
    st.session_state[K_TOKEN] = token
    st.session_state[K_COOKIE] = login_cookie.make_token(token, kind=login_cookie.PARTICIPANT)
    login_cookie.start_hold(st.session_state)
    st.query_params.clear()
    st.query_params["plan"] = str(actor.seat_plan_id)
    st.session_state["pb_go_wizard"] = True
    st.rerun()
