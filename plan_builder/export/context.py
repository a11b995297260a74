"""The template context: a plan and its guide flattened into plain data for the document templates.

Templates see only dicts, lists, strings and numbers (no model objects, no methods), so a
template can read anything it needs and change nothing. Answers are addressed by the guide's
stable question keys: `answers["current.overview"]`. Every question key of the guide is present
(an unanswered question gives ""), so a misspelt key is an error rather than a silent blank.

Variables (see guide_templates/templates/kanmin-2019/README.md for the full list):
  lg, title, guide, period, answers, choices, questions, chapters, pillars, measures, kpis,
  history, adopted, issued, contact, publication_url, open_data_sets, overall_policy,
  schedule (the 工程表 as table rows grouped by pillar)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from plan_builder.guide import Guide, Question, QuestionType
from plan_builder.plan import (
    Kpi,
    KpiKind,
    KpiValue,
    Measure,
    Plan,
    Revision,
    answer_labels,
    fiscal_year_of,
    format_date,
    format_fiscal_year,
    get_answer,
    today_jst,
)

_PLACEHOLDERS = ("○○市町村", "○○都道府県", "○○市", "○○町", "○○村", "○○県", "○○都", "○○府", "○○道")


def fill_name(text: str, lg_name: str) -> str:
    """A guide heading such as 「○○市の現状及び課題」 with the plan's own name put in."""
    for p in _PLACEHOLDERS:
        text = text.replace(p, lg_name)
    return text


def format_value(value: KpiValue | None) -> str:
    """120 → "120", 14.8 → "14.8", 1800 → "1,800"; text values as they are; None → "－"."""
    if value is None or value == "":
        return "－"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        f = float(value)
        if f.is_integer():
            return f"{int(f):,}"
        return f"{f:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def with_unit(value: KpiValue | None, unit: str) -> str:
    text = format_value(value)
    return text if text == "－" or not unit else f"{text}{unit}"


def month_label(day: date) -> str:
    """令和2年3月 (as printed on a cover)."""
    full = format_date(day)
    return full[: full.index("月") + 1]


def _year_table(k: Kpi) -> dict[str, Any]:
    """The KPI by fiscal year: baseline, every target year and the actuals, as table columns.

    The unit goes in the caption, so the columns stay narrow enough for 令和N年度 on one line.
    """
    years = sorted(set(k.targets) | set(k.actuals))
    header = ["区分"]
    target_row = ["目標値"]
    actual_row = ["実績値"]
    if k.baseline.value is not None:
        as_of = k.baseline.as_of
        header.append(f"現状値\n（{format_fiscal_year(fiscal_year_of(as_of))}）" if as_of else "現状値")
        target_row.append(format_value(k.baseline.value))
        actual_row.append("")
    for fy in years:
        header.append(format_fiscal_year(fy))
        target_row.append(format_value(k.targets.get(fy)) if fy in k.targets else "")
        actual_row.append(format_value(k.actuals.get(fy)) if fy in k.actuals else "")
    rows = [target_row] + ([actual_row] if k.actuals else [])
    return {"header": header, "rows": rows}


def _kpi(k: Kpi, measures_of: dict[str, list[Measure]], pillar_names: dict[str, str]) -> dict[str, Any]:
    final = k.final_target
    as_of = k.baseline.as_of
    return {
        "key": k.key,
        "name": k.name,
        "unit": k.unit,
        "kind": k.kind.label if k.kind else "",
        "kind_short": {KpiKind.OUTCOME: "成果", KpiKind.OUTPUT: "活動", None: ""}[k.kind],
        "nature": k.nature.label,
        "pillar": k.pillar or "",
        "pillar_name": pillar_names.get(k.pillar or "", ""),
        "baseline": format_value(k.baseline.value),
        "baseline_date": format_date(as_of) if as_of else "",
        "baseline_fy": format_fiscal_year(fiscal_year_of(as_of)) if as_of else "",
        "targets": [
            {"fy": fy, "year": format_fiscal_year(fy), "value": format_value(v)}
            for fy, v in sorted(k.targets.items())
        ],
        "actuals": [
            {"fy": fy, "year": format_fiscal_year(fy), "value": format_value(v)}
            for fy, v in sorted(k.actuals.items())
        ],
        "baseline_with_unit": with_unit(k.baseline.value, k.unit),
        "final_with_unit": with_unit(final[1], k.unit) if final else "－",
        "latest_actual": (
            {
                "year": format_fiscal_year(max(k.actuals)),
                "value": with_unit(k.actuals[max(k.actuals)], k.unit),
            }
            if k.actuals
            else None
        ),
        "final_target": format_value(final[1]) if final else "－",
        "final_year": format_fiscal_year(final[0]) if final else "",
        "source": k.source,
        "method": k.method,
        "years_table": _year_table(k),
        "measures": [m.name for m in measures_of.get(k.key, [])],
        "measure_labels": [f"{m.key} {m.name}" for m in measures_of.get(k.key, [])],
        "measure_keys": [m.key for m in measures_of.get(k.key, [])],
    }


