"""Fixtures for the hostile-input tests: a planner's service and a database fingerprint."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.store.tables import PlanRecord, PlanRevisionRecord

PLANNER = Actor("planner-a", Role.PLANNER, org_code="033227")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Plans with their versions and data, and the number of revisions."""
    with store.session() as s:
        plans = sorted(
            (r.id, r.version, json.dumps(r.data, sort_keys=True, ensure_ascii=False))
            for r in s.exec(select(PlanRecord))
        )
        revisions = s.exec(select(func.count()).select_from(PlanRevisionRecord)).one()
    return tuple(plans), revisions


@pytest.fixture
def svc(store: Store) -> PlanService:
    return PlanService(store, PLANNER)


@pytest.fixture
def saved(svc: PlanService, guide: Guide):
    """One saved plan of the planner's organisation."""
    return svc.create(sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=2, n_kpis=2))


@pytest.fixture(scope="session")
def base_json(guide: Guide) -> dict[str, Any]:
    return json.loads(
        json.dumps(
            sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=2, n_kpis=2).model_dump(
                mode="json"
            )
        )
    )
