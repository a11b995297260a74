"""The login screen and account pages in shared mode (Streamlit AppTest, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from plan_builder.auth import users as users_mod
from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

ROOT = Path(__file__).resolve().parents[1]
PW = "harukaze-2026"


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheap argon2 profile keeps these tests fast (the shipped one is tested in test_auth_users)."""
    from argon2 import PasswordHasher

    from plan_builder.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def shared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guide):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    monkeypatch.setenv("PLAN_BUILDER_MODE", "shared")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setattr(users_mod, "FAILURE_DELAY_SECONDS", 0.0)
    monkeypatch.chdir(ROOT)
    store = Store.open(url)
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("planner-a", role="planner", org_code="033227", password=PW, display_name="矢巾 太郎")
    admin.add("kanri", role="admin", password=PW)
    b = PlanService(store, Actor("planner-b", Role.PLANNER, org_code="011002"))
    b_id = b.create(sample_plan(guide, lg_code="011002", lg_name="札幌市", n_measures=1, n_kpis=1)).id
    yield store, b_id
    store.engine.dispose()


def store_guide():
    from plan_builder.guide import get_guide

    return get_guide("kanmin-2019-municipality")


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def _login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [
        e.value
        for e in (
            *at.markdown,
            *at.error,
            *at.warning,
            *at.info,
            *at.success,
            *at.title,
            *at.header,
            *at.subheader,
            *at.caption,
        )
    ]
    return "\n".join(str(p) for p in parts)


LOGIN_FIELDS = [
    "利用者名",
    "パスワード",
    "参加コード（6桁）",
    "表示名",
]  # sign in, or join a briefing session


def test_shared_mode_shows_login_and_nothing_else(shared) -> None:
    at = _app().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == LOGIN_FIELDS
    assert "ログイン" in _texts(at)
    assert "計画の一覧" not in _texts(at)  # no page ran without a user


def test_wrong_password_refused_then_login_works(shared) -> None:
    at = _login(_app().run(), "planner-a", "wrong-password")
    assert "利用者名またはパスワードが正しくありません" in _texts(at)
    at = _login(at, "planner-a", PW)
    assert not at.exception
    assert "計画の一覧" in _texts(at) or "新しい計画" in _texts(at)
    assert at.session_state["pb_auth_user"] == "planner-a"


def test_other_organisations_plan_by_url_is_not_found(shared) -> None:
    store, b_id = shared
    at = _login(_app().run(), "planner-a", PW)
    at.query_params["plan"] = str(b_id)  # as if typed into the address bar: /wizard?plan=ID
    at.switch_page("plan_builder/ui/pages/wizard.py")
    at.run()
    assert not at.exception
    assert f"計画（ID {b_id}）が見つかりません" in _texts(at)
    assert "札幌市" not in _texts(at)
    # Control: the same path opens the planner's own plan.
    a = PlanService(store, Actor("planner-a", Role.PLANNER, org_code="033227"))
    a_id = a.create(sample_plan(store_guide(), lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)).id
    at.query_params["plan"] = str(a_id)
    at.run()
    assert "見つかりません" not in _texts(at) and "矢巾町" in "\n".join(c.value for c in at.caption)


def test_disabled_user_is_logged_out_on_next_run(shared) -> None:
    store, _ = shared
    at = _login(_app().run(), "planner-a", PW)
    UserAdmin(store, Actor("root", Role.ADMIN)).set_active("planner-a", False)
    at.run()
    assert "停止されたか" in _texts(at)
    assert [t.label for t in at.text_input] == LOGIN_FIELDS


def test_standalone_needs_no_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAN_BUILDER_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'solo.db'}")
    monkeypatch.chdir(ROOT)
    at = _app().run()
    assert not at.exception
    assert "パスワード" not in [t.label for t in at.text_input]
