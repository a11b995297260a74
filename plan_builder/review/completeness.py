"""Completeness of a plan against its guide, for the queue and the coverage matrix.

A submission is scored once with `plan_builder.checks.check_plan` (the score is stored with the
frozen round). The coverage matrix uses a lighter metric for every plan alike: the share of
required questions answered, from the summary stored with each revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from plan_builder.checks import check_plan
from plan_builder.guide import Guide, Question, Requirement
from plan_builder.plan import Plan


@dataclass(frozen=True)
class Completeness:
    value: float  # 0–1
    findings: int


def required_questions(guide: Guide) -> list[Question]:
    return [q for q in guide.questions() if q.required is Requirement.REQUIRED]


def plan_completeness(plan: Plan, guide: Guide) -> Completeness:
    """The checks engine's completeness (0–1) and number of findings."""
    report = check_plan(plan, guide)
    return Completeness(float(report.completeness), len(report.findings))
