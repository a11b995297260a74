"""A sidebar link opened in a new tab shows the same plan (issue 13 walk-through).

Streamlit's sidebar links point at the bare page (`/check`); a middle-click or Ctrl+click opened
a new session with no `?plan=`, which showed 「計画が開かれていません」. The test opens a plan,
opens 「点検」 with a middle-click and 「個別施策」 with Ctrl+click into new pages of the same
browser context, and checks each shows the plan; a plain click still switches within the tab.
Screenshots go to test-artifacts/new_tab/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_builder.auth.actor import Actor
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from tests.e2e.conftest import IDLE

pytestmark = pytest.mark.browser
WAIT = 60_000


@pytest.fixture
def plan_db(tmp_path: Path) -> tuple[str, int, str]:
    url = f"sqlite:///{tmp_path / 'tabs.db'}"
    store = Store.open(url)
    guide = get_guide("kanmin-2019-municipality")
    svc = PlanService(store, Actor.local())
    svc.create(sample_plan(guide, n_measures=2, n_kpis=1))  # another plan: the new tab must not guess
    created = svc.create(
        sample_plan(guide, n_measures=3, n_kpis=2).model_copy(update={"title": "新しいタブの計画"})
    )
    store.engine.dispose()
    return url, created.id, "新しいタブの計画"


def test_sidebar_link_in_a_new_tab_keeps_the_plan(app_server, app_page, plan_db) -> None:
    from playwright.sync_api import expect

    url, pid, title = plan_db
    base = app_server(url)
    ap = app_page(base, "new_tab", width=1366, height=768, timeout_ms=WAIT)
    page = ap.page
    page.goto(f"{base}/wizard?plan={pid}")
    expect(page.get_by_text(title, exact=False).first).to_be_visible(timeout=WAIT)
    ap.idle()
    nav = page.get_by_test_id("stSidebarNav")

    for name, how, heading in (
        ("点検", {"button": "middle"}, "点検"),
        ("個別施策", {"modifiers": ["Control"]}, "個別施策"),
    ):
        with page.context.expect_page(timeout=WAIT) as opened:
            nav.get_by_role("link", name=name).click(**how)
        tab = opened.value
        tab.wait_for_selector(IDLE, timeout=WAIT)
        expect(tab.get_by_role("heading", name=heading).first).to_be_visible(timeout=WAIT)
        expect(tab.get_by_text(title, exact=False).first).to_be_visible(timeout=WAIT)
        expect(tab.get_by_text("計画が開かれていません")).to_have_count(0)
        assert f"plan={pid}" in tab.url, tab.url
        tab.screenshot(path=str(ap.artifacts / f"new_tab_{heading}.png"))
        tab.close()

    # a plain click still switches pages inside this tab, with the plan
    pages_before = len(page.context.pages)
    nav.get_by_role("link", name="工程表").click()
    expect(page.get_by_role("heading", name="工程表").first).to_be_visible(timeout=WAIT)
    ap.shot("same_tab")
    expect(page.get_by_text(title, exact=False).first).to_be_visible(timeout=WAIT)
    assert len(page.context.pages) == pages_before


def test_shared_mode_new_tab_is_signed_in_on_the_same_plan(app_server, app_page, tmp_path: Path) -> None:
    """Shared mode: the new tab signs in from the cookie and opens the plan the link names, with
    the planner's own permissions (another organisation's plan would be refused as in any address)."""
    from playwright.sync_api import expect

    from plan_builder.auth.actor import Role
    from plan_builder.auth.users import UserAdmin
    from tests.e2e.test_desk_e2e import PW, _login

    db = f"sqlite:///{tmp_path / 'shared_tabs.db'}"
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    UserAdmin(store, Actor("root", Role.ADMIN)).add("yahaba", role="planner", org_code="033227", password=PW)
    planner = Actor("yahaba", Role.PLANNER, org_code="033227")
    plan = sample_plan(guide, lg_code="033227", lg_name="矢巾町").model_copy(update={"title": "矢巾町の計画"})
    pid = PlanService(store, planner).create(plan).id
    store.engine.dispose()
    base = app_server(db, mode="shared")
    ap = app_page(base, "new_tab_shared", width=1366, height=768, timeout_ms=WAIT)
    page = ap.page
    page.goto(f"{base}/wizard?plan={pid}")
    expect(page.get_by_label("パスワード")).to_be_visible(timeout=WAIT)
    _login(page, "yahaba")
    expect(page.get_by_text("矢巾町の計画", exact=False).first).to_be_visible(timeout=WAIT)
    page.wait_for_function("document.cookie.includes('pb_session=')", timeout=WAIT)
    ap.idle()
    with page.context.expect_page(timeout=WAIT) as opened:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="点検").click(button="middle")
    tab = opened.value
    tab.wait_for_selector(IDLE, timeout=WAIT)
    expect(tab.get_by_role("heading", name="点検").first).to_be_visible(timeout=WAIT)
    expect(tab.get_by_text("矢巾町の計画", exact=False).first).to_be_visible(timeout=WAIT)
    expect(tab.get_by_label("パスワード")).to_have_count(0)
    tab.screenshot(path=str(ap.artifacts / "shared_new_tab.png"))
