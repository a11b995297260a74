"""Measures, schedule and KPIs as a planner meets them (issues 13 and 9): each measure edited in
one editor box of plain fields, each field and each fiscal year's 工程 saved on its own (the canvas
table editors dropped keys typed right after a click), and drawn on the 工程表; the 工程表 page
saying which measures have no 工程 and opening the editor; the KPI form empty after adding; the
measure picker opening on the list that fits the plan's guide."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide, get_guide
from plan_builder.plan import edit
from plan_builder.plan.fiscal import format_fiscal_year
from plan_builder.plan.model import PlanPeriod
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui import scroll

PAGES = "plan_builder/ui/pages/{}.py"

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def svc(store: Store) -> PlanService:
    return PlanService(store, Actor.local())


def _create(store: Store, svc: PlanService, guide: Guide, *, period: bool, measures: int) -> int:
    plan = new_plan(store.local_government("033227"), guide)
    if period:
        plan = plan.model_copy(update={"period": PlanPeriod(start_fy=2026, end_fy=2030)})
    for i in range(measures):
        plan = edit.add_measure(plan, guide, pillar="online", name=f"施策{i + 1}")
    return svc.create(plan).id


def page(plan_id: int, name: str) -> AppTest:
    return open_app(plan_id, PAGES.format(name))


def overview(at: AppTest, pillar: str = "online"):
    """The read-only overview of a pillar's measures (the first table with 番号 whose rows are
    that pillar's)."""
    tables = [d.value for d in at.dataframe if "番号" in d.value.columns]
    assert tables, "no measures overview"
    return tables[0]


def widget(at: AppTest, name: str) -> Any:
    """The editor box's widget bound to `name` (e.g. measure:M01:department)."""
    found = [
        w
        for w in [*at.text_input, *at.text_area, *at.selectbox, *at.multiselect]
        if w.key and w.key.endswith(f":{name}")
    ]
    assert found, f"no widget for {name}"
    return found[0]


def test_schedule_typed_per_year_reaches_the_chart(store: Store, svc: PlanService, guide: Guide) -> None:
    """Issue 9: each year's 取組内容 is a plain field, saved alone; an emptied year is removed."""
    plan_id = _create(store, svc, guide, period=True, measures=2)
    at = page(plan_id, "measures")
    table = overview(at)
    assert list(table.columns) == ["番号", "施策名", "工程", "出典", "担当課", "関連KPI"]
    assert list(table["工程"]) == ["未入力", "未入力"]
    assert not [d for d in at.dataframe if d.key]  # read-only overviews: no table editor
    assert by_label(at.selectbox, "編集する施策").value == "M01"  # the first without 工程
    labels = [f"{format_fiscal_year(fy)}の取組内容" for fy in range(2026, 2031)]
    assert [t.label for t in at.text_input if t.label.endswith("の取組内容")] == labels
    by_label(at.text_input, labels[0]).input("検討").run()
    by_label(at.text_input, labels[2]).input("運用開始").run()
    assert not at.exception, at.exception
    stored = store.get_plan(plan_id).plan
    assert {e.fy: e.activity for e in stored.measure("M01").schedule} == {2026: "検討", 2028: "運用開始"}
    assert stored.measure("M02").schedule == []
    by_label(at.text_input, labels[0]).input("").run()  # emptied: the year is removed
    by_label(at.text_input, labels[1]).input("設計").run()
    stored = store.get_plan(plan_id).plan
    assert [(e.fy, e.activity) for e in stored.measure("M01").schedule] == [
        (2027, "設計"),
        (2028, "運用開始"),
    ]
    assert list(overview(at)["工程"]) == ["2/5年度", "未入力"]
    at = page(plan_id, "measures")
    assert by_label(at.selectbox, "編集する施策").value == "M02"  # a new visit: the next without 工程
    sched = page(plan_id, "schedule")
    assert len(sched.get("plotly_chart")) == 1
    assert "M02 施策2" in texts(sched)  # the one still missing is named
    assert "1件の施策は年度ごとの取組（工程）が入力されていない" in texts(sched)


def test_a_year_outside_the_period_stays_visible(store: Store, svc: PlanService, guide: Guide) -> None:
    plan_id = _create(store, svc, guide, period=True, measures=1)
    cur = svc.get(plan_id)
    svc.save(
        plan_id, edit.set_activity(cur.plan, "M01", 2035, "次期計画で検討"), expected_version=cur.version
    )
    at = page(plan_id, "measures")
    label = f"{format_fiscal_year(2035)}の取組内容"
    assert by_label(at.text_input, label).value == "次期計画で検討"
    by_label(at.text_input, label).input("").run()
    assert store.get_plan(plan_id).plan.measure("M01").schedule == []


