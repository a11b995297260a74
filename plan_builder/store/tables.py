"""SQLModel tables. Plan content is stored as validated JSON; saved states are rows in
`plan_revision` (autosaves coalesced, named versions kept), and `plan.version` guards against
stale writes. The workflow status lives in the `status` columns only, never in the JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class LocalGovernment(SQLModel, table=True):
    __tablename__ = "local_government"

    code6: str = Field(primary_key=True, max_length=6)
    code5: str = Field(max_length=5)
    pref_code: str = Field(max_length=2, index=True)
    prefecture: str
    name: str = Field(index=True)
    name_kana: str
    prefecture_kana: str
    level: str  # prefecture | municipality | ward
    type: str  # prefecture | designated_city | core_city | city | special_ward | town | village | ward
    parent_code6: str | None = Field(default=None, max_length=6)
    northern_territories: bool = False
    population: int | None = None


class PlanRecord(SQLModel, table=True):
    __tablename__ = "plan"

    id: int | None = Field(default=None, primary_key=True)
    lg_code: str = Field(foreign_key="local_government.code6", index=True, max_length=6)
    guide_id: str = Field(max_length=100)
    title: str
    status: str = Field(max_length=20, index=True)
    is_training: bool = Field(default=False, index=True)
    version: int = Field(default=1)
    # The revision a reviewer sees: set by the review workflow at each (re)submission.
    submitted_version: int | None = Field(default=None)
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=100)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = Field(default="", max_length=100)


class PlanRevisionRecord(SQLModel, table=True):
    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("plan_id", "version", name="uq_plan_revision_version"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    version: int
    data: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    title: str = Field(default="")
    status: str = Field(default="draft", max_length=20)  # the plan's status when this was saved
    # Named versions (created, imported, restored, status changes, named by a user) are kept
    # for ever; other saves are autosaves, coalesced and trimmed (plan_builder.store.repo).
    named: bool = Field(default=False)
    seen: bool = Field(default=False)  # read by someone other than its author: never replaced
    opened_at: datetime = Field(default_factory=utcnow)  # first save coalesced into this row
    created_at: datetime = Field(default_factory=utcnow)  # last save coalesced into this row
    actor: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=500)


class RevisionSummaryRecord(SQLModel, table=True):
    """What the national review views read of one revision (plan_builder.plan.summary), kept in
    its own small rows: the revision's JSON column is tens of KB, and SQLite reads past it to
    reach any later column. Written, moved and deleted with its revision by the repository."""

    __tablename__ = "revision_summary"

    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    version: int = Field(primary_key=True)
    coverage: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    kpis: list[Any] = Field(sa_column=Column(JSON, nullable=False))
