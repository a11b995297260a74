"""The review workflow: 作成中 → 提出済 → 確認中 → 差戻し → 再提出 → 確認中 → 承認.

Every status change goes through `ReviewService`, which checks who may make it, freezes the
submitted revision (a `review_submission` row naming the plan version), and writes the new
status, a new revision and the transition row in ONE transaction, so the history can never
disagree with the plan. `PlanService.save` refuses status changes, so this is the only way in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from plan_builder.auth import audit, policy
from plan_builder.checks import check_plan
from plan_builder.errors import (
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from plan_builder.guide import get_guide
from plan_builder.plan import PlanStatus
from plan_builder.review import notices
from plan_builder.review.completeness import Completeness, plan_completeness
from plan_builder.review.digests import digest
from plan_builder.review.scoped import ScopedService
from plan_builder.review.tables import ReviewTransitionRecord, SubmissionRecord
from plan_builder.store import PlanRecord, RevisionWrite, StoredPlan

S = PlanStatus

# (from, to) → the side that makes the change.
PLANNER_SIDE, REVIEWER_SIDE = policy.PLANNER_SIDE, policy.REVIEWER_SIDE
TRANSITIONS: dict[tuple[PlanStatus, PlanStatus], str] = {
    (S.DRAFT, S.SUBMITTED): PLANNER_SIDE,
    (S.SUBMITTED, S.IN_REVIEW): REVIEWER_SIDE,
    (S.RESUBMITTED, S.IN_REVIEW): REVIEWER_SIDE,
    (S.IN_REVIEW, S.RETURNED): REVIEWER_SIDE,
    (S.IN_REVIEW, S.APPROVED): REVIEWER_SIDE,
    (S.RETURNED, S.RESUBMITTED): PLANNER_SIDE,
}
SUBMITTING = {S.SUBMITTED, S.RESUBMITTED}

ACTION_LABELS = {
    S.SUBMITTED: "提出する",
    S.IN_REVIEW: "確認を開始する",
    S.RETURNED: "差し戻す",
    S.RESUBMITTED: "再提出する",
    S.APPROVED: "承認する",
}


@dataclass(frozen=True)
class Transition:
    plan_id: int
    from_status: PlanStatus
    to_status: PlanStatus
    round: int | None
    revision_version: int
    actor: str
    actor_role: str
    at: datetime
    note: str


@dataclass(frozen=True)
class Submission:
    plan_id: int
    round: int
    revision_version: int
    submitted_at: datetime
    submitted_by: str
    completeness: float | None
    findings_count: int | None


def _transition(r: ReviewTransitionRecord) -> Transition:
    return Transition(
        r.plan_id,
        PlanStatus(r.from_status),
        PlanStatus(r.to_status),
        r.round,
        r.revision_version,
        r.actor,
        r.actor_role,
        r.at,
        r.note,
    )


def _submission(r: SubmissionRecord) -> Submission:
    return Submission(
        r.plan_id,
        r.round,
        r.revision_version,
        r.submitted_at,
        r.submitted_by,
        r.completeness,
        r.findings_count,
    )


NOTIFIED = {S.RETURNED, S.APPROVED}


def _notice_text(to: PlanStatus, round_no: int | None, note: str) -> str:
    """What the plan's organisation is told when the reviewer returns or approves its plan."""
    rnd = f"（第{round_no}回提出）" if round_no else ""
    head = (
        f"計画が差し戻されました{rnd}。コメントを確認して修正し、再提出してください。"
        if to is S.RETURNED
        else f"計画が承認されました{rnd}。"
    )
    return head + (f"メモ：{note.strip()}" if note.strip() else "")


def _illegal(current: PlanStatus, to: PlanStatus) -> InvalidTransitionError:
    nexts = [t.label for (f, t) in TRANSITIONS if f is current]
    hint = (
        f"「{current.label}」の計画は「{'」「'.join(nexts)}」にのみ変更できます"
        if nexts
        else (f"「{current.label}」の計画の状態は変更できません")
    )
    return InvalidTransitionError(
        f"計画の状態を「{current.label}」から「{to.label}」に変更することはできません。{hint}。"
    )


