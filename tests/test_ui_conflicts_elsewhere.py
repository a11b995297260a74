"""Issue 9: a field this tab and another changed at once is shown with both texts and the choice
on whatever plan page the user is on, not only beside the field. The walk-through typed into a
field another tab had just saved and clicked a sidebar link without leaving it: the other text
was saved, this tab's text was kept only for a box on the page the user had left (3 of 3)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui.questions import conflict_label

WIZARD = "plan_builder/ui/pages/wizard.py"
CHECK = "plan_builder/ui/pages/check.py"
KPIS = "plan_builder/ui/pages/kpis.py"

pytestmark = pytest.mark.usefixtures("app_env")


def _warned(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "同時に変更しました" in w.value]


def test_a_conflict_typed_before_a_page_switch_is_shown_on_the_next_page(store: Store, guide: Guide) -> None:
    plan_id = PlanService(store, Actor.local()).create(new_plan(store.local_government("033227"), guide)).id
    tab_a = open_app(plan_id, WIZARD)
    tab_b = open_app(plan_id, WIZARD)
    by_label(tab_a.text_area, "地域の現状（必須）").input("タブAの内容")
    by_label(tab_b.text_area, "地域の現状（必須）").input("タブBの内容").run()
    tab_a.switch_page(CHECK).run()  # typed, then straight to 点検: the save runs on the way
    assert not tab_a.exception
    assert store.get_plan(plan_id).plan.answers["current.overview"] == "タブBの内容"
    assert _warned(tab_a) == [
        "別のタブまたは別の利用者が、「第1章 現状及び課題：地域の現状」を、同時に変更しました。"
        "いま保存されているのは相手の内容です。どちらを残すか選んでください。"
    ]
    shown = [t.value for t in tab_a.text]
    assert "タブAの内容" in shown and "タブBの内容" in shown
    next(b for b in tab_a.button if b.label == "この入力を残す").click().run()
    assert store.get_plan(plan_id).plan.answers["current.overview"] == "タブAの内容"
    assert _warned(tab_a) == []
    tab_a.switch_page(WIZARD).run()  # resolved: no box at the field either
    assert _warned(tab_a) == []
    assert by_label(tab_a.text_area, "地域の現状（必須）").value == "タブAの内容"


def test_the_box_is_drawn_once_where_the_field_is(store: Store, guide: Guide) -> None:
    plan_id = PlanService(store, Actor.local()).create(new_plan(store.local_government("033227"), guide)).id
    tab_a = open_app(plan_id, WIZARD)
    tab_b = open_app(plan_id, WIZARD)
    by_label(tab_b.text_area, "地域の現状（必須）").input("タブBの内容").run()
    by_label(tab_a.text_area, "地域の現状（必須）").input("タブAの内容").run()
    assert len(_warned(tab_a)) == 1  # at the field, not again under the header
    assert "同じ欄を" in _warned(tab_a)[0]
    # under the header, a line says which field, for a box below the fold (a tester missed one)
    assert [w.value for w in tab_a.warning if "別の画面でも変更された項目" in w.value] == [
        "別の画面でも変更された項目があります：「第1章 現状及び課題：地域の現状」。"
        "この下の項目の所で、どちらの内容を残すか選んでください。"
    ]
    next(b for b in tab_a.button if b.label == "この入力を残す").click().run()
    assert not [w for w in tab_a.warning if "別の画面でも変更された項目" in w.value]


def test_a_kpi_conflict_is_shown_on_the_kpi_page(store: Store, guide: Guide) -> None:
    plan_id = PlanService(store, Actor.local()).create(sample_plan(guide, n_measures=1, n_kpis=1)).id
    tab_a = open_app(plan_id, KPIS)
    tab_b = open_app(plan_id, KPIS)
    by_label(tab_b.text_area, "測定方法").input("タブBの方法").run()
    by_label(tab_a.text_area, "測定方法").input("タブAの方法").run()
    assert store.get_plan(plan_id).plan.kpis[0].method == "タブBの方法"
    assert len(_warned(tab_a)) == 1 and "「KPI K01 の測定方法」" in _warned(tab_a)[0]
    next(b for b in tab_a.button if b.label == "この入力を残す").click().run()
    assert not tab_a.exception
    assert store.get_plan(plan_id).plan.kpis[0].method == "タブAの方法"


def test_conflict_labels_name_the_field_as_the_user_knows_it(guide: Guide) -> None:
    assert conflict_label("answers.current.overview", guide) == "第1章 現状及び課題：地域の現状"
    assert conflict_label("kpis.K01.targets.2026", guide) == "KPI K01 の令和8年度の目標値"
    assert conflict_label("kpis.K02.baseline.as_of", guide) == "KPI K02 の現状値の基準日"
    assert conflict_label("measures.M01.schedule.2026.activity", guide) == "施策 M01 の令和8年度の取組内容"
    assert conflict_label("measures.M03.summary", guide) == "施策 M03 の概要"
    assert conflict_label("something.else", guide) == "something.else"
