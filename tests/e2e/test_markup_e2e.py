"""Planner text shows as typed in real Chromium (issue 10, item 9): `$…$` is never KaTeX math,
and web or e-mail addresses in user text are not links, in the preview and in the history page.
Screenshots go to test-artifacts/markup/ (gitignored).
"""

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

MATH = "費用は$E=mc^2$と$x_1$"
URL = "https://example.com/tracker.png"
MAIL = "joho@town.example.lg.jp"


@pytest.fixture
def server(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, int]:
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    plan = sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)
    svc = PlanService(store, Actor.local())
    stored = svc.create(plan.model_copy(update={"title": "記号の計画"}))
    edited = stored.plan.model_copy(deep=True)
    edited.measures[0] = edited.measures[0].model_copy(
        update={"summary": f"{MATH} 詳細は {URL} と www.example.com、{MAIL} へ"}
    )
    svc.name_version(stored.id, stored.version, "作成時")  # kept, so the history has a change to show
    svc.save(stored.id, edited, expected_version=stored.version)
    store.engine.dispose()
    return app_server(db), stored.id


@pytest.mark.parametrize("page_name", ["preview", "history"])
def test_math_and_links_are_plain_text(
    server: tuple[str, int], app_page: Callable[..., Any], page_name: str
) -> None:
    from playwright.sync_api import expect

    url, plan_id = server
    app = app_page(url, "markup", height=900, settle_ms=80)
    page = app.page
    page.goto(f"{url}/{page_name}?plan={plan_id}")
    app.idle()
    # history: the default tab shows what changed since version 1, i.e. the edited summary;
    # preview: the export's own HTML, in an isolated frame
    if page_name == "preview":
        main = page.frame_locator("iframe").first.locator("body")
    else:
        main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("E=mc^2", exact=False).first).to_be_visible(timeout=20000)
    app.shot(page_name)
    assert main.locator(".katex, .katex-display, math").count() == 0
    # the text's own addresses stay text; the document's intended links (the plan's public URL and
    # contact address, which the export makes links on purpose) are not in the measure summary
    assert (
        main.locator('a[href*="tracker.png"], a[href*="www.example.com"], a[href*="joho@town"]').count() == 0
    )
    text = main.inner_text().replace("\u2060", "")  # the invisible word joiners that stop linking
    assert "$E=mc^2$" in text and URL in text and MAIL in text
