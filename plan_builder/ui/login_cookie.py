"""A signed, expiring sign-in cookie, so a page reload keeps the user signed in (shared mode).

Why this way: Streamlit 1.67 reads cookies (`st.context.cookies`, from the browser's request when
the session starts) but has no API to set one. `st.html(...,
unsafe_allow_javascript=True)` is not used for it: a constant `st.components.v2` script (part of
Streamlit, nothing loaded from outside) gets the cookie string as data and writes it. The
value is `payload.signature`: the user name and expiry, signed with HMAC-SHA256. The key comes
from PLAN_BUILDER_SESSION_SECRET or a file generated in the data directory (mode 0600). The
account is still re-read from the database on every run, so a disabled account is out at once.
Nothing goes into the URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from pathlib import Path

from plan_builder.store import data_home

COOKIE = "pb_session"
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


def make_token(username: str, *, now: float | None = None, key: bytes | None = None) -> str:
    now = time.time() if now is None else now
    body = json.dumps({"u": username, "e": int(now) + max_age(), "n": secrets.token_hex(8)})
    payload = _b64(body.encode())
    return f"{payload}.{_sign(payload, key or secret())}"


def read_token(token: str | None, *, now: float | None = None, key: bytes | None = None) -> str | None:
    """The user name in a valid, unexpired token; None for anything else (never raises)."""
    if not token or not isinstance(token, str) or token.count(".") != 1 or len(token) > 1000:
        return None
    payload, sig = token.split(".")
    if not hmac.compare_digest(sig.encode(), _sign(payload, key or secret()).encode()):
        return None
    try:
        body = json.loads(_unb64(payload))
        username, expires = body["u"], int(body["e"])
    except (ValueError, KeyError, TypeError):
        return None
    now = time.time() if now is None else now
    return username if isinstance(username, str) and expires > now else None


def set_cookie(token: str) -> str:
    """The cookie string that stores the token (the browser adds Secure on https)."""
    return f"{COOKIE}={token}; Path=/; Max-Age={max_age()}; SameSite=Strict"


def clear_cookie() -> str:
    return f"{COOKIE}=; Path=/; Max-Age=0; SameSite=Strict"
