"""Issue 9: one script run at a time per session. Streamlit's fast reruns start the next run in a
new thread beside the one being stopped; both changed the session's bookkeeping at once and a KPI
target typed during a slow date save was lost (the browser test in tests/e2e/test_typing_e2e.py
checks that runs never overlap)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit import config

from plan_builder.ui import host_guard

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_configuration_turns_fast_reruns_off() -> None:
    shipped = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert shipped["runner"]["fastReruns"] is False


def test_a_server_started_without_that_configuration_gets_it_on_the_first_run() -> None:
    before = config.get_option("runner.fastReruns")
    try:
        config.set_option("runner.fastReruns", True)
        host_guard.one_run_at_a_time()
        assert config.get_option("runner.fastReruns") is False
        host_guard.one_run_at_a_time()  # already off: stays off
        assert config.get_option("runner.fastReruns") is False
    finally:
        config.set_option("runner.fastReruns", before)
