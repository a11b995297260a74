"""Local accounts: argon2 hashes, role rules, login throttling, OIDC mapping, audit of admin work."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from plan_builder.auth import passwords, throttle
from plan_builder.auth import users as users_mod
from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.auth.passwords import WeakPasswordError, verify_password
from plan_builder.auth.tables import UserRecord
from plan_builder.auth.users import (
    LoginError,
    UserAdmin,
    UserInputError,
    active_actor,
    actor_for_email,
    authenticate,
)
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.service import PlanService
from plan_builder.store import Store

ADMIN = Actor("root-admin", Role.ADMIN)
PW = "harukaze-2026"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """No failure delay and a cheap argon2 profile, so the suite stays fast; the production
    parameters are checked in test_production_hash_parameters."""
    monkeypatch.setattr(users_mod, "FAILURE_DELAY_SECONDS", 0.0)
    monkeypatch.setattr(users_mod, "ADMIT_PATIENCE_SECONDS", 0.0)  # a lock is refused at once
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_production_hash_parameters() -> None:
    """The shipped profile is argon2id, 64 MiB, 3 passes (RFC 9106 low-memory); the dummy hash that
    keeps unknown names as slow as known ones is a real one of that profile (fixed, not made at
    import, which cost 0.7 s of every start)."""
    assert PasswordHasher().hash("x").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PasswordHasher().verify(passwords._DUMMY_HASH, "plan-builder-dummy-password")
    assert passwords._DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.fixture
def admin(store: Store) -> UserAdmin:
    return UserAdmin(store, ADMIN)


def test_password_is_stored_as_argon2id_hash(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="planner", org_code="033227", password=PW, display_name="佐藤")
    with store.session() as s:
        row = s.exec(select(UserRecord).where(UserRecord.username == "sato")).one()
    assert row.password_hash.startswith("$argon2id$")
    assert PW not in row.password_hash
    assert verify_password(row.password_hash, PW) and not verify_password(row.password_hash, PW + "x")


def test_login_returns_actor_with_role_and_org(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="planner", org_code="033227", password=PW, display_name="佐藤")
    admin.add("ito", role="reviewer", scope="03", password=PW)
    admin.add("kuni", role="reviewer", scope=NATIONAL, password=PW)
    assert authenticate(store, "sato", PW) == Actor(
        "sato", Role.PLANNER, org_code="033227", display_name="佐藤"
    )
    assert authenticate(store, "ito", PW).scope == "03"
    assert authenticate(store, "kuni", PW).scope == NATIONAL


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"role": "planner"}, "団体コード"),
        ({"role": "planner", "org_code": "999999"}, "見つかりません"),
        ({"role": "planner", "org_code": "033227", "scope": "03"}, "審査範囲を指定できません"),
        ({"role": "reviewer"}, "審査範囲"),
        ({"role": "reviewer", "scope": "48"}, "都道府県コード"),
        ({"role": "reviewer", "scope": "3"}, "都道府県コード"),
        ({"role": "reviewer", "scope": "03", "org_code": "033227"}, "団体コードを指定できません"),
        ({"role": "admin", "org_code": "033227"}, "指定できません"),
        ({"role": "superuser"}, "役割「superuser」はありません"),
    ],
)
def test_role_fields_are_checked(admin: UserAdmin, kwargs: dict, message: str) -> None:
    with pytest.raises((UserInputError, NotFoundError), match=message):
        admin.add("someone", password=PW, **kwargs)
    assert admin.list() == []


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("x", PW, "利用者名"),
        ("../etc", PW, "利用者名"),
        ("a' OR '1'='1", PW, "利用者名"),
        ("tanaka", "short", "12文字以上"),
        ("tanaka", "hinata-2026", "12文字以上"),
        ("tanaka", "aaaaaaaaaaaa", "4種類以上"),
        ("tanaka", "tanaka-2026-x", "利用者名を含めない"),
    ],
)
def test_bad_usernames_and_weak_passwords_refused(
    admin: UserAdmin, username: str, password: str, message: str
) -> None:
    with pytest.raises((UserInputError, WeakPasswordError), match=message):
        admin.add(username, role="admin", password=password)


def test_duplicate_username_refused(admin: UserAdmin) -> None:
    admin.add("sato", role="trainer", password=PW)
    with pytest.raises(UserInputError, match="既に使われています"):
        admin.add("sato", role="trainer", password=PW)


def test_only_admins_administer(store: Store) -> None:
    for role in (Role.PLANNER, Role.REVIEWER, Role.TRAINER):
        with pytest.raises(PermissionDeniedError, match="管理者だけ"):
            UserAdmin(store, Actor("x", role, org_code="033227", scope="03"))


def test_wrong_password_and_unknown_user_give_same_message(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="trainer", password=PW)
    msgs = []
    for user, pw in [("sato", "wrong-password-1"), ("nobody", PW), ("sato", "")]:
        with pytest.raises(LoginError) as exc:
            authenticate(store, user, pw)
        msgs.append(str(exc.value))
    assert len(set(msgs)) == 1 and "正しくありません" in msgs[0]


def test_repeated_failures_lock_the_account_even_with_right_password(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="trainer", password=PW)
    for _ in range(throttle.MAX_FAILURES):
        with pytest.raises(LoginError, match="正しくありません"):
            authenticate(store, "sato", "guess-guess-1", source="10.0.0.9")
    with pytest.raises(LoginError, match="分間はログインできません"):
        authenticate(store, "sato", PW, source="10.0.0.9")
    # An admin's password reset lifts the lock.
    admin.reset_password("sato", "natsukaze-2026")
    assert authenticate(store, "sato", "natsukaze-2026", source="10.0.0.9").username == "sato"
    with pytest.raises(LoginError):
        authenticate(store, "sato", PW)  # the old password no longer works


def test_lock_expires(store: Store, admin: UserAdmin, clock) -> None:
    admin.add("sato", role="trainer", password=PW)
    for _ in range(throttle.MAX_FAILURES):
        with pytest.raises(LoginError):
            authenticate(store, "sato", "guess-guess-1", source="10.0.0.9")
    clock.advance(throttle.LOCK_BASE_SECONDS + 1)
    assert authenticate(store, "sato", PW, source="10.0.0.9").username == "sato"


def test_failed_login_is_slowed_down(store: Store, admin: UserAdmin, monkeypatch: pytest.MonkeyPatch) -> None:
    admin.add("sato", role="trainer", password=PW)
    monkeypatch.setattr(users_mod, "FAILURE_DELAY_SECONDS", 0.3)
    t0 = time.perf_counter()
    with pytest.raises(LoginError):
        authenticate(store, "sato", "wrong-password-2")
    assert time.perf_counter() - t0 >= 0.3


def test_disabled_user_cannot_log_in_and_loses_session(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="planner", org_code="033227", password=PW)
    assert active_actor(store, "sato") is not None
    admin.set_active("sato", False)
    assert active_actor(store, "sato") is None  # an open session is dropped at the next page run
    with pytest.raises(LoginError):
        authenticate(store, "sato", PW)
    admin.set_active("sato", True)
    assert authenticate(store, "sato", PW).role is Role.PLANNER


def test_role_change_takes_effect_immediately(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="planner", org_code="033227", password=PW)
    admin.set_role("sato", "reviewer", scope="03")
    assert active_actor(store, "sato") == Actor("sato", Role.REVIEWER, scope="03")


def test_admin_cannot_lock_themselves_out(store: Store) -> None:
    UserAdmin(store, ADMIN).add("boss", role="admin", password=PW)
    boss = UserAdmin(store, Actor("boss", Role.ADMIN))
    with pytest.raises(UserInputError):
        boss.set_active("boss", False)
    with pytest.raises(UserInputError):
        boss.set_role("boss", "trainer")


def test_oidc_identity_maps_to_one_active_account(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="planner", org_code="033227", password=None, email="Sato@Town.Yahaba.lg.jp")
    assert actor_for_email(store, "sato@town.yahaba.lg.jp") == Actor("sato", Role.PLANNER, org_code="033227")
    assert actor_for_email(store, "other@example.jp") is None
    assert actor_for_email(store, "") is None
    with pytest.raises(LoginError):  # an OIDC-only account has no password to guess
        authenticate(store, "sato", "")
    admin.add("sato2", role="trainer", password=None, email="sato@town.yahaba.lg.jp")
    assert actor_for_email(store, "sato@town.yahaba.lg.jp") is None  # ambiguous: never guess


def test_admin_work_and_logins_are_audited(store: Store, admin: UserAdmin) -> None:
    admin.add("sato", role="planner", org_code="033227", password=PW)
    admin.set_role("sato", "trainer")
    admin.reset_password("sato", "akikaze-2026x")
    admin.set_active("sato", False)
    with pytest.raises(LoginError):
        authenticate(store, "sato", "akikaze-2026x")
    admin.set_active("sato", True)
    authenticate(store, "sato", "akikaze-2026x", source="127.0.0.1")
    log = PlanService(store, ADMIN).audit_log(target="user:sato")
    assert [e.action for e in reversed(log)] == [
        "user.add",
        "user.set_role",
        "user.reset_password",
        "user.disable",
        "login.failed",
        "user.enable",
        "login.ok",
    ]
    assert log[-1].actor == ADMIN.username and log[0].actor == "sato"
    assert log[-2].detail["before"]["role"] == "planner"
    assert "akikaze" not in repr([e.detail for e in log])  # passwords never reach the log
