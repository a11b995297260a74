"""Reviewers' follow-up view across their scope: who has reported for a fiscal year, how many
KPIs are on track, and one KPI's actuals compared between local governments."""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from plan_builder.followup import compare_actuals, followup_rows, kpi_names, reported_years
from plan_builder.plan import fiscal_year_of, format_fiscal_year, today_jst
from plan_builder.ui import state
from plan_builder.ui.charts import PLOTLY_CONFIG


def render() -> None:
    st.markdown("#### 進捗の状況（所管の団体）")
    svc = state.service()
    plans = [(s.id, svc.get(s.id).plan) for s in svc.list_plans() if not s.is_training]
    if not plans:
        st.info("閲覧できる計画がありません。")
        return
    now = fiscal_year_of(today_jst())
    reported = [y for _, p in plans for y in reported_years(p)]
    years = sorted(set(range(now - 5, now + 1)) | set(reported), reverse=True)
    latest = max(reported) if reported else now  # open on the last year anyone reported
    fy = st.selectbox("年度", years, index=years.index(latest), format_func=format_fiscal_year, key="fr_year")
    rows = followup_rows(plans, fy)
    done = sum(1 for r in rows if r.reported)
    st.caption(
        f"{len(rows)}団体のうち{done}団体が{format_fiscal_year(fy)}の進捗を報告しています（未報告の団体から表示）。"
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "団体": r.lg_name,
                    "計画": r.title,
                    "報告": "済" if r.reported else "未",
                    "目標を達成した指標": r.on_track_label,
                    "未達の指標": r.off_track,
                    "進捗を報告した施策": f"{r.measures_reported}／{r.measures}",
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    names = kpi_names(plans)
    if not names:
        st.caption("複数の団体が同じ名称で実績を入力している指標はまだありません。")
        return
    name = st.selectbox("団体間で比べる指標", names, key="fr_kpi")
    fig = go.Figure()
    for lg, unit, series in compare_actuals(plans, name):
        fig.add_scatter(
            x=[format_fiscal_year(y) for y in series],
            y=list(series.values()),
            mode="lines+markers",
            name=html.escape(f"{lg}（{unit}）"),  # plotly text is markup,
        )
    fig.update_layout(
        template="none", height=360, margin={"l": 50, "r": 10, "t": 20, "b": 40}, xaxis={"type": "category"}
    )
    st.plotly_chart(fig, key="fr_chart", config=PLOTLY_CONFIG, width="stretch")


if __name__ == "__main__":
    render()
