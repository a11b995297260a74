"""History that stays small: autosaves coalesce, named versions stay, the tail is bounded,
restore and diffs keep working, and migration 0005 compacts histories stored before it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.plan.edit import diff_plans
from plan_builder.plan.model import Plan, PlanStatus
from plan_builder.review.workflow import ReviewService
from plan_builder.service import PlanService
from plan_builder.store import Store, make_engine
from plan_builder.store.migrate import upgrade
from plan_builder.store.repo import AUTOSAVE_TAIL, COALESCE_WINDOW, RevisionWrite
from plan_builder.store.tables import utcnow

PLANNER = Actor("yahaba", Role.PLANNER, org_code="033227")
OTHER = Actor("yahaba-2", Role.PLANNER, org_code="033227")
REVIEWER = Actor("iwate", Role.REVIEWER, scope="03")


def new_plan() -> Plan:
    return Plan(lg_code="033227", lg_name="矢巾町", guide_id="kanmin-2019-municipality", title="矢巾町計画")


def edit(plan: Plan, text: str) -> Plan:
    return plan.model_copy(update={"answers": {**plan.answers, "current.overview": text}})


def test_autosaves_by_one_user_coalesce_until_someone_else_reads(store: Store) -> None:
    svc = PlanService(store, PLANNER)
    s = svc.create(new_plan())
    for i in range(5):
        s = svc.save(s.id, edit(s.plan, f"下書き{i}"), expected_version=s.version)
    assert s.version == 6  # every save still moves the version (optimistic lock)
    assert [r.version for r in svc.revisions(s.id)] == [6, 1]  # one autosave row, plus creation
    assert svc.revision(s.id, 6).plan.answers["current.overview"] == "下書き4"

    PlanService(store, OTHER).get(s.id)  # a colleague opened version 6: it must stay as they saw it
    s = svc.save(s.id, edit(s.plan, "続き"), expected_version=s.version)
    assert [r.version for r in svc.revisions(s.id)] == [7, 6, 1]
    assert svc.revision(s.id, 6).plan.answers["current.overview"] == "下書き4"


def test_another_author_or_a_named_save_starts_a_new_revision(store: Store) -> None:
    a, b = PlanService(store, PLANNER), PlanService(store, OTHER)
    s = a.create(new_plan())
    s = a.save(s.id, edit(s.plan, "A"), expected_version=s.version)
    s = b.save(s.id, edit(s.plan, "B"), expected_version=s.version)
    s = b.save(s.id, edit(s.plan, "B2"), expected_version=s.version, name="庁内検討用")
    s = b.save(s.id, edit(s.plan, "B3"), expected_version=s.version)
    revs = a.revisions(s.id)
    assert [(r.version, r.named) for r in revs] == [(5, False), (4, True), (3, False), (2, False), (1, True)]
    assert revs[1].note == "庁内検討用"


def test_exported_version_is_kept(store: Store) -> None:
    svc = PlanService(store, PLANNER)
    s = svc.create(new_plan())
    s = svc.save(s.id, edit(s.plan, "出力した版"), expected_version=s.version)
    svc.export_json(s.id)
    s = svc.save(s.id, edit(s.plan, "その後"), expected_version=s.version)
    assert svc.revision(s.id, 2).plan.answers["current.overview"] == "出力した版"


def test_a_window_later_starts_a_new_revision_and_the_tail_is_bounded(store: Store) -> None:
    s = store.create_plan(new_plan(), "yahaba")
    t0 = utcnow()
    named_versions = [1]
    for i in range(AUTOSAVE_TAIL * 2 + 5):
        at = t0 + (COALESCE_WINDOW + timedelta(seconds=1)) * (i + 1)
        named = i % 20 == 0
        w = RevisionWrite(s.id, edit(s.plan, f"版{i}"), s.version, "yahaba", f"保存{i}", named=named, at=at)
        s = store.write(w)
        if named:
            named_versions.append(s.version)
    revs = store.revisions(s.id)
    autosaves = [r for r in revs if not r.named]
    assert len(autosaves) == AUTOSAVE_TAIL
    assert [r.version for r in revs if r.named] == sorted(named_versions, reverse=True)
    for v in named_versions:  # every named version can be restored and compared
        old = store.revision(s.id, v).plan
        s = store.restore(s.id, v, expected_version=s.version, actor="yahaba")
        assert s.plan.answers == old.answers
        assert diff_plans(old, s.plan, _guide()) == []


def _guide():
    from plan_builder.guide import get_guide

    return get_guide("kanmin-2019-municipality")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 30)), min_size=1, max_size=25))
def test_history_always_ends_with_the_current_content(store: Store, saves: list[tuple[str, int]]) -> None:
    """Whatever the authors and gaps, the newest stored revision is the current plan, versions
    only grow, and the number of autosave rows never exceeds the tail."""
    s = store.create_plan(new_plan(), "a")
    at = utcnow()
    for i, (who, minutes) in enumerate(saves):
        at += timedelta(minutes=minutes)
        s = store.write(RevisionWrite(s.id, edit(s.plan, f"{who}{i}"), s.version, who, at=at))
    revs = store.revisions(s.id)
    assert revs[0].version == s.version == len(saves) + 1
    assert store.revision(s.id, s.version).plan.answers == store.get_plan(s.id).plan.answers
    assert [r.version for r in revs] == sorted({r.version for r in revs}, reverse=True)
    assert sum(not r.named for r in revs) <= AUTOSAVE_TAIL


def test_submission_is_a_named_version_and_status_lives_on_the_row(store: Store) -> None:
    svc = PlanService(store, PLANNER)
    s = svc.create(new_plan())
    s = svc.save(s.id, edit(s.plan, "提出する文"), expected_version=s.version)
    t = ReviewService(store, PLANNER).submit(s.id)
    with store.session() as db:
        data = db.exec(sa.text("SELECT data FROM plan WHERE id = :i").bindparams(i=s.id)).one()[0]
    assert "status" not in (data if isinstance(data, dict) else __import__("json").loads(data))
    cur = svc.get(s.id)
    assert cur.plan.status is PlanStatus.SUBMITTED
    assert store.revision(s.id, t.revision_version).plan.status is PlanStatus.SUBMITTED
    assert store.revision(s.id, 1).plan.status is PlanStatus.DRAFT
    for i in range(3):
        cur = svc.save(s.id, edit(cur.plan, f"提出後{i}"), expected_version=cur.version)
    assert t.revision_version in [r.version for r in svc.revisions(s.id) if r.named]
    assert PlanService(store, REVIEWER).get(s.id).plan.answers["current.overview"] == "提出する文"


def test_migration_0005_compacts_existing_histories(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0004")
        Store(engine).load_local_governments()
        t0 = utcnow().replace(tzinfo=None)
        base = new_plan().model_dump(mode="json")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO plan (id, lg_code, guide_id, title, status, is_training, version, data,"
                    " created_at, created_by, updated_at, updated_by) VALUES (1, '033227',"
                    " 'kanmin-2019-municipality', '矢巾町計画', 'submitted', false, 300, :d, :t, 'a', :t, 'a')"
                ).bindparams(sa.bindparam("d", type_=sa.JSON), t=t0),
                {"d": {**base, "status": "submitted"}},
            )
            rows = []
            for v in range(1, 301):
                note = "作成" if v == 1 else ("版 3 を復元" if v == 150 else "「地域の現状」を変更")
                at = t0 + timedelta(minutes=v // 3 * 11)  # runs of three saves within the window
                rows.append({"v": v, "d": {**base, "status": "draft"}, "t": at, "n": note})
            conn.execute(
                sa.text(
                    "INSERT INTO plan_revision (plan_id, version, data, created_at, actor, note)"
                    " VALUES (1, :v, :d, :t, 'a', :n)"
                ).bindparams(sa.bindparam("d", type_=sa.JSON)),
                rows,
            )
            conn.execute(
                sa.text(
                    "INSERT INTO review_transition (plan_id, from_status, to_status, round, revision_version,"
                    " actor, actor_role, at, note) VALUES (1, 'draft', 'submitted', 1, 200, 'a', 'planner', :t, '')"
                ),
                {"t": t0},
            )
        upgrade(engine)
        store = Store(engine)
        revs = store.revisions(1)
        versions = {r.version for r in revs}
        assert {1, 150, 200, 300} <= versions  # created, restored, submitted, current
        assert {r.version for r in revs if r.named} == {1, 150, 200}
        assert sum(not r.named for r in revs) <= 30
        assert len(revs) < 40
        assert store.get_plan(1).plan.status is PlanStatus.SUBMITTED
        assert store.revision(1, 1).plan.status is PlanStatus.DRAFT
    finally:
        engine.dispose()


def test_one_writer_of_revisions_and_plan_rows() -> None:
    """Only plan_builder.store.repo inserts revisions or updates plan rows (migrations aside)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(
        r"(?<!class )PlanRevisionRecord\(|insert\((PlanRevisionRecord|PlanRecord)|update\(PlanRecord\)|INSERT INTO plan"
    )
    hits = []
    for path in [*root.glob("plan_builder/**/*.py"), *root.glob("bench/*.py")]:
        if "migrations" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                hits.append(f"{path.relative_to(root)}:{n}")
    assert [h.split(":")[0] for h in hits] == ["plan_builder/store/repo.py", "plan_builder/store/repo.py"], (
        hits
    )


def test_migration_0005_downgrade_puts_the_status_back(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        store = Store(engine)
        store.load_local_governments()
        s = store.create_plan(new_plan(), "a")
        store.write(RevisionWrite(s.id, s.plan, 1, "a", "提出", status=PlanStatus.SUBMITTED, submitted=True))
        from alembic import command

        from plan_builder.store.migrate import alembic_config

        cfg = alembic_config(engine)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
        with engine.connect() as conn:
            data = conn.execute(sa.text("SELECT data FROM plan")).scalar_one()
            revs = conn.execute(sa.text("SELECT data FROM plan_revision ORDER BY version")).scalars().all()
        load = lambda d: d if isinstance(d, dict) else __import__("json").loads(d)  # noqa: E731
        assert load(data)["status"] == "submitted"
        assert [load(d)["status"] for d in revs] == ["draft", "submitted"]
    finally:
        engine.dispose()
