"""A 静岡県 desk for tests: five municipalities' plans at different stages, one left untouched.

Used by the unit tests of the status board, guarded approval and notices, and by the browser
test, so they all see the same picture.
"""

from __future__ import annotations

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

S = PlanStatus
REVIEWER = Actor("shizuoka-ken", Role.REVIEWER, scope="22")
# lg_code → (name, workflow path, publication URL kept?)
DESK: dict[str, tuple[str, list[PlanStatus], bool]] = {
    "221007": ("静岡市", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED], True),
    "221309": ("浜松市", [S.SUBMITTED, S.IN_REVIEW, S.APPROVED], False),
    "222038": ("沼津市", [S.SUBMITTED], False),
    "222054": ("熱海市", [], False),
    "222062": ("三島市", [S.SUBMITTED, S.IN_REVIEW, S.RETURNED], False),
}
FUJIEDA = "222143"  # 藤枝市: submitted in review, half empty, still naming the guide's town
EXPECTED = {
    "221007": "公表済",
    "221309": "承認済",
    "222038": "提出済",
    "222054": "作成中",
    "222062": "差戻し",
    FUJIEDA: "提出済",
}


def planner(lg_code: str) -> Actor:
    return Actor(f"p{lg_code}", Role.PLANNER, org_code=lg_code)


def seed_desk(store: Store, guide: Guide) -> dict[str, int]:
    """The plans of the desk; returns lg_code → plan id."""
    ids: dict[str, int] = {}
    for code, (name, path, keep_url) in DESK.items():
        plan = sample_plan(guide, lg_code=code, lg_name=name)
        if not keep_url:
            plan = plan.model_copy(update={"publication_url": ""})
        ids[code] = PlanService(store, planner(code)).create(plan).id
        for to in path:
            who = planner(code) if to in (S.SUBMITTED, S.RESUBMITTED) else REVIEWER
            note = "公表URLは公表後に追記します。" if to is S.APPROVED else ""
            ReviewService(store, who).transition(ids[code], to, note=note)
    ids[FUJIEDA] = seed_fujieda(store, guide)
    return ids


def seed_fujieda(store: Store, guide: Guide) -> int:
    """A weak plan in review: most answers blank, the rest the guide's examples unchanged."""
    plan = sample_plan(guide, lg_code=FUJIEDA, lg_name="藤枝市")
    keys = list(plan.answers)
    answers = {k: ("" if i % 3 else v) for i, (k, v) in enumerate(plan.answers.items()) if k in keys}
    plan = plan.model_copy(update={"answers": answers, "publication_url": ""})
    pid = PlanService(store, planner(FUJIEDA)).create(plan).id
    ReviewService(store, planner(FUJIEDA)).submit(pid)
    ReviewService(store, REVIEWER).start_review(pid)
    return pid
