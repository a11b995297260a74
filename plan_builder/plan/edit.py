"""Plan editing operations: each takes a Plan and returns a new, validated Plan.

The wizard's callbacks call these and nothing else, so every edit a screen can make is testable
without a browser. Bad input raises `EditError` whose message is Japanese and names the field;
the plan passed in is never changed, so the last saved state stays intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from plan_builder.errors import PlanBuilderError
from plan_builder.guide import Guide, Question, QuestionType, ReferenceItem
from plan_builder.plan.answers import get_answer, is_answered, set_answer
from plan_builder.plan.fiscal import format_date, format_fiscal_year, parse_fiscal_year
from plan_builder.plan.limits import too_long
from plan_builder.plan.locality import Locality
from plan_builder.plan.model import (
    Kpi,
    KpiKind,
    KpiNature,
    Measure,
    MeasureOrigin,
    Plan,
    PlanPeriod,
)
from plan_builder.plan.text import clean_text, is_web_url
from plan_builder.plan.validation import describe_validation_error

OPEN_DATA_LIST = "open_data_sets"
NATIONAL_MEASURES_LIST = "national_measures"
# The national list shipped is the 自治体DX推進計画's priority items; its first edition (第1.0版)
# is dated 2020-12-25 (guide_templates/municipal-dx-2024.yaml, dx_priorities_v1_0).
DX_PLAN_FIRST_EDITION = date(2020, 12, 25)


class EditError(PlanBuilderError):
    """An edit was refused; `str(err)` is a Japanese message naming the field."""


def validation_message(exc: ValidationError, data: Any = None) -> str:
    """Japanese text for a pydantic error, naming the field (see plan.validation)."""
    return describe_validation_error(exc, Plan, data)


def _validated(data: dict[str, Any]) -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise EditError(validation_message(exc, data)) from None


# Answers -------------------------------------------------------------------------------------


def _text(question: Question, raw: Any) -> str:
    text = "" if raw is None else str(raw).strip()
    if question.max_length and len(text) > question.max_length:
        raise EditError(too_long(question.label, question.max_length, len(text)))
    return text


def normalise_answer(plan: Plan, guide: Guide, question: Question, raw: Any) -> Any:
    """Turn what a widget returns into the value the plan stores, or raise EditError."""
    label = question.label
    match question.type:
        case QuestionType.SHORT_TEXT | QuestionType.LONG_TEXT:
            return _text(question, raw)
        case QuestionType.URL:
            text = _text(question, raw)
            if text and not is_web_url(text):
                raise EditError(f"「{label}」は http:// または https:// で始まるURLで入力してください")
            return text
        case QuestionType.NUMBER:
            if raw in (None, ""):
                return None
            try:
                number = float(str(raw).replace(",", "")) if isinstance(raw, str) else float(raw)
            except (TypeError, ValueError):
                raise EditError(f"「{label}」は数値で入力してください") from None
            return int(number) if number.is_integer() else number
        case QuestionType.FISCAL_YEAR:
            if raw in (None, ""):
                return None
            try:
                return parse_fiscal_year(raw)
            except ValueError as exc:
                raise EditError(f"「{label}」: {exc}") from None
        case QuestionType.DATE:
            if raw in (None, ""):
                return None
            if isinstance(raw, datetime):
                return raw.date().isoformat()
            if isinstance(raw, date):
                return raw.isoformat()
            try:
                return date.fromisoformat(str(raw).strip()).isoformat()
            except ValueError:
                raise EditError(f"「{label}」は日付（例：2025-04-01）で入力してください") from None
        case QuestionType.SINGLE_CHOICE:
            if raw in (None, ""):
                return None
            allowed = {o.value for o in guide.options_for(question)}
            if raw not in allowed:
                raise EditError(f"「{label}」の選択肢に「{raw}」はありません")
            return raw
        case QuestionType.MULTI_CHOICE | QuestionType.CHECKLIST:
            values = list(raw or [])
            allowed = [o.value for o in guide.options_for(question)]
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise EditError(f"「{label}」の選択肢に「{'、'.join(map(str, unknown))}」はありません")
            return [v for v in allowed if v in values]  # keep the guide's order
        case QuestionType.PLAN_PERIOD:
            return _period(raw)
        case QuestionType.PILLARS:
            keys = list(raw or [])
            known = {p.key for p in guide.pillars}
            unknown = [k for k in keys if k not in known]
            if unknown:
                raise EditError(f"「{label}」に手引にない柱（{'、'.join(unknown)}）が含まれています")
            return [p.key for p in guide.pillars if p.key in keys]
    return raw


def _period(raw: Any) -> PlanPeriod | None:
    if raw is None or isinstance(raw, PlanPeriod):
        return raw
    start, end = raw if isinstance(raw, tuple | list) else (raw.get("start_fy"), raw.get("end_fy"))
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise EditError("計画期間は開始年度と終了年度の両方を選んでください")
    try:
        return PlanPeriod(start_fy=parse_fiscal_year(start), end_fy=parse_fiscal_year(end))
    except ValueError as exc:
        msg = describe_validation_error(exc, PlanPeriod) if isinstance(exc, ValidationError) else str(exc)
        raise EditError(msg) from None


def answer_question(plan: Plan, guide: Guide, question_key: str, raw: Any) -> Plan:
    """A new plan with the answer to one guide question set (validated)."""
    question = guide.question(question_key)
    value = normalise_answer(plan, guide, question, raw)
    try:
        return set_answer(plan, question, value)
    except ValidationError as exc:
        raise EditError(validation_message(exc)) from None


def example_answer(question: Question, plan: Plan, index: int = 0) -> str:
    """The guide's 記載例 written for the plan's own body: its name, 市/町/村/県 and prefecture
    fill the example's placeholders ({団体名}, {本団体}, {都道府県名} ...)."""
    if not question.examples:
        return ""
    text = question.examples[index % len(question.examples)].strip()
    return Locality.of(plan.lg_code, plan.lg_name).fill(text)


