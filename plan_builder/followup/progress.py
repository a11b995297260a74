"""Target versus actual for one fiscal year: the target that applies, the gap, and whether the
KPI is on track. Off-track KPIs come first, because that is what a follow-up meeting discusses.

A KPI whose final target is below its baseline is read as "lower is better" (e.g. 窓口の待ち時間).
A year without its own target uses the straight line from the baseline to the next target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from plan_builder.plan import Kpi, KpiNature, Plan, PlanPeriod, fiscal_year_of, today_jst


class Track(StrEnum):
    OFF = "off_track"
    NO_ACTUAL = "no_actual"
    NO_TARGET = "no_target"
    QUALITATIVE = "qualitative"
    ON = "on_track"

    @property
    def label(self) -> str:
        return {
            "off_track": "未達",
            "no_actual": "実績なし",
            "no_target": "目標なし",
            "qualitative": "定性",
            "on_track": "達成・順調",
        }[self.value]


_ORDER = [Track.OFF, Track.NO_ACTUAL, Track.NO_TARGET, Track.QUALITATIVE, Track.ON]


@dataclass(frozen=True)
class KpiProgress:
    kpi: Kpi
    fy: int
    target: float | None
    actual: float | str | None
    gap: float | None  # actual − target
    lower_is_better: bool
    track: Track
    measured_on: date | None = None
    note: str = ""

    @property
    def shortfall(self) -> float:
        """How far behind, relative to the target (0 when not behind)."""
        if self.gap is None or self.target is None:
            return 0.0
        behind = self.gap if self.lower_is_better else -self.gap
        return max(0.0, behind) / (abs(self.target) or 1.0)


def _num(v: object) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def lower_is_better(kpi: Kpi) -> bool:
    base, final = _num(kpi.baseline.value), _num(kpi.final_target[1]) if kpi.final_target else None
    return base is not None and final is not None and final < base


def target_for(kpi: Kpi, fy: int, period: PlanPeriod | None = None) -> float | None:
    """The target for `fy`: its own, or interpolated from the baseline (or earlier target)."""
    if fy in kpi.targets:
        return _num(kpi.targets[fy])
    points: dict[int, float] = {}
    base = _num(kpi.baseline.value)
    if base is not None:
        base_fy = (
            fiscal_year_of(kpi.baseline.as_of)
            if kpi.baseline.as_of
            else (period.start_fy - 1 if period else None)
        )
        if base_fy is not None:
            points[base_fy] = base
    points |= {y: v for y, x in kpi.targets.items() if (v := _num(x)) is not None}
    before = [y for y in points if y < fy]
    after = [y for y in points if y > fy]
    if not before or not after:
        return None
    y0, y1 = max(before), min(after)
    return points[y0] + (points[y1] - points[y0]) * (fy - y0) / (y1 - y0)


def kpi_progress(plan: Plan, fy: int) -> list[KpiProgress]:
    """Every KPI's standing in `fy`, off-track first (largest shortfall first), then the rest."""
    out = []
    notes = plan.followup.get(fy)
    for k in plan.kpis:
        actual = k.actuals.get(fy)
        note = notes.actuals.get(k.key) if notes else None
        lower = lower_is_better(k)
        target = target_for(k, fy, plan.period) if k.nature is KpiNature.QUANTITATIVE else None
        gap = None
        if k.nature is KpiNature.QUALITATIVE:
            track = Track.QUALITATIVE
        elif actual is None:
            track = Track.NO_ACTUAL
        elif target is None:
            track = Track.NO_TARGET
        else:
            gap = float(actual) - target  # type: ignore[arg-type]
            ok = gap <= 0 if lower else gap >= 0
            track = Track.ON if ok else Track.OFF
        out.append(
            KpiProgress(
                kpi=k,
                fy=fy,
                target=target,
                actual=actual,
                gap=gap,
                lower_is_better=lower,
                track=track,
                measured_on=note.measured_on if note else None,
                note=note.note if note else "",
            )
        )
    return sorted(out, key=lambda p: (_ORDER.index(p.track), -p.shortfall, p.kpi.key))


def reported_years(plan: Plan) -> list[int]:
    """Fiscal years with any actual or measure status, oldest first."""
    years = {y for k in plan.kpis for y in k.actuals} | {y for y, f in plan.followup.items() if f.measures}
    return sorted(years)


def followup_years(plan: Plan, today: date | None = None) -> list[int]:
    """Years a planner may report on: the plan period, up to the current fiscal year."""
    now = fiscal_year_of(today or today_jst())
    if plan.period is None:
        return [now]
    years = [y for y in plan.period.years if y <= now] or [plan.period.start_fy]
    return sorted(set(years) | set(reported_years(plan)))
