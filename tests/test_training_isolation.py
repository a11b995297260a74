"""Sandboxes are excluded by construction: no review query, coverage, KPI benchmark, planner list,
export or status change of a real organisation ever contains one, whoever asks."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.auth.users import UserAdmin, UserInputError
from plan_builder.creation import new_plan
from plan_builder.errors import NotFoundError, PermissionDeniedError, PlanBuilderError
from plan_builder.guide import Guide
from plan_builder.review.coverage import coverage_matrix
from plan_builder.review.export import to_csv
from plan_builder.review.kpi import kpi_index
from plan_builder.review.queue import QueueService, queue_records
from plan_builder.review.snapshots import SnapshotService
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.training import TrainingService, join

TRAINER = Actor("koshi", Role.TRAINER)
ADMIN = Actor("root", Role.ADMIN)
PLANNER = Actor("yahaba", Role.PLANNER, org_code="033227")
IWATE = Actor("iwate", Role.REVIEWER, scope="03")
NATION = Actor("kuni", Role.REVIEWER, scope=NATIONAL)
REAL_ACTORS = [ADMIN, PLANNER, IWATE, NATION]


@pytest.fixture
def world(store: Store, guide: Guide) -> dict[str, int]:
    """A real, submitted plan of 矢巾町 and a session whose sandbox the trainer also submitted."""
    real = PlanService(store, PLANNER).create(sample_plan(guide, lg_code="033227", lg_name="矢巾町"))
    ReviewService(store, PLANNER).submit(real.id)
    info = TrainingService(store, TRAINER).create_session("説明会", guide.id, start="sample")
    _, a = join(store, info.join_code, "山田")
    _, b = join(store, info.join_code, "佐藤")
    ReviewService(store, TRAINER).submit(a.seat_plan_id)  # trainers play both sides on sandboxes
    return {"real": real.id, "a": a.seat_plan_id, "b": b.seat_plan_id}


@pytest.mark.parametrize("actor", REAL_ACTORS, ids=lambda a: a.username)
def test_no_list_or_review_query_of_a_real_actor_holds_a_sandbox(
    store: Store, guide: Guide, world: dict[str, int], actor: Actor
) -> None:
    sandboxes = {world["a"], world["b"]}
    assert not sandboxes & {s.id for s in PlanService(store, actor).list_plans()}
    assert not sandboxes & {s.plan_id for s in SnapshotService(store, actor).meta()}
    snaps = SnapshotService(store, actor).load()
    assert not sandboxes & {s.plan_id for s in snaps} and not any(s.is_training for s in snaps)
    queue = QueueService(store, actor).page(page_size=500)
    assert not sandboxes & {r.plan_id for r in queue.rows}
    assert not sandboxes & {r.plan_id for r in coverage_matrix(snaps, guide).rows}
    points = [
        p for pts in kpi_index(SnapshotService(store, actor).load(content="digest")).values() for p in pts
    ]
    assert not sandboxes & {p.plan_id for p in points}
    records = queue_records(queue.rows)
    exported = to_csv([f"c{i}" for i in range(len(records[0]) if records else 1)], records)
    assert "研修" not in exported.decode("utf-8")
    if actor is not ADMIN:  # the real plan is there for those who should see it
        assert world["real"] in {s.plan_id for s in snaps}


@pytest.mark.parametrize("actor", [PLANNER, IWATE, NATION], ids=lambda a: a.username)
def test_real_users_cannot_open_export_or_review_a_sandbox(
    store: Store, world: dict[str, int], actor: Actor, tmp_path
) -> None:
    svc = PlanService(store, actor)
    for pid in (world["a"], world["b"]):
        assert not svc.can_read(pid) and not svc.can_write(pid)
        with pytest.raises(NotFoundError):
            svc.export(pid, "json", tmp_path / "x.json")
        with pytest.raises((NotFoundError, PermissionDeniedError)):
            ReviewService(store, actor).start_review(pid)


def test_trainers_and_participants_see_only_sandboxes(store: Store, world: dict[str, int]) -> None:
    ids = {s.id for s in PlanService(store, TRAINER).list_plans()}
    assert ids == {world["a"], world["b"]}
    assert {s.plan_id for s in SnapshotService(store, TRAINER).meta()} == {world["a"], world["b"]}
    assert not PlanService(store, TRAINER).can_read(world["real"])


def test_a_sandbox_cannot_live_at_a_real_org_nor_a_real_plan_at_the_training_org(
    store: Store, guide: Guide
) -> None:
    yahaba, kenshu = store.local_government("033227"), store.local_government("990019")
    with pytest.raises(PermissionDeniedError, match="研修用の計画"):
        store.create_plan(new_plan(yahaba, guide, training=True), "x")
    with pytest.raises(PermissionDeniedError, match="研修用の計画"):
        store.create_plan(new_plan(kenshu, guide, training=False), "x")
    with pytest.raises(PermissionDeniedError):  # a trainer cannot make one at a real town either
        PlanService(store, TRAINER).create(new_plan(yahaba, guide, training=True))


def test_the_training_orgs_are_not_offered_as_real_organisations(store: Store) -> None:
    assert store.search_local_governments("研修") == []
    assert "99" not in {p.pref_code for p in store.prefectures()}
    with pytest.raises(UserInputError, match="架空"):
        UserAdmin(store, ADMIN).add("kenshu", role="planner", password="harukaze-2026", org_code="990019")
    with pytest.raises(PlanBuilderError):
        UserAdmin(store, ADMIN).add("kenshu", role="reviewer", password="harukaze-2026", scope="99")
    with pytest.raises(UserInputError):
        UserAdmin(store, ADMIN).add("p", role="participant", password="harukaze-2026")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(role=st.sampled_from([Role.PLANNER, Role.REVIEWER, Role.ADMIN]), org=st.sampled_from(["033227", "990019"]),
       scope=st.sampled_from(["03", "99", NATIONAL, None]))  # fmt: skip
def test_any_real_role_gets_no_sandbox_from_any_list(
    store: Store, world: dict[str, int], role: Role, org: str, scope: str | None
) -> None:
    actor = Actor("x", role, org_code=org, scope=scope)
    got = {s.id for s in PlanService(store, actor).list_plans()} | {
        s.plan_id for s in SnapshotService(store, actor).meta()
    }
    assert not got & {world["a"], world["b"]}


def test_migration_0006_moves_old_sandboxes_off_real_towns(fresh_database_url: str, guide: Guide) -> None:
    """Before 0006, sandboxes were filed under a real town (矢巾町): they move to 研修市."""
    import sqlalchemy as sa

    from plan_builder.store import make_engine
    from plan_builder.store.migrate import upgrade
    from plan_builder.store.tables import utcnow

    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0005")
        Store(engine).load_local_governments()
        data = new_plan(Store(engine).local_government("033227"), guide, training=True).model_dump(
            mode="json"
        )
        now = utcnow().replace(tzinfo=None)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO plan (id, lg_code, guide_id, title, status, is_training, version, data,"
                    " created_at, created_by, updated_at, updated_by) VALUES (1, '033227', :g,"
                    " '【研修：旧】山田', 'draft', true, 1, :d, :t, 'k', :t, 'k')"
                ).bindparams(sa.bindparam("d", type_=sa.JSON)),
                {"d": data, "t": now, "g": guide.id},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO plan_revision (plan_id, version, data, created_at, actor, note, named, title,"
                    " status, seen, opened_at) VALUES (1, 1, :d, :t, 'k', '作成', true, '【研修：旧】山田',"
                    " 'draft', true, :t)"
                ).bindparams(sa.bindparam("d", type_=sa.JSON)),
                {"d": data, "t": now},
            )
        upgrade(engine)
        store = Store(engine)
        assert store.plan_meta(1).lg_code == "990019"
        assert store.get_plan(1).plan.lg_code == "990019" and store.get_plan(1).plan.lg_name == "研修市"
        assert store.revision(1, 1).plan.lg_code == "990019"
        assert PlanService(store, PLANNER).list_plans() == []
        assert [s.id for s in PlanService(store, TRAINER).list_plans()] == [1]
    finally:
        engine.dispose()
