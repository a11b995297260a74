"""Password hashing with argon2id (argon2-cffi defaults, RFC 9106 low-memory profile), and the
password policy: at least 12 characters, not built on a common password (a list shipped in this
package, read offline), not containing the user name.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from plan_builder.errors import PlanBuilderError

MIN_LENGTH = 12
COMMON_LIST = Path(__file__).with_name("common_passwords.txt")
_NON_LETTERS = re.compile(r"[\W\d_]+")
_ENDS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
MAX_LENGTH = 256  # argon2 accepts more, but nobody types this much; refuse absurd input early

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of the two cases alike.
# A fixed hash of "plan-builder-dummy-password" with the shipped parameters: computing it at
# import cost 0.7 s of every app and CLI start, standalone included, which never signs anyone in.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$7v5T2cLGrPWs6UaXo25drQ$6IzzBw0xjg7iCAE+vXPQCpwABQPfzFDoZf9c4Io7o/8"
)


class WeakPasswordError(PlanBuilderError):
    """The new password does not meet the minimum rules."""


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, each word also in the forms the check compares ("trustno1" -> "trustno")."""
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    words = [w.strip().lower() for w in lines if w.strip() and not w.startswith("#")]
    return frozenset(f for w in words for f in (w, _core(w), _NON_LETTERS.sub("", w)) if len(f) >= 3)


def _core(password: str) -> str:
    """The password without digits and symbols at either end, lower-cased: "Password1!" -> "password"."""
    return _ENDS.sub("", password.lower())


def check_strength(password: str, *, username: str = "") -> None:
    """Raise WeakPasswordError (Japanese, says what to change) unless the policy is met."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"パスワードは{MIN_LENGTH}文字以上にしてください")
    if len(password) > MAX_LENGTH:
        raise WeakPasswordError(f"パスワードは{MAX_LENGTH}文字以内にしてください")
    if username and username.lower() in password.lower():
        raise WeakPasswordError("パスワードに利用者名を含めないでください")
    if len(set(password)) < 4:
        raise WeakPasswordError("パスワードには4種類以上の文字を使ってください")
    core, common = _core(password), common_passwords()
    letters = _NON_LETTERS.sub("", password.lower())  # "1qaz2wsx3edc" -> "qazwsxedc"
    if {password.lower(), core, letters} & common or len(core) < 4 or _is_walk(password.lower()):
        raise WeakPasswordError(
            "このパスワードはよく使われる語や並び（password、123456、qwerty など）を基にしているため使えません。"
            "推測されにくい語を組み合わせてください"
        )


def _is_walk(text: str) -> bool:
    """A run of neighbouring characters or one word repeated ("abcdefghijkl", "abcabcabcabc")."""
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    if steps <= {1} or steps <= {-1}:
        return True
    return any(
        len(text) % n == 0 and text == text[:n] * (len(text) // n) for n in range(1, len(text) // 2 + 1)
    )


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
