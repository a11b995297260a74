"""Who saved or did something, in words a person reads: an account's display name, or a
briefing participant's name marked 「（研修参加者）」 instead of the internal `participant:<id>`."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from plan_builder.auth import UserRecord
from plan_builder.store import Store
from plan_builder.training.tables import TrainingParticipantRecord

PARTICIPANT_PREFIX = "participant:"  # sessions.py names a participant's actor this way
PARTICIPANT_MARK = "（研修参加者）"


def author_names(store: Store, usernames: Iterable[str]) -> dict[str, str]:
    """username → the name shown as an author: a participant's display name with the mark, an
    account's display name, else the username itself (standalone mode, a deleted account)."""
    wanted = {u for u in usernames if u}
    names = {u: u for u in wanted}
    pids = {}
    for u in wanted:
        rest = u.removeprefix(PARTICIPANT_PREFIX)
        if rest != u and rest.isascii() and rest.isdigit():
            pids[int(rest)] = u
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
