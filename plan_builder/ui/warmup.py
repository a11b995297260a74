"""Start-up work done in the background once per server process, after the first page is drawn.

The first page imports only what it draws; the other pages need pandas (tables), plotly
(charts), python-docx and Jinja2 (preview, export) and openpyxl (bulk entry), which took
several seconds on their first visit (issue 13: 8.8 s for the KPI page), and the first Word
export waited for the chart browser (Chromium) to start. A daemon thread imports those modules
and starts the chart browser (`plan_builder.export.charts.prewarm`), so a first visit or a first
export finds them ready. The thread is started from app.py after the page's script has run, so
it never delays the first page; a page visited while it runs waits only for the module it needs
(Python's import lock), never for the whole list.

Only in a real server: under AppTest (no Streamlit runtime) nothing is started, so the page
tests neither import everything nor open a browser.
"""

from __future__ import annotations

import importlib
import logging
import threading

log = logging.getLogger(__name__)

# In the order pages are usually visited: tables and charts first, documents, then bulk entry.
MODULES = (
    "pandas",
    "plan_builder.ui.charts",
    "plan_builder.export",
    "plan_builder.export.docx_builder",
    "plan_builder.followup.figures",
    "plan_builder.followup.bulk",
    "openpyxl",
)

_started = threading.Event()  # process-wide and write-once: nothing a session can change
_start_lock = threading.Lock()


def _run() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module is the page's problem, not the warm-up's
            log.warning("warm-up import of %s failed", name, exc_info=True)
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
