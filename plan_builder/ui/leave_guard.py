"""A browser warning before leaving the page while a field holds typing not yet saved (issue 9).

Streamlit shows its "Press Enter to apply" hint (`data-testid="InputInstructions"`, also in
chrome_ja's Japanese 「Enterキーで確定」) exactly while a text field holds typing that has not reached
the server (the same element shows a field's character count 「4/30」 at other times: not typing), and the app marks text it kept during a
storage failure with `#pb-unsaved`; while either is on the page, `beforeunload` asks the browser to
confirm. A few lines of script through st.html (not iframed, nothing loaded from outside).

The same goes for the app's own page links (sidebar, st.page_link): a click on one while a field
holds unsaved typing waits until the field's save has run, then goes on. Streamlit's browser side
sends the field's value (on blur) after the link's page switch when the browser is busy; the server
then ran the old page instead of the new one, the browser showed that page with every field empty
(its values dropped with the switch) while the server held the saved text, and the link did nothing
when clicked again (browser test, loaded machine: 3 of 9 runs; typing into such an empty-looking
field would have saved the fragment over the text).
"""

from __future__ import annotations

import streamlit as st

_SCRIPT = """<script>
if (!window.__pbLeaveGuard) {
  window.__pbLeaveGuard = true;
  window.addEventListener("beforeunload", (event) => {
    // the hint says "Enter" only while typing is unsaved; with max_chars it also holds a count
    const hints = document.querySelectorAll('[data-testid="InputInstructions"]');
    const typing = Array.from(hints).some((hint) => hint.textContent.includes("Enter"));
    if (typing || document.querySelector("#pb-unsaved")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
</script>"""


# At pointerdown on a page link (before the field loses focus) the hint tells whether a field holds
# unsaved typing; if so, the app's script state is watched from then on. The click waits until the
# field's save run has been seen to start and end (none within 2 s: nothing was sent; at most 15 s),
# then the link is clicked again, so the browser sends the switch after the field's value.
_NAV_AFTER_SAVE = """<script>
if (!window.__pbNavAfterSave) {
  window.__pbNavAfterSave = true;
  const LINKS = '[data-testid="stSidebarNav"] a, [data-testid="stPageLink"] a';
  const app = () => document.querySelector('[data-testid="stApp"]');
  const idle = () => app()?.dataset.testScriptState === "notRunning";
  const typing = () => Array.from(document.querySelectorAll('[data-testid="InputInstructions"]'))
    .some((hint) => hint.textContent.includes("Enter"));
  const linkOf = (event) => (event.target instanceof Element ? event.target.closest(LINKS) : null);
  let watch = null, replaying = false;
  document.addEventListener("pointerdown", (event) => {
    if (watch) watch.observer.disconnect();
    watch = null;
    if (!linkOf(event) || !typing() || !app()) return;
    const w = { sawRun: false, onIdle: null };
    w.observer = new MutationObserver(() => {
      if (!idle()) w.sawRun = true;
      else if (w.sawRun && w.onIdle) w.onIdle();
    });
    w.observer.observe(app(), { attributes: true, attributeFilter: ["data-test-script-state"] });
    watch = w;
  }, true);
  document.addEventListener("click", (event) => {
    const link = linkOf(event), w = watch;
    if (!link || replaying || !w) return;
    watch = null;
    const plain = event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey;
    if (!plain || (w.sawRun && idle())) { w.observer.disconnect(); return; }  // saved already
    event.preventDefault();
    event.stopImmediatePropagation();
    let done = false, noRun = 0, tooLong = 0;
    const go = () => {
      if (done) return;
      done = true;
      w.observer.disconnect();
      clearTimeout(noRun);
      clearTimeout(tooLong);
      replaying = true;
      try { link.click(); } finally { replaying = false; }
    };
    w.onIdle = go;
    noRun = setTimeout(() => { if (!w.sawRun) go(); }, 2000);
    tooLong = setTimeout(go, 15000);
  }, true);
}
</script>"""

_MARKER = '<div id="pb-unsaved"></div>'


def install(unsaved: bool) -> None:
    """Draw the guards (the browser runs each once per page load) and the marker for kept text."""
    with st.sidebar:
        st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
        st.html(_NAV_AFTER_SAVE, unsafe_allow_javascript=True, width="content")
        if unsaved:
            st.html(_MARKER, width="content")
