"""The 策定年月 and 改定履歴 inputs (shown with the plan period): what the cover and 資料 print.

Saved through `state.commit` with `plan.adoption.set_adoption`; a refused entry shows its
Japanese message and the saved plan stays as it was.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from plan_builder.plan import EditError, format_date, set_adoption
from plan_builder.ui import state
from plan_builder.ui.render import md_escape

FIRST, LAST = date(2001, 1, 1), date(2045, 12, 31)


def render(op: state.OpenPlan) -> None:
    plan = op.plan
    ro = state.read_only()  # a closed briefing session: shown, never changed
    with st.container(border=True):
        st.markdown("**策定年月と改定履歴**")
        st.caption("表紙と資料に印刷されます。策定年月がないと、表紙には「（案）」と印刷されます。")
        with st.form(state.wkey("adoption")):
            adopted = st.date_input(
                "策定日（表紙には年月を印刷します）",
                value=plan.adopted_on,
                min_value=FIRST,
                max_value=LAST,
                format="YYYY/MM/DD",
                key=state.wkey("adopted_on"),
                disabled=ro,
            )
            rows = [{"on": r.on, "note": r.note} for r in plan.history]
            edited = st.data_editor(
                rows or [{"on": None, "note": ""}],
                num_rows="dynamic",
                column_config={
                    "on": st.column_config.DateColumn(
                        "改定日", min_value=FIRST, max_value=LAST, format="YYYY/MM/DD"
                    ),
                    "note": st.column_config.TextColumn("改定内容", max_chars=500, width="large"),
                },
                key=state.wkey("history"),
                width="stretch",
                disabled=ro,
            )
            saved = st.form_submit_button("策定年月と改定履歴を保存", disabled=ro)
        if saved:
            try:
                new = set_adoption(plan, adopted, list(edited))
            except EditError as exc:
                st.error(md_escape(str(exc)))
                return
            if state.commit(new, note="策定年月・改定履歴"):
                st.success("保存しました。")
                plan = new
        if plan.adopted_on:
            day = format_date(plan.adopted_on)
            st.caption(f"表紙の表示：{day[: day.index('月') + 1]}策定")
