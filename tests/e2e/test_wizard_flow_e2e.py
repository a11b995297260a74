"""End to end in headless Chromium (issue 13): a planner inserts a 記載例 under their own text and
undoes it; Tab from the field then Enter only asks; the next chapter opens at its top; 点検's
「修正する」 opens the question scrolled into view and highlighted; the 工程 typed into the
measures page's editor box, one field per year, is drawn on the 工程表.

Screenshots go to test-artifacts/wizard_flow/ (gitignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import get_guide
from plan_builder.plan import edit, format_fiscal_year
from plan_builder.plan.model import PlanPeriod
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.browser
WAIT = 30000  # ms; the machine is shared, and idle() already waits for the app
OVERVIEW = "地域の現状（必須）"
MINE = "矢巾町は県のほぼ中央に位置しています。"


@pytest.fixture
def server(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str, int]:
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    plan = new_plan(store.local_government("033227"), guide)
    plan = plan.model_copy(update={"period": PlanPeriod(start_fy=2026, end_fy=2030), "pillars": ["online"]})
    plan = edit.add_measure(plan, guide, pillar="online", name="電子申請の拡大")
    plan = edit.add_measure(plan, guide, pillar="online", name="窓口のキャッシュレス化")
    plan_id = PlanService(store, Actor.local()).create(plan).id
    store.engine.dispose()
    return app_server(db), db, plan_id


def stored(db: str, plan_id: int):
    store = Store.open(db)
    try:
        return store.get_plan(plan_id).plan
    finally:
        store.engine.dispose()


def test_examples_undo_navigation_highlight_and_schedule(
    server: tuple[str, str, int], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, db, plan_id = server
    app = app_page(url, "wizard_flow", height=768, settle_ms=100, timeout_ms=WAIT)
    page, idle, shot = app.page, app.idle, app.shot
    main_top = "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop"

    page.goto(f"{url}/wizard?plan={plan_id}")
    expect(page.get_by_role("heading", name="第1章", exact=False).first).to_be_visible(timeout=WAIT)
    idle()

    # 1. Type, leave the field with Tab: saved, and the sign says so beside the field.
    box = page.get_by_label(OVERVIEW, exact=True)
    box.fill(MINE)
    box.press("Tab")
    idle()
    expect(page.get_by_text("保存しました（版2）", exact=False)).to_be_visible(timeout=WAIT)
    # Tab lands on 「記載例を挿入」; Enter there only asks, the planner's text stays.
    assert page.evaluate("document.activeElement.innerText").strip() == "記載例を挿入"
    page.keyboard.press("Enter")
    idle()
    expect(page.get_by_text("入力欄にはすでに文章があります。記載例をどうしますか。")).to_be_visible(
        timeout=WAIT
    )
    expect(box).to_have_value(MINE)
    assert stored(db, plan_id).answers["current.overview"] == MINE
    shot("example_asks")

    # 2. Append below, then undo in one step.
    page.get_by_role("button", name="下に追加する").click()
    idle()
    appended = stored(db, plan_id).answers["current.overview"]
    assert appended.startswith(MINE + "\n\n本町") and len(appended) > len(MINE) + 20
    expect(box).to_have_value(appended)
    shot("example_appended")
    page.get_by_role("button", name="元に戻す").click()
    idle()
    expect(box).to_have_value(MINE)
    assert stored(db, plan_id).answers["current.overview"] == MINE
    shot("example_undone")

    # 3. The next chapter opens at its top.
    next_button = page.get_by_role("button", name="第2章へ →")
    next_button.scroll_into_view_if_needed()
    assert page.evaluate(main_top) > 200
    next_button.click()
    idle()
    expect(page.get_by_role("heading", name="第2章", exact=False).first).to_be_visible(timeout=WAIT)
    page.wait_for_function(f"({main_top})() === 0", timeout=WAIT)
    shot("chapter2_at_top")

    # 4. 点検 → 修正する on a chapter-3 finding: that question, in view and highlighted.
    page.get_by_role("link", name="点検").first.click()
    idle()
    chapter3 = page.locator('[data-testid="stExpander"]').filter(has_text="第3章")
    chapter3.get_by_role("button", name="修正する").first.click()
    idle()
    expect(page.get_by_role("heading", name="第3章", exact=False).first).to_be_visible(timeout=WAIT)
    focused = page.locator(".st-key-pb_focused_question")
    expect(focused).to_have_count(1)
    expect(focused.get_by_text("点検で指摘された設問")).to_be_visible()
    expect(focused).to_be_in_viewport(timeout=WAIT)
    assert page.evaluate(main_top) > 0  # scrolled down to it, not left at the top
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    shot("fix_highlighted")

    # 5. 工程表 without 工程 explains; its button opens the editor box; typed 工程 is drawn.
    page.get_by_role("link", name="工程表").first.click()
    idle()
    expect(
        page.get_by_text("どの施策にも年度ごとの取組（工程）がまだ入力されていない", exact=False)
    ).to_be_visible(timeout=WAIT)
    assert page.locator(".js-plotly-plot").count() == 0
    shot("schedule_empty_explained")
    page.get_by_role("button", name="M01 の工程を入力する（個別施策）").click()
    idle()
    editor = page.locator(".st-key-pb_schedule_editor")
    expect(editor).to_be_in_viewport(timeout=WAIT)
    shot("schedule_editor")
    for fy, text in ((2026, "検討・設計"), (2028, "運用開始")):
        # one plain field per year (the canvas table it replaced dropped keys typed after a click)
        field = editor.get_by_label(f"{format_fiscal_year(fy)}の取組内容", exact=True)
        field.click()
        field.press_sequentially(text, delay=30)
        field.press("Enter")
        idle()
    # the app says it has both (a run that starts late on a loaded machine is waited for), and
    # it is still on M01 after saving
    expect(editor.get_by_text("入力済み：2/5年度")).to_be_visible(timeout=WAIT)
    schedule = stored(db, plan_id).measure("M01").schedule
    assert [(e.fy, e.activity) for e in schedule] == [(2026, "検討・設計"), (2028, "運用開始")]
    shot("schedule_entered")
    page.get_by_role("link", name="工程表").first.click()
    idle()
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("M02 窓口のキャッシュレス化", exact=False)).to_be_visible()
    shot("schedule_drawn", full=True)
    # 6. The measures overview: the column beside the name says how much 工程 each measure has.
    page.get_by_role("link", name="個別施策").first.click()
    idle()
    expect(page.get_by_role("heading", name="オンライン化原則", exact=False).first).to_be_visible(
        timeout=WAIT
    )
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=WAIT)
    shot("measures_table")
