"""The 年次報告: structure of the .docx (KPI tables by year with actuals, measure statuses per
pillar, charts with alt text), and the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from plan_builder.export import charts
from plan_builder.export.pdf import find_soffice
from plan_builder.followup.entry import set_actual, set_status
from plan_builder.followup.report import build_report_tree, export_report
from plan_builder.guide.model import Guide
from plan_builder.plan.model import Plan
from plan_builder.samples import sample_plan

HAS_CHROMIUM = charts.find_browser() is not None and not charts.charts_disabled()


@pytest.fixture
def followed(guide: Guide) -> Plan:
    p = sample_plan(guide)
    p = set_actual(p, "K01", 2024, 7, measured_on="2025-03-31", note="速報値")
    return set_status(p, "M01", 2024, "遅れ", "事業者の選定に時間を要した")


def _tables(doc) -> list[list[list[str]]]:
    return [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]


def test_docx_has_kpi_tables_by_year_and_statuses(tmp_path: Path, followed: Plan, guide: Guide) -> None:
    out = export_report(followed, guide, 2024, tmp_path / "r.docx", render_charts=False)
    doc = Document(str(out.path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "進捗状況報告（令和6年度）" in text
    assert "令和6年度の進捗の概要" in text and "計画期間の総括" in text
    tables = _tables(doc)
    k01 = next(
        t for t in tables if t[0] == ["年度", "目標値", "実績値", "測定日", "備考"] and "速報値" in str(t)
    )
    years = [r[0] for r in k01[1:]]
    assert years == [f"令和{n}年度" for n in range(2, 7)]
    r6 = k01[-1]
    assert r6[2] == "7手続" and r6[3] == "令和7年3月31日" and r6[4] == "速報値"
    assert r6[1] != "―"  # the target is printed beside the actual
    summary = next(t for t in tables if t[0][:4] == ["番号", "指標", "目標値", "実績値"])
    assert summary[1][0] == "K01" and "未達" in summary[1][4]  # off-track first
    status_rows = [r for t in tables for r in t if r and r[0] == "M01"]
    assert status_rows == [
        [
            "M01",
            followed.measure("M01").name,
            followed.measure("M01").department,
            "遅れ",
            "事業者の選定に時間を要した",
        ]
    ]


def test_every_chart_place_has_alt_text(followed: Plan, guide: Guide) -> None:
    root, charted = build_report_tree(followed, guide, 2024)
    places = [el for el in root.iter("chart")]
    assert len(places) == len(charted) == len(followed.kpis)


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_chart_pictures_carry_their_alt_text(tmp_path: Path, followed: Plan, guide: Guide) -> None:
    result = export_report(followed, guide, 2024, tmp_path / "r.docx")
    assert result.charts_placed == result.charts_total == len(followed.kpis)
    doc = Document(str(result.path))
    descr = [el.get("descr") for el in doc.element.body.iter(qn("wp:docPr"))]
    assert len(descr) == result.charts_total
    assert all(d and "目標値と実績値のグラフ" in d for d in descr)
    assert any("令和6年度は目標値" in d and "未達" in d for d in descr)


@pytest.mark.skipif(find_soffice() is None, reason="no LibreOffice")
def test_pdf(tmp_path: Path, followed: Plan, guide: Guide) -> None:
    out = export_report(followed, guide, 2024, tmp_path / "r.pdf", fmt="pdf", render_charts=False)
    assert out.path.read_bytes().startswith(b"%PDF")
