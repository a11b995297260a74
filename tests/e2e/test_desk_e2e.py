"""End to end in headless Chromium, shared mode: the prefecture's desk.

A 静岡県 reviewer sees all 35 municipalities (and the prefecture) on the status board with the
right statuses and sets a due date; approving 藤枝市's weak plan shows its open findings and
comments and needs the confirmation and a memo; 三島市's planner then sees the due date (set by the
reviewer's campaign) and the notice of the return on the home page. Screenshots go to test-artifacts/desk/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import get_guide
from plan_builder.plan.clock import today_jst
from plan_builder.review import CampaignService
from plan_builder.review.comments import CommentService
from plan_builder.store import Store
from tests.desk_support import EXPECTED, FUJIEDA, REVIEWER, seed_desk

PW = "harukaze-2026"
pytestmark = pytest.mark.browser


@pytest.fixture
def desk(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str, dict[str, int]]:
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("shizuoka-ken", role="reviewer", scope="22", password=PW, display_name="静岡県 デジタル戦略課")
    admin.add("mishima", role="planner", org_code="222062", password=PW, display_name="三島市 情報政策課")
    ids = seed_desk(store, guide)
    cs = CommentService(store, REVIEWER)
    for body in ("人口の推移を数値で示してください。", "課題と施策の対応を明らかにしてください。"):
        cs.add(ids[FUJIEDA], question_key="current.overview", body=body)
    due = today_jst() + timedelta(days=20)
    CampaignService(store, REVIEWER).create(
        title="令和8年度 計画の提出", due_date=due, note="期限までに提出してください。"
    )
    store.engine.dispose()
    return app_server(db, mode="shared"), db, ids


def _login(page, username: str) -> None:
    page.get_by_label("利用者名").fill(username)
    page.get_by_label("パスワード").fill(PW)
    page.get_by_role("button", name="ログイン").click()


def _status(db: str, pid: int) -> str:
    s = Store.open(db)
    try:
        return s.plan_meta(pid).status
    finally:
        s.engine.dispose()


def test_prefecture_desk(desk: tuple[str, str, dict[str, int]], app_page: Callable[..., Any]) -> None:
    from playwright.sync_api import expect

    url, db, ids = desk
    expect.set_options(timeout=60_000)  # a shared 2-core machine: the app's own idle state is awaited too
    app = app_page(url, "desk", width=1366, height=1000, full_page=True, timeout_ms=60_000)
    page, idle, shot = app.page, app.idle, app.shot

    # 1. The reviewer's board: 36 rows (35 municipalities + 静岡県), the right statuses.
    page.goto(f"{url}/review-board")
    expect(page.get_by_label("パスワード")).to_be_visible(timeout=60_000)
    _login(page, "shizuoka-ken")
    expect(page.get_by_role("heading", name="策定状況")).to_be_visible(timeout=60_000)
    idle()
    shot("board_loaded")
    expect(page.get_by_text("全36件", exact=False)).to_be_visible()
    metrics = page.get_by_test_id("stMetric")
    expect(metrics.filter(has_text="未着手")).to_contain_text("30")
    expect(metrics.filter(has_text="公表済")).to_contain_text("1")
    expect(metrics.filter(has_text="差戻し")).to_contain_text("1")
    expect(metrics.filter(has_text="提出済")).to_contain_text("2")
    shot("board")
    # the table (a canvas grid) is checked through the filter: each status narrows to its towns
    names = {"221007": "静岡市", "221309": "浜松市", "222038": "沼津市", "222054": "熱海市",
             "222062": "三島市", FUJIEDA: "藤枝市"}  # fmt: skip
    for code, label in EXPECTED.items():
        page.get_by_label("団体名・よみ・団体コード").fill(code)
        page.get_by_label("団体名・よみ・団体コード").press("Enter")
        idle()
        expect(page.get_by_text("全1件", exact=False)).to_be_visible()
        expect(metrics.filter(has_text=label)).to_contain_text("1")
        assert names[code]
    page.get_by_label("団体名・よみ・団体コード").fill("")
    page.get_by_label("団体名・よみ・団体コード").press("Enter")
    idle()

    # 2. The due date set for the round is on the board.
    expect(page.get_by_text("提出期限：令和8年度 計画の提出", exact=False)).to_be_visible()

    # 3. Approving 藤枝市: the open findings and comments are shown; confirmation and a memo needed.
    page.get_by_role("link", name="審査キュー").click()  # a new address would be a new session
    expect(page.get_by_role("heading", name="審査キュー")).to_be_visible(timeout=60_000)
    idle()
    page.get_by_label("審査する計画").click()
    page.get_by_role("option", name="藤枝市", exact=False).first.click()
    idle()
    page.get_by_role("button", name="承認する", exact=True).click()
    idle()
    box = page.locator("[class*='st-key-rv_confirm_']")
    expect(box.get_by_text("要対応の指摘（", exact=False)).to_be_visible()
    expect(box.get_by_text("未解決のコメント（2件）")).to_be_visible()
    expect(box.get_by_text("人口の推移を数値で示してください。", exact=False)).to_be_visible()
    expect(box.get_by_text("静岡県 デジタル戦略課", exact=False).first).to_be_visible()
    expect(box.get_by_role("listitem").filter(has_text="手引の記載例をそのまま写した設問")).to_be_visible()
    shot("approve_brief")
    page.get_by_role("button", name="承認する（確定）").click()
    idle()
    expect(page.get_by_text("「上記の内容を確認しました」にチェックを入れてください。")).to_be_visible()
    assert _status(db, ids[FUJIEDA]) == "in_review"
    page.get_by_text("上記の内容を確認しました", exact=True).click()
    idle()
    page.get_by_role("button", name="承認する（確定）").click()
    idle()
    expect(page.get_by_text("承認する理由をメモに記入してください。", exact=False).first).to_be_visible()
    assert _status(db, ids[FUJIEDA]) == "in_review"
    page.get_by_label("メモ（要対応の指摘が残っているため必須：承認する理由）").fill(
        "県が年度内の補完を支援します。"
    )
    page.get_by_role("button", name="承認する（確定）").click()
    idle()
    expect(page.get_by_text("藤枝市の計画を「承認」にしました。")).to_be_visible()
    assert _status(db, ids[FUJIEDA]) == "approved"
    shot("approved")

    # 4. 三島市's planner: the due date and the notice of the return on the home page.
    planner = app_page(url, "desk", width=1366, height=900, full_page=True, timeout_ms=60_000)
    ppage = planner.page
    ppage.goto(url)
    expect(ppage.get_by_label("パスワード")).to_be_visible(timeout=60_000)
    _login(ppage, "mishima")
    expect(ppage.get_by_text("提出期限：", exact=False).first).to_be_visible(timeout=60_000)
    planner.idle()
    expect(ppage.get_by_text("令和8年度 計画の提出", exact=False)).to_be_visible()
    expect(ppage.get_by_text("あと20日", exact=False)).to_be_visible()
    expect(ppage.get_by_text("計画が差し戻されました", exact=False)).to_be_visible()
    planner.shot("planner_home")
    ppage.get_by_role("button", name="既読にする").first.click()
    planner.idle()
    expect(ppage.get_by_text("計画が差し戻されました", exact=False)).to_have_count(0)
