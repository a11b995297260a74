"""The browser's side of the warm-up: Streamlit's code for tables, charts and date fields, loaded
while the user reads the first page.

Streamlit's frontend loads the code of an element the first time a page shows one: the table grid
on the 施策 page, plotly.js (4.7 MB) with the KPI page's chart. On a 2-core PC that was most of
those pages' first visit (bench/first_page.py: the KPI page 3.2 s, 0.7 s on a revisit; compiling
plotly.js alone held the browser 1.3–1.6 s). A fixed script imports those files once per page
load, so the page that needs one finds it compiled. Like the server's warm-up it yields to the
user: each file waits for a quiet moment (no click or key, no script running, no long task for
1 s), so a quick clicker is not held up by it.

The script is a constant (as every st.html in the UI, tests/hostile checks it): it finds the
files' current names (they carry a content hash) in Streamlit's own index.js, already in the
browser's cache, and loads nothing from outside the app's own server.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

# Streamlit's lazily loaded element code, in the order the pages usually need it (the same
# names are in _SCRIPT; a test checks both against Streamlit's static folder).
CHUNKS = ("DataFrame", "PlotlyChart", "DateInput")
STATIC_JS = Path(st.__file__).parent / "static" / "static" / "js"

_SCRIPT = """<style>.st-key-pb_browser_warmup {display: none;}</style>
<script>
(() => {
  if (window.__pbChunks) return;
  window.__pbChunks = true;
  const names = ["DataFrame", "PlotlyChart", "DateInput"];
  const QUIET_MS = 1000;
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!entry) return;
  let busy = performance.now();
  const touch = () => { busy = performance.now(); };
  for (const ev of ["pointerdown", "keydown", "wheel"]) {
    addEventListener(ev, touch, {capture: true, passive: true});
  }
  try { new PerformanceObserver(touch).observe({type: "longtask"}); } catch (e) { /* no long tasks */ }
  const app = () => document.querySelector('[data-testid="stApp"]');
  const run = (files) => {
    const step = (i) => {
      if (i >= files.length) return;
      if (app()?.dataset.testScriptState !== "notRunning") touch();
      if (performance.now() - busy < QUIET_MS) { setTimeout(() => step(i), 250); return; }
      import(new URL(files[i], entry.src).href).catch(() => {}).finally(() => { touch(); step(i + 1); });
    };
    step(0);
  };
  fetch(entry.src).then((r) => r.text()).then((code) => {
    const files = [];
    for (const name of names) {
      const m = code.match(new RegExp("\\\\./" + name + "\\\\.[\\\\w-]+\\\\.js"));
      if (m) files.push(m[0]);
    }
    run(files);
  }).catch(() => {});
})();
</script>"""


def chunk_files() -> list[str]:
    """The file names of CHUNKS in this Streamlit installation (a missing one is left out)."""
    return [found[0].name for c in CHUNKS if (found := sorted(STATIC_JS.glob(f"{c}.*.js")))]


def install() -> None:
    """Draw the script (hidden; it runs once per page load). Call it after the page is drawn."""
    with st.container(key="pb_browser_warmup"):
        st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
