"""Reproduces issue 9's open case (not a test: it shows a fault not yet fixed).

A planner types 現状値の基準日, moves the mouse to a 目標値 cell, clicks and types at once (60 ms
per key), then Enter; four KPIs in turn. On a loaded 2-core machine the table's first keys are
dropped: 500 was stored as 0, 502 as 2, 503 as 3 (1 of 4 kept), without any message. The same
typing with no field edited before keeps 3 of 4 (the first, on a fresh page, stored 0). The keys
arrive before the table (Streamlit's data editor, a canvas grid) has taken the click's
selection; a field saved on that click makes the browser busier and more keys are lost.

Run: .venv/bin/python scripts/repro_kpi_target_after_click.py [--no-field]
Prints one line per KPI and `kept N of 4`."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plan_builder.auth.actor import Actor  # noqa: E402
from plan_builder.guide import get_guide  # noqa: E402
from plan_builder.samples import sample_plan  # noqa: E402
from plan_builder.service import PlanService  # noqa: E402
from plan_builder.store import Store  # noqa: E402

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip


def main() -> None:
    from playwright.sync_api import sync_playwright

    edit_date = "--no-field" not in sys.argv
    tmp = Path(tempfile.mkdtemp())
    db = f"sqlite:///{tmp / 'repro.db'}"
    store = Store.open(db)
    plan = sample_plan(get_guide("kanmin-2019-municipality"), lg_code="033227", lg_name="矢巾町", n_kpis=4)
    kpis = [
        k.model_copy(update={"baseline": k.baseline.model_copy(update={"as_of": None}), "targets": {}})
        for k in plan.kpis
    ]
    plan = plan.model_copy(update={"kpis": kpis})
    pid = PlanService(store, Actor.local()).create(plan).id
    years = sorted(plan.period.years)
    port = 8600 + int(time.time()) % 300
    env = {"DATABASE_URL": db, "PLAN_BUILDER_HOME": str(tmp), "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    kept = 0
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/_stcore/health")
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="ja-JP")
            for i, kpi in enumerate(plan.kpis):
                page.goto(f"{url}/kpis?plan={pid}&kpi={kpi.key}")
                page.wait_for_selector(IDLE, timeout=60_000)
                page.wait_for_timeout(1000)
                grid = page.locator("[data-testid='stDataFrame']").first
                grid.scroll_into_view_if_needed()
                if edit_date:
                    page.get_by_role("textbox", name="現状値の基準日", exact=True).click()
                    page.keyboard.type(f"2025/0{i + 1}/15", delay=60)
                box = grid.bounding_box()
                row = i % 3
                x, y = box["x"] + box["width"] * 0.5, box["y"] + 36 + 35 * row + 17
                page.mouse.move(x, y, steps=8)
                page.mouse.click(x, y)
                page.keyboard.type(str(500 + i), delay=60)
                page.keyboard.press("Enter")
                for _ in range(3):
                    page.wait_for_timeout(700)
                    page.wait_for_selector(IDLE, timeout=60_000)
                check = Store.open(db, load_lgs=False)
                stored = check.get_plan(pid).plan.kpi(kpi.key)
                check.engine.dispose()
                got = stored.targets.get(years[row])
                print(f"{kpi.key} typed {500 + i} stored {got} date {stored.baseline.as_of}", flush=True)
                kept += got == 500 + i
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"kept {kept} of 4")


if __name__ == "__main__":
    main()
