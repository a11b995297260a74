"""The status buttons of a plan, for reviewers and planners, with the guarded confirmation.

Submitting and approving open a confirmation box first: the plan's 要対応 findings, unresolved
comments and copy flags (plan_builder.review.GuardService.brief), a 「確認しました」 check and a memo,
which approving with open 要対応 findings requires. Returning a plan is asked in a popover with a
confirming button. Starting a review acts on one click: it loses nothing and only tells the
planner the review has begun. Every change ends with a message.
"""

from __future__ import annotations

import streamlit as st

from plan_builder.errors import PlanBuilderError, StaleVersionError
from plan_builder.plan import PlanStatus
from plan_builder.review import ACTION_LABELS, GUARDED, TRANSITIONS, Brief, GuardService, ReviewService
from plan_builder.ui import state
from plan_builder.ui.render import md_escape
from plan_builder.ui.review_common import flash

# Changes that cannot be taken back and need no brief: asked first in a popover (as the training
# page asks before closing a session), so a stray click does not send a plan back.
ASKED = {
    PlanStatus.RETURNED: (
        "計画を計画担当者に差し戻します。差し戻した後は取り消せません。"
        "計画担当者が修正して再提出するまで、この計画は承認できません。"
    ),
}
STALE = "計画がほかの画面で更新されています。最新の内容を読み込み直してから、もう一度操作してください。"


def actions(
    rs: ReviewService, plan_id: int, *, side: str | None, expected_version: int | None = None, where: str = ""
) -> None:
    """Buttons for the changes this actor may make now on this side (None: both)."""
    status = rs.status(plan_id)
    allowed = [to for to in rs.allowed(plan_id) if side is None or TRANSITIONS[(status, to)] == side]
    if not allowed:
        return
    k_pending = f"rv_pending_{plan_id}_{side}_{where}"
    pending = st.session_state.get(k_pending)
    if pending in allowed:
        _confirm_box(rs, plan_id, PlanStatus(pending), k_pending, expected_version, side)
        return
    note = st.text_input("メモ（任意）", key=f"rv_note_{plan_id}_{side}_{where}")
    cols = st.columns(len(allowed))
    for col, to in zip(cols, allowed, strict=True):
        key = f"rv_do_{plan_id}_{to.value}_{where}"
        if to in ASKED:
            with col.popover(ACTION_LABELS[to], type="primary"):
                st.caption(ASKED[to])
                if note.strip():
                    st.caption(f"メモ：{md_escape(note.strip())}")
                go = st.button(f"{ACTION_LABELS[to]}（確定）", key=key, type="primary")
        else:
            go = col.button(ACTION_LABELS[to], key=key, type="primary")
        if go:
            if to in GUARDED:
                st.session_state[k_pending] = to.value
                st.rerun()
            _do(rs, plan_id, to, note=note, confirmed=False, expected_version=expected_version, side=side)


def _confirm_box(
    rs: ReviewService,
    plan_id: int,
    to: PlanStatus,
    k_pending: str,
    expected_version: int | None,
    side: str | None,
) -> None:
    try:
        b = GuardService(rs.store, rs.actor).brief(plan_id, to)
    except PlanBuilderError as exc:
        st.error(md_escape(exc))
        return
    with st.container(border=True, key=f"rv_confirm_{plan_id}"):
        st.markdown(f"**「{ACTION_LABELS[to]}」の前に確認してください**　{md_escape(b.summary())}")
        render_brief(b)
        seen = st.checkbox("上記の内容を確認しました", key=f"{k_pending}_seen", value=b.clear)
        label = "メモ（要対応の指摘が残っているため必須：承認する理由）" if b.needs_memo else "メモ（任意）"
        memo = st.text_area(label, key=f"{k_pending}_memo", max_chars=2000)
        c1, c2 = st.columns(2)
        if c1.button(f"{ACTION_LABELS[to]}（確定）", key=f"{k_pending}_go", type="primary"):
            if not seen:
                st.error("「上記の内容を確認しました」にチェックを入れてください。")
                return
            if b.needs_memo and not memo.strip():
                st.error("要対応の指摘が残っています。承認する理由をメモに記入してください。")
                return
            if _do(rs, plan_id, to, note=memo, confirmed=True, expected_version=expected_version, side=side):
                st.session_state.pop(k_pending, None)
                st.rerun()
        if c2.button("やめる", key=f"{k_pending}_cancel"):
            st.session_state.pop(k_pending, None)
            st.rerun()


def render_brief(b: Brief) -> None:
    """The open items: 要対応 findings by place, unresolved comments with their writers, flags."""
    if b.clear:
        st.success("要対応の指摘、未解決のコメント、注意事項はありません。")
        return
    if b.errors:
        st.markdown(f"**要対応の指摘（{len(b.errors)}件）**")
        st.markdown("\n".join(f"- {md_escape(place)}：{md_escape(f.message)}" for place, f in b.errors))
    if b.comments:
        st.markdown(f"**未解決のコメント（{len(b.comments)}件）**")
        st.markdown(
            "\n".join(
                f"- {md_escape(c.place)}（{md_escape(c.author)}）：{md_escape(c.body)}" for c in b.comments
            )
        )
    if b.flags:
        st.markdown("**注意**")
        st.markdown("\n".join(f"- {md_escape(f)}" for f in b.flags))


def _do(
    rs: ReviewService,
    plan_id: int,
    to: PlanStatus,
    *,
    note: str,
    confirmed: bool,
    expected_version: int | None,
    side: str | None,
) -> bool:
    try:
        _, message = GuardService(rs.store, rs.actor).transition(
            plan_id, to, note=note, confirmed=confirmed, expected_version=expected_version
        )
    except StaleVersionError:
        st.error(STALE)
        return False
    except PlanBuilderError as exc:
        st.error(md_escape(exc))
        return False
    flash(message)
    if side == "planner" and hasattr(state, "reload_plan"):
        state.reload_plan()
    st.rerun()
    return True
