"""Every public way to read or list plans, revisions and comments shows each actor exactly the
plans in their scope (plan_builder.auth.policy), and reviewers only the submitted revision.

A property test: hypothesis draws plans (organisation in two prefectures, real or training,
how far through the review, edited after submission or not, commented or not); for every kind
of actor the results of every read function are compared with an oracle written here, apart
from the code under test. `test_every_public_read_function_is_covered` fails when someone adds
a public read function without adding it here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

import plan_builder.review as review_pkg
from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.guide import get_guide
from plan_builder.plan.model import Plan, PlanStatus
from plan_builder.review import (
    CampaignService,
    CommentService,
    DocumentService,
    GuardService,
    NoticeService,
    QueueService,
    ReviewService,
    SnapshotService,
    StatusBoardService,
    SummaryService,
)
from plan_builder.review.tables import NoticeRecord
from plan_builder.service import PlanService
from plan_builder.store import Store, make_engine

S = PlanStatus
ORGS = [("033227", "矢巾町"), ("032018", "盛岡市"), ("011002", "札幌市")]  # 岩手県 ×2, 北海道
TRAINING_ORG = ("990019", "研修市")  # every sandbox belongs to the fictional training org (issue 15)
PATHS: dict[str, list[PlanStatus]] = {
    "draft": [],
    "submitted": [S.SUBMITTED],
    "returned": [S.SUBMITTED, S.IN_REVIEW, S.RETURNED],
    "resubmitted": [S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED],
    "approved": [S.SUBMITTED, S.IN_REVIEW, S.APPROVED],
}
ADMIN = Actor("admin", Role.ADMIN)
ACTORS = [
    ADMIN,
    *[Actor(f"planner-{code}", Role.PLANNER, org_code=code) for code, _ in ORGS],
    Actor("planner-none", Role.PLANNER),
    Actor("reviewer-03", Role.REVIEWER, scope="03"),
    Actor("reviewer-01", Role.REVIEWER, scope="01"),
    Actor("reviewer-13", Role.REVIEWER, scope="13"),
    Actor("reviewer-jp", Role.REVIEWER, scope=NATIONAL),
    Actor("reviewer-bad", Role.REVIEWER, scope="0%"),
    Actor("reviewer-none", Role.REVIEWER),
    Actor("reviewer-99", Role.REVIEWER, scope="99"),  # the training org's prefecture code
    Actor("trainer", Role.TRAINER),
]
TRAINER = Actor("trainer", Role.TRAINER)


@dataclass(frozen=True)
class Spec:
    org: int
    training: bool
    path: str
    edited_after: bool  # the planner retitled the plan after it was submitted
    commented: bool


@dataclass
class Made:
    spec: Spec
    plan_id: int
    submitted_title: str | None
    submitted_version: int | None
    comment_id: int | None


def visible(actor: Actor, spec: Spec) -> bool:
    """The oracle: who may see which plan, written independently of plan_builder.auth.policy."""
    code = TRAINING_ORG[0] if spec.training else ORGS[spec.org][0]
    if actor.role is Role.TRAINER:
        return spec.training
    if spec.training:  # sandboxes never appear to anyone else, admins included
        return False
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.PLANNER:
        return actor.org_code == code
    if actor.role is Role.REVIEWER:
        in_area = actor.scope == NATIONAL or actor.scope == code[:2]
        return in_area and spec.path != "draft"
    return False


def on_board(actor: Actor) -> bool:
    """The oracle of the prefecture's desk: admins and reviewers with a real area have a board."""
    if actor.role is Role.ADMIN:
        return True
    return actor.role is Role.REVIEWER and (actor.scope == NATIONAL or (actor.scope or "").isdigit())


def board_visible(actor: Actor, spec: Spec) -> bool:
    """Plans the board may name (status and dates only, drafts included), never a sandbox."""
    if spec.training or not on_board(actor):
        return False
    return actor.role is Role.ADMIN or actor.scope in (NATIONAL, ORGS[spec.org][0][:2])


def notified(actor: Actor, spec: Spec) -> bool:
    """Plans whose notices reach the actor: a planner's own organisation's returned, approved
    or commented plans."""
    if actor.role is not Role.PLANNER or spec.training or actor.org_code != ORGS[spec.org][0]:
        return False
    return spec.commented or spec.path in ("returned", "resubmitted", "approved")