def test_typing_a_measure_field_saves_only_that_field(store: Store, svc: PlanService, guide: Guide) -> None:
    plan_id = _create(store, svc, guide, period=True, measures=2)
    before = store.get_plan(plan_id).plan
    at = page(plan_id, "measures")
    widget(at, "measure:M01:name").input("電子申請の対象拡大").run()
    widget(at, "measure:M01:department").input("情報政策課").run()
    widget(at, "measure:M01:summary").input("申請手続を順にオンライン化する。").run()
    widget(at, "measure:M01:national_ref").input("行政手続のオンライン化").run()
    assert not at.exception, at.exception
    after = store.get_plan(plan_id).plan
    m = after.measure("M01")
    assert (m.name, m.department, m.summary, m.national_ref) == (
        "電子申請の対象拡大",
        "情報政策課",
        "申請手続を順にオンライン化する。",
        "行政手続のオンライン化",
    )
    assert m.model_copy(
        update={"name": "", "department": "", "summary": "", "national_ref": ""}
    ) == before.measure("M01").model_copy(
        update={"name": "", "department": "", "summary": "", "national_ref": ""}
    )
    assert after.measure("M02") == before.measure("M02")
    assert after.answers == before.answers
    assert store.get_plan(plan_id).version == 5  # one save per field
    assert list(overview(at)["施策名"]) == ["電子申請の対象拡大", "施策2"]


def test_origin_and_related_kpis_are_saved(store: Store, svc: PlanService, guide: Guide) -> None:
    from plan_builder.plan import MeasureOrigin

    plan_id = _create(store, svc, guide, period=True, measures=1)
    cur = svc.get(plan_id)
    plan = edit.add_kpi(cur.plan, name="オンライン手続の数", unit="件", pillar=None, link_to=None)
    svc.save(plan_id, plan, expected_version=cur.version)
    at = page(plan_id, "measures")
    widget(at, "measure:M01:origin").set_value(MeasureOrigin.NATIONAL).run()
    widget(at, "measure:M01:kpi_keys").set_value(["K01"]).run()
    assert not at.exception, at.exception
    m = store.get_plan(plan_id).plan.measure("M01")
    assert (m.origin, m.kpi_keys) == (MeasureOrigin.NATIONAL, ["K01"])
    assert list(overview(at)["関連KPI"]) == ["K01"]


def test_an_emptied_name_is_refused_at_the_field_and_the_saved_name_stays(
    store: Store, svc: PlanService, guide: Guide
) -> None:
    plan_id = _create(store, svc, guide, period=True, measures=1)
    at = page(plan_id, "measures")
    widget(at, "measure:M01:name").input("").run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["施策 M01 の施策名を入力してください（空にはできません）"]
    assert widget(at, "measure:M01:name").value == ""  # what the user typed stays on screen
    assert store.get_plan(plan_id).plan.measure("M01").name == "施策1"
    assert store.get_plan(plan_id).version == 1
    widget(at, "measure:M01:name").input("施策の新しい名前").run()
    assert not at.error
    assert store.get_plan(plan_id).plan.measure("M01").name == "施策の新しい名前"


def test_a_stale_tab_merges_fields_and_years(store: Store, svc: PlanService, guide: Guide) -> None:
    """Another tab saved this measure's department and another year in between: this tab's name
    and year are merged with them, nothing lost."""
    plan_id = _create(store, svc, guide, period=True, measures=1)
    at = page(plan_id, "measures")
    cur = svc.get(plan_id)
    other = edit.update_measure(cur.plan, guide, "M01", department="企画課")
    other = edit.set_activity(other, "M01", 2027, "別のタブの取組")
    svc.save(plan_id, other, expected_version=cur.version)
    widget(at, "schedule:M01:2026").input("このタブの取組").run()
    widget(at, "measure:M01:name").input("このタブの名前").run()
    assert not at.exception, at.exception
    m = store.get_plan(plan_id).plan.measure("M01")
    assert (m.name, m.department) == ("このタブの名前", "企画課")
    assert {e.fy: e.activity for e in m.schedule} == {2026: "このタブの取組", 2027: "別のタブの取組"}
    assert widget(at, "schedule:M01:2027").value == "別のタブの取組"  # shown here too
    assert widget(at, "measure:M01:department").value == "企画課"


