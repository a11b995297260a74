"""Comments: who may write, reply, resolve and reopen; what the planner sees at a question."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.review.comments import CommentError, CommentService, _clean_body
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

LG = "033227"
PLANNER = Actor("yahaba", Role.PLANNER, org_code=LG)
REVIEWER = Actor("iwate", Role.REVIEWER, scope="03")
OTHER = Actor("tokyo", Role.REVIEWER, scope="13")


@pytest.fixture
def pid(store: Store, guide: Guide) -> int:
    plan_id = PlanService(store, PLANNER).create(sample_plan(guide, lg_code=LG, lg_name="矢巾町")).id
    ReviewService(store, PLANNER).submit(plan_id)
    ReviewService(store, REVIEWER).start_review(plan_id)
    return plan_id


def test_reviewer_comments_and_planner_sees_them_at_the_question(store: Store, pid: int) -> None:
    rc = CommentService(store, REVIEWER)
    c1 = rc.add(pid, question_key="current.issues", body="課題を具体的に書いてください。")
    c2 = rc.add(pid, chapter_key="security", body="章全体の記述が不足しています。")
    c3 = rc.add(pid, question_key="measures.kpis", item_key="K01", body="目標値の根拠は？")
    assert (c1.chapter_key, c1.round) == ("current", 1)
    pc = CommentService(store, PLANNER)
    at_q = pc.open_comments_for(pid, "current.issues")
    assert [c.id for c in at_q] == [c1.id]
    assert [c.id for c in pc.open_comments_for(pid, "security.cybersecurity")] == [c2.id]  # chapter-wide
    assert pc.open_comments_for(pid, "current.overview") == []
    by_key = pc.open_comments(pid)
    assert set(by_key) == {"current.issues", "security", "measures.kpis"}
    assert by_key["measures.kpis"][0].item_key == "K01" and by_key["measures.kpis"][0].id == c3.id
    assert CommentService(store, REVIEWER).open_counts() == {pid: 3}


def test_replies_resolve_and_reopen(store: Store, pid: int) -> None:
    rc, pc = CommentService(store, REVIEWER), CommentService(store, PLANNER)
    c = rc.add(pid, question_key="current.issues", body="具体的に。")
    r = pc.reply(c.id, "修正しました。")
    assert r.author == "yahaba"
    [top] = rc.comments(pid)
    assert [x.body for x in top.replies] == ["修正しました。"]
    with pytest.raises(PermissionDeniedError):
        pc.resolve(c.id)  # planners reply; reviewers decide
    done = rc.resolve(c.id)
    assert done.resolved and done.resolved_by == "iwate" and done.resolved_at is not None
    assert pc.open_comments_for(pid, "current.issues") == []
    assert CommentService(store, REVIEWER).open_counts() == {}
    assert len(rc.comments(pid)) == 1 and rc.comments(pid, include_resolved=False) == []
    again = rc.reopen(c.id)
    assert not again.resolved and again.resolved_by is None
    assert [x.id for x in pc.open_comments_for(pid, "current.issues")] == [c.id]
    with pytest.raises(CommentError):
        rc.resolve(r.id)  # a reply is not resolved on its own


def test_who_may_comment(store: Store, pid: int) -> None:
    with pytest.raises(PermissionDeniedError):
        CommentService(store, PLANNER).add(pid, question_key="current.issues", body="自分で書く")
    with pytest.raises(NotFoundError):
        CommentService(store, OTHER).add(pid, question_key="current.issues", body="範囲外")
    c = CommentService(store, REVIEWER).add(pid, question_key="current.issues", body="ok")
    with pytest.raises(NotFoundError):
        CommentService(store, Actor("x", Role.PLANNER, org_code="032018")).reply(c.id, "他団体")
    with pytest.raises(NotFoundError):
        CommentService(store, REVIEWER).resolve(9999)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"body": "   ", "question_key": "current.issues"}, "本文を入力"),
        ({"body": "あ" * 5001, "question_key": "current.issues"}, "5,000字以内"),
        ({"body": "x", "question_key": "Bad Key"}, "設問キー"),
        ({"body": "x"}, "章または設問"),
        ({"body": "x", "chapter_key": "security", "question_key": "current.issues"}, "章「security」"),
        ({"body": "x", "question_key": "current.issues", "item_key": "X1"}, "M01 や K01"),
    ],
)
def test_bad_comment_input_is_refused_with_a_japanese_message(
    store: Store, pid: int, kwargs: dict, message: str
) -> None:
    with pytest.raises(CommentError, match=message):
        CommentService(store, REVIEWER).add(pid, **kwargs)
    assert CommentService(store, REVIEWER).comments(pid) == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_comment_body_cleaning_never_keeps_control_characters(text: str) -> None:
    try:
        out = _clean_body(text)
    except CommentError:
        return
    assert out and out == out.strip()
    assert not any(ord(ch) < 0x20 and ch not in "\n\t" for ch in out)


def test_status_changes_and_comments_reach_the_audit_log(store: Store, pid: int) -> None:
    """Admins must be able to see who submitted, started the review and commented, and when."""
    from plan_builder.auth import audit

    plan_id = pid
    comment = CommentService(store, REVIEWER).add(
        plan_id, question_key="current.overview", body="数値の出典を"
    )
    CommentService(store, REVIEWER).resolve(comment.id)
    actions = [(e.action, e.actor) for e in audit.entries(store.engine, target=f"plan:{plan_id}", limit=1000)]
    assert ("plan.status", PLANNER.username) in actions  # submitted
    assert ("plan.status", REVIEWER.username) in actions  # review started
    assert ("plan.comment", REVIEWER.username) in actions
    assert ("plan.comment_resolve", REVIEWER.username) in actions


def test_audit_action_filter_is_exact_unless_it_ends_with_a_dot(store: Store, pid: int) -> None:
    from plan_builder.auth import audit

    comment = CommentService(store, REVIEWER).add(
        pid, question_key="current.overview", body="確認してください"
    )
    CommentService(store, REVIEWER).resolve(comment.id)
    assert {e.action for e in audit.entries(store.engine, action="plan.comment")} == {"plan.comment"}
    family = {e.action for e in audit.entries(store.engine, action="plan.")}
    assert {"plan.comment", "plan.comment_resolve", "plan.status"} <= family
