"""Target-versus-actual charts for the follow-up: the target line over the period, the actuals,
and the gap in the chosen year written on the chart. Plain plotly JSON (no maps, no MathJax),
shown live in the browser and rendered to PNG for the 年次報告; each has an alt text.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from plan_builder.followup.progress import KpiProgress, Track, target_for
from plan_builder.plan import Kpi, KpiNature, PlanPeriod, format_fiscal_year

FONT = "Noto Sans CJK JP, IPAexGothic, IPAGothic, sans-serif"
TARGET, ACTUAL, OFF, GRID = "#1F3864", "#E07B00", "#C00000", "#E3E3E3"
SIZE = (520, 320)
Spec = dict[str, Any]


def fmt(v: float | str | None, unit: str = "") -> str:
    """1234.0 → 「1,234」; units follow the number."""
    if v is None:
        return "―"
    if isinstance(v, str):
        return v
    text = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"
    return f"{text}{unit}"


def gap_text(p: KpiProgress) -> str:
    if p.gap is None:
        return p.track.label
    sign = "+" if p.gap > 0 else ("−" if p.gap < 0 else "±")
    return f"差 {sign}{fmt(abs(p.gap), p.kpi.unit)}（{p.track.label}）"


def _years(kpi: Kpi, period: PlanPeriod | None) -> list[int]:
    years = set(kpi.targets) | set(kpi.actuals)
    if period:
        years |= set(period.years)
    return sorted(years)


def progress_spec(p: KpiProgress, period: PlanPeriod | None) -> Spec:
    """The chart for one KPI with the gap in year `p.fy` marked."""
    k = p.kpi
    title = html.escape(f"{k.key} {k.name}"[:60])
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 13}},
        "font": {"family": FONT, "size": 11, "color": "#222222"},
        "width": SIZE[0],
        "height": SIZE[1],
        "margin": {"l": 56, "r": 16, "t": 44, "b": 54},
        "legend": {"orientation": "h", "y": -0.2, "x": 0.5, "xanchor": "center"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "yaxis": {"gridcolor": GRID, "title": {"text": html.escape(k.unit)}, "rangemode": "tozero"},
        "xaxis": {"type": "category"},
    }
    if k.nature is KpiNature.QUALITATIVE:
        layout["annotations"] = [
            {
                "text": "定性指標のためグラフはありません",
                "showarrow": False,
                "x": 0.5,
                "y": 0.5,
                "xref": "paper",
                "yref": "paper",
            }
        ]
        return {"data": [], "layout": layout}
    years = _years(k, period)
    labels = [format_fiscal_year(y) for y in years]
    targets = [target_for(k, y, period) for y in years]
    actuals = [k.actuals.get(y) if isinstance(k.actuals.get(y), int | float) else None for y in years]
    colors = [OFF if (y == p.fy and p.track is Track.OFF) else ACTUAL for y in years]
    data: list[dict[str, Any]] = [
        {"type": "bar", "name": "実績値", "x": labels, "y": actuals, "marker": {"color": colors}},
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "目標値",
            "x": labels,
            "y": targets,
            "line": {"color": TARGET, "dash": "dash"},
            "connectgaps": True,
        },
    ]
    if p.gap is not None and p.fy in years:
        layout["annotations"] = [
            {
                "x": format_fiscal_year(p.fy),
                "y": max(float(p.actual), p.target or 0),  # type: ignore[arg-type]
                "text": html.escape(gap_text(p)),
                "showarrow": True,
                "arrowhead": 0,
                "ay": -28,
                "font": {"color": OFF if p.track is Track.OFF else TARGET},
            }
        ]
    return {"data": data, "layout": layout}


def progress_figure(p: KpiProgress, period: PlanPeriod | None) -> go.Figure:
    fig = go.Figure(progress_spec(p, period))
    fig.update_layout(template="none")
    return fig


def alt_text(p: KpiProgress) -> str:
    """What the chart shows, in words (for screen readers and the docx picture description)."""
    k, year = p.kpi, format_fiscal_year(p.fy)
    if k.nature is KpiNature.QUALITATIVE:
        return f"{k.key}「{k.name}」は定性指標です。{year}の実績：{fmt(p.actual)}。"
    series = (
        "、".join(f"{format_fiscal_year(y)} {fmt(v, k.unit)}" for y, v in sorted(k.actuals.items())) or "なし"
    )
    head = f"{k.key}「{k.name}」の目標値と実績値のグラフ。実績値：{series}。"
    if p.actual is None:
        return head + f"{year}の実績値は未入力です。"
    return (
        head + f"{year}は目標値 {fmt(p.target, k.unit)} に対し実績値 {fmt(p.actual, k.unit)}、{gap_text(p)}。"
    )
