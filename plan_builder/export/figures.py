"""Plotly figures for KPIs and the 工程表 (schedule), shared by the export and the wizard.

Building a figure is separate from rendering it: the wizard shows `kpi_figure` /
`schedule_figure` live with `st.plotly_chart`, and the export turns the same specs into PNGs
(charts.py). The `*_spec` functions return plain plotly JSON dicts, which is what the export
hands to the browser (building validated `go.Figure` objects costs ~40 ms per chart). No trace
type here loads anything from the network (no maps, no MathJax).

plotly reads every text as its own HTML subset (`<b>`, `<br>`, `<a>`, entities), so every piece
of planner text goes through `plain()` before it reaches a figure: a KPI named
`<b>太字</b>` prints those characters, never bold. `*_alt` describe a chart in words, with its
numbers, for the picture's alternative text.
"""

from __future__ import annotations

import html
import unicodedata
from typing import Any

import plotly.graph_objects as go

from plan_builder.export.context import format_value
from plan_builder.guide import Guide
from plan_builder.plan import Kpi, KpiNature, Plan, PlanPeriod, fiscal_year_of, format_fiscal_year

FONT_FAMILY = "Noto Sans CJK JP, IPAexGothic, IPAGothic, Hiragino Sans, Yu Gothic, Meiryo, sans-serif"
TEXT_COLOR = "#222222"
TARGET_COLOR = "#1F3864"
ACTUAL_COLOR = "#E07B00"
BASELINE_COLOR = "#6B7A8F"
GRID_COLOR = "#E3E3E3"
PHASE_COLORS = ["#DDEBF7", "#BDD7EE", "#9DC3E6", "#5B9BD5", "#2E75B6", "#1F4E79", "#A6A6A6"]

# Image sizes in CSS pixels (the export renders them at scale 1.5 for print).
KPI_SIZE = (400, 280)
KPI_SIZE_LARGE = (720, 400)
SCHEDULE_WIDTH = 760
LEGEND_CHARS = 20  # an activity longer than this is cut in the legend (the hover shows it whole)
LEGEND_ROW = 22  # px per row of the 工程表 legend
LEGEND_SWATCH = 40  # px of a legend entry besides its text (swatch and gaps)

Spec = dict[str, Any]
_ERAS = {"令和": "R", "平成": "H", "昭和": "S", "大正": "T", "明治": "M"}


def short_year(fy: int) -> str:
    """令和6年度 → R6 (axis labels where space is tight)."""
    label = format_fiscal_year(fy)
    n = label[2:].removesuffix("年度")
    return f"{_ERAS[label[:2]]}{1 if n == '元' else n}"


def _number(v: object) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    return None


def plain(text: object) -> str:
    """Planner text as plotly text: `&`, `<` and `>` escaped, so nothing in it is markup."""
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int) -> str:
    """Break a long Japanese title into lines of `width` characters (escaped, joined by <br>)."""
    return "<br>".join(plain(text[i : i + width]) for i in range(0, len(text), width))


def _layout(*, title: str, width: int, height: int, compact: bool, top: int = 44) -> dict[str, Any]:
    return {
        "title": {"text": title, "x": 0.02, "xanchor": "left", "font": {"size": 13 if compact else 15}},
        "font": {"family": FONT_FAMILY, "size": 11 if compact else 12, "color": TEXT_COLOR},
        "width": width,
        "height": height,
        "margin": {"l": 46, "r": 14, "t": top, "b": 36},
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.16,
            "x": 0.5,
            "xanchor": "center",
            "font": {"size": 10 if compact else 11},
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": [TARGET_COLOR, ACTUAL_COLOR, BASELINE_COLOR],
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }


def _qualitative_spec(kpi: Kpi, title: str, width: int, height: int, compact: bool) -> Spec:
    years = sorted(set(kpi.targets) | set(kpi.actuals))
    table = {
        "type": "table",
        "header": {"values": ["年度", "目標", "実績"], "fill": {"color": "#D9E2F3"}, "align": "center"},
        "cells": {
            "values": [
                [format_fiscal_year(y) for y in years],
                [plain(format_value(kpi.targets.get(y))) for y in years],
                [plain(format_value(kpi.actuals.get(y))) for y in years],
            ],
            "align": "left",
        },
    }
    return {"data": [table], "layout": _layout(title=title, width=width, height=height, compact=compact)}


