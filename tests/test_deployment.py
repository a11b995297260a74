"""Standalone is for this computer only; the mode setting fails closed (issue 10, item 1)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from plan_builder.auth.mode import (
    DeploymentError,
    Mode,
    check_deployment,
    deployment_mode,
    effective_settings,
    is_loopback,
    main,
    shared_mode,
)

ROOT = Path(__file__).resolve().parents[1]
HOSTS = ["localhost", "127.0.0.1"]


@pytest.mark.parametrize("value", ["", "standalone", " Standalone ", "shared", "SHARED\n"])
def test_known_modes_are_accepted(value: str) -> None:
    expected = Mode.SHARED if "shared" in value.lower() else Mode.STANDALONE
    assert deployment_mode({"PLAN_BUILDER_MODE": value}) is expected
    assert deployment_mode({}) is Mode.STANDALONE


@given(st.text(max_size=20).filter(lambda v: v.strip().lower() not in ("", "standalone", "shared")))
def test_any_other_mode_is_refused_naming_the_setting(value: str) -> None:
    with pytest.raises(DeploymentError, match="PLAN_BUILDER_MODE"):
        deployment_mode({"PLAN_BUILDER_MODE": value})


@pytest.mark.parametrize("value", ["share", "shared-mode", "admin", "1", "true", "ｓｈａｒｅｄ"])
def test_shared_mode_never_fails_open(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """Before issue 10 every one of these meant standalone: admin rights for every visitor."""
    monkeypatch.setenv("PLAN_BUILDER_MODE", value)
    with pytest.raises(DeploymentError):
        shared_mode()


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses(address: str) -> None:
    assert is_loopback(address)
    check_deployment(Mode.STANDALONE, address, HOSTS)


@pytest.mark.parametrize("address", ["", "0.0.0.0", "::", "192.168.10.5", "10.0.0.1", "plan.example.lg.jp"])
def test_standalone_refuses_to_listen_beyond_this_computer(address: str) -> None:
    assert not is_loopback(address)
    with pytest.raises(DeploymentError, match="127.0.0.1") as err:
        check_deployment(Mode.STANDALONE, address, HOSTS)
    assert "shared" in str(err.value)
    check_deployment(Mode.SHARED, address, ["plan.example.lg.jp"])  # shared may serve the network


@pytest.mark.parametrize("hosts", [[], ["*"], ["localhost", "*"], [" "]])
def test_allowed_hosts_must_be_named(hosts: list[str]) -> None:
    for mode in Mode:
        with pytest.raises(DeploymentError, match="allowedHosts"):
            check_deployment(mode, "127.0.0.1", hosts)


def test_shipped_config_is_loopback_with_named_hosts_and_no_error_links() -> None:
    address, hosts = effective_settings([], {})
    assert address == "127.0.0.1"
    check_deployment(Mode.STANDALONE, address, hosts)
    st_config.get_config_options(force_reparse=True)
    assert st_config.get_option("server.address") == "127.0.0.1"
    assert st_config.get_option("client.showErrorLinks") is False
    assert st_config.get_option("client.showErrorDetails") == "none"
    assert st_config.get_option("server.enableCORS") is True
    assert st_config.get_option("server.enableXsrfProtection") is True
    # Streamlit skips its external-IP lookup when the browser address is set by hand.
    assert st_config.is_manually_set("browser.serverAddress")


def test_settings_are_read_like_streamlit_reads_them() -> None:
    env = {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0", "STREAMLIT_SERVER_ALLOWED_HOSTS": "a.example b.example"}
    assert effective_settings([], env) == ("0.0.0.0", ["a.example", "b.example"])
    args = ["--server.address", "10.1.1.1", "--server.allowedHosts=x.example", "--server.allowedHosts", "y"]
    assert effective_settings(args, env) == ("10.1.1.1", ["x.example", "y"])


def test_main_refuses_and_explains(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.delenv("PLAN_BUILDER_MODE", raising=False)
    monkeypatch.delenv("STREAMLIT_SERVER_ADDRESS", raising=False)
    monkeypatch.delenv("STREAMLIT_SERVER_ALLOWED_HOSTS", raising=False)
    assert main(["--server.address", "0.0.0.0"]) == 2
    assert "起動できません" in capsys.readouterr().err
    assert main(["--server.port", "8642"]) == 0
    assert "このパソコンからだけ http://localhost:8642" in capsys.readouterr().err


def _run_script(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "PLAN_BUILDER_MODE"))}
    return subprocess.run(
        ["bash", "scripts/run_app.sh", *args],
        cwd=ROOT,
        env={**env, **env_extra},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "args"),
    [
        ({"PLAN_BUILDER_MODE": "sharde"}, ()),
        ({}, ("--server.address", "0.0.0.0")),
        ({"STREAMLIT_SERVER_ADDRESS": ""}, ()),
    ],
)
def test_run_script_refuses_to_start(env: dict[str, str], args: tuple[str, ...]) -> None:
    done = _run_script(env, *args)
    assert done.returncode == 2, done.stderr
    assert "起動できません" in done.stderr
    assert "You can now view" not in done.stdout  # streamlit was never started


def _app() -> AppTest:
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def test_app_stops_on_unknown_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("PLAN_BUILDER_MODE", "Shared!")
    at = _app().run()
    assert any("PLAN_BUILDER_MODE" in e.value for e in at.error)
    assert not at.title and not at.sidebar.button  # no page, no navigation


def test_app_stops_when_standalone_listens_everywhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("PLAN_BUILDER_MODE", raising=False)
    before = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = _app().run()
    finally:
        st_config.set_option("server.address", before)
    assert any("127.0.0.1" in e.value for e in at.error)
    assert not at.title


def test_foreign_origin_check_makes_no_network_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit compares a foreign Origin with this machine's addresses, which it would look up
    on the internet (checkip.amazonaws.com) and via a UDP socket to 8.8.8.8. The launcher answers
    from memory. Guards raise before any packet could leave."""
    import socket

    from streamlit import net_util
    from streamlit.web.server import server_util

    from plan_builder.ui.launch import quiet_address_lookups

    attempts: list[object] = []

    def no_http(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("HTTP look-up")

    def no_connect(self, address):
        attempts.append(address)
        raise OSError("blocked by the test")

    monkeypatch.setattr(net_util, "_make_blocking_http_get", no_http)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    monkeypatch.setattr(net_util, "_internal_ip", None)
    monkeypatch.setattr(net_util, "_external_ip", None)
    with pytest.raises(AssertionError):  # the control: Streamlit on its own does try
        server_util.is_url_from_allowed_origins("http://evil.example")
    attempts.clear()
    quiet_address_lookups()
    assert server_util.is_url_from_allowed_origins("http://evil.example") is False
    assert server_util.is_url_from_allowed_origins("http://localhost:8501") is True
    assert attempts == []


# The client's address behind reverse proxies ------------------------------------------------


def test_client_address_is_the_hop_the_trusted_proxy_appended() -> None:
    from plan_builder.auth.mode import client_address

    # nginx with $proxy_add_x_forwarded_for: the client sent "10.9.9.9", nginx appended the peer.
    assert client_address("10.9.9.9, 192.0.2.7", "127.0.0.1", 1) == "192.0.2.7"
    assert client_address("192.0.2.7", "127.0.0.1", 1) == "192.0.2.7"  # nginx with $remote_addr
    assert client_address("1.1.1.1, 192.0.2.7, 10.0.0.2", "127.0.0.1", 2) == "192.0.2.7"
    assert client_address("192.0.2.7", "127.0.0.1", 3) == "192.0.2.7"  # fewer hops than proxies
    assert client_address("10.9.9.9", "127.0.0.1", 0) == "127.0.0.1"  # no proxy: header ignored
    assert client_address("", "127.0.0.1", 1) == "127.0.0.1"
    assert client_address(None, None, 1) == ""


@given(st.lists(st.from_regex(r"[0-9a-f.:]{1,20}", fullmatch=True), min_size=1, max_size=5))
def test_a_client_cannot_choose_its_address_by_sending_the_header(sent: list[str]) -> None:
    """Whatever a client puts into X-Forwarded-For, one trusted proxy's appended hop wins."""
    from plan_builder.auth.mode import client_address

    assert client_address(", ".join([*sent, "192.0.2.7"]), "127.0.0.1", 1) == "192.0.2.7"


def test_trusted_proxies_setting() -> None:
    from plan_builder.auth.mode import PROXIES_ENV, trusted_proxies

    assert trusted_proxies({}) == 1
    assert trusted_proxies({PROXIES_ENV: "0"}) == 0
    assert trusted_proxies({PROXIES_ENV: "2"}) == 2
    assert trusted_proxies({PROXIES_ENV: "many"}) == 1
