"""Briefing sessions (説明会): a session with a join code, one sandbox seat per participant.

Why it is built this way: sessions, seats and participants are rows of their own
(plan_builder.training.tables), not titles. Every sandbox belongs to the fictional training
organisation of its guide variant (plan_builder.store.training_orgs), so no real organisation
ever sees one. Participants have no account: joining with the code and a display name creates
their seat and returns a random secret; the browser keeps it and `participant_actor` turns it
into an Actor that can open that one seat, read-only once the session is closed. Plans are
created, reset and exported through PlanService, so permissions and the audit log apply.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import delete
from sqlmodel import SQLModel, select

from plan_builder.auth import Actor, Role, audit
from plan_builder.creation import new_plan
from plan_builder.errors import NotFoundError, PermissionDeniedError, PlanBuilderError
from plan_builder.guide import get_guide
from plan_builder.plan import PlanPeriod, clean_text
from plan_builder.samples import END_FY, START_FY, sample_plan
from plan_builder.service import PlanService
from plan_builder.store import PlanRecord, RevisionWrite, Store, StoredPlan, training_org_code, utcnow
from plan_builder.training.authors import JOIN_PREFIX, PARTICIPANT_PREFIX
from plan_builder.training.tables import TrainingParticipantRecord, TrainingSeatRecord, TrainingSessionRecord
from plan_builder.uploads import safe_filename

MAX_NAME = 40
MAX_SEATS = 60
CODE_DIGITS = 6
Start = Literal["blank", "sample"]
START_LABELS = {"sample": "記入例（架空の団体の完成した計画）", "blank": "白紙（計画期間と名称だけ）"}
STATUS_LABELS = {"open": "受付中", "closed": "終了"}


class TrainingInputError(PlanBuilderError):
    """Bad input for a session; the message is Japanese and names the field."""


@dataclass(frozen=True)
class SessionInfo:
    id: int
    name: str
    guide_id: str
    lg_code: str
    start: str
    join_code: str
    status: str
    created_at: datetime
    created_by: str
    seats: int

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class SeatInfo:
    id: int
    number: int
    plan_id: int
    start_version: int
    participant: str  # display name, "" before anyone joined


def clean_name(value: str, field: str) -> str:
    """A session or display name: trimmed, one line, at most MAX_NAME characters."""
    name = clean_text(value or "").strip()
    if not name:
        raise TrainingInputError(f"{field}を入力してください")
    if "\n" in name:
        raise TrainingInputError(f"{field}は1行で入力してください")
    if len(name) > MAX_NAME:
        raise TrainingInputError(
            f"{field}「{name[:10]}…」は{MAX_NAME}文字以内にしてください（{len(name)}文字）"
        )
    return name


def normalise_code(code: str) -> str:
    """Full-width digits, spaces and hyphens as people type them off a projector."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKC", code or "") if c.isdigit())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(rec: TrainingSessionRecord, seats: int) -> SessionInfo:
    return SessionInfo(
        rec.id, rec.name, rec.guide_id, rec.lg_code, rec.start, rec.join_code, rec.status,
        rec.created_at, rec.created_by, seats,
    )  # fmt: skip


def _seat_plan(store: Store, guide_id: str, start: str, title: str):
    """A new sandbox on the training organisation of the guide's variant."""
    guide = get_guide(guide_id)
    lg = store.local_government(training_org_code(guide.variant))
    if start == "sample":
        plan = sample_plan(guide, lg_code=lg.code6, lg_name=lg.name)
        return plan.model_copy(update={"title": title, "is_training": True})
    plan = new_plan(lg, guide, title=title, training=True)
    return plan.model_copy(update={"period": PlanPeriod(start_fy=START_FY, end_fy=END_FY)})


