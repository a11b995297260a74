"""Isolation between organisations and reviewer scopes, proven at the service layer.

Planner A (矢巾町, 岩手県) and planner B (札幌市, 北海道) must not be able to read, list, export,
comment on or change each other's plans by any path; a plan the actor may not read is reported
as not found (so a guessed id reveals nothing) and the database is left exactly as it was.
Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.review.comments import CommentService
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.store.tables import PlanRecord, PlanRevisionRecord

A_CODE, A_NAME = "033227", "矢巾町"  # 岩手県 (03)
B_CODE, B_NAME = "011002", "札幌市"  # 北海道 (01)
C_CODE, C_NAME = "032018", "盛岡市"  # 岩手県 (03)

ADMIN = Actor("admin", Role.ADMIN)
PLANNER_A = Actor("planner-a", Role.PLANNER, org_code=A_CODE)
PLANNER_B = Actor("planner-b", Role.PLANNER, org_code=B_CODE)
REVIEWER_IWATE = Actor("reviewer-03", Role.REVIEWER, scope="03")
REVIEWER_NATIONAL = Actor("reviewer-jp", Role.REVIEWER, scope=NATIONAL)
TRAINER = Actor("trainer", Role.TRAINER)


def snapshot(store: Store) -> tuple:
    """Everything a refused call could have changed: plan rows with versions, revision count."""
    with store.session() as s:
        plans = sorted((r.id, r.version, r.status, r.lg_code, r.title) for r in s.exec(select(PlanRecord)))
        revs = s.exec(select(func.count()).select_from(PlanRevisionRecord)).one()
    return tuple(plans), revs


@pytest.fixture
def plans(store: Store, guide: Guide) -> dict[str, int]:
    """Plans of A and B (drafts), and submitted ones of A, B and C, created by their planners."""
    ids: dict[str, int] = {}
    for key, actor, code, name in [
        ("a", PLANNER_A, A_CODE, A_NAME),
        ("b", PLANNER_B, B_CODE, B_NAME),
        ("a_sub", PLANNER_A, A_CODE, A_NAME),
        ("b_sub", PLANNER_B, B_CODE, B_NAME),
        ("c_sub", Actor("planner-c", Role.PLANNER, org_code=C_CODE), C_CODE, C_NAME),
    ]:
        plan = sample_plan(guide, lg_code=code, lg_name=name, n_measures=2, n_kpis=2)
        stored = PlanService(store, actor).create(plan.model_copy(update={"title": f"{name}計画 {key}"}))
        ids[key] = stored.id
        if key.endswith("_sub"):
            ReviewService(store, actor).submit(stored.id)
    training = sample_plan(
        guide, lg_code="990019", lg_name="研修市", n_measures=1, n_kpis=1
    )  # the training org
    training = training.model_copy(update={"is_training": True, "title": "研修用計画"})
    ids["training"] = PlanService(store, TRAINER).create(training).id
    return ids


# --- planner A against B's plan, every path ----------------------------------------------------

ReadOp = Callable[[Store, Actor, int], object]


def _save(store: Store, actor: Actor, pid: int) -> object:
    current = store.get_plan(pid)  # what an attacker could not even see; simulates a perfect guess
    plan = current.plan.model_copy(update={"title": "乗っ取り"})
    return PlanService(store, actor).save(pid, plan, expected_version=current.version)


def _restore(store: Store, actor: Actor, pid: int) -> object:
    return PlanService(store, actor).restore(pid, 1, expected_version=store.plan_meta(pid).version)


OPS: dict[str, ReadOp] = {
    "get": lambda st_, a, pid: PlanService(st_, a).get(pid),
    "revisions": lambda st_, a, pid: PlanService(st_, a).revisions(pid),
    "revision": lambda st_, a, pid: PlanService(st_, a).revision(pid, 1),
    "save": _save,
    "restore": _restore,
    "duplicate": lambda st_, a, pid: PlanService(st_, a).duplicate(pid),
    "export_json": lambda st_, a, pid: PlanService(st_, a).export_json(pid),
    "download_name": lambda st_, a, pid: PlanService(st_, a).download_name(pid, "docx"),
    "record": lambda st_, a, pid: PlanService(st_, a).record("plan.comment", pid),
    "comments": lambda st_, a, pid: CommentService(st_, a).comments(pid),
    "comment_add": lambda st_, a, pid: CommentService(st_, a).add(
        pid, question_key="current.overview", body="x"
    ),
    "review_history": lambda st_, a, pid: ReviewService(st_, a).history(pid),
    "review_submit": lambda st_, a, pid: ReviewService(st_, a).submit(pid),
    "review_allowed": lambda st_, a, pid: ReviewService(st_, a).allowed(pid),
    "submitted_plan": lambda st_, a, pid: ReviewService(st_, a).submitted_plan(pid),
}
if importlib.util.find_spec("plan_builder.export") and hasattr(
    importlib.import_module("plan_builder.export"), "export_plan"
):
    OPS["export_docx"] = lambda st_, a, pid: PlanService(st_, a).export(
        pid, "docx", "/tmp/never-written.docx"
    )


def _refusals(store: Store, actor: Actor, pid: int, ops: list[str], expected: type[Exception]) -> list[str]:
    """Run each operation; return the ones that were NOT refused as expected (should be none)."""
    wrong = []
    for op in ops:
        before = snapshot(store)
        try:
            OPS[op](store, actor, pid)
        except expected as exc:
            if expected is NotFoundError and str(exc) != f"計画（ID {pid}）が見つかりません":
                wrong.append(f"{op}: message {exc}")
        except Exception as exc:
            wrong.append(f"{op}: {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{op}: allowed")
        if snapshot(store) != before:
            wrong.append(f"{op}: changed the database")
    return wrong


@pytest.mark.parametrize("target", ["b", "b_sub"])
def test_planner_cannot_reach_other_organisations_plan(
    store: Store, plans: dict[str, int], target: str
) -> None:
    assert len(OPS) >= 15
    assert _refusals(store, PLANNER_A, plans[target], sorted(OPS), NotFoundError) == []


def test_planner_can_reach_own_plan(store: Store, plans: dict[str, int]) -> None:
    for op in ["get", "revisions", "revision", "export_json", "comments", "review_history", "download_name"]:
        OPS[op](store, PLANNER_A, plans["a_sub"])  # must not raise: the refusals above are specific


def test_unknown_id_and_foreign_id_look_the_same(store: Store, plans: dict[str, int]) -> None:
    svc = PlanService(store, PLANNER_A)
    missing = max(plans.values()) + 1000
    errors = []
    for pid in (plans["b"], missing):
        with pytest.raises(NotFoundError) as exc:
            svc.get(pid)
        errors.append(str(exc.value).replace(str(pid), "#"))
    assert errors[0] == errors[1]


def test_list_shows_only_own_organisation(store: Store, plans: dict[str, int]) -> None:
    mine = {p.id for p in PlanService(store, PLANNER_A).list_plans()}
    assert mine == {plans["a"], plans["a_sub"]}
    # Asking for B's organisation explicitly does not widen the list.
    assert PlanService(store, PLANNER_A).list_plans(lg_codes=[B_CODE]) == []
    assert PlanService(store, PLANNER_A).list_plans(lg_codes=[A_CODE, B_CODE]) != []
    assert {p.lg_code for p in PlanService(store, PLANNER_A).list_plans(lg_codes=[A_CODE, B_CODE])} == {
        A_CODE
    }
    assert {p.id for p in PlanService(store, PLANNER_B).list_plans()} == {plans["b"], plans["b_sub"]}


def test_planner_cannot_create_or_move_plan_into_other_organisation(
    store: Store, guide: Guide, plans: dict[str, int]
) -> None:
    before = snapshot(store)
    svc = PlanService(store, PLANNER_A)
    with pytest.raises(PermissionDeniedError):
        svc.create(sample_plan(guide, lg_code=B_CODE, lg_name=B_NAME, n_measures=1, n_kpis=1))
    own = svc.get(plans["a"])
    moved = own.plan.model_copy(update={"lg_code": B_CODE, "lg_name": B_NAME})
    with pytest.raises(PermissionDeniedError):
        svc.save(plans["a"], moved, expected_version=own.version)
    forged = own.plan.model_copy(update={"status": PlanStatus.APPROVED})
    with pytest.raises(PermissionDeniedError):
        svc.save(plans["a"], forged, expected_version=own.version)
    with pytest.raises(PermissionDeniedError):
        svc.create(own.plan.model_copy(update={"status": PlanStatus.APPROVED}))
    assert snapshot(store) == before


def test_import_refuses_other_organisations_plan(store: Store, plans: dict[str, int]) -> None:
    exported = PlanService(store, PLANNER_B).export_json(plans["b"])
    before = snapshot(store)
    with pytest.raises(PermissionDeniedError, match="他の団体（札幌市"):
        PlanService(store, PLANNER_A).import_json(exported)
    assert snapshot(store) == before
    # B may import its own file, as a new draft.
    again = PlanService(store, PLANNER_B).import_json(exported)
    assert again.plan.lg_code == B_CODE and again.plan.status is PlanStatus.DRAFT


def test_import_does_not_trust_status_in_file(store: Store, plans: dict[str, int]) -> None:
    import json

    data = json.loads(PlanService(store, PLANNER_A).export_json(plans["a"]))
    data["status"] = "approved"
    stored = PlanService(store, PLANNER_A).import_json(json.dumps(data, ensure_ascii=False))
    assert stored.plan.status is PlanStatus.DRAFT
    assert store.plan_meta(stored.id).status == "draft"


def test_planner_cannot_reply_to_comment_on_other_plan(store: Store, plans: dict[str, int]) -> None:
    comment = CommentService(store, ADMIN).add(plans["b_sub"], question_key="current.overview", body="確認")
    before = snapshot(store)
    with pytest.raises(NotFoundError):
        CommentService(store, PLANNER_A).reply(comment.id, "見えないはず")
    assert len(CommentService(store, ADMIN).comments(plans["b_sub"])) == 1
    assert snapshot(store) == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pid=st.integers(min_value=-5, max_value=60))
def test_guessed_ids_reveal_only_own_plans(store: Store, plans: dict[str, int], pid: int) -> None:
    own = {plans["a"], plans["a_sub"]}
    svc = PlanService(store, PLANNER_A)
    if pid in own:
        assert svc.get(pid).plan.lg_code == A_CODE
    else:
        with pytest.raises(NotFoundError):
            svc.get(pid)


# --- reviewers ----------------------------------------------------------------------------------


def test_reviewer_sees_only_submissions_in_scope(store: Store, plans: dict[str, int]) -> None:
    seen = {p.id for p in PlanService(store, REVIEWER_IWATE).list_plans()}
    assert seen == {plans["a_sub"], plans["c_sub"]}  # 岩手県, submitted; not drafts, not 北海道
    assert PlanService(store, REVIEWER_IWATE).list_plans(pref_codes=["01"]) == []
    assert PlanService(store, REVIEWER_IWATE).list_plans(statuses=[PlanStatus.DRAFT]) == []
    national = {p.id for p in PlanService(store, REVIEWER_NATIONAL).list_plans()}
    assert national == {plans["a_sub"], plans["b_sub"], plans["c_sub"]}


@pytest.mark.parametrize("target", ["b_sub", "a", "training"])
def test_reviewer_outside_scope_or_draft_is_not_found(
    store: Store, plans: dict[str, int], target: str
) -> None:
    ops = [
        "get",
        "revisions",
        "export_json",
        "comments",
        "comment_add",
        "review_history",
        "save",
        "duplicate",
    ]
    assert _refusals(store, REVIEWER_IWATE, plans[target], ops, NotFoundError) == []


def test_reviewer_reads_and_comments_in_scope_but_cannot_edit(store: Store, plans: dict[str, int]) -> None:
    pid = plans["c_sub"]
    svc = PlanService(store, REVIEWER_IWATE)
    assert svc.get(pid).plan.lg_code == C_CODE
    CommentService(store, REVIEWER_IWATE).add(
        pid, question_key="current.overview", body="根拠を示してください"
    )
    assert (
        _refusals(store, REVIEWER_IWATE, pid, ["save", "restore", "duplicate"], PermissionDeniedError) == []
    )
    ReviewService(store, REVIEWER_IWATE).start_review(pid)
    assert store.plan_meta(pid).status == PlanStatus.IN_REVIEW.value


def test_trainer_sees_only_training_plans(store: Store, plans: dict[str, int]) -> None:
    svc = PlanService(store, TRAINER)
    assert {p.id for p in svc.list_plans()} == {plans["training"]}
    assert svc.list_plans(training=False) == []
    with pytest.raises(NotFoundError):
        svc.get(plans["a"])
    assert PlanService(store, PLANNER_A).can_read(plans["training"]) is False


def test_admin_reads_everything_and_audit_is_admin_only(store: Store, plans: dict[str, int]) -> None:
    admin = PlanService(store, ADMIN)  # every real plan; sandboxes never mix with them (issue 15)
    assert {s.id for s in admin.list_plans()} == set(plans.values()) - {plans["training"]}
    assert admin.list_plans(training=True) == [] and not admin.can_read(plans["training"])
    entries = PlanService(store, ADMIN).audit_log(action="plan.create")
    assert {e.target for e in entries} == {f"plan:{i}" for i in plans.values()}
    for actor in (PLANNER_A, REVIEWER_NATIONAL, TRAINER):
        with pytest.raises(PermissionDeniedError):
            PlanService(store, actor).audit_log()
