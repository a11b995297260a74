"""The start-up warm-up (issue 13): once per process, only in a real server, and every module it
names exists (a typo would only log a warning at run time)."""

from __future__ import annotations

import importlib.util
import threading

import pytest

from plan_builder.ui import warmup


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(warmup, "_started", threading.Event())
    monkeypatch.setattr(warmup, "_run", lambda: calls.append(threading.current_thread().name))
    return calls


def test_nothing_starts_without_a_streamlit_server(fresh: list[str]) -> None:
    assert warmup.start() is None  # AppTest and plain imports have no runtime
    assert fresh == []


def test_starts_once_per_process_in_the_background(fresh: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import runtime

    monkeypatch.setattr(runtime, "exists", lambda: True)
    threads = [warmup.start() for _ in range(3)]
    started = [t for t in threads if t is not None]
    assert len(started) == 1 and started[0].daemon
    started[0].join(timeout=10)
    assert fresh == ["plan-builder-warmup"]  # ran in its own thread, not the page's


def test_every_module_it_warms_exists() -> None:
    assert all(importlib.util.find_spec(name) is not None for name in warmup.MODULES)
