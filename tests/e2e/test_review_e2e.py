"""End to end in headless Chromium: a reviewer returns a plan with a comment, the planner sees
it at the question, fixes it and resubmits, the reviewer sees the diff and approves.

Runs in shared mode signed in as an admin, who may act on both sides (standalone shows no review
pages: nobody reviews on a single PC), with a reviewer account for Iwate so that the plan can be
submitted to someone (issue 13). The planner sees the
comment in the wizard at its question and in the chapter list, and resubmits from the Check page
(the wizard's banner links there). Screenshots go to test-artifacts/review/ (gitignored).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import get_guide
from plan_builder.review.comments import CommentService
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

PW = "harukaze-2026"
COMMENT = "地域と行政の課題を、数値を挙げて具体的に記載してください。"
FIX = "窓口の平均待ち時間は42分で、来庁者の6割が平日の開庁時間に来られないと回答しています。"

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Path, app_server: Callable[..., str]) -> tuple[str, str, int]:
    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    planner = Actor("yahaba", Role.PLANNER, org_code="033227")
    pid = PlanService(store, planner).create(sample_plan(guide, lg_code="033227", lg_name="矢巾町")).id
    ReviewService(store, planner).submit(pid)
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("kanri", role="admin", password=PW)
    admin.add("iwate", role="reviewer", scope="03", password=PW)  # someone receives submissions
    store.engine.dispose()
    return app_server(db, mode="shared"), db, pid


def test_return_comment_fix_resubmit_diff_approve(
    server: tuple[str, str, int], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, db, pid = server
    app = app_page(url, "review", full_page=True)
    page, idle, shot = app.page, app.idle, app.shot

    def click(name: str) -> None:
        page.get_by_role("button", name=name, exact=True).first.click()
        idle()

    def confirm(button: str) -> None:
        """The guarded change: tick 「確認しました」 in the box that lists what is open, then go."""
        page.get_by_text("上記の内容を確認しました", exact=True).click()
        idle()
        click(button)

    def status() -> str:
        s = Store.open(db)
        try:
            return s.plan_meta(pid).status
        finally:
            s.engine.dispose()

    page.goto(url)
    expect(page.get_by_label("パスワード")).to_be_visible(timeout=60_000)
    page.get_by_label("利用者名").fill("kanri")
    page.get_by_label("パスワード").fill(PW)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_label("パスワード")).to_have_count(0, timeout=20_000)
    idle()
    page.wait_for_function("document.cookie.includes('pb_session=')", timeout=20_000)

    # 1. Reviewer: the queue lists the submission; start the review.
    page.goto(f"{url}/review-queue")
    expect(page.get_by_role("heading", name="審査キュー")).to_be_visible(timeout=20000)
    idle()
    expect(page.get_by_text("矢巾町　矢巾町官民データ活用推進計画", exact=False)).to_be_visible()
    shot("queue")
    click("確認を開始する")
    expect(page.get_by_text("矢巾町の計画を「確認中」にしました。")).to_be_visible()
    assert status() == "in_review"

    # 2. Comment on the question, then return the plan.
    page.get_by_label("コメントする箇所").click()
    page.keyboard.type("地域と行政の課題")
    page.get_by_role("option", name="地域と行政の課題", exact=False).first.click()
    idle()
    page.get_by_label("コメント", exact=True).fill(COMMENT)
    click("コメントを追加")
    expect(page.get_by_text("コメントを追加しました。")).to_be_visible()
    shot("commented")
    click("差し戻す")  # asked first, in a popover
    assert status() == "in_review"
    shot("return_asked")
    click("差し戻す（確定）")
    expect(page.get_by_text("矢巾町の計画を「差戻し」にしました。")).to_be_visible()
    assert status() == "returned"
    shot("returned")

    # 3. Planner: the comment is shown at the question; fix the answer and resubmit.
    page.goto(f"{url}/wizard?plan={pid}")
    expect(page.get_by_role("heading", name="計画の入力")).to_be_visible(timeout=20000)
    idle()
    expect(page.get_by_text(COMMENT).first).to_be_visible()
    expect(page.get_by_text("指摘1件").first).to_be_visible()  # the chapter list counts it
    expect(page.get_by_text("この計画は差し戻されています", exact=False)).to_be_visible()
    shot("planner_sees_comment")
    box = page.get_by_label("地域と行政の課題（必須）", exact=True)
    box.fill(FIX)
    box.press("Tab")
    idle()
    page.get_by_role("link", name="点検・提出の画面へ").click()
    expect(page.get_by_role("heading", name="提出・再提出")).to_be_visible(timeout=20000)
    idle()
    expect(page.get_by_text(COMMENT).first).to_be_visible()  # the check page lists it too
    click("再提出する")
    confirm("再提出する（確定）")  # the open comment and the copied examples are shown first
    expect(page.get_by_text("矢巾町の計画を「再提出」にしました（第2回）。").first).to_be_visible()
    assert status() == "resubmitted"
    shot("resubmitted")

    # 4. Reviewer: the diff shows the fix; approve.
    page.goto(f"{url}/review-diff")
    expect(page.get_by_role("heading", name="回次の差分")).to_be_visible(timeout=20000)
    idle()
    expect(page.get_by_text("地域と行政の課題", exact=False).first).to_be_visible()
    changed = page.get_by_text("平均待ち時間は42分", exact=False).first
    expect(changed).to_be_visible()
    # the diff interleaves deletions with the kept text; without them it reads as the fix
    new_text = changed.locator("xpath=ancestor-or-self::p[1]").evaluate(
        "el => { const c = el.cloneNode(true); c.querySelectorAll('del').forEach(d => d.remove());"
        " return c.textContent; }"
    )
    assert FIX in new_text
    shot("diff")
    click("確認を開始する")
    click("承認する")
    confirm("承認する（確定）")
    expect(page.get_by_text("矢巾町の計画を「承認」にしました。").first).to_be_visible()
    assert status() == "approved"
    shot("approved")

    store = Store.open(db)
    try:
        admin = Actor("admin", Role.ADMIN)
        hist = ReviewService(store, admin).history(pid)
        assert [t.to_status.value for t in hist] == [
            "submitted", "in_review", "returned", "resubmitted", "in_review", "approved",
        ]  # fmt: skip
        frozen = ReviewService(store, admin).submitted_plan(pid, 2).plan
        assert frozen.answers["current.issues"] == FIX
        [c] = CommentService(store, admin).comments(pid)
        assert c.body == COMMENT and c.question_key == "current.issues"
    finally:
        store.engine.dispose()