_ERA_INITIALS = {"令和": "R", "平成": "H", "昭和": "S", "大正": "T", "明治": "M"}


def short_fiscal_year(fy: int) -> str:
    """令和6年度 → R6 (table cells where space is tight)."""
    label = format_fiscal_year(fy)
    n = label[2:].removesuffix("年度")
    return f"{_ERA_INITIALS[label[:2]]}{1 if n == '元' else n}"


def _schedule_lines(m: Measure, *, short: bool = False) -> list[str]:
    """One line per fiscal year: 「令和2年度　検討・準備」 (short: 「R2 検討・準備」)."""
    by_year: dict[int, list[str]] = {}
    for e in m.schedule:
        by_year.setdefault(e.fy, []).append(e.activity)
    label = short_fiscal_year if short else format_fiscal_year
    sep = " " if short else "　"
    return [f"{label(fy)}{sep}{'、'.join(acts)}" for fy, acts in sorted(by_year.items())]


def _measure(m: Measure, plan: Plan, pillar_names: dict[str, str]) -> dict[str, Any]:
    kpis = [plan.kpi(k) for k in m.kpi_keys if any(x.key == k for x in plan.kpis)]
    years = m.schedule_years
    return {
        "key": m.key,
        "name": m.name,
        "summary": m.summary,
        "department": m.department,
        "pillar": m.pillar,
        "pillar_name": pillar_names.get(m.pillar, m.pillar),
        "article": m.article,
        "origin": m.origin.label,
        "national_ref": m.national_ref,
        "schedule": [
            {"fy": e.fy, "year": format_fiscal_year(e.fy), "activity": e.activity} for e in m.schedule
        ],
        "schedule_lines": _schedule_lines(m),
        "schedule_short": _schedule_lines(m, short=True),
        "schedule_span": (
            f"{format_fiscal_year(years[0])}〜{format_fiscal_year(years[-1])}"
            if len(years) > 1
            else (format_fiscal_year(years[0]) if years else "")
        ),
        "kpi_keys": [k.key for k in kpis],
        "kpi_names": [k.name for k in kpis],
    }


# Shades for the 工程表 cells, by the order an activity first appears: hues differ as well as
# lightness, and every cell also carries its activity as text, so colour is never the only cue.
PHASE_FILLS = ("FFF2CC", "E2EFDA", "DDEBF7", "FCE4D6", "EDE2F6", "E7E6E6", "D9F2F0", "F8DCE8")


def _schedule(plan: Plan, pillar_names: dict[str, str], pillar_order: list[str]) -> dict[str, Any]:
    """The 工程表 as a table: a group per pillar, a row per measure, a cell per fiscal year.

    Consecutive years with the same activity are one cell spanning those years (`span`), so a
    phase reads as one bar; `fill` is the shade of that activity.
    """
    years = plan.period.years if plan.period else sorted({e.fy for m in plan.measures for e in m.schedule})
    fills: dict[str, str] = {}
    order = {k: i for i, k in enumerate(pillar_order)}
    groups: list[dict[str, Any]] = []
    measures = sorted(
        (m for m in plan.measures if m.schedule), key=lambda m: (order.get(m.pillar, len(order)), m.key)
    )
    for m in measures:
        by_year: dict[int, list[str]] = {}
        for e in m.schedule:
            by_year.setdefault(e.fy, []).append(e.activity)
        cells: list[dict[str, Any]] = []
        for fy in years:
            label = "、".join(by_year.get(fy, []))
            if label and label not in fills:
                fills[label] = PHASE_FILLS[len(fills) % len(PHASE_FILLS)]
            if cells and cells[-1]["label"] == label:
                cells[-1]["span"] += 1
            else:
                cells.append({"label": label, "span": 1, "fill": fills.get(label, "")})
        if not groups or groups[-1]["key"] != m.pillar:
            groups.append({"key": m.pillar, "name": pillar_names.get(m.pillar, m.pillar), "rows": []})
        groups[-1]["rows"].append({"key": m.key, "name": m.name, "cells": cells})
    outside = sorted({e.fy for m in plan.measures for e in m.schedule} - set(years))
    return {
        "years": [format_fiscal_year(y) for y in years],
        "groups": groups,
        "columns": len(years) + 2,
        "outside": [format_fiscal_year(y) for y in outside],
    }


def _choice_labels(guide: Guide, q: Question, value: Any) -> list[str]:
    """Chosen options by label for the templates (`choices`); other questions have none."""
    if q.type not in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE, QuestionType.CHECKLIST):
        return []
    return answer_labels(q, guide, value)


def _plain_answer(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str | int | float | bool):
        return value
    return ""


