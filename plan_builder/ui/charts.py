"""Live charts drawn with the export's own figure functions, so the app and the document agree."""

from __future__ import annotations

import streamlit as st

from plan_builder.guide.model import Guide
from plan_builder.plan.model import Kpi, Plan

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}


def _figures():
    try:
        from plan_builder.export import figures
    except ImportError:
        return None
    return figures


def kpi_chart(kpi: Kpi, plan: Plan, key: str) -> None:
    figures = _figures()
    if figures is None:
        st.caption("グラフは出力機能（plan_builder.export.figures）が導入されると表示されます。")
        return
    fig = figures.kpi_figure(kpi, plan.period)
    fig.update_layout(autosize=True, width=None)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch")


def schedule_chart(plan: Plan, guide: Guide, key: str) -> None:
    figures = _figures()
    if figures is None:
        st.caption("工程表のグラフは出力機能（plan_builder.export.figures）が導入されると表示されます。")
        return
    fig = figures.schedule_figure(plan, guide)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)
