"""The export's helper programs make no network request: Chromium (charts) and LibreOffice
(PDF) run under `strace -f` during a real export, and no connection to a non-loopback address
and no DNS query may appear. Skipped only where strace (or the program itself) is absent."""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from plan_builder.export import charts
from plan_builder.export.pdf import find_soffice

ROOT = Path(__file__).resolve().parents[1]
HAS_STRACE = shutil.which("strace") is not None
HAS_CHROMIUM = charts.find_browser() is not None and not charts.charts_disabled()

SCRIPT = r"""
import sys, time
from pathlib import Path
from plan_builder.export import charts, export_plan
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan

guide = get_guide("kanmin-2019-municipality")
plan = sample_plan(guide, n_measures=4, n_kpis=3)
fmt = sys.argv[1]
charts.render_pngs([], keep_warm=30)
result = export_plan(plan, guide, fmt, Path(sys.argv[2]))
assert result.charts_rendered or fmt == "md", result.warnings
time.sleep(float(sys.argv[3]))  # the browser stays open: background requests would show now
charts.shutdown()
print("exported", result.charts_placed)
"""

_INET4 = re.compile(r'sa_family=AF_INET,.*?inet_addr\("([^"]+)"\)')
_INET6 = re.compile(r'sa_family=AF_INET6,.*?inet_pton\(AF_INET6, "([^"]+)"')
_DNS = re.compile(r"htons\(53\)|/run/systemd/resolve")  # (nscd is asked for user names too)


def network_calls(log: str) -> tuple[list[str], list[str]]:
    """(non-loopback addresses contacted, DNS query lines) in an strace log."""
    outside, dns = [], []
    for line in log.splitlines():
        if _DNS.search(line):
            dns.append(line)
        for m in [*_INET4.finditer(line), *_INET6.finditer(line)]:
            address = ipaddress.ip_address(m.group(1))
            if not (address.is_loopback or address.is_unspecified):
                outside.append(line)
    return outside, dns


def test_the_log_reader_sees_what_it_must():
    log = "\n".join(
        [
            '12 connect(19, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
            '12 connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("192.168.1.1")}, 16) = 0',
            '12 connect(6, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            '12 connect(7, {sa_family=AF_UNIX, sun_path="/tmp/x"}, 110) = 0',
        ]
    )
    outside, dns = network_calls(log)
    assert len(outside) == 2 and len(dns) == 1


def test_chart_browser_command_line_is_quiet():
    cls = charts._quiet_browser_class()
    from choreographer.channels import Pipe

    browser = cls(Pipe(), path=charts.find_browser() or sys.executable)
    browser.pre_open()
    try:
        cli = browser.get_cli()
    finally:
        browser.clean()
    assert "--disable-web-security" not in cli  # web security stays on
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-field-trial-config",
        "--dns-prefetch-disable",
        "--disable-quic",
        "--host-resolver-rules=MAP * ^NOTFOUND",
    ):
        assert flag in cli
    assert [a for a in cli if a.startswith("--proxy-server=")] == ["--proxy-server=http://127.0.0.1:9"]


def _traced_export(tmp_path: Path, fmt: str, idle: float) -> str:
    log = tmp_path / "strace.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_BUILDER_CHART_KEEP_WARM": "30"}
    proc = subprocess.run(
        [
            "strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg,sendmmsg", "-o", str(log),
            sys.executable, "-c", SCRIPT, fmt, str(tmp_path / f"plan.{fmt}"), str(idle),
        ],
        capture_output=True,
        text=True,
        timeout=400,
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0 and "exported" in proc.stdout, proc.stderr[-2000:]
    return log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.skipif(not HAS_STRACE, reason="strace is not installed")
@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_chart_browser_makes_no_network_request(tmp_path: Path):
    log = _traced_export(tmp_path, "html", idle=8)
    outside, dns = network_calls(log)
    assert "AF_UNIX" in log or "sendmsg" in log  # the trace did see the browser's own traffic
    assert outside == [] and dns == [], (outside + dns)[:5]


@pytest.mark.skipif(not HAS_STRACE, reason="strace is not installed")
@pytest.mark.skipif(not HAS_CHROMIUM or find_soffice() is None, reason="no Chromium or LibreOffice")
def test_pdf_export_makes_no_network_request(tmp_path: Path):
    log = _traced_export(tmp_path, "pdf", idle=2)
    outside, dns = network_calls(log)
    assert outside == [] and dns == [], (outside + dns)[:5]
