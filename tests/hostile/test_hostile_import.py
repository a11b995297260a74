"""Hostile plan import files: each is refused with a Japanese message; nothing is written."""

from __future__ import annotations

import json
import time

import pytest
from conftest import JAPANESE, fingerprint
from hostile_cases import JSON_CASES, JsonCase

from plan_builder.errors import PlanBuilderError
from plan_builder.service import PlanService


def test_base_file_imports(svc: PlanService, base_json: dict) -> None:
    """The control: the untouched file is accepted, so the refusals below are specific."""
    stored = svc.import_json(json.dumps(base_json, ensure_ascii=False))
    assert stored.plan.lg_code == "033227"


@pytest.mark.parametrize("case", JSON_CASES, ids=[c.id for c in JSON_CASES])
def test_hostile_import_refused(svc: PlanService, saved, base_json: dict, case: JsonCase) -> None:
    data = case.build(base_json)
    before = fingerprint(svc.store)
    t0 = time.perf_counter()
    with pytest.raises(PlanBuilderError) as exc:
        svc.import_json(data)
    elapsed = time.perf_counter() - t0
    message = str(exc.value)
    assert JAPANESE.search(message), message
    assert case.expect in message, message
    assert "Traceback" not in message and "pydantic" not in message.lower()
    assert fingerprint(svc.store) == before
    assert elapsed < 5, f"refusing {case.id} took {elapsed:.1f}s"