def kpi_spec(kpi: Kpi, period: PlanPeriod | None, *, compact: bool = True) -> Spec:
    """Baseline → yearly targets (dashed line) and actuals (bars) for one KPI, as plotly JSON.

    The x axis runs over fiscal years: the baseline's year (labelled 現状), then the plan period.
    A qualitative KPI (text values) is shown as a small table instead.
    """
    width, height = KPI_SIZE if compact else KPI_SIZE_LARGE
    unit = f"（{kpi.unit}）" if kpi.unit else ""
    title = _wrap(f"{kpi.name}{unit}", 24 if compact else 40)
    top = 44 if "<br>" not in title else 62
    numbers = [kpi.baseline.value, *kpi.targets.values(), *kpi.actuals.values()]
    if kpi.nature is KpiNature.QUALITATIVE or not any(_number(v) is not None for v in numbers):
        return _qualitative_spec(kpi, title, width, height, compact)

    years = sorted(set(period.years if period else []) | set(kpi.targets) | set(kpi.actuals))
    base_v = _number(kpi.baseline.value)
    base_fy = fiscal_year_of(kpi.baseline.as_of) if kpi.baseline.as_of else (years[0] - 1 if years else None)
    if base_v is None:
        base_fy = None
    label = short_year if compact else format_fiscal_year
    ticks = {y: label(y) for y in years}
    if base_fy is not None:
        ticks[base_fy] = (
            f"現状<br>({label(base_fy)})" if base_fy not in years else f"{label(base_fy)}<br>(現状)"
        )

    tx = [y for y in sorted(kpi.targets) if _number(kpi.targets[y]) is not None]
    ty = [_number(kpi.targets[y]) for y in tx]
    ax = [y for y in sorted(kpi.actuals) if _number(kpi.actuals[y]) is not None]
    ay = [_number(kpi.actuals[y]) for y in ax]
    data: list[dict[str, Any]] = []
    if ax:
        data.append(
            {
                "type": "bar",
                "x": ax,
                "y": ay,
                "name": "実績値",
                "marker": {"color": ACTUAL_COLOR},
                "opacity": 0.9,
                "width": 0.5,
                "text": [format_value(v) for v in ay],
                "textposition": "inside",
                "insidetextanchor": "start",
                "textfont": {"size": 9, "color": "white"},
            }
        )
    line_x, line_y = list(tx), list(ty)
    if base_fy is not None and (not tx or base_fy < tx[0]):
        line_x, line_y = [base_fy, *tx], [base_v, *ty]
    if line_x:
        data.append(
            {
                "type": "scatter",
                "x": line_x,
                "y": line_y,
                "name": "目標値",
                "mode": "lines+markers",
                "line": {"color": TARGET_COLOR, "dash": "dash", "width": 2},
                "marker": {"size": 6, "color": TARGET_COLOR},
            }
        )
    if base_fy is not None:
        data.append(
            {
                "type": "scatter",
                "x": [base_fy],
                "y": [base_v],
                "name": "現状値",
                "mode": "markers",
                "marker": {"size": 10, "color": BASELINE_COLOR, "symbol": "diamond"},
            }
        )
    layout = _layout(title=title, width=width, height=height, compact=compact, top=top)
    xs = sorted(ticks)
    layout["xaxis"] = {
        "tickmode": "array",
        "tickvals": xs,
        "ticktext": [ticks[x] for x in xs],
        "range": [xs[0] - 0.6, xs[-1] + 0.6] if xs else None,
        "showgrid": False,
        "showline": True,
        "linecolor": "#444444",
        "ticks": "",
        "zeroline": False,
        "fixedrange": True,
    }
    values = [v for v in [base_v, *ty, *ay] if v is not None]
    peak = max(values) if values else 1.0
    low = min(values) if values else 0.0
    layout["yaxis"] = {
        "range": [min(0.0, low * 1.1), peak * 1.22 if peak > 0 else 1],
        "showgrid": True,
        "gridcolor": GRID_COLOR,
        "zeroline": False,
        "showline": False,
        "tickformat": ",",
        "ticks": "",
        "fixedrange": True,
    }
    layout["bargap"] = 0.4
    if tx:
        layout["annotations"] = [
            {
                "x": tx[-1],
                "y": ty[-1],
                "text": f"目標 {format_value(ty[-1])}",
                "showarrow": False,
                "yshift": 13,
                "font": {"size": 10, "color": TARGET_COLOR},
            }
        ]
    return {"data": data, "layout": layout}


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _text_px(text: str, size: float) -> float:
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _legend_rows(names: list[str], plot_width: float) -> int:
    """Rows of plotly's horizontal legend under the plot: one row when every entry fits in the
    plot's width, else a grid of columns as wide as the widest entry. The chart grows by the
    extra rows; with a fixed height they squeezed the bars until their labels were hidden."""
    widths = [LEGEND_SWATCH + _text_px(n, 10) for n in names]
    if not widths or sum(widths) + 5 * (len(widths) - 1) < plot_width:
        return 1
    per_row = max(1, int(plot_width // (max(widths) + 5)))
    return -(-len(widths) // per_row)


def schedule_spec(plan: Plan, guide: Guide | None = None, *, width: int = SCHEDULE_WIDTH) -> Spec:
    """The 工程表 as plotly JSON: one row per measure (grouped by pillar), a bar per year of work.

    Bars are coloured by activity (the same activity, the same colour) and carry it as a label,
    so the chart reads like the 工程表 tables of published plans.
    """
    years = plan.period.years if plan.period else sorted({e.fy for m in plan.measures for e in m.schedule})
    if not years:
        years = sorted({e.fy for m in plan.measures for e in m.schedule})
    order = {k: i for i, k in enumerate(plan.pillars)}
    measures = sorted(
        (m for m in plan.measures if m.schedule), key=lambda m: (order.get(m.pillar, len(order)), m.key)
    )
    rows = [plain(f"{m.key} {_clip(m.name, 15)}") for m in measures]
    activities: list[str] = []
    for m in measures:
        for e in sorted(m.schedule, key=lambda e: e.fy):
            if e.activity not in activities:
                activities.append(e.activity)
    colors = {a: PHASE_COLORS[i % len(PHASE_COLORS)] for i, a in enumerate(activities)}
    legend_names = {a: _clip(a, LEGEND_CHARS) for a in activities}
    data = []
    for a in activities:
        xs, ys, texts, whole = [], [], [], []
        for m, row in zip(measures, rows, strict=True):
            for e in m.schedule:
                if e.activity == a:
                    xs.append(0.96)
                    ys.append(row)
                    texts.append(plain(_clip(e.activity, 8)))
                    whole.append(plain(e.activity))
        base = [e.fy - 0.48 for m in measures for e in m.schedule if e.activity == a]
        dark = PHASE_COLORS.index(colors[a]) in (4, 5)
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": xs,
                "base": base,
                "y": ys,
                "name": plain(legend_names[a]),
                "marker": {"color": colors[a], "line": {"width": 0}},
                "text": texts,
                "customdata": whole,
                "textposition": "inside",
                "insidetextanchor": "middle",
                "textfont": {"size": 10, "color": "white" if dark else "#1F2937"},
                "width": 0.68,
                "hovertemplate": "%{y}<br>%{customdata}<extra></extra>",
            }
        )
    n = max(1, len(rows))
    labels = max((_text_px(html.unescape(r), 11) for r in rows), default=0)
    plot_width = width - 20 - labels - 8  # the row labels' automargin takes the rest
    legend_extra = LEGEND_ROW * (_legend_rows(list(legend_names.values()), plot_width) - 1)
    height = 90 + 27 * n + legend_extra
    shapes = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": y - 0.5,
            "x1": y - 0.5,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#C8C8C8", "width": 1},
            "layer": "below",
        }
        for y in years[1:]
    ]
    prev = None
    for i, m in enumerate(measures):
        if prev is not None and m.pillar != prev:
            yline = n - i - 0.5
            shapes.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "yref": "y",
                    "x0": 0,
                    "x1": 1,
                    "y0": yline,
                    "y1": yline,
                    "line": {"color": "#7F7F7F", "width": 1, "dash": "dot"},
                }
            )
        prev = m.pillar
    layout = {
        "font": {"family": FONT_FAMILY, "size": 11, "color": TEXT_COLOR},
        "width": width,
        "height": height,
        "barmode": "overlay",
        "margin": {"l": 10, "r": 10, "t": 36, "b": 44 + legend_extra},
        "legend": {
            "orientation": "h",
            "yanchor": "top",
            "y": -0.005 - 18 / height,
            "x": 0,
            "xanchor": "left",
            "font": {"size": 10},
            "traceorder": "normal",
        },
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "uniformtext": {"minsize": 8, "mode": "hide"},
        "shapes": shapes,
        "xaxis": {
            "tickmode": "array",
            "tickvals": years,
            "ticktext": [format_fiscal_year(y) for y in years],
            "range": [years[0] - 0.5, years[-1] + 0.5] if years else None,
            "side": "top",
            "showgrid": False,
            "showline": True,
            "mirror": True,
            "linecolor": "#444444",
            "ticks": "",
            "zeroline": False,
            "fixedrange": True,
        },
        "yaxis": {
            "categoryorder": "array",
            "categoryarray": list(reversed(rows)),
            "automargin": True,
            "showline": True,
            "mirror": True,
            "linecolor": "#444444",
            "ticks": "",
            "fixedrange": True,
        },
    }
    return {"data": data, "layout": layout}


