"""The three plans issue 12 was judged on: a full 市 plan, a small-start 町 plan, 25 measures."""

from __future__ import annotations

from datetime import date

from plan_builder.guide import Guide
from plan_builder.plan.model import Plan, Revision
from plan_builder.samples import sample_plan

CITY = ("032018", "盛岡市")


def city_plan(guide: Guide) -> Plan:
    plan = sample_plan(guide, lg_code=CITY[0], lg_name=CITY[1], n_measures=8, n_kpis=6)
    return plan.model_copy(
        update={
            "adopted_on": date(2021, 3, 26),
            "history": [
                Revision(on=date(2021, 3, 26), note="策定"),
                Revision(on=date(2023, 3, 24), note="指標（KPI）の目標値を見直し"),
            ],
        }
    )


def small_start_plan(guide: Guide) -> Plan:
    """Two measures in two pillars, one KPI, no pillar policies, no revisions: a first plan."""
    plan = sample_plan(guide, n_measures=2, n_kpis=1)
    used = list(dict.fromkeys(m.pillar for m in plan.measures))
    answers = {k: v for k, v in plan.answers.items() if not k.startswith("policy.") or k == "policy.overall"}
    return plan.model_copy(
        update={"pillars": used, "answers": answers, "history": [], "adopted_on": date(2019, 5, 1)}
    )


def large_plan(guide: Guide) -> Plan:
    return sample_plan(guide, n_measures=25, n_kpis=15)
