"""Review tables: status transitions, frozen submissions and reviewer comments.

Kept apart from the plan tables so the review workflow can grow without touching the store;
`plan_builder.store.migrations.env` imports this module so Alembic sees these tables.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from plan_builder.store import utcnow


class ReviewTransitionRecord(SQLModel, table=True):
    """One status change of a plan: who did it, when, and from which state to which."""

    __tablename__ = "review_transition"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    round: int | None = None  # the submission round the change belongs to
    revision_version: int  # the plan version written by the change
    actor: str = Field(max_length=100)
    actor_role: str = Field(default="", max_length=20)
    at: datetime = Field(default_factory=utcnow)
    note: str = Field(default="", max_length=2000)


class SubmissionRecord(SQLModel, table=True):
    """A submission round: the revision the planner handed in, frozen for the reviewer."""

    __tablename__ = "review_submission"
    __table_args__ = (UniqueConstraint("plan_id", "round", name="uq_review_submission_round"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    round: int
    revision_version: int
    submitted_at: datetime = Field(default_factory=utcnow)
    submitted_by: str = Field(max_length=100)
    # Results of the checks on the frozen revision, computed once at submission time.
    completeness: float | None = None
    findings_count: int | None = None
    # A light copy of the frozen content (plan_builder.review.digests) for the national views.
    digest: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ReviewCommentRecord(SQLModel, table=True):
    """A reviewer's comment on a chapter or question (optionally a measure or KPI), or a reply."""

    __tablename__ = "review_comment"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="review_comment.id", index=True)
    round: int | None = None
    chapter_key: str = Field(max_length=100)
    question_key: str | None = Field(default=None, max_length=200)
    item_key: str | None = Field(default=None, max_length=20)  # M01 / K01
    body: str = Field(max_length=5000)
    author: str = Field(max_length=100)
    author_role: str = Field(default="", max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    resolved: bool = Field(default=False, index=True)
    resolved_at: datetime | None = None
    resolved_by: str | None = Field(default=None, max_length=100)


class CampaignRecord(SQLModel, table=True):
    """A reviewer's call for plans with a due date, over a prefecture (or the whole country)."""

    __tablename__ = "review_campaign"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    pref_code: str | None = Field(default=None, max_length=2, index=True)  # None: national
    due_date: date
    note: str = Field(default="", max_length=2000)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    closed: bool = Field(default=False, index=True)


class NoticeRecord(SQLModel, table=True):
    """An in-app notice to a plan's organisation: returned, commented or approved."""

    __tablename__ = "review_notice"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    lg_code: str = Field(max_length=6, index=True)
    kind: str = Field(max_length=20)  # returned | commented | approved
    message: str = Field(max_length=500)
    created_by: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    read_at: datetime | None = None
    read_by: str | None = Field(default=None, max_length=100)
