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


def test_waits_while_a_script_runs_and_for_a_quiet_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up imports nothing while any session's script runs (issue 13: an import beside a
    page run made a first visit take 3.4 s), and only once the app has been quiet a moment."""
    from streamlit import runtime

    imported: list[tuple[str, bool]] = []
    monkeypatch.setattr(runtime, "exists", lambda: True)
    monkeypatch.setattr(warmup, "_started", threading.Event())
    monkeypatch.setattr(warmup, "QUIET_SECONDS", 0.2)
    monkeypatch.setattr(warmup, "BROWSER_QUIET_SECONDS", 0.2)
    monkeypatch.setattr(warmup, "MODULES", ("json", "csv"))
    monkeypatch.setattr(warmup, "_import", lambda name: imported.append((name, warmup._running > 0)))
    import plan_builder.export.charts as charts

    browser = threading.Event()
    monkeypatch.setattr(charts, "prewarm", browser.set)

    with warmup.page_run():  # a page is being drawn when the warm-up starts
        thread = warmup.start()
        assert thread is not None
        thread.join(timeout=0.5)
        assert imported == [] and not browser.is_set()  # it waits for the run to end
    thread.join(timeout=10)
    assert imported == [("json", False), ("csv", False)] and browser.is_set()


def test_a_run_that_ends_with_an_exception_still_counts_as_ended() -> None:
    """st.rerun, st.stop and st.switch_page end a run by raising; the warm-up must not wait for ever."""
    with pytest.raises(RuntimeError), warmup.page_run():
        raise RuntimeError("st.rerun")
    assert warmup._running == 0
    warmup.wait_quiet(0)  # returns at once


def test_preload_loads_what_the_first_page_needs() -> None:
    assert all(importlib.util.find_spec(name) is not None for name in warmup.FIRST_PAGE)
    warmup.preload().join(timeout=60)
    from plan_builder.guide import loader

    assert loader._cached.cache_info().currsize >= 1  # the guides are loaded for the process


def test_the_browser_side_names_streamlits_own_chunks() -> None:
    """After a Streamlit upgrade renames its element code, this fails instead of the preload
    silently doing nothing; and the script loads only files of the app's own server."""
    import json

    from plan_builder.ui import browser_warmup

    files = browser_warmup.chunk_files()
    assert [f.split(".")[0] for f in files] == list(browser_warmup.CHUNKS)
    index = next(browser_warmup.STATIC_JS.glob("index.*.js")).read_text(encoding="utf-8")
    assert all(f"./{f}" in index for f in files)  # where the script finds the current names
    assert f"const names = {json.dumps(list(browser_warmup.CHUNKS))};" in browser_warmup._SCRIPT
    assert "http" not in browser_warmup._SCRIPT
