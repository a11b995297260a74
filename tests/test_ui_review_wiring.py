"""The reviewer workflow inside the planner's app (AppTest): open comments at their question and
at the top of their chapter, counts in the chapter list, replies, and 提出・再提出 on the Check
page, which reloads the plan so the tab does not turn stale."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import open_app

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.review.comments import CommentService
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui.pages.wizard import chapter_counts, place_comments

WIZARD = "plan_builder/ui/pages/wizard.py"
CHECK = "plan_builder/ui/pages/check.py"
HOME = "plan_builder/ui/pages/home.py"
PLANNER = Actor("yahaba", Role.PLANNER, org_code="033227")
REVIEWER = Actor("iwate", Role.REVIEWER, scope="03")
ON_ISSUES = "課題を数値で示してください。"
ON_CHAPTER = "第1章全体として、現状と課題の対応が分かるように整理してください。"
ON_PILLARS = "取り組む柱の選び方の理由を書き添えてください。"


@pytest.fixture(autouse=True)
def _sqlite_only(db_url: str, app_env: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")


@pytest.fixture
def returned(store: Store, guide: Guide) -> int:
    """A submitted plan the reviewer returned with comments on a question, a chapter and another
    chapter's question; the chapter comment already has a reply."""
    pid = PlanService(store, PLANNER).create(sample_plan(guide, lg_code="033227", lg_name="矢巾町")).id
    ReviewService(store, PLANNER).submit(pid)
    rs = ReviewService(store, REVIEWER)
    rs.start_review(pid)
    cs = CommentService(store, REVIEWER)
    cs.add(pid, question_key="current.issues", body=ON_ISSUES)
    chapter = cs.add(pid, chapter_key="current", body=ON_CHAPTER)
    cs.add(pid, question_key="policy.pillars", body=ON_PILLARS)
    CommentService(store, PLANNER).reply(chapter.id, "次の提出で整理します。")
    rs.return_plan(pid)
    return pid


