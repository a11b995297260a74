"""The one way the app hands HTML to Streamlit besides constant style sheets.

Only `markupsafe.Markup` is accepted: it is escaped by construction (`Markup(...).format(value)`
escapes every value; the HTML export escapes planner text through Jinja2's autoescape), so
planner text can never become markup on the page. `tests/hostile` checks that every other
`st.html` call passes a constant.
"""

from __future__ import annotations

import streamlit as st
from markupsafe import Markup


def show(fragment: Markup) -> None:
    if not isinstance(fragment, Markup):
        raise TypeError("HTML for the page must be markupsafe.Markup, with user text escaped")
    st.html(str(fragment))
