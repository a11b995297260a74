"""Which deployment this process is, and whether it may listen where it was told to.

Standalone (the default) has no login and gives every visitor admin rights, so it must be
reachable from this computer only. Shared (PLAN_BUILDER_MODE=shared) has accounts and may be
served to the network. The setting fails closed: a value that is neither refuses to start,
rather than silently meaning "standalone" (which would open admin rights to whoever connects).

`python -m plan_builder.auth.mode [streamlit args]` runs the same check before the server starts
(scripts/run_app.sh), reading the listen address the way Streamlit does: command line, then
environment, then .streamlit/config.toml.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import tomllib
from collections.abc import Mapping, Sequence
from enum import Enum
from pathlib import Path

from plan_builder.errors import PlanBuilderError

MODE_ENV = "PLAN_BUILDER_MODE"
ADDRESS_ENV = "STREAMLIT_SERVER_ADDRESS"
HOSTS_ENV = "STREAMLIT_SERVER_ALLOWED_HOSTS"
PROXIES_ENV = "PLAN_BUILDER_TRUSTED_PROXIES"  # reverse proxies in front of the app (default 1)
CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"


class Mode(Enum):
    STANDALONE = "standalone"
    SHARED = "shared"

    @property
    def label(self) -> str:
        return "単独利用" if self is Mode.STANDALONE else "共有利用"


class DeploymentError(PlanBuilderError):
    """The process is configured so that it must not start (Japanese message, names the setting)."""


def deployment_mode(env: Mapping[str, str] | None = None) -> Mode:
    """The configured mode; unset or empty means standalone, anything unknown is refused."""
    raw = (os.environ if env is None else env).get(MODE_ENV, "")
    value = raw.strip().lower()
    if value in ("", Mode.STANDALONE.value):
        return Mode.STANDALONE
    if value == Mode.SHARED.value:
        return Mode.SHARED
    raise DeploymentError(
        f"環境変数 {MODE_ENV} の値「{raw[:40]}」は使えません。"
        "standalone（このパソコンだけで使う）か shared（利用者アカウントで共有する）を指定してください。"
    )


def shared_mode() -> bool:
    """Shared: accounts and login, PostgreSQL via DATABASE_URL, several app processes.

    Raises DeploymentError for an unknown value, so no caller can mistake it for standalone.
    """
    return deployment_mode() is Mode.SHARED


def trusted_proxies(env: Mapping[str, str] | None = None) -> int:
    """How many reverse proxies append to X-Forwarded-For before the app (0: ignore the header)."""
    raw = (os.environ if env is None else env).get(PROXIES_ENV, "1").strip()
    return int(raw) if raw.isdigit() else 1


def client_address(forwarded: str | None, peer: str | None, trusted: int) -> str:
    """The client's address for throttling and the audit log.

    Each proxy appends the address it received the request from, so with `trusted` proxies the
    client is the `trusted`-th hop from the right; the hops to its left were sent by the client
    and prove nothing (the first hop was trusted before: anyone could pick their own address).
    """
    hops = [h.strip() for h in (forwarded or "").split(",") if h.strip()]
    if trusted <= 0 or not hops:
        return (peer or "")[:64]
    return hops[-min(trusted, len(hops))][:64]


def is_loopback(address: str) -> bool:
    """True for a listen address that only this computer can reach (127.0.0.0/8, ::1, localhost)."""
    address = (address or "").strip().strip("[]").lower()
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # empty (= every interface), 0.0.0.0, a host name, a unix socket, ...


def check_deployment(mode: Mode, address: str, allowed_hosts: Sequence[str]) -> None:
    """Refuse settings that would expose the app: DeploymentError with what to change."""
    if mode is Mode.STANDALONE and not is_loopback(address):
        shown = address or "（指定なし：すべてのネットワーク）"
        raise DeploymentError(
            f"単独利用（standalone）ではログインがなく全員が管理者になるため、"
            f"待ち受けアドレス（server.address）は 127.0.0.1 に限ります（現在：{shown}）。"
            f"ほかのパソコンから使うには {MODE_ENV}=shared にして利用者アカウントを作成してください。"
        )
    hosts = [h.strip() for h in allowed_hosts if h.strip()]
    if not hosts or "*" in hosts:
        raise DeploymentError(
            "許可するホスト名（server.allowedHosts、環境変数 "
            f"{HOSTS_ENV}）に、利用者が開く名前を指定してください（「*」や空欄は使えません）。"
        )


def _all_from_args(args: Sequence[str], option: str) -> list[str]:
    found = []
    for i, a in enumerate(args):
        if a == option and i + 1 < len(args):
            found.append(args[i + 1])
        elif a.startswith(option + "="):
            found.append(a.split("=", 1)[1])
    return found


def _from_args(args: Sequence[str], option: str) -> str | None:
    found = _all_from_args(args, option)
    return found[-1] if found else None


def effective_settings(
    args: Sequence[str], env: Mapping[str, str], config: Path = CONFIG
) -> tuple[str, list[str]]:
    """(server.address, server.allowedHosts) as Streamlit will read them: args > env > config."""
    server: dict = {}
    if config.is_file():
        server = tomllib.loads(config.read_text(encoding="utf-8")).get("server", {})
    address = _from_args(args, "--server.address")
    if address is None:
        address = env.get(ADDRESS_ENV, server.get("address", ""))
    hosts_args = _all_from_args(args, "--server.allowedHosts")
    if hosts_args:
        hosts = hosts_args
    elif HOSTS_ENV in env:
        hosts = env[HOSTS_ENV].split()  # click splits a multiple option's variable on whitespace
    else:
        hosts = list(server.get("allowedHosts", []))
    return str(address), hosts


def start_message(mode: Mode, address: str, port: str) -> str:
    """What the run script prints at start: where the app can be opened from."""
    if mode is Mode.STANDALONE:
        return (
            f"単独利用（standalone）で起動します。このパソコンからだけ http://localhost:{port} で開けます"
            "（ほかのパソコンからは接続できません）。"
        )
    return f"共有利用（shared）で起動します。待ち受けアドレス {address or 'すべて'}、ポート {port}。"


def main(argv: Sequence[str] | None = None) -> int:
    """Check the deployment before Streamlit starts; 0 when it may start, 2 when it must not."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        mode = deployment_mode()
        address, hosts = effective_settings(args, os.environ)
        check_deployment(mode, address, hosts)
    except DeploymentError as exc:
        print(f"起動できません：{exc}", file=sys.stderr)
        return 2
    port = _from_args(args, "--server.port") or os.environ.get("STREAMLIT_SERVER_PORT", "8501")
    print(start_message(mode, address, port), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
