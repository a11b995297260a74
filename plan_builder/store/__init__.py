"""Storage: SQLModel tables, migrations, and the repository that never loses a saved answer."""

from plan_builder.store.db import database_url, make_engine
from plan_builder.store.repo import (
    AUTOSAVE_TAIL,
    COALESCE_WINDOW,
    PlanSummary,
    RevisionInfo,
    RevisionWrite,
    Store,
    StoredPlan,
    read_local_governments,
)

__all__ = [
    "AUTOSAVE_TAIL",
    "COALESCE_WINDOW",
    "PlanSummary",
    "RevisionInfo",
    "RevisionWrite",
    "Store",
    "StoredPlan",
    "database_url",
    "make_engine",
    "read_local_governments",
]
