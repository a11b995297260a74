"""The login screen and account pages in shared mode (Streamlit AppTest, no browser)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest
from ui_support import cookie_written

from plan_builder.auth import users as users_mod
from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui import auth_pages, login_cookie

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
    """Sign in; on success, answer the cookie hold as the browser does (ui_support.cookie_written)."""
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    return cookie_written(at) if "pb_auth_hold" in at.session_state else at


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


def test_busy_script_targets_the_sign_in_button(shared) -> None:
    """The script that disables the button and labels it 「確認しています…」 while the password is
    checked finds the button by its key: the form's ログイン button must carry that key, and the
    script must be drawn on the sign-in screen (tests/e2e/test_signin_e2e.py runs it)."""
    at = _app().run()
    submit = [b for b in at.button if b.label == "ログイン"]
    assert len(submit) == 1 and submit[0].key == auth_pages.SUBMIT_KEY
    scripts = [h.proto.body for h in at.get("html") if "__pbLoginBusy" in h.proto.body]
    assert scripts == [auth_pages._BUSY_SCRIPT]
    selector = re.search(r'const BUTTON = "([^"]+)";', scripts[0])
    assert selector is not None and selector.group(1) == f".st-key-{submit[0].key} button"
    assert f'const BUSY = "{auth_pages.BUSY_LABEL}";' in scripts[0]
    assert ".st-key-pb_login_busy {display: none;}" in scripts[0]  # the container it is drawn in


def test_wrong_password_refused_then_login_works(shared) -> None:
    at = _login(_app().run(), "planner-a", "wrong-password")
    assert "利用者名またはパスワードが正しくありません" in _texts(at)
    at = _login(at, "planner-a", PW)
    assert not at.exception
    assert "計画の一覧" in _texts(at) or "新しい計画" in _texts(at)
    assert at.session_state["pb_auth_user"] == "planner-a"


def _fresh_login(at: AppTest) -> AppTest:
    at.text_input[0].input("planner-a")
    at.text_input[1].input(PW)
    at.button[0].click()
    return at.run()


def test_fresh_sign_in_waits_for_the_browser_to_store_the_cookie(shared) -> None:
    """Issue 9: the home page showed before the cookie was written, so a reload in that moment
    asked for the password again. Now the page holds until the browser reports the cookie."""
    at = _fresh_login(_app().run())
    assert not at.exception
    assert "サインインしています" in _texts(at)
    assert "計画の一覧" not in _texts(at) and not at.text_input  # neither the home page nor the form
    at.run()  # a run without the browser's answer keeps holding
    assert "サインインしています" in _texts(at)
    at.session_state["pb_auth_cookie_written"] = "an-older-ticket"
    at.run()
    assert "サインインしています" in _texts(at)  # only this sign-in's ticket ends the wait
    at = cookie_written(at)
    assert not at.exception
    assert "サインインしています" not in _texts(at)
    assert "計画の一覧" in _texts(at) or "新しい計画" in _texts(at)
    assert "pb_auth_hold" not in at.session_state


def test_sign_in_continues_with_a_note_when_the_browser_never_answers(shared) -> None:
    at = _fresh_login(_app().run())
    ticket, _ = at.session_state["pb_auth_hold"]
    at.session_state["pb_auth_hold"] = (ticket, time.monotonic() - login_cookie.HOLD_SECONDS - 1)
    at.run()
    assert not at.exception
    assert "計画の一覧" in _texts(at) or "新しい計画" in _texts(at)
    assert "再読み込みすると、もう一度ログインが必要" in _texts(at)
    at.run()  # the note is shown once; the user simply works on
    assert "再読み込みすると" not in _texts(at) and "サインインしています" not in _texts(at)


def test_sign_in_continues_at_once_when_the_browser_cannot_store_the_cookie(shared) -> None:
    """The browser's script answers either way; a refused cookie ends the wait without a timer."""
    at = _fresh_login(_app().run())
    ticket, _ = at.session_state["pb_auth_hold"]
    at.session_state["pb_auth_cookie_written"] = login_cookie.FAILED + "an-older-ticket"
    at.run()
    assert "サインインしています" in _texts(at)  # an answer about another sign-in does not count
    at.session_state["pb_auth_cookie_written"] = login_cookie.FAILED + ticket
    at.run()
    assert not at.exception
    assert "計画の一覧" in _texts(at) or "新しい計画" in _texts(at)
    assert "再読み込みすると、もう一度ログインが必要" in _texts(at)


def test_hold_screen_has_no_timer_and_a_button_that_continues(shared) -> None:
    """Issue 9: the wait ran a 1-second timer (a fragment's run_every) whose reruns, arriving while
    the next page was drawn, left participants on a blank page or the wrong one. The screen now
    waits for the browser's answer, with a button for a person who is tired of waiting."""
    at = _fresh_login(_app().run())
    assert "サインインしています" in _texts(at)
    at.button(key=auth_pages.HOLD_CONTINUE).click()
    at.run()
    assert not at.exception
    assert "サインインしています" not in _texts(at)
    assert "計画の一覧" in _texts(at) or "新しい計画" in _texts(at)


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


