"""Move a plan to a new guide version: answers move by their stable question keys. The preview
lists what the planner must look at (questions added, changed and removed, answers that no
longer fit) before anything is saved; the caller saves the result as a new revision, so the
old revision stays in the history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plan_builder.guide import CHOICE_TYPES, Guide, GuideDiff, Question, QuestionType, diff_guides
from plan_builder.plan.model import Plan

_TEXT = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT, QuestionType.URL, QuestionType.DATE)


@dataclass(frozen=True)
class SetAside:
    """An answer that does not move: its question was removed or it no longer fits."""

    key: str
    label: str
    value: Any
    reason: str


@dataclass
class MigrationPreview:
    plan: Plan  # the migrated plan (not saved)
    diff: GuideDiff
    kept: list[str] = field(default_factory=list)  # keys whose answers moved unchanged
    set_aside: list[SetAside] = field(default_factory=list)

    @property
    def note(self) -> str:
        return f"手引の移行（{self.diff.old_id} → {self.diff.new_id}）"


def _fit(guide: Guide, q: Question, value: Any) -> tuple[Any, str]:
    """(the value that fits the new question, or None; a reason when something was dropped)."""
    if q.type in CHOICE_TYPES:
        allowed = {o.value for o in guide.options_for(q)}
        if q.type is QuestionType.SINGLE_CHOICE:
            return (value, "") if value in allowed else (None, "選んだ選択肢が新しい版にありません")
        values = value if isinstance(value, list) else [value]
        kept = [v for v in values if v in allowed]
        gone = [v for v in values if v not in allowed]
        return kept or None, (
            f"新しい版にない選択肢（{'、'.join(map(str, gone))}）を外しました" if gone else ""
        )
    if q.type in _TEXT:
        if not isinstance(value, str):
            return None, "回答の形式が変わりました"
        if q.max_length and len(value) > q.max_length:
            return value, f"文字数の上限（{q.max_length}文字）を超えています。短くしてください"
        return value, ""
    if q.type in (QuestionType.NUMBER, QuestionType.FISCAL_YEAR):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return (value, "") if ok else (None, "回答の形式が変わりました")
    return None, "回答の形式が変わりました"


def migrate_plan(plan: Plan, old: Guide, new: Guide) -> MigrationPreview:
    """The plan on `new`, with a list of what moved and what was set aside (nothing is saved)."""
    diff = diff_guides(old, new)
    new_q = {q.key: q for q in new.questions()}
    old_q = {q.key: q for q in old.questions()}
    answers: dict[str, Any] = {}
    preview = MigrationPreview(plan=plan, diff=diff)
    for key, value in plan.answers.items():
        q = new_q.get(key)
        label = (q or old_q.get(key)).label if (q or old_q.get(key)) else key
        if (
            q is None
            or q.field
            or q.type
            in (QuestionType.PLAN_PERIOD, QuestionType.PILLARS, QuestionType.MEASURES, QuestionType.KPIS)
        ):
            preview.set_aside.append(SetAside(key, label, value, "新しい版にこの設問がありません"))
            continue
        fitted, reason = _fit(new, q, value)
        if fitted is not None:
            answers[key] = fitted
        if reason:
            preview.set_aside.append(SetAside(key, label, value, reason))
        elif fitted is not None:
            preview.kept.append(key)
    data = plan.model_dump(mode="python")
    data.update(answers=answers, guide_id=new.id, guide_edition=new.edition)
    preview.plan = Plan.model_validate(data)
    return preview
