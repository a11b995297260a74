"""What every review service shares: the store, the acting user, and reads scoped by policy.

One place for the two checks several services made in their own words: "may the actor read
this plan row?" and "does the actor have a status board (an area)?"."""

from __future__ import annotations

from plan_builder.auth import Actor, policy
from plan_builder.errors import PermissionDeniedError
from plan_builder.store import PlanRecord, Store


class ScopedService:
    def __init__(self, store: Store, actor: Actor) -> None:
        self.store, self.actor = store, actor

    def _meta(self, plan_id: int) -> PlanRecord:
        """The plan's row when the actor may read it; NotFoundError otherwise."""
        return self.store.plan_meta(plan_id, policy.read_scope(self.actor).where())

    def _board_area(self, refusal: str) -> policy.Scope:
        """The actor's status-board area (policy.board_scope); `refusal` when there is none."""
        scope = policy.board_scope(self.actor)
        if scope.nothing:
            raise PermissionDeniedError(refusal)
        return scope