def to_figure(spec: Spec) -> go.Figure:
    fig = go.Figure(spec)
    fig.update_layout(template="none")  # the spec sets every style itself
    return fig


def kpi_figure(kpi: Kpi, period: PlanPeriod | None, *, compact: bool = False) -> go.Figure:
    """The KPI chart as a plotly Figure (for the wizard's live charts)."""
    return to_figure(kpi_spec(kpi, period, compact=compact))


def schedule_figure(plan: Plan, guide: Guide | None = None, *, width: int = SCHEDULE_WIDTH) -> go.Figure:
    """The 工程表 as a plotly Figure (for the wizard's live charts)."""
    return to_figure(schedule_spec(plan, guide, width=width))


def spec_size(spec: Spec | go.Figure) -> tuple[int, int]:
    layout = spec.layout if isinstance(spec, go.Figure) else spec.get("layout", {})
    get = (lambda k: getattr(layout, k)) if isinstance(spec, go.Figure) else layout.get
    return int(get("width") or 700), int(get("height") or 450)


def _series_text(values: dict[int, Any], unit: str) -> str:
    return "、".join(f"{format_fiscal_year(fy)} {format_value(v)}{unit}" for fy, v in sorted(values.items()))


def kpi_alt(kpi: Kpi) -> str:
    """The KPI chart in words, with every number it shows (the picture's alternative text)."""
    unit = kpi.unit if kpi.unit else ""
    parts = [f"指標「{kpi.name}」の現状値と年度別の目標値・実績値を示すグラフ。"]
    if kpi.baseline.value is not None:
        when = f"（{format_fiscal_year(fiscal_year_of(kpi.baseline.as_of))}）" if kpi.baseline.as_of else ""
        parts.append(f"現状値 {format_value(kpi.baseline.value)}{unit}{when}。")
    if kpi.targets:
        parts.append(f"目標値：{_series_text(kpi.targets, unit)}。")
    if kpi.actuals:
        parts.append(f"実績値：{_series_text(kpi.actuals, unit)}。")
    return "".join(parts)


def schedule_alt(plan: Plan) -> str:
    """The 工程表 chart in words: each measure's activities by fiscal year."""
    lines = []
    for m in plan.measures:
        if m.schedule:
            by_year = "、".join(
                f"{format_fiscal_year(e.fy)} {e.activity}" for e in sorted(m.schedule, key=lambda e: e.fy)
            )
            lines.append(f"{m.key} {m.name}：{by_year}")
    return "工程表（施策ごとの年度別の取組）。" + "。".join(lines) + ("。" if lines else "")