@dataclass(frozen=True)
class Undo:
    """What one edit changed at one question, enough to take that edit back in one step."""

    question_key: str
    before: Any
    after: Any
    label: str  # what is undone, for the button: 「記載例の挿入」


def insert_example(
    plan: Plan, guide: Guide, question_key: str, index: int = 0, *, replace: bool = False
) -> tuple[Plan, Undo]:
    """Put a 記載例 into a text answer. An empty answer receives it; a written one keeps its text
    and gets the example appended after a blank line, unless `replace` is asked for (the screen
    asks the planner first). Returns the new plan and the step that undoes it."""
    question = guide.question(question_key)
    if question.type not in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        raise EditError(f"「{question.label}」には記載例を挿入できません")
    example = example_answer(question, plan, index)
    if not example:
        raise EditError(f"「{question.label}」には記載例がありません")
    before = get_answer(plan, question)
    current = str(before or "").strip()
    if replace or not current:
        text = example
    elif example in current:  # already there: inserting twice would only repeat it
        text = current
    else:
        sep = "\n\n" if question.type is QuestionType.LONG_TEXT else " "
        text = f"{current}{sep}{example}"
    new = answer_question(plan, guide, question_key, text)
    return new, Undo(question_key, before, get_answer(new, question), "記載例の挿入")


def undo(plan: Plan, guide: Guide, step: Undo) -> Plan:
    """Take back one edit. Refused, with nothing changed, when the answer was edited since: the
    later text is the planner's and only 変更履歴 may go further back."""
    question = guide.question(step.question_key)
    if get_answer(plan, question) != step.after:
        raise EditError(
            f"「{question.label}」は{step.label}の後に変更されているため、元に戻せません。"
            "以前の内容は変更履歴から確認・復元できます"
        )
    try:
        return set_answer(plan, question, step.before)
    except ValidationError as exc:
        raise EditError(validation_message(exc)) from None


def answered(plan: Plan, question: Question) -> bool:
    return is_answered(get_answer(plan, question))


# Measures ------------------------------------------------------------------------------------


def national_measures(guide: Guide) -> list[ReferenceItem]:
    """The national measures the guide file offers to align with, when it carries a list (the
    shipped list is the 自治体DX推進計画's priority items, not the 手引's Ⅲ; see its note)."""
    try:
        return list(guide.reference(NATIONAL_MEASURES_LIST).items)
    except KeyError:
        return []


def national_list_fits(guide: Guide) -> bool:
    """Whether the measure picker opens on the national list. The list is the 自治体DX推進計画's
    priority items: a guide issued before that plan existed (the 2019 官民データ guides) never
    pointed to them, so its planners start from their own measures (the list stays one click away)."""
    return bool(national_measures(guide)) and guide.date >= DX_PLAN_FIRST_EDITION


def _article(guide: Guide, pillar: str) -> int | None:
    try:
        return guide.pillar(pillar).article
    except KeyError:
        return None


def add_measure(
    plan: Plan,
    guide: Guide,
    *,
    pillar: str,
    name: str,
    origin: MeasureOrigin = MeasureOrigin.OWN,
    national_ref: str = "",
    department: str = "",
    summary: str = "",
) -> Plan:
    """Append a measure under a pillar with the next free number (M01, M02 ...)."""
    if not str(name or "").strip():
        raise EditError("施策名を入力してください")
    try:
        guide.pillar(pillar)
    except KeyError:
        raise EditError(f"柱「{pillar}」は手引にありません") from None
    data = plan.model_dump()
    data["measures"].append(
        {
            "key": plan.next_measure_key(),
            "pillar": pillar,
            "article": _article(guide, pillar),
            "name": name,
            "summary": summary,
            "department": department,
            "origin": origin,
            "national_ref": national_ref,
        }
    )
    return _validated(data)


