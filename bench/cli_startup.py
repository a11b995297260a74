"""Wall and CPU time of short CLI commands in fresh processes (target: `list` under 1 s).

Each command runs in a new interpreter, as a user runs it, against a fresh SQLite store that
already holds one plan (the first call, which creates the database, is timed separately). Also
prints how long `import plan_builder.cli` takes and whether the heavy libraries stayed unloaded.

    .venv/bin/python bench/cli_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("alembic", "yaml", "docx", "plotly", "kaleido", "streamlit", "jinja2", "openpyxl", "argon2")


def _run(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the child) and stdout of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "plan_builder", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode not in (0, 1):  # `check` exits 1 while something required is missing
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pb-cli-bench-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "PLAN_BUILDER_HOME": tmp}
    env["PYTHONPATH"] = str(ROOT)

    wall, cpu, out = _run(env, "new", "--lg", "033227", "--guide", "kanmin-2019-municipality")
    print(f"cli_first_call_new_wall: {wall:.3f} s")
    plan_id = out.strip()
    for name, command in (("list", ["list"]), ("guides", ["guides"]), ("check", ["check", plan_id])):
        walls, cpus = [], []
        for _ in range(args.runs):
            w, c, _ = _run(env, *command)
            walls.append(w)
            cpus.append(c)
        print(f"cli_{name}_wall_median: {statistics.median(walls):.3f} s")
        print(f"cli_{name}_wall_min: {min(walls):.3f} s")
        print(f"cli_{name}_cpu_median: {statistics.median(cpus):.3f} s")

    probe = (
        "import sys, time; t = time.perf_counter(); sys.argv = ['plan_builder', 'list'];"
        "from plan_builder.cli import main; i = time.perf_counter() - t; main();"
        f"print(i); print(sum(m.split('.')[0] in {HEAVY!r} for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    import_s, heavy = done.stdout.strip().splitlines()[-2:]
    print(f"cli_import_module: {float(import_s) * 1000:.0f} ms")
    print(f"cli_list_heavy_modules_loaded: {heavy} modules")
    print(f"cpu_count: {os.cpu_count()} cores")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f} processes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
