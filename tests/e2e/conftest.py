"""What every browser test needs, so each test file holds only its scenario.

- `app_server(database_url, mode=None)` starts `streamlit run app.py` on a free 127.0.0.1 port
  with DATABASE_URL, PLAN_BUILDER_HOME (the test's tmp_path) and, when given,
  PLAN_BUILDER_MODE; it returns the URL once /_stcore/health answers, and stops the server after
  the test.
- `app_page(url, artifacts, ...)` opens a page in Debian's headless Chromium, launched once per
  session with the closed-network flags. Every request the page makes is recorded: after the
  test, any request that went anywhere but the app's own 127.0.0.1 address fails it.
- `AppPage.idle()` waits until the app's script has finished; `AppPage.shot(name)` waits, then
  saves a numbered screenshot to test-artifacts/<artifacts>/ (gitignored) for a person to look at.
- When a test fails, every page it opened is photographed to test-artifacts/FAILED/ and its text
  and the end of each server's log are printed: a failure seen once in a loop or in CI can be read
  afterwards (one was not: a KPI field not found, with no picture of the page).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
IN_BROWSER = ("data:", "blob:")  # never leave the browser
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Until Streamlit answers its health check; the server log is the error if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.2)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    """Keep each phase's report on the test item, for the fixtures' failure diagnostics."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    report = getattr(request.node, "report_call", None)
    return report is not None and report.failed


@pytest.fixture
def app_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., str]]:
    """A function that starts the app on `database_url` and returns its base URL."""
    running: list[tuple[subprocess.Popen, Any]] = []

    def start(database_url: str, *, mode: str | None = None, extra_env: dict[str, str] | None = None) -> str:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "PLAN_BUILDER_HOME": str(tmp_path)}
        env.update(extra_env or {})
        if mode is not None:
            env["PLAN_BUILDER_MODE"] = mode
        log_path = tmp_path / f"server-{port}.log"
        log = open(log_path, "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        running.append((proc, log))
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, proc, log_path)
        return url

    try:
        yield start
    finally:
        for proc, log in running:
            if _failed(request):
                log.flush()
                tail = Path(log.name).read_text(errors="replace").splitlines()[-40:]
                print(f"--- end of {Path(log.name).name} ---", *tail, sep="\n")
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            log.close()


@pytest.fixture
def sample_db(tmp_path: Path) -> Callable[..., tuple[str, int]]:
    """A function that stores one sample plan in a fresh SQLite file: (database URL, plan id)."""

    def make(*, n_measures: int, n_kpis: int) -> tuple[str, int]:
        from plan_builder.auth.actor import Actor
        from plan_builder.guide import get_guide
        from plan_builder.samples import sample_plan
        from plan_builder.service import PlanService
        from plan_builder.store import Store

        url = f"sqlite:///{tmp_path / 'sample.db'}"
        store = Store.open(url)
        plan = sample_plan(get_guide("kanmin-2019-municipality"), n_measures=n_measures, n_kpis=n_kpis)
        pid = PlanService(store, Actor.local()).create(plan).id
        store.engine.dispose()
        return url, pid

    return make


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session (each test gets its own browser context)."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class AppPage:
    """A Playwright page on the app, with waiting and numbered screenshots."""

    def __init__(self, page: Any, artifacts: Path, *, settle_ms: int, timeout_ms: int, full_page: bool):
        self.page = page
        self.artifacts = artifacts
        self.settle_ms = settle_ms
        self.timeout_ms = timeout_ms
        self.full_page = full_page
        self.step = 0
        self.waits: list[float] = []  # seconds spent in idle(), for the timing printout
        self.started = time.monotonic()

    def idle(self) -> None:
        """Wait until the app's script has run to the end (after a click or an edit)."""
        t0 = time.monotonic()
        self.page.wait_for_timeout(self.settle_ms)
        self.page.wait_for_selector(IDLE, timeout=self.timeout_ms)
        self.page.wait_for_timeout(100)
        self.waits.append(time.monotonic() - t0)

    def click_straight(self, target: Any, typing_in: Any) -> None:
        """Click `target` as a person does right after typing in `typing_in`, without leaving it:
        scroll it into sight (the cursor stays in `typing_in`), move the mouse there, click.

        Measured before the first field's click had scrolled the page, a target was once below the
        window (y 1009 of 900): the click hit nothing and the keys typed next went nowhere."""
        from playwright.sync_api import expect

        target.scroll_into_view_if_needed()
        expect(typing_in).to_be_focused()
        box = target.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= self.page.viewport_size["height"], box
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y, steps=8)
        self.page.mouse.click(x, y)

    def shot(self, name: str, full: bool | None = None) -> None:
        self.step += 1
        self.idle()
        path = self.artifacts / f"{self.step:02d}_{name}.png"
        self.page.screenshot(path=str(path), full_page=self.full_page if full is None else full)
        print(f"{time.monotonic() - self.started:6.1f}s {name}")


def _photograph(test: str, pages: list[Any]) -> None:
    """Each open page of a failed test: a screenshot in test-artifacts/FAILED/, its text printed."""
    folder = ARTIFACTS / "FAILED"
    folder.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        try:
            page.screenshot(path=str(folder / f"{test}_{i}.png"), timeout=10_000)
            text = page.locator("body").inner_text(timeout=10_000)
        except Exception as exc:  # a diagnostic must not hide the test's own failure
            text = f"(not readable: {exc})"
        print(f"--- page {i}: {page.url} ---", text[:3000], sep="\n")


@pytest.fixture
def app_page(chromium: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., AppPage]]:
    """A function that opens a page for the app at `url`; afterwards no request may have left it."""
    opened: list[tuple[Any, str, list[str]]] = []

    def open_page(
        url: str,
        artifacts: str,
        *,
        width: int = 1366,
        height: int = 900,
        settle_ms: int = 150,
        timeout_ms: int = 60000,
        full_page: bool = False,
    ) -> AppPage:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="ja-JP")
        outside: list[str] = []
        opened.append((context, url, outside))
        page = context.new_page()
        page.on("request", lambda r: None if r.url.startswith((url, *IN_BROWSER)) else outside.append(r.url))
        folder = ARTIFACTS / artifacts
        folder.mkdir(parents=True, exist_ok=True)
        return AppPage(page, folder, settle_ms=settle_ms, timeout_ms=timeout_ms, full_page=full_page)

    yield open_page
    if _failed(request):
        _photograph(request.node.name, [p for context, _, _ in opened for p in context.pages])
    for context, _, _ in opened:
        context.close()
    for _, url, outside in opened:
        assert outside == [], f"requests left {url}: {outside[:5]}"
