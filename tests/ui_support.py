"""Helpers for the AppTest page tests (test_ui_*.py): open the app on a page, find widgets by
label, read the page's text. The `app_env` fixture in conftest.py points the app at the test's
database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app(plan_id: int | None, page: str | None = None, username: str | None = None) -> AppTest:
    """Run app.py (as `username` when given, with ?plan=ID when given), switch to `page` (a path
    like plan_builder/ui/pages/wizard.py; None stays on home) and fail on any exception."""
    at = AppTest.from_file(APP, default_timeout=30)
    if username:
        at.session_state["pb_auth_user"] = username
    if plan_id is not None:
        at.query_params["plan"] = str(plan_id)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def cookie_written(at: AppTest) -> AppTest:
    """What the browser does after a fresh sign-in (AppTest has no frontend): report the held
    sign-in's ticket as the written cookie, then run, so the page the user asked for shows."""
    hold = at.session_state["pb_auth_hold"]
    at.session_state["pb_auth_cookie_written"] = hold[0]
    return at.run()


def by_label(elements: Any, label: str) -> Any:
    found = [e for e in elements if e.label == label]
    assert found, f"no element labelled {label!r}; have {[e.label for e in elements]}"
    return found[0]


def texts(at: AppTest) -> str:
    """All text the page shows in markdown, captions and status boxes, one element a line."""
    return "\n".join(
        str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.info, *at.warning, *at.success]
    )
