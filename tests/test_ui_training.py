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
    assert "まだ研修がありません" in texts(_run("board_page"))


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
