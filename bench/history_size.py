"""History size: 2,000 autosaves of one plan, as a planner editing field by field for weeks.

Usage: .venv/bin/python bench/history_size.py [/tmp/history_bench.db] [--saves 2000]

Saves come through the one revision writer (Store.write) with simulated times: bursts of
edits seconds apart, pauses of minutes to days between sessions; every 250th save is a named
version (as a submission or 「版に名前を付ける」 would make). Prints the stored revision count,
the database size, and whether every named version can still be restored.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.store import AUTOSAVE_TAIL, RevisionWrite, Store, utcnow

MAX_DB_MB = 5.0  # the stated bound: the LG list (~1 MB) plus named versions and the tail


def run(path: Path, saves: int, seed: int = 1) -> dict[str, float]:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(f"sqlite:///{path}")
    guide = get_guide("kanmin-2019-municipality")
    rng = random.Random(seed)
    stored = store.create_plan(sample_plan(guide, lg_code="033227", lg_name="矢巾町"), "planner")
    keys = sorted(k for k, v in stored.plan.answers.items() if isinstance(v, str))
    at = utcnow() - timedelta(days=60)
    named = [1]
    t = time.perf_counter()
    for i in range(saves):
        at += (
            timedelta(seconds=rng.randint(5, 90))
            if rng.random() < 0.9
            else timedelta(hours=rng.randint(1, 40))
        )
        key = rng.choice(keys)
        plan = stored.plan.model_copy(
            update={
                "answers": {**stored.plan.answers, key: f"{stored.plan.answers[key][:400]}（{i}回目の修正）"}
            }
        )
        is_named = (i + 1) % 250 == 0
        stored = store.write(
            RevisionWrite(stored.id, plan, stored.version, "planner", f"保存{i}", named=is_named, at=at)
        )
        if is_named:
            named.append(stored.version)
    write_s = time.perf_counter() - t
    revs = store.revisions(stored.id)
    restored_ok = 0
    for v in named:
        want = store.revision(stored.id, v).plan.answers
        stored = store.restore(stored.id, v, expected_version=stored.version, actor="planner")
        restored_ok += stored.plan.answers == want
    with store.engine.connect() as conn:
        rev_bytes = conn.execute(text("SELECT SUM(LENGTH(data)) FROM plan_revision")).scalar_one()
    store.engine.dispose()
    return {
        "autosaves": saves,
        "named_versions": len(named),
        "revisions_stored": len(revs),
        "revisions_bound": len(named) + AUTOSAVE_TAIL,
        "revision_data_mb": rev_bytes / 1e6,
        "db_mb": path.stat().st_size / 1e6,
        "restored_ok": restored_ok,
        "write_seconds": write_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default="/tmp/history_bench.db")
    ap.add_argument("--saves", type=int, default=2000)
    args = ap.parse_args()
    r = run(Path(args.path), args.saves)
    print(f"autosaves: {r['autosaves']} saves")
    print(f"named_versions: {r['named_versions']} versions")
    print(f"revisions_stored: {r['revisions_stored']} rows (bound {r['revisions_bound']})")
    print(f"revision_data: {r['revision_data_mb']:.2f} MB")
    print(f"db_size: {r['db_mb']:.2f} MB (stated bound {MAX_DB_MB} MB)")
    print(f"restore_named_ok: {r['restored_ok']}/{r['named_versions']} versions")
    print(f"write_time: {r['write_seconds']:.1f} s")
    ok = r["revisions_stored"] <= r["revisions_bound"] and r["db_mb"] <= MAX_DB_MB
    sys.exit(0 if ok and r["restored_ok"] == r["named_versions"] else 1)


if __name__ == "__main__":
    main()
