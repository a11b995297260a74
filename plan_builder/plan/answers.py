"""Read and write a plan's answer to a guide question, wherever the plan model keeps it.

Most answers live in `plan.answers[key]`; structured ones (period, pillars, measures, KPIs) and
bound ones (title, publication URL, contact) live in their own fields. Callers use these two
functions and never need to know which.
"""

from __future__ import annotations

from typing import Any

from plan_builder.guide.model import Question, QuestionType
from plan_builder.plan.model import AnswerValue, Plan


def get_answer(plan: Plan, question: Question) -> Any:
    if question.field:
        obj: Any = plan
        for part in question.field.split("."):
            obj = getattr(obj, part)
        return obj
    match question.type:
        case QuestionType.PLAN_PERIOD:
            return plan.period
        case QuestionType.PILLARS:
            return plan.pillars
        case QuestionType.MEASURES:
            return plan.measures
        case QuestionType.KPIS:
            return plan.kpis
    return plan.answers.get(question.key)


def set_answer(plan: Plan, question: Question, value: Any) -> Plan:
    """A validated copy of `plan` with the answer set (the original is left untouched).

    Raises pydantic.ValidationError with a Japanese message naming the field on bad input.
    """
    data = plan.model_dump()
    if question.field:
        parts = question.field.split(".")
        target = data
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value
    elif question.type is QuestionType.PLAN_PERIOD:
        data["period"] = value.model_dump() if hasattr(value, "model_dump") else value
    elif question.type is QuestionType.PILLARS:
        data["pillars"] = list(value or [])
    elif question.type is QuestionType.MEASURES:
        data["measures"] = [m.model_dump() if hasattr(m, "model_dump") else m for m in value]
    elif question.type is QuestionType.KPIS:
        data["kpis"] = [k.model_dump() if hasattr(k, "model_dump") else k for k in value]
    elif value in (None, "", []):
        data["answers"].pop(question.key, None)
    else:
        data["answers"][question.key] = value
    return Plan.model_validate(data)


def is_answered(value: AnswerValue | Any) -> bool:
    """Whether a value counts as written; also applied to raw stored JSON (review.completeness)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True
