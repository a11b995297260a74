"""The next plan period (改定): a new draft from an adopted plan. Measures and KPIs carry
forward; each KPI's latest actual becomes its new baseline, dated when it was measured (or the
end of that fiscal year); the old plan is not touched and the new one names it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from plan_builder.followup.entry import FollowUpError
from plan_builder.plan import Baseline, Kpi, Plan, PlanPeriod, PlanStatus, Progress, format_fiscal_year


@dataclass(frozen=True)
class CarriedBaseline:
    kpi_key: str
    value: float | str
    as_of: date
    from_fy: int


def latest_actual(plan: Plan, kpi: Kpi) -> CarriedBaseline | None:
    if not kpi.actuals:
        return None
    fy = max(kpi.actuals)
    follow = plan.followup.get(fy)
    note = follow.actuals.get(kpi.key) if follow else None
    as_of = note.measured_on if note and note.measured_on else date(fy + 1, 3, 31)
    return CarriedBaseline(kpi.key, kpi.actuals[fy], as_of, fy)


def carry_forward(
    plan: Plan,
    *,
    start_fy: int,
    end_fy: int,
    previous_plan_id: int | None = None,
    title: str | None = None,
    drop_done: bool = False,
) -> tuple[Plan, list[CarriedBaseline]]:
    """The next period's draft (not stored) and the baselines taken from actuals."""
    if plan.period and start_fy <= plan.period.start_fy:
        raise FollowUpError(
            f"次期計画の開始年度は、今の計画の開始年度（{format_fiscal_year(plan.period.start_fy)}）より後にしてください"
        )
    try:
        period = PlanPeriod(start_fy=start_fy, end_fy=end_fy)
    except ValueError as exc:
        raise FollowUpError(f"計画期間：{exc}") from None
    latest = max(plan.followup) if plan.followup else None
    done = (
        {k for k, s in plan.followup[latest].measures.items() if s.status is Progress.DONE}
        if latest is not None and drop_done
        else set()
    )
    carried: list[CarriedBaseline] = []
    kpis = []
    for k in plan.kpis:
        base = latest_actual(plan, k)
        update: dict[str, object] = {
            "actuals": {},
            "targets": {y: v for y, v in k.targets.items() if y in period.years},
        }
        if base:
            update["baseline"] = Baseline(value=base.value, as_of=base.as_of)
            carried.append(base)
        kpis.append(k.model_copy(update=update))
    measures = [
        m.model_copy(update={"schedule": [e for e in m.schedule if e.fy in period.years]})
        for m in plan.measures
        if m.key not in done
    ]
    data = plan.model_dump(mode="python")
    data.update(
        title=title or plan.title,
        period=period,
        kpis=[k.model_dump() for k in kpis],
        measures=[m.model_dump() for m in measures],
        status=PlanStatus.DRAFT,
        history=[],
        followup={},
        previous_plan_id=previous_plan_id,
        created_at=None,
    )
    return Plan.model_validate(data), carried
