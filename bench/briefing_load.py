"""A 説明会 under load: 30 participants join with the code and edit answers at once.

Drives the real app over Streamlit's own websocket protocol (`/_stcore/stream`, protobuf
BackMsg/ForwardMsg, the way the browser does): each simulated participant opens the sign-in
screen with `?join=CODE`, submits the join form with a display name, lands on their seat in the
wizard and keeps editing the first chapter's answers with 1–3 s of think time. A save's latency
is the time from sending the edit to the end of the script run that saved it (what the person
waits for). Afterwards the database is read: every answer's last acknowledged value must be there.

Setups (each reports the same figures, prefixed):
- `single`: one app process on SQLite;
- `nginx`: two app processes on PostgreSQL behind nginx, configured as docs/DEPLOYMENT.md §2.5
  (the cookie-hash variant, because every simulated client comes from 127.0.0.1 and `ip_hash`
  would send them all to one process; plain HTTP on loopback instead of TLS). Skipped, with a
  line saying so, when nginx or PostgreSQL is not installed.
Everything listens on 127.0.0.1 only. The app runs with `runner.postScriptGC=false` as shipped
(.streamlit/config.toml); `--gc` turns Streamlit's full collection after every run back on for a
comparison. The servers' resident memory at the start and the end of the load is printed.

    .venv/bin/python bench/briefing_load.py                 # 30 sessions, 2 minutes, both setups
    .venv/bin/python bench/briefing_load.py --minutes 5 --setups nginx --gc
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GUIDE = "kanmin-2019-municipality"
PG_PORT = int(os.environ.get("PG_PORT", "55447"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(url, timeout=1).status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- one simulated browser ---------------------------------------------------------------------
@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds per acknowledged save
    acked: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (name, label) -> values
    # every value sent for an answer, in order: a send that timed out or showed an error page may
    # still have been saved, and then rightly holds the place of an earlier acknowledged value
    sent: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    errors: int = 0  # runs that showed an exception or a warning, or failed to finish
    join_retries: int = 0  # join forms submitted again because the first submit was not seen


class Browser:
    """Just enough of Streamlit's frontend protocol: rerun with widget values, read the page."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.query = ""
        self.page_hash = ""
        self.widgets: dict[str, object] = {}  # id -> last value this client set
        self.elements: list[tuple[str, str, str]] = []  # (type, label, widget id) of the last run
        self.alerts: list[str] = []  # warnings and errors the last run showed
        self.trace: list[str] = []  # message kinds of the last run (for diagnosing a failure)
        self.finished_at = 0.0
        self.holding = False  # the last run showed 「サインインしています…」 (the sign-in hold)

    async def rerun(self, triggers: tuple[str, ...] = ()) -> bool:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        for wid, value in self.widgets.items():
            w = cs.widget_states.widgets.add()
            w.id = wid
            w.string_value = str(value)
        for wid in triggers:
            w = cs.widget_states.widgets.add()
            w.id = wid
            w.trigger_value = True
        await self.ws.send(msg.SerializeToString())
        return await self._until_finished()

    async def _until_finished(self) -> bool:
        """Read until the server has finished every run the request caused (st.rerun and
        switch_page start more runs; a quiet 0.4 s after a finished run means idle).
        `finished_at` is when the last run ended, the moment the person sees the result."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.elements, self.alerts, self.trace = [], [], []
        self.holding = False
        ok, finished = True, False
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout=0.4 if finished else 120)
            except TimeoutError:
                if finished:
                    return ok
                raise
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            self.trace.append(kind if kind != "script_finished" else f"finished:{fm.script_finished}")
            if kind == "new_session":
                self.page_hash = fm.new_session.page_script_hash
                self.elements, self.alerts, finished = [], [], False
            elif kind == "navigation":
                self.page_hash = fm.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                t = el.WhichOneof("type")
                if t == "exception":
                    ok = False
                    print(f"# exception: {el.exception.type}: {el.exception.message[:160]}", file=sys.stderr)
                elif t == "alert" and el.alert.format in (1, 2):  # ERROR, WARNING
                    self.alerts.append(el.alert.body)
                elif t == "alert" and "サインインしています" in el.alert.body:
                    self.holding = True
                elif t in ("text_input", "text_area", "button"):
                    w = getattr(el, t)
                    self.elements.append((t, w.label, w.id))
            elif kind == "script_finished" and fm.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                finished, self.finished_at = True, time.perf_counter()

    def find(self, kind: str, label_start: str) -> str:
        for t, label, wid in self.elements:
            if t == kind and label.startswith(label_start):
                return wid
        raise LookupError(f"no {kind} {label_start!r} on the page: {[e[1] for e in self.elements]}")


async def participant(
    ws_url: str, code: str, name: str, until: float, labels: list[str], res: Result
) -> None:
    import websockets

    from plan_builder.ui.login_cookie import HOLD_SECONDS

    async with websockets.connect(  # no keepalive pings: a busy server answers them late
        ws_url,
        subprotocols=["streamlit"],
        max_size=None,
        ping_interval=None,  # type: ignore[list-item]
    ) as ws:
        b = Browser(ws)
        b.query = f"join={code}"
        await b.rerun()
        # As a person would press 参加する again when nothing happened. After joining, the app holds
        # 「サインインしています…」 until the browser confirms the cookie; this client has no browser,
        # so it reruns once a second (as a person pressing 続ける would) until the fallback lets it in.
        for attempt in range(5 + int(HOLD_SECONDS) * 2):
            if any(e[0] == "text_area" for e in b.elements):
                break
            if attempt and not b.holding:
                res.join_retries += 1
                print(f"# join retried: {[e for e in b.trace if e != 'delta'][:14]}", file=sys.stderr)
            if attempt:
                await asyncio.sleep(1)
            if b.holding or not any(e[1] == "表示名" for e in b.elements):
                await b.rerun()
                if any(e[0] == "text_area" for e in b.elements):
                    break  # the earlier submit went through after all
                if b.holding:
                    continue
            b.widgets[b.find("text_input", "参加コード")] = code
            b.widgets[b.find("text_input", "表示名")] = name
            await b.rerun(triggers=(b.find("button", "参加する"),))
            deadline = time.monotonic() + 60  # a busy server may answer with an older run first
            while not b.alerts and not b.holding and not any(e[0] == "text_area" for e in b.elements):
                if time.monotonic() > deadline:
                    break
                try:
                    await b._until_finished()
                except TimeoutError:
                    break
            if b.alerts:
                raise RuntimeError(f"join refused: {b.alerts[0][:120]}")
        if not any(e[0] == "text_area" for e in b.elements):
            raise RuntimeError(f"join did not reach the seat: {[e for e in b.trace if e != 'delta'][:12]}")
        b.widgets.clear()
        areas = {label: b.find("text_area", label) for label in labels}
        n = 0
        while time.monotonic() < until:
            await asyncio.sleep(random.uniform(1, 3))
            label = random.choice(labels)
            n += 1
            value = f"{name}の回答 {n}：" + "地域の状況を記載します。" * random.randint(1, 8)
            b.widgets[areas[label]] = value
            res.sent.setdefault((name, label), []).append(value)
            t0 = time.perf_counter()
            try:
                ok = await b.rerun()
            except (TimeoutError, OSError):
                res.errors += 1
                continue
            if ok and not b.alerts:  # acknowledged: saved without a warning
                res.latencies.append(b.finished_at - t0)
                res.acked.setdefault((name, label), []).append(value)
            else:
                res.errors += 1
                if b.alerts:
                    print(f"# save refused: {b.alerts[0][:120]}", file=sys.stderr)
        # Before leaving, let the server finish whatever the last edit started (a person waits
        # for the page to settle too); a warning now means the last edit was refused after all.
        await b.rerun()
        if b.alerts and n:
            res.errors += 1
            print(f"# last save refused: {b.alerts[0][:120]}", file=sys.stderr)
            history = res.acked.get((name, label), [])
            if history and history[-1] == value:
                history.pop()  # the person saw the warning: that edit was not acknowledged


async def drive(ws_url: str, code: str, n: int, seconds: float, labels: list[str]) -> Result:
    res = Result()
    until = time.monotonic() + seconds
    tasks = []
    for i in range(n):
        tasks.append(asyncio.create_task(participant(ws_url, code, f"参加者{i + 1:02d}", until, labels, res)))
        await asyncio.sleep(0.1)  # people do not all press 参加する in the same millisecond
    done = await asyncio.gather(*tasks, return_exceptions=True)
    res.errors += sum(isinstance(d, BaseException) for d in done)
    for d in done:
        if isinstance(d, BaseException):
            print(f"# session failed: {d!r}", file=sys.stderr)
    return res


# --- servers -----------------------------------------------------------------------------------
def start_app(db: str, home: str, port: int, no_gc: bool, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": db, "PLAN_BUILDER_HOME": home, "PLAN_BUILDER_MODE": "shared"}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]  # fmt: skip
    cmd += ["--runner.postScriptGC", "false" if no_gc else "true"]  # explicit, whatever config.toml says
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    wait_http(f"http://127.0.0.1:{port}/_stcore/health")
    return proc


NGINX_CONF = """daemon off; pid {d}/nginx.pid; error_log {d}/error.log; worker_processes 1;
events {{ worker_connections 1024; }}
http {{
  access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  map $cookie_pb_route $pb_route {{ "" $request_id; default $cookie_pb_route; }}
  upstream plan_builder {{ hash $pb_route consistent; {servers} }}
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 12m;
    location / {{
      proxy_pass http://plan_builder;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 3600s; proxy_send_timeout 3600s; proxy_buffering off;
      add_header Set-Cookie "pb_route=$pb_route; Path=/; HttpOnly; SameSite=Lax";
    }}
  }}
}}
"""


def make_session(db: str) -> str:
    from plan_builder.auth import Actor, Role
    from plan_builder.store import Store
    from plan_builder.training import TrainingService

    store = Store.open(db)
    info = TrainingService(store, Actor("bench-trainer", Role.TRAINER)).create_session("負荷試験", GUIDE)
    store.engine.dispose()
    return info.join_code


def missing_edits(db: str, res: Result) -> int:
    """Acknowledged edits the database lost: the answer holds neither the last acknowledged value
    nor any value sent after it (a later send that timed out may have been saved over it)."""
    from plan_builder.auth import Actor, Role
    from plan_builder.guide import get_guide
    from plan_builder.store import Store
    from plan_builder.training import TrainingService

    guide = get_guide(GUIDE)
    store = Store.open(db)
    try:
        svc = TrainingService(store, Actor("bench-check", Role.ADMIN))
        seats = {s.participant: s.plan_id for s in svc.seats(svc.sessions()[0].id)}
        missing = 0
        for (name, label), values in res.acked.items():
            if not values:
                continue
            sent = res.sent.get((name, label), [])
            last = max(i for i, v in enumerate(sent) if v == values[-1])
            key = next(q.key for q in guide.chapters[0].questions if label.startswith(q.label))
            stored = store.get_plan(seats[name]).plan.answers.get(key) if name in seats else None
            if stored not in sent[last:]:
                missing += 1
                print(f"# missing: {name} {label}: acked {values[-1][:30]!r}, stored {str(stored)[:30]!r}",
                      file=sys.stderr)  # fmt: skip
        return missing
    finally:
        store.engine.dispose()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (from /proc, in seconds)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def report(
    prefix: str, res: Result, missing: int, rss: list[tuple[float, float]], seconds: float, cpu: float,
    load: tuple[float, float],
) -> None:  # fmt: skip
    lat = sorted(res.latencies)
    p = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: float("nan"))
    print(f"{prefix}_saves: {len(lat)} count")
    print(f"{prefix}_saves_per_second: {len(lat) / seconds:.1f} 1/s")
    print(f"{prefix}_save_p50: {p(0.50):.0f} ms")
    print(f"{prefix}_save_p95: {p(0.95):.0f} ms")
    print(f"{prefix}_save_mean: {statistics.fmean(lat) * 1000 if lat else float('nan'):.0f} ms")
    print(f"{prefix}_acked_edits_missing: {missing} count")
    unacked = sum(len(v) for v in res.sent.values()) - sum(len(v) for v in res.acked.values())
    print(f"{prefix}_unacknowledged_edits: {unacked} count")
    # every server process's CPU over the load (joins and page runs included), per acknowledged save
    print(f"{prefix}_server_cpu_per_save: {cpu / max(1, len(lat)) * 1000:.0f} ms")
    print(f"{prefix}_server_cpu_busy: {cpu / seconds * 100:.0f} %")
    print(f"{prefix}_machine_load_1m_start: {load[0]:.2f} load")
    print(f"{prefix}_machine_load_1m_end: {load[1]:.2f} load")
    print(f"{prefix}_error_runs: {res.errors} count")
    print(f"{prefix}_join_retries: {res.join_retries} count")
    print(f"{prefix}_participants_editing: {len({n for n, _ in res.acked})} count")
    for i, (a, b) in enumerate(rss):
        print(f"{prefix}_server{i + 1}_rss_start: {a:.0f} MB")
        print(f"{prefix}_server{i + 1}_rss_end: {b:.0f} MB")


def run_setup(name: str, args, tmp: Path) -> None:
    labels = ["地域の現状", "地域と行政の課題", "これまでの情報化の取組"]
    procs: list[subprocess.Popen] = []
    pg_dir = nginx = None
    try:
        if name == "single":
            db = f"sqlite:///{tmp / 'single.db'}"
            port = free_port()
            procs.append(start_app(db, str(tmp), port, args.no_gc, tmp / "single.log"))
            base = f"127.0.0.1:{port}"
        else:
            if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
                print("# nginx: not installed, setup skipped")
                return
            db = args.pg_url
            if not db:
                out = subprocess.run(["bash", "scripts/pg_private.sh", "start"], cwd=ROOT, env={**os.environ,
                                     "PG_PORT": str(PG_PORT)}, capture_output=True, text=True)  # fmt: skip
                if out.returncode:
                    print(f"# nginx: PostgreSQL could not start ({out.stderr.strip()[:200]}), setup skipped")
                    return
                pg_dir = out.stdout.strip()
                db = f"postgresql+psycopg://postgres@127.0.0.1:{PG_PORT}/app_test"
            ports = [free_port() for _ in range(args.processes)]
            for i, p in enumerate(ports):
                procs.append(start_app(db, str(tmp), p, args.no_gc, tmp / f"app{i}.log"))
            ngx_dir = tmp / "nginx"
            ngx_dir.mkdir(exist_ok=True)
            nport = free_port()
            servers = " ".join(f"server 127.0.0.1:{p};" for p in ports)
            (ngx_dir / "nginx.conf").write_text(NGINX_CONF.format(d=ngx_dir, servers=servers, port=nport))
            nginx = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(ngx_dir / "nginx.conf"),
                                      "-p", str(ngx_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)  # fmt: skip
            wait_http(f"http://127.0.0.1:{nport}/_stcore/health")
            base = f"127.0.0.1:{nport}"
        code = make_session(db)
        rss0 = [rss_mb(p.pid) for p in procs]
        cpu0, load0 = sum(cpu_seconds(p.pid) for p in procs), load_average()
        t0 = time.monotonic()
        res = asyncio.run(
            drive(f"ws://{base}/_stcore/stream", code, args.sessions, args.minutes * 60, labels)
        )
        elapsed = time.monotonic() - t0
        rss1 = [rss_mb(p.pid) for p in procs]
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu0
        rss = list(zip(rss0, rss1, strict=True))
        report(name, res, missing_edits(db, res), rss, elapsed, cpu, (load0, load_average()))
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(10)
        for p in procs:
            p.terminate()
            p.wait(20)
        if pg_dir:
            subprocess.run(["bash", "scripts/pg_private.sh", "stop", pg_dir], cwd=ROOT,
                           env={**os.environ, "PG_PORT": str(PG_PORT)}, capture_output=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=2.0, help="editing time per setup (default 2)")
    parser.add_argument("--setups", default="single,nginx", help="comma-separated: single, nginx")
    parser.add_argument("--processes", type=int, default=2, help="app processes behind nginx")
    parser.add_argument(
        "--gc",
        dest="no_gc",
        action="store_false",
        help="runner.postScriptGC=true (the shipped config turns it off)",
    )
    parser.add_argument("--pg-url", help="an existing PostgreSQL database instead of a private server")
    args = parser.parse_args()
    random.seed(15)
    print(f"sessions: {args.sessions} count")
    print(f"post_script_gc: {0 if args.no_gc else 1} flag")
    with tempfile.TemporaryDirectory(prefix="pb-briefing-") as tmp:
        for name in [s.strip() for s in args.setups.split(",") if s.strip()]:
            run_setup(name, args, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
