"""What a 説明会's load relies on (bench/briefing_load.py measures it; these keep it from coming
back): no full garbage collection after each script run, the acting user read once per run, and
permission checks that do not parse the plan."""

from __future__ import annotations

import gc
import tomllib
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest
from ui_support import APP

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.store import Store
from plan_builder.training import TrainingService, join

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_turns_off_the_collection_after_every_run() -> None:
    shipped = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert shipped["runner"]["postScriptGC"] is False


def _full_collections(monkeypatch: pytest.MonkeyPatch, setting: bool) -> int:
    """How many gc.collect(2) calls Streamlit's end-of-run step makes with the setting (the real
    ScriptRunner method; AppTest's runner replaces it, so it is called directly)."""
    from unittest import mock

    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner, ScriptRunnerEvent

    calls: list[tuple] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append(a) or 0)
    st_config.set_option("runner.postScriptGC", setting)
    try:
        ctx = mock.MagicMock(has_script_started=False)  # nothing else to clean up
        ScriptRunner._on_script_finished(
            mock.MagicMock(), ctx, ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, True, mock.MagicMock()
        )
    finally:
        st_config.set_option("runner.postScriptGC", True)
    return sum(1 for a in calls if a == (2,))


def test_streamlit_honours_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """If a Streamlit upgrade drops or renames the option, the shipped setting would silently stop
    working (and a 説明会's saves would wait for a full collection after every run again)."""
    assert _full_collections(monkeypatch, True) >= 1
    assert _full_collections(monkeypatch, False) == 0


@pytest.fixture
def participant(store: Store, db_url: str, guide: Guide, monkeypatch: pytest.MonkeyPatch, app_env: str):
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    info = TrainingService(store, Actor("koshi", Role.TRAINER)).create_session("回", guide.id, start="sample")
    return join(store, info.join_code, "甲")


def test_the_participant_is_read_once_per_run_and_again_on_the_next(
    participant, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plan_builder.ui import join_page

    token, actor = participant
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["pb_participant_token"] = token
    at.query_params["plan"] = str(actor.seat_plan_id)
    at.run()
    at.switch_page("plan_builder/ui/pages/wizard.py").run()
    reads: list[str] = []
    real = join_page.participant_actor
    monkeypatch.setattr(join_page, "participant_actor", lambda s, t: reads.append(t) or real(s, t))
    at.run()
    assert not at.exception, at.exception
    first = len(reads)
    at.text_area[0].input("人口は約2万人です。").run()  # a save: the callback and the page share it
    assert not at.exception, at.exception
    saves = len(reads) - first
    # One read per run for the pages and the save (the account section asks once more by itself).
    assert 1 <= first <= 2 and 1 <= saves <= 2, (first, saves)
    assert store.get_plan(actor.seat_plan_id).plan.answers["current.overview"] == "人口は約2万人です。"


def test_a_permission_check_does_not_load_the_plan(store: Store, guide: Guide) -> None:
    from plan_builder.service import PlanService

    info = TrainingService(store, Actor("koshi", Role.TRAINER)).create_session("回", guide.id, start="sample")
    _, actor = join(store, info.join_code, "甲")
    row = store.plan_meta(actor.seat_plan_id)
    assert row.version == 1 and row.is_training
    with pytest.raises(Exception, match="data"):
        row.data  # noqa: B018 - deferred: a check never parses the plan's JSON
    assert PlanService(store, actor).current_version(actor.seat_plan_id) == 1
    assert store.get_plan(actor.seat_plan_id).plan.title.startswith("【研修】")
