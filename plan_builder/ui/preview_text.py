"""What the preview shows: the export's own HTML for the plan (same tables and numbers as the
documents, every piece of planner text escaped), cached per plan version."""

from __future__ import annotations

import streamlit as st

from plan_builder.export import TemplateError, preview_html
from plan_builder.guide import Guide, get_guide
from plan_builder.plan import Plan
from plan_builder.ui import render


@st.cache_data(max_entries=32, show_spinner="プレビューを作成しています…")
def _cached(data: str, guide_id: str) -> tuple[str, str]:
    plan, guide = Plan.model_validate_json(data), get_guide(guide_id)
    try:
        return preview_html(plan, guide), ""
    except TemplateError as exc:
        return "", f"文書テンプレートに誤りがあるため表示できません：{exc}"


def document(plan: Plan, guide: Guide) -> tuple[str, str]:
    """(the HTML page, problem) for a plan; the problem is plain Japanese text or ""."""
    return _cached(plan.model_dump_json(), guide.id)


@st.cache_data(max_entries=32, show_spinner="文書を作成しています…")
def _markdown(data: str, guide_id: str) -> tuple[str, str]:
    import tempfile
    from pathlib import Path

    from plan_builder.export import export_plan
    from plan_builder.guide import get_guide

    plan, guide = Plan.model_validate_json(data), get_guide(guide_id)
    with tempfile.TemporaryDirectory(prefix="pb-preview-") as tmp:
        out = Path(tmp) / "plan.md"
        try:
            export_plan(plan, guide, "md", out, render_charts=False)
        except TemplateError as exc:
            return "", f"文書テンプレートに誤りがあるため表示できません：{exc}"
        return out.read_text(encoding="utf-8"), ""


def markdown(plan: Plan, guide: Guide) -> tuple[str, str]:
    """(Markdown, note) for a plan, as the Markdown export writes it (history page); math and
    links are off (render.inert_markdown)."""
    text, note = _markdown(plan.model_dump_json(), guide.id)
    return render.inert_markdown(text), note
