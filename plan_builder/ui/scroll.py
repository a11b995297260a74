"""Scrolling after a step the user took: to the top after a chapter change, to a question opened
from 点検's 「修正する」, to the measures page's editor box opened from the 工程表 page.

A constant script (`st.components.v2`, part of Streamlit, nothing loaded from outside) receives as
data only one of the fixed target names below and a one-off id, never user text. The request is
kept in the session by the callback and drawn once, at the end of the next run, so the page the
script scrolls is already drawn above it.
"""

from __future__ import annotations

import uuid

import streamlit as st

TOP = "top"
FOCUSED = "pb_focused_question"  # the container key of the question opened from 点検
SCHEDULE = "pb_schedule_editor"  # the container key of the measures page's editor box (fields and 工程)
_TARGETS = (TOP, FOCUSED, SCHEDULE)
_REQUEST = "pb_scroll"

_JS = """export default function (component) {
  const d = component.data || {};
  window.__pbScrolled = window.__pbScrolled || new Set();
  if (!d.id || window.__pbScrolled.has(d.id)) return;
  window.__pbScrolled.add(d.id);
  let tries = 0;
  const go = () => {
    if (d.target === "top") {
      const main = document.querySelector('[data-testid="stMain"]');
      if (main) main.scrollTop = 0;
      window.scrollTo(0, 0);
      return;
    }
    const el = document.querySelector(".st-key-" + d.target);
    if (el) {
      el.scrollIntoView({ block: "start" });
    } else if (++tries < 40) {
      setTimeout(go, 50);
    }
  };
  go();
}"""

# The highlight of the question opened from 点検: a blue frame and tint (not red: red means error).
_CSS = """<style>
.st-key-pb_focused_question {
  outline: 3px solid #0017C1; outline-offset: 2px; background: #E8F1FE; border-radius: 8px;
  scroll-margin-top: 4rem;
}
.st-key-pb_schedule_editor { scroll-margin-top: 4rem; }
</style>"""


def request(target: str) -> None:
    """Ask for a scroll on the next run (call it from a callback or before `st.switch_page`)."""
    if target not in _TARGETS:
        raise ValueError(f"unknown scroll target {target!r}")
    st.session_state[_REQUEST] = (target, uuid.uuid4().hex)


def pending() -> str | None:
    """The target of a scroll asked for and not yet drawn (for tests and the page's own logic)."""
    req = st.session_state.get(_REQUEST)
    return req[0] if req else None


def highlight_style() -> None:
    """The fixed style of the highlighted question and of the scroll targets."""
    st.html(_CSS)


def apply() -> None:
    """Draw the scroll asked for, once. Call it last on the page."""
    req = st.session_state.pop(_REQUEST, None)
    if req is None:
        return
    target, one_off = req
    script = st.components.v2.component("pb_scroll", js=_JS)
    script(data={"target": target, "id": one_off}, key="pb_scroll_script", width="content", height="content")
