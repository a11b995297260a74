"""Issue 9 on the measures page, done as a person does it in real Chromium: type a measure's name,
then without leaving the field click straight into a fiscal year's 取組内容 and type at once; type
into a field and click a sidebar link without leaving it. Afterwards the database must hold every
typed text and nothing else changed.

The page used canvas table editors, which took a click's selection late and dropped the keys typed
right after it (on the KPI page 500 was stored as 0); its fields are now plain text fields.

Screenshots go to test-artifacts/measure_typing/ (gitignored).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_builder.auth.actor import Actor
from plan_builder.guide import get_guide
from plan_builder.plan import format_fiscal_year
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.browser
GUIDE = "kanmin-2019-municipality"
EDITOR = ".st-key-pb_schedule_editor"


@pytest.fixture
def planned(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str, int]:
    """A standalone server and a fully written sample plan (2 measures, each with its 工程)."""
    db = f"sqlite:///{tmp_path / 'measures.db'}"
    store = Store.open(db)
    plan = sample_plan(get_guide(GUIDE), lg_code="033227", lg_name="矢巾町", n_measures=2, n_kpis=2)
    plan_id = PlanService(store, Actor.local()).create(plan).id
    store.engine.dispose()
    return app_server(db), db, plan_id


def _stored(db: str, plan_id: int):
    store = Store.open(db, load_lgs=False)
    try:
        return store.get_plan(plan_id).plan
    finally:
        store.engine.dispose()


def _open_measures(page: Any, url: str, plan_id: int, idle: Callable[[], None]) -> Any:
    from playwright.sync_api import expect

    page.goto(f"{url}/measures?plan={plan_id}&measure=M01")
    expect(page.get_by_role("heading", name="個別施策")).to_be_visible(timeout=60_000)
    idle()
    editor = page.locator(EDITOR)
    expect(editor.get_by_label("施策名（必須）", exact=True)).to_be_visible(timeout=60_000)
    return editor


def _poll(db: str, plan_id: int, idle: Callable[[], None], done: Callable[[Any], bool]) -> Any:
    """The stored plan once `done(plan)` holds, or after 60 s (the caller asserts)."""
    deadline = time.monotonic() + 60
    plan = _stored(db, plan_id)
    while not done(plan) and time.monotonic() < deadline:
        idle()
        plan = _stored(db, plan_id)
    return plan


def _years(measure: Any) -> dict[int, str]:
    return {e.fy: e.activity for e in measure.schedule}


def test_name_then_a_year_typed_at_once_are_both_kept(
    planned: tuple[str, str, int], app_page: Callable[..., Any]
) -> None:

    url, db, plan_id = planned
    before = _stored(db, plan_id)
    m = before.measure("M01")
    fy = sorted(_years(m))[1]
    app = app_page(url, "measure_typing", height=1400, settle_ms=80)
    page, idle, shot = app.page, app.idle, app.shot
    editor = _open_measures(page, url, plan_id, idle)
    year = editor.get_by_label(f"{format_fiscal_year(fy)}の取組内容", exact=True)
    name = editor.get_by_label("施策名（必須）", exact=True)
    name.click()
    name.press("End")
    name.press_sequentially("（改）", delay=40)
    app.click_straight(year, name)  # straight from the name to the year, as a person does
    page.keyboard.press("Control+a")  # the year has an activity already: replace it
    page.keyboard.type("窓口で試行する", delay=40)
    page.keyboard.press("Enter")

    def both(plan: Any) -> bool:
        got = plan.measure("M01")
        return got.name == m.name + "（改）" and _years(got).get(fy) == "窓口で試行する"

    after = _poll(db, plan_id, idle, both)
    shot("name_then_year")
    got = after.measure("M01")
    assert got.name == m.name + "（改）"
    assert _years(got) == {**_years(m), fy: "窓口で試行する"}  # the other years untouched
    assert (got.summary, got.department, got.origin, got.kpi_keys) == (
        m.summary,
        m.department,
        m.origin,
        m.kpi_keys,
    )
    assert after.measure("M02") == before.measure("M02")


def test_typing_then_sidebar_link_keeps_the_text(
    planned: tuple[str, str, int], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, db, plan_id = planned
    before = _stored(db, plan_id)
    m = before.measure("M01")
    app = app_page(url, "measure_typing_sidebar", settle_ms=80)
    page, idle, shot = app.page, app.idle, app.shot
    editor = _open_measures(page, url, plan_id, idle)
    box = editor.get_by_label("概要", exact=True)
    box.click()
    box.press("Control+End")
    box.press_sequentially("庁内で順次広げる。", delay=40)
    page.locator('[data-testid="stSidebarNav"]').get_by_text("点検", exact=True).click()  # still in the field
    idle()
    shot("after_sidebar_click")
    # on 点検 at the first click: the link waits for the field's save (see test_typing_e2e)
    expect(page.get_by_role("heading", name="点検", exact=False).first).to_be_visible(timeout=30_000)
    after = _poll(db, plan_id, idle, lambda p: p.measure("M01").summary.endswith("庁内で順次広げる。"))
    got = after.measure("M01")
    assert got.summary == clean(m.summary + "庁内で順次広げる。")
    assert got.model_copy(update={"summary": m.summary}) == m  # nothing else changed
    assert after.measure("M02") == before.measure("M02")
    assert after.kpis == before.kpis and after.answers == before.answers
    # back on the page: the saved text is shown, nothing blanked
    editor = _open_measures(page, url, plan_id, idle)
    expect(editor.get_by_label("概要", exact=True)).to_have_value(got.summary)
    expect(editor.get_by_label("施策名（必須）", exact=True)).to_have_value(m.name)
    shot("back_on_measures")


def clean(text: str) -> str:
    from plan_builder.plan import clean_text

    return clean_text(text)
