"""The follow-up, revise and reviewers' follow-up pages through AppTest (no browser)."""

from __future__ import annotations

import pytest
from ui_support import open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.followup import set_actual, set_status
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.usefixtures("app_env")


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
    at = open_app(plan_id, "plan_builder/ui/pages/followup.py")
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
