"""The admin CLI: `python -m plan_builder user …` and `audit` (passwords never on the command line)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plan_builder.auth import users as users_mod
from plan_builder.auth.cli_commands import main
from plan_builder.auth.users import authenticate
from plan_builder.store import Store

ROOT = Path(__file__).resolve().parents[1]
PW = "harukaze-2026"


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cheap argon2 profile keeps these tests fast (the shipped one is tested in test_auth_users)."""
    from argon2 import PasswordHasher

    from plan_builder.auth import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _module() -> list[str]:
    """The real entry point (cli.py registers the `user` subcommand)."""
    return ["-m", "plan_builder"]


def run(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *_module(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_first_admin_and_planner_via_subprocess(db_url: str) -> None:
    r = run(
        db_url,
        "user",
        "add",
        "kanri",
        "--role",
        "admin",
        "--name",
        "管理者",
        "--password-stdin",
        stdin=PW + "\n",
    )
    assert r.returncode == 0, r.stderr
    assert "追加しました" in r.stdout and PW not in r.stdout + r.stderr
    r = run(
        db_url,
        "user",
        "add",
        "sato",
        "--role",
        "planner",
        "--org",
        "033227",
        "--password-stdin",
        stdin=PW + "\n",
    )
    assert r.returncode == 0, r.stderr
    r = run(db_url, "user", "list", "--json")
    rows = json.loads(r.stdout)
    assert [(u["username"], u["role"], u["org_code"]) for u in rows] == [
        ("kanri", "admin", None),
        ("sato", "planner", "033227"),
    ]
    store = Store.open(db_url)
    try:
        users_mod.FAILURE_DELAY_SECONDS, old = 0.0, users_mod.FAILURE_DELAY_SECONDS
        assert authenticate(store, "sato", PW).org_code == "033227"
        users_mod.FAILURE_DELAY_SECONDS = old
    finally:
        store.engine.dispose()


def test_errors_are_japanese_and_exit_nonzero(db_url: str) -> None:
    r = run(
        db_url,
        "user",
        "add",
        "sato",
        "--role",
        "planner",
        "--org",
        "999999",
        "--password-stdin",
        stdin=PW + "\n",
    )
    assert r.returncode == 2
    assert "エラー: 団体コード「999999」の地方公共団体が見つかりません" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setattr(users_mod, "FAILURE_DELAY_SECONDS", 0.0)

    def call(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return main(list(args))

    return call


def test_set_role_reset_disable_enable_and_audit(
    cli, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        cli("user", "add", "ito", "--role", "reviewer", "--scope", "03", "--password-stdin", stdin=PW + "\n")
        == 0
    )
    assert cli("user", "set-role", "ito", "reviewer", "--scope", "national") == 0
    assert cli("user", "reset-password", "ito", "--password-stdin", stdin="akikaze-2026x\n") == 0
    assert cli("user", "disable", "ito") == 0
    capsys.readouterr()
    assert cli("user", "list", "--active", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []  # disabled users are hidden with --active
    assert cli("user", "list", "--json") == 0
    assert [u["active"] for u in json.loads(capsys.readouterr().out)] == [False]
    assert cli("user", "enable", "ito") == 0
    capsys.readouterr()
    assert cli("audit", "--target", "user:ito", "--json") == 0
    log = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in log] == [
        "user.enable",
        "user.disable",
        "user.reset_password",
        "user.set_role",
        "user.add",
    ]
    assert all(e["actor"].startswith("cli:") for e in log)
    store = Store.open(db_url)
    try:
        assert authenticate(store, "ito", "akikaze-2026x").scope == "national"
    finally:
        store.engine.dispose()


def test_unknown_user_and_weak_password(cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("user", "reset-password", "nobody", "--password-stdin", stdin=PW + "\n") == 2
    assert "利用者「nobody」は登録されていません" in capsys.readouterr().err
    assert cli("user", "add", "tanaka", "--role", "admin", "--password-stdin", stdin="short\n") == 2
    assert "12文字以上" in capsys.readouterr().err


def test_interactive_password_must_match(cli, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    answers = iter(["harukaze-2026", "harukaze-2027"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli("user", "add", "tanaka", "--role", "admin") == 2
    assert "一致しません" in capsys.readouterr().err


def test_account_and_audit_commands_refuse_a_non_admin_user(db_url: str) -> None:
    """`--user NAME` applies the same rules to account commands: a planner cannot add an admin or
    read the audit log; an admin can."""
    assert (
        run(db_url, "user", "add", "boss", "--role", "admin", "--password-stdin", stdin=PW + "\n").returncode
        == 0
    )
    assert (
        run(
            db_url,
            "user",
            "add",
            "yahaba",
            "--role",
            "planner",
            "--org",
            "033227",
            "--password-stdin",
            stdin=PW + "\n",
        ).returncode
        == 0
    )
    r = run(
        db_url,
        "--user",
        "yahaba",
        "user",
        "add",
        "evil",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PW + "\n",
    )
    assert r.returncode != 0 and "管理者だけ" in r.stderr
    r = run(db_url, "--user", "yahaba", "audit")
    assert r.returncode != 0 and "管理者だけ" in r.stderr
    assert "evil" not in run(db_url, "user", "list").stdout
    r = run(db_url, "--user", "boss", "audit")
    assert r.returncode == 0
    assert "yahaba" in r.stdout  # the planner's account creation is in the log