# Participants -------------------------------------------------------------------------------
def participant_actor(store: Store, token: str | None) -> Actor | None:
    """The identity a joined browser acts as, re-read on every run: None when the token is unknown
    or its session was deleted; read-only once the session is closed."""
    if not token:
        return None
    with store.session() as s:
        row = s.exec(
            select(TrainingParticipantRecord, TrainingSeatRecord.plan_id, TrainingSessionRecord.status)
            .join(TrainingSeatRecord, TrainingSeatRecord.id == TrainingParticipantRecord.seat_id)
            .join(TrainingSessionRecord, TrainingSessionRecord.id == TrainingParticipantRecord.session_id)
            .where(TrainingParticipantRecord.token_hash == _hash(token))
        ).first()
    if row is None:
        return None
    p, plan_id, status = row
    return Actor(
        username=f"{PARTICIPANT_PREFIX}{p.id}",
        role=Role.PARTICIPANT,
        display_name=p.display_name,
        seat_plan_id=plan_id,
        read_only=status != "open",
    )


def join(store: Store, code: str, display_name: str) -> tuple[str, Actor]:
    """Join the open session with `code`: a new seat (sandbox plan) for `display_name`.
    Returns (the browser's secret, the participant's Actor). No account, no e-mail."""
    digits = normalise_code(code)
    if len(digits) != CODE_DIGITS:
        raise TrainingInputError(f"参加コードは{CODE_DIGITS}桁の数字で入力してください")
    name = clean_name(display_name, "表示名")
    with store.session() as s:
        rec = s.exec(
            select(TrainingSessionRecord).where(
                TrainingSessionRecord.join_code == digits, TrainingSessionRecord.status == "open"
            )
        ).first()
        if rec is None:
            raise TrainingInputError(f"参加コード「{digits}」の研修は見つからないか、すでに終了しています")
        taken = s.exec(
            select(TrainingParticipantRecord.display_name).where(
                TrainingParticipantRecord.session_id == rec.id
            )
        ).all()
    if name in taken:
        raise TrainingInputError(
            f"表示名「{name}」はこの研修ですでに使われています。別の表示名にしてください"
        )
    if len(taken) >= MAX_SEATS:
        raise TrainingInputError(f"この研修の席は{MAX_SEATS}席までです。講師に連絡してください")
    token = secrets.token_urlsafe(24)
    joining = Actor(username=f"{JOIN_PREFIX}{rec.id}", role=Role.PARTICIPANT, display_name=name)
    stored = PlanService(store, joining).create(
        _seat_plan(store, rec.guide_id, rec.start, f"【研修】{name}さんの練習用計画")
    )
    with store.session() as s:
        number = len(
            s.exec(select(TrainingSeatRecord.id).where(TrainingSeatRecord.session_id == rec.id)).all()
        )
        seat = TrainingSeatRecord(session_id=rec.id, number=number + 1, plan_id=stored.id, start_version=1)
        s.add(seat)
        s.flush()
        part = TrainingParticipantRecord(
            session_id=rec.id, seat_id=seat.id, display_name=name, token_hash=_hash(token)
        )  # type: ignore[arg-type]
        s.add(part)
        s.commit()
        pid = part.id
    audit.record(
        store.engine,
        f"{PARTICIPANT_PREFIX}{pid}",
        "training.join",
        f"training:{rec.id}",
        seat=number + 1,
        plan=stored.id,
    )
    actor = participant_actor(store, token)
    assert actor is not None
    return token, actor


