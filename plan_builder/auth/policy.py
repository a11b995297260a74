"""Authorization rules, in one place. Pure functions of the actor and the plan's row."""

from __future__ import annotations

from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.plan.model import PlanStatus


def in_review_scope(actor: Actor, lg_code: str) -> bool:
    return actor.role is Role.REVIEWER and (actor.scope == NATIONAL or (actor.scope or "--") == lg_code[:2])


def can_read(actor: Actor, *, lg_code: str, status: PlanStatus, is_training: bool) -> bool:
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.PLANNER:
            return actor.org_code == lg_code
        case Role.TRAINER:
            return is_training
        case Role.REVIEWER:
            return in_review_scope(actor, lg_code) and status is not PlanStatus.DRAFT
    return False


def can_write(actor: Actor, *, lg_code: str, is_training: bool) -> bool:
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.PLANNER:
            return actor.org_code == lg_code
        case Role.TRAINER:
            return is_training
    return False


def can_create(actor: Actor, *, lg_code: str, is_training: bool) -> bool:
    return can_write(actor, lg_code=lg_code, is_training=is_training)
