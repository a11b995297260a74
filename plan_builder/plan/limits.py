"""Size limits on what a plan may hold, enforced in the core so every path (app, CLI, import,
service) refuses the same things with the same Japanese message.

The guide's `max_length` bounds an answer where the guide sets one; other text answers get a
generous ceiling. The whole plan's JSON is bounded per save, so one oversized paste can never
make each later save store megabytes.
"""

from __future__ import annotations

import json
from typing import Any

from plan_builder.errors import PlanBuilderError
from plan_builder.guide import Guide
from plan_builder.plan.answers import get_answer
from plan_builder.plan.model import Plan

MAX_ANSWER_CHARS = 20_000  # a long answer is ~1,000 字; the guide's own limits are far lower
MAX_PLAN_BYTES = 2 * 1024 * 1024  # a full sample plan is ~25 KB


class PlanLimitError(PlanBuilderError):
    """A plan or an answer too large to store; the message names the field."""


def too_long(label: str, limit: int, n: int) -> str:
    """The one message for text over its limit, on every path (wizard, CLI, import, service)."""
    return f"「{label}」は{limit:,}文字以内で入力してください（現在 {n:,}文字）。"


def check_size(data: dict[str, Any]) -> int:
    """The size in bytes of a plan's JSON; refused above MAX_PLAN_BYTES."""
    size = len(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > MAX_PLAN_BYTES:
        raise PlanLimitError(
            f"計画の内容が大きすぎるため保存できません（{size / 1e6:.1f} MB、上限 "
            f"{MAX_PLAN_BYTES / 1e6:.1f} MB）。長すぎる回答を短くしてください。"
        )
    return size


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return max((len(v) for v in value if isinstance(v, str)), default=0)
    return 0


def check_limits(plan: Plan, guide: Guide) -> None:
    """Refuse answers longer than the guide allows (or MAX_ANSWER_CHARS), naming the question."""
    for q in guide.questions():
        value = get_answer(plan, q)
        limit = q.max_length or MAX_ANSWER_CHARS
        n = _length(value)
        if n > limit:
            raise PlanLimitError(too_long(q.label, limit, n))
    for key, value in plan.answers.items():  # answers to no question of this guide
        n = _length(value)
        if n > MAX_ANSWER_CHARS:
            raise PlanLimitError(too_long(f"回答 {key}", MAX_ANSWER_CHARS, n))
