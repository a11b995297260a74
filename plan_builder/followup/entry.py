"""Follow-up edits: an actual per KPI and fiscal year (with the date measured and a note), and a
status per measure (with a comment). Each takes a Plan and returns a new validated Plan, so the
caller saves it as one revision through PlanService (history, restore and audit come with it).
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date
from typing import Any

from pydantic import ValidationError

from plan_builder.errors import PlanBuilderError
from plan_builder.plan import (
    MAX_NUMBER,
    PROGRESS_LABELS,
    FollowUpYear,
    Kpi,
    KpiNature,
    Plan,
    Progress,
    describe_validation_error,
    format_fiscal_year,
    parse_fiscal_year,
)

NOTE_MAX, COMMENT_MAX = 500, 1000


class FollowUpError(PlanBuilderError):
    """A follow-up entry was refused; `str(err)` is Japanese and names the field."""


def find_kpi(plan: Plan, ref: str) -> Kpi:
    """A KPI by its number (K01, k1, ｋ０１) or its exact name."""
    raw = unicodedata.normalize("NFKC", str(ref or "")).strip()
    if not raw:
        raise FollowUpError("KPI番号または指標名が空欄です")
    upper = raw.upper()
    if upper.startswith("K") and upper[1:].isdigit():
        key = f"K{int(upper[1:]):02d}"
        for k in plan.kpis:
            if k.key == key:
                return k
        raise FollowUpError(f"KPI番号「{raw}」はこの計画にありません")
    matches = [k for k in plan.kpis if unicodedata.normalize("NFKC", k.name).strip() == raw]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise FollowUpError(f"指標名「{raw}」の指標が複数あります。KPI番号で指定してください")
    raise FollowUpError(f"指標「{raw}」はこの計画にありません")


def parse_fy(raw: Any, plan: Plan | None = None) -> int:
    """A fiscal year (令和6年度, R6, 2024 …) inside the plan period when the plan has one."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    try:
        fy = parse_fiscal_year(raw if isinstance(raw, int) else str(raw or ""))
    except ValueError as exc:
        raise FollowUpError(f"年度：{exc}") from None
    if plan is not None and plan.period and fy not in plan.period.years:
        raise FollowUpError(f"年度：{format_fiscal_year(fy)}は計画期間（{plan.period.label()}）の外です")
    return fy


def parse_value(kpi: Kpi, raw: Any) -> float | str:
    """A number for a quantitative KPI (全角・桁区切り可), text for a qualitative one."""
    if kpi.nature is KpiNature.QUALITATIVE:
        text = str(raw or "").strip()
        if not text:
            raise FollowUpError(f"KPI「{kpi.name}」の実績値が空欄です")
        return text[:200]
    if isinstance(raw, bool):
        raise FollowUpError(f"KPI「{kpi.name}」の実績値は数値で入力してください")
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        s = unicodedata.normalize("NFKC", str(raw or "")).strip().replace(",", "").rstrip("%").strip()
        if kpi.unit and s.endswith(kpi.unit):
            s = s[: -len(kpi.unit)].strip()
        if not s:
            raise FollowUpError(f"KPI「{kpi.name}」の実績値が空欄です")
        try:
            value = float(s)
        except ValueError:
            raise FollowUpError(f"KPI「{kpi.name}」の実績値「{raw}」は数値ではありません") from None
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise FollowUpError(f"KPI「{kpi.name}」の実績値が大きすぎるか、数値として正しくありません")
    return int(value) if value.is_integer() else value


def parse_date(raw: Any) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw if not hasattr(raw, "date") else raw.date()  # datetime from a spreadsheet cell
    s = unicodedata.normalize("NFKC", str(raw)).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(p.zfill(2) for p in s.split("-")))
    except ValueError:
        raise FollowUpError(f"測定日「{raw}」は日付として読めません（例：2025-03-31）") from None


def _year(plan: Plan, fy: int) -> FollowUpYear:
    return plan.followup.get(fy, FollowUpYear())


def _note_text(text: str | None, limit: int, what: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise FollowUpError(f"{what}は{limit}文字以内で入力してください（現在{len(text)}文字）")
    return text


def set_actual(
    plan: Plan,
    kpi_ref: str,
    fy: Any,
    value: Any,
    *,
    measured_on: Any = None,
    note: str | None = "",
) -> Plan:
    """The plan with KPI `kpi_ref`'s actual for fiscal year `fy` set (and its date and note)."""
    kpi = find_kpi(plan, kpi_ref)
    year = parse_fy(fy, plan)
    number = parse_value(kpi, value)
    day = parse_date(measured_on)
    text = _note_text(note, NOTE_MAX, "備考")
    if day and day > date(year + 5, 12, 31):
        raise FollowUpError(f"測定日（{day.isoformat()}）が{format_fiscal_year(year)}から離れすぎています")
    data = plan.model_dump(mode="python")
    for k in data["kpis"]:
        if k["key"] == kpi.key:
            k["actuals"] = {**k["actuals"], year: number}
    fu = _year(plan, year)
    notes = {**fu.model_dump()["actuals"], kpi.key: {"measured_on": day, "note": text}}
    data["followup"] = {**data["followup"], year: {**fu.model_dump(), "actuals": notes}}
    return _checked(data)


def clear_actual(plan: Plan, kpi_key: str, fy: int) -> Plan:
    kpi = find_kpi(plan, kpi_key)
    data = plan.model_dump(mode="python")
    for k in data["kpis"]:
        if k["key"] == kpi.key:
            k["actuals"].pop(fy, None)
    if fy in plan.followup:
        fu = plan.followup[fy]
        data["followup"][fy]["actuals"] = {
            k: v for k, v in fu.model_dump()["actuals"].items() if k != kpi.key
        }
    return _checked(data)


def parse_status(raw: Any) -> Progress:
    s = unicodedata.normalize("NFKC", str(raw or "")).strip()
    for p, label in PROGRESS_LABELS.items():
        if s in (label, p.value):
            return p
    choices = "／".join(PROGRESS_LABELS.values())
    raise FollowUpError(f"進捗状況「{raw}」は選べません（{choices}のいずれか）")


def set_status(plan: Plan, measure_key: str, fy: Any, status: Any, comment: str | None = "") -> Plan:
    """The plan with measure `measure_key`'s status for fiscal year `fy` (順調／遅れ／…) set."""
    if measure_key not in {m.key for m in plan.measures}:
        raise FollowUpError(f"施策番号「{measure_key}」はこの計画にありません")
    year = parse_fy(fy, plan)
    progress = status if isinstance(status, Progress) else parse_status(status)
    text = _note_text(comment, COMMENT_MAX, "コメント")
    fu = _year(plan, year)
    measures = {**fu.model_dump()["measures"], measure_key: {"status": progress, "comment": text}}
    data = plan.model_dump(mode="python")
    data["followup"] = {**data["followup"], year: {**fu.model_dump(), "measures": measures}}
    return _checked(data)


def _checked(data: dict[str, Any]) -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise FollowUpError(describe_validation_error(exc, Plan, data)) from None