CAMPAIGNS = {None: date(2030, 3, 31), "03": date(2030, 1, 31), "01": date(2030, 2, 28)}


def campaign_visible(actor: Actor, pref: str | None) -> bool:
    return actor.role is Role.ADMIN or actor.scope == NATIONAL or (on_board(actor) and actor.scope == pref)


def deadline_oracle(actor: Actor, code: str) -> date | None:
    """The earliest open campaign covering `code`, for those who may write its real plans."""
    if not (actor.role is Role.ADMIN or (actor.role is Role.PLANNER and actor.org_code == code)):
        return None
    return min(d for p, d in CAMPAIGNS.items() if p is None or p == code[:2])


specs = st.builds(
    Spec,
    org=st.integers(0, len(ORGS) - 1),
    training=st.booleans(),
    path=st.sampled_from(sorted(PATHS)),
    edited_after=st.booleans(),
    commented=st.booleans(),
)


def make_plans(store: Store, wanted: list[Spec]) -> list[Made]:
    out = []
    for i, spec in enumerate(wanted):
        maker = TRAINER if spec.training else ADMIN  # trainers play both sides on sandboxes
        svc, rs, cs = PlanService(store, maker), ReviewService(store, maker), CommentService(store, maker)
        code, name = TRAINING_ORG if spec.training else ORGS[spec.org]
        plan = Plan(
            lg_code=code,
            lg_name=name,
            guide_id="kanmin-2019-municipality",
            title=f"{name}計画{i}",
            is_training=spec.training,
        )
        stored = svc.create(plan)
        sub_title = sub_version = None
        for to in PATHS[spec.path]:
            t = rs.transition(stored.id, to, note="承認（テスト）" if to is S.APPROVED else "")
            if to in (S.SUBMITTED, S.RESUBMITTED):
                sub_title, sub_version = plan.title, t.revision_version
        if spec.edited_after and spec.path != "draft":
            cur = svc.get(stored.id)
            svc.save(
                stored.id,
                cur.plan.model_copy(update={"title": f"改訂中の下書き{i}"}),
                expected_version=cur.version,
            )
        comment = (
            cs.add(stored.id, question_key="current.issues", body="確認してください。")
            if spec.commented
            else None
        )
        out.append(Made(spec, stored.id, sub_title, sub_version, comment.id if comment else None))
    return out


def expect_not_found(call: Callable[[], object], plan_id: int) -> None:
    with pytest.raises(NotFoundError) as exc:
        call()
    assert "見つかりません" in str(exc.value)


def _reads_of_one_plan(
    svc: PlanService, rs: ReviewService, cs: CommentService, gs: GuardService, ds: DocumentService, pid: int
) -> list[Callable[[], object]]:
    return [
        lambda: gs.brief(pid, S.SUBMITTED),
        lambda: gs.brief(pid, S.APPROVED),
        lambda: ds.name(pid, "docx", round=1),
        lambda: ds.submitted(pid, "docx"),
        lambda: svc.get(pid),
        lambda: svc.current_version(pid),
        lambda: svc.revisions(pid),
        lambda: svc.revision(pid, 1),
        lambda: svc.export_json(pid),
        lambda: svc.download_name(pid, "docx"),
        lambda: rs.status(pid),
        lambda: rs.allowed(pid),
        lambda: rs.history(pid),
        lambda: rs.submissions(pid),
        lambda: rs.submitted_plan(pid),
        lambda: cs.comments(pid),
        lambda: cs.open_comments(pid),
        lambda: cs.open_comments_for(pid, "current.issues"),
        lambda: cs.can_reply(pid),
        lambda: cs.can_resolve(pid),
    ]


