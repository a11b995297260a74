"""Password hashing with argon2id (argon2-cffi defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from plan_builder.errors import PlanBuilderError

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 accepts more, but nobody types this much; refuse absurd input early

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of the two cases alike.
_DUMMY_HASH = _hasher.hash("plan-builder-dummy-password")


class WeakPasswordError(PlanBuilderError):
    """The new password does not meet the minimum rules."""


def check_strength(password: str, *, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"パスワードは{MIN_LENGTH}文字以上にしてください")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"パスワードは{MAX_LENGTH}文字以内にしてください")
    if username and username.lower() in password.lower():
        raise WeakPasswordError("パスワードに利用者名を含めないでください")
    if len(set(password)) < 4:
        raise WeakPasswordError("パスワードには4種類以上の文字を使ってください")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches; False for a mismatch, an empty or a corrupt hash."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


def burn_time(password: str) -> None:
    """Spend the time of one verification (used when the user name is unknown)."""
    verify_password(_DUMMY_HASH, password + "x")
