"""Time to the first page and to each page's first visit, in a real browser on a real server.

Starts the app as scripts/run_app.sh does (`python -m plan_builder.ui.launch run app.py`) on a
free 127.0.0.1 port with a fresh SQLite store holding one sample plan (25 measures, 15 KPIs),
opens it in Debian's headless Chromium through Playwright, and clicks every page of the sidebar
once, then once more. A page counts as shown when the app's script has finished (its own idle
state) and the browser has drawn what it sent: no element still waiting for its code
(Streamlit's loading skeleton) and every chart drawn (plotly's SVG) — never after a fixed sleep.
Without the second condition a chart's drawing was counted to the next page. Targets: each first
visit under 2 s. Optionally saves a screenshot of each page (--shots DIR) for a person to look at.

    .venv/bin/python bench/first_page.py [--width 1366 --height 768] [--shots test-artifacts/bench]
                                         [--read-first SECONDS]

By default the clicks follow each other at once, the worst case for the warm-ups (they yield to
the user and get no quiet moment). --read-first stays that long on the first page before the
first click, as a person reading it would, so the figures show what the warm-ups give them.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-script-state="notRunning"]'
TIMEOUT_MS = 60_000
HEADING = '[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)'
# Drawn: no element waiting for its lazily loaded code, every plotly chart with its SVG.
DRAWN = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || main.querySelector('[data-testid="stSkeleton"]')) return false;
  return [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the server did not answer its health check at {url}")


def _idle(page, path: str | None = None, before: str | None = None) -> None:
    """Until the page at `path` is shown and the script run that drew it has finished."""
    try:
        if path is not None:  # the address changes when the new page's run starts
            page.wait_for_function("p => location.pathname === p", arg=path, timeout=TIMEOUT_MS)
        page.wait_for_selector(HEADING, state="attached", timeout=TIMEOUT_MS)  # drew its own content
        if before is not None:  # ... and not the previous page's heading
            page.wait_for_function(
                "([sel, old]) => document.querySelector(sel)?.textContent !== old",
                arg=[HEADING, before],
                timeout=TIMEOUT_MS,
            )
        page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
        page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")  # painted
    except Exception:
        shot = Path(tempfile.gettempdir()) / "first_page_timeout.png"
        page.screenshot(path=str(shot))
        print(f"timed out; the page as it was: {shot}", file=sys.stderr)
        raise


def _slug(href: str) -> str:
    path = urlsplit(href).path.strip("/") or "home"
    return re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "page"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--shots", help="folder for one screenshot per page")
    parser.add_argument("--read-first", type=float, default=0.0, help="seconds on the first page")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="pb-first-page-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PLAN_BUILDER_HOME": tmp}
    env.pop("PLAN_BUILDER_MODE", None)
    os.environ.update(env)
    from plan_builder.auth import Actor
    from plan_builder.guide import get_guide
    from plan_builder.samples import sample_plan
    from plan_builder.service import PlanService
    from plan_builder.store import Store

    store = Store.open(env["DATABASE_URL"])
    guide = get_guide("kanmin-2019-municipality")
    plan_id = PlanService(store, Actor.local()).create(sample_plan(guide, n_measures=25, n_kpis=15)).id
    store.engine.dispose()

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(Path(tmp) / "server.log", "w")  # noqa: SIM115
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "plan_builder.ui.launch", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_healthy(url, server)
        print(f"server_start_to_health: {time.perf_counter() - t0:.2f} s")
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": args.width, "height": args.height}).new_page()
            t = time.perf_counter()
            page.goto(f"{url}/?plan={plan_id}")
            _idle(page)
            print(f"first_page: {time.perf_counter() - t:.2f} s")
            hrefs = page.eval_on_selector_all(
                '[data-testid="stSidebarNav"] a', "els => els.map(e => e.getAttribute('href'))"
            )
            shots = Path(args.shots) if args.shots else None
            if shots:
                shots.mkdir(parents=True, exist_ok=True)
            first: list[float] = []
            if args.read_first > 0:  # a reader's pause, not a wait for the app
                page.wait_for_timeout(args.read_first * 1000)
                print(f"read_first: {args.read_first:.1f} s")
            for rounds, label in ((1, "first_visit"), (2, "revisit")):
                for index, href in enumerate(hrefs):
                    path = urlsplit(href).path or "/"
                    if page.evaluate("p => location.pathname === p", path):
                        continue  # already here (the first page)
                    before = page.text_content(HEADING)
                    # by position: the app adds the open plan (?plan=) to a link's address on hover
                    link = page.locator('[data-testid="stSidebarNav"] a').nth(index)
                    t = time.perf_counter()
                    link.click()
                    _idle(page, path, before)
                    took = time.perf_counter() - t
                    print(f"{label}_{_slug(href)}: {took:.2f} s")
                    if rounds == 1:
                        first.append(took)
                        if shots:
                            page.screenshot(
                                path=str(shots / f"{len(first):02d}_{_slug(href)}.png"), full_page=True
                            )
            if first:
                print(f"first_visit_slowest: {max(first):.2f} s")
                print(f"first_visits_over_2s: {sum(t > 2 for t in first)} pages")
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    print(f"viewport: {args.width}x{args.height} px")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
