"""The planner's desk on the home page: the due date of the campaign covering their
organisation, and unread notices (returned, commented, approved) with a 「既読にする」 button."""

from __future__ import annotations

import streamlit as st

from plan_builder.errors import PlanBuilderError
from plan_builder.plan import format_date, today_jst
from plan_builder.review import CampaignService, NoticeService
from plan_builder.service import PlanService
from plan_builder.ui.render import md_escape
from plan_builder.ui.review_common import date_label


def render(service: PlanService) -> None:
    actor, store = service.actor, service.store
    if not actor.org_code:
        return
    inbox = NoticeService(store, actor)
    due = CampaignService(store, actor).deadline_for(actor.org_code)
    unread = inbox.notices()
    if due is None and not unread:
        return
    with st.container(border=True, key="pd_desk"):
        if due is not None:
            left = (due.due_date - today_jst()).days
            when = f"あと{left}日" if left > 0 else ("今日まで" if left == 0 else f"{-left}日超過")
            st.markdown(
                f"**提出期限：{format_date(due.due_date)}**（{when}）　{md_escape(due.title)}"
                + (f"  \n{md_escape(due.note)}" if due.note else "")
            )
        if unread:
            st.markdown(f"**お知らせ（未読 {len(unread)}件）**")
            for n in unread:
                c1, c2 = st.columns([6, 1], vertical_alignment="center")
                c1.markdown(
                    f":blue-badge[{n.kind_label}]　{md_escape(n.message)}（{date_label(n.created_at)}）"
                )
                if c2.button("既読にする", key=f"pd_read_{n.id}"):
                    try:
                        inbox.mark_read(n.id)
                    except PlanBuilderError as exc:
                        st.error(md_escape(exc))
                    else:
                        st.rerun()
