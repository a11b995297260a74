"""The browser's side of the warm-up: Streamlit's code for tables, charts and date fields, loaded
while the user reads the first page.

Streamlit's frontend loads the code of an element the first time a page shows one: the table grid
on the 施策 page, plotly.js (4.7 MB) with the KPI page's chart. On a 2-core PC that was most of
those pages' first visit (bench/first_page.py: the KPI page 3.2 s, 0.7 s on a revisit; compiling
plotly.js alone held the browser 1.3–1.6 s). A fixed script imports those files once per page
load, so the page that needs one finds it compiled. Like the server's warm-up it yields to the
user: each file waits for a quiet moment, so a quick clicker is not held up by it. The file names
are read from Streamlit's own static folder (they carry a content hash); the script is constant
for an installation, holds no user text and loads nothing from outside the app's own server.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import streamlit as st

# Streamlit's lazily loaded element code, in the order the pages usually need it.
CHUNKS = ("DataFrame", "PlotlyChart", "DateInput")
QUIET_MS = 1000
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"

_TEMPLATE = """<style>.st-key-pb_browser_warmup {display: none;}</style>
<script>
(() => {
  if (window.__pbChunks) return;
  window.__pbChunks = true;
  const files = __FILES__;
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!entry || !files.length) return;
  const base = new URL(".", entry.src);  // Streamlit's own scripts folder, whatever the base path
  // Compiling one file holds the browser for up to 1.5 s on a busy 2-core PC, so each waits for
  // a quiet moment: no click or key, no script running, no long task for __QUIET__ ms.
  let busy = performance.now();
  const touch = () => { busy = performance.now(); };
  for (const ev of ["pointerdown", "keydown", "wheel"]) {
    addEventListener(ev, touch, {capture: true, passive: true});
  }
  try { new PerformanceObserver(touch).observe({type: "longtask"}); } catch (e) { /* older browser */ }
  const running = () => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState !== "notRunning";
  const step = (i) => {
    if (i >= files.length) return;
    if (running()) touch();
    if (performance.now() - busy < __QUIET__) { setTimeout(() => step(i), 250); return; }
    import(new URL(files[i], base).href).catch(() => {}).finally(() => { touch(); step(i + 1); });
  };
  step(0);
})();
</script>"""


def chunk_files() -> list[str]:
    """The file names of CHUNKS in this Streamlit installation (a missing one is left out)."""
    return [found[0].name for c in CHUNKS if (found := sorted(STATIC_JS.glob(f"{c}.*.js")))]


@lru_cache(maxsize=1)
def script() -> str:
    return _TEMPLATE.replace("__FILES__", json.dumps(chunk_files())).replace("__QUIET__", str(QUIET_MS))


def install() -> None:
    """Draw the script (hidden; it runs once per page load). Call it after the page is drawn."""
    with st.container(key="pb_browser_warmup"):
        st.html(script(), unsafe_allow_javascript=True, width="content")
