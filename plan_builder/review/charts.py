"""Plotly figures for the review views (no streamlit here; the pages only display them).

No geo traces and no MathJax, so nothing is fetched from the internet when they render.
"""

from __future__ import annotations

import plotly.graph_objects as go

from plan_builder.review.coverage import CoverageMatrix
from plan_builder.review.kpi import VALUE_KINDS, KpiBenchmark

FONT = "Noto Sans CJK JP, IPAexGothic, sans-serif"


def coverage_heatmap(m: CoverageMatrix, *, max_rows: int = 300) -> go.Figure:
    """Plans (rows) × columns, 0–1. `customdata` holds the plan id of each cell, for drill-down."""
    rows = m.rows[:max_rows]
    y = [f"{r.lg_name}（{r.prefecture}）#{r.plan_id}" for r in rows]
    x = m.titles()  # unique, or plotly would merge two columns that share a label
    fig = go.Figure(
        go.Heatmap(
            z=[r.values for r in rows],
            x=x,
            y=y,
            zmin=0,
            zmax=1,
            colorscale=[[0, "#d7301f"], [0.5, "#fdcc8a"], [1, "#1a9850"]],
            customdata=[[r.plan_id] * len(m.columns) for r in rows],
            hovertemplate="%{y}<br>%{x}<br>値：%{z}<extra></extra>",
            colorbar={"title": {"text": "充足"}},
        )
    )
    fig.update_layout(
        font={"family": FONT},
        height=max(320, 22 * len(rows) + 200),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        yaxis={"autorange": "reversed"},
        xaxis={"side": "top", "tickangle": -45},
    )
    return fig


def kpi_boxplot(b: KpiBenchmark) -> go.Figure:
    unit = f"人口千人当たり{b.unit}" if b.per_capita else (b.unit or "")
    fig = go.Figure()
    groups: dict[str, tuple[list[float], list[str]]] = {}
    label_of = {g.group: g.label for g in b.groups}
    for p, v in zip(b.points, b.values, strict=True):
        xs, names = groups.setdefault(b.group_of(p), ([], []))
        xs.append(v)
        names.append(p.lg_name)
    for g in label_of:
        xs, names = groups.get(g, ([], []))
        fig.add_trace(
            go.Box(y=xs, name=label_of[g], text=names, boxpoints="outliers", hovertemplate="%{text}: %{y}")
        )
    fig.update_layout(
        font={"family": FONT},
        title={"text": f"{b.label}（{VALUE_KINDS[b.value_kind]}、{unit}）"},
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig
