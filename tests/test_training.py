"""Briefing sessions on a real store: sessions, joining, seats, trainer actions, board, hand-outs."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.audit import entries
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.plan.answers import set_answer
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.store.training_orgs import is_training_org, training_org_code
from plan_builder.training import (
    MAX_NAME,
    TrainingInputError,
    TrainingService,
    handout,
    join,
    normalise_code,
    participant_actor,
)

TRAINER = Actor("koshi", Role.TRAINER)


@pytest.fixture
def svc(store: Store) -> TrainingService:
    return TrainingService(store, TRAINER)


def _edit(store: Store, actor: Actor, key: str, value: str):
    svc = PlanService(store, actor)
    stored = svc.get(actor.seat_plan_id)
    guide = __import__("plan_builder.guide", fromlist=["get_guide"]).get_guide(stored.plan.guide_id)
    plan = set_answer(stored.plan, guide.question(key), value)
    return svc.save(actor.seat_plan_id, plan, expected_version=stored.version)


def test_a_session_has_a_code_and_its_seats_belong_to_the_training_org(
    svc: TrainingService, store: Store, guide: Guide, pref_guide: Guide
) -> None:
    info = svc.create_session(" 第1回 説明会 ", guide.id, start="sample")
    assert info.name == "第1回 説明会" and info.is_open and len(info.join_code) == 6
    assert info.lg_code == training_org_code("municipality") and is_training_org(info.lg_code)
    _, a = join(store, info.join_code, "山田 花子")
    meta = store.plan_meta(a.seat_plan_id)
    assert meta.is_training and meta.lg_code == "990019"
    assert store.local_government(meta.lg_code).name == "研修市"
    pref = svc.create_session("県の研修", pref_guide.id)
    _, b = join(store, pref.join_code, "佐藤")
    assert store.plan_meta(b.seat_plan_id).lg_code == "990001"
    assert [s.name for s in svc.sessions()] == ["県の研修", "第1回 説明会"]  # newest first, by creation
    assert [s.participant for s in svc.seats(info.id)] == ["山田 花子"]


def test_joining_needs_the_open_code_and_a_fresh_name(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    info = svc.create_session("説明会", guide.id)
    wide = info.join_code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    token, actor = join(store, f" {wide[:3]}-{wide[3:]} ", "山田")  # as typed off a projector
    assert actor.role is Role.PARTICIPANT and actor.display_name == "山田" and not actor.read_only
    assert participant_actor(store, token) == actor
    assert participant_actor(store, token + "x") is None and participant_actor(store, "") is None
    with pytest.raises(TrainingInputError, match="表示名「山田」"):
        join(store, info.join_code, "山田")
    with pytest.raises(TrainingInputError, match="参加コード"):
        join(store, "12345", "鈴木")
    with pytest.raises(TrainingInputError, match="表示名を入力"):
        join(store, info.join_code, "  ")
    svc.close(info.id)
    with pytest.raises(TrainingInputError, match="終了"):
        join(store, info.join_code, "鈴木")


def test_a_participant_opens_only_their_own_seat(svc: TrainingService, store: Store, guide: Guide) -> None:
    info = svc.create_session("説明会", guide.id, start="sample")
    _, a = join(store, info.join_code, "山田")
    _, b = join(store, info.join_code, "佐藤")
    pa = PlanService(store, a)
    assert [s.id for s in pa.list_plans()] == [a.seat_plan_id]
    assert pa.list_plans(training=False) == []
    with pytest.raises(NotFoundError):
        pa.get(b.seat_plan_id)
    with pytest.raises(NotFoundError):
        pa.save(b.seat_plan_id, pa.get(a.seat_plan_id).plan, expected_version=1)
    with pytest.raises(PermissionDeniedError):  # a joined participant cannot make more plans
        pa.create(pa.get(a.seat_plan_id).plan)
    assert _edit(store, a, "current.overview", "人口減少が続いています。").version == 2


def test_closing_makes_seats_read_only_and_keeps_them_readable(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    info = svc.create_session("説明会", guide.id)
    token, a = join(store, info.join_code, "山田")
    svc.close(info.id)
    closed = participant_actor(store, token)
    assert closed is not None and closed.read_only
    assert PlanService(store, closed).get(a.seat_plan_id).version == 1
    with pytest.raises(PermissionDeniedError):
        _edit(store, closed, "current.overview", "書けないはず")
    with pytest.raises(TrainingInputError, match="終了"):
        svc.reset(info.id)


def test_reset_all_or_selected_seats_goes_back_to_the_start(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    info = svc.create_session("説明会", guide.id)
    _, a = join(store, info.join_code, "山田")
    _, b = join(store, info.join_code, "佐藤")
    _edit(store, a, "current.overview", "山田の回答")
    _edit(store, b, "current.overview", "佐藤の回答")
    seats = svc.seats(info.id)
    done = svc.reset(info.id, [seats[0].id])
    assert [d.id for d in done] == [a.seat_plan_id]
    assert "current.overview" not in PlanService(store, a).get(a.seat_plan_id).plan.answers
    assert PlanService(store, b).get(b.seat_plan_id).plan.answers["current.overview"] == "佐藤の回答"
    svc.reset(info.id)
    assert "current.overview" not in PlanService(store, b).get(b.seat_plan_id).plan.answers
    assert len(store.revisions(b.seat_plan_id)) == 3  # history kept
    with pytest.raises(TrainingInputError, match="席"):
        svc.reset(info.id, [9999])


def test_delete_removes_session_seats_and_plans_and_is_audited(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    info = svc.create_session("消す研修", guide.id)
    token, a = join(store, info.join_code, "山田")
    _edit(store, a, "current.overview", "回答")
    assert svc.delete(info.id) == 1
    assert participant_actor(store, token) is None
    with pytest.raises(NotFoundError):
        store.plan_meta(a.seat_plan_id)
    with pytest.raises(NotFoundError):
        svc.session(info.id)
    logged = [e for e in entries(store.engine) if e.action == "training.delete"]
    assert logged and logged[0].actor == "koshi" and logged[0].target == f"training:{info.id}"


def test_export_zip_has_one_docx_per_seat(svc: TrainingService, store: Store, guide: Guide) -> None:
    info = svc.create_session("説明会", guide.id)
    join(store, info.join_code, "山田")
    join(store, info.join_code, "佐藤")
    with zipfile.ZipFile(io.BytesIO(svc.export_zip(info.id))) as zf:
        names = zf.namelist()
        assert len(names) == 2 and all(n.endswith(".docx") for n in names)
        assert "山田" in names[0] and "佐藤" in names[1]
        Document(io.BytesIO(zf.read(names[0])))  # a real Word file


def test_board_counts_changes_since_the_start_not_completeness(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    info = svc.create_session("説明会", guide.id, start="sample")  # 100 % complete from the start
    _, a = join(store, info.join_code, "山田")
    _, b = join(store, info.join_code, "佐藤")
    _edit(store, a, "structure.pdca", "PDCAを回します。")
    board = svc.board(info.id)
    by_name = {s.participant: s for s in board.seats}
    assert by_name["山田"].changed == 1 and by_name["佐藤"].changed == 0
    assert by_name["山田"].chapter.startswith("第4章") and by_name["佐藤"].chapter == ""
    assert [s.number for s in board.seats] == [1, 2]
    # Both have not reached most questions; structure.pdca was reached by one of two (not "most").
    labels = {n.label for n in board.not_reached}
    assert guide.question("structure.pdca").label not in labels
    assert guide.question("current.overview").label in labels
    idle = svc.board(info.id, idle_minutes=0)
    assert all(s.idle for s in idle.seats)


def test_only_trainers_and_admins_run_sessions(store: Store) -> None:
    for role in (Role.PLANNER, Role.REVIEWER, Role.PARTICIPANT):
        with pytest.raises(PermissionDeniedError):
            TrainingService(store, Actor("x", role, org_code="033227", scope="03"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=60), code=st.text(max_size=12))
def test_any_typed_name_or_code_is_refused_cleanly_or_joins(
    svc: TrainingService, store: Store, guide: Guide, name: str, code: str
) -> None:
    info = svc.create_session("説明会", guide.id) if not svc.sessions() else svc.sessions()[0]
    try:
        token, actor = join(store, code, name)
    except TrainingInputError as exc:
        assert str(exc) and "\n" not in str(exc)[:5]
        return
    assert normalise_code(code) == info.join_code
    assert 0 < len(actor.display_name) <= MAX_NAME


def test_handout_has_session_join_steps_exercises_and_page_numbers(
    svc: TrainingService, guide: Guide
) -> None:
    info = svc.create_session("令和8年度 第1回 説明会", guide.id)
    md = handout(guide, "md", info, "http://127.0.0.1:8501/").decode("utf-8")
    assert "研修名：令和8年度 第1回 説明会" in md and info.join_code in md and "http://127.0.0.1:8501/" in md
    assert md.count("### 演習（第") == len(guide.chapters)
    doc = Document(io.BytesIO(handout(guide, "docx", info)))
    assert 'w:instr="PAGE"' in doc.sections[0].footer._element.xml
    assert not any(r.italic for p in doc.paragraphs for r in p.runs)
    assert not any(getattr(s, "font", None) is not None and s.font.italic for s in doc.styles)
    title = next(p for p in doc.paragraphs if p.style.name == "Title")
    assert [r.text for r in title.runs] == [guide.title + "\n", "研修用配布資料"]  # broken at the phrase


def test_a_closed_seat_refuses_every_writer_with_a_japanese_message(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    """Closing is enforced where plans are written, not only by the participant's identity: the
    trainer, an identity read before the close and the store itself are all refused."""
    from plan_builder.store import RevisionWrite

    info = svc.create_session("説明会", guide.id, start="sample")
    token, a = join(store, info.join_code, "山田")
    assert _edit(store, a, "current.overview", "終了前の入力").version == 2
    svc.close(info.id)
    closed = participant_actor(store, token)
    assert closed is not None
    with pytest.raises(PermissionDeniedError, match="この研修は終了したため"):
        _edit(store, closed, "current.overview", "終了後の入力")
    with pytest.raises(PermissionDeniedError, match="この研修は終了したため"):
        _edit(store, a, "current.overview", "終了前に読んだ身元で")  # identity read before close
    trainer_plans = PlanService(store, TRAINER)
    renamed = store.get_plan(a.seat_plan_id).plan.model_copy(update={"title": "講師が変えた題名"})
    with pytest.raises(PermissionDeniedError, match="この研修は終了したため"):
        trainer_plans.save(a.seat_plan_id, renamed, expected_version=2)
    with pytest.raises(PermissionDeniedError, match="閲覧だけができます"):
        stored = store.get_plan(a.seat_plan_id)
        store.write(RevisionWrite(a.seat_plan_id, stored.plan, stored.version, "cli", "直接"))
    stored = store.get_plan(a.seat_plan_id)
    assert stored.version == 2 and stored.plan.answers["current.overview"] == "終了前の入力"
    assert PlanService(store, closed).get(a.seat_plan_id).version == 2  # still readable


def test_author_names_show_a_participant_by_name_marked_as_participant(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    from plan_builder.auth.users import UserAdmin
    from plan_builder.training import author_names

    info = svc.create_session("説明会", guide.id)
    _, a = join(store, info.join_code, "山田")
    UserAdmin(store, Actor("admin", Role.ADMIN)).add(
        "fujieda", role=Role.REVIEWER, password=None, scope="22", display_name="静岡県 審査担当"
    )
    UserAdmin(store, Actor("admin", Role.ADMIN)).add("noname", role=Role.REVIEWER, password=None, scope="22")
    names = author_names(
        store, [a.username, "fujieda", "noname", "local", "participant:999", "participant:x", ""]
    )
    assert names == {
        a.username: "山田（研修参加者）",
        "fujieda": "静岡県 審査担当",
        "noname": "noname",
        "local": "local",
        "participant:999": "participant:999",  # a deleted session's participant
        "participant:x": "participant:x",
    }
    _edit(store, a, "current.overview", "参加者が書いた文")
    [latest, *_] = PlanService(store, TRAINER).revisions(a.seat_plan_id)
    assert author_names(store, [latest.actor])[latest.actor] == "山田（研修参加者）"


def test_a_seats_first_version_names_the_participant_who_joined(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    """The seat's first revision is written while joining (before the participant row exists);
    変更履歴 must still show the participant, not 「join:<id>」, and each seat its own person."""
    from plan_builder.training import author_names

    info = svc.create_session("説明会", guide.id)
    _, a = join(store, info.join_code, "山田")
    _, b = join(store, info.join_code, "佐藤")
    for actor, name in ((a, "山田"), (b, "佐藤")):
        [first] = PlanService(store, TRAINER).revisions(actor.seat_plan_id)
        assert first.actor.startswith("join:")
        shown = author_names(store, [first.actor], plan_id=actor.seat_plan_id)
        assert shown == {first.actor: f"{name}（研修参加者）"}
    # another session's id: not a participant of that seat; no plan given: a participant, unnamed
    assert author_names(store, ["join:999"], plan_id=a.seat_plan_id) == {"join:999": "join:999"}
    assert author_names(store, [first.actor])[first.actor] == "研修参加者"
