"""History: the plan's saved revisions; view one, see what changed since, restore it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plan_builder.errors import PlanBuilderError, StaleVersionError
from plan_builder.plan import edit
from plan_builder.training import author_names
from plan_builder.ui import common, preview_text, state
from plan_builder.ui.render import md_escape

PICK = "pb_history_version"


def _restore(version: int) -> None:
    ss = st.session_state
    try:
        state.service().restore(ss[state.K_ID], version, expected_version=ss[state.K_VERSION])
    except StaleVersionError:
        ss[state.K_STALE] = True
        return
    except PlanBuilderError as exc:
        state.flash(str(exc))
        return
    state.reload_plan()
    state.flash(f"版 {version} の内容を復元しました（新しい版として保存しました）。", "success")


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "変更履歴")
    svc = state.service()
    revs = svc.revisions(op.id)
    # 「山田（研修参加者）」, not participant:4 (nor join:1 for the version made while joining)
    names = author_names(svc.store, [r.actor for r in revs], plan_id=op.id)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "版": r.version,
                    "保存日時": state.saved_label(r.created_at),
                    "保存した人": names.get(r.actor, r.actor),
                    "内容": r.note,
                }
                for r in revs
            ]
        ),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(revs) + 1) + 2, 250),
    )
    versions = [r.version for r in revs]
    labels = {r.version: f"版 {r.version}（{state.saved_label(r.created_at)}）{r.note}" for r in revs}
    if st.session_state.get(PICK) not in versions:
        st.session_state[PICK] = versions[1] if len(versions) > 1 else versions[0]
    version = st.selectbox("表示する版", versions, format_func=labels.get, key=PICK)
    old = svc.revision(op.id, version).plan
    tab_diff, tab_view = st.tabs(["この版から変わった箇所", "この版の内容"])
    with tab_diff:
        changes = edit.diff_plans(old, op.plan, op.guide)
        if not changes:
            st.caption("現在の内容と同じです。")
        for ch in changes:
            with st.container(border=True):
                st.markdown(f"**{md_escape(ch.label)}**")
                a, b = st.columns(2)
                a.caption(f"版 {version}")
                a.markdown(md_escape(ch.before))
                b.caption(f"現在（版 {op.version}）")
                b.markdown(md_escape(ch.after))
    with tab_view:
        text, _ = preview_text.markdown(old, op.guide)
        st.markdown(text)
    if version != op.version:
        st.button(
            f"版 {version} の内容を復元する",
            key="restore",
            on_click=_restore,
            args=(version,),
            help="現在の内容は履歴に残ったまま、この版の内容を新しい版として保存します。",
        )


if __name__ == "__main__":
    render()
