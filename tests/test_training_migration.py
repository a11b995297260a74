"""Migration 0010: briefing sessions of the old kind (encoded in plan titles, on a real town) become
closed sessions with seats; a sandbox that lost its training mark is excluded again. Runs on SQLite
and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from plan_builder.auth.actor import Actor, Role
from plan_builder.creation import new_plan
from plan_builder.errors import PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.service import PlanService
from plan_builder.store import RevisionWrite, Store, make_engine
from plan_builder.store.migrate import upgrade
from plan_builder.store.tables import utcnow
from plan_builder.training import TrainingService

ADMIN = Actor("root", Role.ADMIN)
TRAINER = Actor("koshi", Role.TRAINER)
PLANNER = Actor("yahaba", Role.PLANNER, org_code="033227")
UNNAMED = "以前の練習用の計画（研修名なし）"

_PLAN = sa.text(
    "INSERT INTO plan (id, lg_code, guide_id, title, status, is_training, version, data, created_at,"
    " created_by, updated_at, updated_by) VALUES (:id, '033227', :g, :title, 'draft', :tr, :v, :d, :t,"
    " :by, :t, :by)"
).bindparams(sa.bindparam("d", type_=sa.JSON))
_REVISION = sa.text(
    "INSERT INTO plan_revision (plan_id, version, data, created_at, actor, note, named, title, status,"
    " seen, opened_at) VALUES (:id, :v, :d, :t, :by, '', true, :title, 'draft', true, :t)"
).bindparams(sa.bindparam("d", type_=sa.JSON))
_USER = sa.text(
    "INSERT INTO app_user (username, display_name, role, org_code, password_hash, active, failed_logins,"
    " created_at, updated_at) VALUES (:u, :u, :r, :o, 'x', true, 0, :t, :t)"
)


def _old_database(url: str, guide: Guide) -> sa.Engine:
    """A database at 0005 holding what the title-encoded tool left behind."""
    engine = make_engine(url)
    upgrade(engine, "0005")
    store = Store(engine)
    store.load_local_governments()
    town = store.local_government("033227")
    now = utcnow().replace(tzinfo=None)
    # id, current title, first title, is_training, author
    plans = [
        (1, "【研修：第1回】山田", "【研修：第1回】山田", True, "koshi"),
        (2, "佐藤の計画", "【研修：第1回】佐藤", True, "koshi"),  # retitled by the participant
        (3, "題名のない練習", "題名のない練習", True, "koshi"),  # names no session
        (4, "【研修：第1回】鈴木", "【研修：第1回】鈴木", False, "koshi"),  # lost its mark
        (5, "【研修：第1回】本物", "【研修：第1回】本物", False, "yahaba"),  # a real plan, oddly titled
        (6, "【研修：第1回】山田", "【研修：第1回】山田", True, "koshi"),  # the same name twice
    ]
    with engine.begin() as conn:
        conn.execute(_USER, {"u": "koshi", "r": "trainer", "o": None, "t": now})
        conn.execute(_USER, {"u": "yahaba", "r": "planner", "o": "033227", "t": now})
        for pid, title, first, training, by in plans:
            data = new_plan(town, guide, title=first, training=training).model_dump(mode="json")
            conn.execute(_PLAN, {"id": pid, "g": guide.id, "title": title, "tr": training, "v": 2, "d": data,
                                 "t": now, "by": by})  # fmt: skip
            conn.execute(_REVISION, {"id": pid, "v": 1, "d": data, "t": now, "by": by, "title": first})
            conn.execute(_REVISION, {"id": pid, "v": 2, "d": data, "t": now, "by": by, "title": title})
    return engine


def test_migration_0010_rebuilds_old_title_encoded_sessions(fresh_database_url: str, guide: Guide) -> None:
    engine = _old_database(fresh_database_url, guide)
    try:
        upgrade(engine)
        store = Store(engine)
        svc = TrainingService(store, TRAINER)
        sessions = {s.name: s for s in svc.sessions()}
        assert set(sessions) == {"第1回", UNNAMED}
        assert all(not s.is_open and s.lg_code == "990019" for s in sessions.values())
        seats = svc.seats(sessions["第1回"].id)
        assert [(s.plan_id, s.participant) for s in seats] == [
            (1, "山田"),
            (2, "佐藤"),
            (4, "鈴木"),
            (6, "山田（2）"),
        ]
        assert [(s.plan_id, s.participant) for s in svc.seats(sessions[UNNAMED].id)] == [
            (3, "題名のない練習")
        ]
        assert all(s.start_version == 1 for s in seats)
        # the sandbox that had lost its mark is one again, everywhere it is stored
        meta = store.plan_meta(4)
        assert meta.is_training and meta.lg_code == "990019"
        assert store.get_plan(4).plan.is_training and store.revision(4, 1).plan.lg_name == "研修市"
        # the real plan stays the town's, and the town sees nothing else
        assert not store.plan_meta(5).is_training and store.plan_meta(5).lg_code == "033227"
        assert [p.id for p in PlanService(store, PLANNER).list_plans()] == [5]
        assert {p.id for p in PlanService(store, TRAINER).list_plans()} == {1, 2, 3, 4, 6}
        # closed: readable and exportable, never writable; and the trainer can clean up
        stored = store.get_plan(1)
        try:
            store.write(RevisionWrite(1, stored.plan, stored.version, "koshi", "書き込み"))
        except PermissionDeniedError as exc:
            assert "終了した" in str(exc)
        else:
            raise AssertionError("a seat of a migrated (closed) session was writable")
        assert TrainingService(store, ADMIN).delete(sessions[UNNAMED].id) == 1
        assert {p.id for p in PlanService(store, TRAINER).list_plans()} == {1, 2, 4, 6}
        upgrade(engine)  # at head: nothing runs again
        assert len(svc.sessions()) == 1
    finally:
        engine.dispose()


def test_migration_0010_leaves_sessions_of_the_new_kind_alone(fresh_database_url: str, guide: Guide) -> None:
    """A database that already has session rows: seated plans are not touched, nothing is added."""
    from plan_builder.training import join

    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0009")
        store = Store(engine)
        store.load_local_governments()
        info = TrainingService(store, TRAINER).create_session("新しい研修", guide.id)
        join(store, info.join_code, "田中")
        upgrade(engine)
        [only] = TrainingService(store, TRAINER).sessions()
        assert only.name == "新しい研修" and only.is_open and only.seats == 1
    finally:
        engine.dispose()
