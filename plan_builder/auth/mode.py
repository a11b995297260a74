"""Which deployment this process is: standalone (default) or shared (PLAN_BUILDER_MODE=shared)."""

from __future__ import annotations

import os

MODE_ENV = "PLAN_BUILDER_MODE"


def shared_mode() -> bool:
    """Shared: accounts and login, PostgreSQL via DATABASE_URL, several app processes."""
    return os.environ.get(MODE_ENV, "").strip().lower() == "shared"
