"""Two app processes writing the same plan at the same time (PostgreSQL, as in shared mode).

Each worker process repeatedly reads the plan, changes it and saves with the version it read.
Proven: a save based on a stale version is refused (StaleVersionError, never a silent
overwrite), every save that was acknowledged is in the audit log at the version it was
acknowledged with, and in the revision history with exactly the content that was sent — unless
the same worker's very next save folded it (autosave coalescing, plan_builder.store.repo). Also run on SQLite, which the
standalone deployment uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 15

WORKER = textwrap.dedent(
    """
    import json, random, sys, time
    from pathlib import Path
    from plan_builder.auth.actor import Actor, Role
    from plan_builder.errors import StaleVersionError
    from plan_builder.service import PlanService
    from plan_builder.store import Store

    url, plan_id, name, sync, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
    store = Store.open(url, load_lgs=False)
    svc = PlanService(store, Actor(name, Role.PLANNER, org_code="033227"))
    rng = random.Random(name)
    acked, refused = [], 0
    first = svc.get(plan_id)  # both workers read version 1 ...
    (sync / f"{name}.ready").touch()
    while not (sync / "go").exists():
        time.sleep(0.005)
    base = first
    i = 0
    while i < rounds:
        title = f"{name}-{i}"
        try:
            saved = svc.save(plan_id, base.plan.model_copy(update={"title": title}), expected_version=base.version)
        except StaleVersionError:
            refused += 1  # ... so at least one of the first two saves must be refused
            base = svc.get(plan_id)
            continue
        acked.append([saved.version, title])
        i += 1
        time.sleep(rng.random() * 0.004)
        base = svc.get(plan_id)
        time.sleep(rng.random() * 0.004)  # widen the window between read and write
    print(json.dumps({"acked": acked, "refused": refused}))
    print(f"refused={refused}", file=sys.stderr)
    """
)


@pytest.mark.parametrize(
    "db_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_processes_stale_writes_refused_nothing_lost(db_url: str, guide: Guide, tmp_path: Path) -> None:
    store = Store.open(db_url)
    try:
        actor = Actor("setup", Role.PLANNER, org_code="033227")
        plan_id = PlanService(store, actor).create(sample_plan(guide, n_measures=2, n_kpis=2)).id
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, db_url, str(plan_id), name, str(tmp_path), str(ROUNDS)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=ROOT,
            )
            for name in ("w1", "w2")
        ]
        deadline = time.monotonic() + 60
        while not all((tmp_path / f"{n}.ready").exists() for n in ("w1", "w2")):
            assert time.monotonic() < deadline, "workers did not start"
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.01)
        (tmp_path / "go").touch()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))

        acked = [tuple(a) for r in results for a in r["acked"]]
        refused = sum(r["refused"] for r in results)
        assert len(acked) == 2 * ROUNDS
        assert refused >= 1  # both started from version 1: one of them had to be refused
        versions = [v for v, _ in acked]
        assert len(set(versions)) == len(versions)  # no two acknowledged saves share a version

        history = {r.version for r in PlanService(store, actor).revisions(plan_id)}
        assert store.plan_meta(plan_id).version == 2 * ROUNDS + 1
        assert 2 * ROUNDS + 1 in history and 1 in history
        by_version = dict(acked)
        for version, title in acked:
            if version in history:  # kept, unchanged
                assert store.revision(plan_id, version).plan.title == title
            else:  # folded into the same worker's very next save (autosave coalescing)
                assert by_version[version + 1].split("-")[0] == title.split("-")[0], (version, acked)
        audit = PlanService(store, Actor("admin", Role.ADMIN)).audit_log(
            action="plan.save", target=f"plan:{plan_id}"
        )
        assert sorted(e.detail["version"] for e in audit) == sorted(versions)
    finally:
        store.engine.dispose()
