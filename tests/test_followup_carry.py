"""The next plan period: baselines from the latest actuals with their dates, the old plan intact
and linked; and the reviewers' follow-up overview."""

from __future__ import annotations

from datetime import date

import pytest

from plan_builder.auth.actor import Actor
from plan_builder.followup.carry import carry_forward
from plan_builder.followup.entry import FollowUpError, set_actual, set_status
from plan_builder.followup.overview import compare_actuals, followup_rows, kpi_names
from plan_builder.guide.model import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService


def test_latest_actuals_become_the_new_baselines(guide: Guide) -> None:
    old = sample_plan(guide)  # 2020–2024, actuals up to 2023
    old = set_actual(old, "K01", 2024, 33, measured_on="2025-04-10")
    new, carried = carry_forward(old, start_fy=2025, end_fy=2029, previous_plan_id=7)
    k01 = new.kpi("K01")
    assert (k01.baseline.value, k01.baseline.as_of) == (33, date(2025, 4, 10))
    k02 = new.kpi("K02")  # latest actual 2023 without a date: the end of that fiscal year
    assert (k02.baseline.value, k02.baseline.as_of) == (old.kpi("K02").actuals[2023], date(2024, 3, 31))
    assert {c.kpi_key for c in carried} == {k.key for k in old.kpis}
    assert all(not k.actuals and not k.targets for k in new.kpis)  # old years' targets do not carry
    assert [m.key for m in new.measures] == [m.key for m in old.measures]
    assert all(e.fy >= 2025 for m in new.measures for e in m.schedule)
    assert new.period.start_fy == 2025 and new.previous_plan_id == 7
    assert new.status is PlanStatus.DRAFT and new.history == [] and new.followup == {}
    assert new.answers == old.answers


def test_done_measures_can_be_left_behind(guide: Guide) -> None:
    old = set_status(sample_plan(guide), "M01", 2024, "完了")
    new, _ = carry_forward(old, start_fy=2025, end_fy=2029, drop_done=True)
    assert "M01" not in [m.key for m in new.measures]


@pytest.mark.parametrize(("start", "end", "fragment"), [(2020, 2024, "開始年度"), (2026, 2025, "計画期間")])
def test_bad_next_period_is_refused(guide: Guide, start: int, end: int, fragment: str) -> None:
    with pytest.raises(FollowUpError, match=fragment):
        carry_forward(sample_plan(guide), start_fy=start, end_fy=end)


def test_old_plan_stays_intact_and_linked(store, guide: Guide) -> None:
    svc = PlanService(store, Actor.local())
    old = svc.create(set_actual(sample_plan(guide), "K01", 2024, 33))
    new_plan, _ = carry_forward(old.plan, start_fy=2025, end_fy=2029, previous_plan_id=old.id)
    new = svc.create(new_plan)
    assert svc.get(old.id).plan == old.plan and svc.get(old.id).version == old.version
    assert svc.get(new.id).plan.previous_plan_id == old.id


def test_overview_lists_unreported_first_and_compares(guide: Guide) -> None:
    a = set_actual(sample_plan(guide, lg_code="033227", lg_name="矢巾町"), "K01", 2024, 1)
    b = sample_plan(guide, lg_code="011002", lg_name="札幌市")
    rows = followup_rows([(1, a), (2, b)], 2024)
    assert [r.lg_name for r in rows] == ["札幌市", "矢巾町"] and not rows[0].reported
    assert rows[1].off_track == 1 and rows[1].on_track_label == "0／1"
    name = a.kpi("K01").name
    assert name in kpi_names([(1, a), (2, b)])
    compared = compare_actuals([(1, a), (2, b)], name)
    assert [c[0] for c in compared] == ["矢巾町", "札幌市"] and compared[0][2][2024] == 1
