"""Alembic: `upgrade head` on an empty database gives exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlmodel import SQLModel

from plan_builder.store import make_engine
from plan_builder.store.migrate import MIGRATIONS, alembic_config, upgrade


def _import_all_tables() -> None:
    """The same table modules the Alembic environment imports (migrations/env.py)."""
    env = (MIGRATIONS / "env.py").read_text(encoding="utf-8")
    for line in env.splitlines():
        if line.startswith("import plan_builder.") and ".tables" in line:
            __import__(line.split()[1])


def test_upgrade_head_on_an_empty_database_matches_the_models(fresh_database_url: str) -> None:
    _import_all_tables()
    engine = make_engine(fresh_database_url)
    try:
        assert inspect(engine).get_table_names() == []
        upgrade(engine)
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, SQLModel.metadata)
            head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
            assert ctx.get_current_revision() == head
        assert diff == [], diff
        upgrade(engine)  # running it again is a no-op
    finally:
        engine.dispose()


def test_migrations_form_a_single_line() -> None:
    scripts = ScriptDirectory(str(MIGRATIONS))
    assert len(scripts.get_heads()) == 1
    revisions = list(scripts.walk_revisions())
    assert revisions[-1].down_revision is None
