"""Engine construction: SQLite (WAL, foreign keys, full sync) by default, any SQLAlchemy URL
through DATABASE_URL (PostgreSQL with psycopg 3 for shared deployments)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_home() -> Path:
    """Where the embedded database and exports live: PLAN_BUILDER_HOME or ./var."""
    return Path(os.environ.get("PLAN_BUILDER_HOME", PROJECT_ROOT / "var"))


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    home = data_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'plan_builder.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a save is on disk before it is acknowledged
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _json(value: object) -> str:
    """Plan JSON as UTF-8 text: Japanese stored as itself is half the size of \\u escapes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 10}, json_serializer=_json
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, json_serializer=_json)