def check_actor(store: Store, actor: Actor, made: list[Made]) -> None:
    """Every public read function, for one actor, against the oracle."""
    mine = {m.plan_id for m in made if visible(actor, m.spec)}
    reviewer = actor.role is Role.REVIEWER
    svc, rs, cs = PlanService(store, actor), ReviewService(store, actor), CommentService(store, actor)
    gs, ds = GuardService(store, actor), DocumentService(store, actor)
    check_desk(store, actor, made)

    listed = svc.list_plans()
    assert {s.id for s in listed} == mine
    if reviewer:  # only the submitted revision's title, version and time
        by_id = {m.plan_id: m for m in made}
        assert all(s.title == by_id[s.id].submitted_title for s in listed)
        assert all(s.version == by_id[s.id].submitted_version for s in listed)
    assert {s.plan_id for s in SnapshotService(store, actor).load()} == mine
    assert {s.plan_id for s in SnapshotService(store, actor).load(content="digest")} == mine
    assert {s.plan_id for s in SnapshotService(store, actor).meta()} == mine
    submitted = {m.plan_id for m in made if m.spec.path != "draft"}
    assert {r.plan_id for r in QueueService(store, actor).page(page_size=1000).rows} == mine & submitted
    commented = {m.plan_id for m in made if m.comment_id is not None}
    assert set(cs.open_counts()) == mine & commented

    for m in made:
        pid = m.plan_id
        assert svc.can_read(pid) == (pid in mine)
        if pid not in mine:
            for call in _reads_of_one_plan(svc, rs, cs, gs, ds, pid):
                expect_not_found(call, pid)
            if m.comment_id is not None:
                with pytest.raises(NotFoundError) as exc:
                    cs.reply(m.comment_id, "他団体への返信")
                assert "計画" not in str(exc.value)  # names the comment only, not its plan
            continue
        got = svc.get(pid)
        if reviewer:
            assert got.plan.title == m.submitted_title and got.version == m.submitted_version
            assert svc.current_version(pid) == m.submitted_version
            with pytest.raises(PermissionDeniedError):
                svc.revisions(pid)
            assert svc.revision(pid, m.submitted_version).version == m.submitted_version  # type: ignore[arg-type]
        else:
            assert svc.current_version(pid) == got.version
            assert svc.revisions(pid)[0].version == got.version
        assert (
            rs.status(pid) is PATHS[m.spec.path][-1] if m.spec.path != "draft" else rs.status(pid) is S.DRAFT
        )
        assert len(rs.history(pid)) == len(PATHS[m.spec.path])
        assert [c.id for c in cs.comments(pid)] == ([m.comment_id] if m.comment_id else [])
        if m.spec.path != "draft":  # (the document itself is built in test_review_documents)
            b = gs.brief(pid, S.APPROVED)
            assert b.plan_id == pid and len(b.comments) == (1 if m.comment_id else 0)
            assert ds.name(pid, "docx", round=1).endswith("第1回提出.docx")


def check_desk(store: Store, actor: Actor, made: list[Made]) -> None:
    """The prefecture's desk and the planner's inbox, for one actor, against the oracles."""
    board, summary = StatusBoardService(store, actor), SummaryService(store, actor)
    campaigns = CampaignService(store, actor)
    if not on_board(actor):
        for call in (board.rows, lambda: summary.build(get_guide("kanmin-2019-municipality")),
                     campaigns.campaigns):  # fmt: skip
            with pytest.raises(PermissionDeniedError):
                call()
        assert campaigns.deadlines() == {}
    else:
        allowed = {m.plan_id for m in made if board_visible(actor, m.spec)}
        rows = board.rows()
        area = None if actor.role is Role.ADMIN or actor.scope == NATIONAL else actor.scope
        assert all(area is None or r.pref_code == area for r in rows)
        assert {r.plan_id for r in rows if r.plan_id is not None} <= allowed
        by_code = {r.lg_code: r for r in rows}
        for code, _ in ORGS:
            mine = {m.plan_id for m in made if board_visible(actor, m.spec) and ORGS[m.spec.org][0] == code}
            if code in by_code:
                assert (by_code[code].plan_id in mine) if mine else by_code[code].plan_id is None
            else:
                assert not mine and area is not None and code[:2] != area
        assert all(r.completeness is None for r in rows if r.plan_status is S.DRAFT)  # drafts unread
        readable = {m.plan_id for m in made if visible(actor, m.spec) and m.spec.path != "draft"}
        assert summary.build(get_guide("kanmin-2019-municipality")).plans_read == len(readable)
        got = {c.pref_code for c in campaigns.campaigns()}
        assert got == {p for p in CAMPAIGNS if campaign_visible(actor, p)}
        assert all(area is None or code[:2] == area for code in campaigns.deadlines())
    for code, _ in ORGS:
        due = campaigns.deadline_for(code)
        assert (due.due_date if due else None) == deadline_oracle(actor, code)
    for c in CampaignService(store, ADMIN).campaigns():
        if not campaign_visible(actor, c.pref_code):
            with pytest.raises((NotFoundError, PermissionDeniedError)):
                campaigns.close(c.id)

    inbox = NoticeService(store, actor)
    notices = inbox.notices(include_read=True, limit=1000)
    by_id = {m.plan_id: m for m in made}
    assert {n.plan_id for n in notices} == {m.plan_id for m in made if notified(actor, m.spec)}
    assert all(notified(actor, by_id[n.plan_id].spec) for n in notices)
    with store.session() as s:
        others = [r.id for r in s.exec(select(NoticeRecord)) if r.id not in {n.id for n in notices}]
    for notice_id in others:
        with pytest.raises(NotFoundError):
            inbox.mark_read(notice_id)


