"""The service layer: every read and write of a plan goes through here with the acting user.

Pages, the CLI, import and export all call this, never the store directly, so authorization
cannot be skipped by taking another path. A plan the actor may not read is reported as not
found, so guessing ids reveals nothing.
"""

from __future__ import annotations

from plan_builder.auth import policy
from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.plan.model import Plan, PlanStatus
from plan_builder.store.repo import PlanSummary, RevisionInfo, Store, StoredPlan


class PlanService:
    def __init__(self, store: Store, actor: Actor) -> None:
        self.store, self.actor = store, actor

    # Reads -------------------------------------------------------------------------------
    def _check_read(self, plan_id: int) -> None:
        rec = self.store.plan_meta(plan_id)
        if not policy.can_read(
            self.actor, lg_code=rec.lg_code, status=PlanStatus(rec.status), is_training=rec.is_training
        ):
            raise NotFoundError(f"計画（ID {plan_id}）が見つかりません")

    def _check_write(self, plan_id: int) -> None:
        self._check_read(plan_id)
        rec = self.store.plan_meta(plan_id)
        if not policy.can_write(self.actor, lg_code=rec.lg_code, is_training=rec.is_training):
            raise PermissionDeniedError(f"計画（ID {plan_id}）を変更する権限がありません")

    def list_plans(self, **filters) -> list[PlanSummary]:
        a = self.actor
        if a.role is Role.PLANNER:
            filters["lg_codes"] = [a.org_code or "-"]
        elif a.role is Role.TRAINER:
            filters["training"] = True
        elif a.role is Role.REVIEWER:
            if a.scope != NATIONAL:
                filters["pref_codes"] = [a.scope or "--"]
            wanted = filters.get("statuses") or list(PlanStatus)
            filters["statuses"] = [s for s in wanted if s is not PlanStatus.DRAFT]
        return self.store.list_plans(**filters)

    def get(self, plan_id: int) -> StoredPlan:
        self._check_read(plan_id)
        return self.store.get_plan(plan_id)

    def revisions(self, plan_id: int) -> list[RevisionInfo]:
        self._check_read(plan_id)
        return self.store.revisions(plan_id)

    def revision(self, plan_id: int, version: int) -> StoredPlan:
        self._check_read(plan_id)
        return self.store.revision(plan_id, version)

    # Writes ------------------------------------------------------------------------------
    def create(self, plan: Plan) -> StoredPlan:
        if not policy.can_create(self.actor, lg_code=plan.lg_code, is_training=plan.is_training):
            raise PermissionDeniedError(f"{plan.lg_name}の計画を作成する権限がありません")
        return self.store.create_plan(plan, self.actor.username)

    def save(self, plan_id: int, plan: Plan, *, expected_version: int, note: str = "") -> StoredPlan:
        self._check_write(plan_id)
        current = self.store.plan_meta(plan_id)
        if plan.lg_code != current.lg_code:
            raise PermissionDeniedError("計画の団体は変更できません")
        if plan.is_training != current.is_training:
            raise PermissionDeniedError("研修用の区分は変更できません")
        if plan.status.value != current.status:
            raise PermissionDeniedError("計画の状態は提出・審査の操作でのみ変更できます")
        return self.store.save_plan(
            plan_id, plan, expected_version=expected_version, actor=self.actor.username, note=note
        )

    def restore(self, plan_id: int, version: int, *, expected_version: int) -> StoredPlan:
        self._check_write(plan_id)
        return self.store.restore(
            plan_id, version, expected_version=expected_version, actor=self.actor.username
        )

    def duplicate(self, plan_id: int, *, title: str | None = None) -> StoredPlan:
        src = self.get(plan_id)
        if not policy.can_create(self.actor, lg_code=src.plan.lg_code, is_training=src.plan.is_training):
            raise PermissionDeniedError("この計画を複製する権限がありません")
        return self.store.duplicate(plan_id, self.actor.username, title=title)
