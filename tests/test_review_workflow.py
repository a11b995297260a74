"""Review workflow: every legal transition, the illegal ones, who may make them, and freezing."""

from __future__ import annotations

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.review.workflow import TRANSITIONS, ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

S = PlanStatus
LG = "033227"  # 矢巾町 (岩手県, 03)
PLANNER = Actor("yahaba", Role.PLANNER, org_code=LG)
OTHER_PLANNER = Actor("morioka", Role.PLANNER, org_code="032018")
REVIEWER = Actor("iwate", Role.REVIEWER, scope="03")
OUT_OF_SCOPE = Actor("tokyo", Role.REVIEWER, scope="13")
NATIONAL = Actor("kuni", Role.REVIEWER, scope="national")
ADMIN = Actor("admin", Role.ADMIN)


def _plan(store: Store, guide: Guide) -> int:
    return PlanService(store, PLANNER).create(sample_plan(guide, lg_code=LG, lg_name="矢巾町")).id


def _walk(store: Store, plan_id: int, path: list[PlanStatus]) -> None:
    """Drive the plan along `path` with the right actor for each step."""
    for to in path:
        actor = PLANNER if to in (S.SUBMITTED, S.RESUBMITTED) else REVIEWER
        ReviewService(store, actor).transition(plan_id, to)


def test_full_cycle_records_every_transition_with_actor_and_date(store: Store, guide: Guide) -> None:
    pid = _plan(store, guide)
    path = [S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED, S.IN_REVIEW, S.APPROVED]
    _walk(store, pid, path)
    hist = ReviewService(store, ADMIN).history(pid)
    assert [(t.from_status, t.to_status) for t in hist] == list(zip([S.DRAFT, *path[:-1]], path, strict=True))
    assert [t.actor for t in hist] == ["yahaba", "iwate", "iwate", "yahaba", "iwate", "iwate"]
    assert all(t.at is not None for t in hist)
    assert [t.round for t in hist] == [1, 1, 1, 2, 2, 2]
    assert store.plan_meta(pid).status == "approved"
    assert store.get_plan(pid).plan.status is S.APPROVED
    # each transition wrote a revision, and the history names it
    versions = [r.version for r in store.revisions(pid)]
    assert [t.revision_version for t in hist] == sorted(versions)[1:]


