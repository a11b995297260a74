"""Guarded approval and submission: open findings, comments and flags are shown and confirmed;
approving with open 要対応 findings needs a memo; every change has a message."""

from __future__ import annotations

import pytest

from plan_builder.errors import InvalidTransitionError
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.review import CommentService, ConfirmationRequired, GuardService, ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from tests.desk_support import FUJIEDA, REVIEWER, planner, seed_fujieda

S = PlanStatus


def test_approving_a_weak_plan_shows_what_is_open_and_needs_confirmation_and_memo(
    store: Store, guide: Guide
) -> None:
    pid = seed_fujieda(store, guide)
    cs = CommentService(store, REVIEWER)
    for _ in range(3):
        cs.add(pid, question_key="current.overview", body="具体的な数値を記載してください。")
    b = GuardService(store, REVIEWER).brief(pid, S.APPROVED)
    assert len(b.errors) >= 3 and b.completeness < 0.8
    assert all(place.startswith("第") for place, _ in b.errors)  # labels, not keys
    assert len(b.comments) == 3 and b.comments[0].place.endswith("地域の現状")
    assert "current.overview" not in b.comments[0].place
    assert any("記載例" in f for f in b.flags)
    assert b.needs_memo and not b.clear
    with pytest.raises(ConfirmationRequired, match="要対応の指摘"):
        GuardService(store, REVIEWER).transition(pid, S.APPROVED)
    with pytest.raises(InvalidTransitionError, match="メモ"):
        GuardService(store, REVIEWER).transition(pid, S.APPROVED, confirmed=True)
    # the workflow itself refuses too, whatever the caller
    with pytest.raises(InvalidTransitionError, match="メモ"):
        ReviewService(store, REVIEWER).approve(pid)
    assert store.plan_meta(pid).status == S.IN_REVIEW
    t, msg = GuardService(store, REVIEWER).transition(
        pid, S.APPROVED, confirmed=True, note="県の支援で年度内に補います。"
    )
    assert t.to_status is S.APPROVED and msg == "藤枝市の計画を「承認」にしました。"
    assert ReviewService(store, REVIEWER).history(pid)[-1].note == "県の支援で年度内に補います。"


def test_a_submission_shows_the_planner_the_same_and_waits_for_confirmation(
    store: Store, guide: Guide
) -> None:
    plan = sample_plan(guide, lg_code=FUJIEDA, lg_name="藤枝市")
    plan = plan.model_copy(update={"answers": {**plan.answers, "current.overview": ""}})
    who = planner(FUJIEDA)
    pid = PlanService(store, who).create(plan).id
    b = GuardService(store, who).brief(pid, S.SUBMITTED)
    assert b.errors and "要対応の指摘 1件" in b.summary()
    with pytest.raises(ConfirmationRequired):
        GuardService(store, who).transition(pid, S.SUBMITTED)
    assert store.plan_meta(pid).status == S.DRAFT
    t, msg = GuardService(store, who).transition(pid, S.SUBMITTED, confirmed=True)
    assert msg == "藤枝市の計画を「提出済」にしました（第1回）。"


def test_unguarded_changes_still_get_a_message(store: Store, guide: Guide) -> None:
    pid = seed_fujieda(store, guide)
    _, msg = GuardService(store, REVIEWER).transition(pid, S.RETURNED, note="補ってください。")
    assert msg == "藤枝市の計画を「差戻し」にしました。"
