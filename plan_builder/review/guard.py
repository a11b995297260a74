"""Guarded submission and approval: what is still open is shown before the status changes.

Before a planner submits and before a reviewer approves, `GuardService.brief` gathers the 要対応 findings of
the content concerned (the current plan for a submission, the frozen submission for an
approval), the unresolved reviewer comments and the copy flags. `GuardService.transition` refuses
to go on until the actor has confirmed having seen a brief that is not clear; approving with
open 要対応 findings also needs a memo (the workflow enforces that on every path). Pages and the
CLI call `GuardService.transition`; each change returns a message to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_builder.checks import Finding, check_plan
from plan_builder.errors import PlanBuilderError
from plan_builder.guide import get_guide
from plan_builder.plan import PlanStatus
from plan_builder.review.comments import CommentService
from plan_builder.review.labels import display_names, place_label
from plan_builder.review.scoped import ScopedService
from plan_builder.review.workflow import ACTION_LABELS, SUBMITTING, ReviewService, Transition
from plan_builder.service import PlanService

S = PlanStatus
GUARDED = {S.SUBMITTED, S.RESUBMITTED, S.APPROVED}
COPY_MARK, FICTION_MARK = "記載例と同じ内容", "架空の団体名"


class ConfirmationRequired(PlanBuilderError):
    """The actor has not confirmed the open items of a guarded change (str() says which)."""


@dataclass(frozen=True)
class OpenComment:
    place: str  # 「第2章 … ＞ 地域の現状」
    author: str  # display name
    body: str


@dataclass(frozen=True)
class Brief:
    plan_id: int
    to: PlanStatus
    lg_name: str
    completeness: float  # 0–1
    errors: list[tuple[str, Finding]] = field(default_factory=list)  # (place, finding): 要対応
    comments: list[OpenComment] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # copies of examples, fictional names

    @property
    def clear(self) -> bool:
        return not (self.errors or self.comments or self.flags)

    @property
    def needs_memo(self) -> bool:
        return self.to is S.APPROVED and bool(self.errors)

    def summary(self) -> str:
        """One Japanese sentence of what is open (for confirmation prompts and the CLI)."""
        parts = [f"充足度 {self.completeness * 100:.0f}%"]
        if self.errors:
            parts.append(f"要対応の指摘 {len(self.errors)}件")
        if self.comments:
            parts.append(f"未解決のコメント {len(self.comments)}件")
        parts += self.flags
        return "、".join(parts)


def status_message(t: Transition, lg_name: str) -> str:
    """The message shown after every status change."""
    rnd = f"（第{t.round}回）" if t.round and t.to_status in SUBMITTING else ""
    return f"{lg_name}の計画を「{t.to_status.label}」にしました{rnd}。"


class GuardService(ScopedService):
    """Submission and approval behind a brief, with the actor's rights: the plan is read through
    PlanService/ReviewService and the comments through CommentService (each scoped by policy)."""

    def brief(self, plan_id: int, to: PlanStatus) -> Brief:
        """What is open on the plan for the change to `to`."""
        to = PlanStatus(to)
        if to in SUBMITTING:
            plan = PlanService(self.store, self.actor).get(plan_id).plan
        else:
            plan = ReviewService(self.store, self.actor).submitted_plan(plan_id).plan
        guide = get_guide(plan.guide_id)
        report = check_plan(plan, guide)
        errors = [
            (place_label(guide, f.chapter_key, f.question_key, f.target), f)
            for f in report.findings
            if f.severity == "error"
        ]
        open_ = CommentService(self.store, self.actor).comments(plan_id, include_resolved=False)
        names = display_names(self.store, [c.author for c in open_])
        comments = [
            OpenComment(
                place_label(guide, c.chapter_key, c.question_key, c.item_key),
                names.get(c.author, c.author),
                c.body,
            )
            for c in open_
        ]
        copies = sum(1 for f in report.findings if COPY_MARK in f.message)
        fiction = sum(1 for f in report.findings if FICTION_MARK in f.message)
        texts = sum(1 for q in guide.questions() if q.examples and isinstance(plan.answers.get(q.key), str))
        flags = []
        if copies:
            whole = "（記述のある設問すべて）" if texts and copies >= texts else ""
            flags.append(f"手引の記載例をそのまま写した設問 {copies}問{whole}")
        if fiction:
            flags.append(f"手引の架空の団体名が残っている設問 {fiction}問")
        return Brief(plan_id, to, plan.lg_name, float(report.completeness), errors, comments, flags)

    def transition(
        self,
        plan_id: int,
        to: PlanStatus,
        *,
        note: str = "",
        confirmed: bool = False,
        expected_version: int | None = None,
    ) -> tuple[Transition, str]:
        """Make the change after the actor has confirmed what `brief` shows; returns the
        transition and the message to show. Changes other than submit and approve need no
        confirmation."""
        to = PlanStatus(to)
        if to in GUARDED:
            b = self.brief(plan_id, to)
            if not b.clear and not confirmed:
                raise ConfirmationRequired(
                    f"「{ACTION_LABELS[to]}」の前に確認が必要です：{b.summary()}。"
                    "内容を確認したうえで、確認済みとして操作してください。"
                )
        t = ReviewService(self.store, self.actor).transition(
            plan_id, to, note=note, expected_version=expected_version
        )
        meta = self._meta(plan_id)
        return t, status_message(t, self.store.local_government(meta.lg_code).name)
