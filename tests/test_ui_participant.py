"""What a briefing participant is told when no plan is open (issue 13 walk-through).

A participant's seat opens by itself (join_page puts `?plan=<seat>` in the address when it has
none), so a page without a plan is seen only when the address names another plan: a link or
bookmark from the trainer's screen, an address typed by hand. The seat must then open as usual;
and if it cannot, the participant is not told to create a plan on the home page (they cannot),
but to ask the trainer.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import APP, by_label, texts

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.plan import format_fiscal_year
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.training import TrainingService, join

WIZARD = "plan_builder/ui/pages/wizard.py"
KPIS = "plan_builder/ui/pages/kpis.py"
MEASURES = "plan_builder/ui/pages/measures.py"
TRAINER = Actor("koshi", Role.TRAINER)


@pytest.fixture(autouse=True)
def _shared(db_url: str, monkeypatch: pytest.MonkeyPatch, app_env: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")


def _as_participant(token: str, plan: str | None, page: str = WIZARD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["pb_participant_token"] = token
    if plan is not None:
        at.query_params["plan"] = plan
    at.switch_page(page).run()  # the address opened directly, as a link or a bookmark does
    assert not at.exception, at.exception
    return at


def test_another_plans_address_shows_the_participants_own_seat(store: Store, guide: Guide) -> None:
    other = PlanService(store, Actor("root", Role.ADMIN)).create(sample_plan(guide)).id
    info = TrainingService(store, TRAINER).create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "甲")
    at = _as_participant(token, str(other))
    shown = texts(at)
    assert "ホームで計画を作成" not in shown
    assert "#### 計画の入力" in shown  # the seat is open
    assert at.query_params["plan"] == str(actor.seat_plan_id)
    assert store.get_plan(other).plan.title not in shown  # nothing of the other plan


def test_a_seat_that_cannot_be_opened_says_ask_the_trainer(
    store: Store, guide: Guide, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plan_builder.errors import NotFoundError
    from plan_builder.ui import state

    info = TrainingService(store, TRAINER).create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "甲")

    def gone(plan_id: int) -> None:
        raise NotFoundError("計画が見つかりません")

    monkeypatch.setattr(state, "open_plan", gone)
    at = _as_participant(token, None)
    shown = texts(at)
    assert "ホームで計画を作成" not in shown
    assert "講師" in shown and any("練習用の計画" in i.value for i in at.info)


def test_the_home_page_offers_a_participant_their_seat_only(store: Store, guide: Guide) -> None:
    info = TrainingService(store, TRAINER).create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "甲")
    at = _as_participant(token, None, "plan_builder/ui/pages/home.py")
    assert "練習用の計画" in texts(at)
    assert [link.label for link in at.get("page_link")] == ["入力を続ける"]
    assert not at.get("file_uploader")  # no import
    assert not [b for b in at.button if b.label in ("作成して入力を始める", "複製", "開く")]


def test_history_names_the_participant_not_their_internal_user_name(store: Store, guide: Guide) -> None:
    from plan_builder.plan.answers import set_answer

    info = TrainingService(store, TRAINER).create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "山田")
    svc = PlanService(store, actor)
    stored = svc.get(actor.seat_plan_id)
    plan = set_answer(stored.plan, guide.question("current.overview"), "参加者が書いた文")
    svc.save(actor.seat_plan_id, plan, expected_version=stored.version, name="参加者の版")
    at = _as_participant(token, str(actor.seat_plan_id), "plan_builder/ui/pages/history.py")
    authors = list(at.dataframe[0].value["保存した人"])
    assert "山田（研修参加者）" in authors
    assert not any(str(a).startswith(("participant:", "join:")) for a in authors)
    assert authors[-1] == "山田（研修参加者）"  # the first version, written while joining


def _typed_then_closed(
    store: Store, guide: Guide, page: str, label: str, typed: str, *, start: str = "blank"
) -> tuple[AppTest, int]:
    """A participant types into `label` on `page`; the trainer closes the session before the field
    is left; the next run (the field's blur) tries to save it."""
    trainer = TrainingService(store, TRAINER)
    info = trainer.create_session("回", guide.id, start=start)  # type: ignore[arg-type]
    token, actor = join(store, info.join_code, "山田")
    at = _as_participant(token, str(actor.seat_plan_id), page)
    by_label([*at.text_area, *at.text_input], label).input(typed)  # typed, not yet sent
    trainer.close(info.id)
    at.run()
    assert not at.exception, at.exception
    return at, actor.seat_plan_id


def test_text_typed_when_the_session_closes_stays_on_the_page_unsaved(store: Store, guide: Guide) -> None:
    """Issue 9: the save is refused (the seat became read-only), and the typed text must still be
    on the page, with a note that it was not saved, to copy."""
    typed = "駅前の商店街では空き店舗が増えている。"
    at, seat = _typed_then_closed(store, guide, WIZARD, "地域の現状（必須）", typed)
    assert store.get_plan(seat).version == 1  # nothing saved
    assert by_label(at.text_area, "地域の現状（必須）").disabled
    kept = [e for e in at.code if e.value == typed]
    assert kept, texts(at)
    assert "保存されなかった入力" in texts(at) and "コピー" in texts(at)


def test_text_typed_on_the_kpi_page_when_the_session_closes_is_shown_there_unsaved(
    store: Store, guide: Guide
) -> None:
    """The KPI page is not offered once the session closed: its address says so in Japanese, and
    the text whose save was refused is shown there to copy."""
    at, seat = _typed_then_closed(store, guide, KPIS, "測定方法", "窓口で毎月数える", start="sample")
    assert store.get_plan(seat).version == 1  # nothing saved
    assert "この研修は終了したため、この画面は使えません。" in texts(at)
    assert [e.value for e in at.code] == ["窓口で毎月数える"]
    assert "KPI K01：保存されなかった入力" in texts(at)


def test_a_closed_seats_participant_opening_another_page_is_told_in_japanese(
    store: Store, guide: Guide
) -> None:
    trainer = TrainingService(store, TRAINER)
    info = trainer.create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "山田")
    trainer.close(info.id)
    for page in (KPIS, "plan_builder/ui/pages/measures.py", "plan_builder/ui/pages/check.py"):
        at = _as_participant(token, str(actor.seat_plan_id), page)
        assert "この研修は終了したため、この画面は使えません。" in texts(at)
        assert [link.label for link in at.get("page_link")] == ["計画の入力"]
        assert not at.text_input and not at.text_area  # nothing of the page itself


def test_a_measure_field_typed_when_the_session_closes_is_shown_unsaved(store: Store, guide: Guide) -> None:
    """The measures page's fields save through `save_field` like the KPI page's: a refused edit
    is kept and shown, named as the user knows the field (the page is replaced by the closed
    page, which shows it to copy)."""
    typed = "庁内の申請を電子化する"
    at, seat = _typed_then_closed(store, guide, MEASURES, "概要", typed, start="sample")
    assert store.get_plan(seat).version == 1  # nothing saved
    assert "この研修は終了したため、この画面は使えません。" in texts(at)
    assert [e.value for e in at.code] == [typed]
    assert "施策 M01 の概要：保存されなかった入力" in texts(at)


def test_a_schedule_year_typed_when_the_session_closes_is_shown_unsaved(store: Store, guide: Guide) -> None:
    typed = "窓口の手続を洗い出す"
    label = f"{format_fiscal_year(2022)}の取組内容"
    at, seat = _typed_then_closed(store, guide, MEASURES, label, typed, start="sample")
    assert store.get_plan(seat).version == 1
    assert [e.value for e in at.code] == [typed]
    assert f"施策 M01 の{format_fiscal_year(2022)}の取組内容：保存されなかった入力" in texts(at)
