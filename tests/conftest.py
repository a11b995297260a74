"""Shared fixtures: a fresh Store on SQLite (and on PostgreSQL when TEST_DATABASE_URL is set),
and the two shipped guide variants.

Why it is built this way:
- SQLite: every test gets its own database file. The migrated schema with the local-government
  list is built once per session and copied, so a test pays for a file copy, not a migration.
- PostgreSQL: the schema is dropped, recreated and migrated once per session; before each test
  every table except `alembic_version` and `local_government` (read-only reference data) is
  truncated with its identities restarted, so a test sees an empty, fully migrated schema.
  Tests that change the schema itself (migration tests) must use `fresh_database_url` instead.
- Hypothesis: no per-example deadline. The suite runs on loaded 2-core machines, where a first
  example (cold imports and caches) took 280 ms against the default 200 ms and failed a test
  whose other examples took 2–5 ms; the properties, not the timings, are what these tests check.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url

from plan_builder.guide import Guide, get_guide, get_guides
from plan_builder.store import Store, make_engine

settings.register_profile("plan_builder", deadline=None)
settings.load_profile("plan_builder")

PG_URL_ENV = "TEST_DATABASE_URL"
MUNICIPALITY_GUIDE = "kanmin-2019-municipality"
PREFECTURE_GUIDE = "kanmin-2019-prefecture"
_KEEP_TABLES = {"alembic_version", "local_government"}


def pg_url() -> str | None:
    url = os.environ.get(PG_URL_ENV, "").strip()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url or None


# --- databases ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    store = Store.open(f"sqlite:///{path}")
    store.engine.dispose()  # closing the last connection checkpoints the WAL into the file
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


@pytest.fixture(scope="session")
def _pg_prepared() -> Iterator[tuple[str, Engine, list[str]]]:
    """(url, an engine for housekeeping, the tables to empty before each test)."""
    url = pg_url()
    if url is None:
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV}")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    store = Store.open(url)
    store.engine.dispose()
    tables = [t for t in inspect(engine).get_table_names() if t not in _KEEP_TABLES]
    yield url, engine, tables
    engine.dispose()


def _pg_truncate(engine: Engine, tables: list[str]) -> None:
    if tables:
        quoted = ", ".join(f'"{n}"' for n in tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database with local governments loaded."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    url, engine, tables = request.getfixturevalue("_pg_prepared")
    _pg_truncate(engine, tables)
    return url


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A fresh Store: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

    The database behind `db_url` is already migrated and loaded, so the Store is built on a new
    engine directly (Store.open would only repeat the migration check).
    """
    s = Store(make_engine(db_url))
    try:
        yield s
    finally:
        s.engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a completely empty database (no tables): for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = pg_url()
    if base is None:
        pytest.skip(f"PostgreSQL tests need {PG_URL_ENV}")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- the app (AppTest page tests) ------------------------------------------------------------


@pytest.fixture
def app_env(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Point app.py at this test's database (the one behind `store`) and a private home folder."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PLAN_BUILDER_HOME", str(tmp_path))
    return db_url


# --- guides ---------------------------------------------------------------------------------


def _guide_of_variant(guide_id: str, variant: str) -> Guide:
    guides = get_guides()
    if guide_id in guides:
        return get_guide(guide_id)
    for g in guides.values():
        if g.variant == variant:
            return g
    pytest.skip(f"no {variant} guide in guide_templates/ yet")


@pytest.fixture(scope="session")
def guide() -> Guide:
    """The municipal variant of the shipped guide (手引 2017, rev. 2019)."""
    return _guide_of_variant(MUNICIPALITY_GUIDE, "municipality")


@pytest.fixture(scope="session")
def pref_guide() -> Guide:
    """The prefectural variant of the shipped guide."""
    return _guide_of_variant(PREFECTURE_GUIDE, "prefecture")


class FakeClock:
    """The time plan_builder.auth.throttle sees; advance() moves it on."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Login throttling on a clock the test moves (plan_builder.auth.throttle.utcnow)."""
    from plan_builder.auth import throttle

    fake = FakeClock()
    monkeypatch.setattr(throttle, "utcnow", fake)
    return fake


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the CLI's main() in this process against the test database; returns (exit code,
    stdout, stderr)."""
    from plan_builder.cli import main

    monkeypatch.setenv("DATABASE_URL", db_url)

    def call(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return call
