"""Write one synthetic plan per official municipality (1,741) into an SQLite file, quickly.

Usage: .venv/bin/python bench/gen_plans.py [/tmp/review_bench.db] [--limit N]

Plans start from plan_builder.samples.sample_plan and are varied per municipality (number of
measures and KPIs, pillars left out, answers left blank, shortened, kept as the guide's example,
reworded or copied) and spread over the review statuses with frozen submissions, transitions
and a few comments, so the review views have something realistic to chew on. Rows are written
with bulk INSERTs in one transaction.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from plan_builder.guide import get_guide
from plan_builder.guide.model import QuestionType
from plan_builder.plan.model import Plan, PlanStatus
from plan_builder.review.completeness import plan_completeness
from plan_builder.review.digest import digest
from plan_builder.review.tables import ReviewCommentRecord, ReviewTransitionRecord, SubmissionRecord
from plan_builder.samples import sample_plan
from plan_builder.store import Store
from plan_builder.store.tables import PlanRecord, PlanRevisionRecord, utcnow

GUIDE_ID = "kanmin-2019-municipality"
S = PlanStatus
# status → path of transitions from draft
PATHS: dict[PlanStatus, list[PlanStatus]] = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.IN_REVIEW: [S.SUBMITTED, S.IN_REVIEW],
    S.RETURNED: [S.SUBMITTED, S.IN_REVIEW, S.RETURNED],
    S.RESUBMITTED: [S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED],
    S.APPROVED: [S.SUBMITTED, S.IN_REVIEW, S.APPROVED],
}
WEIGHTS = {S.DRAFT: 8, S.SUBMITTED: 25, S.IN_REVIEW: 20, S.RETURNED: 12, S.RESUBMITTED: 10, S.APPROVED: 25}
EXTRA = [
    "今後は近隣市町村との共同化も検討します。",
    "取組の状況は毎年度、住民に分かりやすく公表します。",
    "関係団体や民間事業者と連携して進めます。",
    "住民アンケートの結果を踏まえ、優先順位を定めます。",
    "国や県の支援制度を積極的に活用します。",
]


def _vary_text(text: str, rng: random.Random, pool: dict[str, list[str]], key: str) -> str | None:
    r = rng.random()
    if r < 0.05:
        return None  # left blank
    if r < 0.10:
        return text[: rng.randint(4, 12)]  # very short
    if r < 0.30:
        return text  # as written (often the guide's example)
    if r < 0.40 and pool.get(key):
        return rng.choice(pool[key])  # copied from another municipality
    sentences = [x for x in text.split("。") if x]
    rng.shuffle(sentences)
    sentences = sentences[: max(1, len(sentences) - rng.randint(0, 1))]
    return "。".join(sentences) + "。" + "".join(rng.sample(EXTRA, rng.randint(1, 3)))


def _vary_plan(plan: Plan, rng: random.Random, pool: dict[str, list[str]], text_keys: set[str]) -> dict:
    d = plan.model_dump(mode="json")
    for key in text_keys:
        if key in d["answers"]:
            v = _vary_text(d["answers"][key], rng, pool, key)
            if v is None:
                d["answers"].pop(key)
            else:
                d["answers"][key] = v
                if rng.random() < 0.3:
                    pool.setdefault(key, []).append(v)
    if rng.random() < 0.25 and len(d["pillars"]) > 2:  # leave a pillar out
        gone = rng.choice(d["pillars"])
        d["pillars"] = [p for p in d["pillars"] if p != gone]
        d["measures"] = [m for m in d["measures"] if m["pillar"] != gone]
        d["kpis"] = [k for k in d["kpis"] if k["pillar"] != gone]
        left = {k["key"] for k in d["kpis"]}
        for m in d["measures"]:
            m["kpi_keys"] = [k for k in m["kpi_keys"] if k in left]
    return d


def _revise(d: dict, rng: random.Random) -> dict:
    """The content of a resubmission: some answers and KPI targets changed."""
    d = {**d, "answers": dict(d["answers"]), "kpis": [dict(k) for k in d["kpis"]]}
    for key in rng.sample(sorted(d["answers"]), 2):
        if isinstance(d["answers"][key], str):
            d["answers"][key] = d["answers"][key] + "ご指摘を踏まえ、内容を具体化しました。"
    for k in d["kpis"][:2]:
        k["targets"] = {fy: (v * 1.1 if isinstance(v, int | float) else v) for fy, v in k["targets"].items()}
    return d


def generate(url: str, limit: int | None = None, seed: int = 1, plans_total: int | None = None) -> int:
    store = Store.open(url)
    guide = get_guide(GUIDE_ID)
    text_keys = {q.key for q in guide.questions() if q.type is QuestionType.LONG_TEXT and not q.field}
    lgs = [g for g in store.local_governments() if g.level == "municipality" and not g.northern_territories]
    lgs = lgs[:limit] if limit else lgs
    if plans_total:  # more plans than governments: some governments get a second or third plan
        lgs = (lgs * -(-plans_total // len(lgs)))[:plans_total]
    rng = random.Random(seed)
    pool: dict[str, list[str]] = {}
    now = utcnow()
    plans, revisions, submissions, transitions, comments = [], [], [], [], []
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    for i, lg in enumerate(lgs, 1):
        base = sample_plan(
            guide,
            lg_code=lg.code6,
            lg_name=lg.name,
            n_measures=rng.randint(3, 14),
            n_kpis=rng.randint(2, 12),
            seed=i,
        )
        data = _vary_plan(base, rng, pool, text_keys)
        status = rng.choices(statuses, weights)[0]
        t0 = now - timedelta(days=rng.randint(1, 90))
        version, round_no, when = 1, 0, t0
        revisions.append(
            dict(
                plan_id=i,
                version=1,
                data={**data, "status": "draft"},
                created_at=t0,
                actor="gen",
                note="作成",
            )
        )
        current = S.DRAFT
        for to in PATHS[status]:
            when += timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 8))
            if to is S.RESUBMITTED:
                data = _revise(data, rng)
            version += 1
            if to in (S.SUBMITTED, S.RESUBMITTED):
                round_no += 1
                fc = plan_completeness(Plan.model_validate(data), guide)
                submissions.append(
                    dict(plan_id=i, round=round_no, revision_version=version, submitted_at=when,
                         submitted_by="planner", completeness=fc.value, findings_count=fc.findings,
                         digest=digest(data))
                )  # fmt: skip
            revisions.append(
                dict(plan_id=i, version=version, data={**data, "status": to.value}, created_at=when, actor="gen",
                     note=to.label)
            )  # fmt: skip
            transitions.append(
                dict(plan_id=i, from_status=current.value, to_status=to.value, round=round_no or None,
                     revision_version=version, actor="gen", actor_role="admin", at=when, note="")
            )  # fmt: skip
            if to is S.RETURNED:
                comments.append(
                    dict(plan_id=i, round=round_no, chapter_key="current", question_key="current.issues",
                         body="課題をもう少し具体的に記載してください。", author="reviewer", author_role="reviewer",
                         created_at=when, resolved=False)
                )  # fmt: skip
            current = to
        plans.append(
            dict(id=i, lg_code=lg.code6, guide_id=guide.id, title=data["title"], status=current.value,
                 is_training=False, version=version, data={**data, "status": current.value}, created_at=t0,
                 created_by="gen", updated_at=when, updated_by="gen")
        )  # fmt: skip
    with store.engine.begin() as conn:
        for table, rows in (
            (PlanRecord, plans),
            (PlanRevisionRecord, revisions),
            (SubmissionRecord, submissions),
            (ReviewTransitionRecord, transitions),
            (ReviewCommentRecord, comments),
        ):
            for j in range(0, len(rows), 500):
                conn.execute(insert(table), rows[j : j + 500])
    store.engine.dispose()
    return len(plans)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default="/tmp/review_bench.db")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--plans", type=int, default=None, help="total plans (e.g. 5000: scale beyond 1,741)")
    args = ap.parse_args()
    path = Path(args.path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    t = time.perf_counter()
    n = generate(f"sqlite:///{path}", args.limit, plans_total=args.plans)
    print(f"plans: {n}")
    print(f"gen_seconds: {time.perf_counter() - t:.2f} s")
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
