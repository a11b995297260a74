"""The prefecture's summary report (docx and xlsx) and the measure coverage."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from plan_builder.guide import Guide
from plan_builder.review import SummaryService, summary_docx, summary_xlsx
from plan_builder.review.measure_coverage import (
    MEASURE_HEADER,
    MEASURE_PATHS,
    measure_records,
    national_matrix,
)
from plan_builder.review.snapshots import SnapshotService
from plan_builder.store import Store
from tests.desk_support import REVIEWER, seed_desk


def test_summary_report_structure(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    s = SummaryService(store, REVIEWER).build(guide)
    assert s.area == "静岡県" and len(s.board) == 36
    status = {r[0]: r[1] for r in s.status_rows}
    assert status["未着手"] == 30 and status["公表済"] == 1 and status["（策定状況）策定済"] == 2
    assert s.plans_read == 5  # the draft (熱海市) is not read
    assert any(r[1] == 5 for r in s.pillar_rows) and s.kpi_rows
    wb = load_workbook(io.BytesIO(summary_xlsx(s)))
    assert wb.sheetnames == ["状況別の団体数", "団体別の策定状況", "柱", "国の施策", "KPIの概況", "凡例"]
    assert wb["団体別の策定状況"].max_row == 37
    doc = Document(io.BytesIO(summary_docx(s, guide)))
    styles = [p.style.name for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["策定の状況", "団体別の状況", "計画の内容"]
    assert "Title" in styles and len(doc.tables) >= 4
    assert doc.tables[1].rows[0].cells[0].text == "団体名" and len(doc.tables[1].rows) == 37
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "36団体のうち、計画を策定済みの団体は2団体" in text


def test_measure_matrix_and_one_row_per_measure(store: Store, guide: Guide) -> None:
    ids = seed_desk(store, guide)
    snaps = SnapshotService(store, REVIEWER).load(paths=MEASURE_PATHS)
    m = national_matrix(snaps, guide)
    assert len(m.rows) == 5 and m.measures
    taken = [row for row in m.summary() if row[1]]
    assert taken and all(c <= 5 for _, c, _ in taken)
    recs = m.records()
    assert all(len(r) == len(m.header()) for r in recs)
    rows = measure_records(snaps, guide)
    assert rows and all(len(r) == len(MEASURE_HEADER) for r in rows)
    assert {r[0] for r in rows} <= set(ids.values())
    assert all("年度" in r[-1] for r in rows if r[-1])
