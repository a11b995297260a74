"""Every page of the planner's app through AppTest: home, measures, KPIs, open data, schedule,
check, preview, history and export, against a real store (SQLite; PostgreSQL when configured)."""

from __future__ import annotations

import base64
import json

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide
from plan_builder.plan import edit
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

PAGES = "plan_builder/ui/pages/{}.py"

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def svc(store: Store) -> PlanService:
    return PlanService(store, Actor.local())


@pytest.fixture
def empty_id(store: Store, svc: PlanService, guide: Guide) -> int:
    return svc.create(new_plan(store.local_government("033227"), guide)).id


@pytest.fixture
def full_id(svc: PlanService, guide: Guide) -> int:
    return svc.create(sample_plan(guide, n_measures=6, n_kpis=4)).id


def open_page(plan_id: int | None, page: str) -> AppTest:
    return open_app(plan_id, None if page == "home" else PAGES.format(page))


def widget_prefix(at: AppTest, suffix: str) -> str:
    """The per-plan key prefix of a widget whose key ends with `suffix`."""
    keys = [w.key for w in at.main if getattr(w, "key", None)] + [
        e.key for kind in ("radio", "text_input", "button") for e in at.get(kind) if e.key
    ]
    return next(k for k in keys if k.endswith(suffix))[: -len(suffix)]


def button(at: AppTest, label: str):
    return by_label(at.button, label)


# Home ---------------------------------------------------------------------------------------


def test_home_creates_a_plan_by_kana_search(store: Store) -> None:
    at = open_page(None, "home")
    assert "まだ計画がありません" in texts(at)
    by_label(at.text_input, "団体を検索（名称・よみがな・団体コード）").input("やはば").run()
    assert "市町村版の手引を使います" in texts(at)
    button(at, "作成して入力を始める").click().run()
    assert not at.exception
    plans = store.list_plans()
    assert [p.lg_code for p in plans] == ["033227"]
    assert "#### 計画の入力" in [m.value for m in at.markdown]  # went straight to the wizard
    assert at.query_params["plan"] == [str(plans[0].id)] or at.query_params["plan"] == str(plans[0].id)


def test_home_prefecture_pick_uses_the_prefectural_guide(store: Store, pref_guide: Guide) -> None:
    at = open_page(None, "home")
    by_label(at.selectbox, "都道府県で絞り込む").set_value("03").run()
    by_label(at.text_input, "団体を検索（名称・よみがな・団体コード）").input("030007").run()
    assert "都道府県版の手引を使います" in texts(at)
    button(at, "作成して入力を始める").click().run()
    stored = store.get_plan(store.list_plans()[0].id)
    assert stored.plan.guide_id == pref_guide.id and stored.plan.lg_name == "岩手県"


def test_home_lists_reopens_and_duplicates(store: Store, full_id: int) -> None:
    at = open_page(None, "home")
    assert "100%" in texts(at) or "%" in texts(at)
    button(at, "複製").click().run()
    assert len(store.list_plans()) == 2
    assert "複製しました" in texts(at)
    at.button(key=f"open:{full_id}").click().run()
    assert not at.exception
    assert "#### 計画の入力" in [m.value for m in at.markdown]


# Measures -----------------------------------------------------------------------------------


def test_measures_grouped_by_pillar_with_empty_pillars(store: Store, empty_id: int, guide: Guide) -> None:
    at = open_page(empty_id, "measures")
    for p in guide.pillars_shown():
        assert any(m.value.startswith(f"##### {p.short_name}") for m in at.markdown)
    assert "スモールスタート" in texts(at)