def _md(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.fixture
def shared(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Shared mode with the planner's account, so the pages act as a real planner (not admin)."""
    from argon2 import PasswordHasher

    from plan_builder.auth import passwords
    from plan_builder.auth.users import UserAdmin

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("yahaba", role="planner", org_code="033227", password="harukaze-2026")
    admin.add("iwate", role="reviewer", scope="03", password="harukaze-2026")  # receives submissions


def test_comments_are_shown_where_they_apply(store: Store, returned: int, guide: Guide) -> None:
    at = open_app(returned, WIZARD)
    md = _md(at)
    assert ON_ISSUES in md and ON_CHAPTER in md and "この章全体へのコメント" in md
    assert md.count(ON_CHAPTER) == 1  # a chapter-wide comment is shown once, not at every question
    assert ON_PILLARS not in md  # another chapter's comment waits for its step
    assert "次の提出で整理します。" in md  # replies are shown under the comment
    assert any("差し戻されています" in w.value and "3件" in w.value for w in at.warning)
    labels = at.radio[0].options
    current = next(o for o in labels if "第1章" in o)
    policy = next(o for o in labels if "第5章" in o)
    assert "指摘2件" in current and "指摘1件" in policy
    assert not any("指摘" in o for o in labels if o not in (current, policy))
    at.radio[0].set_value("policy").run()
    assert ON_PILLARS in _md(at) and ON_ISSUES not in _md(at)


def test_the_comment_sits_in_its_question_box(store: Store, returned: int) -> None:
    at = open_app(returned, WIZARD)
    order = [
        ("comment" if ON_ISSUES in str(e.value) else e.label)
        for e in at.main
        if e.type in ("markdown", "text_area") and (e.type == "text_area" or ON_ISSUES in str(e.value))
    ]
    # after the first question's field, before the field of the question it concerns
    assert (
        order.index("地域の現状（必須）") < order.index("comment") < order.index("地域と行政の課題（必須）")
    )


def test_planner_replies_at_the_question(store: Store, returned: int, shared: None) -> None:
    at = open_app(returned, WIZARD, username="yahaba")
    [comment] = [c for c in CommentService(store, PLANNER).comments(returned) if c.body == ON_ISSUES]
    labels = [b.label for b in at.button]
    assert "解決済みにする" not in labels  # planners reply; reviewers resolve
    at.text_input(key=f"rv_reply_{comment.id}").input("待ち時間の実測値を追記しました。")
    at.button(key=f"rv_reply_btn_{comment.id}").click().run()
    assert not at.exception
    [again] = [c for c in CommentService(store, PLANNER).comments(returned) if c.id == comment.id]
    assert [(r.author, r.body) for r in again.replies] == [("yahaba", "待ち時間の実測値を追記しました。")]
    assert "待ち時間の実測値を追記しました。" in _md(at)
    assert not again.resolved


def test_resubmit_from_the_check_page_reloads_the_plan(store: Store, returned: int, shared: None) -> None:
    at = open_app(returned, CHECK, username="yahaba")
    md = _md(at)
    assert "審査担当者からのコメント（未解決 3件）" in md and ON_PILLARS in md
    assert "状態：**差戻し**" in md
    labels = [b.label for b in at.button]
    assert "再提出する" in labels and "承認する" not in labels  # only the planner's side
    next(b for b in at.button if b.label == "再提出する").click().run()
    assert not at.exception
    # the confirmation box lists the open comments; nothing changes until it is confirmed
    assert "未解決のコメント（" in "\n".join(m.value for m in at.markdown)
    next(b for b in at.button if b.label == "再提出する（確定）").click().run()
    assert any("確認しました」にチェック" in e.value for e in at.error)
    next(c for c in at.checkbox if c.label == "上記の内容を確認しました").check().run()
    next(b for b in at.button if b.label == "再提出する（確定）").click().run()
    assert not at.exception
    assert store.plan_meta(returned).status == "resubmitted"
    assert any("矢巾町の計画を「再提出」にしました（第2回）。" in s.value for s in at.success)
    assert "状態：**再提出**" in _md(at)
    # the tab holds the new version: editing goes on without a stale-tab banner
    at.switch_page(WIZARD).run()
    before = store.plan_meta(returned).version
    next(t for t in at.text_area if t.label.startswith("地域と行政の課題")).input(
        "課題を数値で書き直しました。"
    ).run()
    assert not any("別のタブで更新されています" in e.value for e in at.error)
    assert store.plan_meta(returned).version == before + 1
    assert store.get_plan(returned).plan.answers["current.issues"] == "課題を数値で書き直しました。"


def test_comment_button_on_the_check_page_opens_the_question(store: Store, returned: int) -> None:
    at = open_app(returned, CHECK)
    [comment] = [c for c in CommentService(store, PLANNER).comments(returned) if c.body == ON_PILLARS]
    at.button(key=f"fixc:{comment.id}").click().run()
    assert not at.exception
    assert "##### 第5章 施策の基本的な方針" in _md(at) and ON_PILLARS in _md(at)


def test_home_shows_status_and_open_comments(store: Store, returned: int) -> None:
    at = open_app(returned, HOME)
    md = _md(at)
    assert "審査の状況：**差戻し**" in md and "未解決のコメント3件" in md
    assert "コメント3件" in md  # also in the plan list


def test_placement_of_comments_for_questions_the_guide_no_longer_has(
    store: Store, returned: int, guide: Guide
) -> None:
    cs = CommentService(store, REVIEWER)
    cs.add(returned, question_key="current.retired_question", body="古い設問へのコメント")
    cs.add(returned, chapter_key="retired_chapter", body="古い章へのコメント")
    placed = place_comments(guide, cs.open_comments(returned))
    assert {c.body for c in placed["current"]} == {ON_CHAPTER, "古い設問へのコメント", "古い章へのコメント"}
    assert [c.body for c in placed["current.issues"]] == [ON_ISSUES]
    counts = chapter_counts(guide, placed)
    assert counts["current"] == 4 and counts["policy"] == 1 and sum(counts.values()) == 5


def test_a_planner_creates_plans_for_their_own_organisation_only(store: Store, shared: None) -> None:
    """The form offered all 1,788 local governments to a planner and refused the pick only on
    作成; now it names the planner's own organisation and asks nothing else."""
    at = open_app(None, None, username="yahaba")
    assert not [t for t in at.text_input if t.label.startswith("団体を検索")]
    assert not [s for s in at.selectbox if s.label == "都道府県で絞り込む"]
    assert any("矢巾町" in c.value and "市町村版の手引を使います" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "作成して入力を始める").click().run()
    assert not at.exception and not at.error
    assert [p.lg_code for p in store.list_plans()] == ["033227"]
