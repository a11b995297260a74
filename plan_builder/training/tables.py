"""Briefing sessions as tables of their own (migration 0006): a session, its seats (one sandbox
plan each) and the participants who joined with the session's code."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from plan_builder.store import utcnow


class TrainingSessionRecord(SQLModel, table=True):
    __tablename__ = "training_session"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    guide_id: str = Field(max_length=100)
    lg_code: str = Field(foreign_key="local_government.code6", max_length=6)  # a training org
    start: str = Field(max_length=10)  # blank | sample
    join_code: str = Field(max_length=12, index=True)
    status: str = Field(default="open", max_length=10, index=True)  # open | closed
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="", max_length=100)
    closed_at: datetime | None = Field(default=None)


class TrainingSeatRecord(SQLModel, table=True):
    __tablename__ = "training_seat"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training_session.id", index=True)
    number: int  # 1, 2, … within the session, in joining order
    plan_id: int = Field(foreign_key="plan.id", unique=True)
    start_version: int = Field(default=1)  # the revision a reset goes back to
    created_at: datetime = Field(default_factory=utcnow)


class TrainingParticipantRecord(SQLModel, table=True):
    __tablename__ = "training_participant"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="training_session.id", index=True)
    seat_id: int = Field(foreign_key="training_seat.id", unique=True)
    display_name: str = Field(max_length=40)
    token_hash: str = Field(max_length=64, unique=True)  # sha256 of the browser's secret
    joined_at: datetime = Field(default_factory=utcnow)
