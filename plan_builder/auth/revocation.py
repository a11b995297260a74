"""Sign-in cookies ended by a logout, shared by every app process (table `revoked_token`).

Why: a sign-in cookie is a signed, expiring token, valid by itself. Without this, a logout in one
tab cleared the cookie in the browser but left the other open tabs of that browser signed in and
able to save, and the same value, copied before the logout, stayed good until it expired. A
session asks `is_revoked` on every run (one primary-key read), as it re-reads the account.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from plan_builder.auth.tables import RevokedTokenRecord
from plan_builder.store import Store, utcnow


def revoke(store: Store, token_id: str, expires_at: float) -> None:
    """End the token `token_id` (it would expire at the epoch second `expires_at`) everywhere.
    Rows of tokens that have expired anyway are dropped on the way."""
    now = utcnow()
    with store.session() as s:
        s.exec(delete(RevokedTokenRecord).where(RevokedTokenRecord.expires_at < now))  # type: ignore[call-overload]
        if s.get(RevokedTokenRecord, token_id) is None:
            s.add(RevokedTokenRecord(token_id=token_id, expires_at=datetime.fromtimestamp(expires_at, UTC)))
        try:
            s.commit()
        except IntegrityError:  # the same logout, twice at once (two tabs): ended either way
            s.rollback()


def is_revoked(store: Store, token_id: str) -> bool:
    with store.session() as s:
        return s.get(RevokedTokenRecord, token_id) is not None
