"""End to end in headless Chromium, shared mode: planner A logs in and tries to open planner B's
plan by putting its id in the URL (`/wizard?plan=ID`). The app says 見つかりません and shows
nothing of B's plan; A's own plan opens the same way (the control).

Uses PostgreSQL when TEST_DATABASE_URL is set (the shared deployment's database), else SQLite.
Screenshots go to test-artifacts/isolation/ (gitignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "isolation"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PW = "harukaze-2026"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(tmp_path: Path) -> str:
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        return f"sqlite:///{tmp_path / 'shared.db'}"
    from sqlalchemy.engine import make_url

    base = (
        base.replace("postgresql://", "postgresql+psycopg://", 1)
        if base.startswith("postgresql://")
        else base
    )
    name = f"e2e_{os.getpid()}_{int(time.time())}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def shared_server(tmp_path: Path) -> Iterator[tuple[str, int, int]]:
    db = _database(tmp_path)
    store = Store.open(db)
    guide = get_guide("kanmin-2019-municipality")
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("planner-a", role="planner", org_code="033227", password=PW, display_name="矢巾 太郎")
    admin.add("planner-b", role="planner", org_code="011002", password=PW)
    a = PlanService(store, Actor("planner-a", Role.PLANNER, org_code="033227"))
    b = PlanService(store, Actor("planner-b", Role.PLANNER, org_code="011002"))
    a_id = a.create(sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)).id
    b_plan = sample_plan(guide, lg_code="011002", lg_name="札幌市", n_measures=1, n_kpis=1)
    b_id = b.create(b_plan.model_copy(update={"title": "札幌市の秘密の計画"})).id
    store.engine.dispose()

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db,
        "PLAN_BUILDER_MODE": "shared",
        "PLAN_BUILDER_HOME": str(tmp_path),
    }
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError((tmp_path / "server.log").read_text())
            time.sleep(0.2)
        yield url, a_id, b_id
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if db.startswith("postgresql"):
            from sqlalchemy.engine import make_url

            u = make_url(db)
            admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
            admin.dispose()


def _login(page, username: str) -> None:
    page.get_by_label("利用者名").fill(username)
    page.get_by_label("パスワード").fill(PW)
    page.get_by_role("button", name="ログイン").click()


def test_planner_cannot_open_other_organisations_plan_by_url(shared_server) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, a_id, b_id = shared_server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith((url, "data:")) else outside.append(r.url))
        try:
            # B's plan id typed into the address bar: first the login screen, nothing of the plan.
            page.goto(f"{url}/wizard?plan={b_id}")
            expect(page.get_by_label("パスワード")).to_be_visible(timeout=20_000)
            expect(page.get_by_text("札幌市の秘密の計画")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "1-login.png"))
            # After A logs in, the requested address is honoured, and the plan is not found.
            _login(page, "planner-a")
            expect(page.get_by_text(f"計画（ID {b_id}）が見つかりません").first).to_be_visible(timeout=20_000)
            expect(page.get_by_text("札幌市の秘密の計画")).to_have_count(0)
            expect(page.get_by_text("札幌市")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "2-not-found.png"))

            # Control: A's own plan opens by the same kind of address.
            page.goto(f"{url}/wizard?plan={a_id}")
            expect(page.get_by_label("パスワード")).to_be_visible(timeout=20_000)
            _login(page, "planner-a")
            expect(page.get_by_text("矢巾町官民データ活用推進計画").first).to_be_visible(timeout=20_000)
            expect(page.get_by_text("見つかりません")).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / "3-own-plan.png"))
        finally:
            browser.close()
    assert outside == [], f"requests left the server: {outside[:5]}"
