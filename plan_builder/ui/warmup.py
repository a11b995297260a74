"""Start-up work done in the background, so that no page pays for it on its first visit.

Two parts, both once per process:

- `preload()` (started by the launcher, `plan_builder/ui/launch.py`, before the server listens):
  the modules and guides the first page needs, while the browser is still loading Streamlit's
  own scripts. `streamlit run app.py` without the launcher skips it; the first page then imports
  them itself.
- `start()` (from app.py, after the first page is drawn): pandas (tables), plotly (charts),
  python-docx and Jinja2 (preview, export), openpyxl (bulk entry), then the chart browser
  (`plan_builder.export.charts.prewarm`), so a first visit or a first Word export finds them
  ready (issue 13: the KPI page took 8.8 s on its first visit, a first export 10 s).

The warm-up yields to the user. Python runs one thread at a time and the machine may have two
cores shared with the user's own browser, so an import running beside a page's script slowed
that page down (measured: a first visit of 3.4 s while the warm-up imported). It therefore does
one step at a time, each only after no session's script has run for QUIET_SECONDS (the browser
is usually still drawing what the last run sent), and starts the chart browser, the heaviest
step (several seconds of both cores on a busy PC), only after BROWSER_QUIET_SECONDS, e.g. while
the user types an answer. (The export page starts it too when opened, and it closes after a
minute unused: charts.KEEP_WARM_SECONDS.) app.py marks every script run with `page_run()`.

Only in a real server: under AppTest (no Streamlit runtime) nothing is started, so the page
tests neither import everything nor open a browser.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

# What the first page needs (app.py and the home page), in the order they are used.
FIRST_PAGE = (
    "plan_builder.ui.state",
    "plan_builder.ui.auth_pages",
    "plan_builder.ui.nav",
    "plan_builder.ui.chrome_ja",
    "plan_builder.ui.host_guard",
    "plan_builder.ui.leave_guard",
    "plan_builder.ui.pages.home",
)
# In the order pages are usually visited: tables and charts first, documents, then bulk entry.
# Small steps (numpy before pandas), so a page run never waits long behind one of them.
MODULES = (
    "numpy",
    "pandas",
    "plan_builder.ui.charts",
    "plan_builder.export",
    "plan_builder.export.docx_builder",
    "plan_builder.followup.figures",
    "openpyxl",
    "plan_builder.followup.bulk",
)
QUIET_SECONDS = 1.0
BROWSER_QUIET_SECONDS = 10.0

# Process-wide and never touched by Streamlit: how many script runs are going on, and when the
# last one ended (time.monotonic()).
_activity = threading.Condition()
_running = 0
_last_end = 0.0

_started = threading.Event()  # write-once: nothing a session can change
_start_lock = threading.Lock()


@contextmanager
def page_run() -> Iterator[None]:
    """Mark one script run (app.py wraps its whole run in this), also when it ends with
    st.rerun, st.stop, st.switch_page or an error."""
    global _running, _last_end
    with _activity:
        _running += 1
    try:
        yield
    finally:
        with _activity:
            _running -= 1
            _last_end = time.monotonic()
            _activity.notify_all()


def wait_quiet(seconds: float) -> None:
    """Return once no script is running and none has ended for `seconds`."""
    with _activity:
        while True:
            if _running:
                _activity.wait()
                continue
            left = _last_end + seconds - time.monotonic()
            if left <= 0:
                return
            _activity.wait(left)


def _import(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # a missing optional module is the page's problem, not the warm-up's
        log.warning("warm-up import of %s failed", name, exc_info=True)


def preload() -> threading.Thread:
    """Import what the first page needs and load the guides, in a daemon thread (the launcher
    calls this before the server starts; nothing is running yet that it could slow down)."""

    def run() -> None:
        for name in FIRST_PAGE:
            _import(name)
        try:
            from plan_builder.guide import get_guides

            get_guides()  # cached for the process: frozen models, the same for every session
        except Exception:  # a broken guide is reported by the page that needs it
            log.warning("warm-up guide load failed", exc_info=True)

    thread = threading.Thread(target=run, name="plan-builder-preload", daemon=True)
    thread.start()
    return thread


def _run() -> None:
    for name in MODULES:
        wait_quiet(QUIET_SECONDS)
        _import(name)
    wait_quiet(BROWSER_QUIET_SECONDS)
    from plan_builder.export import charts

    charts.prewarm()


def start() -> threading.Thread | None:
    """Start the warm-up once per process (later calls do nothing); None when nothing started."""
    from streamlit import runtime

    if not runtime.exists():
        return None
    with _start_lock:
        if _started.is_set():
            return None
        _started.set()
    thread = threading.Thread(target=_run, name="plan-builder-warmup", daemon=True)
    thread.start()
    return thread
