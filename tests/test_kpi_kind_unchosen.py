"""指標の種類 may be left unchosen (issue 12): a new KPI has no kind, the KPI form offers
「（選択しない）」, and going back to it clears a chosen kind."""

from __future__ import annotations

import pytest
from ui_support import by_label, open_app

from plan_builder.auth.actor import Actor
from plan_builder.guide import Guide
from plan_builder.plan import edit
from plan_builder.plan.model import KpiKind
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.usefixtures("app_env")


def test_a_new_kpi_has_no_kind(guide: Guide) -> None:
    plan = edit.add_kpi(sample_plan(guide, n_measures=1, n_kpis=0), name="相談件数", unit="件")
    assert plan.kpis[-1].kind is None


def test_kpi_form_offers_not_chosen_and_saves_it(store: Store, guide: Guide) -> None:
    svc = PlanService(store, Actor.local())
    plan = sample_plan(guide, n_measures=1, n_kpis=1)
    plan_id = svc.create(plan).id
    assert plan.kpis[0].kind is not None
    at = open_app(plan_id, "plan_builder/ui/pages/kpis.py")
    select = by_label(at.selectbox, "指標の種類")
    assert select.options[0] == "（選択しない）"
    assert select.value == plan.kpis[0].kind
    select.set_value(None).run()
    assert store.get_plan(plan_id).plan.kpis[0].kind is None
    assert (
        by_label(at.selectbox, "指標の種類").proto.placeholder == "（選択しない）"
    )  # not "Choose an option"
    by_label(at.selectbox, "指標の種類").set_value(KpiKind.OUTPUT).run()
    assert store.get_plan(plan_id).plan.kpis[0].kind is KpiKind.OUTPUT
