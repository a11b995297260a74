"""Measures, schedule and KPIs as a planner meets them (issue 13): the 工程 entered in an editor of
its own and drawn on the 工程表; the 工程表 page saying which measures have no 工程 and opening the
editor; the KPI form empty after adding; the measure picker opening on the list that fits the
plan's guide."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide, get_guide
from plan_builder.plan import clean_text, edit
from plan_builder.plan.fiscal import format_fiscal_year
from plan_builder.plan.model import PlanPeriod
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui import scroll
from plan_builder.ui.pages.measures import schedule_edit

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


def test_schedule_entered_in_its_own_editor_reaches_the_chart(
    store: Store, svc: PlanService, guide: Guide
) -> None:
    plan_id = _create(store, svc, guide, period=True, measures=2)
    at = page(plan_id, "measures")
    table = next(e for e in at.dataframe if e.key and ":mt:online:" in e.key)
    assert list(table.value.columns)[:3] == ["key", "name", "schedule"]  # beside the name, on screen
    assert not any("fy" in c for c in table.value.columns)
    assert list(table.value["schedule"]) == ["未入力", "未入力"]
    assert by_label(at.selectbox, "工程を入力する施策").value == "M01"  # the first without 工程
    editor = next(e for e in at.dataframe if e.key and ":sched:M01:" in e.key)
    assert list(editor.value["year"]) == [format_fiscal_year(fy) for fy in range(2026, 2031)]
    # AppTest cannot type into a table: the editor's callback applies its delta through this
    # function (the browser test types into the real one)
    cur = svc.get(plan_id)
    years = list(range(2026, 2031))
    changed = schedule_edit(cur.plan, "M01", {0: {"activity": "検討"}, 2: {"activity": "運用開始"}}, years)
    changed = schedule_edit(changed, "M01", {0: {"activity": ""}, 1: {"activity": "設計"}}, years)
    assert [(e.fy, e.activity) for e in changed.measure("M01").schedule] == [
        (2027, "設計"),
        (2028, "運用開始"),
    ]
    svc.save(plan_id, changed, expected_version=cur.version)
    at = page(plan_id, "measures")
    table = next(e for e in at.dataframe if e.key and ":mt:online:" in e.key)
    assert list(table.value["schedule"]) == ["2/5年度", "未入力"]
    assert by_label(at.selectbox, "工程を入力する施策").value == "M02"  # a new visit: the next without 工程
    sched = page(plan_id, "schedule")
    assert len(sched.get("plotly_chart")) == 1
    assert "M02 施策2" in texts(sched)  # the one still missing is named
    assert "1件の施策は年度ごとの取組（工程）が入力されていない" in texts(sched)


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
    assert by_label(at.selectbox, "工程を入力する施策").value == "M01"
    assert "##### 年度ごとの取組（工程）" in [m.value for m in at.markdown]
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


@settings(max_examples=60, deadline=None)
@example(edits={0: "\U0002f800"})  # CI found it: 丽 is stored as 丽 (NFC)
@given(
    st.dictionaries(
        st.integers(0, 4), st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=250), max_size=5
    )
)
def test_schedule_edit_keeps_what_was_typed_or_refuses_with_a_message(edits: dict[int, str]) -> None:
    """Any text typed into the schedule editor: saved cleaned, emptied years dropped, and text
    over 200 characters refused with a Japanese message naming the measure and the year."""
    guide = get_guide("kanmin-2019-municipality")
    plan = sample_plan(guide, n_measures=1, n_kpis=0)
    plan = edit.set_schedule(plan, "M01", {})  # start from no 工程
    years = plan.period.years
    rows = {i: {"activity": text} for i, text in edits.items()}
    if any(len(t.strip()) > 200 for t in edits.values()):
        with pytest.raises(edit.EditError, match="施策 M01 の.*年度の取組内容は200文字以内"):
            schedule_edit(plan, "M01", rows, years)
        return
    try:
        changed = schedule_edit(plan, "M01", rows, years)
    except edit.EditError as exc:  # e.g. a forbidden control character: said in Japanese
        assert "M01" in str(exc) or "取組" in str(exc) or "文字" in str(exc)
        return
    # stored as cleaned text (NFC: a CJK compatibility ideograph such as U+2F800 becomes U+4E3D)
    expected = {years[i]: clean_text(t) for i, t in edits.items() if clean_text(t)}
    assert {e.fy: e.activity for e in changed.measure("M01").schedule} == expected
