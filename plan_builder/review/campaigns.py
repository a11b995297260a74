"""Campaigns: a reviewer's call for plans with a due date (filled in by the campaign commit)."""

from __future__ import annotations

from datetime import date

from plan_builder.auth.actor import Actor
from plan_builder.store.repo import Store


def deadlines_for(store: Store, actor: Actor) -> dict[str, date]:
    """lg_code → due date of the open campaigns the actor's board covers."""
    return {}
