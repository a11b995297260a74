"""Authorization rules, in one place. Pure functions of the actor and the plan's row."""

from __future__ import annotations

from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.plan.model import PlanStatus
from plan_builder.store.training_orgs import is_training_org

SANDBOX_ROLES = (Role.TRAINER, Role.PARTICIPANT)


def sandbox_scope(actor: Actor) -> bool:
    """The value of `is_training` every list, review, coverage, benchmark and export query of this
    actor is restricted to: sandboxes for trainers and participants, real plans for everyone else
    (admins included), so a training plan can never be counted as a real one."""
    return actor.role in SANDBOX_ROLES


def in_review_scope(actor: Actor, lg_code: str) -> bool:
    if actor.role is not Role.REVIEWER or is_training_org(lg_code):
        return False
    return actor.scope == NATIONAL or (actor.scope or "--") == lg_code[:2]


def _own_seat(actor: Actor, plan_id: int | None, is_training: bool) -> bool:
    return is_training and plan_id is not None and plan_id == actor.seat_plan_id


def can_read(
    actor: Actor, *, lg_code: str, status: PlanStatus, is_training: bool, plan_id: int | None = None
) -> bool:
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.PLANNER:
            return actor.org_code == lg_code and not is_training
        case Role.TRAINER:
            return is_training
        case Role.PARTICIPANT:
            return _own_seat(actor, plan_id, is_training)
        case Role.REVIEWER:
            return in_review_scope(actor, lg_code) and status is not PlanStatus.DRAFT and not is_training
    return False


def can_write(actor: Actor, *, lg_code: str, is_training: bool, plan_id: int | None = None) -> bool:
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.PLANNER:
            return actor.org_code == lg_code and not is_training
        case Role.TRAINER:
            return is_training
        case Role.PARTICIPANT:
            return not actor.read_only and _own_seat(actor, plan_id, is_training)
    return False


def can_create(actor: Actor, *, lg_code: str, is_training: bool) -> bool:
    if actor.role is Role.PARTICIPANT:  # their seat, when they join (plan_builder.training)
        return is_training and not actor.read_only and actor.seat_plan_id is None
    return can_write(actor, lg_code=lg_code, is_training=is_training)
