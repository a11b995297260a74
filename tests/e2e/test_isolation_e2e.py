"""End to end in headless Chromium, shared mode: planner A logs in and tries to open planner B's
plan by putting its id in the URL (`/wizard?plan=ID`). The app says 見つかりません and shows
nothing of B's plan; A's own plan opens the same way (the control).

Uses PostgreSQL when TEST_DATABASE_URL is set (the shared deployment's database), else SQLite.
Screenshots go to test-artifacts/isolation/ (gitignored).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

PW = "harukaze-2026"

pytestmark = pytest.mark.browser


@pytest.fixture
def shared_db(tmp_path: Path) -> Iterator[str]:
    """SQLite, or a new PostgreSQL database when TEST_DATABASE_URL is set (dropped afterwards)."""
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
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
    db = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield db
    finally:
        u = make_url(db)
        admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def shared_server(shared_db: str, app_server: Callable[..., str]) -> tuple[str, int, int]:
    """Requests shared_db before app_server, so the server stops before the database is dropped."""
    db = shared_db
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
    return app_server(db, mode="shared"), a_id, b_id


def _login(page, username: str) -> None:
    page.get_by_label("利用者名").fill(username)
    page.get_by_label("パスワード").fill(PW)
    page.get_by_role("button", name="ログイン").click()


def test_planner_cannot_open_other_organisations_plan_by_url(
    shared_server: tuple[str, int, int], app_page: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    url, a_id, b_id = shared_server
    app = app_page(url, "isolation", width=1280)
    page, shot = app.page, app.shot
    # B's plan id typed into the address bar: first the login screen, nothing of the plan.
    page.goto(f"{url}/wizard?plan={b_id}")
    expect(page.get_by_label("パスワード")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("札幌市の秘密の計画")).to_have_count(0)
    shot("login")
    # After A logs in, the requested address is honoured, and the plan is not found.
    _login(page, "planner-a")
    expect(page.get_by_text(f"計画（ID {b_id}）が見つかりません").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("札幌市の秘密の計画")).to_have_count(0)
    expect(page.get_by_text("札幌市")).to_have_count(0)
    shot("not_found")

    # Control: A's own plan opens by the same kind of address (still signed in: the sign-in
    # cookie survives loading a new address, issue 9).
    page.goto(f"{url}/wizard?plan={a_id}")
    expect(page.get_by_text("矢巾町官民データ活用推進計画").first).to_be_visible(timeout=60_000)
    expect(page.get_by_text("見つかりません")).to_have_count(0)
    shot("own_plan")