def _index(items: list[dict[str, Any]], key: str, what: str) -> int:
    for i, item in enumerate(items):
        if item["key"] == key:
            return i
    raise EditError(f"{what}「{key}」が見つかりません")


_MEASURE_FIELDS = {"name", "summary", "department", "origin", "national_ref", "pillar", "kpi_keys"}


def update_measure(plan: Plan, guide: Guide, key: str, **changes: Any) -> Plan:
    """Change fields of one measure (name, summary, department, origin, national_ref, pillar,
    kpi_keys). Unknown field names are a programming error."""
    bad = set(changes) - _MEASURE_FIELDS
    if bad:
        raise TypeError(f"unknown measure fields: {sorted(bad)}")
    data = plan.model_dump()
    i = _index(data["measures"], key, "施策")
    if "name" in changes and not str(changes["name"] or "").strip():
        raise EditError(f"施策 {key} の施策名を入力してください（空にはできません）")
    if "pillar" in changes:
        data["measures"][i]["article"] = _article(guide, changes["pillar"])
    data["measures"][i].update({k: ("" if v is None and k != "kpi_keys" else v) for k, v in changes.items()})
    return _validated(data)


def remove_measure(plan: Plan, key: str) -> Plan:
    data = plan.model_dump()
    del data["measures"][_index(data["measures"], key, "施策")]
    return _validated(data)


MAX_ACTIVITY_CHARS = 200


def set_schedule(plan: Plan, key: str, activities: dict[int, str | None]) -> Plan:
    """Replace the yearly schedule of a measure; empty activities drop the year. The length is
    that of the text as stored (cleaned: see plan.text.clean_text)."""
    data = plan.model_dump()
    i = _index(data["measures"], key, "施策")
    entries = []
    for fy, activity in sorted(activities.items()):
        text = clean_text(str(activity or ""))
        if text:
            if len(text) > MAX_ACTIVITY_CHARS:
                raise EditError(
                    f"施策 {key} の{format_fiscal_year(fy)}の取組内容は{MAX_ACTIVITY_CHARS}文字以内にしてください"
                    f"（現在{len(text)}文字）"
                )
            entries.append({"fy": fy, "activity": text})
    data["measures"][i]["schedule"] = entries
    return _validated(data)


def set_activity(plan: Plan, key: str, fy: int, text: str | None) -> Plan:
    """One fiscal year's activity of a measure, the other years as they are in `plan`; empty text
    removes the year. The measures page saves each year's field on its own through this, against
    the plan as it is at save time."""
    measure = next((m for m in plan.measures if m.key == key), None)
    if measure is None:
        raise EditError(f"施策「{key}」が見つかりません")
    activities: dict[int, str | None] = {e.fy: e.activity for e in measure.schedule}
    activities[fy] = text
    return set_schedule(plan, key, activities)


# KPIs ----------------------------------------------------------------------------------------


def add_kpi(
    plan: Plan,
    *,
    name: str,
    unit: str = "",
    pillar: str | None = None,
    kind: KpiKind | None = None,
    link_to: str | None = None,
) -> Plan:
    """Append a KPI with the next free number; optionally link it to a measure at once."""
    if not str(name or "").strip():
        raise EditError("指標名を入力してください")
    data = plan.model_dump()
    key = plan.next_kpi_key()
    data["kpis"].append({"key": key, "name": name, "unit": unit, "pillar": pillar, "kind": kind})
    if link_to:
        i = _index(data["measures"], link_to, "施策")
        data["measures"][i]["kpi_keys"].append(key)
    return _validated(data)


_KPI_FIELDS = {
    "name",
    "unit",
    "kind",
    "nature",
    "source",
    "method",
    "pillar",
    "baseline_value",
    "baseline_as_of",
    "targets",
    "actuals",
}


def _series(values: dict[Any, Any]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for fy, v in values.items():
        if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v):
            continue
        out[int(fy)] = v
    return out


