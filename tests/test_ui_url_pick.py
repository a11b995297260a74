"""The item a page edits is kept in the URL, so a reload reopens it: the KPI on the KPI page
(?kpi=K03) and the measure of the editor box on the measures page (?measure=M03)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import APP, by_label

from plan_builder.auth.actor import Actor
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def plan_id(store: Store, guide: Guide) -> int:
    return PlanService(store, Actor.local()).create(sample_plan(guide, n_measures=4, n_kpis=4)).id


def reload(plan_id: int, page: str, **params: str) -> AppTest:
    """A fresh session (a reload, or the address opened again) on `page` with these parameters."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["plan"] = str(plan_id)
    at.run()
    at.switch_page(f"plan_builder/ui/pages/{page}.py")
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def test_reload_with_kpi_in_the_url_opens_that_kpi(plan_id: int) -> None:
    at = reload(plan_id, "kpis", kpi="K02")
    assert by_label(at.selectbox, "編集するKPI").value == "K02"
    assert at.query_params["plan"] in (str(plan_id), [str(plan_id)])


def test_choosing_a_kpi_puts_it_into_the_url(plan_id: int) -> None:
    at = reload(plan_id, "kpis")
    assert by_label(at.selectbox, "編集するKPI").value == "K01"
    by_label(at.selectbox, "編集するKPI").set_value("K03").run()
    assert at.query_params["kpi"] in ("K03", ["K03"])
    assert at.query_params["plan"] in (str(plan_id), [str(plan_id)])  # ?plan= stays


@pytest.mark.parametrize("wanted", ["K99", "", "M01", "k02"])
def test_a_kpi_key_the_plan_lacks_falls_back_to_the_first(plan_id: int, wanted: str) -> None:
    at = reload(plan_id, "kpis", kpi=wanted)
    assert by_label(at.selectbox, "編集するKPI").value == "K01"
    assert at.query_params["kpi"] in ("K01", ["K01"])


def test_reload_reopens_the_measure_of_the_editor_box(plan_id: int) -> None:
    at = reload(plan_id, "measures", measure="M03")
    assert by_label(at.selectbox, "編集する施策").value == "M03"
    by_label(at.selectbox, "編集する施策").set_value("M02").run()
    assert at.query_params["measure"] in ("M02", ["M02"])
    at = reload(plan_id, "measures", measure="M77")
    assert by_label(at.selectbox, "編集する施策").value != "M77"
