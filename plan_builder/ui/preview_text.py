"""The Markdown the preview shows: the export's own Markdown (the one Markdown renderer, with
user text escaped), without chart images. Cached per plan version (exporting is not free)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import streamlit as st

from plan_builder.export import export_plan
from plan_builder.guide import Guide, get_guide
from plan_builder.plan import Plan

_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$", re.MULTILINE)


def _exported(plan: Plan, guide: Guide) -> str:
    with tempfile.TemporaryDirectory(prefix="pb-preview-") as tmp:
        out = Path(tmp) / "plan.md"
        result = export_plan(plan, guide, "md", out, render_charts=False)
        text = Path(getattr(result, "path", out)).read_text(encoding="utf-8")
    return _IMAGE.sub("", text)  # chart images live next to the file; the app shows charts itself


@st.cache_data(max_entries=32, show_spinner="プレビューを作成しています…")
def _cached(data: str, guide_id: str) -> tuple[str, str]:
    plan, guide = Plan.model_validate_json(data), get_guide(guide_id)
    try:
        return _exported(plan, guide), ""
    except Exception as exc:  # never break the page; the note says what happened
        return (
            "",
            f"プレビューを作成できませんでした（{type(exc).__name__}）。点検の画面で内容を確認してください。",
        )


def markdown(plan: Plan, guide: Guide) -> tuple[str, str]:
    """(markdown, note) for a plan."""
    return _cached(plan.model_dump_json(), guide.id)