def update_kpi(plan: Plan, key: str, **changes: Any) -> Plan:
    """Change fields of one KPI. `baseline_value`/`baseline_as_of` set the baseline; `targets` and
    `actuals` replace the series ({fiscal year: value}; empty values drop the year)."""
    bad = set(changes) - _KPI_FIELDS
    if bad:
        raise TypeError(f"unknown KPI fields: {sorted(bad)}")
    data = plan.model_dump()
    i = _index(data["kpis"], key, "KPI")
    kpi = data["kpis"][i]
    if "name" in changes and not str(changes["name"] or "").strip():
        raise EditError(f"KPI {key} の指標名を入力してください（空にはできません）")
    for field, value in changes.items():
        if field == "baseline_value":
            kpi["baseline"]["value"] = None if value in (None, "") else value
        elif field == "baseline_as_of":
            kpi["baseline"]["as_of"] = value
        elif field in ("targets", "actuals"):
            kpi[field] = _series(value)
        elif field in ("source", "method", "unit") and value is None:
            kpi[field] = ""
        else:
            kpi[field] = value
    return _validated(data)


def remove_kpi(plan: Plan, key: str) -> Plan:
    """Delete a KPI and its links from measures."""
    data = plan.model_dump()
    del data["kpis"][_index(data["kpis"], key, "KPI")]
    for m in data["measures"]:
        m["kpi_keys"] = [k for k in m["kpi_keys"] if k != key]
    return _validated(data)


# Open data -----------------------------------------------------------------------------------


def open_data_question(guide: Guide) -> Question | None:
    """The checklist question that records the standard open data sets, if the guide has one."""
    return next((q for q in guide.questions() if q.options_from == OPEN_DATA_LIST), None)


def checked_open_data(plan: Plan, guide: Guide) -> list[str]:
    q = open_data_question(guide)
    value = plan.answers.get(q.key) if q else None
    return list(value) if isinstance(value, list) else []


def set_open_data(plan: Plan, guide: Guide, values: list[str]) -> Plan:
    q = open_data_question(guide)
    if q is None:
        raise EditError("この手引には自治体標準オープンデータセットの設問がありません")
    return answer_question(plan, guide, q.key, values)


def baseline_from_count(plan: Plan, kpi_key: str, count: int, as_of: date) -> Plan:
    """Use the number of checked data sets as the baseline of an open-data KPI."""
    return update_kpi(
        plan, kpi_key, baseline_value=float(count), baseline_as_of=as_of, nature=KpiNature.QUANTITATIVE
    )


# Comparing revisions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference between two states of a plan, described for a planner."""

    label: str
    before: str
    after: str


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（未入力）"
    if isinstance(value, PlanPeriod):
        return value.label()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _measure_text(m: Measure) -> str:
    sched = "、".join(f"{format_fiscal_year(e.fy)}：{e.activity}" for e in m.schedule)
    return (
        f"{m.name}／担当：{m.department or '－'}／{m.origin.label}／概要：{m.summary or '－'}"
        f"／KPI：{'、'.join(m.kpi_keys) or '－'}／工程：{sched or '－'}"
    )


def _kpi_text(k: Kpi) -> str:
    base = k.baseline
    as_of = format_date(base.as_of) if base.as_of else "－"
    targets = "、".join(f"{format_fiscal_year(fy)}：{v}" for fy, v in sorted(k.targets.items()))
    actuals = "、".join(f"{format_fiscal_year(fy)}：{v}" for fy, v in sorted(k.actuals.items()))
    return (
        f"{k.name}（{k.unit or '単位なし'}）／現状値：{base.value if base.value is not None else '－'}"
        f"（{as_of}）／目標：{targets or '－'}／実績：{actuals or '－'}／出典：{k.source or '－'}"
        f"／測定方法：{k.method or '－'}"
    )


def diff_plans(old: Plan, new: Plan, guide: Guide) -> list[Change]:
    """What differs between two states of a plan: answers by question, then measures and KPIs."""
    changes: list[Change] = []
    for q in guide.questions():
        if q.type in (QuestionType.MEASURES, QuestionType.KPIS):
            continue
        a, b = get_answer(old, q), get_answer(new, q)
        if a != b:
            changes.append(Change(f"第{guide.chapter_of(q.key).number}章 {q.label}", _show(a), _show(b)))
    for label, olds, news, text in (
        ("施策", {m.key: m for m in old.measures}, {m.key: m for m in new.measures}, _measure_text),
        ("KPI", {k.key: k for k in old.kpis}, {k.key: k for k in new.kpis}, _kpi_text),
    ):
        for key in sorted(set(olds) | set(news)):
            a, b = olds.get(key), news.get(key)
            if a != b:
                changes.append(
                    Change(
                        f"{label} {key}",
                        text(a) if a else "（なし）",  # type: ignore[arg-type]
                        text(b) if b else "（削除）",  # type: ignore[arg-type]
                    )
                )
    known = {q.key for q in guide.questions()}
    for key in sorted((set(old.answers) | set(new.answers)) - known):
        if old.answers.get(key) != new.answers.get(key):
            changes.append(Change(f"回答 {key}", _show(old.answers.get(key)), _show(new.answers.get(key))))
    return changes
