"""The trainer pages through AppTest, signed in as a trainer account in shared mode."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, texts

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import Guide
from plan_builder.store import Store
from plan_builder.training import TrainingService, join

TRAINER = "koshi"


@pytest.fixture(autouse=True)
def _shared(store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, app_env: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    UserAdmin(store, Actor("root", Role.ADMIN)).add(TRAINER, role="trainer", password="harukaze-2026")


def _page(name: str) -> None:
    from plan_builder.ui import training_pages

    getattr(training_pages, name)()


def _run(name: str) -> AppTest:
    at = AppTest.from_function(_page, args=(name,), default_timeout=30)
    at.session_state["pb_auth_user"] = TRAINER
    at.run()
    assert not at.exception, at.exception
    return at


def test_setup_page_creates_a_session_with_a_code_and_qr(store: Store, guide: Guide) -> None:
    at = _run("setup_page")
    assert at.title[0].value == "研修の準備"
    by_label(at.text_input, "研修名").input("第1回 説明会 *強調*")
    at.radio(key="tr_start").set_value("blank")
    at.button[0].click().run()
    assert not at.exception, at.exception
    [info] = TrainingService(store, Actor(TRAINER, Role.TRAINER)).sessions()
    assert info.name == "第1回 説明会 *強調*" and info.created_by == TRAINER
    assert f"参加コードは {info.join_code} です" in texts(at)


def test_setup_page_shows_bad_input(store: Store) -> None:
    at = _run("setup_page")
    at.button[0].click().run()
    assert "研修名を入力してください" in texts(at)
    assert TrainingService(store, Actor(TRAINER, Role.TRAINER)).sessions() == []


def test_setup_page_resets_closes_and_deletes(store: Store, guide: Guide) -> None:
    svc = TrainingService(store, Actor(TRAINER, Role.TRAINER))
    info = svc.create_session("回", guide.id, start="sample")
    _, a = join(store, info.join_code, "甲")
    at = _run("setup_page")
    assert list(at.dataframe[0].value["参加者"]) == ["甲"]
    assert at.button(key="tr_reset").disabled  # nothing happens before the confirmation
    # closing is asked first: the button that closes sits in a 「研修を終了する」 popover
    assert at.button(key="tr_close").label == "終了する"
    assert any(p.proto.popover.label == "研修を終了する" for p in at.get("popover"))
    at.button(key="tr_close").click().run()
    assert not at.exception, at.exception
    assert not svc.session(info.id).is_open
    assert "を終了しました" in texts(at)
    at.text_input(key="tr_delete_name").input("回").run()
    at.button(key="tr_delete").click().run()
    assert not at.exception, at.exception
    assert svc.sessions() == [] and "練習用の計画1件を削除しました" in texts(at)


def test_board_page_shows_every_seat(store: Store, guide: Guide) -> None:
    info = TrainingService(store, Actor(TRAINER, Role.TRAINER)).create_session("回", guide.id, start="sample")
    join(store, info.join_code, "甲<b>*")
    join(store, info.join_code, "乙")
    at = _run("board_page")
    shown = texts(at)
    assert "**01 甲\\<b\\>\\***" in shown and "**02 乙**" in shown  # user text escaped
    # sample seats do not start at 100 %: nothing changed yet, out of every question of the guide
    assert len(re.findall(r"変更した設問 \*\*0\*\* / \d+", shown)) == 2
    assert all(str(h.proto.body).startswith("<style>") for h in at.get("html"))  # HTML is constant


def test_board_page_without_sessions() -> None:
    assert "まだ研修がありません。「研修の準備」で研修を作成してください。" in texts(_run("board_page"))


def test_setup_page_without_sessions_points_up_not_to_itself() -> None:
    shown = texts(_run("setup_page"))  # the walk-through was told to go to the page it was on
    assert "まだ研修がありません。上の「新しい研修を作る」で研修を作成してください。" in shown


def test_presentation_moves_by_chapter() -> None:
    at = _run("presentation_page")
    assert "第1章" in texts(at)
    assert at.button(key="tr_prev").disabled
    at.button(key="tr_next").click().run()
    assert "第2章" in texts(at) and "第1章" not in texts(at)
    assert not at.button(key="tr_prev").disabled  # drawn after the move, not before


def test_handout_page_offers_both_formats(store: Store, guide: Guide) -> None:
    TrainingService(store, Actor(TRAINER, Role.TRAINER)).create_session("回", guide.id)
    at = _run("handout_page")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Word形式（.docx）で保存", "Markdown形式（.md）で保存"]
    assert "研修名：回" in at.code[0].value and "演習（第1章）" in at.code[0].value


def test_a_planner_cannot_open_the_pages(store: Store) -> None:
    UserAdmin(store, Actor("root", Role.ADMIN)).add(
        "tanto", role="planner", org_code="033227", password="harukaze-2026"
    )
    at = AppTest.from_function(_page, args=("board_page",), default_timeout=30)
    at.session_state["pb_auth_user"] = "tanto"
    at.run()
    assert not at.exception  # the service refuses, whatever the navigation shows
    assert "研修の機能は研修講師と管理者だけが使えます" in texts(at)
    assert not at.get("html")


def test_qr_code_is_a_png_drawn_offline() -> None:
    from plan_builder.ui.training_pages import qr_png

    png = qr_png("http://127.0.0.1:8501/?join=123456")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 300


def _participant_app(token: str, plan_id: int) -> AppTest:
    """app.py as a joined participant's browser: the seat opens in the wizard."""
    from ui_support import APP

    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["pb_participant_token"] = token
    at.query_params["plan"] = str(plan_id)
    at.run()
    at.switch_page("plan_builder/ui/pages/wizard.py").run()
    assert not at.exception, at.exception
    return at


