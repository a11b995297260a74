"""Issue 10 (UI part): when the database cannot be reached, or the disk is full or not writable,
the page says so in Japanese, the typed text stays on screen and in the session, and it is saved
once storage works again. Widget edits that never happened (sequence 1) write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.exc import OperationalError
from ui_support import by_label, open_app

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui import state

WIZARD = "plan_builder/ui/pages/wizard.py"
pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def plan_id(store: Store, guide: Guide) -> int:
    return PlanService(store, Actor.local()).create(new_plan(store.local_government("033227"), guide)).id


def _fail_saves(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    def broken(self, *args, **kwargs):
        raise OperationalError("UPDATE plan", {}, Exception(message))

    monkeypatch.setattr(PlanService, "save", broken)


@pytest.mark.parametrize(
    ("driver_message", "shown"),
    [
        ("connection refused: is the server running on host 127.0.0.1", "データベースに接続できない"),
        ("database or disk is full", "ディスクの空き容量が不足"),
        ("attempt to write a readonly database", "書き込む権限がない"),
    ],
)
def test_storage_failure_keeps_the_text_and_saves_it_later(
    store: Store, plan_id: int, monkeypatch: pytest.MonkeyPatch, driver_message: str, shown: str
) -> None:
    at = open_app(plan_id, WIZARD)
    with monkeypatch.context() as m:
        _fail_saves(m, driver_message)
        by_label(at.text_area, "地域の現状（必須）").input("停電中に書いた文").run()
        assert not at.exception
        assert any(shown in e.value and "失われていません" in e.value for e in at.error)
        assert by_label(at.text_area, "地域の現状（必須）").value == "停電中に書いた文"
        at.radio[0].set_value("purpose").run()  # another chapter, then back: the text is still there
        at.radio[0].set_value("current").run()
        assert by_label(at.text_area, "地域の現状（必須）").value == "停電中に書いた文"
        assert "current.overview" not in store.get_plan(plan_id).plan.answers
    at.run()  # storage works again: the kept text is saved without retyping
    assert store.get_plan(plan_id).plan.answers["current.overview"] == "停電中に書いた文"
    assert not any("失われていません" in e.value for e in at.error)
    assert any("保存しました" in s.value for s in at.success)


def test_real_sqlite_errors_are_named(tmp_path: Path) -> None:
    """The mapping uses the driver's own errors: a read-only database and a missing server."""
    path = tmp_path / "ro.db"
    sqlalchemy.create_engine(f"sqlite:///{path}").connect().close()
    ro = sqlalchemy.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(OperationalError) as readonly, ro.begin() as conn:
        conn.exec_driver_sql("create table t (x int)")
    assert state.outage_message(readonly.value) == state.PERMISSION_MESSAGE
    dead = sqlalchemy.create_engine("postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2")
    with pytest.raises(OperationalError) as refused:
        dead.connect()
    assert state.outage_message(refused.value) == state.UNREACHABLE_MESSAGE
    assert state.outage_message(OSError(28, "No space left on device")) == state.DISK_FULL_MESSAGE
    assert state.outage_message(ValueError("x")) is None


def test_a_widget_the_browser_forgot_never_blanks_an_answer(store: Store, plan_id: int) -> None:
    """Sequence 1 at the state level: a value arriving for a widget that the last run did not draw
    (emptied by a page switch) is not an edit."""
    at = open_app(plan_id, WIZARD)
    by_label(at.text_area, "地域の現状（必須）").input("保存済みの文").run()
    at.switch_page("plan_builder/ui/pages/check.py").run()
    at.switch_page(WIZARD).run()
    assert by_label(at.text_area, "地域の現状（必須）").value == "保存済みの文"
    assert store.get_plan(plan_id).plan.answers["current.overview"] == "保存済みの文"
