"""Read and write a plan's answer to a guide question, wherever the plan model keeps it, and
show it as text.

Most answers live in `plan.answers[key]`; structured ones (period, pillars, measures, KPIs) and
bound ones (title, publication URL, contact) live in their own fields. Callers use these
functions and never need to know which — on a Plan (`get_answer`) or on its stored JSON
(`raw_answer`, for views of many plans that skip validation).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from plan_builder.guide import Guide, Question, QuestionType
from plan_builder.plan.fiscal import format_fiscal_year
from plan_builder.plan.model import AnswerValue, Plan

_STRUCTURED = {
    QuestionType.PLAN_PERIOD: "period",
    QuestionType.PILLARS: "pillars",
    QuestionType.MEASURES: "measures",
    QuestionType.KPIS: "kpis",
}
_CHOICES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE, QuestionType.CHECKLIST)


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


def raw_answer(data: dict[str, Any], question: Question) -> Any:
    """`get_answer` on the stored JSON of a plan (no validation)."""
    if question.field:
        obj: Any = data
        for part in question.field.split("."):
            obj = obj.get(part) if isinstance(obj, dict) else None
        return obj
    if question.type in _STRUCTURED:
        return data.get(_STRUCTURED[question.type])
    return (data.get("answers") or {}).get(question.key)


def answer_labels(question: Question, guide: Guide, value: Any) -> list[str]:
    """Chosen options and pillars by their labels (a stored value the guide does not know is
    shown as is); any other list as its items."""
    items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    if question.type in _CHOICES:
        labels = {o.value: o.label for o in guide.options_for(question)}
        return [labels.get(str(x), str(x)) for x in items]
    if question.type is QuestionType.PILLARS:
        names = {p.key: p.name for p in guide.pillars}
        return [names.get(k, k) for k in items]
    return [str(x) for x in items]


def answer_text(source: Plan | dict[str, Any], question: Question, guide: Guide) -> str:
    """An answer as plain text, the way a reader sees it (choices by label, years in 和暦);
    "" when unanswered. `source` is a Plan or its stored JSON."""
    if isinstance(source, Plan):
        v = get_answer(source, question)
        v = (
            [x.model_dump(mode="json") for x in v]
            if isinstance(v, list) and v and isinstance(v[0], BaseModel)
            else v
        )
        v = v.model_dump(mode="json") if isinstance(v, BaseModel) else v
    else:
        v = raw_answer(source, question)
    if v is None or v == "" or v == []:
        return ""
    match question.type:
        case QuestionType.PLAN_PERIOD:
            start, end = v["start_fy"], v["end_fy"]
            return f"{format_fiscal_year(start)}〜{format_fiscal_year(end)}（{end - start + 1}年間）"
        case QuestionType.MEASURES | QuestionType.KPIS:
            return "\n".join(f"{x.get('key')} {x.get('name', '')}" for x in v)
        case QuestionType.FISCAL_YEAR if isinstance(v, int):
            return format_fiscal_year(v)
    if isinstance(v, bool):
        return "はい" if v else "いいえ"
    if isinstance(v, list) or question.type in _CHOICES:
        return "、".join(answer_labels(question, guide, v))
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
