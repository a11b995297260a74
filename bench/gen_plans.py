"""Write one synthetic plan per official municipality (1,741) into an SQLite file, quickly.

Usage: .venv/bin/python bench/gen_plans.py [/tmp/review_bench.db] [--limit N]

Plans start from plan_builder.samples.sample_plan and are varied per municipality (number of
measures and KPIs, pillars left out, answers left blank, shortened, kept as the guide's example,
reworded or copied) and spread over the review statuses with frozen submissions, transitions
and a few comments, so the review views have something realistic to chew on. Everything is
written through the store's one revision writer in its batch form (two transactions).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plan_builder.guide import QuestionType, get_guide
from plan_builder.plan import Plan, PlanStatus
from plan_builder.review import (
    ReviewCommentRecord,
    ReviewTransitionRecord,
    SubmissionRecord,
    digest,
    plan_completeness,
)
from plan_builder.samples import sample_plan
from plan_builder.store import RevisionWrite, Store, utcnow

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
    """Plans are created and moved through the workflow by the store's one writer, in batches
    (create_plans, write_many), with the review rows added in the same transactions."""
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
    statuses, weights = list(WEIGHTS), list(WEIGHTS.values())
    first: list[Plan] = []
    for i, lg in enumerate(lgs, 1):
        base = sample_plan(
            guide,
            lg_code=lg.code6,
            lg_name=lg.name,
            n_measures=rng.randint(3, 14),
            n_kpis=rng.randint(2, 12),
            seed=i,
        )
        first.append(Plan.model_validate(_vary_plan(base, rng, pool, text_keys)))
    created = store.create_plans(first, "gen", at=now - timedelta(days=90))
    writes: list[RevisionWrite] = []
    hooks: list = []
    for stored in created:
        data = stored.plan.model_dump(mode="json")
        status = rng.choices(statuses, weights)[0]
        when = now - timedelta(days=rng.randint(1, 80))
        version, round_no, current = 1, 0, S.DRAFT
        for to in PATHS[status]:
            when += timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 8))
            if to is S.RESUBMITTED:
                data = _revise(data, rng)
            submitting = to in (S.SUBMITTED, S.RESUBMITTED)
            round_no += submitting
            plan = Plan.model_validate(data)
            fc = plan_completeness(plan, guide) if submitting else None
            writes.append(
                RevisionWrite(
                    stored.id, plan, version, "gen", to.label, status=to, submitted=submitting, at=when
                )
            )
            hooks.append(_review_rows(current, to, round_no or None, fc, to is S.RETURNED))
            version += 1
            current = to
    store.write_many(writes, also=hooks)
    store.engine.dispose()
    return len(created)


def _review_rows(current: PlanStatus, to: PlanStatus, round_no: int | None, fc, comment: bool):
    """The rows a real transition writes with its revision (see plan_builder.review.workflow)."""

    def add(s, rec) -> None:
        if fc is not None:
            s.add(
                SubmissionRecord(plan_id=rec.id, round=round_no, revision_version=rec.version,
                                 submitted_at=rec.updated_at, submitted_by="planner", completeness=fc.value,
                                 findings_count=fc.findings, digest=digest(rec.data))
            )  # fmt: skip
        s.add(
            ReviewTransitionRecord(plan_id=rec.id, from_status=current.value, to_status=to.value, round=round_no,
                                   revision_version=rec.version, actor="gen", actor_role="admin",
                                   at=rec.updated_at, note="")
        )  # fmt: skip
        if comment:
            s.add(
                ReviewCommentRecord(plan_id=rec.id, round=round_no, chapter_key="current",
                                    question_key="current.issues", body="課題をもう少し具体的に記載してください。",
                                    author="reviewer", author_role="reviewer", created_at=rec.updated_at,
                                    resolved=False)
            )  # fmt: skip

    return add


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
