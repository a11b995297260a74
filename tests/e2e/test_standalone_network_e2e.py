"""The app as shipped, started by scripts/run_app.sh in standalone mode (issue 10, items 1 and 4).

- It listens on 127.0.0.1 only (read from /proc/net/tcp and tcp6, not by connecting to the
  machine's LAN address, which tests must never do).
- It makes no connection beyond loopback while starting and serving a page (strace; skipped
  where strace is absent): no external-IP lookup.
- A WebSocket whose Host is a foreign name (DNS rebinding) is refused; localhost is accepted.
All traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port, wait_healthy

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def _listeners(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on `port`."""
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(name).read_text().splitlines()[1:]:
            fields = line.split()
            addr, hexport = fields[1].rsplit(":", 1)
            if int(hexport, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.append(addr)
    return found


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """run_app.sh under strace (when present); yields (port, server log, strace log)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STREAMLIT_", "PLAN_BUILDER_MODE"))}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "PLAN_BUILDER_HOME": str(tmp_path)}
    trace = tmp_path / "strace.log"
    cmd = ["bash", "scripts/run_app.sh", "--server.port", str(port)]
    if shutil.which("strace"):
        cmd = ["strace", "-f", "-qq", "-e", "trace=connect,sendto", "-o", str(trace), *cmd]
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", proc, log_path, timeout=60)
            yield port, log_path, trace
        finally:  # the whole group: strace waits for its tracee, which bash does not signal
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def _handshake(port: int, host: str, origin: str | None = None) -> str:
    """The status line of a WebSocket upgrade to the app's stream with the given Host/Origin."""
    origin = origin or f"http://{host}:{port}"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {host}:{port}\r\nOrigin: {origin}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Protocol: streamlit\r\n\r\n"
            ).encode()
        )
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_standalone_listens_on_loopback_only_and_says_so(standalone) -> None:
    port, log, _ = standalone
    listening = _listeners(port)
    assert listening, "nothing listens on the port"
    # 0100007F is 127.0.0.1; 00000000 (0.0.0.0) or any IPv6 wildcard would reach the LAN.
    assert set(listening) == {"0100007F"}, listening
    text = log.read_text()
    assert "このパソコンからだけ" in text
    assert "Network URL" not in text and "External URL" not in text


def test_foreign_host_is_refused_localhost_accepted(standalone) -> None:
    port, _, _ = standalone
    assert " 101 " in _handshake(port, "localhost") + " "
    for host in ("rebind.example", "192.168.0.10", "plan.example.lg.jp"):
        status = _handshake(port, host)
        assert " 101" not in status, (host, status)


def test_no_connection_leaves_loopback(standalone) -> None:
    port, _, trace = standalone
    if not shutil.which("strace"):
        pytest.skip("strace is not installed")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
        assert r.status == 200
    _handshake(port, "localhost")
    # A web page elsewhere opening the app's WebSocket: Streamlit checks the foreign Origin
    # against the machine's own addresses, which it would otherwise look up on the internet.
    assert " 101" not in _handshake(port, "localhost", "http://evil.example")
    outside = []
    for line in trace.read_text().splitlines():
        for _family, addr in re.findall(
            r"sa_family=(AF_INET6?).*?inet_(?:addr|pton)\([^\"]*\"([^\"]+)\"", line
        ):
            if not (addr.startswith("127.") or addr in ("::1", "::ffff:127.0.0.1")):
                outside.append(line)
    assert not outside, "\n".join(outside[:5])
