"""Briefing sessions: sandboxes, the progress board, reset and handouts, on a real store."""

from __future__ import annotations

import io

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.guide.model import Requirement
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.training import (
    MAX_NAME,
    TrainingInputError,
    TrainingService,
    clean_participants,
    handout,
    parse_title,
    seat_title,
)

TRAINER = Actor("koshi", Role.TRAINER)


@pytest.fixture
def svc(store: Store) -> TrainingService:
    return TrainingService(store, TRAINER)


def test_sandboxes_are_training_plans_with_session_titles(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    made = svc.create_sandboxes(" 第1回 説明会 ", ["山田 花子", "佐藤\u200b一郎"], guide.id, start="sample")
    assert [s.plan.title for s in made] == [
        "【研修：第1回 説明会】山田 花子",
        "【研修：第1回 説明会】佐藤\u200b一郎",
    ]
    for s in made:
        meta = store.plan_meta(s.id)
        assert meta.is_training and meta.lg_code == "033227" and meta.created_by == "koshi"
    assert svc.sessions() == ["第1回 説明会"]
    board = svc.board("第1回 説明会")
    assert [b.participant for b in board] == ["山田 花子", "佐藤\u200b一郎"]
    assert all(b.completeness == 1.0 and b.errors == 0 for b in board)  # the sample plan is complete


def test_blank_sandbox_has_only_period_and_title(svc: TrainingService, store: Store, guide: Guide) -> None:
    [seat] = svc.create_sandboxes("白紙の回", ["田中"], guide.id, start="blank")
    plan = store.get_plan(seat.id).plan
    assert plan.period is not None and plan.answers == {} and plan.measures == [] and plan.is_training
    [row] = svc.board("白紙の回")
    assert row.completeness < 0.2 and row.errors > 0
    assert set(row.chapters) == {c.key for c in guide.chapters}


def test_prefecture_guide_uses_iwate(svc: TrainingService, store: Store, pref_guide: Guide) -> None:
    [seat] = svc.create_sandboxes("県の回", ["高橋"], pref_guide.id, start="blank")
    assert store.plan_meta(seat.id).lg_code == "030007"


@pytest.mark.parametrize(
    "actor",
    [Actor("p", Role.PLANNER, org_code="033227"), Actor("r", Role.REVIEWER, scope="03")],
    ids=["planner", "reviewer"],
)
def test_other_roles_are_refused(store: Store, actor: Actor) -> None:
    with pytest.raises(PermissionDeniedError, match="研修講師と管理者"):
        TrainingService(store, actor)


def test_admin_may_run_a_session(store: Store, guide: Guide) -> None:
    made = TrainingService(store, Actor("admin", Role.ADMIN)).create_sandboxes(
        "管理者の回", ["a"], guide.id, start="blank"
    )
    assert store.plan_meta(made[0].id).is_training


def test_board_reflects_a_participants_edit(svc: TrainingService, store: Store, guide: Guide) -> None:
    seats = svc.create_sandboxes("編集の回", ["甲", "乙"], guide.id, start="blank")
    before = {b.participant: b for b in svc.board("編集の回")}
    chapter = guide.chapters[0]
    required = [q for q in chapter.questions if q.required is Requirement.REQUIRED and not q.field]
    answers = sample_plan(guide).answers
    # The participant works in the ordinary app, as the trainer account they were given.
    ps = PlanService(store, Actor("sanka", Role.TRAINER))
    cur = ps.get(seats[0].id)
    edited = cur.plan.model_copy(update={"answers": {q.key: answers[q.key] for q in required}})
    ps.save(seats[0].id, edited, expected_version=cur.version)
    after = {b.participant: b for b in svc.board("編集の回")}
    assert after["甲"].version == before["甲"].version + 1
    assert after["甲"].chapters[chapter.key] > before["甲"].chapters[chapter.key]
    assert after["甲"].completeness > before["甲"].completeness
    assert after["甲"].errors == before["甲"].errors - len(required)
    assert after["甲"].updated_at >= before["甲"].updated_at
    assert after["乙"] == before["乙"]  # the neighbour's seat is untouched


def test_a_retitled_seat_stays_on_the_board_and_cannot_be_doubled(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    """The title is the first question of 第3章 with an example button: participants change it."""
    seats = svc.create_sandboxes("改題の回", ["山田", "佐藤"], guide.id, start="blank")
    ps = PlanService(store, Actor("sanka", Role.TRAINER))
    cur = ps.get(seats[0].id)
    ps.save(
        seats[0].id,
        cur.plan.model_copy(update={"title": "みどり町官民データ活用推進計画"}),
        expected_version=cur.version,
    )
    assert [b.participant for b in svc.board("改題の回")] == ["山田", "佐藤"]
    with pytest.raises(TrainingInputError):
        svc.create_sandboxes("改題の回", ["山田"], guide.id, start="blank")


def test_reset_brings_back_version_one_as_a_new_revision(
    svc: TrainingService, store: Store, guide: Guide
) -> None:
    [seat] = svc.create_sandboxes("戻す回", ["丙"], guide.id, start="sample")
    ps = PlanService(store, TRAINER)
    cur = ps.get(seat.id)
    ps.save(
        seat.id, cur.plan.model_copy(update={"answers": {}, "measures": [], "kpis": []}), expected_version=1
    )
    assert svc.board("戻す回")[0].completeness < 0.5
    restored = svc.reset(seat.id)
    assert restored.version == 3
    assert store.get_plan(seat.id).plan.answers == store.revision(seat.id, 1).plan.answers
    assert [r.version for r in store.revisions(seat.id)] == [3, 2, 1]
    assert svc.board("戻す回")[0].completeness == 1.0


def test_reset_refuses_plans_that_are_not_seats(svc: TrainingService, store: Store, guide: Guide) -> None:
    admin = PlanService(store, Actor("admin", Role.ADMIN))
    real = admin.create(sample_plan(guide)).id
    with pytest.raises(NotFoundError):
        svc.reset(real)  # a trainer cannot even see a real plan
    other = admin.create(sample_plan(guide).model_copy(update={"is_training": True})).id
    with pytest.raises(PermissionDeniedError, match="練習用計画ではありません"):
        svc.reset(other)


def test_sessions_are_kept_apart(svc: TrainingService, guide: Guide) -> None:
    svc.create_sandboxes("A回", ["山田"], guide.id, start="blank")
    svc.create_sandboxes("B回", ["山田", "鈴木"], guide.id, start="blank")
    assert svc.sessions() == ["B回", "A回"]
    assert [b.participant for b in svc.board("A回")] == ["山田"]
    assert [b.participant for b in svc.board("B回")] == ["山田", "鈴木"]
    with pytest.raises(TrainingInputError, match="参加者「鈴木」の練習用計画がすでにあります"):
        svc.create_sandboxes("B回", ["鈴木"], guide.id, start="blank")


@pytest.mark.parametrize(
    ("session", "people", "message"),
    [
        ("  ", ["a"], "研修名を入力してください"),
        ("x" * (MAX_NAME + 1), ["a"], f"研修名「x{{10}}…」は{MAX_NAME}文字以内"),
        ("【回】", ["a"], "研修名「【回】」には改行と「【」「】」を使えません"),
        ("回", [], "参加者名を1人以上入力してください"),
        ("回", ["a", "\x00 \u202e"], r"参加者名（2人目）を入力してください"),
        ("回", ["a", "a"], "参加者名「a」が重複しています"),
        ("回", [f"p{i}" for i in range(61)], "参加者は60人以内にしてください（61人）"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    svc: TrainingService, store: Store, guide: Guide, session: str, people: list[str], message: str
) -> None:
    with pytest.raises(TrainingInputError, match=message):
        svc.create_sandboxes(session, people, guide.id, start="blank")
    assert store.list_plans() == []  # nothing half-created


def test_names_are_cleaned_before_the_duplicate_check() -> None:
    with pytest.raises(TrainingInputError, match="重複"):
        clean_participants(["ｶﾞ", "ｶﾞ "])
    assert clean_participants(["e\u0301", "f"]) == ["\u00e9", "f"]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=MAX_NAME), st.text(min_size=1, max_size=MAX_NAME))
def test_title_round_trip(session: str, participant: str) -> None:
    try:
        [s] = clean_participants([session])
        [p] = clean_participants([participant])
    except TrainingInputError:
        return
    assert parse_title(seat_title(s, p)) == (s, p)


def test_handout_markdown_has_every_chapter_and_required_label(guide: Guide) -> None:
    md = handout(guide, "md").decode("utf-8")
    for ch in guide.chapters:
        assert f"## 第{ch.number}章　{ch.title}" in md
        for q in ch.questions:
            if q.required is Requirement.REQUIRED:
                assert f"### {q.label}" in md
    q = next(q for q in guide.questions() if q.examples and q.basis)
    assert q.citation.text() in md and "必須" in md and "推奨" in md


def test_handout_docx_opens_with_chapter_headings(pref_guide: Guide) -> None:
    doc = Document(io.BytesIO(handout(pref_guide, "docx")))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == [f"第{c.number}章　{c.title}" for c in pref_guide.chapters]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert len(h2) == len(pref_guide.questions())
    assert any(p.text.startswith("記載例：") for p in doc.paragraphs)


def test_handout_rejects_unknown_format(guide: Guide) -> None:
    with pytest.raises(TrainingInputError, match="形式「pdf」"):
        handout(guide, "pdf")  # type: ignore[arg-type]
