"""Who saved or did something, in words a person reads: an account's display name, or a
briefing participant's name marked 「（研修参加者）」 instead of the internal `participant:<id>`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from plan_builder.auth import UserRecord
from plan_builder.store import Store
from plan_builder.training.tables import TrainingParticipantRecord, TrainingSeatRecord

PARTICIPANT_PREFIX = "participant:"  # sessions.py names a participant's actor this way
JOIN_PREFIX = "join:"  # + session id: who writes a seat's first version, before the participant row
PARTICIPANT_MARK = "（研修参加者）"


def author_names(store: Store, usernames: Iterable[str], *, plan_id: int | None = None) -> dict[str, str]:
    """username → the name shown as an author: a participant's display name with the mark, an
    account's display name, else the username itself (standalone mode, a deleted account).
    `join:<session>` is shared by a session's seats, so only `plan_id` (the seat's plan) names it."""
    wanted = {u for u in usernames if u}
    names = {u: u for u in wanted}
    for u in [u for u in wanted if _id_after(u, JOIN_PREFIX) is not None]:
        wanted.discard(u)
        names[u] = _joiner(store, _id_after(u, JOIN_PREFIX), plan_id)
    pids = {pid: u for u in wanted if (pid := _id_after(u, PARTICIPANT_PREFIX)) is not None}
    accounts = wanted - set(pids.values())
    with store.session() as s:
        if accounts:
            rows = s.exec(
                select(UserRecord.username, UserRecord.display_name).where(UserRecord.username.in_(accounts))
            )
            names.update({u: d for u, d in rows if d})
        if pids:
            rows = s.exec(
                select(TrainingParticipantRecord.id, TrainingParticipantRecord.display_name).where(
                    TrainingParticipantRecord.id.in_(pids)  # type: ignore[union-attr]
                )
            )
            names.update({pids[i]: f"{d}{PARTICIPANT_MARK}" for i, d in rows if d})
    return names


def _id_after(username: str, prefix: str) -> int | None:
    rest = username.removeprefix(prefix)
    return int(rest) if rest != username and rest.isascii() and rest.isdigit() else None


def _joiner(store: Store, session_id: int, plan_id: int | None) -> str:
    """Who joined `session_id` and got the seat holding `plan_id`; 「研修参加者」 when unknown."""
    if plan_id is None:
        return PARTICIPANT_MARK.strip("（）")
    with store.session() as s:
        name = s.exec(
            select(TrainingParticipantRecord.display_name)
            .join(TrainingSeatRecord, TrainingSeatRecord.id == TrainingParticipantRecord.seat_id)
            .where(TrainingSeatRecord.plan_id == plan_id, TrainingParticipantRecord.session_id == session_id)
        ).first()
    return f"{name}{PARTICIPANT_MARK}" if name else f"{JOIN_PREFIX}{session_id}"
