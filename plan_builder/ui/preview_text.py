"""The Markdown the preview shows: the export's own Markdown when available, else a simple
rendering with user text escaped. Cached per plan version (exporting is not free)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st

from plan_builder.guide.model import Guide
from plan_builder.plan.model import Plan
from plan_builder.ui import render

_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$", re.MULTILINE)


def _exported(plan: Plan, guide: Guide) -> str | None:
    try:
        from plan_builder.export import export_plan
    except ImportError:
        return None
    with tempfile.TemporaryDirectory(prefix="pb-preview-") as tmp:
        out = Path(tmp) / "plan.md"
        result = export_plan(plan, guide, "md", out, render_charts=False)
        text = Path(getattr(result, "path", out)).read_text(encoding="utf-8")
    return _IMAGE.sub("", text)  # chart images live next to the file; the app shows charts itself


@st.cache_data(max_entries=32, show_spinner="プレビューを作成しています…")
def _cached(data: str, guide_id: str) -> tuple[str, str]:
    from plan_builder.guide import get_guide

    plan, guide = Plan.model_validate_json(data), get_guide(guide_id)
    try:
        text = _exported(plan, guide)
    except Exception as exc:  # the export is someone else's module: never break the preview
        return render.plan_markdown(
            plan, guide
        ), f"文書出力の形式で表示できませんでした（{type(exc).__name__}）。簡易表示です。"
    if text is None:
        return render.plan_markdown(
            plan, guide
        ), "簡易表示です（文書出力機能が導入されると、文書と同じ体裁で表示されます）。"
    return text, ""


def markdown(plan: Plan, guide: Guide) -> tuple[str, str]:
    """(markdown, note) for a plan; math and links are off (render.inert_markdown)."""
    text, note = _cached(plan.model_dump_json(), guide.id)
    return render.inert_markdown(text), note