def build_context(plan: Plan, guide: Guide, *, today: date | None = None) -> dict[str, Any]:
    """Everything the templates may use, as plain data."""
    pillar_names = {p.key: p.name for p in guide.pillars}
    measures_of: dict[str, list[Measure]] = {}
    for m in plan.measures:
        for k in m.kpi_keys:
            measures_of.setdefault(k, []).append(m)

    answers: dict[str, Any] = {}
    choices: dict[str, list[str]] = {}
    questions: dict[str, dict[str, Any]] = {}
    for q in guide.questions():
        value = get_answer(plan, q)
        if q.type in (
            QuestionType.PLAN_PERIOD,
            QuestionType.PILLARS,
            QuestionType.MEASURES,
            QuestionType.KPIS,
        ):
            answers[q.key] = ""  # structured answers: use period / pillars / measures / kpis
        else:
            answers[q.key] = _plain_answer(value)
        choices[q.key] = _choice_labels(guide, q, value)
        questions[q.key] = {
            "key": q.key,
            "label": q.label,
            "type": q.type.value,
            "required": q.required.label,
        }

    measures = [_measure(m, plan, pillar_names) for m in plan.measures]
    kpis = [_kpi(k, measures_of, pillar_names) for k in plan.kpis]

    # Pillars taken up, in the guide's order, plus any pillar that has measures or KPIs (a KPI of
    # a pillar not taken up must still be printed with its chart).
    used = set(plan.pillars) | {m.pillar for m in plan.measures} | {k.pillar for k in plan.kpis if k.pillar}
    pillars: list[dict[str, Any]] = []
    for p in guide.pillars:
        if p.key not in used:
            continue
        pillars.append(
            {
                "key": p.key,
                "name": p.name,
                "short_name": p.short_name,
                "article": p.article,
                "article_label": p.article_label,
                "article_title": p.article_title,
                "policy": answers.get(f"policy.{p.key}", ""),
                "measures": [m for m in measures if m["pillar"] == p.key],
                "kpis": [k for k in kpis if k["pillar"] == p.key],
            }
        )
    for key in sorted(used - {p.key for p in guide.pillars}):
        pillars.append(
            {
                "key": key,
                "name": key,
                "short_name": key,
                "article": None,
                "article_label": "",
                "article_title": "",
                "policy": "",
                "measures": [m for m in measures if m["pillar"] == key],
                "kpis": [k for k in kpis if k["pillar"] == key],
            }
        )

    adopted = plan.adopted_on
    lines = list(plan.history)
    if adopted is not None and not any(r.on == adopted for r in lines):
        lines.insert(0, Revision(on=adopted, note="策定"))
    lines.sort(key=lambda r: r.on)
    history = [{"date": format_date(r.on), "month": month_label(r.on), "note": r.note} for r in lines]
    revisions = plan.revisions
    issued = revisions[-1].on if revisions else (adopted or today or today_jst())
    period = plan.period
    open_sets: list[dict[str, str]] = []
    for q in guide.questions():
        if q.options_from == "open_data_sets":
            chosen = set(plan.answers.get(q.key) or [])
            open_sets = [
                {"value": o.value, "label": o.label, "chosen": o.value in chosen}
                for o in guide.options_for(q)
            ]
    return {
        "lg": plan.lg_name,
        "lg_code": plan.lg_code,
        "title": plan.title,
        "plan_kind": guide.plan_kind,
        "variant": guide.variant,
        "guide": {
            "id": guide.id,
            "title": guide.title,
            "edition": guide.edition,
            "variant_label": guide.variant_label,
        },
        "period": {
            "label": period.label() if period else "",
            "start": format_fiscal_year(period.start_fy) if period else "",
            "end": format_fiscal_year(period.end_fy) if period else "",
            "length": period.length if period else 0,
            "years": [format_fiscal_year(y) for y in period.years] if period else [],
        },
        "answers": answers,
        "choices": choices,
        "questions": questions,
        "chapters": [
            {
                "key": c.key,
                "number": c.number,
                "title": fill_name(c.title, plan.lg_name),
                "intro": c.intro,
                "question_keys": [q.key for q in c.questions],
            }
            for c in guide.chapters
        ],
        "pillars": pillars,
        "measures": measures,
        "kpis": kpis,
        "history": history,
        "adopted": format_date(adopted) if adopted else "",
        "adopted_month": month_label(adopted) if adopted else "",
        "issued": format_date(issued),
        "issued_month": month_label(issued),
        "revised": bool(revisions) and adopted is not None,
        "overall_policy": answers.get("policy.overall", ""),
        "schedule": _schedule(plan, pillar_names, [p["key"] for p in pillars]),
        "contact": {
            "department": plan.contact.department,
            "phone": plan.contact.phone,
            "email": plan.contact.email,
            "address": plan.contact.address,
        },
        "publication_url": plan.publication_url,
        "open_data_sets": open_sets,
        "has_schedule": any(m.schedule for m in plan.measures),
        **_both_laws(plan, guide),
    }


def _both_laws(plan: Plan, guide: Guide) -> dict[str, Any]:
    """Whether the plan also serves a second law (a DX plan that is the 官民データ計画 too)."""
    both = guide.serves_both_laws(plan.answers)
    text = (
        guide.also_serves.statement.replace("{lg}", plan.lg_name).strip()
        if both and guide.also_serves
        else ""
    )
    return {"serves_both_laws": both, "both_laws_statement": text}
