"""The preview and the export page in real Chromium: the preview shows the document's own
tables (番号 columns, the 工程表 with its shaded cells, the KPI year tables) with no literal
markup, and hostile text in the plan stays text. Screenshots go to test-artifacts/preview/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_builder.auth.actor import Actor
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.browser

HOSTILE = "<b>太字</b><br>改行 &amp;"


@pytest.fixture
def server(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, int]:
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    plan = sample_plan(guide, n_measures=6, n_kpis=4)
    kpis = list(plan.kpis)
    kpis[0] = kpis[0].model_copy(update={"name": HOSTILE})
    pid = PlanService(store, Actor.local()).create(plan.model_copy(update={"kpis": kpis})).id
    store.engine.dispose()
    return app_server(db), pid


def test_preview_shows_document_tables_without_markup(
    server: tuple[str, int], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, pid = server
    app = app_page(url, "preview", height=900, full_page=True)
    page = app.page
    page.goto(f"{url}/preview?plan={pid}")
    app.idle()
    frame = page.frame_locator("iframe").first
    doc = frame.locator("body")
    expect(doc.locator("h1").first).to_be_visible()
    expect(doc.locator("table caption", has_text="工程表")).to_have_count(1)
    schedule = doc.locator("table", has=frame.locator("caption", has_text="工程表"))
    assert schedule.locator("td[style*=background]").count() >= 6  # phases as shaded cells
    assert doc.locator("th", has_text="番号").count() >= 3
    text = doc.inner_text()
    assert HOSTILE in text  # typed text, shown as typed
    text = text.replace(HOSTILE, "")
    assert "<br>" not in text and "|---|" not in text and "**" not in text
    assert doc.locator("b, i, script").count() == 0
    app.shot("preview")
    doc.locator(
        "table", has=frame.locator("caption", has_text="年度別の値")
    ).first.scroll_into_view_if_needed()
    app.shot("kpi_years")
    schedule.scroll_into_view_if_needed()
    app.shot("schedule")
