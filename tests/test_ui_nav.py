"""Navigation state is per session (issue 9, sequence 3): after a reviewer's navigation has run,
a fresh browser's login screen and a planner's and an admin's navigation still work, because no
`st.Page` object is shared between sessions (st.navigation marks a default on the objects)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from plan_builder.auth import users as users_mod
from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.store import Store

ROOT = Path(__file__).resolve().parents[1]
PW = "harukaze-2026"


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    from plan_builder.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLAN_BUILDER_HOME", str(tmp_path))
    monkeypatch.setattr(users_mod, "FAILURE_DELAY_SECONDS", 0.0)
    monkeypatch.chdir(ROOT)
    store = Store.open(url)
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("shinsa", role="reviewer", scope="03", password=PW)
    admin.add("planner-a", role="planner", org_code="033227", password=PW)
    admin.add("kanri", role="admin", password=PW)
    store.engine.dispose()


def _signed_in(username: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["pb_auth_user"] = username
    at.run()
    assert not at.exception, at.exception
    return at


def test_reviewer_then_login_screen_planner_and_admin_all_work(shared: None) -> None:
    _signed_in("shinsa")
    login = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not login.exception, login.exception  # was: Multiple Pages specified with default=True
    assert [t.label for t in login.text_input][:2] == ["利用者名", "パスワード"]
    for name in ("planner-a", "kanri", "shinsa", "planner-a"):
        at = _signed_in(name)
        assert not at.exception


def test_nav_builds_new_page_objects_every_time() -> None:
    from plan_builder.ui import nav

    a, b = nav.planner_pages(), nav.planner_pages()
    assert len(a) == len(b) == len(nav.PLANNER_PAGES)
    assert all(x is not y for x, y in zip(a, b, strict=True))
