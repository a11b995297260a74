"""The trainer pages through AppTest, signed in as a trainer account in shared mode."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, texts

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import Guide
from plan_builder.store import Store
from plan_builder.training import TrainingService

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


def test_setup_page_creates_sandboxes_through_the_form(store: Store, guide: Guide) -> None:
    at = _run("setup_page")
    assert at.title[0].value == "研修の準備"
    by_label(at.text_input, "研修名").input("第1回 説明会")
    at.text_area(key="tr_people").input("山田\n\n佐藤 *強調*\n")
    at.radio(key="tr_start").set_value("blank")
    at.button[0].click().run()
    assert not at.exception, at.exception
    plans = store.list_plans(training=True)
    assert sorted(p.title for p in plans) == [
        "【研修：第1回 説明会】佐藤 *強調*",
        "【研修：第1回 説明会】山田",
    ]
    assert all(store.plan_meta(p.id).created_by == TRAINER for p in plans)
    assert "2人分の練習用の計画を作成しました" in texts(at)
    assert set(at.dataframe[0].value["参加者"]) == {"山田", "佐藤 *強調*"}


def test_setup_page_shows_bad_input(store: Store) -> None:
    at = _run("setup_page")
    by_label(at.text_input, "研修名").input("回")
    at.button[0].click().run()
    assert "参加者名を1人以上入力してください" in texts(at)
    assert store.list_plans() == []


def test_board_page_shows_progress_and_resets_with_confirmation(store: Store, guide: Guide) -> None:
    seats = TrainingService(store, Actor(TRAINER, Role.TRAINER)).create_sandboxes(
        "回", ["甲", "乙"], guide.id, start="sample"
    )
    at = _run("board_page")
    assert at.title[0].value == "進み具合"
    df = at.dataframe[0].value
    assert list(df["参加者"]) == ["甲", "乙"] and list(df["全体（%）"]) == [100, 100]
    assert at.get("plotly_chart")
    at.button(key=f"tr_reset_{seats[0].id}").click().run()
    assert "甲さんの計画を初期状態に戻しますか" in texts(at)
    assert store.plan_meta(seats[0].id).version == 1  # nothing happens before the confirmation
    at.button(key=f"tr_reset_yes_{seats[0].id}").click().run()
    assert not at.exception, at.exception
    assert store.plan_meta(seats[0].id).version == 2
    assert "初期状態に戻しました（版 2）" in texts(at)


def test_board_page_without_sessions() -> None:
    assert "まだ研修がありません" in texts(_run("board_page"))


def test_handout_page_offers_both_formats() -> None:
    at = _run("handout_page")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Word形式（.docx）で保存", "Markdown形式（.md）で保存"]
    assert "第1章" in at.code[0].value


def test_a_planner_cannot_open_the_pages(store: Store) -> None:
    UserAdmin(store, Actor("root", Role.ADMIN)).add(
        "tanto", role="planner", org_code="033227", password="harukaze-2026"
    )
    at = AppTest.from_function(_page, args=("board_page",), default_timeout=30)
    at.session_state["pb_auth_user"] = "tanto"
    at.run()
    assert not at.exception  # the service refuses, whatever the navigation shows
    assert "研修の機能は研修講師と管理者だけが使えます" in texts(at)
    assert not at.dataframe and not at.title
