"""Alembic environment: uses the connection handed over by plan_builder.store.migrate."""

from alembic import context
from sqlmodel import SQLModel

import plan_builder.auth.tables  # accounts, audit log, login throttle, revoked tokens (0003, 0007, 0011)
import plan_builder.review.tables  # review workflow and comments (migration 0002)
import plan_builder.store.tables  # registers the tables on SQLModel.metadata
import plan_builder.training.tables  # noqa: F401  (briefing sessions, seats, participants: 0006)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
