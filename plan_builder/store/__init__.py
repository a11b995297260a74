"""Storage: SQLModel tables, migrations, and the repository that never loses a saved answer."""

from plan_builder.store.db import database_url, make_engine
from plan_builder.store.repo import PlanSummary, RevisionInfo, Store, StoredPlan

__all__ = ["PlanSummary", "RevisionInfo", "Store", "StoredPlan", "database_url", "make_engine"]