def test_joining_a_briefing_keeps_the_secret_out_of_the_address(shared) -> None:
    """Issue 9 / 15: the participant's secret went into the address (?pt=…), so into the history
    and Referer. Now it is kept in a signed, expiring cookie, with the same hold as a sign-in."""
    from plan_builder.training import TrainingService, participant_actor

    store, _ = shared
    UserAdmin(store, Actor("root", Role.ADMIN)).add("koshi", role="trainer", password=PW)
    info = TrainingService(store, Actor("koshi", Role.TRAINER)).create_session(
        "説明会", "kanmin-2019-municipality"
    )
    at = _app().run()
    [code] = [t for t in at.text_input if t.label == "参加コード（6桁）"]
    [name] = [t for t in at.text_input if t.label == "表示名"]
    code.input(info.join_code)
    name.input("山田")
    [go] = [b for b in at.button if b.label == "参加する"]
    go.click()
    at.run()
    assert not at.exception, at.exception
    assert "サインインしています" in _texts(at)  # held until the browser has the cookie
    secret = at.session_state["pb_participant_token"]
    cookie = at.session_state["pb_participant_cookie"]
    assert login_cookie.read_token(cookie, kind=login_cookie.PARTICIPANT) == secret
    assert login_cookie.read_token(cookie) is None  # never a sign-in cookie
    assert set(at.query_params) == {"plan"} and all(secret not in v for v in at.query_params.values())
    at = cookie_written(at)
    assert not at.exception, at.exception
    assert participant_actor(store, secret).seat_plan_id == int(at.query_params["plan"][0])
    assert set(at.query_params) <= {"plan", "chapter"}


def test_a_logout_signs_out_every_tab_of_that_sign_in_at_its_next_run(shared) -> None:
    """A tester logged out in one tab; the other tab of the same browser stayed signed in and
    saved what was typed next. The logout now ends the sign-in itself (auth.revocation): a tab
    showing the same cookie is signed out at its next run, before anything is read or saved."""
    from plan_builder.auth import revocation

    store, _ = shared
    tab_a = _login(_app().run(), "planner-a", PW)
    token = tab_a.session_state[auth_pages.K_TOKEN]
    tab_b = _app()
    tab_b.session_state[auth_pages.K_USER] = "planner-a"  # as a second tab reads the cookie
    tab_b.session_state[auth_pages.K_TOKEN] = token
    tab_b.run()
    assert not tab_b.exception
    assert not any(t.label == "パスワード" for t in tab_b.text_input)  # signed in

    other = _login(_app().run(), "planner-a", PW)  # another browser: its own sign-in
    revocation.revoke(store, *login_cookie.token_id(token))  # what logout() does in tab A
    tab_b.run()
    assert not tab_b.exception
    assert any(t.label == "パスワード" for t in tab_b.text_input)
    assert "別のタブなどでログアウトしました" in _texts(tab_b)
    other.run()
    assert not any(t.label == "パスワード" for t in other.text_input)  # not this browser's sign-in


def test_revoking_is_idempotent_and_forgets_expired_tokens(shared) -> None:
    from plan_builder.auth import revocation
    from plan_builder.auth.tables import RevokedTokenRecord

    store, _ = shared
    now = time.time()
    revocation.revoke(store, "old.1", now - 10)  # expired already: dropped by the next revoke
    revocation.revoke(store, "a.2", now + 3600)
    revocation.revoke(store, "a.2", now + 3600)  # the same logout twice (two tabs at once)
    assert revocation.is_revoked(store, "a.2")
    assert not revocation.is_revoked(store, "b.3")
    with store.session() as s:
        assert sorted(r.token_id for r in s.exec(select(RevokedTokenRecord))) == ["a.2"]


def test_a_planners_only_plan_opens_by_itself_on_a_plan_page(shared, guide) -> None:
    """A tester signed in and chose 計画の入力: 「計画が開かれていません」, though the town has one
    plan. With exactly one plan, a plan page opens it; with two, the user still chooses."""
    store, _ = shared
    svc = PlanService(store, Actor("planner-a", Role.PLANNER, org_code="033227"))
    first = svc.create(sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)).id
    at = _login(_app().run(), "planner-a", PW)
    at.switch_page("plan_builder/ui/pages/wizard.py").run()
    assert not at.exception
    assert "計画が開かれていません" not in _texts(at)
    assert at.query_params["plan"] == str(first)

    svc.create(sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1))
    other = _login(_app().run(), "planner-a", PW)
    other.switch_page("plan_builder/ui/pages/wizard.py").run()
    assert not other.exception
    assert "計画が開かれていません" in _texts(other)
