"""The date picker's calendar in Japanese, even in a browser set to English (issue 13).

Streamlit 1.67 draws the calendar in the browser's language: in an English browser the tester
saw 「March 2020」, weekday letters S M T W T F S, 「Choose date, March 2020」 and day labels
such as 「Sunday, March 1, 2020」 for screen readers. The app's fixed script (chrome_ja) reports
the language as Japanese and translates Streamlit's own calendar strings. The test opens the
策定日 field's calendar in an en-US browser, moves a month on, and finds no English month or
weekday name in the calendar's text or labels. Screenshots go to test-artifacts/calendar_ja/.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, IDLE, IN_BROWSER

pytestmark = pytest.mark.browser
WAIT = 60_000
MONTHS = "January February March April May June July August September October November December"
DAYS = "Sunday Monday Tuesday Wednesday Thursday Friday Saturday"
ENGLISH = re.compile(
    r"\b("
    + "|".join([*MONTHS.split(), *DAYS.split(), "Choose", "Use arrow keys", "year", "month", "day"])
    + r")\b"
)
_SEEN = """el => [el.innerText, ...[el, ...el.querySelectorAll('*')].flatMap(
  e => ['aria-label', 'title', 'aria-valuetext'].map(a => e.getAttribute(a)).filter(Boolean))].join('\\n')"""


@pytest.fixture
def plan_db(sample_db) -> tuple[str, int]:
    return sample_db(n_measures=2, n_kpis=1)


def test_calendar_is_japanese_in_an_english_browser(app_server, chromium, plan_db) -> None:
    from playwright.sync_api import expect

    url, pid = plan_db
    base = app_server(url)
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
    outside: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith((base, *IN_BROWSER)) else outside.append(r.url))
        folder = ARTIFACTS / "calendar_ja"
        folder.mkdir(parents=True, exist_ok=True)
        assert page.evaluate("navigator.language") == "en-US"
        page.goto(f"{base}/wizard?plan={pid}&chapter=positioning")
        field = page.get_by_test_id("stDateInput").filter(has_text="策定日")
        expect(field).to_be_visible(timeout=WAIT)
        page.wait_for_selector(IDLE, timeout=WAIT)
        field.scroll_into_view_if_needed()
        assert not ENGLISH.findall(field.evaluate(_SEEN))  # the field's parts: 年、月、日

        field.get_by_test_id("stDateInputCalendarButton").click()
        calendar = page.get_by_test_id("stDateInputCalendar")
        expect(calendar).to_be_visible(timeout=WAIT)
        expect(calendar.locator("thead")).to_have_text("日月火水木金土")
        expect(calendar.locator('header h2[aria-hidden="true"]')).to_have_text(
            re.compile(r"^\d{4}年\d{1,2}月$")
        )
        page.screenshot(path=str(folder / "01_calendar.png"))
        found = ENGLISH.findall(calendar.evaluate(_SEEN))
        assert not found, found

        calendar.get_by_role("button", name="次の月").click()  # a redrawn month stays Japanese
        page.wait_for_timeout(200)  # the calendar redraws in the browser alone (no script run)
        page.screenshot(path=str(folder / "02_next_month.png"))
        found = ENGLISH.findall(calendar.evaluate(_SEEN))
        assert not found, found
        days = calendar.locator('[role="gridcell"] [role="button"]')
        assert re.fullmatch(
            r"\d{4}年\d{1,2}月\d{1,2}日[日月火水木金土]曜日", days.first.get_attribute("aria-label") or ""
        )
    finally:
        context.close()
    assert outside == [], outside
