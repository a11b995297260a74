"""Schedule (工程表): the measures across the plan's fiscal years as a Gantt-style chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plan_builder.plan import format_fiscal_year
from plan_builder.ui import charts, common, nav


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "工程表")
    plan = op.plan
    if not plan.measures:
        st.info(
            "施策がまだありません。「個別施策」の画面で施策と年度ごとの取組を入力すると、工程表になります。"
        )
        st.page_link(nav.page("measures"), label="個別施策へ", icon=":material/list_alt:")
        return
    if plan.period:
        st.caption(f"計画期間：{plan.period.label()}")
    charts.schedule_chart(plan, op.guide, key="schedule_chart")
    years = sorted(
        set(plan.period.years if plan.period else []) | {e.fy for m in plan.measures for e in m.schedule}
    )
    rows = []
    for m in plan.measures:
        sched = {e.fy: e.activity for e in m.schedule}
        rows.append(
            {"番号": m.key, "施策名": m.name, **{format_fiscal_year(fy): sched.get(fy, "") for fy in years}}
        )
    with st.expander("工程表（表形式）", expanded=False):
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.page_link(
        nav.page("measures"), label="年度ごとの取組を編集する（個別施策）", icon=":material/list_alt:"
    )


if __name__ == "__main__":
    render()
