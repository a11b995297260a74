"""End to end in headless Chromium, shared mode: a due date set through the review desk's form.

The 静岡県 reviewer opens 「提出期限」 on the status board and sets a due date (yesterday, so the
round is already late) with a note; the board then warns about the overdue governments and its
「提出期限を過ぎた団体のみ」 filter keeps them, 三島市 (returned, not resubmitted) among them and
沼津市 (submitted) not. 三島市's planner sees the date, how late it is, the note and the notice of
the return on the home page. Screenshots go to test-artifacts/due_date/ and due_date_planner/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import get_guide
from plan_builder.plan.clock import today_jst
from plan_builder.plan.fiscal import format_date
from plan_builder.review import CampaignService
from plan_builder.store import Store
from tests.desk_support import REVIEWER, seed_desk
from tests.e2e.test_desk_e2e import PW, _login

pytestmark = pytest.mark.browser
TITLE = "令和8年度 計画の再提出"
NOTE = "差戻しを受けた団体は修正して再提出してください。"
# 35 municipalities: 29 not started + 熱海市 (drafting) + 三島市 (returned) are late (静岡県 itself is not
# called by its own campaign); the rest have submitted
OVERDUE = 31


@pytest.fixture
def desk_without_deadline(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str]:
    """The desk of test_desk_e2e, with no campaign yet: the reviewer sets it in the browser."""
    db = f"sqlite:///{tmp_path / 'due.db'}"
    store = Store.open(db)
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("shizuoka-ken", role="reviewer", scope="22", password=PW, display_name="静岡県 デジタル戦略課")
    admin.add("mishima", role="planner", org_code="222062", password=PW, display_name="三島市 情報政策課")
    seed_desk(store, get_guide("kanmin-2019-municipality"))
    store.engine.dispose()
    return app_server(db, mode="shared"), db


def test_reviewer_sets_a_due_date_and_the_planner_sees_it(
    desk_without_deadline: tuple[str, str], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, db = desk_without_deadline
    due = today_jst() - timedelta(days=1)
    expect.set_options(timeout=60_000)  # a shared 2-core machine
    app = app_page(url, "due_date", width=1366, height=1000, full_page=True, timeout_ms=60_000)
    page, idle, shot = app.page, app.idle, app.shot

    page.goto(f"{url}/review-board")
    expect(page.get_by_label("パスワード")).to_be_visible(timeout=60_000)
    _login(page, "shizuoka-ken")
    expect(page.get_by_role("heading", name="策定状況")).to_be_visible(timeout=60_000)
    idle()
    expect(page.get_by_text("提出期限を過ぎても提出されていない団体が", exact=False)).to_have_count(0)

    # 1. The form: name, date (typed as the widget shows it), note.
    page.get_by_text("提出期限：なし", exact=True).click()
    form = page.get_by_test_id("stForm")
    expect(form).to_be_visible()
    form.get_by_label("名称").fill(TITLE)
    # the date field is three spin buttons (年, 月, 日 once the app has put them into Japanese);
    # typing moves from one to the next
    form.get_by_role("spinbutton", name=re.compile(r"^(年、|year, )提出期限")).click()
    page.keyboard.type(due.strftime("%Y%m%d"))
    form.get_by_label("メモ（任意。計画担当者のホーム画面に表示されます）").fill(NOTE)
    shot("form_filled")
    form.get_by_role("button", name="提出期限を設定する").click()
    idle()
    expect(page.get_by_text(f"提出期限「{TITLE}」（{format_date(due)}まで）を設定しました。")).to_be_visible()
    store = Store.open(db)
    try:
        [c] = CampaignService(store, REVIEWER).campaigns()
    finally:
        store.engine.dispose()
    assert (c.title, c.due_date, c.pref_code, c.note) == (TITLE, due, "22", NOTE)

    # 2. The board: the warning, and the overdue filter keeps the late governments only.
    expect(
        page.get_by_text(f"提出期限を過ぎても提出されていない団体が{OVERDUE}団体あります。")
    ).to_be_visible()
    expect(page.get_by_text(f"提出期限：{TITLE}（{format_date(due)}まで）", exact=True)).to_be_visible()
    shot("board_with_due_date")
    page.get_by_text("提出期限を過ぎた団体のみ", exact=True).click()
    idle()
    expect(page.get_by_text(f"全{OVERDUE}件", exact=False)).to_be_visible()
    page.get_by_test_id("stDataFrame").scroll_into_view_if_needed()
    shot("overdue_table", full=False)
    search = page.get_by_label("団体名・よみ・団体コード")
    # 三島市 (returned) is late; 沼津市 (submitted) and 静岡県 (not called by its own campaign) are not
    for code, shown in (("222062", 1), ("222038", 0), ("220001", 0)):
        search.fill(code)
        search.press("Enter")
        idle()
        if shown:
            expect(page.get_by_text("全1件", exact=False)).to_be_visible()
        else:
            expect(page.get_by_text("条件に合う団体はありません。")).to_be_visible()
    shot("overdue_filter")

    # 3. 三島市's planner: the date, how late, the note and the notice of the return.
    planner = app_page(url, "due_date_planner", width=1366, height=900, full_page=True, timeout_ms=60_000)
    ppage = planner.page
    ppage.goto(url)
    expect(ppage.get_by_label("パスワード")).to_be_visible(timeout=60_000)
    _login(ppage, "mishima")
    desk = ppage.locator(".st-key-pd_desk")
    expect(desk).to_be_visible(timeout=60_000)
    planner.idle()
    expect(desk.get_by_text(f"提出期限：{format_date(due)}", exact=False)).to_be_visible()
    expect(desk.get_by_text("1日超過", exact=False)).to_be_visible()
    expect(desk.get_by_text(TITLE, exact=False)).to_be_visible()
    expect(desk.get_by_text(NOTE, exact=False)).to_be_visible()
    expect(desk.get_by_text("計画が差し戻されました", exact=False)).to_be_visible()
    planner.shot("planner_home")