def test_the_same_year_changed_in_two_tabs_is_shown_at_the_field(
    store: Store, svc: PlanService, guide: Guide
) -> None:
    """Both tabs wrote the same year: the other tab's text stays saved, this tab's is shown beside
    it at the year's field, and the user chooses."""
    plan_id = _create(store, svc, guide, period=True, measures=1)
    tab_a = page(plan_id, "measures")
    tab_b = page(plan_id, "measures")
    widget(tab_b, "schedule:M01:2026").input("タブBの取組").run()
    widget(tab_a, "schedule:M01:2026").input("タブAの取組").run()
    assert not tab_a.exception, tab_a.exception
    assert {e.fy: e.activity for e in store.get_plan(plan_id).plan.measure("M01").schedule} == {
        2026: "タブBの取組"
    }
    assert any("同じ欄を同時に変更" in w.value for w in tab_a.warning)
    shown = [t.value for t in tab_a.text]
    assert "タブAの取組" in shown and "タブBの取組" in shown
    next(b for b in tab_a.button if b.label == "この入力を残す").click().run()
    assert {e.fy: e.activity for e in store.get_plan(plan_id).plan.measure("M01").schedule} == {
        2026: "タブAの取組"
    }
    assert not any("同じ欄を同時に変更" in w.value for w in tab_a.warning)


def test_a_measure_is_deleted_from_the_editor_box(store: Store, svc: PlanService, guide: Guide) -> None:
    plan_id = _create(store, svc, guide, period=True, measures=2)
    at = page(plan_id, "measures")
    next(b for b in at.button if b.label == "削除する").click().run()
    assert not at.exception, at.exception
    assert [m.key for m in store.get_plan(plan_id).plan.measures] == ["M02"]
    assert by_label(at.selectbox, "編集する施策").value == "M02"


def test_empty_schedule_explains_and_opens_the_editor(
    store: Store, svc: PlanService, guide: Guide, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str | None] = []
    real_apply = scroll.apply
    monkeypatch.setattr(scroll, "apply", lambda: (drawn.append(scroll.pending()), real_apply()))
    plan_id = _create(store, svc, guide, period=True, measures=2)
    at = page(plan_id, "schedule")
    assert not at.get("plotly_chart")  # no empty chart
    assert "どの施策にも年度ごとの取組（工程）がまだ入力されていない" in texts(at)
    assert "M01 施策1" in texts(at) and "M02 施策2" in texts(at)
    next(b for b in at.button if b.label == "M01 の工程を入力する（個別施策）").click().run()
    assert not at.exception, at.exception
    assert "#### 個別施策" in [m.value for m in at.markdown]
    assert by_label(at.selectbox, "編集する施策").value == "M01"
    assert "##### 施策の編集" in [m.value for m in at.markdown]
    assert drawn[-1] == scroll.SCHEDULE  # the page scrolls to the editor


def test_schedule_without_period_points_to_the_period_question(
    store: Store, svc: PlanService, guide: Guide
) -> None:
    plan_id = _create(store, svc, guide, period=False, measures=1)
    at = page(plan_id, "schedule")
    assert "計画期間がまだ入力されていません" in texts(at)
    next(b for b in at.button if b.label.startswith("計画期間を入力する（第")).click().run()
    assert not at.exception, at.exception
    assert any(m.value.startswith("##### 第3章") for m in at.markdown)
    assert any("点検で指摘された設問" in m.value for m in at.markdown)  # the period question, highlighted


def test_kpi_form_is_empty_after_adding(store: Store, svc: PlanService, guide: Guide) -> None:
    plan_id = _create(store, svc, guide, period=True, measures=1)
    at = page(plan_id, "kpis")
    by_label(at.text_input, "新しいKPIの指標名").input("オンライン手続の数").run()
    by_label(at.text_input, "新しいKPIの単位").input("件").run()
    by_label(at.selectbox, "新しいKPIの柱").set_value("online").run()
    by_label(at.selectbox, "関連付ける施策").set_value("M01").run()
    next(b for b in at.button if b.label == "追加する").click().run()
    plan = store.get_plan(plan_id).plan
    assert [(k.name, k.pillar) for k in plan.kpis] == [("オンライン手続の数", "online")]
    assert plan.measure("M01").kpi_keys == ["K01"]
    for label in ("新しいKPIの指標名", "新しいKPIの単位"):
        assert by_label(at.text_input, label).value == ""
    for label in ("新しいKPIの柱", "関連付ける施策"):
        assert by_label(at.selectbox, label).value is None


@pytest.mark.parametrize(
    ("guide_id", "start"),
    [
        ("kanmin-2019-municipality", "own"),
        ("kanmin-2019-prefecture", "own"),
        ("municipal-dx-2024", "national"),
    ],
)
def test_measure_picker_opens_on_the_list_that_fits_the_guide(
    store: Store, svc: PlanService, guide_id: str, start: str
) -> None:
    guide = get_guide(guide_id)
    code = "030007" if guide.variant == "prefecture" else "033227"
    plan_id = svc.create(new_plan(store.local_government(code), guide)).id
    at = page(plan_id, "measures")
    origins = [r for r in at.radio if r.label == "施策の出典"]
    assert origins and all(r.value == start for r in origins)
    assert edit.national_list_fits(guide) is (start == "national")
