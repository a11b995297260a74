"""The follow-up, revise and reviewers' follow-up pages through AppTest (no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.followup import set_actual, set_status
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.usefixtures("app_env")


def open_tab(at: AppTest, label: str) -> AppTest:
    """Click a tab of the page, as a user does (the tabs rerun the app and draw only the open one)."""
    at.session_state["fu_tabs"] = label
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def plan_id(store: Store, guide: Guide) -> int:
    svc = PlanService(store, Actor.local())
    p = set_status(set_actual(sample_plan(guide), "K01", 2024, 1), "M01", 2024, "遅れ", "調達の遅れ")
    return svc.create(p).id


def test_followup_page_shows_off_track_first_and_saves_an_actual(store: Store, plan_id: int) -> None:
    at = open_app(plan_id, "plan_builder/ui/pages/followup.py")
    shown = texts(at)
    assert "進捗管理" in shown and "目標に届いていない指標から順に表示しています" in shown
    assert at.selectbox(key="pb_followup_year").value == 2024
    first = [m.value for m in at.markdown if m.value.startswith("**K")][0]
    assert first.startswith("**K01") and "未達" in first
    # Enter a new actual for K01 through its form.
    form_inputs = [t for t in at.text_input if t.label.startswith("実績値")]
    form_inputs[0].set_value("30")
    [b for b in at.button if b.label == "保存"][0].click().run()
    assert not at.exception, at.exception
    saved = PlanService(store, Actor.local()).get(plan_id)
    assert saved.plan.kpi("K01").actuals[2024] == 30
    assert saved.version == 2


def test_revise_page_lists_carried_baselines(plan_id: int) -> None:
    at = open_app(plan_id, "plan_builder/ui/pages/revise.py")
    assert "次期計画を作成する" in [b.label for b in at.button]
    assert at.dataframe[0].value["KPI"].tolist()[0] == "K01"


def test_report_is_offered_for_download(plan_id: int) -> None:
    at = open_tab(open_app(plan_id, "plan_builder/ui/pages/followup.py"), "年次報告")
    [b for b in at.button if b.label == "年次報告（Word）を作成"][0].click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    downloads = [e for e in at.get("download_button") if "ダウンロード" in e.proto.label]
    assert downloads and "年次報告" in downloads[0].proto.label


def test_reviewers_follow_up_view_opens_on_the_last_reported_year(
    plan_id: int, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewers' page: shown in shared mode (standalone has no review section, issue 13)."""
    from argon2 import PasswordHasher

    from plan_builder.auth import passwords
    from plan_builder.auth.actor import Role
    from plan_builder.auth.users import UserAdmin

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    UserAdmin(store, Actor("root", Role.ADMIN)).add("kanri", role="admin", password="harukaze-2026")
    at = open_app(None, "plan_builder/ui/pages/followup_review.py", username="kanri")
    assert at.selectbox(key="fr_year").value == 2024
    table = at.dataframe[0].value
    assert table["報告"].tolist() == ["済"] and table["未達の指標"].tolist() == [1]


def test_followup_shows_five_kpis_at_a_time(store: Store, guide: Guide) -> None:
    """15 KPIs: five charts and forms per page, the most urgent first; the rest a click away."""
    pid = PlanService(store, Actor.local()).create(sample_plan(guide, n_kpis=15)).id
    at = open_app(pid, "plan_builder/ui/pages/followup.py")

    def shown() -> list[str]:
        return [m.value.split("　")[0].strip("*") for m in at.markdown if m.value.startswith("**K")]

    first = shown()
    assert len(first) == 5
    pager = next(r for r in at.radio if r.label == "表示する指標")
    assert pager.options == ["1〜5件目", "6〜10件目", "11〜15件目"]
    pager.set_value(10).run()
    assert not at.exception, at.exception
    last = shown()
    assert len(last) == 5 and not set(first) & set(last)


def test_only_the_open_tab_is_drawn(plan_id: int) -> None:
    """Issue 13: the four tabs were 5 charts and ~70 widgets on every run; now only the open one."""
    at = open_app(plan_id, "plan_builder/ui/pages/followup.py")
    labels = [b.label for b in at.button]
    assert len(at.get("plotly_chart")) >= 1 and "年次報告（Word）を作成" not in labels
    assert "施策の進捗を保存" not in labels and not at.get("file_uploader")
    open_tab(at, "年次報告")
    assert not at.get("plotly_chart") and not [t for t in at.text_input if t.label.startswith("実績値")]
    assert "年次報告（Word）を作成" in [b.label for b in at.button]
    open_tab(at, "施策の進捗")
    assert not at.get("plotly_chart") and "施策の進捗を保存" in [b.label for b in at.button]


def test_typed_actual_is_kept_across_a_tab_switch_and_saved_later(store: Store, plan_id: int) -> None:
    """Text typed but not saved survives hiding its tab (the switch carries it) and is saved by
    保存 afterwards; nothing is saved by the switch itself."""
    at = open_app(plan_id, "plan_builder/ui/pages/followup.py")
    [t for t in at.text_input if t.label.startswith("実績値")][0].set_value("27")
    [t for t in at.text_input if t.label == "備考"][0].set_value("速報値")
    open_tab(at, "一括入力")  # the typed values travel with the tab switch
    open_tab(at, "指標の実績")
    assert [t for t in at.text_input if t.label.startswith("実績値")][0].value == "27"
    assert [t for t in at.text_input if t.label == "備考"][0].value == "速報値"
    assert PlanService(store, Actor.local()).get(plan_id).version == 1
    [b for b in at.button if b.label == "保存"][0].click().run()
    assert not at.exception, at.exception
    saved = PlanService(store, Actor.local()).get(plan_id)
    assert saved.plan.kpi("K01").actuals[2024] == 27 and saved.version == 2
    assert [t for t in at.text_input if t.label.startswith("実績値")][0].value == "27"


def test_measure_statuses_are_kept_across_a_tab_switch(store: Store, plan_id: int) -> None:
    """A status and a comment chosen but not saved survive a look at another tab, then save."""
    from plan_builder.plan import Progress

    at = open_tab(open_app(plan_id, "plan_builder/ui/pages/followup.py"), "施策の進捗")
    assert [t for t in at.text_input if t.label == "コメント"][0].value == "調達の遅れ"  # M01, saved
    [s for s in at.selectbox if s.label == "進捗状況"][1].set_value(Progress.ON_TRACK)
    [t for t in at.text_input if t.label == "コメント"][1].set_value("順調に進んでいる")
    open_tab(at, "年次報告")
    open_tab(at, "施策の進捗")
    assert [s for s in at.selectbox if s.label == "進捗状況"][1].value is Progress.ON_TRACK
    assert [t for t in at.text_input if t.label == "コメント"][1].value == "順調に進んでいる"
    assert PlanService(store, Actor.local()).get(plan_id).version == 1
    [b for b in at.button if b.label == "施策の進捗を保存"][0].click().run()
    assert not at.exception, at.exception
    saved = PlanService(store, Actor.local()).get(plan_id).plan.followup[2024].measures
    assert saved["M02"].status is Progress.ON_TRACK and saved["M02"].comment == "順調に進んでいる"
    assert saved["M01"].comment == "調達の遅れ"
