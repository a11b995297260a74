"""The wizard page through Streamlit's AppTest: autosave, validation at the field, examples,
chapter jumps, refresh, and two tabs on one plan (the stale tab is told; nothing is overwritten)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide
from plan_builder.plan import edit
from plan_builder.service import PlanService
from plan_builder.store import Store

WIZARD = "plan_builder/ui/pages/wizard.py"

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def plan_id(store: Store, guide: Guide) -> int:
    lg = store.local_government("033227")
    return PlanService(store, Actor.local()).create(new_plan(lg, guide)).id


def open_page(plan_id: int, page: str = WIZARD) -> AppTest:
    return open_app(plan_id, page)


def test_typing_saves_at_once_and_shows_the_time(store: Store, plan_id: int) -> None:
    at = open_page(plan_id)
    by_label(at.text_area, "地域の現状（必須）").input("本町の人口は約2万6千人です。").run()
    stored = store.get_plan(plan_id)
    assert stored.version == 2
    assert stored.plan.answers["current.overview"] == "本町の人口は約2万6千人です。"
    assert "最終保存: 令和" in texts(at) and "（版 2）" in texts(at)


def test_invalid_value_is_shown_at_the_field_and_not_saved(store: Store, plan_id: int) -> None:
    at = open_page(plan_id)
    at.radio[0].set_value("structure").run()
    by_label(at.text_input, "計画を公表するWebページのURL（必須）").input("https://ok.example.jp/plan").run()
    assert store.get_plan(plan_id).plan.publication_url == "https://ok.example.jp/plan"
    version = store.get_plan(plan_id).version
    by_label(at.text_input, "計画を公表するWebページのURL（必須）").input("ftp://bad").run()
    assert any("URL" in e.value for e in at.error)
    stored = store.get_plan(plan_id)
    assert stored.version == version and stored.plan.publication_url == "https://ok.example.jp/plan"
    # the typed value stays visible so it can be corrected
    assert by_label(at.text_input, "計画を公表するWebページのURL（必須）").value == "ftp://bad"


def test_example_button_inserts_the_example(store: Store, plan_id: int, guide: Guide) -> None:
    at = open_page(plan_id)
    next(b for b in at.button if b.label == "記載例を挿入").click().run()
    saved = store.get_plan(plan_id).plan.answers.get("current.overview")
    assert saved and saved == edit.example_answer(
        guide.question("current.overview"), store.get_plan(plan_id).plan
    )


def test_jump_to_any_chapter_and_step_through(plan_id: int, guide: Guide) -> None:
    at = open_page(plan_id)
    last = guide.chapters[-1]
    at.radio[0].set_value(last.key).run()
    assert f"##### 第{last.number}章 {last.title}" in [m.value for m in at.markdown]
    next(b for b in at.button if b.label.startswith("← 第")).click().run()
    assert f"##### 第{last.number - 1}章 {guide.chapters[-2].title}" in [m.value for m in at.markdown]


def test_period_and_pillars(store: Store, plan_id: int) -> None:
    at = open_page(plan_id)
    at.radio[0].set_value("positioning").run()
    by_label(at.selectbox, "開始年度").set_value(2026).run()
    assert store.get_plan(plan_id).plan.period is None  # half a period is not saved
    by_label(at.selectbox, "終了年度").set_value(2030).run()
    period = store.get_plan(plan_id).plan.period
    assert period is not None and (period.start_fy, period.end_fy) == (2026, 2030)
    at.radio[0].set_value("policy").run()
    by_label(at.multiselect, "取り組む柱（必須）").set_value(["online", "open_data"]).run()
    assert store.get_plan(plan_id).plan.pillars == ["online", "open_data"]


def test_a_reversed_period_is_refused_with_a_message_at_the_field(store: Store, plan_id: int) -> None:
    at = open_page(plan_id)
    at.radio[0].set_value("positioning").run()
    by_label(at.selectbox, "開始年度").set_value(2026).run()
    by_label(at.selectbox, "終了年度").set_value(2024).run()
    assert store.get_plan(plan_id).plan.period is None
    assert any("終了年度" in e.value for e in at.error)


def test_a_saved_period_outside_the_usual_years_is_shown(store: Store, plan_id: int) -> None:
    """An imported plan may have started in 2010: its years must be selectable, not blanked."""
    from plan_builder.plan.model import PlanPeriod

    stored = store.get_plan(plan_id)
    old = stored.plan.model_copy(update={"period": PlanPeriod(start_fy=2010, end_fy=2014)})
    store.save_plan(plan_id, old, expected_version=stored.version, actor="t")
    at = open_page(plan_id)
    at.radio[0].set_value("positioning").run()
    assert by_label(at.selectbox, "開始年度").value == 2010
    assert by_label(at.selectbox, "終了年度").value == 2014


def test_refresh_reopens_the_plan_with_everything_saved(store: Store, plan_id: int) -> None:
    at = open_page(plan_id)
    by_label(at.text_area, "地域と行政の課題（必須）").input("窓口の待ち時間が長い。").run()
    again = open_page(plan_id)  # a new session: the browser was refreshed
    assert by_label(again.text_area, "地域と行政の課題（必須）").value == "窓口の待ち時間が長い。"


def test_two_tabs_different_fields_are_merged(store: Store, plan_id: int) -> None:
    tab_a = open_page(plan_id)
    tab_b = open_page(plan_id)
    by_label(tab_b.text_area, "地域の現状（必須）").input("タブBの内容").run()
    by_label(tab_a.text_area, "地域と行政の課題（必須）").input("タブAの内容").run()
    stored = store.get_plan(plan_id)
    assert stored.plan.answers["current.overview"] == "タブBの内容"
    assert stored.plan.answers["current.issues"] == "タブAの内容"
    assert stored.version == 3
    assert not any("同じ欄を同時に変更" in w.value for w in tab_a.warning)


def test_two_tabs_same_field_conflict_shown_at_the_field(store: Store, plan_id: int) -> None:
    tab_a = open_page(plan_id)
    tab_b = open_page(plan_id)
    by_label(tab_b.text_area, "地域の現状（必須）").input("タブBの内容").run()
    by_label(tab_a.text_area, "地域の現状（必須）").input("タブAの内容").run()
    stored = store.get_plan(plan_id)
    assert stored.plan.answers["current.overview"] == "タブBの内容"  # nothing silently overwritten
    assert any("同じ欄を同時に変更" in w.value for w in tab_a.warning)
    shown = [t.value for t in tab_a.text]
    assert "タブAの内容" in shown and "タブBの内容" in shown
    assert by_label(tab_a.text_area, "地域の現状（必須）").value == "タブAの内容"  # still on screen
    # the conflict says what is saved; no 「保存しました」 beside it (walk-through: both were shown)
    assert not [c.value for c in tab_a.caption if "保存しました" in c.value]
    next(b for b in tab_a.button if b.label == "この入力を残す").click().run()
    assert store.get_plan(plan_id).plan.answers["current.overview"] == "タブAの内容"
    assert not any("同じ欄を同時に変更" in w.value for w in tab_a.warning)


def test_conflict_take_theirs_shows_the_saved_text(store: Store, plan_id: int) -> None:
    tab_a = open_page(plan_id)
    tab_b = open_page(plan_id)
    by_label(tab_b.text_area, "地域の現状（必須）").input("タブBの内容").run()
    by_label(tab_a.text_area, "地域の現状（必須）").input("タブAの内容").run()
    next(b for b in tab_a.button if b.label == "相手の内容にする").click().run()
    assert by_label(tab_a.text_area, "地域の現状（必須）").value == "タブBの内容"
    assert store.get_plan(plan_id).plan.answers["current.overview"] == "タブBの内容"


def test_stale_is_noticed_before_typing(store: Store, plan_id: int, guide: Guide) -> None:
    at = open_page(plan_id)
    svc = PlanService(store, Actor.local())
    cur = svc.get(plan_id)
    svc.save(
        plan_id,
        edit.answer_question(cur.plan, guide, "current.issues", "別の人"),
        expected_version=cur.version,
    )
    at.run()
    assert any("別のタブで更新されています" in e.value for e in at.info)
    next(b for b in at.button if b.label == "最新の内容を表示する").click().run()
    assert by_label(at.text_area, "地域と行政の課題（必須）").value == "別の人"


def test_without_a_plan_the_page_points_home(store: Store) -> None:
    at = open_app(None, WIZARD)  # fails on any exception
    assert any("計画が開かれていません" in i.value for i in at.info)


def test_chapter_titles_break_only_after_a_phrase() -> None:
    from plan_builder.ui.pages.wizard import ZWSP, phrased

    assert phrased("施策の基本的な方針").split(ZWSP) == ["施策の", "基本的な", "方針"]
    assert phrased("セキュリティ及び個人情報の適正な取扱いの確保").split(ZWSP) == [
        "セキュリティ及び",
        "個人情報の",
        "適正な",
        "取扱いの",
        "確保",
    ]
    assert phrased("位置付け") == "位置付け" and phrased("推進体制") == "推進体制"
    assert phrased("はじめに（DX推進の意義）") == f"はじめに（DX推進の{ZWSP}意義）"
