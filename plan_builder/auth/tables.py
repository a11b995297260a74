"""Tables for accounts and the audit log (migration 0003).

The user table is called `app_user` because `user` is a reserved word in PostgreSQL. Failed
logins are counted on the row itself so that throttling holds across several app processes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from plan_builder.store import utcnow


class UserRecord(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(default="", max_length=100)
    role: str = Field(max_length=20)
    org_code: str | None = Field(default=None, max_length=6)  # planners: their local government
    scope: str | None = Field(default=None, max_length=8)  # reviewers: 2-digit prefecture or national
    email: str | None = Field(default=None, max_length=200, index=True)  # OIDC identities map here
    password_hash: str = Field(default="", max_length=255)  # empty: password login disabled
    active: bool = Field(default=True)
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class AuditRecord(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=100, index=True)
    action: str = Field(max_length=50, index=True)
    target: str = Field(default="", max_length=100)  # e.g. "plan:12", "user:sato"
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class LoginThrottleRecord(SQLModel, table=True):
    """Failed password logins per key (migration 0005), shared by every app process.

    Keys: `user:NAME` (the name as typed, whether or not the account exists, so that unknown and
    known names behave alike), `src:ADDRESS` (the client address) and `pair:NAME@ADDRESS`.
    """

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=200)
    failures: int = Field(default=0)
    locked_until: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class RevokedTokenRecord(SQLModel, table=True):
    """A sign-in cookie ended by its logout (migration 0011): every session showing it, in any
    tab or app process, is signed out at its next run, and the value can never sign in again.
    Kept until the token would have expired anyway."""

    __tablename__ = "revoked_token"

    token_id: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(index=True)
    revoked_at: datetime = Field(default_factory=utcnow)
