"""Server-side time of one rerun of the wizard on a full plan (25 measures, 15 KPIs).

Runs the real app through Streamlit's AppTest against a fresh SQLite store, opens the wizard,
and times reruns on every chapter (a rerun is what each keystroke-save or click costs the
server). Also times a rerun that saves an answer. Target: median ≤ 100 ms.

    .venv/bin/python bench/wizard_rerun.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pb-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
    os.environ["PLAN_BUILDER_HOME"] = tmp

    from streamlit.testing.v1 import AppTest

    from plan_builder.auth import Actor
    from plan_builder.guide import get_guide
    from plan_builder.samples import sample_plan
    from plan_builder.service import PlanService
    from plan_builder.store import Store

    guide = get_guide("kanmin-2019-municipality")
    store = Store.open(os.environ["DATABASE_URL"])
    plan_id = PlanService(store, Actor.local()).create(sample_plan(guide, n_measures=25, n_kpis=15)).id

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["plan"] = str(plan_id)
    at.run()
    at.switch_page("plan_builder/ui/pages/wizard.py").run()
    assert not at.exception, at.exception

    reruns: list[float] = []
    for chapter in guide.chapters:
        at.radio[0].set_value(chapter.key).run()
        for _ in range(args.runs):
            t = time.perf_counter()
            at.run()
            reruns.append((time.perf_counter() - t) * 1000)
        assert not at.exception, at.exception

    at.radio[0].set_value(guide.chapters[0].key).run()
    area = next(a for a in at.text_area if a.label.startswith(guide.chapters[0].questions[0].label))
    saves: list[float] = []
    for i in range(args.runs):
        area = next(a for a in at.text_area if a.label.startswith(guide.chapters[0].questions[0].label))
        area.input(f"ベンチマーク用の文章 {i}")
        t = time.perf_counter()
        at.run()
        saves.append((time.perf_counter() - t) * 1000)
    assert store.get_plan(plan_id).plan.answers[guide.chapters[0].questions[0].key].startswith("ベンチマーク")

    print(f"wizard_rerun_median: {statistics.median(reruns):.1f} ms")
    print(f"wizard_rerun_p90: {statistics.quantiles(reruns, n=10)[-1]:.1f} ms")
    print(f"wizard_save_rerun_median: {statistics.median(saves):.1f} ms")
    print(f"wizard_reruns_measured: {len(reruns)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
