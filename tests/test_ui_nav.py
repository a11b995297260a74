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


# --- sections by role (issue 13) -----------------------------------------------------------------


def _sections_app(username: str, role: str, shared: bool, org_code: str | None, scope: str | None) -> None:
    import streamlit as st

    from plan_builder.auth.actor import Actor, Role
    from plan_builder.ui import nav

    found = nav.sections(Actor(username, Role(role), org_code=org_code, scope=scope), shared=shared)
    for name, pages in found.items():
        st.markdown(f"{name}=" + "|".join(p.title for p in pages))


def _titles(actor: Actor, *, shared: bool) -> dict[str, list[str]]:
    """The sidebar sections nav.sections gives this actor, read from a real script run (st.Page
    needs one)."""
    args = (actor.username, actor.role.value, shared, actor.org_code, actor.scope)
    at = AppTest.from_function(_sections_app, args=args, default_timeout=30)
    at.session_state["pb_auth_user"] = actor.username  # the account pages ask who is signed in
    at.run()
    assert not at.exception, at.exception
    return {m.value.split("=")[0]: m.value.split("=")[1].split("|") for m in at.markdown}


def test_standalone_shows_the_planners_sections_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from plan_builder.ui import nav

    monkeypatch.delenv("PLAN_BUILDER_MODE", raising=False)
    found = _titles(Actor.local(), shared=False)
    assert list(found) == list(nav.SECTIONS)  # 計画, 入力, 確認と出力, 進捗と改定 and nothing else
    shown = {t for ts in found.values() for t in ts}
    for hidden in ("審査キュー", "研修の準備", "操作記録", "利用者の管理", "進捗の状況"):
        assert hidden not in shown


def test_shared_mode_shows_sections_by_role(shared: None) -> None:

    admin = _titles(Actor("kanri", Role.ADMIN), shared=True)
    assert {"審査", "研修", "アカウント"} <= set(admin)
    assert "操作記録" in admin["アカウント"] and "利用者の管理" in admin["アカウント"]
    reviewer = _titles(Actor("shinsa", Role.REVIEWER, scope="03"), shared=True)
    assert "審査" in reviewer and "入力" not in reviewer and "研修" not in reviewer
    planner = _titles(Actor("planner-a", Role.PLANNER, org_code="033227"), shared=True)
    assert "入力" in planner and not {"審査", "研修"} & set(planner)
    assert "操作記録" not in planner.get("アカウント", [])


def _check_page(username: str | None, plan_id: int) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if username:
        at.session_state["pb_auth_user"] = username
    at.query_params["plan"] = str(plan_id)
    at.run()
    at.switch_page("plan_builder/ui/pages/check.py").run()
    assert not at.exception, at.exception
    return at


def _plan(url: str, lg_code: str = "033227", lg_name: str = "矢巾町") -> int:
    from plan_builder.guide import get_guide
    from plan_builder.samples import sample_plan
    from plan_builder.service import PlanService

    store = Store.open(url)
    try:
        guide = get_guide("kanmin-2019-municipality")
        plan = sample_plan(guide, lg_code=lg_code, lg_name=lg_name)
        return PlanService(store, Actor("root", Role.ADMIN)).create(plan).id
    finally:
        store.engine.dispose()


def test_standalone_has_no_submit_button(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'local.db'}"
    monkeypatch.delenv("PLAN_BUILDER_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PLAN_BUILDER_HOME", str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = _check_page(None, _plan(url))
    assert "提出する" not in [b.label for b in at.button]
    assert any("単独利用" in c.value and "提出の機能はありません" in c.value for c in at.caption)
    at.switch_page("plan_builder/ui/pages/home.py").run()
    assert not at.exception


def test_shared_submit_only_when_a_reviewer_covers_the_plan(shared: None, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    far = _plan(url, "132012", "八王子市")  # Tokyo: the only reviewer covers Iwate (03)
    at = _check_page("kanri", far)
    assert "提出する" not in [b.label for b in at.button]
    assert any("審査担当者が登録されていない" in c.value for c in at.caption)
    near = _plan(url)  # 矢巾町, Iwate
    at = _check_page("planner-a", near)
    assert "提出する" in [b.label for b in at.button]


def test_a_disabled_reviewer_receives_nothing(shared: None, tmp_path: Path) -> None:
    from plan_builder.auth.users import has_receiver

    store = Store.open(f"sqlite:///{tmp_path / 'shared.db'}")
    try:
        assert has_receiver(store, "033227") and not has_receiver(store, "132012")
        UserAdmin(store, Actor("root", Role.ADMIN)).set_active("shinsa", False)
        assert not has_receiver(store, "033227")
        UserAdmin(store, Actor("root", Role.ADMIN)).add(
            "zenkoku", role="reviewer", scope="national", password=PW
        )
        assert has_receiver(store, "132012")
    finally:
        store.engine.dispose()
