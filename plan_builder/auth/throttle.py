"""Login throttling that slows guessing down without letting anyone lock an account out for good.

Three counters take part in each password attempt (rows of `login_throttle`, shared by every
app process):

- `src:ADDRESS`: failures from one client address across all names (password spraying);
- `pair:NAME@ADDRESS`: failures for one name from one address;
- `user:NAME`: failures for one name from anywhere (kept for names that do not exist too, so
  an unknown name behaves exactly like a known one).

A counter that reaches its limit locks for an exponentially growing time (back-off). While a
counter is locked its attempts are refused without checking the password and do not extend the
lock. A locked `user:` counter does not refuse an address that has not failed for that name:
someone dripping one wrong guess each time the lock expires keeps only *their* address out, and
the owner signing in from their own computer still gets through. A correct password after the
back-off clears the name's counters.

Each attempt takes its place by compare-and-swap on the counter's value, so parallel guesses
are counted one by one: no more than the limit are ever checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from plan_builder.auth import audit
from plan_builder.auth.tables import LoginThrottleRecord
from plan_builder.store import utcnow

MAX_FAILURES = 5  # per name, and per name and address, before the back-off starts
MAX_SOURCE_FAILURES = 20  # per address over all names
LOCK_BASE_SECONDS = 60  # the first lock; doubled with each further failure ...
LOCK_MAX_SECONDS = 15 * 60  # ... up to this
FORGET_AFTER = timedelta(hours=1)  # an unlocked counter untouched this long starts again at 0
_CAS_TRIES = 50


@dataclass(frozen=True)
class Refusal:
    """The attempt may not be checked now; `seconds` until the earliest retry."""

    seconds: int


def _aware(dt: datetime | None) -> datetime | None:
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


def lock_seconds(failures: int, limit: int) -> int:
    return min(LOCK_BASE_SECONDS * 2 ** max(0, failures - limit), LOCK_MAX_SECONDS)


def _state(s: Session, key: str, now: datetime) -> tuple[int, datetime | None, datetime | None]:
    """(failures, locked_until, updated_at) of `key`; the row is created when missing.

    Read fresh each time, never refreshed: a correct password elsewhere deletes the row at any
    moment (`succeeded`), and refreshing a deleted row raised, shown as an error box on the sign-in
    screen to 4 of 60 people signing in to two accounts at once."""
    query = select(LoginThrottleRecord).where(LoginThrottleRecord.key == key)
    for _ in range(_CAS_TRIES):
        row = s.exec(query.execution_options(populate_existing=True)).first()
        if row is not None:
            return row.failures, _aware(row.locked_until), _aware(row.updated_at)
        try:
            s.add(LoginThrottleRecord(key=key, failures=0, updated_at=now))
            s.commit()
        except IntegrityError:  # another process created it first
            s.rollback()
    return 0, None, None  # created and deleted over and over: the CAS update below then retries


def locked(engine: Engine, key: str, now: datetime | None = None) -> Refusal | None:
    """Whether `key` is in its back-off now (read only)."""
    now = now or utcnow()
    with Session(engine) as s:
        row = s.get(LoginThrottleRecord, key)
        until = _aware(row.locked_until) if row else None
    return _refusal(until, now)


def _refusal(until: datetime | None, now: datetime) -> Refusal | None:
    return Refusal(int((until - now).total_seconds()) + 1) if until and until > now else None


def charge(
    engine: Engine, key: str, limit: int, *, now: datetime | None = None, force: bool = False
) -> Refusal | None:
    """Count one attempt on `key` before the password is checked (refunded on success).

    Returns a Refusal, without counting, when the key is locked (unless `force`). Reaching the
    limit starts a lock and writes a `login.lockout` audit entry.
    """
    now = now or utcnow()
    with Session(engine) as s:
        for _ in range(_CAS_TRIES):
            failures, until, updated = _state(s, key, now)
            if until and until > now and not force:
                return Refusal(int((until - now).total_seconds()) + 1)
            base = (
                0 if (updated and now - updated > FORGET_AFTER and not (until and until > now)) else failures
            )
            new = base + 1
            new_until = now + timedelta(seconds=lock_seconds(new, limit)) if new >= limit else until
            done = s.exec(  # type: ignore[call-overload]
                update(LoginThrottleRecord)
                .where(LoginThrottleRecord.key == key, LoginThrottleRecord.failures == failures)
                .values(failures=new, locked_until=new_until, updated_at=now)
            )
            s.commit()
            if done.rowcount == 1:
                if new >= limit:
                    audit.record(
                        engine, key.split(":", 1)[-1][:100], "login.lockout", key[:100],
                        failures=new, seconds=lock_seconds(new, limit),
                    )  # fmt: skip
                return None
        return Refusal(1)  # heavy contention: refuse rather than check unthrottled


def refund(engine: Engine, key: str) -> None:
    """Take back one charged attempt (the password was right)."""
    with Session(engine) as s:
        s.exec(  # type: ignore[call-overload]
            update(LoginThrottleRecord)
            .where(LoginThrottleRecord.key == key, LoginThrottleRecord.failures > 0)
            .values(failures=LoginThrottleRecord.failures - 1)
        )
        s.commit()


def clear(engine: Engine, username: str) -> None:
    """Forget every counter of a name, from every address (admin reset or re-enable)."""
    with Session(engine) as s:
        s.exec(  # type: ignore[call-overload]
            delete(LoginThrottleRecord).where(
                (LoginThrottleRecord.key == f"user:{username}")
                | LoginThrottleRecord.key.startswith(f"pair:{username}@", autoescape=True)
            )
        )
        s.commit()


def failures(engine: Engine, key: str) -> int:
    with Session(engine) as s:
        row = s.exec(select(LoginThrottleRecord).where(LoginThrottleRecord.key == key)).first()
        return row.failures if row else 0


def _pair_key(username: str, source: str) -> str:
    """The counter of one name from one address."""
    return f"pair:{username}@{source or '-'}"


def standing(
    engine: Engine, username: str, source: str, now: datetime | None = None
) -> tuple[int, Refusal | None]:
    """(wrong passwords this name may still take from this address before its back-off starts,
    the back-off if it has started), from one read: told to the person at the sign-in screen so
    that the lock never comes as a surprise."""
    now = now or utcnow()
    with Session(engine) as s:
        row = s.get(LoginThrottleRecord, _pair_key(username, source))
        failed, until = (row.failures, _aware(row.locked_until)) if row else (0, None)
    return max(0, MAX_FAILURES - failed), _refusal(until, now)


def admit(engine: Engine, username: str, source: str, *, now: datetime | None = None) -> Refusal | None:
    """Charge the attempt to all three counters, or say why it may not be checked now."""
    now = now or utcnow()
    src, pair, user = f"src:{source or '-'}", _pair_key(username, source), f"user:{username}"
    refused = charge(engine, src, MAX_SOURCE_FAILURES, now=now)
    if refused:
        return refused
    clean_source = failures(engine, pair) == 0
    refused = charge(engine, pair, MAX_FAILURES, now=now)
    if refused:
        refund(engine, src)
        return refused
    refused = charge(engine, user, MAX_FAILURES, now=now, force=clean_source)
    if refused:
        refund(engine, src)
        refund(engine, pair)
    return refused


def succeeded(engine: Engine, username: str, source: str) -> None:
    """The password was right: the name's counter and this address's pair are cleared and the
    address is refunded. Other addresses' pairs stay: a guesser elsewhere remains slowed down."""
    with Session(engine) as s:
        s.exec(  # type: ignore[call-overload]
            delete(LoginThrottleRecord).where(
                LoginThrottleRecord.key.in_([f"user:{username}", _pair_key(username, source)])
            )
        )
        s.commit()
    refund(engine, f"src:{source or '-'}")