def test_measures_add_own_and_national(store: Store, empty_id: int) -> None:
    at = open_page(empty_id, "measures")
    prefix = widget_prefix(at, "add:online:origin") + "add:online:"
    at.radio(key=prefix + "origin").set_value("own").run()
    at.text_input(key=prefix + "name").input("電子申請の拡大").run()
    at.text_input(key=prefix + "dept").input("総務課").run()
    at.button(key=prefix + "go").click().run()
    plan = store.get_plan(empty_id).plan
    assert [(m.key, m.name, m.department, m.pillar) for m in plan.measures] == [
        ("M01", "電子申請の拡大", "総務課", "online")
    ]
    assert not at.exception
    # a national measure: the name falls back to the national measure's name
    prefix2 = prefix.replace("add:online:", "add:open_data:")
    at.radio(key=prefix2 + "origin").set_value("national").run()
    at.selectbox(key=prefix2 + "national").set_value("自治体の情報システムの標準化・共通化").run()
    assert "関連する柱：情報システム改革・BPR" in texts(at)  # the item's description
    assert "「Ⅲ 国の施策一覧」ではありません" in texts(at)  # what the list is (and is not)
    at.button(key=prefix2 + "go").click().run()
    m2 = store.get_plan(empty_id).plan.measure("M02")
    assert m2.origin.value == "national" and m2.name == "自治体の情報システムの標準化・共通化"
    assert m2.national_ref == m2.name


def test_measures_refuse_an_empty_name(store: Store, empty_id: int) -> None:
    at = open_page(empty_id, "measures")
    prefix = widget_prefix(at, "add:online:origin") + "add:online:"
    at.radio(key=prefix + "origin").set_value("own").run()
    at.button(key=prefix + "go").click().run()
    assert any("施策名を入力してください" in e.value for e in at.error)
    assert store.get_plan(empty_id).version == 1


# KPIs ---------------------------------------------------------------------------------------


def test_kpis_add_edit_and_refuse_text_baseline(store: Store, empty_id: int) -> None:
    at = open_page(empty_id, "kpis")
    prefix = widget_prefix(at, "kpi_add:name") + "kpi_add:"
    at.text_input(key=prefix + "name").input("オンライン手続の数").run()
    at.text_input(key=prefix + "unit").input("件").run()
    at.button(key=prefix + "go").click().run()
    plan = store.get_plan(empty_id).plan
    assert [(k.key, k.name, k.unit) for k in plan.kpis] == [("K01", "オンライン手続の数", "件")]
    by_label(at.text_input, "現状値").input("12").run()
    assert store.get_plan(empty_id).plan.kpi("K01").baseline.value == 12.0
    version = store.get_plan(empty_id).version
    by_label(at.text_input, "現状値").input("たくさん").run()
    assert any("数値で入力してください" in e.value for e in at.error)
    assert store.get_plan(empty_id).version == version
    assert store.get_plan(empty_id).plan.kpi("K01").baseline.value == 12.0


def test_kpi_chart_beside_the_editor(full_id: int) -> None:
    at = open_page(full_id, "kpis")
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    by_label(at.text_input, "指標名（必須）").input("名前を変えた指標").run()
    spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec), ensure_ascii=False)
    assert "名前を変えた指標" in spec  # the chart follows what was just typed


def test_a_kpi_without_values_says_where_its_chart_will_come(
    store: Store, svc: PlanService, empty_id: int
) -> None:
    """A new KPI showed an empty table (年度・目標・実績 and no rows) where its chart goes."""
    cur = svc.get(empty_id)
    svc.save(
        empty_id, edit.add_kpi(cur.plan, name="公開データセット数", unit="件"), expected_version=cur.version
    )
    at = open_page(empty_id, "kpis")
    assert not at.get("plotly_chart")
    assert "現状値・目標値・実績値を入力すると、ここにグラフを表示します。" in texts(at)
    by_label(at.text_input, "現状値").input("12").run()
    assert len(at.get("plotly_chart")) == 1


# Open data ----------------------------------------------------------------------------------


def test_open_data_checklist_feeds_a_kpi(store: Store, svc: PlanService, empty_id: int, guide: Guide) -> None:
    cur = svc.get(empty_id)
    svc.save(
        empty_id,
        edit.add_kpi(cur.plan, name="公開データセット数", unit="件", pillar="open_data"),
        expected_version=cur.version,
    )
    at = open_page(empty_id, "open_data")
    items = guide.reference("open_data_sets").items
    for item in items[:3]:
        by_label(at.checkbox, f"{item.number} {item.label}").check().run()
    assert edit.checked_open_data(store.get_plan(empty_id).plan, guide) == [i.value for i in items[:3]]
    button(at, "現状値を 3 にする").click().run()
    assert store.get_plan(empty_id).plan.kpi("K01").baseline.value == 3.0
    by_label(at.checkbox, f"{items[0].number} {items[0].label}").uncheck().run()
    assert len(edit.checked_open_data(store.get_plan(empty_id).plan, guide)) == 2