@pytest.mark.parametrize(
    ("current", "path"),
    [
        (S.DRAFT, []),
        (S.SUBMITTED, [S.SUBMITTED]),
        (S.IN_REVIEW, [S.SUBMITTED, S.IN_REVIEW]),
        (S.RETURNED, [S.SUBMITTED, S.IN_REVIEW, S.RETURNED]),
        (S.RESUBMITTED, [S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED]),
        (S.APPROVED, [S.SUBMITTED, S.IN_REVIEW, S.APPROVED]),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    store: Store, guide: Guide, current: PlanStatus, path: list[PlanStatus]
) -> None:
    pid = _plan(store, guide)
    _walk(store, pid, path)
    before = store.plan_meta(pid)
    for to in PlanStatus:
        if (current, to) in TRANSITIONS:
            continue
        with pytest.raises(InvalidTransitionError) as err:
            ReviewService(store, ADMIN).transition(pid, to)
        assert current.label in str(err.value) and to.label in str(err.value)
    after = store.plan_meta(pid)
    assert (after.status, after.version) == (before.status, before.version)
    assert len(ReviewService(store, ADMIN).history(pid)) == len(path)


@pytest.mark.parametrize(
    ("path", "to", "allowed", "refused"),
    [
        ([], S.SUBMITTED, [PLANNER, ADMIN], [OTHER_PLANNER, REVIEWER, NATIONAL]),  # drafts are invisible
        ([S.SUBMITTED], S.IN_REVIEW, [REVIEWER, NATIONAL, ADMIN], [PLANNER]),
        ([S.SUBMITTED, S.IN_REVIEW], S.RETURNED, [REVIEWER, NATIONAL, ADMIN], [PLANNER]),
        ([S.SUBMITTED, S.IN_REVIEW], S.APPROVED, [REVIEWER, NATIONAL, ADMIN], [PLANNER]),
        ([S.SUBMITTED, S.IN_REVIEW, S.RETURNED], S.RESUBMITTED, [PLANNER, ADMIN], [REVIEWER, NATIONAL]),
        ([S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED], S.IN_REVIEW, [REVIEWER, ADMIN], [PLANNER]),
    ],
)
def test_who_may_make_each_transition(
    store: Store,
    guide: Guide,
    path: list[PlanStatus],
    to: PlanStatus,
    allowed: list[Actor],
    refused: list[Actor],
) -> None:
    for actor in refused:
        pid = _plan(store, guide)
        _walk(store, pid, path)
        # A plan the actor may not even read is "not found"; a visible one is "not allowed".
        visible = actor.org_code == LG or (actor.role is Role.REVIEWER and path)
        with pytest.raises(PermissionDeniedError if visible else NotFoundError) as err:
            ReviewService(store, actor).transition(pid, to)
        if visible:
            assert "のみが行えます" in str(err.value)
        assert store.plan_meta(pid).status == (path[-1] if path else S.DRAFT).value
    for actor in allowed:
        pid = _plan(store, guide)
        _walk(store, pid, path)
        assert to in ReviewService(store, actor).allowed(pid)
        ReviewService(store, actor).transition(pid, to)
        assert store.plan_meta(pid).status == to.value


def test_out_of_scope_reviewer_cannot_see_the_plan(store: Store, guide: Guide) -> None:
    pid = _plan(store, guide)
    _walk(store, pid, [S.SUBMITTED])
    with pytest.raises(NotFoundError):
        ReviewService(store, OUT_OF_SCOPE).start_review(pid)
    with pytest.raises(NotFoundError):
        ReviewService(store, REVIEWER).submitted_plan(_plan(store, guide))  # a draft is invisible


def test_submission_freezes_the_revision_while_the_planner_keeps_drafting(store: Store, guide: Guide) -> None:
    pid = _plan(store, guide)
    planner = PlanService(store, PLANNER)
    ReviewService(store, PLANNER).submit(pid)
    cur = planner.get(pid)
    edited = cur.plan.model_copy(
        update={"answers": {**cur.plan.answers, "current.overview": "書き直し中の文章"}}
    )
    planner.save(pid, edited, expected_version=cur.version)
    frozen = ReviewService(store, REVIEWER).submitted_plan(pid)
    assert frozen.plan.answers["current.overview"] != "書き直し中の文章"
    assert planner.get(pid).plan.answers["current.overview"] == "書き直し中の文章"
    sub = ReviewService(store, REVIEWER).submissions(pid)
    assert [(x.round, x.revision_version, x.submitted_by) for x in sub] == [(1, frozen.version, "yahaba")]
    assert sub[0].completeness is not None and 0 <= sub[0].completeness <= 1


def test_resubmission_freezes_a_new_round(store: Store, guide: Guide) -> None:
    pid = _plan(store, guide)
    _walk(store, pid, [S.SUBMITTED, S.IN_REVIEW, S.RETURNED])
    planner = PlanService(store, PLANNER)
    cur = planner.get(pid)
    planner.save(pid, cur.plan.model_copy(update={"title": "改めた名称"}), expected_version=cur.version)
    ReviewService(store, PLANNER).resubmit(pid)
    rs = ReviewService(store, REVIEWER)
    assert rs.submitted_plan(pid, 1).plan.title != "改めた名称"
    assert rs.submitted_plan(pid, 2).plan.title == "改めた名称"
    assert rs.submitted_plan(pid).plan.title == "改めた名称"
    with pytest.raises(NotFoundError, match="第3回"):
        rs.submitted_plan(pid, 3)


def test_submission_based_on_a_stale_version_is_refused(store: Store, guide: Guide) -> None:
    pid = _plan(store, guide)
    planner = PlanService(store, PLANNER)
    cur = planner.get(pid)
    planner.save(pid, cur.plan.model_copy(update={"title": "別の画面での変更"}), expected_version=cur.version)
    with pytest.raises(StaleVersionError):
        ReviewService(store, PLANNER).submit(pid, expected_version=cur.version)
    assert store.plan_meta(pid).status == "draft"
    assert ReviewService(store, ADMIN).submissions(pid) == []


def test_plan_service_save_cannot_change_the_status(store: Store, guide: Guide) -> None:
    pid = _plan(store, guide)
    cur = PlanService(store, PLANNER).get(pid)
    with pytest.raises(PermissionDeniedError):
        PlanService(store, PLANNER).save(
            pid, cur.plan.model_copy(update={"status": S.APPROVED}), expected_version=cur.version
        )


def test_trainer_plays_both_sides_only_on_training_plans(store: Store, guide: Guide) -> None:
    trainer = Actor("trainer", Role.TRAINER)
    training = sample_plan(guide, lg_code="990019", lg_name="研修市").model_copy(update={"is_training": True})
    tid = PlanService(store, trainer).create(training).id
    ReviewService(store, trainer).submit(tid)
    ReviewService(store, trainer).start_review(tid)
    assert store.plan_meta(tid).status == "in_review"
    pid = _plan(store, guide)
    with pytest.raises(NotFoundError):
        ReviewService(store, trainer).submit(pid)


def test_plan_service_gives_reviewers_only_the_frozen_submission(store: Store, guide: Guide) -> None:
    """Every path through PlanService (get, revision, history, export) shows a reviewer what was
    submitted, never the planner's drafting since; a never-submitted plan does not exist for them."""
    pid = _plan(store, guide)
    planner, reviewer = PlanService(store, PLANNER), PlanService(store, REVIEWER)
    with pytest.raises(NotFoundError):
        reviewer.get(pid)
    ReviewService(store, PLANNER).submit(pid)
    submitted = planner.get(pid)
    draft = submitted.plan.model_copy(update={"title": "提出後に書き直した題名"})
    planner.save(pid, draft, expected_version=submitted.version)

    seen = reviewer.get(pid)
    assert seen.version == submitted.version
    assert seen.plan.title == submitted.plan.title != draft.title
    assert "提出後に書き直した題名" not in reviewer.export_json(pid)
    with pytest.raises(PermissionDeniedError):
        reviewer.revisions(pid)
    with pytest.raises(PermissionDeniedError):
        reviewer.revision(pid, 1)
    assert reviewer.revision(pid, submitted.version).plan.title == submitted.plan.title


def test_a_save_based_on_a_version_before_a_status_change_is_stale(store: Store, guide: Guide) -> None:
    """A reviewer starting the review moves the plan on: the planner's tab must reload, and is told
    so as a stale version (not as a status error that would drop the typed value silently)."""
    pid = _plan(store, guide)
    planner = PlanService(store, PLANNER)
    ReviewService(store, PLANNER).submit(pid)
    seen = planner.get(pid)
    ReviewService(store, REVIEWER).start_review(pid)
    with pytest.raises(StaleVersionError):
        planner.save(pid, seen.plan.model_copy(update={"title": "新しい題名"}), expected_version=seen.version)
    assert planner.get(pid).plan.title == seen.plan.title
