"""Schedule (工程表): the measures across the plan's fiscal years as a Gantt-style chart. When the
chart would be empty or miss measures, the page says which measures have no 工程 and opens the
measures page at its editor box (the measure's fields and 工程)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plan_builder.guide import Guide, QuestionType
from plan_builder.plan import Measure, format_fiscal_year
from plan_builder.ui import charts, common, nav
from plan_builder.ui.pages.measures import open_schedule
from plan_builder.ui.pages.wizard import open_question
from plan_builder.ui.render import md_escape


def _no_period(guide: Guide) -> None:
    """The plan has no period yet: the chart has no years. A button to the period question."""
    q = next((q for q in guide.questions() if q.type is QuestionType.PLAN_PERIOD), None)
    st.info("計画期間がまだ入力されていません。計画期間を入力すると、工程表の年度が決まります。")
    if q is not None:
        ch = guide.chapter_of(q.key)
        if st.button(f"計画期間を入力する（第{ch.number}章）", icon=":material/calendar_month:"):
            open_question(ch.key, q.key)
            st.switch_page(nav.page("wizard"))


def _missing(missing: list[Measure], total: int) -> None:
    """Which measures have no 工程, and the way to where it is entered."""
    names = "\n".join(f"- {m.key} {md_escape(m.name)}" for m in missing)
    if len(missing) == total:
        st.info(
            "どの施策にも年度ごとの取組（工程）がまだ入力されていないため、工程表を描けません。"
            "「個別施策」の画面の「施策の編集」で施策を選び、年度ごとに入力してください。",
            icon=":material/info:",
        )
    else:
        st.warning(
            f"次の{len(missing)}件の施策は年度ごとの取組（工程）が入力されていないため、工程表に載っていません。",
            icon=":material/warning:",
        )
    st.markdown(names)
    if st.button(f"{missing[0].key} の工程を入力する（個別施策）", icon=":material/edit_calendar:"):
        open_schedule(missing[0].key)
        st.switch_page(nav.page("measures"))


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
    else:
        _no_period(op.guide)
    missing = [m for m in plan.measures if not m.schedule]
    if missing:
        _missing(missing, len(plan.measures))
    if len(missing) == len(plan.measures):
        return  # an empty chart would say nothing
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
