"""Planner text is never plotly markup: the hostile strings of issue 12 go through every chart
(KPI compact and large, qualitative table, 工程表) and every document format and come out as
the very characters typed: no bold, italic, line break, link or entity is interpreted."""

from __future__ import annotations

import html
import re
import struct
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.export import charts, export_plan, figures
from plan_builder.guide import Guide, get_guide
from plan_builder.plan.model import Baseline, Kpi, KpiNature, Plan, PlanPeriod, ScheduleEntry
from plan_builder.samples import sample_plan

HAS_CHROMIUM = charts.find_browser() is not None and not charts.charts_disabled()
HOSTILE = [
    "<b>太字</b><br>改行 &amp;",
    "<i>斜体</i>の施策",
    "&<>",
    "<a href='http://example.com'>リンク</a>",
    "&#12354;と&lt;と<sup>上</sup>",
]
PERIOD = PlanPeriod(start_fy=2024, end_fy=2026)


@pytest.fixture(scope="module")
def guide() -> Guide:
    return get_guide("kanmin-2019-municipality")


def hostile_plan(guide: Guide) -> Plan:
    plan = sample_plan(guide, n_measures=5, n_kpis=4)
    kpis = [
        k.model_copy(update={"name": HOSTILE[i % len(HOSTILE)], "unit": "<i>件</i>"})
        for i, k in enumerate(plan.kpis)
    ]
    measures = []
    for i, m in enumerate(plan.measures):
        schedule = [
            ScheduleEntry(fy=e.fy, activity=HOSTILE[(i + j) % len(HOSTILE)]) for j, e in enumerate(m.schedule)
        ]
        measures.append(m.model_copy(update={"name": HOSTILE[i % len(HOSTILE)], "schedule": schedule}))
    return plan.model_copy(update={"kpis": kpis, "measures": measures})


def qualitative(name: str) -> Kpi:
    return Kpi(
        key="K09",
        name=name,
        nature=KpiNature.QUALITATIVE,
        baseline=Baseline(value=HOSTILE[2]),
        targets={2025: HOSTILE[0]},
        actuals={2024: HOSTILE[1]},
    )


def text_elements(spec: Any) -> list[str]:
    """Every string in a plotly spec that plotly draws as text (titles, names, labels, cells)."""
    out: list[str] = []
    keys = {"text", "name", "ticktext", "y", "values", "hovertemplate", "customdata"}

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in keys:
            out.append(node)

    walk(spec)
    return out


def assert_inert(texts: list[str]) -> None:
    """The only markup left is the <br> the figures put in themselves; every & is an entity of
    the three escapes, so plotly shows the characters typed."""
    for t in texts:
        bare = t.replace("<br>", "").replace("<extra></extra>", "")
        assert "<" not in bare and ">" not in bare, t
        assert not re.search(r"&(?!amp;|lt;|gt;)", bare), t


def all_specs(plan: Plan, guide: Guide, extra: list[Kpi]) -> list[dict]:
    specs = [figures.schedule_spec(plan, guide)]
    for k in [*plan.kpis, *extra]:
        specs += [figures.kpi_spec(k, plan.period), figures.kpi_spec(k, plan.period, compact=False)]
    return specs


def test_every_chart_escapes_every_piece_of_planner_text(guide: Guide):
    plan = hostile_plan(guide)
    specs = all_specs(plan, guide, [qualitative(h) for h in HOSTILE])
    texts = [t for s in specs for t in text_elements(s)]
    assert_inert(texts)
    shown = html.unescape("\n".join(t.replace("<br>", "") for t in texts))
    for h in HOSTILE:
        assert h in shown, h  # literally, once unescaped the way plotly does


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.sampled_from(list("<>&;#/biar= 太字改行amp\"'")), min_size=1, max_size=40))
def test_any_text_stays_inert(guide: Guide, name: str):
    name = name.strip() or "x"
    kpi = Kpi(key="K01", name=name, unit=name[:30], baseline=Baseline(value=1), targets={2025: 2})
    for spec in (
        figures.kpi_spec(kpi, PERIOD),
        figures.kpi_spec(kpi, PERIOD, compact=False),
        figures.kpi_spec(qualitative(name), PERIOD),
    ):
        texts = text_elements(spec)
        assert_inert(texts)
        title = spec["layout"]["title"]["text"]
        assert html.unescape(title.replace("<br>", "")).startswith(name)


def _svg_text(svg: bytes) -> str:
    """The text the browser drew, with each <text> element's lines joined."""
    s = svg.decode("utf-8")
    texts = re.findall(r"<text[^>]*>(.*?)</text>", s, re.DOTALL)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts)


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_drawn_charts_show_the_text_literally(guide: Guide):
    plan = hostile_plan(guide)
    specs = all_specs(plan, guide, [qualitative(HOSTILE[0])])
    batch = charts.render_pngs(specs, fmt="svg", use_cache=False)
    assert batch.rendered, batch.reason
    for spec, svg in zip(specs, batch.images, strict=True):
        drawn = _svg_text(svg)
        assert "font-weight: bold" not in svg.decode() and "font-style: italic" not in svg.decode()
        assert "<a " not in svg.decode().split("</defs>")[-1]  # no link element from user text
        title = spec["layout"].get("title", {}).get("text")
        if title:
            assert html.unescape(title.replace("<br>", "")) in drawn.replace("\n", "")


def same_width(text: str) -> str:
    """Plain text as wide as `text` (a wide character for each wide one): the 工程表 grows with
    the width of its legend."""
    return "".join("い" if unicodedata.east_asian_width(c) in "WF" else "a" for c in text)


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_png_size_matches_plain_text_of_the_same_length(guide: Guide):
    plan = hostile_plan(guide)
    plain_kpis = [
        k.model_copy(update={"name": "あ" * len(k.name), "unit": "件" * len(k.unit)}) for k in plan.kpis
    ]
    plain_measures = [
        m.model_copy(
            update={
                "name": "あ" * len(m.name),
                "schedule": [e.model_copy(update={"activity": same_width(e.activity)}) for e in m.schedule],
            }
        )
        for m in plan.measures
    ]
    plain = plan.model_copy(update={"kpis": plain_kpis, "measures": plain_measures})
    hostile_specs = all_specs(plan, guide, [])
    plain_specs = all_specs(plain, guide, [])
    images = charts.render_pngs(hostile_specs + plain_specs, use_cache=False).images
    n = len(hostile_specs)
    for a, b in zip(images[:n], images[n:], strict=True):
        assert a and b and _png_size(a) == _png_size(b)


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_documents_print_the_text_literally(tmp_path: Path, guide: Guide, fmt: str):
    plan = hostile_plan(guide)
    out = tmp_path / f"plan.{fmt}"
    export_plan(plan, guide, fmt, out, render_charts=False)
    if fmt == "docx":
        from docx import Document

        doc = Document(str(out))
        text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
        text += "\n".join(p.text for p in doc.paragraphs)
        for h in HOSTILE:
            assert h in text
    elif fmt == "html":
        page = out.read_text(encoding="utf-8")
        for h in HOSTILE:
            assert html.escape(h) in page
        assert "<b>太字</b>" not in page and "<i>斜体</i>" not in page
    else:
        md = out.read_text(encoding="utf-8")
        assert "<b>" not in md and "<i>" not in md
        assert r"\<b\>太字\</b\>\<br\>改行 &amp;amp;" in md


def test_alt_text_is_the_text_typed(guide: Guide):
    plan = hostile_plan(guide)
    assert HOSTILE[0] in figures.kpi_alt(plan.kpis[0])
    assert all(h in figures.schedule_alt(plan) for h in HOSTILE)
