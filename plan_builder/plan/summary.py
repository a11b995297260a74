"""The few hundred bytes of a saved version that the national review views read.

The coverage matrix asks which pillars a plan takes up, which of them have measures, which
questions are answered and how many KPIs there are; the KPI benchmark asks each KPI's name,
unit and three numbers. Decoding whole plans (or even a digest with every KPI's targets by
year) for 5,000 plans was most of those views' time, so the store keeps this summary beside
every revision (table `revision_summary`, written with the revision by `Store.write_many`).
"""

from __future__ import annotations

from typing import Any

from plan_builder.guide import Guide
from plan_builder.plan.answers import is_answered, raw_answer

# Positions in a KPI row (a list, not a dict: about half the bytes to store and to decode).
KPI_KEY, KPI_NAME, KPI_UNIT, KPI_NATURE, KPI_BASELINE, KPI_FINAL, KPI_LATEST = range(7)


def coverage_summary(data: dict[str, Any], guide: Guide) -> dict[str, Any]:
    """Pillars chosen, pillars with measures, keys of the guide's answered questions, KPI count.

    Works on the plan JSON and on its review digest alike (both have the plan's shape)."""
    return {
        "pillars": list(data.get("pillars") or ()),
        "measure_pillars": sorted({m.get("pillar") for m in data.get("measures") or () if m.get("pillar")}),
        "answered": [q.key for q in guide.questions() if is_answered(raw_answer(data, q))],
        "kpis": len(data.get("kpis") or ()),
    }


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _last(by_year: Any) -> float | None:
    """The value of the latest fiscal year in {"2025": v, …} (None when empty or not numeric)."""
    if not isinstance(by_year, dict) or not by_year:
        return None
    years = [y for y in by_year if str(y).isdigit()]
    return _num(by_year[max(years, key=int)]) if years else None


def kpi_rows(data: dict[str, Any]) -> list[list[Any]]:
    """One row per KPI: key, name, unit, nature, baseline, final target, latest actual."""
    rows = []
    for k in data.get("kpis") or ():
        baseline = k.get("baseline") or {}
        rows.append(
            [
                k.get("key", ""),
                k.get("name", ""),
                k.get("unit", ""),
                k.get("nature", "quantitative"),
                _num(baseline.get("value") if isinstance(baseline, dict) else None),
                _last(k.get("targets")),
                _last(k.get("actuals")),
            ]
        )
    return rows
