"""The nesting limit is measured on the parsed structure, not on bracket characters (issue 10, item 6).

Before the fix, text with 33 brackets in an answer made an exported plan impossible to re-import.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.exchange import export_json, parse_plan_json
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.uploads import MAX_JSON_DEPTH, UploadError, load_plan_json


def test_plan_with_100_brackets_round_trips_through_service(store, guide) -> None:
    svc = PlanService(store, Actor("p", Role.PLANNER, org_code="033227"))
    plan = sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)
    text = "[" * 100 + "{配列の例}" + "]" * 100 + "{" * 100
    plan = plan.model_copy(update={"title": "括弧[[[の計画"})
    plan.measures[0] = plan.measures[0].model_copy(update={"summary": text})
    stored = svc.create(plan)
    again = svc.import_json(svc.export_json(stored.id))
    assert again.plan.measures[0].summary == text
    assert again.plan.title == "括弧[[[の計画"


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet='[]{}"\\あa', max_size=300))
def test_any_string_content_is_not_nesting(text: str) -> None:
    data = {"schema_version": 1, "answers": {"x": text, "y": [text, {"z": text}]}}
    assert load_plan_json(json.dumps(data, ensure_ascii=False)) == data


def test_real_nesting_is_still_refused() -> None:
    deep: object = "leaf"
    for _ in range(MAX_JSON_DEPTH + 1):
        deep = [deep]
    with pytest.raises(UploadError, match="入れ子"):
        load_plan_json(json.dumps({"answers": deep}))
    ok: object = "leaf"
    for _ in range(MAX_JSON_DEPTH - 2):
        ok = {"k": ok}
    load_plan_json(json.dumps({"answers": ok}))


@pytest.mark.parametrize("n", [2_000, 200_000])
def test_very_deep_input_is_refused_without_crashing(n: int) -> None:
    with pytest.raises(UploadError, match="入れ子"):
        load_plan_json(b'{"a": ' + b"[" * n + b"]" * n + b"}")


def test_exchange_parse_accepts_brackets_in_text(guide) -> None:
    plan = sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)
    plan = plan.model_copy(update={"title": "{" * 40 + "計画"})
    assert parse_plan_json(export_json(plan)).title == "{" * 40 + "計画"