# Trainers -----------------------------------------------------------------------------------
class TrainingService:
    """What a trainer (or admin) does with sessions; every action is audited."""

    def __init__(self, store: Store, actor: Actor) -> None:
        if actor.role not in (Role.TRAINER, Role.ADMIN):
            raise PermissionDeniedError("研修の機能は研修講師と管理者だけが使えます")
        self.store, self.actor = store, actor
        # Sandboxes are outside an admin's scope (policy: they never mix with real plans), so an
        # admin running a session acts on its seats as a trainer, under their own name.
        as_trainer = actor if actor.role is Role.TRAINER else replace(actor, role=Role.TRAINER)
        self.plans = PlanService(store, as_trainer)

    def _audit(self, action: str, session_id: int, **detail) -> None:
        audit.record(self.store.engine, self.actor.username, action, f"training:{session_id}", **detail)

    def create_session(self, name: str, guide_id: str, *, start: Start = "blank") -> SessionInfo:
        name = clean_name(name, "研修名")
        if start not in START_LABELS:
            raise TrainingInputError("開始時の内容は「白紙」か「記入例」を選んでください")
        guide = get_guide(guide_id)
        with self.store.session() as s:
            open_codes = set(
                s.exec(select(TrainingSessionRecord.join_code).where(TrainingSessionRecord.status == "open"))
            )
            code = _new_code(open_codes)
            rec = TrainingSessionRecord(
                name=name, guide_id=guide.id, lg_code=training_org_code(guide.variant), start=start,
                join_code=code, status="open", created_at=utcnow(), created_by=self.actor.username,
            )  # fmt: skip
            s.add(rec)
            s.commit()
        self._audit("training.create", rec.id, name=name, guide=guide.id)  # type: ignore[arg-type]
        return _info(rec, 0)

    def sessions(self) -> list[SessionInfo]:
        """Every session, the newest first (ordered by creation, never by activity)."""
        with self.store.session() as s:
            recs = s.exec(select(TrainingSessionRecord).order_by(TrainingSessionRecord.id.desc())).all()
            counts: dict[int, int] = {}
            for sid in s.exec(select(TrainingSeatRecord.session_id)):
                counts[sid] = counts.get(sid, 0) + 1
        return [_info(r, counts.get(r.id, 0)) for r in recs]  # type: ignore[arg-type]

    def session(self, session_id: int) -> SessionInfo:
        with self.store.session() as s:
            rec = s.get(TrainingSessionRecord, session_id)
            if rec is None:
                raise NotFoundError(f"研修（ID {session_id}）が見つかりません")
            n = len(
                s.exec(select(TrainingSeatRecord.id).where(TrainingSeatRecord.session_id == session_id)).all()
            )
        return _info(rec, n)

    def seats(self, session_id: int) -> list[SeatInfo]:
        """Seats in joining order, with the participant's display name."""
        self.session(session_id)
        with self.store.session() as s:
            rows = s.exec(
                select(TrainingSeatRecord, TrainingParticipantRecord.display_name)
                .join(
                    TrainingParticipantRecord,
                    TrainingParticipantRecord.seat_id == TrainingSeatRecord.id,
                    isouter=True,
                )
                .where(TrainingSeatRecord.session_id == session_id)
                .order_by(TrainingSeatRecord.number)
            ).all()
        return [SeatInfo(r.id, r.number, r.plan_id, r.start_version, name or "") for r, name in rows]  # type: ignore[arg-type]

    def close(self, session_id: int) -> SessionInfo:
        """No one can join any more and every seat becomes read-only for its participant."""
        with self.store.session() as s:
            rec = s.get(TrainingSessionRecord, session_id)
            if rec is None:
                raise NotFoundError(f"研修（ID {session_id}）が見つかりません")
            rec.status, rec.closed_at = "closed", utcnow()
            s.add(rec)
            s.commit()
        self._audit("training.close", session_id)
        return self.session(session_id)

    def reset(self, session_id: int, seat_ids: list[int] | None = None) -> list[StoredPlan]:
        """Bring every seat (or the chosen ones) back to its starting version, as new revisions
        written by the store's revision writer (history is kept)."""
        info = self.session(session_id)
        if not info.is_open:
            raise TrainingInputError(f"研修「{info.name}」は終了しているため、初期状態に戻せません")
        seats = self.seats(session_id)
        if seat_ids is not None:
            unknown = set(seat_ids) - {s.id for s in seats}
            if unknown:
                raise TrainingInputError(f"席（ID {min(unknown)}）はこの研修の席ではありません")
            seats = [s for s in seats if s.id in set(seat_ids)]
        writes = []
        for seat in seats:
            if not self.plans.can_write(seat.plan_id):
                raise PermissionDeniedError(f"席 {seat.number} の計画を変更する権限がありません")
            current = self.plans.current_version(seat.plan_id)
            if current != seat.start_version:
                start = self.plans.revision(seat.plan_id, seat.start_version).plan
                note = f"研修：版 {seat.start_version}（開始時）に戻す"
                writes.append(
                    RevisionWrite(seat.plan_id, start, current, self.actor.username, note, named=True)
                )
        out = self.store.write_many(writes)  # the store's one revision writer, all seats or none
        for stored in out:
            self.plans.record("plan.restore", stored.id, version=stored.version)
        self._audit("training.reset", session_id, seats=[s.number for s in seats])
        return out

    def delete(self, session_id: int) -> int:
        """Delete the session, its participants, its seats and their sandbox plans (with every
        row that refers to those plans). Returns the number of plans deleted."""
        info = self.session(session_id)
        plan_ids = [s.plan_id for s in self.seats(session_id)]
        with self.store.session() as s:
            s.exec(
                delete(TrainingParticipantRecord).where(TrainingParticipantRecord.session_id == session_id)
            )
            s.exec(delete(TrainingSeatRecord).where(TrainingSeatRecord.session_id == session_id))
            if plan_ids:
                _delete_plans(s, plan_ids)
            s.exec(delete(TrainingSessionRecord).where(TrainingSessionRecord.id == session_id))
            s.commit()
        self._audit("training.delete", session_id, name=info.name, plans=plan_ids)
        return len(plan_ids)

    def export_zip(self, session_id: int, *, render_charts: bool = False) -> bytes:
        """Every seat's current draft as .docx in one zip (file names: seat number and name)."""
        info = self.session(session_id)
        buf = io.BytesIO()
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for seat in self.seats(session_id):
                out = Path(tmp) / f"{seat.id}.docx"
                self.plans.export(seat.plan_id, "docx", out, render_charts=render_charts)
                stem = safe_filename(
                    f"{seat.number:02d}_{seat.participant or '未参加'}", default="seat", max_length=60
                )
                zf.write(out, f"{stem}.docx")
        self._audit("training.export", session_id, name=info.name)
        return buf.getvalue()

    def board(self, session_id: int, *, idle_minutes: float = 5):
        """Every seat on one screen: current chapter, answers changed since the start, idleness."""
        from plan_builder.training.board import read_board

        info = self.session(session_id)
        return read_board(self.store, session_id, info.guide_id, idle_minutes=idle_minutes)

    def handout(self, session_id: int | None, guide_id: str, fmt, join_url: str = "") -> bytes:
        from plan_builder.training.handouts import handout

        info = self.session(session_id) if session_id is not None else None
        return handout(get_guide(info.guide_id if info else guide_id), fmt, info, join_url)


def _new_code(taken: set[str]) -> str:
    while True:
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        if code not in taken:
            return code


def _delete_plans(s, plan_ids: list[int]) -> None:
    """Rows of any table that point at these plans go first (review tables, revisions)."""
    plan_table = PlanRecord.__table__  # type: ignore[attr-defined]
    dependants = [
        (t, fk.parent)
        for t in reversed(SQLModel.metadata.sorted_tables)
        for fk in t.foreign_keys
        if fk.column.table is plan_table and t.name != "training_seat"
    ]
    for table, col in dependants:
        if any(
            fk.column.table is table
            for t2 in SQLModel.metadata.tables.values()
            for fk in t2.foreign_keys
            if t2 is table
        ):
            # self-referencing rows (comment replies): clear the link first
            for fk in table.foreign_keys:
                if fk.column.table is table:
                    s.exec(table.update().where(col.in_(plan_ids)).values({fk.parent.name: None}))
        s.exec(delete(table).where(col.in_(plan_ids)))
    s.exec(delete(plan_table).where(plan_table.c.id.in_(plan_ids)))
