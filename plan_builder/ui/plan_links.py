"""Page links that carry the open plan, so a link opened in a new tab shows the same plan.

Streamlit's sidebar links and `st.page_link` point at the bare page (`/wizard`): a click inside
the tab keeps the plan (it is in the session), but a middle-click, Ctrl+click or 「新しいタブで
開く」 starts a new session with no `?plan=` and showed no plan. Just before the browser can follow
such a link (mouse down, context menu, keyboard, focus, hover) a constant script (through
st.html, nothing loaded from outside) copies this tab's `?plan=` (digits only) onto the link.
Streamlit also took Ctrl+click for itself (it switched the page in the same tab); the script
hands a click with Ctrl, ⌘ or Shift back to the browser.
The new tab opens the plan the usual way, so the same permission check applies as to any
address: a plan the user may not open is refused there.
"""

from __future__ import annotations

import streamlit as st

_SCRIPT = """<script>
if (!window.__pbPlanLinks) {
  window.__pbPlanLinks = true;
  const LINKS = '[data-testid="stSidebarNav"] a[href], [data-testid="stPageLink"] a[href]';
  const carry = (event) => {
    const a = event.target instanceof Element ? event.target.closest(LINKS) : null;
    if (!a) return;
    const url = new URL(a.getAttribute("href"), location.href);
    if (url.origin !== location.origin) return;
    const plan = new URLSearchParams(location.search).get("plan");
    if (plan && /^[0-9]{1,12}$/.test(plan)) url.searchParams.set("plan", plan);
    else url.searchParams.delete("plan");
    const href = url.pathname + url.search;
    if (a.getAttribute("href") !== href) a.setAttribute("href", href);
  };
  for (const type of ["mousedown", "contextmenu", "keydown", "focusin", "mouseover"]) {
    document.addEventListener(type, carry, true);
  }
  // Streamlit handles every click on its links in the tab, Ctrl+click too: leave that one to the
  // browser (a new tab), as on any other page.
  document.addEventListener("click", (event) => {
    if (!(event.ctrlKey || event.metaKey || event.shiftKey)) return;
    const a = event.target instanceof Element ? event.target.closest(LINKS) : null;
    if (!a) return;
    carry(event);
    event.stopPropagation();
  }, true);
}
</script>"""


def install() -> None:
    """Draw the script (the browser runs it once per page load)."""
    with st.sidebar:
        st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
