"""Authorization rules, in one place: who may see, change and review which plans.

Each rule is a `Scope`: a small description of a set of plan rows that answers both questions
the code asks — "may this actor touch this plan?" (`allows`, for one row) and "which rows may
this actor list?" (`where`, a SQL clause over the `plan` table). Both come from the same
fields, so a list can never show a plan that opening it would refuse, or the reverse. Every
read, list, count, queue, snapshot and comment query takes its clause from here.

A new role (a prefecture's status board, a training organisation) is a new branch in one of
the three functions below, or a new field on `Scope`.

Sandboxes (training plans) never mix with real plans: every role that is not a trainer or a
participant gets `training=False` in all three scopes, admins included, so no list, review queue,
coverage, benchmark or export of real plans can contain one. Admins who run a briefing session
act through plan_builder.training as a trainer. A participant's scope is their one seat.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, and_, false, true

from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.store import PlanRecord


@dataclass(frozen=True)
class Scope:
    """A set of plans. Fields left None do not restrict; `nothing` excludes every plan."""

    nothing: bool = False
    lg_code: str | None = None  # exactly this organisation (6-digit code)
    pref_code: str | None = None  # organisations of this prefecture (the code's first 2 digits)
    training: bool | None = None  # only training plans (True) or only real plans (False)
    submitted: bool = False  # only plans submitted at least once (reviewers see submissions)
    plan_id: int | None = None  # exactly this plan (a participant's seat)

    def allows(self, *, lg_code: str, is_training: bool, submitted: bool, plan_id: int | None = None) -> bool:
        """Whether one plan, described by its row, is in the scope."""
        return not self.nothing and all(
            (
                self.lg_code is None or lg_code == self.lg_code,
                self.pref_code is None or lg_code[:2] == self.pref_code,
                self.training is None or is_training == self.training,
                not self.submitted or submitted,
                self.plan_id is None or plan_id == self.plan_id,
            )
        )

    def allows_row(self, rec: PlanRecord) -> bool:
        return self.allows(
            lg_code=rec.lg_code,
            is_training=rec.is_training,
            submitted=rec.submitted_version is not None,
            plan_id=rec.id,
        )

    def where(self) -> ColumnElement[bool]:
        """The same set as a SQL condition on `plan` rows."""
        if self.nothing:
            return false()
        parts: list[ColumnElement[bool]] = []
        if self.lg_code is not None:
            parts.append(PlanRecord.lg_code == self.lg_code)
        if self.pref_code is not None:
            parts.append(PlanRecord.lg_code.startswith(self.pref_code, autoescape=True))
        if self.training is not None:
            parts.append(PlanRecord.is_training == self.training)
        if self.submitted:
            parts.append(PlanRecord.submitted_version.is_not(None))
        if self.plan_id is not None:
            parts.append(PlanRecord.id == self.plan_id)
        return and_(true(), *parts)


REAL_PLANS = Scope(training=False)  # admins: every organisation's real plans, never a sandbox
SANDBOXES = Scope(training=True)
NOTHING = Scope(nothing=True)
SANDBOX_ROLES = (Role.TRAINER, Role.PARTICIPANT)


def sandbox_scope(actor: Actor) -> bool:
    """Whether the actor works on sandboxes (trainers, participants) or on real plans (everyone
    else): the `training` value of each of the actor's scopes."""
    return actor.role in SANDBOX_ROLES


def _seat(actor: Actor) -> Scope:
    return Scope(training=True, plan_id=actor.seat_plan_id) if actor.seat_plan_id is not None else NOTHING


def _own_org(actor: Actor) -> Scope:
    return Scope(lg_code=actor.org_code, training=False) if actor.org_code else NOTHING


def _review_area(actor: Actor) -> Scope:
    if actor.scope == NATIONAL:
        return REAL_PLANS
    if actor.scope and len(actor.scope) == 2 and actor.scope.isdigit():
        return Scope(pref_code=actor.scope, training=False)
    return NOTHING


def read_scope(actor: Actor) -> Scope:
    """Plans the actor may open and list. Reviewers see only plans that were submitted (and,
    through the service, only the submitted revision of them)."""
    if actor.role is Role.REVIEWER:
        area = _review_area(actor)
        return NOTHING if area.nothing else replace(area, submitted=True)
    if actor.role is Role.PARTICIPANT:
        return _seat(actor)  # a closed session's seat stays readable, not writable
    return write_scope(actor)  # everyone else reads what they may write


def write_scope(actor: Actor) -> Scope:
    """Plans the actor may change, create (by the plan's organisation) and submit."""
    match actor.role:
        case Role.ADMIN:
            return REAL_PLANS
        case Role.PLANNER:
            return _own_org(actor)
        case Role.TRAINER:
            return SANDBOXES
        case Role.PARTICIPANT:
            return NOTHING if actor.read_only else _seat(actor)  # a closed session: read only
    return NOTHING


def review_scope(actor: Actor) -> Scope:
    """Plans on which the actor may act as reviewer (start review, return, approve, comment).
    Trainers play the reviewer on training plans in briefing sessions."""
    match actor.role:
        case Role.ADMIN:
            return REAL_PLANS
        case Role.TRAINER:
            return SANDBOXES
        case Role.REVIEWER:
            return _review_area(actor)
    return NOTHING


def may_create(actor: Actor, *, lg_code: str, is_training: bool) -> bool:
    """A new plan is judged like a write to a plan with that organisation and kind. A participant
    creates exactly one plan, their seat, while joining (before they have one)."""
    if actor.role is Role.PARTICIPANT:
        return is_training and not actor.read_only and actor.seat_plan_id is None
    return write_scope(actor).allows(lg_code=lg_code, is_training=is_training, submitted=False)


def board_scope(actor: Actor) -> Scope:
    """Organisations on the actor's status board (策定状況): a reviewer's area, everything for an
    admin. The board shows each organisation's status, dates and submitted scores, never a
    draft's content, so it covers plans that `read_scope` keeps from reviewers."""
    match actor.role:
        case Role.ADMIN:
            return Scope(training=False)
        case Role.REVIEWER:
            area = _review_area(actor)
            return NOTHING if area.nothing else Scope(pref_code=area.pref_code, training=False)
    return NOTHING


def notice_scope(actor: Actor) -> Scope:
    """Plans whose notices (returned, commented, approved) reach the actor: a planner's own
    organisation. Notices are an organisation's inbox, so admins and reviewers have none."""
    return _own_org(actor) if actor.role is Role.PLANNER else NOTHING


PLANNER_SIDE, REVIEWER_SIDE = "planner", "reviewer"


def side_scope(actor: Actor, side: str) -> Scope:
    """Plans on which the actor may take a workflow step of `side`: those who may write the plan
    submit; reviewers in scope review; admins do both; trainers both on training plans."""
    return write_scope(actor) if side == PLANNER_SIDE else review_scope(actor)
