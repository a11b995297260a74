"""The signed sign-in cookie (plan_builder.ui.login_cookie): valid tokens name their user until
they expire; tampered, foreign or malformed ones name nobody and never raise."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan_builder.ui import login_cookie

KEY = b"k" * 32


def test_round_trip_and_expiry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(login_cookie.HOURS_ENV, "1")
    token = login_cookie.make_token("planner-a", now=1000.0, key=KEY)
    assert login_cookie.read_token(token, now=1000.0, key=KEY) == "planner-a"
    assert login_cookie.read_token(token, now=1000.0 + 3599, key=KEY) == "planner-a"
    assert login_cookie.read_token(token, now=1000.0 + 3601, key=KEY) is None


def test_tampered_or_foreign_tokens_name_nobody() -> None:
    token = login_cookie.make_token("planner-a", key=KEY)
    payload, sig = token.split(".")
    forged = login_cookie._b64(b'{"u": "kanri", "e": 99999999999, "n": "x"}')
    assert login_cookie.read_token(f"{forged}.{sig}", key=KEY) is None
    assert login_cookie.read_token(token, key=b"other" * 8) is None
    assert login_cookie.read_token(payload, key=KEY) is None
    assert login_cookie.read_token(None, key=KEY) is None


@given(st.text(max_size=200))
def test_garbage_never_raises(text: str) -> None:
    assert login_cookie.read_token(text, key=KEY) is None


def test_secret_from_config_else_a_private_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_BUILDER_HOME", str(tmp_path))
    monkeypatch.delenv(login_cookie.SECRET_ENV, raising=False)
    first = login_cookie.secret()
    assert len(first) >= 32 and login_cookie.secret() == first
    mode = stat.S_IMODE(os.stat(tmp_path / login_cookie.SECRET_FILE).st_mode)
    assert mode == 0o600
    monkeypatch.setenv(login_cookie.SECRET_ENV, "configured-secret")
    assert login_cookie.secret() == b"configured-secret"


def test_cookie_strings_are_strict_and_expire() -> None:
    cookie = login_cookie.set_cookie("abc.def")
    assert cookie.startswith("pb_session=abc.def;") and "SameSite=Strict" in cookie and "Max-Age=" in cookie
    assert "Max-Age=0" in login_cookie.clear_cookie()


def test_tokens_of_one_kind_never_name_the_other() -> None:
    """A participant's cookie value set as the sign-in cookie names nobody, and the reverse."""
    seat = login_cookie.make_token("secret-of-a-seat", kind=login_cookie.PARTICIPANT, key=KEY)
    user = login_cookie.make_token("planner-a", key=KEY)
    assert login_cookie.read_token(seat, kind=login_cookie.PARTICIPANT, key=KEY) == "secret-of-a-seat"
    assert login_cookie.read_token(seat, key=KEY) is None
    assert login_cookie.read_token(user, kind=login_cookie.PARTICIPANT, key=KEY) is None
    assert login_cookie.set_cookie("a.b", login_cookie.PARTICIPANT_COOKIE).startswith("pb_participant=a.b;")


@given(
    st.floats(min_value=0, max_value=1e6),
    st.floats(min_value=0, max_value=100),
    st.sampled_from(["ticket", "failed:ticket", "other", "failed:other", "", None, "ticketx", "tick"]),
    st.sampled_from(["", "#1", "#5"]),
)
def test_hold_goes_on_confirmation_gives_up_on_failure_or_time(
    started: float, waited: float, answer: str | None, attempt: str
) -> None:
    """The browser repeats its answer, numbered ("ticket#2"), in case one is lost: each counts."""
    answer = answer + attempt if answer is not None else None
    step = login_cookie.hold_step("ticket", started, answer, started + waited, limit=6.0)
    bare = answer.split("#")[0] if answer else answer
    if bare == "ticket":
        assert step == "go"
    elif bare == login_cookie.FAILED + "ticket":
        assert step == "give_up"  # the browser could not store the cookie: no point waiting
    else:  # no answer, or one about an earlier sign-in
        assert step == ("wait" if waited < 6.0 else "give_up")


def test_start_hold_makes_a_new_ticket_each_sign_in() -> None:
    session: dict = {}
    login_cookie.start_hold(session)
    first = session[login_cookie.K_HOLD]
    login_cookie.start_hold(session)
    assert session[login_cookie.K_HOLD][0] != first[0]
    assert login_cookie.hold_step(first[0], first[1], None, first[1]) == "wait"
