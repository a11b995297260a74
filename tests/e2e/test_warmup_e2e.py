"""The browser's half of the warm-up (issue 13): while the user stays on the first page, the
browser loads Streamlit's table, chart and date code from the app's own server, so the KPI page's
first visit does not wait for plotly.js (4.7 MB) to be compiled. Nothing leaves 127.0.0.1 (the
app_page fixture fails the test otherwise), and the favicon is drawn in the browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_builder.ui.browser_warmup import chunk_files

pytestmark = pytest.mark.browser

LOADED = """files => files.every(f => performance.getEntriesByType('resource').some(e => e.name.endsWith('/static/js/' + f)))"""


def test_the_first_page_loads_chart_and_table_code_in_a_quiet_moment(
    app_server, app_page, tmp_path: Path
) -> None:
    url = app_server(f"sqlite:///{tmp_path}/app.db")
    app = app_page(url, "warmup")
    app.page.goto(url)
    app.idle()
    files = chunk_files()
    assert files, "Streamlit's chunk names were not found"
    app.page.wait_for_function(LOADED, arg=files, timeout=60_000)  # without visiting another page
    assert app.page.evaluate("location.pathname") == "/"
    icon = app.page.evaluate("document.querySelector('link[rel*=icon]')?.href || ''")
    assert icon.startswith("data:image/svg+xml")  # 📘 drawn from the shortcode, not fetched
