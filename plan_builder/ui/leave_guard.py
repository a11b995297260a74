"""A browser warning before leaving the page while a field holds typing not yet saved (issue 9).

Streamlit shows its "Press Enter to apply" hint (`data-testid="InputInstructions"`, also in
chrome_ja's Japanese 「Enterキーで確定」) exactly while a text field holds typing that has not reached
the server (the same element shows a field's character count 「4/30」 at other times: not typing), and the app marks text it kept during a
storage failure with `#pb-unsaved`; while either is on the page, `beforeunload` asks the browser to
confirm. A few lines of script through st.html (not iframed, nothing loaded from outside).
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


_MARKER = '<div id="pb-unsaved"></div>'


def install(unsaved: bool) -> None:
    """Draw the guard (the browser runs it once per page load) and the marker for kept text."""
    with st.sidebar:
        st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
        if unsaved:
            st.html(_MARKER, width="content")
