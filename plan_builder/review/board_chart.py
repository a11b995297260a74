"""The picture of a prefecture's progress: one tile per local government, coloured by status.

A tile grid rather than a map: map traces fetch tiles and shapes from the internet, and a grid
is drawn from the board's rows alone (plotly, rendered by the browser's bundled plotly.js or by
kaleido for documents). Tiles run in code order, which groups cities before towns and villages.
"""

from __future__ import annotations

import math
from html import escape

import plotly.graph_objects as go

from plan_builder.review.charts import FONT
from plan_builder.review.status_board import BOARD_COLOURS, BoardRow, BoardStatus, board_counts


def board_grid(rows: list[BoardRow], *, columns: int = 8, title: str = "") -> go.Figure:
    """Tiles labelled with the government's name; the legend names each status with its count."""
    n = len(rows)
    cols = max(1, min(columns, n))
    nrows = max(1, math.ceil(n / cols))
    fig = go.Figure()
    tally = board_counts(rows)
    for status in BoardStatus:
        idx = [i for i, r in enumerate(rows) if r.status is status]
        fig.add_trace(
            go.Scatter(
                x=[i % cols for i in idx],
                y=[i // cols for i in idx],
                mode="markers+text",
                marker={
                    "symbol": "square",
                    "size": 64,
                    "color": BOARD_COLOURS[status],
                    "line": {"color": "#ffffff", "width": 1},
                },  # fmt: skip
                text=[escape(rows[i].lg_name) for i in idx],
                textfont={"size": 10, "color": "#000000"},
                customdata=[rows[i].lg_code for i in idx],
                hovertemplate="%{text}<br>" + status.label + "<extra></extra>",
                name=f"{status.label}（{tally[status]}）",
                showlegend=True,
            )
        )
    fig.update_layout(
        title={"text": escape(title)} if title else None,
        font={"family": FONT},
        width=max(420, 80 * cols + 40),
        height=80 * nrows + 120,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        xaxis={"visible": False, "range": [-0.6, cols - 0.4]},
        yaxis={"visible": False, "range": [nrows - 0.4, -0.6]},
        legend={"orientation": "h", "y": -0.02, "yanchor": "top"},
        plot_bgcolor="#ffffff",
    )
    return fig