class ReviewService(ScopedService):
    # Reads -------------------------------------------------------------------------------
    def status(self, plan_id: int) -> PlanStatus:
        return PlanStatus(self._meta(plan_id).status)

    def allowed(self, plan_id: int) -> list[PlanStatus]:
        """The statuses this actor may move the plan to now (for the buttons on screen)."""
        rec = self._meta(plan_id)
        cur = PlanStatus(rec.status)
        return [
            to
            for (f, to), side in TRANSITIONS.items()
            if f is cur and policy.side_scope(self.actor, side).allows_row(rec)
        ]

    def history(self, plan_id: int) -> list[Transition]:
        self._meta(plan_id)
        with self.store.session() as s:
            q = (
                select(ReviewTransitionRecord)
                .where(ReviewTransitionRecord.plan_id == plan_id)
                .order_by(ReviewTransitionRecord.id)
            )
            return [_transition(r) for r in s.exec(q)]

    def submissions(self, plan_id: int) -> list[Submission]:
        self._meta(plan_id)
        with self.store.session() as s:
            q = (
                select(SubmissionRecord)
                .where(SubmissionRecord.plan_id == plan_id)
                .order_by(SubmissionRecord.round)
            )
            return [_submission(r) for r in s.exec(q)]

    def submitted_plan(self, plan_id: int, round: int | None = None) -> StoredPlan:
        """The frozen revision of a submission round (the latest round when not given)."""
        subs = self.submissions(plan_id)
        if not subs:
            raise NotFoundError(f"計画（ID {plan_id}）はまだ提出されていません")
        chosen = subs[-1] if round is None else next((x for x in subs if x.round == round), None)
        if chosen is None:
            raise NotFoundError(f"計画（ID {plan_id}）の第{round}回の提出が見つかりません")
        return self.store.revision(plan_id, chosen.revision_version)

    # Writes ------------------------------------------------------------------------------
    def submit(self, plan_id: int, *, expected_version: int | None = None, note: str = "") -> Transition:
        return self.transition(plan_id, S.SUBMITTED, expected_version=expected_version, note=note)

    def resubmit(self, plan_id: int, *, expected_version: int | None = None, note: str = "") -> Transition:
        return self.transition(plan_id, S.RESUBMITTED, expected_version=expected_version, note=note)

    def start_review(self, plan_id: int, note: str = "") -> Transition:
        return self.transition(plan_id, S.IN_REVIEW, note=note)

    def return_plan(self, plan_id: int, note: str = "") -> Transition:
        return self.transition(plan_id, S.RETURNED, note=note)

    def approve(self, plan_id: int, note: str = "") -> Transition:
        return self.transition(plan_id, S.APPROVED, note=note)

    def transition(
        self, plan_id: int, to: PlanStatus, *, expected_version: int | None = None, note: str = ""
    ) -> Transition:
        """Move the plan to `to`, if the workflow allows it and the actor may.

        `expected_version` (optional) makes a submission refuse to go through when the plan
        changed since the submitter last looked at it, so what is frozen is what they saw.
        """
        to = PlanStatus(to)
        rec = self._meta(plan_id)
        current = PlanStatus(rec.status)
        side = TRANSITIONS.get((current, to))
        if side is None:
            raise _illegal(current, to)
        if not policy.side_scope(self.actor, side).allows_row(rec):
            who = "提出元の団体の計画担当者" if side == PLANNER_SIDE else "所管の審査担当者"
            raise PermissionDeniedError(f"「{ACTION_LABELS[to]}」操作は{who}または管理者のみが行えます")
        if len(note) > 2000:
            raise InvalidTransitionError("メモは2,000字以内で入力してください")
        if to is S.APPROVED and not note.strip():
            open_errors = self._open_errors(plan_id)
            if open_errors:
                raise InvalidTransitionError(
                    f"提出された計画に要対応の指摘が{open_errors}件残っています。"
                    "承認する場合は、その理由をメモに記入してください。"
                )
        base_version = rec.version if expected_version is None else expected_version
        checked: Completeness | None = None
        if to in SUBMITTING:
            checked = self._check(rec)
        return self._write(plan_id, current, to, base_version, note, checked)

    def _open_errors(self, plan_id: int) -> int:
        """要対応 findings of the frozen submission (0 when its guide is not installed)."""
        plan = self.submitted_plan(plan_id).plan
        try:
            guide = get_guide(plan.guide_id)
        except Exception:  # an unknown guide cannot be checked; the approver sees the plan itself
            return 0
        return check_plan(plan, guide).count("error")

    def _check(self, rec: PlanRecord) -> Completeness | None:
        try:
            return plan_completeness(self.store.get_plan(rec.id).plan, get_guide(rec.guide_id))
        except Exception:  # a missing guide must not block a submission; the queue shows "—"
            return None

    def _write(
        self,
        plan_id: int,
        current: PlanStatus,
        to: PlanStatus,
        base_version: int,
        note: str,
        checked: Completeness | None,
    ) -> Transition:
        actor = self.actor.username
        stored = self.store.get_plan(plan_id)  # the content being frozen
        if stored.version != base_version:
            raise StaleVersionError(plan_id, base_version, stored.version)
        with self.store.session() as s:
            last_round = s.exec(
                select(func.max(SubmissionRecord.round)).where(SubmissionRecord.plan_id == plan_id)
            ).one()
        round_no = (last_round or 0) + (1 if to in SUBMITTING else 0) or None
        label = f"{to.label}（第{round_no}回）" if round_no else to.label
        rows: list[ReviewTransitionRecord] = []

        def also(s: Session, rec: PlanRecord) -> None:
            if to in SUBMITTING:
                s.add(
                    SubmissionRecord(
                        plan_id=plan_id,
                        round=round_no,  # type: ignore[arg-type]
                        revision_version=rec.version,
                        submitted_at=rec.updated_at,
                        submitted_by=actor,
                        completeness=checked.value if checked else None,
                        findings_count=checked.findings if checked else None,
                        digest=digest(rec.data),
                    )
                )
            row = ReviewTransitionRecord(
                plan_id=plan_id,
                from_status=current.value,
                to_status=to.value,
                round=round_no,
                revision_version=rec.version,
                actor=actor,
                actor_role=self.actor.role.value,
                at=rec.updated_at,
                note=note.strip(),
            )
            s.add(row)
            rows.append(row)
            if to in NOTIFIED:
                notices.add_in(
                    s,
                    plan_id=plan_id,
                    lg_code=rec.lg_code,
                    kind=to.value,
                    message=_notice_text(to, round_no, note),
                    by=actor,
                )

        write = RevisionWrite(
            plan_id, stored.plan, base_version, actor, label, status=to, submitted=to in SUBMITTING
        )
        saved = self.store.write(write, also=also)
        audit.record(
            self.store.engine,
            actor,
            "plan.status",
            f"plan:{plan_id}",
            from_status=current.value,
            to_status=to.value,
            round=round_no,
            version=saved.version,
        )
        if to in NOTIFIED:
            notices.mail(
                self.store,
                lg_code=stored.plan.lg_code,
                subject=to.label,
                message=_notice_text(to, round_no, note),
            )
        return _transition(rows[0])
