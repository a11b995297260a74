"""Path traversal and other tricks in file names (uploads, downloads named after plan titles)."""

from __future__ import annotations

import re

import pytest
from hostile_cases import FILENAME_CASES
from hypothesis import given
from hypothesis import strategies as st

from plan_builder.uploads import safe_filename


@pytest.mark.parametrize(("name", "expected"), FILENAME_CASES, ids=[repr(n)[:30] for n, _ in FILENAME_CASES])
def test_hostile_file_names_are_neutralised(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_long_name_keeps_extension() -> None:
    out = safe_filename("計" * 500 + ".docx")
    assert len(out) <= 120 and out.endswith(".docx")


@given(st.text(max_size=300))
def test_any_name_is_safe(name: str) -> None:
    out = safe_filename(name)
    assert out and len(out) <= 120
    assert not re.search(r'[/\\<>:"|?*\x00-\x1f\x7f]', out)
    assert out not in {".", ".."} and not out.startswith(".")


def test_download_name_of_hostile_title(svc, saved) -> None:
    plan = saved.plan.model_copy(update={"title": "../../../etc/cron.d/計画<script>"})
    svc.save(saved.id, plan, expected_version=saved.version)
    name = svc.download_name(saved.id, "docx")
    assert "/" not in name and "\\" not in name and "<" not in name
    assert name.endswith("_v2.docx") and name.startswith("矢巾町_")
