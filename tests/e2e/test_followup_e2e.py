"""End to end in headless Chromium: a planner opens an adopted plan's 進捗管理, uploads a year's
actuals as CSV, sees the charts change (the off-track KPI's gap and its alt text), enters the
rows, and downloads the 年次報告 (.docx) whose KPI table carries the uploaded actuals.

Screenshots go to test-artifacts/followup/ (gitignored).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from plan_builder.auth.actor import Actor
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.browser
WAIT = 30000  # ms; the machine is shared, and idle() already waits for the app


@pytest.fixture
def server(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str, int]:
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    store = Store.open(db)
    plan = sample_plan(get_guide("kanmin-2019-municipality"))  # 2020–2024, actuals up to 2023
    plan_id = PlanService(store, Actor.local()).create(plan).id
    store.engine.dispose()
    return app_server(db), db, plan_id


def test_planner_uploads_actuals_sees_charts_change_and_downloads_report(
    server: tuple[str, str, int], app_page: Callable[..., Any], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    url, db, plan_id = server
    app = app_page(url, "followup", height=900, settle_ms=100)
    page, idle, shot = app.page, app.idle, app.shot

    page.goto(f"{url}/followup?plan={plan_id}")
    expect(page.get_by_text("進捗管理", exact=True).first).to_be_visible(timeout=30000)
    idle()
    k01 = page.locator(".st-key-kpi_K01")
    expect(k01.get_by_text("令和6年度の実績値は未入力です", exact=False)).to_be_visible(timeout=WAIT)
    shot("before_upload")

    # Upload a CSV: one good row that puts K01 behind its target, one bad row.
    csv_path = tmp_path / "actuals.csv"
    csv_path.write_text(
        "KPI番号,指標名,年度,実績値,単位,測定日,備考\r\n"
        "K01,,令和6年度,12,,2025-03-31,年度末集計\r\n"
        "K02,,令和6年度,たくさん,,,\r\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="一括入力").click()
    idle()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv_path))
    idle()
    expect(page.get_by_text("1行は取り込めません", exact=False)).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("1行を取り込めます", exact=False)).to_be_visible(timeout=WAIT)
    shot("bulk_preview")
    # A look at another tab keeps the checked file (the uploader itself forgets it).
    page.get_by_role("tab", name="年次報告").click()
    idle()
    page.get_by_role("tab", name="一括入力").click()
    idle()
    expect(page.get_by_text("前に選んだファイル「actuals.csv」の確認結果です", exact=False)).to_be_visible(
        timeout=WAIT
    )
    page.get_by_role("button", name="1行を取り込む").click()
    idle()

    # The chart area of K01 now shows the actual and the gap; off-track KPIs come first.
    page.get_by_role("tab", name="指標の実績").click()
    idle()
    expect(k01.get_by_text("実績値 12手続、差 −18手続（未達）", exact=False)).to_be_visible(timeout=WAIT)
    first = page.locator('[class*="st-key-kpi_"]').first
    expect(first).to_have_class(re.compile(r"st-key-kpi_K01"), timeout=WAIT)
    expect(k01.locator(".js-plotly-plot")).to_be_visible(timeout=WAIT)
    expect(k01.locator(".js-plotly-plot .annotation-text")).to_contain_text("差", timeout=WAIT)
    shot("after_upload")

    # Download the 年次報告.
    page.get_by_role("tab", name="年次報告").click()
    idle()
    page.get_by_role("button", name="年次報告（Word）を作成").click()
    idle()
    shot("after_make")
    button = page.get_by_role("button", name="年次報告（Word）をダウンロード")
    expect(button).to_be_visible(timeout=60000)
    shot("report_ready")
    with page.expect_download() as info:
        button.click()
    data = Path(info.value.path()).read_bytes()
    doc = Document(io.BytesIO(data))
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["令和6年度", "30手続", "12手続", "令和7年3月31日", "年度末集計"] in rows
    assert any("進捗状況報告（令和6年度）" in p.text for p in doc.paragraphs)


def test_text_typed_in_a_tab_survives_a_switch_to_another_tab(
    server: tuple[str, str, int], app_page: Callable[..., Any]
) -> None:
    """Only the open tab is drawn (issue 13): a note typed but not saved, then a click on another
    tab straight from the field, is still in the field when the tab opens again."""
    from playwright.sync_api import expect

    url, _, plan_id = server
    app = app_page(url, "followup_tabs", height=900, settle_ms=100)
    page, idle = app.page, app.idle
    page.goto(f"{url}/followup?plan={plan_id}")
    k01 = page.locator(".st-key-kpi_K01")
    expect(k01.get_by_label("備考")).to_be_visible(timeout=WAIT)
    idle()
    assert page.locator(".js-plotly-plot").count() <= 5
    k01.get_by_label("備考").fill("速報値で集計中")
    page.get_by_role("tab", name="施策の進捗").click()  # straight from the field, no Enter
    idle()
    expect(page.get_by_role("button", name="施策の進捗を保存")).to_be_visible(timeout=WAIT)
    assert page.locator(".js-plotly-plot").count() == 0
    page.get_by_role("tab", name="指標の実績").click()
    idle()
    expect(k01.get_by_label("備考")).to_have_value("速報値で集計中", timeout=WAIT)