def check_all(store: Store, made: list[Made]) -> None:
    desk = CampaignService(store, ADMIN)
    for pref, due in CAMPAIGNS.items():
        desk.create(title=f"提出期限{pref}", due_date=due, pref_code=pref)
    for actor in ACTORS:
        check_actor(store, actor, made)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wanted=st.lists(specs, min_size=1, max_size=6))
def test_every_read_path_returns_only_what_the_oracle_allows(
    wanted: list[Spec], _sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("iso") / f"{uuid.uuid4().hex}.db"
    shutil.copyfile(_sqlite_template, path)
    store = Store(make_engine(f"sqlite:///{path}"))
    try:
        check_all(store, make_plans(store, wanted))
    finally:
        store.engine.dispose()


ALL_SPECS = [
    Spec(org, training, path, edited, commented)
    for org in range(len(ORGS))
    for training in (False, True)
    for path in ("draft", "returned", "resubmitted")
    for edited, commented in ((False, True), (True, False))
]


def test_exhaustive_plans_on_each_database(store: Store) -> None:
    """Every combination at once, on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""
    check_all(store, make_plans(store, ALL_SPECS))


COVERED = {
    "PlanService": {"list_plans", "get", "current_version", "revisions", "revision", "can_read",
                    "export_json", "download_name"},
    "ReviewService": {"status", "allowed", "history", "submissions", "submitted_plan"},
    "CommentService": {"comments", "open_comments", "open_comments_for", "can_reply", "can_resolve",
                       "open_counts"},
    "SnapshotService": {"load", "meta"},
    "QueueService": {"page"},
    "GuardService": {"brief"},
    "DocumentService": {"name", "submitted"},
    "StatusBoardService": {"rows"},
    "SummaryService": {"build"},
    "CampaignService": {"campaigns", "deadlines", "deadline_for"},
    "NoticeService": {"notices"},
    "ScopedService": set(),  # the base of the review services: no public method of its own
}  # fmt: skip
# Public methods that change things (their isolation is tested in test_isolation.py), or that
# only check permissions/write documents from the reads above.
WRITES = {
    "PlanService": {"create", "save", "name_version", "restore", "duplicate", "import_json", "export",
                    "audit_log", "record", "can_write"},
    "ReviewService": {"submit", "resubmit", "start_review", "return_plan", "approve", "transition"},
    "CommentService": {"add", "reply", "resolve", "reopen"},
    "SnapshotService": set(),
    "QueueService": set(),
    "GuardService": {"transition"},
    "DocumentService": set(),
    "StatusBoardService": set(),
    "SummaryService": set(),
    "CampaignService": {"create", "close"},
    "NoticeService": {"mark_read"},
    "ScopedService": set(),
}  # fmt: skip


def _public(cls: type) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}


def test_every_public_read_function_is_covered() -> None:
    """Every service class that takes an actor is listed here, with each of its public methods;
    no free function of the review package takes an actor (each concern is a service class)."""
    classes: dict[str, type] = {"PlanService": PlanService}
    takes_actor = set()
    for info in pkgutil.iter_modules(review_pkg.__path__):
        mod = importlib.import_module(f"{review_pkg.__name__}.{info.name}")
        for name, obj in inspect.getmembers(mod):
            if getattr(obj, "__module__", None) != mod.__name__ or name.startswith("_"):
                continue
            init = getattr(obj, "__init__", None) if inspect.isclass(obj) else None
            if inspect.isfunction(init) and {"store", "actor"} <= set(inspect.signature(init).parameters):
                classes[name] = obj
            elif inspect.isfunction(obj) and "actor" in inspect.signature(obj).parameters:
                takes_actor.add(f"{info.name}.{name}")
    assert takes_actor == set()
    assert set(classes) == set(COVERED), "add the new service class to COVERED/WRITES and check_actor"
    for name, cls in classes.items():
        assert _public(cls) == COVERED[name] | WRITES[name], name
