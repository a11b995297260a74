"""Live charts drawn with the export's own figure functions, so the app and the document agree
(planner text in them is escaped there: it can never become plotly markup)."""

from __future__ import annotations

import streamlit as st

from plan_builder.export import figures
from plan_builder.guide import Guide
from plan_builder.plan import Kpi, Plan

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}


def kpi_chart(kpi: Kpi, plan: Plan, key: str) -> None:
    fig = figures.kpi_figure(kpi, plan.period)
    fig.update_layout(autosize=True, width=None)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch")


def schedule_chart(plan: Plan, guide: Guide, key: str) -> None:
    fig = figures.schedule_figure(plan, guide)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)
