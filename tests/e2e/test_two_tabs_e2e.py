"""Issue 9, sequence 6, in real Chromium: two tabs of one browser edit the same plan. Different
fields are merged; the same field is a conflict shown at the field with both texts and a choice;
nothing is silently overwritten. Screenshots go to test-artifacts/two_tabs/ (gitignored)."""

from __future__ import annotations

import time
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


@pytest.fixture
def planned(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str, int]:
    db = f"sqlite:///{tmp_path / 'tabs.db'}"
    store = Store.open(db)
    plan = sample_plan(get_guide("kanmin-2019-municipality"), lg_code="033227", lg_name="矢巾町")
    plan_id = PlanService(store, Actor.local()).create(plan).id
    store.engine.dispose()
    return app_server(db), db, plan_id


def _answers(db: str, plan_id: int) -> dict:
    store = Store.open(db, load_lgs=False)
    try:
        return store.get_plan(plan_id).plan.answers
    finally:
        store.engine.dispose()


def _saved(db: str, plan_id: int, key: str, text: str, timeout: float = 60) -> dict:
    """The stored answers once `key` holds `text` (a loaded machine may start the save's run
    after idle() has returned: the database was once read before it); the last ones otherwise."""
    deadline = time.monotonic() + timeout
    while (answers := _answers(db, plan_id)).get(key) != text and time.monotonic() < deadline:
        time.sleep(0.5)
    return answers


def _replace(app: Any, label: str, text: str) -> None:
    box = app.page.get_by_label(label, exact=True)
    box.click()
    box.press("Control+a")
    box.press_sequentially(text, delay=20)
    box.press("Control+Enter")
    app.idle()


def test_two_tabs_merge_and_conflict_at_the_field(
    planned: tuple[str, str, int], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, db, plan_id = planned
    tab_a = app_page(url, "two_tabs")
    tab_b = app_page(url, "two_tabs")
    for tab in (tab_a, tab_b):
        tab.page.goto(f"{url}/wizard?plan={plan_id}")
        expect(tab.page.get_by_role("heading", name="計画の入力")).to_be_visible(timeout=60_000)
        tab.idle()
    _replace(tab_b, "地域の現状（必須）", "タブBで書いた現状")
    _saved(db, plan_id, "current.overview", "タブBで書いた現状")
    _replace(tab_a, "地域と行政の課題（必須）", "タブAで書いた課題")  # another field: merged
    answers = _saved(db, plan_id, "current.issues", "タブAで書いた課題")
    assert answers["current.overview"] == "タブBで書いた現状"
    assert answers["current.issues"] == "タブAで書いた課題"

    _replace(tab_b, "これまでの情報化の取組（推奨）", "タブBの取組")
    _saved(db, plan_id, "current.initiatives", "タブBの取組")
    _replace(tab_a, "これまでの情報化の取組（推奨）", "タブAの取組")  # the same field: a conflict
    expect(tab_a.page.get_by_text("同じ欄を同時に変更しました", exact=False)).to_be_visible()
    assert _answers(db, plan_id)["current.initiatives"] == "タブBの取組"  # not overwritten
    expect(tab_a.page.get_by_text("タブBの取組", exact=True)).to_be_visible()
    expect(tab_a.page.get_by_label("これまでの情報化の取組（推奨）", exact=True)).to_have_value("タブAの取組")
    tab_a.shot("conflict_at_the_field")
    tab_a.page.get_by_role("button", name="この入力を残す").click()
    tab_a.idle()
    assert _saved(db, plan_id, "current.initiatives", "タブAの取組")["current.initiatives"] == "タブAの取組"
    expect(tab_a.page.get_by_text("同じ欄を同時に変更しました", exact=False)).to_have_count(0)
