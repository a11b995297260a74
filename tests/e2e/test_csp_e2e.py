"""The security headers documented for nginx (docs/DEPLOYMENT.md, 2.5) do not break the app:
Chromium loads the app with the documented Content-Security-Policy and the other headers added
to every response, draws the home page, and reports no CSP violation. All on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_builder.store import Store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE

pytestmark = pytest.mark.browser

DOC = Path(__file__).resolve().parents[2] / "docs" / "DEPLOYMENT.md"


def documented_headers() -> dict[str, str]:
    return dict(
        re.findall(r'^\s*add_header ([\w-]+) "([^"]*)" always;', DOC.read_text(encoding="utf-8"), re.M)
    )


def test_documented_headers_are_complete() -> None:
    headers = documented_headers()
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
                 "Strict-Transport-Security"):  # fmt: skip
        assert name in headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_app_works_under_the_documented_headers(
    tmp_path: Path, app_server: Callable[..., str], chromium: Any
) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    db = f"sqlite:///{tmp_path / 'e2e.db'}"
    Store.open(db).engine.dispose()
    url = app_server(db)
    headers = documented_headers()
    headers["Content-Security-Policy"] = headers["Content-Security-Policy"].replace(
        "wss://plan.example.lg.jp", url.replace("http://", "ws://")
    )
    headers.pop("Strict-Transport-Security")  # meaningful over HTTPS only
    # A response fulfilled by page.route has no network address, so Chromium's Local Network
    # Access check would block the page's WebSocket to 127.0.0.1; this browser skips that check.
    browser = chromium.browser_type.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"]
    )
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    def with_headers(route: Any) -> None:
        # Like a browser, try again when the server closed a kept-alive connection as it was
        # reused (「socket hang up」 once on a loaded machine); a browser retries such a request.
        for attempt in range(3):
            try:
                response = route.fetch()
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
        route.fulfill(response=response, headers={**response.headers, **headers})

    try:
        page.route("**/*", with_headers)
        page.goto(url)
        expect(page.get_by_role("heading", name="官民データ活用推進計画 作成支援")).to_be_visible(
            timeout=30000
        )
        page.wait_for_selector(IDLE, timeout=30000)
        assert page.evaluate("() => document.readyState") == "complete"
        headers_seen = page.evaluate("async () => (await fetch('/')).headers.get('content-security-policy')")
        assert headers_seen and "frame-ancestors" in headers_seen
    finally:
        page.unroute_all(behavior="ignoreErrors")  # a request still routed must not fail the next test
        browser.close()
    assert not violations, violations[:3]
    assert not errors, errors[:3]
