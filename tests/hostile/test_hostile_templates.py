"""A hostile custom document template runs in the Jinja sandbox and fails safely."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import JAPANESE
from hostile_cases import TEMPLATE_CASES

from plan_builder.export.context import build_context
from plan_builder.export.text import ROOT_TEMPLATE, TemplateError, render_template
from plan_builder.guide import Guide


@pytest.mark.parametrize("case", sorted(TEMPLATE_CASES))
def test_hostile_template_fails_safely(tmp_path: Path, saved, guide: Guide, case: str) -> None:
    (tmp_path / ROOT_TEMPLATE).write_text(TEMPLATE_CASES[case], encoding="utf-8")
    context = build_context(saved.plan, guide)
    title_before = saved.plan.title
    with pytest.raises(TemplateError) as exc:
        render_template(tmp_path, context)
    message = str(exc.value)
    assert JAPANESE.search(message), message
    assert "root:" not in message and "uid=" not in message  # nothing from the system leaked
    assert saved.plan.title == title_before


def test_benign_custom_template_still_works(tmp_path: Path, saved, guide: Guide) -> None:
    (tmp_path / ROOT_TEMPLATE).write_text("<p>{{ title }}（{{ lg }}）</p>", encoding="utf-8")
    try:
        out = render_template(tmp_path, build_context(saved.plan, guide))
    except TemplateError as exc:  # the context may name the plan differently
        pytest.fail(f"benign template refused: {exc}")
    assert saved.plan.title in out and "矢巾町" in out
