"""Local accounts: creation and administration (admins only), and password login.

Every change is written to the audit log. Failed logins are counted in the database by
plan_builder.auth.throttle (per name, address and pair), so that the back-off holds for every
app process behind the reverse proxy, and each failure is slowed down.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from plan_builder.auth import audit, throttle
from plan_builder.auth.actor import NATIONAL, Actor, Role
from plan_builder.auth.passwords import (
    burn_time,
    check_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from plan_builder.auth.tables import UserRecord
from plan_builder.errors import NotFoundError, PermissionDeniedError, PlanBuilderError
from plan_builder.store import Store, is_training_org, utcnow

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
FAILURE_DELAY_SECONDS = 0.5  # every failed attempt waits this long before answering
ADMIT_PATIENCE_SECONDS = 10.0  # how long a refused attempt waits for parallel ones to clear it
WRONG_PASSWORD = "利用者名またはパスワードが正しくありません"
WARN_WHEN_LEFT = 2  # wrong passwords left before the back-off at which the refusal warns


class LoginError(PlanBuilderError):
    """Login refused; the message never says whether the user name exists."""


class UserInputError(PlanBuilderError):
    """Bad values for an account (the message names the field)."""


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: Role
    org_code: str | None
    scope: str | None
    email: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None
    has_password: bool

    def actor(self) -> Actor:
        return Actor(
            username=self.username,
            role=self.role,
            org_code=self.org_code,
            scope=self.scope,
            display_name=self.display_name,
        )


def _info(r: UserRecord) -> UserInfo:
    return UserInfo(
        r.username,
        r.display_name,
        Role(r.role),
        r.org_code,
        r.scope,
        r.email,
        r.active,
        r.created_at,
        r.last_login_at,
        bool(r.password_hash),
    )


def _row(store: Store, s, username: str) -> UserRecord:
    row = s.exec(select(UserRecord).where(UserRecord.username == username)).first()
    if row is None:
        raise NotFoundError(f"利用者「{username}」は登録されていません")
    return row


def _check_role_fields(
    store: Store, role: Role, org_code: str | None, scope: str | None
) -> tuple[str | None, str | None]:
    """Normalise and check the organisation/scope that the role needs. Returns (org_code, scope)."""
    if role is Role.PARTICIPANT:
        raise UserInputError("研修参加者はアカウントを作らず、研修の参加コードで参加します")
    if role is Role.PLANNER:
        if not org_code:
            raise UserInputError("計画担当者には団体コード（6桁）を指定してください")
        store.local_government(org_code)  # NotFoundError with a Japanese message when unknown
        if is_training_org(org_code):
            raise UserInputError(
                f"団体コード「{org_code}」は研修用の架空の団体です。実在の団体を指定してください"
            )
        if scope:
            raise UserInputError("計画担当者には審査範囲を指定できません")
        return org_code, None
    if role is Role.REVIEWER:
        if not scope:
            raise UserInputError(
                "審査担当者には審査範囲（都道府県コード2桁、または national）を指定してください"
            )
        if org_code:
            raise UserInputError("審査担当者には団体コードを指定できません")
        if scope == NATIONAL:
            return None, NATIONAL
        if not re.fullmatch(r"\d{2}", scope) or scope not in {p.pref_code for p in store.prefectures()}:
            raise UserInputError(f"審査範囲「{scope}」は都道府県コード（01〜47）でも national でもありません")
        return None, scope
    if org_code or scope:
        raise UserInputError(f"{role.label}には団体コードも審査範囲も指定できません")
    return None, None


class UserAdmin:
    """Account administration; only an admin may use it."""

    def __init__(self, store: Store, actor: Actor) -> None:
        if actor.role is not Role.ADMIN:
            raise PermissionDeniedError("利用者の管理は管理者だけが行えます")
        self.store, self.actor = store, actor

    def _audit(self, action: str, username: str, **detail) -> None:
        audit.record(self.store.engine, self.actor.username, action, f"user:{username}", **detail)

    def add(
        self,
        username: str,
        *,
        role: Role | str,
        password: str | None,
        display_name: str = "",
        org_code: str | None = None,
        scope: str | None = None,
        email: str | None = None,
    ) -> UserInfo:
        """Create an account. `password=None` makes an account that can only sign in by OIDC."""
        if not USERNAME_RE.match(username or ""):
            raise UserInputError(
                "利用者名は半角英数字で始まる2〜64文字（英数字と . _ @ - のみ）にしてください"
            )
        try:
            role = Role(role)
        except ValueError:
            raise UserInputError(f"役割「{role}」はありません（planner, reviewer, trainer, admin）") from None
        org_code, scope = _check_role_fields(self.store, role, org_code, scope)
        if password is not None:
            check_strength(password, username=username)
        if len(display_name) > 100:
            raise UserInputError("表示名は100文字以内にしてください")
        now = utcnow()
        with self.store.session() as s:
            if s.exec(select(UserRecord).where(UserRecord.username == username)).first():
                raise UserInputError(f"利用者名「{username}」は既に使われています")
            row = UserRecord(
                username=username,
                display_name=display_name.strip(),
                role=role.value,
                org_code=org_code,
                scope=scope,
                email=(email or "").strip().lower() or None,
                password_hash=hash_password(password) if password is not None else "",
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.commit()
            info = _info(row)
        self._audit("user.add", username, role=role.value, org_code=org_code, scope=scope)
        return info

    def list(self, *, include_inactive: bool = True) -> list[UserInfo]:
        with self.store.session() as s:
            q = select(UserRecord).order_by(UserRecord.username)
            if not include_inactive:
                q = q.where(UserRecord.active == True)  # noqa: E712
            return [_info(r) for r in s.exec(q)]

    def get(self, username: str) -> UserInfo:
        with self.store.session() as s:
            return _info(_row(self.store, s, username))

    def set_role(
        self, username: str, role: Role | str, *, org_code: str | None = None, scope: str | None = None
    ) -> UserInfo:
        try:
            role = Role(role)
        except ValueError:
            raise UserInputError(f"役割「{role}」はありません（planner, reviewer, trainer, admin）") from None
        org_code, scope = _check_role_fields(self.store, role, org_code, scope)
        with self.store.session() as s:
            row = _row(self.store, s, username)
            before = {"role": row.role, "org_code": row.org_code, "scope": row.scope}
            if row.username == self.actor.username and role is not Role.ADMIN:
                raise UserInputError("自分自身の管理者権限は外せません（別の管理者に依頼してください）")
            row.role, row.org_code, row.scope, row.updated_at = role.value, org_code, scope, utcnow()
            s.add(row)
            s.commit()
            info = _info(row)
        self._audit("user.set_role", username, before=before, role=role.value, org_code=org_code, scope=scope)
        return info

    def reset_password(self, username: str, password: str) -> None:
        check_strength(password, username=username)
        with self.store.session() as s:
            row = _row(self.store, s, username)
            row.password_hash = hash_password(password)
            row.failed_logins, row.locked_until, row.updated_at = 0, None, utcnow()
            s.add(row)
            s.commit()
        throttle.clear(self.store.engine, username)
        self._audit("user.reset_password", username)

    def set_active(self, username: str, active: bool) -> None:
        with self.store.session() as s:
            row = _row(self.store, s, username)
            if not active and row.username == self.actor.username:
                raise UserInputError("自分自身は停止できません")
            row.active, row.updated_at = active, utcnow()
            if active:
                row.failed_logins, row.locked_until = 0, None
            s.add(row)
            s.commit()
        if active:
            throttle.clear(self.store.engine, username)
        self._audit("user.enable" if active else "user.disable", username)


def active_actor(store: Store, username: str) -> Actor | None:
    """The current Actor for an account, or None when it is gone or disabled.

    Called on every page run in shared mode, so a role change or a disabled account takes effect
    at once, not at the next login.
    """
    if not USERNAME_RE.match(username or ""):
        return None  # also keeps NUL and other junk away from the database driver
    with store.session() as s:
        row = s.exec(select(UserRecord).where(UserRecord.username == username)).first()
    if row is None or not row.active:
        return None
    return _info(row).actor()


def actor_for_email(store: Store, email: str) -> Actor | None:
    """Map an OIDC identity (its e-mail claim) to an active local account."""
    email = (email or "").strip().lower()
    if not email:
        return None
    with store.session() as s:
        rows = list(s.exec(select(UserRecord).where(UserRecord.email == email)))
    if len(rows) != 1 or not rows[0].active:
        return None  # unknown, or ambiguous: never guess which account is meant
    return _info(rows[0]).actor()


def _admit_patiently(store: Store, username: str, source: str) -> throttle.Refusal | None:
    """`throttle.admit`, asked again for a few seconds while it refuses.

    Attempts are counted before the password is checked, so several people signing in to one
    account from one address at once (an office behind one router) reach the limit with correct
    passwords still being checked; the first of those clears the counters within seconds. Without
    waiting, 18 of 30 such sign-ins were told to wait a minute. A real lock stays: the wait only
    slows a guesser down further."""
    deadline = time.monotonic() + ADMIT_PATIENCE_SECONDS
    wait = throttle.admit(store.engine, username, source)
    while wait is not None and time.monotonic() < deadline:
        time.sleep(0.25)
        wait = throttle.admit(store.engine, username, source)
    return wait


def _locked_message(wait: throttle.Refusal) -> str:
    minutes = max(1, (wait.seconds + 59) // 60)
    return (
        f"ログインの試行が続いたため、約{minutes}分間はログインできません。"
        "時間をおいてからやり直すか、管理者に連絡してください。"
    )


def _wrong_password_message(store: Store, username: str, source: str) -> str:
    """The refusal, with a warning while the back-off is near and the wait once it has started.

    Counted the same for unknown names, so the message still never says whether a name exists."""
    left, wait = throttle.standing(store.engine, username, source)
    if wait is not None:
        return f"{WRONG_PASSWORD}。{_locked_message(wait)}"
    if left <= WARN_WHEN_LEFT:
        return f"{WRONG_PASSWORD}。あと{left}回誤ると、しばらくログインできなくなります。"
    return WRONG_PASSWORD


def authenticate(store: Store, username: str, password: str, *, source: str = "") -> Actor:
    """Check a password login; returns the Actor or raises LoginError (Japanese message).

    Throttled per name, per address and per pair (plan_builder.auth.throttle) before the
    password is checked. Unknown names, disabled accounts and wrong passwords all take the same
    time and get the same message, and a throttled attempt gets the same message whether or not
    the name exists.
    """
    refused = LoginError(WRONG_PASSWORD)
    username = (username or "").strip()
    source = (source or "")[:64]
    if not USERNAME_RE.match(username) or len(password or "") == 0:
        burn_time(password or "")
        time.sleep(FAILURE_DELAY_SECONDS)
        raise refused
    wait = _admit_patiently(store, username, source)
    if wait is not None:
        audit.record(store.engine, username, "login.locked", f"user:{username}", source=source)
        time.sleep(FAILURE_DELAY_SECONDS)
        raise LoginError(_locked_message(wait))
    with store.session() as s:
        row = s.exec(select(UserRecord).where(UserRecord.username == username)).first()
        usable = row is not None and row.active and bool(row.password_hash)
        if not usable:
            burn_time(password)
        if not usable or not verify_password(row.password_hash, password):
            audit.record(store.engine, username, "login.failed", f"user:{username}", source=source)
            time.sleep(FAILURE_DELAY_SECONDS)
            raise LoginError(_wrong_password_message(store, username, source))
        if needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        row.last_login_at = utcnow()
        s.add(row)
        s.commit()
        actor = _info(row).actor()
    throttle.succeeded(store.engine, username, source)
    audit.record(store.engine, username, "login.ok", f"user:{username}", source=source)
    return actor


def has_receiver(store: Store, lg_code: str) -> bool:
    """Whether an active reviewer account covers this organisation (its prefecture or national),
    i.e. whether a submission of its plan reaches anyone. The planner's 提出 box is shown only then."""
    area = [NATIONAL, lg_code[:2]]
    with store.session() as s:
        q = select(UserRecord.id).where(
            UserRecord.role == Role.REVIEWER.value,
            UserRecord.active == True,  # noqa: E712
            UserRecord.scope.in_(area),
        )
        return s.exec(q.limit(1)).first() is not None
