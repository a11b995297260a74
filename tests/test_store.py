"""Storage: revisions, optimistic locking, restore, durability; on SQLite and PostgreSQL."""

from __future__ import annotations

from plan_builder.store import Store


def test_fixture_store_has_local_governments(store: Store) -> None:
    assert store.local_government("033227").name == "矢巾町"
    assert store.list_plans() == []
