"""The projector board of a session: one read of every seat, compared with where it started.

Why "changed since the start" and not completeness: a seat started from the sample plan is 100 %
complete before the participant types anything. The board counts the questions whose answer
differs from the seat's starting revision, shows as the participant's current chapter the furthest
chapter (in the guide's order) with such a change (autosaves are coalesced in the history, so the
previous revision is no record of the latest edit), and marks seats with no save for N minutes.
One query reads the seats with their current and starting data (no N+1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_
from sqlalchemy.orm import aliased
from sqlmodel import select

from plan_builder.guide import Guide, Question, get_guide
from plan_builder.plan import raw_answer
from plan_builder.store import PlanRecord, PlanRevisionRecord, Store, utcnow
from plan_builder.training.tables import TrainingParticipantRecord, TrainingSeatRecord

IDLE_MINUTES = 5


@dataclass(frozen=True)
class SeatStatus:
    seat_id: int
    number: int
    plan_id: int
    participant: str
    version: int
    chapter: str  # 「第3章 …」, the furthest chapter changed since the start; "" before any change
    changed: int  # questions whose answer differs from the start
    total: int  # questions in the guide
    last_saved: datetime
    idle: bool  # nothing saved for IDLE_MINUTES (or the given minutes)


@dataclass(frozen=True)
class NotReached:
    label: str
    chapter: str
    count: int  # participants who have not changed this answer yet


@dataclass(frozen=True)
class Board:
    seats: list[SeatStatus]
    not_reached: list[NotReached]  # questions most participants have not reached, in guide order


def changed_questions(guide: Guide, before: dict[str, Any], after: dict[str, Any]) -> list[Question]:
    return [q for q in guide.questions() if raw_answer(before, q) != raw_answer(after, q)]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_board(
    store: Store,
    session_id: int,
    guide_id: str,
    *,
    idle_minutes: float = IDLE_MINUTES,
    now: datetime | None = None,
) -> Board:
    guide = get_guide(guide_id)
    chapter_of = {q.key: f"第{c.number}章 {c.title}" for c in guide.chapters for q in c.questions}
    start = aliased(PlanRevisionRecord)
    q = (
        select(
            TrainingSeatRecord.id,
            TrainingSeatRecord.number,
            TrainingSeatRecord.plan_id,
            TrainingParticipantRecord.display_name,
            PlanRecord.version,
            PlanRecord.updated_at,
            PlanRecord.data,
            start.data,
        )
        .join(PlanRecord, PlanRecord.id == TrainingSeatRecord.plan_id)
        .join(
            TrainingParticipantRecord,
            TrainingParticipantRecord.seat_id == TrainingSeatRecord.id,
            isouter=True,
        )
        .join(
            start,
            and_(
                start.plan_id == TrainingSeatRecord.plan_id, start.version == TrainingSeatRecord.start_version
            ),
        )
        .where(TrainingSeatRecord.session_id == session_id)
        .order_by(TrainingSeatRecord.number)
    )
    with store.session() as s:
        rows = s.exec(q).all()
    now = _aware(now or utcnow())
    questions = guide.questions()
    not_changed = {qq.key: 0 for qq in questions}
    seats = []
    for seat_id, number, plan_id, name, version, updated, data, start_data in rows:
        latest = changed_questions(guide, start_data, data)
        changed = {qq.key for qq in latest}
        for key in not_changed:
            not_changed[key] += key not in changed
        seats.append(
            SeatStatus(
                seat_id=seat_id,
                number=number,
                plan_id=plan_id,
                participant=name or "",
                version=version,
                chapter=chapter_of[latest[-1].key] if latest else "",
                changed=len(changed),
                total=len(questions),
                last_saved=updated,
                idle=(now - _aware(updated)).total_seconds() > idle_minutes * 60,
            )
        )
    half = len(seats) / 2
    laggards = [
        NotReached(qq.label, chapter_of[qq.key], not_changed[qq.key])
        for qq in questions
        if seats and not_changed[qq.key] > half
    ]
    return Board(seats, laggards)
