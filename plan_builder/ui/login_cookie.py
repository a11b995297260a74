"""Signed, expiring cookies, so a page reload keeps the user signed in (shared mode) and a
briefing participant on their seat.

Why this way: Streamlit 1.67 reads cookies (`st.context.cookies`, from the browser's request when
the session starts) but has no API to set one. `st.html(...,
unsafe_allow_javascript=True)` is not used for it: a constant `st.components.v2` script (part of
Streamlit, nothing loaded from outside) gets the cookie string as data and writes it. The
value is `payload.signature`: the user name (or the participant's secret), its kind and expiry,
signed with HMAC-SHA256. The key comes
from PLAN_BUILDER_SESSION_SECRET or a file generated in the data directory (mode 0600). The
account is still re-read from the database on every run, so a disabled account is out at once.
Nothing goes into the URL. After a fresh sign-in the page waits until the browser reports the
cookie written (`start_hold`, `hold_step`), so a reload in that moment keeps the user signed in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from plan_builder.store import data_home

COOKIE = "pb_session"
PARTICIPANT_COOKIE = "pb_participant"
USER, PARTICIPANT = "user", "participant"  # what a token names
K_HOLD = "pb_auth_hold"  # session key: (ticket, monotonic start) of a fresh sign-in's wait
HOLD_SECONDS = 6.0  # after this, any run continues without the browser's confirmation
FAILED = "failed:"  # the browser's answer, before the ticket, when it could not store the cookie
ATTEMPT = "#"  # after the ticket in the browser's repeated answers: "<ticket>#2"
SECRET_ENV = "PLAN_BUILDER_SESSION_SECRET"
HOURS_ENV = "PLAN_BUILDER_SESSION_HOURS"
SECRET_FILE = "session_secret"


def max_age() -> int:
    """Seconds a sign-in lasts (PLAN_BUILDER_SESSION_HOURS, default 8: a working day)."""
    try:
        hours = float(os.environ.get(HOURS_ENV, "8"))
    except ValueError:
        hours = 8.0
    return max(60, int(hours * 3600))


def _secret_file() -> Path:
    return data_home() / SECRET_FILE


def secret() -> bytes:
    """The signing key: configured, else generated once into the data directory."""
    configured = os.environ.get(SECRET_ENV, "").strip()
    if configured:
        return configured.encode()
    path = _secret_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, key: bytes) -> str:
    return _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())


def make_token(subject: str, *, kind: str = USER, now: float | None = None, key: bytes | None = None) -> str:
    """A signed token naming `subject` (a user name, or a participant's secret) until it expires."""
    now = time.time() if now is None else now
    body = json.dumps({"u": subject, "k": kind, "e": int(now) + max_age(), "n": secrets.token_hex(8)})
    payload = _b64(body.encode())
    return f"{payload}.{_sign(payload, key or secret())}"


def _signed_body(token: str | None, key: bytes | None) -> dict[str, Any] | None:
    """The payload of a token whose signature is right (expired or not); None for anything else."""
    if not token or not isinstance(token, str) or token.count(".") != 1 or len(token) > 1000:
        return None
    payload, sig = token.split(".")
    if not hmac.compare_digest(sig.encode(), _sign(payload, key or secret()).encode()):
        return None
    try:
        body = json.loads(_unb64(payload))
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def read_token(
    token: str | None, *, kind: str = USER, now: float | None = None, key: bytes | None = None
) -> str | None:
    """The subject of a valid, unexpired token of this kind; None for anything else (never raises).
    The kind is signed too, so a participant's cookie never names a user and the reverse."""
    body = _signed_body(token, key)
    try:
        username, expires, token_kind = body["u"], int(body["e"]), body.get("k", USER)  # type: ignore[index]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    now = time.time() if now is None else now
    ok = isinstance(username, str) and token_kind == kind and expires > now
    return username if ok else None


def token_id(token: str | None, *, key: bytes | None = None) -> tuple[str, int] | None:
    """(id, expiry epoch second) of a signed token, for ending it at logout (auth.revocation);
    None for anything unsigned. The id is the token's random part with its expiry."""
    body = _signed_body(token, key)
    try:
        nonce, expires = str(body["n"]), int(body["e"])  # type: ignore[index]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return f"{nonce}.{expires}"[:64], expires


def set_cookie(token: str, name: str = COOKIE) -> str:
    """The cookie string that stores the token (the browser adds Secure on https)."""
    return f"{name}={token}; Path=/; Max-Age={max_age()}; SameSite=Strict"


def clear_cookie(name: str = COOKIE) -> str:
    return f"{name}=; Path=/; Max-Age=0; SameSite=Strict"


def start_hold(session: MutableMapping[str, Any]) -> None:
    """After a fresh sign-in or join: hold the next pages until the browser reports this ticket."""
    session[K_HOLD] = (secrets.token_hex(8), time.monotonic())


def hold_step(ticket: str, started: float, answer: str | None, now: float, limit: float | None = None) -> str:
    """What a fresh sign-in does while the browser writes its cookie: "go" once the browser has
    confirmed it, "give_up" when the browser could not store it or after `limit` seconds
    (continue with a note: the user is never stuck, only a reload would ask for the password
    again), "wait" until then. Answers about an earlier sign-in's ticket do not count; a repeated
    answer (numbered after ATTEMPT, so that it makes a run of its own) counts as the first."""
    answer = answer.split(ATTEMPT, 1)[0] if isinstance(answer, str) else answer
    if answer == ticket:
        return "go"
    if answer == FAILED + ticket:
        return "give_up"
    return "wait" if now - started < (HOLD_SECONDS if limit is None else limit) else "give_up"
