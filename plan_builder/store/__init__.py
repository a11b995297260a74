"""Storage: SQLModel tables, migrations, and the repository that never loses a saved answer."""

from plan_builder import lazy
from plan_builder.store.db import database_url, make_engine
from plan_builder.store.repo import (
    AUTOSAVE_TAIL,
    CLOSED_SEAT_MESSAGE,
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
    "CLOSED_SEAT_MESSAGE",
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


# More public names, loaded on first use (plan_builder.lazy) so that start-up does not pay for them.
_LATER = {
    "LocalGovernment": "tables",
    "PlanRecord": "tables",
    "PlanRevisionRecord": "tables",
    "RevisionSummaryRecord": "tables",
    "TRAINING_PREF": "training_orgs",
    "data_home": "db",
    "is_training_org": "training_orgs",
    "training_org_code": "training_orgs",
    "utcnow": "tables",
}
__all__ += [*_LATER]
__getattr__ = lazy.exports(__name__, _LATER)