# Schedule, check, preview -------------------------------------------------------------------


def test_schedule_shows_the_gantt_chart(full_id: int) -> None:
    at = open_page(full_id, "schedule")
    assert len(at.get("plotly_chart")) == 1
    assert "計画期間：令和" in texts(at)


def test_schedule_without_measures_points_to_measures(empty_id: int) -> None:
    at = open_page(empty_id, "schedule")
    assert "施策がまだありません" in texts(at)


def test_check_groups_findings_and_links_to_the_step(empty_id: int, guide: Guide) -> None:
    at = open_page(empty_id, "check")
    assert any(e.label.startswith("第1章") for e in at.expander)
    assert "要対応" in texts(at)
    at.button(key="fix:current:0").click().run()
    assert not at.exception
    assert "#### 計画の入力" in [m.value for m in at.markdown]
    assert "##### 第1章 現状及び課題" in [m.value for m in at.markdown]
    assert [m.value for m in at.markdown if "点検で指摘された設問" in m.value] != []


def test_check_link_to_kpis_page(store: Store, svc: PlanService, empty_id: int) -> None:
    cur = svc.get(empty_id)
    svc.save(empty_id, edit.add_kpi(cur.plan, name="指標"), expected_version=cur.version)
    at = open_page(empty_id, "check")
    key = next(b.key for b in at.button if b.key and b.key.startswith("fix:measures:"))
    at.button(key=key).click().run()
    assert not at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith("#### "))
    assert heading in ("#### 個別施策", "#### 指標（KPI）", "#### オープンデータ", "#### 計画の入力")


def test_preview_shows_the_whole_plan_with_user_text_escaped(
    store: Store, svc: PlanService, empty_id: int, guide: Guide
) -> None:
    cur = svc.get(empty_id)
    plan = edit.answer_question(cur.plan, guide, "current.overview", "**太字にしない** <b>タグ</b>")
    svc.save(empty_id, plan, expected_version=cur.version)
    at = open_page(empty_id, "preview")
    frames = at.get("iframe")  # the HTML export in a frame of its own (a data: URL)
    assert len(frames) == 1 and frames[0].proto.src.startswith("data:text/html;charset=utf-8;base64,")
    body = base64.b64decode(frames[0].proto.src.split(",", 1)[1]).decode("utf-8")
    assert "矢巾町" in body
    for ch in guide.chapters:
        assert ch.title in body
    assert "**太字にしない** &lt;b&gt;タグ&lt;/b&gt;" in body and "<b>" not in body  # shown literally
    assert "|---|" not in body and "&lt;br&gt;" not in body  # tables are tables, breaks are breaks


# History ------------------------------------------------------------------------------------


def test_history_shows_changes_and_restores(
    store: Store, svc: PlanService, empty_id: int, guide: Guide
) -> None:
    cur = svc.get(empty_id)
    svc.save(
        empty_id,
        edit.answer_question(cur.plan, guide, "current.overview", "最初の文"),
        expected_version=1,
        name="最初の版",  # a named version: an autosave would be folded into the next save
    )
    cur = svc.get(empty_id)
    svc.save(
        empty_id,
        edit.answer_question(cur.plan, guide, "current.overview", "書き換えた文"),
        expected_version=2,
    )
    at = open_page(empty_id, "history")
    by_label(at.selectbox, "表示する版").set_value(2).run()
    body = texts(at)
    assert "最初の文" in body and "書き換えた文" in body
    button(at, "版 2 の内容を復元する").click().run()
    stored = store.get_plan(empty_id)
    assert stored.version == 4 and stored.plan.answers["current.overview"] == "最初の文"
    assert "復元しました" in texts(at)


# Export -------------------------------------------------------------------------------------


def test_export_page_builds_json_and_offers_download(full_id: int) -> None:
    at = open_page(full_id, "export")
    button(at, "計画ファイルを作成").click().run()
    assert not at.exception
    assert "計画ファイルを作成しました。" in texts(at)
    [download] = at.get("download_button")
    assert download.proto.label == "計画ファイルをダウンロード"
