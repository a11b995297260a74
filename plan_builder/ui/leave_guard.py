"""A browser warning before leaving the page while a field holds typing not yet saved (issue 9).

Streamlit shows its "Press Enter to apply" hint (`data-testid="InputInstructions"`) exactly while a
text field holds typing that has not reached the server, and the app marks text it kept during a
storage failure with `#pb-unsaved`; while either is on the page, `beforeunload` asks the browser to
confirm. A few lines of script through st.html (not iframed, nothing loaded from outside).
"""

from __future__ import annotations

import streamlit as st

_SCRIPT = """<script>
if (!window.__pbLeaveGuard) {
  window.__pbLeaveGuard = true;
  window.addEventListener("beforeunload", (event) => {
    if (document.querySelector('[data-testid="InputInstructions"], #pb-unsaved')) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
</script>"""


_MARKER = '<div id="pb-unsaved"></div>'


def install(unsaved: bool) -> None:
    """Draw the guard (the browser runs it once per page load) and the marker for kept text."""
    with st.sidebar:
        st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
        if unsaved:
            st.html(_MARKER, width="content")
