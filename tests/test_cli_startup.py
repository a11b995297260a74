"""A short CLI command loads only what it needs, and skipping Alembic never skips a migration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from plan_builder.store import Store, make_engine
from plan_builder.store.migrate import alembic_config, is_current, script_head, upgrade

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("alembic", "yaml", "docx", "plotly", "kaleido", "streamlit", "jinja2", "openpyxl", "argon2")


def test_list_on_an_existing_database_imports_no_heavy_library(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    Store.open(url).engine.dispose()
    probe = (
        "import sys; from plan_builder.cli import main; rc = main(['list']);"
        f"print(rc, sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    env = {**os.environ, "DATABASE_URL": url, "PLAN_BUILDER_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 []"


def test_script_head_read_from_the_files_is_alembics_head(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert script_head() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_an_older_database_is_still_migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    assert not is_current(engine)  # no version table yet
    head = script_head()
    previous = ScriptDirectory.from_config(alembic_config(engine)).get_revision(head).down_revision
    upgrade(engine, previous)
    assert not is_current(engine)
    upgrade(engine)
    assert is_current(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    engine.dispose()
