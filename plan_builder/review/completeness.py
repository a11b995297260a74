"""Completeness of a plan against its guide, for the queue and the coverage matrix.

A submission is scored once with `plan_builder.checks.check_plan` (the score is stored with the
frozen round). For plans without a stored score (drafts, in an admin's view) the coverage matrix
uses `fast_completeness`: the share of required questions answered, computed from the stored
JSON without building a pydantic Plan, fast enough for 1,741 plans at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plan_builder.checks import check_plan
from plan_builder.guide import Guide, Question, Requirement
from plan_builder.plan import Plan, is_answered, raw_answer


@dataclass(frozen=True)
class Completeness:
    value: float  # 0–1
    findings: int


def required_questions(guide: Guide) -> list[Question]:
    return [q for q in guide.questions() if q.required is Requirement.REQUIRED]


def fast_completeness(data: dict[str, Any], guide: Guide) -> Completeness:
    req = required_questions(guide)
    missing = sum(1 for q in req if not is_answered(raw_answer(data, q)))
    return Completeness(1.0 - missing / len(req) if req else 1.0, missing)


def plan_completeness(plan: Plan, guide: Guide) -> Completeness:
    """The checks engine's completeness (0–1) and number of findings."""
    report = check_plan(plan, guide)
    return Completeness(float(report.completeness), len(report.findings))
