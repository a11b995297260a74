"""Live charts drawn with the export's own figure functions, so the app and the document agree
(planner text in them is escaped there: it can never become plotly markup).

On screen the KPI chart sits in a narrow column (about 250–450 px from 1024 to 1920 px wide
windows), so it is adapted here, not in the document's figure: the title is wrapped shorter, each
year label is two short lines instead of a slanted, cut 「令和2年度」, and the legend sits below
the axis labels (the layout reserves room for it) instead of over them (issue 13).
"""

from __future__ import annotations

import streamlit as st

from plan_builder.export import figures
from plan_builder.guide import Guide
from plan_builder.plan import Kpi, Plan, format_fiscal_year

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}
TITLE_CHARS = 16  # at 13 px, about 210 px: fits the column at 1024 px
LEGEND_ROOM = 34  # px under the axis labels for the one-line legend


def year_tick(fy: int, *, baseline: bool = False) -> str:
    """「令和<br>2<br>年度」 (and 「現状」 above it for the baseline's year): narrow enough to stand
    upright side by side at 1024 px."""
    full = format_fiscal_year(fy)
    text = f"{full[:2]}<br>{full[2:-2]}<br>年度"  # every era name since 明治 is two characters
    return f"現状<br>{text}" if baseline else text


def _split_year(label: str) -> str:
    """「令和2年度」 → 「令和<br>2<br>年度」; other labels unchanged."""
    if label.endswith("年度") and len(label) > 4 and "<br>" not in label:
        return f"{label[:2]}<br>{label[2:-2]}<br>年度"
    return label


def upright_categories(fig) -> None:
    """For a chart whose x axis lists fiscal years as text (the follow-up charts): upright
    three-line labels and the legend under them, as in kpi_chart."""
    cats = list(
        dict.fromkeys(x for t in fig.data for x in (getattr(t, "x", None) or ()) if isinstance(x, str))
    )
    if cats:
        fig.update_xaxes(
            tickmode="array", tickvals=cats, ticktext=[_split_year(c) for c in cats], tickangle=0
        )
    fig.update_xaxes(automargin=True, tickfont={"size": 10})
    fig.update_layout(
        margin={"b": LEGEND_ROOM},
        legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0.5, "xanchor": "center"},
    )


def kpi_chart(kpi: Kpi, plan: Plan, key: str) -> None:
    if kpi.baseline.value is None and not kpi.targets and not kpi.actuals:
        st.caption("現状値・目標値・実績値を入力すると、ここにグラフを表示します。")  # not an empty table
        return
    fig = figures.kpi_figure(kpi, plan.period, compact=True)
    name = f"{kpi.name}（{kpi.unit}）" if kpi.unit else kpi.name
    lines = [figures.plain(name[i : i + TITLE_CHARS]) for i in range(0, len(name), TITLE_CHARS)]
    fig.update_layout(
        autosize=True,
        width=None,
        height=300 + 18 * (len(lines) - 1),
        title_text="<br>".join(lines),
        margin={"t": 30 + 18 * len(lines), "b": LEGEND_ROOM},
        legend={"yref": "container", "y": 0, "yanchor": "bottom", "x": 0.5, "xanchor": "center"},
    )
    axis = fig.layout.xaxis
    if axis.tickvals:  # a quantitative KPI (a qualitative one is a table)
        old = list(axis.ticktext)
        fig.update_xaxes(
            ticktext=[
                year_tick(int(v), baseline="現状" in t) for v, t in zip(axis.tickvals, old, strict=True)
            ],
            tickangle=0,
            automargin=True,
            tickfont={"size": 10},
        )
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch")


def schedule_chart(plan: Plan, guide: Guide, key: str) -> None:
    fig = figures.schedule_figure(plan, guide)
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG)
