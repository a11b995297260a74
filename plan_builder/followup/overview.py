"""Reviewers' view of follow-up across their scope: who has reported for a fiscal year, how many
KPIs are on track, and one KPI's actuals side by side between local governments."""

from __future__ import annotations

from dataclasses import dataclass

from plan_builder.followup.progress import Track, kpi_progress
from plan_builder.plan import Plan


@dataclass(frozen=True)
class FollowUpRow:
    plan_id: int
    lg_name: str
    title: str
    reported: bool  # any actual or measure status for the year
    kpis: int
    on_track: int
    off_track: int
    measures_reported: int
    measures: int

    @property
    def on_track_label(self) -> str:
        compared = self.on_track + self.off_track
        return f"{self.on_track}／{compared}" if compared else "―"


def followup_rows(plans: list[tuple[int, Plan]], fy: int) -> list[FollowUpRow]:
    """One row per plan, those that have not reported first."""
    rows = []
    for plan_id, plan in plans:
        standing = kpi_progress(plan, fy)
        follow = plan.followup.get(fy)
        reported = any(fy in k.actuals for k in plan.kpis) or bool(follow and follow.measures)
        rows.append(
            FollowUpRow(
                plan_id=plan_id,
                lg_name=plan.lg_name,
                title=plan.title,
                reported=reported,
                kpis=len(plan.kpis),
                on_track=sum(1 for s in standing if s.track is Track.ON),
                off_track=sum(1 for s in standing if s.track is Track.OFF),
                measures_reported=len(follow.measures) if follow else 0,
                measures=len(plan.measures),
            )
        )
    return sorted(rows, key=lambda r: (r.reported, r.lg_name))


def compare_actuals(
    plans: list[tuple[int, Plan]], kpi_name: str
) -> list[tuple[str, str, dict[int, float | str]]]:
    """(団体名, 単位, 年度→実績値) for every plan with a KPI of exactly this name."""
    out = []
    for _, plan in plans:
        for k in plan.kpis:
            if k.name == kpi_name and k.actuals:
                out.append((plan.lg_name, k.unit, dict(sorted(k.actuals.items()))))
    return out


def kpi_names(plans: list[tuple[int, Plan]]) -> list[str]:
    """KPI names that more than one plan uses (the ones worth comparing), most common first."""
    count: dict[str, int] = {}
    for _, plan in plans:
        for name in {k.name for k in plan.kpis if k.actuals}:
            count[name] = count.get(name, 0) + 1
    return [n for n, c in sorted(count.items(), key=lambda x: (-x[1], x[0])) if c > 1]
