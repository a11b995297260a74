"""Size limits hold on every path: service, CLI and import refuse the same oversize content
with the same Japanese message, and nothing is stored (issue 10, item 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import get_guide
from plan_builder.plan.limits import MAX_ANSWER_CHARS, MAX_PLAN_BYTES, PlanLimitError
from plan_builder.plan.model import Plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.store.repo import RevisionWrite

ROOT = Path(__file__).resolve().parents[1]
PLANNER = Actor("yahaba", Role.PLANNER, org_code="033227")
GUIDE = "kanmin-2019-municipality"
HUGE = "あ" * (21 * 1024 * 1024 // 3)  # 21 MB of UTF-8


def new_plan(**extra: object) -> Plan:
    return Plan.model_validate(
        {"lg_code": "033227", "lg_name": "矢巾町", "guide_id": GUIDE, "title": "矢巾町計画", **extra}
    )


def answer(plan: Plan, key: str, value: str) -> Plan:
    return plan.model_copy(update={"answers": {**plan.answers, key: value}})


def state(store: Store, plan_id: int) -> tuple:
    return store.get_plan(plan_id).version, len(store.revisions(plan_id))


def test_a_21_mb_answer_is_refused_by_the_service_and_nothing_is_stored(store: Store) -> None:
    svc = PlanService(store, PLANNER)
    s = svc.create(new_plan())
    with pytest.raises(
        PlanLimitError, match=r"「地域の現状」は20,000文字以内で入力してください（現在 7,340,032文字）"
    ):
        svc.save(s.id, answer(s.plan, "current.overview", HUGE), expected_version=1)
    assert state(store, s.id) == (1, 1)


def test_the_store_refuses_a_plan_over_the_size_limit_on_every_write(store: Store) -> None:
    """Even a caller that skips the service (a generator, a migration) cannot store megabytes."""
    s = store.create_plan(new_plan(), "t")
    big = {f"x.k{i}": "字" * 19_000 for i in range(MAX_PLAN_BYTES // 50_000 + 2)}
    with pytest.raises(PlanLimitError, match="計画の内容が大きすぎるため保存できません"):
        store.write(RevisionWrite(s.id, s.plan.model_copy(update={"answers": big}), 1, "t"))
    with pytest.raises(PlanLimitError):
        store.create_plan(new_plan(answers=big), "t")
    assert state(store, s.id) == (1, 1)


def test_title_longer_than_the_guide_allows_is_refused(store: Store) -> None:
    svc = PlanService(store, PLANNER)
    with pytest.raises(PlanLimitError, match=r"100文字以内で入力してください（現在 150文字）"):
        svc.create(new_plan(title="題" * 150))
    s = svc.create(new_plan())
    with pytest.raises(PlanLimitError, match=r"100文字以内"):
        svc.save(s.id, s.plan.model_copy(update={"title": "題" * 150}), expected_version=1)
    assert state(store, s.id) == (1, 1)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(0, 260))
def test_a_guide_limit_is_enforced_exactly(store: Store, n: int) -> None:
    """positioning.period is bounded by the guide (max_length); accepted iff within it."""
    guide = get_guide(GUIDE)
    q = next(q for q in guide.questions() if q.max_length and not q.field and q.max_length <= 200)
    svc = PlanService(store, PLANNER)
    s = svc.create(new_plan())
    plan = answer(s.plan, q.key, "字" * n) if n else s.plan
    if n <= q.max_length:
        assert svc.save(s.id, plan, expected_version=1, name="確認").version == 2
    else:
        with pytest.raises(PlanLimitError, match=f"「{q.label}」は{q.max_length:,}文字以内"):
            svc.save(s.id, plan, expected_version=1)


def test_import_refuses_an_oversize_answer_with_the_same_message(store: Store) -> None:
    data = json.loads(
        PlanService(store, PLANNER).export_json(PlanService(store, PLANNER).create(new_plan()).id)
    )
    data["answers"]["current.overview"] = "字" * (MAX_ANSWER_CHARS + 1)
    with pytest.raises(PlanLimitError, match="「地域の現状」は20,000文字以内"):
        PlanService(store, PLANNER).import_json(json.dumps(data, ensure_ascii=False))
    assert len(store.list_plans()) == 1


@pytest.mark.slow
def test_the_cli_refuses_a_21_mb_answer(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PLAN_BUILDER_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
        "PYTHONIOENCODING": "utf-8",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "plan_builder", *args], cwd=ROOT, env=env, capture_output=True, text=True,
            encoding="utf-8", timeout=180,
        )  # fmt: skip

    r = run("new", "--lg", "033227", "--guide", GUIDE)
    assert r.returncode == 0, r.stderr
    plan_id = r.stdout.strip()
    big = tmp_path / "big.txt"
    big.write_text(HUGE, encoding="utf-8")
    r = run("set", plan_id, "current.overview", "--value-file", str(big))
    assert r.returncode != 0
    assert "「地域の現状」は20,000文字以内で入力してください" in r.stderr
    r = run("history", plan_id)
    assert r.returncode == 0 and len(r.stdout.strip().splitlines()) == 2, r.stdout  # header, creation