def test_a_closed_session_shows_every_field_disabled_and_the_notice_once(store: Store, guide: Guide) -> None:
    svc = TrainingService(store, Actor(TRAINER, Role.TRAINER))
    info = svc.create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "甲")
    at = _participant_app(token, actor.seat_plan_id)
    assert not any(w.disabled for w in at.text_area)  # open: editable, 記載例 offered
    assert any(b.label == "記載例を挿入" for b in at.button)
    svc.close(info.id)
    at.run()  # the next run of the same browser session, as after any click
    assert not at.exception, at.exception
    notices = [i.value for i in at.info if "この研修は終了しました" in str(i.value)]
    assert len(notices) == 1
    fields = [*at.text_area, *at.text_input, *at.selectbox, *at.multiselect, *at.radio, *at.date_input]
    fields = [w for w in fields if w.label != "章を選ぶ"]  # moving between chapters is reading
    assert fields and all(w.disabled for w in fields), [w.label for w in fields if not w.disabled]
    assert not [b.label for b in at.button if "挿入" in b.label]
    for chapter in guide.chapters[1:]:  # every chapter, the 策定年月 form included
        at.radio(key="pb_chapter_radio").set_value(chapter.key).run()
        assert not at.exception, at.exception
        fields = [*at.text_area, *at.text_input, *at.selectbox, *at.multiselect, *at.date_input]
        assert all(w.disabled for w in fields), (chapter.key, [w.label for w in fields if not w.disabled])
        assert all(b.disabled for b in at.button if b.label.endswith("保存"))
    at.switch_page("plan_builder/ui/pages/home.py").run()  # home: the seat, no forms
    assert not at.exception, at.exception
    assert not at.text_input and not at.get("file_uploader") and "練習用の計画" in texts(at)


def test_a_stale_edit_after_closing_is_refused_and_not_saved(store: Store, guide: Guide) -> None:
    """A browser that still shows an open field (drawn before the close) cannot save through it."""
    svc = TrainingService(store, Actor(TRAINER, Role.TRAINER))
    info = svc.create_session("回", guide.id, start="sample")
    token, actor = join(store, info.join_code, "甲")
    at = _participant_app(token, actor.seat_plan_id)
    before = store.get_plan(actor.seat_plan_id)
    svc.close(info.id)
    by_label(at.text_area, "地域の現状（必須）").input("終了後の書き込み").run()
    assert not at.exception, at.exception
    assert "この研修は終了したため" in texts(at)
    after = store.get_plan(actor.seat_plan_id)
    assert after.version == before.version and after.plan == before.plan
