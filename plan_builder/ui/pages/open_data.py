"""Open data: the 自治体標準オープンデータセット checklist; the count can feed an open-data KPI."""

from __future__ import annotations

import streamlit as st

from plan_builder.plan import edit, today_jst
from plan_builder.ui import common, state
from plan_builder.ui.render import md_escape


def _on_toggle(value: str, wk: str) -> None:
    op = state.current()
    if op is None or state.edited(wk) is state.NO_EDIT:
        return
    checked = set(edit.checked_open_data(op.plan, op.guide))
    checked.add(value) if st.session_state.get(wk) else checked.discard(value)
    try:
        plan = edit.set_open_data(op.plan, op.guide, sorted(checked))
    except edit.EditError as exc:
        state.set_error("open_data", str(exc))
        return
    state.set_error("open_data", None)
    state.commit(plan, note="オープンデータセットの選択を変更")


def _on_feed(wk_kpi: str, count: int) -> None:
    op = state.current()
    key = st.session_state.get(wk_kpi)
    if op is None or not key:
        state.set_error("open_data_kpi", "反映するKPIを選んでください")
        return
    try:
        plan = edit.baseline_from_count(op.plan, key, count, today_jst())
    except edit.EditError as exc:
        state.set_error("open_data_kpi", str(exc))
        return
    state.set_error("open_data_kpi", None)
    if state.commit(plan, note=f"KPI {key} の現状値をデータセット数（{count}件）にしました"):
        state.flash(f"KPI {key} の現状値を {count} にしました（基準日：本日）。", "success")


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "オープンデータ")
    q = edit.open_data_question(op.guide)
    if q is None:
        st.info("この手引には自治体標準オープンデータセットの設問がありません。")
        return
    ref = op.guide.reference(q.options_from or "")
    st.markdown(f"**{md_escape(q.label)}**（{q.required.label}）")
    st.caption(md_escape(q.guidance.strip()))
    with st.expander("この一覧について"):
        st.caption(md_escape(ref.source.strip()))
        if ref.note:
            st.caption(md_escape(ref.note.strip()))
    checked = set(edit.checked_open_data(op.plan, op.guide))
    cols = st.columns(3)
    for i, item in enumerate(ref.items):
        wk = state.bind(f"od:{item.value}", item.value in checked)
        state.on_edit(wk, _on_toggle, item.value, wk)
        cols[i % 3].checkbox(
            f"{item.number} {item.label}",
            key=wk,
            help=item.description or None,
        )
    common.show_error("open_data")
    count = len(checked)
    st.metric("公開する（公開している）データセット", f"{count} / {len(ref.items)} 件")
    with st.container(border=True):
        st.markdown("**KPIに反映する**")
        st.caption("チェックした件数を、オープンデータに関するKPIの現状値（基準日は本日）として設定します。")
        if not op.plan.kpis:
            st.caption("KPIがまだありません。「指標（KPI）」の画面で追加してください。")
            return
        kpis = {k.key: f"{k.key} {k.name}" for k in op.plan.kpis}
        default = next((k.key for k in op.plan.kpis if k.pillar == "open_data"), None)
        wk_kpi = state.wkey("od_kpi")
        if wk_kpi not in st.session_state:
            st.session_state[wk_kpi] = default
        a, b = st.columns([3, 1], vertical_alignment="bottom")
        a.selectbox(
            "反映するKPI",
            list(kpis),
            format_func=kpis.get,
            key=wk_kpi,
            index=None,
            placeholder="KPIを選んでください",
        )
        b.button(f"現状値を {count} にする", key="od_feed", on_click=_on_feed, args=(wk_kpi, count))
        common.show_error("open_data_kpi")


if __name__ == "__main__":
    render()
